// department_agent: the loop of a department's ticket system, as a template
// to copy. It
//   - follows the department's change feed (Client::Watch), and signs for
//     (签收) every ticket dispatched to it (or given back to it unsigned by
//     a refused return); a SUSPENDED (挂起) ticket is left alone until it
//     resumes;
//   - every --report_every_seconds, submits today's progress entry (一日一报)
//     for each ticket it holds IN_PROGRESS;
//   - replies to a ticket once --work_seconds have passed since it was
//     signed for (a stand-in for the real work; -1: never);
//   - with --evidence_dir, attaches the file named after the ticket (附件,
//     the reply's 佐证材料) before replying;
//   - signs for every urging notice (催办通知, 督办) addressed to it and
//     answers it (反馈) at once, so that no notice escalates for want of an
//     answer.
//
// State changes are conditional on the etag of the ticket they were decided
// on. A state change with an etag that gets ABORTED means the ticket changed
// since it was read (this agent's own daily report, the sweeper's warning,
// the bureau reassigning it): re-read the ticket, decide again on what it is
// now, and retry with the new etag. ABORTED is never an error to log or a
// reason to give up; the decision may now be "nothing to do".
//
// Exactly-once processing: each event is acted on, then appended to the
// journal file (--journal, one "seq type ticket" line each, flushed and
// fsynced); the journal's last line is where the agent resumes after a crash
// or restart. Actions are idempotent (signing for a ticket already signed
// for is refused and ignored), so an event acted on just before a crash and
// redelivered after it does no harm and is journaled once.
//
//   department_agent --server=127.0.0.1:7345 --token=$TOKEN
//       --department=housing --journal=var/housing-agent.journal
//   # over mutual TLS, authenticated by its certificate instead of a token:
//   department_agent --server=hotline.example:7345 --tls_ca=ca.crt
//       --tls_cert=housing-agent.crt --tls_key=housing-agent.key
//       --department=housing
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "hotline/client/hotline_client.h"

ABSL_FLAG(std::string, server, "127.0.0.1:7345", "The hotline server.");
ABSL_FLAG(std::string, token, "",
          "The department's token (default: $HOTLINE_TOKEN).");
ABSL_FLAG(std::string, tls_ca, "",
          "TLS: the CA certificate(s) that verify the server (default: "
          "$HOTLINE_TLS_CA). Empty: plaintext.");
ABSL_FLAG(std::string, tls_cert, "",
          "Mutual TLS: the agent's client certificate (default: "
          "$HOTLINE_TLS_CERT); with --tls_key. Bound to the department, it "
          "replaces the token.");
ABSL_FLAG(std::string, tls_key, "",
          "Mutual TLS: the agent's private key (default: $HOTLINE_TLS_KEY).");
ABSL_FLAG(std::string, department, "", "The department id, e.g. housing.");
ABSL_FLAG(std::string, journal, "department_agent.journal",
          "Events processed, one line each; the last one is where to resume.");
ABSL_FLAG(int, report_every_seconds, 600,
          "How often to submit today's daily reports.");
ABSL_FLAG(int, work_seconds, -1,
          "Reply this long after signing for a ticket; -1: never.");
ABSL_FLAG(std::string, evidence_dir, "",
          "Before replying to tickets/N, attach the file DIR/N.* (the first "
          "whose name starts with \"N.\") as the reply's evidence "
          "(佐证材料); empty: attach nothing.");

namespace {

hotline::WatchControl* watch_control = nullptr;

// -h, -help or --help: this program's usage and flags, exit code 0 (absl's
// own --help exits 1).
bool WantsHelp(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--") return false;
    if (arg == "-h" || arg == "-help" || arg == "--help") return true;
  }
  return false;
}

