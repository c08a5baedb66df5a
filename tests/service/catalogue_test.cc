// The catalogues end to end (诉求分类目录, 派单目录), through the client
// library against the real server with the shipped sample category
// catalogue: tickets carry a checked category code; the bureau keeps the
// dispatch catalogue in versions, asks it for a suggestion, and every
// dispatch records what it suggested, whether the dispatch followed it and
// whether the department returned the ticket; the figures by category and
// by rule, and the hotspots of a period, count them. Refusals change
// nothing.
#include <string>
#include <thread>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"
#include "tests/support/workflow_fixtures.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::Ticket;

class CatalogueTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    for (const char* id :
         {"housing", "enforcement", "chengguan", "environment"}) {
      CreateDepartment(id);
    }
    housing_ = Connect(CreateToken("department/housing"));
    chengguan_ = Connect(CreateToken("department/chengguan"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
  }

  static v1::DispatchRule Rule(const std::string& category,
                               const std::string& township,
                               const std::string& department) {
    v1::DispatchRule rule;
    rule.set_category(category);
    rule.set_township(township);
    rule.set_department("departments/" + department);
    return rule;
  }
  v1::UpdateDispatchCatalogueRequest Update(int64_t expected) {
    v1::UpdateDispatchCatalogueRequest update;
    update.set_expected_version(expected);
    update.set_reason("县委编办 2021 年派单目录");
    *update.add_rules() = Rule("01", "", "housing");
    *update.add_rules() = Rule("0101", "", "enforcement");
    *update.add_rules() = Rule("0101", "城关镇", "chengguan");
    *update.add_rules() = Rule("02", "", "environment");
    return update;
  }
  absl::StatusOr<Ticket> Create(const std::string& category,
                                const std::string& address,
                                const std::string& phone = "",
                                absl::Time received = absl::InfinitePast()) {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft();
    create.mutable_ticket()->set_category(category);
    create.mutable_ticket()->set_address(address);
    create.mutable_ticket()->set_caller_phone(phone);
    if (received != absl::InfinitePast()) {
      *create.mutable_ticket()->mutable_received_at() = ToProtoTime(received);
    }
    return bureau().CreateTicket(create);
  }
  absl::StatusOr<Ticket> Dispatch(const std::string& ticket,
                                  const std::string& department,
                                  const std::string& category = "") {
    v1::DispatchTicketRequest dispatch;
    dispatch.set_name(ticket);
    dispatch.set_department("departments/" + department);
    dispatch.set_category(category);
    return bureau().DispatchTicket(dispatch);
  }
  int64_t Version() {
    absl::StatusOr<v1::DispatchCatalogue> current =
        bureau().GetDispatchCatalogue({});
    EXPECT_TRUE(current.ok()) << current.status();
    return current.ok() ? current->version() : -1;
  }
  int TicketCount() {
    v1::ListTicketsRequest list;
    list.set_page_size(500);
    absl::StatusOr<v1::ListTicketsResponse> listed = bureau().ListTickets(list);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? listed->tickets_size() : -1;
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> chengguan_;
};

TEST_F(CatalogueTest, TicketsCarryACheckedCategory) {
  absl::StatusOr<v1::ListCategoriesResponse> categories =
      housing_->ListCategories();
  ASSERT_TRUE(categories.ok()) << categories.status();
  EXPECT_EQ(categories->version(), "sample-2026.1");
  ASSERT_GT(categories->categories_size(), 10);
  EXPECT_EQ(categories->categories(0).code(), "01");
  EXPECT_EQ(categories->categories(0).name(), "城乡建设");

  absl::StatusOr<Ticket> made = Create("010101", "城关镇幸福路12号");
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->category(), "010101");

  absl::StatusOr<Ticket> unknown = Create("0199", "");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(unknown.status()), v1::UNKNOWN_CATEGORY);
  EXPECT_EQ(TicketCount(), 1);

  // The bureau classifies at dispatch; an unknown code changes nothing.
  absl::StatusOr<Ticket> bad = Dispatch(made->name(), "housing", "7");
  EXPECT_EQ(ReasonOf(bad.status()), v1::UNKNOWN_CATEGORY);
  v1::GetTicketRequest get;
  get.set_name(made->name());
  EXPECT_EQ(bureau().GetTicket(get)->state(), Ticket::RECEIVED);
  absl::StatusOr<Ticket> classified = Dispatch(made->name(), "housing", "0102");
  ASSERT_TRUE(classified.ok()) << classified.status();
  EXPECT_EQ(classified->category(), "0102");

  // Lists filter by category: a code takes every code under it; the
  // category set at dispatch is the one filtered on.
  ASSERT_TRUE(Create("010101", "").ok());
  ASSERT_TRUE(Create("", "").ok());
  auto listed = [&](const std::string& filter) {
    v1::ListTicketsRequest list;
    list.set_filter(filter);
    absl::StatusOr<v1::ListTicketsResponse> found = bureau().ListTickets(list);
    EXPECT_TRUE(found.ok()) << filter << ": " << found.status();
    std::vector<std::string> names;
    if (found.ok()) {
      for (const Ticket& t : found->tickets()) names.push_back(t.category());
    }
    return names;
  };
  EXPECT_EQ(listed("category = \"01\""),
            (std::vector<std::string>{"0102", "010101"}));
  EXPECT_EQ(listed("category = \"0101\""),
            (std::vector<std::string>{"010101"}));
  EXPECT_EQ(
      listed("category = \"0102\" AND department = \"departments/housing\""),
      (std::vector<std::string>{"0102"}));
  EXPECT_TRUE(listed("category = \"02\"").empty());
  v1::ListTicketsRequest wildcard;
  wildcard.set_filter("category = \"01%\"");
  EXPECT_EQ(bureau().ListTickets(wildcard).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CatalogueTest, TheDispatchCatalogueIsKeptInVersions) {
  // Refusals first: nothing is written.
  v1::UpdateDispatchCatalogueRequest update = Update(0);
  EXPECT_EQ(housing_->UpdateDispatchCatalogue(update).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::UpdateDispatchCatalogueRequest unknown = Update(0);
  unknown.mutable_rules(1)->set_category("0199");
  EXPECT_EQ(ReasonOf(bureau().UpdateDispatchCatalogue(unknown).status()),
            v1::UNKNOWN_CATEGORY);
  v1::UpdateDispatchCatalogueRequest nobody = Update(0);
  nobody.mutable_rules(0)->set_department("departments/nobody");
  EXPECT_EQ(bureau().UpdateDispatchCatalogue(nobody).status().code(),
            absl::StatusCode::kNotFound);
  v1::UpdateDispatchCatalogueRequest no_reason = Update(0);
  no_reason.clear_reason();
  EXPECT_EQ(bureau().UpdateDispatchCatalogue(no_reason).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::UpdateDispatchCatalogueRequest stale = Update(3);
  EXPECT_EQ(bureau().UpdateDispatchCatalogue(stale).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(bureau().UpdateDispatchCatalogue(stale).status()),
            v1::CATALOGUE_VERSION);
  EXPECT_EQ(Version(), 0);

  absl::StatusOr<v1::DispatchCatalogue> first =
      bureau().UpdateDispatchCatalogue(Update(0));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->version(), 1);
  EXPECT_EQ(first->updated_by(), "bureau");
  EXPECT_EQ(first->rules_size(), 4);
  // The same update again is stale now.
  EXPECT_EQ(ReasonOf(bureau().UpdateDispatchCatalogue(Update(0)).status()),
            v1::CATALOGUE_VERSION);
  v1::UpdateDispatchCatalogueRequest second = Update(1);
  second.set_reason("物业划归街道");
  second.mutable_rules(0)->set_department("departments/chengguan");
  ASSERT_TRUE(bureau().UpdateDispatchCatalogue(second).ok());

  absl::StatusOr<v1::DispatchCatalogue> current =
      housing_->GetDispatchCatalogue({});
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(current->version(), 2);
  EXPECT_EQ(current->rules(0).department(), "departments/chengguan");
  ASSERT_EQ(current->history_size(), 2);
  EXPECT_EQ(current->history(0).version(), 2);
  EXPECT_EQ(current->history(0).reason(), "物业划归街道");
  EXPECT_EQ(current->history(1).version(), 1);
  EXPECT_EQ(current->history(1).rule_count(), 4);
  v1::GetDispatchCatalogueRequest earlier;
  earlier.set_version(1);
  absl::StatusOr<v1::DispatchCatalogue> one =
      bureau().GetDispatchCatalogue(earlier);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->rules(0).department(), "departments/housing");
  EXPECT_TRUE(one->history().empty());
  earlier.set_version(3);
  EXPECT_EQ(bureau().GetDispatchCatalogue(earlier).status().code(),
            absl::StatusCode::kNotFound);

  // Kept with the data.
  RestartServer();
  EXPECT_EQ(Version(), 2);
}

