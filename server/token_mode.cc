// hotline-server --create_token: a token made directly in the database, how
// the first bureau token is made (server/modes.h).
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "common/status_macros.h"
#include "server/modes.h"
#include "storage/open_store.h"

namespace hotline {
namespace {

absl::StatusOr<v1::Token> CreateToken(const std::string& db,
                                      const std::string& principal,
                                      const std::string& token_name,
                                      const std::string& time_zone) {
  storage::StoreOptions options;
  options.path = db;
  options.read_connections = 1;
  options.time_zone = time_zone;
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store,
                   storage::OpenStore(options));
  return CreateTokenDirectly(*store, principal, token_name, absl::Now());
}

}  // namespace

int FailWith(const absl::Status& status, int exit_code) {
  std::cerr << "hotline-server: " << status.message() << "\n";
  return exit_code;
}

int CreateTokenMode(const std::string& db, const std::string& principal,
                    const std::string& token_name,
                    const std::string& time_zone) {
  absl::StatusOr<v1::Token> token =
      CreateToken(db, principal, token_name, time_zone);
  if (!token.ok()) return FailWith(token.status(), 1);
  // The secret alone on stdout, so scripts can capture it; the rest on stderr.
  std::cerr << "created " << token->name() << " for " << token->principal()
            << "; the secret is shown only now:\n";
  std::cout << token->secret() << std::endl;
  return 0;
}

}  // namespace hotline
