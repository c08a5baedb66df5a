// gRPC's own log lines (handshake failures, transport errors) written
// through the service's logger (common/log.h), so that they share its
// format: with --log_format=json every line on stderr stays a JSON object.
//
//   RouteGrpcLogs();   // once, at start, before the server starts
//
// gRPC's errors become warnings ("grpc: ssl_transport_security.cc:1501
// Handshake failed ..."): they are about one caller's connection, not the
// service. Thread-safe once set (gRPC calls the hook from any thread).
#ifndef HOTLINE_SERVER_GRPC_LOG_H_
#define HOTLINE_SERVER_GRPC_LOG_H_

namespace hotline {

void RouteGrpcLogs();

}  // namespace hotline

#endif  // HOTLINE_SERVER_GRPC_LOG_H_
