#include "app/admin_service.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "app/certificate_binding.h"
#include "app/paging.h"
#include "app/planned_write.h"
#include "app/rehearsal_clock.h"
#include "app/token_secret.h"
#include "app/write.h"
#include "common/error_details.h"
#include "common/input_text.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "storage/store.h"
#include "workflow/access.h"
#include "workflow/calendar_coverage.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

// AdvanceClock moves the clock and sweeps a week at a time at most: each
// ticket's sweep then holds a week of rules (a few events), and a stopped
// call leaves the clock at most a week past the last complete step. A day
// would cost a commit per day of rehearsal; a week replays a year with 100
// tickets in progress in a few seconds.
constexpr absl::Duration kAdvanceStep = absl::Hours(7 * 24);

// Checks the token to create and makes its secret. The unit that stores it
// checks that a department principal names an existing department.
absl::StatusOr<std::pair<v1::Token, Principal>> PrepareToken(
    const v1::Token& requested, absl::Time now) {
  if (requested.principal().empty()) {
    return InvalidFieldError(
        "token.principal",
        "token.principal is required: \"bureau\", \"department/{id}\" or "
        "\"intake/{id}\"");
  }
  absl::StatusOr<Principal> principal = Principal::Parse(requested.principal());
  if (!principal.ok()) {
    return InvalidFieldError(
        "token.principal",
        absl::StrCat("token.", principal.status().message()));
  }
  RETURN_IF_ERROR(CheckOptionalText(
      requested.display_name(), "token.display_name", kMaxDisplayNameChars));
  RETURN_IF_ERROR(CheckCertificateIdentity(requested.certificate_identity()));
  ASSIGN_OR_RETURN(std::string secret, NewTokenSecret());
  v1::Token token;
  token.set_principal(principal->ToString());
  token.set_display_name(requested.display_name());
  // A certificate binding has no secret to show: the one stored (hashed)
  // only fills the column and is forgotten.
  token.set_certificate_identity(requested.certificate_identity());
  token.set_secret(secret);
  *token.mutable_create_time() = ToProtoTime(now);
  return std::make_pair(token, *principal);
}

// The change set storing a new token (its number reserved, its name set),
// answered with the token (without a secret for a certificate binding).
absl::StatusOr<Planned<v1::Token>> PlanToken(storage::Store& store,
                                             const Principal& principal,
                                             v1::Token token) {
  if (principal.kind == Principal::Kind::kDepartment) {
    ASSIGN_OR_RETURN(std::optional<v1::Department> department,
                     store.LoadDepartment(principal.id));
    if (!department) {
      return ResourceNotFound("department", principal.DepartmentName(),
                              "create it with CreateDepartment first");
    }
  }
  if (!token.certificate_identity().empty()) {
    RETURN_IF_ERROR(CheckCertificateUnbound(store, token));
  }
  ASSIGN_OR_RETURN(int64_t number,
                   store.ReserveNumbers(storage::NumberKind::kToken, 1));
  token.set_name(absl::StrCat("tokens/", number));
  Planned<v1::Token> planned;
  planned.changes.new_tokens.push_back(
      {HashTokenSecret(token.secret()), token});
  if (!token.certificate_identity().empty()) token.clear_secret();
  planned.answer = std::move(token);
  return planned;
}

bool IsBureau(const std::string& principal_text) {
  absl::StatusOr<Principal> principal = Principal::Parse(principal_text);
  return principal.ok() && principal->kind == Principal::Kind::kBureau;
}

// The bureau tokens that are not revoked. Tokens are few (one or a few per
// department and integrator), so they are read page by page.
absl::StatusOr<int> LiveBureauTokens(storage::Store& store) {
  int live = 0;
  int64_t after = 0;
  while (true) {
    constexpr int kPage = 500;
    ASSIGN_OR_RETURN(std::vector<v1::Token> page,
                     store.QueryTokens(after, kPage));
    for (const v1::Token& token : page) {
      if (IsBureau(token.principal()) && !token.has_revoke_time()) ++live;
    }
    if (page.size() < kPage) return live;
    ASSIGN_OR_RETURN(after, ParseTokenName(page.back().name(), "name"));
  }
}

