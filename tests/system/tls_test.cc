// Transport security end to end: the real server on a loopback port with
// TLS and mutual TLS, certificates made at test time (common/
// dev_certificates.h), the real client library, and the real hotline-server
// and hotlinectl binaries for flags, signals and environment variables.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/dev_certificates.h"
#include "common/error_details.h"
#include "common/log.h"
#include "gtest/gtest.h"
#include "tests/support/programs.h"
#include "tests/support/test_support.h"

namespace hotline::testing {
namespace {

using v1::Ticket;

// The files of one run: a server CA and the server's certificate, a client
// CA and client certificates, in a temporary directory.
class Certificates {
 public:
  Certificates() {
    server_ca_ = Make(MakeCertificateAuthority("hotline test server CA"));
    client_ca_ = Make(MakeCertificateAuthority("hotline test client CA"));
    server_ca_file_ = Write(server_ca_.certificate, "server-ca.crt");
    client_ca_file_ = Write(client_ca_.certificate, "client-ca.crt");
    server_ = Files(server_ca_, ServerCertificate(), "server");
  }

  // A client certificate signed by the client CA.
  CertificateFiles Client(const std::string& base,
                          const std::string& common_name,
                          std::vector<std::string> dns_names = {}) {
    return Files(client_ca_, ClientCertificate(common_name, dns_names), base);
  }

  // Client TLS options trusting the server CA, with a client certificate
  // when given.
  ClientTlsOptions Trusting(const CertificateFiles* client = nullptr) const {
    ClientTlsOptions tls;
    tls.ca_file = server_ca_file_;
    if (client != nullptr) {
      tls.cert_file = client->certificate_file;
      tls.key_file = client->key_file;
    }
    return tls;
  }

  const Pem& server_ca() const { return server_ca_; }
  const std::string& server_ca_file() const { return server_ca_file_; }
  const std::string& client_ca_file() const { return client_ca_file_; }
  const CertificateFiles& server() const { return server_; }
  const TempDir& dir() const { return dir_; }

  Pem Make(absl::StatusOr<Pem> pem) {
    EXPECT_TRUE(pem.ok()) << pem.status();
    return pem.ok() ? *pem : Pem();
  }
  std::string Write(const std::string& content, const std::string& name) {
    const std::string path = dir_.File(name);
    EXPECT_TRUE(WriteFileAtomically(path, content).ok());
    return path;
  }
  CertificateFiles Files(const Pem& ca, const CertificateRequest& request,
                         const std::string& base) {
    absl::StatusOr<CertificateFiles> files =
        WritePem(Make(IssueCertificate(ca, request)), dir_.path(), base);
    EXPECT_TRUE(files.ok()) << files.status();
    return files.ok() ? *files : CertificateFiles();
  }

 private:
  TempDir dir_;
  Pem server_ca_, client_ca_;
  std::string server_ca_file_, client_ca_file_;
  CertificateFiles server_;
};

class TlsTest : public ::testing::Test {
 protected:
  TlsTest() : db_path_(dir_.File("hotline.db")), clock_(SpringFestivalEve()) {}

  void SetUp() override {
    SetInfoLogging(false);
    bureau_token_ = BootstrapToken(db_path_, "bureau");
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(5));
  }

