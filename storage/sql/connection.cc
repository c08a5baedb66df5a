#include "storage/sql/connection.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "common/status_macros.h"

namespace hotline::storage {
namespace {

// The status payload that marks a full disk.
constexpr char kDiskFullPayload[] = "hotline.storage/disk-full";

}  // namespace

absl::StatusOr<int64_t> Connection::QueryInt64(const std::string& sql) {
  ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError(absl::StrCat("no row from ", sql));
  return stmt.ColumnInt64(0);
}

absl::StatusOr<std::vector<std::string>> Connection::QueryTexts(
    const std::string& sql) {
  ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  std::vector<std::string> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    rows.push_back(stmt.ColumnText(0));
  }
}

bool IsDiskFull(const absl::Status& status) {
  return status.code() == absl::StatusCode::kResourceExhausted &&
         status.GetPayload(kDiskFullPayload).has_value();
}

absl::Status DiskFullError(absl::string_view engine_text) {
  // The caller sees this message: no SQL in it.
  absl::Status full = absl::ResourceExhaustedError(
      absl::StrCat("disk full: the server cannot save changes (", engine_text,
                   "); free space on the database's disk and retry"));
  full.SetPayload(kDiskFullPayload, absl::Cord("1"));
  // The operator frees space; a retry before that fails the same way.
  return WithRetryDelay(WithReason(std::move(full), v1::DISK_FULL),
                        absl::Minutes(1));
}

}  // namespace hotline::storage
