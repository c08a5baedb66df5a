// A history to commit to a fresh store, with everything it must hold after:
// the data of tests/storage/store_conformance_test.cc's comparison of the
// engines.
//
// RecordHistory makes, deterministically, six departments (two of whose ids
// sort differently in byte order and in a natural-language collation);
// eight tokens (a certificate identity bound, revoked and bound again);
// two policies recorded newest first; 90 tickets created one commit each
// (two share each received instant, received order is not creation order,
// ten share each deadline) and taken through dispatches, acknowledgements,
// returns, replies, second dispatches and closes, urging notices (催办) on
// those in progress (escalated, open, answered); cards issued and half the
// yellow ones revoked; five days of daily reports with amendments, each day
// settled twice; create requests; request outcomes of which the first is
// purged by the second; settings, event seq voids among them. Text holds
// Chinese and upper and lower case; keys and hashes hold NUL and invalid
// UTF-8 bytes.
//
// Plain data; not synchronised.
#ifndef HOTLINE_TESTS_STORAGE_STORE_HISTORY_H_
#define HOTLINE_TESTS_STORAGE_STORE_HISTORY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/ticket.pb.h"
#include "storage/change_set.h"

namespace hotline::conformance {

inline constexpr int kTickets = 90;
inline constexpr const char* kDepartmentIds[] = {"housing", "water", "police",
                                                 "roads",   "a-b",   "ab"};
inline constexpr const char* kCreators[] = {"bureau", "intake/city",
                                            "intake/app"};

// The bureau's time zone (Asia/Shanghai), and an instant in it.
const absl::TimeZone& BureauZone();
absl::Time At(int year, int month, int day, int hour = 0, int minute = 0);
int64_t Micros(absl::Time time);

// "departments/{id}".
std::string DepartmentName(const std::string& id);
// The n of "tokens/{n}"; 0 when the name is not that.
int64_t TokenNumber(const v1::Token& token);
// Bytes no text column would take (NUL, 0xFF, invalid UTF-8), then tag
// and i.
std::string BinaryBytes(absl::string_view tag, int i);

// What is committed, in commit order, and what the store must hold after.
struct History {
  std::vector<storage::ChangeSet> commits;
  std::map<int64_t, v1::Ticket> tickets;  // the last version of each
  std::vector<v1::Event> events;          // seqs set, in seq order
  std::map<int64_t, v1::Card> cards;      // the last version of each
  // In the order first given; an amendment replaces a report in place.
  std::vector<v1::DailyReport> reports;
  // The first settling of each (ticket, day); a later one changes nothing.
  std::vector<storage::DailyObligationRow> obligations;
  std::vector<storage::DepartmentRow> departments;
  std::vector<storage::TokenRow> tokens;  // revoke_time set when revoked
  std::vector<v1::Policy> policies;
  std::map<std::string, std::string> settings;
  std::vector<storage::CreateRequestRow> create_requests;
  std::vector<storage::RequestOutcomeRow> outcomes;  // those still kept
  std::vector<std::string> purged_outcome_keys;
  std::vector<storage::AttachmentRow> attachments;

  // Adds a commit; its events get the seqs the store will give them
  // (consecutive from 1 in a fresh store). An empty one is left out.
  void Add(storage::ChangeSet changes);
};

// The history, with ticket, card and token numbers from the first ones
// given (reserved beforehand in the stores it is committed to).
History RecordHistory(int64_t first_ticket, int64_t first_card,
                      int64_t first_token);

}  // namespace hotline::conformance

#endif  // HOTLINE_TESTS_STORAGE_STORE_HISTORY_H_
