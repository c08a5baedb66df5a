// Output of hotlinectl: aligned tables, key/value blocks, JSON, and times in
// the bureau's time zone.
//
//   Table table({"NAME", "STATE"});
//   table.AddRow({"tickets/1", "RECEIVED"});
//   std::cout << table.Render();
//
// Thread-compatible.
#ifndef HOTLINE_TOOLS_CLI_FORMAT_H_
#define HOTLINE_TOOLS_CLI_FORMAT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"

namespace hotline::cli {

// Columns padded to their widest cell, counting a CJK character as two
// columns, as terminals show them.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

// "key: value" lines with the keys aligned; empty values are skipped.
std::string KeyValues(
    const std::vector<std::pair<std::string, std::string>>& pairs);

// The message as indented JSON with proto field names, ending in a newline.
std::string ToJson(const google::protobuf::Message& message);

// The bureau's time zone: Asia/Shanghai from the system's tzdata, or a
// fixed UTC+8 when tzdata is missing (China has kept UTC+8 since 1991).
absl::TimeZone BureauTimeZone();

// "2021-02-10 09:30" in the bureau's time zone; "" when unset.
std::string FormatTime(const google::protobuf::Timestamp& timestamp);

// A deadline: like FormatTime, but an instant at local midnight is shown as
// 24:00 of the day before ("2021-03-09 24:00"), as the rules state it.
std::string FormatDeadline(const google::protobuf::Timestamp& timestamp);

// Display width of UTF-8 text in terminal columns.
int DisplayWidth(const std::string& text);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_CLI_FORMAT_H_
