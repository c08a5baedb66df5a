// The HTTP/JSON API as an integrator in any language uses it: a real server
// on loopback ports, plain HTTP requests (cpp-httplib's client), JSON in and
// out. Every RPC is called through its google.api.http route; bad input
// gets its HTTP status and a google.rpc.Status body and changes nothing;
// the change feed streams as Server-Sent Events and resumes from
// Last-Event-ID; the console's session cookie and CSRF token hold.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/dev_certificates.h"
#include "common/error_details.h"
#include "gateway/embedded_openapi.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "hotline/v1/hotline_service.grpc.pb.h"
#include "tests/support/postgres_support.h"
#include "tests/support/test_support.h"
#include "workflow/policy.h"

namespace hotline::testing {
namespace {

using ::testing::HasSubstr;

struct Reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A connection that sends `bytes` as they are (no client library fixing
// them up) and reads the answer's head: the status line and headers.
class RawConnection {
 public:
  RawConnection(int port, const std::string& bytes) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) ==
            0 &&
        send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size())) {
      char buffer[4096];
      while (head_.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        head_.append(buffer, static_cast<size_t>(n));
      }
    }
  }
  ~RawConnection() { close(fd_); }
  // The status code of the answer; 0 when none came.
  int status() const {
    int code = 0;
    return sscanf(head_.c_str(), "HTTP/1.1 %d", &code) == 1 ? code : 0;
  }
  // The head as it came, byte for byte.
  const std::string& head() const { return head_; }

 private:
  int fd_ = -1;
  std::string head_;
};

// A TCP connection to the gateway from `source`, any address of 127/8 (all
// of it is this machine's, so each can stand for another client), driven
// byte by byte as a slow or hostile client would.
class TcpConnection {
 public:
  TcpConnection(int port, const std::string& source = "127.0.0.1") {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ =
        bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) == 0 &&
        connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) == 0;
  }
  ~TcpConnection() { close(fd_); }
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  bool connected() const { return connected_; }
  // False once the server has closed the connection.
  bool Send(absl::string_view bytes) {
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // Reads until `done` holds for what was read, the server closes the
  // connection, or `timeout` passes; false in the last case.
  bool ReadUntil(const std::function<bool(const std::string&)>& done,
                 absl::Duration timeout = absl::Seconds(60)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (!done(received_) && !closed_) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) return false;
      pollfd ready{fd_, POLLIN, 0};
      if (poll(&ready, 1,
               static_cast<int>(absl::ToInt64Milliseconds(left) + 1)) <= 0) {
        continue;
      }
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        closed_ = true;
      } else {
        received_.append(buffer, static_cast<size_t>(n));
      }
    }
    return true;
  }
  // The status of the answer; 0 when the connection closed before one came
  // (or nothing came within `timeout`).
  int Status(absl::Duration timeout = absl::Seconds(60)) {
    ReadUntil(
        [](const std::string& s) {
          return s.find("\r\n\r\n") != std::string::npos;
        },
        timeout);
    int code = 0;
    return sscanf(received_.c_str(), "HTTP/1.1 %d", &code) == 1 ? code : 0;
  }
  // True when the server closes the connection within `timeout`.
  bool ClosedByTheServer(absl::Duration timeout = absl::Seconds(60)) {
    ReadUntil([](const std::string&) { return false; }, timeout);
    return closed_;
  }
  const std::string& received() const { return received_; }
  // What came after the answer's head.
  std::string body() const {
    const size_t end = received_.find("\r\n\r\n");
    return end == std::string::npos ? "" : received_.substr(end + 4);
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string received_;
};

// The message `json` holds; fails the test when it is not one.
template <typename Message>
Message Parse(const std::string& json) {
  Message message;
  const auto parsed =
      google::protobuf::util::JsonStringToMessage(json, &message);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << " in " << json;
  return message;
}

// The refusal a google.rpc.Status body carries, as the client library
// would see it.
absl::Status RefusalOf(const Reply& reply) {
  return FromRpcStatus(Parse<google::rpc::Status>(reply.body));
}

class HttpGatewayTest : public ServerTest {
 protected:
  void SetUp() override {
    options_.http.listen_address = "127.0.0.1:0";
    options_.http.web_root = FindShippedWebRoot();
    options_.backup.directory = dir_.File("backups");
    // Replies are reviewed (办结审核): AcceptReply and SendBackReply have a
    // reply to decide.
    options_.policy = DefaultPolicy();
    options_.policy.set_version("reviewed-1");
    options_.policy.set_review_replies(true);
    ServerTest::SetUp();
  }

  std::unique_ptr<httplib::Client> NewClient() {
    auto client =
        std::make_unique<httplib::Client>("127.0.0.1", server_->http_port());
    client->set_read_timeout(30);
    return client;
  }

  Reply Call(const std::string& method, const std::string& path,
             const std::string& token, const std::string& body = "",
             httplib::Headers headers = {}) {
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    httplib::Request request;
    request.method = method;
    request.path = path;
    request.headers = headers;
    if (!body.empty() || method == "POST") {
      request.body = body;
      if (request.headers.find("Content-Type") == request.headers.end()) {
        request.headers.emplace("Content-Type", "application/json");
      }
    }
    httplib::Result result = NewClient()->send(request);
    Reply reply;
    if (!result) {
      ADD_FAILURE() << method << " " << path << ": "
                    << httplib::to_string(result.error());
      return reply;
    }
    reply.status = result->status;
    reply.body = result->body;
    reply.headers = result->headers;
    return reply;
  }

  // Calls and expects 200; records the RPC the route belongs to.
  template <typename Message>
  Message Ok(const std::string& rpc, const std::string& method,
             const std::string& path, const std::string& token,
             const std::string& body = "") {
    called_.insert(rpc);
    Reply reply = Call(method, path, token, body);
    EXPECT_EQ(reply.status, 200) << rpc << ": " << reply.body;
    return Parse<Message>(reply.body);
  }

  struct SseEvent {
    std::string id;
    std::string type;
    std::string data;
  };
  // Reads the event stream at `path` (as `housing`-style bearer `token`,
  // with `headers`) until at least `count` events of `type` came; every
  // event read, the opening "start" included.
  std::vector<SseEvent> Watch(const std::string& path, const std::string& token,
                              const std::string& type, size_t count,
                              httplib::Headers headers = {}) {
    headers.emplace("Authorization", "Bearer " + token);
    std::vector<SseEvent> events;
    size_t matching = 0;
    std::string stream;
    NewClient()->Get(path, headers, [&](const char* data, size_t length) {
      stream.append(data, length);
      size_t end;
      while ((end = stream.find("\n\n")) != std::string::npos) {
        SseEvent event;
        for (absl::string_view line :
             absl::StrSplit(stream.substr(0, end), '\n')) {
          if (absl::ConsumePrefix(&line, "id: ")) event.id = std::string(line);
          if (absl::ConsumePrefix(&line, "event: ")) {
            event.type = std::string(line);
          }
          if (absl::ConsumePrefix(&line, "data: ")) {
            event.data = std::string(line);
          }
        }
        stream.erase(0, end + 2);
        if (event.type.empty()) continue;  // "retry:", keep-alive comments
        if (event.type == type) ++matching;
        events.push_back(std::move(event));
      }
      return matching < count;
    });
    return events;
  }
  // The ids (or ticket names) of the events of `type`.
  static std::vector<std::string> IdsOf(const std::vector<SseEvent>& events,
                                        const std::string& type) {
    std::vector<std::string> ids;
    for (const SseEvent& e : events) {
      if (e.type == type) ids.push_back(e.id);
    }
    return ids;
  }
  static std::vector<std::string> TicketsOf(const std::vector<SseEvent>& events,
                                            const std::string& type) {
    std::vector<std::string> tickets;
    for (const SseEvent& e : events) {
      if (e.type == type) tickets.push_back(Parse<v1::Event>(e.data).ticket());
    }
    return tickets;
  }

  v1::Ticket Fetch(const std::string& name) {
    v1::GetTicketRequest request;
    request.set_name(name);
    absl::StatusOr<v1::Ticket> ticket = bureau().GetTicket(request);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : v1::Ticket();
  }

  int TicketCount() {
    Reply reply = Call("GET", "/v1/tickets?pageSize=500", bureau_token_);
    return Parse<v1::ListTicketsResponse>(reply.body).tickets_size();
  }

  std::set<std::string> called_;
};

