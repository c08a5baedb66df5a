// How hotlinectl prints a circulated notice (通报): one department's
// overdue tickets (its cards issued in a period) and its urging notices
// (催办通知) that went unanswered by their deadline in it, as the bureau's
// text (zh) and as CSV.
//
// Stateless and thread-safe.
#ifndef HOTLINE_TOOLS_CIRCULAR_FORMAT_H_
#define HOTLINE_TOOLS_CIRCULAR_FORMAT_H_

#include <string>
#include <vector>

#include "hotline/v1/hotline_service.pb.h"

namespace hotline::cli {

// An overdue ticket: its cards of the period, in the order issued. The
// ticket's source_id and title are empty when the caller may no longer
// read it.
struct CircularTicket {
  std::string ticket;  // "tickets/{id}"
  std::string source_id;
  std::string title;
  std::vector<v1::Card> cards;
};

// A notice unanswered by its deadline, with its ticket as above.
struct CircularNotice {
  std::string source_id;
  std::string title;
  v1::Notice notice;
};

struct Circular {
  std::string department;    // "departments/{id}"
  std::string display_name;  // may be empty
  std::string from_date;     // "YYYY-MM-DD", the first day
  std::string to_date;       // the first day not counted
  std::vector<CircularTicket> overdue;
  std::vector<CircularNotice> unanswered;
};

// "关于县住房和城乡建设局逾期工单和催办未反馈情况的通报", the period, then a
// numbered line per overdue ticket and per unanswered notice.
std::string CircularZh(const Circular& circular);

// A header line, then a row per card and per notice; the first column
// ("card" or "notice") says which.
std::string CircularCsv(const Circular& circular);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_CIRCULAR_FORMAT_H_
