// Helpers shared by the tests: temporary folders and small hand-written CSV files.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "domain/rules.h"
#include "engine/dataset.h"
#include "io/folder.h"

namespace pathways::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "pathways-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  void write(const std::string& name, const std::string& content) const {
    std::filesystem::create_directories(std::filesystem::path(*this / name).parent_path());
    std::ofstream(*this / name, std::ios::binary) << content;
  }

 private:
  std::string path_;
};

inline constexpr const char* kPeopleHeader =
    "person_id,given_name,family_name,date_of_birth,gender,la_code,cohort_status,sen_status,characteristics,school_id\n";
inline constexpr const char* kActivitiesHeader =
    "person_id,activity_code,start_date,end_date,verified_date,review_date,provider_id,neet_reason,source\n";

// Loads a folder that must be valid; fails the calling test otherwise.
inline Dataset load_valid(const TempDir& dir, const Rules& rules = Rules::defaults()) {
  LoadReport report;
  Dataset ds = load_folder(dir.path(), rules, report);
  std::string all;
  for (const auto& e : report.errors) all += format_issue(e) + "\n";
  if (!report.ok()) ADD_FAILURE() << "unexpected load errors:\n" << all;
  return ds;
}

}  // namespace pathways::testing
