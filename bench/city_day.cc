// hotline-city-bench: a city's day at the speed it comes (issue 27, goal
// 4). A city's 12345 takes about 60,000 tickets a day; this bench shows the
// rate a real hotline-server sustains with every ticket's whole workflow,
// and what a call costs the server's CPU.
//
// It starts the hotline-server binary built beside it as child processes
// (real clock, as deployed), one deployment at a time: one server on a
// SQLite file (synchronous=FULL); with --postgres, one server on that
// database, then two servers on it with the clients split between them.
// For each deployment and each client count it runs, from every client in
// a loop, a ticket's workflow of six calls: the bureau creates it,
// dispatches it, the department signs for it (签收), reports the day's
// progress (一日一报), replies, and the bureau closes it. It prints the
// tickets a second carried through the whole workflow, the workflow's and
// each call's p50 and p99 latency, and the CPU the server processes used
// per ticket. Then, on the same servers in the same run, the CPU time a
// CreateTicket costs the server beside a health check's (/proc/PID/stat of
// the server processes only: the clients' work, and PostgreSQL's own
// processes, are not counted).
//
// The daily reports are for the day the run started (Beijing time): a run
// that crosses midnight there gets them refused, and says so in errors.
//
//   hotline-city-bench --clients=8,32 --seconds=10
//   hotline-city-bench --postgres=postgresql://...   # also PostgreSQL
#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/disk_measures.h"
#include "bench/measure.h"
#include "bench/scratch.h"
#include "bench/usage.h"
#include "bench/workload.h"
#include "client/hotline_client.h"
#include "common/child_process.h"
#include "common/log.h"
#include "common/status_macros.h"

ABSL_FLAG(std::string, server_bin, HOTLINE_SERVER_BINARY_FOR_BENCH,
          "The hotline-server binary to start.");
ABSL_FLAG(std::string, clients, "8,32",
          "Client counts to measure, comma-separated (threads, one channel "
          "each, each running workflows one after another).");
ABSL_FLAG(double, seconds, 10,
          "How long each measurement runs (each client count, and each of "
          "health and CreateTicket for the CPU figures).");
ABSL_FLAG(std::string, postgres, "",
          "Also measure one and two servers on this PostgreSQL database "
          "(postgresql://...; empty, or used by an earlier run).");
ABSL_FLAG(std::string, dir, "",
          "Where the scratch directory goes (default $TMPDIR or /tmp).");

