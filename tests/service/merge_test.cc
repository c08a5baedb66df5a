// Merged duplicates (并单), duplicate suggestions (可能重复) and links (关联),
// end to end: the real server in rehearsal mode, driven through the client
// library. A caller's demand reaches housing as ticket A; the same demand
// comes again as B, dispatched to market by mistake; the bureau merges B
// into A, and A's reply, close and reopen reach B.
#include <string>
#include <vector>

#include "common/error_details.h"
#include "common/proto_time.h"
#include "gtest/gtest.h"
#include "tests/support/test_support.h"

namespace hotline {
namespace {

using testing::Beijing;
using testing::ServerTest;
using v1::DuplicateCandidate;
using v1::Event;
using v1::Ticket;

class MergeTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    CreateDepartment("housing");
    CreateDepartment("market");
    housing_ = Connect(CreateToken("department/housing"));
    market_ = Connect(CreateToken("department/market"));
    AdvanceTo(Beijing(2021, 3, 1, 9));  // a Monday
    a_ = Create("departments/housing", "138 0000 0000", false, "GD-A");
    v1::AcknowledgeTicketRequest ack;
    ack.set_name(a_);
    ASSERT_TRUE(housing_->AcknowledgeTicket(ack).ok());
    AdvanceTo(Beijing(2021, 3, 2, 9));
    b_ = Create("departments/market", "139 0000 0002", true);
  }

  std::string Create(const std::string& department, const std::string& phone,
                     bool confidential, const std::string& source_id = "") {
    v1::CreateTicketRequest create;
    *create.mutable_ticket() = Draft(Ticket::COMPLAINT);
    create.mutable_ticket()->set_source_id(source_id);
    create.mutable_ticket()->set_caller_phone(phone);
    create.mutable_ticket()->set_confidential(confidential);
    create.set_dispatch_to(department);
    absl::StatusOr<Ticket> created = bureau().CreateTicket(create);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->name() : "";
  }

  absl::StatusOr<Ticket> Merge(Client& as, const std::string& ticket,
                               const std::string& main,
                               const std::string& reason = "同一诉求重复来电") {
    v1::MergeTicketRequest merge;
    merge.set_name(ticket);
    merge.set_main_ticket(main);
    merge.set_reason(reason);
    return as.MergeTicket(merge);
  }

  absl::StatusOr<Ticket> Unmerge(const std::string& ticket) {
    v1::UnmergeTicketRequest unmerge;
    unmerge.set_name(ticket);
    unmerge.set_reason("诉求不同");
    return bureau().UnmergeTicket(unmerge);
  }

  absl::StatusOr<Ticket> Get(Client& as, const std::string& name) {
    v1::GetTicketRequest get;
    get.set_name(name);
    return as.GetTicket(get);
  }
  Ticket Get(const std::string& name) {
    absl::StatusOr<Ticket> ticket = Get(bureau(), name);
    EXPECT_TRUE(ticket.ok()) << ticket.status();
    return ticket.ok() ? *ticket : Ticket();
  }

  v1::Figures March(const std::string& department = "") {
    return FiguresOf("2021-03-01", "2021-04-01", absl::InfiniteFuture(),
                     department);
  }

  std::unique_ptr<Client> housing_;
  std::unique_ptr<Client> market_;
  std::string a_;
  std::string b_;
};

