#include "server/hotline_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/admin_service.h"
#include "server/authenticator.h"
#include "server/card_service.h"
#include "server/daily_report_service.h"
#include "server/event_feed.h"
#include "server/grpc_service.h"
#include "server/policy_registry.h"
#include "server/request_parse_errors.h"
#include "server/statistics_service.h"
#include "server/sweeper.h"
#include "server/ticket_service.h"
#include "server/workflow/calendar.h"
#include "server/workflow/policy.h"

namespace hotline {

absl::StatusOr<std::unique_ptr<HotlineServer>> HotlineServer::Start(
    const ServerOptions& options, Clock* clock) {
  absl::StatusOr<WorkingDayCalendar> calendar =
      WorkingDayCalendar::LoadFile(options.calendar_path, options.time_zone);
  if (!calendar.ok()) return calendar.status();
  std::unique_ptr<HotlineServer> server(new HotlineServer());
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::Store::Open([&] {
        storage::StoreOptions store_options = options.store;
        store_options.time_zone = options.time_zone;
        return store_options;
      }());
  if (!store.ok()) return store.status();
  server->store_ = *std::move(store);
  absl::StatusOr<std::unique_ptr<PolicyRegistry>> policies =
      PolicyRegistry::Open(
          *server->store_, *std::move(calendar),
          options.policy.version().empty() ? DefaultPolicy() : options.policy,
          clock->Now());
  if (!policies.ok()) return policies.status();
  server->policies_ = *std::move(policies);
  // A manual clock means rehearsal mode (see the header).
  ManualClock* rehearsal_clock = dynamic_cast<ManualClock*>(clock);
  server->sweeper_ = std::make_unique<Sweeper>(server->store_.get(), clock,
                                               server->policies_.get());
  server->authenticator_ =
      std::make_unique<Authenticator>(server->store_.get());
  server->tickets_ = std::make_unique<TicketService>(
      server->store_.get(), clock, server->policies_.get());
  server->cards_ = std::make_unique<CardService>(server->store_.get(), clock);
  server->admin_ = std::make_unique<AdminService>(
      server->store_.get(), clock, server->policies_.get(),
      server->sweeper_.get(), rehearsal_clock);
  server->reports_ = std::make_unique<DailyReportService>(
      server->store_.get(), clock, server->policies_.get());
  server->statistics_ = std::make_unique<StatisticsService>(
      server->store_.get(), clock, server->policies_->calendar().zone());
  server->feed_ =
      std::make_unique<EventFeed>(server->store_.get(), options.feed);
  server->service_ = std::make_unique<HotlineGrpcService>(
      server->authenticator_.get(), server->tickets_.get(),
      server->cards_.get(), server->reports_.get(), server->statistics_.get(),
      server->feed_.get(), server->admin_.get());
  // After every commit: the feed serves new events; the sweeper (real clock
  // only) looks for an earlier deadline.
  Sweeper* sweeper =
      rehearsal_clock == nullptr ? server->sweeper_.get() : nullptr;
  EventFeed* feed = server->feed_.get();
  server->store_->SetCommitListener([sweeper, feed] {
    feed->Notify();
    if (sweeper != nullptr) sweeper->Notify();
  });
  if (sweeper != nullptr) sweeper->Start();

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen_address,
                           grpc::InsecureServerCredentials(), &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.RegisterService(server->service_.get());
  AddRequestParseErrors(builder);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options.listen_address,
                     " (in use, or not an address of this machine?)"));
  }
  const size_t colon = options.listen_address.rfind(':');
  server->host_ = options.listen_address.substr(0, colon);
  if (server->host_.empty() || server->host_ == "0.0.0.0" ||
      server->host_ == "[::]") {
    server->host_ = "127.0.0.1";
  }
  return server;
}

HotlineServer::~HotlineServer() { Shutdown(absl::ZeroDuration()); }

std::string HotlineServer::address() const {
  return absl::StrCat(host_, ":", port_);
}

void HotlineServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // Start may have failed part way: stop only what was started.
  // Streams end first (they would otherwise hold Shutdown until its grace
  // runs out); their clients resume from the seq they were told.
  if (feed_ != nullptr) feed_->Shutdown();
  if (server_ != nullptr) {
    // Returns once every call has finished; writes the calls wait for are
    // still being committed by the store's writer meanwhile.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    server_->Wait();
  }
  if (sweeper_ != nullptr) sweeper_->Stop();
  if (store_ != nullptr) store_->Close();
}

}  // namespace hotline
