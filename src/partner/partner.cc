#include "partner/partner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "engine/status.h"
#include "io/csv.h"
#include "report/render.h"

namespace pathways {

namespace {

using json = nlohmann::ordered_json;

uint64_t fnv(std::string_view s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Same shape as the store's row hashes: FNV-1a over the fields, each closed by 0x1F.
std::string hash_fields(const std::vector<std::string>& fields) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& f : fields) {
    h = fnv(f, h);
    h = (h ^ 0x1F) * 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

std::string utf8(const std::u32string& s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) out += static_cast<char>(c);
    else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// Who the row is about, whatever the feed: remembered review decisions are keyed by it.
std::string identity_key(const FeedRow& r) {
  return hash_fields({utf8(normalise_name(r.given_name)), utf8(normalise_name(r.family_name)),
                      format_date(r.date_of_birth), r.upn, r.uln});
}

// The row itself: the same row in a later file is the same review item.
std::string row_key(FeedKind kind, const FeedRow& r) {
  std::vector<std::pair<std::string, std::string>> cells = r.cells;
  std::sort(cells.begin(), cells.end());
  std::vector<std::string> f = {std::string(feed_name(kind))};
  for (auto& [k, v] : cells) {
    if (v.empty()) continue;  // an empty column is the same as no column
    f.push_back(k + "=" + v);
  }
  return hash_fields(f);
}

Incoming incoming_of(const FeedRow& r) {
  return {r.upn, r.uln, r.given_name, r.family_name, r.postcode, r.date_of_birth};
}

int64_t scalar(Db& db, const std::string& sql, const std::vector<DbValue>& params = {}) {
  auto rows = db.query(sql, params);
  return rows->next() ? rows->integer(0) : 0;
}

// --- Compiling applied rows into a delta dataset ---------------------------------------

struct ActWork {
  int code = 0;
  Date start = kNoDate, end = kNoDate, verified = kNoDate, review = kNoDate;
  std::string provider, neet_reason, source;
  bool dirty = false;
};

struct PersonWork {
  std::string id;
  uint32_t stored = kNoIndex;       // index in the store dataset, kNoIndex for a new person
  std::vector<std::string> fields;  // person_columns() order
  std::vector<std::string> original;
  std::vector<ActWork> acts;
  bool is_new = false;
};

struct DestinationRow {
  std::string person_id;
  int academic_year = 0;
  std::vector<std::string> fields;  // activity_code, school_id, year_group, recorded_date
  int year() const { return academic_year; }
};

struct OfferRow {
  std::string person_id;
  int guarantee_year = 0;
  std::vector<std::string> fields;  // offer_status, provider_id, offer_date, activity_code
  int year() const { return guarantee_year; }
};

size_t person_col(std::string_view name) {
  const auto& c = person_columns();
  const auto it = std::find(c.begin(), c.end(), name);
  if (it == c.end()) throw std::logic_error(fmt::format("person column {} is missing", name));
  return static_cast<size_t>(it - c.begin());
}

struct Applied {
  std::vector<std::string> changes;
  std::vector<std::string> notes;  // could not apply something
  bool nothing_applicable = false;
};

class Compiler {
 public:
  Compiler(const Dataset& ds, const Rules& rules, const Matcher& matcher,
           const std::map<std::pair<std::string, int>, std::string>& stored_destinations,
           const std::map<std::pair<std::string, int>, std::string>& stored_offers)
      : ds_(ds),
        rules_(rules),
        matcher_(matcher),
        stored_destinations_(stored_destinations),
        stored_offers_(stored_offers) {}

  PersonWork& existing(uint32_t p) {
    const std::string id(ds_.people.id[p]);
    if (auto it = work_.find(id); it != work_.end()) return it->second;
    PersonWork w;
    w.id = id;
    w.stored = p;
    w.fields = person_fields(ds_, rules_, p);
    w.original = w.fields;
    for (uint32_t a = ds_.activity_begin[p]; a < ds_.activity_begin[p + 1]; ++a) {
      const Activities& A = ds_.activities;
      ActWork x;
      x.code = rules_.code(A.code[a]).code;
      x.start = A.start[a];
      x.end = A.end[a];
      x.verified = A.verified[a];
      x.review = A.review[a];
      x.provider = A.provider[a] == kNoIndex ? "" : std::string(ds_.providers[A.provider[a]]);
      x.neet_reason = std::string(neet_reason_name(A.neet_reason[a]));
      x.source = A.source[a] == kNoIndex ? "" : std::string(ds_.sources[A.source[a]]);
      w.acts.push_back(std::move(x));
    }
    order_.push_back(id);
    return work_.emplace(id, std::move(w)).first->second;
  }

  PersonWork& create(const FeedRow& r, const std::string& id, std::vector<std::string>& notes) {
    if (auto it = work_.find(id); it != work_.end()) return it->second;
    PersonWork w;
    w.id = id;
    w.is_new = true;
    w.fields.assign(person_columns().size(), "");
    w.fields[person_col("given_name")] = r.given_name;
    w.fields[person_col("family_name")] = r.family_name;
    w.fields[person_col("date_of_birth")] = format_date(r.date_of_birth);
    w.fields[person_col("gender")] = r.gender.empty() ? "U" : r.gender;
    w.fields[person_col("ethnicity")] = r.ethnicity;
    w.fields[person_col("postcode")] = r.postcode;
    w.fields[person_col("la_code")] = r.la_code;
    w.fields[person_col("cohort_status")] = "P";
    w.fields[person_col("sen_status")] = r.sen_status.empty() ? "N" : r.sen_status;
    w.fields[person_col("characteristics")] = characteristics_text({}, r.characteristics);
    w.fields[person_col("school_id")] = r.school_id;
    order_.push_back(id);
    PersonWork& ref = work_.emplace(id, std::move(w)).first->second;
    Applied a;
    fill_identifier(ref, "upn", r.upn, a);
    fill_identifier(ref, "uln", r.uln, a);
    notes.insert(notes.end(), a.notes.begin(), a.notes.end());
    return ref;
  }

  Applied apply(FeedKind kind, const FeedRow& r, PersonWork& w) {
    Applied out;
    fill_identifier(w, "upn", r.upn, out);
    fill_identifier(w, "uln", r.uln, out);
    switch (kind) {
      case FeedKind::kSchoolCohort: apply_school(r, w, out); break;
      case FeedKind::kProviderEvents: apply_provider(r, w, out); break;
      case FeedKind::kSeptemberGuarantee: apply_offer(r, w, out); break;
    }
    return out;
  }

  // The people touched (with every stored field) and only their new or changed activities.
  Dataset delta() const {
    std::vector<std::vector<std::string>> people, acts;
    people.push_back({"person_id"});
    for (const auto& c : person_columns()) people[0].push_back(c);
    acts.push_back({"person_id", "activity_code", "start_date"});
    for (const auto& c : activity_columns()) acts[0].push_back(c);
    for (const auto& id : order_) {
      const PersonWork& w = work_.at(id);
      const bool acts_dirty = std::any_of(w.acts.begin(), w.acts.end(), [](const ActWork& a) { return a.dirty; });
      if (!w.is_new && !acts_dirty && w.fields == w.original) continue;
      std::vector<std::string> row = {w.id};
      row.insert(row.end(), w.fields.begin(), w.fields.end());
      people.push_back(std::move(row));
      for (const auto& a : w.acts) {
        if (!a.dirty) continue;
        acts.push_back({w.id, std::to_string(a.code), format_date(a.start), format_date(a.end), format_date(a.verified),
                        format_date(a.review), a.provider, a.neet_reason, a.source});
      }
    }
    MemoryRecords pr("partner delta people", std::move(people));
    MemoryRecords ar("partner delta activities", std::move(acts));
    LoadReport report;
    Dataset out = load_records(pr, ar, nullptr, rules_, report);
    if (!report.ok()) {
      std::string all;
      for (const auto& e : report.errors) all += "\n" + format_issue(e);
      throw std::logic_error("partner feed compiled an invalid delta:" + all);
    }
    return out;
  }

  // What import_dataset() would report for the delta (for a dry run).
  ImportSummary predicted() const {
    ImportSummary sum;
    for (const auto& id : order_) {
      const PersonWork& w = work_.at(id);
      if (w.is_new) ++sum.people_added;
      else if (w.fields != w.original) ++sum.people_changed;
      const size_t stored = w.stored == kNoIndex ? 0 : ds_.activity_begin[w.stored + 1] - ds_.activity_begin[w.stored];
      for (size_t k = 0; k < w.acts.size(); ++k) {
        if (!w.acts[k].dirty) continue;
        if (k < stored) ++sum.activities_changed;
        else ++sum.activities_added;
      }
    }
    return sum;
  }

  std::vector<DestinationRow> destinations;
  std::vector<OfferRow> offers;
  // Against the store as read before matching (the writes re-check under the lock).
  int64_t destinations_added = 0, destinations_changed = 0, offers_added = 0, offers_changed = 0;

 private:
  std::string characteristics_text(const std::string& stored, const std::vector<int>& add) const {
    std::set<int> codes(add.begin(), add.end());
    size_t b = 0;
    while (b < stored.size()) {
      size_t e = stored.find(';', b);
      if (e == std::string::npos) e = stored.size();
      if (e > b) codes.insert(std::stoi(stored.substr(b, e - b)));
      b = e + 1;
    }
    std::string out;
    for (const auto& c : rules_.characteristics()) {  // canonical order, as person_fields()
      if (!codes.count(c.code)) continue;
      if (!out.empty()) out += ';';
      out += std::to_string(c.code);
    }
    return out;
  }

  // Copies a UPN / ULN from the feed when the person has none and nobody else holds it.
  void fill_identifier(PersonWork& w, const char* column, const std::string& value, Applied& out) {
    if (value.empty()) return;
    std::string& field = w.fields[person_col(column)];
    const bool is_upn = std::string_view(column) == "upn";
    if (!field.empty()) return;  // a stored identifier is never replaced by a feed
    const uint32_t owner = is_upn ? matcher_.find_upn(value) : matcher_.find_uln(value);
    auto& taken = is_upn ? upns_taken_ : ulns_taken_;
    if (owner != kNoIndex && owner != w.stored) {
      out.notes.push_back(fmt::format("{} {} not recorded: it belongs to {}", is_upn ? "UPN" : "ULN", value,
                                  ds_.people.id[owner]));
      return;
    }
    if (auto it = taken.find(value); it != taken.end() && it->second != w.id) {
      out.notes.push_back(fmt::format("{} {} not recorded: given to {} by another row", is_upn ? "UPN" : "ULN", value,
                                  it->second));
      return;
    }
    taken[value] = w.id;
    field = value;
    if (!w.is_new) out.changes.push_back(fmt::format("{} {} recorded", is_upn ? "UPN" : "ULN", value));
  }

  void set_field(PersonWork& w, const char* column, const std::string& value, Applied& out) {
    std::string& f = w.fields[person_col(column)];
    if (f == value) return;
    out.changes.push_back(f.empty() ? fmt::format("{} {}", column, value) : fmt::format("{} {} -> {}", column, f, value));
    f = value;
  }

  void apply_school(const FeedRow& r, PersonWork& w, Applied& out) {
    set_field(w, "school_id", r.school_id, out);
    if (!r.sen_status.empty()) set_field(w, "sen_status", r.sen_status, out);
    if (!r.characteristics.empty())
      set_field(w, "characteristics", characteristics_text(w.fields[person_col("characteristics")], r.characteristics),
                out);
    if (!r.postcode.empty() &&
        normalise_postcode(r.postcode) != normalise_postcode(w.fields[person_col("postcode")]))
      set_field(w, "postcode", r.postcode, out);
    if (!r.ethnicity.empty()) set_field(w, "ethnicity", r.ethnicity, out);
    if (!r.gender.empty() && r.gender != "U" && w.fields[person_col("gender")] == "U")
      set_field(w, "gender", r.gender, out);

    // On the roll: 110 (pre-16, registered at a school) for Years 9-11, 210 (school sixth
    // form) for Years 12-13, verified on the check date.
    const int code = r.year_group <= 11 ? 110 : 210;
    ActWork* current = nullptr;
    if (w.stored != kNoIndex) {
      const Status s = status_on(ds_, rules_, w.stored, r.check_date);
      if (s.known()) current = &w.acts[s.activity - ds_.activity_begin[w.stored]];
      if (current && current->code == code && current->provider == r.school_id) {
        if (s.last_verified < r.check_date) {
          current->verified = r.check_date;
          current->dirty = true;
          out.changes.push_back(
              fmt::format("activity {} at {} verified on {}", code, r.school_id, format_date(r.check_date)));
        }
        add_destination(r, w, out);
        return;
      }
    }
    auto same_key = std::find_if(w.acts.begin(), w.acts.end(),
                                 [&](const ActWork& a) { return a.code == code && a.start == r.check_date; });
    if (same_key != w.acts.end()) {
      if (same_key->provider.empty()) {
        same_key->provider = r.school_id;
        same_key->dirty = true;
        out.changes.push_back(fmt::format("activity {} from {} given provider {}", code, format_date(r.check_date),
                                          r.school_id));
      } else if (same_key->provider != r.school_id) {
        out.notes.push_back(fmt::format("an activity {} from {} is already recorded at {}: left as it is", code,
                                        format_date(r.check_date), same_key->provider));
      }
    } else {
      ActWork a;
      a.code = code;
      a.start = r.check_date;
      a.provider = r.school_id;
      a.source = "school";
      a.dirty = true;
      w.acts.push_back(std::move(a));
      out.changes.push_back(fmt::format("new activity {} from {} at {}", code, format_date(r.check_date), r.school_id));
    }
    add_destination(r, w, out);
  }

  void add_destination(const FeedRow& r, const PersonWork& w, Applied& out) {
    if (!r.intended_destination) return;
    DestinationRow d{w.id, academic_year_of(r.check_date),
                     {std::to_string(r.intended_destination), r.school_id, std::to_string(r.year_group),
                      format_date(r.check_date)}};
    auto it = stored_destinations_.find({d.person_id, d.academic_year});
    if (it == stored_destinations_.end()) ++destinations_added;
    else if (it->second != hash_fields(d.fields)) ++destinations_changed;
    if (it == stored_destinations_.end() || it->second != hash_fields(d.fields))
      out.changes.push_back(fmt::format("intended destination {} for {}", r.intended_destination,
                                        academic_year_name(d.academic_year)));
    destinations.push_back(std::move(d));
  }

  void apply_provider(const FeedRow& r, PersonWork& w, Applied& out) {
    if (r.event == ProviderEvent::kStart) {
      auto same_key = std::find_if(w.acts.begin(), w.acts.end(), [&](const ActWork& a) {
        return a.code == r.activity_code && a.start == r.event_date;
      });
      if (same_key == w.acts.end()) {
        ActWork a;
        a.code = r.activity_code;
        a.start = r.event_date;
        a.provider = r.provider_id;
        a.source = "provider";
        a.dirty = true;
        w.acts.push_back(std::move(a));
        out.changes.push_back(
            fmt::format("new activity {} from {} at {}", r.activity_code, format_date(r.event_date), r.provider_id));
      } else if (same_key->provider.empty()) {
        same_key->provider = r.provider_id;
        if (same_key->source.empty()) same_key->source = "provider";
        same_key->dirty = true;
        out.changes.push_back(fmt::format("activity {} from {} given provider {}", r.activity_code,
                                          format_date(r.event_date), r.provider_id));
      } else if (same_key->provider != r.provider_id) {
        out.notes.push_back(fmt::format("an activity {} from {} is already recorded at {}: left as it is",
                                        r.activity_code, format_date(r.event_date), same_key->provider));
        out.nothing_applicable = true;
      }
      return;
    }
    // Leave or drop-out: end the activity at this provider that is open on the event date.
    ActWork* best = nullptr;
    for (auto& a : w.acts) {
      if (a.provider != r.provider_id || a.start > r.event_date) continue;
      if (a.end != kNoDate && a.end < r.event_date) continue;
      if (r.activity_code && a.code != r.activity_code) continue;
      if (!best || a.start >= best->start) best = &a;
    }
    if (!best) {
      out.notes.push_back(fmt::format("no activity at {} open on {}{}: nothing ended", r.provider_id,
                                      format_date(r.event_date),
                                      r.activity_code ? fmt::format(" with code {}", r.activity_code) : ""));
      out.nothing_applicable = true;
      return;
    }
    if (best->end == r.event_date) return;
    best->end = r.event_date;
    best->dirty = true;
    out.changes.push_back(fmt::format("activity {} from {} at {} ended on {}{}", best->code, format_date(best->start),
                                      r.provider_id, format_date(r.event_date),
                                      r.event == ProviderEvent::kDropout ? " (drop-out)" : ""));
  }

  void apply_offer(const FeedRow& r, PersonWork& w, Applied& out) {
    OfferRow o{w.id, r.guarantee_year,
               {std::string(offer_status_name(r.offer_status)), r.provider_id, format_date(r.offer_date),
                r.activity_code ? std::to_string(r.activity_code) : ""}};
    auto it = stored_offers_.find({o.person_id, o.guarantee_year});
    if (it == stored_offers_.end()) ++offers_added;
    else if (it->second != hash_fields(o.fields)) ++offers_changed;
    if (it == stored_offers_.end() || it->second != hash_fields(o.fields))
      out.changes.push_back(fmt::format("September Guarantee {}: {}", r.guarantee_year, offer_status_name(r.offer_status)));
    offers.push_back(std::move(o));
  }

  const Dataset& ds_;
  const Rules& rules_;
  const Matcher& matcher_;
  const std::map<std::pair<std::string, int>, std::string>& stored_destinations_;
  const std::map<std::pair<std::string, int>, std::string>& stored_offers_;
  std::map<std::string, PersonWork> work_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> upns_taken_, ulns_taken_;
};

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// A new person's id: derived from the row's identity, so two imports of the same new young
// person running at once name them alike; a suffix keeps it clear of anyone stored.
std::string new_person_id(const Dataset& ds, const std::string& ikey, const std::set<std::string>& taken) {
  std::string base = "PW-";
  for (size_t i = 0; i < 10 && i < ikey.size(); ++i)
    base += static_cast<char>(std::toupper(static_cast<unsigned char>(ikey[i])));
  std::string id = base;
  for (int n = 2; ds.find_person(id) != kNoIndex || taken.count(id); ++n) id = fmt::format("{}-{}", base, n);
  return id;
}

std::map<std::pair<std::string, int>, std::string> stored_hashes(Db& db, bool offers) {
  std::map<std::pair<std::string, int>, std::string> out;
  const std::string sql =
      offers ? "SELECT p.person_id, o.guarantee_year, v.row_hash FROM september_guarantee_offers o JOIN people p ON "
               "p.person_seq = o.person_seq JOIN september_guarantee_offer_versions v ON v.offer_seq = o.offer_seq AND "
               "v.version = o.current_version"
             : "SELECT p.person_id, d.academic_year, v.row_hash FROM intended_destinations d JOIN people p ON "
               "p.person_seq = d.person_seq JOIN intended_destination_versions v ON v.destination_seq = "
               "d.destination_seq AND v.version = d.current_version";
  auto rows = db.query(sql);
  while (rows->next())
    out[{std::string(rows->text(0)), static_cast<int>(rows->integer(1))}] = std::string(rows->text(2));
  return out;
}

struct SideCounts {
  int64_t batch_id = 0;
  int64_t destinations_added = 0, destinations_changed = 0, offers_added = 0, offers_changed = 0;
};

// Writes destinations and offers (new rows, new versions of changed rows) inside an open
// transaction, holding the writers' lock; records a batch when anything changed.
SideCounts write_side_rows(Db& db, const std::vector<DestinationRow>& dests, const std::vector<OfferRow>& offers,
                           const std::string& source, const std::string& user) {
  SideCounts sc;
  if (dests.empty() && offers.empty()) return sc;
  struct Spec {
    const char* table;
    const char* versions;
    const char* seq;
    const char* year;
    std::vector<std::string> columns;
  };
  const Spec dspec{"intended_destinations", "intended_destination_versions", "destination_seq", "academic_year",
                   {"activity_code", "school_id", "year_group", "recorded_date"}};
  const Spec ospec{"september_guarantee_offers", "september_guarantee_offer_versions", "offer_seq", "guarantee_year",
                   {"offer_status", "provider_id", "offer_date", "activity_code"}};
  struct Stored {
    int64_t seq, version;
    std::string hash;
  };
  struct Pending {
    const Spec* spec;
    std::string person_id;
    int year;
    const std::vector<std::string>* fields;
    std::string hash;
    int64_t seq = 0, version = 1;
    bool is_new = true;
  };
  std::vector<Pending> pending;
  auto plan = [&](const Spec& spec, auto& rows, int64_t& added, int64_t& changed) {
    if (rows.empty()) return;
    // What is stored now, read under the lock.
    std::map<std::pair<std::string, int>, Stored> stored;
    auto q = db.query(fmt::format("SELECT p.person_id, t.{3}, t.{0}, t.current_version, v.row_hash FROM {1} t JOIN "
                                  "people p ON p.person_seq = t.person_seq JOIN {2} v ON v.{0} = t.{0} AND v.version = "
                                  "t.current_version",
                                  spec.seq, spec.table, spec.versions, spec.year));
    while (q->next())
      stored[{std::string(q->text(0)), static_cast<int>(q->integer(1))}] = {q->integer(2), q->integer(3),
                                                                             std::string(q->text(4))};
    q.reset();
    for (const auto& row : rows) {
      Pending p{&spec, row.person_id, row.year(), &row.fields, hash_fields(row.fields)};
      auto it = stored.find({p.person_id, p.year});
      if (it != stored.end()) {
        if (it->second.hash == p.hash) continue;
        p.seq = it->second.seq;
        p.version = it->second.version + 1;
        p.is_new = false;
        it->second.hash = p.hash;  // a later row for the same key compares with this one
        it->second.version = p.version;
        ++changed;
      } else {
        stored[{p.person_id, p.year}] = {0, 1, p.hash};
        ++added;
      }
      pending.push_back(std::move(p));
    }
  };
  plan(dspec, dests, sc.destinations_added, sc.destinations_changed);
  plan(ospec, offers, sc.offers_added, sc.offers_changed);
  if (pending.empty()) return sc;

  sc.batch_id = scalar(db, "SELECT COALESCE(MAX(batch_id), 0) FROM import_batches") + 1;
  db.query(
      "INSERT INTO import_batches (batch_id, source, imported_by, imported_at, people_added, people_changed, "
      "activities_added, activities_changed, indicators_added, indicators_changed) VALUES ($1, $2, $3, $4, 0, 0, 0, 0, "
      "0, 0)",
      {std::to_string(sc.batch_id), source, user, store_timestamp()});
  for (const Spec* s : {&dspec, &ospec}) {
    int64_t next_seq = scalar(db, fmt::format("SELECT COALESCE(MAX({}), 0) FROM {}", s->seq, s->table));
    auto insert_row = db.prepare(fmt::format(
        "INSERT INTO {} ({}, person_seq, {}, current_version) VALUES ($1, (SELECT person_seq FROM people WHERE "
        "person_id = $2), $3, 1)",
        s->table, s->seq, s->year));
    auto update_row = db.prepare(fmt::format("UPDATE {} SET current_version = $1 WHERE {} = $2", s->table, s->seq));
    std::string cols = fmt::format("{}, version, batch_id, row_hash", s->seq), vals = "$1, $2, $3, $4";
    for (size_t k = 0; k < s->columns.size(); ++k) {
      cols += ", " + s->columns[k];
      vals += fmt::format(", ${}", k + 5);
    }
    auto insert_version = db.prepare(fmt::format("INSERT INTO {} ({}) VALUES ({})", s->versions, cols, vals));
    std::map<std::pair<std::string, int>, int64_t> new_seq;  // rows added by this batch
    for (auto& p : pending) {
      if (p.spec != s) continue;
      if (p.is_new) {
        if (auto it = new_seq.find({p.person_id, p.year}); it != new_seq.end()) {
          p.seq = it->second;  // a second row for a key this batch created: a new version
          update_row->run({std::to_string(p.version), std::to_string(p.seq)});
        } else {
          p.seq = ++next_seq;
          new_seq[{p.person_id, p.year}] = p.seq;
          insert_row->run({std::to_string(p.seq), p.person_id, std::to_string(p.year)});
        }
      } else {
        update_row->run({std::to_string(p.version), std::to_string(p.seq)});
      }
      std::vector<DbValue> params = {std::to_string(p.seq), std::to_string(p.version), std::to_string(sc.batch_id),
                                     p.hash};
      for (const auto& v : *p.fields) params.push_back(v.empty() ? DbValue{} : DbValue{v});
      insert_version->run(params);
    }
  }
  return sc;
}

json candidates_json(const std::vector<ReviewCandidate>& cands) {
  json a = json::array();
  for (const auto& c : cands) {
    a.push_back({{"person_id", c.person_id},
                 {"score", std::round(c.score * 1000) / 1000},
                 {"basis", c.basis},
                 {"given_name", c.given_name},
                 {"family_name", c.family_name},
                 {"date_of_birth", c.date_of_birth},
                 {"postcode", c.postcode},
                 {"upn", c.upn},
                 {"uln", c.uln}});
  }
  return a;
}

ReviewCandidate review_candidate(const Dataset& ds, const Candidate& c) {
  const People& P = ds.people;
  const uint32_t p = c.person;
  return {std::string(P.id[p]),          c.score,
          c.basis,                       std::string(P.given_name[p]),
          std::string(P.family_name[p]), format_date(P.date_of_birth[p]),
          std::string(P.postcode[p]),    std::string(P.upn[p]),
          std::string(P.uln[p])};
}

ReviewItem item_from_row(DbRows& rows) {
  ReviewItem it;
  it.review_id = rows.integer(0);
  it.feed = parse_feed_kind(rows.text(1)).value_or(FeedKind::kSchoolCohort);
  it.source = std::string(rows.text(2));
  it.line = static_cast<uint64_t>(rows.integer(3));
  it.reason = std::string(rows.text(4));
  const json in = json::parse(rows.text(5));
  for (auto& [k, v] : in.items()) it.incoming.emplace_back(k, v.get<std::string>());
  for (const auto& c : json::parse(rows.text(6))) {
    it.candidates.push_back({c.at("person_id").get<std::string>(), c.at("score").get<double>(),
                             c.at("basis").get<std::string>(), c.at("given_name").get<std::string>(),
                             c.at("family_name").get<std::string>(), c.at("date_of_birth").get<std::string>(),
                             c.at("postcode").get<std::string>(), c.at("upn").get<std::string>(),
                             c.at("uln").get<std::string>()});
  }
  it.status = std::string(rows.text(7));
  it.created_by = std::string(rows.text(8));
  it.created_at = std::string(rows.text(9));
  it.resolution_person_id = std::string(rows.text(10));
  it.resolved_by = std::string(rows.text(11));
  it.resolved_at = std::string(rows.text(12));
  it.resolution_note = std::string(rows.text(13));
  return it;
}

constexpr const char* kReviewColumns =
    "review_id, feed, source, line, reason, incoming, candidates, status, created_by, created_at, "
    "resolution_person_id, resolved_by, resolved_at, resolution_note";

// Everything an import reads before it writes comes from one snapshot: load_store() runs
// several queries, and outside a transaction a commit landing between them would be
// half-seen (activities of a person the people query did not return).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Db& db) : db_(db) {
    db.exec(db.dialect() == "postgresql" ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN");
  }
  ~ReadSnapshot() {
    try {
      end();
    } catch (...) {  // already failing; the connection's next statement reports it
    }
  }
  void end() {
    if (!open_) return;
    open_ = false;
    db_.rollback();
  }

 private:
  Db& db_;
  bool open_ = true;
};

Dataset load_store_or_throw(Db& db, const Rules& rules) {
  LoadReport store_report;
  Dataset ds = load_store(db, rules, store_report, {}, /*own_snapshot=*/false);
  if (!store_report.ok()) {
    std::string all;
    for (const auto& e : store_report.errors) all += "\n" + format_issue(e);
    throw std::runtime_error("the store does not read back cleanly:" + all);
  }
  return ds;
}

}  // namespace

std::string_view row_action_name(RowAction a) {
  switch (a) {
    case RowAction::kMatchedUpn: return "matched_upn";
    case RowAction::kMatchedUln: return "matched_uln";
    case RowAction::kMatchedScore: return "matched_score";
    case RowAction::kMatchedByReview: return "matched_by_review";
    case RowAction::kNewPerson: return "new_person";
    case RowAction::kReview: return "review";
    case RowAction::kAlreadyInReview: return "already_in_review";
    case RowAction::kDismissed: break;
  }
  return "dismissed";
}

bool PartnerImportResult::changed() const {
  return data.changed() || partner_batch_id != 0 || !reviews.empty();
}

PartnerImportResult import_partner_feed(Db& db, const Rules& rules, FeedKind kind, const std::string& csv_path,
                                        const std::string& user, LoadReport& report, const PartnerOptions& options) {
  const size_t slash = csv_path.find_last_of('/');
  const std::string name = slash == std::string::npos ? csv_path : csv_path.substr(slash + 1);
  try {
    CsvReader csv(csv_path, name);
    return import_partner_records(db, rules, kind, csv, name, user, report, options);
  } catch (const CsvError& e) {
    report.error({e.file(), e.line(), "", "", e.reason()});
    PartnerImportResult r;
    r.feed = kind;
    r.source = name;
    return r;
  }
}

namespace {
void apply_partner_rows(Db& db, const Rules& rules, FeedKind kind, const std::vector<FeedRow>& rows,
                        const std::string& source_name, const std::string& user, LoadReport& report,
                        const PartnerOptions& options, PartnerImportResult& res);
}  // namespace

PartnerImportResult import_partner_records(Db& db, const Rules& rules, FeedKind kind, RecordSource& records,
                                           const std::string& source_name, const std::string& user,
                                           LoadReport& report, const PartnerOptions& options) {
  PartnerImportResult res;
  res.feed = kind;
  res.source = source_name;
  res.dry_run = options.dry_run;
  FeedOptions fo;
  fo.default_la_code = options.default_la_code;
  const std::vector<FeedRow> rows = read_feed(kind, records, rules, fo, report);
  if (!report.ok()) return res;
  res.rows = static_cast<int64_t>(rows.size());

  migrate(db);
  // A real import reads, matches and writes in one transaction under the writers' lock, so
  // it matches against exactly the store it changes and stores all of it or nothing. A dry
  // run only reads, from one snapshot.
  std::optional<ReadSnapshot> snapshot;
  if (options.dry_run) snapshot.emplace(db);
  else db.begin_exclusive();
  try {
    apply_partner_rows(db, rules, kind, rows, source_name, user, report, options, res);
    if (options.dry_run) snapshot->end();
    else if (res.changed()) db.commit();
    else db.rollback();  // nothing to record
  } catch (...) {
    if (!options.dry_run) db.rollback();
    throw;
  }
  return res;
}

namespace {

// Matches and applies the rows, inside the transaction import_partner_records() opened.
void apply_partner_rows(Db& db, const Rules& rules, FeedKind kind, const std::vector<FeedRow>& rows,
                        const std::string& source_name, const std::string& user, LoadReport& report,
                        const PartnerOptions& options, PartnerImportResult& res) {
  const Dataset ds = load_store_or_throw(db, rules);
  const Matcher matcher(ds, options.thresholds);

  // What the review queue already knows.
  std::map<std::string, std::pair<int64_t, std::string>> by_row;  // row_key -> (id, status), latest
  std::map<std::string, std::string> resolved_identity;         // identity_key -> person, latest
  {
    auto q = db.query(
        "SELECT review_id, row_key, identity_key, status, resolution_person_id FROM review_queue ORDER BY review_id");
    while (q->next()) {
      by_row[std::string(q->text(1))] = {q->integer(0), std::string(q->text(3))};
      if (q->text(3) == "resolved" && !q->is_null(4)) resolved_identity[std::string(q->text(2))] = std::string(q->text(4));
    }
  }
  const auto stored_dest = stored_hashes(db, false);
  const auto stored_offer = stored_hashes(db, true);

  // Processing order: file order; provider events by date (starts before leavers on a day),
  // so a start and a leave of the same person in one file apply in the right order.
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) order[i] = i;
  if (kind == FeedKind::kProviderEvents) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return std::make_pair(rows[a].event_date, static_cast<int>(rows[a].event)) <
             std::make_pair(rows[b].event_date, static_cast<int>(rows[b].event));
    });
  }

  struct Decision {
    RowAction action = RowAction::kReview;
    uint32_t person = kNoIndex;  // stored person
    std::string new_id;          // new person
    MatchResult match;
    std::string reason;
    int64_t review_id = 0;
    std::string row_key, identity_key;
  };
  std::vector<Decision> dec(rows.size());
  std::map<std::string, std::string> new_by_identity;  // identity_key -> new id, this feed
  std::map<std::string, uint64_t> new_first_line;
  std::set<std::string> new_ids;
  const bool creates = kind != FeedKind::kSeptemberGuarantee;
  for (size_t i : order) {
    const FeedRow& r = rows[i];
    Decision& d = dec[i];
    d.row_key = row_key(kind, r);
    d.identity_key = identity_key(r);
    if (auto it = by_row.find(d.row_key); it != by_row.end() && it->second.second != "resolved") {
      d.action = it->second.second == "open" ? RowAction::kAlreadyInReview : RowAction::kDismissed;
      d.review_id = it->second.first;
      continue;
    }
    if (auto it = resolved_identity.find(d.identity_key); it != resolved_identity.end()) {
      if (const uint32_t p = ds.find_person(it->second); p != kNoIndex) {
        d.action = RowAction::kMatchedByReview;
        d.person = p;
        d.match.score = 1.0;
        continue;
      }
    }
    d.match = matcher.match(incoming_of(r));
    switch (d.match.outcome) {
      case MatchOutcome::kExactUpn: d.action = RowAction::kMatchedUpn; d.person = d.match.person; break;
      case MatchOutcome::kExactUln: d.action = RowAction::kMatchedUln; d.person = d.match.person; break;
      case MatchOutcome::kConfident: d.action = RowAction::kMatchedScore; d.person = d.match.person; break;
      case MatchOutcome::kReview: d.action = RowAction::kReview; d.reason = d.match.reason; break;
      case MatchOutcome::kNoMatch: {
        if (auto it = new_by_identity.find(d.identity_key); it != new_by_identity.end()) {
          d.action = RowAction::kNewPerson;
          d.new_id = it->second;
        } else if (creates && (kind == FeedKind::kSchoolCohort || r.event == ProviderEvent::kStart)) {
          d.action = RowAction::kNewPerson;
          d.new_id = new_person_id(ds, d.identity_key, new_ids);
          new_ids.insert(d.new_id);
          new_by_identity[d.identity_key] = d.new_id;
          new_first_line[d.new_id] = r.line;
        } else {
          d.action = RowAction::kReview;
          d.reason = kind == FeedKind::kSeptemberGuarantee
                         ? "no young person in the store matches this offer"
                         : fmt::format("no young person in the store matches this {}", provider_event_name(r.event));
        }
        break;
      }
    }
  }

  // Two rows of one feed landing on one young person: never applied silently. A row matched
  // by an identifier (or an earlier review) wins over rows matched by name; otherwise all of
  // them go to review.
  {
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Decision& d = dec[i];
      std::string target;
      if (d.person != kNoIndex) target = std::string(ds.people.id[d.person]);
      else if (!d.new_id.empty()) target = d.new_id;
      else continue;
      std::string key = target;
      if (kind == FeedKind::kProviderEvents)
        key += std::string("\x1f") + std::string(provider_event_name(rows[i].event)) + "\x1f" + rows[i].provider_id;
      groups[key].push_back(i);
    }
    for (auto& [key, members] : groups) {
      if (members.size() < 2) continue;
      std::vector<size_t> exact;
      for (size_t i : members) {
        const RowAction a = dec[i].action;
        if (a == RowAction::kMatchedUpn || a == RowAction::kMatchedUln || a == RowAction::kMatchedByReview)
          exact.push_back(i);
      }
      std::vector<std::string> lines;
      for (size_t i : members) lines.push_back(std::to_string(rows[i].line));
      for (size_t i : members) {
        if (exact.size() == 1 && exact[0] == i) continue;
        Decision& d = dec[i];
        const std::string who = d.person != kNoIndex ? std::string(ds.people.id[d.person]) : "the same new person";
        d.reason = exact.size() == 1
                       ? fmt::format("line {} matched {} by identifier; this row matched them too",
                                     rows[exact[0]].line, who)
                       : fmt::format("lines {} all matched {}", join(lines, ", "), who);
        if (d.person != kNoIndex &&
            std::none_of(d.match.candidates.begin(), d.match.candidates.end(),
                         [&](const Candidate& c) { return c.person == d.person; })) {
          Candidate c;
          c.person = d.person;
          c.score = d.match.score;
          c.basis = std::string(row_action_name(d.action));
          d.match.candidates.insert(d.match.candidates.begin(), c);
        }
        d.action = RowAction::kReview;
        d.person = kNoIndex;
        d.new_id.clear();
      }
    }
  }

  // Apply, in processing order.
  Compiler comp(ds, rules, matcher, stored_dest, stored_offer);
  std::vector<RowOutcome> outcomes(rows.size());
  std::set<std::string> created;
  for (size_t i : order) {
    const FeedRow& r = rows[i];
    Decision& d = dec[i];
    RowOutcome& o = outcomes[i];
    o.line = r.line;
    o.action = d.action;
    o.score = d.match.score;
    o.review_id = d.review_id;
    switch (d.action) {
      case RowAction::kAlreadyInReview: ++res.already_in_review; o.detail = "already in the review queue"; continue;
      case RowAction::kDismissed: ++res.dismissed; o.detail = "dismissed from the review queue earlier"; continue;
      case RowAction::kReview: ++res.to_review; o.detail = d.reason; continue;
      case RowAction::kMatchedUpn:
      case RowAction::kMatchedUln: ++res.matched_exact; break;
      case RowAction::kMatchedScore: ++res.matched_score; break;
      case RowAction::kMatchedByReview: ++res.matched_by_review; break;
      case RowAction::kNewPerson: break;
    }
    std::vector<std::string> notes;
    PersonWork* w;
    if (d.action == RowAction::kNewPerson) {
      if (created.insert(d.new_id).second) ++res.new_people;
      w = &comp.create(r, d.new_id, notes);
      o.score = 0;
    } else {
      w = &comp.existing(d.person);
    }
    o.person_id = w->id;
    Applied a = comp.apply(kind, r, *w);
    for (auto& n : notes) a.notes.push_back(n);
    for (const auto& n : a.notes)
      report.warning({source_name, r.line, "", "", fmt::format("{}: {}", w->id, n)});
    std::vector<std::string> parts;
    if (d.action == RowAction::kNewPerson) {
      parts.push_back(new_first_line[d.new_id] == r.line
                          ? "new person"
                          : fmt::format("same new person as line {}", new_first_line[d.new_id]));
    }
    parts.insert(parts.end(), a.changes.begin(), a.changes.end());
    parts.insert(parts.end(), a.notes.begin(), a.notes.end());
    o.detail = parts.empty() ? "no change" : join(parts, "; ");
    if (!a.changes.empty() || d.action == RowAction::kNewPerson) ++res.applied_rows;
    else if (a.nothing_applicable) ++res.not_applied;
    else ++res.unchanged_rows;
  }

  // New review items.
  std::vector<std::pair<size_t, ReviewItem>> new_items;
  std::vector<std::string> new_item_json_in, new_item_json_cands;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (dec[i].action != RowAction::kReview) continue;
    ReviewItem it;
    it.feed = kind;
    it.source = source_name;
    it.line = rows[i].line;
    it.reason = dec[i].reason;
    it.incoming = rows[i].cells;
    // The LA code the row was read with (its own, or the import's default for an empty or
    // missing cell), so the item validates again when it is resolved.
    if (!rows[i].la_code.empty()) {
      auto la = std::find_if(it.incoming.begin(), it.incoming.end(), [](auto& c) { return c.first == "la_code"; });
      if (la == it.incoming.end()) it.incoming.emplace_back("la_code", rows[i].la_code);
      else if (la->second.empty()) la->second = rows[i].la_code;
    }
    for (const auto& c : dec[i].match.candidates) it.candidates.push_back(review_candidate(ds, c));
    it.status = "open";
    it.created_by = user;
    new_items.emplace_back(i, std::move(it));
  }

  Dataset delta = comp.delta();
  if (options.dry_run) {
    res.outcomes = std::move(outcomes);
    for (auto& [i, it] : new_items) res.reviews.push_back(std::move(it));
    res.data = comp.predicted();
    res.destinations_added = comp.destinations_added;
    res.destinations_changed = comp.destinations_changed;
    res.offers_added = comp.offers_added;
    res.offers_changed = comp.offers_changed;
    return;
  }

  // People and activities (the delta), then destinations, offers, review items and the
  // import log: all in the caller's one transaction.
  const std::string source = fmt::format("partner:{}:{}", feed_name(kind), source_name);
  if (delta.people.size() > 0) res.data = import_dataset_locked(db, delta, rules, source, user);
  {
    const SideCounts sc = write_side_rows(db, comp.destinations, comp.offers, source, user);
    res.partner_batch_id = sc.batch_id;
    res.destinations_added = sc.destinations_added;
    res.destinations_changed = sc.destinations_changed;
    res.offers_added = sc.offers_added;
    res.offers_changed = sc.offers_changed;
    int64_t next_id = scalar(db, "SELECT COALESCE(MAX(review_id), 0) FROM review_queue");
    const std::string at = store_timestamp();
    for (auto& [i, it] : new_items) {
      // The same row twice in one file: the first is queued, the second finds it.
      auto q = db.query("SELECT review_id FROM review_queue WHERE row_key = $1 AND status = 'open'", {dec[i].row_key});
      if (q->next()) {
        outcomes[i].action = RowAction::kAlreadyInReview;
        outcomes[i].review_id = q->integer(0);
        --res.to_review;
        ++res.already_in_review;
        continue;
      }
      q.reset();
      it.review_id = ++next_id;
      it.created_at = at;
      json in = json::object();
      for (auto& [k, v] : it.incoming) in[k] = v;
      db.query(
          "INSERT INTO review_queue (review_id, feed, source, line, row_key, identity_key, incoming, reason, "
          "candidates, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11)",
          {std::to_string(it.review_id), std::string(feed_name(kind)), source_name, std::to_string(it.line),
           dec[i].row_key, dec[i].identity_key, in.dump(), it.reason, candidates_json(it.candidates).dump(), user, at});
      outcomes[i].review_id = it.review_id;
      res.reviews.push_back(it);
    }
    res.outcomes = std::move(outcomes);
    if (res.changed()) {
      const int64_t import_id = scalar(db, "SELECT COALESCE(MAX(import_id), 0) FROM partner_imports") + 1;
      db.query(
          "INSERT INTO partner_imports (import_id, feed, source, imported_by, imported_at, data_batch_id, "
          "partner_batch_id, rows_read, matched_exact, matched_score, matched_by_review, new_people, to_review, "
          "applied_rows) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
          {std::to_string(import_id), std::string(feed_name(kind)), source_name, user, at,
           res.data.batch_id ? DbValue{std::to_string(res.data.batch_id)} : DbValue{},
           res.partner_batch_id ? DbValue{std::to_string(res.partner_batch_id)} : DbValue{}, std::to_string(res.rows),
           std::to_string(res.matched_exact), std::to_string(res.matched_score), std::to_string(res.matched_by_review),
           std::to_string(res.new_people), std::to_string(res.to_review), std::to_string(res.applied_rows)});
    }
  }
}

}  // namespace

