// Request validation: the checks every handler runs on what a caller sent
// (names, days, principals, texts, times, a new ticket). The first byte
// picks the check; the rest is its input.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "app/paging.h"
#include "common/proto_time.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/stubs/logging.h"
#include "hotline/v1/hotline_service.pb.h"
#include "server/request_parse_errors.h"
#include "workflow/principal.h"
#include "workflow/validation.h"

namespace {

using hotline::fuzz::CheckMessage;
using hotline::fuzz::Require;

void Refusal(const absl::Status& status) {
  if (status.ok()) return;
  Require(status.code() == absl::StatusCode::kInvalidArgument,
          "a request refused with another code than INVALID_ARGUMENT",
          std::string(status.message()));
  CheckMessage(status);
}

// A timestamp as ListCards, GetStatistics and CreateTicket take it: checked,
// then converted (the conversion must be safe either way).
void Time(const google::protobuf::Timestamp& timestamp) {
  const absl::Status status = hotline::CheckTimestamp(timestamp, "issued_from");
  Refusal(status);
  const int64_t micros = hotline::ToUnixMicros(timestamp);
  Require(status.ok() == hotline::IsValidProtoTime(timestamp),
          "CheckTimestamp and IsValidProtoTime disagree");
  if (status.ok()) {
    Require(micros >= 0 && micros < absl::ToUnixMicros(hotline::kMaxApiTime),
            "a valid time outside the API range");
    // Compared field by field: the parsed timestamp may carry unknown
    // fields, which the conversion rightly drops.
    const google::protobuf::Timestamp back =
        hotline::ToProtoTime(hotline::FromProtoTime(timestamp));
    Require(back.seconds() == timestamp.seconds() &&
                back.nanos() == timestamp.nanos() / 1000 * 1000,
            "a valid time does not round-trip to microseconds");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    // Parsing protobuf bytes logs every string that is not UTF-8.
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  if (size == 0) return 0;
  const uint8_t which = data[0];
  const absl::string_view text(reinterpret_cast<const char*>(data + 1),
                               size - 1);
  const absl::Time now = absl::FromUnixSeconds(1612918800);
  switch (which % 12) {
    case 0:
      Refusal(hotline::ParseTicketName(text, "name").status());
      break;
    case 1:
      Refusal(hotline::ParseCardName(text, "name").status());
      break;
    case 2:
      Refusal(hotline::ParseTokenName(text, "name").status());
      break;
    case 3:
      Refusal(hotline::ParseDepartmentName(text, "department").status());
      break;
    case 4:
      Refusal(hotline::ParseDay(text, "from_date").status());
      break;
    case 5: {
      absl::StatusOr<hotline::Principal> principal =
          hotline::Principal::Parse(text);
      Refusal(principal.status());
      if (principal.ok()) {
        Require(principal->ToString() == text,
                "a principal does not round-trip");
      }
      break;
    }
    case 6:
      Refusal(hotline::CheckRequiredText(text, "reason", 20));
      Refusal(hotline::CheckOptionalText(text, "note", 20));
      Refusal(hotline::CheckUtf8(text, "note"));
      break;
    case 7: {
      hotline::v1::Ticket ticket;
      if (!ticket.ParseFromArray(text.data(), static_cast<int>(text.size()))) {
        break;
      }
      Refusal(hotline::ValidateNewTicket(ticket, now));
      break;
    }
    case 8: {
      google::protobuf::Timestamp timestamp;
      int64_t seconds = 0;
      int32_t nanos = 0;
      std::memcpy(&seconds, text.data(), std::min(text.size(), sizeof seconds));
      if (text.size() > sizeof seconds) {
        std::memcpy(&nanos, text.data() + sizeof seconds,
                    std::min(text.size() - sizeof seconds, sizeof nanos));
      }
      timestamp.set_seconds(seconds);
      timestamp.set_nanos(nanos);
      Time(timestamp);
      break;
    }
    case 9: {
      hotline::v1::ListCardsRequest request;
      if (!request.ParseFromArray(text.data(), static_cast<int>(text.size()))) {
        break;
      }
      if (request.has_issued_from()) Time(request.issued_from());
      if (request.has_issued_to()) Time(request.issued_to());
      Refusal(hotline::EffectivePageSize(request.page_size()).status());
      break;
    }
    case 10: {
      const size_t nul = text.find('\0');
      const std::string message = hotline::RequestParseErrorMessage(
          text.substr(0, nul),
          nul == absl::string_view::npos ? "" : text.substr(nul + 1));
      CheckMessage(absl::InvalidArgumentError(message));
      break;
    }
    case 11: {
      absl::Time time;
      std::string error;
      if (absl::ParseTime(absl::RFC3339_full, std::string(text), &time,
                          &error)) {
        Refusal(hotline::CheckTime(time, "received_at"));
      }
      break;
    }
  }
  return 0;
}