// The refusal of revoking the last live bureau token.
absl::Status LastBureauToken(const std::string& name) {
  return WithReason(absl::FailedPreconditionError(absl::StrCat(
                        "token ", name,
                        " is the last bureau token that is not revoked: "
                        "without it no one could manage tokens, departments "
                        "or tickets. Create another bureau token first "
                        "(hotlinectl token create bureau), then revoke this "
                        "one")),
                    v1::LAST_BUREAU_TOKEN, {{"token", name}});
}

absl::Status CheckCreateDepartment(const v1::CreateDepartmentRequest& request) {
  if (!IsValidResourceId(request.department_id())) {
    return InvalidFieldError(
        "department_id",
        absl::StrCat(
            "department_id ", QuoteInput(request.department_id()),
            " must be 1-63 lowercase letters, digits or hyphens, starting with "
            "a letter, e.g. \"housing\""));
  }
  return CheckRequiredText(request.department().display_name(),
                           "department.display_name", kMaxDisplayNameChars);
}

absl::Status CheckAdvanceBy(const google::protobuf::Duration& by) {
  const int64_t seconds = by.seconds();
  const int32_t nanos = by.nanos();
  if (nanos <= -1000000000 || nanos >= 1000000000 ||
      (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
    return InvalidFieldError(
        "by",
        "by is not a valid duration (nanos out of range or of the other "
        "sign)");
  }
  if (seconds < 0 || (seconds == 0 && nanos <= 0)) {
    return InvalidFieldError("by", "by must be a positive duration");
  }
  if (absl::Seconds(seconds) + absl::Nanoseconds(nanos) > kMaxClockAdvance) {
    return InvalidFieldError(
        "by", absl::StrCat("by may be at most 400 days (",
                           absl::FormatDuration(kMaxClockAdvance),
                           "); AdvanceClock moves the clock at most 400 days "
                           "per call: to go "
                           "further, call it again"));
  }
  return absl::OkStatus();
}

absl::Status CheckAdvanceClock(const v1::AdvanceClockRequest& request) {
  if (request.has_by() == request.has_to()) {
    return InvalidFieldError(
        "by", "give exactly one of `by` (a duration) and `to` (an instant)");
  }
  if (request.has_by()) return CheckAdvanceBy(request.by());
  return CheckTimestamp(request.to(), "to");
}

}  // namespace

void AdminService::CreateDepartment(const Principal& principal,
                                    const v1::CreateDepartmentRequest& request,
                                    Done<v1::Department> done) {
  if (absl::Status s = CheckCreateDepartment(request); !s.ok()) return done(s);
  v1::Department department;
  department.set_name(absl::StrCat("departments/", request.department_id()));
  department.set_display_name(request.department().display_name());
  *department.mutable_create_time() = ToProtoTime(clock_->Now());
  writer_.Run<v1::Department>(
      principal, request, WriteAccess::BureauOnly("CreateDepartment"),
      [this, id = request.department_id(),
       department]() -> absl::StatusOr<Planned<v1::Department>> {
        ASSIGN_OR_RETURN(std::optional<v1::Department> existing,
                         store_->LoadDepartment(id));
        if (existing) {
          return WithReason(absl::AlreadyExistsError(absl::StrCat(
                                department.name(), " already exists")),
                            v1::ALREADY_EXISTS,
                            {{"resource", department.name()}});
        }
        Planned<v1::Department> planned;
        planned.changes.departments.push_back({id, department});
        planned.answer = department;
        return planned;
      },
      std::move(done));
}

