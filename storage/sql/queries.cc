#include "storage/sql/queries.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/change_set.h"
#include "storage/sql/event_rows.h"
#include "storage/sql/receipt_hours.h"
#include "storage/sql/rows.h"

namespace hotline::storage {
namespace {

constexpr absl::string_view kTicketPrefix = "tickets/";
constexpr absl::string_view kTokenPrefix = "tokens/";

template <typename Message>
absl::StatusOr<std::optional<Message>> LoadOneBody(Statement& stmt,
                                                   absl::string_view what) {
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Message>();
  ASSIGN_OR_RETURN(Message message, ParseBody<Message>(stmt, 0, what));
  return std::optional<Message>(std::move(message));
}

// Steps through every row, turning each into a T with `from_row`.
template <typename T, typename FromRow>
absl::StatusOr<std::vector<T>> CollectRows(Statement& stmt, FromRow from_row) {
  std::vector<T> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    ASSIGN_OR_RETURN(T value, from_row(stmt));
    out.push_back(std::move(value));
  }
}

template <typename Message>
absl::StatusOr<std::vector<Message>> LoadAllBodies(Statement& stmt,
                                                   absl::string_view what) {
  return CollectRows<Message>(stmt, [what](const Statement& row) {
    return ParseBody<Message>(row, 0, what);
  });
}

// Every row, selected with kEventColumns.
absl::StatusOr<std::vector<v1::Event>> LoadAllEvents(Statement& stmt) {
  return CollectRows<v1::Event>(
      stmt, [](const Statement& row) { return EventFromRow(row, 0); });
}

v1::Department DepartmentFromRow(const Statement& stmt) {
  v1::Department department;
  department.set_name(absl::StrCat("departments/", stmt.ColumnText(0)));
  department.set_display_name(stmt.ColumnText(1));
  *department.mutable_create_time() =
      ToProtoTime(absl::FromUnixMicros(stmt.ColumnInt64(2)));
  return department;
}

constexpr const char* kTokenColumns =
    "id, principal, display_name, created_at, revoked_at, "
    "certificate_identity";

v1::Token TokenFromRow(const Statement& stmt) {
  v1::Token token;
  token.set_name(absl::StrCat(kTokenPrefix, stmt.ColumnInt64(0)));
  token.set_principal(stmt.ColumnText(1));
  token.set_display_name(stmt.ColumnText(2));
  *token.mutable_create_time() =
      ToProtoTime(absl::FromUnixMicros(stmt.ColumnInt64(3)));
  if (!stmt.ColumnIsNull(4)) {
    *token.mutable_revoke_time() =
        ToProtoTime(absl::FromUnixMicros(stmt.ColumnInt64(4)));
  }
  if (!stmt.ColumnIsNull(5)) token.set_certificate_identity(stmt.ColumnText(5));
  return token;
}

void BindNextDue(Statement& stmt, int index, const v1::Ticket& ticket) {
  if (ticket.has_next_due_at()) {
    stmt.BindInt64(index, ToUnixMicros(ticket.next_due_at()));
  } else {
    stmt.BindNull(index);
  }
}

}  // namespace

absl::StatusOr<std::optional<v1::Ticket>> LoadTicket(Connection& db,
                                                     int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT body FROM tickets WHERE id = ?"));
  stmt.BindInt64(1, id);
  return LoadOneBody<v1::Ticket>(stmt, "ticket");
}

absl::StatusOr<std::optional<v1::Ticket>> LoadTicketBySourceId(
    Connection& db, const std::string& source_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT body FROM tickets WHERE source_id = ?"));
  stmt.BindText(1, source_id);
  return LoadOneBody<v1::Ticket>(stmt, "ticket");
}

absl::StatusOr<std::optional<int64_t>> FindCreateRequest(
    Connection& db, const std::string& principal,
    const std::string& request_id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT ticket_id FROM create_requests WHERE "
                              "principal = ? AND request_id = ?"));
  stmt.BindText(1, principal);
  stmt.BindText(2, request_id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt64(0));
}