TEST_F(HttpGatewayTest, EveryRpcAnswersThroughItsHttpRoute) {
  const std::string& bureau = bureau_token_;
  v1::Caller caller = Ok<v1::Caller>("GetCaller", "GET", "/v1/caller", bureau);
  EXPECT_EQ(caller.principal(), "bureau");
  EXPECT_EQ(caller.time_zone(), "Asia/Shanghai");
  EXPECT_TRUE(caller.rehearsal());
  // To Thursday 18 February 2021, a working day after the Spring Festival.
  Ok<v1::AdvanceClockResponse>("AdvanceClock", "POST", "/v1/clock:advance",
                               bureau, R"({"to":"2021-02-18T01:00:00Z"})");
  Ok<v1::Department>("CreateDepartment", "POST", "/v1/departments", bureau,
                     R"({"departmentId":"housing",
                         "department":{"displayName":"住建局"}})");
  EXPECT_EQ(Ok<v1::Department>("GetDepartment", "GET",
                               "/v1/departments/housing", bureau)
                .display_name(),
            "住建局");
  EXPECT_EQ(Ok<v1::ListDepartmentsResponse>("ListDepartments", "GET",
                                            "/v1/departments", bureau)
                .departments_size(),
            1);
  v1::Token desk = Ok<v1::Token>(
      "CreateToken", "POST", "/v1/tokens", bureau,
      R"({"token":{"principal":"department/housing","displayName":"desk"}})");
  const std::string housing = desk.secret();
  ASSERT_FALSE(housing.empty());
  EXPECT_EQ(
      Ok<v1::Caller>("GetCaller", "GET", "/v1/caller", housing).department(),
      "departments/housing");
  EXPECT_GE(
      Ok<v1::ListTokensResponse>("ListTokens", "GET", "/v1/tokens", bureau)
          .tokens_size(),
      2);
  const std::string draft =
      R"("ticket":{"type":"COMPLAINT","topic":"噪音","title":"夜间施工",
                   "content":"每晚十点后仍在施工","callerPhone":"13800000000"})";
  v1::Ticket one = Ok<v1::Ticket>(
      "CreateTicket", "POST", "/v1/tickets", bureau,
      absl::StrCat("{", draft, R"(,"dispatchTo":"departments/housing"})"));
  EXPECT_EQ(one.name(), "tickets/1");
  EXPECT_EQ(one.state(), v1::Ticket::DISPATCHED);
  EXPECT_EQ(
      Ok<v1::Ticket>("GetTicket", "GET", "/v1/tickets/1", housing).title(),
      "夜间施工");
  EXPECT_EQ(
      Ok<v1::ListTicketsResponse>(
          "ListTickets", "GET",
          "/v1/tickets?filter=state%20%3D%20DISPATCHED&pageSize=10", housing)
          .tickets_size(),
      1);
  one = Ok<v1::Ticket>("AcknowledgeTicket", "POST", "/v1/tickets/1:acknowledge",
                       housing,
                       absl::StrCat(R"({"etag":")", one.etag(), R"("})"));
  EXPECT_EQ(one.state(), v1::Ticket::IN_PROGRESS);
  // The department scorecard (考核) of February: housing's own row.
  EXPECT_EQ(Ok<v1::Assessment>(
                "GetAssessment", "GET",
                "/v1/assessment?fromDate=2021-02-01&toDate=2021-03-01", housing)
                .previous_from_date(),
            "2021-01-04");
  // The bureau urges (催办); housing signs for the notice and answers it.
  one =
      Ok<v1::Ticket>("IssueNotice", "POST", "/v1/tickets/1:issueNotice", bureau,
                     R"({"reason":"群众多次来电催促","copyTo":"分管副局长"})");
  EXPECT_EQ(one.notices_size(), 1);
  Ok<v1::Ticket>("AcknowledgeNotice", "POST",
                 "/v1/tickets/1/notices/1:acknowledge", housing, "{}");
  one = Ok<v1::Ticket>("AnswerNotice", "POST", "/v1/tickets/1/notices/1:answer",
                       housing, R"({"answer":"已约谈施工方"})");
  EXPECT_EQ(one.notices(0).state(), v1::Notice::ANSWERED);
  EXPECT_EQ(Ok<v1::ListNoticesResponse>("ListNotices", "GET",
                                        "/v1/notices?ticket=tickets/1", housing)
                .notices_size(),
            1);
  // The catalogues (诉求分类, 派单目录), the figures by category and the
  // hotspots (热点).
  EXPECT_EQ(Ok<v1::ListCategoriesResponse>("ListCategories", "GET",
                                           "/v1/categories", housing)
                .version(),
            "sample-2026.1");
  EXPECT_EQ(
      Ok<v1::DispatchCatalogue>(
          "UpdateDispatchCatalogue", "POST", "/v1/dispatchCatalogue", bureau,
          R"({"rules":[{"category":"01","department":"departments/housing"}],
                    "reason":"县派单目录","expectedVersion":"0"})")
          .version(),
      1);
  EXPECT_EQ(Ok<v1::DispatchCatalogue>("GetDispatchCatalogue", "GET",
                                      "/v1/dispatchCatalogue", housing)
                .history_size(),
            1);
  EXPECT_EQ(Ok<v1::DispatchSuggestion>(
                "SuggestDispatch", "GET",
                "/v1/tickets/1:suggestDispatch?category=0101", bureau)
                .rule()
                .department(),
            "departments/housing");
  EXPECT_EQ(Ok<v1::CategoryStatistics>(
                "GetCategoryStatistics", "GET",
                "/v1/categoryStatistics?fromDate=2021-02-01&toDate=2021-03-01",
                bureau)
                .categories(0)
                .name(),
            "未分类");
  EXPECT_EQ(Ok<v1::Hotspots>("GetHotspots", "GET",
                             "/v1/hotspots?fromDate=2021-02-01&toDate=2021-03-"
                             "01&level=1",
                             bureau)
                .previous_from_date(),
            "2021-01-04");
  Ok<v1::SubmitDailyReportResponse>("SubmitDailyReport", "POST",
                                    "/v1/dailyReports", housing,
                                    R"({"date":"2021-02-18",
          "entries":[{"ticket":"tickets/1","progress":"已联系施工方"}]})");
  EXPECT_EQ(Ok<v1::ListDailyReportsResponse>(
                "ListDailyReports", "GET", "/v1/dailyReports?ticket=tickets/1",
                bureau)
                .reports_size(),
            1);
  Ok<v1::DailyReportCompliance>(
      "GetDailyReportCompliance", "GET",
      "/v1/dailyReports:compliance?department=departments/housing&"
      "fromDate=2021-02-18&toDate=2021-02-18",
      bureau);
  // The daily report moved the etag: read the ticket again.
  one = Ok<v1::Ticket>("GetTicket", "GET", "/v1/tickets/1", housing);
  one = Ok<v1::Ticket>(
      "RequestExtension", "POST", "/v1/tickets/1:requestExtension", housing,
      absl::StrCat(R"({"workingDays":2,"reason":"需协调","etag":")", one.etag(),
                   R"("})"));
  one = Ok<v1::Ticket>(
      "RejectExtension", "POST", "/v1/tickets/1:rejectExtension", bureau,
      absl::StrCat(R"({"reason":"时间充足","etag":")", one.etag(), R"("})"));
  one =
      Ok<v1::Ticket>("ReplyTicket", "POST", "/v1/tickets/1:reply", housing,
                     absl::StrCat(R"({"replyText":"已停工","outcome":"RESOLVED",
                                        "etag":")",
                                  one.etag(), R"("})"));
  EXPECT_EQ(one.state(), v1::Ticket::REPLIED);
  // The bureau's review sends the reply back (退回重办), then accepts the
  // next one.
  one = Ok<v1::Ticket>(
      "SendBackReply", "POST", "/v1/tickets/1:sendBackReply", bureau,
      R"({"reasons":["CALLER_NOT_CONTACTED"],"note":"请联系诉求人"})");
  EXPECT_EQ(one.state(), v1::Ticket::IN_PROGRESS);
  one = Ok<v1::Ticket>("ReplyTicket", "POST", "/v1/tickets/1:reply", housing,
                       R"({"replyText":"已联系并停工","outcome":"RESOLVED"})");
  one = Ok<v1::Ticket>("AcceptReply", "POST", "/v1/tickets/1:acceptReply",
                       bureau, "{}");
  EXPECT_EQ(one.reply_review().state(), v1::ReplyReview::ACCEPTED);
  // The callback (回访) reaches the caller, who is dissatisfied; housing
  // appeals the rating (申诉) and the bureau sets it aside.
  one = Ok<v1::Ticket>(
      "RecordCallback", "POST", "/v1/tickets/1:recordCallback", bureau,
      R"({"channel":"PHONE","result":"REACHED","note":"已接通"})");
  EXPECT_EQ(one.callback_attempts_size(), 1);
  one = Ok<v1::Ticket>("CloseTicket", "POST", "/v1/tickets/1:close", bureau,
                       absl::StrCat(R"({"satisfaction":"DISSATISFIED",
                       "dissatisfactionReasons":["TOO_SLOW"],"etag":")",
                                    one.etag(), R"("})"));
  EXPECT_EQ(one.state(), v1::Ticket::CLOSED);
  Ok<v1::Ticket>("AppealRating", "POST", "/v1/tickets/1:appealRating", housing,
                 R"({"grounds":"诉求超出政策规定"})");
  one = Ok<v1::Ticket>("DecideAppeal", "POST", "/v1/tickets/1:decideAppeal",
                       bureau, R"({"uphold":true,"note":"不合理差评"})");
  EXPECT_EQ(one.rating_appeal().state(), v1::RatingAppeal::UPHELD);
  one = Ok<v1::Ticket>("ReopenTicket", "POST", "/v1/tickets/1:reopen", bureau,
                       absl::StrCat(R"({"reason":"市民再次来电","etag":")",
                                    one.etag(), R"("})"));
  EXPECT_EQ(one.state(), v1::Ticket::IN_PROGRESS);
  // A final answer (最终答复) on it, rejected, given again and approved; a
  // third ticket from the same caller closed with it.
  const std::string give =
      R"({"answer":"已依法答复完毕","basis":"条例","etag":")";
  one = Ok<v1::Ticket>("SubmitFinalAnswer", "POST",
                       "/v1/tickets/1:submitFinalAnswer", housing,
                       absl::StrCat(give, one.etag(), R"("})"));
  one = Ok<v1::Ticket>(
      "RejectFinalAnswer", "POST", "/v1/tickets/1:rejectFinalAnswer", bureau,
      absl::StrCat(R"({"reason":"依据不足","etag":")", one.etag(), R"("})"));
  one = Ok<v1::Ticket>("SubmitFinalAnswer", "POST",
                       "/v1/tickets/1:submitFinalAnswer", housing,
                       absl::StrCat(give, one.etag(), R"("})"));
  one = Ok<v1::Ticket>("ApproveFinalAnswer", "POST",
                       "/v1/tickets/1:approveFinalAnswer", bureau,
                       absl::StrCat(R"({"etag":")", one.etag(), R"("})"));
  EXPECT_EQ(one.final_answer().state(), v1::FinalAnswer::APPROVED);
  v1::Ticket three = Ok<v1::Ticket>("CreateTicket", "POST", "/v1/tickets",
                                    bureau, absl::StrCat("{", draft, "}"));
  EXPECT_EQ(three.name(), "tickets/2");
  three = Ok<v1::Ticket>(
      "CloseByFinalAnswer", "POST", "/v1/tickets/2:closeByFinalAnswer", bureau,
      R"({"finalAnswerTicket":"tickets/1","note":"重复诉求"})");
  EXPECT_EQ(three.state(), v1::Ticket::CLOSED);
  // A second ticket: requested extension approved, then returned and
  // dispatched again.
  v1::Ticket two = Ok<v1::Ticket>(
      "CreateTicket", "POST", "/v1/tickets", bureau,
      absl::StrCat("{", draft, R"(,"dispatchTo":"departments/housing"})"));
  two = Ok<v1::Ticket>("AcknowledgeTicket", "POST", "/v1/tickets/3:acknowledge",
                       housing,
                       absl::StrCat(R"({"etag":")", two.etag(), R"("})"));
  two = Ok<v1::Ticket>(
      "RequestExtension", "POST", "/v1/tickets/3:requestExtension", housing,
      absl::StrCat(R"({"workingDays":1,"reason":"需协调","etag":")", two.etag(),
                   R"("})"));
  two = Ok<v1::Ticket>("ApproveExtension", "POST",
                       "/v1/tickets/3:approveExtension", bureau,
                       absl::StrCat(R"({"etag":")", two.etag(), R"("})"));
  two = Ok<v1::Ticket>("ReturnTicket", "POST", "/v1/tickets/3:return", housing,
                       absl::StrCat(R"({"reason":"非本单位职责","etag":")",
                                    two.etag(), R"("})"));
  EXPECT_EQ(two.state(), v1::Ticket::RETURNED);
  // The return refused, the time limit suspended (挂起) and resumed; then
  // returned again and dispatched.
  two = Ok<v1::Ticket>("RefuseReturn", "POST", "/v1/tickets/3:refuseReturn",
                       bureau,
                       absl::StrCat(R"({"reason":"属于本单位职责","etag":")",
                                    two.etag(), R"("})"));
  EXPECT_EQ(two.state(), v1::Ticket::IN_PROGRESS);
  const std::string suspend = R"({"reason":"等待法院判决",
      "expectedEnd":"2021-03-01T00:00:00Z","etag":")";
  two = Ok<v1::Ticket>("RequestSuspension", "POST",
                       "/v1/tickets/3:requestSuspension", housing,
                       absl::StrCat(suspend, two.etag(), R"("})"));
  two = Ok<v1::Ticket>(
      "RejectSuspension", "POST", "/v1/tickets/3:rejectSuspension", bureau,
      absl::StrCat(R"({"reason":"材料不全","etag":")", two.etag(), R"("})"));
  two = Ok<v1::Ticket>("RequestSuspension", "POST",
                       "/v1/tickets/3:requestSuspension", housing,
                       absl::StrCat(suspend, two.etag(), R"("})"));
  two = Ok<v1::Ticket>("ApproveSuspension", "POST",
                       "/v1/tickets/3:approveSuspension", bureau,
                       absl::StrCat(R"({"etag":")", two.etag(), R"("})"));
  EXPECT_EQ(two.state(), v1::Ticket::SUSPENDED);
  two = Ok<v1::Ticket>(
      "ResumeTicket", "POST", "/v1/tickets/3:resume", housing,
      absl::StrCat(R"({"note":"判决已下达","etag":")", two.etag(), R"("})"));
  EXPECT_EQ(two.state(), v1::Ticket::IN_PROGRESS);
  two = Ok<v1::Ticket>("ReturnTicket", "POST", "/v1/tickets/3:return", housing,
                       absl::StrCat(R"({"reason":"非本单位职责","etag":")",
                                    two.etag(), R"("})"));
  two =
      Ok<v1::Ticket>("DispatchTicket", "POST", "/v1/tickets/3:dispatch", bureau,
                     absl::StrCat(R"({"department":"departments/housing",
                                        "etag":")",
                                  two.etag(), R"("})"));
  EXPECT_EQ(two.state(), v1::Ticket::DISPATCHED);
  // A fourth ticket repeats the second: suggested, merged (并单), unmerged,
  // then linked (关联) to it instead and unlinked.
  v1::Ticket four = Ok<v1::Ticket>("CreateTicket", "POST", "/v1/tickets",
                                   bureau, absl::StrCat("{", draft, "}"));
  EXPECT_EQ(four.name(), "tickets/4");
  EXPECT_GE(Ok<v1::ListDuplicateCandidatesResponse>(
                "ListDuplicateCandidates", "GET",
                "/v1/tickets/4:duplicateCandidates?pageSize=5", bureau)
                .candidates_size(),
            1);
  four = Ok<v1::Ticket>("MergeTicket", "POST", "/v1/tickets/4:merge", bureau,
                        R"({"mainTicket":"tickets/3","reason":"重复来电"})");
  EXPECT_EQ(four.state(), v1::Ticket::MERGED);
  four = Ok<v1::Ticket>("UnmergeTicket", "POST", "/v1/tickets/4:unmerge",
                        bureau, R"({"reason":"诉求不同"})");
  EXPECT_EQ(four.state(), v1::Ticket::RECEIVED);
  four = Ok<v1::Ticket>("LinkTickets", "POST", "/v1/tickets/4:link", bureau,
                        R"({"otherTicket":"tickets/3","reason":"同一工地"})");
  EXPECT_EQ(four.links_size(), 1);
  four = Ok<v1::Ticket>("UnlinkTickets", "POST", "/v1/tickets/4:unlink", bureau,
                        R"({"otherTicket":"tickets/3"})");
  EXPECT_EQ(four.links_size(), 0);
  // Transport assists (协办) with the third ticket: signs for its part and
  // gives its opinion; the bureau removes it, asks again, and transport
  // returns its part.
  const std::string transport =
      CreateDepartmentWithToken(this->bureau(), "transport");
  const std::string assist = R"({"department":"departments/transport"})";
  two = Ok<v1::Ticket>("AddAssistingDepartment", "POST",
                       "/v1/tickets/3:addAssist", bureau, assist);
  ASSERT_EQ(two.assists_size(), 1);
  two = Ok<v1::Ticket>("AcknowledgeAssist", "POST",
                       "/v1/tickets/3:acknowledgeAssist", transport, "{}");
  two = Ok<v1::Ticket>("SubmitAssistOpinion", "POST",
                       "/v1/tickets/3:submitAssistOpinion", transport,
                       R"({"opinion":"同意主办单位意见"})");
  EXPECT_EQ(two.assists(0).state(), v1::Assist::OPINION_GIVEN);
  two = Ok<v1::Ticket>(
      "RemoveAssistingDepartment", "POST", "/v1/tickets/3:removeAssist", bureau,
      R"({"department":"departments/transport","reason":"无需协办"})");
  EXPECT_EQ(two.assists(0).state(), v1::Assist::REMOVED);
  Ok<v1::Ticket>("AddAssistingDepartment", "POST", "/v1/tickets/3:addAssist",
                 bureau, assist);
  two = Ok<v1::Ticket>("ReturnAssist", "POST", "/v1/tickets/3:returnAssist",
                       transport, R"({"reason":"非本单位职责"})");
  EXPECT_EQ(two.assists(0).state(), v1::Assist::RETURNED);
  EXPECT_GE(Ok<v1::ListTicketEventsResponse>("ListTicketEvents", "GET",
                                             "/v1/tickets/1/events", housing)
                .events_size(),
            8);
  v1::Card card = Ok<v1::Card>(
      "IssueCard", "POST", "/v1/cards", bureau,
      R"({"ticket":"tickets/1","color":"YELLOW","reason":"多次催办未果"})");
  EXPECT_EQ(Ok<v1::ListCardsResponse>("ListCards", "GET",
                                      "/v1/cards?color=YELLOW", housing)
                .cards_size(),
            1);
  Ok<v1::Card>("RevokeCard", "POST",
               absl::StrCat("/v1/", card.name(), ":revoke"), bureau,
               R"({"reason":"误发"})");
  EXPECT_FALSE(Ok<v1::Policy>("GetPolicy", "GET", "/v1/policy", housing)
                   .version()
                   .empty());
  v1::Statistics statistics = Ok<v1::Statistics>(
      "GetStatistics", "GET",
      "/v1/statistics?fromDate=2021-02-01&toDate=2021-03-01", bureau);
  EXPECT_EQ(statistics.total().received(), 4);
  if (TestsUsePostgres()) {
    // PostgreSQL is backed up with its own tools: the route answers with
    // the refusal that says so.
    called_.insert("CreateBackup");
    Reply refused = Call("POST", "/v1/backups", bureau);
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_THAT(refused.body, HasSubstr("pg_dump"));
  } else {
    EXPECT_FALSE(Ok<v1::Backup>("CreateBackup", "POST", "/v1/backups", bureau)
                     .path()
                     .empty());
  }
  // A confidential caller's photo, attached over gRPC, released over HTTP.
  v1::CreateTicketRequest secret;
  *secret.mutable_ticket() = Draft();
  secret.mutable_ticket()->set_confidential(true);
  absl::StatusOr<v1::Ticket> hidden = bureau_->CreateTicket(secret);
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  v1::AttachmentHeader header;
  header.set_ticket(hidden->name());
  header.set_file_name("photo.png");
  header.set_step(v1::Attachment::INTAKE);
  const std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "IHDR";
  called_.insert("UploadAttachment");
  Reply uploaded =
      Call("PUT",
           absl::StrCat("/v1/", hidden->name(),
                        "/attachments?fileName=photo.png&step=intake"),
           bureau, png, {{"Content-Type", "image/png"}});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  absl::StatusOr<v1::Attachment> photo = Parse<v1::Attachment>(uploaded.body);
  called_.insert("DownloadAttachment");
  Reply fetched =
      Call("GET", absl::StrCat("/v1/", photo->name(), ":download"), bureau);
  EXPECT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body, png);
  EXPECT_TRUE(
      Ok<v1::Attachment>("ReleaseAttachment", "POST",
                         absl::StrCat("/v1/", photo->name(), ":release"),
                         bureau, R"({"reason":"不含个人信息"})")
          .released());
  // Notifications (通知订阅): housing subscribes itself; the receiver is
  // never reached here (notification_test delivers).
  v1::Subscription hook = Ok<v1::Subscription>(
      "CreateSubscription", "POST", "/v1/subscriptions", housing,
      R"({"channel":"WEBHOOK","url":"https://receiver.invalid/hook",)"
      R"("department":"departments/housing","eventTypes":["DISPATCHED"]})");
  EXPECT_EQ(hook.name(), "subscriptions/1");
  EXPECT_FALSE(hook.secret().empty());
  EXPECT_EQ(Ok<v1::ListSubscriptionsResponse>("ListSubscriptions", "GET",
                                              "/v1/subscriptions", housing)
                .subscriptions_size(),
            1);
  EXPECT_TRUE(Ok<v1::Subscription>("GetSubscription", "GET",
                                   "/v1/subscriptions/1", housing)
                  .secret()
                  .empty());
  EXPECT_EQ(Ok<v1::Subscription>("PauseSubscription", "POST",
                                 "/v1/subscriptions/1:pause", housing,
                                 R"({"reason":"维护"})")
                .state(),
            v1::Subscription::PAUSED);
  EXPECT_EQ(Ok<v1::Subscription>("ResumeSubscription", "POST",
                                 "/v1/subscriptions/1:resume", housing, "{}")
                .state(),
            v1::Subscription::ACTIVE);
  EXPECT_NE(Ok<v1::Subscription>("RotateSubscriptionSecret", "POST",
                                 "/v1/subscriptions/1:rotateSecret", housing,
                                 R"({"overlap":"3600s"})")
                .secret(),
            hook.secret());
  Ok<v1::ListDeliveriesResponse>(
      "ListDeliveries", "GET",
      "/v1/subscriptions/1/deliveries?deadLettersOnly=true", housing);
  int64_t dispatched_seq = 0;
  for (const v1::Event& e : History("tickets/1")) {
    if (e.type() == v1::Event::DISPATCHED && dispatched_seq == 0) {
      dispatched_seq = e.seq();
    }
  }
  Ok<v1::Subscription>("RedeliverEvent", "POST",
                       "/v1/subscriptions/1:redeliver", housing,
                       absl::StrCat(R"({"seq":")", dispatched_seq, R"("})"));
  Ok<v1::Subscription>("DeleteSubscription", "DELETE", "/v1/subscriptions/1",
                       housing);
  EXPECT_EQ(Call("GET", "/v1/subscriptions/1", housing).status, 404);
  // The feed: the first event, as an event stream.
  called_.insert("WatchEvents");
  std::vector<SseEvent> feed =
      Watch("/v1/events:watch?afterSeq=0", housing, "DISPATCHED", 1);
  EXPECT_EQ(TicketsOf(feed, "DISPATCHED"),
            std::vector<std::string>{"tickets/1"});
  Ok<v1::Token>("RevokeToken", "POST",
                absl::StrCat("/v1/", desk.name(), ":revoke"), bureau, "{}");
  EXPECT_EQ(Call("GET", "/v1/tickets/1", housing).status, 401);

  // Every RPC of the service was called through HTTP above.
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::HotlineService::service_full_name());
  for (int i = 0; i < service->method_count(); ++i) {
    EXPECT_TRUE(called_.count(service->method(i)->name()))
        << service->method(i)->name() << " is not called through HTTP here";
  }
}

