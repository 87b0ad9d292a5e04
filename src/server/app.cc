#include "server/app.h"

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <iostream>
#include <regex>

#include <fmt/format.h>

#include "auth/password.h"
#include "io/folder.h"
#include "coaching/store.h"
#include "server/internal.h"
#include "store/store.h"

namespace pathways::web {

namespace {

constexpr const char* kCookie = "pathways_session";
constexpr size_t kMaxBody = 64u << 20;  // uploads: 64 MiB in all

// Content-Security-Policy: nothing inline, nothing from elsewhere.
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::string cookie_value(const httplib::Request& req, std::string_view name) {
  const std::string header = req.get_header_value("Cookie");
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    const size_t eq = header.find('=', i);
    if (eq == std::string::npos) break;
    size_t end = header.find(';', eq);
    if (end == std::string::npos) end = header.size();
    if (std::string_view(header).substr(i, eq - i) == name) return header.substr(eq + 1, end - eq - 1);
    i = end + 1;
  }
  return "";
}

// The path for the access log: no query string, and identifiers after /people/ or
// /users/ replaced, so the log carries no personal data.
std::string loggable_path(const std::string& path) {
  static const std::regex ids("/(people|users|errors)/[^/]+");
  return std::regex_replace(path.substr(0, path.find('?')), ids, "/$1/:id");
}

std::filesystem::path default_assets() {
  // Beside the binary's build folder: <build>/web/assets, or the source tree's web/dist.
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  std::filesystem::path exe = n > 0 ? std::filesystem::path(std::string(buf, static_cast<size_t>(n))) : "";
  for (auto dir = exe.parent_path(); !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "web" / "dist" / "app.css")) return dir / "web" / "dist";
  }
  return "web/dist";
}

}  // namespace

PageOptions not_found_options() {
  PageOptions o;
  o.title = "Page not found";
  return o;
}

std::string session_token(const httplib::Request& req) { return cookie_value(req, kCookie); }

// --- Ctx -------------------------------------------------------------------------------

std::string Ctx::remote() const { return req.remote_addr; }

std::string Ctx::param(const std::string& name) const {
  return req.has_param(name.c_str()) ? req.get_param_value(name.c_str()) : "";
}

void Ctx::audit(const std::string& action, const std::string& record_type, const std::string& record_id,
                const std::string& detail) {
  AuditEntry e;
  e.username = session ? session->user.username : "";
  e.role = session ? std::string(role_name(session->user.role)) : "";
  e.action = action;
  e.record_type = record_type;
  e.record_id = record_id;
  e.remote = remote();
  e.detail = detail;
  app.audit_log->record(std::move(e));
}

void Ctx::json(int status, const nlohmann::ordered_json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json; charset=utf-8");
}

void Ctx::json_error(int status, const std::string& message, const nlohmann::ordered_json& errors) {
  nlohmann::ordered_json j;
  j["error"] = message;
  if (!errors.is_null()) j["errors"] = errors;
  json(status, j);
}

void Ctx::html(int status, const PageOptions& options, const std::string& main) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(page(options, main), "text/html; charset=utf-8");
}

void Ctx::redirect(const std::string& location) {
  res.status = 303;
  res.set_header("Location", location);
}

PageOptions Ctx::page_options(const std::string& title, const std::string& current) const {
  PageOptions o;
  o.title = title;
  if (!session) return o;
  o.user_label = session->user.username + " (" + std::string(role_name(session->user.role)) + ")";
  o.csrf_token = session->csrf_token;
  const Role r = session->user.role;
  auto add = [&](const char* href, const char* label) { o.nav.push_back({href, label, current == href}); };
  add("/", "Dashboard");
  if (allowed(r, Permission::kPeople)) {
    add("/people", "People");
    add("/not-known", "Not known");
  }
  add("/reports", "Reports");
  if (r == Role::coach) add("/coaching/caseload", "My caseload");
  if (r == Role::coach) add("/coaching/recording", "Monthly recording");
  add("/coaching/monthly", "Coaching");
  if (r == Role::school || r == Role::admin || r == Role::data_officer) add("/panel", "NEET panel");
  add("/risk", "Early identification");
  if (allowed(r, Permission::kUpload)) add("/upload", "Upload");
  if (allowed(r, Permission::kUpload)) add("/partner", "Partner feeds");
  if (allowed(r, Permission::kAdmin)) {
    add("/admin/users", "Users");
    add("/admin/audit", "Audit");
  }
  return o;
}

