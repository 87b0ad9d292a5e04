#include "coaching/export.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <fmt/format.h>

namespace pathways {

namespace {

std::string cell(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string date_cell(Date d) { return d == kNoDate ? std::string() : format_date(d); }

template <size_t N>
std::string name_cell(const std::array<std::string_view, N>& names, int i) {
  return i < 0 || static_cast<size_t>(i) >= N ? std::string() : std::string(names[static_cast<size_t>(i)]);
}

std::string mode_cell(ContactMode m) { return name_cell(kContactModeNames, static_cast<int>(m) - 1); }

void line(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cell(cells[i]);
  out += "\n";
}

void write_atomically(const std::filesystem::path& path, const std::string& content) {
  const std::string tmp = path.string() + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw std::runtime_error(fmt::format("{}: cannot write: {}", path.string(), std::strerror(errno)));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  if (std::fclose(f) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error(fmt::format("{}: write failed", path.string()));
  }
}

}  // namespace

CoachingExportSummary write_coaching_folder(const std::string& dir, const Dataset& people, const CoachingRecords& r) {
  const std::filesystem::path base = std::filesystem::path(dir) / "coaching";
  std::filesystem::create_directories(base);
  auto id = [&](uint32_t p) { return std::string(people.people.id[p]); };
  CoachingExportSummary sum;
  {
    std::string out = "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason\n";
    for (const auto& e : r.caseload)
      line(out, {id(e.person), e.coach_id, e.school_id, e.programme, date_cell(e.joined), date_cell(e.left),
                 name_cell(kLeaveReasonNames, static_cast<int>(e.leave_reason) - 1)});
    write_atomically(base / "caseload.csv", out);
    sum.caseload = static_cast<int64_t>(r.caseload.size());
  }
  {
    std::string out = "person_id,session_number,date,coach_id,mode\n";
    for (const auto& s : r.sessions) line(out, {id(s.person), std::to_string(s.number), date_cell(s.date), s.coach_id, mode_cell(s.mode)});
    write_atomically(base / "sessions.csv", out);
    sum.sessions = static_cast<int64_t>(r.sessions.size());
  }
  {
    std::string out = "person_id,assessment,date\n";
    for (const auto& a : r.assessments)
      line(out, {id(a.person), name_cell(kAssessmentNames, static_cast<int>(a.kind)), date_cell(a.date)});
    write_atomically(base / "assessments.csv", out);
    sum.assessments = static_cast<int64_t>(r.assessments.size());
  }
  {
    std::string out = "person_id,date,coach_id,contact_with,mode\n";
    for (const auto& c : r.contacts)
      line(out, {id(c.person), date_cell(c.date), c.coach_id, name_cell(kContactWithNames, static_cast<int>(c.with)), mode_cell(c.mode)});
    write_atomically(base / "contacts.csv", out);
    sum.contacts = static_cast<int64_t>(r.contacts.size());
  }
  {
    std::string out = "person_id,school_id,referred_date,rag,reason,panel_date,decision,actions\n";
    for (const auto& x : r.referrals)
      line(out, {id(x.person), x.school_id, date_cell(x.referred), name_cell(kRagNames, static_cast<int>(x.rag)), x.reason,
                 date_cell(x.panel_date), name_cell(kPanelDecisionNames, static_cast<int>(x.decision) - 1), x.actions});
    write_atomically(base / "panel_referrals.csv", out);
    sum.referrals = static_cast<int64_t>(r.referrals.size());
  }
  {
    // Key order; a note recorded twice in the same words is one row, confidential when
    // either copy is.
    std::vector<const CoachingNote*> order;
    for (const auto& n : r.notes) order.push_back(&n);
    auto key = [&](const CoachingNote* n) {
      return std::tuple<std::string_view, Date, std::string_view, std::string_view>(people.people.id[n->person], n->date,
                                                                                     n->coach_id, n->body);
    };
    std::stable_sort(order.begin(), order.end(), [&](const CoachingNote* a, const CoachingNote* b) { return key(a) < key(b); });
    std::string out = "person_id,date,coach_id,text,confidential\n";
    for (size_t i = 0; i < order.size(); ++i) {
      const CoachingNote& n = *order[i];
      bool confidential = n.confidential;
      while (i + 1 < order.size() && key(order[i + 1]) == key(&n)) confidential = confidential || order[++i]->confidential;
      line(out, {id(n.person), date_cell(n.date), n.coach_id, n.body, confidential ? "Y" : "N"});
      ++sum.notes;
    }
    write_atomically(base / "notes.csv", out);
  }
  {
    // Key order, steps by step_no. Two plans of a person with the same date and goal are one
    // plan of the file: the later one's steps follow the earlier one's, numbered on.
    std::vector<const ActionPlan*> order;
    for (const auto& p : r.plans) order.push_back(&p);
    auto key = [&](const ActionPlan* p) {
      return std::tuple<std::string_view, Date, std::string_view>(people.people.id[p->person], p->created, p->goal);
    };
    std::stable_sort(order.begin(), order.end(), [&](const ActionPlan* a, const ActionPlan* b) {
      return key(a) < key(b) || (key(a) == key(b) && a->id < b->id);
    });
    std::string out = "person_id,plan_date,goal,coach_id,closed_date,step_no,step_type,step_date,text,done_date\n";
    for (size_t i = 0; i < order.size(); ++i) {
      const ActionPlan& plan = *order[i];
      std::vector<ActionPlanStep> steps = plan.steps;
      while (i + 1 < order.size() && key(order[i + 1]) == key(&plan)) {
        int last = 0;
        for (const auto& st : steps) last = std::max(last, st.step_no);
        for (ActionPlanStep st : order[++i]->steps) {
          st.step_no += last;
          steps.push_back(std::move(st));
        }
      }
      std::stable_sort(steps.begin(), steps.end(),
                       [](const ActionPlanStep& a, const ActionPlanStep& b) { return a.step_no < b.step_no; });
      const std::vector<std::string> head = {id(plan.person), date_cell(plan.created), plan.goal, plan.coach_id,
                                             date_cell(plan.closed)};
      if (steps.empty()) line(out, {head[0], head[1], head[2], head[3], head[4], "", "", "", "", ""});
      for (const auto& st : steps) {
        line(out, {head[0], head[1], head[2], head[3], head[4], std::to_string(st.step_no), st.review ? "review" : "action",
                   date_cell(st.date), st.body, date_cell(st.done)});
        ++sum.plan_steps;
      }
      ++sum.plans;
    }
    write_atomically(base / "action_plans.csv", out);
  }
  return sum;
}

}  // namespace pathways
