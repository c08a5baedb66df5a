#include "tests/storage/store_history.h"

#include <functional>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/proto_time.h"
#include "storage/records.h"
#include "workflow/stat_facts.h"

namespace hotline::conformance {
namespace {

using storage::ChangeSet;
using v1::Event;
using v1::Ticket;

constexpr Ticket::Type kTypes[] = {Ticket::INQUIRY,    Ticket::HELP,
                                   Ticket::SUGGESTION, Ticket::COMPLAINT,
                                   Ticket::REPORT,     Ticket::OTHER};
constexpr const char* kTopics[] = {"噪音", "供水", "道路", "noise", "Noise"};
constexpr Ticket::Urgency kUrgencies[] = {Ticket::NORMAL, Ticket::NORMAL,
                                          Ticket::URGENT, Ticket::CRITICAL};
constexpr const char* kReportDates[] = {
    "2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06"};

}  // namespace

const absl::TimeZone& BureauZone() {
  static const absl::TimeZone* zone = [] {
    auto* z = new absl::TimeZone;
    absl::LoadTimeZone("Asia/Shanghai", z);
    return z;
  }();
  return *zone;
}

absl::Time At(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, 0),
                         BureauZone());
}

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }

int64_t TokenNumber(const v1::Token& token) {
  int64_t number = 0;
  if (!absl::StartsWith(token.name(), "tokens/") ||
      !absl::SimpleAtoi(token.name().substr(7), &number)) {
    return 0;
  }
  return number;
}

std::string DepartmentName(const std::string& id) {
  return absl::StrCat("departments/", id);
}

std::string BinaryBytes(absl::string_view tag, int i) {
  std::string bytes = {'\0', static_cast<char>(0xFF), static_cast<char>(i),
                       static_cast<char>(0xC3), '\0'};
  absl::StrAppend(&bytes, tag, i);
  return bytes;
}

void History::Add(ChangeSet changes) {
  if (changes.empty()) return;
  for (const Event& event : changes.events) {
    Event stored = event;
    stored.set_seq(static_cast<int64_t>(events.size()) + 1);
    events.push_back(stored);
  }
  commits.push_back(std::move(changes));
}

namespace {

// One step of a stored ticket: `change` edits it, `event` says what
// happened; its version, update time and statistics follow.
void StepTicket(History& history, int64_t id, absl::Time at,
                const std::function<void(Ticket&)>& change, Event event) {
  Ticket& stored = history.tickets[id];
  const Ticket before = stored;
  Ticket after = before;
  change(after);
  after.set_etag(absl::StrCat(std::stoi(before.etag()) + 1));
  *after.mutable_update_time() = ToProtoTime(at);
  ChangeSet changes;
  changes.ExpectVersion(id, before.etag());
  changes.tickets.push_back(after);
  event.set_ticket(after.name());
  event.set_actor("bureau");
  *event.mutable_time() = ToProtoTime(at);
  event.set_state_before(before.state());
  event.set_state_after(after.state());
  changes.events.push_back(event);
  changes.stat_changes = TicketStatChanges(&before, after, BureauZone());
  stored = after;
  history.Add(std::move(changes));
}

Event EventOf(Event::Type type, const std::string& department,
              const std::string& previous_department = "") {
  Event event;
  event.set_type(type);
  event.set_department(department);
  event.set_previous_department(previous_department);
  return event;
}

// The received instant of the i-th ticket: two tickets share each instant,
// and received order is not creation order.
absl::Time ReceivedAt(int i) {
  return At(2026, 1, 5, 8) + absl::Hours(40 * ((i * 37) % 45));
}

}  // namespace