absl::StatusOr<v1::Department> AdminService::GetDepartment(
    const Principal& /*principal*/, const v1::GetDepartmentRequest& request) {
  // Every authenticated caller may read departments: their names are public.
  ASSIGN_OR_RETURN(std::string id, ParseDepartmentName(request.name(), "name"));
  ASSIGN_OR_RETURN(std::optional<v1::Department> department,
                   store_->LoadDepartment(id));
  if (!department) return ResourceNotFound("department", request.name());
  return *std::move(department);
}

absl::StatusOr<v1::ListDepartmentsResponse> AdminService::ListDepartments(
    const Principal& /*principal*/, const v1::ListDepartmentsRequest& request) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  const std::string page_scope = "ListDepartments";
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), page_scope));
  ASSIGN_OR_RETURN(std::vector<v1::Department> departments,
                   store_->QueryDepartments(after, page_size + 1));
  v1::ListDepartmentsResponse response;
  const bool more = TrimToPage(&departments, page_size);
  for (v1::Department& d : departments) {
    *response.add_departments() = std::move(d);
  }
  if (more) {
    const std::string& last = response.departments().rbegin()[0].name();
    response.set_next_page_token(EncodePageToken(
        absl::string_view(last).substr(sizeof("departments/") - 1),
        page_scope));
  }
  return response;
}

void AdminService::CreateToken(const Principal& principal,
                               const v1::CreateTokenRequest& request,
                               Done<v1::Token> done) {
  absl::StatusOr<std::pair<v1::Token, Principal>> prepared =
      PrepareToken(request.token(), clock_->Now());
  if (!prepared.ok()) return done(prepared.status());
  // A retry after a lost answer gets the same secret back (idempotency.h).
  writer_.Run<v1::Token>(
      principal, request, WriteAccess::BureauOnly("CreateToken"),
      [this, owner = prepared->second, token = prepared->first] {
        return PlanToken(*store_, owner, token);
      },
      std::move(done));
}

absl::StatusOr<v1::ListTokensResponse> AdminService::ListTokens(
    const Principal& principal, const v1::ListTokensRequest& request) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(request.page_size()));
  const std::string page_scope = "ListTokens";
  ASSIGN_OR_RETURN(int64_t after_id,
                   DecodeNumberPageToken(request.page_token(), page_scope));
  RETURN_IF_ERROR(AuthorizeBureauOnly(principal, "ListTokens"));
  ASSIGN_OR_RETURN(std::vector<v1::Token> tokens,
                   store_->QueryTokens(after_id, page_size + 1));
  v1::ListTokensResponse response;
  const bool more = TrimToPage(&tokens, page_size);
  for (v1::Token& t : tokens) *response.add_tokens() = std::move(t);
  if (more) {
    const std::string& last = response.tokens().rbegin()[0].name();
    response.set_next_page_token(EncodePageToken(
        absl::string_view(last).substr(sizeof("tokens/") - 1), page_scope));
  }
  return response;
}

void AdminService::RevokeToken(const Principal& principal,
                               const v1::RevokeTokenRequest& request,
                               Done<v1::Token> answer) {
  // Calls with the token stop being answered from the authenticator's
  // memory before the revocation is.
  Done<v1::Token> done =
      [this, answer = std::move(answer)](absl::StatusOr<v1::Token> result) {
        if (result.ok() && on_token_revoked_) on_token_revoked_();
        answer(std::move(result));
      };
  absl::StatusOr<int64_t> id = ParseTokenName(request.name(), "name");
  if (!id.ok()) return done(id.status());
  // One revocation at a time: the check that a bureau token stays live
  // and the revocation must not interleave with another's. This runs on
  // the executor (never a gRPC callback thread), so it may wait.
  absl::MutexLock lock(&revocations_);
  done(writer_.RunAndWait<v1::Token>(principal, request,
                                     WriteAccess::BureauOnly("RevokeToken"),
                                     [this, id = *id, name = request.name()] {
                                       return PlanRevokeToken(id, name);
                                     }));
}

