// Removes, now and then, the attachments' bytes no record names (an upload
// refused after its bytes were stored, or a crash between the two:
// Store::CollectBlobs) once they are `min_age` old, so that a server up for
// months does not keep them. Every `every`, on a thread of its own, from
// its construction until Stop; each round that removes something logs how
// many files it removed, and a failure is logged and tried again next
// round. Servers sharing a store may all collect: a blob is removed once.
//
// Thread-safe.
#ifndef HOTLINE_APP_BLOB_COLLECTOR_H_
#define HOTLINE_APP_BLOB_COLLECTOR_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/store.h"

namespace hotline {

class BlobCollector final {
 public:
  // `store` must outlive the collector (or its Stop). The first round runs
  // at once.
  BlobCollector(storage::Store* store, absl::Duration every,
                absl::Duration min_age);
  // Stop()s.
  ~BlobCollector();
  BlobCollector(const BlobCollector&) = delete;
  BlobCollector& operator=(const BlobCollector&) = delete;

  // Ends the rounds, waiting for one under way. Idempotent.
  void Stop();

 private:
  void Run();

  storage::Store* const store_;
  const absl::Duration every_;
  const absl::Duration min_age_;
  absl::Mutex mutex_;
  absl::CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread worker_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_BLOB_COLLECTOR_H_
