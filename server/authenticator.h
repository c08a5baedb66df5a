// Turns the "authorization" metadata of a call into the calling Principal.
//
//   Authenticator auth(store);
//   absl::StatusOr<Principal> who = auth.Authenticate("Bearer hl_...");
//
// UNAUTHENTICATED, with what to do, when the header is missing or malformed
// or the token is unknown or revoked. Every call looks the token up in the
// store, so a revocation takes effect at once. A long-lived call (a
// WatchEvents stream) keeps its CredentialKey and asks RevokedCredentials
// again while it runs, so that it ends soon after its token is revoked.
//
// Thread-safe.
#ifndef HOTLINE_SERVER_AUTHENTICATOR_H_
#define HOTLINE_SERVER_AUTHENTICATOR_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/workflow/principal.h"
#include "storage/store.h"

namespace hotline {

class Authenticator final {
 public:
  // `store` must outlive the authenticator.
  explicit Authenticator(storage::Store* store) : store_(store) {}

  // `authorization` is the metadata value; empty when the call had none.
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization) const;

 private:
  storage::Store* const store_;
};

// What identifies the token of `authorization` in the store (the SHA-256 of
// its secret); empty when `authorization` is not "Bearer <secret>".
std::string CredentialKey(absl::string_view authorization);

// Of `keys` (CredentialKey values of calls that authenticated), those whose
// token is now revoked or unknown, each with the reason to end its calls
// with (UNAUTHENTICATED), naming the token: "the token tokens/7 was
// revoked". One read of the store.
absl::StatusOr<std::map<std::string, std::string>> RevokedCredentials(
    storage::Store& store, const std::set<std::string>& keys);

}  // namespace hotline

#endif  // HOTLINE_SERVER_AUTHENTICATOR_H_
