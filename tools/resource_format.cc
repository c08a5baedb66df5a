#include "tools/resource_format.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tools/cli_command.h"
#include "tools/cli_format.h"

namespace hotline::cli {
namespace {

std::string Cards(const v1::Ticket& ticket) {
  std::string cards;
  if (ticket.yellow_cards() > 0)
    absl::StrAppend(&cards, ticket.yellow_cards(), "Y");
  if (ticket.red_cards() > 0) absl::StrAppend(&cards, ticket.red_cards(), "R");
  return cards;
}

// The tickets merged into a main ticket (并单), with their callers.
std::string MergedTickets(const v1::Ticket& ticket) {
  std::vector<std::string> merged;
  for (const v1::MergedTicket& m : ticket.merged()) {
    std::vector<std::string> caller;
    for (const std::string& part : {m.caller_name(), m.caller_phone()}) {
      if (!part.empty()) caller.push_back(part);
    }
    merged.push_back(
        caller.empty()
            ? m.ticket()
            : absl::StrCat(m.ticket(), " (", absl::StrJoin(caller, " "), ")"));
  }
  return absl::StrJoin(merged, ", ");
}

// The assisting departments (协办), each with where its part stands.
std::string Assists(const v1::Ticket& ticket) {
  std::vector<std::string> parts;
  for (const v1::Assist& a : ticket.assists()) {
    std::string part = absl::StrCat(ShortDepartment(a.department()), " ",
                                    v1::Assist::State_Name(a.state()));
    if (a.state() == v1::Assist::DISPATCHED ||
        a.state() == v1::Assist::ACKNOWLEDGED) {
      absl::StrAppend(&part, ", opinion due ", FormatTime(a.opinion_due_at()));
    }
    if (!a.opinion().empty()) absl::StrAppend(&part, ": ", a.opinion());
    if (!a.end_reason().empty()) absl::StrAppend(&part, ": ", a.end_reason());
    parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, "; ");
}

// The urging notices (催办通知), one per line below the key.
std::string Notices(const v1::Ticket& ticket) {
  std::vector<std::string> lines;
  for (const v1::Notice& n : ticket.notices()) {
    std::string line =
        absl::StrCat("#", n.number(), " ", v1::Notice::Level_Name(n.level()),
                     " ", v1::Notice::State_Name(n.state()), ", ",
                     ShortDepartment(n.department()), ", answer due ",
                     FormatDeadline(n.answer_due_at()));
    if (n.overdue()) absl::StrAppend(&line, " (overdue)");
    if (!n.answer().empty()) absl::StrAppend(&line, ": ", n.answer());
    if (!n.end_reason().empty()) absl::StrAppend(&line, ": ", n.end_reason());
    lines.push_back(std::move(line));
  }
  return absl::StrJoin(lines, "; ");
}

// The callback's attempts (回访), in order.
std::string Callback(const v1::Ticket& ticket) {
  std::vector<std::string> attempts;
  for (const v1::CallbackAttempt& a : ticket.callback_attempts()) {
    attempts.push_back(
        absl::StrCat(FormatTime(a.attempt_time()), " ",
                     v1::CallbackAttempt::Channel_Name(a.channel()), " ",
                     v1::CallbackAttempt::Result_Name(a.result()),
                     a.note().empty() ? "" : ": ", a.note()));
  }
  return absl::StrJoin(attempts, "; ");
}

// The tickets linked to this one (关联).
std::string Links(const v1::Ticket& ticket) {
  std::vector<std::string> links;
  for (const v1::TicketLink& link : ticket.links()) {
    links.push_back(absl::StrCat(link.ticket(), " (", link.reason(), ")"));
  }
  return absl::StrJoin(links, ", ");
}

std::string Flags(const v1::Ticket& ticket) {
  std::vector<std::string> flags;
  if (ticket.due_soon()) flags.push_back("due soon (预警)");
  if (ticket.ack_overdue()) flags.push_back("sign-for overdue");
  if (ticket.reply_overdue()) flags.push_back("reply overdue");
  if (ticket.long_overdue()) flags.push_back("long overdue");
  return absl::StrJoin(flags, ", ");
}

}  // namespace

std::string Truncate(const std::string& text, int max_width) {
  if (DisplayWidth(text) <= max_width) return text;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t next = i + 1;
    while (next < text.size() && (text[next] & 0xC0) == 0x80) ++next;
    std::string candidate = out + text.substr(i, next - i);
    if (DisplayWidth(candidate) > max_width - 1) break;
    out = candidate;
    i = next;
  }
  return out + "…";
}

