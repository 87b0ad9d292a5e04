#include "generate/person.h"

#include <algorithm>
#include <string>

namespace pathways::gen {

namespace {

// Prevalence intercepts, solved for England's published rates (calibration.md) with the
// latent disadvantage ~ N(LA deprivation, 1): FSM 24.6%, EHC plan 4.8%, SEN support 13.6%,
// looked after 0.7%, YOT ~1%, young carers 1.5%, mental health 3%, substance misuse 0.5%,
// alternative provision ~1% (53% of them on FSM), persistent absence 20.1% (33% FSM,
// 15.6% others, ~35% EHC plan). Home education and teenage motherhood are set by hand.
constexpr double kFsm = -1.79, kEhcPlan = -3.66, kSenSupport = -2.24;
constexpr double kLookedAfter = -5.90, kChildInNeed = -4.34, kProtectionPlan = -5.76;
constexpr double kYoungCarer = -4.35, kHomeInstability = -3.62, kPhysicalHealth = -3.51;
constexpr double kYouthOffending = -6.28, kMentalHealth = -4.39, kSubstance = -6.09;
constexpr double kAlternativeProvision = -6.24, kHomeEducation = -5.0, kTeenMother = -4.6;
constexpr double kAbsence = 1.656;  // log of absence % for a typical pupil

// "FY1 4QZ": inward letters never use C I K M O V.
void make_postcode(const La& la, Rng& rng, char* out) {
  static constexpr char kLetters[] = "ABDEFGHJLNPQRSTUWXYZ";
  const int district = static_cast<int>(rng.range(la.district_lo, la.district_hi));
  std::string s = la.postcode_area + std::to_string(district) + ' ';
  s += static_cast<char>('1' + rng.range(0, 8));
  s += kLetters[rng.range(0, 19)];
  s += kLetters[rng.range(0, 19)];
  std::copy(s.begin(), s.end(), out);
  out[s.size()] = '\0';
}

int pick_ethnicity(int diversity, Rng& rng) {
  const auto& codes = ethnicities();
  // White British share and the scaling of every other group, by how diverse the area is.
  double wbri = 80, others = 0.55;
  switch (diversity) {
    case -1: wbri = 90, others = 0.30; break;
    case 0: wbri = 80, others = 0.55; break;
    case 1: wbri = 55, others = 1.0; break;
    default: wbri = 25, others = 2.0; break;
  }
  double weights[32];
  for (size_t i = 0; i < codes.size(); ++i) weights[i] = i == 0 ? wbri : codes[i].share * others;
  return static_cast<int>(rng.pick(weights, codes.size()));
}

struct Event {
  Date date;
  enum Kind { kMove, kAp, kEhe, kCustody, kReturn, kResume } kind;
  int length;  // days, for gaps and temporary placements
};

}  // namespace

Date Person::tracking_end() const {
  if (sen == Sen::kEhcPlan) return make_date(y12 + 9, 8, 31);  // end of academic age 24
  return make_date(y12 + 2, 8, 31);                            // end of Year 13
}

std::string characteristics_text(const World& world, const Person& p) {
  const int age = age_on(p.dob, world.as_of);
  std::string s;
  auto add = [&s](const char* code) {
    if (!s.empty()) s += ';';
    s += code;
  };
  if (p.looked_after && age < 18) add("110");
  if (p.birth != kNoDate && p.birth <= world.as_of) add(p.caring_for_child ? "120" : "190");
  if (p.refugee) add("130");
  if (p.young_carer) add("140");
  if (p.substance_misuse && age >= 14) add("150");
  if (p.looked_after && age >= 16) add("160");
  if (p.youth_offending) add("170");
  if (p.pregnancy != kNoDate && p.pregnancy <= world.as_of && p.birth > world.as_of) add("180");
  if (p.alternative_provision) add("200");
  if (p.mental_health) add("210");
  return s;
}

void make_person(const World& world, int64_t index, Rng& rng, Person& p) {
  const Segment& seg = world.segment_of(index);
  p.index = index;
  p.y12 = seg.y12;
  p.ehc_only = seg.ehc_only;

  // Born 1 September (y12 - 17) .. 31 August (y12 - 16): academic age 16 in y12.
  const Date born_first = make_date(seg.y12 - 17, 9, 1);
  const Date born_last = make_date(seg.y12 - 16, 8, 31);
  p.dob = static_cast<Date>(rng.range(born_first, born_last));
  {
    const double g = rng.uniform();
    p.gender = g < 0.4862 ? 'F' : g < 0.9975 ? 'M' : g < 0.9988 ? 'X' : 'U';
  }
  const bool male = p.male();

  // Residence, and the LA whose schools the person attends.
  p.la = world.pick_la(rng.uniform());
  p.school_la = world.home_la >= 0 ? world.home_la : p.la;
  const La& la = world.las[p.la];
  const La& sla = world.las[p.school_la];

  p.ethnicity = pick_ethnicity(la.diversity, rng);
  const Ethnicity& eth = ethnicities()[p.ethnicity];
  p.eal = rng.chance(eth.eal);
  {
    int group = eth.group == 6 ? 0 : eth.group;
    if (group == 2 && rng.chance(0.6)) group = 0;
    const auto& given = Names::given(p.gender, group);
    const auto& family = Names::family(group);
    p.given_name = given[rng.range(0, static_cast<int64_t>(given.size()) - 1)];
    p.family_name = family[rng.range(0, static_cast<int64_t>(family.size()) - 1)];
  }
  make_postcode(la, rng, p.postcode);

  p.disadvantage = rng.normal(la.deprivation, 1.0);
  p.engagement = rng.normal();
  p.wellbeing = rng.normal();
  const double u = p.disadvantage, v = p.engagement, w = p.wellbeing;

  p.fsm = rng.chance(logistic(kFsm + 1.4 * u));
  if (p.ehc_only || rng.chance(logistic(kEhcPlan + 0.45 * u + 0.9 * male))) p.sen = Sen::kEhcPlan;
  else if (rng.chance(logistic(kSenSupport + 0.55 * u + 0.45 * male + 0.3 * (w > 1))))
    p.sen = Sen::kSupport;
  else p.sen = Sen::kNone;
  const bool ehcp = p.sen == Sen::kEhcPlan, sen_k = p.sen == Sen::kSupport;

  p.looked_after = rng.chance(logistic(kLookedAfter + 1.3 * u));
  p.child_in_need = p.looked_after || rng.chance(logistic(kChildInNeed + 1.3 * u));
  p.protection_plan = rng.chance(logistic(kProtectionPlan + 1.3 * u));
  p.young_carer = rng.chance(logistic(kYoungCarer + 0.5 * u + 0.2 * !male));
  p.home_instability = p.looked_after || rng.chance(logistic(kHomeInstability + 0.9 * u));
  p.physical_health = rng.chance(logistic(kPhysicalHealth + 0.2 * u + 0.5 * ehcp));
  p.youth_offending = rng.chance(logistic(kYouthOffending + 1.1 * u + 1.4 * male + 0.4 * (v < -1)));
  p.mental_health = rng.chance(logistic(kMentalHealth + 0.3 * u + 1.2 * w + 0.4 * !male));
  p.substance_misuse = rng.chance(logistic(kSubstance + 0.8 * u + 0.5 * male + 0.5 * w));
  p.refugee = p.eal && eth.group != 0 && rng.chance(0.015);
  p.alternative_provision = !p.ehc_only &&
      rng.chance(logistic(kAlternativeProvision + 1.2 * u + 0.8 * male + 0.7 * sen_k - 0.6 * v +
                          0.5 * p.youth_offending));
  {
    const double a = -0.6 * u - 1.0 * ehcp - 0.5 * sen_k + 0.45 * v + rng.normal(0.0, 0.7);
    p.attainment = a < -0.75 ? 0 : a > 0.8 ? 2 : 1;
  }

  // Teenage parenthood: a child born at 16-18 (more often where deprivation and care
  // experience are high); a few young men are recorded as fathers.
  p.pregnancy = p.birth = kNoDate;
  p.caring_for_child = true;
  if ((p.female() && rng.chance(logistic(kTeenMother + 0.8 * u + 1.0 * p.looked_after))) ||
      (male && rng.chance(0.003))) {
    p.birth = p.dob + static_cast<Date>(365.25 * rng.uniform(15.9, 19.0));
    p.pregnancy = p.birth - 270;
    p.caring_for_child = p.female() ? rng.chance(0.93) : rng.chance(0.3);
  }

  // Moves: some arrive during secondary school (more mobile families), a few leave.
  // Nobody arrives after Year 11: the data hold no residence history, so a young person
  // who moved in at 17 would count as not known in every earlier month.
  const Date y7_start = weekday_on_or_after(make_date(seg.y12 - 5, 9, 3));
  const Date track_end = p.tracking_end();
  p.arrive = world.history_start;
  p.mobile = rng.chance(0.03 + 0.03 * (u > 1));
  if (rng.chance(world.national ? 0.04 : 0.06)) {
    const Date first = std::max(world.history_start, y7_start) + 30;
    const Date last = std::min(world.as_of, make_date(seg.y12, 8, 31)) - 30;
    if (last > first) {
      p.arrive = static_cast<Date>(rng.range(first, last));
      p.mobile = true;
    }
  }
  p.leave = kNoDate;
  p.cohort_status = 'P';
  {
    const double m = rng.uniform();
    const char status = m < 0.010 ? 'T' : m < 0.013 ? 'E' : m < 0.0132 ? 'D' : 'P';
    const Date lo = std::max({world.history_start, p.arrive, y7_start}) + 60;
    const Date hi = std::min(world.as_of, track_end);
    if (status != 'P' && hi > lo) {
      p.leave = static_cast<Date>(rng.range(lo, hi));
      p.cohort_status = status;
    }
  }
  const Date horizon = p.leave != kNoDate ? p.leave : world.as_of;

  // Schools: intake follows local deprivation, so school results differ.
  auto mainstream = [&](double z) {
    const double q = logistic(1.1 * (0.8 * (u - sla.deprivation) + 0.9 * z));
    const int n = std::min(sla.schools - 1, static_cast<int>(q * sla.schools));
    return Provider{ProviderKind::kSchool, static_cast<uint16_t>(p.school_la), static_cast<uint16_t>(n + 1)};
  };
  auto pru = [&] {
    const int n = std::max(1, sla.schools / 16);
    return Provider{ProviderKind::kPru, static_cast<uint16_t>(p.school_la), static_cast<uint16_t>(rng.range(1, n))};
  };
  const Provider first_school = mainstream(rng.normal());

  // Pre-16 placements from Year 7 (or arrival) to the end of Year 11, with events in
  // Years 9-11: school moves (sometimes via missing education), alternative provision,
  // elective home education, custody.
  p.placements.clear();
  const Date y9_start = make_date(seg.y12 - 3, 9, 1);
  const Date y11_end = make_date(seg.y12, 8, 31);
  const Date begin = p.arrive > world.history_start ? std::max(y7_start, p.arrive) : y7_start;
  if (y11_end >= world.history_start && begin < y11_end && begin < horizon) {
    p.placements.push_back({110, begin, kNoDate, first_school});
    Event events[8];
    int n_events = 0;
    Provider pending = first_school;  // where a gap or custody returns to
    const Date lo = std::max(y9_start, begin + 30);
    const Date hi = std::min(y11_end - 30, horizon);
    auto when = [&](double skew) {  // skew > 1: later in Years 9-11
      const double x = det_exp(det_log(rng.uniform()) / skew);
      return static_cast<Date>(lo + static_cast<Date>(x * (hi - lo)));
    };
    if (hi > lo) {
      if (rng.chance(p.mobile ? 0.30 : 0.04)) events[n_events++] = {when(1.0), Event::kMove, 0};
      if (p.alternative_provision) events[n_events++] = {when(2.0), Event::kAp, 0};
      else if (rng.chance(logistic(kHomeEducation + 0.3 * u + 0.6 * std::max(w, 0.0) + 0.5 * (v < -1))))
        events[n_events++] = {when(1.5), Event::kEhe, 0};
      if (p.youth_offending && rng.chance(0.04))
        events[n_events++] = {when(3.0), Event::kCustody, static_cast<int>(rng.range(30, 120))};
    }
    while (n_events > 0) {
      int k = 0;
      for (int i = 1; i < n_events; ++i)
        if (events[i].date < events[k].date) k = i;
      const Event e = events[k];
      events[k] = events[--n_events];
      Placement& cur = p.placements.back();
      if (e.date <= cur.start + 14 || e.date > hi) continue;
      auto open = [&](uint16_t code, Date start, Provider where) {
        p.placements.back().end = start - 1;
        p.placements.push_back({code, start, kNoDate, where});
      };
      switch (e.kind) {
        case Event::kMove: {
          Provider next = mainstream(rng.normal());
          if (next.number == cur.where.number && sla.schools > 1)
            next.number = static_cast<uint16_t>(next.number % sla.schools + 1);
          if (cur.where.kind == ProviderKind::kPru || cur.code != 110) break;
          if (rng.chance(0.25)) {  // a gap between schools
            open(rng.chance(0.2) ? 150 : 140, e.date, {});
            events[n_events++] = {e.date + static_cast<Date>(rng.range(20, 120)), Event::kResume, 0};
            pending = next;
          } else {
            open(110, e.date, next);
          }
          break;
        }
        case Event::kAp:
          if (cur.code != 110) break;
          open(110, e.date, pru());
          if (rng.chance(0.25)) events[n_events++] = {e.date + static_cast<Date>(rng.range(60, 200)), Event::kReturn, 0};
          break;
        case Event::kEhe:
          if (cur.code != 110) break;
          open(120, e.date, {});
          if (rng.chance(0.3)) events[n_events++] = {e.date + static_cast<Date>(rng.range(90, 300)), Event::kReturn, 0};
          break;
        case Event::kCustody: {
          const Placement before = cur;
          open(130, e.date, {});
          events[n_events++] = {e.date + e.length, before.where.kind == ProviderKind::kPru ? Event::kResume : Event::kReturn, 0};
          if (!before.where.empty()) pending = before.where;
          break;
        }
        case Event::kReturn:  // back to a mainstream school
          open(110, e.date, mainstream(rng.normal()));
          break;
        case Event::kResume:  // to the school chosen when the gap began
          open(110, e.date, pending);
          break;
      }
    }
    Placement& last = p.placements.back();
    if (y11_end <= horizon) last.end = y11_end;
    else if (p.leave != kNoDate) last.end = p.leave;
  }
  p.school = first_school;
  for (const Placement& pl : p.placements)
    if (pl.code == 110) p.school = pl.where;

  // Years 9-11: indicators. Computed for every person (they feed the latent risk) and
  // written when the year lies inside the history.
  const double absence_base = kAbsence + 0.18 * u + 0.15 * p.fsm + 0.3 * ehcp + 0.2 * sen_k - 0.5 * v +
                              0.25 * w + 0.2 * p.youth_offending;
  bool fsm_now = p.fsm;
  for (int k = 0; k < 3; ++k) {
    SchoolYear& y = p.years[k];
    y = SchoolYear{};
    y.year = seg.y12 - 3 + k;
    y.year_group = 9 + k;
    const Date ys = make_date(y.year, 9, 1), ye = make_date(y.year + 1, 8, 31);
    y.in_history = y.year >= world.history_year && y.year <= world.as_of_year && p.arrive <= ye &&
                   ys <= horizon && !p.placements.empty();
    if (k > 0 && rng.chance(0.03)) fsm_now = !fsm_now;
    y.fsm = fsm_now;
    // Placements of the year: the school with the most days, and what else happened.
    int best_days = 0;
    bool at_school = p.placements.empty();  // older cohorts: assume ordinary schooling
    for (const Placement& pl : p.placements) {
      const Date s = std::max(pl.start, ys);
      const Date e = std::min(pl.end == kNoDate ? ye : pl.end, ye);
      if (e < s) continue;
      const int days = e - s + 1;
      if (pl.code == 110) {
        at_school = true;
        if (pl.where.kind == ProviderKind::kPru) y.ap_pru = true;
        if (days > best_days) best_days = days, y.school = pl.where;
      } else if (pl.code == 120) {
        y.ehe = true;
      } else if (pl.code == 140 || pl.code == 150) {
        y.missed_education = true;
      }
    }
    if (p.placements.empty()) y.school = first_school;
    if (at_school) {
      double a = absence_base + 0.06 * (k - 1) + rng.normal(0.0, 0.25) + 0.5 * y.ap_pru + 0.4 * y.ehe +
                 0.3 * y.missed_education;
      const double pct = std::min(95.0, det_exp(a));
      y.attendance10 = std::max(0, 1000 - static_cast<int>(pct * 10.0 + 0.5));
      if (pct >= 50) y.missed_education = true;
    }
    const bool persistent = y.attendance10 >= 0 && y.attendance10 < 900;
    y.suspensions = rng.poisson(0.045 * det_exp(0.8 * u + 0.5 * male + 0.8 * persistent + 0.7 * p.youth_offending +
                                                0.6 * y.ap_pru - 0.3 * v));
    y.exclusions = y.ap_pru && rng.chance(0.35) ? 1 : 0;
    y.cin = p.child_in_need && rng.chance(0.75);
    y.cp_plan = p.protection_plan && rng.chance(0.6);
    y.young_carer = p.young_carer && rng.chance(0.8);
    y.home_instability = (p.home_instability && rng.chance(0.7)) || (p.mobile && rng.chance(0.3));
    y.mental_health = (p.mental_health && rng.chance(0.4 + 0.25 * k)) || rng.chance(logistic(-4.0 + 0.9 * w));
    y.camhs = y.mental_health && rng.chance(0.45);
    y.substance_misuse = p.substance_misuse && k > 0 && rng.chance(0.7);
    y.physical_health = p.physical_health && rng.chance(0.85);
  }

  // Latent NEET risk (log of the hazard multiplier), from what a RONI tool would see in
  // Year 11 plus what it cannot see. Relative risks of calibration.md emerge from it.
  const SchoolYear& y11 = p.years[2];
  const bool no_attendance = y11.attendance10 < 0;
  const bool below90 = no_attendance || y11.attendance10 < 900;
  const bool below80 = !no_attendance && y11.attendance10 < 800;
  p.risk = 0.85 * below90 + 0.45 * below80 + 0.28 * y11.fsm + 0.1 * ehcp + 0.1 * p.looked_after + 0.35 * male +
           0.75 * p.youth_offending + 0.75 * p.alternative_provision + 0.4 * p.mental_health +
           0.6 * p.substance_misuse + 0.4 * y11.ehe + 0.35 * (p.attainment == 0) - 0.3 * (p.attainment == 2) +
           0.3 * p.young_carer + 0.25 * p.home_instability + 0.2 * p.child_in_need + 0.45 * rng.normal() +
           (p.birth != kNoDate ? (p.female() ? 1.3 : 0.8) : 0.0);
  // Tracking difficulty: independent of the outcome for the most part, a little more common
  // among mobile and NEET-prone young people and where the LA's tracking is weak.
  p.tracking = -0.75 + 0.7 * rng.normal() + 0.6 * p.mobile + 0.15 * p.risk + 0.1 * male + det_log(la.tracking);
  p.coached = false;
}

}  // namespace pathways::gen
