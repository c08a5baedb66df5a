// Whether a listen address reaches only this machine: the one rule the gRPC
// listener and the HTTP gateway both apply before serving plaintext.
//
// Stateless; thread-safe.
#ifndef HOTLINE_COMMON_LOOPBACK_ADDRESS_H_
#define HOTLINE_COMMON_LOOPBACK_ADDRESS_H_

#include "absl/strings/string_view.h"

namespace hotline {

// True when `address` (host:port, or unix:path) accepts only connections
// from this machine: a unix socket, 127.0.0.0/8, ::1, or "localhost".
bool IsLoopbackAddress(absl::string_view address);

}  // namespace hotline

#endif  // HOTLINE_COMMON_LOOPBACK_ADDRESS_H_
