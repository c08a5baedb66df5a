#include "app/subscription_service.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "app/ticket_step.h"
#include "app/token_secret.h"
#include "common/error_details.h"
#include "common/proto_time.h"
#include "common/status_macros.h"
#include "workflow/access.h"
#include "workflow/subscription_rules.h"
#include "workflow/validation.h"

namespace hotline {
namespace {

constexpr char kSecretPrefix[] = "whsec_";
constexpr absl::Duration kDefaultOverlap = absl::Hours(24);
constexpr absl::Duration kLongestOverlap = absl::Hours(24 * 7);

// The department a principal manages subscriptions for: a department its
// own, the bureau (and intake, refused anyway) none in particular.
std::string OwnDepartment(const Principal& principal) {
  return principal.kind == Principal::Kind::kDepartment
             ? principal.DepartmentName()
             : std::string();
}

// The role's rule (before anything is read): the bureau and departments.
WriteAccess SubscriptionAccess() {
  return WriteAccess::Rule([](const Principal& principal) {
    return AuthorizeSubscription(principal, OwnDepartment(principal));
  });
}

absl::Status CheckRequestId(const std::string& request_id) {
  return CheckOptionalText(request_id, "request_id", kMaxRequestIdChars);
}

absl::Status SmsGatewayMissing() {
  return WithReason(
      absl::FailedPreconditionError(
          "this server has no SMS gateway: the operator starts it with "
          "--sms_gateway=FILE (docs/operations.md, \"Notifications\")"),
      v1::SMS_GATEWAY_NOT_CONFIGURED);
}

}  // namespace

void SubscriptionService::Changed(absl::StatusOr<v1::Subscription> answer,
                                  Done<v1::Subscription> done) {
  if (answer.ok() && on_change_) on_change_();
  done(std::move(answer));
}

void SubscriptionService::CreateSubscription(
    const Principal& principal, const v1::CreateSubscriptionRequest& request,
    Done<v1::Subscription> done) {
  const v1::Subscription& wanted = request.subscription();
  if (absl::Status s =
          CheckNewSubscription(wanted, options_.allow_loopback_http);
      !s.ok()) {
    return done(s);
  }
  if (absl::Status s = CheckRequestId(request.request_id()); !s.ok()) {
    return done(s);
  }
  const std::string department = wanted.department();
  absl::MutexLock lock(&changes_);
  Changed(
      writer_.RunAndWait<v1::Subscription>(
          principal, request,
          WriteAccess::Rule([department](const Principal& caller) {
            return AuthorizeSubscription(caller, department);
          }),
          [&]() -> absl::StatusOr<Planned<v1::Subscription>> {
            if (wanted.channel() == v1::Subscription::SMS &&
                !options_.sms_gateway) {
              return SmsGatewayMissing();
            }
            if (!department.empty()) {
              RETURN_IF_ERROR(CheckDepartmentExists(*store_, department,
                                                    "subscription.department"));
            }
            ASSIGN_OR_RETURN(internal::SubscriptionBook book,
                             LoadSubscriptionBook(*store_));
            const int owned = static_cast<int>(std::count_if(
                book.subscriptions().begin(), book.subscriptions().end(),
                [&](const internal::SubscriptionRecord& record) {
                  return !record.deleted() &&
                         record.subscription().department() == department;
                }));
            if (owned >= kMaxSubscriptionsPerOwner) {
              return WithReason(
                  absl::ResourceExhaustedError(absl::StrCat(
                      department.empty() ? "the bureau" : department, " has ",
                      owned,
                      " subscriptions, as many as a server keeps; delete "
                      "one it no longer needs")),
                  v1::SUBSCRIPTIONS_FULL,
                  {{"limit", absl::StrCat(kMaxSubscriptionsPerOwner)}});
            }
            internal::SubscriptionRecord& record = *book.add_subscriptions();
            const int64_t number = book.last_number() + 1;
            book.set_last_number(number);
            v1::Subscription& made = *record.mutable_subscription();
            made = wanted;
            made.set_name(absl::StrCat("subscriptions/", number));
            made.set_state(v1::Subscription::ACTIVE);
            made.set_created_by(principal.ToString());
            *made.mutable_create_time() = ToProtoTime(clock_->Now());
            record.set_generation(1);
            if (wanted.channel() == v1::Subscription::WEBHOOK) {
              ASSIGN_OR_RETURN(std::string secret,
                               NewRandomSecret(kSecretPrefix));
              record.set_secret(std::move(secret));
            }
            // It sends what commits after it.
            internal::DeliveryState state;
            ASSIGN_OR_RETURN(const int64_t latest, store_->LatestSeq());
            state.set_delivered_seq(latest);
            Planned<v1::Subscription> planned;
            RETURN_IF_ERROR(SaveSubscriptionBook(book, planned.changes));
            RETURN_IF_ERROR(SaveDeliveryState(number, state, planned.changes));
            planned.answer = SubscriptionView(record, state, clock_->Now());
            planned.answer.set_secret(record.secret());
            return planned;
          }),
      std::move(done));
}

absl::StatusOr<internal::SubscriptionRecord> SubscriptionService::ReadRecord(
    const Principal& principal, const std::string& name,
    absl::string_view field) {
  RETURN_IF_ERROR(AuthorizeSubscription(principal, OwnDepartment(principal)));
  ASSIGN_OR_RETURN(const int64_t number, ParseSubscriptionName(name, field));
  ASSIGN_OR_RETURN(internal::SubscriptionBook book,
                   LoadSubscriptionBook(*store_));
  internal::SubscriptionRecord* record = FindSubscription(book, number);
  if (record == nullptr) return ResourceNotFound("subscription", name);
  RETURN_IF_ERROR(
      AuthorizeSubscription(principal, record->subscription().department()));
  return *record;
}

absl::StatusOr<v1::ListSubscriptionsResponse>
SubscriptionService::ListSubscriptions(
    const Principal& principal, const v1::ListSubscriptionsRequest& request) {
  if (!request.department().empty()) {
    RETURN_IF_ERROR(
        ParseDepartmentName(request.department(), "department").status());
  }
  RETURN_IF_ERROR(AuthorizeSubscription(principal, OwnDepartment(principal)));
  if (!request.department().empty()) {
    RETURN_IF_ERROR(AuthorizeSubscription(principal, request.department()));
  }
  const std::string only = principal.kind == Principal::Kind::kDepartment
                               ? principal.DepartmentName()
                               : request.department();
  ASSIGN_OR_RETURN(internal::SubscriptionBook book,
                   LoadSubscriptionBook(*store_));
  v1::ListSubscriptionsResponse response;
  for (const internal::SubscriptionRecord& record : book.subscriptions()) {
    if (record.deleted()) continue;
    if (!only.empty() && record.subscription().department() != only) continue;
    ASSIGN_OR_RETURN(
        internal::DeliveryState state,
        LoadDeliveryState(*store_, SubscriptionNumber(record.subscription())));
    *response.add_subscriptions() =
        SubscriptionView(record, state, clock_->Now());
  }
  return response;
}

absl::StatusOr<v1::Subscription> SubscriptionService::GetSubscription(
    const Principal& principal, const v1::GetSubscriptionRequest& request) {
  ASSIGN_OR_RETURN(internal::SubscriptionRecord record,
                   ReadRecord(principal, request.name(), "name"));
  ASSIGN_OR_RETURN(
      internal::DeliveryState state,
      LoadDeliveryState(*store_, SubscriptionNumber(record.subscription())));
  return SubscriptionView(record, state, clock_->Now());
}

absl::StatusOr<v1::ListDeliveriesResponse> SubscriptionService::ListDeliveries(
    const Principal& principal, const v1::ListDeliveriesRequest& request) {
  ASSIGN_OR_RETURN(internal::SubscriptionRecord record,
                   ReadRecord(principal, request.parent(), "parent"));
  ASSIGN_OR_RETURN(
      internal::DeliveryState state,
      LoadDeliveryState(*store_, SubscriptionNumber(record.subscription())));
  const auto& kept =
      request.dead_letters_only() ? state.dead_letters() : state.log();
  v1::ListDeliveriesResponse response;
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    *response.add_deliveries() = *it;
  }
  return response;
}

