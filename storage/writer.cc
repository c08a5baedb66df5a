#include "storage/writer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace hotline::storage {

Writer::Writer(std::unique_ptr<Connection> connection, int max_batch)
    : max_batch_(max_batch < 1 ? 1 : max_batch),
      connection_(std::move(connection)),
      thread_([this] { Run(); }) {}

Writer::~Writer() { Stop(); }

void Writer::Submit(WriteUnit unit, WriteDone done) {
  {
    absl::MutexLock lock(&mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(unit), std::move(done)});
      return;
    }
  }
  done(absl::UnavailableError("the store is shutting down; retry later"));
}

void Writer::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  connection_.reset();
}

void Writer::Run() {
  while (true) {
    std::deque<Pending> group;
    {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(
          +[](Writer* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->mutex_) {
            return !w->queue_.empty() || w->stopping_;
          },
          this));
      if (queue_.empty()) return;  // stopping, and everything ran
      while (!queue_.empty() && static_cast<int>(group.size()) < max_batch_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunGroup(group);
  }
}

void Writer::RunGroup(std::deque<Pending>& group) {
  Connection& db = *connection_;
  auto fail_all = [&](const absl::Status& status) {
    for (Pending& pending : group) pending.done(status);
  };
  if (absl::Status s = db.Execute("BEGIN IMMEDIATE"); !s.ok()) {
    LogError(absl::StrCat("cannot begin a write transaction: ", s.message()));
    fail_all(absl::UnavailableError(
        absl::StrCat("the database is not writable now: ", s.message())));
    return;
  }
  std::vector<absl::Status> results;
  results.reserve(group.size());
  for (Pending& pending : group) {
    absl::Status status = db.Execute("SAVEPOINT unit");
    if (status.ok()) status = pending.unit(db);
    if (status.ok()) {
      status = db.Execute("RELEASE unit");
    } else {
      // Undo this unit alone; the group goes on.
      db.Execute("ROLLBACK TO unit; RELEASE unit").IgnoreError();
    }
    results.push_back(std::move(status));
  }
  if (absl::Status commit = db.Execute("COMMIT"); !commit.ok()) {
    LogError(absl::StrCat("commit failed: ", commit.message()));
    db.Execute("ROLLBACK").IgnoreError();
    fail_all(absl::UnavailableError(
        absl::StrCat("the write was not saved: ", commit.message())));
    return;
  }
  const bool any_committed =
      std::any_of(results.begin(), results.end(),
                  [](const absl::Status& s) { return s.ok(); });
  if (any_committed && commit_listener_) commit_listener_();
  for (size_t i = 0; i < group.size(); ++i) group[i].done(results[i]);
}

void Writer::SetCommitListener(std::function<void()> listener) {
  commit_listener_ = std::move(listener);
}

}  // namespace hotline::storage
