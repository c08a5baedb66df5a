#include "common/dev_certificates.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Deleter>;

absl::Status OpenSslError(absl::string_view what) {
  return absl::InternalError(absl::StrCat("OpenSSL: ", what, " failed"));
}

absl::StatusOr<Owned<EVP_PKEY>> NewKey() {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpenSslError("EVP_EC_gen");
  return key;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<Pem> ToPem(X509* certificate, EVP_PKEY* key) {
  Owned<BIO> cert_bio(BIO_new(BIO_s_mem()));
  Owned<BIO> key_bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(cert_bio.get(), certificate) != 1) {
    return OpenSslError("PEM_write_bio_X509");
  }
  if (PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PrivateKey");
  }
  return Pem{BioText(cert_bio.get()), BioText(key_bio.get())};
}

absl::StatusOr<Owned<X509>> ParseCertificate(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<X509> certificate(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (certificate == nullptr) return OpenSslError("reading the CA certificate");
  return certificate;
}

absl::StatusOr<Owned<EVP_PKEY>> ParseKey(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<EVP_PKEY> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return OpenSslError("reading the CA key");
  return key;
}

// A certificate for `key` named `common_name`, valid from an hour ago
// (clock skew) for `validity`, with a random serial; not yet signed.
absl::StatusOr<Owned<X509>> NewCertificate(EVP_PKEY* key,
                                           absl::string_view common_name,
                                           absl::Duration validity) {
  Owned<X509> certificate(X509_new());
  if (certificate == nullptr) return OpenSslError("X509_new");
  X509_set_version(certificate.get(), 2);  // v3
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) {
    return OpenSslError("RAND_bytes");
  }
  serial_bytes[0] &= 0x7f;  // positive
  Owned<BIGNUM> serial(BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr));
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get()));
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()),
                  static_cast<long>(absl::ToInt64Seconds(validity)));
  X509_set_pubkey(certificate.get(), key);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  const std::string cn(common_name);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()),
                             -1, -1, 0);
  return certificate;
}

absl::Status AddExtension(X509* certificate, X509* issuer, int nid,
                          const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension =
      X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) {
    return OpenSslError(
        absl::StrCat("the extension ", OBJ_nid2sn(nid), "=", value));
  }
  const int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  return added == 1 ? absl::OkStatus() : OpenSslError("X509_add_ext");
}

}  // namespace

CertificateRequest ServerCertificate() {
  CertificateRequest request;
  request.common_name = "localhost";
  request.dns_names = {"localhost"};
  request.ip_addresses = {"127.0.0.1", "::1"};
  request.server = true;
  return request;
}

CertificateRequest ClientCertificate(std::string common_name,
                                     std::vector<std::string> dns_names) {
  CertificateRequest request;
  request.common_name = std::move(common_name);
  request.dns_names = std::move(dns_names);
  return request;
}

absl::StatusOr<Pem> MakeCertificateAuthority(absl::string_view common_name) {
  ASSIGN_OR_RETURN(Owned<EVP_PKEY> key, NewKey());
  ASSIGN_OR_RETURN(
      Owned<X509> certificate,
      NewCertificate(key.get(), common_name, absl::Hours(24 * 30)));
  X509* cert = certificate.get();
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  for (const auto& [nid, value] :
       {std::pair<int, std::string>{NID_basic_constraints, "critical,CA:TRUE"},
        {NID_key_usage, "critical,keyCertSign,cRLSign"},
        {NID_subject_key_identifier, "hash"}}) {
    RETURN_IF_ERROR(AddExtension(cert, cert, nid, value));
  }
  if (X509_sign(cert, key.get(), EVP_sha256()) == 0) {
    return OpenSslError("X509_sign");
  }
  return ToPem(cert, key.get());
}

absl::StatusOr<Pem> IssueCertificate(const Pem& ca,
                                     const CertificateRequest& request) {
  ASSIGN_OR_RETURN(Owned<X509> ca_certificate,
                   ParseCertificate(ca.certificate));
  ASSIGN_OR_RETURN(Owned<EVP_PKEY> ca_key, ParseKey(ca.key));
  ASSIGN_OR_RETURN(Owned<EVP_PKEY> key, NewKey());
  ASSIGN_OR_RETURN(
      Owned<X509> certificate,
      NewCertificate(key.get(), request.common_name, request.validity));
  X509* cert = certificate.get();
  X509* issuer = ca_certificate.get();
  X509_set_issuer_name(cert, X509_get_subject_name(issuer));
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
      {NID_ext_key_usage, request.server ? "serverAuth" : "clientAuth"},
      {NID_subject_key_identifier, "hash"},
      {NID_authority_key_identifier, "keyid"}};
  std::vector<std::string> names;
  for (const std::string& dns : request.dns_names) {
    names.push_back(absl::StrCat("DNS:", dns));
  }
  for (const std::string& ip : request.ip_addresses) {
    names.push_back(absl::StrCat("IP:", ip));
  }
  for (const std::string& uri : request.uris) {
    names.push_back(absl::StrCat("URI:", uri));
  }
  if (!names.empty()) {
    extensions.push_back({NID_subject_alt_name, absl::StrJoin(names, ",")});
  }
  for (const auto& [nid, value] : extensions) {
    RETURN_IF_ERROR(AddExtension(cert, issuer, nid, value));
  }
  if (X509_sign(cert, ca_key.get(), EVP_sha256()) == 0) {
    return OpenSslError("X509_sign");
  }
  return ToPem(cert, key.get());
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view content, int mode) {
  const std::string temporary = absl::StrCat(path, ".tmp");
  const int fd =
      open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot write ", temporary));
  }
  fchmod(fd, mode);
  size_t written = 0;
  while (written < content.size()) {
    const ssize_t n =
        write(fd, content.data() + written, content.size() - written);
    if (n <= 0) {
      close(fd);
      return absl::FailedPreconditionError(
          absl::StrCat("cannot write ", temporary));
    }
    written += static_cast<size_t>(n);
  }
  close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot rename ", temporary, " to ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<CertificateFiles> WritePem(const Pem& pem,
                                          const std::string& dir,
                                          absl::string_view base) {
  CertificateFiles files{absl::StrCat(dir, "/", base, ".crt"),
                         absl::StrCat(dir, "/", base, ".key")};
  RETURN_IF_ERROR(WriteFileAtomically(files.key_file, pem.key, 0600));
  RETURN_IF_ERROR(WriteFileAtomically(files.certificate_file, pem.certificate));
  return files;
}

}  // namespace hotline
