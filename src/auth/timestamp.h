// Timestamps of the accounts, sessions and audit tables: UTC ISO 8601 with milliseconds,
// "YYYY-MM-DDTHH:MM:SS.mmmZ" (store_timestamp() with a fraction). All values of one column
// share this one form, so comparing the text compares the times on both databases.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pathways {

using SystemTime = std::chrono::system_clock::time_point;

// `t` (default: now) as "YYYY-MM-DDTHH:MM:SS.mmmZ", truncated to the millisecond.
std::string timestamp_ms(SystemTime t = std::chrono::system_clock::now());

// Reads "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" or that with ".f" (1-9
// digits), each optionally ending in "Z" (a space may stand for the "T"); always UTC.
// nullopt for anything else, including dates that do not exist.
std::optional<SystemTime> parse_timestamp(std::string_view text);

}  // namespace pathways
