#include "common/proto_time.h"

namespace hotline {

google::protobuf::Timestamp ToProtoTime(absl::Time time) {
  const int64_t micros = absl::ToUnixMicros(time);
  google::protobuf::Timestamp timestamp;
  int64_t seconds = micros / 1000000;
  int64_t remainder = micros % 1000000;
  if (remainder < 0) {
    remainder += 1000000;
    seconds -= 1;
  }
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(remainder * 1000));
  return timestamp;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

bool IsSet(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() != 0 || timestamp.nanos() != 0;
}

int64_t ToUnixMicros(const google::protobuf::Timestamp& timestamp) {
  // absl::Time saturates at its infinities, and ToUnixMicros maps them to
  // the int64 limits: no signed overflow for any input.
  return absl::ToUnixMicros(FromProtoTime(timestamp));
}

bool IsValidApiTime(absl::Time time) {
  return time >= kMinApiTime && time < kMaxApiTime;
}

bool IsValidProtoTime(const google::protobuf::Timestamp& timestamp) {
  return timestamp.nanos() >= 0 && timestamp.nanos() < 1000000000 &&
         IsValidApiTime(FromProtoTime(timestamp));
}

std::string FormatRfc3339(const google::protobuf::Timestamp& timestamp) {
  return absl::FormatTime(absl::RFC3339_full, FromProtoTime(timestamp),
                          absl::UTCTimeZone());
}

}  // namespace hotline
