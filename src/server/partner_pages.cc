// Partner feeds in the web application (partner/partner.h, docs/partner-feeds.md), for the
// LA's data team (admin and data officers):
//
//   GET  /partner                 the upload form and the size of the review queue
//   POST /partner                 check, match and apply a feed (all or nothing); shows what
//                                 matched, what is new and what went to the review queue, or
//                                 every problem (and a CSV of them) when nothing was stored
//   GET  /partner/reviews         the open review items with their candidates
//   POST /partner/reviews/ID      apply an item to a candidate, to a new person, or dismiss it
//   GET  /partner/duplicates      pairs of stored people who are likely the same young person
//                                 (partner/match.h find_duplicates), also as .csv
#include <fmt/format.h>

#include <fstream>

#include "partner/feed.h"
#include "partner/match.h"
#include "partner/partner.h"
#include "server/internal.h"

namespace pathways::web {

namespace {

const std::vector<std::pair<std::string, std::string>>& feed_options() {
  static const std::vector<std::pair<std::string, std::string>> o = {
      {"school_cohort", "School cohort check (a school's roll with intended destinations)"},
      {"provider_events", "Provider starters, leavers and drop-outs"},
      {"september_guarantee", "September Guarantee offers"}};
  return o;
}

// The uploaded file's name, kept to letters, digits, dots, dashes and underscores (it is
// shown in messages and recorded as the source).
std::string safe_file_name(const std::string& name) {
  std::string out;
  for (char c : name.substr(0, 80))
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ? c : '_';
  if (out.empty() || out[0] == '.') out = "feed.csv";
  return out;
}

// The feed chosen on the upload form (a multipart field) or in the address.
std::string feed_param(const Ctx& ctx) {
  if (ctx.req.is_multipart_form_data() && ctx.req.has_file("feed")) return ctx.req.get_file_value("feed").content.substr(0, 40);
  return ctx.param("feed").substr(0, 40);
}

std::string incoming_value(const ReviewItem& it, std::string_view col) {
  for (const auto& [k, v] : it.incoming)
    if (k == col) return v;
  return "";
}

std::string row_name(const ReviewItem& it) {
  return incoming_value(it, "given_name") + " " + incoming_value(it, "family_name");
}

}  // namespace

void Impl::register_partner_pages() {
  auto upload_page = [this](Ctx& ctx, const std::vector<FieldError>& errors, const std::string& result, int status,
                            bool wide) {
    size_t waiting = 0;
    {
      std::lock_guard lock(write_mutex);
      waiting = open_reviews(*write_db).size();
    }
    std::string main = error_summary(errors) + result + heading("Partner feeds");
    main += "<p class=\"govuk-body\">Upload a school's cohort check, a provider's starters, leavers and drop-outs, or "
            "September Guarantee offers, in the templates of the partner feeds guide. Each row is matched to a young "
            "person: exactly on UPN or ULN, otherwise on name and date of birth. Confident matches are applied; "
            "uncertain ones wait in the review queue and are never merged without you. If any row has a problem, "
            "nothing is stored and you get a report of every problem.</p>";
    main += "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/partner/reviews\">Review queue</a>: " +
            num(static_cast<long long>(waiting)) + (waiting == 1 ? " row waits" : " rows wait") + " for a decision. " +
            "<a class=\"govuk-link\" href=\"/partner/duplicates\">Likely duplicates</a> among the young people we "
            "hold.</p>";
    main += form_open(ctx, "/partner", true);
    main += radios("feed", "Which feed is it?", feed_options(), feed_param(ctx), "", error_for(errors, "feed"));
    main += file_upload("file", "The file (CSV)", error_for(errors, "file"));
    main += button("Check and import") + "</form>";
    PageOptions o = ctx.page_options("Partner feeds", "/partner");
    o.has_error = !errors.empty();
    o.wide = wide;
    ctx.html(status, o, main);
  };
  route("GET", "/partner", Permission::kUpload, false,
        [upload_page](Ctx& ctx) { upload_page(ctx, {}, "", 200, false); });

  route("POST", "/partner", Permission::kUpload, false, [this, upload_page](Ctx& ctx) {
    std::vector<FieldError> errors;
    const auto kind = parse_feed_kind(feed_param(ctx));
    if (!kind) errors.push_back({"feed", "Select which feed the file is"});
    if (!ctx.req.is_multipart_form_data() || !ctx.req.has_file("file") || ctx.req.get_file_value("file").content.empty())
      errors.push_back({"file", "Select the file to import"});
    if (!errors.empty()) return upload_page(ctx, errors, "", 400, false);
    const ScratchDir scratch("pathways-partner-");
    const auto& upload = ctx.req.get_file_value("file");
    const std::filesystem::path path = scratch.path / safe_file_name(upload.filename);
    {
      std::ofstream out(path, std::ios::binary);
      out << upload.content;
    }
    LoadReport report;
    PartnerOptions po;
    po.default_la_code = options.la;
    PartnerImportResult r;
    std::string reload_problem;
    {
      std::lock_guard lock(write_mutex);
      r = import_partner_feed(*write_db, rules, *kind, path.string(), ctx.user().username, report, po);
      if (report.ok()) {
        // Stored: audited before anything else can fail.
        ctx.audit("partner_import", feed_param(ctx), std::to_string(r.data.batch_id),
                  fmt::format("{} rows: {} exact, {} scored, {} new, {} to review, {} applied", r.rows,
                              r.matched_exact, r.matched_score, r.new_people, r.to_review, r.applied_rows));
        if (r.changed()) reload_problem = try_reload();
      }
    }
    // (upload_page takes write_mutex itself.)
    if (!report.ok()) {
      ctx.audit("partner_import_rejected", feed_param(ctx), "", fmt::format("{} problems", report.error_count));
      return upload_page(ctx, {}, problems_html(ctx, report, "The file has"), 400, true);
    }
    std::string html = summary_list({{"Rows read", num(r.rows)},
                                     {"Matched on UPN or ULN", num(r.matched_exact)},
                                     {"Matched on name and date of birth", num(r.matched_score)},
                                     {"Matched by an earlier review", num(r.matched_by_review)},
                                     {"New young people", num(r.new_people)},
                                     {"Sent to the review queue", num(r.to_review + r.already_in_review)},
                                     {"Rows that changed a record", num(r.applied_rows)},
                                     {"Rows already up to date", num(r.unchanged_rows)},
                                     {"Rows with nothing to apply", num(r.not_applied)}});
    if (r.to_review + r.already_in_review > 0)
      html += "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/partner/reviews\">Decide the rows in the review "
              "queue</a></p>";
    if (!report.warnings.empty()) {
      TableSpec t{fmt::format("{} {}", report.warnings.size(), report.warnings.size() == 1 ? "warning" : "warnings"),
                  {"Line", "Column", "Value", "Warning"}, {true, false, false, false}, {}};
      for (const auto& w : report.warnings)
        if (t.rows.size() < 200) t.rows.push_back({std::to_string(w.line), esc(w.column), esc(w.value), esc(w.reason)});
      html += table(t);
    }
    if (!reload_problem.empty())
      html += "<p class=\"govuk-body\">The feed is stored, but the pages could not be refreshed: " + esc(reload_problem) +
              ". Restart the application to see it.</p>";
    upload_page(ctx, {}, notification(r.changed() ? "Feed imported" : "Nothing changed", html, true), 200, true);
  });

  // The open items; `before` is a banner or an error summary above them.
  auto reviews_page = [this](Ctx& ctx, const std::string& before, int status) {
    std::vector<ReviewItem> items;
    {
      std::lock_guard lock(write_mutex);
      items = open_reviews(*write_db);
    }
    std::string main = before + heading("Review queue", "Partner feeds");
    main += "<p class=\"govuk-body\">Each row below matched no one with confidence. Apply it to the right young "
            "person, create a new record if it is someone we do not hold, or dismiss it. Your choice is remembered "
            "for later imports of the same row.</p>";
    if (items.empty()) main += inset("The review queue is empty.");
    std::string ids;
    for (const auto& it : items) {
      ids += (ids.empty() ? "" : " ") + std::to_string(it.review_id);
      const std::string item_id = fmt::format("review-{}", it.review_id);
      main += fmt::format("<h2 class=\"govuk-heading-m\" id=\"{}\">{} <span class=\"govuk-caption-m\">{}, line {}</span></h2>",
                          item_id, esc(row_name(it)), esc(it.source), it.line);
      main += summary_list({{"Date of birth", esc(incoming_value(it, "date_of_birth"))},
                            {"Postcode", esc(incoming_value(it, "postcode"))},
                            {"UPN", esc(incoming_value(it, "upn"))},
                            {"ULN", esc(incoming_value(it, "uln"))},
                            {"Why it waits", esc(it.reason)}});
      TableSpec t{"Candidates for " + row_name(it),
                  {"Young person", "Date of birth", "Postcode", "UPN", "Score", "Basis", "Decision"},
                  {false, false, false, false, true, false, false}, {}};
      for (const auto& c : it.candidates) {
        const std::string apply =
            form_open(ctx, "/partner/reviews/" + std::to_string(it.review_id)) + hidden("action", "apply") +
            hidden("person", c.person_id) +
            fmt::format("<button type=\"submit\" class=\"govuk-button govuk-button--secondary govuk-!-margin-bottom-0\" "
                        "data-module=\"govuk-button\">Apply<span class=\"govuk-visually-hidden\"> line {} to {} {} ({})</span></button></form>",
                        it.line, esc(c.given_name), esc(c.family_name), esc(c.person_id));
        const uint32_t p = ctx.data->ds.find_person(c.person_id);
        t.rows.push_back({p == kNoIndex ? esc(c.given_name + " " + c.family_name) : person_link(ctx.data->ds, p), esc(c.date_of_birth),
                          esc(c.postcode), esc(c.upn), fmt::format("{:.2f}", c.score), esc(c.basis), apply});
      }
      if (!t.rows.empty()) main += table(t);
      main += "<div class=\"govuk-button-group\">" + form_open(ctx, "/partner/reviews/" + std::to_string(it.review_id)) +
              hidden("action", "new") +
              fmt::format("<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
                          "Create a new record<span class=\"govuk-visually-hidden\"> for line {}</span></button></form>",
                          it.line) +
              form_open(ctx, "/partner/reviews/" + std::to_string(it.review_id)) + hidden("action", "dismiss") +
              fmt::format("<button type=\"submit\" class=\"govuk-button govuk-button--warning\" data-module=\"govuk-button\">"
                          "Dismiss<span class=\"govuk-visually-hidden\"> line {}</span></button></form></div>",
                          it.line);
    }
    ctx.audit("list", "review_queue", "", ids);
    PageOptions o = ctx.page_options("Review queue", "/partner");
    o.wide = true;
    o.has_error = status >= 400;
    ctx.html(status, o, main);
  };
  route("GET", "/partner/reviews", Permission::kUpload, false, [this, reviews_page](Ctx& ctx) {
    // After a decision: what was decided, built from the stored item (nothing from the
    // address is shown).
    std::string banner;
    if (const std::string id = ctx.param("decided"); !id.empty() && id.size() < 19 &&
                                                     std::all_of(id.begin(), id.end(), ::isdigit)) {
      std::optional<ReviewItem> it;
      {
        std::lock_guard lock(write_mutex);
        it = review_item(*write_db, std::stoll(id));
      }
      if (it && it->status != "open") {
        const std::string what =
            it->status == "dismissed"
                ? fmt::format("{}, line {}: dismissed.", it->source, it->line)
                : fmt::format("{}, line {}: applied to {}{}.", it->source, it->line, it->resolution_person_id,
                              it->resolution_note == "new person" ? " (a new record)" : "");
        banner = notification("Review decided", "<p class=\"govuk-body\">" + esc(what) + "</p>", true);
      }
    }
    reviews_page(ctx, banner, 200);
  });

  // Likely duplicates among the loaded people (the same date of birth; names and postcode
  // scored as in matching). Both people of a pair are named, so the list is audited.
  auto duplicates = [this](Ctx& ctx, bool csv) {
    const Dataset& ds = ctx.data->ds;
    const auto pairs = find_duplicates(ds);
    std::string ids;
    for (const auto& d : pairs)
      ids += (ids.empty() ? "" : " ") + std::string(ds.people.id[d.a]) + "=" + std::string(ds.people.id[d.b]);
    ctx.audit("list", "duplicates", "", ids);
    if (csv) {
      ctx.res.set_header("Content-Disposition", "attachment; filename=\"pathways-duplicates.csv\"");
      return ctx.res.set_content(duplicates_csv(ds, pairs), "text/csv; charset=utf-8");
    }
    std::string main = heading("Likely duplicates", "Partner feeds");
    main += "<p class=\"govuk-body\">Pairs of young people born on the same day whose names and postcode score as "
            "the same person (a pair whose UPNs or ULNs differ scores lower). Check each pair; records are never "
            "merged automatically.</p>";
    if (pairs.empty()) {
      main += inset("No likely duplicates.");
    } else {
      main += "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/partner/duplicates.csv\">Download the pairs "
              "(CSV)</a></p>";
      TableSpec t{fmt::format("{} {}", pairs.size(), pairs.size() == 1 ? "pair" : "pairs"),
                  {"Young person", "Date of birth", "Possibly the same as", "Score", "Basis"},
                  {false, false, false, true, false}, {}};
      for (const auto& d : pairs)
        t.rows.push_back({person_link(ds, d.a), esc(format_date(ds.people.date_of_birth[d.a])), person_link(ds, d.b),
                          fmt::format("{:.2f}", d.score), esc(d.basis)});
      main += table(t);
    }
    PageOptions o = ctx.page_options("Likely duplicates", "/partner");
    o.wide = true;
    ctx.html(200, o, main);
  };
  route("GET", "/partner/duplicates", Permission::kUpload, false, [duplicates](Ctx& ctx) { duplicates(ctx, false); });
  route("GET", "/partner/duplicates.csv", Permission::kUpload, false, [duplicates](Ctx& ctx) { duplicates(ctx, true); });

  route("POST", R"(/partner/reviews/(\d{1,18}))", Permission::kUpload, false, [this, reviews_page](Ctx& ctx) {
    const int64_t id = std::stoll(ctx.req.matches[1]);
    const std::string action(ctx.param("action"));
    if (action != "apply" && action != "new" && action != "dismiss") return ctx.not_found();
    std::string failed;
    try {
      std::lock_guard lock(write_mutex);
      if (action == "dismiss") {
        dismiss_review(*write_db, id, ctx.user().username, "dismissed in the web application");
        ctx.audit("review_dismissed", "review_item", std::to_string(id));
      } else {
        std::optional<std::string> person;
        if (action == "apply") person = std::string(ctx.param("person"));
        const ResolveResult r = resolve_review(*write_db, rules, id, person, ctx.user().username);
        ctx.audit("review_resolved", "review_item", std::to_string(id), r.person_id);
        try_reload();  // a failure leaves the pages a step behind; the decision is stored
      }
    } catch (const std::invalid_argument&) {
      return ctx.not_found();  // not open (decided meanwhile) or no such person
    } catch (const std::runtime_error& e) {
      failed = e.what();  // e.g. the stored row no longer validates: nothing was stored
    }
    if (!failed.empty())
      return reviews_page(
          ctx, error_summary({{"", fmt::format("Review {} could not be applied: {}. Nothing was stored; dismiss it, or "
                                               "correct the row and import the file again.", id, failed)}}),
          409);
    ctx.redirect("/partner/reviews?decided=" + std::to_string(id));
  });
}

}  // namespace pathways::web
