// The catalogues as pure rules: the category catalogue's file (levels,
// parents, refusals with line numbers), the township an address names, the
// dispatch catalogue's checks and its most specific rule, the record of a
// dispatch and its return; and the figures by category and rule and the
// hotspots of a period, counted by hand.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/error_details.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow/category_catalogue.h"
#include "workflow/dispatch_catalogue.h"
#include "workflow/hotspot_rules.h"

namespace hotline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kCatalogue[] =
    "# a comment\n"
    "version,test-1\n"
    "code,name\n"
    "01,城乡建设\n"
    "0101,违法建设\n"
    "010101,私搭乱建\n"
    "0102,物业管理\n"
    "02,生态环境\n"
    "0201,噪声污染\n"
    "020101,施工噪声\n";

CategoryCatalogue Catalogue() {
  absl::StatusOr<CategoryCatalogue> catalogue =
      CategoryCatalogue::Parse(kCatalogue, "test.csv");
  EXPECT_TRUE(catalogue.ok()) << catalogue.status();
  return *catalogue;
}

TEST(CategoryCatalogueTest, ReadsThreeLevelsWithTheirParents) {
  CategoryCatalogue catalogue = Catalogue();
  EXPECT_EQ(catalogue.version(), "test-1");
  EXPECT_EQ(catalogue.All().size(), 7u);
  const v1::Category* leaf = catalogue.Find("010101");
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->name(), "私搭乱建");
  EXPECT_EQ(leaf->level(), 3);
  EXPECT_EQ(leaf->parent(), "0101");
  EXPECT_EQ(catalogue.Find("01")->level(), 1);
  EXPECT_EQ(catalogue.Find("01")->parent(), "");
  EXPECT_EQ(catalogue.Find("0103"), nullptr);
  EXPECT_EQ(CategoryCatalogue::AncestorAt("010101", 1), "01");
  EXPECT_EQ(CategoryCatalogue::AncestorAt("010101", 2), "0101");
  EXPECT_EQ(CategoryCatalogue::AncestorAt("0101", 3), "");
}

TEST(CategoryCatalogueTest, ChecksCodesAgainstTheCatalogue) {
  CategoryCatalogue catalogue = Catalogue();
  EXPECT_TRUE(catalogue.Check("", "ticket.category").ok());
  EXPECT_TRUE(catalogue.Check("0201", "ticket.category").ok());
  absl::Status unknown = catalogue.Check("0399", "ticket.category");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(unknown), v1::UNKNOWN_CATEGORY);
  EXPECT_THAT(unknown.message(), HasSubstr("0399"));
  EXPECT_THAT(unknown.message(), HasSubstr("test-1"));
  // Without a catalogue every code is unknown.
  EXPECT_EQ(ReasonOf(CategoryCatalogue().Check("01", "category")),
            v1::UNKNOWN_CATEGORY);
}

TEST(CategoryCatalogueTest, RefusesAMalformedFileWithTheLine) {
  struct Case {
    std::string text;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"code,name\n01,a\n", "version"},
      {"version,1\n01,a\n", "header code,name"},
      {"version,1\ncode,name\n1,a\n", "2, 4 or 6 digits"},
      {"version,1\ncode,name\n0a,a\n", "2, 4 or 6 digits"},
      {"version,1\ncode,name\n01010101,a\n", "2, 4 or 6 digits"},
      {"version,1\ncode,name\n01,a\n01,b\n", "listed twice"},
      {"version,1\ncode,name\n0101,a\n", "parent 01"},
      {"version,1\ncode,name\n01,\n", "a name is"},
      {"version,1\ncode,name\n01\n", "two fields"},
      {"version,1\n", "code,name"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<CategoryCatalogue> parsed =
        CategoryCatalogue::Parse(c.text, "bad.csv");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.says)) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr("bad.csv")) << c.text;
  }
}

