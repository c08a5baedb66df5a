#include "server/authenticator.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/token_secret.h"
#include "storage/queries.h"

namespace hotline {
namespace {

constexpr absl::string_view kScheme = "Bearer ";

}  // namespace

std::string CredentialKey(absl::string_view authorization) {
  if (!absl::StartsWithIgnoreCase(authorization, kScheme) ||
      authorization.size() == kScheme.size()) {
    return "";
  }
  return HashTokenSecret(authorization.substr(kScheme.size()));
}

absl::StatusOr<std::map<std::string, std::string>> RevokedCredentials(
    storage::Store& store, const std::set<std::string>& keys) {
  return store.Read<std::map<std::string, std::string>>(
      [&](storage::Connection& db)
          -> absl::StatusOr<std::map<std::string, std::string>> {
        std::map<std::string, std::string> revoked;
        for (const std::string& key : keys) {
          absl::StatusOr<std::optional<storage::TokenRecord>> record =
              storage::LoadTokenBySecretHash(db, key);
          if (!record.ok()) return record.status();
          if (!record->has_value()) {
            revoked[key] = "the token is unknown";
          } else if ((*record)->revoked) {
            revoked[key] = absl::StrCat("the token tokens/", (*record)->id,
                                        " was revoked");
          }
        }
        return revoked;
      });
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "no credentials: send the metadata \"authorization: Bearer <token>\" "
        "(hotlinectl: --token or HOTLINE_TOKEN)");
  }
  if (!absl::StartsWithIgnoreCase(authorization, kScheme) ||
      authorization.size() == kScheme.size()) {
    return absl::UnauthenticatedError(
        "the authorization metadata must be \"Bearer <token>\"");
  }
  const std::string hash = CredentialKey(authorization);
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
