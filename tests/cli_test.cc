// hotlinectl as a person uses it: the built binary against the real server
// binary, checking what it prints and its exit codes.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

namespace hotline {
namespace {

using testing::ServerProcess;
using testing::TempDir;

using CliRun = testing::ProgramRun;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("hotline.db");
    bureau_token_ = testing::BootstrapToken(db_, "bureau");
    server_ = std::make_unique<ServerProcess>(db_);
  }

  CliRun Cli(const std::vector<std::string>& args,
             const std::string& token = "") {
    return testing::RunCli(HOTLINE_CLI_BINARY, server_->address(),
                           token.empty() ? bureau_token_ : token, args, dir_);
  }

  TempDir dir_;
  std::string db_;
  std::string bureau_token_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(CliTest, ANewcomersFirstSession) {
  CliRun made = Cli({"department", "create", "housing", "--display_name",
                     "县住房和城乡建设局"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(absl::StrContains(made.out, "departments/housing"));
  CliRun shown = Cli({"department", "get", "housing"});
  EXPECT_TRUE(absl::StrContains(shown.out, "display_name: 县住房和城乡建设局"))
      << shown.out << shown.err;

  CliRun token = Cli({"token", "create", "department/housing", "--json"});
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const size_t at = token.out.find("\"secret\": \"");
  ASSERT_NE(at, std::string::npos) << token.out;
  const std::string secret =
      token.out.substr(at + 11, token.out.find('"', at + 11) - at - 11);

  CliRun created = Cli({"ticket", "create", "--type", "complaint", "--topic",
                        "噪音", "--title", "工地夜间施工", "--content",
                        "每晚十点后仍在施工", "--dispatch_to", "housing"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_TRUE(absl::StrContains(created.out, "state:        DISPATCHED"))
      << created.out;

  CliRun listed = Cli({"ticket", "list"}, secret);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(absl::StartsWith(listed.out, "TICKET")) << listed.out;
  EXPECT_TRUE(absl::StrContains(listed.out, "tickets/1"));
  EXPECT_TRUE(absl::StrContains(listed.out, "噪音"));

  CliRun acked = Cli({"ticket", "ack", "1"}, secret);
  EXPECT_EQ(acked.exit_code, 0) << acked.err;
  CliRun events = Cli({"ticket", "events", "tickets/1"});
  EXPECT_TRUE(absl::StrContains(events.out, "ACKNOWLEDGED")) << events.out;
  EXPECT_TRUE(absl::StrContains(events.out, "department/housing"));

  // The sample export the README imports: four rows for housing, two for
  // the bureau to dispatch.
  CliRun imported =
      Cli({"import", HOTLINE_EXAMPLES_DIR "/platform-export.csv"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(absl::StrContains(imported.out,
                                "imported 6 new ticket(s), 0 already present, "
                                "0 row(s) failed, of 6"))
      << imported.out;

  // The report: this month by default; a department gets its own figures.
  CliRun mine = Cli({"report", "--format", "csv"}, secret);
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_TRUE(absl::StrContains(mine.out, "\ntotal,housing,5,5,0,0,5,0,0,0,"))
      << mine.out;
  CliRun all = Cli({"report", "--format", "zh"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_TRUE(absl::StrContains(
      all.out, ",收到市12345投诉举报平台转派工单7件,黄牌0件,红牌0件,"))
      << all.out;
  EXPECT_TRUE(absl::StrContains(all.out, "已转相关职能部门调处5件")) << all.out;
  CliRun year = Cli({"report", "--year", "2021", "--format", "zh"});
  EXPECT_TRUE(absl::StartsWith(
      year.out,
      "2021年1月1日至2021年12月31日,收到市12345投诉举报平台转派工单0件"))
      << year.out;
}

TEST_F(CliTest, EachFailureKindHasItsExitCode) {
  ASSERT_EQ(
      Cli({"department", "create", "housing", "--display_name", "x"}).exit_code,
      0);
  CliRun token = Cli({"token", "create", "department/housing", "--json"});
  const size_t at = token.out.find("\"secret\": \"");
  const std::string secret =
      token.out.substr(at + 11, token.out.find('"', at + 11) - at - 11);
  ASSERT_EQ(Cli({"ticket", "create", "--type", "help", "--topic", "t",
                 "--title", "t", "--content", "c"})
                .exit_code,
            0);

  CliRun missing = Cli({"ticket", "get", "99"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_EQ(missing.err,
            "hotlinectl: NOT_FOUND: ticket tickets/99 does not exist\n");
  CliRun denied =
      Cli({"ticket", "close", "1", "--satisfaction", "satisfied"}, secret);
  EXPECT_EQ(denied.exit_code, 3);
  EXPECT_TRUE(absl::StrContains(denied.err, "PERMISSION_DENIED")) << denied.err;
  CliRun two_periods = Cli({"report", "--year", "2021", "--month", "2021-02"});
  EXPECT_EQ(two_periods.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(two_periods.err, "not several"))
      << two_periods.err;
  EXPECT_EQ(Cli({"report", "--format", "pdf"}).exit_code, 2);
  EXPECT_EQ(Cli({"report", "--from", "2021-03-01"}).exit_code, 2);
  CliRun backwards =
      Cli({"report", "--from", "2021-03-01", "--to", "2021-02-01"});
  EXPECT_EQ(backwards.exit_code, 5);
  EXPECT_EQ(backwards.err,
            "hotlinectl: INVALID_ARGUMENT: to_date 2021-02-01 must be after "
            "from_date 2021-03-01 (the period is [from_date, to_date): "
            "to_date is not counted)\n");
  CliRun others = Cli({"report", "--department", "market"}, secret);
  EXPECT_EQ(others.exit_code, 3) << others.err;
  CliRun refused = Cli({"ticket", "ack", "1"});
  EXPECT_EQ(refused.exit_code, 5);
  EXPECT_TRUE(absl::StrContains(refused.err, "FAILED_PRECONDITION"));
  CliRun usage = Cli({"ticket", "get"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(usage.err, "usage: hotlinectl ticket get"));
  EXPECT_EQ(Cli({"ticket", "list", "--colour", "red"}).exit_code, 2);
  EXPECT_EQ(Cli({"frobnicate"}).exit_code, 2);
  CliRun bad_type = Cli({"ticket", "create", "--type", "praise", "--topic", "t",
                         "--title", "t", "--content", "c"});
  EXPECT_EQ(bad_type.exit_code, 5);
  CliRun unauthenticated = Cli({"ticket", "list"}, "hl_wrong");
  EXPECT_EQ(unauthenticated.exit_code, 3);
  CliRun unreachable =
      Cli({"--server", "127.0.0.1:1", "--timeout", "2", "ticket", "list"});
  EXPECT_EQ(unreachable.exit_code, 6) << unreachable.err;
  CliRun help = Cli({"ticket", "create", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(help.out, "Example:"));
}

TEST_F(CliTest, ImportIsIdempotentAndReportsBadRows) {
  ASSERT_EQ(
      Cli({"department", "create", "housing", "--display_name", "x"}).exit_code,
      0);
  const std::string csv = dir_.File("export.csv");
  std::ofstream(csv)
      << "\xEF\xBB\xBF"  // the platform's export starts with a BOM
      << "source_id,received_at,type,topic,urgency,title,content,address,"
         "caller,phone,confidential,department\n"
      << "SZ001,2021-02-10 09:30,投诉,噪音,,夜间施工,\"十点后施工, "
         "很吵\",建设路,"
         "张三,13800000000,否,housing\n"
      << "SZ002,2021-02-10T10:00:00+08:00,COMPLAINT,垃圾,紧急,垃圾未清运,"
         "\"三天未清运\n气味很大\",,,,是,\n"
      << "SZ003,,咨询,社保,,社保卡补办,如何补办,,,,,\n"
      << "SZ001,2021-02-10 09:30,投诉,噪音,,夜间施工,重复导出,,,,,\n"
      << "SZ004,,表扬,其他,,表扬信,感谢,,,,,\n"
      << "SZ005,,建议,交通,,,缺标题,,,,,\n";
  CliRun first = Cli({"import", csv});
  EXPECT_EQ(first.exit_code, 5) << first.err;
  EXPECT_EQ(first.out,
            "imported 3 new ticket(s), 1 already present, 2 row(s) failed, of "
            "6\n");
  // Lines count from the header (1); the quoted newline makes SZ002 two.
  EXPECT_TRUE(absl::StrContains(first.err, "line 7: type \"表扬\""))
      << first.err;
  EXPECT_TRUE(absl::StrContains(first.err,
                                "line 8: INVALID_ARGUMENT: "
                                "ticket.title is required"))
      << first.err;
  CliRun again = Cli({"import", csv});
  EXPECT_EQ(again.out,
            "imported 0 new ticket(s), 4 already present, 2 row(s) failed, of "
            "6\n");
  CliRun listed = Cli({"ticket", "list", "--json"});
  // Three tickets, SZ001-SZ003, none twice.
  size_t tickets = 0;
  for (size_t at = listed.out.find("\"name\": \"tickets/");
       at != std::string::npos;
       at = listed.out.find("\"name\": \"tickets/", at + 1)) {
    ++tickets;
  }
  EXPECT_EQ(tickets, 3u) << listed.out;
  EXPECT_TRUE(absl::StrContains(listed.out, "\"source_id\": \"SZ003\""));
  EXPECT_TRUE(absl::StrContains(listed.out, "十点后施工, 很吵"));
  EXPECT_TRUE(absl::StrContains(listed.out, "三天未清运\\n气味很大"));
  CliRun first_ticket = Cli({"ticket", "get", "1"});
  EXPECT_TRUE(
      absl::StrContains(first_ticket.out, "received:     2021-02-10 09:30"))
      << first_ticket.out;
  EXPECT_TRUE(
      absl::StrContains(first_ticket.out, "department:   departments/housing"));
}

}  // namespace
}  // namespace hotline
