#include "server/event_feed.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "app/authenticator.h"
#include "app/feed_service.h"
#include "common/error_details.h"
#include "common/log.h"
#include "server/grpc_status.h"
#include "storage/store.h"
#include "workflow/access.h"

namespace hotline {
namespace {

// How soon a client may reconnect after the server ended its stream.
constexpr absl::Duration kReconnectDelay = absl::Seconds(1);

// The token a revocation message names ("the token tokens/7 was revoked"),
// or "".
std::string TokenNamed(absl::string_view why) {
  const size_t start = why.find("tokens/");
  if (start == absl::string_view::npos) return "";
  size_t end = start + sizeof("tokens/") - 1;
  while (end < why.size() && absl::ascii_isdigit(why[end])) ++end;
  return std::string(why.substr(start, end - start));
}

// Whether `query` (the store's feed query) takes `event`, judged from the
// event alone, with the store's precedence: a ticket, else a department
// (holding it at the event or losing it by the event), else everything.
// Not decidable from the event alone for a creator (intake): nullopt.
std::optional<bool> FeedTakes(const storage::EventFeedQuery& query,
                              const v1::Event& event) {
  if (query.ticket_id) {
    return event.ticket() == absl::StrCat("tickets/", *query.ticket_id);
  }
  if (query.department) {
    return event.department() == *query.department ||
           event.previous_department() == *query.department ||
           event.assist_department() == *query.department ||
           std::find(event.assisting_departments().begin(),
                     event.assisting_departments().end(),
                     *query.department) != event.assisting_departments().end();
  }
  if (query.created_by) return std::nullopt;
  return true;
}

}  // namespace

// One WatchEvents call. Its mutex guards the write state; the feed thread
// calls Fill, gRPC calls the On* methods.
class EventFeed::Stream final : public grpc::ServerWriteReactor<v1::Event> {
 public:
  Stream(EventFeed* feed, Principal principal, std::string credential,
         v1::WatchEventsRequest request, StreamDone done)
      : feed_(feed),
        principal_(std::move(principal)),
        credential_(std::move(credential)),
        request_(std::move(request)),
        done_(std::move(done)) {}

  // Plans the stream (PrepareWatch: the request, the caller's scope and
  // access, the resume point) and sets the cursor; a refusal finishes the
  // stream with its status.
  void Start(grpc::CallbackServerContext* context) {
    absl::StatusOr<WatchPlan> plan =
        PrepareWatch(principal_, request_, *feed_->store_);
    if (!plan.ok()) {
      absl::MutexLock lock(&mutex_);
      FinishLocked(GrpcStatusOf(plan.status()));
      return;
    }
    query_ = std::move(plan->query);
    types_ = std::move(plan->types);
    {
      absl::MutexLock lock(&mutex_);
      cursor_ = plan->after_seq;
      last_written_ = cursor_;
    }
    // Registered before anything can finish the stream (OnDone
    // unregisters); no write before the initial metadata (Fill waits for
    // `started_`).
    feed_->Register(this);
    {
      absl::MutexLock lock(&mutex_);
      // The client learns where the stream starts even before any event, so
      // that a reconnect after `from_now` misses nothing.
      context->AddInitialMetadata("hotline-after-seq", absl::StrCat(cursor_));
      StartSendInitialMetadata();
      started_ = true;
    }
    feed_->Notify();  // serve its history at once
  }

  // Feed thread: when idle, takes the next batch (up to `latest`, the
  // newest seq) and starts writing it: from `tail` (the newest events,
  // every one after `tail_base`), filtered here, when the stream is caught
  // up and its filter can be judged from the event; else from the store.
  void Fill(int64_t latest, const std::deque<v1::Event>& tail,
            int64_t tail_base) {
    absl::MutexLock lock(&mutex_);
    if (!started_ || finished_) return;
    if (writing_) {
      if (absl::Now() - write_started_ > feed_->options_.write_stall_timeout) {
        FinishLocked(GrpcStatusOf(WithReason(
            absl::ResourceExhaustedError(absl::StrCat(
                "the client stopped reading for ",
                absl::FormatDuration(feed_->options_.write_stall_timeout),
                "; reconnect with after_seq=", last_written_)),
            v1::FEED_STALLED, {{"after_seq", absl::StrCat(last_written_)}})));
      }
      return;
    }
    const bool judged_alone = !query_.created_by || query_.ticket_id;
    if (judged_alone && cursor_ >= tail_base && !tail.empty()) {
      // The first event after the cursor: seqs increase along the tail.
      auto it = std::upper_bound(
          tail.begin(), tail.end(), cursor_,
          [](int64_t seq, const v1::Event& e) { return seq < e.seq(); });
      for (; it != tail.end() &&
             static_cast<int>(buffer_.size()) < feed_->options_.batch;
           ++it) {
        cursor_ = it->seq();
        if (!*FeedTakes(query_, *it)) continue;
        Take(*it);
      }
      if (!buffer_.empty()) WriteFrontLocked();
      return;
    }
    while (buffer_.empty() && cursor_ < latest) {
      storage::EventFeedQuery query = query_;
      query.after_seq = cursor_;
      query.limit = feed_->options_.batch;
      absl::StatusOr<std::vector<v1::Event>> events =
          feed_->store_->QueryEventFeed(query);
      if (!events.ok() || events->empty()) return;
      for (v1::Event& event : *events) {
        cursor_ = event.seq();
        Take(event);
      }
    }
    if (!buffer_.empty()) WriteFrontLocked();
  }

