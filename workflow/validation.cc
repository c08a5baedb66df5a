#include "workflow/validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/input_text.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/principal.h"

namespace hotline {
namespace {

absl::StatusOr<int64_t> ParseNumericName(absl::string_view name,
                                         absl::string_view prefix,
                                         absl::string_view field) {
  int64_t id = 0;
  if (name.empty()) {
    return InvalidFieldError(
        field, absl::StrCat(field, " is required, e.g. \"", prefix, "42\""));
  }
  if (!absl::StartsWith(name, prefix) ||
      !absl::SimpleAtoi(name.substr(prefix.size()), &id) || id <= 0 ||
      absl::StrCat(prefix, id) != name) {
    return InvalidFieldError(
        field, absl::StrCat(field, " ", QuoteInput(name),
                            " is not a valid name; expected \"", prefix,
                            "{number}\", e.g. \"", prefix, "42\""));
  }
  return id;
}

bool IsBlank(absl::string_view text) {
  return absl::StripAsciiWhitespace(text).empty();
}

}  // namespace

int Utf8Length(absl::string_view text) {
  int count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

absl::Status CheckTime(absl::Time time, absl::string_view field) {
  if (IsValidApiTime(time)) return absl::OkStatus();
  return InvalidFieldError(
      field,
      absl::StrCat(
          field, " ",
          absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone()),
          " is out of range; give a time from 1970-01-01T00:00:00Z through "
          "9999-12-31T23:59:59Z"));
}

absl::Status CheckTimestamp(const google::protobuf::Timestamp& timestamp,
                            absl::string_view field) {
  if (timestamp.nanos() < 0 || timestamp.nanos() > 999999999) {
    return InvalidFieldError(
        absl::StrCat(field, ".nanos"),
        absl::StrCat(field, ".nanos is ", timestamp.nanos(),
                     "; it must be 0 to 999999999"));
  }
  return CheckTime(FromProtoTime(timestamp), field);
}

absl::Status CheckUtf8(absl::string_view value, absl::string_view field) {
  const size_t bad = InvalidUtf8Offset(value);
  if (bad == absl::string_view::npos) return absl::OkStatus();
  return InvalidFieldError(
      field, absl::StrCat(field, " is not UTF-8 text (byte ", bad + 1, " of ",
                          value.size(), "): ", QuoteInput(value)));
}

absl::StatusOr<int64_t> ParseTicketName(absl::string_view name,
                                        absl::string_view field) {
  return ParseNumericName(name, "tickets/", field);
}

absl::StatusOr<int64_t> ParseCardName(absl::string_view name,
                                      absl::string_view field) {
  return ParseNumericName(name, "cards/", field);
}

absl::StatusOr<TicketPartName> ParseTicketPartName(absl::string_view name,
                                                   absl::string_view collection,
                                                   absl::string_view kind,
                                                   absl::string_view field) {
  const std::string part = absl::StrCat("/", collection, "/");
  const size_t at = name.find(part);
  int number = 0;
  if (name.empty() || at == absl::string_view::npos ||
      !ParseTicketName(name.substr(0, at), field).ok() ||
      !absl::SimpleAtoi(name.substr(at + part.size()), &number) ||
      number <= 0 || absl::StrCat(name.substr(0, at), part, number) != name) {
    return InvalidFieldError(
        field,
        absl::StrCat(field, " ", QuoteInput(name), " is not a valid ", kind,
                     " name; expected \"tickets/{id}/", collection,
                     "/{number}\", e.g. \"tickets/42/", collection, "/1\""));
  }
  return TicketPartName{std::string(name.substr(0, at)), number};
}

absl::StatusOr<NoticeName> ParseNoticeName(absl::string_view name,
                                           absl::string_view field) {
  return ParseTicketPartName(name, "notices", "notice", field);
}

absl::Status CheckNoticeLevel(int level, absl::string_view field) {
  if (v1::Notice::Level_IsValid(level)) return absl::OkStatus();
  return InvalidFieldError(
      field, absl::StrCat(field, " ", level,
                          " is not a level; use URGING (催办), SUPERVISION "
                          "(督办), ESCALATED_SUPERVISION (提级督办) or "
                          "CIRCULATED_CRITICISM (通报批评)"));
}

absl::StatusOr<int64_t> ParseTokenName(absl::string_view name,
                                       absl::string_view field) {
  return ParseNumericName(name, "tokens/", field);
}

absl::StatusOr<int64_t> ParseSubscriptionName(absl::string_view name,
                                              absl::string_view field) {
  return ParseNumericName(name, "subscriptions/", field);
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view date,
                                        absl::string_view field) {
  if (date.empty()) {
    return InvalidFieldError(
        field, absl::StrCat(field, " is required, a day like \"2021-02-18\""));
  }
  absl::CivilDay day;
  if (date.size() != 10 || !absl::ParseCivilTime(date, &day)) {
    return InvalidFieldError(
        field, absl::StrCat(field, " ", QuoteInput(date),
                            " must be a day like \"2021-02-18\""));
  }
  return day;
}

absl::StatusOr<DayPeriod> ParseDayPeriod(absl::string_view from_date,
                                         absl::string_view to_date) {
  DayPeriod period;
  ASSIGN_OR_RETURN(period.from, ParseDay(from_date, "from_date"));
  ASSIGN_OR_RETURN(period.to, ParseDay(to_date, "to_date"));
  if (!(period.from < period.to)) {
    return InvalidFieldError("to_date",
                             "to_date must be after from_date (to_date is "
                             "the first day not counted)");
  }
  return period;
}

absl::StatusOr<std::string> ParseDepartmentName(absl::string_view name,
                                                absl::string_view field) {
  constexpr absl::string_view kPrefix = "departments/";
  if (name.empty()) {
    return InvalidFieldError(
        field,
        absl::StrCat(field, " is required, e.g. \"departments/housing\""));
  }
  if (!absl::StartsWith(name, kPrefix) ||
      !IsValidResourceId(name.substr(kPrefix.size()))) {
    return InvalidFieldError(
        field,
        absl::StrCat(
            field, " ", QuoteInput(name),
            " is not a valid name; expected \"departments/{id}\" with an id of "
            "lowercase letters, digits and hyphens, e.g. "
            "\"departments/housing\""));
  }
  return std::string(name.substr(kPrefix.size()));
}

absl::Status CheckOptionalText(absl::string_view value, absl::string_view field,
                               int max_chars) {
  // A NUL is valid UTF-8 but no text a person typed: it cuts strings short
  // in C programs, spreadsheets and databases downstream.
  if (const size_t nul = value.find('\0'); nul != absl::string_view::npos) {
    return InvalidFieldError(
        field,
        absl::StrCat(field, " contains a NUL character (byte ", nul + 1, " of ",
                     value.size(), "): ", QuoteInput(value), "; remove it"));
  }
  const int length = Utf8Length(value);
  if (length > max_chars) {
    return InvalidFieldError(
        field, absl::StrCat(field, " is ", length, " characters long; at most ",
                            max_chars, " are allowed"));
  }
  return absl::OkStatus();
}

absl::Status CheckRequiredLongText(absl::string_view value,
                                   absl::string_view field) {
  if (value.size() > static_cast<size_t>(kMaxContentBytes)) {
    return InvalidFieldError(
        field,
        absl::StrCat(field, " is ", value.size(), " bytes long; at most ",
                     kMaxContentBytes, " are allowed"));
  }
  // Its length is checked in bytes above; the other checks of any text.
  return CheckRequiredText(value, field, 1 << 30);
}

absl::Status CheckEtagSyntax(absl::string_view etag) {
  return CheckOptionalText(etag, "etag", 32);
}

absl::Status CheckRequiredText(absl::string_view value, absl::string_view field,
                               int max_chars) {
  if (IsBlank(value)) {
    return InvalidFieldError(field, absl::StrCat(field, " is required"));
  }
  return CheckOptionalText(value, field, max_chars);
}

absl::Status CheckOutcome(v1::Ticket::Outcome outcome,
                          absl::string_view field) {
  if (!v1::Ticket::Outcome_IsValid(outcome) ||
      outcome == v1::Ticket::OUTCOME_UNSPECIFIED) {
    return InvalidFieldError(
        field, absl::StrCat(field,
                            " must be one of RESOLVED, EXPLAINED, "
                            "NOT_RESOLVABLE, NOT_OUR_REMIT "
                            "(got ",
                            static_cast<int>(outcome), ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckSatisfaction(v1::Ticket::Satisfaction satisfaction,
                               absl::string_view field) {
  if (!v1::Ticket::Satisfaction_IsValid(satisfaction) ||
      satisfaction == v1::Ticket::SATISFACTION_UNSPECIFIED) {
    return InvalidFieldError(
        field, absl::StrCat(field,
                            " must be one of SATISFIED, "
                            "BASICALLY_SATISFIED, DISSATISFIED (got ",
                            static_cast<int>(satisfaction), ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateNewTicket(const v1::Ticket& ticket, absl::Time now) {
  if (!v1::Ticket::Type_IsValid(ticket.type()) ||
      ticket.type() == v1::Ticket::TYPE_UNSPECIFIED) {
    return InvalidFieldError(
        "ticket.type",
        absl::StrCat(
            "ticket.type must be one of INQUIRY, HELP, SUGGESTION, COMPLAINT, "
            "REPORT, OTHER (got ",
            static_cast<int>(ticket.type()), ")"));
  }
  if (!v1::Ticket::Urgency_IsValid(ticket.urgency())) {
    return InvalidFieldError(
        "ticket.urgency",
        absl::StrCat("ticket.urgency must be NORMAL, URGENT or CRITICAL (got ",
                     static_cast<int>(ticket.urgency()), ")"));
  }
  RETURN_IF_ERROR(
      CheckRequiredText(ticket.topic(), "ticket.topic", kMaxTopicChars));
  RETURN_IF_ERROR(
      CheckRequiredText(ticket.title(), "ticket.title", kMaxTitleChars));
  if (IsBlank(ticket.content())) {
    return InvalidFieldError("ticket.content", "ticket.content is required");
  }
  if (ticket.content().size() > static_cast<size_t>(kMaxContentBytes)) {
    return InvalidFieldError(
        "ticket.content",
        absl::StrCat("ticket.content is ", ticket.content().size(),
                     " bytes long; at most ", kMaxContentBytes,
                     " are allowed"));
  }
  // Its length is checked in bytes above; the other checks of any text.
  RETURN_IF_ERROR(
      CheckOptionalText(ticket.content(), "ticket.content", kMaxContentBytes));
  RETURN_IF_ERROR(
      CheckOptionalText(ticket.address(), "ticket.address", kMaxAddressChars));
  RETURN_IF_ERROR(CheckOptionalText(ticket.caller_name(), "ticket.caller_name",
                                    kMaxCallerNameChars));
  RETURN_IF_ERROR(CheckOptionalText(ticket.caller_phone(),
                                    "ticket.caller_phone", kMaxPhoneChars));
  for (char c : ticket.caller_phone()) {
    if (!absl::ascii_isdigit(c) && c != '+' && c != '-' && c != ' ') {
      return InvalidFieldError(
          "ticket.caller_phone",
          "ticket.caller_phone may hold only digits, spaces, '+' and '-'");
    }
  }
  RETURN_IF_ERROR(CheckOptionalText(ticket.source_id(), "ticket.source_id",
                                    kMaxSourceIdChars));
  RETURN_IF_ERROR(CheckOptionalText(ticket.duplicate_of_source_id(),
                                    "ticket.duplicate_of_source_id",
                                    kMaxSourceIdChars));
  if (!ticket.duplicate_of_source_id().empty() &&
      ticket.duplicate_of_source_id() == ticket.source_id()) {
    return InvalidFieldError("ticket.duplicate_of_source_id",
                             "ticket.duplicate_of_source_id names the "
                             "ticket's own source_id; name the ticket it "
                             "repeats");
  }
  if (ticket.has_received_at()) {
    RETURN_IF_ERROR(CheckTimestamp(ticket.received_at(), "ticket.received_at"));
    if (FromProtoTime(ticket.received_at()) > now) {
      return InvalidFieldError(
          "ticket.received_at",
          "ticket.received_at is in the future; give the time the platform "
          "received the call");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<StatPeriod> CheckStatisticsRequest(
    const v1::GetStatisticsRequest& request) {
  ASSIGN_OR_RETURN(StatPeriod period,
                   ParseStatPeriod(request.from_date(), request.to_date()));
  const int filters = (request.department().empty() ? 0 : 1) +
                      (request.type() == v1::Ticket::TYPE_UNSPECIFIED ? 0 : 1) +
                      (request.topic().empty() ? 0 : 1);
  if (filters > 1) {
    return InvalidFieldError("department",
                             "give at most one of department, type and topic");
  }
  if (!v1::Ticket::Type_IsValid(request.type())) {
    return InvalidFieldError(
        "type", absl::StrCat("type ", request.type(), " is not a ticket type"));
  }
  if (request.topic().size() > kMaxStatisticsTopicBytes) {
    return InvalidFieldError(
        "topic", absl::StrCat("topic is ", request.topic().size(),
                              " bytes; at most ", kMaxStatisticsTopicBytes));
  }
  if (request.top_topics() < 0 || request.top_topics() > kMaxTopTopics) {
    return InvalidFieldError(
        "top_topics", absl::StrCat("top_topics must be between 0 (default ",
                                   kDefaultTopTopics, ") and ", kMaxTopTopics));
  }
  if (request.has_as_of()) {
    RETURN_IF_ERROR(CheckTimestamp(request.as_of(), "as_of"));
  }
  if (!request.department().empty()) {
    RETURN_IF_ERROR(
        ParseDepartmentName(request.department(), "department").status());
  }
  return period;
}

absl::Status CheckAssistingDepartments(
    const google::protobuf::RepeatedPtrField<std::string>& departments,
    absl::string_view lead) {
  constexpr absl::string_view kField = "assisting_departments";
  if (departments.size() > kMaxAssisting) {
    return InvalidFieldError(kField,
                             absl::StrCat("at most ", kMaxAssisting,
                                          " assisting departments (协办), not ",
                                          departments.size()));
  }
  for (int i = 0; i < departments.size(); ++i) {
    const std::string& name = departments[i];
    RETURN_IF_ERROR(ParseDepartmentName(name, kField).status());
    if (name == lead) {
      return WithReason(
          absl::InvalidArgumentError(absl::StrCat(
              name,
              " is the lead department (主办); an assisting department "
              "(协办) must be another one")),
          v1::ASSIST_IS_LEAD, {{"department", name}});
    }
    for (int j = 0; j < i; ++j) {
      if (departments[j] == name) {
        return InvalidFieldError(kField, absl::StrCat(name, " is named twice"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckCallbackAttempt(int channel, int result) {
  if (!v1::CallbackAttempt::Channel_IsValid(channel) ||
      channel == v1::CallbackAttempt::CHANNEL_UNSPECIFIED) {
    return InvalidFieldError(
        "channel",
        "channel is required: PHONE (电话), SMS (短信) or ONLINE (网络)");
  }
  if (!v1::CallbackAttempt::Result_IsValid(result) ||
      result == v1::CallbackAttempt::RESULT_UNSPECIFIED) {
    return InvalidFieldError("result",
                             "result is required: REACHED (已联系上), "
                             "UNREACHABLE (无法联系) or REFUSED (拒绝回访)");
  }
  return absl::OkStatus();
}

absl::Status CheckDissatisfactionReasons(
    const google::protobuf::RepeatedField<int>& reasons,
    v1::Ticket::Satisfaction satisfaction) {
  constexpr absl::string_view kField = "dissatisfaction_reasons";
  if (reasons.empty()) return absl::OkStatus();
  if (satisfaction != v1::Ticket::DISSATISFIED) {
    return InvalidFieldError(
        kField, "dissatisfaction_reasons go with a DISSATISFIED rating only");
  }
  for (int i = 0; i < reasons.size(); ++i) {
    if (!v1::DissatisfactionReason_IsValid(reasons[i]) ||
        reasons[i] == v1::DISSATISFACTION_REASON_UNSPECIFIED) {
      return InvalidFieldError(
          kField, absl::StrCat(reasons[i],
                               " is not a dissatisfaction reason; use "
                               "PROBLEM_UNSOLVED, POOR_ATTITUDE, TOO_SLOW, "
                               "NOT_CONTACTED or OTHER_DISSATISFACTION"));
    }
    for (int j = 0; j < i; ++j) {
      if (reasons[j] == reasons[i]) {
        return InvalidFieldError(
            kField, absl::StrCat(
                        v1::DissatisfactionReason_Name(
                            static_cast<v1::DissatisfactionReason>(reasons[i])),
                        " is given twice"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSendBackReasons(
    const google::protobuf::RepeatedField<int>& reasons) {
  constexpr absl::string_view kField = "reasons";
  if (reasons.empty()) {
    return InvalidFieldError(
        kField,
        "give at least one reason for sending the reply back (退回重办): "
        "NONSTANDARD_REPLY, DEMAND_UNRESOLVED, CALLER_NOT_CONTACTED, "
        "INSUFFICIENT_EVIDENCE or OTHER_SEND_BACK_REASON");
  }
  for (int i = 0; i < reasons.size(); ++i) {
    if (!v1::SendBackReason_IsValid(reasons[i]) ||
        reasons[i] == v1::SEND_BACK_REASON_UNSPECIFIED) {
      return InvalidFieldError(
          kField, absl::StrCat(reasons[i], " is not a send-back reason"));
    }
    for (int j = 0; j < i; ++j) {
      if (reasons[j] == reasons[i]) {
        return InvalidFieldError(
            kField,
            absl::StrCat(v1::SendBackReason_Name(
                             static_cast<v1::SendBackReason>(reasons[i])),
                         " is given twice"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace hotline
