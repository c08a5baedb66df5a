// The SQL of the store, as functions over one Connection. Reads run on a
// pooled read connection or inside a write unit; writes only inside a write
// unit on the writer's connection (see writer.h). Every query here is served
// by an index of the schema (schema.cc); none scans a whole table.
//
// Not thread-safe beyond the Connection's own rule: one thread at a time.
#ifndef HOTLINE_STORAGE_SQL_QUERIES_H_
#define HOTLINE_STORAGE_SQL_QUERIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/change_set.h"
#include "storage/records.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

absl::StatusOr<std::optional<v1::Ticket>> LoadTicket(Connection& db,
                                                     int64_t id);
absl::StatusOr<std::optional<v1::Ticket>> LoadTicketBySourceId(
    Connection& db, const std::string& source_id);
// The ticket an earlier create with this (principal, request_id) made.
absl::StatusOr<std::optional<int64_t>> FindCreateRequest(
    Connection& db, const std::string& principal,
    const std::string& request_id);
absl::StatusOr<std::vector<v1::Ticket>> QueryTickets(Connection& db,
                                                     const TicketQuery& query);
// The SELECT that QueryTickets runs on `db`'s engine for this combination of
// fields, and the binding of its parameters: `after_id` in place of
// query.after_id (a received_at span raises it), `last_id` the span's last
// id (set only with query.received_until_micros). Exposed so tests can check
// the query's plan.
std::string TicketQuerySql(const Connection& db, const TicketQuery& query);
void BindTicketQuery(const TicketQuery& query, int64_t after_id,
                     std::optional<int64_t> last_id, Statement& stmt);
// Events of one ticket with seq > after_seq, oldest first, at most `limit`.
absl::StatusOr<std::vector<v1::Event>> QueryTicketEvents(Connection& db,
                                                         int64_t ticket_id,
                                                         int64_t after_seq,
                                                         int limit);

absl::StatusOr<std::optional<v1::Department>> LoadDepartment(
    Connection& db, const std::string& id);
// Departments with id > after_id in id order, at most `limit`.
absl::StatusOr<std::vector<v1::Department>> QueryDepartments(
    Connection& db, const std::string& after_id, int limit);

absl::StatusOr<std::optional<TokenRecord>> LoadTokenBySecretHash(
    Connection& db, const std::string& secret_hash);
// The binding of a client certificate identity: the one not revoked if
// there is one, else the latest revoked one; nullopt when none was made.
absl::StatusOr<std::optional<TokenRecord>> LoadTokenByCertificateIdentity(
    Connection& db, const std::string& identity);
// The token of id `id` as authentication needs it; nullopt when unknown.
absl::StatusOr<std::optional<TokenRecord>> LoadTokenRecord(Connection& db,
                                                           int64_t id);
absl::StatusOr<std::optional<v1::Token>> LoadToken(Connection& db, int64_t id);
absl::StatusOr<std::vector<v1::Token>> QueryTokens(Connection& db,
                                                   int64_t after_id, int limit);

// Ids of open tickets whose next_due_at is at or before `now_micros`, the
// most overdue first (ties by id, the same on every engine), at most
// `limit`.
absl::StatusOr<std::vector<int64_t>> QueryDueTicketIds(Connection& db,
                                                       int64_t now_micros,
                                                       int limit);
// The earliest next_due_at of any ticket, if any.
absl::StatusOr<std::optional<int64_t>> EarliestDueMicros(Connection& db);

absl::StatusOr<std::optional<v1::Card>> LoadCard(Connection& db, int64_t id);
absl::StatusOr<std::vector<v1::Card>> QueryCards(Connection& db,
                                                 const CardQuery& query);
absl::StatusOr<std::vector<v1::Notice>> QueryNotices(Connection& db,
                                                     const NoticeQuery& query);

// Every policy version recorded, oldest first.
absl::StatusOr<std::vector<v1::Policy>> LoadPolicies(Connection& db);
// ALREADY_EXISTS when the version is recorded.
absl::Status InsertPolicy(Connection& db, const v1::Policy& policy);

// Stores a day's entry, replacing an earlier one for the same ticket and day.
absl::Status UpsertDailyReport(Connection& db, const v1::DailyReport& report);
absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
QueryDailyReports(Connection& db, const DailyReportQuery& query);
absl::StatusOr<ComplianceCounts> QueryCompliance(Connection& db,
                                                 const std::string& department,
                                                 const std::string& from_date,
                                                 const std::string& to_date,
                                                 int max_misses);

absl::StatusOr<std::vector<v1::Event>> QueryEventFeed(
    Connection& db, const EventFeedQuery& query);
// The latest seq, 0 when there are no events.
absl::StatusOr<int64_t> LatestSeq(Connection& db);
// The time of the latest event (by seq), UTC microseconds; 0 when none.
absl::StatusOr<int64_t> LatestEventTimeMicros(Connection& db);

// Row writers of change sets (sql_store.cc): they write the row as given
// and record no statistics.
absl::Status InsertTicketRow(Connection& db, const v1::Ticket& ticket);
// Stores `ticket` (etag N) in place of version N-1; a conflict (ABORTED,
// IsConflict) when the stored version is another.
absl::Status UpdateTicketRow(Connection& db, const v1::Ticket& ticket);
absl::Status InsertEventRow(Connection& db, const v1::Event& event);
absl::Status InsertCardRow(Connection& db, const v1::Card& card);
absl::Status UpdateCardRow(Connection& db, const v1::Card& card);
// Whether the day was new (a settled day is left as it is).
absl::StatusOr<bool> InsertDailyObligationRow(Connection& db, int64_t ticket_id,
                                              const std::string& date,
                                              const std::string& department,
                                              bool reported);
// The token's number comes from its name.
absl::Status InsertTokenRow(Connection& db, const std::string& secret_hash,
                            const v1::Token& token);

absl::Status InsertCreateRequest(Connection& db, const std::string& principal,
                                 const std::string& request_id,
                                 int64_t ticket_id, int64_t created_at_micros);
// ALREADY_EXISTS when the ticket already has an attachment of that number.
absl::Status InsertAttachmentRow(Connection& db, const AttachmentRow& row);
// The bytes of the attachments `added_by` added at [from, to).
absl::StatusOr<int64_t> SumAttachmentBytes(Connection& db,
                                           const std::string& added_by,
                                           int64_t from_micros,
                                           int64_t to_micros);
// Whether some attachment refers to the blob `sha256`.
absl::StatusOr<bool> BlobReferenced(Connection& db, const std::string& sha256);
// ALREADY_EXISTS when the id is taken.
absl::Status InsertDepartment(Connection& db, const std::string& id,
                              const v1::Department& department);
absl::Status MarkTokenRevoked(Connection& db, int64_t id,
                              int64_t revoked_at_micros);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_QUERIES_H_
