// The metrics an operator scrapes (server/metrics.h), read the way
// Prometheus reads them: a plain HTTP GET of /metrics from the real server
// on loopback, parsed as the Prometheus text format. And the health
// service's answer for the service's own name.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/proto_time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "hotline/v1/hotline_service.grpc.pb.h"
#include "storage/sqlite.h"
#include "tests/test_support.h"

namespace hotline {
namespace {

using testing::DamageTicketPages;
using testing::ServerTest;
using testing::SpringFestivalEve;

// The body of an HTTP/1.0 GET of `path` on 127.0.0.1:`port`; empty (and a
// test failure) when the answer is not 200.
std::string HttpGet(int port, const std::string& path) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    ADD_FAILURE() << "cannot connect to the metrics port " << port;
    return "";
  }
  const std::string request =
      absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    ADD_FAILURE() << "cannot send the request";
    return "";
  }
  std::string response;
  char buffer[8192];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (!absl::StartsWith(response, "HTTP/1.1 200") &&
      !absl::StartsWith(response, "HTTP/1.0 200")) {
    ADD_FAILURE() << "not 200: " << response.substr(0, 200);
    return "";
  }
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// One sample of the Prometheus text format: name{labels} value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// Parses the text exposition format (version 0.0.4): comments and blank
// lines skipped; label values unescaped (\\, \", \n). Fails the test on a
// line it cannot read.
std::vector<Sample> ParseMetrics(const std::string& text) {
  std::vector<Sample> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    Sample sample;
    size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    sample.name = std::string(line.substr(0, i));
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t equals = line.find('=', i);
        if (equals == absl::string_view::npos || equals + 1 >= line.size() ||
            line[equals + 1] != '"') {
          ADD_FAILURE() << "bad labels: " << line;
          return samples;
        }
        std::string key(line.substr(i, equals - i));
        std::string value;
        i = equals + 2;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            ++i;
            value.push_back(line[i] == 'n' ? '\n' : line[i]);
          } else {
            value.push_back(line[i]);
          }
          ++i;
        }
        ++i;  // the closing quote
        if (i < line.size() && line[i] == ',') ++i;
        sample.labels[key] = value;
      }
      ++i;  // '}'
    }
    absl::string_view rest = absl::StripLeadingAsciiWhitespace(line.substr(i));
    std::string number(rest.substr(0, rest.find(' ')));
    if (number == "+Inf") {
      sample.value = HUGE_VAL;
    } else if (number == "-Inf") {
      sample.value = -HUGE_VAL;
    } else if (absl::EqualsIgnoreCase(number, "nan")) {
      sample.value = std::nan("");
    } else if (!absl::SimpleAtod(number, &sample.value)) {
      ADD_FAILURE() << "bad value: " << line;
      return samples;
    }
    samples.push_back(std::move(sample));
  }
  return samples;
}

class Scrape {
 public:
  explicit Scrape(int port)
      : samples_(ParseMetrics(HttpGet(port, "/metrics"))) {}

  // The sum of the samples named `name` whose labels include `labels`.
  double Value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const {
    double sum = 0;
    for (const Sample& sample : samples_) {
      if (sample.name != name) continue;
      bool match = true;
      for (const auto& [key, value] : labels) {
        auto it = sample.labels.find(key);
        if (it == sample.labels.end() || it->second != value) match = false;
      }
      if (match) sum += sample.value;
    }
    return sum;
  }
  bool Has(const std::string& name) const {
    for (const Sample& sample : samples_) {
      if (sample.name == name) return true;
    }
    return false;
  }

 private:
  std::vector<Sample> samples_;
};

class MetricsTest : public ServerTest {
 protected:
  MetricsTest() { options_.metrics_listen_address = "127.0.0.1:0"; }

  Scrape Metrics() { return Scrape(server_->metrics_port()); }

  // The bureau's count of `method` calls that ended with `code`.
  static double Requests(const Scrape& scrape, const std::string& method,
                         const std::string& code) {
    return scrape.Value("hotline_grpc_requests_total",
                        {{"method", method}, {"code", code}});
  }
};