void Ctx::not_found() {
  if (req.path.rfind("/api/", 0) == 0) return json_error(404, "not found");
  html(404, page_options("Page not found", ""),
       heading("Page not found") +
           "<p class=\"govuk-body\">If you typed the web address, check it is correct.</p>"
           "<p class=\"govuk-body\">If you followed a link to a person, you may not have access to their record.</p>");
}

void Ctx::forbidden() {
  if (req.path.rfind("/api/", 0) == 0) return json_error(403, "your role does not allow this");
  html(403, page_options("You do not have access to this page", ""),
       heading("You do not have access to this page") +
           "<p class=\"govuk-body\">Your role does not allow this. Ask your Pathways administrator if you need it.</p>");
}

bool Ctx::may_see(uint32_t p) const { return can_see_person(user(), data->ds, data->caseloads, p); }

Date Ctx::today() const { return app.today(); }

// --- Impl ------------------------------------------------------------------------------

Impl::Impl(ServerOptions o) : options(std::move(o)), rules(Rules::load(options.rules_path)) {
  dashboard_config = DashboardConfig::load(options.dashboard_path);
  if (!options.la.empty()) {
    if (options.la.size() != 3 || !std::all_of(options.la.begin(), options.la.end(), ::isdigit))
      throw std::runtime_error("--la must be a 3-digit LA code");
    scope.la = static_cast<uint16_t>(std::stoi(options.la));
  }
  write_db = open_db(options.db_url);
  migrate(*write_db);
  accounts = std::make_unique<Accounts>(options.db_url);
  audit_log = std::make_unique<AuditLog>(options.db_url);
  programmes = Programmes::load(options.programmes_path);
  roni_criteria_text = options.roni_criteria_path.empty() ? std::string(risk::kDefaultRoniJson)
                                                          : [&] {
                                                              std::ifstream in(options.roni_criteria_path, std::ios::binary);
                                                              if (!in) throw std::runtime_error(options.roni_criteria_path + ": cannot read the RONI criteria file");
                                                              std::ostringstream text;
                                                              text << in.rdbuf();
                                                              return text.str();
                                                            }();
  roni_criteria = risk::Criteria::from_json(roni_criteria_text,
                                            options.roni_criteria_path.empty() ? "data/roni.json" : options.roni_criteria_path);
  std::lock_guard lock(write_mutex);
  reload();
  freeze_due_register();
}

