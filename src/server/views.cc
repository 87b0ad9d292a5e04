// Views of a person shared by the API and the pages, and recording an activity.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "auth/password.h"
#include "io/folder.h"
#include "report/render.h"
#include "server/internal.h"
#include "store/store.h"

namespace pathways::web {

ScratchDir::ScratchDir(const std::string& prefix)
    : path(std::filesystem::temp_directory_path() / (prefix + random_token(12))) {
  std::filesystem::create_directories(path);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::string status_label(const Dataset& ds, const Rules& rules, const Status& s) {
  if (!s.known()) return "Not known";
  const uint16_t code = ds.activities.code[s.activity];
  switch (rules.category_of(code)) {
    case Category::kNeet: return "NEET";
    case Category::kNotKnown: return "Not known";
    case Category::kCustody: return "Custody";
    case Category::kPre16: return "Pre-16 education";
    case Category::kEet: return rules.participating(code) ? "Participating" : "EET, not participating";
  }
  return "";
}

std::string status_colour(const Dataset& ds, const Rules& rules, const Status& s) {
  if (!s.known()) return "grey";
  switch (rules.category_of(ds.activities.code[s.activity])) {
    case Category::kNeet: return "red";
    case Category::kNotKnown: return "grey";
    case Category::kCustody: return "purple";
    case Category::kPre16: return "blue";
    case Category::kEet: return "green";
  }
  return "";
}

namespace {

nlohmann::ordered_json status_json(const Dataset& ds, const Rules& rules, const Status& s, Date on) {
  nlohmann::ordered_json j;
  j["date"] = format_date(on);
  j["status"] = status_label(ds, rules, s);
  if (!s.known()) {
    j["activity_code"] = nullptr;
    return j;
  }
  const uint32_t a = s.activity;
  const auto& code = rules.code(ds.activities.code[a]);
  j["activity_code"] = fmt::format("{:03d}", code.code);
  j["activity_label"] = code.label;
  j["group"] = rules.group_of(ds.activities.code[a]).name;
  j["category"] = std::string(category_name(rules.category_of(ds.activities.code[a])));
  j["participating"] = rules.participating(ds.activities.code[a]);
  j["start_date"] = format_date(ds.activities.start[a]);
  j["last_verified"] = s.last_verified == kNoDate ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(format_date(s.last_verified));
  j["lapse_date"] = s.lapse_date == kNoDate ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(format_date(s.lapse_date));
  return j;
}

nlohmann::ordered_json opt_date(Date d) {
  return d == kNoDate ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(format_date(d));
}

}  // namespace

nlohmann::ordered_json person_brief_json(const Loaded& data, const Rules& rules, uint32_t p, Date on) {
  const Dataset& ds = data.ds;
  nlohmann::ordered_json j;
  j["person_id"] = ds.people.id[p];
  j["given_name"] = ds.people.given_name[p];
  j["family_name"] = ds.people.family_name[p];
  j["date_of_birth"] = format_date(ds.people.date_of_birth[p]);
  j["upn"] = ds.people.upn[p];
  j["uln"] = ds.people.uln[p];
  j["school_id"] = ds.people.school[p] == kNoIndex ? "" : std::string(ds.schools[ds.people.school[p]]);
  j["academic_age"] = academic_age(ds.people.date_of_birth[p], on);
  j["status"] = status_label(ds, rules, status_on(ds, rules, p, on));
  return j;
}

nlohmann::ordered_json person_json(const Loaded& data, const Rules& rules, uint32_t p, Date on) {
  const Dataset& ds = data.ds;
  nlohmann::ordered_json j;
  j["person_id"] = ds.people.id[p];
  const auto& cols = person_columns();
  const auto fields = person_fields(ds, rules, p);
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == "characteristics") continue;
    j[cols[i]] = fields[i];
  }
  nlohmann::ordered_json chars = nlohmann::ordered_json::array();
  for (size_t i = 0; i < rules.characteristics().size(); ++i) {
    if (!(ds.people.characteristics[p] & (1u << i))) continue;
    nlohmann::ordered_json c;
    c["code"] = fmt::format("{}", rules.characteristics()[i].code);
    c["label"] = rules.characteristics()[i].label;
    c["vulnerable"] = (rules.vulnerable_mask() & (1u << i)) != 0;
    chars.push_back(std::move(c));
  }
  j["characteristics"] = std::move(chars);
  j["academic_age"] = academic_age(ds.people.date_of_birth[p], on);
  const auto coach = data.coach_of.find(p);
  j["coach_id"] = coach == data.coach_of.end() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(coach->second);
  j["current"] = status_json(ds, rules, status_on(ds, rules, p, on), on);
  nlohmann::ordered_json acts = nlohmann::ordered_json::array();
  for (uint32_t a = ds.activity_begin[p]; a < ds.activity_begin[p + 1]; ++a) {
    const auto& code = rules.code(ds.activities.code[a]);
    nlohmann::ordered_json x;
    x["activity_code"] = fmt::format("{:03d}", code.code);
    x["activity_label"] = code.label;
    x["group"] = rules.group_of(ds.activities.code[a]).name;
    x["start_date"] = format_date(ds.activities.start[a]);
    x["end_date"] = opt_date(ds.activities.end[a]);
    x["verified_date"] = opt_date(ds.activities.verified[a]);
    x["review_date"] = opt_date(ds.activities.review[a]);
    x["provider_id"] = ds.activities.provider[a] == kNoIndex ? "" : std::string(ds.providers[ds.activities.provider[a]]);
    x["neet_reason"] = std::string(neet_reason_name(ds.activities.neet_reason[a]));
    x["source"] = ds.activities.source[a] == kNoIndex ? "" : std::string(ds.sources[ds.activities.source[a]]);
    acts.push_back(std::move(x));
  }
  j["activities"] = std::move(acts);
  return j;
}