std::string TicketQuerySql(const Connection& /*db*/, const TicketQuery& query) {
  // The statement text depends only on which fields are set, so the cache
  // holds at most one statement per combination actually used.
  std::vector<std::string> where = {"id > ?"};
  if (query.state) where.push_back("state = ?");
  if (query.department) where.push_back("department = ?");
  if (query.type) where.push_back("type = ?");
  if (query.topic) where.push_back("topic = ?");
  // The code and every code under it: codes are digits only (checked on
  // the way in), so the prefix has no LIKE wildcard.
  if (query.category) where.push_back("category LIKE ?");
  if (query.urgency) where.push_back("urgency = ?");
  if (query.source_id) where.push_back("source_id = ?");
  if (query.created_by) where.push_back("created_by = ?");
  if (query.assisting_department) {
    where.push_back(
        "id IN (SELECT ticket_id FROM ticket_assists WHERE department = ?)");
  }
  // A received_at span bounds the ids that can match (receipt_hours.h):
  // the lower bound is folded into `id > ?`, the upper one is its own. The
  // unary plus keeps the engines from reading received_at through an index
  // (none is kept for it): the ids are walked in order, through the index
  // of the other filters or the table itself, and a first page stops after
  // its last row.
  if (query.received_until_micros) where.push_back("id <= ?");
  if (query.received_from_micros) where.push_back("+received_at >= ?");
  if (query.received_until_micros) where.push_back("+received_at <= ?");
  return absl::StrCat("SELECT body FROM tickets WHERE ",
                      absl::StrJoin(where, " AND "), " ORDER BY id LIMIT ?");
}

absl::StatusOr<std::vector<v1::Ticket>> QueryTickets(Connection& db,
                                                     const TicketQuery& query) {
  int64_t after_id = query.after_id;
  std::optional<int64_t> last_id;
  if (query.received_from_micros || query.received_until_micros) {
    ASSIGN_OR_RETURN(std::optional<ReceiptIdBounds> bounds,
                     ReceiptIdBoundsOf(db, query.received_from_micros,
                                       query.received_until_micros));
    if (!bounds) return std::vector<v1::Ticket>();  // none can match
    if (bounds->first) after_id = std::max(after_id, *bounds->first - 1);
    last_id = bounds->last;
  }
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(TicketQuerySql(db, query)));
  BindTicketQuery(query, after_id, last_id, stmt);
  return LoadAllBodies<v1::Ticket>(stmt, "ticket");
}

void BindTicketQuery(const TicketQuery& query, int64_t after_id,
                     std::optional<int64_t> last_id, Statement& stmt) {
  int index = 1;
  stmt.BindInt64(index++, after_id);
  if (query.state) stmt.BindInt64(index++, *query.state);
  if (query.department) stmt.BindText(index++, *query.department);
  if (query.type) stmt.BindInt64(index++, *query.type);
  if (query.topic) stmt.BindText(index++, *query.topic);
  if (query.category) stmt.BindText(index++, *query.category + "%");
  if (query.urgency) stmt.BindInt64(index++, *query.urgency);
  if (query.source_id) stmt.BindText(index++, *query.source_id);
  if (query.created_by) stmt.BindText(index++, *query.created_by);
  if (query.assisting_department) {
    stmt.BindText(index++, *query.assisting_department);
  }
  if (last_id) stmt.BindInt64(index++, *last_id);
  if (query.received_from_micros) {
    stmt.BindInt64(index++, *query.received_from_micros);
  }
  if (query.received_until_micros) {
    stmt.BindInt64(index++, *query.received_until_micros);
  }
  stmt.BindInt64(index++, query.limit);
}

absl::StatusOr<std::vector<v1::Event>> QueryTicketEvents(Connection& db,
                                                         int64_t ticket_id,
                                                         int64_t after_seq,
                                                         int limit) {
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(absl::StrCat(
                                       "SELECT ", kEventColumns,
                                       " FROM events WHERE ticket_id = ? "
                                       "AND seq > ? ORDER BY seq LIMIT ?")));
  stmt.BindInt64(1, ticket_id);
  stmt.BindInt64(2, after_seq);
  stmt.BindInt64(3, limit);
  return LoadAllEvents(stmt);
}

absl::StatusOr<std::optional<v1::Department>> LoadDepartment(
    Connection& db, const std::string& id) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(
          "SELECT id, display_name, created_at FROM departments WHERE id = ?"));
  stmt.BindText(1, id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<v1::Department>();
  return std::optional<v1::Department>(DepartmentFromRow(stmt));
}

absl::StatusOr<std::vector<v1::Department>> QueryDepartments(
    Connection& db, const std::string& after_id, int limit) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT id, display_name, created_at FROM "
                              "departments WHERE id > ? ORDER BY id LIMIT ?"));
  stmt.BindText(1, after_id);
  stmt.BindInt64(2, limit);
  return CollectRows<v1::Department>(stmt, [](const Statement& row) {
    return absl::StatusOr<v1::Department>(DepartmentFromRow(row));
  });
}

