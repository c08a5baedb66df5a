// Online backups, on request (CreateBackup, bureau only) and on a schedule:
// each is a consistent copy of the database written by storage/sqlite/backup.h
// into the backup directory while the server keeps serving; after each, only
// the newest `keep` backups are kept.
//
//   BackupOptions options;
//   options.directory = "/var/backups/hotline";
//   options.every = absl::Hours(24);           // zero: only on request
//   BackupService backups(store, options);     // starts the schedule
//   backups.CreateBackup(principal, request, done);
//   backups.Stop();                            // before the store closes
//
// Backups run one at a time on a thread of the service's own (never on the
// caller's: a copy of a large database takes a while). A scheduled backup
// logs one line with its path and size; a failed one is logged and tried
// again at the next interval, never fatal.
//
// Thread-safe: all methods may be called concurrently.
#ifndef HOTLINE_APP_BACKUP_SERVICE_H_
#define HOTLINE_APP_BACKUP_SERVICE_H_

#include <deque>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/principal.h"

namespace hotline {

struct BackupOptions {
  // Where backups go; empty: no backups (CreateBackup is refused with
  // BACKUP_NOT_CONFIGURED).
  std::string directory;
  // A backup this often, the first one `every` after start; zero: only on
  // request.
  absl::Duration every = absl::ZeroDuration();
  // How many backups to keep (at least 1); older ones of hotline's naming
  // are removed after each backup. Other files in the directory are never
  // touched.
  int keep = 7;
};

// OK when backups can be written to `directory`, creating it (mode 0700)
// when missing; FAILED_PRECONDITION with a one-line reason otherwise. The
// server checks this before it opens the database.
absl::Status PrepareBackupDirectory(const std::string& directory);

class BackupService final {
 public:
  using Done = std::function<void(absl::StatusOr<v1::Backup>)>;

  // `store` must outlive the service. Starts the worker thread when
  // `options.directory` is set.
  BackupService(storage::Store* store, BackupOptions options);
  // Stop()s.
  ~BackupService();
  BackupService(const BackupService&) = delete;
  BackupService& operator=(const BackupService&) = delete;

  // Bureau only (PERMISSION_DENIED otherwise, checked first). Queues one
  // backup; `done` gets the file once it is durable under its final name.
  void CreateBackup(const Principal& principal,
                    const v1::CreateBackupRequest& request, Done done);

  // Ends the schedule and waits for the backup under way; requests still
  // queued, and later ones, are answered UNAVAILABLE. Idempotent.
  void Stop();

 private:
  // The worker: runs requests in order, and the schedule.
  void Run();
  // Writes one backup and prunes the directory; logs what happened.
  absl::StatusOr<v1::Backup> BackupNow(const char* why);

  storage::Store* const store_;
  const BackupOptions options_;

  absl::Mutex mutex_;
  absl::CondVar wake_;
  std::deque<Done> requests_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread worker_;  // set in the constructor, joined by Stop
};

}  // namespace hotline

#endif  // HOTLINE_APP_BACKUP_SERVICE_H_
