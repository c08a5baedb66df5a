// How hotlinectl shows the service's resources to people: tables for lists,
// aligned details for one, in the bureau's time zone.
//
// Stateless and thread-safe.
#ifndef HOTLINE_TOOLS_RESOURCE_FORMAT_H_
#define HOTLINE_TOOLS_RESOURCE_FORMAT_H_

#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "hotline/v1/hotline_service.pb.h"

namespace hotline::cli {

// Cut to `max_width` terminal columns, with an ellipsis when cut.
std::string Truncate(const std::string& text, int max_width);

std::string TicketTable(
    const google::protobuf::RepeatedPtrField<v1::Ticket>& tickets);
std::string TicketDetails(const v1::Ticket& ticket);
std::string CardTable(
    const google::protobuf::RepeatedPtrField<v1::Card>& cards);
std::string CardDetails(const v1::Card& card);
std::string PolicyDetails(const v1::Policy& policy);

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_RESOURCE_FORMAT_H_
