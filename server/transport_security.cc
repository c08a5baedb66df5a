#include "server/transport_security.h"

#include <arpa/inet.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the ", what, " file ", path));
  }
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// A BIO reading `pem`, freed at scope exit.
struct MemoryBio {
  explicit MemoryBio(const std::string& pem)
      : bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))) {}
  ~MemoryBio() { BIO_free(bio); }
  BIO* bio;
};

// Checks that the files hold a certificate, a key that matches it, and (if
// given) at least one CA certificate, so that a mistake is refused at start
// rather than by every handshake.
absl::Status CheckFiles(const TransportSecurityOptions& options) {
  ASSIGN_OR_RETURN(const std::string chain,
                   ReadFile(options.cert_file, "certificate (--tls_cert)"));
  ASSIGN_OR_RETURN(const std::string key,
                   ReadFile(options.key_file, "key (--tls_key)"));
  MemoryBio chain_bio(chain);
  X509* leaf = PEM_read_bio_X509(chain_bio.bio, nullptr, nullptr, nullptr);
  if (leaf == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the certificate file ", options.cert_file,
        " holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
  }
  MemoryBio key_bio(key);
  EVP_PKEY* private_key =
      PEM_read_bio_PrivateKey(key_bio.bio, nullptr, nullptr, nullptr);
  absl::Status status;
  if (private_key == nullptr) {
    status = absl::FailedPreconditionError(
        absl::StrCat("the key file ", options.key_file,
                     " holds no unencrypted PEM private key"));
  } else if (X509_check_private_key(leaf, private_key) != 1) {
    status = absl::FailedPreconditionError(absl::StrCat(
        "the key in ", options.key_file, " does not match the certificate in ",
        options.cert_file, " (its first certificate must be the server's)"));
  }
  EVP_PKEY_free(private_key);
  X509_free(leaf);
  if (!status.ok() || options.client_ca_file.empty()) return status;
  ASSIGN_OR_RETURN(
      const std::string ca,
      ReadFile(options.client_ca_file, "client CA (--tls_client_ca)"));
  MemoryBio ca_bio(ca);
  X509* ca_cert = PEM_read_bio_X509(ca_bio.bio, nullptr, nullptr, nullptr);
  if (ca_cert == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the client CA file ", options.client_ca_file,
                     " holds no PEM certificate"));
  }
  X509_free(ca_cert);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ClientAuth> ParseClientAuth(absl::string_view text) {
  if (text == "optional") return ClientAuth::kOptional;
  if (text == "require") return ClientAuth::kRequire;
  return absl::InvalidArgumentError(absl::StrCat(
      "--tls_client_auth must be optional or require, not \"", text, "\""));
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    absl::string_view address, const TransportSecurityOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert and --tls_key go together: give both (TLS) or neither "
        "(plaintext)");
  }
  if (options.cert_file.empty()) {
    if (!options.client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_ca needs TLS: give --tls_cert and --tls_key too");
    }
    if (!options.insecure && !IsLoopbackAddress(address)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to serve plaintext on ", address,
          ", which is not a loopback address: give --tls_cert and --tls_key, "
          "or --insecure if a TLS proxy or a closed network protects it"));
    }
    return grpc::InsecureServerCredentials();
  }
  RETURN_IF_ERROR(CheckFiles(options));
  const unsigned int refresh_seconds = static_cast<unsigned int>(
      std::max<int64_t>(1, absl::ToInt64Seconds(options.refresh_interval)));
  auto provider =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          options.key_file, options.cert_file, options.client_ca_file,
          refresh_seconds);
  grpc::experimental::TlsServerCredentialsOptions tls(provider);
  tls.watch_identity_key_cert_pairs();
  if (options.client_ca_file.empty()) {
    tls.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    tls.watch_root_certs();
    tls.set_cert_request_type(
        options.client_auth == ClientAuth::kRequire
            ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
            : GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(tls);
}

std::string DescribeTransport(const TransportSecurityOptions& options) {
  if (options.cert_file.empty()) {
    return options.insecure ? "plaintext, --insecure" : "plaintext";
  }
  if (options.client_ca_file.empty()) return "TLS";
  return options.client_auth == ClientAuth::kRequire
             ? "mutual TLS (client certificate required)"
             : "mutual TLS (client certificate optional)";
}

absl::Status TransportFromFlags(const std::string& cert_file,
                                const std::string& key_file,
                                const std::string& client_ca_file,
                                const std::string& client_auth,
                                int refresh_seconds, bool insecure,
                                TransportSecurityOptions* options) {
  options->cert_file = cert_file;
  options->key_file = key_file;
  options->client_ca_file = client_ca_file;
  options->insecure = insecure;
  if (!client_auth.empty()) {
    if (client_ca_file.empty()) {
      return absl::InvalidArgumentError(
          "--tls_client_auth needs --tls_client_ca (the CA that signs client "
          "certificates)");
    }
    ASSIGN_OR_RETURN(options->client_auth, ParseClientAuth(client_auth));
  }
  if (refresh_seconds < 1) {
    return absl::InvalidArgumentError(
        "--tls_refresh_seconds must be at least 1");
  }
  options->refresh_interval = absl::Seconds(refresh_seconds);
  return absl::OkStatus();
}

std::string DescribeSighup(const TransportSecurityOptions& options) {
  if (options.cert_file.empty()) {
    return "SIGHUP: ignored (plaintext: there are no certificates to reload)";
  }
  return absl::StrCat(
      "SIGHUP: certificates are re-read from their files every ",
      absl::ToInt64Seconds(options.refresh_interval), " s");
}

}  // namespace hotline
