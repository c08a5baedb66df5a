#include "tests/support/webhook_receiver.h"

#include <httplib.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hotline::testing {

std::string ReceivedRequest::Header(const std::string& name) const {
  auto it = headers.find(absl::AsciiStrToLower(name));
  return it == headers.end() ? "" : it->second;
}

WebhookReceiver::WebhookReceiver() = default;

WebhookReceiver::~WebhookReceiver() { Stop(); }

void WebhookReceiver::Start() {
  server_ = std::make_unique<httplib::Server>();
  server_->Post(".*", [this](const httplib::Request& request,
                             httplib::Response& response) {
    ReceivedRequest got;
    got.path = request.path;
    for (const auto& [name, value] : request.headers) {
      got.headers[absl::AsciiStrToLower(name)] = value;
    }
    got.body = request.body;
    Answer answer;
    int n = 0;
    {
      absl::MutexLock lock(&mutex_);
      answer = answer_;
      n = count_++;
    }
    int status = answer ? answer(got, n) : 200;
    if (status == 0) {
      absl::MutexLock lock(&mutex_);
      mutex_.Await(absl::Condition(&released_));
      status = 200;
    }
    got.status = status;
    response.status = status;
    absl::MutexLock lock(&mutex_);
    if (status >= 300 && status < 400) {
      response.set_header("Location", location_);
    }
    received_.push_back(std::move(got));
  });
  if (port_ == 0) {
    port_ = server_->bind_to_any_port("127.0.0.1");
  } else {
    ASSERT_TRUE(server_->bind_to_port("127.0.0.1", port_)) << port_;
  }
  ASSERT_GT(port_, 0);
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::yield();
}

void WebhookReceiver::Stop() {
  if (server_ == nullptr) return;
  Release();
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
  absl::MutexLock lock(&mutex_);
  released_ = false;
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

void WebhookReceiver::SetAnswer(Answer answer) {
  absl::MutexLock lock(&mutex_);
  answer_ = std::move(answer);
}

void WebhookReceiver::SetLocation(const std::string& location) {
  absl::MutexLock lock(&mutex_);
  location_ = location;
}

void WebhookReceiver::Release() {
  absl::MutexLock lock(&mutex_);
  released_ = true;
}

std::vector<ReceivedRequest> WebhookReceiver::Received() {
  absl::MutexLock lock(&mutex_);
  return received_;
}

bool WebhookReceiver::WaitFor(
    const std::function<bool(const std::vector<ReceivedRequest>&)>& done,
    absl::Duration timeout) {
  absl::MutexLock lock(&mutex_);
  auto holds = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return done(received_);
  };
  return mutex_.AwaitWithTimeout(absl::Condition(&holds), timeout);
}

}  // namespace hotline::testing
