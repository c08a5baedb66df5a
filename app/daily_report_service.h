// Daily reports (一日一报): departments submit the day's entries; the bureau
// and departments list them and read the compliance figures. Validation,
// access, one change set (planned_write.h); no gRPC types.
//
// Thread-safe.
#ifndef HOTLINE_APP_DAILY_REPORT_SERVICE_H_
#define HOTLINE_APP_DAILY_REPORT_SERVICE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "app/executor.h"
#include "app/planned_write.h"
#include "app/policy_registry.h"
#include "app/write.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

class DailyReportService final {
 public:
  using SubmitDone =
      std::function<void(absl::StatusOr<v1::SubmitDailyReportResponse>)>;

  // Every pointer must outlive the service.
  DailyReportService(storage::Store* store, const Clock* clock,
                     const PolicyRegistry* policies, Executor* executor)
      : store_(store),
        clock_(clock),
        policies_(policies),
        writer_(store, clock, executor) {}
  DailyReportService(const DailyReportService&) = delete;
  DailyReportService& operator=(const DailyReportService&) = delete;

  // All entries are stored, or none (the first refusal is returned).
  void SubmitDailyReport(const Principal& principal,
                         const v1::SubmitDailyReportRequest& request,
                         SubmitDone done);
  absl::StatusOr<v1::ListDailyReportsResponse> ListDailyReports(
      const Principal& principal, const v1::ListDailyReportsRequest& request);
  absl::StatusOr<v1::DailyReportCompliance> GetDailyReportCompliance(
      const Principal& principal,
      const v1::GetDailyReportComplianceRequest& request);

 private:
  // SubmitDailyReport's plan: one ticket step per entry (ids[i] is entry
  // i's ticket), all in one change set.
  absl::StatusOr<Planned<v1::SubmitDailyReportResponse>> PlanSubmit(
      const Principal& principal, const v1::SubmitDailyReportRequest& request,
      const std::vector<int64_t>& ids) const;

  storage::Store* const store_;
  const Clock* const clock_;
  const PolicyRegistry* const policies_;
  const Writer writer_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_DAILY_REPORT_SERVICE_H_
