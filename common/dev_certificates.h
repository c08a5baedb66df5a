// Certificates for tests and benchmarks, made on the spot with OpenSSL: a
// CA, a server certificate for 127.0.0.1/localhost, and client
// certificates with a chosen common name and subject alternative names.
// Keys are ECDSA P-256, unencrypted. NOT for production: keys are written
// to plain files and certificates live a day by default.
//
//   ASSIGN_OR_RETURN(Pem ca, MakeCertificateAuthority("test CA"));
//   ASSIGN_OR_RETURN(Pem server, IssueCertificate(ca, ServerCertificate()));
//   ASSIGN_OR_RETURN(CertificateFiles files,
//                    WritePem(server, dir, "server"));  // server.crt/.key
//
// Thread-safe (stateless functions).
#ifndef HOTLINE_COMMON_DEV_CERTIFICATES_H_
#define HOTLINE_COMMON_DEV_CERTIFICATES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hotline {

// A certificate and its private key, PEM.
struct Pem {
  std::string certificate;
  std::string key;
};

struct CertificateRequest {
  std::string common_name;
  // Subject alternative names.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::vector<std::string> uris;
  // serverAuth when true, clientAuth otherwise (extended key usage).
  bool server = false;
  absl::Duration validity = absl::Hours(24);
};

// The request for a server certificate for "localhost" and 127.0.0.1.
CertificateRequest ServerCertificate();
// The request for a client certificate with this common name and (optional)
// DNS subject alternative names.
CertificateRequest ClientCertificate(std::string common_name,
                                     std::vector<std::string> dns_names = {});

// A self-signed CA certificate (basicConstraints CA:TRUE) and its key.
absl::StatusOr<Pem> MakeCertificateAuthority(absl::string_view common_name);

// A certificate for `request`, signed by `ca`.
absl::StatusOr<Pem> IssueCertificate(const Pem& ca,
                                     const CertificateRequest& request);

struct CertificateFiles {
  std::string certificate_file;  // <dir>/<base>.crt
  std::string key_file;          // <dir>/<base>.key, mode 0600
};

// Writes <dir>/<base>.crt and <dir>/<base>.key, each atomically (a
// temporary file renamed over the old one, so a watcher never reads half a
// file). The key is written first.
absl::StatusOr<CertificateFiles> WritePem(const Pem& pem,
                                          const std::string& dir,
                                          absl::string_view base);

// Writes `content` to `path` atomically (temporary file, then rename) with
// mode `mode`.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view content, int mode = 0644);

}  // namespace hotline

#endif  // HOTLINE_COMMON_DEV_CERTIFICATES_H_