absl::StatusOr<std::optional<TokenRecord>> LoadTokenBySecretHash(
    Connection& db, const std::string& secret_hash) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT id, principal, revoked_at FROM tokens "
                              "WHERE secret_hash = ?"));
  stmt.BindBlob(1, secret_hash);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<TokenRecord>();
  return std::optional<TokenRecord>(TokenRecord{
      stmt.ColumnInt64(0), stmt.ColumnText(1), !stmt.ColumnIsNull(2)});
}

namespace {

// The first row of `stmt` (id, principal, revoked_at) as a TokenRecord.
absl::StatusOr<std::optional<TokenRecord>> FirstTokenRecord(Statement& stmt) {
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<TokenRecord>();
  return std::optional<TokenRecord>(TokenRecord{
      stmt.ColumnInt64(0), stmt.ColumnText(1), !stmt.ColumnIsNull(2)});
}

}  // namespace

absl::StatusOr<std::optional<TokenRecord>> LoadTokenByCertificateIdentity(
    Connection& db, const std::string& identity) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT id, principal, revoked_at FROM tokens WHERE "
                 "certificate_identity = ? AND certificate_identity IS NOT "
                 "NULL ORDER BY revoked_at IS NULL DESC, id DESC LIMIT 1"));
  stmt.BindText(1, identity);
  return FirstTokenRecord(stmt);
}

absl::StatusOr<std::optional<TokenRecord>> LoadTokenRecord(Connection& db,
                                                           int64_t id) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT id, principal, revoked_at FROM tokens WHERE id = ?"));
  stmt.BindInt64(1, id);
  return FirstTokenRecord(stmt);
}

absl::StatusOr<std::optional<v1::Token>> LoadToken(Connection& db, int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare(absl::StrCat("SELECT ", kTokenColumns,
                                           " FROM tokens WHERE id = ?")));
  stmt.BindInt64(1, id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<v1::Token>();
  return std::optional<v1::Token>(TokenFromRow(stmt));
}

absl::StatusOr<std::vector<v1::Token>> QueryTokens(Connection& db,
                                                   int64_t after_id,
                                                   int limit) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare(absl::StrCat(
                       "SELECT ", kTokenColumns,
                       " FROM tokens WHERE id > ? ORDER BY id LIMIT ?")));
  stmt.BindInt64(1, after_id);
  stmt.BindInt64(2, limit);
  return CollectRows<v1::Token>(stmt, [](const Statement& row) {
    return absl::StatusOr<v1::Token>(TokenFromRow(row));
  });
}

