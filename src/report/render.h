// Turning reports into JSON (the public contract of formats.md), text tables for people,
// and CSV for spreadsheets.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "report/participation.h"

namespace pathways {

enum class Format { kTable, kJson, kCsv };

nlohmann::ordered_json to_json(const StatutoryReport& r);
nlohmann::ordered_json to_json(const AnnualReport& r);

std::string render(const StatutoryReport& r, Format f);
std::string render(const AnnualReport& r, Format f);

// A CSV cell, quoted when needed. Text starting with = + - @ (or tab/CR) is prefixed with
// an apostrophe so a spreadsheet never runs it as a formula.
std::string csv_cell(std::string_view s);

// "2024-25" for 2024.
std::string academic_year_name(int start_year);

}  // namespace pathways
