// Forced into every source of app/ (app/CMakeLists.txt): the use cases know
// no gRPC. Any header that names the `grpc` namespace after this point (all
// of grpcpp does) stops the build with "attempt to use poisoned 'grpc'".
// The edge (server/) turns the use cases' absl::Status into grpc::Status.
#ifndef HOTLINE_APP_NO_GRPC_H_
#define HOTLINE_APP_NO_GRPC_H_
#pragma GCC poison grpc
#endif  // HOTLINE_APP_NO_GRPC_H_
