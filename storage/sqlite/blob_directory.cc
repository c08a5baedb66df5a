#include "storage/sqlite/blob_directory.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/sha256.h"
#include "common/status_macros.h"

namespace hotline::storage {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  const int error = errno;
  std::string message = absl::StrCat(what, " ", path, ": ", strerror(error));
  if (error == ENOSPC || error == EDQUOT) {
    return absl::ResourceExhaustedError(absl::StrCat("disk full: ", message));
  }
  return absl::InternalError(message);
}

// Makes `path` (mode 0700) unless it is there.
absl::Status MakeDirectory(const std::string& path) {
  if (mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) {
    return absl::OkStatus();
  }
  return ErrnoError("cannot make the directory", path);
}

absl::Status SyncDirectory(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open the directory", path);
  const int synced = fsync(fd);
  const int error = errno;
  close(fd);
  errno = error;
  if (synced != 0) return ErrnoError("cannot sync the directory", path);
  return absl::OkStatus();
}

// The names in a directory but "." and ".."; none when it is missing.
absl::StatusOr<std::vector<std::string>> ListDirectory(
    const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return names;
    return ErrnoError("cannot list", path);
  }
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  return names;
}

// Whether the file at `path` was last written before `cutoff`.
bool WrittenBefore(const std::string& path, absl::Time cutoff) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return false;
  return absl::TimeFromTimespec(info.st_mtim) < cutoff;
}

class FileBlobWriter final : public BlobWriter {
 public:
  FileBlobWriter(std::string root, std::string staged, int fd,
                 std::shared_ptr<absl::Mutex> placing)
      : root_(std::move(root)),
        staged_(std::move(staged)),
        fd_(fd),
        placing_(std::move(placing)) {}
  ~FileBlobWriter() override {
    if (fd_ >= 0) close(fd_);
    if (!finished_) unlink(staged_.c_str());
  }

 protected:
  absl::Status Write(absl::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t written = write(fd_, bytes.data(), bytes.size());
      if (written < 0) {
        if (errno == EINTR) continue;
        return ErrnoError("cannot write", staged_);
      }
      bytes.remove_prefix(static_cast<size_t>(written));
    }
    return absl::OkStatus();
  }

  absl::Status Persist(const BlobRef& ref) override {
    if (fsync(fd_) != 0) return ErrnoError("cannot sync", staged_);
    close(fd_);
    fd_ = -1;
    const std::string shard = absl::StrCat(root_, "/", ref.sha256.substr(0, 2));
    struct stat info;
    if (stat(shard.c_str(), &info) != 0) {
      RETURN_IF_ERROR(MakeDirectory(shard));
      RETURN_IF_ERROR(SyncDirectory(root_));
    }
    const std::string target = absl::StrCat(shard, "/", ref.sha256);
    {
      absl::MutexLock lock(placing_.get());
      if (rename(staged_.c_str(), target.c_str()) != 0) {
        return ErrnoError("cannot store", target);
      }
    }
    finished_ = true;
    return SyncDirectory(shard);
  }

 private:
  const std::string root_;
  const std::string staged_;
  int fd_;
  const std::shared_ptr<absl::Mutex> placing_;
  bool finished_ = false;
};

}  // namespace

std::string BlobDirectoryOf(const std::string& database_path) {
  return absl::StrCat(database_path, ".attachments");
}

absl::StatusOr<std::unique_ptr<BlobWriter>> BlobDirectory::NewBlob() const {
  const std::string staging = absl::StrCat(root_, "/staging");
  struct stat info;
  if (stat(staging.c_str(), &info) != 0) {
    RETURN_IF_ERROR(MakeDirectory(root_));
    RETURN_IF_ERROR(MakeDirectory(staging));
  }
  std::string path = absl::StrCat(staging, "/upload-XXXXXX");
  const int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot create a file in", staging);
  return std::unique_ptr<BlobWriter>(
      std::make_unique<FileBlobWriter>(root_, std::move(path), fd, placing_));
}

absl::StatusOr<std::string> BlobDirectory::Read(
    const std::string& sha256) const {
  if (!IsSha256Hex(sha256)) {
    return absl::InvalidArgumentError(absl::StrCat("no blob name: ", sha256));
  }
  const std::string path =
      absl::StrCat(root_, "/", sha256.substr(0, 2), "/", sha256);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::DataLossError(absl::StrCat(
        "attachment bytes missing: cannot open ", path, ": ", strerror(errno)));
  }
  std::string bytes;
  char buffer[1 << 16];
  while (true) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      close(fd);
      return absl::DataLossError(
          absl::StrCat("cannot read ", path, ": ", strerror(error)));
    }
    if (got == 0) break;
    bytes.append(buffer, static_cast<size_t>(got));
  }
  close(fd);
  if (Sha256Hex(bytes) != sha256) {
    return absl::DataLossError(absl::StrCat("attachment bytes damaged: ", path,
                                            " does not match its SHA-256"));
  }
  return bytes;
}

absl::StatusOr<int> BlobDirectory::Collect(
    absl::Duration min_age,
    const std::function<absl::StatusOr<bool>(const std::string& sha256)>&
        referenced) const {
  const absl::Time cutoff = absl::Now() - min_age;
  int removed = 0;
  ASSIGN_OR_RETURN(std::vector<std::string> shards, ListDirectory(root_));
  for (const std::string& shard : shards) {
    const std::string dir = absl::StrCat(root_, "/", shard);
    ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(dir));
    for (const std::string& name : names) {
      const std::string path = absl::StrCat(dir, "/", name);
      if (!WrittenBefore(path, cutoff)) continue;
      if (shard == "staging") {
        unlink(path.c_str());  // an upload cut off (or a crash) left it
        continue;
      }
      if (!IsSha256Hex(name)) continue;  // not ours: left alone
      // A blob stored again meanwhile is young again: checked, and
      // removed, under the lock that placing one takes.
      absl::MutexLock lock(placing_.get());
      if (!WrittenBefore(path, cutoff)) continue;
      ASSIGN_OR_RETURN(bool used, referenced(name));
      if (used) continue;
      if (unlink(path.c_str()) == 0) ++removed;
    }
  }
  return removed;
}

}  // namespace hotline::storage