  // Starts the server with TLS; with a client CA when `client_auth` is set.
  void Start(std::optional<ClientAuth> client_auth = std::nullopt) {
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.store.path = db_path_;
    options.transport.cert_file = certs_.server().certificate_file;
    options.transport.key_file = certs_.server().key_file;
    if (client_auth) {
      options.transport.client_ca_file = certs_.client_ca_file();
      options.transport.client_auth = *client_auth;
    }
    options.transport.refresh_interval = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<HotlineServer>> server =
        HotlineServer::Start(options, &clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::unique_ptr<Client> Connect(const ClientTlsOptions& tls,
                                  const std::string& token = "") {
    ClientOptions options;
    options.target = server_->address();
    options.token = token;
    options.tls = tls;
    options.call_timeout = absl::Seconds(30);  // generous: a loaded machine
    options.max_attempts = 1;
    return std::make_unique<Client>(options);
  }

  // The bureau: its token over TLS, with a client certificate of its own
  // (bound to nothing) so that it also passes a server that requires one.
  Client& bureau() {
    if (bureau_ == nullptr) {
      bureau_certificate_ = certs_.Client("bureau-console", "bureau-console");
      bureau_ = Connect(certs_.Trusting(&bureau_certificate_), bureau_token_);
    }
    return *bureau_;
  }

  void CreateDepartment(const std::string& id) {
    v1::CreateDepartmentRequest request;
    request.set_department_id(id);
    request.mutable_department()->set_display_name(id);
    absl::StatusOr<v1::Department> made = bureau().CreateDepartment(request);
    ASSERT_TRUE(made.ok()) << made.status();
  }

  // Binds `identity` to `principal`; the binding token.
  v1::Token Bind(const std::string& principal, const std::string& identity) {
    v1::CreateTokenRequest request;
    request.mutable_token()->set_principal(principal);
    request.mutable_token()->set_display_name("agent certificate");
    request.mutable_token()->set_certificate_identity(identity);
    absl::StatusOr<v1::Token> token = bureau().CreateToken(request);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : v1::Token();
  }

  absl::Status Revoke(const std::string& name) {
    v1::RevokeTokenRequest request;
    request.set_name(name);
    return bureau().RevokeToken(request).status();
  }

  Ticket CreateTicket(const std::string& department) {
    v1::CreateTicketRequest request;
    *request.mutable_ticket() = ServerTest::Draft();
    request.set_dispatch_to("departments/" + department);
    absl::StatusOr<Ticket> ticket = bureau().CreateTicket(request);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }

  TempDir dir_;
  Certificates certs_;
  std::string db_path_;
  ManualClock clock_;
  std::string bureau_token_;
  std::unique_ptr<HotlineServer> server_;
  CertificateFiles bureau_certificate_;
  std::unique_ptr<Client> bureau_;
};

absl::Status ListTickets(Client& client) {
  return client.ListTickets(v1::ListTicketsRequest()).status();
}

TEST_F(TlsTest, PlaintextClientToTlsServerFails) {
  Start();
  std::unique_ptr<Client> plaintext =
      Connect(ClientTlsOptions(), bureau_token_);
  absl::Status status = ListTickets(*plaintext);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(plaintext->CheckHealth().code() ==
              absl::StatusCode::kUnavailable);
  // The same token over TLS works: bearer tokens keep working.
  EXPECT_TRUE(ListTickets(bureau()).ok());
}

TEST_F(TlsTest, ClientTrustingAnotherCaFails) {
  Start();
  Pem other_ca = certs_.Make(MakeCertificateAuthority("someone else's CA"));
  ClientTlsOptions tls;
  tls.ca_file = certs_.Write(other_ca.certificate, "other-ca.crt");
  std::unique_ptr<Client> client = Connect(tls, bureau_token_);
  absl::Status status = ListTickets(*client);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST_F(TlsTest, BearerTokensWorkOverTlsAndNoCredentialsIsRefused) {
  Start();
  CreateDepartment("housing");
  const Ticket ticket = CreateTicket("housing");
  EXPECT_FALSE(ticket.name().empty());
  std::unique_ptr<Client> anonymous = Connect(certs_.Trusting());
  absl::Status status = ListTickets(*anonymous);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_EQ(ReasonOf(status), v1::CREDENTIALS_MISSING) << status;
  // Health needs no credentials.
  EXPECT_TRUE(anonymous->CheckHealth().ok());
}

TEST_F(TlsTest, RequiredClientCertificateMissingFailsTheHandshake) {
  Start(ClientAuth::kRequire);
  std::unique_ptr<Client> without = Connect(certs_.Trusting(), bureau_token_);
  absl::Status status = ListTickets(*without);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  // A certificate from a CA the server does not trust for clients fails too.
  CertificateFiles stranger = certs_.Files(
      certs_.server_ca(), ClientCertificate("stranger"), "stranger");
  std::unique_ptr<Client> untrusted =
      Connect(certs_.Trusting(&stranger), bureau_token_);
  status = ListTickets(*untrusted);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  // With one the client CA signed, the token works.
  EXPECT_TRUE(ListTickets(bureau()).ok());
}

TEST_F(TlsTest, UnboundCertificateIsUnauthenticatedAndNamesItsIdentity) {
  Start(ClientAuth::kRequire);
  CertificateFiles agent =
      certs_.Client("agent", "Housing Agent", {"agent.housing.example"});
  std::unique_ptr<Client> client = Connect(certs_.Trusting(&agent));
  absl::Status status = ListTickets(*client);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_EQ(ReasonOf(status), v1::CERTIFICATE_UNBOUND) << status;
  EXPECT_EQ(ErrorMetadataOf(status, "certificate_identity"),
            "agent.housing.example");
}

TEST_F(TlsTest, CertificateBoundToADepartmentActsForItAlone) {
  Start(ClientAuth::kRequire);
  CreateDepartment("housing");
  CreateDepartment("water");
  // Bound by its subject's common name.
  const v1::Token binding = Bind("department/housing", "housing-agent");
  EXPECT_TRUE(binding.secret().empty());
  EXPECT_EQ(binding.certificate_identity(), "housing-agent");
  const Ticket mine = CreateTicket("housing");
  const Ticket theirs = CreateTicket("water");

  CertificateFiles cert = certs_.Client("housing", "housing-agent");
  std::unique_ptr<Client> housing = Connect(certs_.Trusting(&cert));
  absl::StatusOr<v1::ListTicketsResponse> list =
      housing->ListTickets(v1::ListTicketsRequest());
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->tickets_size(), 1);
  EXPECT_EQ(list->tickets(0).name(), mine.name());

  v1::AcknowledgeTicketRequest ack;
  ack.set_name(mine.name());
  EXPECT_TRUE(housing->AcknowledgeTicket(ack).ok());

  v1::GetTicketRequest get;
  get.set_name(theirs.name());
  absl::Status status = housing->GetTicket(get).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  ack.set_name(theirs.name());
  ack.clear_request_id();
  status = housing->AcknowledgeTicket(ack).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  // The other department's ticket was not touched.
  get.set_name(theirs.name());
  absl::StatusOr<Ticket> unchanged = bureau().GetTicket(get);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged->state(), theirs.state());
  // A department may not manage tokens.
  status = housing->ListTokens(v1::ListTokensRequest()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
}

TEST_F(TlsTest, BindingsAreListedUniqueAndEndWhenRevoked) {
  Start(ClientAuth::kOptional);
  CreateDepartment("housing");
  CertificateFiles cert = certs_.Client("housing", "Housing", {"a.housing"});
  const v1::Token binding = Bind("department/housing", "a.housing");

  v1::CreateTokenRequest again;
  again.mutable_token()->set_principal("department/housing");
  again.mutable_token()->set_certificate_identity("a.housing");
  absl::Status status = bureau().CreateToken(again).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(ErrorMetadataOf(status, "resource"), binding.name());

  again.mutable_token()->set_certificate_identity("bad\nidentity");
  again.clear_request_id();
  status = bureau().CreateToken(again).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;

  absl::StatusOr<v1::ListTokensResponse> tokens =
      bureau().ListTokens(v1::ListTokensRequest());
  ASSERT_TRUE(tokens.ok());
  bool listed = false;
  for (const v1::Token& t : tokens->tokens()) {
    if (t.name() == binding.name()) {
      listed = true;
      EXPECT_EQ(t.certificate_identity(), "a.housing");
      EXPECT_TRUE(t.secret().empty());
    }
  }
  EXPECT_TRUE(listed);

  std::unique_ptr<Client> housing = Connect(certs_.Trusting(&cert));
  ASSERT_TRUE(ListTickets(*housing).ok());
  ASSERT_TRUE(Revoke(binding.name()).ok());
  status = ListTickets(*housing);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_EQ(ReasonOf(status), v1::TOKEN_REVOKED) << status;
  EXPECT_EQ(ErrorMetadataOf(status, "token"), binding.name());

  // The identity may be bound anew once the old binding is revoked.
  again.mutable_token()->set_certificate_identity("a.housing");
  again.clear_request_id();
  ASSERT_TRUE(bureau().CreateToken(again).ok());
  EXPECT_TRUE(ListTickets(*housing).ok());
}

TEST_F(TlsTest, TokenAndCertificateOfDifferentPrincipalsConflict) {
  Start(ClientAuth::kOptional);
  CreateDepartment("housing");
  CreateDepartment("water");
  Bind("department/housing", "housing-agent");
  v1::CreateTokenRequest request;
  request.mutable_token()->set_principal("department/water");
  absl::StatusOr<v1::Token> water = bureau().CreateToken(request);
  ASSERT_TRUE(water.ok());
  CertificateFiles cert = certs_.Client("housing", "housing-agent");
  std::unique_ptr<Client> both =
      Connect(certs_.Trusting(&cert), water->secret());
  absl::Status status = ListTickets(*both);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_EQ(ReasonOf(status), v1::CREDENTIALS_CONFLICT) << status;
  EXPECT_EQ(ErrorMetadataOf(status, "token_principal"), "department/water");
  EXPECT_EQ(ErrorMetadataOf(status, "certificate_principal"),
            "department/housing");
  // The water token alone, over TLS without a certificate, still works.
  EXPECT_TRUE(ListTickets(*Connect(certs_.Trusting(), water->secret())).ok());
}

TEST_F(TlsTest, WatchByCertificateEndsSoonAfterTheBindingIsRevoked) {
  Start(ClientAuth::kRequire);
  CreateDepartment("housing");
  const v1::Token binding = Bind("department/housing", "housing-agent");
  CertificateFiles cert = certs_.Client("housing", "housing-agent");
  std::unique_ptr<Client> housing = Connect(certs_.Trusting(&cert));
  WatchControl control;
  absl::Mutex mutex;
  int seen = 0;
  absl::Status ended;
  absl::Time ended_at;
  std::thread watcher([&] {
    v1::WatchEventsRequest request;
    absl::Status status = housing->Watch(
        request,
        [&](const v1::Event&) {
          absl::MutexLock lock(&mutex);
          ++seen;
          return absl::OkStatus();
        },
        &control);
    absl::MutexLock lock(&mutex);
    ended = status;
    ended_at = absl::Now();
  });
  CreateTicket("housing");
  // Waits generously (a loaded machine is slow) until `done`.
  auto wait_until = [&](const std::function<bool()>& done) {
    const absl::Time give_up = absl::Now() + absl::Seconds(60);
    while (absl::Now() < give_up) {
      {
        absl::MutexLock lock(&mutex);
        if (done()) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  // The stream delivers before the revocation.
  wait_until([&] { return seen > 0; });
  ASSERT_TRUE(Revoke(binding.name()).ok());
  // The feed looks at the streams' credentials every second: the stream
  // ends by itself.
  wait_until([&] { return ended_at != absl::Time(); });
  control.Stop();
  watcher.join();
  absl::MutexLock lock(&mutex);
  EXPECT_GT(seen, 0);
  EXPECT_EQ(ended.code(), absl::StatusCode::kUnauthenticated) << ended;
  EXPECT_TRUE(absl::StrContains(ended.message(), binding.name())) << ended;
}

TEST_F(TlsTest, RotatedCertificateFilesTakeEffectWithoutRestart) {
  Start();
  const std::string address = server_->address();
  Pem new_ca = certs_.Make(MakeCertificateAuthority("next year's CA"));
  ClientTlsOptions trusting_new;
  trusting_new.ca_file = certs_.Write(new_ca.certificate, "new-ca.crt");
  EXPECT_EQ(Connect(trusting_new)->CheckHealth().code(),
            absl::StatusCode::kUnavailable);
  // Replace the server's files (each atomically) with a certificate of the
  // new CA.
  certs_.Files(new_ca, ServerCertificate(), "server");
  // Re-read every second (refresh_interval): waited for generously.
  absl::Status health;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline) {
    health = Connect(trusting_new)->CheckHealth();  // a fresh connection
    if (health.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(health.ok()) << health;
  EXPECT_EQ(server_->address(), address);
  // New connections trusting only the old CA are now refused.
  EXPECT_EQ(Connect(certs_.Trusting())->CheckHealth().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, BadTransportOptionsAreRefusedAtStartChangingNothing) {
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = dir_.File("never.db");
  options.transport.cert_file = certs_.server().certificate_file;
  options.transport.key_file = dir_.File("missing.key");
  absl::StatusOr<std::unique_ptr<HotlineServer>> server =
      HotlineServer::Start(options, &clock_);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(server.status().message(), "missing.key"))
      << server.status();
  // A key that is not the certificate's.
  CertificateFiles other = certs_.Client("other", "other");
  options.transport.key_file = other.key_file;
  server = HotlineServer::Start(options, &clock_);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(server.status().message(), "does not match"))
      << server.status();
  EXPECT_FALSE(std::filesystem::exists(options.store.path));
}

TEST(LoopbackTest, OnlyLoopbackAddressesCount) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:7345"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:7345"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:7345"));
  EXPECT_TRUE(IsLoopbackAddress("localhost:7345"));
  EXPECT_TRUE(IsLoopbackAddress("unix:/run/hotline.sock"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:7345"));
  EXPECT_FALSE(IsLoopbackAddress(":7345"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:7345"));
  EXPECT_FALSE(IsLoopbackAddress("10.0.0.5:7345"));
  EXPECT_FALSE(IsLoopbackAddress("hotline.example:7345"));
}

// The real binaries.
class TlsProcessTest : public ::testing::Test {
 protected:
  void SetUp() override { SetInfoLogging(false); }
  std::vector<std::string> TlsFlags(bool mutual) const {
    std::vector<std::string> flags = {
        "--tls_cert=" + certs_.server().certificate_file,
        "--tls_key=" + certs_.server().key_file, "--tls_refresh_seconds=1"};
    if (mutual) {
      flags.push_back("--tls_client_ca=" + certs_.client_ca_file());
      flags.push_back("--tls_client_auth=optional");
    }
    return flags;
  }
  TempDir dir_;
  Certificates certs_;
};

TEST_F(TlsProcessTest, PlaintextOnANonLoopbackAddressRefusesToStart) {
  const std::string address = absl::StrCat("0.0.0.0:", FreePort());
  ProgramRun run =
      RunCli(ServerBinary(), "", "",
             {"--db=" + dir_.File("hotline.db"), "--listen=" + address}, dir_);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "not a loopback address")) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "--insecure")) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("hotline.db")));
}

TEST_F(TlsProcessTest, InsecureAllowsPlaintextOnAnyAddress) {
  ServerProcess server(dir_.File("hotline.db"),
                       absl::StrCat("0.0.0.0:", FreePort()), {"--insecure"});
  ClientOptions options;
  options.target = server.address();
  EXPECT_TRUE(Client(options).CheckHealth().ok());
}

TEST_F(TlsProcessTest, TlsOnAnyAddressNeedsNoInsecure) {
  // Reached as 0.0.0.0, the server's certificate (for localhost) is checked
  // against the name given instead.
  ClientTlsOptions tls = certs_.Trusting();
  tls.server_name = "localhost";
  ServerProcess server(dir_.File("hotline.db"),
                       absl::StrCat("0.0.0.0:", FreePort()), TlsFlags(false),
                       tls);
  ClientOptions options;
  options.target = server.address();
  options.tls = tls;
  EXPECT_TRUE(Client(options).CheckHealth().ok());
}

TEST_F(TlsProcessTest, SighupDoesNotStopTheServer) {
  ServerProcess server(dir_.File("hotline.db"), "", TlsFlags(true),
                       certs_.Trusting());
  server.Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  server.Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(server.Running());
  ClientOptions options;
  options.target = server.address();
  options.tls = certs_.Trusting();
  EXPECT_TRUE(Client(options).CheckHealth().ok());
  // SIGTERM still stops it cleanly.
  const int status = server.Terminate();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// Restores an environment variable at scope exit.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST_F(TlsProcessTest, HotlinectlTakesTlsSettingsFromTheEnvironment) {
  const std::string db = dir_.File("hotline.db");
  const std::string bureau = BootstrapToken(db, "bureau");
  ServerProcess server(db, "", TlsFlags(true), certs_.Trusting());
  const std::string cli = HOTLINE_CLI_BINARY;

  // Without the CA the server cannot be verified: unreachable (exit 6).
  ProgramRun run =
      RunCli(cli, server.address(), bureau, {"token", "list"}, dir_);
  EXPECT_EQ(run.exit_code, 6) << run.err;

  ScopedEnv ca("HOTLINE_TLS_CA", certs_.server_ca_file());
  run = RunCli(cli, server.address(), bureau,
               {"department", "create", "housing", "--display_name", "住建局"},
               dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  run = RunCli(cli, server.address(), bureau,
               {"token", "create", "department/housing",
                "--certificate_identity", "agent.housing.example"},
               dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(absl::StrContains(run.out, "agent.housing.example")) << run.out;
  EXPECT_FALSE(absl::StrContains(run.out, "secret")) << run.out;
  run = RunCli(cli, server.address(), bureau, {"token", "list"}, dir_);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(absl::StrContains(run.out, "agent.housing.example")) << run.out;

  // The department's agent: its certificate, no token.
  CertificateFiles agent =
      certs_.Client("agent", "Housing agent", {"agent.housing.example"});
  ScopedEnv cert("HOTLINE_TLS_CERT", agent.certificate_file);
  ScopedEnv key("HOTLINE_TLS_KEY", agent.key_file);
  run = RunCli(cli, server.address(), "", {"ticket", "list"}, dir_);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  // ... which may not manage tokens (exit 3: not allowed).
  run = RunCli(cli, server.address(), "", {"token", "list"}, dir_);
  EXPECT_EQ(run.exit_code, 3) << run.err;

  // A TLS file that cannot be read is a usage error (exit 2).
  ScopedEnv missing("HOTLINE_TLS_CA", dir_.File("missing.crt"));
  run = RunCli(cli, server.address(), bureau, {"token", "list"}, dir_);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_TRUE(absl::StrContains(run.err, "missing.crt")) << run.err;
}

}  // namespace
}  // namespace hotline::testing
