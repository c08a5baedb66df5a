#include "storage/backup_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"

namespace hotline::storage {
namespace {

constexpr absl::string_view kPrefix = "hotline-";
constexpr absl::string_view kSuffix = "Z.db";

}  // namespace

absl::Status BackupFileError(absl::string_view what, const std::string& path,
                             int error) {
  const std::string message = absl::StrCat("backup: cannot ", what, " ", path,
                                           ": ", std::strerror(error));
  if (error == ENOSPC || error == EDQUOT) {
    return absl::ResourceExhaustedError(message);
  }
  return absl::FailedPreconditionError(message);
}

absl::Status FsyncPath(const std::string& path, int flags) {
  const int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return BackupFileError("open", path, errno);
  const int rc = fsync(fd);
  const int error = errno;
  close(fd);
  if (rc != 0) return BackupFileError("fsync", path, error);
  return absl::OkStatus();
}

std::string BackupFileName(absl::Time time) {
  return absl::StrCat(
      kPrefix, absl::FormatTime("%Y%m%dT%H%M%E6S", time, absl::UTCTimeZone()),
      kSuffix);
}

bool IsBackupFileName(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, kPrefix) ||
      !absl::ConsumeSuffix(&name, kSuffix)) {
    return false;
  }
  // YYYYMMDDTHHMMSS.ffffff
  constexpr absl::string_view kShape = "ddddddddTdddddd.dddddd";
  if (name.size() != kShape.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (kShape[i] == 'd' ? !absl::ascii_isdigit(name[i])
                         : name[i] != kShape[i]) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::vector<std::string>> PruneBackups(
    const std::string& directory, int keep) {
  keep = std::max(keep, 1);
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return BackupFileError("list", directory, errno);
  std::vector<std::string> names;
  while (const dirent* entry = readdir(dir)) {
    if (IsBackupFileName(entry->d_name)) names.push_back(entry->d_name);
  }
  closedir(dir);
  // Names sort by time.
  std::sort(names.begin(), names.end());
  std::vector<std::string> removed;
  const size_t excess =
      names.size() > static_cast<size_t>(keep) ? names.size() - keep : 0;
  for (size_t i = 0; i < excess; ++i) {
    const std::string path = absl::StrCat(directory, "/", names[i]);
    if (unlink(path.c_str()) != 0) {
      return BackupFileError("remove", path, errno);
    }
    removed.push_back(path);
  }
  if (!removed.empty()) {
    RETURN_IF_ERROR(FsyncPath(directory, O_RDONLY | O_DIRECTORY));
  }
  return removed;
}

}  // namespace hotline::storage