TEST_F(MetricsTest, RequestCountsAndLatencyByMethodAndCode) {
  ASSERT_NE(server_->metrics_port(), 0);
  const Scrape before = Metrics();
  const v1::Ticket ticket = CreateTicket();
  CreateTicket();
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  ASSERT_TRUE(bureau().GetTicket(get).ok());
  get.set_name("tickets/999999");
  EXPECT_EQ(bureau().GetTicket(get).status().code(),
            absl::StatusCode::kNotFound);
  std::unique_ptr<Client> stranger = Connect("not-a-token");
  EXPECT_EQ(stranger->GetTicket(get).status().code(),
            absl::StatusCode::kUnauthenticated);
  const Scrape after = Metrics();

  EXPECT_EQ(Requests(after, "CreateTicket", "OK") -
                Requests(before, "CreateTicket", "OK"),
            2);
  EXPECT_EQ(
      Requests(after, "GetTicket", "OK") - Requests(before, "GetTicket", "OK"),
      1);
  EXPECT_EQ(Requests(after, "GetTicket", "NOT_FOUND") -
                Requests(before, "GetTicket", "NOT_FOUND"),
            1);
  EXPECT_EQ(Requests(after, "GetTicket", "UNAUTHENTICATED") -
                Requests(before, "GetTicket", "UNAUTHENTICATED"),
            1);
  // Every call is timed: the histogram's count is the call count, and each
  // call lands in some bucket by +Inf.
  const std::map<std::string, std::string> created = {
      {"method", "CreateTicket"}, {"code", "OK"}};
  EXPECT_EQ(after.Value("hotline_grpc_request_duration_seconds_count", created),
            Requests(after, "CreateTicket", "OK"));
  EXPECT_EQ(
      after.Value("hotline_grpc_request_duration_seconds_bucket",
                  {{"method", "CreateTicket"}, {"code", "OK"}, {"le", "+Inf"}}),
      Requests(after, "CreateTicket", "OK"));
  EXPECT_GT(after.Value("hotline_grpc_request_duration_seconds_sum", created),
            0);
}

TEST_F(MetricsTest, TicketsByStateFollowCreatingAndDispatching) {
  CreateDepartment("housing");
  const Scrape empty = Metrics();
  EXPECT_EQ(empty.Value("hotline_tickets", {{"state", "received"}}), 0);
  EXPECT_TRUE(empty.Has("hotline_tickets"));
  const v1::Ticket first = CreateTicket();
  CreateTicket();
  CreateTicket("housing");
  Scrape scrape = Metrics();
  EXPECT_EQ(scrape.Value("hotline_tickets", {{"state", "received"}}), 2);
  EXPECT_EQ(scrape.Value("hotline_tickets", {{"state", "dispatched"}}), 1);
  EXPECT_EQ(scrape.Value("hotline_tickets"), 3);

  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(first.name());
  dispatch.set_department("departments/housing");
  ASSERT_TRUE(bureau().DispatchTicket(dispatch).ok());
  scrape = Metrics();
  EXPECT_EQ(scrape.Value("hotline_tickets", {{"state", "received"}}), 1);
  EXPECT_EQ(scrape.Value("hotline_tickets", {{"state", "dispatched"}}), 2);
}

