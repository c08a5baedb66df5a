#include "server/grpc_log.h"

#include <grpc/support/log.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log.h"

namespace hotline {
namespace {

void Write(gpr_log_func_args* args) {
  absl::string_view file = args->file == nullptr ? "" : args->file;
  const size_t slash = file.rfind('/');
  if (slash != absl::string_view::npos) file.remove_prefix(slash + 1);
  const std::string line =
      absl::StrCat("grpc: ", file, ":", args->line, " ",
                   args->message == nullptr ? "" : args->message);
  if (args->severity == GPR_LOG_SEVERITY_ERROR) {
    LogWarning(line);
  } else {
    LogInfo(line);
  }
}

}  // namespace

void RouteGrpcLogs() { gpr_set_log_function(&Write); }

}  // namespace hotline
