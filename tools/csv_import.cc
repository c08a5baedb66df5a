#include "tools/csv_import.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/input_text.h"
#include "common/proto_time.h"
#include "tools/cli_format.h"

namespace hotline::cli {

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  row.line = 1;
  bool quoted = false;
  int quote_line = 0;
  bool any = false;  // anything on the current row
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      quote_line = line;
      any = true;
    } else if (c == ',') {
      row.fields.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.fields.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      field.clear();
      row = CsvRow();
      any = false;
      row.line = ++line;
    } else {
      field.push_back(c);
      any = true;
    }
  }
  if (quoted) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", quote_line, ": a quoted field is never closed"));
  }
  if (any || !field.empty()) {
    row.fields.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::StatusOr<std::vector<CsvRow>> ReadCsvFile(const std::string& path) {
  auto file_error = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
  };
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return file_error("is a directory; give the CSV file");
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return file_error(
        absl::StrCat("cannot read it: ", errno != 0 ? std::strerror(errno)
                                                    : "cannot open the file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return file_error("cannot read it to the end");
  absl::StatusOr<std::vector<CsvRow>> rows = ParseCsv(text.str());
  if (!rows.ok()) return file_error(rows.status().message());
  return rows;
}

absl::StatusOr<ImportColumns> ImportColumns::FromHeader(const CsvRow& header) {
  ImportColumns columns;
  const std::map<std::string, int*> names = {
      {"source_id", &columns.source_id},
      {"received_at", &columns.received_at},
      {"type", &columns.type},
      {"topic", &columns.topic},
      {"urgency", &columns.urgency},
      {"title", &columns.title},
      {"content", &columns.content},
      {"address", &columns.address},
      {"caller", &columns.caller},
      {"phone", &columns.phone},
      {"confidential", &columns.confidential},
      {"department", &columns.department},
      {"category", &columns.category}};
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(header.fields[i]));
    columns.names.push_back(name);
    auto it = names.find(name);
    if (it == names.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", header.line, ": unknown column ",
          QuoteInput(header.fields[i]),
          "; the columns are source_id, received_at, type, topic, urgency, "
          "title, content, address, caller, phone, confidential, department, "
          "category"));
    }
    *it->second = static_cast<int>(i);
  }
  for (const char* required :
       {"source_id", "type", "topic", "title", "content"}) {
    if (*names.at(required) < 0) {
      return absl::InvalidArgumentError(absl::StrCat("line ", header.line,
                                                     ": the header has no \"",
                                                     required, "\" column"));
    }
  }
  return columns;
}

namespace {

std::string Field(const CsvRow& row, int column) {
  if (column < 0 || column >= static_cast<int>(row.fields.size())) return "";
  return std::string(absl::StripAsciiWhitespace(row.fields[column]));
}

absl::Status RowError(const CsvRow& row, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", row.line, ": ", what));
}

}  // namespace

