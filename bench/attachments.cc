// hotline-attachment-bench: how fast attachments (附件) go up and come
// down, over gRPC (the client library) and over HTTP (PUT and GET
// :download), beside what the raw disk does in the same run: --files
// files of --megabytes each, written with an fsync each and read back.
// The server is started in this process on a SQLite file in --dir, with a
// rehearsal clock; every file is distinct bytes (a PNG's signature, then
// random), so each upload stores its own blob.
//
//   hotline-attachment-bench
//   hotline-attachment-bench --megabytes=32 --files=4 --dir=/var/tmp
#include <fcntl.h>
#include <httplib.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/scratch.h"
#include "bench/usage.h"
#include "client/hotline_client.h"
#include "common/log.h"
#include "server/hotline_server.h"
#include "workflow/clock.h"

ABSL_FLAG(int, megabytes, 8, "The size of each file, in MiB.");
ABSL_FLAG(int, files, 8, "Files per measurement.");
ABSL_FLAG(std::string, dir, "",
          "Where the database and the raw files go (default: $TMPDIR or "
          "/tmp).");

namespace hotline {
namespace {

struct Rate {
  std::string what;
  double mib_per_second = 0;
};

double MibPerSecond(int64_t bytes, absl::Duration took) {
  return static_cast<double>(bytes) / (1 << 20) /
         std::max(absl::ToDoubleSeconds(took), 1e-9);
}

std::vector<std::string> Files(int count, int megabytes) {
  std::mt19937_64 random(42);
  std::vector<std::string> files;
  for (int i = 0; i < count; ++i) {
    std::string bytes("\x89PNG\r\n\x1A\n", 8);
    bytes.resize(static_cast<size_t>(megabytes) << 20);
    for (size_t j = 8; j + 8 <= bytes.size(); j += 8) {
      const uint64_t word = random();
      memcpy(&bytes[j], &word, 8);
    }
    files.push_back(std::move(bytes));
  }
  return files;
}

// Writes each file with an fsync, then reads each back.
std::vector<Rate> RawDisk(const std::string& dir,
                          const std::vector<std::string>& files) {
  int64_t total = 0;
  const absl::Time begin = absl::Now();
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path = absl::StrCat(dir, "/raw-", i);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 ||
        write(fd, files[i].data(), files[i].size()) !=
            static_cast<ssize_t>(files[i].size()) ||
        fsync(fd) != 0) {
      std::cerr << "cannot write " << path << "\n";
    }
    close(fd);
    total += static_cast<int64_t>(files[i].size());
  }
  const absl::Duration wrote = absl::Now() - begin;
  const absl::Time read_begin = absl::Now();
  std::string buffer(1 << 20, '\0');
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string path = absl::StrCat(dir, "/raw-", i);
    const int fd = open(path.c_str(), O_RDONLY);
    while (fd >= 0 && read(fd, buffer.data(), buffer.size()) > 0) {
    }
    close(fd);
    std::remove(path.c_str());
  }
  return {{"raw disk: write + fsync", MibPerSecond(total, wrote)},
          {"raw disk: read (page cache)",
           MibPerSecond(total, absl::Now() - read_begin)}};
}