TEST(TownshipTest, FindsTheTownshipAnAddressNames) {
  EXPECT_EQ(TownshipOf("城关镇幸福路12号"), "城关镇");
  EXPECT_EQ(TownshipOf("某某县 城关镇 幸福路"), "城关镇");
  EXPECT_EQ(TownshipOf("某省某市某县东风街道建设路3号"), "东风街道");
  EXPECT_EQ(TownshipOf("新区白云乡白云村"), "白云乡");
  EXPECT_EQ(TownshipOf("幸福路12号"), "");
  EXPECT_EQ(TownshipOf(""), "");
  // A township is 2 to 10 characters.
  EXPECT_EQ(TownshipOf("县镇"), "");
}

v1::DispatchRule Rule(const std::string& category, const std::string& township,
                      const std::string& department) {
  v1::DispatchRule rule;
  rule.set_category(category);
  rule.set_township(township);
  rule.set_department(absl::StrCat("departments/", department));
  return rule;
}

v1::DispatchCatalogue Rules() {
  v1::DispatchCatalogue catalogue;
  catalogue.set_version(3);
  *catalogue.add_rules() = Rule("01", "", "housing");
  *catalogue.add_rules() = Rule("0101", "", "enforcement");
  *catalogue.add_rules() = Rule("0101", "城关镇", "chengguan");
  *catalogue.add_rules() = Rule("02", "", "environment");
  return catalogue;
}

TEST(DispatchCatalogueTest, TheMostSpecificRuleWins) {
  const v1::DispatchCatalogue catalogue = Rules();
  // The longest category code, then the township.
  v1::DispatchSuggestion s =
      SuggestDispatch(catalogue, "010101", "城关镇幸福路12号");
  EXPECT_EQ(s.catalogue_version(), 3);
  EXPECT_EQ(s.rule().department(), "departments/chengguan");
  s = SuggestDispatch(catalogue, "010101", "东风街道建设路3号");
  EXPECT_EQ(s.rule().department(), "departments/enforcement");
  s = SuggestDispatch(catalogue, "0102", "城关镇幸福路12号");
  EXPECT_EQ(s.rule().department(), "departments/housing");
  // No category, or none of the rules': no rule, the version only.
  s = SuggestDispatch(catalogue, "", "城关镇");
  EXPECT_FALSE(s.has_rule());
  EXPECT_EQ(s.catalogue_version(), 3);
  EXPECT_FALSE(SuggestDispatch(catalogue, "03", "").has_rule());
}

TEST(DispatchCatalogueTest, RecordsWhetherADispatchFollowedAndWasReturned) {
  const v1::DispatchSuggestion s = SuggestDispatch(Rules(), "0201", "");
  const absl::Time now = absl::FromUnixSeconds(1617235200);
  v1::DispatchRecord followed =
      RecordDispatch(s, "departments/environment", now);
  EXPECT_TRUE(followed.followed());
  EXPECT_EQ(followed.dispatch_time().seconds(), 1617235200);
  EXPECT_FALSE(RecordDispatch(s, "departments/housing", now).followed());
  EXPECT_FALSE(
      RecordDispatch(v1::DispatchSuggestion(), "departments/housing", now)
          .followed());

  v1::Ticket ticket;
  MarkLatestDispatchReturned(ticket, true);  // no records: nothing to mark
  EXPECT_TRUE(ticket.dispatches().empty());
  *ticket.add_dispatches() = followed;
  *ticket.add_dispatches() = followed;
  MarkLatestDispatchReturned(ticket, true);
  EXPECT_FALSE(ticket.dispatches(0).returned());
  EXPECT_TRUE(ticket.dispatches(1).returned());
  MarkLatestDispatchReturned(ticket, false);  // the return was refused
  EXPECT_FALSE(ticket.dispatches(1).returned());
}