Date Impl::today() const {
  if (options.as_of != kNoDate) return options.as_of;
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return make_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void Impl::reload() {
  auto next = std::make_shared<Loaded>();
  LoadReport report;
  LoadOptions lo;
  lo.indicators = false;
  next->ds = load_store(*write_db, rules, report, lo);
  if (!report.ok()) {
    std::string first = report.errors.empty() ? "" : format_issue(report.errors.front());
    throw std::runtime_error("the store's data does not pass validation: " + first);
  }
  // Current caseloads: episodes open today.
  const std::string today_s = format_date(today());
  auto rows = write_db->query(
      "SELECT person_id, coach_id FROM caseload_episodes WHERE joined_date <= $1 AND (left_date IS NULL OR left_date >= $1)",
      {today_s});
  while (rows->next()) {
    const uint32_t p = next->ds.find_person(rows->text(0));
    if (p == kNoIndex) continue;
    const std::string coach(rows->text(1));
    next->caseloads[coach].insert(p);
    next->coach_of[p] = coach;
  }
  LoadReport coaching_report;
  next->coaching = load_coaching(*write_db, next->ds, coaching_report);
  next->notes = load_notes_and_plans(*write_db, next->ds);
  for (size_t s = 0; s < next->ds.schools.size(); ++s) next->schools.emplace_back(next->ds.schools[static_cast<uint32_t>(s)]);
  std::sort(next->schools.begin(), next->schools.end());
  next->version = ++version;
  std::lock_guard lock(data_mutex);
  data_ = std::move(next);
}

std::string Impl::try_reload() {
  try {
    reload();
    return "";
  } catch (const std::exception& e) {
    std::cerr << "reload after a stored change failed: " << e.what() << "\n";
    return e.what();
  }
}

void Impl::route(const std::string& method, const std::string& pattern, Permission permission, bool api,
                 Handler handler) {
  auto wrapped = [this, permission, api, handler = std::move(handler)](const httplib::Request& req,
                                                                         httplib::Response& res) {
    Ctx ctx{*this, req, res, std::nullopt, data()};
    try {
      const std::string token = cookie_value(req, kCookie);
      if (!token.empty()) ctx.session = accounts->session(token);
      if (permission != Permission::kPublic && !ctx.session) {
        if (api) return ctx.json_error(401, "not signed in");
        return ctx.redirect("/sign-in?next=" + url_encode(req.path));
      }
      // Cross-site requests are refused outright (the cookie is SameSite=Strict as well).
      const bool changes = req.method != "GET" && req.method != "HEAD";
      if (changes) {
        const std::string origin = req.get_header_value("Origin");
        if (!origin.empty() && origin != "null") {
          const std::string host = req.get_header_value("Host");
          if (origin != "http://" + host && origin != "https://" + host)
            return api ? ctx.json_error(403, "cross-site request refused") : ctx.forbidden();
        }
      }
      if (ctx.session) {
        const bool password_pages = req.path == "/account/password" || req.path == "/sign-out" ||
                                    req.path == "/api/session";
        if (ctx.session->user.must_change_password && !password_pages && permission != Permission::kPublic) {
          if (api) return ctx.json_error(403, "the password must be changed first");
          return ctx.redirect("/account/password");
        }
        if (!allowed(ctx.session->user.role, permission)) return ctx.forbidden();
        // CSRF: every state-changing request of a signed-in user carries the session's token.
        if (changes && !(api && req.path == "/api/session" && req.method == "POST")) {
          std::string sent = req.get_header_value("X-CSRF-Token");
          if (sent.empty() && req.has_param("csrf_token")) sent = req.get_param_value("csrf_token");
          if (sent.empty() && req.is_multipart_form_data() && req.has_file("csrf_token"))
            sent = req.get_file_value("csrf_token").content;
          if (!constant_time_equal(sent, ctx.session->csrf_token)) {
            if (api) return ctx.json_error(403, "missing or wrong CSRF token (send X-CSRF-Token)");
            ctx.html(403, ctx.page_options("Your form has expired", ""),
                     heading("Your form has expired") +
                         "<p class=\"govuk-body\">Go back, reload the page and try again.</p>");
            return;
          }
        }
      }
      handler(ctx);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error in %s %s: %s\n", req.method.c_str(), loggable_path(req.path).c_str(), e.what());
      if (api) return ctx.json_error(500, "internal error");
      ctx.html(500, ctx.page_options("Sorry, there is a problem with the service", ""),
               heading("Sorry, there is a problem with the service") +
                   "<p class=\"govuk-body\">Try again later. Nothing you entered has been saved.</p>");
    }
  };
  if (method == "GET")
    server.Get(pattern, wrapped);
  else if (method == "POST")
    server.Post(pattern, wrapped);
  else if (method == "DELETE")
    server.Delete(pattern, wrapped);
  else
    throw std::logic_error("route method " + method);
}

// --- App -------------------------------------------------------------------------------

App::App(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  Impl& a = *impl_;
  auto& s = a.server;
  const unsigned threads = a.options.threads ? a.options.threads : 96;
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_payload_max_length(kMaxBody);
  // Small responses go out at once (no Nagle delay waiting for the client's ACK).
  s.set_tcp_nodelay(true);
  // Remember the listening socket: bind() raises its backlog from cpp-httplib's 5, which
  // overflows (and costs clients a 1-3 s TCP retry) under 64 concurrent connections.
  s.set_socket_options([this](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    impl_->listen_socket = sock;
  });
  // cpp-httplib checks that limit against Content-Length only: a chunked body, or a
  // compressed one (which it inflates), could grow without bound. Browsers send neither.
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    const std::string encoding = req.get_header_value("Content-Encoding");
    const bool chunked = req.has_header("Transfer-Encoding");
    if (!chunked && (encoding.empty() || encoding == "identity")) return httplib::Server::HandlerResponse::Unhandled;
    res.status = chunked ? 411 : 415;  // Length Required; Unsupported Media Type
    res.set_header("Connection", "close");  // the body is left unread
    return httplib::Server::HandlerResponse::Handled;
  });
  s.set_keep_alive_max_count(10000);
  s.set_read_timeout(30, 0);
  httplib::Headers headers = {{"Content-Security-Policy", kCsp},
                               {"X-Content-Type-Options", "nosniff"},
                               {"Referrer-Policy", "no-referrer"},
                               {"X-Frame-Options", "DENY"},
                               {"Cross-Origin-Opener-Policy", "same-origin"},
                               {"Permissions-Policy", "camera=(), microphone=(), geolocation=()"}};
  if (a.options.secure_cookies) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  s.set_default_headers(headers);
  const std::filesystem::path assets = a.options.assets_dir.empty() ? default_assets() : std::filesystem::path(a.options.assets_dir);
  if (!std::filesystem::exists(assets / "app.css"))
    std::fprintf(stderr, "warning: no built front-end assets in %s (run: npm --prefix web ci && npm --prefix web run build)\n",
                 assets.string().c_str());
  s.set_mount_point("/assets", assets.string());
  s.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  s.set_file_extension_and_mimetype_mapping("woff2", "font/woff2");
  if (a.options.access_log)
    s.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      if (req.path.rfind("/assets/", 0) == 0) return;
      std::printf("%s %s %d\n", req.method.c_str(), loggable_path(req.path).c_str(), res.status);
      std::fflush(stdout);
    });
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (req.path.rfind("/api/", 0) == 0) {
      res.set_content(fmt::format("{{\"error\":\"{}\"}}", res.status == 404 ? "not found" : "request refused"),
                      "application/json");
      return;
    }
    if (res.status == 404)
      res.set_content(page(not_found_options(),
                           heading("Page not found") +
                               "<p class=\"govuk-body\">If you typed the web address, check it is correct.</p>"),
                      "text/html; charset=utf-8");
  });
  a.register_api();
  a.register_pages();
  a.register_coaching_pages();
  a.register_risk_pages();
  a.register_recording_pages();
  a.register_panel_pages();
  a.register_partner_pages();
}

App::~App() = default;

void App::bind() {
  Impl& a = *impl_;
  if (a.options.port == 0) {
    a.bound_port = a.server.bind_to_any_port(a.options.host);
  } else {
    if (!a.server.bind_to_port(a.options.host, a.options.port))
      throw std::runtime_error(fmt::format("cannot listen on {}:{}", a.options.host, a.options.port));
    a.bound_port = a.options.port;
  }
  if (a.bound_port <= 0) throw std::runtime_error("cannot bind a port on " + a.options.host);
  if (a.listen_socket >= 0) ::listen(a.listen_socket, SOMAXCONN);
}

int App::port() const { return impl_->bound_port; }

void App::serve() { impl_->server.listen_after_bind(); }

void App::stop() { impl_->server.stop(); }

}  // namespace pathways::web
