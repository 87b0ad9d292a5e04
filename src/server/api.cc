// The JSON API (docs/openapi.json).
#include <algorithm>

#include <fmt/format.h>

#include "auth/password.h"
#include "io/folder.h"
#include "report/render.h"
#include "server/internal.h"
#include "server/search.h"

namespace pathways::web {

extern const std::string_view kOpenApiJson;

std::string session_cookie(const Impl& app, const std::string& token, bool clear) {
  std::string c = "pathways_session=" + (clear ? std::string() : token) + "; Path=/; HttpOnly; SameSite=Strict";
  if (clear) c += "; Max-Age=0";
  if (app.options.secure_cookies) c += "; Secure";
  return c;
}

namespace {

bool in_cohort(const Ctx& ctx, uint32_t p, Date on) {
  const Dataset& ds = ctx.data->ds;
  const int age = academic_age(ds.people.date_of_birth[p], on);
  if (age != 16 && age != 17) return false;
  const char cs = ds.people.cohort_status[p];
  if (cs != 'P' && cs != 'G') return false;
  return !ctx.app.scope.la || ds.people.la_code[p] == *ctx.app.scope.la;
}

}  // namespace

SignInResult Impl::sign_in(Ctx& ctx, const std::string& username, const std::string& password) {
  const SignInResult r = accounts->sign_in(username, password, ctx.remote());
  AuditEntry e;
  e.username = username.substr(0, 64);
  e.role = r.session ? std::string(role_name(r.session->user.role)) : "";
  e.action = r.status == SignInStatus::ok ? "sign_in" : "sign_in_failed";
  e.record_type = "session";
  e.remote = ctx.remote();
  e.detail = r.status == SignInStatus::throttled ? "throttled" : r.status == SignInStatus::disabled ? "disabled" : "";
  audit_log->record(e);
  return r;
}

const std::string& Impl::dashboard(const Ctx& ctx) {
  std::call_once(ctx.data->dashboard_once, [&] {
    ctx.data->dashboard = dashboard_json(ctx.data->ds, rules, scope, dashboard_config, today()).dump();
  });
  return ctx.data->dashboard;
}

std::vector<QueueRow> not_known_queue(const Ctx& ctx, Date on) {
  const Dataset& ds = ctx.data->ds;
  const Rules& rules = ctx.app.rules;
  std::vector<QueueRow> rows;
  for (uint32_t p = 0; p < ds.people.size(); ++p) {
    if (!in_cohort(ctx, p, on) || !ctx.may_see(p)) continue;
    const Status s = status_on(ds, rules, p, on);
    const bool nk = !s.known() || rules.category_of(ds.activities.code[s.activity]) == Category::kNotKnown;
    if (!nk && !(s.lapse_date != kNoDate && s.lapse_date - on <= 30)) continue;
    QueueRow r;
    r.person = p;
    r.status = s;
    r.not_known = nk;
    r.vulnerability = std::popcount(ds.people.characteristics[p] & rules.vulnerable_mask()) +
                      (ds.people.sen_status[p] == SenStatus::kEhcPlan ? 1 : 0);
    for (uint32_t a = ds.activity_begin[p]; a < ds.activity_begin[p + 1]; ++a) {
      Date last = ds.activities.start[a];
      if (ds.activities.verified[a] != kNoDate && ds.activities.verified[a] <= on) last = std::max(last, ds.activities.verified[a]);
      if (last <= on) r.last_confirmed = std::max(r.last_confirmed, last);
    }
    rows.push_back(r);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const QueueRow& a, const QueueRow& b) {
    if (a.not_known != b.not_known) return a.not_known;
    if (a.vulnerability != b.vulnerability) return a.vulnerability > b.vulnerability;
    return a.last_confirmed < b.last_confirmed;  // kNoDate (never confirmed) first
  });
  return rows;
}

nlohmann::ordered_json queue_row_json(const Ctx& ctx, const QueueRow& r, Date on) {
  nlohmann::ordered_json j = person_brief_json(*ctx.data, ctx.app.rules, r.person, on);
  j["not_known"] = r.not_known;
  j["vulnerability"] = r.vulnerability;
  j["last_confirmed"] = r.last_confirmed == kNoDate ? nlohmann::ordered_json(nullptr)
                                                    : nlohmann::ordered_json(format_date(r.last_confirmed));
  j["lapse_date"] = r.status.lapse_date == kNoDate || r.not_known ? nlohmann::ordered_json(nullptr)
                                                                  : nlohmann::ordered_json(format_date(r.status.lapse_date));
  return j;
}

namespace {

std::string cached(Ctx& ctx, const std::string& key, const std::function<std::string()>& compute) {
  {
    std::lock_guard lock(ctx.data->cache_mutex);
    auto it = ctx.data->cache.find(key);
    if (it != ctx.data->cache.end()) return it->second;
  }
  std::string value = compute();
  std::lock_guard lock(ctx.data->cache_mutex);
  if (ctx.data->cache.size() > 200) ctx.data->cache.clear();
  ctx.data->cache[key] = value;
  return value;
}

}  // namespace

