// Reads that park no thread. The thread that takes a call sends its query on a
// non-blocking libpq connection in pipeline mode and returns; one event-loop
// thread receives every result and runs the read's continuation there, which
// answers the call. The grpc-go peer's read costs 1.7-2.2 context switches;
// a worker pool in between cost us 4.2-4.7 (ENGINEERING.md, "Speed").
//
// Concurrent reads share a connection, several in its pipeline, unless the
// oldest of them runs long: fewer backends woken, fewer passes of the loop.
//
// Results come in PostgreSQL's binary format: a bytea body arrives as its own
// bytes, not hex-encoded by the server and decoded again by libpq.
//
// The same guarantees as Database's pool: a read's deadline and its client's
// cancellation cancel its query (and the connection it ran on is retired, so a
// late cancel never hits another query); a connection lost before the result
// reruns the read on another, up to max_attempts; no more than max_connections
// backends, opened on demand by a connector thread so that no caller waits on a
// connect.
#ifndef MOBILITY_COMMON_PG_REACTOR_H_
#define MOBILITY_COMMON_PG_REACTOR_H_

#include <libpq-fe.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/call.h"
#include "common/db.h"
#include "common/pg_rows.h"

namespace mobility {

class PgReactor {
 public:
  using Done = std::function<void(absl::StatusOr<PgRows>)>;

  // Starts the event loop and the connector; connects on the first read.
  PgReactor(std::string connection_string,
            std::vector<PreparedStatement> statements, int max_connections,
            int max_attempts);
  // Answers what is still pending with UNAVAILABLE.
  ~PgReactor();
  PgReactor(const PgReactor&) = delete;
  PgReactor& operator=(const PgReactor&) = delete;

  // Runs the prepared `statement` with text `params` (nullopt: SQL NULL) and
  // hands its rows, or
  // the canonical error (MapSqlState), to `done` exactly once, on whichever
  // thread finished it: the loop, the connector, or this one.
  void Read(const CallLimit& limit, absl::string_view statement,
            std::vector<std::optional<std::string>> params, Done done);

  // Cancels every read still pending (at the end of the shutdown grace);
  // returns how many there were.
  int CancelRunning();

 private:
  struct Query;
  struct Link;
  using Answers = std::vector<std::pair<Done, absl::StatusOr<PgRows>>>;
  // What a pass over a link left to do once the link's lock is released.
  struct Aftermath {
    bool drop = false;  // Broken, or retired and drained.
    std::vector<std::shared_ptr<Query>> reruns;
  };

  void Loop();
  void Connector();
  absl::StatusOr<std::shared_ptr<Link>> Open();
  // Sends `query` on the least busy connection, or has it wait for the next
  // one to open.
  void Dispatch(std::shared_ptr<Query> query, Answers& answers)
      ABSL_LOCKS_EXCLUDED(mu_, control_mu_);
  // False when the link cannot take it (broken, or dropped).
  bool Send(Link& link, const std::shared_ptr<Query>& query);
  void Receive(Link& link, Answers& answers, Aftermath& after);
  void Complete(Link& link, std::shared_ptr<Query> query, Answers& answers,
                Aftermath& after);
  void Settle(const std::shared_ptr<Link>& link, Aftermath after,
              Answers& answers) ABSL_LOCKS_EXCLUDED(mu_, control_mu_);
  // Closes `link` and reruns or fails what it had in flight.
  void Drop(const std::shared_ptr<Link>& link, Answers& answers)
      ABSL_LOCKS_EXCLUDED(mu_, control_mu_);
  void Rerun(std::shared_ptr<Query> query, Answers& answers)
      ABSL_LOCKS_EXCLUDED(mu_, control_mu_);
  // Answers the reads whose limit passed and cancels those still running.
  void Watch(absl::Time now, Answers& answers)
      ABSL_LOCKS_EXCLUDED(mu_, control_mu_);
  // Cancels the read running on `link` and retires the link.
  void CancelHead(Link& link) ABSL_LOCKS_EXCLUDED(control_mu_);
  std::vector<std::shared_ptr<Link>> Links() ABSL_LOCKS_EXCLUDED(mu_);

  const std::string connection_string_;
  const std::map<std::string, std::string> statements_;  // Name -> SQL.
  const int max_connections_;
  const int max_attempts_;
  const int epoll_fd_;
  const int wake_fd_;  // An eventfd: stops the loop.

  // Lock order: mu_, then a link's own, then control_mu_. Reads and the loop
  // take mu_ shared; only a link coming or going takes it exclusively, so a
  // read and the loop contend only on one link's lock, and briefly.
  absl::Mutex mu_;
  std::vector<std::shared_ptr<Link>> links_ ABSL_GUARDED_BY(mu_);
  uint64_t next_link_id_ ABSL_GUARDED_BY(mu_) = 1;

  absl::Mutex control_mu_ ABSL_ACQUIRED_AFTER(mu_);
  absl::CondVar connector_work_;
  // Reads that no connection could take yet.
  std::deque<std::shared_ptr<Query>> waiting_ ABSL_GUARDED_BY(control_mu_);
  int connects_wanted_ ABSL_GUARDED_BY(control_mu_) = 0;
  std::vector<std::shared_ptr<PGcancel>> cancels_ ABSL_GUARDED_BY(control_mu_);
  bool stopping_ ABSL_GUARDED_BY(control_mu_) = false;

  std::thread loop_;
  std::thread connector_;
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_PG_REACTOR_H_
