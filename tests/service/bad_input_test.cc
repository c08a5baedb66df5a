// Bad input for every method: each malformed, unknown, out-of-order or
// too-large request gets the right status code and an actionable message,
// and changes nothing.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::ServerTest;
using v1::Ticket;
using Code = absl::StatusCode;

struct Case {
  std::string label;
  std::function<absl::Status()> call;
  Code code;
  std::string says;  // part of the message
};

class BadInputTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    dispatched_ = CreateTicket("housing");
    in_progress_ = CreateTicket("housing");
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(in_progress_.name());
    in_progress_ = *housing_->AcknowledgeTicket(ack);
    closed_ = CreateTicket("housing");
    ack.set_name(closed_.name());
    ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
    v1::ReplyTicketRequest reply;
    reply.set_name(closed_.name());
    reply.set_reply_text("done");
    reply.set_outcome(Ticket::RESOLVED);
    ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
    v1::CloseTicketRequest close;
    close.set_name(closed_.name());
    close.set_satisfaction(Ticket::SATISFIED);
    ASSERT_TRUE(bureau().CloseTicket(close).ok());
    v1::CreateTokenRequest token;
    token.mutable_token()->set_principal("intake/old");
    revoked_token_ = *bureau().CreateToken(token);
    v1::RevokeTokenRequest revoke;
    revoke.set_name(revoked_token_.name());
    ASSERT_TRUE(bureau().RevokeToken(revoke).ok());
  }

  // Everything a request could change, as seen by the bureau.
  std::string Snapshot() {
    std::string out;
    v1::ListTicketsRequest tickets;
    tickets.set_page_size(500);
    absl::StatusOr<v1::ListTicketsResponse> all = bureau().ListTickets(tickets);
    EXPECT_TRUE(all.ok());
    for (const Ticket& t : all->tickets()) {
      absl::StrAppend(&out, t.SerializeAsString(), "|",
                      History(t.name()).size(), "\n");
    }
    absl::StatusOr<v1::ListDepartmentsResponse> departments =
        bureau().ListDepartments(v1::ListDepartmentsRequest());
    absl::StatusOr<v1::ListTokensResponse> tokens =
        bureau().ListTokens(v1::ListTokensRequest());
    absl::StrAppend(&out, departments->SerializeAsString(),
                    tokens->SerializeAsString());
    return out;
  }

  void Check(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      SCOPED_TRACE(c.label);
      const std::string before = Snapshot();
      absl::Status status = c.call();
      EXPECT_EQ(status.code(), c.code) << status;
      EXPECT_NE(status.message().find(c.says), std::string::npos) << status;
      EXPECT_EQ(Snapshot(), before) << "the request changed something";
    }
  }

  std::unique_ptr<Client> housing_;
  Ticket dispatched_;
  Ticket in_progress_;
  Ticket closed_;
  v1::Token revoked_token_;
};

absl::Status Create(Client& client,
                    std::function<void(v1::CreateTicketRequest&)> spoil) {
  v1::CreateTicketRequest request;
  *request.mutable_ticket() = ServerTest::Draft();
  spoil(request);
  return client.CreateTicket(request).status();
}

TEST_F(BadInputTest, CreateTicket) {
  Client& b = bureau();
  auto create = [&b](std::function<void(v1::CreateTicketRequest&)> spoil) {
    return [&b, spoil] { return Create(b, spoil); };
  };
  Check({
      {"no type", create([](auto& r) { r.mutable_ticket()->clear_type(); }),
       Code::kInvalidArgument, "ticket.type"},
      {"unknown type", create([](auto& r) {
         r.mutable_ticket()->set_type(static_cast<Ticket::Type>(42));
       }),
       Code::kInvalidArgument, "got 42"},
      {"unknown urgency", create([](auto& r) {
         r.mutable_ticket()->set_urgency(static_cast<Ticket::Urgency>(7));
       }),
       Code::kInvalidArgument, "ticket.urgency"},
      {"no topic", create([](auto& r) { r.mutable_ticket()->clear_topic(); }),
       Code::kInvalidArgument, "ticket.topic is required"},
      {"no title", create([](auto& r) { r.mutable_ticket()->clear_title(); }),
       Code::kInvalidArgument, "ticket.title is required"},
      {"no content",
       create([](auto& r) { r.mutable_ticket()->set_content(" \n"); }),
       Code::kInvalidArgument, "ticket.content is required"},
      {"title too long", create([](auto& r) {
         r.mutable_ticket()->set_title(std::string(201, 'x'));
       }),
       Code::kInvalidArgument, "at most 200"},
      {"content too long", create([](auto& r) {
         r.mutable_ticket()->set_content(std::string(20001, 'x'));
       }),
       Code::kInvalidArgument, "at most 20000"},
      {"bad phone",
       create([](auto& r) { r.mutable_ticket()->set_caller_phone("abc"); }),
       Code::kInvalidArgument, "caller_phone"},
      {"received in the future", create([this](auto& r) {
         r.mutable_ticket()->mutable_received_at()->set_seconds(
             absl::ToUnixSeconds(clock_.Now()) + 3600);
       }),
       Code::kInvalidArgument, "future"},
      {"request id too long",
       create([](auto& r) { r.set_request_id(std::string(65, 'r')); }),
       Code::kInvalidArgument, "request_id"},
      {"malformed dispatch_to",
       create([](auto& r) { r.set_dispatch_to("housing"); }),
       Code::kInvalidArgument, "dispatch_to"},
      {"unknown dispatch_to",
       create([](auto& r) { r.set_dispatch_to("departments/nobody"); }),
       Code::kNotFound, "does not exist"},
      {"message too large", create([](auto& r) {
         r.mutable_ticket()->set_content(std::string(5 << 20, 'x'));
       }),
       Code::kResourceExhausted, ""},
  });
}