TEST(DispatchCatalogueTest, RefusesBadRules) {
  const CategoryCatalogue categories = Catalogue();
  EXPECT_TRUE(CheckDispatchRules(Rules().rules(), categories).ok());
  struct Case {
    v1::DispatchRule rule;
    std::string field;
  };
  v1::DispatchRule lead_assists = Rule("01", "", "housing");
  lead_assists.add_assisting_departments("departments/housing");
  const std::vector<Case> cases = {
      {Rule("", "", "housing"), "rules[1].category"},
      {Rule("0399", "", "housing"), "rules[1].category"},
      {Rule("01", "幸福路", "housing"), "rules[1].township"},
      {Rule("01", "城关镇 ", "housing"), "rules[1].township"},
      {Rule("01", "", "Housing Bureau"), "rules[1].department"},
      {Rule("02", "", "environment"), "rules[1].category"},  // twice
  };
  for (const Case& c : cases) {
    google::protobuf::RepeatedPtrField<v1::DispatchRule> rules;
    *rules.Add() = Rule("02", "", "environment");
    *rules.Add() = c.rule;
    absl::Status status = CheckDispatchRules(rules, categories);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << c.rule.ShortDebugString();
    EXPECT_THAT(status.ToString(), HasSubstr(c.field))
        << c.rule.ShortDebugString();
  }
  google::protobuf::RepeatedPtrField<v1::DispatchRule> rules;
  *rules.Add() = lead_assists;
  EXPECT_EQ(ReasonOf(CheckDispatchRules(rules, categories)),
            v1::ASSIST_IS_LEAD);
}

v1::Ticket Received(int id, const std::string& category,
                    const std::string& address, const std::string& phone) {
  v1::Ticket ticket;
  ticket.set_name(absl::StrCat("tickets/", id));
  ticket.set_category(category);
  ticket.set_topic("噪音");
  ticket.set_address(address);
  ticket.set_caller_phone(phone);
  ticket.mutable_received_at()->set_seconds(1617235200 + id);
  return ticket;
}

TEST(HotspotRulesTest, CountsByCategoryAtEveryLevelAndByRule) {
  const v1::DispatchCatalogue catalogue = Rules();
  std::vector<v1::Ticket> tickets = {
      Received(1, "010101", "城关镇幸福路1号", "13800000001"),
      Received(2, "010101", "东风街道建设路3号", "13800000002"),
      Received(3, "0102", "", ""),
      Received(4, "", "", ""),
  };
  const absl::Time now = absl::FromUnixSeconds(1617235200);
  // 1: followed, returned, then dispatched elsewhere; 2: followed, replied
  // and closed; 3: against the suggestion; 4: no suggestion.
  v1::DispatchRecord r1 =
      RecordDispatch(SuggestDispatch(catalogue, "010101", tickets[0].address()),
                     "departments/chengguan", now);
  r1.set_returned(true);
  *tickets[0].add_dispatches() = r1;
  *tickets[0].add_dispatches() =
      RecordDispatch(SuggestDispatch(catalogue, "010101", tickets[0].address()),
                     "departments/housing", now);
  tickets[0].set_return_count(1);
  *tickets[1].add_dispatches() =
      RecordDispatch(SuggestDispatch(catalogue, "010101", tickets[1].address()),
                     "departments/enforcement", now);
  *tickets[1].mutable_replied_at() = tickets[1].received_at();
  tickets[1].set_state(v1::Ticket::CLOSED);
  *tickets[2].add_dispatches() = RecordDispatch(
      SuggestDispatch(catalogue, "0102", ""), "departments/enforcement", now);
  *tickets[3].add_dispatches() = RecordDispatch(
      SuggestDispatch(catalogue, "", ""), "departments/housing", now);

  const v1::CategoryStatistics stats = CountByCategory(tickets, Catalogue());
  std::vector<std::string> rows;
  for (const auto& row : stats.categories()) {
    rows.push_back(absl::StrCat(row.level(), " ", row.code(), " ", row.name(),
                                " ", row.received(), "/", row.replied(), "/",
                                row.closed(), "/", row.returned()));
  }
  EXPECT_THAT(
      rows, ElementsAre("1 01 城乡建设 3/1/1/1", "2 0101 违法建设 2/1/1/1",
                        "2 0102 物业管理 1/0/0/0", "3 010101 私搭乱建 2/1/1/1",
                        "0  未分类 1/0/0/0"));
  std::vector<std::string> by_rule;
  for (const auto& row : stats.rules()) {
    by_rule.push_back(absl::StrCat(
        row.rule().category(), "@", row.rule().township(), " ", row.suggested(),
        "/", row.followed(), "/", row.returned(), " ",
        row.has_return_rate_permille() ? row.return_rate_permille() : -1));
  }
  EXPECT_THAT(by_rule, ElementsAre("01@ 1/0/0 -1", "0101@ 1/1/0 0",
                                   "0101@城关镇 2/1/1 1000"));
  EXPECT_EQ(stats.dispatched_without_suggestion(), 1);
  EXPECT_EQ(stats.dispatched_against_suggestion(), 2);
}

