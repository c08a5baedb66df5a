// hotline-storage-bench: what a year of a county's hotline takes on disk, and
// whether the first page of every list stays flat as the data grows (issue
// 12's storage goals).
//
// --footprint: replays a county's year at ten times its volume (123,630
// tickets of 2025, Asia/Shanghai, 20 departments, 50 topics) through the
// Store interface, every step with the real workflow rules (NewTicket,
// Dispatch, Return, Acknowledge, RecordDailyReport, Reply, Close, Reopen)
// and the sweep rules between steps, as PlanTicketStep does: each step is a
// new version through TicketChanges::AddVersion with its event and its
// statistics changes; the daily reports (一日一报, one a working day a
// ticket is IN_PROGRESS, ~3.2 a ticket) with their DailyReport rows and the
// settled obligations. Commits 2,000 tickets' histories a change set, closes
// the store and prints the file size after a checkpoint, bytes a ticket and
// each table and index (storage::MeasureFootprint), and the rows it made.
//
// --lists: for each size (default 10,000 and 1,000,000 tickets) fills a
// database through the Store interface (20 departments, 6 states, 6 types,
// 50 topics, events, cards and daily reports); on SQLite times the store's
// open with the whole-file check and the background check of a large file;
// times the real server's first start and restart (with the page cache
// emptied before each, when run as root); starts the real server on it (on
// SQLite without the background check, which would share the machine with
// what is timed for minutes on a large file), and times through the real
// client the first page (page_size 50) of every list, for the bureau and for
// one department, under each filter alone and the common pairs, and
// GetStatistics (issue 27: at most 50 ms) for a month, a year, a
// department's year and a year as of an instant: median of --calls calls.
// Prints each list's medians and the ratio largest/smallest, and marks the
// ratios over 1.5 of lists with a full first page at both sizes.
// --list_databases names the databases instead of new files in --dir:
// SQLite paths or postgresql:// URIs, one a size. One that does not exist
// or is empty is filled and kept; one an earlier run filled with that many
// tickets is measured again (each run adds two tokens to it, and on
// PostgreSQL runs a VACUUM ANALYZE first), so a large database filled once
// can be measured in several runs.
//
//   hotline-storage-bench --footprint
//   hotline-storage-bench --footprint --postgres=postgresql://...   # empty db
//   hotline-storage-bench --lists --list_sizes=10000,200000
//   hotline-storage-bench --lists --list_sizes=10000,1000000
//       --list_databases=postgresql://.../small,postgresql://.../large
//   hotline-storage-bench                 # both
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "app/admin_service.h"
#include "app/data_files.h"
#include "app/ticket_changes.h"
#include "bench/disk_measures.h"
#include "bench/usage.h"
#include "client/hotline_client.h"
#include "common/log.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "server/hotline_server.h"
#include "storage/open_store.h"
#include "storage/sqlite/sqlite_store.h"
#include "workflow/calendar.h"
#include "workflow/clock.h"
#include "workflow/daily_report_rules.h"
#include "workflow/policy.h"
#include "workflow/principal.h"
#include "workflow/sweep_rules.h"
#include "workflow/ticket_rules.h"

ABSL_FLAG(bool, footprint, false,
          "Replay a county's year x10 and print what it takes on disk.");
ABSL_FLAG(bool, lists, false,
          "Time the first page of every list at each of --list_sizes.");
ABSL_FLAG(int, tickets, 123630, "--footprint: tickets of the year.");
ABSL_FLAG(std::string, list_sizes, "10000,1000000",
          "--lists: ticket counts, comma-separated.");
ABSL_FLAG(int, calls, 50, "--lists: timed calls per list (median).");
ABSL_FLAG(std::string, list_databases, "",
          "--lists: one database per --list_sizes entry, in order, "
          "comma-separated: SQLite paths or postgresql:// URIs of databases "
          "that exist. A missing or empty SQLite file, or a PostgreSQL "
          "database with no table, is filled and kept; one an earlier run "
          "filled with that many tickets is measured again. Default: new "
          "SQLite files in --dir, removed after the run unless --keep.");
ABSL_FLAG(std::string, dir, "",
          "Where the databases go (default: $TMPDIR or /tmp).");
ABSL_FLAG(bool, keep, false, "Keep the databases (their paths are printed).");
ABSL_FLAG(std::string, postgres, "",
          "--footprint: replay into this PostgreSQL database instead "
          "(postgresql://...; it must hold no table, and is left filled).");

namespace hotline {
namespace {

constexpr int kBatch = 2000;

absl::TimeZone Beijing() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

void RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", ".lock"}) {
    std::remove(absl::StrCat(path, suffix).c_str());
  }
}

// ---- Text of realistic length: common Chinese characters (3 bytes each in
// UTF-8), drawn at random.

constexpr char kHanzi[] =
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可"
    "主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家"
    "电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合"
    "还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
    "已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边"
    "流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战"
    "先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶"
    "油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例"
    "真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际"
    "商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何"
    "除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派"
    "层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

class TextMaker {
 public:
  explicit TextMaker(std::mt19937_64* random) : random_(random) {
    const std::string all = kHanzi;
    for (size_t i = 0; i + 3 <= all.size(); i += 3) {
      characters_.push_back(all.substr(i, 3));
    }
  }
  // `n` characters.
  std::string Chinese(int n) {
    std::string text;
    text.reserve(3 * n);
    for (int i = 0; i < n; ++i) {
      text += characters_[(*random_)() % characters_.size()];
      if (i % 17 == 16 && i + 1 < n) text += "，";
    }
    return text;
  }
  // Between `low` and `high` characters.
  std::string Chinese(int low, int high) {
    return Chinese(low + static_cast<int>((*random_)() % (high - low + 1)));
  }
  std::string Phone() {
    return absl::StrFormat("1%d%09d", 3 + static_cast<int>((*random_)() % 7),
                           static_cast<int>((*random_)() % 1000000000));
  }
  std::string Hex(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += "0123456789abcdef"[(*random_)() % 16];
    return text;
  }

 private:
  std::mt19937_64* random_;
  std::vector<std::string> characters_;
};

// 50 topics, as a county's catalogue names them.
const std::vector<std::string>& Topics() {
  static const auto* topics = new std::vector<std::string>{
      "噪音扰民", "占道经营", "违章建筑", "物业服务", "供水问题", "供电问题",
      "燃气问题", "道路维修", "路灯故障", "交通秩序", "公交服务", "出租车",
      "停车管理", "环境卫生", "垃圾清运", "大气污染", "水污染",   "餐饮油烟",
      "食品安全", "药品安全", "市场监管", "消费维权", "价格投诉", "劳动工资",
      "社会保险", "医疗卫生", "教育招生", "校外培训", "户籍办理", "出入境",
      "房屋产权", "房屋租赁", "拆迁安置", "农村土地", "农业补贴", "林业管理",
      "动物防疫", "宠物扰民", "城市绿化", "园林养护", "市容市貌", "户外广告",
      "网络通信", "快递物流", "旅游服务", "文化体育", "养老服务", "残疾人服务",
      "民政救助", "政策咨询"};
  return *topics;
}

