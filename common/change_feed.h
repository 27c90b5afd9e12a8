// Committed changes, announced by channel: what keeps a process's caches right
// when another replica, or another service, changes what they hold. The
// database layer's PgListener (pg_listener.h) follows PostgreSQL's NOTIFY;
// domain code sees only this interface and ChangeCache (change_cache.h).
#ifndef MOBILITY_COMMON_CHANGE_FEED_H_
#define MOBILITY_COMMON_CHANGE_FEED_H_

#include <string>

#include "absl/strings/string_view.h"

namespace mobility {

class ChangeFeed {
 public:
  // Hears one channel. Every method runs on the feed's thread, one at a time.
  class Follower {
   public:
    virtual ~Follower() = default;
    // From now on every committed change on the channel is announced.
    virtual void Listening() = 0;
    // Announcements may be missed until the next Listening().
    virtual void Lost() = 0;
    // A change committed; what changed, as the channel's writer names it.
    virtual void Changed(absl::string_view payload) = 0;
  };

  virtual ~ChangeFeed() = default;
  // `follower` hears `channel` until Unfollow; Lost() until the feed listens.
  virtual void Follow(const std::string& channel, Follower* follower) = 0;
  // After it returns no method of `follower` runs any more.
  virtual void Unfollow(Follower* follower) = 0;
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_CHANGE_FEED_H_