std::string CardTable(
    const google::protobuf::RepeatedPtrField<v1::Card>& cards) {
  Table table({"CARD", "COLOR", "TICKET", "DEPARTMENT", "ISSUED", "ISSUER",
               "REVOKED", "REASON"});
  for (const v1::Card& c : cards) {
    table.AddRow({c.name(), v1::Card::Color_Name(c.color()), c.ticket(),
                  ShortDepartment(c.department()), FormatTime(c.issue_time()),
                  c.issuer(), FormatTime(c.revoke_time()),
                  Truncate(c.reason(), 40)});
  }
  return table.Render();
}

std::string CardDetails(const v1::Card& c) {
  return KeyValues({{"card", c.name()},
                    {"color", v1::Card::Color_Name(c.color())},
                    {"ticket", c.ticket()},
                    {"department", c.department()},
                    {"issued", FormatTime(c.issue_time())},
                    {"issuer", c.issuer()},
                    {"reason", c.reason()},
                    {"revoked", FormatTime(c.revoke_time())},
                    {"revoked by", c.revoked_by()},
                    {"revoke reason", c.revoke_reason()}});
}

// Parses "36h", "90m", "2d" (days of 24 hours) or any absl duration.

std::string PolicyDetails(const v1::Policy& p) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"version", p.version()},
      {"effective from", FormatTime(p.effective_from())},
      {"time zone", p.time_zone()},
      {"calendar covers through", p.calendar_covered_through()},
      {"WARNING", p.calendar_warning()},
      {"sign-for", absl::StrCat(p.ack_working_days(), " working day(s)")}};
  for (const char* type :
       {"INQUIRY", "HELP", "SUGGESTION", "COMPLAINT", "REPORT", "OTHER"}) {
    auto it = p.reply_working_days().find(type);
    if (it == p.reply_working_days().end()) continue;
    rows.push_back({absl::StrCat("reply, ", type),
                    absl::StrCat(it->second, " working days")});
  }
  rows.push_back(
      {"urgent", absl::StrCat(p.urgent_reply_clock_hours(), " h reply, ",
                              p.urgent_ack_clock_minutes(), " min sign-for")});
  rows.push_back(
      {"critical",
       absl::StrCat(p.critical_reply_clock_hours(), " h reply, ",
                    p.critical_ack_clock_minutes(), " min sign-for")});
  rows.push_back({"return window", absl::StrCat(p.return_window_working_days(),
                                                " working day(s)")});
  rows.push_back(
      {"extensions",
       absl::StrCat("at most ", p.extension_max_count(), ", each at most ",
                    p.extension_max_working_days(), " working days")});
  rows.push_back({"warning", absl::StrCat(p.warning_working_days(),
                                          " working day(s) before; clock "
                                          "limits at ",
                                          p.clock_warning_percent(), "%")});
  rows.push_back({"red card", absl::StrCat(p.red_card_working_days(),
                                           " working days after the reply "
                                           "deadline")});
  return KeyValues(rows);
}

std::string TicketTable(
    const google::protobuf::RepeatedPtrField<v1::Ticket>& tickets) {
  Table table({"TICKET", "STATE", "DEPARTMENT", "TYPE", "TOPIC", "URGENCY",
               "RECEIVED", "REPLY DUE", "CARDS", "TITLE"});
  for (const v1::Ticket& t : tickets) {
    table.AddRow({t.name(), v1::Ticket::State_Name(t.state()),
                  ShortDepartment(t.department()),
                  v1::Ticket::Type_Name(t.type()), t.topic(),
                  v1::Ticket::Urgency_Name(t.urgency()),
                  FormatTime(t.received_at()), FormatDeadline(t.reply_due_at()),
                  Cards(t), Truncate(t.title(), 30)});
  }
  return table.Render();
}

namespace {

// The latest dispatch against the dispatch catalogue (派单目录): "suggested
// housing (v2), followed"; "" without a record.
std::string LatestDispatchText(const v1::Ticket& t) {
  if (t.dispatches().empty()) return "";
  const v1::DispatchRecord& last = *t.dispatches().rbegin();
  if (!last.suggestion().has_rule()) {
    return absl::StrCat("no suggestion (v",
                        last.suggestion().catalogue_version(), ")");
  }
  return absl::StrCat("suggested ",
                      ShortDepartment(last.suggestion().rule().department()),
                      " (v", last.suggestion().catalogue_version(), "), ",
                      last.followed() ? "followed" : "not followed",
                      last.returned() ? ", returned" : "");
}

}  // namespace

