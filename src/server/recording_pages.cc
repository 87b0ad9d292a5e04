// The coaches' monthly recording day (coaching/recording.h): the caseload with what needs
// confirming for the month's return, one-action confirmation of the current activity, a
// new status with its NEET reason, and contacts. Statuses are recorded through
// record_activity, so the person's activity history stays the one source of truth.
//
//   GET  /coaching/recording                     the list (a coach their own; admin and data
//                                                officers choose a coach; managers and viewers
//                                                see the progress figures only, no names)
//   GET  /coaching/recording/people/ID           one young person's recording
//   POST /coaching/recording/people/ID/confirm   confirm the current activity today
//   POST /coaching/recording/people/ID/status    record a status (and NEET reason)
//   POST /coaching/recording/people/ID/contact   record a contact
#include <fmt/format.h>

#include <algorithm>

#include "coaching/recording.h"
#include "coaching/store.h"
#include "server/internal.h"

namespace pathways::web {

namespace {

bool records_coaching(Role r) { return r == Role::admin || r == Role::data_officer || r == Role::coach; }
bool sees_names(Role r) { return r == Role::admin || r == Role::data_officer || r == Role::coach; }

std::string name_of(const Dataset& ds, uint32_t p) {
  return std::string(ds.people.given_name[p]) + " " + std::string(ds.people.family_name[p]);
}

std::string date_text(Date d) { return d == kNoDate ? "" : long_date(format_date(d)); }

std::string code_label(const Rules& rules, uint16_t code_index) {
  const auto& c = rules.code(code_index);
  return fmt::format("{:03d} {}", c.code, c.label);
}

const char* neet_reason_label(NeetReason r) {
  switch (r) {
    case NeetReason::kAwaitingStart: return "Awaiting a start date";
    case NeetReason::kApplied: return "Has applied";
    case NeetReason::kSupported: return "Being supported";
    case NeetReason::kNotReady: return "Not ready for work or learning";
    case NeetReason::kUnwilling: return "Not willing to engage";
    case NeetReason::kNone: return "";
  }
  return "";
}

const char* leave_label(LeaveReason r) {
  switch (r) {
    case LeaveReason::kMovedToEet: return "Moved into EET";
    case LeaveReason::kOtherSupport: return "Moved to other support";
    case LeaveReason::kLeftArea: return "Left the area";
    case LeaveReason::kDisengaged: return "Disengaged";
    case LeaveReason::kOther:
    case LeaveReason::kNone: return "Other";
  }
  return "Other";
}

std::vector<std::pair<std::string, std::string>> activity_options(const Rules& rules) {
  std::vector<std::pair<std::string, std::string>> o = {{"", "Select an activity"}};
  for (size_t i = 0; i < rules.codes().size(); ++i) {
    const auto& c = rules.codes()[i];
    if (c.legacy) continue;
    o.push_back({fmt::format("{:03d}", c.code), code_label(rules, static_cast<uint16_t>(i))});
  }
  return o;
}

std::vector<std::pair<std::string, std::string>> neet_reason_options() {
  return {{"", "Not NEET, or not recorded"},
          {"awaiting_start", "Awaiting a start date"},
          {"applied", "Has applied"},
          {"supported", "Being supported"},
          {"not_ready", "Not ready for work or learning"},
          {"unwilling", "Not willing to engage"}};
}

// "2026-11" -> (2026, 11); nullopt when malformed.
std::optional<std::pair<int, int>> parse_month(const std::string& m) {
  const auto end = parse_month_end(m);
  if (!end || m.size() != 7) return std::nullopt;
  const Ymd ymd = to_ymd(*end);
  if (ymd.year < 1990 || ymd.year > 2100) return std::nullopt;
  return std::make_pair(ymd.year, ymd.month);
}

std::string ordinal(int n) {
  const int t = n % 100;
  const char* s = (t >= 11 && t <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return std::to_string(n) + s;
}

// The coach whose recording the user works on: a coach their own, others the one chosen.
std::string coach_for(const Ctx& ctx) {
  if (ctx.user().role == Role::coach) return ctx.user().coach_id;
  std::string c = ctx.param("coach").substr(0, 64);
  c.erase(std::remove_if(c.begin(), c.end(), [](char ch) { return ch == ' ' || ch == '\t'; }), c.end());
  return c;
}

std::string back_to_list(const std::string& coach, const std::string& flag, const std::string& id) {
  std::string url = "/coaching/recording?";
  if (!coach.empty()) url += "coach=" + url_encode(coach) + "&";
  url += flag + "=" + url_encode(id);
  return url;
}

}  // namespace

void Impl::register_recording_pages() {
  route("GET", "/coaching/recording", Permission::kAggregates, false, [this](Ctx& ctx) {
    const Role role = ctx.user().role;
    if (role == Role::school) return ctx.forbidden();
    const std::string coach = coach_for(ctx);
    const Date on = today();
    std::string month = ctx.param("month");
    if (month.empty()) month = format_date(on).substr(0, 7);
    const auto ym = parse_month(month);
    std::vector<FieldError> errors;
    if (!ym) errors.push_back({"month", "Enter a month in the form YYYY-MM, for example 2026-11"});
    std::string main;
    const Dataset& ds = ctx.data->ds;
    // Notifications after a change (the person's name only when the user may see them).
    for (const auto& [flag, title] : std::vector<std::pair<std::string, std::string>>{
             {"confirmed", "Status confirmed"}, {"recorded", "Status recorded"}, {"contact", "Contact recorded"}}) {
      const std::string id = ctx.param(flag);
      if (id.empty()) continue;
      const uint32_t p = ds.find_person(id);
      if (p != kNoIndex && ctx.may_see(p))
        main += notification(title, "<p class=\"govuk-body\">For " + esc(name_of(ds, p)) + ". The list below includes it.</p>", true);
    }
    main += error_summary(errors) + heading("Monthly recording", coach.empty() ? "" : "Coach " + coach);
    main += "<form method=\"get\" action=\"/coaching/recording\"><div class=\"govuk-grid-row\">";
    if (role != Role::coach)
      main += "<div class=\"govuk-grid-column-one-third\">" +
              text_input("coach", "Coach", coach, "A coach id, for example C03", "", "text", "govuk-input--width-10") + "</div>";
    main += "<div class=\"govuk-grid-column-one-third\">" +
            text_input("month", "Month", errors.empty() ? month : ctx.param("month").substr(0, 20), "For example, 2026-11",
                       error_for(errors, "month"), "text", "govuk-input--width-10") +
            "</div></div>" + button("Show", "govuk-button--secondary") + "</form>";
    PageOptions o = ctx.page_options("Monthly recording", "/coaching/recording");
    o.wide = true;
    o.has_error = !errors.empty();
    if (!errors.empty()) return ctx.html(400, o, main);
    if (coach.empty()) {
      main += "<p class=\"govuk-body\">Enter a coach to see their recording for the month.</p>";
      return ctx.html(200, o, main);
    }
    const RecordingDay r =
        recording_day(ds, rules, ctx.data->coaching, coach, ym->first, ym->second, options.recording_day, on);
    const bool current = on >= r.first_day && on <= r.last_day;
    const bool names = sees_names(role);
    const bool can_record = current && records_coaching(role);
    const std::string due = date_text(r.recording_date);
    main += fmt::format(
        "<p class=\"govuk-body\">The return for {} {} on {} (coaches record on the {} of each month). Statuses are as at {}.</p>",
        esc(month_text(month)), r.recording_date >= on ? "is due" : "was due", esc(due), ordinal(r.recording_day),
        esc(date_text(r.as_at)));
    const int64_t total = static_cast<int64_t>(r.rows.size());
    main += fmt::format("<h2 class=\"govuk-heading-m\" id=\"progress\">{} of {} confirmed this month</h2>", r.confirmed, total);
    main += summary_list({{"Still to confirm", num(total - r.confirmed)},
                          {"No contact with the young person this month", num(r.no_contact())},
                          {"Joined this month", num(r.joined)},
                          {"Left before the recording date", num(static_cast<int64_t>(r.leavers.size()))}});
    std::string ids;
    if (!names) {
      main += "<p class=\"govuk-body\">Your role sees the figures only.</p>";
      ctx.audit("report", "recording_day", coach, month);
      return ctx.html(200, o, main);
    }
    TableSpec t{fmt::format("Caseload on {}", due), {"Name", "Status", "NEET reason", "This month", "Last contact", "Confirmed", "Action"}, {}, {}};
    for (const auto& row : r.rows) {
      if (!ctx.may_see(row.person)) continue;
      const uint32_t p = row.person;
      const std::string id(ds.people.id[p]);
      ids += (ids.empty() ? "" : " ") + id;
      const std::string hidden_name = "<span class=\"govuk-visually-hidden\"> for " + esc(name_of(ds, p)) + "</span>";
      std::string name = fmt::format("<a class=\"govuk-link\" href=\"/people/{}\">{}</a>", url_encode(id), esc(name_of(ds, p)));
      if (row.joined_this_month) name += "<br>" + tag("Joined " + date_text(row.joined), "blue");
      if (row.left != kNoDate) name += "<br>" + tag("Leaves " + date_text(row.left), "grey");
      std::string status = tag(status_label(ds, rules, row.status), status_colour(ds, rules, row.status));
      if (row.status.known()) {
        status += "<br><span class=\"govuk-body-s\">" + esc(code_label(rules, ds.activities.code[row.status.activity])) + "</span>";
        status += "<br><span class=\"govuk-body-s\">" +
                  (row.status.lapse_date == kNoDate ? std::string("Does not lapse") : "Lapses " + esc(date_text(row.status.lapse_date))) +
                  "</span>";
      }
      std::string reason;
      if (row.neet) reason = esc(neet_reason_label(row.neet_reason)) + (row.neet_reason_default ? " <span class=\"govuk-body-s\">(not recorded: the default)</span>" : "");
      std::string action;
      if (can_record) {
        action = "<div class=\"app-row-actions\">";
        if (row.status.known() && !row.confirmed && status_on(ds, rules, p, on).known() &&
            rules.category_of(ds.activities.code[row.status.activity]) != Category::kNotKnown)
          action += form_open(ctx, "/coaching/recording/people/" + url_encode(id) + "/confirm") + hidden("coach", coach) +
                    "<button type=\"submit\" class=\"govuk-button govuk-button--secondary govuk-!-margin-bottom-1\" data-module=\"govuk-button\">Confirm" +
                    hidden_name + "</button></form>";
        action += fmt::format("<a class=\"govuk-link\" href=\"/coaching/recording/people/{}{}\">Update{}</a>", url_encode(id),
                              role == Role::coach ? "" : "?coach=" + url_encode(coach), hidden_name);
        action += "</div>";
      }
      t.rows.push_back({name, status, reason, row.engaged ? tag("Contacted", "green") : tag("No contact", "yellow"),
                        row.last_contact == kNoDate ? "None" : esc(date_text(row.last_contact)),
                        row.confirmed ? tag("Confirmed", "green") : tag("To confirm", "orange"), action});
    }
    if (t.rows.empty()) main += "<p class=\"govuk-body\">Nobody is on this caseload on the recording date.</p>";
    else main += table(t);
    if (!r.leavers.empty()) {
      TableSpec l{"Left the caseload this month, before the recording date", {"Name", "Left on", "Reason"}, {}, {}};
      size_t hidden_leavers = 0;
      for (const auto& x : r.leavers) {
        if (!ctx.may_see(x.person)) {
          ++hidden_leavers;
          continue;
        }
        ids += (ids.empty() ? "" : " ") + std::string(ds.people.id[x.person]);
        l.rows.push_back({esc(name_of(ds, x.person)), esc(date_text(x.left)), esc(leave_label(x.reason))});
      }
      if (!l.rows.empty()) main += table(l);
      if (hidden_leavers)
        main += fmt::format("<p class=\"govuk-body\">{} young {} left this caseload earlier in the month.</p>", hidden_leavers,
                            hidden_leavers == 1 ? "person" : "people");
    }
    if (!current) main += "<p class=\"govuk-body\">This month is not the current one: its recording can be read but not changed.</p>";
    ctx.audit("list", "recording_day", coach, month + ": " + ids);
    ctx.html(200, o, main);
  });

  // One young person: the status on the recording date, a status form and a contact form.
  auto person_page = [this](Ctx& ctx, uint32_t p, const std::vector<FieldError>& errors, const std::string& which, int status) {
    const Dataset& ds = ctx.data->ds;
    const std::string id(ds.people.id[p]);
    const Date on = today();
    const Ymd ymd = to_ymd(on);
    const Date as_at = recording_as_at(ymd.year, ymd.month, options.recording_day, on);
    const Status s = status_on(ds, rules, p, as_at);
    const std::string coach = ctx.user().role == Role::coach ? "" : coach_for(ctx);
    std::string main = "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">" + error_summary(errors);
    main += heading(name_of(ds, p), "Monthly recording", "l");
    std::vector<std::pair<std::string, std::string>> now = {
        {"Status on " + date_text(as_at), tag(status_label(ds, rules, s), status_colour(ds, rules, s))}};
    if (s.known()) {
      const uint32_t a = s.activity;
      now.push_back({"Activity", esc(code_label(rules, ds.activities.code[a]))});
      now.push_back({"Started", esc(date_text(ds.activities.start[a]))});
      now.push_back({"Last confirmed", esc(date_text(s.last_verified))});
      now.push_back({"Lapses", s.lapse_date == kNoDate ? "Does not lapse" : esc(date_text(s.lapse_date))});
      if (ds.activities.neet_reason[a] != NeetReason::kNone)
        now.push_back({"NEET reason", esc(neet_reason_label(ds.activities.neet_reason[a]))});
    }
    main += summary_list(now);
    const std::string base = "/coaching/recording/people/" + url_encode(id);
    // Record the status: the current activity by default (its start date kept), so saving
    // it unchanged with a NEET reason confirms it and records the reason.
    const bool status_err = which == "status";
    auto value = [&](const std::string& f, const std::string& dflt) { return status_err ? ctx.param(f) : dflt; };
    std::string code_now, start_now, reason_now;
    if (s.known()) {
      code_now = fmt::format("{:03d}", rules.code(ds.activities.code[s.activity]).code);
      start_now = format_date(ds.activities.start[s.activity]);
      if (ds.activities.neet_reason[s.activity] != NeetReason::kNone)
        reason_now = std::string(neet_reason_name(ds.activities.neet_reason[s.activity]));
    }
    const std::string start_value =
        status_err ? iso_from_parts(ctx.param("start_date-day"), ctx.param("start_date-month"), ctx.param("start_date-year")) : start_now;
    main += "<h2 class=\"govuk-heading-m\">Record the status</h2>";
    main += "<p class=\"govuk-body\">Keep the activity and start date to confirm it (with its NEET reason); change them to record a new "
            "activity. Either way it is confirmed today and added to the activity history.</p>";
    main += form_open(ctx, base + "/status") + hidden("coach", coach);
    main += select("activity_code", "Activity", activity_options(rules), value("activity_code", code_now), "", error_for(errors, "activity_code"));
    main += date_input("start_date", "Start date", start_value, "For example, 4 9 2026", error_for(errors, "start_date-day"));
    main += select("neet_reason", "NEET reason", neet_reason_options(), value("neet_reason", reason_now),
                   "Only for a NEET activity", error_for(errors, "neet_reason"));
    main += button("Save status") + "</form>";
    main += "<h2 class=\"govuk-heading-m\" id=\"contact\">Record a contact</h2>";
    const bool contact_err = which == "contact";
    main += form_open(ctx, base + "/contact") + hidden("coach", coach);
    main += date_input("contact_date", "Date of the contact",
                       contact_err ? iso_from_parts(ctx.param("contact_date-day"), ctx.param("contact_date-month"), ctx.param("contact_date-year"))
                                   : format_date(on),
                       "For example, 20 10 2026", error_for(errors, "contact_date-day"));
    main += select("contact_with", "Contact with",
                   {{"young_person", "The young person"}, {"parent_carer", "Parent or carer"}, {"post16_provider", "Post-16 provider"},
                    {"other_professional", "Another professional"}},
                   contact_err ? ctx.param("contact_with") : "young_person", "", error_for(errors, "contact_with"));
    main += select("contact_mode", "How",
                   {{"in_person", "In person"}, {"virtual", "Video call"}, {"phone", "Phone"}, {"text", "Text message"}, {"email", "Email"}},
                   contact_err ? ctx.param("contact_mode") : "in_person", "", error_for(errors, "contact_mode"));
    main += button("Save contact", "govuk-button--secondary") + "</form>";
    main += "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/coaching/recording" +
            (coach.empty() ? std::string() : "?coach=" + url_encode(coach)) + "\">Back to the monthly recording</a></p></div></div>";
    PageOptions o = ctx.page_options("Monthly recording: " + name_of(ds, p), "/coaching/recording");
    o.back_href = "/coaching/recording" + (coach.empty() ? std::string() : "?coach=" + url_encode(coach));
    o.has_error = !errors.empty();
    ctx.html(status, o, main);
  };
  // The person of a /coaching/recording/people/ID route the user may record for, or kNoIndex
  // (the response is then sent: 404 for a person the user may not see, 403 for a role).
  auto person_for = [](Ctx& ctx, bool change) -> uint32_t {
    const std::string id = ctx.req.matches[1];
    const uint32_t p = ctx.data->ds.find_person(id);
    if (p == kNoIndex || !ctx.may_see(p)) {
      ctx.audit(change ? "change_denied" : "read_denied", "person", id.substr(0, 64));
      ctx.not_found();
      return kNoIndex;
    }
    if (!records_coaching(ctx.user().role)) {
      ctx.forbidden();
      return kNoIndex;
    }
    return p;
  };

  route("GET", R"(/coaching/recording/people/([^/]+))", Permission::kRecord, false, [person_for, person_page](Ctx& ctx) {
    const uint32_t p = person_for(ctx, false);
    if (p == kNoIndex) return;
    ctx.audit("read", "person", std::string(ctx.data->ds.people.id[p]), "monthly recording");
    person_page(ctx, p, {}, "", 200);
  });

  route("POST", R"(/coaching/recording/people/([^/]+)/confirm)", Permission::kRecord, false, [this, person_for](Ctx& ctx) {
    const uint32_t p = person_for(ctx, true);
    if (p == kNoIndex) return;
    const Dataset& ds = ctx.data->ds;
    const std::string id(ds.people.id[p]);
    const std::string coach = ctx.user().role == Role::coach ? "" : coach_for(ctx);
    const Status s = status_on(ds, rules, p, today());
    if (!s.known()) return ctx.redirect("/coaching/recording/people/" + url_encode(id));
    // The current activity again, confirmed today: a new version of the same activity.
    const uint32_t a = s.activity;
    std::map<std::string, std::string> fields = {{"activity_code", fmt::format("{:03d}", rules.code(ds.activities.code[a]).code)},
                                                 {"start_date", format_date(ds.activities.start[a])},
                                                 {"verified_date", format_date(today())}};
    if (ds.activities.end[a] != kNoDate) fields["end_date"] = format_date(ds.activities.end[a]);
    if (ds.activities.review[a] != kNoDate && ds.activities.review[a] > today()) fields["review_date"] = format_date(ds.activities.review[a]);
    if (ds.activities.provider[a] != kNoIndex) fields["provider_id"] = std::string(ds.providers[ds.activities.provider[a]]);
    if (ds.activities.neet_reason[a] != NeetReason::kNone) fields["neet_reason"] = std::string(neet_reason_name(ds.activities.neet_reason[a]));
    const auto errors = record_activity(*this, ctx, p, fields);
    if (!errors.empty()) throw std::runtime_error("confirming an activity failed validation: " + errors.front().message);
    ctx.audit("update", "activity", id, "confirmed " + fields["activity_code"] + " (monthly recording)");
    ctx.redirect(back_to_list(coach, "confirmed", id));
  });

  route("POST", R"(/coaching/recording/people/([^/]+)/status)", Permission::kRecord, false, [this, person_for, person_page](Ctx& ctx) {
    const uint32_t p = person_for(ctx, true);
    if (p == kNoIndex) return;
    const std::string id(ctx.data->ds.people.id[p]);
    const std::string coach = ctx.user().role == Role::coach ? "" : coach_for(ctx);
    std::vector<FieldError> errors;
    std::map<std::string, std::string> fields;
    fields["activity_code"] = ctx.param("activity_code");
    const std::string day = ctx.param("start_date-day"), mon = ctx.param("start_date-month"), yr = ctx.param("start_date-year");
    const std::string iso = iso_from_parts(day, mon, yr);
    if (day.empty() && mon.empty() && yr.empty()) errors.push_back({"start_date-day", "Enter the start date"});
    else if (iso.empty()) errors.push_back({"start_date-day", "Enter a real date, with a day, month and 4-digit year"});
    else fields["start_date"] = iso;
    const std::string reason = ctx.param("neet_reason");
    if (!reason.empty()) fields["neet_reason"] = reason;
    if (errors.empty() && !fields["activity_code"].empty()) {
      // A NEET reason only goes with a NEET activity.
      const auto idx = fields["activity_code"].size() == 3 && std::all_of(fields["activity_code"].begin(), fields["activity_code"].end(), ::isdigit)
                           ? rules.code_index(std::stoi(fields["activity_code"]))
                           : std::nullopt;
      if (idx && !reason.empty() && rules.category_of(*idx) != Category::kNeet)
        errors.push_back({"neet_reason", "A NEET reason is only for a NEET activity: choose \"Not NEET, or not recorded\""});
    }
    if (errors.empty()) {
      const Date t = today();
      if (fields.count("start_date") && fields["start_date"] <= format_date(t)) fields["verified_date"] = format_date(t);
      // An activity of the same code and start date keeps its end, review date and provider.
      const Dataset& ds = ctx.data->ds;
      for (uint32_t a = ds.activity_begin[p]; a < ds.activity_begin[p + 1]; ++a) {
        if (fmt::format("{:03d}", rules.code(ds.activities.code[a]).code) != fields["activity_code"] ||
            format_date(ds.activities.start[a]) != fields["start_date"])
          continue;
        if (ds.activities.end[a] != kNoDate) fields["end_date"] = format_date(ds.activities.end[a]);
        if (ds.activities.review[a] != kNoDate && ds.activities.review[a] > t) fields["review_date"] = format_date(ds.activities.review[a]);
        if (ds.activities.provider[a] != kNoIndex) fields["provider_id"] = std::string(ds.providers[ds.activities.provider[a]]);
      }
      for (auto e : record_activity(*this, ctx, p, fields)) {
        if (e.field.find("_date") != std::string::npos) e.field = e.field.substr(0, e.field.find("_date") + 5) + "-day";
        if (e.field == "verified_date-day" || e.field == "end_date-day") e.field = "start_date-day";
        errors.push_back(e);
      }
    }
    if (!errors.empty()) {
      ctx.audit("change_rejected", "person", id, "monthly recording: status not valid");
      return person_page(ctx, p, errors, "status", 400);
    }
    ctx.audit("create", "activity", id,
              fmt::format("{} from {}{} (monthly recording)", fields["activity_code"], fields["start_date"],
                          reason.empty() ? "" : ", NEET reason " + reason));
    ctx.redirect(back_to_list(coach, "recorded", id));
  });

  route("POST", R"(/coaching/recording/people/([^/]+)/contact)", Permission::kRecord, false, [this, person_for, person_page](Ctx& ctx) {
    const uint32_t p = person_for(ctx, true);
    if (p == kNoIndex) return;
    const std::string id(ctx.data->ds.people.id[p]);
    const std::string coach = ctx.user().role == Role::coach ? "" : coach_for(ctx);
    std::vector<FieldError> errors;
    const std::string iso = iso_from_parts(ctx.param("contact_date-day"), ctx.param("contact_date-month"), ctx.param("contact_date-year"));
    const auto d = iso.empty() ? std::nullopt : parse_date(iso);
    if (!d) errors.push_back({"contact_date-day", "Enter a real date, with a day, month and 4-digit year"});
    else if (*d > today()) errors.push_back({"contact_date-day", "The date of the contact must be today or in the past"});
    const std::string w = ctx.param("contact_with"), m = ctx.param("contact_mode");
    const auto wi = std::find(kContactWithNames.begin(), kContactWithNames.end(), w);
    const auto mi = std::find(kContactModeNames.begin(), kContactModeNames.end(), m);
    if (wi == kContactWithNames.end()) errors.push_back({"contact_with", "Select who the contact was with"});
    if (mi == kContactModeNames.end()) errors.push_back({"contact_mode", "Select how the contact was made"});
    if (!errors.empty()) {
      ctx.audit("change_rejected", "person", id, "monthly recording: contact not valid");
      return person_page(ctx, p, errors, "contact", 400);
    }
    CoachingRecords one;
    Contact c;
    c.person = p;
    c.date = *d;
    c.with = static_cast<ContactWith>(wi - kContactWithNames.begin());
    c.mode = static_cast<ContactMode>(mi - kContactModeNames.begin() + 1);
    if (ctx.user().role == Role::coach) c.coach_id = ctx.user().coach_id;
    else if (const auto it = ctx.data->coach_of.find(p); it != ctx.data->coach_of.end()) c.coach_id = it->second;
    one.contacts.push_back(c);
    {
      std::lock_guard lock(write_mutex);
      import_coaching(*write_db, one, ctx.data->ds, ctx.user().username);
      reload();
    }
    ctx.audit("create", "coaching_contact", id, "contact " + w + " " + m + " on " + iso + " (monthly recording)");
    ctx.redirect(back_to_list(coach, "contact", id));
  });
}

}  // namespace pathways::web
