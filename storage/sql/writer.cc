#include "storage/sql/writer.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/error_details.h"
#include "common/log.h"

namespace hotline::storage {

Writer::Writer(std::unique_ptr<Connection> connection, int max_batch)
    : max_batch_(max_batch < 1 ? 1 : max_batch),
      connection_(std::move(connection)),
      thread_([this] { Run(); }),
      completion_thread_([this] { RunCompletions(); }) {}

Writer::~Writer() { Stop(); }

void Writer::Submit(WriteUnit unit, WriteDone done) {
  {
    absl::MutexLock lock(&mutex_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(unit), std::move(done)});
      return;
    }
  }
  done(WithRetryDelay(WithReason(absl::UnavailableError(
                                     "the store is shutting down; retry later"),
                                 v1::SERVER_UNAVAILABLE),
                      absl::Seconds(1)));
}

void Writer::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  connection_.reset();
  {
    absl::MutexLock lock(&completion_mutex_);
    completions_stopping_ = true;
  }
  if (completion_thread_.joinable()) completion_thread_.join();
}

void Writer::Complete(
    std::vector<std::pair<WriteDone, absl::Status>> outcomes) {
  absl::MutexLock lock(&completion_mutex_);
  for (auto& outcome : outcomes) completions_.push_back(std::move(outcome));
}

void Writer::RunCompletions() {
  while (true) {
    std::deque<std::pair<WriteDone, absl::Status>> batch;
    {
      absl::MutexLock lock(&completion_mutex_);
      completion_mutex_.Await(absl::Condition(
          +[](Writer* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->completion_mutex_) {
            return !w->completions_.empty() || w->completions_stopping_;
          },
          this));
      if (completions_.empty()) return;  // stopping, and everything ran
      batch.swap(completions_);
    }
    for (auto& [done, status] : batch) done(std::move(status));
  }
}

void Writer::Run() {
  while (true) {
    std::deque<Pending> group;
    std::function<void(const CommitGroupStats&)> observer;
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
      observer = group_observer_;
    }
    RunGroup(group, observer);
  }
}

namespace {

// What a failure says about the database as a whole: DATA_LOSS outranks a
// full disk, which outranks everything else (nothing to say).
bool Outranks(const absl::Status& candidate, const absl::Status& current) {
  auto rank = [](const absl::Status& s) {
    if (s.code() == absl::StatusCode::kDataLoss) return 2;
    if (IsDiskFull(s)) return 1;
    return 0;
  };
  return rank(candidate) > rank(current);
}

// The status a group's units get when the transaction itself failed: a
// full disk or a damaged file as such (the caller must not retry blindly),
// anything else UNAVAILABLE.
absl::Status TransactionFailure(const absl::Status& status,
                                absl::string_view what) {
  if (status.code() == absl::StatusCode::kDataLoss || IsDiskFull(status)) {
    return status;
  }
  return WithRetryDelay(
      WithReason(absl::UnavailableError(absl::StrCat(what, status.message())),
                 v1::SERVER_UNAVAILABLE),
      absl::Seconds(1));
}

}  // namespace

void Writer::RunGroup(
    std::deque<Pending>& group,
    const std::function<void(const CommitGroupStats&)>& observer) {
  Connection& db = *connection_;
  const absl::Time start = absl::Now();
  // Before the units' `done`s, so that whoever was told of a commit finds
  // it counted.
  auto report = [&] {
    if (observer) {
      observer(CommitGroupStats{static_cast<int>(group.size()),
                                absl::Now() - start});
    }
  };
  // What this group says about the database (see SetOutcomeObserver).
  absl::Status condition;
  auto note = [&](const absl::Status& status) {
    if (Outranks(status, condition)) condition = status;
  };
  auto fail_all = [&](const absl::Status& status) {
    if (hooks_ != nullptr) hooks_->EndGroup(db, false);
    note(status);
    if (outcome_observer_ && !condition.ok()) outcome_observer_(condition);
    report();
    std::vector<std::pair<WriteDone, absl::Status>> outcomes;
    for (Pending& pending : group) {
      outcomes.emplace_back(std::move(pending.done), status);
    }
    Complete(std::move(outcomes));
  };
  if (absl::Status s = db.BeginWrite(); !s.ok()) {
    LogError(absl::StrCat("cannot begin a write transaction: ", s.message()));
    fail_all(TransactionFailure(s, "the database is not writable now: "));
    return;
  }
  if (hooks_ != nullptr) {
    if (absl::Status s = hooks_->BeginGroup(db); !s.ok()) {
      LogError(absl::StrCat("cannot begin a write transaction: ", s.message()));
      db.Execute("ROLLBACK").IgnoreError();
      fail_all(TransactionFailure(s, "the database is not writable now: "));
      return;
    }
  }
  std::vector<absl::Status> results;
  results.reserve(group.size());
  for (Pending& pending : group) {
    absl::Status status = db.Execute("SAVEPOINT unit");
    if (status.ok()) status = pending.unit(db);
    if (status.ok()) {
      status = db.Execute("RELEASE unit");
    } else if (!db.InTransaction()) {
      // SQLite rolled the whole transaction back itself (it may on a full
      // disk or a damaged file): nothing of the group was saved.
      LogError(absl::StrCat("a write transaction was rolled back: ",
                            status.message()));
      fail_all(TransactionFailure(status, "the write was not saved: "));
      return;
    } else {
      // Undo this unit alone; the group goes on.
      db.Execute("ROLLBACK TO unit; RELEASE unit").IgnoreError();
    }
    note(status);
    results.push_back(std::move(status));
  }
  const bool any_ok = std::any_of(results.begin(), results.end(),
                                  [](const absl::Status& s) { return s.ok(); });
  if (hooks_ != nullptr && any_ok) {
    if (absl::Status s = hooks_->BeforeCommit(db); !s.ok()) {
      LogError(
          absl::StrCat("cannot finish a write transaction: ", s.message()));
      db.Execute("ROLLBACK").IgnoreError();
      fail_all(TransactionFailure(s, "the write was not saved: "));
      return;
    }
  }
  if (absl::Status commit = db.Execute("COMMIT"); !commit.ok()) {
    LogError(absl::StrCat("commit failed: ", commit.message()));
    db.Execute("ROLLBACK").IgnoreError();
    fail_all(TransactionFailure(commit, "the write was not saved: "));
    return;
  }
  const bool any_committed = any_ok;
  if (hooks_ != nullptr) hooks_->EndGroup(db, any_committed);
  if (outcome_observer_ && (!condition.ok() || any_committed)) {
    outcome_observer_(condition);
  }
  if (any_committed && commit_listener_) commit_listener_();
  report();
  std::vector<std::pair<WriteDone, absl::Status>> outcomes;
  for (size_t i = 0; i < group.size(); ++i) {
    outcomes.emplace_back(std::move(group[i].done), std::move(results[i]));
  }
  Complete(std::move(outcomes));
}

void Writer::SetCommitListener(std::function<void()> listener) {
  commit_listener_ = std::move(listener);
}

void Writer::SetGroupObserver(
    std::function<void(const CommitGroupStats&)> observer) {
  absl::MutexLock lock(&mutex_);
  group_observer_ = std::move(observer);
}

int Writer::QueueDepth() const {
  absl::MutexLock lock(&mutex_);
  return static_cast<int>(queue_.size());
}

void Writer::SetOutcomeObserver(
    std::function<void(const absl::Status&)> observer) {
  outcome_observer_ = std::move(observer);
}

}  // namespace hotline::storage