TEST_F(BadInputTest, ReadsAndLists) {
  Client& b = bureau();
  auto get = [&b](std::string name) {
    return [&b, name] {
      v1::GetTicketRequest r;
      r.set_name(name);
      return b.GetTicket(r).status();
    };
  };
  auto list = [&b](std::function<void(v1::ListTicketsRequest&)> set) {
    return [&b, set] {
      v1::ListTicketsRequest r;
      set(r);
      return b.ListTickets(r).status();
    };
  };
  v1::ListTicketsRequest first;
  first.set_page_size(1);
  first.set_filter("state = DISPATCHED OR");
  v1::ListTicketsRequest paged;
  paged.set_page_size(1);
  const std::string token = b.ListTickets(paged)->next_page_token();
  ASSERT_FALSE(token.empty());
  auto events = [&b](std::function<void(v1::ListTicketEventsRequest&)> set) {
    return [&b, set] {
      v1::ListTicketEventsRequest r;
      set(r);
      return b.ListTicketEvents(r).status();
    };
  };
  const std::string name = dispatched_.name();
  Check({
      {"get: no name", get(""), Code::kInvalidArgument, "name is required"},
      {"get: malformed", get("tickets/abc"), Code::kInvalidArgument,
       "not a valid name"},
      {"get: unknown", get("tickets/424242"), Code::kNotFound,
       "does not exist"},
      {"list: negative page size", list([](auto& r) { r.set_page_size(-5); }),
       Code::kInvalidArgument, "page_size"},
      {"list: malformed page token",
       list([](auto& r) { r.set_page_token("garbage!"); }),
       Code::kInvalidArgument, "page_token is malformed"},
      {"list: token of another filter", list([token](auto& r) {
         r.set_page_size(1);
         r.set_filter("state = CLOSED");
         r.set_page_token(token);
       }),
       Code::kInvalidArgument, "different list request"},
      {"list: bad filter", list([](auto& r) { r.set_filter("colour = red"); }),
       Code::kInvalidArgument, "unknown field"},
      {"events: no parent", events([](auto&) {}), Code::kInvalidArgument,
       "parent is required"},
      {"events: unknown ticket",
       events([](auto& r) { r.set_parent("tickets/99999"); }), Code::kNotFound,
       "does not exist"},
      {"events: negative page size", events([name](auto& r) {
         r.set_parent(name);
         r.set_page_size(-1);
       }),
       Code::kInvalidArgument, "page_size"},
      {"events: malformed token", events([name](auto& r) {
         r.set_parent(name);
         r.set_page_token("%%%");
       }),
       Code::kInvalidArgument, "page_token"},
  });
}

