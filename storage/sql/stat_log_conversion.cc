#include "storage/sql/stat_log_conversion.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/sql/stat_rollup.h"

namespace hotline::storage {

absl::StatusOr<std::unique_ptr<StatLogConversion>>
StatLogConversion::StartIfNeeded(Connection& db, WriteAndWait write,
                                 std::string description) {
  ASSIGN_OR_RETURN(int64_t first,
                   db.QueryInt64("SELECT COALESCE(MIN(id), 0) FROM stat_log"));
  if (first == 0) return std::unique_ptr<StatLogConversion>();
  ASSIGN_OR_RETURN(int64_t last, db.QueryInt64("SELECT MAX(id) FROM stat_log"));
  return std::unique_ptr<StatLogConversion>(new StatLogConversion(
      std::move(write), std::move(description), first, last));
}

StatLogConversion::StatLogConversion(WriteAndWait write,
                                     std::string description, int64_t first_id,
                                     int64_t last_id)
    : write_(std::move(write)),
      description_(std::move(description)),
      first_id_(first_id),
      last_id_(last_id) {
  thread_ = std::thread([this] { Run(); });
}

StatLogConversion::~StatLogConversion() { Stop(); }

void StatLogConversion::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status StatLogConversion::Wait() {
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(
      +[](std::optional<absl::Status>* outcome) {
        return outcome->has_value();
      },
      &outcome_));
  return *outcome_;
}

void StatLogConversion::Run() {
  const absl::Time start = absl::Now();
  LogInfo(absl::StrCat(description_,
                       ": moving the statistics log to its compact form (ids ",
                       first_id_, " to ", last_id_, ") while serving"));
  absl::Time last_report = start;
  int64_t moved = 0;
  bool warned_retry = false;
  absl::Status outcome;
  for (;;) {
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_) {
        outcome = absl::CancelledError("stopped");
        break;
      }
    }
    int batch = 0;
    int64_t through = 0;
    absl::Status s = write_([&](Connection& db) -> absl::Status {
      ASSIGN_OR_RETURN(MovedStatLog result, MoveTextStatLog(db, kBatchRows));
      batch = result.rows;
      through = result.last_id;
      return absl::OkStatus();
    });
    // Another process moved part of the batch: read again. A commit that
    // failed for a while (a full disk, a lost connection): try again later.
    if (s.code() == absl::StatusCode::kAborted ||
        s.code() == absl::StatusCode::kUnavailable ||
        s.code() == absl::StatusCode::kResourceExhausted) {
      if (s.code() != absl::StatusCode::kAborted && !warned_retry) {
        LogWarning(absl::StrCat(description_,
                                ": moving the statistics log waits (",
                                s.message(), "); it tries again every second"));
        warned_retry = true;
      }
      absl::MutexLock lock(&mutex_);
      mutex_.AwaitWithTimeout(absl::Condition(&stopping_),
                              s.code() == absl::StatusCode::kAborted
                                  ? absl::Milliseconds(50)
                                  : absl::Seconds(1));
      continue;
    }
    if (!s.ok()) {
      outcome = s;
      LogWarning(
          absl::StrCat(description_, ": moving the statistics log stopped (",
                       s.message(), "); the rest moves at the next start"));
      break;
    }
    if (batch == 0) {
      LogInfo(absl::StrFormat(
          "%s: the statistics log is in its compact form (%d rows moved in "
          "%.1f s)",
          description_, moved, absl::ToDoubleSeconds(absl::Now() - start)));
      break;
    }
    moved += batch;
    if (absl::Now() - last_report >= absl::Seconds(10)) {
      last_report = absl::Now();
      const double span = static_cast<double>(last_id_ - first_id_ + 1);
      LogInfo(absl::StrFormat(
          "%s: moving the statistics log: %.0f%% (%d rows)", description_,
          100.0 * static_cast<double>(through - first_id_ + 1) / span, moved));
    }
  }
  absl::MutexLock lock(&mutex_);
  outcome_ = outcome;
}

}  // namespace hotline::storage
