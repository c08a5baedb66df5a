// The rules for binding a client certificate identity to a principal
// (Token.certificate_identity, mutual TLS): what an identity may look like,
// and one binding per identity that is not revoked.
//
//   RETURN_IF_ERROR(CheckCertificateIdentity(token.certificate_identity()));
//   ... in the write: RETURN_IF_ERROR(CheckCertificateUnbound(store, token));
//
// Stateless functions; thread-safe.
#ifndef HOTLINE_APP_CERTIFICATE_BINDING_H_
#define HOTLINE_APP_CERTIFICATE_BINDING_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/store.h"

namespace hotline {

// The longest certificate identity, in characters.
inline constexpr int kMaxCertificateIdentityChars = 255;

// OK for "" (no binding) and for 1 to 255 printable ASCII characters (a
// space allowed inside, not at either end); INVALID_ARGUMENT with a field
// violation on token.certificate_identity otherwise.
absl::Status CheckCertificateIdentity(absl::string_view identity);

// OK when no binding of token.certificate_identity() is live;
// ALREADY_EXISTS (reason ALREADY_EXISTS, metadata resource: the live
// binding's token name) otherwise.
absl::Status CheckCertificateUnbound(storage::Store& store,
                                     const v1::Token& token);

}  // namespace hotline

#endif  // HOTLINE_APP_CERTIFICATE_BINDING_H_
