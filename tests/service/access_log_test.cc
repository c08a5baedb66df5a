// The access log an operator reads (server/access_log.h): the real
// hotline-server binary with --log_format=json or text, its stderr read back
// and parsed line by line. Also the JSON string escaper the log relies on.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/json_string.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "hotline/v1/hotline_service.grpc.pb.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::ConnectTo;
using testing::CreateDepartmentWithToken;
using testing::ServerProcess;
using testing::ServerTest;
using testing::TempDir;

// `text` parsed as one JSON object; fails the test when it is not one.
google::protobuf::Struct ParseJson(const std::string& text) {
  google::protobuf::Struct object;
  const auto status =
      google::protobuf::util::JsonStringToMessage(text, &object);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in: " << text;
  return object;
}

std::string Text(const google::protobuf::Struct& object,
                 const std::string& key) {
  auto it = object.fields().find(key);
  return it == object.fields().end() ? "<absent>" : it->second.string_value();
}

TEST(JsonString, EscapesWhatJsonNeedsAndRoundTrips) {
  const std::string tricky =
      "quote \" backslash \\ newline \n tab \t bell \x07 del \x7f 噪音 €";
  EXPECT_EQ(JsonString("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(JsonString("\x01"), "\"\\u0001\"");
  google::protobuf::Struct parsed =
      ParseJson("{\"k\":" + JsonString(tricky) + "}");
  EXPECT_EQ(Text(parsed, "k"), tricky);
}

TEST(JsonString, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  // A lone continuation byte, a truncated sequence, an overlong '/', a
  // surrogate: each byte of them is replaced, the valid text kept.
  const std::string bad =
      "a\x80"
      "b\xE5\x99"
      "c\xC0\xAF"
      "d\xED\xA0\x80";
  const std::string quoted = JsonString(bad);
  google::protobuf::Struct parsed = ParseJson("{\"k\":" + quoted + "}");
  EXPECT_EQ(Text(parsed, "k"),
            "a\uFFFD"
            "b\uFFFD\uFFFD"
            "c\uFFFD\uFFFD"
            "d\uFFFD\uFFFD\uFFFD");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The records of a JSON-lines log, each line parsed (every line must be a
// JSON object).
std::vector<google::protobuf::Struct> Records(const std::string& log) {
  std::vector<google::protobuf::Struct> records;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    records.push_back(ParseJson(std::string(line)));
  }
  return records;
}

// The one record with event `event` and method `method` and code `code`;
// fails the test unless there is exactly one.
google::protobuf::Struct Find(
    const std::vector<google::protobuf::Struct>& records,
    const std::string& event, const std::string& method,
    const std::string& code) {
  std::vector<google::protobuf::Struct> found;
  for (const auto& record : records) {
    if (Text(record, "event") == event && Text(record, "method") == method &&
        (code.empty() || Text(record, "code") == code)) {
      found.push_back(record);
    }
  }
  EXPECT_EQ(found.size(), 1u) << event << " " << method << " " << code;
  return found.empty() ? google::protobuf::Struct() : found.front();
}

TEST(AccessLog, JsonLinesSayWhoDidWhatToWhichResourceAndNeverASecret) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string bureau_secret = testing::BootstrapToken(db, "bureau");
  const std::string log_path = dir.File("server.log");
  std::string department_secret;
  std::string ticket_name;
  {
    ServerProcess server(db, "", {"--quiet=false", "--log_format=json"}, {},
                         log_path);
    std::unique_ptr<Client> bureau = ConnectTo(server.address(), bureau_secret);
    department_secret = CreateDepartmentWithToken(*bureau, "housing");
    ASSERT_FALSE(department_secret.empty());
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = ServerTest::Draft();
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<v1::Ticket> ticket = bureau->CreateTicket(create);
    ASSERT_TRUE(ticket.ok()) << ticket.status();
    ticket_name = ticket->name();

    std::unique_ptr<Client> housing =
        ConnectTo(server.address(), department_secret);
    v1::GetTicketRequest get;
    get.set_name(ticket_name);
    ASSERT_TRUE(housing->GetTicket(get).ok());
    v1::RevokeTokenRequest revoke;  // the bureau's own
    revoke.set_name("tokens/1");
    EXPECT_EQ(housing->RevokeToken(revoke).status().code(),
              absl::StatusCode::kPermissionDenied);
    std::unique_ptr<Client> stranger =
        ConnectTo(server.address(), "made-up-secret");
    EXPECT_EQ(stranger->GetTicket(get).status().code(),
              absl::StatusCode::kUnauthenticated);

    // A stream: its start, an event, and its end when cancelled.
    auto stub = v1::HotlineService::NewStub(grpc::CreateChannel(
        server.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + department_secret);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    v1::WatchEventsRequest watch;
    auto reader = stub->WatchEvents(&context, watch);
    v1::Event event;
    ASSERT_TRUE(reader->Read(&event));  // the dispatch to housing
    context.TryCancel();
    while (reader->Read(&event)) {
    }
    reader->Finish().IgnoreError();
    // The server learns of the cancellation on its own time (waited for
    // generously: a loaded machine is slow).
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (!absl::StrContains(ReadFile(log_path), "stream_end") &&
           absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    EXPECT_EQ(server.Terminate(), 0);
  }
  const std::string log = ReadFile(log_path);
  const std::vector<google::protobuf::Struct> records = Records(log);
  ASSERT_FALSE(records.empty());
  for (const auto& record : records) {
    EXPECT_NE(Text(record, "time"), "<absent>");
    EXPECT_NE(Text(record, "level"), "<absent>");
  }

  const auto get = Find(records, "call", "GetTicket", "OK");
  EXPECT_TRUE(absl::StartsWith(Text(get, "peer"), "ipv4:127.0.0.1:") ||
              absl::StartsWith(Text(get, "peer"), "ipv6:"))
      << Text(get, "peer");
  EXPECT_EQ(Text(get, "principal"), "department/housing");
  EXPECT_TRUE(absl::StartsWith(Text(get, "credential"), "tokens/"))
      << Text(get, "credential");
  EXPECT_EQ(Text(get, "resource"), ticket_name);
  EXPECT_EQ(Text(get, "error"), "<absent>");
  EXPECT_GE(get.fields().at("latency_us").number_value(), 0);
  EXPECT_GT(get.fields().at("latency_us").number_value() + 1, 0);

  const auto refused =
      Find(records, "call", "RevokeToken", "PERMISSION_DENIED");
  EXPECT_EQ(Text(refused, "principal"), "department/housing");
  EXPECT_EQ(Text(refused, "resource"), "tokens/1");
  EXPECT_FALSE(Text(refused, "error").empty());
  EXPECT_NE(Text(refused, "error"), "<absent>");

  const auto stranger = Find(records, "call", "GetTicket", "UNAUTHENTICATED");
  EXPECT_EQ(Text(stranger, "principal"), "-");
  EXPECT_NE(Text(stranger, "error"), "<absent>");

  const auto created = Find(records, "call", "CreateTicket", "OK");
  EXPECT_EQ(Text(created, "principal"), "bureau");
  EXPECT_EQ(Text(created, "resource"), "departments/housing");
  const auto department = Find(records, "call", "CreateDepartment", "OK");
  EXPECT_EQ(Text(department, "resource"), "housing");

  const auto start = Find(records, "stream_start", "WatchEvents", "");
  EXPECT_EQ(Text(start, "principal"), "department/housing");
  EXPECT_EQ(Text(start, "code"), "<absent>");
  const auto end = Find(records, "stream_end", "WatchEvents", "CANCELLED");
  EXPECT_EQ(Text(end, "principal"), "department/housing");
  ASSERT_TRUE(end.fields().contains("events")) << log;
  EXPECT_GE(end.fields().at("events").number_value(), 1);
  EXPECT_GT(end.fields().at("duration_us").number_value(), 0);

  // Never a secret, nor the caller's name or phone.
  EXPECT_EQ(log.find(bureau_secret), std::string::npos);
  EXPECT_EQ(log.find(department_secret), std::string::npos);
  EXPECT_EQ(log.find("Bearer"), std::string::npos);
  EXPECT_EQ(log.find(ServerTest::Draft().caller_name()), std::string::npos);
  EXPECT_EQ(log.find(ServerTest::Draft().caller_phone()), std::string::npos);
}

TEST(AccessLog, TextLinesReadAsKeyValuePairs) {
  TempDir dir;
  const std::string db = dir.File("hotline.db");
  const std::string secret = testing::BootstrapToken(db, "bureau");
  const std::string log_path = dir.File("server.log");
  {
    ServerProcess server(db, "", {"--quiet=false"}, {}, log_path);
    v1::GetTicketRequest get;
    get.set_name("tickets/42");
    EXPECT_EQ(
        ConnectTo(server.address(), secret)->GetTicket(get).status().code(),
        absl::StatusCode::kNotFound);
    EXPECT_EQ(server.Terminate(), 0);
  }
  const std::string log = ReadFile(log_path);
  std::string line;
  for (absl::string_view candidate : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(candidate, " I call ") &&
        absl::StrContains(candidate, "method=GetTicket")) {
      line = std::string(candidate);
    }
  }
  ASSERT_FALSE(line.empty()) << log;
  EXPECT_TRUE(absl::StrContains(line, " peer=ipv4:127.0.0.1:")) << line;
  EXPECT_TRUE(absl::StrContains(line, " principal=bureau ")) << line;
  EXPECT_TRUE(absl::StrContains(line, " credential=tokens/")) << line;
  EXPECT_TRUE(absl::StrContains(line, " resource=tickets/42 ")) << line;
  EXPECT_TRUE(absl::StrContains(line, " code=NOT_FOUND ")) << line;
  // A message with spaces is one quoted value.
  EXPECT_TRUE(absl::StrContains(line, " error=\"")) << line;
  EXPECT_TRUE(absl::StrContains(line, " latency_us=")) << line;
  EXPECT_EQ(log.find(secret), std::string::npos);
}

}  // namespace
}  // namespace hotline
