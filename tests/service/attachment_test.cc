// Attachments (附件) end to end, through the client library against the
// real server: the type read from the bytes, the bytes stored once and
// checked on every read, retries that attach once, the limits, who may
// attach to which step, a confidential caller's files hidden from
// departments until the bureau releases them, damaged bytes never served,
// and an upload cut off that stores nothing. Every refusal changes nothing.
#include <dirent.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/sha256.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_support.h"
#include "tests/support/test_support.h"
#include "tests/support/workflow_fixtures.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Attachment;
using v1::Ticket;

// Bytes an upload sniffs as a PNG image, of about `size` bytes.
std::string Png(size_t size = 64, char fill = 'p') {
  std::string bytes("\x89PNG\r\n\x1A\n", 8);
  bytes.append(size > 8 ? size - 8 : 0, fill);
  return bytes;
}

class AttachmentTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("water");
    housing_ = Connect(CreateToken("department/housing"));
    water_ = Connect(CreateToken("department/water"));
    intake_ = Connect(CreateToken("intake/platform"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
  }

  absl::StatusOr<Attachment> Upload(Client& client, const std::string& ticket,
                                    Attachment::Step step,
                                    const std::string& bytes,
                                    const std::string& file_name = "现场.png",
                                    const std::string& request_id = "") {
    v1::AttachmentHeader header;
    header.set_ticket(ticket);
    header.set_file_name(file_name);
    header.set_step(step);
    return client.UploadAttachment(header, bytes, request_id);
  }
  absl::StatusOr<Client::DownloadedAttachment> Download(Client& client,
                                                        const std::string& name,
                                                        int64_t offset = 0,
                                                        int64_t length = 0) {
    v1::DownloadAttachmentRequest request;
    request.set_name(name);
    request.set_offset(offset);
    request.set_length(length);
    return client.DownloadAttachment(request);
  }
  Ticket Get(Client& client, const std::string& name) {
    v1::GetTicketRequest get;
    get.set_name(name);
    absl::StatusOr<Ticket> ticket = client.GetTicket(get);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }
  bool OnSqlite() const { return !TestsUsePostgres(); }
  // The blob files beside the SQLite database (staged ones apart).
  std::vector<std::string> BlobFiles(const std::string& subdirectory = "") {
    std::vector<std::string> files;
    const std::string root = db_path_ + ".attachments";
    std::vector<std::string> dirs;
    if (!subdirectory.empty()) {
      dirs.push_back(root + "/" + subdirectory);
    } else if (DIR* top = opendir(root.c_str())) {
      while (const dirent* entry = readdir(top)) {
        const std::string name = entry->d_name;
        if (name.size() == 2 && name != "..") dirs.push_back(root + "/" + name);
      }
      closedir(top);
    }
    for (const std::string& dir : dirs) {
      DIR* d = opendir(dir.c_str());
      if (d == nullptr) continue;
      while (const dirent* entry = readdir(d)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") files.push_back(dir + "/" + name);
      }
      closedir(d);
    }
    return files;
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> water_;
  std::unique_ptr<Client> intake_;
};

TEST_F(AttachmentTest, TheTypeComesFromTheBytesAndTheBytesAreStoredOnce) {
  const Ticket ticket = CreateTicket("housing");
  const std::string photo = Png(200 * 1024, 'a');
  // Named .jpg, but a PNG: the bytes decide.
  absl::StatusOr<Attachment> added = Upload(
      *housing_, ticket.name(), Attachment::REPLY, photo, "现场照片.jpg");
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->name(), ticket.name() + "/attachments/1");
  EXPECT_EQ(added->content_type(), "image/png");
  EXPECT_EQ(added->file_name(), "现场照片.jpg");
  EXPECT_EQ(added->size_bytes(), static_cast<int64_t>(photo.size()));
  EXPECT_EQ(added->sha256(), Sha256Hex(photo));
  EXPECT_EQ(added->added_by(), "department/housing");
  EXPECT_EQ(added->step(), Attachment::REPLY);
  EXPECT_FALSE(added->restricted());

  // Whole, in 64 KiB messages, and a range of it.
  absl::StatusOr<Client::DownloadedAttachment> whole =
      Download(*housing_, added->name());
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->bytes, photo);
  EXPECT_EQ(whole->attachment.sha256(), added->sha256());
  absl::StatusOr<Client::DownloadedAttachment> part =
      Download(bureau(), added->name(), 100000, 10);
  ASSERT_TRUE(part.ok()) << part.status();
  EXPECT_EQ(part->bytes, photo.substr(100000, 10));
  absl::StatusOr<Client::DownloadedAttachment> past =
      Download(bureau(), added->name(), static_cast<int64_t>(photo.size()));
  EXPECT_EQ(past.status().code(), absl::StatusCode::kOutOfRange);

  // The ticket lists it, and its history has the step.
  const Ticket after = Get(*housing_, ticket.name());
  ASSERT_EQ(after.attachments_size(), 1);
  EXPECT_EQ(after.attachments(0).sha256(), added->sha256());
  const std::vector<v1::Event> history = History(ticket.name());
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().type(), v1::Event::ATTACHMENT_ADDED);
  EXPECT_EQ(history.back().attachment().name(), added->name());

  // The same bytes on another ticket: a second record, one stored copy.
  const Ticket other = CreateTicket("housing");
  absl::StatusOr<Attachment> again =
      Upload(bureau(), other.name(), Attachment::OTHER, photo, "copy.png");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->sha256(), added->sha256());
  if (OnSqlite()) {
    EXPECT_EQ(BlobFiles().size(), 1u);
    EXPECT_TRUE(BlobFiles("staging").empty());
  }
  // Survives a restart.
  RestartServer();
  housing_ = Connect(CreateToken("department/housing"));
  absl::StatusOr<Client::DownloadedAttachment> restarted =
      Download(*housing_, again->name());
  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ(restarted->bytes, photo);
}

