// Parsing of what callers send: filters, page tokens, names, principals and
// ticket fields.
#include <functional>
#include <limits>
#include <string>

#include "absl/time/time.h"
#include "app/paging.h"
#include "app/ticket_filter.h"
#include "common/input_text.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "server/request_parse_errors.h"
#include "tools/csv_import.h"
#include "workflow/calendar.h"
#include "workflow/policy.h"
#include "workflow/principal.h"
#include "workflow/validation.h"

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

// Item 12 of issue 9: input limits, time ranges and UTF-8.

TEST(InputText, QuoteInputShowsAShortEscapedPrefix) {
  EXPECT_EQ(QuoteInput("tickets/abc"), "\"tickets/abc\"");
  EXPECT_EQ(QuoteInput(""), "\"\"");
  EXPECT_EQ(QuoteInput("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\x01\"");
  EXPECT_EQ(QuoteInput("caf\xE9!"), "\"caf\\xE9!\"");
  EXPECT_EQ(QuoteInput("噪音"), "\"噪音\"");
  const std::string huge(9000, 'a');
  EXPECT_EQ(QuoteInput(huge),
            "\"" + std::string(kMaxEchoChars, 'a') + "…\" (9000 characters)");
  std::string chinese;
  for (int i = 0; i < 50; ++i) chinese += "噪";
  const std::string quoted = QuoteInput(chinese);
  EXPECT_EQ(quoted.find("(50 characters)") != std::string::npos, true)
      << quoted;
  EXPECT_TRUE(IsValidUtf8(quoted));
  EXPECT_TRUE(IsValidUtf8(QuoteInput("\xE5\x99")));  // a cut character
}

TEST(InputText, Utf8IsCheckedAsProtobufDoes) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("噪音 扰民 \xF0\x9F\x98\x80"));  // with an emoji
  EXPECT_TRUE(IsValidUtf8("\xEF\xBB\xBF"));                // byte-order mark
  EXPECT_EQ(InvalidUtf8Offset("ab\xFF"), 2u);
  EXPECT_EQ(InvalidUtf8Offset("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(InvalidUtf8Offset("\xE0\x80\xAF"), 0u);      // overlong '/'
  EXPECT_EQ(InvalidUtf8Offset("x\xED\xA0\x80"), 1u);     // a surrogate
  EXPECT_EQ(InvalidUtf8Offset("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(InvalidUtf8Offset("噪\xE5\x99"), 3u);        // cut short
  EXPECT_EQ(InvalidUtf8Offset("\xC4\xFA\xBA\xC3"), 0u);  // GBK 您好
}

TEST(TicketFilter, TimesOutsideTheApiRangeAreRefused) {
  // absl::ParseTime accepts these; each used to make a bound that matched
  // every ticket, and > / < on the int64 limits overflowed.
  for (const char* filter : {
           "received_at > \"infinite-future\"",
           "received_at < \"infinite-past\"",
           "received_at >= \"infinite-past\"",
           "received_at = \"infinite-future\"",
           "received_at <= \"10000-01-01T00:00:00Z\"",
           "received_at > \"559000-01-01T00:00:00Z\"",
           "received_at < \"1969-12-31T23:59:59Z\"",
           "received_at < \"-292277022657-01-27T08:29:52Z\"",
       }) {
    absl::StatusOr<storage::TicketQuery> query = ParseTicketFilter(filter);
    ASSERT_FALSE(query.ok()) << filter;
    EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(query.status().message().find("received_at"), std::string::npos);
    EXPECT_NE(query.status().message().find(
                  "from 1970-01-01T00:00:00Z through 9999-12-31T23:59:59Z"),
              std::string::npos)
        << query.status();
  }
  absl::StatusOr<storage::TicketQuery> edges = ParseTicketFilter(
      "received_at > \"9999-12-31T23:59:59.999999Z\" AND received_at < "
      "\"1970-01-01T00:00:00Z\"");
  ASSERT_TRUE(edges.ok()) << edges.status();
  EXPECT_EQ(*edges->received_from_micros, 253402300800LL * 1000000);
  EXPECT_EQ(*edges->received_until_micros, -1);
}

TEST(TicketFilter, LongInputIsQuotedShortAndLongFiltersRefused) {
  const std::string word(3000, 'x');
  for (const std::string& filter :
       {"state = " + word, word + " = 1", word + " > 1", "department = " + word,
        "created_by = " + word}) {
    absl::StatusOr<storage::TicketQuery> query = ParseTicketFilter(filter);
    ASSERT_FALSE(query.ok());
    EXPECT_LT(query.status().message().size(), 400u) << query.status();
    EXPECT_NE(query.status().message().find("(3000 characters)"),
              std::string::npos)
        << query.status();
  }
  absl::StatusOr<storage::TicketQuery> too_long = ParseTicketFilter(
      "topic = \"" + std::string(kMaxFilterBytes, 'y') + "\"");
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("filter is 4010 bytes long"),
            std::string::npos)
      << too_long.status();
}

TEST(Names, LongNamesAreQuotedShort) {
  const std::string huge(9000, '9');
  for (const absl::Status& status :
       {ParseTicketName("tickets/x" + huge, "name").status(),
        ParseCardName(huge, "name").status(),
        ParseTokenName(huge, "name").status(),
        ParseDepartmentName("departments/" + huge, "department").status(),
        ParseDay(huge, "from_date").status(),
        Principal::Parse("intake/" + huge).status(),
        Principal::Parse(huge).status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_LT(status.message().size(), 300u) << status.message().size();
    EXPECT_NE(status.message().find(" characters)"), std::string::npos)
        << status;
  }
}

TEST(ProtoTime, ConversionsSaturateInsteadOfOverflowing) {
  google::protobuf::Timestamp far;
  far.set_seconds(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ToUnixMicros(far), std::numeric_limits<int64_t>::max());
  far.set_seconds(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ToUnixMicros(far), std::numeric_limits<int64_t>::min());
  far.set_seconds(17578168992000);  // 559000-01-01
  EXPECT_FALSE(IsValidProtoTime(far));
  google::protobuf::Timestamp ok;
  ok.set_seconds(1612918800);
  ok.set_nanos(123456789);
  EXPECT_EQ(ToUnixMicros(ok), 1612918800123456);
  EXPECT_TRUE(IsValidProtoTime(ok));
}

TEST(Validation, EveryRequestTimeIsWithinTheApiRange) {
  google::protobuf::Timestamp t;
  t.set_seconds(17578168992000);
  absl::Status status = CheckTimestamp(t, "issued_from");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "issued_from 559000-01-01T00:00:00Z is out of range; give a time "
            "from 1970-01-01T00:00:00Z through 9999-12-31T23:59:59Z");
  t.set_seconds(-1);
  EXPECT_FALSE(CheckTimestamp(t, "x").ok());
  t.set_seconds(0);
  EXPECT_TRUE(CheckTimestamp(t, "x").ok());
  t.set_seconds(253402300799);
  t.set_nanos(999999999);
  EXPECT_TRUE(CheckTimestamp(t, "x").ok());
  t.set_nanos(1000000000);
  EXPECT_NE(CheckTimestamp(t, "as_of").message().find("as_of.nanos"),
            std::string::npos);
  EXPECT_FALSE(CheckTime(absl::InfiniteFuture(), "x").ok());
  EXPECT_FALSE(CheckTime(absl::InfinitePast(), "x").ok());
}

TEST(Validation, NewTicketReceivedBefore1970IsRefused) {
  v1::Ticket ticket = ValidDraft();
  ticket.mutable_received_at()->set_seconds(-3600);
  absl::Status status =
      ValidateNewTicket(ticket, absl::FromUnixSeconds(1612918800));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("ticket.received_at 1969-12-31T23:00:00Z"),
            std::string::npos)
      << status;
}

TEST(ConfigFiles, PolicyTextThatIsNotUtf8IsRefusedWithItsLine) {
  absl::StatusOr<v1::Policy> policy =
      ParsePolicy("# ok\nversion = gd-\xB0\xE6\n", "my.conf");
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(policy.status().message().find("my.conf:2: byte 14 is not UTF-8"),
            std::string::npos)
      << policy.status();
  EXPECT_TRUE(IsValidUtf8(policy.status().message()));
  // A comment counts too; a byte-order mark is fine.
  EXPECT_FALSE(ParsePolicy("# \xFF\nversion = 1\n", "p").ok());
  EXPECT_TRUE(ParsePolicy("\xEF\xBB\xBFversion = 1\n", "p").ok());
  // A long bad line is quoted short.
  absl::StatusOr<v1::Policy> long_line = ParsePolicy(
      "version = 1\nack_working_days = " + std::string(9000, '1'), "p");
  ASSERT_FALSE(long_line.ok());
  EXPECT_LT(long_line.status().message().size(), 300u);
}

TEST(ConfigFiles, CalendarTextThatIsNotUtf8IsRefusedWithItsLine) {
  absl::StatusOr<WorkingDayCalendar> calendar = WorkingDayCalendar::Parse(
      "date,kind,holiday\n2021-02-11,off,\xB4\xBA\xBD\xDA\n", "cal.csv",
      absl::UTCTimeZone());
  ASSERT_FALSE(calendar.ok());
  EXPECT_NE(calendar.status().message().find("cal.csv:2: byte 16 is not UTF-8"),
            std::string::npos)
      << calendar.status();
  EXPECT_TRUE(IsValidUtf8(calendar.status().message()));
  EXPECT_TRUE(
      WorkingDayCalendar::Parse("\xEF\xBB\xBF"
                                "date,kind,holiday\n2021-02-11,off,春节\n",
                                "cal.csv", absl::UTCTimeZone())
          .ok());
}

TEST(CsvImport, FieldsThatAreNotUtf8AreRefusedWithLineAndColumn) {
  absl::StatusOr<std::vector<cli::CsvRow>> rows = cli::ParseCsv(
      "source_id,type,topic,title,content\n"
      "SZ1,投诉,噪音,ok,ok\n"
      "SZ2,投诉,噪音,\"two\nlines\",ok\n"
      "SZ3,投诉,\xD4\xEB\xD2\xF4,title,content\n");
  ASSERT_TRUE(rows.ok());
  absl::StatusOr<cli::ImportColumns> columns =
      cli::ImportColumns::FromHeader((*rows)[0]);
  ASSERT_TRUE(columns.ok());
  EXPECT_TRUE(cli::RowToRequest(*columns, (*rows)[1]).ok());
  EXPECT_TRUE(cli::RowToRequest(*columns, (*rows)[2]).ok());
  absl::StatusOr<v1::CreateTicketRequest> bad =
      cli::RowToRequest(*columns, (*rows)[3]);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find(
                "line 5: column \"topic\": byte 1 is not UTF-8 text"),
            std::string::npos)
      << bad.status();
  EXPECT_NE(bad.status().message().find("save the file as UTF-8"),
            std::string::npos);
  EXPECT_TRUE(IsValidUtf8(bad.status().message()));
}

