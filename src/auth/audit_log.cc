// The audit log: group commit on a writer thread, and search.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "auth/accounts.h"
#include "auth/table_lock.h"
#include "auth/timestamp.h"
#include "auth/utf8.h"
#include "store/db.h"
#include "store/store.h"

namespace pathways {

namespace {

constexpr size_t kMaxBatch = 1000;  // entries per transaction
constexpr int64_t kMaxLimit = 10000;

// One record() call waiting for its entry to be committed (lives on the caller's stack).
struct Ticket {
  AuditEntry* entry;
  bool done = false;
  std::string error;  // "" when committed
  // Signalled (under the log's mutex) when this entry's batch is written, so a commit wakes
  // only the callers it concerns, not every caller waiting for a later batch.
  std::condition_variable written;
};

DbValue text_or_null(const std::string& s) { return s.empty() ? DbValue() : DbValue(s); }

// The exclusive upper bound of a `to` criterion: its instant plus one unit of the precision
// it was written with (a day, a minute, a second, or one millisecond for a fraction).
std::optional<SystemTime> end_of(std::string_view to) {
  const auto t = parse_timestamp(to);
  if (!t) return std::nullopt;
  std::string_view s = to;
  if (s.ends_with('Z')) s.remove_suffix(1);
  if (s.size() == 10) return *t + std::chrono::days(1);
  if (s.size() == 16) return *t + std::chrono::minutes(1);
  if (s.size() == 19) return *t + std::chrono::seconds(1);
  return *t + std::chrono::milliseconds(1);
}

}  // namespace

struct AuditLog::Impl {
  std::string url;

  std::mutex mutex;  // guards the queue, tickets and `stopping`
  std::condition_variable work;  // the writer waits for entries
  std::deque<Ticket*> queue;
  bool stopping = false;
  std::string last_at;  // keeps `at` from going backwards when the clock does
  std::thread writer;

  // The writer's own.
  std::unique_ptr<Db> db;
  std::unique_ptr<DbStatement> insert;

  std::mutex search_mutex;
  std::unique_ptr<Db> search_db;

  void run() {
    std::unique_lock lock(mutex);
    std::vector<Ticket*> batch;
    for (;;) {
      work.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) return;  // stopping, and everything is written
      const size_t n = std::min(queue.size(), kMaxBatch);
      batch.assign(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      const std::string error = write(batch);
      lock.lock();
      for (Ticket* t : batch) {
        t->error = error;
        t->done = true;
        t->written.notify_one();  // under the lock: the caller cannot leave (and destroy t) before we do
      }
    }
  }

  // Writes the batch in one transaction; returns "" or why it failed (after which the
  // connection is reopened for the next batch).
  std::string write(const std::vector<Ticket*>& batch) {
    try {
      if (!db) db = open_db(url);
      auth_detail::begin_table_write(*db, "audit_log");
      auto rows = db->query("SELECT COALESCE(MAX(audit_id), 0) FROM audit_log");
      rows->next();
      int64_t id = rows->integer(0);
      rows.reset();
      if (!insert)
        insert = db->prepare(
            "INSERT INTO audit_log (audit_id, at, username, role, action, record_type, record_id, remote, detail) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
      for (Ticket* t : batch) {
        const AuditEntry& e = *t->entry;
        insert->run({std::to_string(++id), e.at, e.username, e.role, e.action, e.record_type, text_or_null(e.record_id),
                     e.remote, text_or_null(e.detail)});
      }
      db->commit();
      return "";
    } catch (const std::exception& e) {
      std::string why = e.what();
      insert.reset();
      if (db) auth_detail::rollback_quietly(*db);
      db.reset();
      return why.empty() ? "unknown error" : why;
    }
  }
};

AuditLog::AuditLog(const std::string& db_url) : impl_(std::make_unique<Impl>()) {
  impl_->url = db_url;
  impl_->db = open_db(db_url);
  migrate(*impl_->db);
  impl_->writer = std::thread([impl = impl_.get()] { impl->run(); });
}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->work.notify_one();
  impl_->writer.join();
}

void AuditLog::record(AuditEntry entry) {
  for (std::string* s : {&entry.username, &entry.role, &entry.action, &entry.record_type, &entry.record_id,
                         &entry.remote, &entry.detail})
    *s = sanitize_utf8(*s);
  Ticket ticket{&entry, false, {}, {}};
  Impl& m = *impl_;
  std::unique_lock lock(m.mutex);
  if (m.stopping) throw DbError("audit log: record() after the log was closed");
  entry.at = std::max(timestamp_ms(), m.last_at);
  m.last_at = entry.at;
  m.queue.push_back(&ticket);
  m.work.notify_one();
  ticket.written.wait(lock, [&] { return ticket.done; });
  if (!ticket.error.empty()) throw DbError("audit log: the entry could not be stored: " + ticket.error);
}

std::vector<AuditEntry> AuditLog::search(const AuditQuery& q) {
  std::string sql =
      "SELECT audit_id, at, username, role, action, record_type, record_id, remote, detail FROM audit_log WHERE 1 = 1";
  std::vector<DbValue> params;
  auto where = [&](const char* condition, std::string value) {
    params.emplace_back(std::move(value));
    sql += fmt::format(" AND {} ${}", condition, params.size());
  };
  if (!q.username.empty()) where("username =", sanitize_utf8(q.username));
  if (!q.record_id.empty()) where("record_id =", sanitize_utf8(q.record_id));
  if (!q.action.empty()) where("action =", sanitize_utf8(q.action));
  if (!q.from.empty()) {
    const auto t = parse_timestamp(q.from);
    if (!t) throw AccountError(fmt::format("from: '{}' is not a date or timestamp", sanitize_utf8(q.from.substr(0, 40))));
    where("at >=", timestamp_ms(*t));
  }
  if (!q.to.empty()) {
    const auto t = end_of(q.to);
    if (!t) throw AccountError(fmt::format("to: '{}' is not a date or timestamp", sanitize_utf8(q.to.substr(0, 40))));
    where("at <", timestamp_ms(*t));
  }
  if (q.before_id > 0) where("audit_id <", std::to_string(q.before_id));
  const int64_t limit = q.limit <= 0 ? 200 : std::min(q.limit, kMaxLimit);
  params.emplace_back(std::to_string(limit));
  sql += fmt::format(" ORDER BY audit_id DESC LIMIT ${}", params.size());

  std::lock_guard lock(impl_->search_mutex);
  try {
    if (!impl_->search_db) impl_->search_db = open_db(impl_->url);
    std::vector<AuditEntry> out;
    auto rows = impl_->search_db->query(sql, params);
    while (rows->next()) {
      AuditEntry e;
      e.id = rows->integer(0);
      e.at = rows->text(1);
      e.username = rows->text(2);
      e.role = rows->text(3);
      e.action = rows->text(4);
      e.record_type = rows->text(5);
      e.record_id = rows->text(6);
      e.remote = rows->text(7);
      e.detail = rows->text(8);
      out.push_back(std::move(e));
    }
    return out;
  } catch (const DbError&) {
    impl_->search_db.reset();  // reopened by the next search
    throw;
  }
}

}  // namespace pathways
