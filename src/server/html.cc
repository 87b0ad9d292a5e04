#include "server/html.h"

#include <fmt/format.h>

#include "domain/date.h"

namespace pathways::web {

std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string page(const PageOptions& o, std::string_view main_html) {
  std::string nav;
  if (!o.nav.empty()) {
    nav += R"(<section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation">
<div class="govuk-width-container"><div class="govuk-service-navigation__container">
<nav aria-label="Menu" class="govuk-service-navigation__wrapper">
<button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden aria-hidden="true">Menu</button>
<ul class="govuk-service-navigation__list" id="navigation">
)";
    for (const auto& item : o.nav) {
      if (item.current)
        nav += fmt::format(
            "<li class=\"govuk-service-navigation__item govuk-service-navigation__item--active\"><a class=\"govuk-service-navigation__link\" href=\"{}\" aria-current=\"page\"><strong class=\"govuk-service-navigation__active-fallback\">{}</strong></a></li>\n",
            esc(item.href), esc(item.label));
      else
        nav += fmt::format(
            "<li class=\"govuk-service-navigation__item\"><a class=\"govuk-service-navigation__link\" href=\"{}\">{}</a></li>\n",
            esc(item.href), esc(item.label));
    }
    nav += "</ul></nav></div></div></section>\n";
  }
  std::string account;
  if (!o.user_label.empty()) {
    account = fmt::format(
        R"(<div class="govuk-width-container app-account-bar"><p class="govuk-body-s app-account-bar__text">Signed in as {} · <a class="govuk-link" href="/account/password">Change password</a></p>
<form method="post" action="/sign-out" class="app-account-bar__form">{}<button type="submit" class="govuk-button govuk-button--secondary app-account-bar__button" data-module="govuk-button">Sign out</button></form></div>
)",
        esc(o.user_label), hidden("csrf_token", o.csrf_token));
  }
  std::string back;
  if (!o.back_href.empty())
    back = fmt::format("<a href=\"{}\" class=\"govuk-back-link\">Back</a>\n", esc(o.back_href));
  std::string scripts;
  for (const auto& s : o.scripts) scripts += fmt::format("<script type=\"module\" src=\"/assets/{}\"></script>\n", esc(s));
  return fmt::format(R"(<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
<meta charset="utf-8">
<title>{}{} – Pathways</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="theme-color" content="#0b0c0c">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body class="govuk-template__body">
<script src="/assets/init.js"></script>
<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
<header class="govuk-template__header">
<div class="govuk-generic-header"><div class="govuk-generic-header__container govuk-width-container"><div class="govuk-generic-header__logo"><a href="/" class="govuk-generic-header__homepage-link">Pathways</a></div></div></div>
{}{}</header>
<div class="govuk-width-container{}">
<main class="govuk-main-wrapper" id="main-content">
{}{}
</main>
</div>
<footer class="govuk-footer"><div class="govuk-width-container"><div class="govuk-footer__meta"><div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
<h2 class="govuk-visually-hidden">Support links</h2>
<ul class="govuk-footer__inline-list"><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/accessibility">Accessibility</a></li><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/privacy">How we use personal data</a></li><li class="govuk-footer__inline-list-item"><a class="govuk-footer__link" href="/api/openapi.json">API</a></li></ul>
<p class="govuk-body-s govuk-!-margin-bottom-0">Pathways keeps young people's personal data. Every view and change is recorded.</p>
</div></div></div></footer>
<script type="module" src="/assets/app.js"></script>
{}</body>
</html>
)",
                     o.has_error ? "Error: " : "", esc(o.title), nav, account, o.wide ? " app-width-container--wide" : "",
                     back, main_html, scripts);
}