namespace {

// Fields a user may send for an activity, in activities.csv order.
const std::vector<std::string>& activity_form_fields() {
  static const std::vector<std::string> f = {"activity_code", "start_date", "end_date", "verified_date",
                                             "review_date",   "provider_id", "neet_reason"};
  return f;
}

std::string csv_field(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::vector<FieldError> record_activity(Impl& app, Ctx& ctx, uint32_t p, const std::map<std::string, std::string>& in) {
  std::vector<FieldError> errors;
  auto get = [&](const std::string& k) {
    auto it = in.find(k);
    return it == in.end() ? std::string() : it->second;
  };
  for (const auto& [k, v] : in) {
    if (std::find(activity_form_fields().begin(), activity_form_fields().end(), k) == activity_form_fields().end())
      errors.push_back({k, "Unknown field " + k});
    else if (v.size() > 200 || !valid_utf8(v))
      errors.push_back({k, "Enter at most 200 characters of text"});
  }
  if (!errors.empty()) return errors;
  const Date today = app.today();
  const std::string code_s = get("activity_code");
  if (code_s.empty()) errors.push_back({"activity_code", "Select the activity"});
  else if (code_s.size() != 3 || !std::all_of(code_s.begin(), code_s.end(), ::isdigit) ||
           !app.rules.code_index(std::stoi(code_s)))
    errors.push_back({"activity_code", "Select an activity from the list"});
  struct D {
    const char* field;
    const char* name;
    bool required;
    Date value = kNoDate;
  };
  D dates[] = {{"start_date", "start date", true}, {"end_date", "end date", false}, {"verified_date", "date it was confirmed", false},
               {"review_date", "review date", false}};
  for (auto& d : dates) {
    const std::string v = get(d.field);
    if (v.empty()) {
      if (d.required) errors.push_back({d.field, fmt::format("Enter the {}", d.name)});
      continue;
    }
    const auto parsed = parse_date(v);
    if (!parsed) {
      errors.push_back({d.field, fmt::format("The {} must be a real date", d.name)});
      continue;
    }
    d.value = *parsed;
  }
  const Date start = dates[0].value, end = dates[1].value, verified = dates[2].value, review = dates[3].value;
  if (start != kNoDate && start > today) errors.push_back({"start_date", "The start date must be today or in the past"});
  if (start != kNoDate && start < ctx.data->ds.people.date_of_birth[p])
    errors.push_back({"start_date", "The start date must be after the date of birth"});
  if (end != kNoDate && start != kNoDate && end < start) errors.push_back({"end_date", "The end date must be on or after the start date"});
  if (verified != kNoDate && verified > today) errors.push_back({"verified_date", "The date it was confirmed must be today or in the past"});
  if (verified != kNoDate && start != kNoDate && verified < start)
    errors.push_back({"verified_date", "The date it was confirmed must be on or after the start date"});
  if (review != kNoDate && start != kNoDate && review < start)
    errors.push_back({"review_date", "The review date must be on or after the start date"});
  const std::string reason = get("neet_reason");
  if (!reason.empty() && reason != "awaiting_start" && reason != "applied" && reason != "supported" && reason != "not_ready" &&
      reason != "unwilling")
    errors.push_back({"neet_reason", "Select a NEET reason from the list"});
  if (!errors.empty()) return errors;

  // Through the file loader's checks and the store's versioned import, as one person's file.
  const Dataset& ds = ctx.data->ds;
  const ScratchDir scratch("pathways-web-");
  const std::filesystem::path& dir = scratch.path;
  {
    std::ofstream people(dir / "people.csv", std::ios::binary);
    people << "person_id";
    for (const auto& c : person_columns()) people << ',' << c;
    people << '\n' << csv_field(std::string(ds.people.id[p]));
    for (const auto& f : person_fields(ds, app.rules, p)) people << ',' << csv_field(f);
    people << '\n';
    std::ofstream acts(dir / "activities.csv", std::ios::binary);
    acts << "person_id";
    for (const auto& c : activity_form_fields()) acts << ',' << c;
    acts << ",source\n" << csv_field(std::string(ds.people.id[p]));
    for (const auto& c : activity_form_fields()) acts << ',' << csv_field(get(c));
    acts << ',' << csv_field(ctx.user().role == Role::coach ? "coach" : ctx.user().role == Role::school ? "school" : "la") << '\n';
  }
  LoadReport report;
  LoadOptions lo;
  lo.indicators = false;
  Dataset one = load_folder(dir.string(), app.rules, report, lo);
  if (!report.ok()) {
    for (const auto& e : report.errors) {
      std::string field = e.column;
      if (std::find(activity_form_fields().begin(), activity_form_fields().end(), field) == activity_form_fields().end())
        field = "activity_code";
      errors.push_back({field, e.reason});
    }
    return errors;
  }
  std::lock_guard lock(app.write_mutex);
  import_dataset(*app.write_db, one, app.rules, "web", ctx.user().username);
  app.reload();
  return errors;
}

std::string form_open(const Ctx& ctx, const std::string& action, bool multipart) {
  return fmt::format("<form method=\"post\" action=\"{}\" novalidate{}>{}", esc(action),
                     multipart ? " enctype=\"multipart/form-data\"" : "",
                     ctx.session ? hidden("csrf_token", ctx.session->csrf_token) : "");
}

std::string person_link(const Dataset& ds, uint32_t p) {
  return fmt::format("<a class=\"govuk-link\" href=\"/people/{}\">{} {}</a>", url_encode(ds.people.id[p]),
                     esc(ds.people.given_name[p]), esc(ds.people.family_name[p]));
}

}  // namespace pathways::web
