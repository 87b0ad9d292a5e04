#include "generate/coaching.h"

#include <algorithm>
#include <iterator>
#include <string>

#include <fmt/format.h>

namespace pathways::gen {

namespace {

constexpr double kRoniThreshold = 1.8;  // latent risk + noise above this: flagged in Year 11
constexpr const char* kProgramme = "Pathways for All";
constexpr double kReferFrom = 1.4;  // latent risk as a school sees it: no panel referral at or below

bool eligible_school(const World& world, const Person& p) {
  return world.coaching && p.school_la == world.home_la && !p.placements.empty() &&
         (p.school.kind == ProviderKind::kSchool || p.school.kind == ProviderKind::kPru);
}

// Coaches are attached to schools. Intakes differ (schools are numbered from the least to
// the most deprived intake), so one coach covers the three least deprived schools and each
// of the others one school; the PRU has its own coach.
std::string coach_of(const World& world, const Person& p) {
  static constexpr int kCoachOfSchool[] = {1, 1, 1, 2, 3, 4, 5, 6};
  const La& la = world.las[p.school_la];
  const int last = kCoachOfSchool[std::size(kCoachOfSchool) - 1];
  int n;
  if (p.school.kind == ProviderKind::kPru) n = last + 1;
  else if (la.schools == static_cast<int>(std::size(kCoachOfSchool))) n = kCoachOfSchool[p.school.number - 1];
  else n = (p.school.number - 1) * last / la.schools + 1;
  return fmt::format("C{:02}", n);
}

const Spell* spell_on(const std::vector<Spell>& spells, Date d) {
  const Spell* found = nullptr;
  for (const Spell& s : spells)
    if (s.start <= d && (s.end == kNoDate || s.end >= d)) found = &s;
  return found;
}

Date random_between(Rng& rng, Date lo, Date hi) { return hi <= lo ? lo : static_cast<Date>(rng.range(lo, hi)); }

// FNV-1a of the person id: the key of the person's second generator.
uint64_t id_key(std::string_view id) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : id) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// A school's referral of p to the NEET vulnerable group panel in Year 11 (seed 004: schools
// refer pupils at risk of not progressing, RAG rated; the panel discusses them and records a
// decision). Latent risk as the school sees it: the higher, the likelier and the redder.
void write_referral(const World& world, const Person& p, Rng& rng, std::string_view person_id, CoachingOut& out) {
  const int y11 = p.y12 - 1;
  if (y11 < world.coaching_first_year || y11 > world.coaching_last_year) return;
  const double seen = p.risk + rng.normal(0.0, 0.6);
  if (seen < kReferFrom || !rng.chance(0.55)) return;
  const Date referred = random_between(rng, make_date(y11, 10, 15), make_date(y11 + 1, 3, 31));
  if (referred < p.arrive || referred > world.as_of || (p.leave != kNoDate && p.leave <= referred)) return;
  const char* rag = seen > 2.6 ? "red" : seen > 1.9 ? "amber" : "green";
  static constexpr const char* kReasons[] = {
      "Attendance below 80% and no post-16 application",
      "Young carer; missing school to look after a parent",
      "Anxiety; says they will not go to college",
      "Fixed-term exclusions this year; no plan after Year 11",
      "Moved schools twice; unsure what to do next",
      "Not engaging with careers guidance",
      "Known to youth justice; providers have concerns",
      "Low attainment; has not applied anywhere"};
  const char* reason = kReasons[rng.range(0, static_cast<int64_t>(std::size(kReasons)) - 1)];
  // The panel meets about a month later; green referrals are mostly noted, not discussed.
  Date panel = referred + static_cast<Date>(rng.range(14, 45));
  const bool discussed = panel <= world.as_of && (rag[0] != 'g' || rng.chance(0.3));
  const char* decision = "";
  const char* actions = "";
  if (discussed) {
    if (rag[0] == 'r') {
      decision = p.coached ? "allocate_coach" : rng.chance(0.6) ? "commissioned_service" : "allocate_coach";
      actions = decision[0] == 'a' ? "Engagement coach to meet the pupil within two weeks; initial action plan"
                                   : "Referral to the commissioned careers service; school to share attendance weekly";
    } else if (rag[0] == 'a') {
      decision = rng.chance(0.6) ? "school_support" : "monitor";
      actions = decision[0] == 's' ? "School mentor to support a college application before Easter" : "Review at the next panel";
    } else {
      decision = rng.chance(0.7) ? "monitor" : "no_further_action";
    }
  }
  // Schools prioritise (seed 004: asked to support other pupils first, they cut referrals
  // from 202 to 134, and 84% of those referred progressed into EET): of the pupils above, a
  // school refers one it sees at risk `seen` with probability min(1, seen - kReferFrom). This
  // draws from a generator of its own, after all of `rng`'s draws above, so `rng` (which goes
  // on to the leave reasons) draws as it would without it.
  Rng prioritise(mix_key({world.seed, 0x5647525055ULL /* "VGRPU" */, id_key(person_id)}));
  if (!prioritise.chance(seen - kReferFrom)) return;
  out.referrals.text(person_id).text(world.provider_id(p.school)).date(referred).text(rag).text(reason)
      .date(discussed ? panel : kNoDate).text(decision).text(actions);
  out.referrals.end_row();
}

// Notes and action plans: short plain sentences from templates, about a course area the
// young person is interested in; no names.
constexpr const char* kSubjects[] = {"construction", "hair and beauty", "health and social care", "motor vehicle",
                                     "catering", "childcare", "IT", "sport", "art and design", "public services",
                                     "engineering", "business"};
constexpr const char* kNotes[] = {
    "Met in school. Talked about college courses in {}.",
    "Looked at apprenticeships in {} together; will apply before Easter.",
    "Missed today's appointment. Rearranged for next week.",
    "Attendance has improved since the last meeting.",
    "Completed a college application for {}.",
    "Practised interview questions for the {} course.",
    "Worried about travel costs. Explained the bursary and the bus pass.",
    "Parent phoned to say they support the college application.",
    "Went to the college open evening for {}.",
    "Working on a CV, needs to add work experience.",
    "Not sure what to do next. Agreed to try a taster day in {}.",
    "Has an interview for {} next month.",
    "Says school is going better and is keeping to the plan.",
    "Phoned the college to check the application was received."};
constexpr const char* kConfidentialNotes[] = {
    "Disclosed worries at home. Passed to the school's safeguarding lead.",
    "Anxiety is getting worse; referred to the school counsellor.",
    "Caring for a parent most evenings; referred to the young carers service.",
    "The family is being rehoused. Attendance may drop for a few weeks.",
    "Talked about a health condition and agreed what to share with the college."};
constexpr const char* kGoals[] = {
    "Start a college course in {} in September",
    "Find an apprenticeship in {}",
    "Improve attendance to 90% by the end of term",
    "Apply for a post-16 place in {} before March",
    "Build the confidence to go to a college interview",
    "Get work experience in {}"};
constexpr const char* kActions[] = {
    "Research courses in {} at two colleges",
    "Complete the college application form",
    "Go to the college open evening",
    "Write a CV with the coach",
    "Register on the apprenticeship website",
    "Practise interview questions",
    "Apply for a bus pass and the bursary",
    "Meet the school's careers adviser",
    "Arrange a taster day in {}",
    "Attend every lesson for four weeks"};
constexpr const char* kReviews[] = {
    "Good progress, application sent.",
    "Some actions still open; new dates agreed.",
    "Goal still right; interview booked.",
    "Attendance better; keep going with the plan.",
    "Goal changed after the taster day; new actions to follow."};

template <size_t N>
const char* pick_one(Rng& rng, const char* const (&list)[N]) {
  return list[rng.range(0, static_cast<int64_t>(N) - 1)];
}

std::string fill(const char* text, const char* subject) { return fmt::format(fmt::runtime(text), subject); }

// The notes and the action plan of a young person on the caseload from `joined`, recorded up
// to `last_day` (left the caseload on `left`, or kNoDate); session_dates[n] is session n's
// date (kNoDate: none).
void write_notes_and_plan(const World& world, std::string_view person_id, const std::string& coach, Date joined,
                          Date last_day, Date left, const Date (&session_dates)[8], CoachingOut& out) {
  Rng rng(mix_key({world.seed, 0x4E4F544553ULL /* "NOTES" */, id_key(person_id)}));
  const char* subject = pick_one(rng, kSubjects);

  // 1-3 notes over the first year on the caseload, on different days.
  const Date until = std::min(last_day, joined + 364);
  size_t n = rng.pick({0.35, 0.4, 0.25}) + 1;
  n = std::min<size_t>(n, static_cast<size_t>(until - joined + 1));
  Date days[3];
  for (size_t k = 0; k < n; ++k) {
    Date d = random_between(rng, joined, until);
    while (std::find(days, days + k, d) != days + k) d = d < until ? d + 1 : joined;
    days[k] = d;
  }
  std::sort(days, days + n);
  for (size_t k = 0; k < n; ++k) {
    const bool confidential = rng.chance(0.1);
    const char* text = confidential ? pick_one(rng, kConfidentialNotes) : pick_one(rng, kNotes);
    out.notes.text(person_id).date(days[k]).text(coach).text(fill(text, subject)).yn(confidential);
    out.notes.end_row();
  }

  // The initial action plan, opened at session 1.
  const Date created = session_dates[1];
  if (created == kNoDate) return;
  const std::string goal = fill(pick_one(rng, kGoals), subject);
  const Date closed = left;
  size_t order[std::size(kActions)];
  for (size_t i = 0; i < std::size(kActions); ++i) order[i] = i;
  const size_t actions = rng.chance(0.5) ? 3 : 2;
  Date due[3];
  for (size_t k = 0; k < actions; ++k) {
    std::swap(order[k], order[static_cast<size_t>(rng.range(static_cast<int64_t>(k), std::size(kActions) - 1))]);
    due[k] = created + static_cast<Date>(rng.range(14, 70));
  }
  std::sort(due, due + actions);
  int step = 0;
  auto row = [&](const char* type, Date date, const std::string& text, Date done) {
    out.plans.text(person_id).date(created).text(goal).text(coach).date(closed).num(++step).text(type).date(date).text(text)
        .date(done);
    out.plans.end_row();
  };
  for (size_t k = 0; k < actions; ++k) {
    const bool done_soon = rng.chance(0.75);
    const Date done = std::max(created, due[k] + static_cast<Date>(rng.range(-10, 14)));
    row("action", due[k], fill(kActions[order[k]], subject), done_soon && done <= last_day ? done : kNoDate);
  }
  if (session_dates[5] != kNoDate) row("review", session_dates[5], std::string("Reviewed at session 5. ") + pick_one(rng, kReviews), kNoDate);
}

}  // namespace