void PrintHelp() {
  std::cout << absl::ProgramUsageMessage() << "\n\nFlags:\n";
  std::vector<const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (absl::EndsWith(flag->Filename(), "department_agent/main.cc")) {
      flags.push_back(flag);
    }
  }
  std::sort(flags.begin(), flags.end(),
            [](const auto* a, const auto* b) { return a->Name() < b->Name(); });
  for (const absl::CommandLineFlag* flag : flags) {
    const std::string quote = flag->IsOfType<std::string>() ? "\"" : "";
    std::cout << "  --" << flag->Name() << " (" << flag->Help()
              << "); default: " << quote << flag->DefaultValue() << quote
              << ";\n";
  }
}

// The seq on the journal's last line, 0 for a new journal.
int64_t LastJournaledSeq(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  int64_t last = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> fields = absl::StrSplit(line, ' ');
    int64_t seq = 0;
    if (!fields.empty() && absl::SimpleAtoi(fields[0], &seq)) last = seq;
  }
  return last;
}

// Appends a line and makes it durable before returning.
bool Journal(int fd, const std::string& line) {
  const std::string text = line + "\n";
  return ::write(fd, text.data(), text.size()) ==
             static_cast<ssize_t>(text.size()) &&
         ::fsync(fd) == 0;
}

std::string Today() {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Asia/Shanghai", &zone)) {
    zone = absl::FixedTimeZone(8 * 3600);
  }
  return absl::FormatTime("%Y-%m-%d", absl::Now(), zone);
}

// Whether an assisting department (协办) has still to give its opinion.
bool OpinionMissing(const hotline::v1::Assist& part) {
  return part.state() == hotline::v1::Assist::DISPATCHED ||
         part.state() == hotline::v1::Assist::ACKNOWLEDGED;
}

// Whether the work on `ticket` is done: it is still the department's, in
// progress, --work_seconds have passed since it was signed for, and every
// assisting department's opinion is in (the lead replies on them).
bool WorkDone(const hotline::v1::Ticket& ticket, const std::string& department,
              int work_seconds) {
  for (const hotline::v1::Assist& part : ticket.assists()) {
    if (OpinionMissing(part)) return false;
  }
  return ticket.state() == hotline::v1::Ticket::IN_PROGRESS &&
         ticket.department() == "departments/" + department &&
         absl::Now() -
                 absl::FromUnixSeconds(ticket.acknowledged_at().seconds()) >=
             absl::Seconds(work_seconds);
}

// As an assisting department: gives the opinion on every part it signed
// for at least --work_seconds ago. A part ended or answered since is
// refused (FAILED_PRECONDITION / PERMISSION_DENIED): nothing to do.
void GiveOpinions(hotline::Client& client, const std::string& department,
                  int work_seconds) {
  const std::string own = "departments/" + department;
  hotline::v1::ListTicketsRequest list;
  list.set_filter(absl::StrCat("assisting = \"", own, "\""));
  list.set_page_size(500);
  absl::StatusOr<hotline::v1::ListTicketsResponse> assisted =
      client.ListTickets(list);
  if (!assisted.ok()) return;
  for (const auto& ticket : assisted->tickets()) {
    for (const hotline::v1::Assist& part : ticket.assists()) {
      if (part.department() != own ||
          part.state() != hotline::v1::Assist::ACKNOWLEDGED ||
          absl::Now() -
                  absl::FromUnixSeconds(part.acknowledged_at().seconds()) <
              absl::Seconds(work_seconds)) {
        continue;
      }
      hotline::v1::SubmitAssistOpinionRequest opinion;
      opinion.set_name(ticket.name());
      opinion.set_opinion("已配合核查, 同意主办单位的处理意见");
      absl::Status status = client.SubmitAssistOpinion(opinion).status();
      if (!status.ok() && !absl::IsFailedPrecondition(status) &&
          !absl::IsPermissionDenied(status)) {
        std::cerr << "opinion " << ticket.name() << ": " << status << "\n";
      }
    }
  }
}

