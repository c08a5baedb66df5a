#include "storage/store.h"

#include <future>
#include <utility>

namespace hotline::storage {

absl::Status Store::CommitAndWait(ChangeSet changes) {
  std::promise<absl::Status> promise;
  std::future<absl::Status> result = promise.get_future();
  Commit(std::move(changes),
         [&promise](absl::Status status) { promise.set_value(status); });
  return result.get();
}

}  // namespace hotline::storage
