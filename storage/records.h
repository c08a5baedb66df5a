// The plain types a Store (store.h) takes and gives besides the proto
// messages: what a query asks for, and rows that are not messages. No
// database type appears here.
//
// Plain structs; not synchronised.
#ifndef HOTLINE_STORAGE_RECORDS_H_
#define HOTLINE_STORAGE_RECORDS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "workflow/stat_facts.h"

namespace hotline::storage {

// The number after `prefix` in a resource name ("tokens/7", "tokens/" ->
// 7); 0 when malformed.
int64_t NumberOfName(absl::string_view name, absl::string_view prefix);
// The numeric id in "tickets/{id}" of a stored ticket.
int64_t TicketId(const v1::Ticket& ticket);
// The numeric id in a ticket name "tickets/{id}"; 0 when malformed.
int64_t TicketIdOfName(absl::string_view name);
// The numeric id in "cards/{n}".
int64_t CardId(const v1::Card& card);

// ---- Queries. Every list comes in id (or seq) order after a cursor.

// Which tickets a list returns: every set field must match. Results come in
// id (creation) order, after `after_id`, at most `limit`.
struct TicketQuery {
  std::optional<v1::Ticket::State> state;
  std::optional<std::string> department;  // "departments/{id}"
  std::optional<v1::Ticket::Type> type;
  std::optional<std::string> topic;
  // A category code (digits only): tickets of it and of every code under
  // it.
  std::optional<std::string> category;
  std::optional<v1::Ticket::Urgency> urgency;
  std::optional<std::string> source_id;
  std::optional<std::string> created_by;  // a principal, "intake/{id}"
  // Tickets this department assists (协办: an active part).
  std::optional<std::string> assisting_department;
  // Inclusive bounds on received_at, in UTC microseconds.
  std::optional<int64_t> received_from_micros;
  std::optional<int64_t> received_until_micros;
  int64_t after_id = 0;
  int limit = 50;
};

// Which cards a list returns; results in id order after `after_id`.
struct CardQuery {
  std::optional<std::string> department;  // "departments/{id}"
  std::optional<int64_t> ticket_id;
  std::optional<v1::Card::Color> color;
  // Issued in [issued_from_micros, issued_to_micros).
  std::optional<int64_t> issued_from_micros;
  std::optional<int64_t> issued_to_micros;
  // true: only active; false: only revoked; unset: both.
  std::optional<bool> active;
  int64_t after_id = 0;
  int limit = 50;
};

// Which urging notices (催办通知) a list returns; results in (ticket,
// number) order after (after_ticket_id, after_number).
struct NoticeQuery {
  std::optional<std::string> department;  // "departments/{id}"
  std::optional<int64_t> ticket_id;
  std::optional<v1::Notice::Level> level;
  // Any of these states; all when empty.
  std::vector<v1::Notice::State> states;
  // Answer due in [due_from_micros, due_to_micros).
  std::optional<int64_t> due_from_micros;
  std::optional<int64_t> due_to_micros;
  int64_t after_ticket_id = 0;
  int after_number = 0;
  int limit = 50;
};

// Which daily reports a list returns, in id order after `after_id`.
struct DailyReportQuery {
  std::optional<std::string> department;
  std::optional<int64_t> ticket_id;
  std::optional<std::string> from_date;  // inclusive, "YYYY-MM-DD"
  std::optional<std::string> to_date;    // inclusive
  int64_t after_id = 0;
  int limit = 50;
};

// Which events the change feed returns, in seq order after `after_seq`.
struct EventFeedQuery {
  int64_t after_seq = 0;
  // Events of tickets this department holds or held at the event
  // (department or previous_department), or assists (协办) at the event
  // (assisting_departments or assist_department).
  std::optional<std::string> department;
  std::optional<int64_t> ticket_id;
  // Events of tickets created by this principal.
  std::optional<std::string> created_by;
  int limit = 100;
};

// ---- Rows.

// A token as authentication needs it.
struct TokenRecord {
  int64_t id = 0;
  std::string principal;
  bool revoked = false;
};

// A department's daily-report compliance over a range of days.
struct ComplianceCounts {
  int owed = 0;
  int given = 0;
  // (ticket id, date) of each miss, by date then ticket.
  std::vector<std::pair<int64_t, std::string>> misses;
};

// How long a request_id is remembered: far longer than any client retries.
inline constexpr absl::Duration kRequestOutcomeRetention = absl::Hours(24 * 7);

// The first outcome of a retryable request (AIP-155): `fingerprint` hashes
// the request's content, `response` is the serialized answer as first
// given.
struct RequestOutcome {
  std::string method;
  std::string fingerprint;
  std::string response;
};

// Seqs first..last (inclusive) named events of a history lost in a restore
// from a backup taken at seq first - 1 (restored_history.h).
struct SeqVoid {
  int64_t first = 0;
  int64_t last = 0;
};

// One backup file written.
struct BackupFile {
  std::string path;
  int64_t size_bytes = 0;
  // The last event in the copy (0 when it has none): a feed consumer that
  // restores this backup resumes after it.
  int64_t last_seq = 0;
  // The instant in its name.
  absl::Time create_time;
};

struct CardCounts {
  // Every card ever issued of the color, revoked ones included.
  int64_t issued = 0;
  // Of those, the ones revoked since.
  int64_t revoked = 0;
};

// What an operator's dashboard plots about the data.
struct OperationalCounts {
  // Tickets in each state (states without tickets are absent).
  std::map<v1::Ticket::State, int64_t> tickets_by_state;
  // Tickets not replied whose reply deadline the sweeper has found passed
  // (the statistics' "pending and overdue", over all days).
  int64_t tickets_overdue = 0;
  // Cards by color (colors without cards are absent).
  std::map<v1::Card::Color, CardCounts> cards_by_color;
  // The newest event's seq (0 without events).
  int64_t latest_seq = 0;
  // The earliest pending deadline of any ticket (UTC microseconds), if any.
  std::optional<int64_t> earliest_due_micros;
};

// Settings kept with the data: the rehearsal clock's instant (UTC
// microseconds) and the last date of the calendar deadlines were computed
// with (YYYY-MM-DD).
inline constexpr char kRehearsalClockSetting[] = "rehearsal_clock";
inline constexpr char kCalendarCoverageSetting[] = "calendar_covered_through";
// The dispatch catalogue (派单目录): the current version's number, each
// version as protobuf JSON under the prefix and its number
// ("dispatch_catalogue/3"), and the versions' summaries;
// app/dispatch_catalogue_versions.h.
inline constexpr char kDispatchCatalogueVersionSetting[] =
    "dispatch_catalogue_version";
inline constexpr char kDispatchCatalogueSettingPrefix[] = "dispatch_catalogue/";
// Every version's summary (a DispatchCatalogue with only its history).
inline constexpr char kDispatchCatalogueHistorySetting[] =
    "dispatch_catalogue_history";

// ---- Statistics sums.

// One way of cutting the figures: the rows a contribution is counted in.
enum StatKind {
  kStatAll = 0,     // a = "", b = ""
  kStatDepartment,  // a = department
  kStatType,        // a = type
  kStatTopic,       // a = topic
  kStatDeptTopic,   // a = department, b = topic
  kStatTypeDept,    // a = type, b = department
  kStatTypeTopic,   // a = type, b = topic
  kStatTopicDept,   // a = topic, b = department
  kStatKindCount,
};

// One sum of counters over [from_day, to_day) of `kind`, optionally for one
// value of `a`, grouped by `group`.
struct StatSumQuery {
  enum Group { kByDay, kByA, kByB };
  StatKind kind = kStatAll;
  std::optional<std::string> a;
  Group group = kByDay;
  int64_t from_day = 0;
  int64_t to_day = 0;
  // When set: the counters as of this instant (changes at or after it are
  // left out) instead of as of now. `as_of_day` is its day number and
  // `as_of_day_start` / `as_of_next_day_start` that day's bounds.
  std::optional<absl::Time> as_of;
  int64_t as_of_day = 0;
  absl::Time as_of_day_start;
  absl::Time as_of_next_day_start;
};

// Group key (the day number in decimal for kByDay) -> summed counters.
using StatSums = std::map<std::string, StatVector>;

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_RECORDS_H_