absl::StatusOr<Planned<v1::Token>> AdminService::PlanRevokeToken(
    int64_t id, const std::string& name) const {
  ASSIGN_OR_RETURN(std::optional<v1::Token> token, store_->LoadToken(id));
  if (!token) return ResourceNotFound("token", name);
  if (token->has_revoke_time()) {
    return WithReason(absl::FailedPreconditionError(
                          absl::StrCat("token ", name, " is already revoked")),
                      v1::ALREADY_REVOKED, {{"resource", name}});
  }
  if (IsBureau(token->principal())) {
    ASSIGN_OR_RETURN(int live, LiveBureauTokens(*store_));
    if (live <= 1) return LastBureauToken(name);
  }
  const absl::Time now = clock_->Now();
  Planned<v1::Token> planned;
  planned.changes.token_revocations.push_back({id, absl::ToUnixMicros(now)});
  planned.answer = *std::move(token);
  *planned.answer.mutable_revoke_time() = ToProtoTime(now);
  return planned;
}

absl::StatusOr<v1::Policy> AdminService::GetPolicy(
    const Principal& /*principal*/, const v1::GetPolicyRequest& /*request*/) {
  v1::Policy policy = policies_->current();
  policy.set_calendar_warning(
      CoverageWarning(policies_->calendar(), clock_->Now()));
  return policy;
}

absl::StatusOr<v1::Caller> AdminService::GetCaller(
    const Principal& principal, const v1::GetCallerRequest& /*request*/) {
  v1::Caller caller;
  caller.set_principal(principal.ToString());
  caller.set_credential(principal.credential);
  if (principal.kind == Principal::Kind::kDepartment) {
    caller.set_department(principal.DepartmentName());
    ASSIGN_OR_RETURN(std::optional<v1::Department> department,
                     store_->LoadDepartment(principal.id));
    if (department) caller.set_display_name(department->display_name());
  }
  const absl::TimeZone zone = policies_->calendar().zone();
  const absl::Time now = clock_->Now();
  caller.set_time_zone(zone.name());
  caller.set_today(absl::FormatCivilTime(absl::ToCivilDay(now, zone)));
  *caller.mutable_now() = ToProtoTime(now);
  caller.set_rehearsal(rehearsal_clock_ != nullptr);
  return caller;
}

AdminService::~AdminService() {
  std::thread worker;
  {
    absl::MutexLock lock(&worker_mutex_);
    stopping_ = true;
    worker = std::move(worker_);
  }
  if (worker.joinable()) worker.join();
}

void AdminService::RunOnWorker(std::function<void()> job) {
  absl::MutexLock lock(&worker_mutex_);
  jobs_.push_back(std::move(job));
  if (worker_.joinable()) return;
  worker_ = std::thread([this] {
    while (true) {
      std::function<void()> next;
      {
        absl::MutexLock lock(&worker_mutex_);
        worker_mutex_.Await(absl::Condition(
            +[](AdminService* s)
                 ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->worker_mutex_) {
                   return !s->jobs_.empty() || s->stopping_;
                 },
            this));
        // Jobs still queued are run even when stopping: each has a caller
        // waiting for its answer.
        if (jobs_.empty()) return;
        next = std::move(jobs_.front());
        jobs_.pop_front();
      }
      next();
    }
  });
}

void AdminService::AdvanceClock(const Principal& principal,
                                const v1::AdvanceClockRequest& request,
                                CallLimits call,
                                Done<v1::AdvanceClockResponse> done) {
  if (absl::Status s = CheckAdvanceClock(request); !s.ok()) return done(s);
  absl::StatusOr<RequestIdentity> identity = writer_.Admit(
      principal, request, WriteAccess::BureauOnly("AdvanceClock"));
  if (!identity.ok()) return done(identity.status());
  if (rehearsal_clock_ == nullptr) {
    return done(WithReason(
        absl::FailedPreconditionError(
            "AdvanceClock works only in rehearsal mode (hotline-server "
            "--clock=manual); this server runs on the real clock"),
        v1::NOT_IN_REHEARSAL));
  }
  // Answer a little before the caller's deadline, so that it hears where
  // the clock stands instead of its own timeout.
  const absl::Time received = absl::Now();
  const absl::Duration margin =
      std::clamp((call.deadline - received) / 5, absl::ZeroDuration(),
                 kAdvanceClockAnswerMargin);
  const absl::Time answer_by = call.deadline - margin;
  RunOnWorker([this, identity = *std::move(identity), request,
               call = std::move(call), answer_by, done = std::move(done)] {
    done(AdvanceOnce(identity, request, call, answer_by));
  });
}

