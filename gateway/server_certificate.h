// The HTTPS server's certificate chain and key, read from PEM files and
// re-read when they change, so that replacing them (write new files, then
// rename them over the old) rotates them without a restart. Each TLS
// handshake takes the pair current at its start (OpenSSL's certificate
// callback); connections made before keep theirs.
//
// Thread-safe.
#ifndef HOTLINE_GATEWAY_SERVER_CERTIFICATE_H_
#define HOTLINE_GATEWAY_SERVER_CERTIFICATE_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hotline::gateway {

class ServerCertificate {
 public:
  // Reads both files now: FAILED_PRECONDITION naming the file when one
  // cannot be read, holds no certificate or key, or the key does not match.
  static absl::StatusOr<std::unique_ptr<ServerCertificate>> Load(
      std::string cert_file, std::string key_file,
      absl::Duration refresh_interval);
  ~ServerCertificate();

  // Makes `context` present the current pair in every handshake.
  // `this` must outlive the context.
  void InstallIn(SSL_CTX* context);

 private:
  struct Pair;
  ServerCertificate() = default;
  static absl::StatusOr<std::shared_ptr<const Pair>> Read(
      const std::string& cert_file, const std::string& key_file);
  // The pair to present, re-reading the files at most once per interval
  // when their modification times changed (a failed read keeps the old
  // pair and logs why).
  std::shared_ptr<const Pair> Current();
  static int OnHandshake(SSL* ssl, void* self);

  std::string cert_file_;
  std::string key_file_;
  absl::Duration refresh_interval_;
  absl::Mutex mutex_;
  std::shared_ptr<const Pair> pair_ ABSL_GUARDED_BY(mutex_);
  absl::Time next_check_ ABSL_GUARDED_BY(mutex_);
  std::string stamp_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_SERVER_CERTIFICATE_H_
