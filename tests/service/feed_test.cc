// The change feed end to end: order, resume from every point, per-role
// filtering, live delivery, restart, slow consumers, many watchers,
// shutdown. Real server on loopback, real client library.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "hotline/v1/hotline_service.grpc.pb.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::ServerTest;
using v1::Event;
using v1::Ticket;

class FeedTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_token_ = CreateToken("department/housing");
    market_token_ = CreateToken("department/market");
    intake_token_ = CreateToken("intake/city");
  }

  // A scripted sequence touching both departments: creates, dispatches,
  // signs for, reassigns and returns.
  void Script() {
    std::unique_ptr<Client> housing = Connect(housing_token_);
    std::unique_ptr<Client> intake = Connect(intake_token_);
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft();
    create.set_dispatch_to("departments/housing");
    const Ticket a = *intake->CreateTicket(create);
    const Ticket b = CreateTicket("market");
    const Ticket c = CreateTicket("housing");
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(a.name());
    ASSERT_TRUE(housing->AcknowledgeTicket(ack).ok());
    v1::DispatchTicketRequest move;  // housing -> market, with a note
    move.set_name(c.name());
    move.set_department("departments/market");
    move.set_note("请市场监管局处理");
    ASSERT_TRUE(bureau().DispatchTicket(move).ok());
    v1::ReturnTicketRequest give_back;
    give_back.set_name(a.name());
    give_back.set_reason("不属本单位");
    ASSERT_TRUE(housing->ReturnTicket(give_back).ok());
    v1::DispatchTicketRequest again;
    again.set_name(a.name());
    again.set_department("departments/market");
    ASSERT_TRUE(bureau().DispatchTicket(again).ok());
    (void)b;
  }

  // A ticket every role sees events of: created by intake for housing,
  // then given to market.
  void MakeMarker() {
    std::unique_ptr<Client> intake = Connect(intake_token_);
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft();
    create.set_dispatch_to("departments/housing");
    absl::StatusOr<Ticket> marker = intake->CreateTicket(create);
    ASSERT_TRUE(marker.ok()) << marker.status();
    v1::DispatchTicketRequest move;
    move.set_name(marker->name());
    move.set_department("departments/market");
    ASSERT_TRUE(bureau().DispatchTicket(move).ok());
  }

  // Every event the token may see after `after_seq` up to `until_seq` (at
  // most the latest). The feed has no end to wait for: a marker ticket
  // that every role sees is made after `until_seq`, and the watch stops at
  // `until_seq` or at the first event past it (left out), however slowly
  // events come.
  std::vector<Event> Collect(const std::string& token, int64_t after_seq,
                             int64_t until_seq,
                             v1::WatchEventsRequest request = {}) {
    MakeMarker();
    std::unique_ptr<Client> client = Connect(token);
    request.set_after_seq(after_seq);
    std::vector<Event> events;
    WatchControl control;
    // Only when the marker never comes (a defect): a generous limit.
    std::thread stopper([&] {
      const absl::Time give_up = absl::Now() + absl::Seconds(60);
      while (!control.stopped() && absl::Now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      control.Stop();
    });
    bool through = false;
    absl::Status status = client->Watch(
        request,
        [&](const Event& event) {
          if (!through && event.seq() <= until_seq) events.push_back(event);
          through = through || event.seq() >= until_seq;
          if (through) control.Stop();
          return absl::OkStatus();
        },
        &control);
    control.Stop();
    stopper.join();
    EXPECT_TRUE(status.ok()) << status;
    EXPECT_TRUE(through) << "the feed never reached seq " << until_seq;
    return events;
  }

  // The latest event's seq: the greatest in any ticket's history.
  int64_t LatestSeq() {
    v1::ListTicketsRequest list;
    list.set_page_size(500);
    absl::StatusOr<v1::ListTicketsResponse> tickets =
        bureau().ListTickets(list);
    EXPECT_TRUE(tickets.ok()) << tickets.status();
    int64_t latest = 0;
    if (!tickets.ok()) return latest;
    EXPECT_TRUE(tickets->next_page_token().empty());
    for (const Ticket& ticket : tickets->tickets()) {
      for (const Event& e : History(ticket.name())) {
        latest = std::max(latest, e.seq());
      }
    }
    return latest;
  }

  std::string housing_token_;
  std::string market_token_;
  std::string intake_token_;
};

