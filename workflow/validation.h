// Field checks shared by every request: resource names, text limits and enum
// values. Each failure is INVALID_ARGUMENT with a message that names the field
// and says what would be accepted, e.g.
//   "ticket.title is 250 characters long; at most 200 are allowed".
//
// Stateless and thread-safe.
#ifndef HOTLINE_WORKFLOW_VALIDATION_H_
#define HOTLINE_WORKFLOW_VALIDATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "hotline/v1/hotline_service.pb.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/statistics.h"

namespace hotline {

// Limits, in Unicode characters unless the name says bytes.
inline constexpr int kMaxTitleChars = 200;
inline constexpr int kMaxTopicChars = 50;
inline constexpr int kMaxAddressChars = 500;
inline constexpr int kMaxCallerNameChars = 100;
inline constexpr int kMaxPhoneChars = 32;
inline constexpr int kMaxSourceIdChars = 64;
inline constexpr int kMaxRequestIdChars = 64;
inline constexpr int kMaxReasonChars = 2000;
inline constexpr int kMaxDisplayNameChars = 100;
inline constexpr int kMaxContentBytes = 20000;

// The longest ListTickets filter, in bytes.
inline constexpr int kMaxFilterBytes = 4000;

// The number of Unicode code points in valid UTF-8 text.
int Utf8Length(absl::string_view text);

// Every time a request carries (a ticket's received_at, a filter's
// received_at, ListCards' issued_from / issued_to, GetStatistics' as_of,
// AdvanceClock's to) must lie from 1970-01-01T00:00:00Z through
// 9999-12-31T23:59:59Z (kMinApiTime, kMaxApiTime in common/proto_time.h).
// INVALID_ARGUMENT naming `field` and the accepted range otherwise.
absl::Status CheckTime(absl::Time time, absl::string_view field);
// The same for a Timestamp, whose nanos must also be 0 to 999,999,999.
absl::Status CheckTimestamp(const google::protobuf::Timestamp& timestamp,
                            absl::string_view field);

// Text that must be well-formed UTF-8 (request strings are, once protobuf
// has parsed them; this is for text from elsewhere).
absl::Status CheckUtf8(absl::string_view value, absl::string_view field);

// "tickets/{id}" -> id (a positive integer). `field` names the request field
// in the error message.
absl::StatusOr<int64_t> ParseTicketName(absl::string_view name,
                                        absl::string_view field);
// A calendar day "YYYY-MM-DD" given in `field`. INVALID_ARGUMENT naming the
// field when it is empty or not a real day.
absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view date,
                                        absl::string_view field);
// A period of days [from_date, to_date) (to_date is the first day not
// counted), each as ParseDay reads it; INVALID_ARGUMENT naming to_date
// when it is not after from_date.
struct DayPeriod {
  absl::CivilDay from;
  absl::CivilDay to;
};
absl::StatusOr<DayPeriod> ParseDayPeriod(absl::string_view from_date,
                                         absl::string_view to_date);
// "departments/{id}" -> id.
absl::StatusOr<std::string> ParseDepartmentName(absl::string_view name,
                                                absl::string_view field);
// "cards/{id}" -> id (a positive integer).
absl::StatusOr<int64_t> ParseCardName(absl::string_view name,
                                      absl::string_view field);
// "tickets/{id}/{collection}/{number}" (a ticket's notice, attachment) ->
// the ticket's name and the number (positive integers); INVALID_ARGUMENT
// naming `field` and saying what a `kind` name looks like otherwise.
struct TicketPartName {
  std::string ticket;
  int number = 0;
};
absl::StatusOr<TicketPartName> ParseTicketPartName(absl::string_view name,
                                                   absl::string_view collection,
                                                   absl::string_view kind,
                                                   absl::string_view field);
// "tickets/{id}/notices/{number}".
using NoticeName = TicketPartName;
absl::StatusOr<NoticeName> ParseNoticeName(absl::string_view name,
                                           absl::string_view field);
// A notice level (Notice.Level): unspecified (the default) or a known one.
absl::Status CheckNoticeLevel(int level, absl::string_view field);
// "tokens/{id}" -> id (a positive integer).
absl::StatusOr<int64_t> ParseTokenName(absl::string_view name,
                                       absl::string_view field);
// "subscriptions/{n}" -> n (a positive integer).
absl::StatusOr<int64_t> ParseSubscriptionName(absl::string_view name,
                                              absl::string_view field);

// A required text of at most `max_chars` characters, not blank, without a
// NUL character.
absl::Status CheckRequiredText(absl::string_view value, absl::string_view field,
                               int max_chars);
// An optional text of at most `max_chars` characters, without a NUL
// character.
absl::Status CheckOptionalText(absl::string_view value, absl::string_view field,
                               int max_chars);
// A required long text (a reply, a final answer) of at most
// kMaxContentBytes bytes, not blank, without a NUL character.
absl::Status CheckRequiredLongText(absl::string_view value,
                                   absl::string_view field);
// A request's assisting departments (协办): at most kMaxAssisting, each
// "departments/{id}", distinct, none the lead `lead` (ASSIST_IS_LEAD).
inline constexpr int kMaxAssisting = 20;
absl::Status CheckAssistingDepartments(
    const google::protobuf::RepeatedPtrField<std::string>& departments,
    absl::string_view lead);
// SendBackReply's reasons (退回重办): at least one, each a known
// SendBackReason other than unspecified, none twice.
absl::Status CheckSendBackReasons(
    const google::protobuf::RepeatedField<int>& reasons);
// A callback attempt's channel and result (回访): each a known value other
// than unspecified.
absl::Status CheckCallbackAttempt(int channel, int result);
// CloseTicket's dissatisfaction reasons: only with a DISSATISFIED rating,
// each a known DissatisfactionReason other than unspecified, none twice.
absl::Status CheckDissatisfactionReasons(
    const google::protobuf::RepeatedField<int>& reasons,
    v1::Ticket::Satisfaction satisfaction);
// An optional etag as a step request carries it: at most 32 characters.
absl::Status CheckEtagSyntax(absl::string_view etag);

// The caller-settable fields of a ticket to create: type, topic, title,
// content required; everything within its limit; known enum values;
// received_at, when set, a valid time not after `now`.
absl::Status ValidateNewTicket(const v1::Ticket& ticket, absl::Time now);

// An enum value that is known and not *_UNSPECIFIED.
absl::Status CheckOutcome(v1::Ticket::Outcome outcome, absl::string_view field);
absl::Status CheckSatisfaction(v1::Ticket::Satisfaction satisfaction,
                               absl::string_view field);

// GetStatistics' limits: the topics ranked (top_topics 0 means the
// default), and the longest topic to cut by, in bytes.
inline constexpr int kDefaultTopTopics = 5;
inline constexpr int kMaxTopTopics = 100;
inline constexpr size_t kMaxStatisticsTopicBytes = 200;

// A GetStatistics request's fields, in this order: the period
// (ParseStatPeriod), at most one of department, type and topic, a known
// type, the topic's length, top_topics within 0..kMaxTopTopics, as_of a
// valid time, the department's name. Who may cut how is ScopeFor's
// (scope.h). The period asked for, or INVALID_ARGUMENT naming the field.
absl::StatusOr<StatPeriod> CheckStatisticsRequest(
    const v1::GetStatisticsRequest& request);

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_VALIDATION_H_