TEST(HotspotRulesTest, RanksByCountAndGrowthAndFindsRepeats) {
  // Now: 3 noise (0201) tickets, 2 of them the same caller; 2 building
  // (0101) at one address. Before: 3 building, 1 noise.
  std::vector<v1::Ticket> now = {
      Received(1, "020101", "城关镇工地路1号", "13812345678"),
      Received(2, "020101", "城关镇工地路1号", "13812345678"),
      Received(3, "0201", "东风街道建设路3号", "13900000000"),
      Received(4, "010101", "城关镇 幸福路12号", ""),
      Received(5, "010102", "城关镇幸福路１２号，", ""),
  };
  std::vector<v1::Ticket> before = {
      Received(11, "0101", "", ""), Received(12, "0101", "", ""),
      Received(13, "010101", "", ""), Received(14, "0201", "城关镇", "")};
  const v1::Hotspots hot = FindHotspots(now, before, Catalogue(), 2, 10);
  EXPECT_EQ(hot.received(), 5);
  EXPECT_EQ(hot.previous_received(), 4);
  ASSERT_EQ(hot.top_categories_size(), 2);
  EXPECT_EQ(hot.top_categories(0).key(), "0201");
  EXPECT_EQ(hot.top_categories(0).name(), "噪声污染");
  EXPECT_EQ(hot.top_categories(0).count(), 3);
  EXPECT_EQ(hot.top_categories(0).previous_count(), 1);
  EXPECT_EQ(hot.top_categories(0).growth_permille(), 2000);
  EXPECT_EQ(hot.top_categories(1).key(), "0101");
  EXPECT_EQ(hot.top_categories(1).growth_permille(), -333);
  // Only noise grew.
  ASSERT_EQ(hot.rising_categories_size(), 1);
  EXPECT_EQ(hot.rising_categories(0).key(), "0201");
  ASSERT_EQ(hot.top_townships_size(), 2);
  EXPECT_EQ(hot.top_townships(0).key(), "城关镇");
  EXPECT_EQ(hot.top_townships(0).count(), 4);
  EXPECT_EQ(hot.top_townships(0).previous_count(), 1);
  EXPECT_EQ(hot.top_townships(1).key(), "东风街道");
  EXPECT_FALSE(hot.top_townships(1).has_growth_permille());
  // The two ways of writing 幸福路12号 are one address.
  ASSERT_GE(hot.top_addresses_size(), 2);
  EXPECT_EQ(hot.top_addresses(0).count(), 2);
  // Repeats: the same caller on noise, the same place on noise; the two
  // building tickets are at one place but on different matters.
  ASSERT_EQ(hot.repeats_size(), 2);
  EXPECT_EQ(hot.repeats(0).kind(), v1::Hotspots::Repeat::CALLER);
  EXPECT_EQ(hot.repeats(0).who(), "138****5678");
  EXPECT_EQ(hot.repeats(0).matter(), "020101");
  EXPECT_EQ(hot.repeats(0).matter_name(), "施工噪声");
  EXPECT_THAT(hot.repeats(0).tickets(), ElementsAre("tickets/1", "tickets/2"));
  EXPECT_EQ(hot.repeats(1).kind(), v1::Hotspots::Repeat::PLACE);
  EXPECT_EQ(hot.repeated_tickets(), 2);
  // At level 1, both fall in their 大类.
  const v1::Hotspots top = FindHotspots(now, before, Catalogue(), 1, 1);
  ASSERT_EQ(top.top_categories_size(), 1);
  EXPECT_EQ(top.top_categories(0).key(), "02");
  EXPECT_EQ(top.repeats_size(), 1);  // the limit
}

TEST(HotspotRulesTest, MasksPhones) {
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskPhone("12345"), "***45");
  EXPECT_EQ(MaskPhone("1"), "*");
}

}  // namespace
}  // namespace hotline
