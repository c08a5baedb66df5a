// How the server's listening port is secured: plaintext, TLS, or mutual
// TLS (client certificates requested and verified against a client CA).
// The certificate, key and client CA files are re-read by gRPC's
// FileWatcherCertificateProvider every `refresh_interval`, so replacing them
// (atomically: write a new file, then rename it over the old) rotates them
// without a restart; connections made before keep their handshake.
//
//   TransportSecurityOptions tls;
//   tls.cert_file = "/etc/hotline/server.crt";   // chain, leaf first
//   tls.key_file = "/etc/hotline/server.key";
//   tls.client_ca_file = "/etc/hotline/clients-ca.crt";  // mTLS
//   ASSIGN_OR_RETURN(auto credentials,
//                    MakeServerCredentials("0.0.0.0:7345", tls));
//
// Thread-safe (stateless functions).
#ifndef HOTLINE_SERVER_TRANSPORT_SECURITY_H_
#define HOTLINE_SERVER_TRANSPORT_SECURITY_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/loopback_address.h"  // IsLoopbackAddress

namespace grpc {
class ServerCredentials;
}

namespace hotline {

enum class ClientAuth {
  // A client certificate is asked for and, when sent, verified; a call
  // without one authenticates by bearer token.
  kOptional,
  // The handshake fails without a client certificate the client CA signed.
  kRequire,
};

struct TransportSecurityOptions {
  // The server's certificate chain and private key (PEM). Both empty:
  // plaintext.
  std::string cert_file;
  std::string key_file;
  // The CA certificates (PEM) that sign client certificates. Empty: no
  // client certificates are asked for.
  std::string client_ca_file;
  ClientAuth client_auth = ClientAuth::kRequire;
  // Plaintext on an address that is not loopback is refused unless set.
  bool insecure = false;
  // How often the files are re-read (whole seconds, at least 1).
  absl::Duration refresh_interval = absl::Seconds(60);
};

// Parses "optional" or "require"; INVALID_ARGUMENT otherwise.
absl::StatusOr<ClientAuth> ParseClientAuth(absl::string_view text);

// The credentials to listen on `address` with. FAILED_PRECONDITION, with a
// one-line reason, when plaintext is asked for on an address that is not
// loopback without `insecure`; INVALID_ARGUMENT when the options do not fit
// together (a key without a certificate, a client CA without TLS); and
// FAILED_PRECONDITION naming the file when a file cannot be read, holds no
// PEM certificate or key, or the key does not match the certificate.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    absl::string_view address, const TransportSecurityOptions& options);

// For the start-up log line: "plaintext", "TLS", "mutual TLS (client
// certificate required)" or "mutual TLS (client certificate optional)".
std::string DescribeTransport(const TransportSecurityOptions& options);

// Fills `options` from hotline-server's flags (--tls_cert, --tls_key,
// --tls_client_ca, --tls_client_auth: "" for the default require,
// --tls_refresh_seconds, --insecure); INVALID_ARGUMENT with a one-line
// reason for a bad value (--tls_client_auth without --tls_client_ca, a
// refresh under 1 s).
absl::Status TransportFromFlags(const std::string& cert_file,
                                const std::string& key_file,
                                const std::string& client_ca_file,
                                const std::string& client_auth,
                                int refresh_seconds, bool insecure,
                                TransportSecurityOptions* options);

// What the server logs on SIGHUP (which never stops it): "SIGHUP:
// certificates are re-read from their files every 60 s", or that it serves
// plaintext.
std::string DescribeSighup(const TransportSecurityOptions& options);

}  // namespace hotline

#endif  // HOTLINE_SERVER_TRANSPORT_SECURITY_H_