// Two updates of the same version at once: one makes version 1, the other
// is refused as stale, whichever comes first.
TEST_F(CatalogueTest, ConcurrentUpdatesOfOneVersionMakeOneVersion) {
  std::unique_ptr<Client> second = Connect(CreateToken("bureau"));
  absl::StatusOr<v1::DispatchCatalogue> results[2];
  std::thread other(
      [&] { results[1] = second->UpdateDispatchCatalogue(Update(0)); });
  results[0] = bureau().UpdateDispatchCatalogue(Update(0));
  other.join();
  EXPECT_NE(results[0].ok(), results[1].ok())
      << results[0].status() << " / " << results[1].status();
  for (const auto& result : results) {
    if (!result.ok()) {
      EXPECT_EQ(ReasonOf(result.status()), v1::CATALOGUE_VERSION);
    }
  }
  EXPECT_EQ(Version(), 1);
  absl::StatusOr<v1::DispatchCatalogue> current =
      bureau().GetDispatchCatalogue({});
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->history_size(), 1);
}

TEST_F(CatalogueTest, DispatchesRecordTheSuggestionAndTheReturn) {
  ASSERT_TRUE(bureau().UpdateDispatchCatalogue(Update(0)).ok());
  const Ticket ticket = *Create("010101", "某某县城关镇幸福路12号");

  v1::SuggestDispatchRequest suggest;
  suggest.set_name(ticket.name());
  absl::StatusOr<v1::DispatchSuggestion> suggestion =
      bureau().SuggestDispatch(suggest);
  ASSERT_TRUE(suggestion.ok()) << suggestion.status();
  EXPECT_EQ(suggestion->catalogue_version(), 1);
  EXPECT_EQ(suggestion->rule().department(), "departments/chengguan");
  EXPECT_EQ(suggestion->rule().township(), "城关镇");
  suggest.set_category("0201");
  EXPECT_EQ(bureau().SuggestDispatch(suggest)->rule().department(),
            "departments/environment");
  suggest.set_category("0299");
  EXPECT_EQ(ReasonOf(bureau().SuggestDispatch(suggest).status()),
            v1::UNKNOWN_CATEGORY);
  suggest.clear_category();
  EXPECT_EQ(housing_->SuggestDispatch(suggest).status().code(),
            absl::StatusCode::kPermissionDenied);
  suggest.set_name("tickets/999");
  EXPECT_EQ(bureau().SuggestDispatch(suggest).status().code(),
            absl::StatusCode::kNotFound);

  // Followed, then returned (退单): the record says both.
  ASSERT_TRUE(Dispatch(ticket.name(), "chengguan").ok());
  v1::ReturnTicketRequest give_back;
  give_back.set_name(ticket.name());
  give_back.set_reason("违建执法不属本街道职责");
  absl::StatusOr<Ticket> returned = chengguan_->ReturnTicket(give_back);
  ASSERT_TRUE(returned.ok()) << returned.status();
  ASSERT_EQ(returned->dispatches_size(), 1);
  EXPECT_TRUE(returned->dispatches(0).followed());
  EXPECT_TRUE(returned->dispatches(0).returned());
  // Then against the suggestion.
  absl::StatusOr<Ticket> again = Dispatch(ticket.name(), "housing");
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->dispatches_size(), 2);
  EXPECT_FALSE(again->dispatches(1).followed());
  EXPECT_EQ(again->dispatches(1).suggestion().rule().department(),
            "departments/chengguan");
  // The DISPATCHED events carry their records.
  int dispatched = 0;
  for (const v1::Event& event : History(ticket.name())) {
    if (event.type() != v1::Event::DISPATCHED) continue;
    ++dispatched;
    EXPECT_EQ(event.dispatch().suggestion().catalogue_version(), 1);
  }
  EXPECT_EQ(dispatched, 2);

  // A ticket dispatched on creation is recorded too; without a category
  // there is no suggestion.
  v1::CreateTicketRequest create;
  *create.mutable_ticket() = Draft();
  create.set_dispatch_to("departments/housing");
  absl::StatusOr<Ticket> direct = bureau().CreateTicket(create);
  ASSERT_TRUE(direct.ok()) << direct.status();
  ASSERT_EQ(direct->dispatches_size(), 1);
  EXPECT_FALSE(direct->dispatches(0).suggestion().has_rule());
  EXPECT_FALSE(direct->dispatches(0).followed());

  // The figures by rule: 0101@城关镇 suggested twice, followed once and
  // returned: a return rate of 100%.
  v1::GetCategoryStatisticsRequest figures;
  figures.set_from_date("2021-03-01");
  figures.set_to_date("2021-04-01");
  absl::StatusOr<v1::CategoryStatistics> stats =
      bureau().GetCategoryStatistics(figures);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->catalogue_version(), "sample-2026.1");
  ASSERT_EQ(stats->rules_size(), 1);
  EXPECT_EQ(stats->rules(0).rule().township(), "城关镇");
  EXPECT_EQ(stats->rules(0).suggested(), 2);
  EXPECT_EQ(stats->rules(0).followed(), 1);
  EXPECT_EQ(stats->rules(0).returned(), 1);
  EXPECT_EQ(stats->rules(0).return_rate_permille(), 1000);
  EXPECT_EQ(stats->dispatched_without_suggestion(), 1);
  EXPECT_EQ(stats->dispatched_against_suggestion(), 1);
  // 01, 0101, 010101 and 未分类.
  ASSERT_EQ(stats->categories_size(), 4);
  EXPECT_EQ(stats->categories(0).code(), "01");
  EXPECT_EQ(stats->categories(0).received(), 1);
  EXPECT_EQ(stats->categories(0).returned(), 1);
  EXPECT_EQ(stats->categories(3).name(), "未分类");
}