History RecordHistory(int64_t first_ticket, int64_t first_card,
                      int64_t first_token) {
  History h;
  {
    ChangeSet changes;
    int minute = 0;
    for (const char* id : kDepartmentIds) {
      v1::Department department;
      department.set_name(DepartmentName(id));
      department.set_display_name(absl::StrCat(id, " 局"));
      *department.mutable_create_time() =
          ToProtoTime(At(2025, 12, 1, 9, minute++));
      changes.departments.push_back({id, department});
    }
    h.departments = changes.departments;
    h.Add(std::move(changes));
  }
  {
    // Tokens: a certificate identity bound, revoked and bound again to a
    // new token; another bound and revoked for good.
    const char* principals[] = {
        "bureau",      "department/housing", "department/water",
        "intake/city", "department/police",  "department/water",
        "intake/app",  "department/roads"};
    const char* identities[] = {"",
                                "",
                                "CN=water-agent",
                                "",
                                "",
                                "CN=water-agent",
                                "CN=intake-app",
                                "CN=roads-agent"};
    for (int i = 0; i < 8; ++i) {
      storage::TokenRow row;
      row.secret_hash = BinaryBytes("hash-", i);
      row.token.set_name(absl::StrCat("tokens/", first_token + i));
      row.token.set_principal(principals[i]);
      row.token.set_display_name(absl::StrCat("令牌 ", i));
      *row.token.mutable_create_time() = ToProtoTime(At(2025, 12, 2, 10, i));
      row.token.set_certificate_identity(identities[i]);
      h.tokens.push_back(row);
    }
    auto revoke = [&](int i, absl::Time at) {
      ChangeSet changes;
      changes.token_revocations.push_back({first_token + i, Micros(at)});
      *h.tokens[i].token.mutable_revoke_time() = ToProtoTime(at);
      h.Add(std::move(changes));
    };
    ChangeSet first;
    first.new_tokens.assign(h.tokens.begin(), h.tokens.begin() + 5);
    h.Add(std::move(first));
    revoke(2, At(2025, 12, 3, 11));
    ChangeSet second;
    second.new_tokens.assign(h.tokens.begin() + 5, h.tokens.end());
    h.Add(std::move(second));
    revoke(7, At(2025, 12, 4, 12));
  }
  {
    // Recorded newest first: the list is by effective_from.
    ChangeSet changes;
    for (int year : {2024, 2021}) {
      v1::Policy policy;
      policy.set_version(absl::StrCat(year, "-01"));
      *policy.mutable_effective_from() = ToProtoTime(At(year, 1, 1));
      policy.set_ack_working_days(1);
      (*policy.mutable_reply_working_days())["COMPLAINT"] = 15;
      (*policy.mutable_reply_working_days())["HELP"] = 5;
      policy.set_time_zone("Asia/Shanghai");
      changes.policies.push_back(policy);
    }
    h.policies = {changes.policies[1], changes.policies[0]};
    h.Add(std::move(changes));
  }
  // Tickets, each created in its own commit.
  for (int i = 0; i < kTickets; ++i) {
    const int64_t id = first_ticket + i;
    Ticket t;
    t.set_name(absl::StrCat("tickets/", id));
    t.set_etag("1");
    if (i % 3 != 0) {
      t.set_source_id(i % 7 == 1 ? absl::StrCat("市长信箱-", i)
                                 : absl::StrCat("SRC-", i));
    }
    t.set_type(kTypes[(i * 5) % 6]);
    t.set_topic(kTopics[(i * 3) % 5]);
    // Some without a category, the others at every level (诉求分类).
    constexpr const char* kCategories[] = {"", "01", "0101", "010101", "0201"};
    t.set_category(kCategories[(i * 7) % 5]);
    t.set_urgency(kUrgencies[i % 4]);
    t.set_title(absl::StrCat("工单 ", i));
    t.set_content("每晚十点后仍在施工");
    t.set_created_by(kCreators[(i / 2) % 3]);
    t.set_state(Ticket::RECEIVED);
    const absl::Time received = ReceivedAt(i);
    *t.mutable_received_at() = ToProtoTime(received);
    *t.mutable_create_time() = ToProtoTime(received);
    *t.mutable_update_time() = ToProtoTime(received);
    // Nine deadlines shared by ten tickets each: ties to break by id.
    *t.mutable_next_due_at() =
        ToProtoTime(At(2026, 1, 6, 9) + absl::Hours(12 * (i % 9)));
    ChangeSet changes;
    changes.new_tickets.push_back(t);
    Event created = EventOf(Event::CREATED, "");
    created.set_ticket(t.name());
    created.set_actor(t.created_by());
    *created.mutable_time() = ToProtoTime(received);
    created.set_state_after(Ticket::RECEIVED);
    changes.events.push_back(created);
    changes.stat_changes = TicketStatChanges(nullptr, t, BureauZone());
    if (absl::StartsWith(t.created_by(), "intake/")) {
      storage::CreateRequestRow request{t.created_by(), absl::StrCat("req-", i),
                                        id, Micros(received)};
      changes.create_requests.push_back(request);
      h.create_requests.push_back(request);
    }
    if (i % 4 == 1) {
      // The first outcome is older than the retention when the second
      // comes: that insert purges it.
      storage::RequestOutcomeRow outcome;
      outcome.key = BinaryBytes("request-", i);
      outcome.outcome.method = "/hotline.v1.HotlineService/CreateTicket";
      outcome.outcome.fingerprint = BinaryBytes("fingerprint-", i);
      outcome.outcome.response = t.SerializeAsString();
      outcome.created_at_micros =
          i == 1 ? Micros(At(2026, 3, 1))
                 : Micros(At(2026, 3, 20) + absl::Seconds(i));
      changes.request_outcome = outcome;
      if (i == 1) {
        h.purged_outcome_keys.push_back(outcome.key);
      } else {
        h.outcomes.push_back(outcome);
      }
    }
    h.tickets[id] = t;
    h.Add(std::move(changes));
  }
  // Rounds of steps: dispatch; acknowledge or return; reply or dispatch
  // again; close.
  auto id_of = [&](int i) { return first_ticket + i; };
  auto department_of = [](int i, int shift) {
    return DepartmentName(kDepartmentIds[(i * 7 + shift) % 6]);
  };
  auto step_time = [](int i, int round) {
    return ReceivedAt(i) + absl::Hours(3 * round);
  };
  for (int i = 0; i < kTickets; ++i) {
    if (i % 5 == 0) continue;  // stays RECEIVED
    const std::string department = department_of(i, 0);
    const absl::Time at = step_time(i, 1);
    StepTicket(
        h, id_of(i), at,
        [&](Ticket& t) {
          t.set_state(Ticket::DISPATCHED);
          t.set_department(department);
          *t.mutable_dispatched_at() = ToProtoTime(at);
          t.set_dispatch_count(1);
          // The bureau classifies some at dispatch (an update's category).
          if (i % 4 == 1) t.set_category("020101");
        },
        EventOf(Event::DISPATCHED, department));
  }
  for (int i = 0; i < kTickets; ++i) {
    if (i % 5 == 0 || i % 6 == 0) continue;
    const std::string department = department_of(i, 0);
    const absl::Time at = step_time(i, 2);
    if (i % 6 >= 4) {
      StepTicket(
          h, id_of(i), at,
          [&](Ticket& t) {
            t.set_state(Ticket::RETURNED);
            t.clear_department();
            t.set_return_count(1);
          },
          EventOf(Event::RETURNED, "", department));
    } else {
      StepTicket(
          h, id_of(i), at,
          [&](Ticket& t) {
            t.set_state(Ticket::IN_PROGRESS);
            *t.mutable_acknowledged_at() = ToProtoTime(at);
          },
          EventOf(Event::ACKNOWLEDGED, department));
    }
  }
  for (int i = 0; i < kTickets; ++i) {
    if (i % 5 == 0) continue;
    const absl::Time at = step_time(i, 3);
    if (i % 6 == 2 || i % 6 == 3) {
      const std::string department = department_of(i, 0);
      StepTicket(
          h, id_of(i), at,
          [&](Ticket& t) {
            t.set_state(Ticket::REPLIED);
            *t.mutable_replied_at() = ToProtoTime(at);
            *t.mutable_reply_due_at() =
                ToProtoTime(at + absl::Hours(i % 2 == 0 ? 24 : -24));
            t.set_reply_text("已处理");
            t.set_outcome(Ticket::RESOLVED);
            t.clear_next_due_at();
          },
          EventOf(Event::REPLIED, department));
    } else if (i % 6 == 5) {
      const std::string department = department_of(i, 1);
      StepTicket(
          h, id_of(i), at,
          [&](Ticket& t) {
            t.set_state(Ticket::DISPATCHED);
            t.set_department(department);
            t.set_dispatch_count(2);
          },
          EventOf(Event::DISPATCHED, department));
    }
  }
  // Urging notices (催办) on the tickets signed for: an urging escalated
  // to supervision, still open (i % 6 == 1), or one answered (i % 6 == 2),
  // each due a day after its issue.
  for (int i = 0; i < kTickets; ++i) {
    if (i % 5 == 0 || (i % 6 != 1 && i % 6 != 2)) continue;
    const absl::Time at = step_time(i, 2) + absl::Hours(1);
    const std::string department = h.tickets[id_of(i)].department();
    StepTicket(
        h, id_of(i), at,
        [&](Ticket& t) {
          auto add = [&](v1::Notice::Level level, v1::Notice::State state,
                         absl::Time issued) {
            v1::Notice& n = *t.add_notices();
            n.set_number(t.notices_size());
            n.set_name(absl::StrCat(t.name(), "/notices/", n.number()));
            n.set_level(level);
            n.set_state(state);
            n.set_department(department);
            n.set_reason(absl::StrCat("催办 ", i));
            *n.mutable_issue_time() = ToProtoTime(issued);
            *n.mutable_answer_due_at() = ToProtoTime(issued + absl::Hours(24));
          };
          if (i % 6 == 1) {
            add(v1::Notice::URGING, v1::Notice::ESCALATED, at);
            t.mutable_notices(0)->set_overdue(true);
            add(v1::Notice::SUPERVISION, v1::Notice::ISSUED,
                at + absl::Hours(24));
          } else {
            add(v1::Notice::URGING, v1::Notice::ANSWERED, at);
          }
        },
        EventOf(Event::NOTICE_ISSUED, department));
  }
  constexpr Ticket::Satisfaction kVerdicts[] = {
      Ticket::SATISFIED, Ticket::BASICALLY_SATISFIED, Ticket::DISSATISFIED};
  for (int i = 0; i < kTickets; ++i) {
    if (i % 5 == 0 || i % 6 != 3) continue;
    const absl::Time at = step_time(i, 4);
    const std::string department = h.tickets[id_of(i)].department();
    StepTicket(
        h, id_of(i), at,
        [&](Ticket& t) {
          t.set_state(Ticket::CLOSED);
          *t.mutable_closed_at() = ToProtoTime(at);
          t.set_satisfaction(kVerdicts[(i / 6) % 3]);
        },
        EventOf(Event::CLOSED, department));
  }
  // Cards: a yellow one for every third ticket a department holds, a red
  // one for some; every other yellow one revoked.
  int64_t card_number = first_card;
  for (int i = 0; i < kTickets; ++i) {
    const Ticket& t = h.tickets[id_of(i)];
    if (t.department().empty() || i % 3 != 1) continue;
    for (v1::Card::Color color : {v1::Card::YELLOW, v1::Card::RED}) {
      if (color == v1::Card::RED && i % 9 != 4) continue;
      v1::Card card;
      card.set_name(absl::StrCat("cards/", card_number++));
      card.set_ticket(t.name());
      card.set_department(t.department());
      card.set_color(color);
      card.set_reason("逾期未签收");
      card.set_issuer("bureau");
      *card.mutable_issue_time() =
          ToProtoTime(step_time(i, 5) + absl::Minutes(color));
      ChangeSet changes;
      changes.new_cards.push_back(card);
      Event issued = EventOf(Event::CARD_ISSUED, t.department());
      issued.set_ticket(t.name());
      issued.set_actor("bureau");
      issued.set_card(card.name());
      issued.set_card_color(color);
      *issued.mutable_time() = card.issue_time();
      changes.events.push_back(issued);
      if (std::optional<TimedFacts> change = CardStatChange(
              t.type(), t.topic(), nullptr, card, BureauZone())) {
        changes.stat_changes.push_back(*change);
      }
      h.cards[storage::CardId(card)] = card;
      h.Add(std::move(changes));
    }
  }
  {
    int nth = 0;
    for (auto& [id, card] : h.cards) {
      if (card.color() != v1::Card::YELLOW || nth++ % 2 != 0) continue;
      const v1::Card before = card;
      *card.mutable_revoke_time() =
          ToProtoTime(FromProtoTime(card.issue_time()) + absl::Hours(2));
      card.set_revoke_reason("误发");
      card.set_revoked_by("bureau");
      const Ticket& t = h.tickets[storage::TicketIdOfName(card.ticket())];
      ChangeSet changes;
      changes.cards.push_back(card);
      Event revoked = EventOf(Event::CARD_REVOKED, card.department());
      revoked.set_ticket(card.ticket());
      revoked.set_actor("bureau");
      revoked.set_card(card.name());
      revoked.set_card_color(card.color());
      *revoked.mutable_time() = card.revoke_time();
      changes.events.push_back(revoked);
      if (std::optional<TimedFacts> change = CardStatChange(
              t.type(), t.topic(), &before, card, BureauZone())) {
        changes.stat_changes.push_back(*change);
      }
      h.Add(std::move(changes));
    }
  }
  // Daily reports, day after day (ids grow with dates, as reports are given
  // on their own day only); some amended the same day; each day settled
  // once (and once more, which changes nothing).
  for (int d = 0; d < 5; ++d) {
    const std::string date = kReportDates[d];
    ChangeSet given;
    ChangeSet amended;
    ChangeSet settled;
    for (int i = 0; i < kTickets; ++i) {
      const Ticket& t = h.tickets[id_of(i)];
      if (t.state() != Ticket::DISPATCHED && t.state() != Ticket::IN_PROGRESS) {
        continue;
      }
      const bool reported = (i + d) % 3 != 0;
      if (reported) {
        v1::DailyReport report;
        report.set_ticket(t.name());
        report.set_department(t.department());
        report.set_date(date);
        report.set_progress(absl::StrCat("第", d + 1, "天: 进展 ", i));
        *report.mutable_submit_time() =
            ToProtoTime(At(2026, 2, 2 + d, 17, i % 60));
        given.daily_reports.push_back(report);
        h.reports.push_back(report);
        if ((i + d) % 5 == 0) {
          report.set_progress(absl::StrCat("第", d + 1, "天: 更正 ", i));
          *report.mutable_submit_time() =
              ToProtoTime(At(2026, 2, 2 + d, 19, i % 60));
          amended.daily_reports.push_back(report);
          h.reports.back() = report;
        }
      }
      storage::DailyObligationRow row;
      row.ticket_id = id_of(i);
      row.date = date;
      row.department = t.department();
      row.reported = reported;
      row.stat_change = ObligationStatChange(date, t.department(), reported,
                                             t.type(), t.topic(), BureauZone());
      settled.obligations.push_back(row);
      h.obligations.push_back(row);
    }
    ChangeSet settled_again = settled;
    for (storage::DailyObligationRow& row : settled_again.obligations) {
      row.reported = !row.reported;
    }
    h.Add(std::move(given));
    h.Add(std::move(amended));
    h.Add(std::move(settled));
    h.Add(std::move(settled_again));
  }
  {
    // Attachments (附件): files of some tickets, by departments and the
    // bureau, over two days, some bytes attached twice.
    ChangeSet changes;
    for (int i = 0; i < kTickets; i += 3) {
      for (int number = 1; number <= 1 + i % 2; ++number) {
        storage::AttachmentRow row;
        row.ticket_id = id_of(i);
        row.number = number;
        row.sha256 = absl::StrCat(std::string(62, 'a'), i % 4, number);
        row.size = 1000 * (i + 1) + number;
        row.added_by = i % 2 == 0
                           ? "bureau"
                           : absl::StrCat("department/", kDepartmentIds[i % 6]);
        row.added_at_micros = Micros(ReceivedAt(i)) + number;
        h.attachments.push_back(row);
        changes.attachments.push_back(std::move(row));
      }
    }
    h.Add(std::move(changes));
  }
  {
    ChangeSet first;
    first.settings.emplace_back(storage::kRehearsalClockSetting, "1");
    h.Add(std::move(first));
    ChangeSet changes;
    changes.settings.emplace_back(storage::kRehearsalClockSetting,
                                  absl::StrCat(Micros(At(2026, 3, 1, 9))));
    changes.settings.emplace_back(storage::kCalendarCoverageSetting,
                                  "2026-12-31");
    // Voids as a restore from backup records them (restored_history.h).
    changes.settings.emplace_back("event_seq_voids",
                                  "100000-200000,300000-300010");
    for (const auto& [key, value] : changes.settings) h.settings[key] = value;
    h.Add(std::move(changes));
  }
  return h;
}

}  // namespace hotline::conformance
