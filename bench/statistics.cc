// hotline-stats-bench: how GetStatistics scales with the tickets stored.
//
// For each size (default 100,000 and 1,000,000 tickets) it fills a fresh
// database with one year (2025) of tickets through the Store's change sets
// (built with TicketChanges, as the server builds them, statistics changes
// included), then starts the real server on it with the clock at 2026-01-10
// 09:00 and times the annual report, GetStatistics for [2025-01-01,
// 2026-01-01) as of the year's end, over gRPC with the real client. Prints
// the median and worst of the timed calls per size, and the ratio of the
// medians of the largest and smallest size.
//
// The tickets: 20 departments, 50 topics, the six types, received at random
// working hours of the year. 80% are replied 0-14 days after receipt
// (deadline 15 days after), the rest stay open; an open ticket whose
// deadline passed by the end of the run was marked overdue at its deadline
// with a yellow card, as the sweeper does.
//
//   hotline-stats-bench                        # 100k and 1M
//   hotline-stats-bench --sizes=10000,100000 --calls=50
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "app/ticket_changes.h"
#include "bench/usage.h"
#include "client/hotline_client.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "server/hotline_server.h"
#include "storage/open_store.h"
#include "workflow/clock.h"

ABSL_FLAG(std::string, sizes, "100000,1000000",
          "Ticket counts to measure, comma-separated.");
ABSL_FLAG(int, calls, 30, "Timed GetStatistics calls per size.");
ABSL_FLAG(std::string, dir, "",
          "Where the databases go (default: $TMPDIR or /tmp); each is removed "
          "after its run.");

namespace hotline {
namespace {

constexpr int kDepartments = 20;
constexpr int kTopics = 50;
constexpr int kBatch = 2000;

absl::TimeZone Beijing() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

std::string Department(int i) { return absl::StrCat("departments/d", i); }

// Fills `store` with `count` tickets of 2025; true on success.
bool Fill(storage::Store& store, int64_t count, absl::Time now) {
  const absl::TimeZone zone = Beijing();
  const absl::Time year_start =
      absl::FromCivil(absl::CivilDay(2025, 1, 1), zone);
  std::mt19937_64 random(20250101);
  auto uniform = [&](int64_t n) {
    return static_cast<int64_t>(random() % static_cast<uint64_t>(n));
  };
  for (int i = 0; i < kDepartments; ++i) {
    storage::ChangeSet department;
    v1::Department d;
    d.set_name(Department(i));
    d.set_display_name(absl::StrCat("部门", i));
    department.departments.push_back({absl::StrCat("d", i), d});
    absl::Status s = store.CommitAndWait(std::move(department));
    if (!s.ok()) {
      std::cerr << s << "\n";
      return false;
    }
  }
  const absl::Time start = absl::Now();
  for (int64_t done = 0; done < count;) {
    const int64_t batch = std::min<int64_t>(kBatch, count - done);
    // One change set a batch, built as the server builds its own.
    storage::ChangeSet changes;
    TicketChanges builder(&store, zone, &changes);
    absl::Status s = [&]() -> absl::Status {
      for (int64_t k = 0; k < batch; ++k) {
        const absl::Time received =
            year_start + absl::Hours(24 * uniform(365) + 8 + uniform(10)) +
            absl::Seconds(uniform(3600));
        v1::Ticket t;
        t.set_type(static_cast<v1::Ticket::Type>(1 + uniform(6)));
        t.set_topic(absl::StrCat("topic-", uniform(kTopics)));
        t.set_urgency(v1::Ticket::NORMAL);
        t.set_title("bench");
        t.set_content("bench");
        t.set_created_by("bureau");
        t.set_state(v1::Ticket::IN_PROGRESS);
        t.set_department(Department(static_cast<int>(uniform(kDepartments))));
        t.set_dispatch_count(1);
        *t.mutable_received_at() = ToProtoTime(received);
        *t.mutable_create_time() = ToProtoTime(received);
        *t.mutable_update_time() = ToProtoTime(received);
        *t.mutable_dispatched_at() = ToProtoTime(received);
        const absl::Time due = received + absl::Hours(24 * 15);
        *t.mutable_reply_due_at() = ToProtoTime(due);
        v1::Event created;
        RETURN_IF_ERROR(builder.AddNew(&t, &created));
        changes.events.clear();  // the history is not what is measured
        const v1::Ticket inserted = t;
        if (uniform(10) < 8) {
          const absl::Time replied =
              received + absl::Hours(24 * uniform(15) + uniform(10));
          if (replied < now) {
            t.set_state(v1::Ticket::REPLIED);
            *t.mutable_replied_at() = ToProtoTime(replied);
            *t.mutable_update_time() = ToProtoTime(replied);
            builder.AddVersion(inserted, &t);
            continue;
          }
        }
        if (due <= now) {
          t.set_reply_overdue(true);
          *t.mutable_update_time() = ToProtoTime(due);
          builder.AddVersion(inserted, &t);
          v1::Card card;
          card.set_ticket(t.name());
          card.set_department(t.department());
          card.set_color(v1::Card::YELLOW);
          card.set_issuer("sweeper");
          *card.mutable_issue_time() = ToProtoTime(due);
          RETURN_IF_ERROR(builder.AddNewCard(t, &card));
        }
      }
      return store.CommitAndWait(std::move(changes));
    }();
    if (!s.ok()) {
      std::cerr << s << "\n";
      return false;
    }
    done += batch;
    if (done % 100000 == 0 || done == count) {
      std::cerr << absl::StrFormat(
          "  %d tickets stored (%.0f/s)\n", done,
          done / absl::ToDoubleSeconds(absl::Now() - start));
    }
  }
  return true;
}

struct Timing {
  int64_t tickets = 0;
  absl::Duration median;
  absl::Duration worst;
  int64_t received = 0;
};

std::optional<Timing> Run(int64_t tickets, const std::string& dir, int calls) {
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 1, 10, 9, 0, 0), Beijing());
  const std::string path =
      absl::StrCat(dir, "/hotline-stats-bench-", tickets, "-", getpid(), ".db");
  std::cerr << "filling " << path << " with " << tickets << " tickets\n";
  {
    storage::StoreOptions options;
    options.path = path;
    storage::SqliteOptions sqlite;
    sqlite.synchronous_full = false;
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::OpenStore(options, sqlite);
    if (!store.ok()) {
      std::cerr << store.status() << "\n";
      return std::nullopt;
    }
    if (!Fill(**store, tickets, now)) return std::nullopt;
  }
  std::string token;
  {
    storage::StoreOptions options;
    options.path = path;
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::OpenStore(options);
    if (!store.ok()) return std::nullopt;
    absl::StatusOr<v1::Token> made =
        CreateTokenDirectly(**store, "bureau", "bench", absl::Now());
    if (!made.ok()) return std::nullopt;
    token = made->secret();
  }
  ManualClock clock(now);
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = path;
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options, &clock);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return std::nullopt;
  }
  ClientOptions client_options;
  client_options.target = absl::StrCat("127.0.0.1:", (*server)->port());
  client_options.token = token;
  auto client = std::make_unique<Client>(client_options);

  v1::GetStatisticsRequest request;
  request.set_from_date("2025-01-01");
  request.set_to_date("2026-01-01");
  Timing timing{tickets, {}, {}, 0};
  std::vector<absl::Duration> samples;
  for (int i = 0; i < calls + 1; ++i) {
    const absl::Time begin = absl::Now();
    absl::StatusOr<v1::Statistics> stats = client->GetStatistics(request);
    const absl::Duration took = absl::Now() - begin;
    if (!stats.ok()) {
      std::cerr << stats.status() << "\n";
      return std::nullopt;
    }
    timing.received = stats->total().received();
    if (i > 0) samples.push_back(took);  // the first call warms the caches
  }
  std::sort(samples.begin(), samples.end());
  timing.median = samples[samples.size() / 2];
  timing.worst = samples.back();
  client.reset();
  (*server)->Shutdown(absl::Seconds(1));
  server->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
  return timing;
}

}  // namespace
}  // namespace hotline

