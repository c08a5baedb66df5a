#include "storage/sqlite/integrity_check.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "storage/sqlite/sqlite.h"

namespace hotline::storage {

const char* const kTablesReadAtStart[5] = {"settings", "stat_meta",
                                           "departments", "policies", "tokens"};

namespace {

bool IsPlainIdentifier(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Status QuickCheck(Connection& db, const std::string& table) {
  if (!table.empty() && !IsPlainIdentifier(table)) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a table name: \"", table, "\""));
  }
  // quick_check(N) and quick_check(TABLE) are separate forms: a table's
  // answer is read up to its first 20 rows here.
  ASSIGN_OR_RETURN(
      Statement check,
      db.Prepare(table.empty()
                     ? std::string("PRAGMA quick_check(20)")
                     : absl::StrCat("PRAGMA quick_check(", table, ")")));
  std::vector<std::string> problems;
  while (problems.size() < 20) {
    ASSIGN_OR_RETURN(bool row, check.Step());
    if (!row) break;
    problems.push_back(check.ColumnText(0));
  }
  if (!problems.empty() && problems.front() == "ok") return absl::OkStatus();
  std::string first = problems.empty() ? "no answer" : problems.front();
  first = absl::StrReplaceAll(first, {{"\n", " "}, {"\r", " "}});
  if (first.size() > 160) first = absl::StrCat(first.substr(0, 160), "...");
  return absl::DataLossError(absl::StrCat(
      "PRAGMA quick_check", table.empty() ? "" : absl::StrCat("(", table, ")"),
      " found ",
      problems.size() >= 20 ? "20 or more" : absl::StrCat(problems.size()),
      " problem(s), first: ", first));
}

absl::StatusOr<std::vector<std::string>> TablesOf(Connection& db) {
  return db.QueryTexts(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
      "LIKE 'sqlite_%' ORDER BY name");
}

BackgroundIntegrityCheck::BackgroundIntegrityCheck(
    std::string path, std::function<void(const absl::Status&)> on_damage)
    : path_(std::move(path)), on_damage_(std::move(on_damage)) {
  thread_ = std::thread([this] { Run(); });
}

BackgroundIntegrityCheck::~BackgroundIntegrityCheck() { Stop(); }

void BackgroundIntegrityCheck::Stop() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    if (reading_ != nullptr) reading_->Interrupt();
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status BackgroundIntegrityCheck::Wait() {
  absl::MutexLock lock(&mutex_);
  mutex_.Await(absl::Condition(
      +[](std::optional<absl::Status>* outcome) {
        return outcome->has_value();
      },
      &outcome_));
  return *outcome_;
}

void BackgroundIntegrityCheck::Run() {
  const absl::Time began = absl::Now();
  auto end = [&](absl::Status outcome) {
    absl::MutexLock lock(&mutex_);
    outcome_ = std::move(outcome);
  };
  absl::StatusOr<std::unique_ptr<Connection>> opened =
      SqliteConnection::Open(path_, /*read_only=*/true);
  if (!opened.ok()) {
    LogWarning(absl::StrCat("the integrity check of ", path_,
                            " could not start: ", opened.status().message()));
    end(opened.status());
    return;
  }
  // Open makes SqliteConnections only.
  std::unique_ptr<Connection> db = *std::move(opened);
  {
    absl::MutexLock lock(&mutex_);
    if (!stopping_) reading_ = static_cast<SqliteConnection*>(db.get());
  }
  absl::StatusOr<std::vector<std::string>> tables = TablesOf(*db);
  absl::Status outcome = tables.status();
  int checked = 0;
  if (tables.ok()) {
    LogInfo(absl::StrCat("checking ", path_, " (", tables->size(),
                         " tables) in the background"));
    auto stopping = [&] {
      absl::MutexLock lock(&mutex_);
      return stopping_;
    };
    for (const std::string& table : *tables) {
      if (stopping()) {
        outcome = absl::CancelledError("stopped");
        break;
      }
      outcome = QuickCheck(*db, table);
      // An interrupted check fails: stopped, not damaged.
      if (stopping()) {
        outcome = absl::CancelledError("stopped");
        break;
      }
      if (!outcome.ok()) break;
      ++checked;
    }
  }
  if (outcome.ok()) {
    LogInfo(absl::StrCat("checked ", path_, ": all ", checked,
                         " tables sound (",
                         absl::FormatDuration(absl::Trunc(
                             absl::Now() - began, absl::Milliseconds(1))),
                         ")"));
  } else if (outcome.code() == absl::StatusCode::kDataLoss) {
    // The store logs it as it turns NOT_SERVING.
    on_damage_(outcome);
  } else if (outcome.code() != absl::StatusCode::kCancelled) {
    LogWarning(absl::StrCat("the integrity check of ", path_,
                            " ended early: ", outcome.message()));
  }
  // Closed before the outcome is told: the store's writer may close last.
  {
    absl::MutexLock lock(&mutex_);
    reading_ = nullptr;
  }
  db.reset();
  end(outcome);
}

}  // namespace hotline::storage
