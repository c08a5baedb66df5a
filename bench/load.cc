// hotline-bench: N concurrent clients against a hotline server for a fixed
// time per operation; prints throughput and p50/p99 latency of CreateTicket,
// GetTicket, ListDuplicateCandidates and a full lifecycle (create, dispatch,
// acknowledge, reply, close), beside grpc.health.v1 Check on the same server as
// the no-work baseline. With the embedded server it then compares GetTicket and
// CreateTicket over HTTP/JSON with gRPC, and measures what TLS costs: health
// and CreateTicket on a plaintext server and on a TLS server (bearer token,
// then mutual TLS with a bound client certificate), same run, same client
// count, certificates made on the spot; and prints the ratios. With
// --postgres it ends with SQLite beside PostgreSQL, one and two servers
// (engine_comparison.h).
//
//   hotline-bench                                  # embedded server, temp db
//   hotline-bench --target=127.0.0.1:7345 --token=$(cat var/bureau.token)
//   hotline-bench --tls=false --http=false --postgres=postgresql://...
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "bench/disk_measures.h"
#include "bench/engine_comparison.h"
#include "bench/measure.h"
#include "bench/usage.h"
#include "bench/workload.h"
#include "client/hotline_client.h"
#include "common/dev_certificates.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "server/hotline_server.h"
#include "storage/open_store.h"
#include "workflow/clock.h"

ABSL_FLAG(std::string, target, "",
          "A running server, host:port. Empty: start one in-process on a "
          "temporary database.");
ABSL_FLAG(std::string, token, "", "A bureau token for --target.");
ABSL_FLAG(int, clients, 8, "Concurrent clients (threads, one channel each).");
ABSL_FLAG(double, seconds, 5, "How long each operation is measured.");
ABSL_FLAG(std::string, sync, "full",
          "Embedded server only: SQLite synchronous mode, full or normal.");
ABSL_FLAG(bool, tls, true,
          "Embedded server only: also compare plaintext with TLS and mutual "
          "TLS (health and CreateTicket).");
ABSL_FLAG(std::string, postgres, "",
          "Embedded server only: also compare SQLite with this PostgreSQL "
          "database (postgresql://...; empty, or used by an earlier run), "
          "one server and two servers on it, in turns: health, "
          "CreateTicket, GetTicket and the lifecycle.");
ABSL_FLAG(bool, http, true,
          "Embedded server only: also measure GetTicket and CreateTicket "
          "over the HTTP/JSON API beside gRPC, in turns on the same server.");