// 20 departments of a county (ids as the bureau would choose them).
const std::vector<std::pair<std::string, std::string>>& CountyDepartments() {
  static const auto* departments =
      new std::vector<std::pair<std::string, std::string>>{
          {"housing", "住房和城乡建设局"},
          {"transport", "交通运输局"},
          {"public-security", "公安局"},
          {"market-regulation", "市场监督管理局"},
          {"ecology-environment", "生态环境局"},
          {"urban-management", "城市管理综合执法局"},
          {"human-resources", "人力资源和社会保障局"},
          {"health", "卫生健康局"},
          {"education", "教育局"},
          {"civil-affairs", "民政局"},
          {"natural-resources", "自然资源局"},
          {"agriculture", "农业农村局"},
          {"water-resources", "水务局"},
          {"culture-tourism", "文化广电旅游体育局"},
          {"emergency", "应急管理局"},
          {"commerce", "商务局"},
          {"medical-security", "医疗保障局"},
          {"chengguan-town", "城关镇人民政府"},
          {"power-supply", "供电公司"},
          {"water-supply", "自来水公司"}};
  return *departments;
}

absl::Status CreateDepartments(
    storage::Store& store,
    const std::vector<std::pair<std::string, std::string>>& departments) {
  storage::ChangeSet changes;
  for (const auto& [id, display] : departments) {
    v1::Department d;
    d.set_name(absl::StrCat("departments/", id));
    d.set_display_name(display);
    changes.departments.push_back({id, d});
  }
  return store.CommitAndWait(std::move(changes));
}

std::string Mib(int64_t bytes) {
  return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
}

// ======================================================================
// --footprint

// What the replay made, for the report.
struct ReplayCounts {
  int64_t tickets = 0;
  int64_t versions = 0;  // ticket rows written (new and updated)
  int64_t events = 0;
  std::map<v1::Event::Type, int64_t> events_by_type;
  int64_t daily_reports = 0;
  int64_t obligations = 0;
  int64_t obligations_missed = 0;
  int64_t cards = 0;
  int64_t create_requests = 0;
  int64_t stat_changes = 0;
  int64_t returned = 0;
  int64_t reopened = 0;
  int64_t closed = 0;
  SweepCounts sweep;
};

// One ticket's year, built with the workflow rules into a change set.
class Replay {
 public:
  Replay(storage::Store* store, const WorkingDayCalendar* calendar,
         const v1::Policy* policy, ReplayCounts* counts)
      : store_(store),
        calendar_(calendar),
        rules_{policy, calendar},
        text_(&random_),
        counts_(counts) {}

  // Adds one ticket's life to `changes`.
  absl::Status Ticket(storage::ChangeSet& changes) {
    TicketChanges builder(store_, calendar_->zone(), &changes);
    const absl::Time year =
        absl::FromCivil(absl::CivilDay(2025, 1, 1), calendar_->zone());
    const absl::Time received = year + absl::Hours(24 * Uniform(365)) +
                                absl::Hours(8) +
                                absl::Seconds(Uniform(12 * 3600));
    // 70% come from the 12345 platform's intake (with its id), the rest are
    // typed in by the bureau's operators.
    const bool from_intake = Uniform(10) < 7;
    const Principal creator =
        from_intake ? Principal::Intake("platform12345") : Principal::Bureau();
    v1::Ticket draft;
    if (from_intake) {
      draft.set_source_id(absl::StrFormat(
          "GD12345-%s-%06d",
          absl::FormatTime("%Y%m%d", received, calendar_->zone()),
          static_cast<int>(++source_serial_ % 1000000)));
    }
    draft.set_type(static_cast<v1::Ticket::Type>(1 + Uniform(6)));
    draft.set_topic(Topics()[Uniform(Topics().size())]);
    const int64_t urgency = Uniform(1000);
    draft.set_urgency(urgency < 970   ? v1::Ticket::NORMAL
                      : urgency < 995 ? v1::Ticket::URGENT
                                      : v1::Ticket::CRITICAL);
    draft.set_title(text_.Chinese(10, 20));
    draft.set_content(text_.Chinese(120, 180));
    draft.set_address(text_.Chinese(15, 25));
    draft.set_caller_name(text_.Chinese(2, 3));
    draft.set_caller_phone(text_.Phone());
    draft.set_confidential(Uniform(100) < 3);
    *draft.mutable_received_at() = ToProtoTime(received);

    absl::Time now = received + absl::Seconds(30 + Uniform(1800));
    TicketChange created = NewTicket(draft, ActionContext{creator, now});
    RETURN_IF_ERROR(builder.AddNew(&created.ticket, &created.event));
    ++counts_->versions;
    changes.create_requests.push_back({creator.ToString(), text_.Hex(32),
                                       storage::TicketId(created.ticket),
                                       absl::ToUnixMicros(now)});
    ++counts_->create_requests;
    v1::Ticket t = created.ticket;

    // Dispatch (and, for ~5%, a return within the window and a dispatch to
    // another department).
    int department = static_cast<int>(Uniform(CountyDepartments().size()));
    now += absl::Minutes(5 + Uniform(115));
    RETURN_IF_ERROR(Dispatch(builder, t, department, now));
    if (Uniform(100) < 5) {
      ++counts_->returned;
      now += absl::Minutes(30 + Uniform(210));
      RETURN_IF_ERROR(Step(builder, t, now, DepartmentActor(department),
                           [&](const v1::Ticket& x, const ActionContext& c) {
                             return Return(x, text_.Chinese(20, 40), "", c);
                           }));
      department = (department + 1 +
                    static_cast<int>(Uniform(CountyDepartments().size() - 1))) %
                   static_cast<int>(CountyDepartments().size());
      now += absl::Minutes(30 + Uniform(150));
      RETURN_IF_ERROR(Dispatch(builder, t, department, now));
    }
    // Acknowledge (签收).
    now += absl::Minutes(10 + Uniform(290));
    RETURN_IF_ERROR(Step(builder, t, now, DepartmentActor(department),
                         [&](const v1::Ticket& x, const ActionContext& c) {
                           return Acknowledge(x, "", c, rules_);
                         }));
    // In progress for k working days (a report each, 2% missed), then the
    // reply; a mean of 3.22 days gives ~3.2 reports a ticket.
    const int days = static_cast<int>(Uniform(7)) + (Uniform(1000) < 220);
    RETURN_IF_ERROR(WorkAndReply(builder, changes, t, department, days, now));
    if (Uniform(100) < 90) {
      RETURN_IF_ERROR(CloseTicket(builder, t, now));
    }
    // ~2% are reopened by the bureau (a complaint about the reply), worked
    // on for 1-3 more days, replied and mostly closed again.
    if (Uniform(100) < 2) {
      ++counts_->reopened;
      now += absl::Hours(1 + Uniform(47));
      RETURN_IF_ERROR(Step(builder, t, now, Principal::Bureau(),
                           [&](const v1::Ticket& x, const ActionContext& c) {
                             return Reopen(x, text_.Chinese(20, 40), "", c,
                                           rules_);
                           }));
      RETURN_IF_ERROR(WorkAndReply(builder, changes, t, department,
                                   1 + static_cast<int>(Uniform(3)), now));
      if (Uniform(100) < 90) {
        RETURN_IF_ERROR(CloseTicket(builder, t, now));
      }
    }
    ++counts_->tickets;
    return absl::OkStatus();
  }