std::string error_summary(const std::vector<FieldError>& errors) {
  if (errors.empty()) return "";
  std::string items;
  for (const auto& e : errors) {
    if (e.field.empty())
      items += fmt::format("<li>{}</li>", esc(e.message));
    else
      items += fmt::format("<li><a href=\"#{}\">{}</a></li>", esc(e.field), esc(e.message));
  }
  return fmt::format(R"(<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
<h2 class="govuk-error-summary__title">There is a problem</h2>
<div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">{}</ul></div></div></div>
)",
                     items);
}

std::string error_for(const std::vector<FieldError>& errors, std::string_view field) {
  for (const auto& e : errors)
    if (e.field == field) return e.message;
  return "";
}

namespace {
std::string error_message(std::string_view id, std::string_view error) {
  if (error.empty()) return "";
  return fmt::format("<p id=\"{}-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">Error:</span> {}</p>",
                     esc(id), esc(error));
}
std::string hint_html(std::string_view id, std::string_view hint) {
  if (hint.empty()) return "";
  return fmt::format("<div id=\"{}-hint\" class=\"govuk-hint\">{}</div>", esc(id), esc(hint));
}
std::string described_by(std::string_view id, std::string_view hint, std::string_view error) {
  std::string ids;
  if (!hint.empty()) ids += std::string(id) + "-hint";
  if (!error.empty()) ids += (ids.empty() ? "" : " ") + std::string(id) + "-error";
  return ids.empty() ? "" : fmt::format(" aria-describedby=\"{}\"", esc(ids));
}
}  // namespace

std::string text_input(std::string_view id, std::string_view label, std::string_view value, std::string_view hint,
                       std::string_view error, std::string_view type, std::string_view css, std::string_view attrs) {
  return fmt::format(
      R"(<div class="govuk-form-group{}"><label class="govuk-label" for="{}">{}</label>{}{}<input class="govuk-input{}{}" id="{}" name="{}" type="{}" value="{}"{}{}></div>
)",
      error.empty() ? "" : " govuk-form-group--error", esc(id), esc(label), hint_html(id, hint), error_message(id, error),
      error.empty() ? "" : " govuk-input--error", css.empty() ? "" : " " + std::string(css), esc(id), esc(id), esc(type),
      esc(value), described_by(id, hint, error), attrs.empty() ? "" : " " + std::string(attrs));
}

std::string file_upload(std::string_view id, std::string_view label, std::string_view error) {
  return fmt::format(
      R"(<div class="govuk-form-group{}"><label class="govuk-label" for="{}">{}</label>{}<input class="govuk-file-upload{}" id="{}" name="{}" type="file" accept=".csv,text/csv"{}></div>)",
      error.empty() ? "" : " govuk-form-group--error", esc(id), esc(label), error_message(id, error),
      error.empty() ? "" : " govuk-file-upload--error", esc(id), esc(id), described_by(id, "", error));
}

std::string date_input(std::string_view id, std::string_view legend, std::string_view iso, std::string_view hint,
                       std::string_view error) {
  std::string d, m, y;
  if (iso.size() == 10) {
    y = std::string(iso.substr(0, 4));
    m = std::string(iso.substr(5, 2));
    d = std::string(iso.substr(8, 2));
  }
  const std::string err_css = error.empty() ? "" : " govuk-input--error";
  auto item = [&](std::string_view part, std::string_view name, const std::string& v, int width) {
    return fmt::format(
        R"(<div class="govuk-date-input__item"><div class="govuk-form-group"><label class="govuk-label govuk-date-input__label" for="{0}-{1}">{2}</label><input class="govuk-input govuk-date-input__input govuk-input--width-{3}{4}" id="{0}-{1}" name="{0}-{1}" type="text" inputmode="numeric" value="{5}"></div></div>)",
        esc(id), part, name, width, err_css, esc(v));
  };
  return fmt::format(
      R"(<div class="govuk-form-group{}"><fieldset class="govuk-fieldset" role="group"{}><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>{}{}<div class="govuk-date-input" id="{}">{}{}{}</div></fieldset></div>
)",
      error.empty() ? "" : " govuk-form-group--error", described_by(id, hint, error), esc(legend), hint_html(id, hint),
      error_message(id, error), esc(id), item("day", "Day", d, 2), item("month", "Month", m, 2), item("year", "Year", y, 4));
}

