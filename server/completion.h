// Completing an asynchronous use case once its unit of work is durable.
//
//   auto result = std::make_shared<v1::Ticket>();
//   store->Write([result](Connection& db) { ...; *result = ...; return Ok; },
//                DeliverWhenDurable(result, std::move(done)));
//
// `done` receives `*result` when the unit committed, else the unit's error.
#ifndef HOTLINE_SERVER_COMPLETION_H_
#define HOTLINE_SERVER_COMPLETION_H_

#include <functional>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "storage/writer.h"

namespace hotline {

template <typename T>
storage::WriteDone DeliverWhenDurable(
    std::shared_ptr<T> result, std::function<void(absl::StatusOr<T>)> done) {
  return [result = std::move(result),
          done = std::move(done)](absl::Status status) {
    if (status.ok()) {
      done(std::move(*result));
    } else {
      done(status);
    }
  };
}

}  // namespace hotline

#endif  // HOTLINE_SERVER_COMPLETION_H_
