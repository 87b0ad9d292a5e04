// UTF-8 checks for text that arrives from users (passwords, audit details, names typed
// into forms) before it is hashed, stored or compared.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pathways {

// The code points of `text`, or nullopt when it is not valid UTF-8 (overlong forms,
// surrogates and values above U+10FFFF are invalid).
std::optional<size_t> utf8_length(std::string_view text);

// True when `text` holds a control character: C0 (U+0000-U+001F), DEL or C1 (U+0080-U+009F).
// Meant for valid UTF-8; bytes of invalid sequences are not control characters.
bool has_control_character(std::string_view text);

// `text` with every invalid UTF-8 sequence and every NUL replaced by U+FFFD, so any input
// can be stored (PostgreSQL refuses invalid UTF-8, both databases refuse NUL).
std::string sanitize_utf8(std::string_view text);

// ASCII letters lowered, every other byte unchanged.
std::string ascii_lower(std::string_view text);

}  // namespace pathways
