// open_db(), redact_url() and what both backends share.
#include "store/db.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "store/db_backends.h"

namespace pathways {

namespace db_detail {

void check_text(std::string_view value, const char* what) {
  if (value.find('\0') != std::string_view::npos)
    throw DbError(std::string(what) + " contains a NUL byte, which database text cannot hold");
}

void check_identifier(std::string_view name, bool allow_schema) {
  auto plain = [](std::string_view s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    for (char c : s)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
  };
  bool ok;
  const size_t dot = name.find('.');
  if (allow_schema && dot != std::string_view::npos)
    ok = plain(name.substr(0, dot)) && plain(name.substr(dot + 1));
  else
    ok = plain(name);
  if (!ok) throw DbError("not a plain SQL identifier: '" + std::string(name.substr(0, 64)) + "'");
}

std::string sql_context(std::string_view sql) {
  std::string s;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !s.empty();
      continue;
    }
    if (space) s += ' ';
    space = false;
    s += c;
    if (s.size() >= 200) {
      s += "...";
      break;
    }
  }
  return "  [SQL: " + s + "]";
}

std::string trim_message(std::string_view message) {
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.remove_suffix(1);
  return std::string(message);
}

}  // namespace db_detail

int64_t DbRows::integer(size_t column) const {
  if (is_null(column)) return 0;
  const std::string_view t = text(column);
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size())
    throw DbError("column '" + std::string(name(column)) + "' is not an integer: '" + std::string(t.substr(0, 40)) +
                  "'");
  return v;
}

std::unique_ptr<Db> open_db(const std::string& url) {
  const std::string_view u = url;
  if (u.starts_with("sqlite:")) {
    if (u.size() == 7) throw DbError("database URL 'sqlite:' has no path: expected sqlite:PATH");
    return db_detail::open_sqlite(url.substr(7));
  }
  if (u.starts_with("postgresql://") || u.starts_with("postgres://")) return db_detail::open_postgres(url);
  throw DbError("unknown database URL scheme in '" + redact_url(url) +
                "': expected sqlite:PATH or postgresql://user@host:port/database");
}

std::string redact_url(const std::string& url) {
  std::string out = url;
  // scheme://user:password@host...: the password runs from the first ':' of the user
  // information to its last '@' (taken before any '?' or '#', so an unescaped '@' or '/'
  // in the password is still hidden).
  if (const size_t scheme = out.find("://"); scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = std::min(out.find_first_of("?#", start), out.size());
    const size_t at = end > start ? out.rfind('@', end - 1) : std::string::npos;
    if (at != std::string::npos && at >= start) {
      const size_t colon = out.find(':', start);
      if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=VALUE anywhere: URL query parameters (?password=, &sslpassword=) and
  // key=value connection strings ("host=x password='a b'").
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  static constexpr std::string_view kKey = "password";
  for (size_t i = 0; i + kKey.size() <= out.size(); ++i) {
    bool match = true;
    for (size_t k = 0; k < kKey.size() && match; ++k) match = lower(out[i + k]) == kKey[k];
    if (!match) continue;
    size_t v = i + kKey.size();
    while (v < out.size() && (out[v] == ' ' || out[v] == '\t')) ++v;
    if (v >= out.size() || out[v] != '=') continue;
    ++v;
    while (v < out.size() && (out[v] == ' ' || out[v] == '\t')) ++v;
    size_t e = v;
    if (e < out.size() && out[e] == '\'') {
      for (++e; e < out.size() && out[e] != '\''; ++e)
        if (out[e] == '\\' && e + 1 < out.size()) ++e;
      if (e < out.size()) ++e;
    } else {
      while (e < out.size() && std::string_view("& \t\r\n#").find(out[e]) == std::string_view::npos) ++e;
    }
    if (e > v) out.replace(v, e - v, "***");
    i = v + 2;
  }
  return out;
}

}  // namespace pathways