void SubscriptionService::ChangeSubscription(
    const Principal& principal, const google::protobuf::Message& request,
    const std::string& request_id, const std::string& name, RecordChange change,
    Done<v1::Subscription> done, bool show_secret) {
  if (absl::Status s = CheckRequestId(request_id); !s.ok()) return done(s);
  absl::StatusOr<int64_t> number = ParseSubscriptionName(name, "name");
  if (!number.ok()) return done(number.status());
  absl::MutexLock lock(&changes_);
  Changed(writer_.RunAndWait<v1::Subscription>(
              principal, request, SubscriptionAccess(),
              [&]() -> absl::StatusOr<Planned<v1::Subscription>> {
                ASSIGN_OR_RETURN(internal::SubscriptionBook book,
                                 LoadSubscriptionBook(*store_));
                internal::SubscriptionRecord* record =
                    FindSubscription(book, *number);
                if (record == nullptr) {
                  return ResourceNotFound("subscription", name);
                }
                RETURN_IF_ERROR(AuthorizeSubscription(
                    principal, record->subscription().department()));
                Planned<v1::Subscription> planned;
                RETURN_IF_ERROR(change(*record, planned.changes));
                RETURN_IF_ERROR(SaveSubscriptionBook(book, planned.changes));
                ASSIGN_OR_RETURN(internal::DeliveryState state,
                                 LoadDeliveryState(*store_, *number));
                planned.answer =
                    SubscriptionView(*record, state, clock_->Now());
                if (record->deleted()) {
                  planned.answer.set_state_reason("deleted");
                }
                // In the answer kept for a retry too.
                if (show_secret) planned.answer.set_secret(record->secret());
                return planned;
              }),
          std::move(done));
}

