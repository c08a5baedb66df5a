#include "app/blob_collector.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"

namespace hotline {

BlobCollector::BlobCollector(storage::Store* store, absl::Duration every,
                             absl::Duration min_age)
    : store_(store), every_(every), min_age_(min_age) {
  worker_ = std::thread([this] { Run(); });
}

BlobCollector::~BlobCollector() { Stop(); }

void BlobCollector::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return;
    stopping_ = true;
    wake_.Signal();
  }
  if (worker_.joinable()) worker_.join();
}

void BlobCollector::Run() {
  absl::MutexLock lock(&mutex_);
  while (!stopping_) {
    mutex_.Unlock();
    absl::StatusOr<int> removed = store_->CollectBlobs(min_age_);
    if (!removed.ok()) {
      LogWarning(absl::StrCat(
          "could not remove the attachment files no ticket records: ",
          removed.status().message(), " (tried again in ",
          absl::FormatDuration(every_), ")"));
    } else if (*removed > 0) {
      LogInfo(absl::StrCat("removed ", *removed,
                           " stored attachment file(s) no ticket records"));
    }
    mutex_.Lock();
    const absl::Time next = absl::Now() + every_;
    while (!stopping_ && absl::Now() < next) {
      wake_.WaitWithDeadline(&mutex_, next);
    }
  }
}

}  // namespace hotline
