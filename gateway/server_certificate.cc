#include "gateway/server_certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace hotline::gateway {

struct ServerCertificate::Pair {
  X509* leaf = nullptr;
  STACK_OF(X509) * chain = nullptr;
  EVP_PKEY* key = nullptr;
  ~Pair() {
    X509_free(leaf);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
  }
};

namespace {

// The files' modification times and sizes: changes when either is replaced.
std::string StampOf(const std::string& cert_file, const std::string& key_file) {
  std::string stamp;
  for (const std::string& file : {cert_file, key_file}) {
    struct stat info;
    if (stat(file.c_str(), &info) != 0) return "";
    absl::StrAppend(&stamp, info.st_mtim.tv_sec, ".", info.st_mtim.tv_nsec, ":",
                    info.st_size, ";");
  }
  return stamp;
}

absl::Status Unreadable(const std::string& file, absl::string_view what) {
  ERR_clear_error();
  return absl::FailedPreconditionError(
      absl::StrCat("cannot use ", file, ": ", what));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ServerCertificate::Pair>>
ServerCertificate::Read(const std::string& cert_file,
                        const std::string& key_file) {
  auto pair = std::make_shared<Pair>();
  FILE* certs = fopen(cert_file.c_str(), "r");
  if (certs == nullptr) return Unreadable(cert_file, "cannot open it");
  pair->leaf = PEM_read_X509(certs, nullptr, nullptr, nullptr);
  if (pair->leaf == nullptr) {
    fclose(certs);
    return Unreadable(cert_file, "it holds no PEM certificate");
  }
  pair->chain = sk_X509_new_null();
  while (X509* more = PEM_read_X509(certs, nullptr, nullptr, nullptr)) {
    sk_X509_push(pair->chain, more);
  }
  ERR_clear_error();  // the end of the file reads as an error
  fclose(certs);
  FILE* key = fopen(key_file.c_str(), "r");
  if (key == nullptr) return Unreadable(key_file, "cannot open it");
  pair->key = PEM_read_PrivateKey(key, nullptr, nullptr, nullptr);
  fclose(key);
  if (pair->key == nullptr) {
    return Unreadable(key_file, "it holds no PEM private key");
  }
  if (X509_check_private_key(pair->leaf, pair->key) != 1) {
    return Unreadable(key_file, absl::StrCat("the key does not match the "
                                             "certificate in ",
                                             cert_file));
  }
  return std::shared_ptr<const Pair>(std::move(pair));
}

absl::StatusOr<std::unique_ptr<ServerCertificate>> ServerCertificate::Load(
    std::string cert_file, std::string key_file,
    absl::Duration refresh_interval) {
  std::unique_ptr<ServerCertificate> certificate(new ServerCertificate());
  const std::string stamp = StampOf(cert_file, key_file);
  ASSIGN_OR_RETURN(std::shared_ptr<const Pair> pair, Read(cert_file, key_file));
  certificate->cert_file_ = std::move(cert_file);
  certificate->key_file_ = std::move(key_file);
  certificate->refresh_interval_ = refresh_interval;
  absl::MutexLock lock(&certificate->mutex_);
  certificate->pair_ = std::move(pair);
  certificate->stamp_ = stamp;
  certificate->next_check_ = absl::Now() + refresh_interval;
  return certificate;
}

ServerCertificate::~ServerCertificate() = default;

std::shared_ptr<const ServerCertificate::Pair> ServerCertificate::Current() {
  absl::MutexLock lock(&mutex_);
  const absl::Time now = absl::Now();
  if (now < next_check_) return pair_;
  next_check_ = now + refresh_interval_;
  const std::string stamp = StampOf(cert_file_, key_file_);
  if (stamp.empty() || stamp == stamp_) return pair_;
  absl::StatusOr<std::shared_ptr<const Pair>> pair =
      Read(cert_file_, key_file_);
  if (!pair.ok()) {
    LogError(
        absl::StrCat("HTTPS keeps its certificate: ", pair.status().message()));
    return pair_;
  }
  LogInfo(absl::StrCat("HTTPS certificate reloaded from ", cert_file_));
  pair_ = *std::move(pair);
  stamp_ = stamp;
  return pair_;
}

int ServerCertificate::OnHandshake(SSL* ssl, void* self) {
  std::shared_ptr<const Pair> pair =
      static_cast<ServerCertificate*>(self)->Current();
  // SSL_use_cert_and_key takes its own references.
  return SSL_use_cert_and_key(ssl, pair->leaf, pair->key, pair->chain, 1) == 1
             ? 1
             : 0;
}

void ServerCertificate::InstallIn(SSL_CTX* context) {
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_cert_cb(context, &ServerCertificate::OnHandshake, this);
}

}  // namespace hotline::gateway
