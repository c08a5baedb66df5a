#include "workflow/content_sniffing.h"

#include "absl/strings/match.h"

namespace hotline {
namespace {

bool At(absl::string_view head, size_t offset, absl::string_view magic) {
  return head.size() >= offset + magic.size() &&
         head.substr(offset, magic.size()) == magic;
}

SniffedType Allowed(std::string type, std::string description) {
  return SniffedType{std::move(type), true, std::move(description)};
}

SniffedType Refused(std::string type, std::string description) {
  return SniffedType{std::move(type), false, std::move(description)};
}

// An ISO base media file (MP4 family): its brand says which.
SniffedType IsoMedia(absl::string_view head) {
  const absl::string_view brand = head.substr(8, 4);
  if (brand == "heic" || brand == "heix" || brand == "mif1" ||
      brand == "msf1" || brand == "heim" || brand == "heis") {
    return Allowed("image/heic", "a HEIC image");
  }
  if (brand == "avif") return Allowed("image/avif", "an AVIF image");
  if (brand == "M4A " || brand == "M4B ") {
    return Allowed("audio/mp4", "an AAC (M4A) recording");
  }
  if (brand == "3gp4" || brand == "3gp5" || brand == "3gp6" ||
      brand == "3g2a") {
    return Refused("video/3gpp", "a 3GP video");
  }
  return Refused("video/mp4", "an MP4 video");
}

// A ZIP archive: an office document (OOXML names its parts, OpenDocument
// starts with its "mimetype" entry) or an archive of something else.
SniffedType Zip(absl::string_view head) {
  if (At(head, 30, "mimetype")) {
    const absl::string_view rest = head.substr(38);
    for (absl::string_view type :
         {"application/vnd.oasis.opendocument.text",
          "application/vnd.oasis.opendocument.spreadsheet",
          "application/vnd.oasis.opendocument.presentation"}) {
      if (absl::StartsWith(rest, type)) {
        return Allowed(std::string(type), "an OpenDocument file");
      }
    }
  }
  if (absl::StrContains(head, "word/")) {
    return Allowed(
        "application/vnd.openxmlformats-officedocument.wordprocessingml."
        "document",
        "a Word document");
  }
  if (absl::StrContains(head, "xl/")) {
    return Allowed(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "an Excel workbook");
  }
  if (absl::StrContains(head, "ppt/")) {
    return Allowed(
        "application/vnd.openxmlformats-officedocument.presentationml."
        "presentation",
        "a PowerPoint presentation");
  }
  if (absl::StrContains(head, "[Content_Types].xml")) {
    // The parts may come later than the bytes sniffed: an OOXML package.
    return Allowed("application/vnd.openxmlformats-officedocument",
                   "an Office Open XML document");
  }
  return Refused("application/zip", "a ZIP archive");
}

}  // namespace

SniffedType SniffContentType(absl::string_view head) {
  if (At(head, 0, "\xFF\xD8\xFF")) return Allowed("image/jpeg", "a JPEG image");
  if (At(head, 0, "\x89PNG\r\n\x1A\n"))
    return Allowed("image/png", "a PNG image");
  if (At(head, 0, "GIF87a") || At(head, 0, "GIF89a")) {
    return Allowed("image/gif", "a GIF image");
  }
  if (At(head, 0, "RIFF") && At(head, 8, "WEBP")) {
    return Allowed("image/webp", "a WebP image");
  }
  if (At(head, 0, "RIFF") && At(head, 8, "WAVE")) {
    return Allowed("audio/wav", "a WAV recording");
  }
  if (At(head, 4, "ftyp") && head.size() >= 12) return IsoMedia(head);
  if (At(head, 0, "ID3") ||
      (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF &&
       (static_cast<unsigned char>(head[1]) & 0xE6) == 0xE2)) {
    return Allowed("audio/mpeg", "an MP3 recording");
  }
  if (At(head, 0, "#!AMR\n")) return Allowed("audio/amr", "an AMR recording");
  if (At(head, 0, "OggS")) return Allowed("audio/ogg", "an Ogg recording");
  if (At(head, 0, "fLaC")) return Allowed("audio/flac", "a FLAC recording");
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0xFF &&
      (static_cast<unsigned char>(head[1]) & 0xF6) == 0xF0) {
    return Allowed("audio/aac", "an AAC recording");
  }
  if (At(head, 0, "%PDF-")) return Allowed("application/pdf", "a PDF document");
  if (At(head, 0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    return Allowed("application/x-ole-storage",
                   "an older Office (or WPS) document");
  }
  if (At(head, 0, "PK\x03\x04")) return Zip(head);
  // What is refused by name.
  if (At(head, 0, "MZ")) return Refused("", "a Windows program");
  if (At(head, 0,
         "\x7F"
         "ELF"))
    return Refused("", "a Linux program");
  if (At(head, 0, "\xCF\xFA\xED\xFE") || At(head, 0, "\xCE\xFA\xED\xFE") ||
      At(head, 0, "\xCA\xFE\xBA\xBE")) {
    return Refused("", "a macOS program");
  }
  if (At(head, 0, "#!")) return Refused("", "a script");
  if (At(head, 0, "Rar!")) return Refused("", "a RAR archive");
  if (At(head, 0, "7z\xBC\xAF\x27\x1C")) return Refused("", "a 7-Zip archive");
  if (At(head, 0, "\x1F\x8B")) return Refused("", "a gzip archive");
  return Refused("", "of a type the server does not recognise");
}

absl::string_view AllowedTypesText() {
  return "JPEG, PNG, GIF, WebP, HEIC images; MP3, AAC (M4A), AMR, WAV, Ogg, "
         "FLAC audio; PDF; Word, Excel, PowerPoint (Office Open XML, "
         "OpenDocument or the older binary formats)";
}

}  // namespace hotline