// The N of "after_seq=N" in a status message; -1 when absent.
int64_t ResumePointIn(const std::string& message) {
  const size_t at = message.find("after_seq=");
  if (at == std::string::npos) return -1;
  int64_t seq = 0;
  size_t i = at + sizeof("after_seq=") - 1;
  if (i >= message.size() || !isdigit(message[i])) return -1;
  for (; i < message.size() && isdigit(message[i]); ++i) {
    seq = seq * 10 + (message[i] - '0');
  }
  return seq;
}

// Whether something listens on 127.0.0.1:`port`.
bool AcceptsConnections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  const bool accepted =
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return accepted;
}

// The text the metrics port serves at /metrics; "" when it cannot be read.
std::string MetricsText(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  std::string response;
  const std::string request =
      "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
          0 &&
      write(fd, request.data(), request.size()) ==
          static_cast<ssize_t>(request.size())) {
    char buffer[8192];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
      response.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  return response;
}

// The value of the unlabelled metric `name` in a /metrics text; -1 when
// absent.
double MetricValue(const std::string& text, absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::ConsumePrefix(&line, name) || !absl::ConsumePrefix(&line, " ")) {
      continue;
    }
    double value = 0;
    if (absl::SimpleAtod(line, &value)) return value;
  }
  return -1;
}

// Waits until `done()`, generously (a loaded machine is slow, never this
// slow); true when done.
bool WaitUntil(const std::function<bool()>& done,
               absl::Duration timeout = absl::Seconds(60)) {
  const absl::Time give_up = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::vector<int64_t> Seqs(const std::vector<Event>& events) {
  std::vector<int64_t> out;
  for (const Event& e : events) out.push_back(e.seq());
  return out;
}

TEST_F(FeedTest, ResumesFromEveryPointWithNoGapAndNoRepeat) {
  Script();
  const std::vector<Event> all = Collect(bureau_token_, 0, LatestSeq());
  ASSERT_GE(all.size(), 10u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].seq(), static_cast<int64_t>(i + 1)) << "gap or disorder";
  }
  const int64_t last = all.back().seq();
  for (int64_t k = 0; k <= last; ++k) {
    std::vector<Event> rest = Collect(bureau_token_, k, last);
    std::vector<int64_t> expected;
    for (int64_t s = k + 1; s <= last; ++s) expected.push_back(s);
    EXPECT_EQ(Seqs(rest), expected) << "resumed after " << k;
  }
}

TEST_F(FeedTest, EachRoleSeesOnlyItsOwn) {
  Script();
  const int64_t last = LatestSeq();
  std::vector<Event> housing = Collect(housing_token_, 0, last);
  std::vector<Event> market = Collect(market_token_, 0, last);
  ASSERT_FALSE(housing.empty());
  for (const Event& e : housing) {
    EXPECT_TRUE(e.department() == "departments/housing" ||
                e.previous_department() == "departments/housing")
        << e.ShortDebugString();
    // Taken away: no word of the new owner or the note meant for them.
    if (e.department() != "departments/housing") {
      EXPECT_EQ(e.department(), "");
      if (e.type() == Event::DISPATCHED) {
        EXPECT_EQ(e.reason(), "");
      }
    }
  }
  bool saw_move_away = false;
  for (const Event& e : housing) {
    saw_move_away |= e.type() == Event::DISPATCHED &&
                     e.previous_department() == "departments/housing";
  }
  EXPECT_TRUE(saw_move_away);
  for (const Event& e : market) {
    EXPECT_TRUE(e.department() == "departments/market" ||
                e.previous_department() == "departments/market");
  }
  // Intake: only the ticket it created.
  std::vector<Event> intake = Collect(intake_token_, 0, last);
  ASSERT_FALSE(intake.empty());
  std::set<std::string> tickets;
  for (const Event& e : intake) tickets.insert(e.ticket());
  EXPECT_EQ(tickets.size(), 1u);
  // A department may not ask for another's feed.
  v1::WatchEventsRequest peek;
  peek.set_department("departments/market");
  std::unique_ptr<Client> housing_client = Connect(housing_token_);
  WatchControl control;
  absl::Status status = housing_client->Watch(
      peek, [](const Event&) { return absl::OkStatus(); }, &control);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
}

