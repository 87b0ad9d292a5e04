// HTML for the web pages: escaping, and the GOV.UK Design System page template and
// components as the server renders them (https://design-system.service.gov.uk/).
//
// Every piece of text that came from data or a request goes through esc() (or one of the
// helpers that call it); markup written in this file and its callers is trusted. No page
// carries inline script or style: the Content-Security-Policy forbids both.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pathways::web {

// Text escaped for HTML element content and quoted attribute values.
std::string esc(std::string_view text);
// A query-string / path component, percent-encoded.
std::string url_encode(std::string_view text);

struct NavItem {
  std::string href, label;
  bool current = false;
};

struct PageOptions {
  std::string title;          // the <title> and, unless heading is set, the <h1>
  std::string user_label;     // "Signed in as ..." ("" when signed out)
  std::string csrf_token;     // for the sign-out form
  std::vector<NavItem> nav;   // service navigation
  std::string back_href;      // a back link above the content
  bool wide = false;          // full-width layout (tables)
  std::vector<std::string> scripts;  // extra script files under /assets
  bool has_error = false;     // prefixes the title with "Error: "
};

// A whole page in the GOV.UK template: skip link, header, service navigation, main
// content, footer, and the GOV.UK Frontend / MOJ Frontend assets.
std::string page(const PageOptions& options, std::string_view main_html);

// --- Components ----------------------------------------------------------------------

// An error in a form: the field's id (for the link in the summary) and the message.
struct FieldError {
  std::string field, message;
};
std::string error_summary(const std::vector<FieldError>& errors);
// The message for `field` from `errors`, or "".
std::string error_for(const std::vector<FieldError>& errors, std::string_view field);

// Form fields. `hint` and `error` may be empty. `attrs` is trusted extra attributes.
std::string text_input(std::string_view id, std::string_view label, std::string_view value,
                       std::string_view hint = "", std::string_view error = "", std::string_view type = "text",
                       std::string_view css = "", std::string_view attrs = "");
// A GOV.UK file upload for one CSV file.
std::string file_upload(std::string_view id, std::string_view label, std::string_view error = "");
std::string date_input(std::string_view id, std::string_view legend, std::string_view iso_value,
                       std::string_view hint, std::string_view error);
std::string select(std::string_view id, std::string_view label, const std::vector<std::pair<std::string, std::string>>& options,
                   std::string_view selected, std::string_view hint = "", std::string_view error = "");
// GOV.UK radios in a fieldset; the first radio's id is `id` (for the error summary's link),
// the others `id`-2, `id`-3, ...
std::string radios(std::string_view id, std::string_view legend, const std::vector<std::pair<std::string, std::string>>& options,
                   std::string_view selected, std::string_view hint = "", std::string_view error = "", bool inline_ = false);
// A GOV.UK textarea.
std::string textarea(std::string_view id, std::string_view label, std::string_view value, std::string_view hint = "",
                     std::string_view error = "", int rows = 5);
std::string hidden(std::string_view name, std::string_view value);
std::string button(std::string_view label, std::string_view css = "");
std::string link_button(std::string_view href, std::string_view label, std::string_view css = "govuk-button--secondary");

// A summary list of (key, value-html) rows; values are trusted HTML (escape them first).
std::string summary_list(const std::vector<std::pair<std::string, std::string>>& rows);

// A table. Header cells are text; body cells are trusted HTML. `numeric` marks columns
// that hold numbers (right-aligned).
struct TableSpec {
  std::string caption;
  std::vector<std::string> head;
  std::vector<bool> numeric;
  std::vector<std::vector<std::string>> rows;
};
std::string table(const TableSpec& spec);

std::string tag(std::string_view text, std::string_view colour = "");  // govuk-tag
std::string inset(std::string_view html);
std::string notification(std::string_view title, std::string_view html, bool success);
std::string heading(std::string_view text, std::string_view caption = "", std::string_view size = "l");

// Date helpers for forms: "YYYY-MM-DD" from day/month/year fields ("" when incomplete).
std::string iso_from_parts(std::string_view day, std::string_view month, std::string_view year);

// Formats a percentage to one decimal place ("6.4%").
std::string pct(double value);
// A whole number with thousands separators ("13,042").
std::string num(long long value);
// "2026-10-31" as "31 October 2026".
std::string long_date(std::string_view iso);
// "2026-10" as "October 2026".
std::string month_text(std::string_view yyyy_mm);

}  // namespace pathways::web