namespace hotline {
namespace {

using bench::Measure;
using bench::Millis;
using bench::PercentileMillis;
using bench::PerSecond;
using bench::Result;

constexpr int kSteps = 6;
constexpr const char* kStepNames[kSteps] = {
    "create", "dispatch", "sign for", "daily report", "reply", "close"};

// One deployment: its server processes, where they listen, a bureau token.
struct Deployment {
  std::string name;
  std::vector<std::unique_ptr<ChildProcess>> servers;
  std::vector<std::string> addresses;
  std::string token;
};

// A calendar in which today is a working day, so that the day's progress
// report is owed whatever day the bench runs on (the shipped calendar
// would refuse it on a Sunday or a holiday): on a weekend, today is a
// make-up working day; on a weekday, no holiday is listed (the line for
// the coming Saturday only says what the weekly rule says, and makes the
// calendar cover the year).
absl::StatusOr<std::string> WriteCalendar(const std::string& dir,
                                          absl::CivilDay today) {
  const std::string path = dir + "/calendar.csv";
  std::ofstream out(path);
  out << "date,kind,holiday\n";
  const absl::Weekday weekday = absl::GetWeekday(today);
  if (weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday) {
    out << absl::FormatCivilTime(today) << ",workday,benchmark day\n";
  } else {
    out << absl::FormatCivilTime(
               absl::NextWeekday(today, absl::Weekday::saturday))
        << ",off\n";
  }
  out.close();
  if (!out) return absl::InternalError("cannot write " + path);
  return path;
}

absl::StatusOr<Deployment> Deploy(const std::string& name,
                                  const std::string& db, int server_count,
                                  const std::string& calendar,
                                  const std::string& dir) {
  Deployment d;
  d.name = name;
  ASSIGN_OR_RETURN(d.token, bench::BureauToken(db));
  for (int i = 0; i < server_count; ++i) {
    const std::string address = absl::StrCat("127.0.0.1:", FreeLoopbackPort());
    ASSIGN_OR_RETURN(
        std::unique_ptr<ChildProcess> server,
        ChildProcess::Start(
            {absl::GetFlag(FLAGS_server_bin), "--db=" + db,
             "--listen=" + address, "--calendar=" + calendar, "--quiet"},
            absl::StrCat(dir, "/server-", d.servers.size() + 1, ".log")));
    d.servers.push_back(std::move(server));
    d.addresses.push_back(address);
  }
  return d;
}

// The CPU time every server process of `d` has used so far.
absl::StatusOr<absl::Duration> ServerCpu(const Deployment& d) {
  absl::Duration total;
  for (const std::unique_ptr<ChildProcess>& server : d.servers) {
    ASSIGN_OR_RETURN(absl::Duration cpu, server->CpuTime());
    total += cpu;
  }
  return total;
}

// Client i talks to server i % servers.
std::vector<std::unique_ptr<Client>> Connect(const Deployment& d, int count,
                                             const std::string& token) {
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < count; ++i) {
    ClientOptions options;
    options.target = d.addresses[i % d.addresses.size()];
    options.token = token;
    clients.push_back(std::make_unique<Client>(options));
  }
  return clients;
}

// Times one call into `into`.
template <typename Call>
absl::Status Timed(std::vector<absl::Duration>& into, Call call) {
  const absl::Time start = absl::Now();
  absl::Status status = call();
  into.push_back(absl::Now() - start);
  return status;
}

// One ticket's workflow, each call timed into steps[k].
absl::Status Workflow(Client& bureau, Client& department,
                      const std::string& department_id,
                      const std::string& today,
                      std::array<std::vector<absl::Duration>, kSteps>& steps) {
  v1::Ticket ticket;
  RETURN_IF_ERROR(Timed(steps[0], [&] {
    absl::StatusOr<v1::Ticket> created = bureau.CreateTicket(bench::Draft());
    if (created.ok()) ticket = *std::move(created);
    return created.status();
  }));
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(ticket.name());
  dispatch.set_department("departments/" + department_id);
  RETURN_IF_ERROR(Timed(
      steps[1], [&] { return bureau.DispatchTicket(dispatch).status(); }));
  v1::AcknowledgeTicketRequest acknowledge;
  acknowledge.set_name(ticket.name());
  RETURN_IF_ERROR(Timed(steps[2], [&] {
    return department.AcknowledgeTicket(acknowledge).status();
  }));
  v1::SubmitDailyReportRequest report;
  report.set_date(today);
  v1::SubmitDailyReportRequest::Entry& entry = *report.add_entries();
  entry.set_ticket(ticket.name());
  entry.set_progress("已联系施工单位, 要求夜间停工, 明日复查。");
  RETURN_IF_ERROR(Timed(
      steps[3], [&] { return department.SubmitDailyReport(report).status(); }));
  v1::ReplyTicketRequest reply;
  reply.set_name(ticket.name());
  reply.set_reply_text("经核实, 施工单位已停止夜间施工, 已告知来电人。");
  reply.set_outcome(v1::Ticket::RESOLVED);
  RETURN_IF_ERROR(
      Timed(steps[4], [&] { return department.ReplyTicket(reply).status(); }));
  v1::CloseTicketRequest close;
  close.set_name(ticket.name());
  close.set_satisfaction(v1::Ticket::SATISFIED);
  return Timed(steps[5], [&] { return bureau.CloseTicket(close).status(); });
}

// What one client count sustained.
struct Sustained {
  double rate = 0;  // tickets a second through the whole workflow
  std::string p99;  // the workflow's, ms
};

// The workflow from `count` clients for `duration`: prints the rate, the
// latencies and the server CPU a ticket.
absl::StatusOr<Sustained> MeasureWorkflow(const Deployment& d, int count,
                                          absl::Duration duration,
                                          const std::string& today) {
  std::vector<std::unique_ptr<Client>> bureaus = Connect(d, count, d.token);
  ASSIGN_OR_RETURN(bench::Department department,
                   bench::MakeDepartment(*bureaus[0]));
  std::vector<std::unique_ptr<Client>> departments =
      Connect(d, count, department.token);
  std::vector<std::array<std::vector<absl::Duration>, kSteps>> steps(count);
  ASSIGN_OR_RETURN(absl::Duration cpu_before, ServerCpu(d));
  Result r = Measure(absl::StrCat(count, " clients"), bureaus, duration,
                     [&](Client& bureau, int i) {
                       return Workflow(bureau, *departments[i], department.id,
                                       today, steps[i]);
                     });
  ASSIGN_OR_RETURN(absl::Duration cpu_after, ServerCpu(d));
  const size_t tickets = r.latencies.size();
  const double rate = PerSecond(r);
  std::cout << absl::StrFormat(
      "  %3d clients: %8.1f tickets/s through the workflow (%.0f calls/s), "
      "workflow p50 %s ms p99 %s ms, %d errors, server CPU %.0f us a "
      "ticket\n",
      count, rate, rate * kSteps, PercentileMillis(r.latencies, 50),
      PercentileMillis(r.latencies, 99), r.errors,
      tickets == 0
          ? 0.0
          : absl::ToDoubleMicroseconds(cpu_after - cpu_before) / tickets);
  std::string line = "               each call p50/p99 ms:";
  for (int k = 0; k < kSteps; ++k) {
    std::vector<absl::Duration> all;
    for (auto& client : steps) {
      all.insert(all.end(), client[k].begin(), client[k].end());
    }
    absl::StrAppend(&line, " ", kStepNames[k], " ", PercentileMillis(all, 50),
                    "/", PercentileMillis(all, 99), k + 1 < kSteps ? ";" : "");
  }
  std::cout << line << "\n";
  return Sustained{rate, PercentileMillis(r.latencies, 99)};
}

// Server CPU a call, for health checks and for CreateTicket, in turns (three
// rounds) on the same servers.
absl::Status MeasureCpu(const Deployment& d, int count,
                        absl::Duration duration) {
  std::vector<std::unique_ptr<Client>> clients = Connect(d, count, d.token);
  absl::Duration cpu[2];
  int64_t calls[2] = {0, 0};
  double wall[2] = {0, 0};
  constexpr int kRounds = 3;
  for (int round = 0; round < kRounds; ++round) {
    for (int op = 0; op < 2; ++op) {
      ASSIGN_OR_RETURN(absl::Duration before, ServerCpu(d));
      Result r = Measure(op == 0 ? "health" : "CreateTicket", clients,
                         duration / kRounds, [op](Client& c, int) {
                           return op == 0
                                      ? c.CheckHealth()
                                      : c.CreateTicket(bench::Draft()).status();
                         });
      ASSIGN_OR_RETURN(absl::Duration after, ServerCpu(d));
      cpu[op] += after - before;
      calls[op] += static_cast<int64_t>(r.latencies.size());
      wall[op] += absl::ToDoubleSeconds(r.wall);
    }
  }
  if (calls[0] == 0 || calls[1] == 0) {
    return absl::InternalError("no call succeeded in the CPU measurement");
  }
  const double health_us = absl::ToDoubleMicroseconds(cpu[0]) / calls[0];
  const double create_us = absl::ToDoubleMicroseconds(cpu[1]) / calls[1];
  std::cout << absl::StrFormat(
      "  server CPU a call (%d clients): health %.0f us (%.0f/s), "
      "CreateTicket %.0f us (%.0f/s): a create costs %.1f health checks\n",
      count, health_us, calls[0] / wall[0], create_us, calls[1] / wall[1],
      create_us / health_us);
  return absl::OkStatus();
}

absl::Status Run() {
  std::vector<int> counts;
  for (absl::string_view part :
       absl::StrSplit(absl::GetFlag(FLAGS_clients), ',', absl::SkipEmpty())) {
    int n = 0;
    if (!absl::SimpleAtoi(part, &n) || n < 1) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--clients: \"", part, "\" is not a positive number of clients"));
    }
    counts.push_back(n);
  }
  if (counts.empty()) {
    return absl::InvalidArgumentError("--clients: give at least one count");
  }
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  ASSIGN_OR_RETURN(std::string dir,
                   bench::MakeScratchDir(absl::GetFlag(FLAGS_dir), "city"));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone("Asia/Shanghai", &zone)) {
    return absl::InternalError("cannot load the time zone Asia/Shanghai");
  }
  const absl::CivilDay day = absl::ToCivilDay(absl::Now(), zone);
  const std::string today = absl::FormatCivilTime(day);
  ASSIGN_OR_RETURN(std::string calendar, WriteCalendar(dir, day));

  struct Plan {
    std::string name;
    std::string db;
    int servers;
  };
  std::vector<Plan> plans = {{"SQLite, 1 server", dir + "/city.db", 1}};
  const std::string postgres = absl::GetFlag(FLAGS_postgres);
  if (!postgres.empty()) {
    ASSIGN_OR_RETURN(std::string durability,
                     storage::DescribePostgresDurability(postgres));
    std::cout << "PostgreSQL: " << durability << "\n";
    plans.push_back({"PostgreSQL, 1 server", postgres, 1});
    plans.push_back({"PostgreSQL, 2 servers", postgres, 2});
  }
  std::cout << "Each ticket: create, dispatch, sign for, daily report, "
               "reply, close (6 calls); "
            << absl::FormatDuration(duration) << " a measurement; "
            << "scratch " << dir << "\n";
  for (const Plan& plan : plans) {
    ASSIGN_OR_RETURN(Deployment d,
                     Deploy(plan.name, plan.db, plan.servers, calendar, dir));
    std::cout << plan.name << ":\n";
    Sustained peak;
    int peak_clients = 0;
    for (int count : counts) {
      ASSIGN_OR_RETURN(Sustained sustained,
                       MeasureWorkflow(d, count, duration, today));
      if (sustained.rate > peak.rate) {
        peak = sustained;
        peak_clients = count;
      }
    }
    std::cout << absl::StrFormat(
        "  peak: %.1f tickets/s at %d clients (workflow p99 %s ms); a "
        "city's day of 60,000 tickets in %.1f minutes of it\n",
        peak.rate, peak_clients, peak.p99,
        peak.rate > 0 ? 60000 / peak.rate / 60 : 0.0);
    RETURN_IF_ERROR(MeasureCpu(d, counts.back(), duration));
    for (std::unique_ptr<ChildProcess>& server : d.servers) {
      server->Terminate();
    }
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace hotline

int main(int argc, char** argv) {
  hotline::bench::ParseCommandLine(
      argc, argv, "bench/city_day.cc",
      "A city's day: the whole workflow of tickets against hotline-server "
      "processes (SQLite; with --postgres also PostgreSQL, one and two "
      "servers), the rate sustained, latencies, and server CPU a call.");
  absl::Status status = hotline::Run();
  if (!status.ok()) {
    std::cerr << "hotline-city-bench: " << status << "\n";
    return 1;
  }
  return 0;
}