namespace {

// Keeps ticket_assists in step with the ticket's active assisting parts
// (协办). A ticket that never had one has nothing to keep: its parts,
// once added, stay listed (returned or removed) for good.
absl::Status SyncTicketAssists(Connection& db, const v1::Ticket& ticket) {
  if (ticket.assists_size() == 0) return absl::OkStatus();
  const int64_t id = TicketId(ticket);
  ASSIGN_OR_RETURN(
      Statement clear,
      db.Prepare("DELETE FROM ticket_assists WHERE ticket_id = ?"));
  clear.BindInt64(1, id);
  RETURN_IF_ERROR(clear.Run());
  for (const v1::Assist& part : ticket.assists()) {
    if (part.state() != v1::Assist::DISPATCHED &&
        part.state() != v1::Assist::ACKNOWLEDGED &&
        part.state() != v1::Assist::OPINION_GIVEN) {
      continue;
    }
    ASSIGN_OR_RETURN(Statement row,
                     db.Prepare("INSERT INTO ticket_assists (ticket_id, "
                                "department) VALUES (?, ?)"));
    row.BindInt64(1, id);
    row.BindText(2, part.department());
    RETURN_IF_ERROR(row.Run());
  }
  return absl::OkStatus();
}

// Keeps ticket_notices in step with the ticket's urging notices (催办通知).
// A ticket that never had one has nothing to keep.
absl::Status SyncTicketNotices(Connection& db, const v1::Ticket& ticket) {
  if (ticket.notices_size() == 0) return absl::OkStatus();
  const int64_t id = TicketId(ticket);
  ASSIGN_OR_RETURN(
      Statement clear,
      db.Prepare("DELETE FROM ticket_notices WHERE ticket_id = ?"));
  clear.BindInt64(1, id);
  RETURN_IF_ERROR(clear.Run());
  for (const v1::Notice& notice : ticket.notices()) {
    ASSIGN_OR_RETURN(
        Statement row,
        db.Prepare("INSERT INTO ticket_notices (ticket_id, number, department, "
                   "level, state, due_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    row.BindInt64(1, id);
    row.BindInt64(2, notice.number());
    row.BindText(3, notice.department());
    row.BindInt64(4, notice.level());
    row.BindInt64(5, notice.state());
    row.BindInt64(6, ToUnixMicros(notice.answer_due_at()));
    row.BindBlob(7, notice.SerializeAsString());
    RETURN_IF_ERROR(row.Run());
  }
  return absl::OkStatus();
}

// The rows of a ticket's parts and notices, after its own row.
absl::Status SyncTicketParts(Connection& db, const v1::Ticket& ticket) {
  RETURN_IF_ERROR(SyncTicketAssists(db, ticket));
  return SyncTicketNotices(db, ticket);
}

}  // namespace

absl::Status InsertTicketRow(Connection& db, const v1::Ticket& ticket) {
  const int64_t id = TicketId(ticket);
  int64_t version = 0;
  if (id <= 0 || !absl::SimpleAtoi(ticket.etag(), &version)) {
    return absl::InternalError(absl::StrCat("a new ticket \"", ticket.name(),
                                            "\" has no number or etag"));
  }
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(
          "INSERT INTO tickets (id, source_id, created_by, state, department, "
          "type, topic, urgency, received_at, version, body, next_due_at, "
          "category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.BindInt64(1, id);
  stmt.BindTextOrNull(2, ticket.source_id());
  stmt.BindText(3, ticket.created_by());
  stmt.BindInt64(4, ticket.state());
  stmt.BindTextOrNull(5, ticket.department());
  stmt.BindInt64(6, ticket.type());
  stmt.BindText(7, ticket.topic());
  stmt.BindInt64(8, ticket.urgency());
  stmt.BindInt64(9, ToUnixMicros(ticket.received_at()));
  stmt.BindInt64(10, version);
  stmt.BindBlob(11, ticket.SerializeAsString());
  BindNextDue(stmt, 12, ticket);
  stmt.BindTextOrNull(13, ticket.category());
  RETURN_IF_ERROR(stmt.Run());
  return SyncTicketParts(db, ticket);
}

absl::Status UpdateTicketRow(Connection& db, const v1::Ticket& ticket) {
  int64_t version = 0;
  if (!absl::SimpleAtoi(ticket.etag(), &version) || version < 2) {
    return absl::InternalError(
        absl::StrCat("ticket ", ticket.name(), " has no new etag"));
  }
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("UPDATE tickets SET state = ?, department = ?, version = ?, "
                 "body = ?, next_due_at = ?, category = ? WHERE id = ? AND "
                 "version = ?"));
  stmt.BindInt64(1, ticket.state());
  stmt.BindTextOrNull(2, ticket.department());
  stmt.BindInt64(3, version);
  stmt.BindBlob(4, ticket.SerializeAsString());
  BindNextDue(stmt, 5, ticket);
  stmt.BindTextOrNull(6, ticket.category());
  stmt.BindInt64(7, TicketId(ticket));
  stmt.BindInt64(8, version - 1);
  RETURN_IF_ERROR(stmt.Run());
  if (db.Changes() != 1) {
    return ConflictError(absl::StrCat(
        ticket.name(), " changed while it was being updated; retry"));
  }
  return SyncTicketParts(db, ticket);
}

absl::Status InsertEventRow(Connection& db, const v1::Event& event) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(
          "INSERT INTO events (seq, ticket_id, time, type, actor, department, "
          "previous_department, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  stmt.BindInt64(1, event.seq());
  stmt.BindInt64(2, TicketIdOfName(event.ticket()));
  stmt.BindInt64(3, ToUnixMicros(event.time()));
  stmt.BindInt64(4, event.type());
  stmt.BindText(5, event.actor());
  stmt.BindTextOrNull(6, event.department());
  stmt.BindTextOrNull(7, event.previous_department());
  stmt.BindBlob(8, StoredEventBody(event));
  RETURN_IF_ERROR(stmt.Run());
  // The assisting departments (协办) that see the event on their feed.
  std::vector<std::string> audience(event.assisting_departments().begin(),
                                    event.assisting_departments().end());
  if (!event.assist_department().empty()) {
    audience.push_back(event.assist_department());
  }
  std::sort(audience.begin(), audience.end());
  audience.erase(std::unique(audience.begin(), audience.end()), audience.end());
  for (const std::string& department : audience) {
    ASSIGN_OR_RETURN(Statement row,
                     db.Prepare("INSERT INTO event_assists (department, seq) "
                                "VALUES (?, ?)"));
    row.BindText(1, department);
    row.BindInt64(2, event.seq());
    RETURN_IF_ERROR(row.Run());
  }
  return absl::OkStatus();
}

absl::Status InsertCreateRequest(Connection& db, const std::string& principal,
                                 const std::string& request_id,
                                 int64_t ticket_id, int64_t created_at_micros) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO create_requests (principal, request_id, "
                 "ticket_id, created_at) VALUES (?, ?, ?, ?)"));
  stmt.BindText(1, principal);
  stmt.BindText(2, request_id);
  stmt.BindInt64(3, ticket_id);
  stmt.BindInt64(4, created_at_micros);
  return stmt.Run();
}

