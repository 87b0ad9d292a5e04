// `pathways generate`: draws every person independently from a random stream keyed by
// (seed, person index), in chunks of consecutive people spread over the machine's cores.
// Finished chunks are appended to the files strictly in chunk order, so the output is
// byte-identical whatever the number of threads or their timing, and memory stays at a
// few chunks' worth of text whatever the number of people.
#include "generate/generate.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "generate/coaching.h"
#include "generate/csv_out.h"
#include "generate/history.h"
#include "generate/person.h"
#include "generate/random.h"
#include "generate/world.h"

namespace pathways {

namespace gen {
namespace {

constexpr int64_t kChunkPeople = 8192;

struct OutputFile {
  const char* path;    // inside the output folder
  const char* header;
};
constexpr OutputFile kFiles[] = {
    {"people.csv",
     "person_id,upn,uln,given_name,family_name,date_of_birth,gender,ethnicity,postcode,la_code,"
     "cohort_status,sen_status,characteristics,level_of_need,school_id"},
    {"activities.csv",
     "person_id,activity_code,start_date,end_date,verified_date,review_date,provider_id,neet_reason,source"},
    {"indicators.csv",
     "person_id,academic_year,year_group,school_id,attendance_pct,suspensions,permanent_exclusions,fsm,eal,"
     "cin,cp_plan,young_carer,home_instability,mental_health,camhs,substance_misuse,physical_health,"
     "missed_education,ehe,ap_pru,attainment_band"},
    {"coaching/caseload.csv", "person_id,coach_id,school_id,programme,joined_date,left_date,leave_reason"},
    {"coaching/sessions.csv", "person_id,session_number,date,coach_id,mode"},
    {"coaching/assessments.csv", "person_id,assessment,date"},
    {"coaching/contacts.csv", "person_id,date,coach_id,contact_with,mode"},
    {"coaching/panel_referrals.csv", "person_id,school_id,referred_date,rag,reason,panel_date,decision,actions"},
    {"coaching/notes.csv", "person_id,date,coach_id,text,confidential"},
    {"coaching/action_plans.csv",
     "person_id,plan_date,goal,coach_id,closed_date,step_no,step_type,step_date,text,done_date"},
};
constexpr size_t kFileCount = std::size(kFiles);

// The text of one chunk of people, one buffer per output file (in kFiles order).
struct Chunk {
  CsvOut people, activities, indicators;
  CoachingOut coaching;
  // Reused per person.
  Person person;
  std::vector<Spell> spells;
  std::vector<ActivityRow> rows;

  CsvOut* buffers[kFileCount] = {&people, &activities, &indicators, &coaching.caseload,
                                 &coaching.sessions, &coaching.assessments, &coaching.contacts,
                                 &coaching.referrals, &coaching.notes, &coaching.plans};
  void clear() {
    for (CsvOut* b : buffers) b->clear();
  }
};

// UPN: check letter + LA code + 9 digits; the check letter is DfE's (weights 2..13, mod 23).
std::string make_upn(uint16_t la_code, int64_t index) {
  const uint64_t serial = (static_cast<uint64_t>(index) * 387420489ULL + 123456789ULL) % 1000000000ULL;
  const std::string digits = fmt::format("{:03}{:09}", la_code, serial);
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (digits[i] - '0') * (i + 2);
  static constexpr char kLetters[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
  return kLetters[sum % 23] + digits;
}

// ULN: 9 digits (first not 0), then a check digit (weights 10..2, mod 11).
std::string make_uln(int64_t index) {
  const uint64_t body = 100000000ULL + (static_cast<uint64_t>(index) * 282475249ULL + 76543210ULL) % 900000000ULL;
  std::string digits = fmt::format("{:09}", body);
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (digits[i] - '0') * (10 - i);
  digits += static_cast<char>('0' + (10 - sum % 11) % 10);
  return digits;
}

const char* sen_code(Sen s) { return s == Sen::kEhcPlan ? "E" : s == Sen::kSupport ? "K" : "N"; }

void write_person(const World& world, const Person& p, const std::string& id, CsvOut& out) {
  const char gender[2] = {p.gender, 0};
  const char status[2] = {p.cohort_status, 0};
  const int need = p.risk > 3.2 ? 1 : p.risk > 2.0 ? 2 : 3;
  out.text(id)
      .text(make_upn(world.las[p.school_la].code, p.index))
      .text(make_uln(p.index))
      .text(p.given_name)
      .text(p.family_name)
      .date(p.dob)
      .text(gender)
      .text(ethnicities()[p.ethnicity].code)
      .text(p.postcode)
      .num(world.las[p.la].code)
      .text(status)
      .text(sen_code(p.sen))
      .text(characteristics_text(world, p))
      .num(need)
      .text(world.provider_id(p.school));
  out.end_row();
}

void write_indicators(const World& world, const Person& p, const std::string& id, CsvOut& out) {
  static constexpr const char* kBands[] = {"low", "middle", "high"};
  for (const SchoolYear& y : p.years) {
    if (!y.in_history) continue;
    out.text(id).num(y.year).num(y.year_group).text(world.provider_id(y.school));
    if (y.attendance10 >= 0) out.tenths(y.attendance10);
    else out.empty();
    out.num(y.suspensions).num(y.exclusions).yn(y.fsm).yn(p.eal).yn(y.cin).yn(y.cp_plan).yn(y.young_carer)
        .yn(y.home_instability).yn(y.mental_health).yn(y.camhs).yn(y.substance_misuse).yn(y.physical_health)
        .yn(y.missed_education).yn(y.ehe).yn(y.ap_pru).text(kBands[p.attainment]);
    out.end_row();
  }
}

void write_activities(const World& world, const std::vector<ActivityRow>& rows, const std::string& id,
                      CsvOut& out) {
  for (const ActivityRow& r : rows) {
    out.text(id).num(r.code).date(r.start).date(r.end).date(r.verified).date(r.review)
        .text(world.provider_id(r.provider)).text(reason_name(r.reason)).text(source_name(r.source));
    out.end_row();
  }
}

void fill_chunk(const World& world, int64_t begin, int64_t end, Chunk& c) {
  c.clear();
  for (int64_t i = begin; i < end; ++i) {
    Rng rng(mix_key({world.seed, 0x5045524BULL /* "PERS" */, static_cast<uint64_t>(i)}));
    Person& p = c.person;
    make_person(world, i, rng, p);
    select_for_coaching(world, p, rng);
    simulate_outcomes(world, p, rng, c.spells);
    record_activities(world, p, c.spells, rng, c.rows);
    const std::string id = fmt::format("P{:0{}}", i + 1, world.person_id_width);
    write_person(world, p, id, c.people);
    write_activities(world, c.rows, id, c.activities);
    write_indicators(world, p, id, c.indicators);
    write_coaching(world, p, c.spells, rng, id, c.coaching);
  }
}

class Files {
 public:
  explicit Files(const std::string& dir) : dir_(dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "coaching", ec);
    if (ec) throw std::runtime_error(fmt::format("cannot create folder {}: {}", dir, ec.message()));
    for (const OutputFile& f : kFiles) {
      const std::string part = temp_path(f);
      std::FILE* fp = std::fopen(part.c_str(), "wb");
      if (fp == nullptr) {
        close_all();
        throw std::runtime_error(fmt::format("cannot write {}", part));
      }
      std::setvbuf(fp, nullptr, _IOFBF, 1 << 20);
      files_.push_back(fp);
    }
  }
  ~Files() {
    if (!committed_) {
      close_all();
      std::error_code ec;
      for (const OutputFile& f : kFiles) std::filesystem::remove(temp_path(f), ec);
    }
  }

  void write(size_t k, const std::string& data) {
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), files_[k]) != data.size())
      throw std::runtime_error(fmt::format("cannot write {}", final_path(kFiles[k])));
  }

