// TicketService::SuggestDispatch: what the dispatch catalogue (派单目录)
// suggests for a ticket now (workflow/dispatch_catalogue.h).
#include <optional>
#include <string>

#include "app/dispatch_catalogue_versions.h"
#include "app/ticket_service.h"
#include "common/error_details.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/access.h"
#include "workflow/dispatch_catalogue.h"
#include "workflow/validation.h"

namespace hotline {

absl::StatusOr<v1::DispatchSuggestion> TicketService::SuggestDispatch(
    const Principal& principal, const v1::SuggestDispatchRequest& request) {
  ASSIGN_OR_RETURN(int64_t id, ParseTicketName(request.name(), "name"));
  RETURN_IF_ERROR(
      policies_->categories().Check(request.category(), "category"));
  RETURN_IF_ERROR(AuthorizeBureauOnly(principal, "SuggestDispatch"));
  ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store_->LoadTicket(id));
  if (!ticket) return ResourceNotFound("ticket", request.name());
  ASSIGN_OR_RETURN(std::shared_ptr<const v1::DispatchCatalogue> catalogue,
                   dispatch_catalogue_.Get(*store_));
  return hotline::SuggestDispatch(
      *catalogue,
      request.category().empty() ? ticket->category() : request.category(),
      ticket->address());
}

}  // namespace hotline