TEST_F(CatalogueTest, HotspotsOfAMonthAgainstTheMonthBefore) {
  // February: one noise ticket. March: three, two from one caller at one
  // place; one building ticket.
  ASSERT_TRUE(Create("020101", "城关镇工地路1号", "13812345678",
                     Beijing(2021, 2, 10, 9))
                  .ok());
  ASSERT_TRUE(
      Create("020101", "城关镇工地路1号", "13812345678", Beijing(2021, 3, 1, 8))
          .ok());
  ASSERT_TRUE(Create("020101", "城关镇 工地路1号", "13812345678").ok());
  ASSERT_TRUE(Create("020102", "东风街道建设路3号", "13900000000").ok());
  ASSERT_TRUE(Create("010101", "东风街道建设路3号", "13900000000").ok());

  v1::GetHotspotsRequest request;
  request.set_from_date("2021-03-01");
  request.set_to_date("2021-04-01");
  absl::StatusOr<v1::Hotspots> hot = bureau().GetHotspots(request);
  ASSERT_TRUE(hot.ok()) << hot.status();
  EXPECT_EQ(hot->previous_from_date(), "2021-01-29");
  EXPECT_EQ(hot->received(), 4);
  EXPECT_EQ(hot->previous_received(), 1);
  ASSERT_EQ(hot->top_categories_size(), 2);
  EXPECT_EQ(hot->top_categories(0).key(), "0201");
  EXPECT_EQ(hot->top_categories(0).count(), 3);
  EXPECT_EQ(hot->top_categories(0).previous_count(), 1);
  EXPECT_EQ(hot->top_categories(0).growth_permille(), 2000);
  ASSERT_EQ(hot->rising_categories_size(), 2);
  EXPECT_EQ(hot->rising_categories(0).key(), "0201");  // +2 before +1
  // Two each; equal counts in key order.
  ASSERT_EQ(hot->top_townships_size(), 2);
  EXPECT_EQ(hot->top_townships(0).key(), "东风街道");
  EXPECT_EQ(hot->top_townships(1).key(), "城关镇");
  EXPECT_EQ(hot->top_townships(1).count(), 2);
  EXPECT_EQ(hot->top_townships(1).previous_count(), 1);
  ASSERT_GE(hot->repeats_size(), 2);
  EXPECT_EQ(hot->repeats(0).who(), "138****5678");
  EXPECT_EQ(hot->repeats(0).tickets_size(), 2);
  EXPECT_EQ(hot->repeated_tickets(), 2);

  // Bad requests and other callers.
  v1::GetHotspotsRequest bad = request;
  bad.set_level(4);
  EXPECT_EQ(bureau().GetHotspots(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = request;
  bad.set_limit(101);
  EXPECT_EQ(bureau().GetHotspots(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = request;
  bad.set_to_date("2021-03-01");
  EXPECT_EQ(bureau().GetHotspots(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad.set_from_date("2020-01-01");
  bad.set_to_date("2021-03-01");
  EXPECT_EQ(bureau().GetHotspots(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(housing_->GetHotspots(request).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::GetCategoryStatisticsRequest figures;
  figures.set_from_date("2021-03-01");
  figures.set_to_date("2021-04-01");
  EXPECT_EQ(housing_->GetCategoryStatistics(figures).status().code(),
            absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace hotline
