// Page sizes and opaque page tokens for the List methods (AIP-158).
//
// A token carries the last key of the previous page and a checksum of what
// the list was asked for (method, filter, caller), so a token reused with
// another filter is refused rather than silently skipping or repeating rows.
//
// Stateless and thread-safe.
#ifndef HOTLINE_APP_PAGING_H_
#define HOTLINE_APP_PAGING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hotline {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 0 -> kDefaultPageSize; capped at kMaxPageSize; negative: INVALID_ARGUMENT.
absl::StatusOr<int> EffectivePageSize(int page_size);

// Lists read one row more than the page holds; this drops that row and says
// whether there was one, i.e. whether another page follows.
template <typename T>
bool TrimToPage(std::vector<T>* rows, int page_size) {
  if (static_cast<int>(rows->size()) <= page_size) return false;
  rows->resize(page_size);
  return true;
}

// The token that resumes a list after `last_key`. `scope` identifies the
// query (method, filter, principal).
std::string EncodePageToken(absl::string_view last_key,
                            absl::string_view scope);

// The last key carried by `token`, or "" for an empty token (first page).
// INVALID_ARGUMENT for a malformed token or one made for another scope.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token,
                                            absl::string_view scope);

// DecodePageToken for lists keyed by a number (a ticket's, card's, token's
// id, an event's seq): 0 for the first page; INVALID_ARGUMENT
// "page_token is malformed" when the key is not a number.
absl::StatusOr<int64_t> DecodeNumberPageToken(absl::string_view token,
                                              absl::string_view scope);

}  // namespace hotline

#endif  // HOTLINE_APP_PAGING_H_