absl::StatusOr<v1::AdvanceClockResponse> AdminService::AdvanceOnce(
    const RequestIdentity& identity, const v1::AdvanceClockRequest& request,
    const CallLimits& call, absl::Time answer_by) {
  if (identity.key.empty()) return Advance(request, call, answer_by);
  // Calls run one at a time on the worker: nothing records this request
  // between the look-up and the record below.
  ASSIGN_OR_RETURN(std::optional<storage::RequestOutcome> earlier,
                   store_->FindRequestOutcome(identity.key));
  v1::AdvanceClockResponse result;
  if (!earlier) {
    // A call stopped short records nothing: its retry goes on from where
    // the clock stands.
    ASSIGN_OR_RETURN(result, Advance(request, call, answer_by));
  }
  // Records the outcome, or reads the recorded one back.
  return writer_.CommitAndWait<v1::AdvanceClockResponse>(
      identity,
      [result]() -> absl::StatusOr<Planned<v1::AdvanceClockResponse>> {
        return Planned<v1::AdvanceClockResponse>{{}, result};
      });
}

namespace {

// Where AdvanceClock is asked to move the clock from `now`: INVALID_ARGUMENT
// for an instant before it or more than kMaxClockAdvance after it.
absl::StatusOr<absl::Time> AdvanceTarget(
    const v1::AdvanceClockRequest& request, absl::Time now,
    const std::function<std::string(absl::Time)>& format) {
  if (request.has_by()) {
    return now + absl::Seconds(request.by().seconds()) +
           absl::Nanoseconds(request.by().nanos());
  }
  const absl::Time target = FromProtoTime(request.to());
  if (target < now) {
    return InvalidFieldError(
        "to", absl::StrCat("to is before the clock's time ", format(now),
                           "; the clock only moves forward"));
  }
  if (target - now > kMaxClockAdvance) {
    return InvalidFieldError(
        "to", absl::StrCat("to is ", absl::FormatDuration(target - now),
                           " after the clock's time ", format(now),
                           "; AdvanceClock moves the clock at most 400 days "
                           "per call: advance "
                           "in steps, e.g. to=",
                           format(now + kMaxClockAdvance), " first"));
  }
  return target;
}

// The answer of a sweep that stopped before `target` (the caller `gone`, or
// its deadline near): where the clock stands and what was swept.
absl::Status StoppedEarly(
    const AdvanceProgress& progress, absl::Time target, bool gone,
    const std::function<std::string(absl::Time)>& format) {
  const SweepCounts& counts = progress.counts;
  std::string message =
      absl::StrCat(gone ? "the call was cancelled"
                        : "stopped to answer before the "
                          "call's deadline",
                   ": the clock stands at ", format(progress.reached),
                   ", not at ", format(target), " as asked");
  if (!progress.all_due_swept) {
    absl::StrAppend(&message,
                    ", and some rules due by then are not applied yet");
  }
  absl::StrAppend(
      &message, ". What was swept on the way stays: ", counts.tickets,
      " ticket sweep(s), ", counts.warnings, " warning(s), ",
      counts.ack_overdue, " sign-for overdue, ", counts.yellow_cards,
      " yellow and ", counts.red_cards, " red card(s), ",
      counts.daily_report_misses,
      " daily-report miss(es). To go on, call AdvanceClock again with to=",
      format(target), ", or give the call a longer deadline");
  return WithReason(absl::Status(gone ? absl::StatusCode::kCancelled
                                      : absl::StatusCode::kDeadlineExceeded,
                                 message),
                    v1::CLOCK_STOPPED_EARLY,
                    {{"now", format(progress.reached)}});
}

v1::AdvanceClockResponse AdvanceResponse(const AdvanceProgress& progress) {
  const SweepCounts& counts = progress.counts;
  v1::AdvanceClockResponse response;
  *response.mutable_now() = ToProtoTime(progress.reached);
  response.set_tickets_swept(counts.tickets);
  response.set_warnings(counts.warnings);
  response.set_ack_overdue(counts.ack_overdue);
  response.set_yellow_cards(counts.yellow_cards);
  response.set_red_cards(counts.red_cards);
  response.set_daily_report_misses(counts.daily_report_misses);
  return response;
}

}  // namespace

