// Reading the city platform's ticket export for `hotlinectl import`.
//
// The file is CSV (RFC 4180: quoted fields may hold commas, quotes doubled,
// newlines), UTF-8 with or without a byte-order mark, and a header line naming
// the columns, in any order:
//
//   source_id     the platform's ticket number (required)
//   received_at   RFC 3339, or "YYYY-MM-DD HH:MM[:SS]" in Beijing time
//   type          咨询 求助 建议 投诉 举报 其他, or INQUIRY HELP SUGGESTION
//                 COMPLAINT REPORT OTHER (required)
//   topic, title, content   (required)
//   urgency       普通 紧急 特急 or NORMAL URGENT CRITICAL (empty: normal)
//   address, caller, phone  (optional)
//   confidential  是/否, yes/no, true/false, 1/0 (empty: no)
//   department    a department id to dispatch to (optional)
//
// Stateless and thread-safe.
#ifndef HOTLINE_TOOLS_CSV_IMPORT_H_
#define HOTLINE_TOOLS_CSV_IMPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/hotline_service.pb.h"

namespace hotline::cli {

// One data row: its line number in the file (for messages) and its fields.
struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

// Splits CSV text into rows; the first row is the header. INVALID_ARGUMENT
// for an unterminated quote (naming the line it started on).
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

// Reads the CSV file a person gave and splits it (ParseCsv).
// INVALID_ARGUMENT "{path}: {what}" when it is a directory, cannot be read
// to the end or is not CSV.
absl::StatusOr<std::vector<CsvRow>> ReadCsvFile(const std::string& path);

// Maps header names to column positions; INVALID_ARGUMENT naming a missing
// required column or an unknown one.
struct ImportColumns {
  static absl::StatusOr<ImportColumns> FromHeader(const CsvRow& header);
  int source_id = -1, received_at = -1, type = -1, topic = -1, urgency = -1,
      title = -1, content = -1, address = -1, caller = -1, phone = -1,
      confidential = -1, department = -1, category = -1;
  // The header's column names by position, for messages.
  std::vector<std::string> names;
};

// The CreateTicket request for one row, or INVALID_ARGUMENT saying which
// field is wrong ("line 7: column \"title\": byte 3 is not UTF-8 text" for
// a file saved in another encoding). It has no request_id (the client
// library sets one per call and keeps it on its retries): the source_id
// makes a re-run create nothing twice, answered ALREADY_EXISTS with reason
// DUPLICATE_SOURCE_ID (a row already imported).
absl::StatusOr<v1::CreateTicketRequest> RowToRequest(
    const ImportColumns& columns, const CsvRow& row);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_CSV_IMPORT_H_