void SubscriptionService::DeleteSubscription(
    const Principal& principal, const v1::DeleteSubscriptionRequest& request,
    Done<v1::Subscription> done) {
  ChangeSubscription(
      principal, request, request.request_id(), request.name(),
      [](internal::SubscriptionRecord& record, storage::ChangeSet&) {
        record.set_deleted(true);
        return absl::OkStatus();
      },
      std::move(done));
}

void SubscriptionService::PauseSubscription(
    const Principal& principal, const v1::PauseSubscriptionRequest& request,
    Done<v1::Subscription> done) {
  if (absl::Status s =
          CheckRequiredText(request.reason(), "reason", kMaxReasonChars);
      !s.ok()) {
    return done(s);
  }
  ChangeSubscription(
      principal, request, request.request_id(), request.name(),
      [&](internal::SubscriptionRecord& record, storage::ChangeSet&) {
        v1::Subscription& s = *record.mutable_subscription();
        s.set_state(v1::Subscription::PAUSED);
        s.set_state_reason(request.reason());
        return absl::OkStatus();
      },
      std::move(done));
}

void SubscriptionService::ResumeSubscription(
    const Principal& principal, const v1::ResumeSubscriptionRequest& request,
    Done<v1::Subscription> done) {
  ChangeSubscription(
      principal, request, request.request_id(), request.name(),
      [](internal::SubscriptionRecord& record, storage::ChangeSet&) {
        v1::Subscription& s = *record.mutable_subscription();
        s.set_state(v1::Subscription::ACTIVE);
        s.clear_state_reason();
        // A 410 found before no longer holds.
        record.set_generation(record.generation() + 1);
        return absl::OkStatus();
      },
      std::move(done));
}

void SubscriptionService::RotateSubscriptionSecret(
    const Principal& principal,
    const v1::RotateSubscriptionSecretRequest& request,
    Done<v1::Subscription> done) {
  absl::Duration overlap = kDefaultOverlap;
  if (request.has_overlap()) {
    overlap = absl::Seconds(request.overlap().seconds()) +
              absl::Nanoseconds(request.overlap().nanos());
    if (overlap < absl::ZeroDuration() || overlap > kLongestOverlap) {
      return done(InvalidFieldError(
          "overlap", "overlap is from 0 to 7 days (168h); unset: 24 hours"));
    }
  }
  ChangeSubscription(
      principal, request, request.request_id(), request.name(),
      [&](internal::SubscriptionRecord& record, storage::ChangeSet&) {
        if (record.subscription().channel() != v1::Subscription::WEBHOOK) {
          return InvalidFieldError("name",
                                   "only a WEBHOOK subscription has a secret; "
                                   "SMS goes through the bureau's gateway");
        }
        ASSIGN_OR_RETURN(std::string secret, NewRandomSecret(kSecretPrefix));
        record.set_previous_secret(record.secret());
        record.set_secret(secret);
        *record.mutable_subscription()->mutable_previous_secret_expire_time() =
            ToProtoTime(clock_->Now() + overlap);
        return absl::OkStatus();
      },
      std::move(done), /*show_secret=*/true);
}

void SubscriptionService::RedeliverEvent(
    const Principal& principal, const v1::RedeliverEventRequest& request,
    Done<v1::Subscription> done) {
  if (request.seq() <= 0) {
    return done(InvalidFieldError("seq", "seq is the event's seq, 1 or more"));
  }
  ChangeSubscription(
      principal, request, request.request_id(), request.name(),
      [&](internal::SubscriptionRecord& record, storage::ChangeSet&) {
        const v1::Subscription& subscription = record.subscription();
        if (subscription.channel() == v1::Subscription::SMS &&
            !options_.sms_gateway) {
          return SmsGatewayMissing();
        }
        storage::EventFeedQuery query;
        query.after_seq = request.seq() - 1;
        query.limit = 1;
        const Principal receiver = SubscriberOf(subscription);
        if (!subscription.department().empty()) {
          query.department = subscription.department();
        }
        ASSIGN_OR_RETURN(std::vector<v1::Event> events,
                         store_->QueryEventFeed(query));
        if (events.empty() || events[0].seq() != request.seq() ||
            !SubscriptionWants(subscription, events[0].type()) ||
            !EventViewFor(receiver, events[0]).has_value()) {
          return ResourceNotFound(
              "event for this subscription", absl::StrCat(request.seq()),
              "the seq must be an event the subscription sends (its "
              "department's, of its types)");
        }
        internal::Redelivery& redelivery = *record.add_redeliveries();
        record.set_last_redelivery(record.last_redelivery() + 1);
        redelivery.set_id(record.last_redelivery());
        redelivery.set_seq(request.seq());
        if (record.redeliveries_size() > kRedeliveriesKept) {
          record.mutable_redeliveries()->DeleteSubrange(
              0, record.redeliveries_size() - kRedeliveriesKept);
        }
        return absl::OkStatus();
      },
      std::move(done));
}

}  // namespace hotline
