// Turns the "authorization" metadata of a call into the calling Principal.
//
//   Authenticator auth(store);
//   absl::StatusOr<Principal> who = auth.Authenticate("Bearer hl_...");
//
// UNAUTHENTICATED, with what to do, when the header is missing or malformed
// or the token is unknown or revoked. Every call looks the token up in the
// store, so a revocation takes effect at once.
//
// Thread-safe.
#ifndef HOTLINE_SERVER_AUTHENTICATOR_H_
#define HOTLINE_SERVER_AUTHENTICATOR_H_

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

}  // namespace hotline

#endif  // HOTLINE_SERVER_AUTHENTICATOR_H_
