#include "generate/history.h"

#include <algorithm>

namespace pathways::gen {

namespace {

// ---------------------------------------------------------------------------------------
// Outcome process parameters, tuned so that England's Dec-Feb NEET stock by age and gender,
// March participation and the relative risks of calibration.md come out of the data.
// Monthly hazards of becoming NEET scale with the person's NEET hazard multiplier
// h = kRiskScale * exp(risk) * (LA labour-market factor); leaving NEET scales with 1/sqrt(h).
// ---------------------------------------------------------------------------------------
constexpr double kRiskScale = 0.565;

// September destinations by academic age: weights of education, apprenticeship, employment
// with training, employment without training, training, other (530), NEET (times h).
struct DestinationWeights {
  double education, apprenticeship, employment_training, employment, training, other, neet;
};
constexpr DestinationWeights kSeptember16 = {0.915, 0.032, 0.004, 0.007, 0.006, 0.004, 0.014};
constexpr DestinationWeights kSeptember17 = {0.760, 0.115, 0.010, 0.035, 0.012, 0.010, 0.072};
constexpr DestinationWeights kSeptember18 = {0.450, 0.030, 0.030, 0.160, 0.120, 0.030, 0.110};

// Monthly drop-out from education, October .. August (index 1..11; September unused).
constexpr double kDropout16[12] = {0, 0.011, 0.009, 0.005, 0.006, 0.004, 0.004, 0.003, 0.003, 0.002, 0, 0};
constexpr double kDropout17[12] = {0, 0.009, 0.007, 0.005, 0.005, 0.004, 0.004, 0.004, 0.003, 0.002, 0, 0};
constexpr double kLeaveApprenticeship = 0.010;
constexpr double kLeaveJobTraining = 0.015;
constexpr double kLeaveJob16 = 0.030, kLeaveJob17 = 0.028;
constexpr double kNeetExit16 = 0.21, kNeetExit17 = 0.16, kNeetExit18 = 0.10;

int academic_age_of_year(const Person& p, int year) { return year - p.y12 + 16; }

bool parent_or_pregnant(const Person& p, Date d) { return p.pregnancy != kNoDate && d >= p.pregnancy + 90; }

class Simulation {
 public:
  Simulation(const World& w, const Person& p, Rng& rng, std::vector<Spell>& spells)
      : p_(p), la_(w.las[p.school_la]), rng_(rng), spells_(spells) {
    h_ = kRiskScale * det_exp(p.risk) * w.las[p.la].neet_factor;
    end_ = std::min(p.tracking_end(), w.as_of);
    if (p.leave != kNoDate) end_ = std::min(end_, p.leave);
  }

  void run() {
    spells_.clear();
    for (int year = p_.y12;; ++year) {
      const int age = academic_age_of_year(p_, year);
      const Date term = weekday_on_or_after(make_date(year, 9, static_cast<int>(rng_.range(2, 9))));
      if (term > end_) break;
      september(age, year, term);
      for (int m = 1; m < 12; ++m) {  // October .. August
        const int month = (m + 8) % 12 + 1;
        const int y = month >= 9 ? year : year + 1;
        const Date first = make_date(y, month, 1), last = month_end(y, month);
        if (first > end_) return;
        month_step(age, m, first, std::min(last, end_));
      }
    }
  }

 private:
  Spell& cur() { return spells_.back(); }

  // Closes the current spell the day before `d` and opens a new one on d.
  void begin(Kind kind, uint16_t code, Date d, Provider provider, Date planned_end, Reason reason = Reason::kNone) {
    if (!spells_.empty()) cur().end = d - 1;
    Spell s;
    s.kind = kind;
    s.code = code;
    s.start = d;
    s.planned_end = planned_end;
    s.provider = provider;
    s.reason = reason;
    spells_.push_back(s);
  }

  bool ehcp() const { return p_.sen == Sen::kEhcPlan; }