// A refused return (不当退单) and a suspension (挂起) reach the department
// whose ticket it is, with the bureau's reason, and no one else.
TEST_F(FeedTest, ARefusedReturnAndASuspensionReachTheDepartment) {
  std::unique_ptr<Client> housing = Connect(housing_token_);
  const Ticket t = CreateTicket("housing");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(t.name());
  ASSERT_TRUE(housing->AcknowledgeTicket(ack).ok());
  v1::ReturnTicketRequest give_back;
  give_back.set_name(t.name());
  give_back.set_reason("不属本单位");
  ASSERT_TRUE(housing->ReturnTicket(give_back).ok());
  v1::RefuseReturnRequest refuse;
  refuse.set_name(t.name());
  refuse.set_reason("属于本单位职责");
  ASSERT_TRUE(bureau().RefuseReturn(refuse).ok());
  v1::RequestSuspensionRequest ask;
  ask.set_name(t.name());
  ask.set_reason("等待法院判决");
  *ask.mutable_expected_end() =
      ToProtoTime(testing::SpringFestivalEve() + absl::Hours(24 * 30));
  ASSERT_TRUE(housing->RequestSuspension(ask).ok());
  v1::ApproveSuspensionRequest approve;
  approve.set_name(t.name());
  ASSERT_TRUE(bureau().ApproveSuspension(approve).ok());
  v1::ResumeTicketRequest resume;
  resume.set_name(t.name());
  ASSERT_TRUE(bureau().ResumeTicket(resume).ok());
  const int64_t last = LatestSeq();

  std::map<Event::Type, Event> seen;
  for (const Event& e : Collect(housing_token_, 0, last)) seen[e.type()] = e;
  ASSERT_EQ(seen.count(Event::RETURN_REFUSED), 1u);
  EXPECT_EQ(seen[Event::RETURN_REFUSED].reason(), "属于本单位职责");
  EXPECT_EQ(seen[Event::RETURN_REFUSED].state_after(), Ticket::IN_PROGRESS);
  for (Event::Type type : {Event::SUSPENSION_REQUESTED,
                           Event::SUSPENSION_APPROVED, Event::RESUMED}) {
    EXPECT_EQ(seen.count(type), 1u) << Event::Type_Name(type);
  }
  for (const Event& e : Collect(market_token_, 0, last)) {
    EXPECT_NE(e.ticket(), t.name()) << e.ShortDebugString();
  }
}

// A ticket merged away (并单) leaves market's feed with the event that takes
// it (no reason, no new holder); the main's reply reaches housing on the
// merged ticket too, so each platform number gets its answer on the feed.
TEST_F(FeedTest, AMergeAndTheMainsReplyReachTheDepartments) {
  std::unique_ptr<Client> housing = Connect(housing_token_);
  const Ticket main = CreateTicket("housing");
  const Ticket repeat = CreateTicket("market");
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(main.name());
  ASSERT_TRUE(housing->AcknowledgeTicket(ack).ok());
  v1::MergeTicketRequest merge;
  merge.set_name(repeat.name());
  merge.set_main_ticket(main.name());
  merge.set_reason("同一诉求, 并由住建局办理");
  ASSERT_TRUE(bureau().MergeTicket(merge).ok());
  v1::ReplyTicketRequest reply;
  reply.set_name(main.name());
  reply.set_reply_text("已停工");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing->ReplyTicket(reply).ok());
  const int64_t last = LatestSeq();

  std::vector<Event> market;
  for (const Event& e : Collect(market_token_, 0, last)) {
    if (e.ticket() == repeat.name()) market.push_back(e);
  }
  ASSERT_EQ(market.size(), 2u);  // dispatched to it, then merged away
  EXPECT_EQ(market[1].type(), Event::MERGED);
  EXPECT_TRUE(market[1].reason().empty()) << market[1].ShortDebugString();
  EXPECT_TRUE(market[1].department().empty());

  std::map<Event::Type, Event> on_repeat;
  for (const Event& e : Collect(housing_token_, 0, last)) {
    if (e.ticket() == repeat.name()) on_repeat[e.type()] = e;
  }
  ASSERT_EQ(on_repeat.count(Event::REPLIED), 1u);
  EXPECT_EQ(on_repeat[Event::REPLIED].reply_text(), "已停工");
  EXPECT_EQ(on_repeat[Event::REPLIED].related_ticket(), main.name());
  // Nothing of the repeat before it was answered through housing.
  EXPECT_EQ(on_repeat.size(), 1u);
}