TEST_F(BadInputTest, StateChanges) {
  Client& b = bureau();
  Client& h = *housing_;
  auto dispatch = [&b](std::string name, std::string department,
                       std::string etag = "", std::string note = "") {
    return [=, &b] {
      v1::DispatchTicketRequest r;
      r.set_name(name);
      r.set_department(department);
      r.set_etag(etag);
      r.set_note(note);
      return b.DispatchTicket(r).status();
    };
  };
  auto ack = [&h](std::string name, std::string etag = "") {
    return [=, &h] {
      v1::AcknowledgeTicketRequest r;
      r.set_name(name);
      r.set_etag(etag);
      return h.AcknowledgeTicket(r).status();
    };
  };
  auto give_back = [&h](std::string name, std::string reason) {
    return [=, &h] {
      v1::ReturnTicketRequest r;
      r.set_name(name);
      r.set_reason(reason);
      return h.ReturnTicket(r).status();
    };
  };
  auto reply = [&h](std::string name, std::string text, int outcome) {
    return [=, &h] {
      v1::ReplyTicketRequest r;
      r.set_name(name);
      r.set_reply_text(text);
      r.set_outcome(static_cast<Ticket::Outcome>(outcome));
      return h.ReplyTicket(r).status();
    };
  };
  auto close = [&b](std::string name, int satisfaction) {
    return [=, &b] {
      v1::CloseTicketRequest r;
      r.set_name(name);
      r.set_satisfaction(static_cast<Ticket::Satisfaction>(satisfaction));
      return b.CloseTicket(r).status();
    };
  };
  auto reopen = [&b](std::string name, std::string reason) {
    return [=, &b] {
      v1::ReopenTicketRequest r;
      r.set_name(name);
      r.set_reason(reason);
      return b.ReopenTicket(r).status();
    };
  };
  const std::string d = dispatched_.name();
  const std::string p = in_progress_.name();
  const std::string c = closed_.name();
  Check({
      {"dispatch: no department", dispatch(d, ""), Code::kInvalidArgument,
       "department is required"},
      {"dispatch: malformed department", dispatch(d, "market"),
       Code::kInvalidArgument, "departments/{id}"},
      {"dispatch: unknown department", dispatch(d, "departments/nobody"),
       Code::kNotFound, "does not exist"},
      {"dispatch: same department", dispatch(d, "departments/housing"),
       Code::kFailedPrecondition, "already assigned"},
      {"dispatch: closed ticket", dispatch(c, "departments/market"),
       Code::kFailedPrecondition, "is CLOSED"},
      {"dispatch: stale etag", dispatch(d, "departments/market", "999"),
       Code::kAborted, "changed since etag"},
      {"dispatch: unknown ticket",
       dispatch("tickets/5555", "departments/market"), Code::kNotFound,
       "does not exist"},
      {"dispatch: note too long",
       dispatch(d, "departments/market", "", std::string(2001, 'n')),
       Code::kInvalidArgument, "note"},
      {"ack: wrong state", ack(p), Code::kFailedPrecondition,
       "is IN_PROGRESS; AcknowledgeTicket needs it to be DISPATCHED"},
      {"ack: stale etag", ack(d, "1"), Code::kAborted, "read it again"},
      {"ack: malformed name", ack("tickets/"), Code::kInvalidArgument,
       "not a valid name"},
      {"return: no reason", give_back(d, ""), Code::kInvalidArgument,
       "reason is required"},
      {"return: reason too long", give_back(d, std::string(2001, 'r')),
       Code::kInvalidArgument, "at most 2000"},
      {"reply: no text", reply(p, "", Ticket::RESOLVED), Code::kInvalidArgument,
       "reply_text is required"},
      {"reply: unknown outcome", reply(p, "ok", 99), Code::kInvalidArgument,
       "outcome"},
      {"reply: no outcome", reply(p, "ok", 0), Code::kInvalidArgument,
       "outcome"},
      {"reply: text too long", reply(p, std::string(20001, 't'), 1),
       Code::kInvalidArgument, "reply_text"},
      {"reply: not yet signed for", reply(d, "ok", Ticket::RESOLVED),
       Code::kFailedPrecondition, "is DISPATCHED"},
      {"close: no satisfaction", close(c, 0), Code::kInvalidArgument,
       "satisfaction"},
      {"close: unknown satisfaction", close(c, 7), Code::kInvalidArgument,
       "satisfaction"},
      {"close: not replied", close(p, Ticket::SATISFIED),
       Code::kFailedPrecondition, "is IN_PROGRESS"},
      {"reopen: no reason", reopen(c, " "), Code::kInvalidArgument,
       "reason is required"},
      {"reopen: in progress", reopen(p, "again"), Code::kFailedPrecondition,
       "needs it to be REPLIED or CLOSED"},
  });
}

