// How hotlinectl prints the bureau's figures (hotlinectl report): an aligned
// table, CSV for spreadsheets, and the sentence the bureau writes in its
// reports (zh).
//
// Stateless and thread-safe.
#ifndef HOTLINE_TOOLS_REPORT_FORMAT_H_
#define HOTLINE_TOOLS_REPORT_FORMAT_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "hotline/v1/hotline_service.pb.h"

namespace hotline::cli {

// "2021-12-31" -> "2021年12月31日".
std::string ChineseDate(absl::CivilDay day);

// One CSV line of `cells` (quoted where needed; a cell a spreadsheet would
// take for a formula neutralised), ending in a newline.
std::string CsvLine(const std::vector<std::string>& cells);

// "98.5%"; "-" when unset (no ticket was due).
std::string FormatPermille(const v1::Figures& figures, bool compliance);

// The headline figures, one row per department, the top topics and, with
// `per_day`, one row per day.
std::string ReportTable(const v1::Statistics& stats, bool per_day);

// One header line and a row each for the total, every department, every
// day and every top topic; the first column says which.
std::string ReportCsv(const v1::Statistics& stats);

// The bureau's wording, e.g. "2021年1月1日至2021年12月31日,收到市12345投诉
// 举报平台转派工单N件,黄牌N件,红牌N件,日均受理N件,主要涉及…等问题。已转相关
// 职能部门调处N件,相关职能部门已处理回复N件,未超期未回复N件,按时办结率为N%。",
// then a line per department.
std::string ReportZh(const v1::Statistics& stats);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_REPORT_FORMAT_H_