  Provider college(int number) const {
    return {ProviderKind::kCollege, static_cast<uint16_t>(p_.school_la), static_cast<uint16_t>(std::min(number, la_.colleges))};
  }
  Provider employer() {
    return {ProviderKind::kEmployer, static_cast<uint16_t>(p_.school_la), static_cast<uint16_t>(rng_.range(1, la_.employers))};
  }
  Provider training_provider() {
    return {ProviderKind::kTraining, static_cast<uint16_t>(p_.school_la),
            static_cast<uint16_t>(rng_.range(1, la_.training_providers))};
  }
  Provider sixth_form() {
    if (p_.school.kind == ProviderKind::kSchool && p_.school.number <= la_.sixth_form_schools) return p_.school;
    return {ProviderKind::kSchool, static_cast<uint16_t>(p_.school_la),
            static_cast<uint16_t>(rng_.range(1, la_.sixth_form_schools))};
  }

  // Starts a spell of `kind` on d, choosing its code, provider and planned length.
  void start(Kind kind, Date d, int age) {
    const Date this_aug = make_date(academic_year_of(d) + 1, 8, 31);
    switch (kind) {
      case Kind::kEducation: {
        if (age >= 18 && rng_.chance(ehcp() ? 0.12 : 0.5)) {
          begin(kind, 240, d, {}, make_date(academic_year_of(d) + 3, 8, 31));
          return;
        }
        const double high = p_.attainment == 2, low = p_.attainment == 0;
        const double w[] = {
            age <= 17 ? 0.30 + 0.25 * high - 0.2 * low : 0.02,  // 210 school sixth form
            la_.colleges >= 2 ? 0.18 + 0.1 * high - 0.1 * low : 0,  // 220 sixth form college
            0.46 + 0.2 * low,                                   // 230 further education
            0.004 + 0.008 * (age >= 17),                        // 250 part-time
            0.01,                                               // 270 other
            ehcp() ? 0.35 : 0.0};                               // 280 special post-16
        static constexpr uint16_t kCodes[] = {210, 220, 230, 250, 270, 280};
        const size_t k = rng_.pick(w, 6);
        const uint16_t code = kCodes[k];
        Provider where;
        int years = 1;
        switch (code) {
          case 210: where = sixth_form(); years = 2; break;
          case 220: where = college(2); years = 2; break;
          case 230: {  // any college but the sixth form college (number 2)
            int c = 1;
            if (la_.colleges >= 3) {
              c = static_cast<int>(rng_.range(1, la_.colleges - 1));
              if (c >= 2) ++c;
            }
            where = college(c);
            years = rng_.chance(0.55) ? 2 : 1;
            break;
          }
          case 250: where = college(1); break;
          case 270: where = training_provider(); break;
          case 280: where = college(1); years = 3; break;
        }
        if (age >= 17 && years == 2 && code != 280) years = 1;  // Year 13 finishes with the cohort
        begin(kind, code, d, where, make_date(academic_year_of(d) + years, 8, 31));
        return;
      }
      case Kind::kApprenticeship: {
        // One draw per statement: the arguments of a call are evaluated in no set order.
        const Provider where = rng_.chance(0.4) ? college(1) : training_provider();
        begin(kind, 310, d, where, d + static_cast<Date>(rng_.range(365, 730)));
        return;
      }
      case Kind::kEmploymentTraining: {
        const double x = rng_.uniform();
        begin(kind, x < 0.9 ? 320 : x < 0.93 ? 381 : 550, d, employer(), kNoDate);
        return;
      }
      case Kind::kEmployment: {
        const double w[] = {0.45, 0.08, 0.12, 0.25 + 0.1 * (age >= 17), 0.03 + 0.03 * (age >= 18)};
        static constexpr uint16_t kCodes[] = {330, 340, 350, 360, 380};
        const uint16_t code = kCodes[rng_.pick(w, 5)];
        const Provider where = code == 380 ? Provider{} : employer();
        begin(kind, code, d, where, code == 350 ? d + static_cast<Date>(rng_.range(30, 180)) : kNoDate);
        return;
      }
      case Kind::kTraining: {
        const double w[] = {0.40, 0.27, age >= 18 ? 0.12 : 0.0, 0.12, ehcp() ? 0.5 : 0.0};
        static constexpr uint16_t kCodes[] = {410, 430, 440, 450, 460};
        const uint16_t code = kCodes[rng_.pick(w, 5)];
        const Date planned = std::min<Date>(d + static_cast<Date>(rng_.range(90, 300)), code == 460 ? d + 365 : this_aug);
        begin(kind, code, d, code == 440 ? Provider{} : training_provider(), std::max<Date>(planned, d + 30));
        return;
      }
      case Kind::kOther: {
        if (age >= 17 && d < make_date(academic_year_of(d), 10, 1) && rng_.chance(0.1)) {
          begin(kind, 260, d, {}, this_aug);
          return;
        }
        const Provider where = training_provider();
        begin(kind, 530, d, where, d + static_cast<Date>(rng_.range(60, 180)));
        cur().review = cur().planned_end;
        return;
      }
      case Kind::kNeet:
        start_neet(d, age);
        return;
      case Kind::kCustody:
        begin(kind, 710, d, {}, d + static_cast<Date>(rng_.range(60, 240)));
        return;
    }
  }

