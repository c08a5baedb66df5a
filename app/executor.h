// A fixed pool of threads that runs posted tasks in order of posting. The
// gRPC handlers post their work here, so that reads that wait for a store
// connection never hold one of gRPC's callback threads, and a write whose
// commit found a conflict reruns here rather than on the store's thread.
//
//   Executor executor(8);
//   executor.Post([] { ... });
//
// Thread-safe. The destructor runs every task already posted, then joins.
#ifndef HOTLINE_APP_EXECUTOR_H_
#define HOTLINE_APP_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace hotline {

class Executor final {
 public:
  explicit Executor(int threads);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Queues `task`; after the destructor began it runs on the caller's
  // thread.
  void Post(std::function<void()> task);

 private:
  void Run();

  absl::Mutex mutex_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_EXECUTOR_H_
