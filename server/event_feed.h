// The change feed (WatchEvents): server-streaming reactors fed from the
// events the store commits. This is the edge: the gRPC stream, its flow
// control and the delivery of events. What a stream follows and where it
// starts (the request's checks, the caller's scope and access, the resume
// point and its refusals) is the use case's, app/feed_service.h
// (PrepareWatch); a refusal finishes the stream with its status at once.
// The store hands every commit group's events to
// Publish; one feed thread keeps the newest of them in memory (the tail) and,
// once per commit group, hands each idle stream its next batch, filtered in
// memory (its department, ticket and types; what a department may see of
// each). A stream behind the tail (resuming from long ago), or one whose
// filter needs the ticket's creator (intake), reads its batches from the
// store instead (seq > the stream's cursor, through the events indexes).
// The stream writes one event at a time. Memory per
// stream is one batch (plus gRPC's flow-control window) whatever the
// client's speed; a client that stops reading, so that a write waits longer
// than `write_stall_timeout`, has its stream ended with RESOURCE_EXHAUSTED,
// and resumes from the last seq it processed. A client far behind but
// reading catches up at its own pace.
//
// Every status that ends a stream and names a seq to resume after names the
// last event written to that stream. A stream whose token is revoked ends
// with UNAUTHENTICATED and is sent nothing committed after the revocation:
// the feed thread checks the tokens of the open streams (one read) before
// serving new events, and every `token_check_interval` meanwhile. Being a
// read of the store, this also sees a revocation made by another server.
//
// Events are the audit trail and are never deleted, so every seq can be
// resumed from; a seq beyond the latest (a database restored from an older
// backup) is refused with FAILED_PRECONDITION: resync with ListTickets.
//
// Thread-safe.
#ifndef HOTLINE_SERVER_EVENT_FEED_H_
#define HOTLINE_SERVER_EVENT_FEED_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hotline/v1/hotline_service.pb.h"
#include "storage/store.h"
#include "workflow/principal.h"

namespace hotline {

// What an operator sees of the open streams (metrics).
struct FeedStats {
  int open_streams = 0;
  // The largest of `head_seq` minus the seq a stream has been served
  // through (events already written, or skipped as not for it); 0 without
  // streams.
  int64_t max_lag = 0;
};

// Told once when a stream ends: its final status and how many events were
// delivered to the client. Runs on a gRPC thread; must be short.
using StreamDone = std::function<void(const grpc::Status&, int64_t events)>;

struct EventFeedOptions {
  // Events read for a stream at a time.
  int batch = 100;
  // The newest events kept in memory for streams that are caught up.
  int tail_events = 4096;
  // A stream whose write has waited this long for the client is ended.
  absl::Duration write_stall_timeout = absl::Seconds(30);
  // How often the tokens of open streams are checked for revocation.
  absl::Duration token_check_interval = absl::Milliseconds(250);
};

class EventFeed final {
 public:
  class Stream;

  // `store` must outlive the feed.
  EventFeed(storage::Store* store, EventFeedOptions options);
  // Shutdown()s.
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // A new stream for an authenticated caller; the request is planned by
  // PrepareWatch (app/feed_service.h), and one it refuses finishes the
  // stream with its status at once.
  // `done`, when set, is told how the stream ended.
  grpc::ServerWriteReactor<v1::Event>* Watch(
      grpc::CallbackServerContext* context, const Principal& principal,
      const v1::WatchEventsRequest& request, StreamDone done = nullptr);

  // The open streams, and how far behind `head_seq` they are.
  FeedStats Stats(int64_t head_seq);

  // Wakes the feed thread (a stream wants more; cheap).
  void Notify();
  // A commit group's events, in seq order (the store's commit listener;
  // cheap: a copy, no read).
  void Publish(const std::vector<v1::Event>& events);

  // Ends every stream with UNAVAILABLE ("resume from seq N") and stops the
  // feed thread; new streams are refused. Idempotent.
  void Shutdown();

 private:
  friend class Stream;
  void Run();
  // Ends, with UNAUTHENTICATED, every stream whose token is now revoked.
  void EndRevokedStreams();
  void Register(Stream* stream);
  void Unregister(Stream* stream);

  storage::Store* const store_;
  const EventFeedOptions options_;

  // Guards the registry; the feed thread holds it while it serves streams,
  // so a stream is never deleted while being served.
  absl::Mutex registry_mutex_;
  std::set<Stream*> streams_ ABSL_GUARDED_BY(registry_mutex_);
  bool shut_down_ ABSL_GUARDED_BY(registry_mutex_) = false;

  // Wakes the feed thread; taken on its own, never with a stream's mutex.
  absl::Mutex signal_mutex_;
  bool signaled_ ABSL_GUARDED_BY(signal_mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(signal_mutex_) = false;
  std::vector<v1::Event> published_ ABSL_GUARDED_BY(signal_mutex_);

  // The feed thread's own: the newest events, every one after tail_base_.
  std::deque<v1::Event> tail_;
  int64_t tail_base_ = 0;
  // The newest seq the feed knows.
  int64_t TailEnd() const {
    return tail_.empty() ? tail_base_ : tail_.back().seq();
  }

  std::thread thread_;
};

}  // namespace hotline

#endif  // HOTLINE_SERVER_EVENT_FEED_H_