std::string statutory_json(Ctx& ctx, const std::string& month) {
  const auto end = parse_month_end(month);
  if (!end || month.size() != 7) throw std::invalid_argument("month must be YYYY-MM");
  const Ymd ymd = to_ymd(*end);
  if (ymd.year < 1990 || ymd.year > 2100) throw std::invalid_argument("month out of range");
  return cached(ctx, "statutory:" + month, [&] {
    return to_json(statutory_report(ctx.data->ds, ctx.app.rules, ymd.year, ymd.month, ctx.app.scope)).dump();
  });
}

std::string annual_json(Ctx& ctx, const std::string& year) {
  if (year.size() != 4 || !std::all_of(year.begin(), year.end(), ::isdigit)) throw std::invalid_argument("year must be YYYY");
  const int y = std::stoi(year);
  if (y < 1990 || y > 2100) throw std::invalid_argument("year out of range");
  return cached(ctx, "annual:" + year,
                [&] { return to_json(annual_report(ctx.data->ds, ctx.app.rules, y, ctx.app.scope)).dump(); });
}

void Impl::register_api() {
  // Sign in: {"username","password"} -> 200 with the session cookie, 401 when wrong.
  route("POST", "/api/session", Permission::kPublic, true, [this](Ctx& ctx) {
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(ctx.req.body);
    } catch (const std::exception&) {
      return ctx.json_error(400, "the body must be JSON: {\"username\": ..., \"password\": ...}");
    }
    if (!body.is_object() || !body.contains("username") || !body.contains("password") || !body["username"].is_string() ||
        !body["password"].is_string())
      return ctx.json_error(400, "the body must be JSON: {\"username\": ..., \"password\": ...}");
    const std::string username = body["username"], password = body["password"];
    if (username.size() > 200 || password.size() > 1024) return ctx.json_error(401, "wrong username or password");
    const SignInResult r = sign_in(ctx, username, password);
    if (r.status == SignInStatus::throttled) {
      ctx.res.set_header("Retry-After", std::to_string(r.retry_after_seconds));
      return ctx.json_error(429, "too many failed attempts: try again later");
    }
    if (r.status != SignInStatus::ok || !r.session) return ctx.json_error(401, "wrong username or password");
    ctx.res.set_header("Set-Cookie", session_cookie(*this, r.session->token, false));
    nlohmann::ordered_json j;
    j["username"] = r.session->user.username;
    j["role"] = std::string(role_name(r.session->user.role));
    j["csrf_token"] = r.session->csrf_token;
    j["expires_at"] = r.session->expires_at;
    j["must_change_password"] = r.session->user.must_change_password;
    ctx.json(200, j);
  });

  route("DELETE", "/api/session", Permission::kSignedIn, true, [this](Ctx& ctx) {
    accounts->sign_out(session_token(ctx.req));
    ctx.audit("sign_out", "session", "");
    ctx.res.set_header("Set-Cookie", session_cookie(*this, "", true));
    ctx.res.status = 204;
  });

  route("GET", "/api/session", Permission::kSignedIn, true, [](Ctx& ctx) {
    nlohmann::ordered_json j;
    j["username"] = ctx.user().username;
    j["role"] = std::string(role_name(ctx.user().role));
    j["school_id"] = ctx.user().school_id;
    j["coach_id"] = ctx.user().coach_id;
    j["csrf_token"] = ctx.session->csrf_token;
    j["expires_at"] = ctx.session->expires_at;
    ctx.json(200, j);
  });

  route("GET", "/api/people", Permission::kPeople, true, [this](Ctx& ctx) {
    const std::string q = ctx.param("q");
    if (q.empty() || q.size() > 200 || !valid_utf8(q)) return ctx.json_error(400, "give a search of 1-200 characters in q");
    const auto hits = search_people(ctx.data->ds, q, [&](uint32_t p) { return ctx.may_see(p); });
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    std::string ids;
    for (const auto& h : hits) {
      auto j = person_brief_json(*ctx.data, rules, h.person, today());
      j["matched_on"] = h.matched_on;
      j["score"] = h.score;
      results.push_back(std::move(j));
      ids += (ids.empty() ? "" : " ") + std::string(ctx.data->ds.people.id[h.person]);
    }
    ctx.audit("search", "people", "", fmt::format("{} results: {}", hits.size(), ids));
    nlohmann::ordered_json j;
    j["query"] = q;
    j["results"] = std::move(results);
    ctx.json(200, j);
  });

  route("GET", R"(/api/people/([^/]+))", Permission::kPeople, true, [this](Ctx& ctx) {
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) {
      ctx.audit("read_denied", "person", id.substr(0, 64));
      return ctx.json_error(404, "no such person");
    }
    ctx.audit("read", "person", id);
    ctx.json(200, person_json(*ctx.data, rules, p, today()));
  });

  route("POST", R"(/api/people/([^/]+)/activities)", Permission::kRecord, true, [this](Ctx& ctx) {
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) {
      ctx.audit("change_denied", "person", id.substr(0, 64));
      return ctx.json_error(404, "no such person");
    }
    if (ctx.req.get_header_value("Content-Type").rfind("application/json", 0) != 0)
      return ctx.json_error(415, "send application/json");
    nlohmann::json body;
    try {
      body = nlohmann::json::parse(ctx.req.body);
    } catch (const std::exception&) {
      return ctx.json_error(400, "the body must be a JSON object");
    }
    if (!body.is_object()) return ctx.json_error(400, "the body must be a JSON object");
    std::map<std::string, std::string> fields;
    nlohmann::ordered_json bad = nlohmann::ordered_json::array();
    for (auto& [k, v] : body.items()) {
      if (v.is_null()) continue;
      if (!v.is_string()) {
        bad.push_back({{"field", k}, {"message", "must be a string"}});
        continue;
      }
      fields[k] = v.get<std::string>();
    }
    if (!bad.empty()) return ctx.json_error(422, "the activity is not valid", bad);
    const auto errors = record_activity(*this, ctx, p, fields);
    if (!errors.empty()) {
      for (const auto& e : errors) bad.push_back({{"field", e.field}, {"message", e.message}});
      return ctx.json_error(422, "the activity is not valid", bad);
    }
    ctx.audit("create", "activity", id, fmt::format("{} from {}", fields["activity_code"], fields["start_date"]));
    ctx.data = data();
    const uint32_t q = ctx.data->ds.find_person(id);
    ctx.json(201, person_json(*ctx.data, rules, q, today()));
  });

  route("GET", "/api/reports/statutory", Permission::kAggregates, true, [](Ctx& ctx) {
    try {
      const std::string body = statutory_json(ctx, ctx.param("month"));
      ctx.res.set_header("Cache-Control", "no-store");
      ctx.res.set_content(body, "application/json; charset=utf-8");
    } catch (const std::invalid_argument& e) {
      ctx.json_error(400, std::string("month: ") + e.what());
    }
  });

  route("GET", "/api/reports/annual", Permission::kAggregates, true, [](Ctx& ctx) {
    try {
      const std::string body = annual_json(ctx, ctx.param("year"));
      ctx.res.set_header("Cache-Control", "no-store");
      ctx.res.set_content(body, "application/json; charset=utf-8");
    } catch (const std::invalid_argument& e) {
      ctx.json_error(400, std::string("year: ") + e.what());
    }
  });

  route("GET", "/api/dashboard", Permission::kAggregates, true, [this](Ctx& ctx) {
    ctx.res.set_header("Cache-Control", "no-store");
    ctx.res.set_content(dashboard(ctx), "application/json; charset=utf-8");
  });

  route("GET", "/api/not-known", Permission::kPeople, true, [this](Ctx& ctx) {
    const Date on = today();
    const auto rows = not_known_queue(ctx, on);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const size_t limit = std::min<size_t>(rows.size(), 500);
    for (size_t i = 0; i < limit; ++i) list.push_back(queue_row_json(ctx, rows[i], on));
    ctx.audit("list", "not_known_queue", "", fmt::format("{} of {} shown", limit, rows.size()));
    nlohmann::ordered_json j;
    j["date"] = format_date(on);
    j["total"] = rows.size();
    j["people"] = std::move(list);
    ctx.json(200, j);
  });

  route("GET", "/api/audit", Permission::kAdmin, true, [this](Ctx& ctx) {
    AuditQuery q;
    q.username = ctx.param("username");
    q.record_id = ctx.param("record_id");
    q.action = ctx.param("action");
    q.from = ctx.param("from");
    q.to = ctx.param("to");
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<AuditEntry> entries;
    try {
      entries = audit_log->search(q);
    } catch (const AccountError& e) {
      return ctx.json_error(400, e.what());
    }
    for (const auto& e : entries)
      list.push_back({{"id", e.id}, {"at", e.at}, {"username", e.username}, {"role", e.role}, {"action", e.action},
                      {"record_type", e.record_type}, {"record_id", e.record_id}, {"remote", e.remote}, {"detail", e.detail}});
    ctx.audit("search", "audit_log", "");
    ctx.json(200, {{"entries", list}});
  });

  route("GET", "/api/users", Permission::kAdmin, true, [this](Ctx& ctx) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& u : accounts->users())
      list.push_back({{"username", u.username}, {"role", std::string(role_name(u.role))}, {"school_id", u.school_id},
                      {"coach_id", u.coach_id}, {"disabled", u.disabled}, {"created_at", u.created_at}});
    ctx.json(200, {{"users", list}});
  });

  route("GET", "/api/openapi.json", Permission::kPublic, true, [](Ctx& ctx) {
    ctx.res.set_content(std::string(kOpenApiJson), "application/json; charset=utf-8");
  });
}

}  // namespace pathways::web