  // Feed shutdown: ends the stream so the client reconnects elsewhere/later.
  void End() {
    absl::MutexLock lock(&mutex_);
    FinishLocked(GrpcStatusOf(WithRetryDelay(
        WithReason(absl::UnavailableError(absl::StrCat(
                       "the server is shutting down; reconnect with after_seq=",
                       last_written_)),
                   v1::SERVER_UNAVAILABLE,
                   {{"after_seq", absl::StrCat(last_written_)}}),
        kReconnectDelay)));
  }

  // Its token was revoked: ends the stream at once, whatever it was doing.
  // `why` names the token ("the token tokens/7 was revoked").
  void EndRevoked(const std::string& why) {
    absl::MutexLock lock(&mutex_);
    ErrorMetadata metadata = {{"after_seq", absl::StrCat(last_written_)}};
    if (std::string token = TokenNamed(why); !token.empty()) {
      metadata.emplace_back("token", token);
    }
    FinishLocked(GrpcStatusOf(
        WithReason(absl::UnauthenticatedError(absl::StrCat(
                       why, "; this stream ended after seq ", last_written_,
                       ": ask the bureau for a new token, then reconnect with "
                       "after_seq=",
                       last_written_)),
                   v1::TOKEN_REVOKED, metadata)));
  }

  const std::string& credential() const { return credential_; }

  // The seq this stream has been served through: every event up to it was
  // written, or skipped as not for it.
  int64_t ServedThrough() {
    absl::MutexLock lock(&mutex_);
    return buffer_.empty() ? cursor_ : buffer_.front().seq() - 1;
  }

  // Refused before it started (the feed is shutting down).
  void Refuse(const grpc::Status& status) {
    absl::MutexLock lock(&mutex_);
    FinishLocked(status);
  }

  void OnWriteDone(bool ok) override {
    bool more = false;
    {
      absl::MutexLock lock(&mutex_);
      writing_ = false;
      if (!ok) {
        FinishLocked(GrpcStatusOf(WithReason(
            absl::UnavailableError("the stream broke"), v1::SERVER_UNAVAILABLE,
            {{"after_seq", absl::StrCat(last_written_)}})));
        return;
      }
      buffer_.pop_front();
      ++events_delivered_;
      if (!finished_ && !buffer_.empty()) {
        WriteFrontLocked();
      } else {
        more = !finished_;
      }
    }
    if (more) feed_->Notify();  // ask the feed thread for the next batch
  }

  void OnCancel() override {
    absl::MutexLock lock(&mutex_);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    feed_->Unregister(this);
    if (done_) {
      grpc::Status status;
      int64_t events = 0;
      {
        absl::MutexLock lock(&mutex_);
        status = final_status_;
        events = events_delivered_;
      }
      done_(status, events);
    }
    delete this;
  }

 private:
  // Buffers the event as this caller may see it, if it wants its type.
  void Take(const v1::Event& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (!types_.empty() && types_.count(event.type()) == 0) return;
    std::optional<v1::Event> view = EventViewFor(principal_, event);
    if (view) buffer_.push_back(*std::move(view));
  }

  void WriteFrontLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    writing_ = true;
    write_started_ = absl::Now();
    // Counted as written now: gRPC sends a started write before a status
    // that Finish sends later, so a client that reads the status has the
    // event (even while the write waits for the client to read).
    last_written_ = buffer_.front().seq();
    StartWrite(&buffer_.front());
  }

  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    if (finished_) return;
    finished_ = true;
    final_status_ = status;
    Finish(status);
  }

  EventFeed* const feed_;
  const Principal principal_;
  // The caller's token or certificate binding (Principal::credential),
  // checked again while the stream runs.
  const std::string credential_;
  const v1::WatchEventsRequest request_;
  const StreamDone done_;
  // Constant after Start (PrepareWatch's plan).
  std::set<int> types_;
  storage::EventFeedQuery query_;

  absl::Mutex mutex_;
  int64_t cursor_ ABSL_GUARDED_BY(mutex_) = 0;  // last seq read
  // The seq of the last event handed to gRPC to write: the resume point
  // every status names.
  int64_t last_written_ ABSL_GUARDED_BY(mutex_) = 0;
  std::deque<v1::Event> buffer_ ABSL_GUARDED_BY(mutex_);
  bool started_ ABSL_GUARDED_BY(mutex_) = false;
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  absl::Time write_started_ ABSL_GUARDED_BY(mutex_);
  bool finished_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mutex_);
  int64_t events_delivered_ ABSL_GUARDED_BY(mutex_) = 0;
};