TEST_F(BadInputTest, DepartmentsAndTokens) {
  Client& b = bureau();
  auto department = [&b](std::string id, std::string display_name) {
    return [=, &b] {
      v1::CreateDepartmentRequest r;
      r.set_department_id(id);
      r.mutable_department()->set_display_name(display_name);
      return b.CreateDepartment(r).status();
    };
  };
  auto get_department = [&b](std::string name) {
    return [=, &b] {
      v1::GetDepartmentRequest r;
      r.set_name(name);
      return b.GetDepartment(r).status();
    };
  };
  auto token = [&b](std::string principal) {
    return [=, &b] {
      v1::CreateTokenRequest r;
      r.mutable_token()->set_principal(principal);
      return b.CreateToken(r).status();
    };
  };
  auto revoke = [&b](std::string name) {
    return [=, &b] {
      v1::RevokeTokenRequest r;
      r.set_name(name);
      return b.RevokeToken(r).status();
    };
  };
  Check({
      {"department: uppercase id", department("Housing2", "x"),
       Code::kInvalidArgument, "lowercase"},
      {"department: empty id", department("", "x"), Code::kInvalidArgument,
       "department_id"},
      {"department: no display name", department("parks", ""),
       Code::kInvalidArgument, "display_name is required"},
      {"department: display name too long",
       department("parks", std::string(101, 'x')), Code::kInvalidArgument,
       "at most 100"},
      {"department: exists", department("housing", "again"),
       Code::kAlreadyExists, "already exists"},
      {"get department: malformed", get_department("housing"),
       Code::kInvalidArgument, "departments/{id}"},
      {"get department: unknown", get_department("departments/nobody"),
       Code::kNotFound, "does not exist"},
      {"list departments: negative page size",
       [&b] {
         v1::ListDepartmentsRequest r;
         r.set_page_size(-1);
         return b.ListDepartments(r).status();
       },
       Code::kInvalidArgument, "page_size"},
      {"list tokens: bad page token",
       [&b] {
         v1::ListTokensRequest r;
         r.set_page_token("x");
         return b.ListTokens(r).status();
       },
       Code::kInvalidArgument, "page_token"},
      {"token: no principal", token(""), Code::kInvalidArgument,
       "principal is required"},
      {"token: bad principal", token("root"), Code::kInvalidArgument,
       "must be \"bureau\""},
      {"token: unknown department", token("department/nobody"), Code::kNotFound,
       "create it with CreateDepartment"},
      {"revoke: malformed", revoke("3"), Code::kInvalidArgument,
       "tokens/{number}"},
      {"revoke: unknown", revoke("tokens/777"), Code::kNotFound,
       "does not exist"},
      {"revoke: already revoked", revoke(revoked_token_.name()),
       Code::kFailedPrecondition, "already revoked"},
  });
}

// Sends `request` serialized, with every "MARK" in its bytes replaced by
// `replacement` (same length), to `method` as `token`: a client that sends
// what the generated code would refuse to serialize, as any gRPC library in
// another language can.
absl::Status RawCall(const std::string& address, const std::string& token,
                     const std::string& method,
                     const google::protobuf::Message& request,
                     const std::string& replacement) {
  std::string bytes = request.SerializeAsString();
  bytes = absl::StrReplaceAll(bytes, {{"MARK", replacement}});
  grpc::GenericStub stub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(60));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &in, &out,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = std::move(s);
                   done = true;
                   cv.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

// Item 12 of issue 9: input limits.
TEST_F(BadInputTest, HugeInputIsRefusedWithAShortEcho) {
  Client& b = bureau();
  const std::string huge(9000, 'a');
  auto short_message = [](const absl::Status& status) {
    return status.message().size() < 400;
  };
  struct Call {
    std::string label;
    std::function<absl::Status()> call;
    std::string says;
  };
  const std::vector<Call> calls = {
      {"get ticket",
       [&] {
         v1::GetTicketRequest r;
         r.set_name("tickets/" + huge);
         return b.GetTicket(r).status();
       },
       "name \"tickets/aaaa"},
      {"dispatch to",
       [&] {
         v1::DispatchTicketRequest r;
         r.set_name(dispatched_.name());
         r.set_department("departments/" + huge);
         return b.DispatchTicket(r).status();
       },
       "department \"departments/aaa"},
      {"create department",
       [&] {
         v1::CreateDepartmentRequest r;
         r.set_department_id(huge);
         r.mutable_department()->set_display_name("x");
         return b.CreateDepartment(r).status();
       },
       "department_id \"aaa"},
      {"create token",
       [&] {
         v1::CreateTokenRequest r;
         r.mutable_token()->set_principal("intake/" + huge);
         return b.CreateToken(r).status();
       },
       "principal \"intake/aaa"},
      {"filter value",
       [&] {
         v1::ListTicketsRequest r;
         r.set_filter("state = " + std::string(3000, 'a'));
         return b.ListTickets(r).status();
       },
       "\"aaaa"},
      {"filter too long",
       [&] {
         v1::ListTicketsRequest r;
         r.set_filter("topic = " + huge);
         return b.ListTickets(r).status();
       },
       "filter is 9008 bytes long; at most 4000"},
  };
  for (const Call& c : calls) {
    SCOPED_TRACE(c.label);
    const absl::Status status = c.call();
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.code();
    EXPECT_NE(status.message().find(c.says), std::string::npos)
        << status.message().substr(0, 200);
    EXPECT_TRUE(short_message(status)) << status.message().size();
  }
}

