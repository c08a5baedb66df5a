#include "server/grpc_status.h"

#include <string>

#include "common/error_details.h"

namespace hotline {

grpc::Status GrpcStatusOf(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()),
                      ToRpcStatus(status).SerializeAsString());
}

}  // namespace hotline
