// What a file is, read from its first bytes (never from its name): the
// types an attachment may be (附件: photos, recordings, PDF, office
// documents) by their signatures, and the ones that are refused outright
// (programs, scripts, archives that are not office documents).
//
//   SniffedType type = SniffContentType(first_bytes);
//   if (!type.allowed) ...  // refuse: type.description says what it is
//
// Pure and thread-safe.
#ifndef HOTLINE_WORKFLOW_CONTENT_SNIFFING_H_
#define HOTLINE_WORKFLOW_CONTENT_SNIFFING_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace hotline {

// How many of a file's first bytes SniffContentType needs (a shorter file
// is given whole).
inline constexpr size_t kSniffBytes = 4096;

struct SniffedType {
  // The MIME type ("image/jpeg"), empty when the bytes are not recognised.
  std::string content_type;
  // Whether an attachment may be of this type.
  bool allowed = false;
  // What the bytes look like, for a refusal ("a Windows program").
  std::string description;
};

// The type of a file whose first bytes (up to kSniffBytes) are `head`.
SniffedType SniffContentType(absl::string_view head);

// The allowed types, for messages: "JPEG, PNG, GIF, WebP, HEIC images; MP3,
// AAC (M4A), AMR, WAV, Ogg, FLAC audio; PDF; Word, Excel, PowerPoint
// (OOXML, OpenDocument or the older binary formats)".
absl::string_view AllowedTypesText();

}  // namespace hotline

#endif  // HOTLINE_WORKFLOW_CONTENT_SNIFFING_H_