absl::Status InsertAttachmentRow(Connection& db, const AttachmentRow& row) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO ticket_attachments (ticket_id, number, sha256, "
                 "size_bytes, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?)"));
  stmt.BindInt64(1, row.ticket_id);
  stmt.BindInt64(2, row.number);
  stmt.BindText(3, row.sha256);
  stmt.BindInt64(4, row.size);
  stmt.BindText(5, row.added_by);
  stmt.BindInt64(6, row.added_at_micros);
  return stmt.Run();
}

absl::StatusOr<int64_t> SumAttachmentBytes(Connection& db,
                                           const std::string& added_by,
                                           int64_t from_micros,
                                           int64_t to_micros) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT COALESCE(SUM(size_bytes), 0) FROM ticket_attachments "
                 "WHERE added_by = ? AND added_at >= ? AND added_at < ?"));
  stmt.BindText(1, added_by);
  stmt.BindInt64(2, from_micros);
  stmt.BindInt64(3, to_micros);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return 0;
  return stmt.ColumnInt64(0);
}

absl::StatusOr<bool> BlobReferenced(Connection& db, const std::string& sha256) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT 1 FROM ticket_attachments WHERE "
                              "sha256 = ? LIMIT 1"));
  stmt.BindText(1, sha256);
  return stmt.Step();
}

absl::Status InsertDepartment(Connection& db, const std::string& id,
                              const v1::Department& department) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("INSERT INTO departments (id, display_name, "
                              "created_at) VALUES (?, ?, ?)"));
  stmt.BindText(1, id);
  stmt.BindText(2, department.display_name());
  stmt.BindInt64(3, ToUnixMicros(department.create_time()));
  return stmt.Run();
}

absl::Status InsertTokenRow(Connection& db, const std::string& secret_hash,
                            const v1::Token& token) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(
          "INSERT INTO tokens (id, secret_hash, principal, display_name, "
          "created_at, certificate_identity) VALUES (?, ?, ?, ?, ?, ?)"));
  stmt.BindInt64(1, NumberOfName(token.name(), kTokenPrefix));
  stmt.BindBlob(2, secret_hash);
  stmt.BindText(3, token.principal());
  stmt.BindText(4, token.display_name());
  stmt.BindInt64(5, ToUnixMicros(token.create_time()));
  if (token.certificate_identity().empty()) {
    stmt.BindNull(6);
  } else {
    stmt.BindText(6, token.certificate_identity());
  }
  return stmt.Run();
}

absl::Status MarkTokenRevoked(Connection& db, int64_t id,
                              int64_t revoked_at_micros) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("UPDATE tokens SET revoked_at = ? WHERE id = ?"));
  stmt.BindInt64(1, revoked_at_micros);
  stmt.BindInt64(2, id);
  return stmt.Run();
}

absl::StatusOr<std::vector<int64_t>> QueryDueTicketIds(Connection& db,
                                                       int64_t now_micros,
                                                       int limit) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT id FROM tickets WHERE next_due_at IS NOT NULL AND "
                 "next_due_at <= ? ORDER BY next_due_at, id LIMIT ?"));
  stmt.BindInt64(1, now_micros);
  stmt.BindInt64(2, limit);
  return CollectRows<int64_t>(stmt, [](const Statement& row) {
    return absl::StatusOr<int64_t>(row.ColumnInt64(0));
  });
}

absl::StatusOr<std::optional<int64_t>> EarliestDueMicros(Connection& db) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT MIN(next_due_at) FROM tickets WHERE "
                              "next_due_at IS NOT NULL"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt.ColumnInt64(0));
}

absl::StatusOr<std::optional<v1::Card>> LoadCard(Connection& db, int64_t id) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("SELECT body FROM cards WHERE id = ?"));
  stmt.BindInt64(1, id);
  return LoadOneBody<v1::Card>(stmt, "card");
}