 private:
  int64_t Uniform(int64_t n) {
    return static_cast<int64_t>(random_() % static_cast<uint64_t>(n));
  }

  static Principal DepartmentActor(int department) {
    return Principal::Department(CountyDepartments()[department].first);
  }
  static std::string DepartmentName(int department) {
    return absl::StrCat("departments/", CountyDepartments()[department].first);
  }

  using Rule = std::function<absl::StatusOr<TicketChange>(
      const v1::Ticket&, const ActionContext&)>;

  // PlanTicketStep (app/ticket_step.cc) on the ticket as last written:
  // settle what fell due before `now`, apply the rule, settle what the step
  // itself made due; each a version of its own.
  absl::Status Step(TicketChanges& builder, v1::Ticket& t, absl::Time now,
                    const Principal& actor, const Rule& rule) {
    const ActionContext context{actor, now};
    SweepResult due = Sweep(t, now, rules_);
    ASSIGN_OR_RETURN(TicketChange change, rule(due.ticket, context));
    v1::Ticket before = t;
    if (!due.steps.empty()) {
      builder.AddVersion(before, &due.ticket);
      ++counts_->versions;
      RETURN_IF_ERROR(
          builder.AddSweepSteps(due.ticket, due.steps, &counts_->sweep));
      before = due.ticket;
    }
    builder.AddVersion(before, &change.ticket);
    ++counts_->versions;
    builder.AddEvent(change.event);
    SweepResult after = Sweep(change.ticket, now, rules_);
    if (after.steps.empty()) {
      t = change.ticket;
      return absl::OkStatus();
    }
    builder.AddVersion(change.ticket, &after.ticket);
    ++counts_->versions;
    RETURN_IF_ERROR(
        builder.AddSweepSteps(after.ticket, after.steps, &counts_->sweep));
    t = after.ticket;
    return absl::OkStatus();
  }

  absl::Status Dispatch(TicketChanges& builder, v1::Ticket& t, int department,
                        absl::Time now) {
    const std::string name = DepartmentName(department);
    return Step(builder, t, now, Principal::Bureau(),
                [&](const v1::Ticket& x, const ActionContext& c) {
                  return hotline::Dispatch(x, name, "", "", c, rules_);
                });
  }

  // Reports on the first `days` working days on or after the local day of
  // `now`, and replies on the next one; `now` ends at the reply.
  absl::Status WorkAndReply(TicketChanges& builder, storage::ChangeSet& changes,
                            v1::Ticket& t, int department, int days,
                            absl::Time& now) {
    const absl::TimeZone zone = calendar_->zone();
    std::vector<absl::CivilDay> working;
    for (absl::CivilDay day = calendar_->LocalDay(now);
         static_cast<int>(working.size()) <= days; ++day) {
      if (calendar_->IsWorkingDay(day)) working.push_back(day);
    }
    const Principal actor = DepartmentActor(department);
    for (int i = 0; i < days; ++i) {
      const absl::Time start = calendar_->StartOfDay(working[i]);
      const absl::Time end = start + absl::Hours(24) - absl::Minutes(1);
      absl::Time at = start + absl::Hours(16) + absl::Seconds(Uniform(7200));
      at = std::min(std::max(at, now + absl::Minutes(10)), end);
      if (at <= now) continue;         // acknowledged in the day's last minutes
      if (Uniform(100) < 2) continue;  // missed: the sweep settles it so
      now = at;
      const std::string progress = text_.Chinese(20, 40);
      RETURN_IF_ERROR(Step(builder, t, now, actor,
                           [&](const v1::Ticket& x, const ActionContext& c) {
                             return RecordDailyReport(x, working[i], progress,
                                                      c);
                           }));
      v1::DailyReport report;
      report.set_ticket(t.name());
      report.set_department(t.department());
      report.set_date(absl::FormatCivilTime(working[i]));
      report.set_progress(progress);
      *report.mutable_submit_time() = ToProtoTime(now);
      changes.daily_reports.push_back(std::move(report));
      ++counts_->daily_reports;
    }
    const absl::Time reply_day = calendar_->StartOfDay(working[days]);
    now =
        std::max(now + absl::Minutes(30),
                 reply_day + absl::Hours(9) + absl::Seconds(Uniform(8 * 3600)));
    const int64_t outcome = Uniform(100);
    const v1::Ticket::Outcome o = outcome < 70   ? v1::Ticket::RESOLVED
                                  : outcome < 90 ? v1::Ticket::EXPLAINED
                                  : outcome < 96 ? v1::Ticket::NOT_RESOLVABLE
                                                 : v1::Ticket::NOT_OUR_REMIT;
    const std::string reply = text_.Chinese(80, 120);
    (void)zone;
    return Step(builder, t, now, actor,
                [&](const v1::Ticket& x, const ActionContext& c) {
                  return Reply(x, reply, o, "", c);
                });
  }

  absl::Status CloseTicket(TicketChanges& builder, v1::Ticket& t,
                           absl::Time& now) {
    now += absl::Hours(1 + Uniform(71));
    const int64_t rating = Uniform(100);
    const v1::Ticket::Satisfaction s = rating < 75 ? v1::Ticket::SATISFIED
                                       : rating < 93
                                           ? v1::Ticket::BASICALLY_SATISFIED
                                           : v1::Ticket::DISSATISFIED;
    ++counts_->closed;
    return Step(builder, t, now, Principal::Bureau(),
                [&](const v1::Ticket& x, const ActionContext& c) {
                  return Close(x, s, "", c);
                });
  }

  storage::Store* store_;
  const WorkingDayCalendar* calendar_;
  DeadlineRules rules_;
  std::mt19937_64 random_{20250101};
  TextMaker text_;
  ReplayCounts* counts_;
  int64_t source_serial_ = 0;
};

void CountChanges(const storage::ChangeSet& changes, ReplayCounts& counts) {
  counts.events += changes.events.size();
  for (const v1::Event& e : changes.events) ++counts.events_by_type[e.type()];
  counts.obligations += changes.obligations.size();
  for (const auto& o : changes.obligations) {
    if (!o.reported) ++counts.obligations_missed;
  }
  counts.cards += changes.new_cards.size();
  counts.stat_changes += changes.stat_changes.size();
}

