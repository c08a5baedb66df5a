// ListTickets' filter: any bytes (a gRPC string is UTF-8, but the parser
// must not rely on it).
#include <cstddef>
#include <cstdint>

#include "app/ticket_filter.h"
#include "common/proto_time.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hotline::fuzz::Require;
  const absl::string_view filter(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<hotline::storage::TicketQuery> query =
      hotline::ParseTicketFilter(filter);
  if (!query.ok()) {
    Require(query.status().code() == absl::StatusCode::kInvalidArgument,
            "a filter refused with another code than INVALID_ARGUMENT");
    hotline::fuzz::CheckMessage(query.status());
    return 0;
  }
  // Bounds stay within the API's range (one microsecond either side for
  // > and <): never the int64 limits that matched every ticket.
  const int64_t min = absl::ToUnixMicros(hotline::kMinApiTime) - 1;
  const int64_t max = absl::ToUnixMicros(hotline::kMaxApiTime);
  if (query->received_from_micros) {
    Require(*query->received_from_micros >= min &&
                *query->received_from_micros <= max,
            "received_from out of range");
  }
  if (query->received_until_micros) {
    Require(*query->received_until_micros >= min &&
                *query->received_until_micros <= max,
            "received_until out of range");
  }
  return 0;
}