std::vector<ReviewItem> open_reviews(Db& db) {
  migrate(db);
  std::vector<ReviewItem> out;
  auto rows = db.query(fmt::format("SELECT {} FROM review_queue WHERE status = 'open' ORDER BY review_id", kReviewColumns));
  while (rows->next()) out.push_back(item_from_row(*rows));
  return out;
}

std::optional<ReviewItem> review_item(Db& db, int64_t review_id) {
  migrate(db);
  auto rows = db.query(fmt::format("SELECT {} FROM review_queue WHERE review_id = $1", kReviewColumns),
                       {std::to_string(review_id)});
  if (!rows->next()) return std::nullopt;
  return item_from_row(*rows);
}

namespace {

ResolveResult resolve_locked(Db& db, const Rules& rules, int64_t review_id, const std::optional<std::string>& person_id,
                             const std::string& user, const ReviewItem& item_in, const FeedRow& r) {
  const ReviewItem* item = &item_in;
  // Claim the item, so two people resolving it at once cannot both apply it.
  {
    auto claim = db.prepare(
        "UPDATE review_queue SET status = 'resolved', resolved_by = $1, resolved_at = $2 WHERE review_id = $3 AND "
        "status = 'open'");
    const int64_t n = claim->run({user, store_timestamp(), std::to_string(review_id)});
    if (n != 1) throw std::invalid_argument(fmt::format("review {}: resolved by someone else meanwhile", review_id));
  }
  const Dataset ds = load_store_or_throw(db, rules);
  const Matcher matcher(ds);
  const auto stored_dest = stored_hashes(db, false);
  const auto stored_offer = stored_hashes(db, true);
  Compiler comp(ds, rules, matcher, stored_dest, stored_offer);
  ResolveResult res;
  PersonWork* w;
  if (person_id) {
    const uint32_t p = ds.find_person(*person_id);
    if (p == kNoIndex) throw std::invalid_argument(fmt::format("review {}: no person with id '{}'", review_id, *person_id));
    if (ds.people.date_of_birth[p] != r.date_of_birth)
      res.notes.push_back(fmt::format("{}'s date of birth stays {} (the row says {}); correct it with a canonical "
                                      "import if the row is right",
                                      *person_id, format_date(ds.people.date_of_birth[p]),
                                      format_date(r.date_of_birth)));
    w = &comp.existing(p);
  } else {
    if (r.la_code.empty())
      throw std::invalid_argument(
          fmt::format("review {}: the row has no LA code, so no new person can be created; choose a person", review_id));
    w = &comp.create(r, new_person_id(ds, identity_key(r), {}), res.notes);
    res.new_person = true;
  }
  res.person_id = w->id;
  Applied a = comp.apply(item->feed, r, *w);
  for (auto& n : a.notes) res.notes.push_back(n);
  std::vector<std::string> parts;
  if (res.new_person) parts.push_back("new person");
  parts.insert(parts.end(), a.changes.begin(), a.changes.end());
  res.detail = parts.empty() ? "no change" : join(parts, "; ");
  const Dataset delta = comp.delta();

  db.query("UPDATE review_queue SET resolution_person_id = $1, resolution_note = $2 WHERE review_id = $3",
           {res.person_id, res.new_person ? DbValue{"new person"} : DbValue{}, std::to_string(review_id)});
  const std::string source = fmt::format("review:{}:{}", review_id, item->source);
  if (delta.people.size() > 0) res.data = import_dataset_locked(db, delta, rules, source, user);
  write_side_rows(db, comp.destinations, comp.offers, source, user);
  return res;
}

}  // namespace