namespace hotline {
namespace {

using bench::InTurns;
using bench::Measure;
using bench::MeasureThreads;
using bench::PerSecond;
using bench::Print;
using bench::Result;

// Health and `create` on a fresh plaintext server and on a fresh server
// with TLS (mutual TLS optional): bearer token over TLS, and a bound client
// certificate instead of a token; `duration` for each, in turns. Channels
// are kept, as real clients do, so this is the cost of encryption per call,
// not of handshakes.
absl::Status MeasureTlsCost(
    const std::string& dir, int client_count, absl::Duration duration,
    bool sync_full, const std::function<absl::Status(Client&)>& create) {
  ASSIGN_OR_RETURN(Pem ca, MakeCertificateAuthority("hotline-bench CA"));
  ASSIGN_OR_RETURN(Pem server_pem, IssueCertificate(ca, ServerCertificate()));
  ASSIGN_OR_RETURN(Pem client_pem,
                   IssueCertificate(ca, ClientCertificate("bench-bureau")));
  ASSIGN_OR_RETURN(CertificateFiles server_files,
                   WritePem(server_pem, dir, "server"));
  ASSIGN_OR_RETURN(CertificateFiles client_files,
                   WritePem(client_pem, dir, "client"));
  const std::string ca_file = dir + "/ca.crt";
  RETURN_IF_ERROR(WriteFileAtomically(ca_file, ca.certificate));

  // Both servers run at once, and the variants take turns in short rounds,
  // so that a change in the machine's load (it may be shared) falls on all
  // of them alike.
  RealClock clock;
  struct Variant {
    std::string name;
    std::vector<std::unique_ptr<Client>> clients;
    std::function<absl::Status(Client&, int)> op;
  };
  std::vector<std::unique_ptr<HotlineServer>> servers;
  std::vector<Variant> variants;
  for (const bool tls : {false, true}) {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.store.path = dir + (tls ? "/tls.db" : "/plaintext.db");
    options.sqlite.synchronous_full = sync_full;
    if (tls) {
      options.transport.cert_file = server_files.certificate_file;
      options.transport.key_file = server_files.key_file;
      options.transport.client_ca_file = ca_file;
      options.transport.client_auth = ClientAuth::kOptional;
    }
    std::string token;
    {
      ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store,
                       storage::OpenStore(options.store));
      ASSIGN_OR_RETURN(
          v1::Token made,
          CreateTokenDirectly(*store, "bureau", "bench", absl::Now()));
      token = made.secret();
    }
    ASSIGN_OR_RETURN(std::unique_ptr<HotlineServer> server,
                     HotlineServer::Start(options, &clock));
    servers.push_back(std::move(server));
    auto clients = [&, address = servers.back()->address()](
                       const std::string& with_token, bool certificate) {
      std::vector<std::unique_ptr<Client>> made;
      for (int i = 0; i < client_count; ++i) {
        ClientOptions client;
        client.target = address;
        client.token = with_token;
        if (tls) {
          client.tls.ca_file = ca_file;
          if (certificate) {
            client.tls.cert_file = client_files.certificate_file;
            client.tls.key_file = client_files.key_file;
          }
        }
        made.push_back(std::make_unique<Client>(client));
      }
      return made;
    };
    const std::string label = tls ? "TLS" : "plaintext";
    variants.push_back({"health, " + label, clients(token, false),
                        [](Client& c, int) { return c.CheckHealth(); }});
    variants.push_back({"CreateTicket, " + label, clients(token, false),
                        [&](Client& c, int) { return create(c); }});
    if (tls) {
      v1::CreateTokenRequest bind;
      bind.mutable_token()->set_principal("bureau");
      bind.mutable_token()->set_certificate_identity("bench-bureau");
      RETURN_IF_ERROR(variants.back().clients[0]->CreateToken(bind).status());
      variants.push_back({"CreateTicket, mTLS cert", clients("", true),
                          [&](Client& c, int) { return create(c); }});
    }
  }
  std::vector<std::pair<std::string, std::function<Result(absl::Duration)>>>
      runs;
  for (Variant& v : variants) {
    runs.emplace_back(v.name, [&v](absl::Duration d) {
      return Measure(v.name, v.clients, d, v.op);
    });
  }
  std::vector<Result> results = InTurns(5, duration, runs);
  for (auto& server : servers) server->Shutdown(absl::Seconds(5));
  std::cout << "\nWhat TLS costs (two fresh servers, in turns, kept "
               "channels):\n";
  Print(results);
  for (const Result& r : results) {
    if (r.errors > 0) {
      return absl::InternalError(absl::StrCat(r.name, " had errors"));
    }
  }
  std::cout << absl::StrFormat(
      "TLS/plaintext throughput: health %.2f, CreateTicket %.2f (token), "
      "%.2f (mTLS certificate)\n",
      PerSecond(results[2]) / PerSecond(results[0]),
      PerSecond(results[3]) / PerSecond(results[1]),
      PerSecond(results[4]) / PerSecond(results[1]));
  return absl::OkStatus();
}

// GetTicket and CreateTicket over HTTP/JSON (one keep-alive connection per
// client) beside the same calls over gRPC (one channel per client), on the
// same server, in turns; prints the ratios (the goal: HTTP at least half of
// gRPC's rate).
absl::Status MeasureHttp(int http_port, const std::string& token,
                         std::vector<std::unique_ptr<Client>>& grpc_clients,
                         const std::vector<std::string>& existing,
                         absl::Duration duration,
                         const v1::CreateTicketRequest& draft) {
  const int count = static_cast<int>(grpc_clients.size());
  std::vector<std::unique_ptr<httplib::Client>> http;
  for (int i = 0; i < count; ++i) {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", http_port);
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    client->set_default_headers({{"Authorization", "Bearer " + token}});
    http.push_back(std::move(client));
  }
  std::string body;
  if (!google::protobuf::util::MessageToJsonString(draft, &body).ok()) {
    return absl::InternalError("cannot write the draft as JSON");
  }
  auto answered = [](const httplib::Result& result) {
    if (!result) {
      return absl::UnavailableError(httplib::to_string(result.error()));
    }
    if (result->status != 200) {
      return absl::InternalError(
          absl::StrCat("HTTP ", result->status, ": ", result->body));
    }
    return absl::OkStatus();
  };
  auto runs = std::vector<
      std::pair<std::string, std::function<Result(absl::Duration)>>>{
      {"GetTicket, gRPC",
       [&](absl::Duration d) {
         return Measure("", grpc_clients, d, [&](Client& c, int i) {
           v1::GetTicketRequest request;
           request.set_name(existing[i]);
           return c.GetTicket(request).status();
         });
       }},
      {"GetTicket, HTTP/JSON",
       [&](absl::Duration d) {
         return MeasureThreads("", count, d, [&](int i) {
           return answered(http[i]->Get("/v1/" + existing[i]));
         });
       }},
      {"CreateTicket, gRPC",
       [&](absl::Duration d) {
         return Measure("", grpc_clients, d, [&](Client& c, int) {
           return c.CreateTicket(draft).status();
         });
       }},
      {"CreateTicket, HTTP/JSON",
       [&](absl::Duration d) {
         return MeasureThreads("", count, d, [&](int i) {
           return answered(
               http[i]->Post("/v1/tickets", body, "application/json"));
         });
       }},
  };
  std::vector<Result> results = InTurns(5, duration, runs);
  std::cout << "\nHTTP/JSON beside gRPC (same server, in turns):\n";
  Print(results);
  for (const Result& r : results) {
    if (r.errors > 0) {
      return absl::InternalError(absl::StrCat(r.name, " had errors"));
    }
  }
  std::cout << absl::StrFormat(
      "HTTP/gRPC throughput: GetTicket %.2f, CreateTicket %.2f (goal: at "
      "least 0.50)\n",
      PerSecond(results[1]) / PerSecond(results[0]),
      PerSecond(results[3]) / PerSecond(results[2]));
  return absl::OkStatus();
}

// Bytes this process has had written to disk so far (/proc/self/io; 0 when
// unreadable).
int64_t ProcessWriteBytes() {
  std::ifstream io("/proc/self/io");
  std::string key;
  int64_t value = 0;
  while (io >> key >> value) {
    if (key == "write_bytes:") return value;
  }
  return 0;
}

int Main(int argc, char** argv) {
  bench::ParseCommandLine(
      argc, argv, "bench/load.cc",
      "Load generator for hotline-server. N concurrent "
      "clients, a fixed time per operation; prints throughput and p50/p99 "
      "latency of CreateTicket, GetTicket and a full lifecycle beside a "
      "health check. With the embedded server (no --target) it also "
      "compares HTTP/JSON with gRPC, plaintext with TLS, and with "
      "--postgres SQLite with PostgreSQL.\n\n"
      "  hotline-bench                      # embedded server, temp db\n"
      "  hotline-bench --target=127.0.0.1:7345 --token=$(cat "
      "var/bureau.token)\n"
      "  hotline-bench --tls=false --http=false --clients=16 --seconds=10");
  // Abseil checks every lock order for cycles unless told not to (a debug
  // aid: a few percent of a busy server's CPU); the tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  SetInfoLogging(false);
  const int client_count = std::max(1, absl::GetFlag(FLAGS_clients));
  const absl::Duration duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));

  std::string target = absl::GetFlag(FLAGS_target);
  std::string bureau_token = absl::GetFlag(FLAGS_token);
  RealClock clock;
  std::unique_ptr<HotlineServer> embedded;
  std::string temp_dir;
  if (target.empty()) {
    char pattern[] = "/tmp/hotline-bench-XXXXXX";
    temp_dir = mkdtemp(pattern);
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.store.path = temp_dir + "/bench.db";
    options.sqlite.synchronous_full = absl::GetFlag(FLAGS_sync) != "normal";
    if (absl::GetFlag(FLAGS_http)) {
      options.http.listen_address = "127.0.0.1:0";
      // Each keep-alive connection holds a worker: more workers than
      // clients, as a server expecting this many would be given.
      options.http.threads = std::max(64, 2 * client_count);
    }
    {
      storage::StoreOptions store_options = options.store;
      auto store = storage::OpenStore(store_options);
      if (!store.ok()) {
        std::cerr << store.status() << "\n";
        return 1;
      }
      bureau_token =
          CreateTokenDirectly(**store, "bureau", "bench", absl::Now())
              ->secret();
    }
    auto server = HotlineServer::Start(options, &clock);
    if (!server.ok()) {
      std::cerr << server.status() << "\n";
      return 1;
    }
    embedded = *std::move(server);
    target = embedded->address();
  }

  auto connect = [&](const std::string& token) {
    ClientOptions options;
    options.target = target;
    options.token = token;
    return std::make_unique<Client>(options);
  };
  std::unique_ptr<Client> bureau = connect(bureau_token);
  // A department of this run, and its token, for the lifecycle.
  absl::StatusOr<bench::Department> department = bench::MakeDepartment(*bureau);
  if (!department.ok()) {
    std::cerr << department.status() << "\n";
    return 1;
  }

  std::vector<std::unique_ptr<Client>> bureaus;
  std::vector<std::unique_ptr<Client>> departments;
  for (int i = 0; i < client_count; ++i) {
    bureaus.push_back(connect(bureau_token));
    departments.push_back(connect(department->token));
  }
  auto draft = [] { return bench::Draft(); };
  // Tickets for GetTicket to read, one per client.
  std::vector<std::string> existing;
  for (int i = 0; i < client_count; ++i) {
    existing.push_back(bureau->CreateTicket(draft())->name());
  }

  std::cout << absl::StrFormat(
      "hotline-bench: %d clients, %.1f s per operation, server %s%s\n",
      client_count, absl::ToDoubleSeconds(duration), target,
      embedded
          ? absl::StrCat(" (embedded, sync=", absl::GetFlag(FLAGS_sync), ")")
          : "");
  std::vector<Result> results;
  results.push_back(Measure("health check (baseline)", bureaus, duration,
                            [](Client& c, int) { return c.CheckHealth(); }));
  const int64_t written_before = ProcessWriteBytes();
  results.push_back(Measure(
      "CreateTicket", bureaus, duration,
      [&](Client& c, int) { return c.CreateTicket(draft()).status(); }));
  const int64_t written = ProcessWriteBytes() - written_before;
  results.push_back(
      Measure("GetTicket", bureaus, duration, [&](Client& c, int i) {
        v1::GetTicketRequest request;
        request.set_name(existing[i]);
        return c.GetTicket(request).status();
      }));
  // Every ticket made so far was received within the duplicate window of
  // the others, with the same caller and topic: the suggestions' worst case
  // (they compare the whole window), at this run's ticket count.
  results.push_back(
      Measure(absl::StrCat("ListDuplicateCandidates (",
                           results[1].latencies.size() + existing.size(),
                           " tickets in the window)"),
              bureaus, duration, [&](Client& c, int i) {
                v1::ListDuplicateCandidatesRequest request;
                request.set_name(existing[i]);
                return c.ListDuplicateCandidates(request).status();
              }));
  results.push_back(
      Measure("lifecycle (5 calls)", bureaus, duration, [&](Client& c, int i) {
        return bench::RunLifecycle(c, *departments[i], department->id);
      }));
  Print(results, &results[0]);
  if (embedded && written > 0 && !results[1].latencies.empty()) {
    std::cout << absl::StrFormat(
        "bytes written to disk per CreateTicket (WAL and checkpoints, "
        "/proc/self/io): %.0f\n",
        static_cast<double>(written) / results[1].latencies.size());
  }
  if (embedded && embedded->http_port() != 0) {
    if (absl::Status s = MeasureHttp(embedded->http_port(), bureau_token,
                                     bureaus, existing, duration, draft());
        !s.ok()) {
      std::cerr << "HTTP comparison: " << s << "\n";
      return 1;
    }
  }
  if (embedded) {
    embedded->Shutdown(absl::Seconds(5));
    embedded.reset();
    // What the disk takes without the service: one-row transactions, one
    // thread, same file system, same sync mode.
    absl::StatusOr<double> raw = storage::MeasureOneRowCommits(
        temp_dir + "/raw.db", duration, absl::GetFlag(FLAGS_sync) != "normal");
    if (!raw.ok()) {
      std::cerr << "raw SQLite commits: " << raw.status() << "\n";
      return 1;
    }
    std::cout << absl::StrFormat(
        "\nraw SQLite one-row commits on the same disk: %.0f/s; "
        "CreateTicket/raw: %.2f\n",
        *raw, PerSecond(results[1]) / *raw);
    absl::StatusOr<storage::Footprint> footprint =
        storage::MeasureFootprint(temp_dir + "/bench.db");
    if (!footprint.ok()) {
      std::cerr << "footprint: " << footprint.status() << "\n";
      return 1;
    }
    std::cout << absl::StrFormat(
        "database after a checkpoint: %d bytes for %d tickets, %.0f bytes a "
        "ticket (this bench's mix: events but no daily reports); largest:\n",
        footprint->file_bytes, footprint->tickets,
        footprint->tickets > 0
            ? static_cast<double>(footprint->file_bytes) / footprint->tickets
            : 0.0);
    for (size_t i = 0; i < footprint->tables.size() && i < 8; ++i) {
      std::cout << absl::StrFormat("  %-40s %12d\n", footprint->tables[i].name,
                                   footprint->tables[i].bytes);
    }
  }
  if (!temp_dir.empty() && absl::GetFlag(FLAGS_tls)) {
    if (absl::Status s = MeasureTlsCost(
            temp_dir, client_count, duration,
            absl::GetFlag(FLAGS_sync) != "normal",
            [&](Client& c) { return c.CreateTicket(draft()).status(); });
        !s.ok()) {
      std::cerr << "TLS comparison: " << s << "\n";
      return 1;
    }
  }
  if (!temp_dir.empty() && !absl::GetFlag(FLAGS_postgres).empty()) {
    if (absl::Status s = bench::CompareEngines(
            absl::GetFlag(FLAGS_postgres), temp_dir, client_count, duration,
            absl::GetFlag(FLAGS_sync) != "normal");
        !s.ok()) {
      std::cerr << "SQLite and PostgreSQL: " << s << "\n";
      return 1;
    }
  }
  if (!temp_dir.empty()) {
    if (embedded) embedded->Shutdown(absl::Seconds(5));
    std::string command = "rm -rf " + temp_dir;
    if (std::system(command.c_str()) != 0) return 1;
  }
  return 0;
}

}  // namespace
}  // namespace hotline

int main(int argc, char** argv) { return hotline::Main(argc, argv); }