// Attaches DIR/N.* to tickets/N as its reply's evidence, unless it has
// one from this department already or there is no such file. The request
// id is the ticket's: an upload cut off and tried again (by this loop or
// after a crash) attaches the file once. True when it uploaded one.
absl::StatusOr<bool> AttachEvidence(hotline::Client& client,
                                    const hotline::v1::Ticket& ticket,
                                    const std::string& department,
                                    const std::string& dir) {
  for (const hotline::v1::Attachment& file : ticket.attachments()) {
    if (file.step() == hotline::v1::Attachment::REPLY &&
        file.added_by() == "department/" + department) {
      return false;
    }
  }
  const std::string id = ticket.name().substr(ticket.name().rfind('/') + 1);
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::StartsWith(name, id + ".") || !entry.is_regular_file()) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
    hotline::v1::AttachmentHeader header;
    header.set_ticket(ticket.name());
    header.set_file_name(name);
    header.set_step(hotline::v1::Attachment::REPLY);
    absl::Status uploaded =
        client.UploadAttachment(header, bytes, absl::StrCat("evidence-", id))
            .status();
    if (!uploaded.ok()) return uploaded;
    return true;
  }
  return false;
}

// Replies to `ticket` (as last read) if its work is done. The reply carries
// the etag it was decided on; on ABORTED the ticket changed meanwhile, so
// re-read it, decide again and retry with the new etag. OK when replied or
// when there is nothing (left) to do.
absl::Status ReplyWhenDone(hotline::Client& client, hotline::v1::Ticket ticket,
                           const std::string& department, int work_seconds) {
  constexpr int kAttempts = 5;
  const std::string evidence_dir = absl::GetFlag(FLAGS_evidence_dir);
  for (int attempt = 1;; ++attempt) {
    if (!WorkDone(ticket, department, work_seconds)) return absl::OkStatus();
    if (!evidence_dir.empty()) {
      absl::StatusOr<bool> attached =
          AttachEvidence(client, ticket, department, evidence_dir);
      if (!attached.ok()) return attached.status();
      if (*attached) {
        // An upload moves the etag: decide on the ticket as it is now.
        hotline::v1::GetTicketRequest get;
        get.set_name(ticket.name());
        absl::StatusOr<hotline::v1::Ticket> now = client.GetTicket(get);
        if (!now.ok()) return now.status();
        ticket = *std::move(now);
        continue;
      }
    }
    hotline::v1::ReplyTicketRequest reply;
    reply.set_name(ticket.name());
    reply.set_etag(ticket.etag());
    reply.set_reply_text("已处理完毕, 已回访市民");
    reply.set_outcome(hotline::v1::Ticket::RESOLVED);
    absl::Status status = client.ReplyTicket(reply).status();
    // Not ABORTED, or changing faster than we can read it: the next pass
    // of the loop tries again.
    if (!absl::IsAborted(status) || attempt == kAttempts) return status;
    hotline::v1::GetTicketRequest get;
    get.set_name(ticket.name());
    absl::StatusOr<hotline::v1::Ticket> now = client.GetTicket(get);
    // Reassigned away since: no longer ours to reply to.
    if (absl::IsPermissionDenied(now.status())) return absl::OkStatus();
    if (!now.ok()) return now.status();
    ticket = *std::move(now);
  }
}