  // Closes every file and moves it into place.
  void commit() {
    for (size_t k = 0; k < files_.size(); ++k) {
      const bool ok = std::fclose(files_[k]) == 0;
      files_[k] = nullptr;
      if (!ok) throw std::runtime_error(fmt::format("cannot write {}", final_path(kFiles[k])));
    }
    for (const OutputFile& f : kFiles) {
      std::error_code ec;
      std::filesystem::rename(temp_path(f), final_path(f), ec);
      if (ec) throw std::runtime_error(fmt::format("cannot write {}: {}", final_path(f), ec.message()));
    }
    committed_ = true;
  }

 private:
  std::string final_path(const OutputFile& f) const { return (std::filesystem::path(dir_) / f.path).string(); }
  std::string temp_path(const OutputFile& f) const { return final_path(f) + ".part"; }
  void close_all() {
    for (std::FILE*& fp : files_)
      if (fp != nullptr) std::fclose(fp), fp = nullptr;
  }

  std::string dir_;
  std::vector<std::FILE*> files_;
  bool committed_ = false;
};

}  // namespace
}  // namespace gen

void generate(const GenerateOptions& options) {
  using namespace gen;
  if (options.out_dir.empty()) throw std::runtime_error("no output folder given");
  const World world = World::build(options);
  Files files(options.out_dir);
  for (size_t k = 0; k < kFileCount; ++k) files.write(k, std::string(kFiles[k].header) + "\n");

  const int64_t chunks = (world.total_people + kChunkPeople - 1) / kChunkPeople;
  const unsigned threads = static_cast<unsigned>(
      std::clamp<int64_t>(std::thread::hardware_concurrency(), 1, std::min<int64_t>(8, std::max<int64_t>(1, chunks))));

  std::atomic<int64_t> next_chunk{0};
  int64_t next_write = 0;
  std::mutex mu;
  std::condition_variable turn;
  std::exception_ptr error;

  auto worker = [&] {
    Chunk chunk;
    for (;;) {
      const int64_t k = next_chunk.fetch_add(1);
      if (k >= chunks) return;
      try {
        fill_chunk(world, k * kChunkPeople, std::min(world.total_people, (k + 1) * kChunkPeople), chunk);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        turn.notify_all();
        return;
      }
      std::unique_lock<std::mutex> lock(mu);
      turn.wait(lock, [&] { return next_write == k || error; });
      if (error) return;
      try {
        for (size_t f = 0; f < kFileCount; ++f) files.write(f, chunk.buffers[f]->data());
      } catch (...) {
        error = std::current_exception();
      }
      ++next_write;
      turn.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  files.commit();
}

}  // namespace pathways
