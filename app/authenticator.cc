#include "app/authenticator.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "app/token_secret.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/store.h"

namespace hotline {
namespace {

constexpr absl::string_view kScheme = "Bearer ";
constexpr absl::string_view kTokenPrefix = "tokens/";

using storage::TokenRecord;

std::string TokenName(int64_t id) { return absl::StrCat(kTokenPrefix, id); }

absl::Status Refuse(std::string message, v1::ErrorReason reason,
                    ErrorMetadata metadata = {}) {
  return WithReason(absl::UnauthenticatedError(std::move(message)), reason,
                    metadata);
}

// The principal a token record speaks for, its credential set.
absl::StatusOr<Principal> PrincipalOf(const TokenRecord& record) {
  absl::StatusOr<Principal> principal = Principal::Parse(record.principal);
  if (!principal.ok()) {
    return absl::InternalError(
        absl::StrCat("token ", record.id,
                     " has a bad principal: ", principal.status().message()));
  }
  principal->credential = TokenName(record.id);
  return principal;
}

// What the store says about one call's credentials.
struct Found {
  std::optional<TokenRecord> token;  // set when a bearer token was sent
  // Of the certificate's identities: the live bindings, and the first
  // revoked one (when none is live).
  std::vector<TokenRecord> live_bindings;
  std::optional<TokenRecord> revoked_binding;
};

// Credentials of some kind, and a bearer token of the right form.
absl::Status CheckPresented(const CallCredentials& credentials) {
  const std::string& authorization = credentials.authorization;
  if (authorization.empty() && credentials.certificate_identities.empty()) {
    return Refuse(
        "no credentials: send the metadata \"authorization: Bearer <token>\" "
        "(hotlinectl: --token or HOTLINE_TOKEN), or connect with a client "
        "certificate bound to a principal",
        v1::CREDENTIALS_MISSING);
  }
  if (!authorization.empty() &&
      (!absl::StartsWithIgnoreCase(authorization, kScheme) ||
       authorization.size() == kScheme.size())) {
    return Refuse("the authorization metadata must be \"Bearer <token>\"",
                  v1::TOKEN_INVALID);
  }
  return absl::OkStatus();
}

// The token whose secret hashes to `*hash` (when a token was sent), and the
// bindings of the certificate's identities.
absl::StatusOr<Found> Lookup(storage::Store& store, const std::string* hash,
                             const std::vector<std::string>& identities) {
  Found found;
  if (hash != nullptr) {
    ASSIGN_OR_RETURN(found.token, store.LoadTokenBySecretHash(*hash));
  }
  for (const std::string& identity : identities) {
    ASSIGN_OR_RETURN(std::optional<TokenRecord> binding,
                     store.LoadTokenByCertificateIdentity(identity));
    if (!binding.has_value()) continue;
    if (binding->revoked) {
      if (!found.revoked_binding) found.revoked_binding = *binding;
    } else {
      found.live_bindings.push_back(*binding);
    }
  }
  return found;
}

// The binding the certificate speaks for, if it is bound: refused when its
// identities are bound to two principals.
absl::StatusOr<std::optional<TokenRecord>> CertificateBinding(
    const Found& found) {
  std::optional<TokenRecord> certificate;
  for (const TokenRecord& binding : found.live_bindings) {
    if (certificate && certificate->principal != binding.principal) {
      return Refuse(
          absl::StrCat("the client certificate's identities are bound to two "
                       "principals (",
                       certificate->principal, ", ", binding.principal,
                       "); the bureau must revoke one binding"),
          v1::CREDENTIALS_CONFLICT,
          {{"certificate_principal",
            absl::StrCat(certificate->principal, ",", binding.principal)}});
    }
    if (!certificate) certificate = binding;
  }
  return certificate;
}

// The principal a live token speaks for, unless the certificate sent with
// it speaks for another.
absl::StatusOr<Principal> TokenPrincipal(
    const Found& found, const std::optional<TokenRecord>& certificate) {
  if (!found.token.has_value()) {
    return Refuse(
        "the token is unknown or revoked; check that the whole secret was "
        "copied, or ask the bureau for a new one",
        v1::TOKEN_INVALID);
  }
  const TokenRecord& token = *found.token;
  if (token.revoked) {
    return Refuse(absl::StrCat("the token ", TokenName(token.id),
                               " was revoked; ask the bureau for a new one"),
                  v1::TOKEN_REVOKED, {{"token", TokenName(token.id)}});
  }
  if (certificate && certificate->principal != token.principal) {
    return Refuse(
        absl::StrCat("the bearer token speaks for ", token.principal,
                     " but the client certificate for ", certificate->principal,
                     "; send the credentials of one principal"),
        v1::CREDENTIALS_CONFLICT,
        {{"token_principal", token.principal},
         {"certificate_principal", certificate->principal}});
  }
  return PrincipalOf(token);
}

// Who the credentials found speak for, or why they are refused.
absl::StatusOr<Principal> Decide(const Found& found, bool has_token,
                                 const std::vector<std::string>& identities) {
  ASSIGN_OR_RETURN(const std::optional<TokenRecord> certificate,
                   CertificateBinding(found));
  if (has_token) return TokenPrincipal(found, certificate);
  if (certificate) return PrincipalOf(*certificate);
  if (found.revoked_binding) {
    const std::string name = TokenName(found.revoked_binding->id);
    return Refuse(
        absl::StrCat("the binding ", name,
                     " of this client certificate was revoked; ask the bureau "
                     "to bind it again or for a token"),
        v1::TOKEN_REVOKED, {{"token", name}});
  }
  return Refuse(
      absl::StrCat("the client certificate \"", identities.front(),
                   "\" is bound to no principal; the bureau binds it with "
                   "hotlinectl token create PRINCIPAL --certificate_identity=",
                   identities.front()),
      v1::CERTIFICATE_UNBOUND, {{"certificate_identity", identities.front()}});
}

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> RevokedCredentials(
    storage::Store& store, const std::set<std::string>& credentials) {
  return [&]() -> absl::StatusOr<std::map<std::string, std::string>> {
    std::map<std::string, std::string> revoked;
    for (const std::string& credential : credentials) {
      if (credential.empty()) continue;  // not from a token: nothing to end
      int64_t id = 0;
      if (!absl::StartsWith(credential, kTokenPrefix) ||
          !absl::SimpleAtoi(credential.substr(kTokenPrefix.size()), &id)) {
        revoked[credential] = "the credential is unknown";
        continue;
      }
      ASSIGN_OR_RETURN(std::optional<TokenRecord> record,
                       store.LoadTokenRecord(id));
      if (!record.has_value()) {
        revoked[credential] = "the token is unknown";
      } else if (record->revoked) {
        revoked[credential] =
            absl::StrCat("the token ", credential, " was revoked");
      }
    }
    return revoked;
  }();
}

void Authenticator::ForgetTokens() {
  absl::MutexLock lock(&cache_mutex_);
  live_tokens_.clear();
  ++generation_;
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    const CallCredentials& credentials) const {
  RETURN_IF_ERROR(CheckPresented(credentials));
  const std::string& authorization = credentials.authorization;
  const bool has_token = !authorization.empty();
  // A token alone that was live when last looked up, and not forgotten
  // since: no read.
  const std::string hash =
      has_token ? HashTokenSecret(authorization.substr(kScheme.size())) : "";
  const bool cacheable =
      has_token && credentials.certificate_identities.empty();
  uint64_t generation = 0;
  if (cacheable) {
    absl::MutexLock lock(&cache_mutex_);
    // Another server sharing the database may revoke a token: remembered
    // tokens are looked up again after at most kRememberFor.
    constexpr absl::Duration kRememberFor = absl::Seconds(2);
    const absl::Time now = absl::Now();
    if (now - cleared_at_ >= kRememberFor) {
      live_tokens_.clear();
      ++generation_;
      cleared_at_ = now;
    }
    auto it = live_tokens_.find(hash);
    if (it != live_tokens_.end()) return PrincipalOf(it->second);
    generation = generation_;
  }
  ASSIGN_OR_RETURN(const Found found,
                   Lookup(*store_, has_token ? &hash : nullptr,
                          credentials.certificate_identities));
  if (cacheable && found.token.has_value() && !found.token->revoked) {
    constexpr size_t kMaxRemembered = 10000;
    absl::MutexLock lock(&cache_mutex_);
    if (generation == generation_ && live_tokens_.size() < kMaxRemembered) {
      live_tokens_.emplace(hash, *found.token);
    }
  }
  return Decide(found, has_token, credentials.certificate_identities);
}

}  // namespace hotline