// Daily reports and replies, every few seconds.
void Housekeeping(hotline::Client& client, const std::string& department) {
  absl::Time last_report = absl::InfinitePast();
  const int report_every = absl::GetFlag(FLAGS_report_every_seconds);
  const int work_seconds = absl::GetFlag(FLAGS_work_seconds);
  while (!watch_control->stopped()) {
    hotline::v1::ListTicketsRequest list;
    list.set_filter(
        absl::StrCat("state = IN_PROGRESS AND department = "
                     "\"departments/",
                     department, "\""));
    list.set_page_size(500);
    absl::StatusOr<hotline::v1::ListTicketsResponse> open =
        client.ListTickets(list);
    if (open.ok()) {
      if (absl::Now() - last_report >= absl::Seconds(report_every) &&
          open->tickets_size() > 0) {
        hotline::v1::SubmitDailyReportRequest report;
        report.set_date(Today());
        for (const auto& ticket : open->tickets()) {
          auto* entry = report.add_entries();
          entry->set_ticket(ticket.name());
          entry->set_progress("处理中: 已安排人员跟进");
        }
        absl::Status status = client.SubmitDailyReport(report).status();
        if (status.ok())
          last_report = absl::Now();
        else
          std::cerr << "daily report: " << status << "\n";
      }
      for (const auto& ticket : open->tickets()) {
        if (work_seconds < 0) break;
        // The daily report above moved the etag of every ticket listed (and
        // the sweeper or the bureau may have too): ReplyWhenDone re-reads
        // and retries on ABORTED.
        absl::Status status =
            ReplyWhenDone(client, ticket, department, work_seconds);
        if (!status.ok())
          std::cerr << "reply " << ticket.name() << ": " << status << "\n";
      }
    }
    if (work_seconds >= 0) GiveOpinions(client, department, work_seconds);
    for (int i = 0; i < 10 && !watch_control->stopped(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "A department's ticket-system loop against hotline-server (example).\n"
      "  department_agent --server=127.0.0.1:7345 --token=hl_... "
      "--department=housing --journal=var/housing.journal");
  // --helpfull and --help=SUBSTRING list the flags of this file (absl's
  // default looks for a file named after the binary).
  absl::FlagsUsageConfig usage;
  usage.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "department_agent/main.cc");
  };
  usage.contains_helpshort_flags = usage.contains_help_flags;
  absl::SetFlagsUsageConfig(usage);
  if (WantsHelp(argc, argv)) {
    PrintHelp();
    return 0;
  }
  absl::ParseCommandLine(argc, argv);
  const std::string department = absl::GetFlag(FLAGS_department);
  if (department.empty()) {
    std::cerr << "department_agent: --department is required\n";
    return 2;
  }
  // SIGINT and SIGTERM are taken by a thread of our own (sigwait below), not
  // by a handler: stopping the watch locks a mutex and cancels a gRPC call,
  // which a signal handler may not do. Blocked before gRPC starts threads,
  // so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  hotline::ClientOptions options;
  options.target = absl::GetFlag(FLAGS_server);
  options.token = absl::GetFlag(FLAGS_token);
  if (options.token.empty() && std::getenv("HOTLINE_TOKEN") != nullptr) {
    options.token = std::getenv("HOTLINE_TOKEN");
  }
  auto flag_or_env = [](const std::string& flag, const char* env) {
    const char* value = std::getenv(env);
    return !flag.empty() || value == nullptr ? flag : std::string(value);
  };
  options.tls.ca_file =
      flag_or_env(absl::GetFlag(FLAGS_tls_ca), "HOTLINE_TLS_CA");
  options.tls.cert_file =
      flag_or_env(absl::GetFlag(FLAGS_tls_cert), "HOTLINE_TLS_CERT");
  options.tls.key_file =
      flag_or_env(absl::GetFlag(FLAGS_tls_key), "HOTLINE_TLS_KEY");
  if (absl::Status s = hotline::ChannelCredentialsFor(options.tls).status();
      !s.ok()) {
    std::cerr << "department_agent: " << s.message() << "\n";
    return 2;
  }
  hotline::Client client(options);

  const std::string journal_path = absl::GetFlag(FLAGS_journal);
  const int64_t resume_after = LastJournaledSeq(journal_path);
  const int journal =
      ::open(journal_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (journal < 0) {
    std::perror(journal_path.c_str());
    return 1;
  }
  hotline::WatchControl control;
  watch_control = &control;
  std::thread signals([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    control.Stop();
  });
  std::cerr << "department_agent: " << department << ", resuming after seq "
            << resume_after << "\n";

  std::thread housekeeping([&] { Housekeeping(client, department); });
  hotline::v1::WatchEventsRequest request;
  request.set_after_seq(resume_after);
  const std::string own = "departments/" + department;
  absl::Status status = client.Watch(
      request,
      [&](const hotline::v1::Event& event) -> absl::Status {
        // Dispatched to us, or given back unsigned: the bureau refused our
        // return (不当退单), or took a ticket merged away from us out of its
        // main ticket again (并单 undone). A ticket merged away (MERGED)
        // is no longer ours to work on: its main's department answers it.
        const bool given_back =
            event.type() == hotline::v1::Event::RETURN_REFUSED ||
            event.type() == hotline::v1::Event::UNMERGED;
        const bool to_sign =
            event.type() == hotline::v1::Event::DISPATCHED ||
            (given_back &&
             event.state_after() == hotline::v1::Ticket::DISPATCHED);
        // Asked to assist (协办): sign for our part, at dispatch or later.
        const bool asked_to_assist =
            (event.type() == hotline::v1::Event::DISPATCHED &&
             std::find(event.assisting_departments().begin(),
                       event.assisting_departments().end(),
                       own) != event.assisting_departments().end()) ||
            (event.type() == hotline::v1::Event::ASSIST_ADDED &&
             event.assist_department() == own);
        if (asked_to_assist) {
          hotline::v1::AcknowledgeAssistRequest part;
          part.set_name(event.ticket());
          absl::Status acked = client.AcknowledgeAssist(part).status();
          // Signed for already, or the part ended since: nothing to do.
          if (!acked.ok() && !absl::IsFailedPrecondition(acked) &&
              !absl::IsPermissionDenied(acked)) {
            return acked;  // not processed; the watch ends and we retry
          }
        }
        // Urged (催办, 督办): sign for the notice and answer it.
        if (event.type() == hotline::v1::Event::NOTICE_ISSUED &&
            event.department() == own) {
          hotline::v1::AcknowledgeNoticeRequest sign;
          sign.set_name(event.notice());
          absl::Status done = client.AcknowledgeNotice(sign).status();
          if (done.ok()) {
            hotline::v1::AnswerNoticeRequest answer;
            answer.set_name(event.notice());
            answer.set_answer("已收到, 正在加快办理, 将按期答复");
            done = client.AnswerNotice(answer).status();
          }
          // Signed for or answered already, or lapsed since (the ticket
          // left us): nothing to do.
          if (!done.ok() && !absl::IsFailedPrecondition(done) &&
              !absl::IsPermissionDenied(done)) {
            return done;  // not processed; the watch ends and we retry
          }
        }
        if (to_sign && event.department() == own) {
          hotline::v1::AcknowledgeTicketRequest ack;
          ack.set_name(event.ticket());
          absl::Status acked = client.AcknowledgeTicket(ack).status();
          // Already signed for, reassigned or returned since: nothing to do.
          if (!acked.ok() && !absl::IsFailedPrecondition(acked) &&
              !absl::IsPermissionDenied(acked)) {
            return acked;  // not processed; the watch ends and we retry
          }
        }
        if (!Journal(journal,
                     absl::StrCat(event.seq(), " ",
                                  hotline::v1::Event::Type_Name(event.type()),
                                  " ", event.ticket()))) {
          return absl::InternalError("cannot write the journal");
        }
        return absl::OkStatus();
      },
      &control);
  control.Stop();
  housekeeping.join();
  // Wakes the signal thread if no signal came (still blocked, SIGTERM then
  // stays pending and does nothing).
  kill(getpid(), SIGTERM);
  signals.join();
  ::close(journal);
  if (!status.ok()) {
    std::cerr << "department_agent: " << status << "\n";
    return 1;
  }
  return 0;
}