  void start_neet(Date d, int age) {
    uint16_t code;
    if (p_.birth != kNoDate && d >= p_.birth && p_.caring_for_child && rng_.chance(0.85)) code = 630;
    else if (p_.pregnancy != kNoDate && d >= p_.pregnancy + 90 && d < p_.birth && rng_.chance(0.85)) code = 650;
    else {
      const double w[] = {
          0.50,                                                      // 619 seeking
          0.22 + 0.15 * (p_.engagement < -1) + 0.1 * p_.mental_health,  // 610 not ready
          0.04 + 0.15 * p_.mental_health + 0.12 * p_.physical_health,   // 640 illness
          p_.young_carer ? 0.25 : 0.004,                             // 620 carer
          0.02,                                                      // 540 voluntary work
          0.03,                                                      // 680 other
          ehcp() && age >= 18 ? 0.10 : 0.0,                          // 670 unlikely ever to be active
          0.002};                                                    // 660 religious grounds
      static constexpr uint16_t kCodes[] = {619, 610, 640, 620, 540, 680, 670, 660};
      code = kCodes[rng_.pick(w, 8)];
    }
    Reason reason = Reason::kSupported;
    if (code == 619) {
      const double x = rng_.uniform();
      reason = x < 0.35 ? Reason::kApplied : x < 0.8 ? Reason::kSupported : Reason::kUnwilling;
    } else if (code == 610) {
      reason = rng_.chance(0.75) ? Reason::kNotReady : Reason::kUnwilling;
    }
    begin(Kind::kNeet, code, d, {}, kNoDate, reason);
  }

  Kind choose(const DestinationWeights& base, int age, Kind from, bool from_spell) {
    const double hv = h_ * (p_.coached ? 0.85 : 1.0);
    const bool male = p_.male();
    double w[8] = {
        base.education * (p_.attainment == 0 ? 0.9 : p_.attainment == 2 ? 1.08 : 1.0),
        base.apprenticeship * (male ? 1.25 : 0.75) * (p_.attainment == 2 ? 0.7 : 1.1) * (ehcp() ? 0.4 : 1.0),
        base.employment_training,
        base.employment * (ehcp() ? 0.6 : 1.0),
        base.training * (p_.attainment == 0 ? 1.8 : 1.0),
        base.other * (0.6 + 0.4 * hv),
        base.neet * hv,
        p_.youth_offending && age <= 17 ? 0.003 * hv : 0.0};
    if (from_spell) {
      if (from == Kind::kNeet) w[6] *= 2.5;
      if (from == Kind::kEmployment) w[3] *= 3.0;
      if (from == Kind::kEducation) w[0] *= 1.4;
    }
    return static_cast<Kind>(rng_.pick(w, 8));
  }

