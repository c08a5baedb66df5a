// The ticket filters and pairs the lists offer (each alone, the pairs a
// department's desk and the bureau's searches use, and received_at spans),
// for the storage tests that check each one's query plan on SQLite and on
// PostgreSQL. Header-only; each call builds a new list.
#ifndef HOTLINE_TESTS_STORAGE_TICKET_FILTERS_H_
#define HOTLINE_TESTS_STORAGE_TICKET_FILTERS_H_

#include <string>
#include <utility>
#include <vector>

#include "storage/records.h"

namespace hotline::testing {

// Each filter with a label for failure messages.
inline std::vector<std::pair<std::string, storage::TicketQuery>>
TicketFilters() {
  using storage::TicketQuery;
  std::vector<std::pair<std::string, TicketQuery>> queries;
  auto add = [&](const std::string& label, auto set) {
    TicketQuery query;
    set(query);
    queries.emplace_back(label, query);
  };
  add("state", [](TicketQuery& q) { q.state = v1::Ticket::RECEIVED; });
  add("department", [](TicketQuery& q) { q.department = "departments/x"; });
  add("department+state", [](TicketQuery& q) {
    q.department = "departments/x";
    q.state = v1::Ticket::IN_PROGRESS;
  });
  add("type", [](TicketQuery& q) { q.type = v1::Ticket::HELP; });
  add("topic", [](TicketQuery& q) { q.topic = "噪音"; });
  add("urgency", [](TicketQuery& q) { q.urgency = v1::Ticket::URGENT; });
  add("source_id", [](TicketQuery& q) { q.source_id = "SZ-1"; });
  add("created_by", [](TicketQuery& q) { q.created_by = "intake/city"; });
  add("received range", [](TicketQuery& q) {
    q.received_from_micros = 1;
    q.received_until_micros = 2;
  });
  add("received from", [](TicketQuery& q) { q.received_from_micros = 1; });
  add("received until", [](TicketQuery& q) { q.received_until_micros = 2; });
  add("department+received", [](TicketQuery& q) {
    q.department = "departments/x";
    q.received_from_micros = 1;
    q.received_until_micros = 2;
  });
  add("state+received", [](TicketQuery& q) {
    q.state = v1::Ticket::RECEIVED;
    q.received_from_micros = 1;
    q.received_until_micros = 2;
  });
  add("department+state+received", [](TicketQuery& q) {
    q.department = "departments/x";
    q.state = v1::Ticket::IN_PROGRESS;
    q.received_from_micros = 1;
  });
  // The pairs a department's desk and the bureau's searches use.
  add("department+type", [](TicketQuery& q) {
    q.department = "departments/x";
    q.type = v1::Ticket::HELP;
  });
  add("department+topic", [](TicketQuery& q) {
    q.department = "departments/x";
    q.topic = "噪音";
  });
  add("state+type", [](TicketQuery& q) {
    q.state = v1::Ticket::RECEIVED;
    q.type = v1::Ticket::HELP;
  });
  return queries;
}

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_STORAGE_TICKET_FILTERS_H_