std::string select(std::string_view id, std::string_view label, const std::vector<std::pair<std::string, std::string>>& options,
                   std::string_view selected, std::string_view hint, std::string_view error) {
  std::string opts;
  for (const auto& [value, text] : options)
    opts += fmt::format("<option value=\"{}\"{}>{}</option>", esc(value), value == selected ? " selected" : "", esc(text));
  return fmt::format(
      R"(<div class="govuk-form-group{}"><label class="govuk-label" for="{}">{}</label>{}{}<select class="govuk-select{}" id="{}" name="{}"{}>{}</select></div>
)",
      error.empty() ? "" : " govuk-form-group--error", esc(id), esc(label), hint_html(id, hint), error_message(id, error),
      error.empty() ? "" : " govuk-select--error", esc(id), esc(id), described_by(id, hint, error), opts);
}

std::string radios(std::string_view id, std::string_view legend, const std::vector<std::pair<std::string, std::string>>& options,
                   std::string_view selected, std::string_view hint, std::string_view error, bool inline_) {
  std::string items;
  for (size_t i = 0; i < options.size(); ++i) {
    const std::string item_id = i == 0 ? std::string(id) : fmt::format("{}-{}", id, i + 1);
    items += fmt::format(
        R"(<div class="govuk-radios__item"><input class="govuk-radios__input" id="{}" name="{}" type="radio" value="{}"{}><label class="govuk-label govuk-radios__label" for="{}">{}</label></div>)",
        esc(item_id), esc(id), esc(options[i].first), options[i].first == selected ? " checked" : "", esc(item_id),
        esc(options[i].second));
  }
  return fmt::format(
      R"(<div class="govuk-form-group{}"><fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{}</legend>{}{}<div class="govuk-radios{}" data-module="govuk-radios">{}</div></fieldset></div>
)",
      error.empty() ? "" : " govuk-form-group--error", described_by(id, hint, error), esc(legend), hint_html(id, hint),
      error_message(id, error), inline_ ? " govuk-radios--inline" : "", items);
}

std::string textarea(std::string_view id, std::string_view label, std::string_view value, std::string_view hint,
                     std::string_view error, int rows) {
  return fmt::format(
      R"(<div class="govuk-form-group{}"><label class="govuk-label" for="{}">{}</label>{}{}<textarea class="govuk-textarea{}" id="{}" name="{}" rows="{}"{}>{}</textarea></div>
)",
      error.empty() ? "" : " govuk-form-group--error", esc(id), esc(label), hint_html(id, hint), error_message(id, error),
      error.empty() ? "" : " govuk-textarea--error", esc(id), esc(id), rows, described_by(id, hint, error), esc(value));
}

