#include "bench/engine_comparison.h"

#include <functional>
#include <iostream>
#include <memory>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "bench/disk_measures.h"
#include "bench/measure.h"
#include "bench/workload.h"
#include "client/hotline_client.h"
#include "common/status_macros.h"
#include "server/hotline_server.h"
#include "storage/open_store.h"
#include "workflow/clock.h"

namespace hotline::bench {
namespace {

// Rounds of the turns.
constexpr int kRounds = 3;

// The operations, in the order printed; the first is the baseline.
constexpr const char* kOperations[] = {"health", "CreateTicket", "GetTicket",
                                       "lifecycle (5 calls)"};

// One deployment's clients, and what they need.
struct Deployment {
  std::string name;
  std::vector<std::unique_ptr<Client>> bureaus;
  std::vector<std::unique_ptr<Client>> departments;
  std::vector<std::string> existing;  // a ticket for each client to read
  Department department;
};

// A bureau token made directly in the store at `path`.
absl::StatusOr<std::string> Token(const storage::StoreOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store,
                   storage::OpenStore(options));
  ASSIGN_OR_RETURN(v1::Token token,
                   CreateTokenDirectly(*store, "bureau", "bench", absl::Now()));
  return token.secret();
}

// Client i talks to servers[i % servers.size()].
absl::StatusOr<Deployment> Deploy(
    const std::string& name, const std::vector<const HotlineServer*>& servers,
    const std::string& token, int client_count) {
  Deployment d;
  d.name = name;
  auto connect = [&](int i, const std::string& with) {
    ClientOptions options;
    options.target = servers[i % servers.size()]->address();
    options.token = with;
    return std::make_unique<Client>(options);
  };
  for (int i = 0; i < client_count; ++i) d.bureaus.push_back(connect(i, token));
  ASSIGN_OR_RETURN(d.department, MakeDepartment(*d.bureaus[0]));
  for (int i = 0; i < client_count; ++i) {
    d.departments.push_back(connect(i, d.department.token));
    ASSIGN_OR_RETURN(v1::Ticket ticket, d.bureaus[i]->CreateTicket(Draft()));
    d.existing.push_back(ticket.name());
  }
  return d;
}

Result Run(Deployment& d, int operation, absl::Duration duration) {
  switch (operation) {
    case 0:
      return Measure("", d.bureaus, duration,
                     [](Client& c, int) { return c.CheckHealth(); });
    case 1:
      return Measure("", d.bureaus, duration, [](Client& c, int) {
        return c.CreateTicket(Draft()).status();
      });
    case 2:
      return Measure("", d.bureaus, duration, [&d](Client& c, int i) {
        v1::GetTicketRequest request;
        request.set_name(d.existing[i]);
        return c.GetTicket(request).status();
      });
    default:
      return Measure("", d.bureaus, duration, [&d](Client& c, int i) {
        return RunLifecycle(c, *d.departments[i], d.department.id);
      });
  }
}

}  // namespace

absl::Status CompareEngines(const std::string& postgres_uri,
                            const std::string& dir, int client_count,
                            absl::Duration duration, bool sqlite_sync_full) {
  ASSIGN_OR_RETURN(std::string durability,
                   storage::DescribePostgresDurability(postgres_uri));

  RealClock clock;
  ServerOptions sqlite;
  sqlite.listen_address = "127.0.0.1:0";
  sqlite.store.path = dir + "/engines.db";
  sqlite.sqlite.synchronous_full = sqlite_sync_full;
  ServerOptions postgres;
  postgres.listen_address = "127.0.0.1:0";
  postgres.store.path = postgres_uri;
  ASSIGN_OR_RETURN(std::string sqlite_token, Token(sqlite.store));
  ASSIGN_OR_RETURN(std::string postgres_token, Token(postgres.store));

  std::vector<std::unique_ptr<HotlineServer>> servers;
  for (const ServerOptions* options : {&sqlite, &postgres, &postgres}) {
    ASSIGN_OR_RETURN(std::unique_ptr<HotlineServer> server,
                     HotlineServer::Start(*options, &clock));
    servers.push_back(std::move(server));
  }
  std::vector<Deployment> deployments;
  for (auto [name, at, token] :
       std::vector<std::tuple<std::string, std::vector<const HotlineServer*>,
                              std::string>>{
           {"SQLite, 1 server", {servers[0].get()}, sqlite_token},
           {"PostgreSQL, 1 server", {servers[1].get()}, postgres_token},
           {"PostgreSQL, 2 servers",
            {servers[1].get(), servers[2].get()},
            postgres_token}}) {
    ASSIGN_OR_RETURN(Deployment d, Deploy(name, at, token, client_count));
    deployments.push_back(std::move(d));
  }

  std::vector<std::pair<std::string, std::function<Result(absl::Duration)>>>
      runs;
  for (Deployment& d : deployments) {
    for (int op = 0; op < 4; ++op) {
      runs.emplace_back(
          absl::StrCat(kOperations[op], ", ", d.name),
          [&d, op](absl::Duration slice) { return Run(d, op, slice); });
    }
  }
  const std::vector<Result> results = InTurns(kRounds, duration, runs);
  for (auto& server : servers) server->Shutdown(absl::Seconds(5));

  std::cout << absl::StrFormat(
      "\nSQLite (synchronous=%s) beside %s; %d clients, in turns:\n",
      sqlite_sync_full ? "FULL" : "NORMAL", durability, client_count);
  for (size_t d = 0; d < deployments.size(); ++d) {
    const std::vector<Result> of(results.begin() + 4 * d,
                                 results.begin() + 4 * d + 4);
    Print(of, &of[0]);
  }
  std::cout << absl::StrFormat("\n%-22s %14s %14s %14s %10s %10s\n",
                               "operation", "SQLite", "PostgreSQL 1",
                               "PostgreSQL 2", "PG 1/SQLite", "PG 2/PG 1");
  for (int op = 0; op < 4; ++op) {
    const double lite = PerSecond(results[op]);
    const double one = PerSecond(results[4 + op]);
    const double two = PerSecond(results[8 + op]);
    std::cout << absl::StrFormat(
        "%-22s %12.0f/s %12.0f/s %12.0f/s %10.2f %10.2f\n", kOperations[op],
        lite, one, two, lite > 0 ? one / lite : 0.0, one > 0 ? two / one : 0.0);
  }
  for (const Result& r : results) {
    if (r.errors > 0) {
      return absl::InternalError(absl::StrCat(r.name, " had errors"));
    }
  }
  return absl::OkStatus();
}

}  // namespace hotline::bench