std::string TicketDetails(const v1::Ticket& t) {
  return KeyValues({
      {"ticket", t.name()},
      {"source_id", t.source_id()},
      {"state", v1::Ticket::State_Name(t.state())},
      {"department", t.department()},
      {"type", v1::Ticket::Type_Name(t.type())},
      {"topic", t.topic()},
      {"category", t.category()},
      {"catalogue", LatestDispatchText(t)},
      {"urgency", v1::Ticket::Urgency_Name(t.urgency())},
      {"title", t.title()},
      {"content", t.content()},
      {"address", t.address()},
      {"caller", t.caller_name()},
      {"phone", t.caller_phone()},
      {"confidential", t.confidential() ? "yes" : ""},
      {"created_by", t.created_by()},
      {"received", FormatTime(t.received_at())},
      {"dispatched", FormatTime(t.dispatched_at())},
      {"acknowledged", FormatTime(t.acknowledged_at())},
      {"sign-for due", FormatDeadline(t.ack_due_at())},
      {"return until", FormatDeadline(t.return_due_at())},
      {"warning at", FormatTime(t.warning_at())},
      {"reply due", FormatDeadline(t.reply_due_at())},
      {"red card at", FormatDeadline(t.red_card_due_at())},
      {"policy", t.policy_version()},
      {"PROVISIONAL",
       t.deadlines_provisional_after().empty()
           ? ""
           : absl::StrCat("deadlines after ", t.deadlines_provisional_after(),
                          " assume weekends alone: the calendar ends there "
                          "(they are computed again when a newer calendar "
                          "is loaded)")},
      {"flags", Flags(t)},
      {"extension asked",
       t.has_pending_extension()
           ? absl::StrCat(t.pending_extension().working_days(),
                          " working days: ", t.pending_extension().reason())
           : ""},
      {"returned",
       t.has_pending_return()
           ? absl::StrCat(
                 "by ", ShortDepartment(t.pending_return().department()),
                 ", for the bureau to review: ", t.pending_return().reason())
           : ""},
      {"suspension asked",
       t.has_pending_suspension()
           ? absl::StrCat("until ",
                          FormatTime(t.pending_suspension().expected_end()),
                          ": ", t.pending_suspension().reason())
           : ""},
      {"suspended",
       t.has_suspension()
           ? absl::StrCat(FormatTime(t.suspension().start_time()), " until ",
                          FormatTime(t.suspension().expected_end()), ": ",
                          t.suspension().reason())
           : ""},
      {"final answer",
       t.has_final_answer()
           ? absl::StrCat(v1::FinalAnswer::State_Name(t.final_answer().state()),
                          ": ", t.final_answer().answer(),
                          " (basis: ", t.final_answer().basis(), ")")
           : ""},
      {"closed by final answer of", t.closed_by_final_answer()},
      {"merged into",
       t.merged_into().empty()
           ? ""
           : absl::StrCat(t.merged_into(), " (", t.merge().reason(), ")")},
      {"duplicates", MergedTickets(t)},
      {"linked to", Links(t)},
      {"assisting (协办)", Assists(t)},
      {"notices (催办)", Notices(t)},
      {"replied", FormatTime(t.replied_at())},
      {"outcome", t.outcome() ? v1::Ticket::Outcome_Name(t.outcome()) : ""},
      {"reply", t.reply_text()},
      {"replied without opinions", t.missing_opinions_reason()},
      {"reply review",
       t.reply_review().state() == v1::ReplyReview::STATE_UNSPECIFIED
           ? ""
           : v1::ReplyReview::State_Name(t.reply_review().state())},
      {"sent back",
       t.send_back_count() == 0
           ? ""
           : absl::StrCat(t.send_back_count(), "x, last: ",
                          absl::StrJoin(t.last_send_back().reasons(), ", ",
                                        [](std::string* out, int reason) {
                                          out->append(v1::SendBackReason_Name(
                                              static_cast<v1::SendBackReason>(
                                                  reason)));
                                        }),
                          t.last_send_back().note().empty() ? "" : ": ",
                          t.last_send_back().note())},
      {"callback (回访)", Callback(t)},
      {"closed", FormatTime(t.closed_at())},
      {"satisfaction",
       t.satisfaction()
           ? absl::StrCat(
                 v1::Ticket::Satisfaction_Name(t.satisfaction()),
                 t.dissatisfaction_reasons_size() == 0 ? "" : ": ",
                 absl::StrJoin(t.dissatisfaction_reasons(), ", ",
                               [](std::string* out, int reason) {
                                 out->append(v1::DissatisfactionReason_Name(
                                     static_cast<v1::DissatisfactionReason>(
                                         reason)));
                               }))
           : (t.closed_unreachable() ? "none: the caller was not reached"
                                     : "")},
      {"appeal (申诉)",
       t.rating_appeal().state() == v1::RatingAppeal::STATE_UNSPECIFIED
           ? ""
           : absl::StrCat(
                 v1::RatingAppeal::State_Name(t.rating_appeal().state()), ": ",
                 t.rating_appeal().grounds(),
                 t.rating_appeal().decision_note().empty() ? "" : " / ",
                 t.rating_appeal().decision_note())},
      {"cards", Cards(t)},
      {"etag", t.etag()},
  });
}

}  // namespace hotline::cli
