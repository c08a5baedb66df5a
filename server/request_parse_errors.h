// Requests whose bytes protobuf refuses to parse never reach a handler: a
// string field that is not UTF-8 (proto3 requires it), or bytes that are no
// message at all. gRPC's callback API then answers UNIMPLEMENTED with an empty
// message, which reads as "this server lacks the method". This turns that
// answer into INVALID_ARGUMENT naming the field when protobuf named it:
//
//   ticket.title is not UTF-8 text; send every string field as UTF-8
//   (the request could not be read as a hotline.v1.CreateTicketRequest)
//
// Thread-safe.
#ifndef HOTLINE_SERVER_REQUEST_PARSE_ERRORS_H_
#define HOTLINE_SERVER_REQUEST_PARSE_ERRORS_H_

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/strings/string_view.h"

namespace hotline {

// Adds the interceptor to `builder` (and, once per process, the protobuf log
// handler through which the parser names the field it refused).
void AddRequestParseErrors(grpc::ServerBuilder& builder);

// The message for a request to `method` ("/hotline.v1.HotlineService/X")
// that did not parse, where protobuf named `bad_field` (a full field name
// such as "hotline.v1.Ticket.title"; empty when it named none).
std::string RequestParseErrorMessage(absl::string_view method,
                                     absl::string_view bad_field);

}  // namespace hotline

#endif  // HOTLINE_SERVER_REQUEST_PARSE_ERRORS_H_