// An assisting department (协办) sees its ticket's events on its feed, from
// the dispatch that asks it to the step that ends its part (its return),
// and none after; the lead sees the assisting steps too. Both the stored
// history (after_seq 0) and the live stream are read.
TEST_F(FeedTest, AnAssistingDepartmentSeesItsTicketsEventsUntilItsPartEnds) {
  std::unique_ptr<Client> housing = Connect(housing_token_);
  std::unique_ptr<Client> market = Connect(market_token_);
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.set_dispatch_to("departments/housing");
  create.add_assisting_departments("departments/market");
  const absl::StatusOr<Ticket> t = bureau().CreateTicket(create);
  ASSERT_TRUE(t.ok()) << t.status();
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(t->name());
  ASSERT_TRUE(housing->AcknowledgeTicket(ack).ok());
  v1::AcknowledgeAssistRequest part;
  part.set_name(t->name());
  ASSERT_TRUE(market->AcknowledgeAssist(part).ok());
  v1::ReturnAssistRequest give_back;
  give_back.set_name(t->name());
  give_back.set_reason("非本单位职责");
  ASSERT_TRUE(market->ReturnAssist(give_back).ok());
  const int64_t returned = LatestSeq();
  v1::ReplyTicketRequest reply;
  reply.set_name(t->name());
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing->ReplyTicket(reply).ok());
  const int64_t last = LatestSeq();

  std::vector<Event::Type> market_saw;
  for (const Event& e : Collect(market_token_, 0, last)) {
    if (e.ticket() != t->name()) continue;
    market_saw.push_back(e.type());
    EXPECT_LE(e.seq(), returned) << e.ShortDebugString();
  }
  EXPECT_EQ(market_saw,
            (std::vector<Event::Type>{Event::DISPATCHED, Event::ACKNOWLEDGED,
                                      Event::ASSIST_ACKNOWLEDGED,
                                      Event::ASSIST_RETURNED}));
  std::vector<Event::Type> housing_saw;
  for (const Event& e : Collect(housing_token_, 0, last)) {
    if (e.ticket() == t->name()) housing_saw.push_back(e.type());
  }
  EXPECT_EQ(housing_saw,
            (std::vector<Event::Type>{Event::DISPATCHED, Event::ACKNOWLEDGED,
                                      Event::ASSIST_ACKNOWLEDGED,
                                      Event::ASSIST_RETURNED, Event::REPLIED}));
}