TEST_F(BadInputTest, TimesOutOfRange) {
  Client& b = bureau();
  auto filter = [&b](std::string f) {
    return [&b, f] {
      v1::ListTicketsRequest r;
      r.set_filter(f);
      return b.ListTickets(r).status();
    };
  };
  auto cards = [&b](int64_t from_seconds, int64_t to_seconds) {
    return [&b, from_seconds, to_seconds] {
      v1::ListCardsRequest r;
      if (from_seconds != 0) r.mutable_issued_from()->set_seconds(from_seconds);
      if (to_seconds != 0) r.mutable_issued_to()->set_seconds(to_seconds);
      return b.ListCards(r).status();
    };
  };
  constexpr int64_t kYear559000 = 17578168992000;  // 559000-01-01T00:00:00Z
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max();
  Check({
      {"filter: after infinite-future",
       filter("received_at > \"infinite-future\""), Code::kInvalidArgument,
       "received_at infinite-future is out of range"},
      {"filter: before infinite-past",
       filter("received_at < \"infinite-past\""), Code::kInvalidArgument,
       "1970-01-01T00:00:00Z through"},
      {"filter: year 10000", filter("received_at >= \"10000-01-01T00:00:00Z\""),
       Code::kInvalidArgument, "out of range"},
      {"filter: 1969", filter("received_at <= \"1969-12-31T23:59:59Z\""),
       Code::kInvalidArgument, "out of range"},
      {"cards: year 559,000", cards(kYear559000, 0), Code::kInvalidArgument,
       "issued_from 559000-01-01T00:00:00Z is out of range"},
      {"cards: int64 seconds", cards(0, kMaxSeconds), Code::kInvalidArgument,
       "issued_to"},
      {"cards: before 1970", cards(-5, 0), Code::kInvalidArgument,
       "issued_from"},
      {"cards: bad nanos",
       [&b] {
         v1::ListCardsRequest r;
         r.mutable_issued_to()->set_seconds(1612918800);
         r.mutable_issued_to()->set_nanos(-1);
         return b.ListCards(r).status();
       },
       Code::kInvalidArgument, "issued_to.nanos"},
      {"statistics: as_of year 559,000",
       [&b] {
         v1::GetStatisticsRequest r;
         r.set_from_date("2021-02-01");
         r.set_to_date("2021-03-01");
         r.mutable_as_of()->set_seconds(kYear559000);
         return b.GetStatistics(r).status();
       },
       Code::kInvalidArgument, "as_of 559000-01-01T00:00:00Z is out of range"},
      {"create: received before 1970",
       [&b] {
         v1::CreateTicketRequest r;
         *r.mutable_ticket() = Draft();
         r.mutable_ticket()->mutable_received_at()->set_seconds(-86400);
         return b.CreateTicket(r).status();
       },
       Code::kInvalidArgument, "ticket.received_at 1969-12-31"},
  });
  // The same bounds inside the range still work.
  v1::ListTicketsRequest all;
  all.set_filter(
      "received_at > \"1970-01-01T00:00:00Z\" AND received_at < "
      "\"9999-12-31T23:59:59Z\"");
  absl::StatusOr<v1::ListTicketsResponse> listed = b.ListTickets(all);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->tickets_size(), 3);
  v1::ListCardsRequest ranged;
  ranged.mutable_issued_from()->set_seconds(0);
  ranged.mutable_issued_from()->set_nanos(1);
  ranged.mutable_issued_to()->set_seconds(253402300799);
  EXPECT_TRUE(b.ListCards(ranged).ok());
}

