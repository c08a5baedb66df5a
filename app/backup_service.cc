#include "app/backup_service.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "storage/backup_files.h"
#include "storage/store.h"
#include "workflow/access.h"

namespace hotline {

absl::Status PrepareBackupDirectory(const std::string& directory) {
  auto refuse = [&directory](absl::string_view why) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--backup_dir ", directory, " cannot hold backups: ", why));
  };
  struct stat info;
  if (stat(directory.c_str(), &info) != 0) {
    if (errno != ENOENT) return refuse(std::strerror(errno));
    // One level only: a mistyped parent should not grow a tree.
    if (mkdir(directory.c_str(), 0700) != 0) {
      return refuse(absl::StrCat("it is missing and cannot be created (",
                                 std::strerror(errno), ")"));
    }
    return absl::OkStatus();
  }
  if (!S_ISDIR(info.st_mode)) return refuse("it is not a directory");
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    return refuse(absl::StrCat("this user cannot write there (",
                               std::strerror(errno), ")"));
  }
  return absl::OkStatus();
}

namespace {

// The options with an absolute directory, so that the paths in answers and
// logs can be found whatever the server's working directory was.
BackupOptions WithAbsoluteDirectory(BackupOptions options) {
  if (options.directory.empty()) return options;
  std::error_code error;
  std::filesystem::path absolute =
      std::filesystem::absolute(options.directory, error);
  if (!error) options.directory = absolute.lexically_normal().string();
  if (options.directory.size() > 1 && options.directory.back() == '/') {
    options.directory.pop_back();
  }
  return options;
}

}  // namespace

BackupService::BackupService(storage::Store* store, BackupOptions options)
    : store_(store), options_(WithAbsoluteDirectory(std::move(options))) {
  if (!options_.directory.empty()) worker_ = std::thread([this] { Run(); });
}

BackupService::~BackupService() { Stop(); }

void BackupService::CreateBackup(const Principal& principal,
                                 const v1::CreateBackupRequest& /*request*/,
                                 Done done) {
  if (absl::Status s = AuthorizeBureauOnly(principal, "CreateBackup");
      !s.ok()) {
    return done(s);
  }
  if (options_.directory.empty()) {
    return done(WithReason(
        absl::FailedPreconditionError(
            "this server makes no backups: start hotline-server with "
            "--backup_dir=DIR (docs/operations.md, \"Backup and restore\")"),
        v1::BACKUP_NOT_CONFIGURED));
  }
  {
    absl::MutexLock lock(&mutex_);
    if (!stopping_) {
      requests_.push_back(std::move(done));
      wake_.Signal();
      return;
    }
  }
  done(WithReason(absl::UnavailableError("the server is shutting down"),
                  v1::SERVER_UNAVAILABLE));
}

void BackupService::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return;
    stopping_ = true;
    wake_.Signal();
  }
  if (worker_.joinable()) worker_.join();
}

void BackupService::Run() {
  const bool scheduled = options_.every > absl::ZeroDuration();
  absl::Time next_scheduled =
      scheduled ? absl::Now() + options_.every : absl::InfiniteFuture();
  absl::MutexLock lock(&mutex_);
  while (true) {
    while (!stopping_ && requests_.empty() && absl::Now() < next_scheduled) {
      wake_.WaitWithDeadline(&mutex_, next_scheduled);
    }
    if (stopping_) break;
    if (!requests_.empty()) {
      Done done = std::move(requests_.front());
      requests_.pop_front();
      mutex_.Unlock();
      done(BackupNow("requested"));
      mutex_.Lock();
      continue;
    }
    mutex_.Unlock();
    // Failures are logged by BackupNow; the next interval tries again.
    (void)BackupNow("scheduled");
    mutex_.Lock();
    next_scheduled = absl::Now() + options_.every;
  }
  std::deque<Done> left = std::move(requests_);
  requests_.clear();
  mutex_.Unlock();
  for (Done& done : left) {
    done(WithReason(absl::UnavailableError("the server is shutting down"),
                    v1::SERVER_UNAVAILABLE));
  }
  mutex_.Lock();
}

absl::StatusOr<v1::Backup> BackupService::BackupNow(const char* why) {
  const absl::Time start = absl::Now();
  absl::StatusOr<storage::BackupFile> file =
      store_->WriteBackup(options_.directory, start);
  if (!file.ok()) {
    LogError(absl::StrFormat(
        "%s backup into %s failed%s: %s", why, options_.directory,
        absl::string_view(why) == "scheduled"
            ? absl::StrCat(" (next scheduled try in ",
                           absl::FormatDuration(options_.every), ")")
            : "",
        file.status().ToString()));
    absl::Status status = file.status();
    if (status.code() == absl::StatusCode::kResourceExhausted) {
      status = WithReason(std::move(status), v1::DISK_FULL);
    }
    return status;
  }
  LogInfo(
      absl::StrFormat("%s backup written: %s size_bytes=%d last_seq=%d in %s",
                      why, file->path, file->size_bytes, file->last_seq,
                      absl::FormatDuration(absl::Trunc(
                          absl::Now() - start, absl::Milliseconds(1)))));
  absl::StatusOr<std::vector<std::string>> removed =
      storage::PruneBackups(options_.directory, options_.keep);
  if (!removed.ok()) {
    LogWarning(absl::StrCat("pruning old backups failed: ",
                            removed.status().ToString()));
  } else {
    for (const std::string& path : *removed) {
      LogInfo(absl::StrFormat("removed old backup %s (keeping the newest %d)",
                              path, options_.keep));
    }
  }
  v1::Backup backup;
  backup.set_path(file->path);
  backup.set_size_bytes(file->size_bytes);
  backup.set_last_seq(file->last_seq);
  *backup.mutable_create_time() = ToProtoTime(file->create_time);
  return backup;
}

}  // namespace hotline