void select_for_coaching(const World& world, Person& p, Rng& rng) {
  p.coached = false;
  if (!eligible_school(world, p)) return;
  const int y11 = p.y12 - 1;
  const double score = p.risk + rng.normal(0.0, 0.5);
  if (y11 < world.coaching_first_year || y11 > world.coaching_last_year) return;
  if (p.arrive > make_date(y11 + 1, 2, 28)) return;
  p.coached = score > kRoniThreshold && rng.chance(0.75);
}

void write_coaching(const World& world, const Person& p, const std::vector<Spell>& spells, Rng& rng,
                    std::string_view person_id, CoachingOut& out) {
  if (!eligible_school(world, p)) return;
  Rng extra(id_key(person_id) ^ world.seed);
  write_referral(world, p, extra, person_id, out);
  const int y11 = p.y12 - 1;
  const Date y12_start = make_date(p.y12, 9, 1);
  bool year12_joiner = false;
  Date joined = kNoDate;
  if (p.coached) {
    const double x = rng.uniform();
    if (x < 0.70) joined = random_between(rng, make_date(y11, 9, 15), make_date(y11, 11, 30));
    else if (x < 0.95) joined = random_between(rng, make_date(y11, 12, 1), make_date(y11 + 1, 2, 28));
    else joined = random_between(rng, make_date(y11 + 1, 3, 1), make_date(y11 + 1, 4, 30));
    joined = std::max(joined, p.arrive);
  } else {
    // Year 12: young people found NEET in the autumn are referred to the programme.
    if (p.y12 < world.coaching_first_year + 1 || p.y12 > world.coaching_last_year + 1) return;
    const Date check = make_date(p.y12, 10, 15);
    const Spell* s = spell_on(spells, check);
    if (s == nullptr || s->kind != Kind::kNeet || !rng.chance(0.35)) return;
    joined = random_between(rng, check, check + 45);
    year12_joiner = true;
  }
  const Date until = p.leave != kNoDate ? std::min(p.leave, world.as_of) : world.as_of;
  if (joined == kNoDate || joined > until) return;
  const std::string coach = coach_of(world, p);
  const bool disengages = rng.chance(0.08 + 0.06 * (p.risk > 3.0));

  // Leaving the caseload (a date after the as-of date: still on it).
  Date left;
  const char* reason;
  if (disengages) {
    left = random_between(rng, joined + 60, make_date(p.y12, 12, 20));
    reason = "disengaged";
  } else if (rng.chance(0.05)) {
    left = random_between(rng, joined + 30, joined + 240);
    reason = "other_support";
  } else {
    // Checked in Year 12 once the autumn has settled: in EET, the young person moves on.
    const Date check = random_between(rng, make_date(p.y12 + 1, 1, 10), make_date(p.y12 + 1, 4, 20));
    const Spell* s = spell_on(spells, check);
    if (s != nullptr && is_eet(s->kind)) {
      left = check;
      reason = "moved_to_eet";
    } else {
      left = make_date(p.y12 + 1, 7, 31);
      const double x = rng.uniform();
      reason = x < 0.5 ? "other_support" : x < 0.75 ? "other" : "disengaged";
      // Some have moved away without the LA knowing yet: the coach records left_area.
      if (extra.chance(0.12)) reason = "left_area";
    }
  }
  if (p.leave != kNoDate && p.leave < left) {
    left = p.leave;
    reason = p.cohort_status == 'D' ? "other" : "left_area";
  }
  left = std::max(left, joined);
  const bool has_left = left <= world.as_of;
  const Date last_day = std::min(left, world.as_of);

  out.caseload.text(person_id).text(coach).text(world.provider_id(p.school)).text(kProgramme).date(joined)
      .date(has_left ? left : kNoDate).text(has_left ? reason : "");
  out.caseload.end_row();

  // Sessions 1-7 (Year 11 joiners): action plans, work experience, group work, reviews.
  Date session_dates[8] = {kNoDate, kNoDate, kNoDate, kNoDate, kNoDate, kNoDate, kNoDate, kNoDate};
  if (!year12_joiner && rng.chance(0.85)) {
    Date d = joined + static_cast<Date>(rng.chance(0.6) ? rng.range(7, 40) : rng.range(40, 150));
    const Date summer = make_date(y11 + 1, 7, 20);
    for (int n = 1; n <= 7; ++n) {
      if (d > summer || d > last_day) break;
      out.sessions.text(person_id).num(n).date(d).text(coach).text(rng.chance(0.78) ? "in_person" : "virtual");
      out.sessions.end_row();
      session_dates[n] = d;
      if (!rng.chance(disengages ? 0.6 : 0.9)) break;
      d += static_cast<Date>(rng.range(21, 45));
    }
  }

  // Assessments.
  struct Planned {
    const char* name;
    double chance;
    int lo, hi;
  };
  const Planned planned[] = {{"roni", year12_joiner ? 0.3 : 0.92, 0, 21},
                             {"pass", year12_joiner ? 0.2 : 0.65, 10, 60},
                             {"neet_tool", year12_joiner ? 0.7 : 0.5, 20, 90}};
  for (const Planned& a : planned) {
    const Date d = joined + static_cast<Date>(rng.range(a.lo, a.hi));
    if (!rng.chance(a.chance) || d > last_day) continue;
    out.assessments.text(person_id).text(a.name).date(d);
    out.assessments.end_row();
  }

  // Contacts: 1-4 a month with most young people, fewer in August and after disengaging.
  Ymd m = to_ymd(joined);
  for (;;) {
    const Date first = std::max(make_date(m.year, m.month, 1), joined);
    if (first > last_day) break;
    const Date last = std::min(month_end(m.year, m.month), last_day);
    const bool summer = m.month == 8;
    const bool drifting = disengages && first > joined + 60;
    // Once settled in Year 12 (two months after it starts), coaches mostly keep in touch with
    // the college or employer: seed 000's February report has 14% of Year 12 engaged, against
    // most of Year 11, and 1.2-1.6 professional contacts a young person.
    const bool settled_y12 = first >= y12_start + 60;
    size_t n = settled_y12 ? rng.pick({0.35, 0.3, 0.22, 0.09, 0.04})
                           : rng.pick({summer || drifting ? 0.45 : 0.08, 0.25, 0.35, 0.2, 0.12});
    n = std::min<size_t>(n, static_cast<size_t>(last - first + 1));
    Date days[4];
    for (size_t k = 0; k < n; ++k) {  // distinct days
      Date d = random_between(rng, first, last);
      while (std::find(days, days + k, d) != days + k) d = d < last ? d + 1 : first;
      days[k] = d;
    }
    std::sort(days, days + n);
    const bool transition = (m.month >= 3 && m.month <= 7 && first < y12_start) ||
                            (first >= y12_start && first < y12_start + 60);
    for (size_t k = 0; k < n; ++k) {
      const size_t with = settled_y12 ? rng.pick({0.2, 0.08, 0.42, 0.3})
                                      : rng.pick({0.45, 0.15, transition ? 0.25 : 0.18, 0.2});
      static constexpr const char* kWith[] = {"young_person", "parent_carer", "post16_provider", "other_professional"};
      static constexpr const char* kModes[] = {"in_person", "virtual", "phone", "text", "email"};
      size_t mode;
      if (with == 0) mode = rng.pick({0.5, 0.1, 0.15, 0.2, 0.05});
      else if (with == 1) mode = rng.pick({0.2, 0.05, 0.5, 0.15, 0.1});
      else mode = rng.pick({0.1, 0.1, 0.35, 0.0, 0.45});
      out.contacts.text(person_id).date(days[k]).text(coach).text(kWith[with]).text(kModes[mode]);
      out.contacts.end_row();
    }
    if (++m.month > 12) m.month = 1, ++m.year;
  }

  write_notes_and_plan(world, person_id, coach, joined, last_day, has_left ? left : kNoDate, session_dates, out);
}

}  // namespace pathways::gen