std::string hidden(std::string_view name, std::string_view value) {
  return fmt::format("<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(name), esc(value));
}

std::string button(std::string_view label, std::string_view css) {
  return fmt::format("<button type=\"submit\" class=\"govuk-button{}\" data-module=\"govuk-button\">{}</button>",
                     css.empty() ? "" : " " + std::string(css), esc(label));
}

std::string link_button(std::string_view href, std::string_view label, std::string_view css) {
  return fmt::format("<a href=\"{}\" role=\"button\" draggable=\"false\" class=\"govuk-button{}\" data-module=\"govuk-button\">{}</a>",
                     esc(href), css.empty() ? "" : " " + std::string(css), esc(label));
}

std::string summary_list(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out = "<dl class=\"govuk-summary-list\">";
  for (const auto& [key, value] : rows)
    out += fmt::format("<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">{}</dt><dd class=\"govuk-summary-list__value\">{}</dd></div>",
                       esc(key), value);
  return out + "</dl>\n";
}

std::string table(const TableSpec& t) {
  // Wide tables scroll sideways inside their own region on a narrow screen, so the page
  // itself never does; the region takes focus so it can be scrolled by keyboard.
  std::string out = fmt::format("<div class=\"app-table-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">",
                                esc(t.caption.empty() ? (t.head.empty() ? std::string("Table") : t.head.front()) : t.caption));
  out += "<table class=\"govuk-table\">";
  if (!t.caption.empty()) out += fmt::format("<caption class=\"govuk-table__caption govuk-table__caption--m\">{}</caption>", esc(t.caption));
  out += "<thead class=\"govuk-table__head\"><tr class=\"govuk-table__row\">";
  for (size_t i = 0; i < t.head.size(); ++i) {
    const bool numeric = i < t.numeric.size() && t.numeric[i];
    out += fmt::format("<th scope=\"col\" class=\"govuk-table__header{}\">{}</th>", numeric ? " govuk-table__header--numeric" : "",
                       esc(t.head[i]));
  }
  out += "</tr></thead><tbody class=\"govuk-table__body\">";
  for (const auto& row : t.rows) {
    out += "<tr class=\"govuk-table__row\">";
    for (size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i < t.numeric.size() && t.numeric[i];
      if (i == 0)
        out += fmt::format("<th scope=\"row\" class=\"govuk-table__header\">{}</th>", row[i]);
      else
        out += fmt::format("<td class=\"govuk-table__cell{}\">{}</td>", numeric ? " govuk-table__cell--numeric" : "", row[i]);
    }
    out += "</tr>";
  }
  return out + "</tbody></table></div>\n";
}

std::string tag(std::string_view text, std::string_view colour) {
  return fmt::format("<strong class=\"govuk-tag{}\">{}</strong>", colour.empty() ? "" : " govuk-tag--" + std::string(colour),
                     esc(text));
}

std::string inset(std::string_view html) { return fmt::format("<div class=\"govuk-inset-text\">{}</div>\n", html); }

std::string notification(std::string_view title, std::string_view html, bool success) {
  return fmt::format(
      R"(<div class="govuk-notification-banner{}" role="{}" aria-labelledby="govuk-notification-banner-title" data-module="govuk-notification-banner"><div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="govuk-notification-banner-title">{}</h2></div><div class="govuk-notification-banner__content">{}</div></div>
)",
      success ? " govuk-notification-banner--success" : "", success ? "alert" : "region", success ? "Success" : "Important",
      std::string("<p class=\"govuk-notification-banner__heading\">") + esc(title) + "</p>" + std::string(html));
}

std::string heading(std::string_view text, std::string_view caption, std::string_view size) {
  std::string cap;
  if (!caption.empty()) cap = fmt::format("<span class=\"govuk-caption-{}\">{}</span>", size, esc(caption));
  return fmt::format("<h1 class=\"govuk-heading-{}\">{}{}</h1>\n", size, cap, esc(text));
}

std::string iso_from_parts(std::string_view day, std::string_view month, std::string_view year) {
  auto digits = [](std::string_view s) {
    if (s.empty() || s.size() > 4) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (!digits(day) || !digits(month) || !digits(year) || year.size() != 4 || day.size() > 2 || month.size() > 2) return "";
  return fmt::format("{}-{:0>2}-{:0>2}", year, month, day);
}

std::string pct(double value) { return fmt::format("{:.1f}%", value); }

std::string num(long long value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

std::string month_text(std::string_view yyyy_mm) {
  const std::string d = long_date(std::string(yyyy_mm) + "-01");
  return d.size() > 2 && d[0] == '1' && d[1] == ' ' ? d.substr(2) : std::string(yyyy_mm);
}

std::string long_date(std::string_view iso) {
  static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  const auto d = parse_date(iso);
  if (!d) return std::string(iso);
  const Ymd ymd = to_ymd(*d);
  return fmt::format("{} {} {}", ymd.day, months[ymd.month - 1], ymd.year);
}

}  // namespace pathways::web
