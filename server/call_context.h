// What every gRPC handler reads from its call and how it answers: the
// caller's credentials, who called (for the access log), and the
// absl::Status of a use case as the grpc::Status the client gets (with its
// google.rpc details; internal failures logged in full and answered
// without SQL or paths).
//
// Thread-safe (pure functions of their arguments).
#ifndef HOTLINE_SERVER_CALL_CONTEXT_H_
#define HOTLINE_SERVER_CALL_CONTEXT_H_

#include <string>

#include "absl/status/status.h"
#include "app/authenticator.h"
#include "grpcpp/grpcpp.h"

namespace hotline {

// `status` as the client gets it; `method` names the call in the log.
grpc::Status ToGrpcStatus(const absl::Status& status, const char* method);

// The call's bearer token and verified client certificate identities.
CallCredentials CredentialsOf(const grpc::CallbackServerContext* context);

// Who called, for the access log: the transport's peer, or for a call the
// HTTP gateway makes over the in-process channel (whose peer gRPC does not
// know), the HTTP client's address the gateway passes on. Only the
// in-process channel is trusted with it: a network client cannot set it.
std::string PeerOf(const grpc::CallbackServerContext* context);

}  // namespace hotline

#endif  // HOTLINE_SERVER_CALL_CONTEXT_H_
