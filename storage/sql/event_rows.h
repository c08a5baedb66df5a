// The rows of the events table: the columns lists filter on (seq,
// ticket_id, time, type, actor, department, previous_department), and the
// body, the serialized hotline.v1.Event without the fields those columns
// already hold. Events take about a third less room for it (the county
// year x10 of the storage bench: 2,035 -> 1,365 bytes a ticket).
//
// A field is left out of the body only when its column gives it back
// exactly: a time with a whole number of microseconds, a ticket named
// "tickets/{id}". Reading fills a field from its column only when the body
// does not hold it, so rows stored whole (before this layout) read the
// same as before.
//
//   stmt = db.Prepare(absl::StrCat("SELECT ", kEventColumns,
//                                  " FROM events WHERE seq > ?"));
//   ASSIGN_OR_RETURN(v1::Event event, EventFromRow(stmt, 0));
//
// Stateless and thread-safe.
#ifndef HOTLINE_STORAGE_SQL_EVENT_ROWS_H_
#define HOTLINE_STORAGE_SQL_EVENT_ROWS_H_

#include <string>

#include "absl/status/statusor.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// What a query selects for EventFromRow, unqualified; the same columns of
// the table aliased `e` in kEventColumnsOfE.
inline constexpr const char kEventColumns[] =
    "seq, ticket_id, time, type, actor, department, previous_department, "
    "body";
inline constexpr const char kEventColumnsOfE[] =
    "e.seq, e.ticket_id, e.time, e.type, e.actor, e.department, "
    "e.previous_department, e.body";

// The body to store for `event`, whose columns are written from it.
std::string StoredEventBody(const v1::Event& event);

// The event of the current row, selected with kEventColumns from column
// `first` on; DATA_LOSS when its body does not parse.
absl::StatusOr<v1::Event> EventFromRow(const Statement& row, int first);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_EVENT_ROWS_H_
