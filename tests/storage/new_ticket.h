// What a create commits, as the use case builds it, for storage's tests that
// need tickets in a store: a received ticket with a reserved number, its
// CREATED event and its statistics (received 2026-03-02 09:00 in
// Asia/Shanghai). Header-only; each call uses only its arguments.
#ifndef HOTLINE_TESTS_STORAGE_NEW_TICKET_H_
#define HOTLINE_TESTS_STORAGE_NEW_TICKET_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "storage/change_set.h"
#include "storage/store.h"
#include "workflow/stat_facts.h"

namespace hotline::testing {

// The change set creating ticket `source_id` (none when empty) in `store`;
// `out`, when given, gets the ticket.
inline storage::ChangeSet NewTicketChanges(storage::Store& store,
                                           const std::string& source_id,
                                           v1::Ticket* out = nullptr) {
  absl::TimeZone beijing;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &beijing));
  absl::StatusOr<int64_t> number =
      store.ReserveNumbers(storage::NumberKind::kTicket, 1);
  EXPECT_TRUE(number.ok()) << number.status();
  v1::Ticket t;
  t.set_name(absl::StrCat("tickets/", number.ok() ? *number : 0));
  t.set_etag("1");
  t.set_source_id(source_id);
  t.set_state(v1::Ticket::RECEIVED);
  t.set_type(v1::Ticket::COMPLAINT);
  t.set_topic("noise");
  t.set_title("施工噪音");
  t.set_created_by("bureau");
  const absl::Time at =
      absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), beijing);
  *t.mutable_received_at() = ToProtoTime(at);
  *t.mutable_create_time() = ToProtoTime(at);
  *t.mutable_update_time() = ToProtoTime(at);
  storage::ChangeSet changes;
  changes.new_tickets.push_back(t);
  v1::Event created;
  created.set_ticket(t.name());
  created.set_type(v1::Event::CREATED);
  created.set_actor("bureau");
  *created.mutable_time() = ToProtoTime(at);
  changes.events.push_back(created);
  changes.stat_changes = TicketStatChanges(nullptr, t, beijing);
  if (out != nullptr) *out = t;
  return changes;
}

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_STORAGE_NEW_TICKET_H_
