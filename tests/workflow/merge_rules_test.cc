// Merged duplicates (并单) as pure rules: merging, following the main's
// reply, close and reopen, unmerging, the refusals, and what a merged
// ticket counts as in the figures.
#include "workflow/merge_rules.h"

#include <string>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/workflow_fixtures.h"
#include "workflow/stat_facts.h"
#include "workflow/statistics.h"

namespace hotline {
namespace {

using testing::Beijing;
using v1::Event;
using v1::Ticket;

// Wednesday 2021-03-10, 10:00.
const absl::Time kNow = Beijing(2021, 3, 10, 10, 0);
ActionContext Bureau(absl::Time at = kNow) { return {Principal::Bureau(), at}; }
ActionContext Housing(absl::Time at = kNow) {
  return {Principal::Department("housing"), at};
}

Ticket Base(int id, Ticket::State state) {
  Ticket t;
  t.set_name("tickets/" + std::to_string(id));
  t.set_etag("2");
  t.set_state(state);
  t.set_type(Ticket::COMPLAINT);
  t.set_topic("噪音");
  *t.mutable_received_at() = ToProtoTime(kNow - absl::Hours(48));
  *t.mutable_create_time() = ToProtoTime(kNow - absl::Hours(48));
  return t;
}

// Ticket 1, the main: housing's, in progress, due 2021-03-20.
Ticket Main() {
  Ticket t = Base(1, Ticket::IN_PROGRESS);
  t.set_department("departments/housing");
  t.set_dispatch_count(1);
  *t.mutable_reply_due_at() = ToProtoTime(Beijing(2021, 3, 20));
  return t;
}

// Ticket 2: the same demand again, dispatched to transport, whose clock
// runs; its caller asked for confidentiality.
Ticket Repeat() {
  Ticket t = Base(2, Ticket::DISPATCHED);
  t.set_department("departments/transport");
  t.set_dispatch_count(1);
  t.set_source_id("GD-2");
  t.set_caller_name("王女士");
  t.set_caller_phone("139 0000 0002");
  t.set_confidential(true);
  *t.mutable_ack_due_at() = ToProtoTime(kNow + absl::Hours(24));
  *t.mutable_reply_due_at() = ToProtoTime(Beijing(2021, 3, 25));
  *t.mutable_warning_at() = ToProtoTime(Beijing(2021, 3, 24));
  t.set_reply_overdue(true);
  *t.mutable_next_due_at() = t.ack_due_at();
  return t;
}

TicketPairChange Merged() {
  absl::StatusOr<TicketPairChange> pair =
      Merge(Repeat(), Main(), "同一诉求重复来电", "", Bureau());
  EXPECT_TRUE(pair.ok()) << pair.status();
  return *pair;
}

TEST(Merge, TheTicketLeavesItsQueueAndTheMainListsIt) {
  const TicketPairChange pair = Merged();
  const Ticket& t = pair.ticket.ticket;
  EXPECT_EQ(t.state(), Ticket::MERGED);
  EXPECT_EQ(t.merged_into(), "tickets/1");
  EXPECT_EQ(t.merge().reason(), "同一诉求重复来电");
  EXPECT_EQ(t.merge().merged_by(), "bureau");
  EXPECT_EQ(t.merge().department(), "departments/transport");
  // No department, no deadline, no flag of its own.
  EXPECT_TRUE(t.department().empty());
  EXPECT_FALSE(t.has_ack_due_at());
  EXPECT_FALSE(t.has_reply_due_at());
  EXPECT_FALSE(t.has_warning_at());
  EXPECT_FALSE(t.has_next_due_at());
  EXPECT_FALSE(t.reply_overdue());
  EXPECT_EQ(pair.ticket.event.type(), Event::MERGED);
  EXPECT_EQ(pair.ticket.event.related_ticket(), "tickets/1");
  EXPECT_EQ(pair.ticket.event.previous_department(), "departments/transport");
  EXPECT_EQ(pair.ticket.event.state_after(), Ticket::MERGED);

  const Ticket& main = pair.other.ticket;
  EXPECT_EQ(main.state(), Ticket::IN_PROGRESS);
  EXPECT_EQ(main.department(), "departments/housing");
  ASSERT_EQ(main.merged_size(), 1);
  EXPECT_EQ(main.merged(0).ticket(), "tickets/2");
  EXPECT_EQ(main.merged(0).source_id(), "GD-2");
  EXPECT_EQ(main.merged(0).caller_phone(), "139 0000 0002");
  EXPECT_TRUE(main.merged(0).confidential());
  EXPECT_EQ(pair.other.event.type(), Event::DUPLICATE_MERGED);
  EXPECT_EQ(pair.other.event.related_ticket(), "tickets/2");
  // The main's deadlines are untouched.
  EXPECT_EQ(FromProtoTime(main.reply_due_at()),
            FromProtoTime(Main().reply_due_at()));
}

TEST(Merge, BadMergesAreRefusedNamingWhy) {
  // Into itself.
  absl::StatusOr<TicketPairChange> self =
      Merge(Repeat(), Repeat(), "x", "", Bureau());
  EXPECT_EQ(self.status().code(), absl::StatusCode::kInvalidArgument);
  // Into a merged ticket: a chain (and so no cycle either).
  const TicketPairChange pair = Merged();
  absl::StatusOr<TicketPairChange> chain =
      Merge(Base(3, Ticket::RECEIVED), pair.ticket.ticket, "x", "", Bureau());
  EXPECT_EQ(ReasonOf(chain.status()), v1::MERGE_CHAIN);
  EXPECT_NE(chain.status().message().find("merge into tickets/1 instead"),
            std::string::npos)
      << chain.status();
  // A main with duplicates of its own is not merged into another.
  absl::StatusOr<TicketPairChange> main_away =
      Merge(pair.other.ticket, Base(3, Ticket::RECEIVED), "x", "", Bureau());
  EXPECT_EQ(ReasonOf(main_away.status()), v1::MERGE_CHAIN);
  // The merged ticket itself is not merged again.
  EXPECT_EQ(ReasonOf(Merge(pair.ticket.ticket, Base(3, Ticket::RECEIVED), "x",
                           "", Bureau())
                         .status()),
            v1::TICKET_STATE);
  // A replied or closed ticket is not merged, nor merged into.
  EXPECT_EQ(
      ReasonOf(
          Merge(Base(3, Ticket::REPLIED), Main(), "x", "", Bureau()).status()),
      v1::TICKET_STATE);
  absl::StatusOr<TicketPairChange> into_closed =
      Merge(Repeat(), Base(3, Ticket::CLOSED), "x", "", Bureau());
  EXPECT_EQ(ReasonOf(into_closed.status()), v1::TICKET_STATE);
  EXPECT_NE(into_closed.status().message().find("main ticket"),
            std::string::npos);
  // A stale etag.
  EXPECT_EQ(ReasonOf(Merge(Repeat(), Main(), "x", "1", Bureau()).status()),
            v1::ETAG_MISMATCH);
}

TEST(Merge, NoOtherStepIsTakenOnAMergedTicket) {
  const Ticket merged = Merged().ticket.ticket;
  absl::Status refused = CheckNotMerged(merged, "ReplyTicket");
  EXPECT_EQ(ReasonOf(refused), v1::TICKET_MERGED);
  EXPECT_NE(refused.message().find("tickets/1"), std::string::npos);
  EXPECT_TRUE(CheckNotMerged(Main(), "ReplyTicket").ok());
}

TEST(Merge, TheMergedTicketFollowsItsMainsReplyCloseAndReopen) {
  const TicketPairChange pair = Merged();
  const absl::Time replied_at = Beijing(2021, 3, 12, 9, 0);
  absl::StatusOr<TicketChange> reply =
      Reply(pair.other.ticket, "已协调处理", Ticket::RESOLVED, "",
            Housing(replied_at));
  ASSERT_TRUE(reply.ok()) << reply.status();
  std::optional<TicketChange> followed =
      FollowMain(pair.ticket.ticket, *reply, Housing(replied_at));
  ASSERT_TRUE(followed.has_value());
  Ticket t = followed->ticket;
  EXPECT_EQ(t.state(), Ticket::REPLIED);
  EXPECT_EQ(t.department(), "departments/housing");
  EXPECT_EQ(t.reply_text(), "已协调处理");
  EXPECT_EQ(t.outcome(), Ticket::RESOLVED);
  EXPECT_EQ(FromProtoTime(t.replied_at()), replied_at);
  EXPECT_EQ(FromProtoTime(t.reply_due_at()),
            FromProtoTime(Main().reply_due_at()));
  EXPECT_EQ(t.merged_into(), "tickets/1");
  EXPECT_EQ(followed->event.type(), Event::REPLIED);
  EXPECT_EQ(followed->event.related_ticket(), "tickets/1");
  EXPECT_EQ(followed->event.reply_text(), "已协调处理");
  // Nothing more while the main stays replied.
  EXPECT_FALSE(FollowMain(t, *reply, Housing(replied_at)).has_value());

  absl::StatusOr<TicketChange> close =
      Close(reply->ticket, Ticket::SATISFIED, "", Bureau(replied_at));
  ASSERT_TRUE(close.ok());
  followed = FollowMain(t, *close, Bureau(replied_at));
  ASSERT_TRUE(followed.has_value());
  t = followed->ticket;
  EXPECT_EQ(t.state(), Ticket::CLOSED);
  EXPECT_EQ(followed->event.type(), Event::CLOSED);
  // The rating is the main caller's.
  EXPECT_EQ(t.satisfaction(), Ticket::SATISFACTION_UNSPECIFIED);

  absl::StatusOr<TicketChange> reopen =
      Reopen(close->ticket, "群众不满意", "", Bureau(replied_at),
             testing::DefaultRules());
  ASSERT_TRUE(reopen.ok());
  followed = FollowMain(t, *reopen, Bureau(replied_at));
  ASSERT_TRUE(followed.has_value());
  t = followed->ticket;
  EXPECT_EQ(t.state(), Ticket::MERGED);
  EXPECT_EQ(followed->event.type(), Event::REOPENED);
  EXPECT_EQ(followed->event.reason(), "群众不满意");
  EXPECT_TRUE(t.department().empty());
  EXPECT_TRUE(t.reply_text().empty());
  EXPECT_FALSE(t.has_reply_due_at());
  // Not a reopen of its own.
  EXPECT_EQ(t.reopen_count(), 0);
}

TEST(Merge, UnmergeGivesTheTicketBackWithDeadlinesFromNow) {
  const TicketPairChange pair = Merged();
  const absl::Time later = Beijing(2021, 3, 15, 9, 0);  // a Monday
  absl::StatusOr<TicketPairChange> back =
      Unmerge(pair.ticket.ticket, pair.other.ticket, "诉求不同", "",
              Bureau(later), testing::DefaultRules());
  ASSERT_TRUE(back.ok()) << back.status();
  const Ticket& t = back->ticket.ticket;
  EXPECT_EQ(t.state(), Ticket::DISPATCHED);
  EXPECT_EQ(t.department(), "departments/transport");
  EXPECT_TRUE(t.merged_into().empty());
  EXPECT_FALSE(t.has_merge());
  EXPECT_EQ(FromProtoTime(t.dispatched_at()), later);
  EXPECT_EQ(t.dispatch_count(), 2);
  // A fresh clock: 15 working days from the unmerge, not from the first
  // dispatch.
  EXPECT_GT(FromProtoTime(t.reply_due_at()), later + absl::Hours(24 * 14));
  EXPECT_GT(FromProtoTime(t.ack_due_at()), later);
  EXPECT_EQ(back->ticket.event.type(), Event::UNMERGED);
  EXPECT_EQ(back->ticket.event.state_before(), Ticket::MERGED);
  EXPECT_EQ(back->ticket.event.state_after(), Ticket::DISPATCHED);
  EXPECT_EQ(back->ticket.event.related_ticket(), "tickets/1");
  EXPECT_EQ(back->other.ticket.merged_size(), 0);
  EXPECT_EQ(back->other.event.type(), Event::DUPLICATE_UNMERGED);

  // A ticket no department held goes back to the bureau's queue.
  absl::StatusOr<TicketPairChange> received =
      Merge(Base(3, Ticket::RECEIVED), Main(), "重复", "", Bureau());
  ASSERT_TRUE(received.ok());
  absl::StatusOr<TicketPairChange> queue =
      Unmerge(received->ticket.ticket, received->other.ticket, "诉求不同", "",
              Bureau(later), testing::DefaultRules());
  ASSERT_TRUE(queue.ok()) << queue.status();
  EXPECT_EQ(queue->ticket.ticket.state(), Ticket::RECEIVED);
  EXPECT_TRUE(queue->ticket.ticket.department().empty());
  EXPECT_FALSE(queue->ticket.ticket.has_reply_due_at());
}

TEST(Merge, UnmergeIsRefusedForATicketNotMergedOrClosedWithItsMain) {
  EXPECT_EQ(ReasonOf(Unmerge(Repeat(), Main(), "x", "", Bureau(),
                             testing::DefaultRules())
                         .status()),
            v1::NOT_MERGED);
  Ticket closed = Merged().ticket.ticket;
  closed.set_state(Ticket::CLOSED);
  absl::StatusOr<TicketPairChange> refused =
      Unmerge(closed, Main(), "x", "", Bureau(), testing::DefaultRules());
  EXPECT_EQ(ReasonOf(refused.status()), v1::TICKET_STATE);
}

// What a merged ticket counts as: received and merged; replied, and on
// time, exactly as its main; never pending or overdue by itself.
TEST(Merge, FiguresOfAMergedTicket) {
  const absl::TimeZone zone = testing::ShippedCalendar().zone();
  const TicketPairChange pair = Merged();
  v1::Figures f = MakeFigures(TicketFacts(pair.ticket.ticket, zone).counts, 1);
  EXPECT_EQ(f.received(), 1);
  EXPECT_EQ(f.merged(), 1);
  EXPECT_EQ(f.replied(), 0);
  EXPECT_EQ(f.pending_overdue(), 0);
  EXPECT_EQ(f.pending_not_overdue(), 0);
  EXPECT_EQ(f.forwarded(), 1);  // it was dispatched before the merge
  // Even with the overdue flag it had (cleared by the merge), never overdue.
  Ticket flagged = pair.ticket.ticket;
  flagged.set_reply_overdue(true);
  EXPECT_EQ(MakeFigures(TicketFacts(flagged, zone).counts, 1).pending_overdue(),
            0);

  for (const bool late : {false, true}) {
    const absl::Time at =
        late ? Beijing(2021, 3, 22, 9, 0) : Beijing(2021, 3, 12, 9, 0);
    absl::StatusOr<TicketChange> reply =
        Reply(pair.other.ticket, "已处理", Ticket::RESOLVED, "", Housing(at));
    ASSERT_TRUE(reply.ok());
    std::optional<TicketChange> followed =
        FollowMain(pair.ticket.ticket, *reply, Housing(at));
    ASSERT_TRUE(followed.has_value());
    StatFacts main_facts = TicketFacts(reply->ticket, zone);
    StatFacts facts = TicketFacts(followed->ticket, zone);
    EXPECT_EQ(facts.department, "departments/housing");
    f = MakeFigures(facts.counts, 1);
    EXPECT_EQ(f.replied(), 1);
    EXPECT_EQ(f.replied_on_time(), main_facts.counts[kRepliedOnTime]) << late;
    EXPECT_EQ(f.replied_on_time(), late ? 0 : 1);
    EXPECT_EQ(f.merged(), 1);
    EXPECT_EQ(f.pending_not_overdue(), 0);
    EXPECT_EQ(f.pending_overdue(), 0);
  }
}

// A main closed by a final answer closes its merged tickets likewise: each
// counts as closed by final answer, and as neither replied nor pending.
TEST(Merge, AMainClosedByAFinalAnswerClosesItsMergedTicketsLikewise) {
  const absl::TimeZone zone = testing::ShippedCalendar().zone();
  absl::StatusOr<TicketPairChange> pair =
      Merge(Base(3, Ticket::RECEIVED), Base(4, Ticket::RECEIVED), "重复", "",
            Bureau());
  ASSERT_TRUE(pair.ok()) << pair.status();
  TicketChange closed{pair->other.ticket, Event()};
  closed.ticket.set_state(Ticket::CLOSED);
  closed.ticket.set_closed_by_final_answer("tickets/1");
  closed.ticket.set_reply_text("已依法答复完毕");
  closed.event.set_type(Event::CLOSED_BY_FINAL_ANSWER);
  std::optional<TicketChange> followed =
      FollowMain(pair->ticket.ticket, closed, Bureau());
  ASSERT_TRUE(followed.has_value());
  EXPECT_EQ(followed->ticket.state(), Ticket::CLOSED);
  EXPECT_EQ(followed->ticket.closed_by_final_answer(), "tickets/1");
  EXPECT_EQ(followed->event.type(), Event::CLOSED_BY_FINAL_ANSWER);
  const v1::Figures f =
      MakeFigures(TicketFacts(followed->ticket, zone).counts, 1);
  EXPECT_EQ(f.received(), 1);
  EXPECT_EQ(f.merged(), 1);
  EXPECT_EQ(f.closed_by_final_answer(), 1);
  EXPECT_EQ(f.replied(), 0);
  EXPECT_EQ(f.pending_not_overdue(), 0);
  EXPECT_EQ(f.pending_overdue(), 0);
}

}  // namespace
}  // namespace hotline
