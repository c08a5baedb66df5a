// Links between tickets (关联) and duplicate suggestions (可能重复) as pure
// rules.
#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/duplicate_rules.h"
#include "workflow/link_rules.h"

namespace hotline {
namespace {

using testing::Beijing;
using v1::DuplicateCandidate;
using v1::Event;
using v1::Ticket;

const absl::Time kNow = Beijing(2021, 3, 10, 10, 0);
ActionContext Bureau() { return {Principal::Bureau(), kNow}; }

Ticket Numbered(int id, Ticket::State state = Ticket::RECEIVED) {
  Ticket t;
  t.set_name("tickets/" + std::to_string(id));
  t.set_etag("1");
  t.set_state(state);
  *t.mutable_received_at() = ToProtoTime(kNow);
  return t;
}

TEST(Link, RecordedOnBothTicketsAndRemovedFromBoth) {
  absl::StatusOr<TicketPairChange> linked = Link(
      Numbered(1), Numbered(2, Ticket::CLOSED), "同一路段积水", "", Bureau());
  ASSERT_TRUE(linked.ok()) << linked.status();
  ASSERT_EQ(linked->ticket.ticket.links_size(), 1);
  EXPECT_EQ(linked->ticket.ticket.links(0).ticket(), "tickets/2");
  EXPECT_EQ(linked->ticket.ticket.links(0).reason(), "同一路段积水");
  EXPECT_EQ(linked->ticket.ticket.links(0).linked_by(), "bureau");
  ASSERT_EQ(linked->other.ticket.links_size(), 1);
  EXPECT_EQ(linked->other.ticket.links(0).ticket(), "tickets/1");
  EXPECT_EQ(linked->ticket.event.type(), Event::LINKED);
  EXPECT_EQ(linked->other.event.related_ticket(), "tickets/1");
  // States do not change.
  EXPECT_EQ(linked->other.ticket.state(), Ticket::CLOSED);

  EXPECT_EQ(ReasonOf(Link(linked->ticket.ticket, linked->other.ticket, "again",
                          "", Bureau())
                         .status()),
            v1::ALREADY_LINKED);
  absl::StatusOr<TicketPairChange> unlinked =
      Unlink(linked->other.ticket, linked->ticket.ticket, "", "", Bureau());
  ASSERT_TRUE(unlinked.ok()) << unlinked.status();
  EXPECT_EQ(unlinked->ticket.ticket.links_size(), 0);
  EXPECT_EQ(unlinked->other.ticket.links_size(), 0);
  EXPECT_EQ(unlinked->ticket.event.type(), Event::UNLINKED);
  EXPECT_EQ(ReasonOf(Unlink(unlinked->ticket.ticket, unlinked->other.ticket, "",
                            "", Bureau())
                         .status()),
            v1::NOT_LINKED);
}

TEST(Link, ItselfAndAMergedTicketAreRefused) {
  EXPECT_EQ(Link(Numbered(1), Numbered(1), "x", "", Bureau()).status().code(),
            absl::StatusCode::kInvalidArgument);
  Ticket merged = Numbered(2, Ticket::MERGED);
  merged.set_merged_into("tickets/3");
  EXPECT_EQ(ReasonOf(Link(Numbered(1), merged, "x", "", Bureau()).status()),
            v1::TICKET_MERGED);
}

TEST(Duplicates, AddressesCompareWithoutSpacesPunctuationOrWidth) {
  EXPECT_EQ(NormalizeAddress("城关镇 幸福路１２号，3栋"),
            NormalizeAddress("城关镇幸福路12号3栋"));
  EXPECT_EQ(NormalizeAddress("No. 5, Main St"), "no5mainst");
  EXPECT_EQ(NormalizeAddress("幸福路（东段）"), NormalizeAddress("幸福路东段"));
  EXPECT_NE(NormalizeAddress("幸福路12号"), NormalizeAddress("幸福路21号"));
  EXPECT_EQ(NormalizeAddress(" ，。 "), "");
}

TEST(Duplicates, MatchesAndTheirOrder) {
  Ticket ticket = Numbered(10);
  ticket.set_caller_phone("139 0000 0001");
  ticket.set_address("城关镇幸福路12号");
  ticket.set_topic("噪音");

  Ticket phone = Numbered(3);  // same phone, far in time
  phone.set_caller_phone("139 0000 0001");
  *phone.mutable_received_at() = ToProtoTime(kNow - absl::Hours(24 * 20));
  Ticket address_and_topic = Numbered(4);
  address_and_topic.set_address("城关镇 幸福路１２号");
  address_and_topic.set_topic("噪音");
  Ticket topic_near = Numbered(5);
  topic_near.set_topic("噪音");
  *topic_near.mutable_received_at() = ToProtoTime(kNow - absl::Hours(1));
  Ticket topic_far = Numbered(6);
  topic_far.set_topic("噪音");
  *topic_far.mutable_received_at() = ToProtoTime(kNow - absl::Hours(30));
  Ticket unrelated = Numbered(7);
  unrelated.set_topic("供水");
  Ticket merged = Numbered(8);
  merged.set_caller_phone("139 0000 0001");
  merged.set_merged_into("tickets/3");
  // A ticket without a phone or address matches nothing by them.
  Ticket empty_fields = Numbered(9);

  const std::vector<DuplicateCandidate> ranked =
      RankDuplicates(ticket,
                     {ticket, unrelated, topic_far, topic_near,
                      address_and_topic, phone, merged, empty_fields},
                     10);
  std::vector<std::string> names;
  for (const DuplicateCandidate& c : ranked) names.push_back(c.ticket().name());
  EXPECT_EQ(names, (std::vector<std::string>{"tickets/3", "tickets/4",
                                             "tickets/5", "tickets/6"}));
  ASSERT_EQ(ranked[1].matches_size(), 2);
  EXPECT_EQ(ranked[1].matches(0), DuplicateCandidate::SAME_ADDRESS);
  EXPECT_EQ(ranked[1].matches(1), DuplicateCandidate::SAME_TOPIC);
  EXPECT_EQ(RankDuplicates(ticket, {phone, topic_far}, 1).size(), 1u);
  // Listed twice, counted once.
  EXPECT_EQ(RankDuplicates(ticket, {phone, phone}, 10).size(), 1u);

  // The platform's mark comes first, however far in time.
  Ticket marked = Numbered(2);
  marked.set_source_id("GD-2");
  *marked.mutable_received_at() = ToProtoTime(kNow - absl::Hours(24 * 400));
  ticket.set_duplicate_of_source_id("GD-2");
  const std::vector<DuplicateCandidate> with_mark =
      RankDuplicates(ticket, {phone, marked}, 10);
  ASSERT_EQ(with_mark.size(), 2u);
  EXPECT_EQ(with_mark[0].ticket().name(), "tickets/2");
  EXPECT_EQ(with_mark[0].matches(0), DuplicateCandidate::PLATFORM_DUPLICATE);

  const DuplicateWindow window = DuplicateWindowOf(ticket, 30);
  EXPECT_EQ(window.start, kNow - absl::Hours(24 * 30));
  EXPECT_EQ(window.end, kNow + absl::Hours(24 * 30));
}

}  // namespace
}  // namespace hotline