TEST_F(FeedTest, FiltersAndBadRequests) {
  Script();
  const int64_t last = LatestSeq();
  v1::WatchEventsRequest only;
  only.add_types(Event::DISPATCHED);
  for (const Event& e : Collect(bureau_token_, 0, last, only)) {
    EXPECT_EQ(e.type(), Event::DISPATCHED);
  }
  std::unique_ptr<Client> client = Connect(bureau_token_);
  auto refuse = [&](v1::WatchEventsRequest request) {
    WatchControl control;
    return client
        ->Watch(
            request, [](const Event&) { return absl::OkStatus(); }, &control)
        .code();
  };
  v1::WatchEventsRequest ahead;
  ahead.set_after_seq(last + 100);
  EXPECT_EQ(refuse(ahead), absl::StatusCode::kFailedPrecondition);
  v1::WatchEventsRequest negative;
  negative.set_after_seq(-1);
  EXPECT_EQ(refuse(negative), absl::StatusCode::kInvalidArgument);
  v1::WatchEventsRequest bad_type;
  bad_type.add_types(static_cast<Event::Type>(99));
  EXPECT_EQ(refuse(bad_type), absl::StatusCode::kInvalidArgument);
  std::unique_ptr<Client> anonymous = Connect("");
  WatchControl control;
  EXPECT_EQ(anonymous
                ->Watch(
                    v1::WatchEventsRequest(),
                    [](const Event&) { return absl::OkStatus(); }, &control)
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(FeedTest, LiveEventsArriveAndSurviveARestart) {
  std::unique_ptr<Client> housing = Connect(housing_token_);
  // From the latest event on (as from_now, but fixed before the watch
  // connects, so that no event made after this line can pass it by).
  v1::WatchEventsRequest request;
  request.set_after_seq(LatestSeq());
  absl::Mutex mutex;
  std::vector<Event> seen;
  WatchControl control;
  std::thread watcher([&] {
    absl::Status status = housing->Watch(
        request,
        [&](const Event& e) {
          absl::MutexLock lock(&mutex);
          seen.push_back(e);
          return absl::OkStatus();
        },
        &control);
    EXPECT_TRUE(status.ok()) << status;
  });
  auto wait_for = [&](size_t count) {
    return WaitUntil([&] {
      absl::MutexLock lock(&mutex);
      return seen.size() >= count;
    });
  };
  CreateTicket("housing");  // CREATED (not housing's yet), DISPATCHED
  ASSERT_TRUE(wait_for(1));
  RestartServer();  // the stream breaks; the watch reconnects and resumes
  bureau_ = Connect(bureau_token_);
  CreateTicket("housing");
  CreateTicket("housing");
  ASSERT_TRUE(wait_for(3));
  control.Stop();
  watcher.join();
  absl::MutexLock lock(&mutex);
  ASSERT_EQ(seen.size(), 3u);
  for (const Event& e : seen) EXPECT_EQ(e.type(), Event::DISPATCHED);
  EXPECT_LT(seen[0].seq(), seen[1].seq());
  EXPECT_LT(seen[1].seq(), seen[2].seq());
}

TEST_F(FeedTest, AHundredWatchersAllGetEverythingAndEndOnShutdown) {
  constexpr int kWatchers = 100;
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::unique_ptr<WatchControl>> controls;
  std::vector<std::thread> threads;
  absl::Mutex seen_mutex;
  std::vector<std::vector<int64_t>> seen(kWatchers);
  std::atomic<int> ended{0};
  for (int i = 0; i < kWatchers; ++i) {
    clients.push_back(Connect(bureau_token_));
    controls.push_back(std::make_unique<WatchControl>());
  }
  for (int i = 0; i < kWatchers; ++i) {
    threads.emplace_back([&, i] {
      v1::WatchEventsRequest request;
      absl::Status status = clients[i]->Watch(
          request,
          [&, i](const Event& e) {
            absl::MutexLock lock(&seen_mutex);
            seen[i].push_back(e.seq());
            return absl::OkStatus();
          },
          controls[i].get());
      EXPECT_TRUE(status.ok()) << status;
      ++ended;
    });
  }
  for (int t = 0; t < 10; ++t) CreateTicket("housing");  // 20 events
  const int64_t expected_last = 2 * 10 + 0;
  WaitUntil([&] {
    absl::MutexLock lock(&seen_mutex);
    for (int w = 0; w < kWatchers; ++w) {
      if (seen[w].size() < 20) return false;
    }
    return true;
  });
  // The server shuts down: every stream ends (the watches would reconnect;
  // stop them as the server goes).
  for (auto& control : controls) control->Stop();
  StopServer();
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ended.load(), kWatchers);
  absl::MutexLock lock(&seen_mutex);
  for (int w = 0; w < kWatchers; ++w) {
    ASSERT_EQ(seen[w].size(), 20u) << "watcher " << w;
    EXPECT_EQ(seen[w].front(), 1);
    EXPECT_EQ(seen[w].back(), expected_last);
  }
}

TEST_F(FeedTest, AClientThatStopsReadingIsCutOff) {
  StopServer();
  options_.feed.write_stall_timeout = absl::Milliseconds(300);
  options_.metrics_listen_address = "127.0.0.1:0";  // to see the cut
  StartServer();
  bureau_ = Connect(bureau_token_);
  // Large events, so that gRPC's flow-control window fills.
  const std::string note(1900, 'x');
  for (int i = 0; i < 40; ++i) {
    Ticket t = CreateTicket();
    v1::DispatchTicketRequest dispatch;
    dispatch.set_name(t.name());
    dispatch.set_department("departments/housing");
    dispatch.set_note(note);
    ASSERT_TRUE(bureau().DispatchTicket(dispatch).ok());
  }
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  arguments.SetInt("grpc.http2.lookahead_bytes", 8192);
  auto channel = grpc::CreateCustomChannel(
      server_->address(), grpc::InsecureChannelCredentials(), arguments);
  auto stub = v1::HotlineService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + bureau_token_);
  // Only if the stream were never cut: fail rather than wait forever.
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(100)));
  std::unique_ptr<grpc::ClientReader<Event>> reader =
      stub->WatchEvents(&context, v1::WatchEventsRequest());

  // Not reading until the server must have cut the stream. It cuts a stream
  // whose write has waited longer than write_stall_timeout when its feed
  // thread next serves the streams (after each commit). So: the stream's
  // progress (the feed's head seq less its largest lag: this stream is the
  // one behind) has not moved for twice the timeout, and the feed thread
  // has served a commit since (a second stream, which reads, received it
  // and the commit after it).
  std::unique_ptr<Client> follower_client = Connect(bureau_token_);
  absl::Mutex followed_mutex;
  std::set<int64_t> followed;
  WatchControl follower_control;
  v1::WatchEventsRequest from_now;
  from_now.set_from_now(true);
  std::thread follower([&] {
    follower_client
        ->Watch(
            from_now,
            [&](const Event& e) {
              absl::MutexLock lock(&followed_mutex);
              followed.insert(e.seq());
              return absl::OkStatus();
            },
            &follower_control)
        .IgnoreError();
  });
  // A commit the feed thread has served, once the follower has it.
  auto served_commit = [&] {
    const Ticket marker = CreateTicket();
    int64_t seq = 0;
    for (const Event& e : History(marker.name())) seq = std::max(seq, e.seq());
    return WaitUntil(
        [&] {
          absl::MutexLock lock(&followed_mutex);
          return followed.count(seq) > 0;
        },
        absl::Seconds(5));
  };
  auto progress = [&] {
    const std::string text = MetricsText(server_->metrics_port());
    return MetricValue(text, "hotline_feed_head_seq") -
           MetricValue(text, "hotline_feed_stream_lag_events");
  };
  // The follower watches "from now": make commits until it sees one.
  bool following = false;
  for (int attempt = 0; attempt < 20 && !following; ++attempt) {
    following = served_commit();
  }
  bool stalled = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (following && !stalled && absl::Now() < give_up) {
    const double before = progress();
    absl::SleepFor(2 * options_.feed.write_stall_timeout);
    const bool served = served_commit() && served_commit();
    stalled = served && progress() == before;
  }
  follower_control.Stop();
  follower.join();
  ASSERT_TRUE(following) << "the follower never saw a commit";
  EXPECT_TRUE(stalled) << "the stream never stood still";
  Event event;
  int read = 0;
  while (reader->Read(&event)) ++read;
  grpc::Status status = reader->Finish();
  ASSERT_GT(read, 0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_LT(read, 80);  // cut before the end
  // The message names the last event the client actually received, so that
  // resuming after it neither repeats nor skips one.
  EXPECT_EQ(ResumePointIn(status.error_message()), event.seq())
      << status.error_message();
}