TEST_F(AttachmentTest, ARetryWithTheSameRequestIdAttachesOnce) {
  const Ticket ticket = CreateTicket("housing");
  absl::StatusOr<Attachment> first = Upload(
      *housing_, ticket.name(), Attachment::REPLY, Png(), "a.png", "upload-1");
  ASSERT_TRUE(first.ok()) << first.status();
  // The answer was lost; the department replies, then retries.
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(ticket.name());
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  v1::ReplyTicketRequest reply;
  reply.set_name(ticket.name());
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
  absl::StatusOr<Attachment> retried = Upload(
      *housing_, ticket.name(), Attachment::REPLY, Png(), "a.png", "upload-1");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->name(), first->name());
  EXPECT_EQ(Get(bureau(), ticket.name()).attachments_size(), 1);
  // The same request_id with other bytes is another request: refused.
  absl::StatusOr<Attachment> other =
      Upload(*housing_, ticket.name(), Attachment::REPLY, Png(80, 'x'), "a.png",
             "upload-1");
  EXPECT_EQ(ReasonOf(other.status()), v1::REQUEST_ID_REUSED);
  EXPECT_EQ(Get(bureau(), ticket.name()).attachments_size(), 1);
}

TEST_F(AttachmentTest, EachPartyAttachesToItsOwnStepsOnly) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.set_dispatch_to("departments/housing");
  create.add_assisting_departments("departments/water");
  absl::StatusOr<Ticket> made = intake_->CreateTicket(create);
  ASSERT_TRUE(made.ok()) << made.status();
  const std::string t = made->name();

  EXPECT_TRUE(Upload(*intake_, t, Attachment::INTAKE, Png()).ok());
  EXPECT_TRUE(Upload(*housing_, t, Attachment::RETURN, Png()).ok());
  EXPECT_TRUE(Upload(*water_, t, Attachment::ASSIST_OPINION, Png()).ok());
  EXPECT_TRUE(Upload(bureau(), t, Attachment::OTHER, Png()).ok());

  struct Case {
    Client* client;
    Attachment::Step step;
    absl::StatusCode code;
  };
  for (const Case& c :
       std::vector<Case>{{intake_.get(), Attachment::REPLY,
                          absl::StatusCode::kPermissionDenied},
                         {housing_.get(), Attachment::INTAKE,
                          absl::StatusCode::kPermissionDenied},
                         {housing_.get(), Attachment::ASSIST_OPINION,
                          absl::StatusCode::kPermissionDenied},
                         {water_.get(), Attachment::REPLY,
                          absl::StatusCode::kPermissionDenied},
                         {housing_.get(), Attachment::STEP_UNSPECIFIED,
                          absl::StatusCode::kInvalidArgument}}) {
    absl::StatusOr<Attachment> refused = Upload(*c.client, t, c.step, Png());
    EXPECT_EQ(refused.status().code(), c.code)
        << Attachment::Step_Name(c.step) << ": " << refused.status();
    EXPECT_FALSE(refused.status().message().empty());
  }
  // Another department's ticket is not there for it.
  const Ticket others = CreateTicket("water");
  absl::StatusOr<Attachment> foreign =
      Upload(*housing_, others.name(), Attachment::REPLY, Png());
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kPermissionDenied);
  absl::StatusOr<Client::DownloadedAttachment> peek =
      Download(*housing_, t + "/attachments/5");
  EXPECT_EQ(peek.status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<Attachment> water_file =
      Upload(*water_, others.name(), Attachment::REPLY, Png());
  ASSERT_TRUE(water_file.ok()) << water_file.status();
  EXPECT_EQ(Download(*housing_, water_file->name()).status().code(),
            absl::StatusCode::kPermissionDenied);

  // A replied ticket takes no more from the lead; the bureau still
  // attaches.
  const Ticket closed = CreateTicket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(closed.name());
  ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
  v1::ReplyTicketRequest reply;
  reply.set_name(closed.name());
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
  absl::StatusOr<Attachment> late =
      Upload(*housing_, closed.name(), Attachment::REPLY, Png());
  EXPECT_EQ(ReasonOf(late.status()), v1::TICKET_STATE);
  EXPECT_TRUE(Upload(bureau(), closed.name(), Attachment::OTHER, Png()).ok());

  EXPECT_EQ(Get(bureau(), t).attachments_size(), 4);
}

