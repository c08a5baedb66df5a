// The status plumbing every layer uses, so a function reads as its steps and
// not as "return if not ok" after each one.
//
//   RETURN_IF_ERROR(CheckRequiredText(request.reason(), "reason", kMax));
//   ASSIGN_OR_RETURN(int64_t id, ParseTicketName(request.ticket(), "ticket"));
//   ASSIGN_OR_RETURN(std::optional<v1::Ticket> ticket, store->LoadTicket(id));
//
// RETURN_IF_ERROR(expr): `expr` yields an absl::Status; when it is not OK the
// enclosing function returns it (the function returns absl::Status or any
// absl::StatusOr<T>).
// ASSIGN_OR_RETURN(lhs, expr): `expr` yields an absl::StatusOr<T>; when it is
// not OK the enclosing function returns its status, else its value is moved
// into `lhs` (a declaration such as `T name` or an existing variable). `lhs`
// must not contain an unparenthesised comma; use a type alias for such types.
// Both evaluate `expr` exactly once. Header-only; no state.
#ifndef HOTLINE_COMMON_STATUS_MACROS_H_
#define HOTLINE_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define HOTLINE_STATUS_MACROS_CONCAT_INNER_(a, b) a##b
#define HOTLINE_STATUS_MACROS_CONCAT_(a, b) \
  HOTLINE_STATUS_MACROS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                                  \
  do {                                                         \
    if (::absl::Status hotline_status_macros_status_ = (expr); \
        !hotline_status_macros_status_.ok()) {                 \
      return hotline_status_macros_status_;                    \
    }                                                          \
  } while (false)

#define HOTLINE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#define ASSIGN_OR_RETURN(lhs, expr)                                            \
  HOTLINE_ASSIGN_OR_RETURN_IMPL_(                                              \
      HOTLINE_STATUS_MACROS_CONCAT_(hotline_status_macros_or_, __LINE__), lhs, \
      expr)

#endif  // HOTLINE_COMMON_STATUS_MACROS_H_
