#include "app/paging.h"

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/error_details.h"
#include "common/status_macros.h"

namespace hotline {
namespace {

// FNV-1a: stable across builds and platforms, unlike std::hash.
uint64_t Checksum(absl::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

absl::StatusOr<int> EffectivePageSize(int page_size) {
  if (page_size < 0) {
    return WithFieldViolation(
        absl::InvalidArgumentError(
            absl::StrCat("page_size must not be negative (got ", page_size,
                         "); use 0 for the default of ", kDefaultPageSize)),
        "page_size", "must not be negative");
  }
  if (page_size == 0) return kDefaultPageSize;
  return page_size > kMaxPageSize ? kMaxPageSize : page_size;
}

std::string EncodePageToken(absl::string_view last_key,
                            absl::string_view scope) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("1|", Checksum(scope), "|", last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view scope) {
  if (token.empty()) return std::string();
  std::string raw;
  uint64_t checksum = 0;
  std::vector<std::string> parts;
  if (absl::WebSafeBase64Unescape(token, &raw)) {
    parts = absl::StrSplit(raw, absl::MaxSplits('|', 2));
  }
  if (parts.size() != 3 || parts[0] != "1" ||
      !absl::SimpleAtoi(parts[1], &checksum)) {
    return WithFieldViolation(
        absl::InvalidArgumentError(
            "page_token is malformed; pass the next_page_token of the previous "
            "response unchanged, or none for the first page"),
        "page_token", "malformed");
  }
  if (checksum != Checksum(scope)) {
    return WithFieldViolation(
        absl::InvalidArgumentError(
            "page_token belongs to a different list request; keep the same "
            "filter while paging, or start again without page_token"),
        "page_token", "belongs to a different list request");
  }
  return parts[2];
}

absl::StatusOr<int64_t> DecodeNumberPageToken(absl::string_view token,
                                              absl::string_view scope) {
  ASSIGN_OR_RETURN(std::string last, DecodePageToken(token, scope));
  int64_t number = 0;
  if (!last.empty() && !absl::SimpleAtoi(last, &number)) {
    return InvalidFieldError("page_token", "page_token is malformed");
  }
  return number;
}

}  // namespace hotline