int RunFootprint(const std::string& dir) {
  const std::string postgres = absl::GetFlag(FLAGS_postgres);
  const std::string path =
      !postgres.empty() ? postgres
                        : absl::StrCat(dir, "/hotline-storage-bench-footprint-",
                                       getpid(), ".db");
  if (postgres.empty()) {
    RemoveDatabase(path);
  } else {
    absl::StatusOr<bool> empty = storage::PostgresDatabaseIsEmpty(postgres);
    if (!empty.ok() || !*empty) {
      std::cerr << "footprint: --postgres must name an empty database ("
                << (empty.ok() ? "it holds tables; CREATE DATABASE a new one"
                               : empty.status().ToString())
                << ")\n";
      return 1;
    }
  }
  absl::StatusOr<std::string> calendar_path =
      FindCalendar(ShippedCalendarCandidates());
  if (!calendar_path.ok()) {
    std::cerr << calendar_path.status() << "\n";
    return 1;
  }
  absl::StatusOr<WorkingDayCalendar> calendar =
      LoadCalendarFile(*calendar_path, "Asia/Shanghai");
  if (!calendar.ok()) {
    std::cerr << calendar.status() << "\n";
    return 1;
  }
  v1::Policy policy = DefaultPolicy();
  const int64_t tickets = absl::GetFlag(FLAGS_tickets);
  std::cerr << "footprint: replaying " << tickets << " tickets of 2025 into "
            << path << "\n";
  ReplayCounts counts;
  absl::Duration fill_time;
  {
    storage::StoreOptions options;
    options.path = path;
    storage::SqliteOptions sqlite;
    sqlite.synchronous_full = false;
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::OpenStore(options, sqlite);
    if (!store.ok()) {
      std::cerr << store.status() << "\n";
      return 1;
    }
    if (absl::Status s = CreateDepartments(**store, CountyDepartments());
        !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
    {
      // The policy in force, as the server records it at its first start.
      storage::ChangeSet changes;
      v1::Policy recorded = policy;
      *recorded.mutable_effective_from() =
          ToProtoTime(absl::FromCivil(absl::CivilDay(2025, 1, 1), Beijing()));
      changes.policies.push_back(recorded);
      if (absl::Status s = (*store)->CommitAndWait(std::move(changes));
          !s.ok()) {
        std::cerr << "recording the policy: " << s << "\n";
      }
    }
    Replay replay(store->get(), &*calendar, &policy, &counts);
    const absl::Time start = absl::Now();
    for (int64_t done = 0; done < tickets;) {
      const int64_t batch = std::min<int64_t>(kBatch, tickets - done);
      storage::ChangeSet changes;
      for (int64_t k = 0; k < batch; ++k) {
        if (absl::Status s = replay.Ticket(changes); !s.ok()) {
          std::cerr << "replay: " << s << "\n";
          return 1;
        }
      }
      CountChanges(changes, counts);
      if (absl::Status s = (*store)->CommitAndWait(std::move(changes));
          !s.ok()) {
        std::cerr << "commit: " << s << "\n";
        return 1;
      }
      done += batch;
      if (done % 20000 == 0 || done == tickets) {
        std::cerr << absl::StrFormat(
            "  %d tickets stored (%.0f/s)\n", done,
            done / absl::ToDoubleSeconds(absl::Now() - start));
      }
    }
    fill_time = absl::Now() - start;
    (*store)->Close();
  }
  absl::StatusOr<storage::Footprint> footprint =
      postgres.empty() ? storage::MeasureFootprint(path)
                       : storage::MeasurePostgresFootprint(postgres);
  if (!footprint.ok()) {
    std::cerr << "footprint: " << footprint.status() << "\n";
    return 1;
  }
  const double n = static_cast<double>(counts.tickets);
  std::cout << absl::StrFormat(
      "\n== Footprint: a county's year x10 (2025, Asia/Shanghai, 20 "
      "departments, 50 topics) ==\n"
      "replayed through the Store with the workflow rules in %.0f s "
      "(%.0f tickets/s, %s, %d tickets a commit)\n\n",
      absl::ToDoubleSeconds(fill_time), n / absl::ToDoubleSeconds(fill_time),
      postgres.empty() ? "SQLite, synchronous=NORMAL" : "PostgreSQL", kBatch);
  std::cout << "rows made:\n";
  auto row = [&](const std::string& what, int64_t count) {
    std::cout << absl::StrFormat("  %-44s %10d  %6.2f a ticket\n", what, count,
                                 count / n);
  };
  row("tickets", counts.tickets);
  row("ticket versions written (new + AddVersion)", counts.versions);
  row("events", counts.events);
  for (const auto& [type, count] : counts.events_by_type) {
    row(absl::StrCat("  ", v1::Event::Type_Name(type)), count);
  }
  row("daily reports (DailyReport rows)", counts.daily_reports);
  row("daily obligations settled", counts.obligations);
  row("  of them missed", counts.obligations_missed);
  row("cards", counts.cards);
  row("create requests (request_id kept for good)", counts.create_requests);
  row("statistics changes (TimedFacts)", counts.stat_changes);
  row("tickets returned and re-dispatched", counts.returned);
  row("tickets reopened", counts.reopened);
  row("closings", counts.closed);

  std::cout << absl::StrFormat(
      "\n%s: %d bytes (%s) for %d tickets: %.0f bytes a ticket (goal: under "
      "%d)\n\n",
      postgres.empty() ? "database after a checkpoint"
                       : "PostgreSQL tables and indexes after a VACUUM",
      footprint->file_bytes, Mib(footprint->file_bytes), footprint->tickets,
      footprint->tickets > 0
          ? static_cast<double>(footprint->file_bytes) / footprint->tickets
          : 0.0,
      postgres.empty() ? 2048 : 4096);
  std::cout << absl::StrFormat("%-40s %14s %10s %8s\n", "table or index",
                               "bytes", "per ticket", "share");
  for (const storage::TableBytes& t : footprint->tables) {
    std::cout << absl::StrFormat(
        "%-40s %14d %10.0f %7.1f%%\n", t.name, t.bytes, t.bytes / n,
        100.0 * t.bytes / std::max<int64_t>(1, footprint->file_bytes));
  }
  if (!postgres.empty()) return 0;
  if (absl::GetFlag(FLAGS_keep)) {
    std::cout << "kept: " << path << "\n";
  } else {
    RemoveDatabase(path);
  }
  return 0;
}

// ======================================================================
// --lists

std::string ListDepartment(int i) { return absl::StrCat("departments/d", i); }

constexpr int kListDepartments = 20;

// Fills `store` with `count` tickets of 2025 and their events, cards and
// daily reports; no deadlines, so the sweeper has nothing to do.
absl::Status FillForLists(storage::Store& store, int64_t count) {
  std::vector<std::pair<std::string, std::string>> departments;
  for (int i = 0; i < kListDepartments; ++i) {
    departments.push_back({absl::StrCat("d", i), absl::StrCat("部门", i)});
  }
  RETURN_IF_ERROR(CreateDepartments(store, departments));
  const absl::TimeZone zone = Beijing();
  const absl::Time year = absl::FromCivil(absl::CivilDay(2025, 1, 1), zone);
  std::mt19937_64 random(20250102);
  auto uniform = [&](int64_t n) {
    return static_cast<int64_t>(random() % static_cast<uint64_t>(n));
  };
  TextMaker text(&random);
  const absl::Time start = absl::Now();
  for (int64_t done = 0; done < count;) {
    const int64_t batch = std::min<int64_t>(kBatch, count - done);
    storage::ChangeSet changes;
    TicketChanges builder(&store, zone, &changes);
    for (int64_t k = 0; k < batch; ++k) {
      // Received in id order over the year, as a real store's are.
      const absl::Time received =
          year + absl::Seconds((done + k) * (365.0 * 86400 / count)) +
          absl::Seconds(uniform(60));
      v1::Ticket t;
      t.set_type(static_cast<v1::Ticket::Type>(1 + uniform(6)));
      t.set_topic(absl::StrCat("topic-", uniform(50)));
      const int64_t urgency = uniform(100);
      t.set_urgency(urgency < 96   ? v1::Ticket::NORMAL
                    : urgency < 99 ? v1::Ticket::URGENT
                                   : v1::Ticket::CRITICAL);
      t.set_title(text.Chinese(10, 20));
      t.set_content(text.Chinese(60, 100));
      t.set_address(text.Chinese(15, 25));
      t.set_caller_name(text.Chinese(2, 3));
      t.set_caller_phone(text.Phone());
      t.set_created_by("bureau");
      *t.mutable_received_at() = ToProtoTime(received);
      *t.mutable_create_time() = ToProtoTime(received);
      *t.mutable_update_time() = ToProtoTime(received);
      // States: most are done, as in a store of some age.
      const int64_t s = uniform(100);
      const v1::Ticket::State state = s < 3    ? v1::Ticket::RECEIVED
                                      : s < 8  ? v1::Ticket::DISPATCHED
                                      : s < 10 ? v1::Ticket::RETURNED
                                      : s < 25 ? v1::Ticket::IN_PROGRESS
                                      : s < 40 ? v1::Ticket::REPLIED
                                               : v1::Ticket::CLOSED;
      t.set_state(state);
      const int department = static_cast<int>(uniform(kListDepartments));
      if (state != v1::Ticket::RECEIVED) {
        t.set_department(ListDepartment(department));
        t.set_dispatch_count(1);
        *t.mutable_dispatched_at() = ToProtoTime(received + absl::Minutes(20));
      }
      v1::Event created;
      created.set_type(v1::Event::CREATED);
      created.set_actor("bureau");
      *created.mutable_time() = ToProtoTime(received);
      created.set_state_after(v1::Ticket::RECEIVED);
      RETURN_IF_ERROR(builder.AddNew(&t, &created));
      if (state != v1::Ticket::RECEIVED) {
        v1::Event dispatched;
        dispatched.set_ticket(t.name());
        dispatched.set_type(v1::Event::DISPATCHED);
        dispatched.set_actor("bureau");
        *dispatched.mutable_time() = ToProtoTime(received + absl::Minutes(20));
        dispatched.set_state_before(v1::Ticket::RECEIVED);
        dispatched.set_state_after(v1::Ticket::DISPATCHED);
        dispatched.set_department(t.department());
        builder.AddEvent(dispatched);
      }
      if (state == v1::Ticket::IN_PROGRESS || state == v1::Ticket::REPLIED ||
          state == v1::Ticket::CLOSED) {
        if (uniform(100) < 20) {
          // One or two daily reports.
          for (int d = 0, n = 1 + static_cast<int>(uniform(2)); d < n; ++d) {
            const absl::Time at = received + absl::Hours(24 * (d + 1));
            v1::DailyReport report;
            report.set_ticket(t.name());
            report.set_department(t.department());
            report.set_date(absl::FormatTime("%Y-%m-%d", at, zone));
            report.set_progress(text.Chinese(20, 40));
            *report.mutable_submit_time() = ToProtoTime(at);
            changes.daily_reports.push_back(std::move(report));
          }
        }
        if (uniform(100) < 4) {
          v1::Card card;
          card.set_ticket(t.name());
          card.set_department(t.department());
          card.set_color(uniform(5) == 0 ? v1::Card::RED : v1::Card::YELLOW);
          card.set_issuer("sweeper");
          card.set_reason(text.Chinese(15, 30));
          *card.mutable_issue_time() =
              ToProtoTime(received + absl::Hours(24 * 15));
          RETURN_IF_ERROR(builder.AddNewCard(t, &card));
        }
      }
    }
    RETURN_IF_ERROR(store.CommitAndWait(std::move(changes)));
    done += batch;
    if (done % 100000 == 0 || done == count) {
      std::cerr << absl::StrFormat(
          "  %d tickets stored (%.0f/s)\n", done,
          done / absl::ToDoubleSeconds(absl::Now() - start));
    }
  }
  return absl::OkStatus();
}

struct ListCase {
  std::string name;
  // Whose token: false the bureau, true department d3.
  bool as_department = false;
  // The number of items on the first page (GetStatistics: the tickets
  // received in its range).
  std::function<absl::StatusOr<int>(Client&)> call;
  // false: GetStatistics, whose goal is a time (at most 50 ms), not a ratio.
  bool page = true;
};

// The lists timed, for the bureau and for department d3.
std::vector<ListCase> ListCases(int64_t middle_ticket, int64_t middle_seq) {
  std::vector<ListCase> cases;
  auto tickets = [&](const std::string& name, bool department,
                     const std::string& filter) {
    cases.push_back(
        {name, department, [filter](Client& c) -> absl::StatusOr<int> {
           v1::ListTicketsRequest request;
           request.set_page_size(50);
           request.set_filter(filter);
           ASSIGN_OR_RETURN(v1::ListTicketsResponse r, c.ListTickets(request));
           return r.tickets_size();
         }});
  };
  const std::string d3 = "department = \"departments/d3\"";
  const std::string month = "received_at >= \"2025-12-01T00:00:00+08:00\"";
  for (bool department : {false, true}) {
    const std::string who = department ? "dept " : "bureau ";
    tickets(who + "tickets", department, "");
    tickets(who + "tickets state", department, "state = IN_PROGRESS");
    tickets(who + "tickets type", department, "type = COMPLAINT");
    tickets(who + "tickets topic", department, "topic = \"topic-7\"");
    tickets(who + "tickets urgency", department, "urgency = URGENT");
    tickets(who + "tickets received_at", department, month);
    tickets(who + "tickets state+type", department,
            "state = IN_PROGRESS AND type = COMPLAINT");
    tickets(who + "tickets state+topic", department,
            "state = CLOSED AND topic = \"topic-7\"");
    if (!department) {
      tickets(who + "tickets department", false, d3);
      tickets(who + "tickets state+department", false,
              "state = IN_PROGRESS AND " + d3);
      tickets(who + "tickets type+department", false,
              "type = COMPLAINT AND " + d3);
      tickets(who + "tickets topic+department", false,
              "topic = \"topic-7\" AND " + d3);
      tickets(who + "tickets received_at+department", false,
              month + " AND " + d3);
    }
  }
  // One ticket's events.
  cases.push_back({"bureau ticket events", false,
                   [middle_ticket](Client& c) -> absl::StatusOr<int> {
                     v1::ListTicketEventsRequest request;
                     request.set_parent(
                         absl::StrCat("tickets/", middle_ticket));
                     request.set_page_size(50);
                     ASSIGN_OR_RETURN(v1::ListTicketEventsResponse r,
                                      c.ListTicketEvents(request));
                     return r.events_size();
                   }});
  // The change feed: the time to the 50th event of a fresh stream.
  auto feed = [&](const std::string& name, bool department, int64_t after,
                  const std::string& filter_department) {
    cases.push_back({name, department, [=](Client& c) -> absl::StatusOr<int> {
                       v1::WatchEventsRequest request;
                       request.set_after_seq(after);
                       request.set_department(filter_department);
                       WatchControl control;
                       int seen = 0;
                       auto on_event = [&](const v1::Event&) {
                         if (++seen == 50) control.Stop();
                         return absl::OkStatus();
                       };
                       RETURN_IF_ERROR(c.Watch(request, on_event, &control));
                       return seen;
                     }});
  };
  feed("bureau feed from 0", false, 0, "");
  feed("bureau feed from middle", false, middle_seq, "");
  feed("bureau feed department from 0", false, 0, "departments/d3");
  feed("bureau feed department from middle", false, middle_seq,
       "departments/d3");
  feed("dept feed from 0", true, 0, "");
  feed("dept feed from middle", true, middle_seq, "");
  auto cards = [&](const std::string& name, bool department,
                   const std::string& filter_department,
                   v1::Card::Color color) {
    cases.push_back({name, department, [=](Client& c) -> absl::StatusOr<int> {
                       v1::ListCardsRequest request;
                       request.set_department(filter_department);
                       request.set_color(color);
                       request.set_page_size(50);
                       ASSIGN_OR_RETURN(v1::ListCardsResponse r,
                                        c.ListCards(request));
                       return r.cards_size();
                     }});
  };
  cards("bureau cards", false, "", v1::Card::COLOR_UNSPECIFIED);
  cards("bureau cards color", false, "", v1::Card::RED);
  cards("bureau cards department", false, "departments/d3",
        v1::Card::COLOR_UNSPECIFIED);
  cards("bureau cards department+color", false, "departments/d3",
        v1::Card::RED);
  cards("dept cards", true, "", v1::Card::COLOR_UNSPECIFIED);
  cards("dept cards color", true, "", v1::Card::RED);
  auto reports = [&](const std::string& name, bool department,
                     const std::string& filter_department,
                     const std::string& from) {
    cases.push_back({name, department, [=](Client& c) -> absl::StatusOr<int> {
                       v1::ListDailyReportsRequest request;
                       request.set_department(filter_department);
                       request.set_from_date(from);
                       request.set_page_size(50);
                       ASSIGN_OR_RETURN(v1::ListDailyReportsResponse r,
                                        c.ListDailyReports(request));
                       return r.reports_size();
                     }});
  };
  reports("bureau reports", false, "", "");
  reports("bureau reports from_date", false, "", "2025-12-01");
  reports("bureau reports department", false, "departments/d3", "");
  reports("bureau reports department+from_date", false, "departments/d3",
          "2025-12-01");
  reports("dept reports", true, "", "");
  reports("dept reports from_date", true, "", "2025-12-01");
  auto statistics = [&](const std::string& name, const std::string& from,
                        const std::string& to,
                        const std::string& filter_department,
                        std::optional<absl::CivilSecond> as_of) {
    ListCase c{name, false, [=](Client& client) -> absl::StatusOr<int> {
                 v1::GetStatisticsRequest request;
                 request.set_from_date(from);
                 request.set_to_date(to);
                 request.set_department(filter_department);
                 if (as_of) {
                   *request.mutable_as_of() =
                       ToProtoTime(absl::FromCivil(*as_of, Beijing()));
                 }
                 ASSIGN_OR_RETURN(v1::Statistics s,
                                  client.GetStatistics(request));
                 return static_cast<int>(s.total().received());
               }};
    c.page = false;
    cases.push_back(std::move(c));
  };
  statistics("statistics month", "2025-12-01", "2026-01-01", "", std::nullopt);
  statistics("statistics year", "2025-01-01", "2026-01-01", "", std::nullopt);
  statistics("statistics year department", "2025-01-01", "2026-01-01",
             "departments/d3", std::nullopt);
  // As of mid-year: the sums less what the log recorded after it.
  statistics("statistics year as_of 2025-07-01", "2025-01-01", "2026-01-01", "",
             absl::CivilSecond(2025, 7, 1, 12, 0, 0));
  return cases;
}

struct SizeResult {
  int64_t tickets = 0;
  absl::Duration fill;
  int64_t file_bytes = 0;
  std::map<std::string, absl::Duration> medians;
  // Items on the first page (fewer than 50: the size has no full page).
  std::map<std::string, int> items;
  std::map<std::string, std::string> errors;
  // The server's first start on the file (which also records the
  // calendar's coverage, looking at every open ticket once) and a restart
  // (HotlineServer::Start, default options); the store's open checking the
  // whole file first, as starts did before issue 27; and the background
  // check that follows a start on a large file.
  absl::Duration first_start;
  absl::Duration start;
  absl::Duration start_whole_check;
  absl::Duration background_check;
  // Whether the kernel's page cache was emptied before each (root only):
  // else the file was read from memory.
  bool cold = false;
  // Filled by this run (else measured as an earlier run left it).
  bool filled_now = false;
  // On PostgreSQL: no file check (start_whole_check and background_check
  // stay zero); file_bytes is its tables and indexes; `durability` the
  // server's version and commit settings.
  bool postgres = false;
  std::string durability;
};

// Empties the kernel's page cache (root only); true when it did.
bool DropPageCache() {
  sync();
  FILE* f = std::fopen("/proc/sys/vm/drop_caches", "w");
  if (f == nullptr) return false;
  const bool dropped = std::fputs("3\n", f) >= 0;
  return std::fclose(f) == 0 && dropped;
}

// Times the store's open of `path` with `limit` as its start-check limit,
// and then its background check; false when it could not open.
bool TimeOpen(const std::string& path, int64_t limit, absl::Duration* open,
              absl::Duration* background) {
  storage::StoreOptions options;
  options.path = path;
  storage::SqliteOptions sqlite;
  sqlite.lock = true;
  sqlite.start_check_limit_bytes = limit;
  const absl::Time begin = absl::Now();
  absl::StatusOr<std::unique_ptr<storage::SqliteStore>> store =
      storage::SqliteStore::Open(options, sqlite);
  *open = absl::Now() - begin;
  if (!store.ok()) {
    std::cerr << "open: " << store.status() << "\n";
    return false;
  }
  const absl::Status checked = (*store)->AwaitIntegrityCheck();
  *background = absl::Now() - begin - *open;
  if (!checked.ok()) std::cerr << "background check: " << checked << "\n";
  return checked.ok();
}

// The tickets an earlier --lists fill left in `store`: the fill numbers
// them 1..count, so the highest that loads is the count.
absl::StatusOr<int64_t> CountFilledTickets(storage::Store& store) {
  int64_t low = 0;  // known to load (0: none)
  int64_t high = 1;
  for (;;) {  // a bound that does not load
    ASSIGN_OR_RETURN(std::optional<v1::Ticket> t, store.LoadTicket(high));
    if (!t) break;
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const int64_t middle = low + (high - low) / 2;
    ASSIGN_OR_RETURN(std::optional<v1::Ticket> t, store.LoadTicket(middle));
    (t ? low : high) = middle;
  }
  return low;
}

// Whether `database` is still to be filled: a SQLite file that does not
// exist or is empty, or a PostgreSQL database with no table.
absl::StatusOr<bool> DatabaseIsNew(const std::string& database) {
  if (storage::IsPostgresDatabase(database)) {
    return storage::PostgresDatabaseIsEmpty(database);
  }
  FILE* f = std::fopen(database.c_str(), "rb");
  if (f == nullptr) return true;
  const bool empty = std::fgetc(f) == EOF;
  std::fclose(f);
  return empty;
}

// Times the lists on `database` (see --list_databases), filling it first
// with `tickets` when it is new. `generated`: the bench named it, and
// removes it afterwards unless --keep.
std::optional<SizeResult> RunListSize(int64_t tickets,
                                      const std::string& database,
                                      bool generated, int calls) {
  const bool postgres = storage::IsPostgresDatabase(database);
  const std::string shown = storage::RedactedDatabase(database);
  if (generated) RemoveDatabase(database);
  absl::StatusOr<bool> is_new = DatabaseIsNew(database);
  if (!is_new.ok()) {
    std::cerr << shown << ": " << is_new.status() << "\n";
    return std::nullopt;
  }
  SizeResult result;
  result.tickets = tickets;
  result.filled_now = *is_new;
  result.postgres = postgres;
  std::string bureau_token;
  std::string department_token;
  int64_t latest_seq = 0;
  {
    storage::StoreOptions options;
    options.path = database;
    storage::SqliteOptions sqlite;
    sqlite.synchronous_full = false;
    absl::StatusOr<std::unique_ptr<storage::Store>> store =
        storage::OpenStore(options, sqlite);
    if (!store.ok()) {
      std::cerr << "lists: opening " << shown << ": " << store.status() << "\n";
      return std::nullopt;
    }
    if (*is_new) {
      std::cerr << "lists: filling " << shown << " with " << tickets
                << " tickets\n";
      const absl::Time start = absl::Now();
      if (absl::Status s = FillForLists(**store, tickets); !s.ok()) {
        std::cerr << "lists: filling " << shown << ": " << s
                  << "\n(it is left partly filled: remove the file, or drop "
                     "and create the database, before the next run)\n";
        return std::nullopt;
      }
      result.fill = absl::Now() - start;
    } else {
      absl::StatusOr<int64_t> held = CountFilledTickets(**store);
      if (!held.ok() || *held != tickets) {
        std::cerr << "lists: " << shown << " holds "
                  << (held.ok() ? absl::StrCat(*held, " tickets")
                                : held.status().ToString())
                  << ", not the " << tickets
                  << " its --list_sizes entry says (give the size an earlier "
                     "run filled it with; a fill cut short leaves fewer: "
                     "remove the file, or drop and create the database, to "
                     "fill it again)\n";
        return std::nullopt;
      }
      std::cerr << "lists: measuring the " << tickets << " tickets already in "
                << shown << "\n";
    }
    absl::StatusOr<v1::Token> bureau =
        CreateTokenDirectly(**store, "bureau", "bench", absl::Now());
    absl::StatusOr<v1::Token> department =
        CreateTokenDirectly(**store, "department/d3", "bench d3", absl::Now());
    if (!bureau.ok() || !department.ok()) {
      std::cerr << "tokens: " << bureau.status() << " " << department.status()
                << "\n";
      return std::nullopt;
    }
    bureau_token = bureau->secret();
    department_token = department->secret();
    absl::StatusOr<int64_t> latest = (*store)->LatestSeq();
    if (latest.ok()) latest_seq = *latest;
    (*store)->Close();
  }
  if (postgres) {
    // Its size after a VACUUM ANALYZE, which also gives the planner the
    // statistics autovacuum would gather after such a fill.
    absl::StatusOr<storage::Footprint> footprint =
        storage::MeasurePostgresFootprint(database);
    if (!footprint.ok()) {
      std::cerr << "footprint: " << footprint.status() << "\n";
      return std::nullopt;
    }
    result.file_bytes = footprint->file_bytes;
    absl::StatusOr<std::string> durability =
        storage::DescribePostgresDurability(database);
    result.durability = durability.ok()
                            ? *durability
                            : absl::StrCat("PostgreSQL (its settings unread: ",
                                           durability.status().ToString(), ")");
  } else {
    FILE* f = std::fopen(database.c_str(), "rb");
    if (f != nullptr) {
      std::fseek(f, 0, SEEK_END);
      result.file_bytes = std::ftell(f);
      std::fclose(f);
    }
  }
  absl::Duration unused;
  result.cold = DropPageCache();
  if (!postgres) {
    if (!TimeOpen(database, std::numeric_limits<int64_t>::max(),
                  &result.start_whole_check, &unused)) {
      return std::nullopt;
    }
    DropPageCache();
    if (!TimeOpen(database, 0, &unused, &result.background_check)) {
      return std::nullopt;
    }
  }
  ManualClock clock(
      absl::FromCivil(absl::CivilSecond(2026, 1, 10, 9, 0, 0), Beijing()));
  ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.store.path = database;
  absl::StatusOr<std::unique_ptr<HotlineServer>> server;
  for (absl::Duration* took : {&result.first_start, &result.start}) {
    if (server.ok() && *server != nullptr) {
      (*server)->Shutdown(absl::Seconds(2));
      server->reset();
    }
    DropPageCache();
    const absl::Time begin = absl::Now();
    server = HotlineServer::Start(options, &clock);
    *took = absl::Now() - begin;
    if (!server.ok()) break;
  }
  if (server.ok() && !postgres) {
    // The lists are timed on a server started without the background check
    // (on a large file it reads the whole file for minutes after a start,
    // and every answer meanwhile shares the disk and the cores with it).
    (*server)->Shutdown(absl::Seconds(2));
    server->reset();
    options.sqlite.check_integrity = false;
    server = HotlineServer::Start(options, &clock);
  }
  if (!server.ok()) {
    std::cerr << "lists: starting the server on " << shown << ": "
              << server.status() << "\n";
    return std::nullopt;
  }
  auto connect = [&](const std::string& token) {
    ClientOptions client_options;
    client_options.target = absl::StrCat("127.0.0.1:", (*server)->port());
    client_options.token = token;
    return std::make_unique<Client>(client_options);
  };
  std::unique_ptr<Client> bureau = connect(bureau_token);
  std::unique_ptr<Client> department = connect(department_token);
  for (const ListCase& c :
       ListCases(std::max<int64_t>(1, tickets / 2), latest_seq / 2)) {
    Client& client = c.as_department ? *department : *bureau;
    std::vector<absl::Duration> samples;
    absl::Status failed;
    for (int i = 0; i < calls + 2 && failed.ok(); ++i) {
      const absl::Time begin = absl::Now();
      absl::StatusOr<int> s = c.call(client);
      const absl::Duration took = absl::Now() - begin;
      if (!s.ok()) {
        failed = s.status();
      } else {
        result.items[c.name] = *s;
      }
      if (i >= 2) samples.push_back(took);  // two calls warm the caches
    }
    if (!failed.ok()) {
      std::cerr << c.name << ": " << failed << "\n";
      result.errors[c.name] = std::string(failed.message());
      continue;
    }
    std::sort(samples.begin(), samples.end());
    result.medians[c.name] = samples[samples.size() / 2];
  }
  bureau.reset();
  department.reset();
  (*server)->Shutdown(absl::Seconds(2));
  server->reset();
  if (!generated || absl::GetFlag(FLAGS_keep)) {
    std::cerr << "kept: " << shown << "\n";
  } else {
    RemoveDatabase(database);
  }
  return result;
}

int RunLists(const std::string& dir) {
  std::vector<int64_t> sizes;
  for (absl::string_view size : absl::StrSplit(absl::GetFlag(FLAGS_list_sizes),
                                               ',', absl::SkipEmpty())) {
    int64_t tickets = 0;
    if (!absl::SimpleAtoi(size, &tickets) || tickets <= 0) {
      std::cerr << "--list_sizes: \"" << size << "\" is not a ticket count\n";
      return 2;
    }
    sizes.push_back(tickets);
  }
  std::vector<std::string> databases;
  for (absl::string_view database : absl::StrSplit(
           absl::GetFlag(FLAGS_list_databases), ',', absl::SkipWhitespace())) {
    databases.emplace_back(absl::StripAsciiWhitespace(database));
  }
  if (!databases.empty() && databases.size() != sizes.size()) {
    std::cerr << "--list_databases names " << databases.size()
              << " databases for " << sizes.size()
              << " --list_sizes entries: give one a size, in the same order\n";
    return 2;
  }
  std::vector<SizeResult> results;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const bool generated = databases.empty();
    const std::string database =
        generated ? absl::StrCat(dir, "/hotline-storage-bench-lists-", sizes[i],
                                 "-", getpid(), ".db")
                  : databases[i];
    std::optional<SizeResult> r = RunListSize(
        sizes[i], database, generated, std::max(1, absl::GetFlag(FLAGS_calls)));
    if (!r) return 1;
    results.push_back(std::move(*r));
  }
  if (results.empty()) return 0;
  const bool any_sqlite =
      std::any_of(results.begin(), results.end(),
                  [](const SizeResult& r) { return !r.postgres; });
  std::cout << "\n== Lists: first page (page_size 50), median of "
            << absl::GetFlag(FLAGS_calls)
            << " calls, real client, embedded server"
            << (any_sqlite ? " (on SQLite started without its background check)"
                           : "")
            << " ==\n";
  for (const SizeResult& r : results) {
    const std::string engine = r.postgres ? r.durability : "SQLite";
    const std::string filled =
        r.filled_now
            ? absl::StrFormat("filled in %.0f s (%.0f tickets/s)",
                              absl::ToDoubleSeconds(r.fill),
                              r.tickets / absl::ToDoubleSeconds(r.fill))
            : "filled by an earlier run";
    std::cout << absl::StrFormat("%d tickets, %s: %s; %s\n", r.tickets,
                                 Mib(r.file_bytes), filled, engine);
  }
  std::cout << "\n== Start (issue 27: at most 2 s at any size) ==\n";
  for (const SizeResult& r : results) {
    std::cout << absl::StrFormat(
        "%d tickets (%s%s, the kernel's page cache %s%s): server restart %.0f "
        "ms (its first start %.0f ms)",
        r.tickets, r.postgres ? "PostgreSQL " : "", Mib(r.file_bytes),
        r.cold ? "emptied first" : "warm",
        r.postgres ? ", the server's own buffers not" : "",
        absl::ToDoubleMilliseconds(r.start),
        absl::ToDoubleMilliseconds(r.first_start));
    if (!r.postgres) {
      std::cout << absl::StrFormat(
          "; the store's open with the whole-file check %.0f ms; the "
          "background check after a start %.1f s",
          absl::ToDoubleMilliseconds(r.start_whole_check),
          absl::ToDoubleSeconds(r.background_check));
    }
    std::cout << "\n";
  }
  std::cout << absl::StrFormat("\n%-40s", "list (ms)");
  for (const SizeResult& r : results) {
    std::cout << absl::StrFormat(" %10s", absl::StrCat(r.tickets));
  }
  std::cout << absl::StrFormat(" %8s\n", "ratio");
  const SizeResult& first = results.front();
  const SizeResult& last = results.back();
  int over = 0;
  int compared = 0;
  double slowest_statistics_ms = 0;
  for (const ListCase& c : ListCases(1, 0)) {
    if (!c.page) {
      auto it = last.medians.find(c.name);
      if (it != last.medians.end()) {
        slowest_statistics_ms = std::max(
            slowest_statistics_ms, absl::ToDoubleMilliseconds(it->second));
      }
    }
    // Items on the first page at a size (0 when the call failed).
    auto items = [&c](const SizeResult& r) {
      auto it = r.items.find(c.name);
      return it == r.items.end() ? 0 : it->second;
    };
    std::cout << absl::StrFormat("%-40s", c.name);
    for (const SizeResult& r : results) {
      auto it = r.medians.find(c.name);
      const int held = items(r);
      std::cout
          << (it == r.medians.end()
                  ? absl::StrFormat(" %10s", "error")
                  : absl::StrFormat(
                        " %10s",
                        absl::StrFormat(
                            "%.2f%s", absl::ToDoubleMilliseconds(it->second),
                            held < 50 ? absl::StrCat("(", held, ")") : "")));
    }
    auto a = first.medians.find(c.name);
    auto b = last.medians.find(c.name);
    const int a_items = items(first);
    const int b_items = items(last);
    if (results.size() >= 2 && a != first.medians.end() &&
        b != last.medians.end()) {
      const double ratio =
          absl::ToDoubleSeconds(b->second) / absl::ToDoubleSeconds(a->second);
      // GetStatistics' goal is a time (below), not a ratio; a partial first
      // page at the smaller size is not compared with a full one.
      const bool full = a_items >= 50 && b_items >= 50;
      const bool marked = c.page && full && ratio > 1.5;
      if (c.page && full) ++compared;
      std::cout << absl::StrFormat(" %8.2f%s", ratio,
                                   marked ? "  <-- over 1.5" : "");
      if (marked) ++over;
    }
    std::cout << "\n";
  }
  std::cout << "(n): the first page held only n items at that size.\n";
  std::cout << absl::StrFormat(
      "GetStatistics at %d tickets: the slowest median %.2f ms (goal: at "
      "most 50).\n",
      last.tickets, slowest_statistics_ms);
  if (results.size() >= 2) {
    std::cout << absl::StrFormat(
        "%d of the %d lists with a full first page at both sizes grow more "
        "than 1.5x from %d to %d tickets (the goal: none).\n",
        over, compared, first.tickets, last.tickets);
  }
  for (const SizeResult& r : results) {
    for (const auto& [name, error] : r.errors) {
      std::cout << "error at " << r.tickets << ": " << name << ": " << error
                << "\n";
    }
  }
  return 0;
}

}  // namespace
}  // namespace hotline

int main(int argc, char** argv) {
  hotline::bench::ParseCommandLine(
      argc, argv, "bench/storage.cc",
      "The storage footprint of a county's year, and "
      "list flatness as the data grows. --footprint, --lists (neither: "
      "both).\n\n  hotline-storage-bench --lists --list_sizes=10000");
  hotline::SetInfoLogging(false);
  std::string dir = absl::GetFlag(FLAGS_dir);
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    dir = tmp != nullptr ? tmp : "/tmp";
  }
  bool footprint = absl::GetFlag(FLAGS_footprint);
  bool lists = absl::GetFlag(FLAGS_lists);
  if (!footprint && !lists) footprint = lists = true;
  if (footprint) {
    if (int rc = hotline::RunFootprint(dir); rc != 0) return rc;
  }
  if (lists) {
    if (int rc = hotline::RunLists(dir); rc != 0) return rc;
  }
  return 0;
}