TEST(CsvImport, TimesOutOfRangeAndLongValuesAreRefusedShort) {
  absl::StatusOr<std::vector<cli::CsvRow>> rows = cli::ParseCsv(
      "source_id,type,topic,title,content,received_at\n"
      "SZ1,投诉,噪音,t,c,infinite-future\n"
      "SZ2," +
      std::string(9000, 'z') + ",噪音,t,c,\n");
  ASSERT_TRUE(rows.ok());
  absl::StatusOr<cli::ImportColumns> columns =
      cli::ImportColumns::FromHeader((*rows)[0]);
  ASSERT_TRUE(columns.ok());
  absl::Status infinite = cli::RowToRequest(*columns, (*rows)[1]).status();
  EXPECT_NE(infinite.message().find("line 2: received_at \"infinite-future\" "
                                    "is out of range"),
            std::string::npos)
      << infinite;
  absl::Status long_type = cli::RowToRequest(*columns, (*rows)[2]).status();
  EXPECT_LT(long_type.message().size(), 300u);
  EXPECT_NE(long_type.message().find("(9000 characters)"), std::string::npos)
      << long_type;
}

TEST(RequestParseErrors, NameTheFieldPathInTheRequest) {
  EXPECT_EQ(RequestParseErrorMessage("/hotline.v1.HotlineService/CreateTicket",
                                     "hotline.v1.Ticket.title"),
            "ticket.title is not UTF-8 text; send every string field as UTF-8 "
            "(the request could not be read as a "
            "hotline.v1.CreateTicketRequest)");
  EXPECT_NE(
      RequestParseErrorMessage("/hotline.v1.HotlineService/ListTickets", "")
          .find("could not be read as a hotline.v1.ListTicketsRequest"),
      std::string::npos);
  EXPECT_NE(RequestParseErrorMessage("/no.Such/Method", "a.B.c")
                .find("\"a.B.c\" is not UTF-8"),
            std::string::npos);
}

}  // namespace
}  // namespace hotline
