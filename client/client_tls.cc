#include "client/client_tls.h"

#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the TLS ", what, " file ", path));
  }
  std::stringstream content;
  content << in.rdbuf();
  if (!absl::StrContains(content.str(), "-----BEGIN ")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the TLS ", what, " file ", path, " holds no PEM block (-----BEGIN)"));
  }
  return content.str();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFor(
    const ClientTlsOptions& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate and its key go together: give both (mutual "
        "TLS) or neither");
  }
  if (!tls.enabled()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  if (!tls.ca_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(tls.ca_file, "CA"));
  }
  if (!tls.cert_file.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_cert_chain, ReadPem(tls.cert_file, "certificate"));
    ASSIGN_OR_RETURN(ssl.pem_private_key, ReadPem(tls.key_file, "key"));
  }
  return grpc::SslCredentials(ssl);
}

void ApplyServerNameOverride(const ClientTlsOptions& tls,
                             grpc::ChannelArguments* arguments) {
  if (tls.enabled() && !tls.server_name.empty()) {
    arguments->SetSslTargetNameOverride(tls.server_name);
  }
}

}  // namespace hotline
