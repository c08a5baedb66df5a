#include "gateway/static_files.h"

#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hotline::gateway {
namespace {

const char* ContentTypeOf(absl::string_view path) {
  struct Type {
    const char* suffix;
    const char* type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  for (const Type& type : kTypes) {
    if (absl::EndsWith(path, type.suffix)) return type.type;
  }
  return nullptr;
}

absl::Status NotFound(absl::string_view relative) {
  return absl::NotFoundError(
      absl::StrCat("the console has no file ", relative));
}

}  // namespace

absl::StatusOr<StaticFile> ReadStaticFile(const std::string& root,
                                          absl::string_view relative) {
  // A control character (a decoded %00 above all) would end the name
  // early for the file system but not for the type: app.js%00.html would
  // be app.js served as HTML.
  if (std::any_of(relative.begin(), relative.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      })) {
    return absl::NotFoundError(
        "the console has no file by that name: names have no control "
        "characters (%00 and the like)");
  }
  std::string path(relative);
  if (path.empty() || absl::EndsWith(path, "/")) path += "index.html";
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part == ".." || absl::StartsWith(part, ".")) return NotFound(relative);
  }
  const char* type = ContentTypeOf(path);
  if (type == nullptr) return NotFound(relative);
  char resolved_root[PATH_MAX];
  char resolved[PATH_MAX];
  if (realpath(root.c_str(), resolved_root) == nullptr) {
    return NotFound(relative);
  }
  const std::string full = absl::StrCat(root, "/", path);
  if (realpath(full.c_str(), resolved) == nullptr ||
      !absl::StartsWith(resolved, absl::StrCat(resolved_root, "/"))) {
    return NotFound(relative);
  }
  std::ifstream in(resolved, std::ios::binary);
  if (!in) return NotFound(relative);
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return NotFound(relative);
  return StaticFile{content.str(), type};
}

}  // namespace hotline::gateway
