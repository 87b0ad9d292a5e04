#include "coaching/records.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "io/csv.h"

namespace pathways {

namespace {

constexpr size_t kMaxIdLength = 100;
constexpr size_t kMaxNoteChars = 4000;  // coaching/notes.csv text
constexpr size_t kMaxGoalChars = 500;   // coaching/action_plans.csv goal
constexpr size_t kMaxStepChars = 2000;  // coaching/action_plans.csv text

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

template <size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string s = "not one of ";
  for (size_t i = 0; i < N; ++i) s += (i ? ", " : "") + std::string(names[i]);
  return s;
}

template <size_t N>
int index_of(const std::array<std::string_view, N>& names, std::string_view v) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == v) return static_cast<int>(i);
  return -1;
}

// One data row of a coaching file, with the checks every file shares. Each check reports
// its own error and returns false when the cell is bad.
class Row {
 public:
  Row(const std::string& file, uint64_t line, LoadReport& report, const Dataset& people)
      : file_(file), line_(line), report_(report), people_(people) {}

  std::string_view cell(std::string_view column) const {
    auto it = cells_.find(column);
    return it == cells_.end() ? std::string_view() : it->second;
  }
  void set(std::string_view column, std::string_view value) { cells_[column] = trim(value); }
  uint64_t line() const { return line_; }
  bool ok() const { return ok_; }

  void error(std::string_view column, std::string_view value, std::string reason) {
    report_.error({file_, line_, std::string(column), printable(value), std::move(reason)});
    ok_ = false;
  }

  uint32_t person() {
    const std::string_view v = cell("person_id");
    if (auto why = text_cell_problem(v, true, kMaxIdLength); !why.empty()) {
      error("person_id", v, why);
      return kNoIndex;
    }
    const uint32_t p = people_.find_person(v);
    if (p == kNoIndex) error("person_id", v, "no such person in people.csv");
    return p;
  }
  std::string text(std::string_view column, bool required, size_t max_length = kMaxIdLength) {
    const std::string_view v = cell(column);
    if (auto why = text_cell_problem(v, required, max_length); !why.empty()) {
      error(column, v, why);
      return {};
    }
    return std::string(v);
  }
  // Free text of up to max_chars characters (code points of valid UTF-8).
  std::string long_text(std::string_view column, bool required, size_t max_chars) {
    const std::string_view v = cell(column);
    if (v.empty()) {
      if (required) error(column, v, "a value is required");
      return {};
    }
    if (!valid_utf8(v)) {
      error(column, v, "not valid UTF-8");
      return {};
    }
    size_t chars = 0;
    for (unsigned char c : v) chars += (c & 0xC0) != 0x80;
    if (chars > max_chars) {
      error(column, v, fmt::format("longer than {} characters ({})", max_chars, chars));
      return {};
    }
    return std::string(v);
  }
  // A yes/no cell (formats.md: Y/N, 1/0, true/false); nullopt when empty or bad.
  std::optional<bool> yes_no(std::string_view column, bool required) {
    const std::string_view v = cell(column);
    if (v.empty()) {
      if (required) error(column, v, "a value is required (yes or no)");
      return std::nullopt;
    }
    static constexpr std::array<std::string_view, 8> kYes = {"Y", "y", "1", "true", "TRUE", "True", "yes", "Yes"};
    static constexpr std::array<std::string_view, 8> kNo = {"N", "n", "0", "false", "FALSE", "False", "no", "No"};
    if (index_of(kYes, v) >= 0) return true;
    if (index_of(kNo, v) >= 0) return false;
    error(column, v, "not a yes/no value (Y/N, 1/0, true/false)");
    return std::nullopt;
  }
  Date date(std::string_view column, bool required) {
    const std::string_view v = cell(column);
    Date d = kNoDate;
    if (auto why = date_cell_problem(v, required, d); !why.empty()) error(column, v, why);
    return d;
  }
  // Index of the cell's value in `names`; -1 when empty (an error when required) or bad.
  template <size_t N>
  int choice(std::string_view column, const std::array<std::string_view, N>& names, bool required) {
    const std::string_view v = cell(column);
    if (v.empty()) {
      if (required) error(column, v, "a value is required");
      return -1;
    }
    const int i = index_of(names, v);
    if (i < 0) error(column, v, one_of(names));
    return i;
  }

