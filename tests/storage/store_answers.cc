#include "tests/storage/store_answers.h"

#include <functional>

#include "absl/strings/escaping.h"
#include "workflow/stat_facts.h"

namespace hotline::conformance {

using v1::Event;
using v1::Ticket;

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

// A list item: its name and a digest of all of it.
std::string Item(const google::protobuf::Message& message,
                 absl::string_view name) {
  return absl::StrCat(
      name, "#",
      absl::Hex(std::hash<std::string>()(message.SerializeAsString())));
}
std::string Text(const Ticket& t) {
  return absl::StrCat(t.name(), "@", t.etag(), " ", t.ShortDebugString());
}
std::string Text(const Event& e) { return e.ShortDebugString(); }
std::string Text(const v1::Card& c) { return c.ShortDebugString(); }
std::string Text(const v1::Department& d) { return d.ShortDebugString(); }
std::string Text(const v1::Token& t) { return t.ShortDebugString(); }
std::string Text(const v1::Policy& p) { return p.ShortDebugString(); }
std::string Text(int64_t value) { return absl::StrCat(value); }
std::string Text(const std::string& value) { return absl::CEscape(value); }
std::string Text(const storage::TokenRecord& r) {
  return absl::StrCat("token ", r.id, " ", r.principal,
                      r.revoked ? " revoked" : "");
}
std::string Text(const storage::SeqVoid& v) {
  return absl::StrCat("void ", v.first, "-", v.last);
}
std::string Text(const storage::RequestOutcome& o) {
  return absl::StrCat(o.method, " ", Hex(o.fingerprint), " ", Hex(o.response));
}
std::string Text(const storage::ComplianceCounts& c) {
  std::string text =
      absl::StrCat("owed ", c.owed, " given ", c.given, " misses");
  for (const auto& [ticket, date] : c.misses) {
    absl::StrAppend(&text, " ", ticket, "/", date);
  }
  return text;
}
std::string Text(const storage::StatSums& sums) {
  std::string text;
  for (const auto& [key, vector] : sums) {
    absl::StrAppend(&text, key, ":");
    for (int i = 0; i < kStatCounterCount; ++i) {
      absl::StrAppend(&text, i == 0 ? "" : ",", vector.c[i]);
    }
    absl::StrAppend(&text, " ");
  }
  return text;
}
std::string Text(const storage::OperationalCounts& c) {
  std::string text = "states";
  for (const auto& [state, count] : c.tickets_by_state) {
    absl::StrAppend(&text, " ", Ticket::State_Name(state), "=", count);
  }
  absl::StrAppend(&text, " overdue ", c.tickets_overdue, " cards");
  for (const auto& [color, count] : c.cards_by_color) {
    absl::StrAppend(&text, " ", v1::Card::Color_Name(color), "=", count.issued,
                    "/", count.revoked);
  }
  absl::StrAppend(&text, " latest_seq ", c.latest_seq, " earliest_due ",
                  c.earliest_due_micros ? *c.earliest_due_micros : -1);
  return text;
}

// Items of a list, compactly (names and digests).
std::string Items(const std::vector<Ticket>& tickets) {
  std::string text;
  for (const Ticket& t : tickets) {
    absl::StrAppend(&text, Item(t, absl::StrCat(t.name(), "@", t.etag())), " ");
  }
  return text;
}
std::string Items(const std::vector<Event>& events) {
  std::string text;
  for (const Event& e : events) {
    absl::StrAppend(&text, Item(e, absl::StrCat("seq", e.seq())), " ");
  }
  return text;
}
std::string Items(const std::vector<v1::Card>& cards) {
  std::string text;
  for (const v1::Card& c : cards)
    absl::StrAppend(&text, Item(c, c.name()), " ");
  return text;
}
std::string Items(const std::vector<v1::Notice>& notices) {
  std::string text;
  for (const v1::Notice& n : notices) {
    absl::StrAppend(&text, Item(n, n.name()), " ");
  }
  return text;
}
std::string Items(const std::vector<v1::DailyReport>& reports) {
  std::string text;
  for (const v1::DailyReport& r : reports) {
    absl::StrAppend(&text, Item(r, absl::StrCat(r.ticket(), "/", r.date())),
                    " ");
  }
  return text;
}
std::string Items(const std::vector<v1::Department>& departments) {
  std::string text;
  for (const v1::Department& d : departments) {
    absl::StrAppend(&text, Item(d, d.name()), " ");
  }
  return text;
}
std::string Items(const std::vector<v1::Token>& tokens) {
  std::string text;
  for (const v1::Token& t : tokens)
    absl::StrAppend(&text, Item(t, t.name()), " ");
  return text;
}

}  // namespace hotline::conformance
