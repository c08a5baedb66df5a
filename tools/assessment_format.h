// How hotlinectl prints the department scorecard (考核, hotlinectl report
// --assessment): an aligned table, CSV, and the bureau's 红黑榜 paragraph
// (zh).
//
// Stateless and thread-safe.
#ifndef HOTLINE_TOOLS_ASSESSMENT_FORMAT_H_
#define HOTLINE_TOOLS_ASSESSMENT_FORMAT_H_

#include <string>

#include "hotline/v1/hotline_service.pb.h"

namespace hotline::cli {

// "95.2"; "-" when unset.
std::string ScoreText(bool has, int32_t permille);

// A row per department: rank, score, previous rank and score, each rate.
std::string AssessmentTable(const v1::Assessment& assessment);

// A header line, then a row per department (rates as percentages).
std::string AssessmentCsv(const v1::Assessment& assessment);

// "2021年3月1日至2021年3月31日各部门考核得分(满分100分):红榜:住建局95.2分(第1名,
// 上期第2名)、…;黑榜:…;未达5件不参与排名:…。" The red list (红榜) is the first
// half of the ranked, at most three; the black list (黑榜) the last half,
// at most three, lowest first.
std::string AssessmentZh(const v1::Assessment& assessment);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_ASSESSMENT_FORMAT_H_