ResolveResult resolve_review(Db& db, const Rules& rules, int64_t review_id, std::optional<std::string> person_id,
                             const std::string& user) {
  const auto item = review_item(db, review_id);
  if (!item) throw std::invalid_argument(fmt::format("review {}: no such item", review_id));
  if (item->status != "open") throw std::invalid_argument(fmt::format("review {}: already {}", review_id, item->status));

  // The row as it was read from the feed, validated again.
  std::vector<std::string> header, values;
  for (const auto& [k, v] : item->incoming) {
    header.push_back(k);
    values.push_back(v);
  }
  MemoryRecords rec(item->source, {header, values});
  rec.set_lines({0, item->line});
  LoadReport rep;
  std::vector<FeedRow> rows = read_feed(item->feed, rec, rules, FeedOptions{}, rep);
  if (!rep.ok() || rows.size() != 1) {
    std::string all;
    for (const auto& e : rep.errors) all += "\n" + format_issue(e);
    throw std::runtime_error(fmt::format("review {}: the stored row no longer validates:{}", review_id, all));
  }
  const FeedRow& r = rows[0];

  // Everything from here reads and writes in one transaction under the writers' lock: the
  // row is applied to the store as it is now, and either all of it (the item closed, the
  // person's rows, destinations and offers) is stored or none.
  db.begin_exclusive();
  try {
    ResolveResult res = resolve_locked(db, rules, review_id, person_id, user, *item, r);
    db.commit();
    return res;
  } catch (...) {
    db.rollback();
    throw;
  }
}