absl::StatusOr<v1::CreateTicketRequest> RowToRequest(const ImportColumns& c,
                                                     const CsvRow& row) {
  // Text that is not UTF-8 (say a GBK export) could not be sent at all:
  // protobuf refuses to serialize it.
  for (size_t i = 0; i < row.fields.size(); ++i) {
    const size_t bad = InvalidUtf8Offset(row.fields[i]);
    if (bad == absl::string_view::npos) continue;
    const std::string column = i < c.names.size()
                                   ? absl::StrCat("\"", c.names[i], "\"")
                                   : absl::StrCat(i + 1);
    return RowError(
        row, absl::StrCat("column ", column, ": byte ", bad + 1,
                          " is not UTF-8 text (", QuoteInput(row.fields[i]),
                          "); save the file as UTF-8"));
  }
  v1::CreateTicketRequest request;
  v1::Ticket& t = *request.mutable_ticket();
  const std::string source_id = Field(row, c.source_id);
  if (source_id.empty()) return RowError(row, "source_id is empty");
  t.set_source_id(source_id);

  static const std::map<std::string, v1::Ticket::Type> kTypes = {
      {"咨询", v1::Ticket::INQUIRY},    {"求助", v1::Ticket::HELP},
      {"建议", v1::Ticket::SUGGESTION}, {"投诉", v1::Ticket::COMPLAINT},
      {"举报", v1::Ticket::REPORT},     {"其他", v1::Ticket::OTHER}};
  const std::string type = Field(row, c.type);
  v1::Ticket::Type parsed_type;
  if (auto it = kTypes.find(type); it != kTypes.end()) {
    t.set_type(it->second);
  } else if (v1::Ticket::Type_Parse(absl::AsciiStrToUpper(type),
                                    &parsed_type) &&
             parsed_type != v1::Ticket::TYPE_UNSPECIFIED) {
    t.set_type(parsed_type);
  } else {
    return RowError(row, absl::StrCat("type ", QuoteInput(type),
                                      " is not 咨询, 求助, 建议, 投诉, 举报 "
                                      "or 其他"));
  }
  static const std::map<std::string, v1::Ticket::Urgency> kUrgencies = {
      {"", v1::Ticket::NORMAL},
      {"普通", v1::Ticket::NORMAL},
      {"紧急", v1::Ticket::URGENT},
      {"特急", v1::Ticket::CRITICAL}};
  const std::string urgency = Field(row, c.urgency);
  v1::Ticket::Urgency parsed_urgency;
  if (auto it = kUrgencies.find(urgency); it != kUrgencies.end()) {
    t.set_urgency(it->second);
  } else if (v1::Ticket::Urgency_Parse(absl::AsciiStrToUpper(urgency),
                                       &parsed_urgency) &&
             parsed_urgency != v1::Ticket::URGENCY_UNSPECIFIED) {
    t.set_urgency(parsed_urgency);
  } else {
    return RowError(row, absl::StrCat("urgency ", QuoteInput(urgency),
                                      " is not 普通, 紧急 or 特急"));
  }
  t.set_topic(Field(row, c.topic));
  t.set_title(Field(row, c.title));
  t.set_content(Field(row, c.content));
  t.set_address(Field(row, c.address));
  t.set_category(Field(row, c.category));
  t.set_caller_name(Field(row, c.caller));
  t.set_caller_phone(Field(row, c.phone));
  const std::string confidential =
      absl::AsciiStrToLower(Field(row, c.confidential));
  if (confidential == "是" || confidential == "yes" || confidential == "true" ||
      confidential == "1") {
    t.set_confidential(true);
  } else if (!(confidential.empty() || confidential == "否" ||
               confidential == "no" || confidential == "false" ||
               confidential == "0")) {
    return RowError(row, absl::StrCat("confidential ", QuoteInput(confidential),
                                      " is not 是 or 否"));
  }
  const std::string received = Field(row, c.received_at);
  if (!received.empty()) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, received, &time, &error) &&
        !absl::ParseTime("%Y-%m-%d %H:%M:%S", received, BureauTimeZone(), &time,
                         &error) &&
        !absl::ParseTime("%Y-%m-%d %H:%M", received, BureauTimeZone(), &time,
                         &error)) {
      return RowError(row, absl::StrCat("received_at ", QuoteInput(received),
                                        " is not a time like 2021-02-10 "
                                        "09:30"));
    }
    if (!IsValidApiTime(time)) {
      return RowError(row, absl::StrCat("received_at ", QuoteInput(received),
                                        " is out of range; give a time from "
                                        "1970 through 9999"));
    }
    t.mutable_received_at()->set_seconds(absl::ToUnixSeconds(time));
  }
  const std::string department = Field(row, c.department);
  if (!department.empty()) {
    request.set_dispatch_to(absl::StartsWith(department, "departments/")
                                ? department
                                : "departments/" + department);
  }
  return request;
}

}  // namespace hotline::cli
