// SHA-256 of bytes given piece by piece (attachments' contents, stored by
// their hash), in lowercase hex.
//
//   Sha256 hash;
//   hash.Update(first_chunk);
//   hash.Update(second_chunk);
//   std::string hex = hash.HexDigest();  // 64 characters
//
// Not thread-safe: one thread feeds one object.
#ifndef HOTLINE_COMMON_SHA256_H_
#define HOTLINE_COMMON_SHA256_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace hotline {

class Sha256 final {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view bytes);
  // The digest of everything given; the object is spent after it.
  std::string HexDigest();
  // Bytes given so far.
  int64_t size() const { return size_; }

 private:
  void* context_;  // EVP_MD_CTX
  int64_t size_ = 0;
};

// The hex SHA-256 of `bytes` at once.
std::string Sha256Hex(absl::string_view bytes);

// Whether `text` is 64 lowercase hex digits.
bool IsSha256Hex(absl::string_view text);

}  // namespace hotline

#endif  // HOTLINE_COMMON_SHA256_H_