void dismiss_review(Db& db, int64_t review_id, const std::string& user, const std::string& note) {
  migrate(db);
  db.begin_exclusive();
  try {
    auto st = db.prepare(
        "UPDATE review_queue SET status = 'dismissed', resolved_by = $1, resolved_at = $2, resolution_note = $3 "
        "WHERE review_id = $4 AND status = 'open'");
    const int64_t n = st->run({user, store_timestamp(), note.empty() ? DbValue{} : DbValue{note}, std::to_string(review_id)});
    st.reset();
    if (n != 1) throw std::invalid_argument(fmt::format("review {}: no such open item", review_id));
    db.commit();
  } catch (...) {
    db.rollback();
    throw;
  }
}

namespace {

std::vector<DbValue> recorded_by_param(const std::string& recorded_by) {
  if (recorded_by.empty()) return {};
  return {recorded_by};
}

}  // namespace

std::vector<IntendedDestination> intended_destinations(Db& db, const std::string& recorded_by) {
  migrate(db);
  std::vector<IntendedDestination> out;
  auto rows = db.query(
      "SELECT p.person_id, d.academic_year, v.activity_code, v.school_id, v.year_group, v.recorded_date FROM "
      "intended_destinations d JOIN people p ON p.person_seq = d.person_seq JOIN intended_destination_versions v ON "
      "v.destination_seq = d.destination_seq AND " +
          version_condition("v", "d", "intended_destination_versions", "destination_seq", !recorded_by.empty()) +
          " ORDER BY d.destination_seq",
      recorded_by_param(recorded_by));
  while (rows->next())
    out.push_back({std::string(rows->text(0)), static_cast<int>(rows->integer(1)), static_cast<int>(rows->integer(2)),
                   std::string(rows->text(3)), static_cast<int>(rows->integer(4)), std::string(rows->text(5))});
  return out;
}