absl::StatusOr<std::vector<v1::Card>> QueryCards(Connection& db,
                                                 const CardQuery& query) {
  std::vector<std::string> where = {"id > ?"};
  if (query.department) where.push_back("department = ?");
  if (query.ticket_id) where.push_back("ticket_id = ?");
  if (query.color) where.push_back("color = ?");
  if (query.issued_from_micros) where.push_back("issued_at >= ?");
  if (query.issued_to_micros) where.push_back("issued_at < ?");
  if (query.active) {
    where.push_back(*query.active ? "revoked_at IS NULL"
                                  : "revoked_at IS NOT NULL");
  }
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare(absl::StrCat("SELECT body FROM cards WHERE ",
                                           absl::StrJoin(where, " AND "),
                                           " ORDER BY id LIMIT ?")));
  int index = 1;
  stmt.BindInt64(index++, query.after_id);
  if (query.department) stmt.BindText(index++, *query.department);
  if (query.ticket_id) stmt.BindInt64(index++, *query.ticket_id);
  if (query.color) stmt.BindInt64(index++, *query.color);
  if (query.issued_from_micros)
    stmt.BindInt64(index++, *query.issued_from_micros);
  if (query.issued_to_micros) stmt.BindInt64(index++, *query.issued_to_micros);
  stmt.BindInt64(index++, query.limit);
  return LoadAllBodies<v1::Card>(stmt, "card");
}

absl::StatusOr<std::vector<v1::Notice>> QueryNotices(Connection& db,
                                                     const NoticeQuery& query) {
  std::vector<std::string> where = {
      "(ticket_id > ? OR (ticket_id = ? AND number > ?))"};
  if (query.department) where.push_back("department = ?");
  if (query.ticket_id) where.push_back("ticket_id = ?");
  if (query.level) where.push_back("level = ?");
  if (!query.states.empty()) {
    std::vector<std::string> marks(query.states.size(), "?");
    where.push_back(
        absl::StrCat("state IN (", absl::StrJoin(marks, ", "), ")"));
  }
  if (query.due_from_micros) where.push_back("due_at >= ?");
  if (query.due_to_micros) where.push_back("due_at < ?");
  ASSIGN_OR_RETURN(Statement stmt, db.Prepare(absl::StrCat(
                                       "SELECT body FROM ticket_notices WHERE ",
                                       absl::StrJoin(where, " AND "),
                                       " ORDER BY ticket_id, number LIMIT ?")));
  int index = 1;
  stmt.BindInt64(index++, query.after_ticket_id);
  stmt.BindInt64(index++, query.after_ticket_id);
  stmt.BindInt64(index++, query.after_number);
  if (query.department) stmt.BindText(index++, *query.department);
  if (query.ticket_id) stmt.BindInt64(index++, *query.ticket_id);
  if (query.level) stmt.BindInt64(index++, *query.level);
  for (v1::Notice::State state : query.states) stmt.BindInt64(index++, state);
  if (query.due_from_micros) stmt.BindInt64(index++, *query.due_from_micros);
  if (query.due_to_micros) stmt.BindInt64(index++, *query.due_to_micros);
  stmt.BindInt64(index++, query.limit);
  return LoadAllBodies<v1::Notice>(stmt, "notice");
}

absl::Status InsertCardRow(Connection& db, const v1::Card& card) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO cards (id, ticket_id, department, color, "
                 "issued_at, revoked_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  stmt.BindInt64(1, CardId(card));
  stmt.BindInt64(2, TicketIdOfName(card.ticket()));
  stmt.BindText(3, card.department());
  stmt.BindInt64(4, card.color());
  stmt.BindInt64(5, ToUnixMicros(card.issue_time()));
  if (card.has_revoke_time()) {
    stmt.BindInt64(6, ToUnixMicros(card.revoke_time()));
  } else {
    stmt.BindNull(6);
  }
  stmt.BindBlob(7, card.SerializeAsString());
  return stmt.Run();
}

absl::Status UpdateCardRow(Connection& db, const v1::Card& card) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("UPDATE cards SET revoked_at = ?, body = ? WHERE id = ?"));
  if (card.has_revoke_time()) {
    stmt.BindInt64(1, ToUnixMicros(card.revoke_time()));
  } else {
    stmt.BindNull(1);
  }
  stmt.BindBlob(2, card.SerializeAsString());
  stmt.BindInt64(3, CardId(card));
  return stmt.Run();
}

absl::StatusOr<std::vector<v1::Policy>> LoadPolicies(Connection& db) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT body FROM policies ORDER BY effective_from"));
  return LoadAllBodies<v1::Policy>(stmt, "policy");
}

absl::Status InsertPolicy(Connection& db, const v1::Policy& policy) {
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare("INSERT INTO policies (version, effective_from, "
                              "body) VALUES (?, ?, ?)"));
  stmt.BindText(1, policy.version());
  stmt.BindInt64(2, ToUnixMicros(policy.effective_from()));
  stmt.BindBlob(3, policy.SerializeAsString());
  return stmt.Run();
}

