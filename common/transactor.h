// How domain logic runs a unit of work without naming the database library
// (the pattern of google/ml-metadata's TransactionExecutor): it hands a body
// to a Transactor, which gives the body the service's Store bound to one read
// or one transaction. A test may give the domain any Transactor.
#ifndef MOBILITY_COMMON_TRANSACTOR_H_
#define MOBILITY_COMMON_TRANSACTOR_H_

#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/call.h"

namespace mobility {

// Where a read that parks no thread hands its result: once, on whichever
// thread received it. Domain code written against it runs the same on the
// event loop of a PostgreSQL reactor as on a test's own thread.
template <typename T>
using Then = std::function<void(absl::StatusOr<T>)>;

template <typename Store>
class Transactor {
 public:
  using Body = std::function<absl::Status(Store&)>;
  virtual ~Transactor() = default;

  // `body` reads: each statement sees its own snapshot, and a one-statement
  // read costs one round trip.
  virtual absl::Status Read(const CallLimit& limit, const Body& body) = 0;
  // `body` runs in one transaction, committed when it returns OK within the
  // call's limit. It may run more than once (a serialization failure, a
  // connection lost before commit), so it returns what it computes rather
  // than appending to state outside it.
  virtual absl::Status Transact(const CallLimit& limit, const Body& body) = 0;

  // The value-returning forms: `body` returns absl::StatusOr<T>.
  template <typename F>
  auto ReadValue(const CallLimit& limit, F&& body) {
    return Value(limit, std::forward<F>(body), /*transaction=*/false);
  }
  template <typename F>
  auto TransactValue(const CallLimit& limit, F&& body) {
    return Value(limit, std::forward<F>(body), /*transaction=*/true);
  }

 private:
  template <typename F>
  auto Value(const CallLimit& limit, F&& body, bool transaction)
      -> std::invoke_result_t<F, Store&> {
    std::optional<std::invoke_result_t<F, Store&>> result;
    Body run = [&](Store& store) {
      result.emplace(body(store));  // Replaced, never appended to, on a rerun.
      return result->status();
    };
    absl::Status status = transaction ? Transact(limit, run) : Read(limit, run);
    if (!status.ok()) return status;
    return *std::move(result);
  }
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_TRANSACTOR_H_