TEST_F(MergeTest, AMergedTicketFollowsItsMainsReplyCloseAndReopen) {
  absl::StatusOr<Ticket> merged = Merge(bureau(), b_, a_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->state(), Ticket::MERGED);
  EXPECT_EQ(merged->merged_into(), a_);
  EXPECT_TRUE(merged->department().empty());
  EXPECT_FALSE(merged->has_reply_due_at());
  // It left market's queue; housing sees it on A, its caller hidden as B is
  // confidential.
  EXPECT_EQ(ReasonOf(Get(*market_, b_).status()), v1::NOT_YOURS);
  v1::ListTicketsRequest list;
  absl::StatusOr<v1::ListTicketsResponse> market_list =
      market_->ListTickets(list);
  ASSERT_TRUE(market_list.ok());
  EXPECT_EQ(market_list->tickets_size(), 0);
  absl::StatusOr<Ticket> main = Get(*housing_, a_);
  ASSERT_TRUE(main.ok()) << main.status();
  ASSERT_EQ(main->merged_size(), 1);
  EXPECT_EQ(main->merged(0).ticket(), b_);
  EXPECT_TRUE(main->merged(0).caller_phone().empty());
  EXPECT_EQ(Get(a_).merged(0).caller_phone(), "139 0000 0002");
  // Figures while merged: received, merged, never pending.
  v1::Figures figures = March();
  EXPECT_EQ(figures.received(), 2);
  EXPECT_EQ(figures.merged(), 1);
  EXPECT_EQ(figures.pending_not_overdue(), 1);  // A alone

  // Housing replies to A: B gets the same answer, by housing.
  AdvanceTo(Beijing(2021, 3, 3, 9));
  v1::ReplyTicketRequest reply;
  reply.set_name(a_);
  reply.set_reply_text("已责令施工单位停止夜间施工");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
  Ticket b = Get(b_);
  EXPECT_EQ(b.state(), Ticket::REPLIED);
  EXPECT_EQ(b.reply_text(), "已责令施工单位停止夜间施工");
  EXPECT_EQ(b.department(), "departments/housing");
  EXPECT_EQ(FromProtoTime(b.replied_at()), FromProtoTime(Get(a_).replied_at()));
  ASSERT_TRUE(Get(*housing_, b_).ok());
  std::vector<Event> history = History(b_);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().type(), Event::REPLIED);
  EXPECT_EQ(history.back().related_ticket(), a_);
  EXPECT_EQ(history.back().actor(), "department/housing");
  figures = March();
  EXPECT_EQ(figures.replied(), 2);
  EXPECT_EQ(figures.replied_on_time(), 2);
  EXPECT_EQ(figures.merged(), 1);
  EXPECT_EQ(figures.pending_not_overdue(), 0);
  EXPECT_EQ(figures.on_time_rate_permille(), 1000);
  EXPECT_EQ(March("departments/housing").replied(), 2);
  EXPECT_EQ(March("departments/market").replied(), 0);

  // The bureau closes A, then reopens it: B follows both.
  v1::CloseTicketRequest close;
  close.set_name(a_);
  close.set_satisfaction(Ticket::SATISFIED);
  ASSERT_TRUE(bureau().CloseTicket(close).ok());
  EXPECT_EQ(Get(b_).state(), Ticket::CLOSED);
  EXPECT_EQ(March().satisfied(), 1);  // the main caller's rating alone
  v1::ReopenTicketRequest reopen;
  reopen.set_name(a_);
  reopen.set_reason("群众反映仍在施工");
  ASSERT_TRUE(bureau().ReopenTicket(reopen).ok());
  b = Get(b_);
  EXPECT_EQ(b.state(), Ticket::MERGED);
  EXPECT_TRUE(b.reply_text().empty());
  EXPECT_EQ(History(b_).back().type(), Event::REOPENED);
  figures = March();
  EXPECT_EQ(figures.replied(), 0);
  EXPECT_EQ(figures.reopens(), 1);
  EXPECT_EQ(figures.merged(), 1);
}

// A merge retried with its request_id (a lost answer) merges once: both
// tickets have one event of it, and the retry gets the first answer.
TEST_F(MergeTest, ARetriedMergeMergesOnce) {
  v1::MergeTicketRequest merge;
  merge.set_name(b_);
  merge.set_main_ticket(a_);
  merge.set_reason("重复来电");
  merge.set_request_id("merge-b-into-a");
  absl::StatusOr<Ticket> first = bureau().MergeTicket(merge);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Ticket> again = bureau().MergeTicket(merge);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->etag(), first->etag());
  auto count = [this](const std::string& ticket, Event::Type type) {
    int n = 0;
    for (const Event& e : History(ticket)) n += e.type() == type ? 1 : 0;
    return n;
  };
  EXPECT_EQ(count(b_, Event::MERGED), 1);
  EXPECT_EQ(count(a_, Event::DUPLICATE_MERGED), 1);
  EXPECT_EQ(Get(a_).merged_size(), 1);
}

