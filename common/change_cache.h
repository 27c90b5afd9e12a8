// Values read from the database, kept until a committed change is announced
// on the cache's channel (change_feed.h). A value is served only while the
// feed listens, and a read that overlapped an announced change is not kept: a
// change is served by the next lookup after its announcement reaches this
// process, and by the next lookup at all when this process made it and called
// Forget at commit.
#ifndef MOBILITY_COMMON_CHANGE_CACHE_H_
#define MOBILITY_COMMON_CHANGE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/change_feed.h"

namespace mobility {

template <typename Value>
class ChangeCache final : public ChangeFeed::Follower {
 public:
  // A payload names the key that changed; an empty one, every key.
  ChangeCache(ChangeFeed* feed, const std::string& channel,
              size_t max_entries = 10000)
      : feed_(feed), max_entries_(max_entries) {
    feed_->Follow(channel, this);
  }
  ~ChangeCache() override { feed_->Unfollow(this); }
  ChangeCache(const ChangeCache&) = delete;
  ChangeCache& operator=(const ChangeCache&) = delete;

  // Taken before reading the value that Keep is given.
  struct Ticket {
    uint64_t generation;
  };
  Ticket Take() const {
    absl::ReaderMutexLock lock(&mu_);
    return {generation_};
  }

  // Null when not kept, or while announcements cannot be trusted.
  // Shared: every call of a quote or a due view looks up, at once.
  std::shared_ptr<const Value> Find(absl::string_view key) const {
    absl::ReaderMutexLock lock(&mu_);
    if (!listening_) return nullptr;
    auto it = values_.find(key);
    return it == values_.end() ? nullptr : it->second;
  }

  // Keeps `value` unless a change was announced since `ticket` was taken.
  std::shared_ptr<const Value> Keep(Ticket ticket, absl::string_view key,
                                    Value value) {
    auto kept = std::make_shared<const Value>(std::move(value));
    absl::MutexLock lock(&mu_);
    if (!listening_ || ticket.generation != generation_) return kept;
    // Bounded: past the limit start over rather than track use.
    if (values_.size() >= max_entries_) values_.clear();
    values_[key] = kept;
    return kept;
  }

  // Drops `key` ("" drops all), and every read still on its way.
  void Forget(absl::string_view key) {
    absl::MutexLock lock(&mu_);
    ++generation_;
    if (key.empty()) {
      values_.clear();
    } else {
      values_.erase(key);
    }
  }

  void Listening() override {
    absl::MutexLock lock(&mu_);
    ++generation_;
    values_.clear();
    listening_ = true;
  }
  void Lost() override {
    absl::MutexLock lock(&mu_);
    ++generation_;
    values_.clear();
    listening_ = false;
  }
  void Changed(absl::string_view payload) override { Forget(payload); }

 private:
  ChangeFeed* const feed_;
  const size_t max_entries_;
  mutable absl::Mutex mu_;
  bool listening_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, std::shared_ptr<const Value>> values_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace mobility

#endif  // MOBILITY_COMMON_CHANGE_CACHE_H_