  void september(int age, int year, Date term) {
    const DestinationWeights& base = age <= 16 ? kSeptember16 : age == 17 ? kSeptember17 : kSeptember18;
    if (spells_.empty()) {  // from Year 11
      Kind k = choose(base, age, Kind::kEducation, false);
      if (parent_or_pregnant(p_, term) && rng_.chance(0.9)) k = Kind::kNeet;
      start(k, term, age);
      if (cur().kind == Kind::kNeet && rng_.chance(0.25)) {  // a start agreed for later in the autumn
        cur().code = 616;
        cur().reason = Reason::kAwaitingStart;
      }
      return;
    }
    const Spell& s = cur();
    const Date sept1 = make_date(year, 9, 1);
    bool rechoose = false;
    switch (s.kind) {
      case Kind::kEducation:
        if (s.planned_end < sept1) rechoose = true;                       // course finished
        else rechoose = !rng_.chance(age >= 18 ? 0.9 : 0.95);             // changes course or leaves
        break;
      case Kind::kEmployment:
      case Kind::kEmploymentTraining:
        rechoose = rng_.chance(0.25);
        break;
      case Kind::kNeet:
        rechoose = s.code != 630 && s.code != 650 && s.code != 670 && rng_.chance(0.8);
        break;
      default:  // apprenticeships, training, programmes, custody run to their planned end
        rechoose = s.planned_end != kNoDate && s.planned_end < sept1;
        break;
    }
    if (!rechoose) return;
    const Kind from = s.kind;
    const Kind k = choose(base, age, from, true);
    if (k == from && k == Kind::kNeet) return;                       // still NEET
    if (k == from && (k == Kind::kEmployment || k == Kind::kEmploymentTraining)) return;  // same job
    start(k, std::max(term, cur().start + 7), age);
  }

  // Where someone goes after leaving education, a job or NEET in the middle of a year.
  Kind after_leaving(Kind from, int age) {
    const double hv = h_ * (p_.coached ? 0.85 : 1.0);
    const double neet = 0.45 * det_exp(0.3 * det_log(hv + 1e-9));
    double w[8] = {0.20, 0.06, 0.015, 0.10 + 0.04 * (age >= 17), 0.03, 0.04, neet,
                   p_.youth_offending && age <= 17 ? 0.03 * neet : 0.0};
    switch (from) {
      case Kind::kNeet: {
        const double x[8] = {0.46, 0.05, 0.03, 0.22, 0.09, 0.10, 0, 0};
        std::copy(x, x + 8, w);
        break;
      }
      case Kind::kApprenticeship: w[1] = 0.1, w[3] = 0.4, w[6] *= 0.8; break;
      case Kind::kEmployment:
      case Kind::kEmploymentTraining: w[3] = 0.3, w[0] = 0.1; break;
      case Kind::kCustody: w[0] = 0.1, w[3] = 0.1, w[6] = 0.7; break;
      default: break;
    }
    return static_cast<Kind>(rng_.pick(w, 8));
  }

  // Moves to `k` on d; before a start in education, an apprenticeship or training, a NEET
  // spell often shows a "start date agreed" record (616/615) for its last weeks.
  void move_to(Kind k, Date d, int age) {
    Spell& s = cur();
    if (s.kind == Kind::kNeet && s.code != 616 && s.code != 615 && d - s.start > 45 &&
        (k == Kind::kEducation || k == Kind::kApprenticeship || k == Kind::kTraining) && rng_.chance(0.35)) {
      const Date agreed = d - static_cast<Date>(rng_.range(14, 40));
      begin(Kind::kNeet, k == Kind::kEducation || k == Kind::kApprenticeship ? 616 : 615, agreed, {}, kNoDate,
            Reason::kAwaitingStart);
      cur().review = d;
    }
    start(k, d, age);
  }

  // A random day in [lo, hi] at least a week after the current spell began; kNoDate if none.
  Date day_in(Date lo, Date hi) {
    lo = std::max(lo, cur().start + 7);
    if (lo > hi) return kNoDate;
    return static_cast<Date>(rng_.range(lo, hi));
  }

