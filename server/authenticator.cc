#include "server/authenticator.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/token_secret.h"
#include "storage/queries.h"

namespace hotline {

absl::StatusOr<Principal> Authenticator::Authenticate(
    absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "no credentials: send the metadata \"authorization: Bearer <token>\" "
        "(hotlinectl: --token or HOTLINE_TOKEN)");
  }
  constexpr absl::string_view kScheme = "Bearer ";
  if (!absl::StartsWithIgnoreCase(authorization, kScheme) ||
      authorization.size() == kScheme.size()) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <token>\"");
  }
  const std::string hash =
      HashTokenSecret(authorization.substr(kScheme.size()));
  absl::StatusOr<std::optional<storage::TokenRecord>> record =
      store_->Read<std::optional<storage::TokenRecord>>(
          [&](storage::Connection& db) {
            return storage::LoadTokenBySecretHash(db, hash);
          });
  if (!record.ok()) return record.status();
  if (!record->has_value() || (*record)->revoked) {
    return absl::UnauthenticatedError(
        "the token is unknown or revoked; ask the bureau for a new one");
  }
  absl::StatusOr<Principal> principal = Principal::Parse((*record)->principal);
  if (!principal.ok()) {
    return absl::InternalError(
        absl::StrCat("token ", (*record)->id,
                     " has a bad principal: ", principal.status().message()));
  }
  return principal;
}

}  // namespace hotline
