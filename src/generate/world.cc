#include "generate/world.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "generate/random.h"

namespace pathways::gen {

namespace {

// England's LAs (3-digit DfE codes, post-2023 boundaries) with a rough relative size of a
// year group, a postcode area and first district, how ethnically diverse (-1..2) and how
// deprived (-1..2) each is. Approximate by design: the data are synthetic.
struct LaRow {
  uint16_t code;
  double weight;
  const char* area;
  int district;
  int diversity;
  int deprivation;
};
constexpr LaRow kEngland[] = {
    {202, 18, "NW", 1, 2, 1},
    {203, 30, "SE", 2, 2, 1},
    {204, 25, "E", 2, 2, 2},
    {205, 14, "W", 6, 2, 1},
    {206, 17, "N", 1, 2, 2},
    {207, 10, "W", 8, 2, 0},
    {208, 26, "SW", 2, 2, 1},
    {209, 28, "SE", 4, 2, 1},
    {210, 28, "SE", 1, 2, 1},
    {211, 33, "E", 1, 2, 2},
    {212, 22, "SW", 11, 2, 0},
    {213, 14, "W", 1, 2, 1},
    {301, 29, "IG", 11, 2, 2},
    {302, 42, "EN", 4, 2, 0},
    {303, 29, "DA", 5, 2, 0},
    {304, 34, "HA", 0, 2, 1},
    {305, 35, "BR", 1, 2, -1},
    {306, 45, "CR", 0, 2, 1},
    {307, 37, "W", 5, 2, 1},
    {308, 41, "EN", 1, 2, 1},
    {309, 25, "N", 8, 2, 1},
    {310, 29, "HA", 1, 2, 0},
    {311, 30, "RM", 1, 1, 0},
    {312, 36, "UB", 3, 2, 0},
    {313, 31, "TW", 3, 2, 1},
    {314, 18, "KT", 1, 2, -1},
    {315, 21, "SW", 19, 2, 0},
    {316, 40, "E", 6, 2, 2},
    {317, 40, "IG", 1, 2, 0},
    {318, 20, "TW", 9, 1, -1},
    {319, 25, "SM", 1, 1, -1},
    {320, 29, "E", 17, 2, 1},
    {330, 170, "B", 5, 2, 2},
    {331, 40, "CV", 1, 1, 1},
    {332, 37, "DY", 1, 1, 1},
    {333, 42, "B", 66, 2, 2},
    {334, 26, "B", 90, 1, -1},
    {335, 35, "WS", 1, 1, 1},
    {336, 33, "WV", 1, 1, 1},
    {340, 18, "L", 32, 0, 2},
    {341, 48, "L", 4, 1, 2},
    {342, 18, "WA", 9, 0, 1},
    {343, 27, "L", 20, 0, 1},
    {344, 34, "CH", 41, 0, 1},
    {350, 36, "BL", 1, 1, 1},
    {351, 23, "BL", 9, 0, 0},
    {352, 65, "M", 8, 2, 2},
    {353, 30, "OL", 1, 1, 2},
    {354, 27, "OL", 11, 1, 2},
    {355, 27, "M", 5, 1, 2},
    {356, 32, "SK", 1, 0, 0},
    {357, 26, "SK", 14, 0, 1},
    {358, 29, "M", 32, 1, -1},
    {359, 33, "WN", 1, 0, 1},
    {370, 26, "S", 70, 0, 1},
    {371, 34, "DN", 1, 0, 1},
    {372, 30, "S", 60, 0, 1},
    {373, 60, "S", 1, 1, 1},
    {380, 75, "BD", 1, 2, 2},
    {381, 24, "HX", 1, 1, 1},
    {382, 49, "HD", 1, 1, 1},
    {383, 85, "LS", 1, 1, 1},
    {384, 36, "WF", 1, 0, 1},
    {390, 20, "NE", 8, 0, 1},
    {391, 30, "NE", 1, 1, 1},
    {392, 22, "NE", 25, 0, 0},
    {393, 15, "NE", 31, 0, 1},
    {394, 28, "SR", 1, 0, 1},
    {800, 19, "BA", 1, 0, -1},
    {801, 44, "BS", 1, 1, 1},
    {802, 22, "BS", 20, 0, 0},
    {803, 30, "BS", 30, 0, -1},
    {805, 10, "TS", 24, 0, 2},
    {806, 15, "TS", 1, 1, 2},
    {807, 14, "TS", 6, 0, 1},
    {808, 22, "TS", 16, 0, 1},
    {810, 27, "HU", 1, 0, 2},
    {811, 31, "HU", 11, 0, -1},
    {812, 16, "DN", 31, 0, 1},
    {813, 17, "DN", 15, 0, 0},
    {815, 59, "HG", 1, 0, -1},
    {816, 18, "YO", 1, 0, -1},
    {821, 27, "LU", 1, 2, 1},
    {822, 19, "MK", 40, 1, 0},
    {823, 32, "LU", 5, 0, -1},
    {825, 58, "HP", 5, 1, -1},
    {826, 32, "MK", 1, 1, 0},
    {830, 77, "DE", 4, 0, 0},
    {831, 30, "DE", 1, 1, 1},
    {838, 36, "DT", 1, 0, -1},
    {839, 36, "BH", 1, 0, 0},
    {840, 53, "DH", 1, 0, 1},
    {841, 11, "DL", 1, 0, 1},
    {845, 53, "TN", 19, 0, 0},
    {846, 24, "BN", 1, 0, 0},
    {850, 140, "SO", 30, 0, -1},
    {851, 20, "PO", 1, 1, 1},
    {852, 23, "SO", 14, 1, 1},
    {855, 72, "LE", 8, 0, -1},
    {856, 42, "LE", 1, 2, 1},
    {857, 4, "LE", 15, -1, -1},
    {860, 86, "ST", 5, 0, 0},
    {861, 28, "ST", 1, 1, 2},
    {865, 52, "SN", 8, 0, -1},
    {866, 25, "SN", 1, 1, 0},
    {867, 12, "RG", 12, 0, -1},
    {868, 15, "SL", 4, 1, -1},
    {869, 17, "RG", 14, 0, -1},
    {870, 15, "RG", 1, 1, 0},
    {871, 20, "SL", 1, 2, 1},
    {872, 19, "RG", 40, 0, -1},
    {873, 70, "CB", 1, 0, -1},
    {874, 25, "PE", 1, 1, 1},
    {876, 12, "WA", 7, 0, 2},
    {877, 21, "WA", 1, 0, 0},
    {878, 73, "EX", 1, -1, -1},
    {879, 26, "PL", 1, 0, 1},
    {880, 13, "TQ", 1, -1, 1},
    {881, 170, "CM", 1, 0, 0},
    {882, 20, "SS", 0, 0, 1},
    {883, 21, "RM", 15, 1, 1},
    {884, 17, "HR", 1, -1, 0},
    {885, 58, "WR", 1, 0, -1},
    {886, 185, "ME", 13, 0, 0},
    {887, 30, "ME", 1, 0, 1},
    {888, 130, "PR", 1, 0, 0},
    {889, 22, "BB", 1, 2, 2},
    {890, 16, "FY", 1, -1, 2},
    {891, 82, "NG", 15, 0, 0},
    {892, 30, "NG", 1, 1, 2},
    {893, 30, "SY", 1, -1, -1},
    {894, 20, "TF", 1, 0, 1},
    {895, 40, "CW", 1, 0, -1},
    {896, 34, "CH", 1, 0, 0},
    {908, 53, "TR", 1, -1, 0},
    {916, 64, "GL", 1, 0, -1},
    {919, 135, "AL", 1, 0, -1},
    {921, 12, "PO", 30, -1, 1},
    {925, 74, "LN", 1, 0, 0},
    {926, 88, "NR", 1, 0, 0},
    {929, 30, "NE", 20, -1, 0},
    {931, 70, "OX", 1, 0, -1},
    {933, 55, "TA", 1, -1, 0},
    {935, 74, "IP", 1, 0, 0},
    {936, 130, "GU", 1, 0, -1},
    {937, 58, "CV", 21, 0, -1},
    {938, 90, "RH", 10, 0, -1},
    {940, 36, "NN", 8, 0, 0},
    {941, 44, "NN", 1, 0, 0},
    {942, 27, "CA", 1, -1, 0},
    {943, 20, "LA", 5, -1, -1},
};

// The preset's fixed frame.
struct PresetFrame {
  Date as_of;
  int history_year;
  int first_y12, last_y12;                     // main cohorts: everyone
  std::vector<std::pair<int, double>> ehc;     // older cohorts: (y12, share with an EHC plan kept)
  int64_t default_per_year_group;
};

PresetFrame frame_for(bool national) {
  if (national) {
    // Years 9-13 in 2024-25; history from 2022-23 so Year 13 has its Year 11 record.
    // EHC plans 18-24 in 2024-25 are y12 2016..2022; plans become rarer with age.
    return {make_date(2025, 3, 31), 2022, 2023, 2027,
            {{2016, 0.008}, {2017, 0.010}, {2018, 0.012}, {2019, 0.016}, {2020, 0.022},
             {2021, 0.035}, {2022, 0.045}},
            661'000};
  }
  // Years 9-13 in 2026-27 plus the cohorts that were 16-17 in 2023-24 .. 2025-26; history
  // from 2019-20, when the oldest of them were in Year 9. EHC 18-24 beyond those: y12 2018-21.
  return {make_date(2026, 10, 31), 2019, 2022, 2029,
          {{2018, 0.008}, {2019, 0.010}, {2020, 0.014}, {2021, 0.020}},
          1'614};
}

}  // namespace

World World::build(const GenerateOptions& options) {
  World w;
  if (options.preset == "national") w.national = true;
  else if (options.preset != "la")
    throw std::runtime_error(fmt::format("unknown preset '{}': expected la or national", options.preset));
  if (options.people < 0) throw std::runtime_error("--people must not be negative");
  w.seed = options.seed;
  const PresetFrame f = frame_for(w.national);
  w.as_of = f.as_of;
  w.as_of_year = academic_year_of(f.as_of);
  w.history_year = f.history_year;
  w.history_start = make_date(f.history_year, 9, 1);

  double people_per_year_group = static_cast<double>(f.last_y12 - f.first_y12 + 1);
  for (const auto& [y12, share] : f.ehc) people_per_year_group += share;
  w.per_year_group = f.default_per_year_group;
  if (options.people > 0)
    w.per_year_group = std::max<int64_t>(
        60, static_cast<int64_t>(static_cast<double>(options.people) / people_per_year_group + 0.5));

  // Segments, oldest first.
  int64_t next = 0;
  for (const auto& [y12, share] : f.ehc) {
    const auto n = static_cast<int64_t>(static_cast<double>(w.per_year_group) * share + 0.5);
    if (n > 0) w.segments.push_back({y12, true, next, n});
    next += n;
  }
  for (int y = f.first_y12; y <= f.last_y12; ++y) {
    w.segments.push_back({y, false, next, w.per_year_group});
    next += w.per_year_group;
  }
  w.total_people = next;
  w.person_id_width = std::max<int>(7, static_cast<int>(fmt::format("{}", next).size()));

  Rng la_rng(mix_key({options.seed, 0x4C41ULL /* "LA" */}));
  if (w.national) {
    double total = 0;
    for (const LaRow& r : kEngland) total += r.weight;
    for (const LaRow& r : kEngland) {
      La la;
      la.code = r.code;
      la.weight = r.weight / total;
      la.postcode_area = r.area;
      la.district_lo = r.district;
      la.district_hi = r.district + 9;
      la.diversity = r.diversity;
      la.deprivation = 0.2 * r.deprivation + 0.12 * la_rng.normal();
      la.neet_factor = det_exp(0.15 * la_rng.normal());
      la.tracking = det_exp(0.55 * la_rng.normal() - 0.15);
      const double year_group = la.weight * static_cast<double>(w.per_year_group);
      la.schools = std::max(2, static_cast<int>(year_group / 190.0 + 0.5));
      la.sixth_form_schools = std::max(1, la.schools / 2);
      la.colleges = std::max(2, std::min(9, static_cast<int>(year_group / 2500.0 + 0.5)));  // 002: sixth form college
      la.training_providers = std::max(2, std::min(99, static_cast<int>(year_group / 700.0)));
      la.employers = std::max(30, std::min(9999, static_cast<int>(year_group / 8.0)));
      w.las.push_back(la);
    }
    // A few LAs whose tracking has broken down (calibration.md: one LA had 19.1% not known).
    for (int k = 0; k < 2; ++k) w.las[la_rng.range(0, static_cast<int64_t>(w.las.size()) - 1)].tracking *= 6.0;
    w.coaching = false;
  } else {
    // Blackpool: England's most deprived LA with the highest looked-after rate; 3% of the
    // young people on its roll live across the boundary (Lancashire, a few further away).
    La blackpool;
    blackpool.code = 890;
    blackpool.weight = 0.97;
    blackpool.postcode_area = "FY";
    blackpool.district_lo = 1;
    blackpool.district_hi = 4;
    blackpool.diversity = -1;
    blackpool.deprivation = 0.50;
    blackpool.neet_factor = 1.45;
    blackpool.tracking = 1.0;
    blackpool.schools = 8;
    blackpool.sixth_form_schools = 2;
    blackpool.colleges = 2;
    blackpool.training_providers = 6;
    blackpool.employers = 300;
    La lancashire = blackpool;
    lancashire.code = 888;
    lancashire.weight = 0.025;
    lancashire.district_lo = 5;
    lancashire.district_hi = 8;
    lancashire.deprivation = 0.0;
    La halton = blackpool;
    halton.code = 876;
    halton.weight = 0.005;
    halton.postcode_area = "WA";
    halton.district_lo = 7;
    halton.district_hi = 8;
    halton.deprivation = 0.3;
    w.las = {blackpool, lancashire, halton};
    w.home_la = 0;
    w.coaching = true;
    w.coaching_first_year = 2024;  // Year 11 in 2024-25 .. 2026-27
    w.coaching_last_year = 2026;
  }
  double cum = 0;
  for (const La& la : w.las) {
    cum += la.weight;
    w.la_cumulative.push_back(cum);
  }
  for (double& c : w.la_cumulative) c /= cum;
  return w;
}

Date weekday_on_or_after(Date d) {
  const int dow = ((d + 4) % 7 + 7) % 7;  // 0 = Sunday; 1970-01-01 was a Thursday
  if (dow == 6) return d + 2;
  if (dow == 0) return d + 1;
  return d;
}

int World::pick_la(double u) const {
  const auto it = std::upper_bound(la_cumulative.begin(), la_cumulative.end(), u);
  return static_cast<int>(std::min<size_t>(it - la_cumulative.begin(), las.size() - 1));
}

const Segment& World::segment_of(int64_t index) const {
  auto it = std::upper_bound(segments.begin(), segments.end(), index,
                             [](int64_t i, const Segment& s) { return i < s.first; });
  return *(it - 1);
}

std::string World::provider_id(const Provider& p) const {
  const char* prefix = "";
  int width = 3;
  switch (p.kind) {
    case ProviderKind::kNone: return {};
    case ProviderKind::kSchool: prefix = "SCH"; break;
    case ProviderKind::kPru: prefix = "PRU"; break;
    case ProviderKind::kCollege: prefix = "COL"; break;
    case ProviderKind::kTraining: prefix = "TP"; break;
    case ProviderKind::kEmployer: prefix = "EMP"; width = 4; break;
  }
  if (national) return fmt::format("{}{:03}{:0{}}", prefix, las[p.la].code, p.number, width);
  return fmt::format("{}{:0{}}", prefix, p.number, width);
}

const std::vector<const char*>& Names::given(char gender, int group) {
  static const std::vector<const char*> kFemale[] = {
      {"Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Freya", "Lily", "Sophie", "Ella", "Evie",
       "Poppy", "Chloe", "Jessica", "Emily", "Holly", "Ruby", "Millie", "Lucy", "Megan", "Erin",
       "Niamh", "Aoife", "Kayleigh", "Courtney", "Jade", "Leah", "Zoë", "Abbie", "Charlotte",
       "Hannah", "Ellie-May", "Lacey-Mae", "Rosie", "Maisie", "Summer", "Lola", "Imogen", "Phoebe",
       "Scarlett"},
      {"Zuzanna", "Maja", "Julia", "Alexandra", "Natalia", "Oliwia", "Ioana", "Maria", "Amelia", "Emilia"},
      {"Aaliyah", "Layla", "Jasmine", "Ella", "Mia", "Nevaeh", "Skye", "Amber", "Tia", "Leah"},
      {"Aisha", "Zara", "Fatima", "Maryam", "Amira", "Hafsa", "Inaya", "Sana", "Priya", "Anika",
       "Simran", "Ayesha"},
      {"Amara", "Precious", "Grace", "Blessing", "Adaeze", "Nia", "Chantelle", "Abena", "Esther", "Tiwa"},
      {"Mei", "Lin", "Yasmin", "Sara", "Hana", "Leila", "Noor", "Elena", "Sofia", "Anna"}};
  static const std::vector<const char*> kMale[] = {
      {"Oliver", "George", "Harry", "Noah", "Jack", "Leo", "Charlie", "Jacob", "Freddie", "Alfie",
       "Thomas", "James", "Joshua", "Ethan", "Lewis", "Callum", "Kyle", "Connor", "Ryan", "Liam",
       "Jayden", "Tyler", "Bradley", "Dylan", "Reece", "Kai", "Mason", "Logan", "Riley", "Archie",
       "Finley", "Ben", "Sam", "Joe", "Daniel", "Luke", "Owen", "Harvey", "Jake", "Billy-Joe"},
      {"Jakub", "Filip", "Mateusz", "Andrei", "Kacper", "Alexandru", "Lukas", "Dawid", "Szymon", "Matei"},
      {"Jayden", "Kai", "Tyler", "Malachi", "Isaac", "Reuben", "Jordan", "Marcus", "Leon", "Elijah"},
      {"Mohammed", "Muhammad", "Ibrahim", "Yusuf", "Ali", "Omar", "Hamza", "Zayn", "Arjun", "Rohan",
       "Aarav", "Bilal"},
      {"David", "Emmanuel", "Daniel", "Joshua", "Tobi", "Kwame", "Samuel", "Jerome", "Malik", "Tyrese"},
      {"Wei", "Jun", "Adam", "Yousef", "Karim", "Mateo", "Luca", "Sami", "Omar", "Ethan"}};
  static const std::vector<const char*> kAny[] = {
      {"Alex", "Charlie", "Jordan", "Sam", "Riley", "Jamie", "Morgan", "Robin", "Taylor", "Ashley"}};
  if (gender == 'F') return kFemale[group];
  if (gender == 'M') return kMale[group];
  return kAny[0];
}

const std::vector<const char*>& Names::family(int group) {
  static const std::vector<const char*> kFamily[] = {
      {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
       "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
       "Jackson", "Clarke", "Harrison", "Wilkinson", "Kelly", "Hughes", "Edwards", "Turner", "Cooper",
       "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harris", "Lewis", "Martin",
       "O'Neill", "O'Brien", "O'Connor", "McDonald", "McCarthy", "Smith-Jones", "Taylor-Brown",
       "Ashworth", "Whittaker", "Fletcher", "Holden", "Haworth", "Pickup", "Entwistle", "Heywood",
       "Marsden", "Cartwright", "Fairclough", "D'Arcy", "Lloyd-Davies", "Barnes", "Shaw"},
      {"Nowak", "Kowalski", "Wiśniewski", "Popescu", "Kamiński", "Lewandowski", "Ionescu",
       "Kazlauskas", "Horváth", "Murphy", "Byrne", "Novák"},
      {"Smith", "Jones", "Campbell", "Johnson", "Williams", "Khan", "Brown", "Taylor", "Green",
       "Francis", "Walker", "O'Reilly", "Hussain-Smith"},
      {"Khan", "Hussain", "Ahmed", "Ali", "Patel", "Begum", "Shah", "Akhtar", "Iqbal", "Rahman",
       "Singh", "Kaur", "Mahmood", "Chowdhury", "Mistry", "Sharma"},
      {"Okafor", "Mensah", "Adeyemi", "Johnson", "Williams", "Campbell", "Boateng", "Okonkwo",
       "Asante", "Francis", "Baptiste", "Osei"},
      {"Chen", "Wang", "Li", "Nguyen", "Haddad", "Rahimi", "Mohamed", "Hassan", "Silva", "Santos",
       "Al-Masri", "Kaya"}};
  return kFamily[group < 0 || group > 5 ? 0 : group];
}

const std::vector<Ethnicity>& ethnicities() {
  static const std::vector<Ethnicity> kCodes = {
      {"WBRI", 62.5, 0, 0.004}, {"WIRI", 0.2, 0, 0.02},  {"WIRT", 0.1, 0, 0.05}, {"WROM", 0.4, 1, 0.7},
      {"WOTH", 7.0, 1, 0.75},   {"MWBC", 1.8, 2, 0.03},  {"MWBA", 0.9, 2, 0.2},  {"MWAS", 1.7, 2, 0.2},
      {"MOTH", 2.3, 2, 0.25},   {"AIND", 3.9, 3, 0.7},   {"APKN", 4.6, 3, 0.75}, {"ABAN", 1.9, 3, 0.8},
      {"AOTH", 2.1, 3, 0.75},   {"BCRB", 0.5, 4, 0.03},  {"BAFR", 3.9, 4, 0.6},  {"BOTH", 0.6, 4, 0.3},
      {"CHNE", 0.6, 5, 0.7},    {"OOTH", 2.2, 5, 0.8},   {"REFU", 0.9, 6, 0.2},  {"NOBT", 0.4, 6, 0.1}};
  return kCodes;
}

}  // namespace pathways::gen
