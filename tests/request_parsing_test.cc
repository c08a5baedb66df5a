// Parsing of what callers send: filters, page tokens, names, principals and
// ticket fields.
#include <functional>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/paging.h"
#include "server/ticket_filter.h"
#include "server/workflow/principal.h"
#include "server/workflow/validation.h"

namespace hotline {
namespace {

TEST(TicketFilter, EmptyMatchesEverything) {
  absl::StatusOr<storage::TicketQuery> query = ParseTicketFilter("  ");
  ASSERT_TRUE(query.ok());
  EXPECT_FALSE(query->state || query->department || query->type ||
               query->topic || query->urgency || query->source_id ||
               query->created_by || query->received_from_micros ||
               query->received_until_micros);
}

TEST(TicketFilter, ConjunctionOfEveryField) {
  absl::StatusOr<storage::TicketQuery> query = ParseTicketFilter(
      "state = in_progress AND department = \"departments/housing\" AND "
      "type=COMPLAINT AND topic = \"噪音 扰民\" AND urgency = URGENT AND "
      "source_id = SZ-1 AND created_by = intake/city AND "
      "received_at >= \"2021-02-10T00:00:00+08:00\" AND "
      "received_at < \"2021-02-11T00:00:00+08:00\"");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(*query->state, v1::Ticket::IN_PROGRESS);
  EXPECT_EQ(*query->department, "departments/housing");
  EXPECT_EQ(*query->type, v1::Ticket::COMPLAINT);
  EXPECT_EQ(*query->topic, "噪音 扰民");
  EXPECT_EQ(*query->urgency, v1::Ticket::URGENT);
  EXPECT_EQ(*query->source_id, "SZ-1");
  EXPECT_EQ(*query->created_by, "intake/city");
  const int64_t day_start = 1612886400LL * 1000000;  // 2021-02-10T00:00+08:00
  EXPECT_EQ(*query->received_from_micros, day_start);
  EXPECT_EQ(*query->received_until_micros, day_start + 86400LL * 1000000 - 1);
}

TEST(TicketFilter, BoundsTighten) {
  absl::StatusOr<storage::TicketQuery> query = ParseTicketFilter(
      "received_at > \"2021-01-01T00:00:00Z\" AND received_at >= "
      "\"2020-01-01T00:00:00Z\"");
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(*query->received_from_micros, 1609459200LL * 1000000 + 1);
}

TEST(TicketFilter, MistakesAreExplained) {
  struct Case {
    const char* filter;
    const char* says;
  };
  const Case cases[] = {
      {"state = DONE", "is not a state"},
      {"state = STATE_UNSPECIFIED", "is not a state"},
      {"colour = red", "unknown field \"colour\""},
      {"state IN_PROGRESS", "expected an operator"},
      {"state =", "incomplete condition"},
      {"state = RECEIVED OR state = CLOSED", "expected AND"},
      {"state = RECEIVED AND", "a condition must follow AND"},
      {"received_at != \"2021-01-01T00:00:00Z\"", "unknown operator"},
      {"topic > x", "supports only \"=\""},
      {"received_at >= yesterday", "RFC 3339"},
      {"department = housing", "departments/{id}"},
      {"topic = \"unterminated", "unterminated string"},
      {"created_by = everyone", "principal"},
      {"state != CLOSED", "unknown operator"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<storage::TicketQuery> query = ParseTicketFilter(c.filter);
    ASSERT_FALSE(query.ok()) << c.filter;
    EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(query.status().message().find(c.says), std::string::npos)
        << c.filter << " -> " << query.status();
  }
}

TEST(Paging, PageSizeDefaultsAndCaps) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
  EXPECT_EQ(*EffectivePageSize(7), 7);
  EXPECT_EQ(*EffectivePageSize(100000), kMaxPageSize);
  EXPECT_EQ(EffectivePageSize(-1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Paging, TokenRoundTripsWithinItsScope) {
  const std::string token = EncodePageToken("42", "ListTickets\nstate = X");
  EXPECT_EQ(*DecodePageToken(token, "ListTickets\nstate = X"), "42");
  EXPECT_EQ(*DecodePageToken("", "anything"), "");
  EXPECT_EQ(DecodePageToken(token, "ListTickets\nstate = Y").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("not a token!", "s").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken("bm9uc2Vuc2U", "s").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Names, TicketNames) {
  EXPECT_EQ(*ParseTicketName("tickets/12", "name"), 12);
  for (const char* bad : {"", "tickets/", "tickets/0", "tickets/-3",
                          "tickets/012", "tickets/1x", "ticket/1", "12"}) {
    EXPECT_EQ(ParseTicketName(bad, "name").status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  EXPECT_NE(ParseTicketName("", "parent").status().message().find("parent"),
            std::string::npos);
}

TEST(Names, DepartmentNamesAndPrincipals) {
  EXPECT_EQ(*ParseDepartmentName("departments/public-security", "d"),
            "public-security");
  EXPECT_FALSE(ParseDepartmentName("departments/Housing", "d").ok());
  EXPECT_FALSE(ParseDepartmentName("departments/", "d").ok());
  EXPECT_FALSE(
      ParseDepartmentName("departments/" + std::string(64, 'a'), "d").ok());
  EXPECT_EQ(Principal::Parse("department/housing")->DepartmentName(),
            "departments/housing");
  EXPECT_EQ(Principal::Parse("intake/city")->ToString(), "intake/city");
  EXPECT_EQ(Principal::Parse("bureau")->kind, Principal::Kind::kBureau);
  EXPECT_FALSE(Principal::Parse("admin").ok());
  EXPECT_FALSE(Principal::Parse("department/").ok());
  EXPECT_FALSE(Principal::Parse("intake/a b").ok());
}

v1::Ticket ValidDraft() {
  v1::Ticket ticket;
  ticket.set_type(v1::Ticket::COMPLAINT);
  ticket.set_topic("噪音");
  ticket.set_title("夜间施工");
  ticket.set_content("十点后仍施工");
  return ticket;
}

TEST(Validation, NewTicketLimitsCountCharactersNotBytes) {
  const absl::Time now = absl::FromUnixSeconds(1612918800);
  v1::Ticket ticket = ValidDraft();
  std::string title;
  for (int i = 0; i < 200; ++i) title += "噪";  // 200 characters, 600 bytes
  ticket.set_title(title);
  EXPECT_TRUE(ValidateNewTicket(ticket, now).ok());
  ticket.set_title(title + "音");
  absl::Status too_long = ValidateNewTicket(ticket, now);
  EXPECT_EQ(too_long.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(too_long.message().find("ticket.title is 201 characters"),
            std::string::npos)
      << too_long;
}

TEST(Validation, NewTicketRefusals) {
  const absl::Time now = absl::FromUnixSeconds(1612918800);
  struct Case {
    std::function<void(v1::Ticket&)> spoil;
    const char* field;
  };
  const Case cases[] = {
      {[](v1::Ticket& t) { t.set_type(v1::Ticket::TYPE_UNSPECIFIED); },
       "ticket.type"},
      {[](v1::Ticket& t) { t.set_type(static_cast<v1::Ticket::Type>(42)); },
       "ticket.type"},
      {[](v1::Ticket& t) {
         t.set_urgency(static_cast<v1::Ticket::Urgency>(9));
       },
       "ticket.urgency"},
      {[](v1::Ticket& t) { t.clear_topic(); }, "ticket.topic"},
      {[](v1::Ticket& t) { t.set_title("   "); }, "ticket.title"},
      {[](v1::Ticket& t) { t.clear_content(); }, "ticket.content"},
      {[](v1::Ticket& t) { t.set_content(std::string(20001, 'x')); },
       "ticket.content"},
      {[](v1::Ticket& t) { t.set_address(std::string(501, 'x')); },
       "ticket.address"},
      {[](v1::Ticket& t) { t.set_caller_phone("call me"); },
       "ticket.caller_phone"},
      {[](v1::Ticket& t) { t.set_source_id(std::string(65, 'x')); },
       "ticket.source_id"},
      {[now](v1::Ticket& t) {
         t.mutable_received_at()->set_seconds(absl::ToUnixSeconds(now) + 60);
       },
       "ticket.received_at"},
      {[](v1::Ticket& t) { t.mutable_received_at()->set_nanos(-1); },
       "ticket.received_at"},
  };
  for (const Case& c : cases) {
    v1::Ticket ticket = ValidDraft();
    c.spoil(ticket);
    absl::Status status = ValidateNewTicket(ticket, now);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(status.message().find(c.field), std::string::npos) << status;
  }
}

}  // namespace
}  // namespace hotline