absl::Status UpsertDailyReport(Connection& db, const v1::DailyReport& report) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(
          "INSERT INTO daily_reports (ticket_id, date, department, progress, "
          "submitted_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (ticket_id, date) "
          "DO UPDATE SET department = excluded.department, progress = "
          "excluded.progress, submitted_at = excluded.submitted_at"));
  stmt.BindInt64(1, TicketIdOfName(report.ticket()));
  stmt.BindText(2, report.date());
  stmt.BindText(3, report.department());
  stmt.BindText(4, report.progress());
  stmt.BindInt64(5, ToUnixMicros(report.submit_time()));
  return stmt.Run();
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::DailyReport>>>
QueryDailyReports(Connection& db, const DailyReportQuery& query) {
  // Reports are given for the current day only (and an amendment keeps its
  // row), so ids grow with dates: the first report of the first date at or
  // after from_date bounds the ids, and the page is read in id order from
  // there instead of from the first report ever.
  std::vector<std::string> where = {
      query.from_date
          ? absl::StrCat("id > ", db.Greatest(),
                         "(?, COALESCE((SELECT id FROM daily_reports WHERE "
                         "date >= ? ORDER BY date, id LIMIT 1) - 1, "
                         "9223372036854775806))")
          : "id > ?"};
  if (query.department) where.push_back("department = ?");
  if (query.ticket_id) where.push_back("ticket_id = ?");
  if (query.from_date) where.push_back("date >= ?");
  if (query.to_date) where.push_back("date <= ?");
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare(absl::StrCat(
                       "SELECT id, ticket_id, date, department, progress, "
                       "submitted_at FROM daily_reports WHERE ",
                       absl::StrJoin(where, " AND "), " ORDER BY id LIMIT ?")));
  int index = 1;
  stmt.BindInt64(index++, query.after_id);
  if (query.from_date) stmt.BindText(index++, *query.from_date);
  if (query.department) stmt.BindText(index++, *query.department);
  if (query.ticket_id) stmt.BindInt64(index++, *query.ticket_id);
  if (query.from_date) stmt.BindText(index++, *query.from_date);
  if (query.to_date) stmt.BindText(index++, *query.to_date);
  stmt.BindInt64(index++, query.limit);
  using Row = std::pair<int64_t, v1::DailyReport>;
  return CollectRows<Row>(stmt, [](const Statement& row) {
    v1::DailyReport report;
    report.set_ticket(absl::StrCat(kTicketPrefix, row.ColumnInt64(1)));
    report.set_date(row.ColumnText(2));
    report.set_department(row.ColumnText(3));
    report.set_progress(row.ColumnText(4));
    *report.mutable_submit_time() =
        ToProtoTime(absl::FromUnixMicros(row.ColumnInt64(5)));
    return absl::StatusOr<Row>(Row(row.ColumnInt64(0), std::move(report)));
  });
}

