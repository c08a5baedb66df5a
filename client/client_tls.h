// The client side of transport security: which CA verifies the server,
// and (mutual TLS) this client's certificate and key. Used by
// hotline::Client, hotlinectl and the department agent.
//
//   ClientTlsOptions tls;
//   tls.ca_file = "ca.crt";                  // TLS
//   tls.cert_file = "agent.crt";             // + mutual TLS
//   tls.key_file = "agent.key";
//   ASSIGN_OR_RETURN(auto credentials, ChannelCredentialsFor(tls));
//
// Thread-safe (stateless functions).
#ifndef HOTLINE_CLIENT_CLIENT_TLS_H_
#define HOTLINE_CLIENT_CLIENT_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace grpc {
class ChannelCredentials;
class ChannelArguments;
}  // namespace grpc

namespace hotline {

struct ClientTlsOptions {
  // The CA certificates (PEM) that verify the server's certificate. TLS is
  // used when this or cert_file is set; with cert_file alone, the system's
  // CA certificates verify the server.
  std::string ca_file;
  // Mutual TLS: this client's certificate chain and private key (PEM); both
  // or neither.
  std::string cert_file;
  std::string key_file;
  // The name the server's certificate must carry, when not the host of the
  // target (e.g. connecting by IP to a certificate for a DNS name).
  std::string server_name;

  bool enabled() const { return !ca_file.empty() || !cert_file.empty(); }
};

// The credentials for a channel: insecure when `tls` is not enabled, SSL
// credentials from the files otherwise. INVALID_ARGUMENT when a key comes
// without a certificate or the reverse; FAILED_PRECONDITION naming a file
// that cannot be read or holds no PEM block.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const ClientTlsOptions& tls);

// Sets the channel argument that overrides the name checked against the
// server's certificate, when tls.server_name is set.
void ApplyServerNameOverride(const ClientTlsOptions& tls,
                             grpc::ChannelArguments* arguments);

}  // namespace hotline

#endif  // HOTLINE_CLIENT_CLIENT_TLS_H_