TEST_F(MetricsTest, OverdueAndCardsAfterASweepAgreeWithTheApi) {
  CreateDepartment("housing");
  CreateTicket("housing");
  CreateTicket("housing");
  CreateTicket();  // never dispatched: on no department's clock
  Scrape scrape = Metrics();
  EXPECT_EQ(scrape.Value("hotline_tickets_overdue"), 0);
  EXPECT_EQ(scrape.Value("hotline_cards_issued_total"), 0);

  // 15 working days for a complaint, then 5 more for the red card.
  AdvanceTo(SpringFestivalEve() + absl::Hours(24 * 60));
  scrape = Metrics();
  EXPECT_EQ(scrape.Value("hotline_tickets_overdue"), 2);
  v1::ListCardsRequest list;
  list.set_page_size(100);
  absl::StatusOr<v1::ListCardsResponse> cards = bureau().ListCards(list);
  ASSERT_TRUE(cards.ok()) << cards.status();
  std::map<std::string, int> by_color;
  for (const v1::Card& card : cards->cards()) {
    ++by_color[card.color() == v1::Card::YELLOW ? "yellow" : "red"];
  }
  EXPECT_EQ(by_color["yellow"], 2);
  EXPECT_EQ(by_color["red"], 2);
  EXPECT_EQ(scrape.Value("hotline_cards_issued_total", {{"color", "yellow"}}),
            by_color["yellow"]);
  EXPECT_EQ(scrape.Value("hotline_cards_issued_total", {{"color", "red"}}),
            by_color["red"]);
  EXPECT_EQ(scrape.Value("hotline_cards_in_force", {{"color", "red"}}), 2);

  // A revoked card stays issued but is no longer in force.
  v1::RevokeCardRequest revoke;
  revoke.set_name(cards->cards(0).name());
  revoke.set_reason("the department was closed by order that week");
  ASSERT_TRUE(bureau().RevokeCard(revoke).ok());
  const std::string color =
      cards->cards(0).color() == v1::Card::YELLOW ? "yellow" : "red";
  scrape = Metrics();
  EXPECT_EQ(scrape.Value("hotline_cards_issued_total", {{"color", color}}), 2);
  EXPECT_EQ(scrape.Value("hotline_cards_in_force", {{"color", color}}), 1);
}

TEST_F(MetricsTest, SweeperLagIsHowLongTheEarliestDeadlineWaitsUnswept) {
  CreateDepartment("housing");
  const v1::Ticket ticket = CreateTicket("housing");
  EXPECT_EQ(Metrics().Value("hotline_sweeper_lag_seconds"), 0);
  // In rehearsal mode nothing sweeps by itself: moving the clock without
  // AdvanceClock leaves the sign-for deadline due and unswept.
  const absl::Time ack_due = FromProtoTime(ticket.ack_due_at());
  clock_.Set(ack_due + absl::Hours(3));
  const double lag = Metrics().Value("hotline_sweeper_lag_seconds");
  EXPECT_GE(lag, 3 * 3600);
  EXPECT_LE(lag, absl::ToDoubleSeconds(clock_.Now() - SpringFestivalEve()));
  // A sweep catches up.
  AdvanceTo(clock_.Now() + absl::Seconds(1));
  EXPECT_EQ(Metrics().Value("hotline_sweeper_lag_seconds"), 0);
}

