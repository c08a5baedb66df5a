// A local HTTP receiver for notifications' tests: records every request it
// gets (headers and body), answers as the test tells it (2xx, a failure, a
// 410, a redirect, or hanging until released), and can stop and start
// again on its port.
//
//   WebhookReceiver receiver;
//   receiver.Start();
//   ... subscribe receiver.Url("/hook") ...
//   ASSERT_TRUE(receiver.WaitFor([](auto& got) { return got.size() >= 3; }));
//
// Thread-safe: the server's threads record, the test reads.
#ifndef HOTLINE_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
#define HOTLINE_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace httplib {
class Server;
}

namespace hotline::testing {

struct ReceivedRequest {
  std::string path;
  // Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
  // What the receiver answered.
  int status = 0;
  std::string Header(const std::string& name) const;
};

class WebhookReceiver final {
 public:
  // What to answer the n-th request (0-based, counted from the start).
  // Default: 200. A status of 0 hangs until Release() or Stop().
  using Answer = std::function<int(const ReceivedRequest& request, int n)>;

  WebhookReceiver();
  ~WebhookReceiver();

  // Listens on 127.0.0.1 (the same port after the first start).
  void Start();
  // Stops listening (hanging requests end first).
  void Stop();
  int port() const { return port_; }
  std::string Url(const std::string& path) const;

  void SetAnswer(Answer answer);
  // Sets the Location header of 3xx answers.
  void SetLocation(const std::string& location);
  // Ends every hanging request (answered 200) and stops hanging.
  void Release();

  std::vector<ReceivedRequest> Received();
  // Waits (at most `timeout`) until `done` holds for what was received.
  bool WaitFor(
      const std::function<bool(const std::vector<ReceivedRequest>&)>& done,
      absl::Duration timeout = absl::Seconds(60));

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  absl::Mutex mutex_;
  std::vector<ReceivedRequest> received_ ABSL_GUARDED_BY(mutex_);
  Answer answer_ ABSL_GUARDED_BY(mutex_);
  std::string location_ ABSL_GUARDED_BY(mutex_);
  bool released_ ABSL_GUARDED_BY(mutex_) = false;
  int count_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