TEST_F(FeedTest, AStreamEndedByShutdownNamesTheLastEventItDelivered) {
  const std::string note(1900, 'x');
  for (int i = 0; i < 40; ++i) {
    Ticket t = CreateTicket();
    v1::DispatchTicketRequest dispatch;
    dispatch.set_name(t.name());
    dispatch.set_department("departments/housing");
    dispatch.set_note(note);
    ASSERT_TRUE(bureau().DispatchTicket(dispatch).ok());
  }
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  arguments.SetInt("grpc.http2.lookahead_bytes", 8192);
  auto channel = grpc::CreateCustomChannel(
      server_->address(), grpc::InsecureChannelCredentials(), arguments);
  auto stub = v1::HotlineService::NewStub(channel);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + bureau_token_);
  std::unique_ptr<grpc::ClientReader<Event>> reader =
      stub->WatchEvents(&context, v1::WatchEventsRequest());
  Event event;
  ASSERT_TRUE(reader->Read(&event));  // the stream is up; now stop reading
  // The server stops while a write waits for the client (the window is far
  // smaller than the events); the client reads what was sent, then the
  // status. Shutdown ends the streams, then stops taking calls: once the
  // port is closed, this stream has been ended.
  // (A grace long enough for this thread to read on a loaded machine.)
  const int port = server_->port();
  std::thread stopper([&] { server_->Shutdown(absl::Seconds(60)); });
  EXPECT_TRUE(WaitUntil([&] { return !AcceptsConnections(port); }));
  int read = 1;
  while (reader->Read(&event)) ++read;
  grpc::Status status = reader->Finish();
  stopper.join();
  StopServer();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_LT(read, 80);  // ended before the end
  EXPECT_EQ(ResumePointIn(status.error_message()), event.seq())
      << status.error_message();
}

