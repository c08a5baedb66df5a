// How hotlinectl prints the figures by category (report --categories) and
// the hotspots (report --hotspots): an aligned table, CSV, and the bureau's
// wording (zh), whose 热点问题 sentence also ends the report's zh text.
//
// Stateless and thread-safe.
#ifndef HOTLINE_TOOLS_HOTSPOT_FORMAT_H_
#define HOTLINE_TOOLS_HOTSPOT_FORMAT_H_

#include <string>

#include "hotline/v1/hotline_service.pb.h"

namespace hotline::cli {

// "热点问题:噪声污染3件(环比增长200.0%)、违法建设2件(环比下降33.3%);增长最快
// 的是噪声污染(增加2件);诉求集中在城关镇(2件)、东风街道(2件);重复诉求2件。"
// Empty when no ticket of the period has a category (so a report of
// tickets without categories reads as before).
std::string HotspotsZh(const v1::Hotspots& hot);
std::string HotspotsTable(const v1::Hotspots& hot);
// One line per row: list,key,name,count,previous_count,growth_permille;
// then the repeats: repeat,kind,who,matter,tickets (space separated).
std::string HotspotsCsv(const v1::Hotspots& hot);

std::string CategoryStatisticsTable(const v1::CategoryStatistics& stats);
// kind,code,name,level,received,replied,closed,returned for the categories,
// then rule,category,township,department,suggested,followed,returned,
// return_rate_permille.
std::string CategoryStatisticsCsv(const v1::CategoryStatistics& stats);
// "各类诉求:城乡建设3件(违法建设2件、物业管理1件),…;派单目录:…退单率…。"
std::string CategoryStatisticsZh(const v1::CategoryStatistics& stats);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_HOTSPOT_FORMAT_H_
