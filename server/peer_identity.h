// The identities of the client certificate a connection verified (mutual
// TLS), read from a call's grpc::AuthContext: the certificate's subject
// alternative names ("x509_subject_alternative_name"), then its subject's
// common name ("x509_common_name"), without repeats. These are what a
// Token.certificate_identity is matched against.
//
//   std::vector<std::string> ids =
//       CertificateIdentitiesOf(context->auth_context().get());
//
// Thread-safe (reads only its argument).
#ifndef HOTLINE_SERVER_PEER_IDENTITY_H_
#define HOTLINE_SERVER_PEER_IDENTITY_H_

#include <string>
#include <vector>

namespace grpc {
class AuthContext;
}

namespace hotline {

// Empty when `context` is null, or the peer is not authenticated by a
// certificate (plaintext, or TLS without a client certificate).
std::vector<std::string> CertificateIdentitiesOf(
    const grpc::AuthContext* context);

}  // namespace hotline

#endif  // HOTLINE_SERVER_PEER_IDENTITY_H_