int main(int argc, char** argv) {
  hotline::bench::ParseCommandLine(
      argc, argv, "bench/statistics.cc",
      "Times GetStatistics for one year at several "
      "database sizes.\n\n  hotline-stats-bench --sizes=100000 --calls=10");
  hotline::SetInfoLogging(false);
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = tmp != nullptr ? tmp : "/tmp";
  }
  std::vector<hotline::Timing> timings;
  for (absl::string_view size :
       absl::StrSplit(absl::GetFlag(FLAGS_sizes), ',', absl::SkipEmpty())) {
    int64_t tickets = 0;
    if (!absl::SimpleAtoi(size, &tickets) || tickets <= 0) {
      std::cerr << "--sizes: \"" << size << "\" is not a ticket count\n";
      return 2;
    }
    std::optional<hotline::Timing> timing =
        hotline::Run(tickets, dir, std::max(1, absl::GetFlag(FLAGS_calls)));
    if (!timing) return 1;
    timings.push_back(*timing);
  }
  std::cout << "GetStatistics, one year (2025-01-01 .. 2026-01-01) as of its "
               "end, asked on 2026-01-10:\n";
  for (const hotline::Timing& t : timings) {
    std::cout << absl::StrFormat(
        "  %9d tickets stored  received=%d  median %8.2f ms  worst %8.2f ms\n",
        t.tickets, t.received, absl::ToDoubleMilliseconds(t.median),
        absl::ToDoubleMilliseconds(t.worst));
  }
  if (timings.size() >= 2) {
    std::cout << absl::StrFormat(
        "  ratio of medians, %d vs %d tickets: %.2f (goal: under 2)\n",
        timings.back().tickets, timings.front().tickets,
        absl::ToDoubleSeconds(timings.back().median) /
            absl::ToDoubleSeconds(timings.front().median));
  }
  return 0;
}
