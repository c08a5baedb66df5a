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

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace hotline {

google::protobuf::Timestamp ToProtoTime(absl::Time time);
absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp);

// True unless the timestamp is the default (unset) value.
bool IsSet(const google::protobuf::Timestamp& timestamp);

// UTC microseconds since the Unix epoch: how the store keeps instants.
int64_t ToUnixMicros(const google::protobuf::Timestamp& timestamp);

// True when the timestamp is within the range RFC 3339 can express
// (0001-01-01 to 9999-12-31) and its nanos are in [0, 1e9).
bool IsValidProtoTime(const google::protobuf::Timestamp& timestamp);

}  // namespace hotline

#endif  // HOTLINE_COMMON_PROTO_TIME_H_
