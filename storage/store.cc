#include "storage/store.h"

#include <future>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace hotline::storage {

namespace {

thread_local bool non_blocking_reads = false;
constexpr char kWouldBlockPayload[] = "hotline.storage/would-block";

}  // namespace

NonBlockingReads::NonBlockingReads() : previous_(non_blocking_reads) {
  non_blocking_reads = true;
}

NonBlockingReads::~NonBlockingReads() { non_blocking_reads = previous_; }

bool NonBlockingReads::Active() { return non_blocking_reads; }

absl::Status WouldBlockError() {
  absl::Status status =
      absl::UnavailableError("every read connection is busy; retry");
  status.SetPayload(kWouldBlockPayload, absl::Cord("1"));
  return status;
}

bool WouldBlock(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable &&
         status.GetPayload(kWouldBlockPayload).has_value();
}

absl::Status Store::CommitAndWait(ChangeSet changes) {
  std::promise<absl::Status> promise;
  std::future<absl::Status> result = promise.get_future();
  Commit(std::move(changes),
         [&promise](absl::Status status) { promise.set_value(status); });
  return result.get();
}

absl::StatusOr<absl::TimeZone> LoadStoreTimeZone(const std::string& name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(name, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone \"", name,
                     "\"; give an IANA name such as Asia/Shanghai"));
  }
  return zone;
}

}  // namespace hotline::storage