std::vector<GuaranteeOffer> guarantee_offers(Db& db, const std::string& recorded_by) {
  migrate(db);
  std::vector<GuaranteeOffer> out;
  auto rows = db.query(
      "SELECT p.person_id, o.guarantee_year, v.offer_status, v.provider_id, v.offer_date, v.activity_code FROM "
      "september_guarantee_offers o JOIN people p ON p.person_seq = o.person_seq JOIN "
      "september_guarantee_offer_versions v ON v.offer_seq = o.offer_seq AND " +
          version_condition("v", "o", "september_guarantee_offer_versions", "offer_seq", !recorded_by.empty()) +
          " ORDER BY o.offer_seq",
      recorded_by_param(recorded_by));
  while (rows->next())
    out.push_back({std::string(rows->text(0)), static_cast<int>(rows->integer(1)), std::string(rows->text(2)),
                   std::string(rows->text(3)), std::string(rows->text(4)), static_cast<int>(rows->integer(5))});
  return out;
}

std::string outcomes_csv(const PartnerImportResult& r) {
  std::string out = "line,action,person_id,score,review_id,detail\n";
  for (const auto& o : r.outcomes)
    out += fmt::format("{},{},{},{:.3f},{},{}\n", o.line, row_action_name(o.action), csv_cell(o.person_id), o.score,
                       o.review_id ? std::to_string(o.review_id) : "", csv_cell(o.detail));
  return out;
}

