// Conversions between absl::Time and google.protobuf.Timestamp.
//
//   google::protobuf::Timestamp ts = hotline::ToProtoTime(absl::Now());
//   absl::Time t = hotline::FromProtoTime(ts);
//
// An unset Timestamp (seconds == 0 and nanos == 0) stands for "no time" in the
// API; IsSet() tells the two apart. Stateless and thread-safe.
#ifndef HOTLINE_COMMON_PROTO_TIME_H_
#define HOTLINE_COMMON_PROTO_TIME_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace hotline {

google::protobuf::Timestamp ToProtoTime(absl::Time time);
absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp);

// True unless the timestamp is the default (unset) value.
bool IsSet(const google::protobuf::Timestamp& timestamp);

// RFC 3339 in UTC, e.g. "2024-05-06T09:00:00Z" (how error metadata states
// an instant).
std::string FormatRfc3339(const google::protobuf::Timestamp& timestamp);

// UTC microseconds since the Unix epoch: how the store keeps instants.
// Saturates (never overflows) for a timestamp outside the API's range.
int64_t ToUnixMicros(const google::protobuf::Timestamp& timestamp);

// The instants the API accepts from callers: from 1970-01-01T00:00:00Z
// through 9999-12-31T23:59:59.999999999Z (kMaxApiTime itself is excluded).
// Every such instant fits the store's int64 microseconds with room to spare,
// so +1 / -1 on it cannot overflow.
inline constexpr absl::Time kMinApiTime = absl::UnixEpoch();
inline constexpr absl::Time kMaxApiTime =
    absl::FromUnixSeconds(253402300800);  // 10000-01-01T00:00:00Z

// True when kMinApiTime <= time < kMaxApiTime.
bool IsValidApiTime(absl::Time time);

// True when the timestamp is within [kMinApiTime, kMaxApiTime) and its nanos
// are in [0, 1e9).
bool IsValidProtoTime(const google::protobuf::Timestamp& timestamp);

}  // namespace hotline

#endif  // HOTLINE_COMMON_PROTO_TIME_H_