// A NUL is valid UTF-8, so protobuf lets it through; no text field takes
// one (it cuts strings short downstream).
TEST_F(BadInputTest, TextWithANulCharacterIsRefusedNamingTheField) {
  const std::string nul("a\0b", 3);
  auto create = [&](std::function<void(Ticket&)> spoil) {
    return [this, spoil] {
      return Create(bureau(), [&](v1::CreateTicketRequest& r) {
        spoil(*r.mutable_ticket());
      });
    };
  };
  v1::ReplyTicketRequest reply;
  reply.set_name(in_progress_.name());
  reply.set_reply_text(nul);
  reply.set_outcome(Ticket::RESOLVED);
  v1::ReturnTicketRequest give_back;
  give_back.set_name(dispatched_.name());
  give_back.set_reason(nul);
  v1::CreateDepartmentRequest department;
  department.set_department_id("parks");
  department.mutable_department()->set_display_name(nul);
  Check({
      {"title", create([&](Ticket& t) { t.set_title(nul); }),
       Code::kInvalidArgument, "ticket.title contains a NUL character"},
      {"topic", create([&](Ticket& t) { t.set_topic(nul); }),
       Code::kInvalidArgument, "ticket.topic contains a NUL character"},
      {"source_id", create([&](Ticket& t) { t.set_source_id(nul); }),
       Code::kInvalidArgument, "ticket.source_id contains a NUL character"},
      {"content", create([&](Ticket& t) { t.set_content(nul); }),
       Code::kInvalidArgument, "ticket.content contains a NUL character"},
      {"reply", [&] { return housing_->ReplyTicket(reply).status(); },
       Code::kInvalidArgument, "reply_text contains a NUL character"},
      {"return", [&] { return housing_->ReturnTicket(give_back).status(); },
       Code::kInvalidArgument, "reason contains a NUL character"},
      {"department",
       [&] { return bureau().CreateDepartment(department).status(); },
       Code::kInvalidArgument, "display_name contains a NUL character"},
  });
}

TEST_F(BadInputTest, StringsThatAreNotUtf8NameTheField) {
  // Each request carries "MARK" in one string field; the bytes sent put
  // "\xFF\xFE\xC0\x80" (never UTF-8) there instead.
  struct Raw {
    std::string method;
    std::function<std::unique_ptr<google::protobuf::Message>()> make;
    std::string field;
  };
  const std::string d = dispatched_.name();
  const std::vector<Raw> raws = {
      {"CreateTicket",
       [] {
         auto r = std::make_unique<v1::CreateTicketRequest>();
         *r->mutable_ticket() = Draft();
         r->mutable_ticket()->set_title("MARK");
         return r;
       },
       "ticket.title"},
      {"CreateDepartment",
       [] {
         auto r = std::make_unique<v1::CreateDepartmentRequest>();
         r->set_department_id("parks");
         r->mutable_department()->set_display_name("MARK");
         return r;
       },
       "department.display_name"},
      {"ListTickets",
       [] {
         auto r = std::make_unique<v1::ListTicketsRequest>();
         r->set_filter("topic = MARK");
         return r;
       },
       "filter"},
      {"DispatchTicket",
       [d] {
         auto r = std::make_unique<v1::DispatchTicketRequest>();
         r->set_name(d);
         r->set_department("departments/market");
         r->set_note("MARK");
         return r;
       },
       "note"},
  };
  for (const Raw& raw : raws) {
    SCOPED_TRACE(raw.method);
    const std::string before = Snapshot();
    const absl::Status status =
        RawCall(server_->address(), bureau_token_,
                "/hotline.v1.HotlineService/" + raw.method, *raw.make(),
                "\xFF\xFE\xC0\x80");
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << status;
    EXPECT_NE(status.message().find(raw.field), std::string::npos) << status;
    EXPECT_NE(status.message().find("UTF-8"), std::string::npos) << status;
    EXPECT_EQ(Snapshot(), before);
  }
  // A method the server lacks is still UNIMPLEMENTED.
  EXPECT_EQ(RawCall(server_->address(), bureau_token_,
                    "/hotline.v1.HotlineService/NoSuchMethod",
                    v1::ListTicketsRequest(), "")
                .code(),
            Code::kUnimplemented);
  // The same bytes as valid UTF-8 go through.
  v1::CreateDepartmentRequest ok;
  ok.set_department_id("parks");
  ok.mutable_department()->set_display_name("MARK");
  EXPECT_TRUE(RawCall(server_->address(), bureau_token_,
                      "/hotline.v1.HotlineService/CreateDepartment", ok, "公a")
                  .ok());
}

}  // namespace
}  // namespace hotline
