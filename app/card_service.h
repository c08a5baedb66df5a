// Cards (黄牌/红牌) as resources: list them (the bureau all, a department its
// own), issue one by hand and revoke one (bureau only). Like TicketService:
// validation, access, one change set (planned_write.h); no gRPC types.
//
// Thread-safe.
#ifndef HOTLINE_APP_CARD_SERVICE_H_
#define HOTLINE_APP_CARD_SERVICE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "hotline/v1/hotline_service.pb.h"
#include "app/executor.h"
#include "storage/store.h"
#include "workflow/clock.h"
#include "workflow/principal.h"

namespace hotline {

class CardService final {
 public:
  using CardDone = std::function<void(absl::StatusOr<v1::Card>)>;

  // Every pointer must outlive the service.
  // Every pointer must outlive the service; `zone` is the bureau's.
  CardService(storage::Store* store, const Clock* clock, absl::TimeZone zone,
              Executor* executor)
      : store_(store), clock_(clock), zone_(zone), executor_(executor) {}
  CardService(const CardService&) = delete;
  CardService& operator=(const CardService&) = delete;

  absl::StatusOr<v1::ListCardsResponse> ListCards(
      const Principal& principal, const v1::ListCardsRequest& request);
  void IssueCard(const Principal& principal,
                 const v1::IssueCardRequest& request, CardDone done);
  void RevokeCard(const Principal& principal,
                  const v1::RevokeCardRequest& request, CardDone done);

 private:
  storage::Store* const store_;
  const Clock* const clock_;
  const absl::TimeZone zone_;
  Executor* const executor_;
};

}  // namespace hotline

#endif  // HOTLINE_APP_CARD_SERVICE_H_