  void month_step(int age, int m, Date first, Date last) {
    Spell& s = cur();
    const double hv = h_ * (p_.coached ? 0.85 : 1.0);

    // Teenage pregnancy and parenthood.
    if (p_.pregnancy != kNoDate) {
      const Date visible = p_.pregnancy + 100;
      if (visible >= first && visible <= last && s.code != 650 && s.code != 630) {
        if ((s.kind != Kind::kNeet && rng_.chance(0.8)) || (s.kind == Kind::kNeet && rng_.chance(0.8))) {
          if (visible > s.start + 7) begin(Kind::kNeet, 650, visible, {}, kNoDate, Reason::kSupported);
          return;
        }
      }
      if (p_.birth >= first && p_.birth <= last && p_.caring_for_child && cur().code != 630) {
        if (cur().kind == Kind::kNeet ? rng_.chance(0.92) : rng_.chance(0.8)) {
          if (p_.birth > cur().start + 7) begin(Kind::kNeet, 630, p_.birth, {}, kNoDate, Reason::kSupported);
          return;
        }
      }
    }

    // Planned ends (courses end with the summer; September handles them).
    if (s.kind != Kind::kEducation && s.planned_end != kNoDate && s.planned_end < last && s.planned_end >= first - 1) {
      const Date d = s.planned_end + 1;
      if (d > s.start + 7 && d <= last) {
        Kind next;
        if (s.kind == Kind::kApprenticeship) {
          const double x = rng_.uniform();
          next = x < 0.45 ? Kind::kEmploymentTraining : x < 0.75 ? Kind::kEmployment : x < 0.85 ? Kind::kApprenticeship
                                                                                      : x < 0.92 ? Kind::kEducation
                                                                                                 : Kind::kNeet;
        } else if (s.kind == Kind::kOther && s.code == 260) {
          return;
        } else {
          next = after_leaving(s.kind, age);
        }
        move_to(next, d, age);
        return;
      }
    }

    double hazard = 0;
    switch (s.kind) {
      case Kind::kEducation:
        hazard = (age <= 16 ? kDropout16[m] : age == 17 ? kDropout17[m] : kDropout17[m] * 1.5) *
                 det_exp(0.8 * det_log(hv + 1e-9));
        break;
      case Kind::kApprenticeship: hazard = kLeaveApprenticeship * det_exp(0.6 * det_log(hv + 1e-9)); break;
      case Kind::kEmploymentTraining: hazard = kLeaveJobTraining * det_exp(0.7 * det_log(hv + 1e-9)); break;
      case Kind::kEmployment:
        hazard = (age <= 16 ? kLeaveJob16 : kLeaveJob17) * det_exp(0.7 * det_log(hv + 1e-9));
        break;
      case Kind::kNeet: {
        if (m >= 10) break;  // July, August: little moves until September
        double x = age <= 16 ? kNeetExit16 : age == 17 ? kNeetExit17 : kNeetExit18;
        x *= det_exp(-0.5 * det_log(hv + 1e-9));
        if (s.code == 630 || s.code == 650 || s.code == 670) x *= 0.05;
        else if (s.code >= 620 && s.code <= 680) x *= 0.4;
        if (first - s.start > 180) x *= 0.6;
        if (m == 4) x *= 1.6;  // January starts
        if (s.code == 616 || s.code == 615) x = 0.6;
        hazard = std::min(x, 0.9);
        break;
      }
      default: break;
    }
    if (hazard <= 0 || !rng_.chance(hazard)) return;
    const Date d = day_in(first, last);
    if (d == kNoDate) return;
    Kind next = after_leaving(s.kind, age);
    if (s.kind == Kind::kNeet && m <= 5 && next == Kind::kEducation) next = rng_.chance(0.5) ? Kind::kEducation : Kind::kTraining;
    if (next == Kind::kNeet && s.kind == Kind::kNeet) return;
    move_to(next, d, age);
  }