absl::StatusOr<v1::AdvanceClockResponse> AdminService::Advance(
    const v1::AdvanceClockRequest& request, const CallLimits& call,
    absl::Time answer_by) {
  const absl::TimeZone zone = policies_->calendar().zone();
  const std::function<std::string(absl::Time)> format = [zone](absl::Time t) {
    return absl::FormatTime(absl::RFC3339_full, t, zone);
  };
  const absl::Time now = rehearsal_clock_->Now();
  // Checked between batches: stops once the next batch, if it takes as long
  // as the longest so far, would end after `answer_by` (a loaded machine
  // makes batches slower, and the answer must still come in time).
  absl::Time last_check = absl::Now();
  absl::Duration longest_batch = absl::ZeroDuration();
  auto stop = [&] {
    if (batch_hook_) batch_hook_(call);
    const absl::Time checked = absl::Now();
    longest_batch = std::max(longest_batch, checked - last_check);
    last_check = checked;
    return call.cancelled() || checked + longest_batch >= answer_by;
  };
  if (stop()) {
    // It waited for another AdvanceClock call until its caller gave up.
    return WithReason(
        absl::DeadlineExceededError(absl::StrCat(
            "nothing was done: another AdvanceClock call was moving the clock "
            "until this call's deadline; the clock stands at ",
            format(now), ": call AdvanceClock again")),
        v1::CLOCK_STOPPED_EARLY, {{"now", format(now)}});
  }
  ASSIGN_OR_RETURN(absl::Time target, AdvanceTarget(request, now, format));
  absl::StatusOr<AdvanceProgress> progress =
      sweeper_->Advance(*rehearsal_clock_, target, kAdvanceStep, stop);
  // Kept with the data wherever it stopped: a restart resumes here
  // (rehearsal_clock.h).
  RETURN_IF_ERROR(KeepRehearsalClock(*store_, rehearsal_clock_->Now()));
  if (!progress.ok()) {
    return CopyDetails(
        progress.status(),
        absl::Status(
            progress.status().code(),
            absl::StrCat(progress.status().message(), "; the clock stands at ",
                         format(rehearsal_clock_->Now()))));
  }
  if (progress->reached < target || !progress->all_due_swept) {
    return StoppedEarly(*progress, target, call.cancelled(), format);
  }
  return AdvanceResponse(*progress);
}

absl::StatusOr<v1::Token> CreateTokenDirectly(storage::Store& store,
                                              const std::string& principal_text,
                                              const std::string& display_name,
                                              absl::Time now) {
  v1::Token requested;
  requested.set_principal(principal_text);
  requested.set_display_name(display_name);
  using Prepared = std::pair<v1::Token, Principal>;
  ASSIGN_OR_RETURN(Prepared prepared, PrepareToken(requested, now));
  return CommitPlannedAndWait<v1::Token>(&store, [&] {
    return PlanToken(store, prepared.second, prepared.first);
  });
}

}  // namespace hotline