TEST_F(MergeTest, UnmergeGivesTheTicketBackWithDeadlinesFromTheUnmerge) {
  ASSERT_TRUE(Merge(bureau(), b_, a_).ok());
  // Nothing but an unmerge is taken on it.
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(b_);
  dispatch.set_department("departments/housing");
  absl::StatusOr<Ticket> refused = bureau().DispatchTicket(dispatch);
  EXPECT_EQ(ReasonOf(refused.status()), v1::TICKET_MERGED);
  EXPECT_NE(refused.status().message().find(a_), std::string::npos);

  const absl::Time later = Beijing(2021, 3, 8, 9);
  AdvanceTo(later);
  absl::StatusOr<Ticket> back = Unmerge(b_);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->state(), Ticket::DISPATCHED);
  EXPECT_EQ(back->department(), "departments/market");
  EXPECT_EQ(FromProtoTime(back->dispatched_at()), later);
  EXPECT_GT(FromProtoTime(back->ack_due_at()), later);
  EXPECT_TRUE(back->merged_into().empty());
  EXPECT_EQ(Get(a_).merged_size(), 0);
  EXPECT_EQ(History(b_).back().type(), Event::UNMERGED);
  EXPECT_EQ(History(a_).back().type(), Event::DUPLICATE_UNMERGED);
  ASSERT_TRUE(Get(*market_, b_).ok());
  EXPECT_EQ(March().merged(), 0);
  EXPECT_EQ(March().received(), 2);
}

