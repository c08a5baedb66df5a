// Never built by default: the test build.app_refuses_grpcpp compiles it with
// app/'s options (app/CMakeLists.txt) and passes only when the compiler
// refuses it, so a use case that included gRPC would not build either.
#include <grpcpp/grpcpp.h>

#include "app/ticket_service.h"

int main() { return 0; }