absl::StatusOr<bool> InsertDailyObligationRow(Connection& db, int64_t ticket_id,
                                              const std::string& date,
                                              const std::string& department,
                                              bool reported) {
  ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO daily_obligations (ticket_id, date, department, "
                 "reported) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  stmt.BindInt64(1, ticket_id);
  stmt.BindText(2, date);
  stmt.BindText(3, department);
  stmt.BindInt64(4, reported ? 1 : 0);
  RETURN_IF_ERROR(stmt.Run());
  return db.Changes() == 1;
}

absl::StatusOr<ComplianceCounts> QueryCompliance(Connection& db,
                                                 const std::string& department,
                                                 const std::string& from_date,
                                                 const std::string& to_date,
                                                 int max_misses) {
  ComplianceCounts counts;
  ASSIGN_OR_RETURN(
      Statement totals,
      db.Prepare(
          "SELECT COUNT(*), COALESCE(SUM(reported), 0) FROM daily_obligations "
          "WHERE department = ? AND date >= ? AND date <= ?"));
  totals.BindText(1, department);
  totals.BindText(2, from_date);
  totals.BindText(3, to_date);
  RETURN_IF_ERROR(totals.Step().status());
  counts.owed = static_cast<int>(totals.ColumnInt64(0));
  counts.given = static_cast<int>(totals.ColumnInt64(1));
  ASSIGN_OR_RETURN(
      Statement misses,
      db.Prepare("SELECT ticket_id, date FROM daily_obligations WHERE "
                 "department = ? AND date >= ? AND date <= ? AND reported = 0 "
                 "ORDER BY date, ticket_id LIMIT ?"));
  misses.BindText(1, department);
  misses.BindText(2, from_date);
  misses.BindText(3, to_date);
  misses.BindInt64(4, max_misses);
  while (true) {
    ASSIGN_OR_RETURN(bool next, misses.Step());
    if (!next) return counts;
    counts.misses.emplace_back(misses.ColumnInt64(0), misses.ColumnText(1));
  }
}

namespace {

// Events of `department` (holding the ticket), by the partial index of the
// events that took a ticket away from it, and of the tickets it assists
// (event_assists), each in seq order from its own index, merged: a page
// costs three index ranges, whatever the history.
absl::StatusOr<std::vector<v1::Event>> QueryDepartmentFeed(
    Connection& db, const std::string& department, int64_t after_seq,
    int limit) {
  static const std::string* const kRanges = new std::string[3]{
      absl::StrCat("SELECT ", kEventColumns,
                   " FROM events WHERE department = ? AND seq > ? ORDER BY "
                   "seq LIMIT ?"),
      absl::StrCat("SELECT ", kEventColumns,
                   " FROM events WHERE previous_department = ? AND seq > ? "
                   "ORDER BY seq LIMIT ?"),
      // The events of tickets it assists (协办).
      absl::StrCat("SELECT ", kEventColumnsOfE,
                   " FROM event_assists a JOIN events e ON e.seq = a.seq "
                   "WHERE a.department = ? AND a.seq > ? ORDER BY a.seq "
                   "LIMIT ?"),
  };
  std::vector<v1::Event> events;
  for (int range = 0; range < 3; ++range) {
    ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kRanges[range]));
    stmt.BindText(1, department);
    stmt.BindInt64(2, after_seq);
    stmt.BindInt64(3, limit);
    ASSIGN_OR_RETURN(std::vector<v1::Event> part, LoadAllEvents(stmt));
    for (v1::Event& event : part) events.push_back(std::move(event));
  }
  std::sort(
      events.begin(), events.end(),
      [](const v1::Event& a, const v1::Event& b) { return a.seq() < b.seq(); });
  events.erase(std::unique(events.begin(), events.end(),
                           [](const v1::Event& a, const v1::Event& b) {
                             return a.seq() == b.seq();
                           }),
               events.end());
  if (static_cast<int>(events.size()) > limit) events.resize(limit);
  return events;
}

}  // namespace

absl::StatusOr<std::vector<v1::Event>> QueryEventFeed(
    Connection& db, const EventFeedQuery& query) {
  if (!query.ticket_id && query.department) {
    return QueryDepartmentFeed(db, *query.department, query.after_seq,
                               query.limit);
  }
  std::string sql;
  if (query.ticket_id) {
    sql = absl::StrCat("SELECT ", kEventColumns,
                       " FROM events WHERE ticket_id = ? AND seq > ?");
  } else if (query.department) {
    // Index ranges, merged by seq.
    sql = absl::StrCat(
        "SELECT ", kEventColumns,
        " FROM events WHERE seq > ? AND (department = ? OR "
        "previous_department = ? OR seq IN (SELECT seq FROM event_assists "
        "WHERE department = ?))");
  } else if (query.created_by) {
    sql = absl::StrCat("SELECT ", kEventColumnsOfE,
                       " FROM events e JOIN tickets t ON t.id = e.ticket_id "
                       "WHERE e.seq > ? AND t.created_by = ?");
  } else {
    sql = absl::StrCat("SELECT ", kEventColumns, " FROM events WHERE seq > ?");
  }
  ASSIGN_OR_RETURN(Statement stmt,
                   db.Prepare(absl::StrCat(sql, " ORDER BY seq LIMIT ?")));
  int index = 1;
  if (query.ticket_id) {
    stmt.BindInt64(index++, *query.ticket_id);
    stmt.BindInt64(index++, query.after_seq);
  } else if (query.department) {
    stmt.BindInt64(index++, query.after_seq);
    stmt.BindText(index++, *query.department);
    stmt.BindText(index++, *query.department);
    stmt.BindText(index++, *query.department);
  } else if (query.created_by) {
    stmt.BindInt64(index++, query.after_seq);
    stmt.BindText(index++, *query.created_by);
  } else {
    stmt.BindInt64(index++, query.after_seq);
  }
  stmt.BindInt64(index++, query.limit);
  return LoadAllEvents(stmt);
}

absl::StatusOr<int64_t> LatestSeq(Connection& db) {
  return db.QueryInt64("SELECT COALESCE(MAX(seq), 0) FROM events");
}

absl::StatusOr<int64_t> LatestEventTimeMicros(Connection& db) {
  // The latest event by seq, by the primary key: events are recorded at the
  // clock's time, so no later event carries a later request time.
  return db.QueryInt64(
      "SELECT COALESCE((SELECT time FROM events ORDER BY seq DESC LIMIT 1), "
      "0)");
}

}  // namespace hotline::storage
