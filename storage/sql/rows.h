// Helpers for reading rows that the storage files share: a serialized proto
// in a column, and a callback per row. Internal to storage/.
//
// Not thread-safe beyond the Connection's own rules.
#ifndef HOTLINE_STORAGE_SQL_ROWS_H_
#define HOTLINE_STORAGE_SQL_ROWS_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "storage/sql/connection.h"

namespace hotline::storage {

// The proto stored in `column` of the current row; DATA_LOSS naming `what`
// when it does not parse.
template <typename Message>
absl::StatusOr<Message> ParseBody(const Statement& row, int column,
                                  absl::string_view what) {
  Message message;
  const absl::string_view body = row.ColumnBlob(column);
  if (!message.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return absl::DataLossError(
        absl::StrCat("stored ", what, " cannot be parsed"));
  }
  return message;
}

// Runs `each` on every row `sql` returns, stopping at the first error.
absl::Status ForEachRow(
    Connection& db, const std::string& sql,
    const std::function<absl::Status(const Statement&)>& each);

}  // namespace hotline::storage

#endif  // HOTLINE_STORAGE_SQL_ROWS_H_
