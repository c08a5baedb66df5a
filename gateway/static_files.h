// The web console's files, read from a directory (--web_root) on each
// request: plain HTML, CSS and JavaScript modules, no build step.
//
// Thread-safe (reads only).
#ifndef HOTLINE_GATEWAY_STATIC_FILES_H_
#define HOTLINE_GATEWAY_STATIC_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hotline::gateway {

struct StaticFile {
  std::string content;
  std::string content_type;
};

// The file at `relative` ("" or a path ending in '/' means its index.html)
// under `root`. NOT_FOUND when there is none, or when the path would leave
// the root (".." segments, a symbolic link out of it) or names a hidden
// file; only regular files of known types (html, js, css, svg, png, ico,
// json, txt, woff2) are served.
absl::StatusOr<StaticFile> ReadStaticFile(const std::string& root,
                                          absl::string_view relative);

}  // namespace hotline::gateway

#endif  // HOTLINE_GATEWAY_STATIC_FILES_H_
