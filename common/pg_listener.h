// PostgreSQL's LISTEN/NOTIFY as a ChangeFeed: one connection of its own and
// one thread, started with the first follower. A connection lost is reported
// to every follower (their caches stop serving) and opened again after
// `retry`; the channels are listened to again before any follower trusts the
// feed once more. TCP keepalives find a peer gone silent within seconds.
#ifndef MOBILITY_COMMON_PG_LISTENER_H_
#define MOBILITY_COMMON_PG_LISTENER_H_

#include <libpq-fe.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/change_feed.h"

namespace mobility {

class PgListener final : public ChangeFeed {
 public:
  explicit PgListener(std::string connection_string,
                      absl::Duration retry = absl::Seconds(1));
  ~PgListener() override;
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  void Follow(const std::string& channel, Follower* follower) override;
  void Unfollow(Follower* follower) override;

 private:
  struct Following {
    std::string channel;
    Follower* follower;
    bool listening = false;  // LISTEN ran on the current connection.
  };
  void Loop();
  void Wake();
  // LISTENs the channels not yet listened on `pg`; false when it failed.
  bool ListenNew(PGconn* pg);
  void Deliver(PGconn* pg);
  void LoseAll();
  // Waits for the socket (or the wake) up to `timeout_ms`; -1 for no socket.
  void Wait(int fd, int timeout_ms);

  const std::string connection_string_;
  const absl::Duration retry_;
  const int wake_fd_;

  // Held while a follower's method runs, so Unfollow can wait one out.
  absl::Mutex deliver_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::Mutex mu_;
  std::vector<Following> following_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mu_);
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_PG_LISTENER_H_
