// Cards (黄牌/红牌) as resources: list them (the bureau all, a department its
// own), issue one by hand and revoke one (bureau only). Writes have the one
// shape of app/write.h (validation, access, plan); no gRPC types.
//
// Thread-safe.
#ifndef HOTLINE_APP_CARD_SERVICE_H_
#define HOTLINE_APP_CARD_SERVICE_H_

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "app/executor.h"
#include "app/planned_write.h"
#include "app/write.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

class CardService final {
 public:
  using CardDone = std::function<void(absl::StatusOr<v1::Card>)>;

  // Every pointer must outlive the service; `zone` is the bureau's.
  CardService(storage::Store* store, const Clock* clock, absl::TimeZone zone,
              Executor* executor)
      : store_(store),
        clock_(clock),
        zone_(zone),
        writer_(store, clock, executor) {}
  CardService(const CardService&) = delete;
  CardService& operator=(const CardService&) = delete;

  absl::StatusOr<v1::ListCardsResponse> ListCards(
      const Principal& principal, const v1::ListCardsRequest& request);
  void IssueCard(const Principal& principal,
                 const v1::IssueCardRequest& request, CardDone done);
  void RevokeCard(const Principal& principal,
                  const v1::RevokeCardRequest& request, CardDone done);

 private:
  // The plans of the writes (app/write.h): read, rule, change set.
  absl::StatusOr<Planned<v1::Card>> PlanIssueCard(
      const Principal& principal, const v1::IssueCardRequest& request,
      int64_t ticket_id) const;
  absl::StatusOr<Planned<v1::Card>> PlanRevokeCard(
      const Principal& principal, const v1::RevokeCardRequest& request,
      int64_t card_id) const;

  storage::Store* const store_;
  const Clock* const clock_;
  const absl::TimeZone zone_;
  const Writer writer_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_CARD_SERVICE_H_