 private:
  const std::string& file_;
  uint64_t line_;
  LoadReport& report_;
  const Dataset& people_;
  std::map<std::string_view, std::string_view, std::less<>> cells_;
  bool ok_ = true;
};

// Reads one file: checks the header against the required and optional columns, then calls
// `on_row` for each data row (blank lines skipped; a row with the wrong number of fields is
// an error). A missing file is an error when `file_required` is 1, a warning when 0, and
// nothing when -1.
void read_file(const std::filesystem::path& path, const std::string& name, int file_required,
               const std::vector<std::string_view>& required, const std::vector<std::string_view>& optional,
               const Dataset& people, LoadReport& report, const std::function<void(Row&)>& on_row) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    if (file_required < 0) return;  // an optional extension file: absent means none
    if (file_required)
      report.error({name, 0, "", "", "file not found: a folder's coaching records need coaching/caseload.csv"});
    else
      report.warning({name, 0, "", "", "file not found: read as no records"});
    return;
  }
  try {
    CsvReader csv(path.string(), name);
    if (!csv.next()) {
      report.error({name, 0, "", "", "file is empty: a header row is required"});
      return;
    }
    std::vector<std::string_view> names;  // of the columns we read, by position ("" = ignored)
    std::vector<std::string> header;
    for (size_t i = 0; i < csv.size(); ++i) {
      std::string h(trim(csv[i]));
      std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
      header.push_back(std::move(h));
    }
    bool header_ok = true;
    for (size_t i = 0; i < header.size(); ++i) {
      std::string_view known;
      for (auto n : required)
        if (n == header[i]) known = n;
      for (auto n : optional)
        if (n == header[i]) known = n;
      if (known.empty()) report.warning({name, csv.line(), header[i], "", "unknown column ignored"});
      else if (std::find(names.begin(), names.end(), known) != names.end()) {
        report.error({name, csv.line(), header[i], "", "column appears twice in the header"});
        header_ok = false;
      }
      names.push_back(known);
    }
    for (auto n : required) {
      if (std::find(names.begin(), names.end(), n) == names.end()) {
        report.error({name, csv.line(), std::string(n), "", "required column is missing"});
        header_ok = false;
      }
    }
    if (!header_ok) return;
    while (csv.next()) {
      if (csv.size() == 1 && trim(csv[0]).empty()) continue;
      if (csv.size() != names.size()) {
        report.error({name, csv.line(), "", "",
                      fmt::format("has {} fields but the header has {}", csv.size(), names.size())});
        continue;
      }
      Row row(name, csv.line(), report, people);
      for (size_t i = 0; i < names.size(); ++i)
        if (!names[i].empty()) row.set(names[i], csv[i]);
      on_row(row);
    }
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
  }
}

}  // namespace

