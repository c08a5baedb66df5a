#include "server/admin_service.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/input_text.h"
#include "common/proto_time.h"
#include "server/completion.h"
#include "server/paging.h"
#include "server/token_secret.h"
#include "server/workflow/access.h"
#include "server/workflow/validation.h"
#include "storage/queries.h"

namespace hotline {
namespace {

using storage::Connection;

// Checks the token to create and makes its secret. The unit that stores it
// checks that a department principal names an existing department.
absl::StatusOr<std::pair<v1::Token, Principal>> PrepareToken(
    const v1::Token& requested, absl::Time now) {
  if (requested.principal().empty()) {
    return absl::InvalidArgumentError(
        "token.principal is required: \"bureau\", \"department/{id}\" or "
        "\"intake/{id}\"");
  }
  absl::StatusOr<Principal> principal = Principal::Parse(requested.principal());
  if (!principal.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("token.", principal.status().message()));
  }
  if (absl::Status s = CheckOptionalText(
          requested.display_name(), "token.display_name", kMaxDisplayNameChars);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> secret = NewTokenSecret();
  if (!secret.ok()) return secret.status();
  v1::Token token;
  token.set_principal(principal->ToString());
  token.set_display_name(requested.display_name());
  token.set_secret(*secret);
  *token.mutable_create_time() = ToProtoTime(now);
  return std::make_pair(token, *principal);
}

absl::Status StoreToken(Connection& db, const Principal& principal,
                        v1::Token& token) {
  if (principal.kind == Principal::Kind::kDepartment) {
    absl::StatusOr<std::optional<v1::Department>> department =
        storage::LoadDepartment(db, principal.id);
    if (!department.ok()) return department.status();
    if (!department->has_value()) {
      return absl::NotFoundError(absl::StrCat(
          "department ", principal.DepartmentName(),
          " does not exist; create it with CreateDepartment first"));
    }
  }
  return storage::InsertToken(db, HashTokenSecret(token.secret()), &token);
}

}  // namespace

void AdminService::CreateDepartment(const Principal& principal,
                                    const v1::CreateDepartmentRequest& request,
                                    Done<v1::Department> done) {
  if (!IsValidResourceId(request.department_id())) {
    return done(absl::InvalidArgumentError(absl::StrCat(
        "department_id ", QuoteInput(request.department_id()),
        " must be 1-63 lowercase letters, digits or hyphens, starting with "
        "a letter, e.g. \"housing\"")));
  }
  if (absl::Status s =
          CheckRequiredText(request.department().display_name(),
                            "department.display_name", kMaxDisplayNameChars);
      !s.ok()) {
    return done(s);
  }
  if (absl::Status s = AuthorizeBureauOnly(principal, "CreateDepartment");
      !s.ok()) {
    return done(s);
  }
  auto result = std::make_shared<v1::Department>();
  result->set_name(absl::StrCat("departments/", request.department_id()));
  result->set_display_name(request.department().display_name());
  *result->mutable_create_time() = ToProtoTime(clock_->Now());
  store_->Write(
      [id = request.department_id(), result](Connection& db) -> absl::Status {
        absl::Status status = storage::InsertDepartment(db, id, *result);
        if (absl::IsAlreadyExists(status)) {
          return absl::AlreadyExistsError(
              absl::StrCat(result->name(), " already exists"));
        }
        return status;
      },
      DeliverWhenDurable(result, std::move(done)));
}

absl::StatusOr<v1::Department> AdminService::GetDepartment(
    const Principal& /*principal*/, const v1::GetDepartmentRequest& request) {
  // Every authenticated caller may read departments: their names are public.
  absl::StatusOr<std::string> id = ParseDepartmentName(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::StatusOr<std::optional<v1::Department>> department =
      store_->Read<std::optional<v1::Department>>(
          [&](Connection& db) { return storage::LoadDepartment(db, *id); });
  if (!department.ok()) return department.status();
  if (!department->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("department ", request.name(), " does not exist"));
  }
  return **department;
}

absl::StatusOr<v1::ListDepartmentsResponse> AdminService::ListDepartments(
    const Principal& /*principal*/, const v1::ListDepartmentsRequest& request) {
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const std::string scope = "ListDepartments";
  absl::StatusOr<std::string> after =
      DecodePageToken(request.page_token(), scope);
  if (!after.ok()) return after.status();
  absl::StatusOr<std::vector<v1::Department>> departments =
      store_->Read<std::vector<v1::Department>>([&](Connection& db) {
        return storage::QueryDepartments(db, *after, *page_size + 1);
      });
  if (!departments.ok()) return departments.status();
  v1::ListDepartmentsResponse response;
  const bool more = TrimToPage(&*departments, *page_size);
  for (v1::Department& d : *departments) {
    *response.add_departments() = std::move(d);
  }
  if (more) {
    const std::string& last = response.departments().rbegin()[0].name();
    response.set_next_page_token(EncodePageToken(
        absl::string_view(last).substr(sizeof("departments/") - 1), scope));
  }
  return response;
}

void AdminService::CreateToken(const Principal& principal,
                               const v1::CreateTokenRequest& request,
                               Done<v1::Token> done) {
  absl::StatusOr<std::pair<v1::Token, Principal>> prepared =
      PrepareToken(request.token(), clock_->Now());
  if (!prepared.ok()) return done(prepared.status());
  if (absl::Status s = AuthorizeBureauOnly(principal, "CreateToken"); !s.ok()) {
    return done(s);
  }
  auto result = std::make_shared<v1::Token>(prepared->first);
  store_->Write([owner = prepared->second, result](
                    Connection& db) { return StoreToken(db, owner, *result); },
                DeliverWhenDurable(result, std::move(done)));
}

absl::StatusOr<v1::ListTokensResponse> AdminService::ListTokens(
    const Principal& principal, const v1::ListTokensRequest& request) {
  absl::StatusOr<int> page_size = EffectivePageSize(request.page_size());
  if (!page_size.ok()) return page_size.status();
  const std::string scope = "ListTokens";
  absl::StatusOr<std::string> after =
      DecodePageToken(request.page_token(), scope);
  if (!after.ok()) return after.status();
  int64_t after_id = 0;
  if (!after->empty() && !absl::SimpleAtoi(*after, &after_id)) {
    return absl::InvalidArgumentError("page_token is malformed");
  }
  if (absl::Status s = AuthorizeBureauOnly(principal, "ListTokens"); !s.ok()) {
    return s;
  }
  absl::StatusOr<std::vector<v1::Token>> tokens =
      store_->Read<std::vector<v1::Token>>([&](Connection& db) {
        return storage::QueryTokens(db, after_id, *page_size + 1);
      });
  if (!tokens.ok()) return tokens.status();
  v1::ListTokensResponse response;
  const bool more = TrimToPage(&*tokens, *page_size);
  for (v1::Token& t : *tokens) *response.add_tokens() = std::move(t);
  if (more) {
    const std::string& last = response.tokens().rbegin()[0].name();
    response.set_next_page_token(EncodePageToken(
        absl::string_view(last).substr(sizeof("tokens/") - 1), scope));
  }
  return response;
}

void AdminService::RevokeToken(const Principal& principal,
                               const v1::RevokeTokenRequest& request,
                               Done<v1::Token> done) {
  absl::StatusOr<int64_t> id = ParseTokenName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  if (absl::Status s = AuthorizeBureauOnly(principal, "RevokeToken"); !s.ok()) {
    return done(s);
  }
  auto result = std::make_shared<v1::Token>();
  store_->Write(
      [this, id = *id, name = request.name(),
       result](Connection& db) -> absl::Status {
        absl::StatusOr<std::optional<v1::Token>> token =
            storage::LoadToken(db, id);
        if (!token.ok()) return token.status();
        if (!token->has_value()) {
          return absl::NotFoundError(
              absl::StrCat("token ", name, " does not exist"));
        }
        if ((*token)->has_revoke_time()) {
          return absl::FailedPreconditionError(
              absl::StrCat("token ", name, " is already revoked"));
        }
        const absl::Time now = clock_->Now();
        if (absl::Status s =
                storage::MarkTokenRevoked(db, id, absl::ToUnixMicros(now));
            !s.ok()) {
          return s;
        }
        *result = **token;
        *result->mutable_revoke_time() = ToProtoTime(now);
        return absl::OkStatus();
      },
      DeliverWhenDurable(result, std::move(done)));
}

absl::StatusOr<v1::Policy> AdminService::GetPolicy(
    const Principal& /*principal*/, const v1::GetPolicyRequest& /*request*/) {
  return policies_->current();
}

absl::StatusOr<v1::AdvanceClockResponse> AdminService::AdvanceClock(
    const Principal& principal, const v1::AdvanceClockRequest& request) {
  if (request.has_by() == request.has_to()) {
    return absl::InvalidArgumentError(
        "give exactly one of `by` (a duration) and `to` (an instant)");
  }
  if (absl::Status s = AuthorizeBureauOnly(principal, "AdvanceClock");
      !s.ok()) {
    return s;
  }
  if (rehearsal_clock_ == nullptr) {
    return absl::FailedPreconditionError(
        "AdvanceClock works only in rehearsal mode (hotline-server "
        "--clock=manual); this server runs on the real clock");
  }
  const absl::Time now = rehearsal_clock_->Now();
  absl::Time target;
  if (request.has_by()) {
    const absl::Duration by = absl::Seconds(request.by().seconds()) +
                              absl::Nanoseconds(request.by().nanos());
    if (by <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError("by must be a positive duration");
    }
    target = now + by;
  } else {
    if (!IsValidProtoTime(request.to())) {
      return absl::InvalidArgumentError("to is not a valid timestamp");
    }
    target = FromProtoTime(request.to());
    if (target < now) {
      return absl::InvalidArgumentError(absl::StrCat(
          "to is before the clock's time ",
          absl::FormatTime(absl::RFC3339_full, now, absl::UTCTimeZone()),
          "; the clock only moves forward"));
    }
  }
  rehearsal_clock_->Set(target);
  absl::StatusOr<Sweeper::Counts> counts = sweeper_->SweepDue(target);
  if (!counts.ok()) return counts.status();
  v1::AdvanceClockResponse response;
  *response.mutable_now() = ToProtoTime(target);
  response.set_tickets_swept(counts->tickets);
  response.set_warnings(counts->warnings);
  response.set_ack_overdue(counts->ack_overdue);
  response.set_yellow_cards(counts->yellow_cards);
  response.set_red_cards(counts->red_cards);
  response.set_daily_report_misses(counts->daily_report_misses);
  return response;
}

absl::StatusOr<v1::Token> CreateTokenDirectly(storage::Store& store,
                                              const std::string& principal_text,
                                              const std::string& display_name,
                                              absl::Time now) {
  v1::Token requested;
  requested.set_principal(principal_text);
  requested.set_display_name(display_name);
  absl::StatusOr<std::pair<v1::Token, Principal>> prepared =
      PrepareToken(requested, now);
  if (!prepared.ok()) return prepared.status();
  v1::Token token = prepared->first;
  absl::Status status = store.WriteAndWait(
      [&](Connection& db) { return StoreToken(db, prepared->second, token); });
  if (!status.ok()) return status;
  return token;
}

}  // namespace hotline
