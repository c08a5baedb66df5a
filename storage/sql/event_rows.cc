#include "storage/sql/event_rows.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/proto_time.h"
#include "storage/records.h"

namespace hotline::storage {
namespace {

constexpr absl::string_view kTicketPrefix = "tickets/";

// True when the time column (whole microseconds) gives `time` back.
bool TimeFitsColumn(const google::protobuf::Timestamp& time) {
  if (!IsValidProtoTime(time) || time.nanos() % 1000 != 0) return false;
  return absl::FromUnixMicros(ToUnixMicros(time)) == FromProtoTime(time);
}

}  // namespace

std::string StoredEventBody(const v1::Event& event) {
  v1::Event body = event;
  body.clear_seq();
  const int64_t ticket_id = TicketIdOfName(event.ticket());
  if (ticket_id != 0 &&
      event.ticket() == absl::StrCat(kTicketPrefix, ticket_id)) {
    body.clear_ticket();
  }
  // An unset time stays unset: its column (0) does not restore it.
  if (event.has_time() && IsSet(event.time()) && TimeFitsColumn(event.time())) {
    body.clear_time();
  }
  body.clear_type();
  body.clear_actor();
  body.clear_department();
  body.clear_previous_department();
  return body.SerializeAsString();
}

absl::StatusOr<v1::Event> EventFromRow(const Statement& row, int first) {
  v1::Event event;
  const absl::string_view body = row.ColumnBlob(first + 7);
  if (!event.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError("stored event cannot be parsed");
  }
  if (event.seq() == 0) event.set_seq(row.ColumnInt64(first));
  if (event.ticket().empty() && row.ColumnInt64(first + 1) != 0) {
    event.set_ticket(absl::StrCat(kTicketPrefix, row.ColumnInt64(first + 1)));
  }
  if (!event.has_time() && row.ColumnInt64(first + 2) != 0) {
    *event.mutable_time() =
        ToProtoTime(absl::FromUnixMicros(row.ColumnInt64(first + 2)));
  }
  if (event.type() == v1::Event::TYPE_UNSPECIFIED) {
    event.set_type(static_cast<v1::Event::Type>(row.ColumnInt64(first + 3)));
  }
  if (event.actor().empty()) event.set_actor(row.ColumnText(first + 4));
  if (event.department().empty()) {
    event.set_department(row.ColumnText(first + 5));
  }
  if (event.previous_department().empty()) {
    event.set_previous_department(row.ColumnText(first + 6));
  }
  return event;
}

}  // namespace hotline::storage