// Attachments (附件) over HTTP: a PUT of the bytes or a multipart form; the
// download with its type, name and ETag, a range of it, and the refusals.
TEST_F(HttpGatewayTest, AttachmentsGoUpAndComeDownOverHttp) {
  const std::string housing = CreateDepartmentWithToken(bureau(), "housing");
  v1::Ticket ticket = CreateTicket("housing");
  const std::string bureau = bureau_token_;
  std::string photo = std::string("\x89PNG\r\n\x1A\n", 8);
  for (int i = 0; i < 5000; ++i) photo.push_back(static_cast<char>(i % 251));

  // A PUT: the declared type is not trusted, the bytes are.
  Reply put = Call("PUT",
                   absl::StrCat("/v1/", ticket.name(),
                                "/attachments?fileName=%E7%8E%B0%E5%9C%BA.jpg"
                                "&step=REPLY&requestId=put-1"),
                   housing, photo, {{"Content-Type", "image/jpeg"}});
  ASSERT_EQ(put.status, 201) << put.body;
  const v1::Attachment first = Parse<v1::Attachment>(put.body);
  EXPECT_EQ(first.content_type(), "image/png");
  EXPECT_EQ(first.file_name(), "现场.jpg");
  EXPECT_EQ(put.Header("Location"), "/v1/" + first.name() + ":download");
  // The same requestId again: the same attachment, not a second.
  Reply again = Call("PUT",
                     absl::StrCat("/v1/", ticket.name(),
                                  "/attachments?fileName=%E7%8E%B0%E5%9C%BA.jpg"
                                  "&step=REPLY&requestId=put-1"),
                     housing, photo, {{"Content-Type", "image/jpeg"}});
  EXPECT_EQ(again.status, 201);
  EXPECT_NE(again.body.find(first.name()), std::string::npos);

  // A multipart form, as a browser sends it.
  httplib::MultipartFormDataItems form = {
      {"file", "%PDF-1.4 回复函", "回复函.pdf", "application/pdf"},
      {"step", "final_answer", "", ""}};
  auto client = NewClient();
  httplib::Headers auth = {{"Authorization", "Bearer " + housing}};
  httplib::Result posted = client->Post(
      absl::StrCat("/v1/", ticket.name(), "/attachments").c_str(), auth, form);
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 201) << posted->body;
  const v1::Attachment second = Parse<v1::Attachment>(posted->body);
  EXPECT_EQ(second.content_type(), "application/pdf");
  EXPECT_EQ(second.file_name(), "回复函.pdf");
  EXPECT_EQ(second.step(), v1::Attachment::FINAL_ANSWER);

  // The download: type, name, ETag, nosniff, and no shared caching.
  Reply whole =
      Call("GET", absl::StrCat("/v1/", first.name(), ":download"), housing);
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(whole.body, photo);
  EXPECT_EQ(whole.Header("Content-Type"), "image/png");
  EXPECT_EQ(whole.Header("ETag"), "\"" + first.sha256() + "\"");
  EXPECT_EQ(whole.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(whole.Header("Accept-Ranges"), "bytes");
  // The header as sent (httplib's client decodes its %XX).
  RawConnection raw(server_->http_port(),
                    absl::StrCat("GET /v1/", first.name(),
                                 ":download HTTP/1.1\r\nHost: x\r\n"
                                 "Authorization: Bearer ",
                                 housing, "\r\nConnection: close\r\n\r\n"));
  EXPECT_EQ(raw.status(), 200);
  EXPECT_THAT(raw.head(),
              HasSubstr("Content-Disposition: attachment; filename=\"__.jpg\"; "
                        "filename*=UTF-8''%E7%8E%B0%E5%9C%BA.jpg\r\n"));
  Reply shown =
      Call("GET", absl::StrCat("/v1/", first.name(), ":download?inline=true"),
           housing);
  EXPECT_THAT(shown.Header("Content-Disposition"), HasSubstr("inline;"));
  // Ranges: the first bytes, the last ones, one past the end.
  Reply head = Call("GET", absl::StrCat("/v1/", first.name(), ":download"),
                    housing, "", {{"Range", "bytes=0-7"}});
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.body, photo.substr(0, 8));
  EXPECT_EQ(head.Header("Content-Range"),
            absl::StrCat("bytes 0-7/", photo.size()));
  Reply tail = Call("GET", absl::StrCat("/v1/", first.name(), ":download"),
                    housing, "", {{"Range", "bytes=-10"}});
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, photo.substr(photo.size() - 10));
  Reply past = Call("GET", absl::StrCat("/v1/", first.name(), ":download"),
                    housing, "", {{"Range", "bytes=99999-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.Header("Content-Range"),
            absl::StrCat("bytes */", photo.size()));

  // Refusals: a program; no step; another department's file; over the
  // limit before the body is read.
  Reply program = Call("PUT",
                       absl::StrCat("/v1/", ticket.name(),
                                    "/attachments?fileName=a.jpg&step=reply"),
                       housing, std::string("MZ\x90\0", 4) + "code");
  EXPECT_EQ(program.status, 400);
  EXPECT_THAT(program.body, HasSubstr("ATTACHMENT_TYPE"));
  Reply no_step = Call(
      "PUT", absl::StrCat("/v1/", ticket.name(), "/attachments?fileName=a.png"),
      housing, photo);
  EXPECT_EQ(no_step.status, 400);
  const std::string water = CreateDepartmentWithToken(this->bureau(), "water");
  Reply foreign =
      Call("GET", absl::StrCat("/v1/", first.name(), ":download"), water);
  EXPECT_EQ(foreign.status, 403);
  Reply huge = Call("PUT",
                    absl::StrCat("/v1/", ticket.name(),
                                 "/attachments?fileName=big.png&step=reply"),
                    housing, std::string(40 << 20, 'x'));
  EXPECT_EQ(huge.status, 413);
  v1::GetTicketRequest get;
  get.set_name(ticket.name());
  absl::StatusOr<v1::Ticket> after = bureau_->GetTicket(get);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->attachments_size(), 2);
}