std::optional<CoachingRecords> load_coaching(const std::string& dir, const Dataset& people, LoadReport& report) {
  const std::filesystem::path base = std::filesystem::path(dir) / "coaching";
  const size_t errors_before = report.error_count;
  CoachingRecords r;

  // caseload.csv
  {
    const std::string name = "coaching/caseload.csv";
    std::map<std::tuple<uint32_t, std::string, Date>, uint64_t> seen;
    read_file(base / "caseload.csv", name, true, {"person_id", "coach_id", "joined_date"},
              {"school_id", "programme", "left_date", "leave_reason"}, people, report, [&](Row& row) {
                CaseloadEpisode e;
                e.person = row.person();
                e.coach_id = row.text("coach_id", true);
                e.school_id = row.text("school_id", false);
                e.programme = row.text("programme", false);
                e.joined = row.date("joined_date", true);
                e.left = row.date("left_date", false);
                const int reason = row.choice("leave_reason", kLeaveReasonNames, false);
                if (reason >= 0) e.leave_reason = static_cast<LeaveReason>(reason + 1);
                if (!row.ok()) return;
                if (e.left != kNoDate && e.left < e.joined) {
                  row.error("left_date", row.cell("left_date"),
                            fmt::format("before joined_date {}", format_date(e.joined)));
                  return;
                }
                if (e.left == kNoDate && e.leave_reason != LeaveReason::kNone) {
                  row.error("leave_reason", row.cell("leave_reason"), "a leave_reason needs a left_date");
                  return;
                }
                if (e.left != kNoDate && e.leave_reason == LeaveReason::kNone)
                  report.warning({name, row.line(), "leave_reason", "",
                                  "left the caseload without a leave_reason: counted as other"});
                auto [it, fresh] = seen.emplace(std::make_tuple(e.person, e.coach_id, e.joined), row.line());
                if (!fresh) {
                  row.error("joined_date", row.cell("joined_date"),
                            fmt::format("the same person, coach and joined_date are on line {}", it->second));
                  return;
                }
                e.line = static_cast<uint32_t>(row.line());
                r.caseload.push_back(std::move(e));
              });
    // One caseload at a time: a person's episodes, by joined date, must not overlap (an
    // episode may start on the day the previous one ended: a hand-over).
    std::vector<const CaseloadEpisode*> order;
    for (const auto& e : r.caseload) order.push_back(&e);
    std::stable_sort(order.begin(), order.end(), [](const CaseloadEpisode* a, const CaseloadEpisode* b) {
      return std::tie(a->person, a->joined, a->line) < std::tie(b->person, b->joined, b->line);
    });
    for (size_t i = 1; i < order.size(); ++i) {
      const CaseloadEpisode& prev = *order[i - 1];
      const CaseloadEpisode& next = *order[i];
      if (prev.person != next.person) continue;
      if (prev.left == kNoDate || next.joined < prev.left) {
        const CaseloadEpisode& later = prev.line > next.line ? prev : next;
        const CaseloadEpisode& earlier = prev.line > next.line ? next : prev;
        report.error({name, later.line, "joined_date", format_date(later.joined),
                      fmt::format("overlaps the caseload episode on line {} (one caseload at a time)", earlier.line)});
      }
    }
  }

  // sessions.csv
  {
    const std::string name = "coaching/sessions.csv";
    std::map<std::pair<uint32_t, int>, uint64_t> seen;
    read_file(base / "sessions.csv", name, false, {"person_id", "session_number", "date"}, {"coach_id", "mode"},
              people, report, [&](Row& row) {
                CoachingSession s;
                s.person = row.person();
                const std::string_view n = row.cell("session_number");
                if (n.size() == 1 && n[0] >= '1' && n[0] <= '7') s.number = n[0] - '0';
                else row.error("session_number", n, n.empty() ? "a value is required" : "not a session number 1-7");
                s.date = row.date("date", true);
                s.coach_id = row.text("coach_id", false);
                static constexpr std::array<std::string_view, 2> kSessionModes = {"in_person", "virtual"};
                const int mode = row.choice("mode", kSessionModes, false);
                if (mode >= 0) s.mode = static_cast<ContactMode>(mode + 1);
                if (!row.ok()) return;
                auto [it, fresh] = seen.emplace(std::make_pair(s.person, s.number), row.line());
                if (!fresh) {
                  row.error("session_number", n,
                            fmt::format("session {} of this person is already recorded on line {}", s.number,
                                        it->second));
                  return;
                }
                s.line = static_cast<uint32_t>(row.line());
                r.sessions.push_back(std::move(s));
              });
  }

  // assessments.csv
  {
    const std::string name = "coaching/assessments.csv";
    std::map<std::tuple<uint32_t, int, Date>, uint64_t> seen;
    read_file(base / "assessments.csv", name, false, {"person_id", "assessment", "date"}, {}, people, report,
              [&](Row& row) {
                AssessmentRecord a;
                a.person = row.person();
                const int kind = row.choice("assessment", kAssessmentNames, true);
                a.date = row.date("date", true);
                if (!row.ok()) return;
                a.kind = static_cast<AssessmentKind>(kind);
                auto [it, fresh] = seen.emplace(std::make_tuple(a.person, kind, a.date), row.line());
                if (!fresh) {
                  row.error("date", row.cell("date"),
                            fmt::format("the same assessment of this person on this date is on line {}", it->second));
                  return;
                }
                a.line = static_cast<uint32_t>(row.line());
                r.assessments.push_back(a);
              });
  }

  // contacts.csv
  {
    const std::string name = "coaching/contacts.csv";
    std::map<std::tuple<uint32_t, Date, std::string, int, int>, uint64_t> seen;
    read_file(base / "contacts.csv", name, false, {"person_id", "date", "contact_with"}, {"coach_id", "mode"}, people,
              report, [&](Row& row) {
                Contact c;
                c.person = row.person();
                c.date = row.date("date", true);
                c.coach_id = row.text("coach_id", false);
                const int with = row.choice("contact_with", kContactWithNames, true);
                const int mode = row.choice("mode", kContactModeNames, false);
                if (!row.ok()) return;
                c.with = static_cast<ContactWith>(with);
                if (mode >= 0) c.mode = static_cast<ContactMode>(mode + 1);
                auto [it, fresh] = seen.emplace(std::make_tuple(c.person, c.date, c.coach_id, with, mode), row.line());
                if (!fresh) {
                  row.error("date", row.cell("date"),
                            fmt::format("the same contact (person, date, coach, contact_with, mode) is on line {}",
                                        it->second));
                  return;
                }
                c.line = static_cast<uint32_t>(row.line());
                r.contacts.push_back(std::move(c));
              });
  }

  // panel_referrals.csv (an extension: absent is no referrals, without a warning)
  {
    const std::string name = "coaching/panel_referrals.csv";
    std::map<std::pair<uint32_t, Date>, uint64_t> seen;
    read_file(base / "panel_referrals.csv", name, -1, {"person_id", "school_id", "referred_date", "rag", "reason"},
              {"panel_date", "decision", "actions"}, people, report, [&](Row& row) {
                PanelReferral x;
                x.person = row.person();
                x.school_id = row.text("school_id", true);
                x.referred = row.date("referred_date", true);
                const int rag = row.choice("rag", kRagNames, true);
                x.reason = row.text("reason", true, 500);
                x.panel_date = row.date("panel_date", false);
                const int decision = row.choice("decision", kPanelDecisionNames, false);
                x.actions = row.text("actions", false, 2000);
                if (!row.ok()) return;
                x.rag = static_cast<Rag>(rag);
                if (decision >= 0) x.decision = static_cast<PanelDecision>(decision + 1);
                if (x.panel_date == kNoDate && (x.decision != PanelDecision::kNone || !x.actions.empty())) {
                  row.error(x.decision != PanelDecision::kNone ? "decision" : "actions",
                            row.cell(x.decision != PanelDecision::kNone ? "decision" : "actions"),
                            "a panel decision or actions need a panel_date");
                  return;
                }
                if (x.panel_date != kNoDate && x.panel_date < x.referred) {
                  row.error("panel_date", row.cell("panel_date"), fmt::format("before referred_date {}", format_date(x.referred)));
                  return;
                }
                auto [it, fresh] = seen.emplace(std::make_pair(x.person, x.referred), row.line());
                if (!fresh) {
                  row.error("referred_date", row.cell("referred_date"),
                            fmt::format("this person's referral of the same date is on line {}", it->second));
                  return;
                }
                x.line = static_cast<uint32_t>(row.line());
                r.referrals.push_back(std::move(x));
              });
  }

  // notes.csv (an extension: absent is no notes, without a warning). Confidentiality is
  // never assumed: the column and a value in it are required.
  {
    const std::string name = "coaching/notes.csv";
    std::map<std::tuple<uint32_t, Date, std::string, std::string>, uint64_t> seen;
    read_file(base / "notes.csv", name, -1, {"person_id", "date", "text", "confidential"}, {"coach_id"}, people, report,
              [&](Row& row) {
                CoachingNote n;
                n.person = row.person();
                n.date = row.date("date", true);
                n.coach_id = row.text("coach_id", false);
                n.body = row.long_text("text", true, kMaxNoteChars);
                const auto confidential = row.yes_no("confidential", true);
                if (!row.ok()) return;
                n.confidential = *confidential;
                auto [it, fresh] = seen.emplace(std::make_tuple(n.person, n.date, n.coach_id, n.body), row.line());
                if (!fresh) {
                  row.error("text", row.cell("text"),
                            fmt::format("the same note (person, date, coach, text) is on line {}", it->second));
                  return;
                }
                r.notes.push_back(std::move(n));
              });
  }

  // action_plans.csv (an extension: absent is no plans, without a warning): one row per step,
  // the plan's columns repeated on each; a plan without steps is one row with empty step cells.
  {
    const std::string name = "coaching/action_plans.csv";
    struct PlanSeen {
      size_t index;     // into r.plans
      uint64_t line;    // the plan's first row
      bool stepless;    // that row has no step
    };
    std::map<std::tuple<uint32_t, Date, std::string>, PlanSeen> plans;
    std::map<std::pair<size_t, int>, uint64_t> steps;
    read_file(base / "action_plans.csv", name, -1,
              {"person_id", "plan_date", "goal", "step_no", "step_type", "step_date", "text"},
              {"coach_id", "closed_date", "done_date"}, people, report, [&](Row& row) {
                ActionPlan plan;
                plan.person = row.person();
                plan.created = row.date("plan_date", true);
                plan.goal = row.long_text("goal", true, kMaxGoalChars);
                plan.coach_id = row.text("coach_id", false);
                plan.closed = row.date("closed_date", false);
                const bool stepless = row.cell("step_no").empty() && row.cell("step_type").empty() &&
                                      row.cell("step_date").empty() && row.cell("text").empty() &&
                                      row.cell("done_date").empty();
                ActionPlanStep step;
                if (!stepless) {
                  const std::string_view n = row.cell("step_no");
                  int number = 0;
                  bool digits = !n.empty() && n.size() <= 4 && n[0] != '0';
                  for (char c : n) {
                    digits = digits && c >= '0' && c <= '9';
                    if (digits) number = number * 10 + (c - '0');
                  }
                  if (digits) step.step_no = number;
                  else row.error("step_no", n, n.empty() ? "a value is required" : "not a step number 1-9999");
                  step.review = row.choice("step_type", kPlanStepNames, true) == 1;
                  step.date = row.date("step_date", true);
                  step.body = row.long_text("text", true, kMaxStepChars);
                  step.done = row.date("done_date", false);
                }
                if (!row.ok()) return;
                if (plan.closed != kNoDate && plan.closed < plan.created) {
                  row.error("closed_date", row.cell("closed_date"), fmt::format("before plan_date {}", format_date(plan.created)));
                  return;
                }
                if (step.review && step.done != kNoDate) {
                  row.error("done_date", row.cell("done_date"), "only an action is done: a review has no done_date");
                  return;
                }
                auto [it, fresh] = plans.emplace(std::make_tuple(plan.person, plan.created, plan.goal),
                                                 PlanSeen{r.plans.size(), row.line(), stepless});
                if (!fresh) {
                  const ActionPlan& first = r.plans[it->second.index];
                  if (first.coach_id != plan.coach_id) {
                    row.error("coach_id", row.cell("coach_id"),
                              fmt::format("differs from this plan's coach_id on line {}", it->second.line));
                    return;
                  }
                  if (first.closed != plan.closed) {
                    row.error("closed_date", row.cell("closed_date"),
                              fmt::format("differs from this plan's closed_date on line {}", it->second.line));
                    return;
                  }
                  if (stepless || it->second.stepless) {
                    row.error("step_no", row.cell("step_no"),
                              fmt::format("the plan (person, plan_date, goal) is on line {}: a row without a step must "
                                          "be its plan's only row",
                                          it->second.line));
                    return;
                  }
                }
                if (fresh) r.plans.push_back(std::move(plan));
                if (stepless) return;
                const size_t index = it->second.index;
                auto [st, new_step] = steps.emplace(std::make_pair(index, step.step_no), row.line());
                if (!new_step) {
                  row.error("step_no", row.cell("step_no"),
                            fmt::format("step {} of this plan is already on line {}", step.step_no, st->second));
                  return;
                }
                r.plans[index].steps.push_back(std::move(step));
              });
    for (auto& plan : r.plans)
      std::sort(plan.steps.begin(), plan.steps.end(),
                [](const ActionPlanStep& a, const ActionPlanStep& b) { return a.step_no < b.step_no; });
  }

  if (report.error_count != errors_before) return std::nullopt;
  return r;
}

}  // namespace pathways
