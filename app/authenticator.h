// Decides who is calling from what the call presented: the "authorization"
// metadata (a bearer token) and the identities of the client certificate
// the connection verified (mutual TLS), each looked up in the store.
//
//   Authenticator auth(store);
//   CallCredentials presented;
//   presented.authorization = "Bearer hl_...";
//   presented.certificate_identities = {"agent.housing.example"};
//   absl::StatusOr<Principal> who = auth.Authenticate(presented);
//
// The decision (every refusal UNAUTHENTICATED with the errors.proto reason):
//   - a token: its principal. A token that is malformed or unknown is
//     TOKEN_INVALID, a revoked one TOKEN_REVOKED (metadata token). If the
//     certificate is also bound, to a different principal:
//     CREDENTIALS_CONFLICT (metadata token_principal, certificate_principal).
//   - no token, a certificate: the principal its identity is bound to (see
//     Token.certificate_identity); CERTIFICATE_UNBOUND (metadata
//     certificate_identity) when none is, TOKEN_REVOKED (metadata token) when
//     its binding was revoked. Two identities of one certificate bound to
//     different principals: CREDENTIALS_CONFLICT.
//   - neither: CREDENTIALS_MISSING.
// The principal's `credential` names the token or binding ("tokens/7").
// A live bearer token, once looked up, is remembered (up to 10,000 of them),
// so a call with a token alone costs no database read; ForgetTokens, which
// the revocation calls before it answers, drops them all, so a revocation
// takes effect at once. Certificates are looked up in the store every call. A
// long-lived call (a WatchEvents stream) keeps its principal's credential and
// asks RevokedCredentials again while it runs, so that it ends soon after its
// token or binding is revoked.
//
// Thread-safe.
#ifndef HOTLINE_APP_AUTHENTICATOR_H_
#define HOTLINE_APP_AUTHENTICATOR_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/store.h"
#include "workflow/principal.h"

namespace hotline {

// What a call presented (the gRPC edge fills it in).
struct CallCredentials {
  // The "authorization" metadata value; empty when the call had none.
  std::string authorization;
  // The verified client certificate's identities: its subject alternative
  // names, then its subject's common name. Empty without a client
  // certificate (plaintext, TLS without one).
  std::vector<std::string> certificate_identities;
};

class Authenticator final {
 public:
  // `store` must outlive the authenticator.
  explicit Authenticator(storage::Store* store) : store_(store) {}

  absl::StatusOr<Principal> Authenticate(
      const CallCredentials& credentials) const;
  // A call with a bearer token alone.
  absl::StatusOr<Principal> Authenticate(
      absl::string_view authorization) const {
    return Authenticate(CallCredentials{std::string(authorization), {}});
  }

  // Forgets every remembered token: the next call with each is looked up
  // again. Called once a revocation is committed, before it is answered.
  void ForgetTokens();

 private:
  storage::Store* const store_;
  // Live tokens by the hash of their secret; `generation_` counts the
  // ForgetTokens calls, so that a lookup that began before one does not
  // remember what it read.
  mutable absl::Mutex cache_mutex_;
  mutable std::map<std::string, storage::TokenRecord> live_tokens_
      ABSL_GUARDED_BY(cache_mutex_);
  mutable uint64_t generation_ ABSL_GUARDED_BY(cache_mutex_) = 0;
  // When the remembered tokens were last all forgotten: a revocation made
  // by another server sharing the database counts within two seconds.
  mutable absl::Time cleared_at_ ABSL_GUARDED_BY(cache_mutex_);
};

// Of `credentials` (Principal::credential values, "tokens/{id}", of calls
// that authenticated), those whose token or certificate binding is now
// revoked or unknown, each with the reason to end its calls with
// (UNAUTHENTICATED), naming it: "the token tokens/7 was revoked". An empty
// credential is skipped. One read of the store.
absl::StatusOr<std::map<std::string, std::string>> RevokedCredentials(
    storage::Store& store, const std::set<std::string>& credentials);

}  // namespace hotline

#endif  // HOTLINE_APP_AUTHENTICATOR_H_