TEST_F(HttpGatewayTest, TheOpenApiDescriptionIsServedWithoutCredentials) {
  Reply reply = Call("GET", "/v1/openapi.json", "");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_THAT(reply.Header("Content-Type"), HasSubstr("application/json"));
  EXPECT_EQ(reply.body, std::string(gateway::EmbeddedOpenApiDocument()));
  // A bearer token changes nothing; HEAD answers the head alone.
  EXPECT_EQ(Call("GET", "/v1/openapi.json", bureau_token_).body, reply.body);
  Reply head = Call("HEAD", "/v1/openapi.json", "");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  // It is read-only.
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    Reply refused = Call(method, "/v1/openapi.json", bureau_token_, "{}");
    EXPECT_EQ(refused.status, 405) << method;
    EXPECT_EQ(refused.Header("Allow"), "GET, HEAD") << method;
    EXPECT_EQ(ReasonOf(RefusalOf(refused)), v1::HTTP_METHOD_NOT_ALLOWED)
        << method;
  }
}

TEST_F(HttpGatewayTest, BadInputGetsItsStatusAndAReasonAndChangesNothing) {
  CreateDepartment("housing");
  CreateDepartment("water");
  const std::string roads = CreateDepartmentWithToken(bureau(), "roads");
  v1::Ticket ticket = CreateTicket("water");
  const int before = TicketCount();
  struct Case {
    std::string what;
    std::string method;
    std::string path;
    std::string token;
    std::string body;
    int status;
    v1::ErrorReason reason;
    httplib::Headers headers = {};
  };
  const std::string bureau = bureau_token_;
  const std::vector<Case> cases = {
      {"malformed JSON", "POST", "/v1/tickets", bureau, R"({"ticket": {)", 400,
       v1::MALFORMED_REQUEST},
      {"a wrong field type", "POST", "/v1/tickets", bureau,
       R"({"ticket": {"title": 5, "type": "COMPLAINT"}})", 400,
       v1::MALFORMED_REQUEST},
      {"an unknown field", "POST", "/v1/tickets", bureau,
       R"({"ticket": {"titel": "x"}})", 400, v1::MALFORMED_REQUEST},
      {"an enum value that does not exist", "POST", "/v1/tickets", bureau,
       R"({"ticket": {"type": "GRUMBLE"}})", 400, v1::MALFORMED_REQUEST},
      {"a query parameter of the wrong type", "GET",
       "/v1/tickets?pageSize=many", bureau, "", 400, v1::MALFORMED_REQUEST},
      {"an unknown query parameter", "GET", "/v1/tickets?colour=red", bureau,
       "", 400, v1::MALFORMED_REQUEST},
      {"a valid request the service refuses", "POST", "/v1/tickets", bureau,
       R"({"ticket": {"type": "COMPLAINT"}})", 400, v1::INVALID_FIELD},
      {"an unknown path", "GET", "/v1/tickets/1/comments", bureau, "", 404,
       v1::NO_SUCH_ROUTE},
      {"a path outside the API", "GET", "/wp-admin", bureau, "", 404,
       v1::NO_SUCH_ROUTE},
      {"a method the path does not take", "DELETE", "/v1/tickets/1", bureau, "",
       405, v1::HTTP_METHOD_NOT_ALLOWED},
      {"GET on a change", "GET", "/v1/tickets/1:close", bureau, "", 405,
       v1::HTTP_METHOD_NOT_ALLOWED},
      {"a body that is not JSON",
       "POST",
       "/v1/tickets",
       bureau,
       "title=x",
       415,
       v1::UNSUPPORTED_MEDIA_TYPE,
       {{"Content-Type", "application/x-www-form-urlencoded"}}},
      {"no token", "GET", "/v1/tickets", "", "", 401, v1::CREDENTIALS_MISSING},
      {"a wrong token", "GET", "/v1/tickets", "hl_notatoken", "", 401,
       v1::TOKEN_INVALID},
      {"another department's ticket", "GET", "/v1/" + ticket.name(), roads, "",
       403, v1::NOT_YOURS},
      {"a change to another department's ticket", "POST",
       "/v1/" + ticket.name() + ":acknowledge", roads,
       absl::StrCat(R"({"etag":")", ticket.etag(), R"("})"), 403,
       v1::NOT_YOURS},
      {"a department closing", "POST", "/v1/" + ticket.name() + ":close", roads,
       R"({"satisfaction":"SATISFIED"})", 403, v1::ROLE_NOT_ALLOWED},
      {"a stale etag", "POST", "/v1/" + ticket.name() + ":dispatch", bureau,
       R"({"department":"departments/housing","etag":"999"})", 409,
       v1::ETAG_MISMATCH},
      {"a ticket that does not exist", "GET", "/v1/tickets/404", bureau, "",
       404, v1::NOT_FOUND},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Reply reply = Call(c.method, c.path, c.token, c.body, c.headers);
    EXPECT_EQ(reply.status, c.status) << reply.body;
    EXPECT_EQ(reply.Header("Content-Type"), "application/json");
    absl::Status refusal = RefusalOf(reply);
    EXPECT_FALSE(refusal.ok());
    EXPECT_EQ(ReasonOf(refusal), c.reason) << reply.body;
    EXPECT_FALSE(refusal.message().empty());
  }
  // HEAD reads like GET.
  EXPECT_EQ(Call("HEAD", "/v1/" + ticket.name(), bureau).status, 200);
  // 405 says what the path does take.
  EXPECT_EQ(Call("DELETE", "/v1/tickets/1", bureau).Header("Allow"), "GET");
  // A body over the limit (the server's --max_message_bytes).
  Reply huge = Call("POST", "/v1/tickets", bureau,
                    std::string(options_.max_message_bytes + 1, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(ReasonOf(RefusalOf(huge)), v1::BODY_TOO_LARGE);
  // A revoked token.
  v1::Token revoked =
      Ok<v1::Token>("CreateToken", "POST", "/v1/tokens", bureau,
                    R"({"token":{"principal":"department/housing"}})");
  Ok<v1::Token>("RevokeToken", "POST",
                absl::StrCat("/v1/", revoked.name(), ":revoke"), bureau, "{}");
  Reply refused = Call("GET", "/v1/tickets", revoked.secret());
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(ReasonOf(RefusalOf(refused)), v1::TOKEN_REVOKED);
  // Nothing changed.
  EXPECT_EQ(TicketCount(), before);
  v1::Ticket after =
      Parse<v1::Ticket>(Call("GET", "/v1/" + ticket.name(), bureau).body);
  EXPECT_EQ(after.etag(), ticket.etag());
  EXPECT_EQ(after.state(), v1::Ticket::DISPATCHED);
}

TEST_F(HttpGatewayTest, ABodyMustDeclareItsLengthAndComeUncompressed) {
  const int port = server_->http_port();
  const std::string auth = "Authorization: Bearer " + bureau_token_ + "\r\n";
  const int before = TicketCount();
  // Chunked: its length is not known before it is read.
  EXPECT_EQ(
      RawConnection(port, "POST /v1/tickets HTTP/1.1\r\nHost: x\r\n" + auth +
                              "Content-Type: application/json\r\n"
                              "Transfer-Encoding: chunked\r\n\r\n"
                              "2\r\n{}\r\n0\r\n\r\n")
          .status(),
      411);
  // No length at all: the body would run until the connection closes.
  EXPECT_EQ(
      RawConnection(port, "POST /v1/tickets HTTP/1.1\r\nHost: x\r\n" + auth +
                              "Content-Type: application/json\r\n"
                              "Connection: close\r\n\r\n{}")
          .status(),
      411);
  // Compressed: a small body could unpack to any size.
  EXPECT_EQ(
      RawConnection(port, "POST /v1/tickets HTTP/1.1\r\nHost: x\r\n" + auth +
                              "Content-Type: application/json\r\n"
                              "Content-Encoding: gzip\r\n"
                              "Content-Length: 2\r\n\r\n{}")
          .status(),
      415);
  EXPECT_EQ(TicketCount(), before);
}

TEST_F(HttpGatewayTest, OneCallerCannotHoldEveryEventStream) {
  // 16 workers: at most 8 streams, 2 per caller.
  options_.http.threads = 16;
  RestartServer();
  // The scheme's name is case-insensitive: spelling it another way is the
  // same caller, with the same count.
  auto request = [&](const std::string& scheme) {
    return "GET /v1/events:watch?fromNow=true HTTP/1.1\r\n"
           "Host: x\r\nAuthorization: " +
           scheme + " " + bureau_token_ + "\r\n\r\n";
  };
  RawConnection first(server_->http_port(), request("Bearer"));
  RawConnection second(server_->http_port(), request("bearer"));
  EXPECT_EQ(first.status(), 200);
  EXPECT_EQ(second.status(), 200);
  RawConnection third(server_->http_port(), request("BEARER"));
  ASSERT_EQ(third.status(), 503);
  Reply fourth = Call("GET", "/v1/events:watch?fromNow=true", bureau_token_);
  EXPECT_EQ(fourth.status, 503);
  EXPECT_EQ(ReasonOf(RefusalOf(fourth)), v1::SERVER_UNAVAILABLE);
  EXPECT_EQ(fourth.Header("Retry-After"), "5");
  // Another caller still gets one.
  const std::string housing = CreateDepartmentWithToken(bureau(), "housing");
  RawConnection other(server_->http_port(),
                      "GET /v1/events:watch?fromNow=true HTTP/1.1\r\n"
                      "Host: x\r\nAuthorization: Bearer " +
                          housing + "\r\n\r\n");
  EXPECT_EQ(other.status(), 200);
}

TEST_F(HttpGatewayTest, TheFeedStreamsAsServerSentEventsAndResumes) {
  const std::string housing = CreateDepartmentWithToken(bureau(), "housing");
  for (int i = 0; i < 3; ++i) CreateTicket("housing");
  // Read two events, then hang up, as a browser losing its connection.
  const std::vector<std::string> ids = IdsOf(
      Watch("/v1/events:watch?types=DISPATCHED", housing, "DISPATCHED", 2),
      "DISPATCHED");
  ASSERT_EQ(ids.size(), 2u);
  // More happens while it is away.
  CreateTicket("housing");
  // Reconnect as EventSource does, with the last id seen: the rest, once.
  std::vector<SseEvent> resumed =
      Watch("/v1/events:watch?types=DISPATCHED&fromNow=true", housing,
            "DISPATCHED", 2, {{"Last-Event-ID", ids[1]}});
  ASSERT_EQ(IdsOf(resumed, "DISPATCHED").size(), 2u);
  EXPECT_GT(std::stoll(IdsOf(resumed, "DISPATCHED")[0]), std::stoll(ids[1]));
  EXPECT_EQ(TicketsOf(resumed, "DISPATCHED"),
            (std::vector<std::string>{"tickets/3", "tickets/4"}));

  // A quiet stream still says where it starts, so that a reconnect after
  // it misses nothing that happened meanwhile.
  std::vector<SseEvent> quiet =
      Watch("/v1/events:watch?fromNow=true", housing, "start", 1);
  ASSERT_EQ(IdsOf(quiet, "start").size(), 1u);
  const std::string start_id = IdsOf(quiet, "start")[0];
  EXPECT_EQ(start_id, IdsOf(resumed, "DISPATCHED").back())
      << "starts after the latest event";
  CreateTicket("housing");  // while nobody watches
  EXPECT_EQ(
      TicketsOf(Watch("/v1/events:watch?fromNow=true&types=DISPATCHED", housing,
                      "DISPATCHED", 1, {{"Last-Event-ID", start_id}}),
                "DISPATCHED"),
      std::vector<std::string>{"tickets/5"});

  // A refused stream is an HTTP refusal, not an empty stream.
  Reply refused = Call("GET", "/v1/events:watch", "");
  EXPECT_EQ(refused.status, 401);
  Reply bad = Call("GET", "/v1/events:watch", housing, "",
                   {{"Last-Event-ID", "yesterday"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(ReasonOf(RefusalOf(bad)), v1::MALFORMED_REQUEST);
}

TEST_F(HttpGatewayTest, ConsoleSessionsAreCookiesWithACsrfToken) {
  const std::string housing = CreateDepartmentWithToken(bureau(), "housing");
  CreateTicket("housing");
  // A bad token signs nobody in.
  Reply bad = Call("POST", "/console/session", "", R"({"token":"hl_wrong"})");
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.Header("Set-Cookie"), "");
  // A form post (what another site could make a browser send) is refused.
  Reply form = Call("POST", "/console/session", "", "token=" + housing,
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);

  Reply signed_in = Call("POST", "/console/session", "",
                         absl::StrCat(R"({"token":")", housing, R"("})"));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string cookie_header = signed_in.Header("Set-Cookie");
  EXPECT_THAT(cookie_header, HasSubstr("HttpOnly"));
  EXPECT_THAT(cookie_header, HasSubstr("SameSite=Strict"));
  EXPECT_THAT(signed_in.body,
              HasSubstr("\"principal\":\"department/housing\""));
  EXPECT_THAT(signed_in.body, ::testing::Not(HasSubstr(housing)));
  const std::string cookie = cookie_header.substr(0, cookie_header.find(';'));
  google::protobuf::Struct session =
      Parse<google::protobuf::Struct>(signed_in.body);
  const std::string csrf = session.fields().at("csrfToken").string_value();
  ASSERT_FALSE(csrf.empty());

  // The cookie reads what the token may read.
  Reply read = Call("GET", "/v1/tickets/1", "", "", {{"Cookie", cookie}});
  EXPECT_EQ(read.status, 200) << read.body;
  // A change with the cookie alone is refused, and changes nothing.
  Reply forged = Call("POST", "/v1/tickets/1:acknowledge", "",
                      R"({"etag":"2"})", {{"Cookie", cookie}});
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(ReasonOf(RefusalOf(forged)), v1::CSRF_TOKEN_MISSING);
  Reply wrong =
      Call("POST", "/v1/tickets/1:acknowledge", "", R"({"etag":"2"})",
           {{"Cookie", cookie},
            {"X-CSRF-Token",
             std::string(1, csrf[0] == '0' ? '1' : '0') + csrf.substr(1)}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(Fetch("tickets/1").state(), v1::Ticket::DISPATCHED);
  // With the session's CSRF token it goes through.
  Reply acknowledged =
      Call("POST", "/v1/tickets/1:acknowledge", "",
           absl::StrCat(R"({"etag":")", Fetch("tickets/1").etag(), R"("})"),
           {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(acknowledged.status, 200) << acknowledged.body;
  // Two session cookies (one could be planted): neither is taken.
  Reply doubled = Call("GET", "/v1/tickets/1", "", "",
                       {{"Cookie", cookie + "; hotline_session=planted"}});
  EXPECT_EQ(doubled.status, 401);
  // The session answers who is signed in, with the same CSRF token.
  Reply again = Call("GET", "/console/session", "", "", {{"Cookie", cookie}});
  EXPECT_EQ(again.status, 200);
  EXPECT_THAT(again.body, HasSubstr(csrf));
  // Signing out ends it.
  EXPECT_EQ(
      Call("DELETE", "/console/session", "", "", {{"Cookie", cookie}}).status,
      403);
  Reply out = Call("DELETE", "/console/session", "", "",
                   {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_THAT(out.Header("Set-Cookie"), HasSubstr("Max-Age=0"));
  Reply ended = Call("GET", "/v1/tickets/1", "", "", {{"Cookie", cookie}});
  EXPECT_EQ(ended.status, 401);
  EXPECT_EQ(ReasonOf(RefusalOf(ended)), v1::SESSION_EXPIRED);
}

TEST_F(HttpGatewayTest, TheConsoleIsServedWithAStrictContentSecurityPolicy) {
  Reply root = Call("GET", "/", "");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.Header("Location"), "/console/");
  Reply index = Call("GET", "/console/", "");
  ASSERT_EQ(index.status, 200);
  EXPECT_THAT(index.Header("Content-Type"), HasSubstr("text/html"));
  const std::string policy = index.Header("Content-Security-Policy");
  EXPECT_THAT(policy, HasSubstr("script-src 'self'"));
  EXPECT_THAT(policy, ::testing::Not(HasSubstr("unsafe-inline")));
  EXPECT_EQ(index.Header("X-Content-Type-Options"), "nosniff");
  // No inline script in the page itself.
  EXPECT_THAT(index.body, ::testing::Not(HasSubstr("<script>")));
  // Nothing outside the console's directory.
  EXPECT_EQ(Call("GET", "/console/../CMakeLists.txt", "").status, 404);
  EXPECT_EQ(Call("GET", "/console/%2e%2e/CMakeLists.txt", "").status, 404);
  EXPECT_EQ(Call("GET", "/console/.git/config", "").status, 404);
  EXPECT_EQ(Call("POST", "/console/index.html", "", "{}").status, 405);
  EXPECT_EQ(Call("HEAD", "/console/", "").status, 200);
  // API answers carry the policy too, and are not cached.
  Reply api = Call("GET", "/v1/caller", bureau_token_);
  EXPECT_THAT(api.Header("Content-Security-Policy"),
              HasSubstr("default-src 'self'"));
  EXPECT_EQ(api.Header("Cache-Control"), "no-store");
}

TEST_F(HttpGatewayTest, SlowConnectionsDoNotStopTheOthers) {
  // Few workers, so that a few slow clients would be enough to hold them.
  options_.http.threads = 8;
  RestartServer();
  const int port = server_->http_port();
  // 200 connections from 10 addresses, each sending a request's head a
  // header line at a time, never finishing it.
  std::vector<std::unique_ptr<TcpConnection>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<TcpConnection>(
        port, absl::StrCat("127.0.0.", 2 + i % 10)));
    ASSERT_TRUE(slow.back()->connected());
    slow.back()->Send("GET /v1/caller HTTP/1.1\r\nHost: x\r\n");
  }
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    while (!done.load()) {
      for (auto& connection : slow) connection->Send("X-Slow: 1\r\n");
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
  // Everyone else is answered meanwhile.
  for (int i = 0; i < 4; ++i) {
    Reply reply = Call("GET", "/v1/caller", bureau_token_);
    EXPECT_EQ(reply.status, 200) << reply.body;
  }
  done.store(true);
  trickle.join();
}

TEST_F(HttpGatewayTest, ARequestMustArriveInTimeWhateverItsPace) {
  options_.http.head_timeout = absl::Seconds(2);
  options_.http.body_timeout = absl::Seconds(2);
  RestartServer();
  const int port = server_->http_port();
  const std::string auth = "Authorization: Bearer " + bureau_token_ + "\r\n";
  // A head sent a line at a time, a body a byte at a time: each keeps
  // sending, neither finishes in time, and both are cut off.
  TcpConnection slow_head(port);
  TcpConnection slow_body(port);
  ASSERT_TRUE(slow_head.Send("GET /v1/caller HTTP/1.1\r\nHost: x\r\n"));
  ASSERT_TRUE(slow_body.Send("POST /v1/tickets HTTP/1.1\r\nHost: x\r\n" + auth +
                             "Content-Type: application/json\r\n"
                             "Content-Length: 1000\r\n\r\n{"));
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  bool head_alive = true;
  bool body_alive = true;
  while ((head_alive || body_alive) && absl::Now() < deadline) {
    head_alive = head_alive && slow_head.Send("X-Slow: 1\r\n");
    body_alive = body_alive && slow_body.Send(" ");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_TRUE(slow_head.ClosedByTheServer(absl::Seconds(1)))
      << "a head sent slowly was never cut off";
  EXPECT_TRUE(slow_body.ClosedByTheServer(absl::Seconds(1)))
      << "a body sent slowly was never cut off";
}

TEST_F(HttpGatewayTest, AHeadThatCondemnsTheRequestIsAnsweredAtOnce) {
  // The server would wait an hour for a body: the answers below come
  // without it.
  options_.http.body_timeout = absl::Hours(1);
  RestartServer();
  const int port = server_->http_port();
  const std::string post =
      "POST /v1/tickets HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer " +
      bureau_token_ + "\r\nContent-Type: application/json\r\n";
  const int before = TicketCount();
  TcpConnection over(port);
  ASSERT_TRUE(over.Send(post + "Content-Length: " +
                        std::to_string(options_.max_message_bytes + 1) +
                        "\r\n\r\n"));
  EXPECT_EQ(over.Status(), 413);
  // The body it announced is not read as the next request: the
  // connection ends.
  EXPECT_TRUE(over.ClosedByTheServer());
  EXPECT_THAT(over.received(), HasSubstr("Connection: close"));
  EXPECT_THAT(over.body(), HasSubstr("BODY_TOO_LARGE"));

  // A length that is not a number: nothing can be read after it. (A server
  // taking the leading digits reads 12 bytes of body.)
  TcpConnection malformed(port);
  ASSERT_TRUE(malformed.Send(post + "Content-Length: 12abc\r\n\r\n"));
  EXPECT_EQ(malformed.Status(), 400);
  EXPECT_TRUE(malformed.ClosedByTheServer());
  EXPECT_THAT(malformed.body(), HasSubstr("Content-Length"));

  // Two lengths that differ (a proxy in front may take the other one, and
  // the rest of the body would be read as another request).
  TcpConnection two(port);
  ASSERT_TRUE(two.Send(
      "GET /v1/caller HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
      bureau_token_ + "\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\n"));
  EXPECT_EQ(two.Status(), 400);
  EXPECT_TRUE(two.ClosedByTheServer());
  EXPECT_THAT(two.body(), HasSubstr("Content-Length"));
  EXPECT_EQ(TicketCount(), before);
}

TEST_F(HttpGatewayTest, OneAddressCannotHoldEveryConnection) {
  options_.http.max_connections_per_address = 4;
  RestartServer();
  const int port = server_->http_port();
  std::vector<std::unique_ptr<TcpConnection>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<TcpConnection>(port, "127.0.0.7"));
    ASSERT_TRUE(idle.back()->connected());
  }
  // One more from there is refused, saying why, before it sends anything.
  TcpConnection fifth(port, "127.0.0.7");
  EXPECT_EQ(fifth.Status(), 503);
  EXPECT_TRUE(fifth.ClosedByTheServer());
  EXPECT_THAT(fifth.body(), HasSubstr("127.0.0.7"));
  // Other addresses are served.
  EXPECT_EQ(Call("GET", "/v1/caller", bureau_token_).status, 200);
  TcpConnection other(port, "127.0.0.8");
  ASSERT_TRUE(
      other.Send("GET /v1/caller HTTP/1.1\r\nHost: x\r\n"
                 "Authorization: Bearer " +
                 bureau_token_ + "\r\n\r\n"));
  EXPECT_EQ(other.Status(), 200);
  // Once one of the four closes, the address gets its place back.
  idle.pop_back();
  int status = 0;
  for (int i = 0; i < 300 && status != 200; ++i) {
    TcpConnection again(port, "127.0.0.7");
    again.Send("GET /v1/caller HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               bureau_token_ + "\r\n\r\n");
    status = again.Status();
    if (status != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  EXPECT_EQ(status, 200);
}

TEST_F(HttpGatewayTest, SigningOutEndsTheSessionsEventStreams) {
  const std::string housing = CreateDepartmentWithToken(bureau(), "housing");
  Reply signed_in = Call("POST", "/console/session", "",
                         absl::StrCat(R"({"token":")", housing, R"("})"));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  const std::string cookie_header = signed_in.Header("Set-Cookie");
  const std::string cookie = cookie_header.substr(0, cookie_header.find(';'));
  const std::string csrf = Parse<google::protobuf::Struct>(signed_in.body)
                               .fields()
                               .at("csrfToken")
                               .string_value();
  TcpConnection stream(server_->http_port());
  ASSERT_TRUE(stream.Send(
      "GET /v1/events:watch?fromNow=true HTTP/1.1\r\nHost: x\r\nCookie: " +
      cookie + "\r\n\r\n"));
  ASSERT_EQ(stream.Status(), 200);
  // A stream of the same token opened with the token itself stays.
  TcpConnection by_token(server_->http_port());
  ASSERT_TRUE(
      by_token.Send("GET /v1/events:watch?fromNow=true HTTP/1.1\r\nHost: x\r\n"
                    "Authorization: Bearer " +
                    housing + "\r\n\r\n"));
  ASSERT_EQ(by_token.Status(), 200);

  Reply out = Call("DELETE", "/console/session", "", "",
                   {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  ASSERT_EQ(out.status, 204);
  // The stream ends (its last chunk, or the connection), saying why.
  EXPECT_TRUE(stream.ReadUntil([](const std::string& s) {
    return absl::StrContains(s, "\r\n0\r\n\r\n");
  })) << stream.received();
  EXPECT_THAT(stream.received(), HasSubstr("SESSION_EXPIRED"));
  CreateTicket("housing");
  EXPECT_TRUE(by_token.ReadUntil([](const std::string& s) {
    return absl::StrContains(s, "DISPATCHED");
  })) << by_token.received();
}

TEST_F(HttpGatewayTest, MislabelledRequestsAreRefused) {
  // The media type is parsed: type/subtype, then parameters.
  const int before = TicketCount();
  for (const std::string type :
       {"application/jsonx", "application/json-seq", "text/json",
        "application/json; charset=latin1", "application/json/x"}) {
    SCOPED_TRACE(type);
    Reply reply = Call("POST", "/v1/tickets", bureau_token_, "{}",
                       {{"Content-Type", type}});
    EXPECT_EQ(reply.status, 415) << reply.body;
    EXPECT_EQ(ReasonOf(RefusalOf(reply)), v1::UNSUPPORTED_MEDIA_TYPE);
  }
  for (const std::string type : {"application/json", "Application/JSON",
                                 "application/json;charset=utf-8",
                                 "application/json ; charset=\"UTF-8\""}) {
    SCOPED_TRACE(type);
    Reply reply = Call("POST", "/v1/tickets", bureau_token_, "{}",
                       {{"Content-Type", type}});
    // Read as JSON: the service's own refusal of an empty draft.
    EXPECT_EQ(ReasonOf(RefusalOf(reply)), v1::INVALID_FIELD) << reply.body;
  }
  EXPECT_EQ(TicketCount(), before);
  // A NUL in a file's name ends it early for the file system, not for the
  // type: nothing is served as another type than its own.
  Reply nul = Call("GET", "/console/js/app.js%00.html", "");
  EXPECT_EQ(nul.status, 404);
  EXPECT_THAT(nul.Header("Content-Type"), ::testing::Not(HasSubstr("html")));
  // Plain HTTP carries no HSTS (it is for HTTPS answers).
  EXPECT_EQ(Call("GET", "/v1/caller", bureau_token_)
                .Header("Strict-Transport-Security"),
            "");
}

// HTTPS with the server's --tls_cert and --tls_key: a client trusting the CA
// reads over it, plaintext HTTP does not, and replacing the files rotates
// the certificate without a restart.
class HttpsTest : public ServerTest {
 protected:
  void SetUp() override {
    absl::StatusOr<Pem> ca = MakeCertificateAuthority("first CA");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_file_ = dir_.File("first-ca.crt");
    ASSERT_TRUE(WriteFileAtomically(ca_file_, ca->certificate).ok());
    absl::StatusOr<Pem> server = IssueCertificate(*ca, ServerCertificate());
    ASSERT_TRUE(server.ok()) << server.status();
    absl::StatusOr<CertificateFiles> files =
        WritePem(*server, dir_.path(), "server");
    ASSERT_TRUE(files.ok()) << files.status();
    files_ = *files;
    options_.transport.cert_file = files_.certificate_file;
    options_.transport.key_file = files_.key_file;
    options_.transport.refresh_interval = absl::Seconds(1);
    options_.http.listen_address = "127.0.0.1:0";
    // ServerTest's own gRPC client: token over TLS.
    ServerTest::SetUp();
  }

  // GET /v1/caller over HTTPS trusting `ca_file`; the HTTP status, or 0
  // when the connection fails (e.g. the certificate is not trusted).
  int HttpsStatus(const std::string& ca_file) {
    httplib::SSLClient client("127.0.0.1", server_->http_port());
    client.set_ca_cert_path(ca_file);
    client.enable_server_certificate_verification(true);
    client.set_connection_timeout(5);
    httplib::Result result = client.Get(
        "/v1/caller", {{"Authorization", "Bearer " + bureau_token_}});
    if (result) hsts_ = result->get_header_value("Strict-Transport-Security");
    return result ? result->status : 0;
  }

  std::string hsts_;
  std::string ca_file_;
  CertificateFiles files_;
};

TEST_F(HttpsTest, ServesHttpsAndRotatesItsCertificateWithoutARestart) {
  EXPECT_EQ(HttpsStatus(ca_file_), 200);
  // Browsers are told to come back over HTTPS only.
  EXPECT_THAT(hsts_, HasSubstr("max-age="));
  // Plaintext HTTP to the HTTPS port gets no answer.
  httplib::Client plain("127.0.0.1", server_->http_port());
  plain.set_connection_timeout(5);
  plain.set_read_timeout(5);
  httplib::Result result = plain.Get("/v1/caller");
  EXPECT_TRUE(!result || result->status != 200);

  // A certificate from another CA replaces the files.
  absl::StatusOr<Pem> second_ca = MakeCertificateAuthority("second CA");
  ASSERT_TRUE(second_ca.ok());
  const std::string second_ca_file = dir_.File("second-ca.crt");
  ASSERT_TRUE(WriteFileAtomically(second_ca_file, second_ca->certificate).ok());
  EXPECT_EQ(HttpsStatus(second_ca_file), 0);  // not yet
  absl::StatusOr<Pem> rotated =
      IssueCertificate(*second_ca, ServerCertificate());
  ASSERT_TRUE(rotated.ok());
  ASSERT_TRUE(WritePem(*rotated, dir_.path(), "server").ok());
  // Re-read every second; waited for generously (a loaded machine).
  bool rotated_in = false;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (!rotated_in && absl::Now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    rotated_in = HttpsStatus(second_ca_file) == 200;
  }
  EXPECT_TRUE(rotated_in) << "the new certificate was not served within 60 s";
  EXPECT_EQ(HttpsStatus(ca_file_), 0);  // the old one is gone
}

TEST(HttpGatewayStartTest, PlaintextOnANetworkAddressIsRefusedSayingWhy) {
  gateway::HttpGatewayOptions options;
  options.listen_address = "0.0.0.0:0";
  absl::StatusOr<std::unique_ptr<gateway::HttpGateway>> refused =
      gateway::HttpGateway::Start(
          options, nullptr,
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              v1::HotlineService::service_full_name()));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("--tls_cert"));
  options.listen_address = "127.0.0.1";
  EXPECT_EQ(
      gateway::HttpGateway::Start(
          options, nullptr,
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              v1::HotlineService::service_full_name()))
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hotline::testing