std::string reviews_csv(const std::vector<ReviewItem>& items) {
  size_t most = 0;
  for (const auto& it : items) most = std::max(most, it.candidates.size());
  std::string out = "review_id,feed,source,line,reason,given_name,family_name,date_of_birth,postcode,upn,uln";
  for (size_t k = 1; k <= most; ++k)
    out += fmt::format(",candidate_{0}_person_id,candidate_{0}_score,candidate_{0}_basis", k);
  out += "\n";
  for (const auto& it : items) {
    auto cell = [&](std::string_view col) {
      for (const auto& [k, v] : it.incoming)
        if (k == col) return csv_cell(v);
      return std::string();
    };
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{}", it.review_id, feed_name(it.feed), csv_cell(it.source),
                       it.line, csv_cell(it.reason), cell("given_name"), cell("family_name"), cell("date_of_birth"),
                       cell("postcode"), cell("upn"), cell("uln"));
    for (size_t k = 0; k < most; ++k) {
      if (k < it.candidates.size())
        out += fmt::format(",{},{:.3f},{}", csv_cell(it.candidates[k].person_id), it.candidates[k].score,
                           csv_cell(it.candidates[k].basis));
      else
        out += ",,,";
    }
    out += "\n";
  }
  return out;
}

json to_json(const PartnerImportResult& r) {
  json j;
  j["feed"] = feed_name(r.feed);
  j["source"] = r.source;
  j["dry_run"] = r.dry_run;
  j["rows"] = r.rows;
  j["matched_exact"] = r.matched_exact;
  j["matched_score"] = r.matched_score;
  j["matched_by_review"] = r.matched_by_review;
  j["new_people"] = r.new_people;
  j["to_review"] = r.to_review;
  j["already_in_review"] = r.already_in_review;
  j["dismissed"] = r.dismissed;
  j["applied_rows"] = r.applied_rows;
  j["unchanged_rows"] = r.unchanged_rows;
  j["not_applied"] = r.not_applied;
  j["store"] = {{"batch_id", r.data.batch_id},
                {"people_added", r.data.people_added},
                {"people_changed", r.data.people_changed},
                {"activities_added", r.data.activities_added},
                {"activities_changed", r.data.activities_changed},
                {"partner_batch_id", r.partner_batch_id},
                {"destinations_added", r.destinations_added},
                {"destinations_changed", r.destinations_changed},
                {"offers_added", r.offers_added},
                {"offers_changed", r.offers_changed}};
  json rows = json::array();
  for (const auto& o : r.outcomes) {
    json x;
    x["line"] = o.line;
    x["action"] = row_action_name(o.action);
    x["person_id"] = o.person_id.empty() ? json(nullptr) : json(o.person_id);
    x["score"] = std::round(o.score * 1000) / 1000;
    x["review_id"] = o.review_id ? json(o.review_id) : json(nullptr);
    x["detail"] = o.detail;
    rows.push_back(std::move(x));
  }
  j["outcomes"] = std::move(rows);
  j["reviews"] = to_json(r.reviews);
  return j;
}