  const Person& p_;
  const La& la_;
  Rng& rng_;
  std::vector<Spell>& spells_;
  double h_ = 1;
  Date end_ = kNoDate;
};

// ---------------------------------------------------------------------------------------
// Recording process.
// ---------------------------------------------------------------------------------------
enum class Lapse { kSeptember, kSixMonths, kThreeMonths };

Lapse lapse_of(Kind k, uint16_t code) {
  switch (k) {
    case Kind::kEducation:
    case Kind::kApprenticeship:
    case Kind::kTraining: return Lapse::kSeptember;
    case Kind::kOther: return code == 260 ? Lapse::kSeptember : Lapse::kSixMonths;
    case Kind::kNeet: return Lapse::kThreeMonths;
    default: return Lapse::kSixMonths;
  }
}

Source source_for(Kind k, const Person& p, Rng& rng) {
  const double x = rng.uniform();
  switch (k) {
    case Kind::kEducation:
    case Kind::kApprenticeship:
    case Kind::kTraining: return x < 0.75 ? Source::kProvider : x < 0.92 ? Source::kLa : Source::kYoungPerson;
    case Kind::kEmploymentTraining:
    case Kind::kEmployment: return x < 0.55 ? Source::kYoungPerson : x < 0.85 ? Source::kLa : Source::kEmployer;
    case Kind::kOther: return Source::kProvider;
    case Kind::kNeet:
      if (p.coached && x < 0.3) return Source::kCoach;
      return x < 0.45 ? Source::kYoungPerson : x < 0.85 ? Source::kLa : Source::kDwp;
    case Kind::kCustody: return Source::kYot;
  }
  return Source::kLa;
}

struct NotKnownCandidate {
  Date date;
  Date anchor;  // valid only when no recorded row starts in (anchor, date]
};

}  // namespace

bool is_eet(Kind k) { return k != Kind::kNeet && k != Kind::kCustody; }

const char* reason_name(Reason r) {
  switch (r) {
    case Reason::kNone: return "";
    case Reason::kAwaitingStart: return "awaiting_start";
    case Reason::kApplied: return "applied";
    case Reason::kSupported: return "supported";
    case Reason::kNotReady: return "not_ready";
    case Reason::kUnwilling: return "unwilling";
  }
  return "";
}

const char* source_name(Source s) {
  switch (s) {
    case Source::kNone: return "";
    case Source::kSchool: return "school";
    case Source::kProvider: return "provider";
    case Source::kLa: return "la";
    case Source::kYoungPerson: return "young_person";
    case Source::kDwp: return "dwp";
    case Source::kCoach: return "coach";
    case Source::kEmployer: return "employer";
    case Source::kYot: return "yot";
  }
  return "";
}

void simulate_outcomes(const World& world, const Person& p, Rng& rng, std::vector<Spell>& spells) {
  Simulation(world, p, rng, spells).run();
}

void record_activities(const World& world, const Person& p, const std::vector<Spell>& spells, Rng& rng,
                       std::vector<ActivityRow>& rows) {
  rows.clear();
  const Date horizon = p.leave != kNoDate ? p.leave : world.as_of;

  // Pre-16: school placements confirmed by each January census.
  for (const Placement& pl : p.placements) {
    if (pl.end != kNoDate && pl.end < world.history_start) continue;
    ActivityRow r;
    r.code = pl.code;
    r.start = pl.start;
    r.end = pl.end;
    r.provider = pl.where;
    r.source = pl.code == 110 ? Source::kSchool : pl.code == 130 ? Source::kYot : Source::kLa;
    if (pl.code == 110) {
      const Date last = std::min(pl.end == kNoDate ? horizon : pl.end, horizon);
      Date census = make_date(to_ymd(last).year, 1, 16);
      if (census > last) census = make_date(to_ymd(last).year - 1, 1, 16);
      if (census > pl.start) r.verified = census;
    }
    rows.push_back(r);
  }
  if (spells.empty()) return;

  // Post-16 (nobody arrives after Year 11, see make_person).
  const double k = det_exp(p.tracking);  // tracking-failure multiplier, median ~1
  auto prob = [k](double base) { return std::min(0.8, base * k); };
  const Date record_end = std::min({world.as_of, horizon, p.tracking_end()});
  const size_t first_post16 = rows.size();
  std::vector<NotKnownCandidate> not_known;
  Date contacts[64];

  for (size_t i = 0; i < spells.size(); ++i) {
    const Spell& s = spells[i];
    const Date end = s.end == kNoDate ? record_end : std::min(s.end, record_end);
    if (s.end != kNoDate && s.end < world.history_start) continue;
    const Date from = s.start;  // also when it lies before the history window
    if (from > end) continue;

    // First sighting: most spells are recorded from their start (enrolment lists, starters,
    // the young person's own report); some only later, a few never.
    double late = i == 0 ? 0.035 : 0.05;
    if (p.mobile) late *= 1.5;
    Date seen = from;
    bool never = false;
    if (rng.chance(prob(late))) {
      seen = from + static_cast<Date>(rng.range(25, 170));
      never = rng.chance(0.3);
    }
    if (never || seen > end) {
      if (rng.chance(0.5)) {
        const Date d = from + static_cast<Date>(rng.range(30, 100));
        if (d <= end) not_known.push_back({d, from});
      }
      continue;
    }

    // Re-verifications.
    int n = 0;
    bool new_row[64];  // a contact after a lapse starts a row of its own (see below)
    new_row[n] = true;
    contacts[n++] = seen;
    const Lapse lapse = lapse_of(s.kind, s.code);
    if (lapse == Lapse::kSeptember) {
      for (int year = academic_year_of(seen) + 1; n < 60; ++year) {
        const Date sept1 = make_date(year, 9, 1);
        if (sept1 > end) break;
        const int age = year - p.y12 + 16;
        const double miss = age >= 18 ? 0.06 : 0.022;
        if (rng.chance(prob(miss))) {  // never reconfirmed: lapses into not known
          if (rng.chance(0.5)) {
            const Date d = make_date(year, 11, 1) + static_cast<Date>(rng.range(0, 40));
            if (d <= end) not_known.push_back({d, sept1});
          }
          break;
        }
        const bool late_check = rng.chance(prob(0.05));
        const Date r = late_check ? sept1 + static_cast<Date>(rng.range(60, 170))
                                  : weekday_on_or_after(sept1 + static_cast<Date>(rng.range(4, 50)));
        if (r > end) break;
        new_row[n] = late_check;
        contacts[n++] = r;
      }
    } else {
      const bool neet = lapse == Lapse::kThreeMonths;
      const Date limit = neet ? 92 : 183;
      for (Date t = seen; n < 60;) {
        const bool missed = rng.chance(prob(neet ? 0.06 : 0.05));
        const Date gap = missed ? static_cast<Date>(rng.range(limit + 5, limit + 110))
                                : neet ? static_cast<Date>(rng.range(25, 85)) : static_cast<Date>(rng.range(75, 170));
        if (missed && rng.chance(0.3)) {
          const Date d = add_months(t, neet ? 3 : 6) + static_cast<Date>(rng.range(0, 20));
          if (d < t + gap && d <= end) not_known.push_back({d, t});
        }
        t += gap;
        if (t > end) break;
        new_row[n] = missed;
        contacts[n++] = t;
      }
    }

    // Rows: each starts at a sighting and carries the next one as its verification. A
    // sighting after the record had lapsed (and perhaps been marked not known) starts a
    // new row, so it outranks the not-known record (latest start wins).
    const bool ended = s.end != kNoDate && s.end <= record_end;
    for (int c = 0; c < n;) {
      const int verified = c + 1 < n && !new_row[c + 1] ? c + 1 : -1;
      const int next = verified >= 0 ? c + 2 : c + 1;
      ActivityRow r;
      r.code = s.code;
      r.start = contacts[c];
      r.verified = verified >= 0 ? contacts[verified] : kNoDate;
      c = next;
      if (next < n) r.end = contacts[next] - 1;
      else if (ended && rng.chance(0.9)) r.end = s.end;
      else if (p.leave != kNoDate && s.end == kNoDate && p.leave <= record_end && rng.chance(0.7)) r.end = p.leave;
      if (s.review != kNoDate && s.review >= r.start) r.review = s.review;
      r.provider = s.provider;
      r.reason = s.reason;
      if (s.kind == Kind::kNeet && rng.chance(0.08)) r.reason = Reason::kNone;
      r.source = source_for(s.kind, p, rng);
      rows.push_back(r);
    }
  }

  // Explicit not-known records where a sighting failed, unless something was recorded
  // in the meantime.
  if (!not_known.empty()) {
    std::vector<Date> starts;
    for (size_t i = first_post16; i < rows.size(); ++i) starts.push_back(rows[i].start);
    std::sort(starts.begin(), starts.end());
    const size_t recorded = rows.size();
    for (const NotKnownCandidate& c : not_known) {
      const auto it = std::upper_bound(starts.begin(), starts.end(), c.anchor);
      if (it != starts.end() && *it <= c.date) continue;
      bool duplicate = false;
      for (size_t i = recorded; i < rows.size(); ++i) duplicate |= rows[i].start == c.date;
      if (duplicate) continue;
      ActivityRow r;
      const double x = rng.uniform();
      r.code = x < (p.mobile ? 0.45 : 0.75) ? 810 : x < 0.92 ? 820 : 830;
      r.start = c.date;
      if (it != starts.end()) r.end = *it - 1;
      r.source = Source::kLa;
      rows.push_back(r);
    }
    std::stable_sort(rows.begin() + static_cast<std::ptrdiff_t>(first_post16), rows.end(),
                     [](const ActivityRow& a, const ActivityRow& b) { return a.start < b.start; });
  }
}

}  // namespace pathways::gen
