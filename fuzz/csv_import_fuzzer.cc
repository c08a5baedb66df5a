// `hotlinectl import`: the city platform's CSV export, any bytes.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "tools/csv_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hotline::fuzz::Require;
  namespace cli = hotline::cli;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<cli::CsvRow>> rows = cli::ParseCsv(text);
  if (!rows.ok()) {
    hotline::fuzz::CheckMessage(rows.status());
    return 0;
  }
  if (rows->empty()) return 0;
  absl::StatusOr<cli::ImportColumns> columns =
      cli::ImportColumns::FromHeader((*rows)[0]);
  if (!columns.ok()) {
    hotline::fuzz::CheckMessage(columns.status());
    return 0;
  }
  int previous_line = 0;
  for (size_t i = 1; i < rows->size(); ++i) {
    const cli::CsvRow& row = (*rows)[i];
    Require(row.line > previous_line, "row line numbers do not increase");
    previous_line = row.line;
    absl::StatusOr<hotline::v1::CreateTicketRequest> request =
        cli::RowToRequest(*columns, row);
    if (!request.ok()) {
      Require(request.status().code() == absl::StatusCode::kInvalidArgument,
              "a row refused with another code than INVALID_ARGUMENT");
      hotline::fuzz::CheckMessage(request.status());
      continue;
    }
    // What the client sends must be a message the server can parse: every
    // string UTF-8 (else the call ends as an INTERNAL serialization error).
    hotline::v1::CreateTicketRequest parsed;
    Require(parsed.ParseFromString(request->SerializeAsString()),
            "a request that does not survive serialization",
            request->ShortDebugString());
  }
  return 0;
}