json to_json(const std::vector<ReviewItem>& items) {
  json a = json::array();
  for (const auto& it : items) {
    json x;
    x["review_id"] = it.review_id;
    x["feed"] = feed_name(it.feed);
    x["source"] = it.source;
    x["line"] = it.line;
    x["reason"] = it.reason;
    json in = json::object();
    for (const auto& [k, v] : it.incoming) in[k] = v;
    x["incoming"] = std::move(in);
    x["candidates"] = candidates_json(it.candidates);
    x["status"] = it.status;
    x["created_by"] = it.created_by;
    x["created_at"] = it.created_at;
    if (it.status != "open") {
      x["resolution_person_id"] = it.resolution_person_id;
      x["resolved_by"] = it.resolved_by;
      x["resolved_at"] = it.resolved_at;
      x["resolution_note"] = it.resolution_note;
    }
    a.push_back(std::move(x));
  }
  return a;
}

json duplicates_json(const Dataset& ds, const std::vector<DuplicatePair>& pairs) {
  const People& P = ds.people;
  auto person = [&](uint32_t p) {
    return json{{"person_id", P.id[p]},       {"given_name", P.given_name[p]}, {"family_name", P.family_name[p]},
                {"date_of_birth", format_date(P.date_of_birth[p])}, {"postcode", P.postcode[p]},
                {"upn", P.upn[p]},            {"uln", P.uln[p]}};
  };
  json a = json::array();
  for (const auto& d : pairs)
    a.push_back({{"a", person(d.a)}, {"b", person(d.b)}, {"score", std::round(d.score * 1000) / 1000},
                 {"basis", d.basis}});
  return a;
}