TEST_F(AttachmentTest, RefusedFilesAreNotStoredAndChangeNothing) {
  options_.attachments.max_file_bytes = 4096;
  options_.attachments.max_ticket_files = 3;
  options_.attachments.daily_quota_bytes = 5000;
  RestartServer();
  housing_ = Connect(CreateToken("department/housing"));
  const Ticket ticket = CreateTicket("housing");
  const std::string t = ticket.name();

  // A program, whatever its name says.
  absl::StatusOr<Attachment> program =
      Upload(*housing_, t, Attachment::REPLY,
             std::string("MZ\x90\0", 4) + "xxxx", "照片.jpg");
  EXPECT_EQ(program.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(program.status()), v1::ATTACHMENT_TYPE);
  EXPECT_NE(program.status().message().find("Windows program"),
            std::string::npos)
      << program.status();
  // Plain text is not a type attachments may be.
  EXPECT_EQ(
      ReasonOf(Upload(*housing_, t, Attachment::REPLY, "just text", "note.txt")
                   .status()),
      v1::ATTACHMENT_TYPE);
  // Empty; too large; a path for a name; a header that lies.
  EXPECT_EQ(Upload(*housing_, t, Attachment::REPLY, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Attachment> large =
      Upload(*housing_, t, Attachment::REPLY, Png(5000));
  EXPECT_EQ(large.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(large.status()), v1::ATTACHMENT_TOO_LARGE);
  EXPECT_EQ(ErrorMetadataOf(large.status(), "limit_bytes"), "4096");
  EXPECT_EQ(Upload(*housing_, t, Attachment::REPLY, Png(), "../etc/passwd")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  v1::AttachmentHeader lying;
  lying.set_ticket(t);
  lying.set_file_name("a.png");
  lying.set_step(Attachment::REPLY);
  lying.set_sha256(std::string(64, 'a'));
  absl::StatusOr<Attachment> mismatch =
      housing_->UploadAttachment(lying, Png());
  EXPECT_EQ(ReasonOf(mismatch.status()), v1::ATTACHMENT_MISMATCH);
  EXPECT_EQ(Get(bureau(), t).attachments_size(), 0);
  EXPECT_EQ(History(t).back().type(), v1::Event::DISPATCHED);
  if (OnSqlite()) {
    EXPECT_TRUE(BlobFiles("staging").empty());
  }

  // The daily quota: 5,000 bytes a day for housing.
  ASSERT_TRUE(Upload(*housing_, t, Attachment::REPLY, Png(3000, 'a')).ok());
  absl::StatusOr<Attachment> over =
      Upload(*housing_, t, Attachment::REPLY, Png(3000, 'b'));
  EXPECT_EQ(ReasonOf(over.status()), v1::ATTACHMENT_QUOTA);
  EXPECT_EQ(ErrorMetadataOf(over.status(), "used_bytes"), "3000");
  EXPECT_EQ(ErrorMetadataOf(over.status(), "date"), "2021-03-01");
  EXPECT_TRUE(RetryDelayOf(over.status()).has_value());
  // The next day it starts afresh; the ticket fills at three files.
  AdvanceTo(Beijing(2021, 3, 2, 9));
  ASSERT_TRUE(Upload(*housing_, t, Attachment::REPLY, Png(3000, 'c')).ok());
  ASSERT_TRUE(Upload(bureau(), t, Attachment::OTHER, Png(100, 'd')).ok());
  absl::StatusOr<Attachment> full =
      Upload(bureau(), t, Attachment::OTHER, Png(100, 'e'));
  EXPECT_EQ(ReasonOf(full.status()), v1::TICKET_ATTACHMENTS_FULL);
  EXPECT_EQ(ErrorMetadataOf(full.status(), "limit_files"), "3");
  EXPECT_EQ(Get(bureau(), t).attachments_size(), 3);
}

TEST_F(AttachmentTest, AConfidentialCallersFilesWaitForTheBureausRelease) {
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.mutable_ticket()->set_confidential(true);
  create.set_dispatch_to("departments/housing");
  absl::StatusOr<Ticket> made = intake_->CreateTicket(create);
  ASSERT_TRUE(made.ok()) << made.status();
  const std::string t = made->name();
  absl::StatusOr<Attachment> photo =
      Upload(*intake_, t, Attachment::INTAKE, Png(), "来电人照片.png");
  ASSERT_TRUE(photo.ok()) << photo.status();
  EXPECT_TRUE(photo->restricted());
  ASSERT_TRUE(Upload(*housing_, t, Attachment::DAILY_REPORT, Png()).ok());

  // The department sees its own file only, and of the caller's event the
  // name alone.
  Ticket seen = Get(*housing_, t);
  ASSERT_EQ(seen.attachments_size(), 1);
  EXPECT_EQ(seen.attachments(0).step(), Attachment::DAILY_REPORT);
  absl::StatusOr<Client::DownloadedAttachment> hidden =
      Download(*housing_, photo->name());
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ReasonOf(hidden.status()), v1::ATTACHMENT_RESTRICTED);
  v1::ListTicketEventsRequest events;
  events.set_parent(t);
  absl::StatusOr<v1::ListTicketEventsResponse> listed =
      housing_->ListTicketEvents(events);
  ASSERT_TRUE(listed.ok()) << listed.status();
  bool saw = false;
  for (const v1::Event& event : listed->events()) {
    if (event.attachment().name() != photo->name()) continue;
    saw = true;
    EXPECT_TRUE(event.attachment().file_name().empty());
    EXPECT_TRUE(event.attachment().sha256().empty());
  }
  EXPECT_TRUE(saw);

  // Only the bureau releases it.
  v1::ReleaseAttachmentRequest release;
  release.set_name(photo->name());
  release.set_reason("照片不含来电人信息");
  EXPECT_EQ(housing_->ReleaseAttachment(release).status().code(),
            absl::StatusCode::kPermissionDenied);
  absl::StatusOr<Attachment> released = bureau().ReleaseAttachment(release);
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_TRUE(released->released());
  EXPECT_EQ(bureau().ReleaseAttachment(release).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "a second release, as a new request";
  EXPECT_EQ(Get(*housing_, t).attachments_size(), 2);
  absl::StatusOr<Client::DownloadedAttachment> now =
      Download(*housing_, photo->name());
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_EQ(now->bytes, Png());
}

TEST_F(AttachmentTest, DamagedBytesAreNeverServedAndAnUploadHealsThem) {
  if (!OnSqlite()) GTEST_SKIP() << "the files are SQLite's";
  const Ticket ticket = CreateTicket("housing");
  const std::string photo = Png(1000, 'z');
  absl::StatusOr<Attachment> added =
      Upload(*housing_, ticket.name(), Attachment::REPLY, photo);
  ASSERT_TRUE(added.ok()) << added.status();
  const std::vector<std::string> files = BlobFiles();
  ASSERT_EQ(files.size(), 1u);
  {
    std::fstream file(files[0],
                      std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(500);
    file.put('Z');
  }
  absl::StatusOr<Client::DownloadedAttachment> damaged =
      Download(*housing_, added->name());
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ReasonOf(damaged.status()), v1::ATTACHMENT_DAMAGED);
  // The database is not damaged: the server serves on.
  EXPECT_TRUE(bureau().CheckHealth().ok());
  std::remove(files[0].c_str());
  EXPECT_EQ(ReasonOf(Download(*housing_, added->name()).status()),
            v1::ATTACHMENT_DAMAGED);
  // The same bytes uploaded again are stored again.
  ASSERT_TRUE(Upload(bureau(), ticket.name(), Attachment::OTHER, photo).ok());
  absl::StatusOr<Client::DownloadedAttachment> healed =
      Download(*housing_, added->name());
  ASSERT_TRUE(healed.ok()) << healed.status();
  EXPECT_EQ(healed->bytes, photo);
}

TEST_F(AttachmentTest, ABackupCarriesTheFilesItNames) {
  if (!OnSqlite()) GTEST_SKIP() << "PostgreSQL is backed up with pg_dump";
  options_.backup.directory = dir_.File("backups");
  RestartServer();
  housing_ = Connect(CreateToken("department/housing"));
  const Ticket ticket = CreateTicket("housing");
  const std::string photo = Png(3000, 'k');
  absl::StatusOr<Attachment> added =
      Upload(*housing_, ticket.name(), Attachment::REPLY, photo);
  ASSERT_TRUE(added.ok()) << added.status();
  ASSERT_TRUE(bureau().CreateBackup().ok());
  const std::string copy =
      absl::StrCat(dir_.File("backups"), "/attachments/",
                   added->sha256().substr(0, 2), "/", added->sha256());
  std::ifstream in(copy, std::ios::binary);
  ASSERT_TRUE(in.good()) << copy;
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes, photo);
  // A second backup finds the file there and copies nothing again.
  ASSERT_TRUE(bureau().CreateBackup().ok());
}

TEST_F(AttachmentTest, AnUploadCutOffStoresNothing) {
  const Ticket ticket = CreateTicket("housing");
  auto channel = grpc::CreateChannel(server_->address(),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::HotlineService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + bureau_token_);
  v1::Attachment answer;
  auto writer = stub->UploadAttachment(&context, &answer);
  v1::UploadAttachmentRequest first;
  first.mutable_header()->set_ticket(ticket.name());
  first.mutable_header()->set_file_name("half.png");
  first.mutable_header()->set_step(Attachment::OTHER);
  first.set_chunk(Png(100000));
  ASSERT_TRUE(writer->Write(first));
  context.TryCancel();
  const grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  // Whatever the server made of the half it had, nothing is recorded and
  // nothing stays staged.
  EXPECT_EQ(Get(bureau(), ticket.name()).attachments_size(), 0);
  if (OnSqlite()) {
    for (int i = 0; i < 600 && !BlobFiles("staging").empty(); ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    EXPECT_TRUE(BlobFiles("staging").empty());
    EXPECT_TRUE(BlobFiles().empty());
  }
}

}  // namespace
}  // namespace hotline