int Run() {
  const int megabytes = absl::GetFlag(FLAGS_megabytes);
  const int count = absl::GetFlag(FLAGS_files);
  absl::StatusOr<std::string> scratch =
      bench::MakeScratchDir(absl::GetFlag(FLAGS_dir), "attachment");
  if (!scratch.ok()) return (std::cerr << scratch.status() << "\n", 1);
  const std::string work = *scratch;
  const std::vector<std::string> files = Files(count, megabytes);
  std::vector<Rate> rates = RawDisk(work, files);

  const std::string path = absl::StrCat(work, "/bench.db");
  absl::StatusOr<std::string> token = bench::BureauToken(path);
  if (!token.ok()) return (std::cerr << token.status() << "\n", 1);
  ManualClock clock(absl::Now());
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = path;
  options.http.listen_address = "127.0.0.1:0";
  options.attachments.max_file_bytes = int64_t{megabytes} << 20;
  options.attachments.max_ticket_bytes = int64_t{4} * count * megabytes << 20;
  options.attachments.max_ticket_files = 4 * count;
  options.attachments.daily_quota_bytes = options.attachments.max_ticket_bytes;
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options, &clock);
  if (!server.ok()) return (std::cerr << server.status() << "\n", 1);
  ClientOptions client_options;
  client_options.target = absl::StrCat("127.0.0.1:", (*server)->port());
  client_options.token = *token;
  client_options.call_timeout = absl::Minutes(5);
  Client client(client_options);
  v1::CreateTicketRequest create;
  v1::Ticket& draft = *create.mutable_ticket();
  draft.set_type(v1::Ticket::COMPLAINT);
  draft.set_topic("bench");
  draft.set_title("attachments");
  draft.set_content("attachments");
  absl::StatusOr<v1::Ticket> ticket = client.CreateTicket(create);
  if (!ticket.ok()) return (std::cerr << ticket.status() << "\n", 1);
  const int64_t total = int64_t{count} * megabytes << 20;

  // gRPC: up, then down.
  std::vector<std::string> names;
  absl::Time begin = absl::Now();
  for (const std::string& bytes : files) {
    v1::AttachmentHeader header;
    header.set_ticket(ticket->name());
    header.set_file_name("bench.png");
    header.set_step(v1::Attachment::OTHER);
    absl::StatusOr<v1::Attachment> added =
        client.UploadAttachment(header, bytes);
    if (!added.ok()) return (std::cerr << added.status() << "\n", 1);
    names.push_back(added->name());
  }
  rates.push_back({"gRPC upload", MibPerSecond(total, absl::Now() - begin)});
  begin = absl::Now();
  for (const std::string& name : names) {
    v1::DownloadAttachmentRequest request;
    request.set_name(name);
    absl::StatusOr<Client::DownloadedAttachment> got =
        client.DownloadAttachment(request);
    if (!got.ok()) return (std::cerr << got.status() << "\n", 1);
  }
  rates.push_back({"gRPC download", MibPerSecond(total, absl::Now() - begin)});

  // HTTP: the same files again (stored again: same bytes), then down.
  httplib::Client http("127.0.0.1", (*server)->http_port());
  http.set_read_timeout(300);
  http.set_write_timeout(300);
  const httplib::Headers auth = {{"Authorization", "Bearer " + *token}};
  begin = absl::Now();
  for (const std::string& bytes : files) {
    httplib::Result put =
        http.Put(absl::StrCat("/v1/", ticket->name(),
                              "/attachments?fileName=bench.png&step=other")
                     .c_str(),
                 auth, bytes, "application/octet-stream");
    if (!put || put->status != 201) {
      std::cerr << "HTTP upload failed: "
                << (put ? put->body : httplib::to_string(put.error())) << "\n";
      return 1;
    }
  }
  rates.push_back(
      {"HTTP PUT upload", MibPerSecond(total, absl::Now() - begin)});
  begin = absl::Now();
  for (const std::string& name : names) {
    httplib::Result got =
        http.Get(absl::StrCat("/v1/", name, ":download").c_str(), auth);
    if (!got || got->status != 200) {
      std::cerr << "HTTP download failed\n";
      return 1;
    }
  }
  rates.push_back(
      {"HTTP GET download", MibPerSecond(total, absl::Now() - begin)});
  (*server)->Shutdown(absl::Seconds(1));
  server->reset();
  std::system(absl::StrCat("rm -rf '", work, "'").c_str());

  std::cout << absl::StrFormat("%d files of %d MiB each\n", count, megabytes);
  for (const Rate& rate : rates) {
    std::cout << absl::StrFormat("  %-30s %8.1f MiB/s\n", rate.what,
                                 rate.mib_per_second);
  }
  return 0;
}

}  // namespace
}  // namespace hotline

int main(int argc, char** argv) {
  hotline::bench::ParseCommandLine(
      argc, argv, "bench/attachments.cc",
      "Times attachment uploads and downloads over gRPC and HTTP beside the "
      "raw disk.\n\n  hotline-attachment-bench --megabytes=8 --files=8");
  hotline::SetInfoLogging(false);
  return hotline::Run();
}