TEST_F(MetricsTest, FeedStreamsWhileAWatchIsOpen) {
  CreateTicket();
  EXPECT_EQ(Metrics().Value("hotline_feed_streams_open"), 0);
  auto channel = grpc::CreateChannel(server_->address(),
                                     grpc::InsecureChannelCredentials());
  auto stub = v1::HotlineService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + bureau_token_);
  v1::WatchEventsRequest request;  // from the start: one event is waiting
  auto reader = stub->WatchEvents(&context, request);
  v1::Event event;
  ASSERT_TRUE(reader->Read(&event));
  Scrape scrape = Metrics();
  EXPECT_EQ(scrape.Value("hotline_feed_streams_open"), 1);
  EXPECT_EQ(scrape.Value("hotline_feed_head_seq"), event.seq());
  // The stream has been served everything there is: no lag.
  double lag = -1;
  for (int i = 0; i < 100 && lag != 0; ++i) {
    lag = Metrics().Value("hotline_feed_stream_lag_events");
    if (lag != 0) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(lag, 0);

  context.TryCancel();
  while (reader->Read(&event)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  double open = 1;
  for (int i = 0; i < 100 && open != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(20));
    open = Metrics().Value("hotline_feed_streams_open");
  }
  EXPECT_EQ(open, 0);
  double ended = 0;
  for (int i = 0; i < 100 && ended == 0; ++i) {
    ended = Requests(Metrics(), "WatchEvents", "CANCELLED");
    if (ended == 0) absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_EQ(ended, 1);
}

TEST_F(MetricsTest, WriterCommitGroupsAfterWrites) {
  const Scrape before = Metrics();
  for (int i = 0; i < 5; ++i) CreateTicket();
  const Scrape after = Metrics();
  const double groups = after.Value("hotline_writer_commit_group_units_count") -
                        before.Value("hotline_writer_commit_group_units_count");
  const double units = after.Value("hotline_writer_commit_group_units_sum") -
                       before.Value("hotline_writer_commit_group_units_sum");
  // One at a time, each ticket is at least one unit; groups share units.
  EXPECT_GE(units, 5);
  EXPECT_GE(groups, 1);
  EXPECT_LE(groups, units);
  EXPECT_EQ(after.Value("hotline_writer_commit_duration_seconds_count"),
            after.Value("hotline_writer_commit_group_units_count"));
  EXPECT_GT(after.Value("hotline_writer_commit_duration_seconds_sum"), 0);
  EXPECT_EQ(after.Value("hotline_writer_queue_depth"), 0);
  EXPECT_EQ(after.Value("hotline_store_healthy"), 1);
}

TEST_F(MetricsTest, NotServedWithoutAnAddress) {
  StopServer();
  options_.metrics_listen_address = "";
  StartServer();
  EXPECT_EQ(server_->metrics_port(), 0);
  EXPECT_TRUE(Connect(bureau_token_)->CheckHealth().ok());
}

TEST_F(MetricsTest, AMetricsPortInUseRefusesToStartAndSaysSo) {
  const std::string taken = absl::StrCat("127.0.0.1:", server_->metrics_port());
  testing::TempDir other;
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = other.File("other.db");
  options.metrics_listen_address = taken;
  ManualClock clock(SpringFestivalEve());
  absl::StatusOr<std::unique_ptr<HotlineServer>> second =
      HotlineServer::Start(options, &clock);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find(taken), std::string::npos)
      << second.status();
  EXPECT_NE(second.status().message().find("in use"), std::string::npos)
      << second.status();
  EXPECT_NE(second.status().message().find("--metrics_listen"),
            std::string::npos)
      << second.status();
  // Refused before the database was touched.
  EXPECT_FALSE(std::filesystem::exists(other.File("other.db")));
}

grpc::health::v1::HealthCheckResponse::ServingStatus Health(
    const std::string& address, const std::string& service,
    grpc::StatusCode* code) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  *code = stub->Check(&context, request, &response).error_code();
  return response.status();
}

TEST_F(MetricsTest, HealthAnswersForTheServiceNameAndFollowsTheDatabase) {
  using grpc::health::v1::HealthCheckResponse;
  grpc::StatusCode code;
  EXPECT_EQ(Health(server_->address(), "hotline.v1.HotlineService", &code),
            HealthCheckResponse::SERVING);
  EXPECT_EQ(code, grpc::StatusCode::OK);
  EXPECT_EQ(Health(server_->address(), "", &code),
            HealthCheckResponse::SERVING);
  Health(server_->address(), "no.such.Service", &code);
  EXPECT_EQ(code, grpc::StatusCode::NOT_FOUND);

  for (int i = 0; i < 30; ++i) CreateTicket();
  RestartServer();  // the tickets are in the file, no page of them in memory
  DamageTicketPages(db_path_);
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  EXPECT_EQ(bureau().CreateTicket(create).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Health(server_->address(), "hotline.v1.HotlineService", &code),
            HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Health(server_->address(), "", &code),
            HealthCheckResponse::NOT_SERVING);
  // The scrape still answers, saying why.
  const Scrape scrape = Metrics();
  EXPECT_EQ(scrape.Value("hotline_store_healthy"), 0);
  EXPECT_TRUE(scrape.Has("hotline_grpc_requests_total"));
}

}  // namespace
}  // namespace hotline
