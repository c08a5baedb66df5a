// examples/python/department_client.py, run with Debian's python3-grpcio on
// the stubs the build generates with Debian's protoc and grpc_python_plugin,
// against the real server: it signs for and replies to a ticket, prints the
// feed, and prints a refusal's reason from the google.rpc.Status details.
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/error_details.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

#if !defined(HOTLINE_PYTHON3) || !defined(HOTLINE_PYTHON_STUBS) || \
    !defined(HOTLINE_PYTHON_CLIENT)
#error "HOTLINE_PYTHON3, HOTLINE_PYTHON_STUBS and HOTLINE_PYTHON_CLIENT"
#endif

namespace hotline {
namespace {

using ::testing::HasSubstr;
using testing::ServerTest;

class PythonClientTest : public ServerTest {
 protected:
  void SetUp() override {
    const std::string probe = absl::StrCat(
        HOTLINE_PYTHON3, " -c 'import grpc, google.protobuf' >/dev/null 2>&1");
    if (std::system(probe.c_str()) != 0) {
      GTEST_SKIP() << HOTLINE_PYTHON3
                   << " has no grpc module: install python3-grpcio and "
                      "python3-protobuf (scripts/install-deps.sh)";
    }
    ServerTest::SetUp();
  }

  // Runs the example as `token` (HOTLINE_SERVER and HOTLINE_TOKEN, as an
  // integrator would), with the generated stubs on PYTHONPATH.
  testing::ProgramRun RunExample(const std::string& token,
                                 const std::vector<std::string>& args) {
    const std::string program =
        absl::StrCat("env PYTHONPATH=", HOTLINE_PYTHON_STUBS, " timeout 60 ",
                     HOTLINE_PYTHON3, " ", HOTLINE_PYTHON_CLIENT);
    return testing::RunCli(program, server_->address(), token, args, dir_);
  }
};

TEST_F(PythonClientTest, SignsForRepliesAndPrintsTheFeed) {
  CreateDepartment("housing");
  const std::string housing = CreateToken("department/housing");
  const v1::Ticket ticket = CreateTicket("housing");

  testing::ProgramRun run = RunExample(housing, {"--once", "--events", "3"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(ticket.name() + " DISPATCHED"));
  EXPECT_THAT(run.out, HasSubstr("signed for " + ticket.name()));
  EXPECT_THAT(run.out, HasSubstr("replied to " + ticket.name()));

  // The server has it signed for and replied, by the department.
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  absl::StatusOr<v1::Ticket> now = bureau().GetTicket(get);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->state(), v1::Ticket::REPLIED);
  EXPECT_TRUE(now->has_acknowledged_at());
  EXPECT_TRUE(now->has_replied_at());
  // The feed it printed: the department's events of the ticket, by seq.
  int printed = 0;
  for (const v1::Event& event : History(ticket.name())) {
    if (event.type() == v1::Event::CREATED) continue;  // before dispatch
    const std::string line =
        absl::StrCat("event seq=", event.seq(), " ",
                     v1::Event::Type_Name(event.type()), " ", ticket.name());
    EXPECT_THAT(run.out, HasSubstr(line));
    ++printed;
    if (event.type() == v1::Event::ACKNOWLEDGED ||
        event.type() == v1::Event::REPLIED) {
      EXPECT_EQ(event.actor(), "department/housing");
    }
  }
  EXPECT_EQ(printed, 3);
}

// The reply's evidence (佐证材料), streamed by Python's grpc: the server
// keeps the bytes and reads their type from them.
TEST_F(PythonClientTest, AttachesTheRepliesEvidence) {
  CreateDepartment("housing");
  const std::string housing = CreateToken("department/housing");
  const v1::Ticket ticket = CreateTicket("housing");
  std::string photo("\x89PNG\r\n\x1A\n", 8);
  photo.append(3 << 20, 'p');  // more than one message
  const std::string path = dir_.File("现场照片.png");
  {
    std::ofstream out(path, std::ios::binary);
    out << photo;
  }
  testing::ProgramRun run =
      RunExample(housing, {"--once", "--events", "1", "--evidence", path});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_THAT(run.out, HasSubstr(absl::StrCat("attached ", ticket.name(),
                                              "/attachments/1: image/png, ",
                                              photo.size(), " bytes")));
  v1::DownloadAttachmentRequest download;
  download.set_name(ticket.name() + "/attachments/1");
  absl::StatusOr<Client::DownloadedAttachment> got =
      bureau().DownloadAttachment(download);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->bytes, photo);
  EXPECT_EQ(got->attachment.file_name(), "现场照片.png");
  EXPECT_EQ(got->attachment.step(), v1::Attachment::REPLY);
  EXPECT_EQ(got->attachment.added_by(), "department/housing");
}

TEST_F(PythonClientTest, PrintsTheReasonOfARefusal) {
  CreateDepartment("housing");
  const std::string housing = CreateToken("department/housing");
  const v1::Ticket ticket = CreateTicket("housing");
  ASSERT_EQ(RunExample(housing, {"--sign_for", ticket.name()}).exit_code, 0);

  // Signing for it again is refused; the C++ client reads the same reason.
  v1::AcknowledgeTicketRequest again;
  again.set_name(ticket.name());
  absl::Status refused = Connect(housing)->AcknowledgeTicket(again).status();
  ASSERT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  testing::ProgramRun run = RunExample(housing, {"--sign_for", ticket.name()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(run.err,
              HasSubstr("reason=" + v1::ErrorReason_Name(ReasonOf(refused))));
}

}  // namespace
}  // namespace hotline
