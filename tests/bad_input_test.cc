// Bad input for every method: each malformed, unknown, out-of-order or
// too-large request gets the right status code and an actionable message,
// and changes nothing.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/test_support.h"

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

}  // namespace
}  // namespace hotline
