// The `filter` of ListTickets: conditions joined by AND (AIP-160, a subset).
//
//   state = IN_PROGRESS AND department = "departments/housing"
//   received_at >= "2021-02-01T00:00:00+08:00" AND received_at <
//   "2021-03-01T00:00:00+08:00" type = COMPLAINT AND topic = "噪音"
//
// Fields and operators:
//   state, type, urgency        = an enum name (any case)
//   department                  = "departments/{id}" (the lead, 主办)
//   assisting                   = "departments/{id}" (an assisting
//                                 department, 协办)
//   topic, source_id            = a string (quoted when it has spaces)
//   category                    = a category code: that code and every
//                                 code under it ("0101" takes "010101")
//   created_by                  = a principal, e.g. "intake/city-platform"
//   received_at                 = < <= > >= against an RFC 3339 time
// Every error is INVALID_ARGUMENT and points at the offending part.
//
// Stateless and thread-safe.
#ifndef HOTLINE_APP_TICKET_FILTER_H_
#define HOTLINE_APP_TICKET_FILTER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/records.h"

namespace hotline {

// Parses `filter` into the conditions of a ticket query (paging fields are
// left at their defaults). An empty filter matches every ticket.
absl::StatusOr<storage::TicketQuery> ParseTicketFilter(
    absl::string_view filter);

}  // namespace hotline

#endif  // HOTLINE_APP_TICKET_FILTER_H_