EventFeed::EventFeed(storage::Store* store, EventFeedOptions options)
    : store_(store), options_(options) {
  // Events committed before now are read from the store; later ones are
  // published (Publish) and kept in the tail.
  absl::StatusOr<int64_t> latest = store_->LatestSeq();
  tail_base_ = latest.ok() ? *latest : 0;
  thread_ = std::thread([this] { Run(); });
}

EventFeed::~EventFeed() { Shutdown(); }

grpc::ServerWriteReactor<v1::Event>* EventFeed::Watch(
    grpc::CallbackServerContext* context, const Principal& principal,
    const v1::WatchEventsRequest& request, StreamDone done) {
  auto* stream = new Stream(this, principal, principal.credential, request,
                            std::move(done));
  {
    absl::MutexLock lock(&registry_mutex_);
    if (shut_down_) {
      stream->Refuse(GrpcStatusOf(WithRetryDelay(
          WithReason(absl::UnavailableError("the server is shutting down"),
                     v1::SERVER_UNAVAILABLE,
                     {{"after_seq", absl::StrCat(request.after_seq())}}),
          kReconnectDelay)));
      return stream;
    }
  }
  stream->Start(context);
  return stream;
}

FeedStats EventFeed::Stats(int64_t head_seq) {
  FeedStats stats;
  absl::MutexLock lock(&registry_mutex_);
  for (Stream* stream : streams_) {
    ++stats.open_streams;
    stats.max_lag = std::max(stats.max_lag, head_seq - stream->ServedThrough());
  }
  return stats;
}

void EventFeed::Notify() {
  absl::MutexLock lock(&signal_mutex_);
  signaled_ = true;
}

void EventFeed::Publish(const std::vector<v1::Event>& events) {
  absl::MutexLock lock(&signal_mutex_);
  published_.insert(published_.end(), events.begin(), events.end());
  signaled_ = true;
}

void EventFeed::Register(Stream* stream) {
  absl::MutexLock lock(&registry_mutex_);
  streams_.insert(stream);
}

void EventFeed::Unregister(Stream* stream) {
  absl::MutexLock lock(&registry_mutex_);
  streams_.erase(stream);
}

void EventFeed::EndRevokedStreams() {
  std::set<std::string> credentials;
  {
    absl::MutexLock lock(&registry_mutex_);
    for (Stream* stream : streams_) credentials.insert(stream->credential());
  }
  if (credentials.empty()) return;
  absl::StatusOr<std::map<std::string, std::string>> revoked =
      RevokedCredentials(*store_, credentials);
  if (!revoked.ok()) {
    LogError(absl::StrCat("change feed: cannot check the streams' tokens: ",
                          revoked.status().message()));
    return;
  }
  if (revoked->empty()) return;
  absl::MutexLock lock(&registry_mutex_);
  for (Stream* stream : streams_) {
    auto it = revoked->find(stream->credential());
    if (it != revoked->end()) stream->EndRevoked(it->second);
  }
}

void EventFeed::Run() {
  absl::Time tokens_checked = absl::Now();
  int64_t tokens_checked_through = -1;
  while (true) {
    {
      absl::MutexLock lock(&signal_mutex_);
      // A commit, a stream asking for more, or a periodic look (a stalled
      // stream, or a revoked token, is then noticed without traffic).
      signal_mutex_.AwaitWithTimeout(
          absl::Condition(
              +[](EventFeed* f) ABSL_EXCLUSIVE_LOCKS_REQUIRED(
                   f->signal_mutex_) { return f->signaled_ || f->stopping_; },
              this),
          std::min(options_.token_check_interval,
                   options_.write_stall_timeout / 2));
      if (stopping_) return;
      signaled_ = false;
      // Once per commit group, whatever the number of streams.
      for (v1::Event& event : published_) {
        if (event.seq() <= TailEnd()) continue;  // already kept
        tail_.push_back(std::move(event));
      }
      published_.clear();
    }
    while (static_cast<int>(tail_.size()) > options_.tail_events) {
      tail_base_ = tail_.front().seq();
      tail_.pop_front();
    }
    const std::optional<int64_t> latest = TailEnd();
    // Checked after reading `latest` and before serving it: a token found
    // valid now was revoked, if at all, after every event up to `latest`
    // was committed, so a stream never receives an event committed after
    // its token's revocation. Without new events, a look now and then ends
    // streams still catching up on history.
    if (*latest != tokens_checked_through ||
        absl::Now() - tokens_checked >= options_.token_check_interval) {
      tokens_checked = absl::Now();
      tokens_checked_through = *latest;
      EndRevokedStreams();
    }
    absl::MutexLock lock(&registry_mutex_);
    for (Stream* stream : streams_) stream->Fill(*latest, tail_, tail_base_);
  }
}

void EventFeed::Shutdown() {
  {
    absl::MutexLock lock(&registry_mutex_);
    if (shut_down_) return;
    shut_down_ = true;
    for (Stream* stream : streams_) stream->End();
  }
  {
    absl::MutexLock lock(&signal_mutex_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace hotline
