#include "common/pg_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/db.h"
#include "common/log.h"

namespace mobility {
namespace {

// A silent peer (a host gone, a cable pulled) is found within about 11 s: idle
// 5 s, then 3 probes 2 s apart.
constexpr const char* kKeywords[] = {"dbname",           "keepalives",
                                     "keepalives_idle",  "keepalives_interval",
                                     "keepalives_count", nullptr};
constexpr const char* kKeepalives[] = {"1", "5", "2", "3"};

void LogFailure(PGconn* pg, const char* step) {
  // libpq's message may hold the host name but never a password.
  Log(LogLevel::kWarning, "change_feed_lost",
      {{"what",
        std::string(absl::StripTrailingAsciiWhitespace(PQerrorMessage(pg)))},
       {"step", step}});
}

}  // namespace

PgListener::PgListener(std::string connection_string, absl::Duration retry)
    : connection_string_(std::move(connection_string)),
      retry_(retry),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

PgListener::~PgListener() {
  std::thread thread;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    thread.swap(thread_);
  }
  Wake();
  if (thread.joinable()) thread.join();
  close(wake_fd_);
}

void PgListener::Follow(const std::string& channel, Follower* follower) {
  {
    absl::MutexLock lock(&mu_);
    following_.push_back({channel, follower});
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
  }
  Wake();
}

void PgListener::Unfollow(Follower* follower) {
  absl::MutexLock deliver(&deliver_mu_);
  absl::MutexLock lock(&mu_);
  following_.erase(std::remove_if(following_.begin(), following_.end(),
                                  [&](const Following& f) {
                                    return f.follower == follower;
                                  }),
                   following_.end());
}

void PgListener::Wake() {
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
}

void PgListener::Wait(int fd, int timeout_ms) {
  pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
  poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
  uint64_t drained;
  (void)!read(wake_fd_, &drained, sizeof drained);
}

bool PgListener::ListenNew(PGconn* pg) {
  std::set<std::string> channels;
  std::vector<Follower*> joined;
  {
    absl::MutexLock lock(&mu_);
    for (const Following& f : following_) {
      if (f.listening) continue;
      channels.insert(f.channel);
      joined.push_back(f.follower);
    }
  }
  for (const std::string& channel : channels) {
    std::unique_ptr<char, decltype(&PQfreemem)> quoted(
        PQescapeIdentifier(pg, channel.data(), channel.size()), PQfreemem);
    if (quoted == nullptr) return false;
    std::unique_ptr<PGresult, decltype(&PQclear)> result(
        PQexec(pg, absl::StrCat("LISTEN ", quoted.get()).c_str()), PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      LogFailure(pg, "listen");
      return false;
    }
  }
  absl::MutexLock deliver(&deliver_mu_);
  std::vector<Follower*> now_listening;
  {
    absl::MutexLock lock(&mu_);
    for (Following& f : following_) {
      if (f.listening || !channels.count(f.channel)) continue;
      if (std::find(joined.begin(), joined.end(), f.follower) == joined.end())
        continue;
      f.listening = true;
      now_listening.push_back(f.follower);
    }
  }
  for (Follower* follower : now_listening) follower->Listening();
  return true;
}

void PgListener::Deliver(PGconn* pg) {
  if (PQconsumeInput(pg) != 1) return;
  while (PGnotify* notify = PQnotifies(pg)) {
    std::unique_ptr<PGnotify, decltype(&PQfreemem)> owned(notify, PQfreemem);
    absl::MutexLock deliver(&deliver_mu_);
    std::vector<Follower*> followers;
    {
      absl::MutexLock lock(&mu_);
      for (const Following& f : following_) {
        if (f.listening && f.channel == notify->relname)
          followers.push_back(f.follower);
      }
    }
    for (Follower* follower : followers) follower->Changed(notify->extra);
  }
}

void PgListener::LoseAll() {
  absl::MutexLock deliver(&deliver_mu_);
  std::vector<Follower*> followers;
  {
    absl::MutexLock lock(&mu_);
    for (Following& f : following_) {
      f.listening = false;
      followers.push_back(f.follower);
    }
  }
  for (Follower* follower : followers) follower->Lost();
}

void PgListener::Loop() {
  const char* values[] = {connection_string_.c_str(),
                          kKeepalives[0],
                          kKeepalives[1],
                          kKeepalives[2],
                          kKeepalives[3],
                          nullptr};
  auto stopping = [this] {
    absl::MutexLock lock(&mu_);
    return stopping_;
  };
  while (!stopping()) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> pg(
        PQconnectdbParams(kKeywords, values, /*expand_dbname=*/1), PQfinish);
    if (PQstatus(pg.get()) != CONNECTION_OK) {
      LogFailure(pg.get(), "connect");
    } else {
      PQsetNoticeProcessor(pg.get(), LogPgNotice, nullptr);
      // Each pass: listen to channels followed since, hand on what arrived,
      // and sleep until the socket or a new follower wakes it.
      while (ListenNew(pg.get())) {
        Deliver(pg.get());
        if (PQstatus(pg.get()) != CONNECTION_OK) {
          LogFailure(pg.get(), "receive");
          break;
        }
        if (stopping()) break;
        Wait(PQsocket(pg.get()), -1);
      }
    }
    LoseAll();
    if (!stopping())
      Wait(-1, static_cast<int>(absl::ToInt64Milliseconds(retry_)));
  }
}

}  // namespace mobility