// How one watch ended: its status, when, and the seqs it received.
struct WatchRun {
  absl::Status status;
  absl::Time ended = absl::InfiniteFuture();
  std::vector<int64_t> seqs;
};

// Its streams end (the feed looks at the tokens before serving new events,
// and every second meanwhile) and receive nothing committed after the
// revocation; the other streams go on.
TEST_F(FeedTest, RevokingATokenEndsItsStreams) {
  v1::CreateTokenRequest create;
  create.mutable_token()->set_principal("department/housing");
  absl::StatusOr<v1::Token> doomed = bureau().CreateToken(create);
  ASSERT_TRUE(doomed.ok()) << doomed.status();
  // Two streams of the token to revoke, one of another token of the same
  // department, one of the bureau.
  const std::vector<std::string> tokens = {doomed->secret(), doomed->secret(),
                                           housing_token_, bureau_token_};
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<std::unique_ptr<WatchControl>> controls;
  std::vector<WatchRun> runs(tokens.size());
  absl::Mutex mutex;
  for (const std::string& token : tokens) {
    clients.push_back(Connect(token));
    controls.push_back(std::make_unique<WatchControl>());
  }
  std::vector<std::thread> threads;
  for (size_t i = 0; i < tokens.size(); ++i) {
    threads.emplace_back([&, i] {
      v1::WatchEventsRequest request;
      request.set_from_now(true);
      absl::Status status = clients[i]->Watch(
          request,
          [&, i](const Event& e) {
            absl::MutexLock lock(&mutex);
            runs[i].seqs.push_back(e.seq());
            return absl::OkStatus();
          },
          controls[i].get());
      absl::MutexLock lock(&mutex);
      runs[i].status = status;
      runs[i].ended = absl::Now();
    });
  }
  auto seen_by_all = [&](size_t count) {
    return WaitUntil(
        [&] {
          absl::MutexLock lock(&mutex);
          bool all = true;
          for (const WatchRun& run : runs) {
            all = all && run.seqs.size() >= count;
          }
          return all;
        },
        absl::Seconds(5));
  };
  // Streams watch "from now": a ticket made before one of them is connected
  // passes it by, so make tickets until every stream has seen one.
  bool connected = false;
  for (int attempt = 0; attempt < 20 && !connected; ++attempt) {
    CreateTicket("housing");  // housing sees DISPATCHED
    connected = seen_by_all(1);
  }
  if (!connected) {
    for (auto& control : controls) control->Stop();
    for (std::thread& t : threads) t.join();
    FAIL() << "the streams never all saw a new ticket";
  }

  v1::RevokeTokenRequest revoke;
  revoke.set_name(doomed->name());
  ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
  auto revoked_streams_ended = [&] {
    absl::MutexLock lock(&mutex);
    return runs[0].ended != absl::InfiniteFuture() &&
           runs[1].ended != absl::InfiniteFuture();
  };
  // The feed goes on for everyone else: the events of two tickets made after
  // the revocation (housing sees their dispatches, the bureau everything),
  // the first at once, the second once the revoked streams have ended.
  std::vector<int64_t> after_revocation;
  std::vector<int64_t> dispatches_after;
  for (int n = 0; n < 2; ++n) {
    if (n == 1) {
      EXPECT_TRUE(WaitUntil(revoked_streams_ended))
          << "the revoked token's streams did not end";
    }
    for (const Event& e : History(CreateTicket("housing").name())) {
      after_revocation.push_back(e.seq());
      if (e.type() == Event::DISPATCHED) dispatches_after.push_back(e.seq());
    }
  }
  auto has_all = [](const std::vector<int64_t>& seen,
                    const std::vector<int64_t>& wanted) {
    for (int64_t seq : wanted) {
      if (std::find(seen.begin(), seen.end(), seq) == seen.end()) return false;
    }
    return true;
  };
  WaitUntil([&] {
    absl::MutexLock lock(&mutex);
    return has_all(runs[2].seqs, dispatches_after) &&
           has_all(runs[3].seqs, after_revocation);
  });
  for (auto& control : controls) control->Stop();
  for (std::thread& t : threads) t.join();

  for (size_t i : {0u, 1u}) {
    SCOPED_TRACE(absl::StrCat("stream ", i, " of the revoked token"));
    EXPECT_EQ(runs[i].status.code(), absl::StatusCode::kUnauthenticated)
        << runs[i].status;
    EXPECT_NE(runs[i].status.message().find("revoked"), std::string::npos)
        << runs[i].status;
    EXPECT_NE(runs[i].status.message().find(doomed->name()), std::string::npos)
        << runs[i].status;
    // Nothing committed after the revocation reached it.
    ASSERT_FALSE(runs[i].seqs.empty());
    EXPECT_LT(runs[i].seqs.back(), after_revocation.front());
    EXPECT_EQ(ResumePointIn(std::string(runs[i].status.message())),
              runs[i].seqs.back())
        << runs[i].status;
  }
  for (size_t i : {2u, 3u}) {
    SCOPED_TRACE(absl::StrCat("stream ", i, " of a valid token"));
    EXPECT_TRUE(runs[i].status.ok()) << runs[i].status;
  }
  EXPECT_TRUE(has_all(runs[2].seqs, dispatches_after));
  EXPECT_TRUE(has_all(runs[3].seqs, after_revocation));
}

TEST_F(FeedTest, AStreamOpenedJustAfterRevocationIsRefused) {
  v1::CreateTokenRequest create;
  create.mutable_token()->set_principal("intake/city");
  absl::StatusOr<v1::Token> doomed = bureau().CreateToken(create);
  ASSERT_TRUE(doomed.ok()) << doomed.status();
  v1::RevokeTokenRequest revoke;
  revoke.set_name(doomed->name());
  ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
  std::unique_ptr<Client> client = Connect(doomed->secret());
  WatchControl control;
  absl::Status status = client->Watch(
      v1::WatchEventsRequest(), [](const Event&) { return absl::OkStatus(); },
      &control);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
}

}  // namespace
}  // namespace hotline