namespace {

std::string incoming_value(const ReviewItem& it, std::string_view column) {
  for (const auto& [k, v] : it.incoming)
    if (k == column) return v;
  return {};
}

std::string review_lines(const ReviewItem& it, std::string_view indent) {
  std::string s = fmt::format("{}review {}: {} line {}: {} {}, born {}{}{}: {}\n", indent,
                              it.review_id ? std::to_string(it.review_id) : "-", it.source, it.line,
                              incoming_value(it, "given_name"), incoming_value(it, "family_name"),
                              incoming_value(it, "date_of_birth"),
                              incoming_value(it, "upn").empty() ? "" : ", UPN " + incoming_value(it, "upn"),
                              incoming_value(it, "uln").empty() ? "" : ", ULN " + incoming_value(it, "uln"), it.reason);
  for (const auto& c : it.candidates)
    s += fmt::format("{}    candidate {} (score {:.3f}): {} {}, born {}, {}{}{} [{}]\n", indent, c.person_id, c.score,
                     c.given_name, c.family_name, c.date_of_birth, c.postcode.empty() ? "no postcode" : c.postcode,
                     c.upn.empty() ? "" : ", UPN " + c.upn, c.uln.empty() ? "" : ", ULN " + c.uln, c.basis);
  if (it.candidates.empty()) s += fmt::format("{}    no candidates\n", indent);
  return s;
}

}  // namespace

std::string reviews_text(const std::vector<ReviewItem>& items) {
  if (items.empty()) return "the review queue is empty\n";
  std::string s;
  for (const auto& it : items) s += review_lines(it, "");
  return s;
}

std::string duplicates_text(const Dataset& ds, const std::vector<DuplicatePair>& pairs) {
  if (pairs.empty()) return "no likely duplicates\n";
  const People& P = ds.people;
  std::string s;
  for (const auto& d : pairs)
    s += fmt::format("{:.3f}  {} {} {} ({})  ~  {} {} {} ({}), born {}: {}\n", d.score, P.id[d.a], P.given_name[d.a],
                     P.family_name[d.a], P.postcode[d.a].empty() ? "no postcode" : P.postcode[d.a], P.id[d.b],
                     P.given_name[d.b], P.family_name[d.b], P.postcode[d.b].empty() ? "no postcode" : P.postcode[d.b],
                     format_date(P.date_of_birth[d.a]), d.basis);
  return s;
}

std::string summary_text(const PartnerImportResult& r) {
  std::string s = fmt::format("{} ({}): {} rows{}\n", r.source, feed_name(r.feed), r.rows,
                              r.dry_run ? " (dry run: nothing stored)" : "");
  s += fmt::format("  matched: {} by UPN/ULN, {} by name and date of birth, {} by an earlier review\n",
                   r.matched_exact, r.matched_score, r.matched_by_review);
  s += fmt::format("  new people: {}\n", r.new_people);
  s += fmt::format("  to review: {} new, {} already waiting, {} dismissed earlier\n", r.to_review,
                   r.already_in_review, r.dismissed);
  s += fmt::format("  rows applied: {}, already up to date: {}, nothing to apply: {}\n", r.applied_rows,
                   r.unchanged_rows, r.not_applied);
  s += fmt::format("  store: people {} added, {} changed; activities {} added, {} changed; intended destinations {} "
                   "added, {} changed; offers {} added, {} changed\n",
                   r.data.people_added, r.data.people_changed, r.data.activities_added, r.data.activities_changed,
                   r.destinations_added, r.destinations_changed, r.offers_added, r.offers_changed);
  for (const auto& it : r.reviews) s += review_lines(it, "  ");
  return s;
}

}  // namespace pathways