TEST_F(MergeTest, BadMergesChangeNothing) {
  const Ticket a = Get(a_);
  const Ticket b = Get(b_);
  // Into itself; a malformed or missing main; no reason; not the bureau.
  EXPECT_EQ(Merge(bureau(), b_, b_).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Ticket> malformed = Merge(bureau(), b_, "7");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(malformed.status().message().find("main_ticket"),
            std::string::npos);
  EXPECT_EQ(Merge(bureau(), b_, "tickets/999").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Merge(bureau(), b_, a_, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(Merge(*housing_, b_, a_).status()), v1::ROLE_NOT_ALLOWED);
  EXPECT_EQ(ReasonOf(Unmerge(b_).status()), v1::NOT_MERGED);
  EXPECT_EQ(Get(a_).etag(), a.etag());
  EXPECT_EQ(Get(b_).etag(), b.etag());

  // A chain either way.
  ASSERT_TRUE(Merge(bureau(), b_, a_).ok());
  const std::string c = Create("", "137 0000 0003", false);
  EXPECT_EQ(ReasonOf(Merge(bureau(), c, b_).status()), v1::MERGE_CHAIN);
  EXPECT_EQ(ReasonOf(Merge(bureau(), a_, c).status()), v1::MERGE_CHAIN);
  EXPECT_EQ(Get(c).etag(), "1");

  // Once the main is closed, the merged ticket stays with it.
  AdvanceTo(Beijing(2021, 3, 3, 9));
  v1::ReplyTicketRequest reply;
  reply.set_name(a_);
  reply.set_reply_text("已处理");
  reply.set_outcome(Ticket::RESOLVED);
  ASSERT_TRUE(housing_->ReplyTicket(reply).ok());
  v1::CloseTicketRequest close;
  close.set_name(a_);
  close.set_satisfaction(Ticket::SATISFIED);
  ASSERT_TRUE(bureau().CloseTicket(close).ok());
  const Ticket closed = Get(b_);
  EXPECT_EQ(ReasonOf(Unmerge(b_).status()), v1::TICKET_STATE);
  EXPECT_EQ(Get(b_).etag(), closed.etag());
}

TEST_F(MergeTest, DuplicateCandidatesBestFirst) {
  // C: A's caller again; D: another caller, another address and topic.
  const std::string c = Create("", "138 0000 0000", false);
  v1::CreateTicketRequest other;
  *other.mutable_ticket() = Draft(Ticket::INQUIRY);
  other.mutable_ticket()->set_caller_phone("136 0000 0004");
  other.mutable_ticket()->set_address("城南新区");
  other.mutable_ticket()->set_topic("供水");
  ASSERT_TRUE(bureau().CreateTicket(other).ok());

  v1::ListDuplicateCandidatesRequest request;
  request.set_name(c);
  absl::StatusOr<v1::ListDuplicateCandidatesResponse> found =
      bureau().ListDuplicateCandidates(request);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->candidates_size(), 2);
  EXPECT_EQ(found->candidates(0).ticket().name(), a_);
  EXPECT_EQ(found->candidates(0).matches(0),
            DuplicateCandidate::SAME_CALLER_PHONE);
  EXPECT_EQ(found->candidates(0).matches_size(), 3);
  EXPECT_EQ(found->candidates(1).ticket().name(), b_);
  EXPECT_EQ(found->candidates(1).matches(0), DuplicateCandidate::SAME_ADDRESS);
  EXPECT_EQ(
      FromProtoTime(found->window_end()) - FromProtoTime(found->window_start()),
      absl::Hours(24 * 60));

  // The platform marked E a repeat of A (by A's source_id): A comes first
  // for E, whatever else matches.
  v1::CreateTicketRequest marked;
  *marked.mutable_ticket() = Draft(Ticket::INQUIRY);
  marked.mutable_ticket()->set_caller_phone("135 0000 0005");
  marked.mutable_ticket()->set_address("别处");
  marked.mutable_ticket()->set_topic("其他");
  marked.mutable_ticket()->set_duplicate_of_source_id("GD-A");
  absl::StatusOr<Ticket> e = bureau().CreateTicket(marked);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->duplicate_of_source_id(), "GD-A");
  v1::ListDuplicateCandidatesRequest for_e;
  for_e.set_name(e->name());
  absl::StatusOr<v1::ListDuplicateCandidatesResponse> of_e =
      bureau().ListDuplicateCandidates(for_e);
  ASSERT_TRUE(of_e.ok()) << of_e.status();
  ASSERT_GE(of_e->candidates_size(), 1);
  EXPECT_EQ(of_e->candidates(0).ticket().name(), a_);
  EXPECT_EQ(of_e->candidates(0).matches(0),
            DuplicateCandidate::PLATFORM_DUPLICATE);
  marked.mutable_ticket()->set_source_id("GD-E");
  marked.mutable_ticket()->set_duplicate_of_source_id("GD-E");
  absl::StatusOr<Ticket> self_marked = bureau().CreateTicket(marked);
  EXPECT_EQ(self_marked.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(self_marked.status().message().find("duplicate_of_source_id"),
            std::string::npos);

  // A merged ticket is no candidate.
  ASSERT_TRUE(Merge(bureau(), b_, a_).ok());
  found = bureau().ListDuplicateCandidates(request);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->candidates_size(), 1);

  EXPECT_EQ(ReasonOf(housing_->ListDuplicateCandidates(request).status()),
            v1::ROLE_NOT_ALLOWED);
  request.set_page_size(51);
  EXPECT_EQ(bureau().ListDuplicateCandidates(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.set_page_size(0);
  request.set_name("tickets/999");
  EXPECT_EQ(bureau().ListDuplicateCandidates(request).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(MergeTest, LinksShowOnBothTickets) {
  v1::LinkTicketsRequest link;
  link.set_name(a_);
  link.set_other_ticket(b_);
  link.set_reason("同一工地");
  absl::StatusOr<Ticket> linked = bureau().LinkTickets(link);
  ASSERT_TRUE(linked.ok()) << linked.status();
  ASSERT_EQ(linked->links_size(), 1);
  EXPECT_EQ(linked->links(0).ticket(), b_);
  absl::StatusOr<Ticket> seen_by_market = Get(*market_, b_);
  ASSERT_TRUE(seen_by_market.ok());
  ASSERT_EQ(seen_by_market->links_size(), 1);
  EXPECT_EQ(seen_by_market->links(0).ticket(), a_);
  EXPECT_EQ(History(b_).back().type(), Event::LINKED);
  // Each keeps its department and figures.
  EXPECT_EQ(seen_by_market->department(), "departments/market");

  EXPECT_EQ(ReasonOf(bureau().LinkTickets(link).status()), v1::ALREADY_LINKED);
  EXPECT_EQ(ReasonOf(housing_->LinkTickets(link).status()),
            v1::ROLE_NOT_ALLOWED);
  link.set_reason("");
  EXPECT_EQ(bureau().LinkTickets(link).status().code(),
            absl::StatusCode::kInvalidArgument);

  v1::UnlinkTicketsRequest unlink;
  unlink.set_name(b_);
  unlink.set_other_ticket(a_);
  ASSERT_TRUE(bureau().UnlinkTickets(unlink).ok());
  EXPECT_EQ(Get(a_).links_size(), 0);
  EXPECT_EQ(Get(b_).links_size(), 0);
  EXPECT_EQ(ReasonOf(bureau().UnlinkTickets(unlink).status()), v1::NOT_LINKED);
}

}  // namespace
}  // namespace hotline
