#include "common/pg_reactor.h"

#include <endian.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "common/db.h"
#include "common/log.h"
#include "common/status.h"

namespace mobility {
namespace {

// How often the loop looks for reads whose limit passed, as Database's
// watchdog does.
constexpr absl::Duration kWatchInterval = absl::Milliseconds(10);
// The loop's wait when nothing is in flight: a read sent meanwhile is watched
// within this.
constexpr int kIdleWaitMs = 100;
// How many reads a connection carries at once before another is used.
constexpr int kPipelineDepth = 8;
// A read running this long holds up what queues behind it: the next read
// goes to another connection, or waits for a new one.
constexpr absl::Duration kStalledHead = absl::Milliseconds(2);

absl::Status ConnectionLost() {
  return Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
               "the database connection was lost");
}

}  // namespace

struct PgReactor::Query {
  CallLimit limit;
  std::string statement;
  std::vector<std::optional<std::string>> params;
  Done done;
  // The fields below belong to whichever holds the query: a link (under its
  // lock), the waiting queue (under control_mu_), or a thread rerunning it.
  int attempts = 0;
  // Its statement was prepared in the same sync as the query.
  bool prepares = false;
  // `done` has run (the limit passed): a result still to come is dropped.
  bool answered = false;
  // The query's result, or the first error (of the prepare that went with
  // it); the synchronisation point follows.
  std::unique_ptr<PGresult, void (*)(PGresult*)> result{nullptr, PQclear};

  void Answer(absl::StatusOr<PgRows> rows, Answers& answers) {
    if (answered) return;
    answered = true;
    answers.emplace_back(std::move(done), std::move(rows));
  }
};

// One connection and the reads sent on it, in the order sent: pipeline mode
// returns results in that order.
struct PgReactor::Link {
  uint64_t id = 0;
  int fd = -1;
  std::shared_ptr<PGcancel> cancel;
  // Reads in flight, read without the lock to pick the least busy link.
  std::atomic<int> load{0};
  // A cancel was sent on it: it takes no more reads and closes once drained.
  std::atomic<bool> retiring{false};
  // When the read at the head of `sent` began to run, in Unix nanoseconds.
  std::atomic<int64_t> head_since_ns{0};

  absl::Mutex mu;
  PGconn* pg ABSL_GUARDED_BY(mu) = nullptr;  // Null once dropped.
  std::deque<std::shared_ptr<Query>> sent ABSL_GUARDED_BY(mu);
  // Statements are prepared on a connection with the first query that uses
  // them, in the same round trip: a connection opens without touching a table
  // (whose lock would stall it), and a prepare is cancelled with its query.
  std::set<std::string> prepared ABSL_GUARDED_BY(mu);
  const Query* cancelled ABSL_GUARDED_BY(mu) = nullptr;  // Of the last cancel.
  bool writing ABSL_GUARDED_BY(mu) = false;  // Output waits for the socket.

  ~Link() {
    if (pg != nullptr) PQfinish(pg);
  }
};

PgReactor::PgReactor(std::string connection_string,
                     std::vector<PreparedStatement> statements,
                     int max_connections, int max_attempts)
    : connection_string_(std::move(connection_string)),
      statements_([&] {
        std::map<std::string, std::string> by_name;
        for (auto& s : statements) by_name[s.name] = std::move(s.sql);
        return by_name;
      }()),
      max_connections_(max_connections),
      max_attempts_(max_attempts),
      epoll_fd_(epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  epoll_event wake{};
  wake.events = EPOLLIN;
  wake.data.u64 = 0;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake);
  loop_ = std::thread([this] { Loop(); });
  connector_ = std::thread([this] { Connector(); });
}

PgReactor::~PgReactor() {
  {
    absl::MutexLock lock(&control_mu_);
    stopping_ = true;
  }
  connector_work_.SignalAll();
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof one);
  loop_.join();
  connector_.join();
  Answers answers;
  for (const auto& link : Links()) {
    absl::MutexLock lock(&link->mu);
    for (auto& query : link->sent) query->Answer(ConnectionLost(), answers);
  }
  {
    absl::MutexLock lock(&control_mu_);
    for (auto& query : waiting_) query->Answer(ConnectionLost(), answers);
  }
  for (auto& [done, rows] : answers) done(std::move(rows));
  close(wake_fd_);
  close(epoll_fd_);
}

std::vector<std::shared_ptr<PgReactor::Link>> PgReactor::Links() {
  absl::ReaderMutexLock lock(&mu_);
  return links_;
}

void PgReactor::Read(const CallLimit& limit, absl::string_view statement,
                     std::vector<std::optional<std::string>> params,
                     Done done) {
  auto query = std::make_shared<Query>(
      Query{limit, std::string(statement), std::move(params), std::move(done)});
  Answers answers;
  Dispatch(std::move(query), answers);
  for (auto& [done, rows] : answers) done(std::move(rows));
}

void PgReactor::Dispatch(std::shared_ptr<Query> query, Answers& answers) {
  while (true) {
    const absl::Time now = absl::Now();
    if (query->limit.Over(now)) {
      query->Answer(LimitPassed(query->limit), answers);
      return;
    }
    const int64_t now_ns = absl::ToUnixNanos(now);
    const auto stalled = [now_ns](const Link& link) {
      return link.load.load(std::memory_order_relaxed) > 0 &&
             now_ns - link.head_since_ns.load(std::memory_order_relaxed) >
                 absl::ToInt64Nanoseconds(kStalledHead);
    };
    std::shared_ptr<Link> best;
    {
      absl::ReaderMutexLock lock(&mu_);
      // Reads pack onto the busiest connection still below kPipelineDepth:
      // its backend then runs several per wake, and one pass of the loop
      // takes several results (PostgreSQL's CPU per read fell by a third).
      // A connection whose oldest read runs long takes no more behind it.
      std::shared_ptr<Link> least;
      for (const auto& link : links_) {
        if (link->retiring.load(std::memory_order_relaxed)) continue;
        const int load = link->load.load(std::memory_order_relaxed);
        if (least == nullptr ||
            load < least->load.load(std::memory_order_relaxed))
          least = link;
        if (load < kPipelineDepth && !stalled(*link) &&
            (best == nullptr ||
             load > best->load.load(std::memory_order_relaxed)))
          best = link;
      }
      if (best == nullptr) {
        absl::MutexLock control(&control_mu_);
        if (static_cast<int>(links_.size()) + connects_wanted_ <
            max_connections_) {
          ++connects_wanted_;
          connector_work_.Signal();
        }
        // Under mu_, so that a link the connector adds meanwhile finds it.
        if (least == nullptr || (stalled(*least) && connects_wanted_ > 0)) {
          waiting_.push_back(std::move(query));
          return;
        }
        best = std::move(least);
      }
    }
    bool sent;
    {
      absl::MutexLock lock(&best->mu);
      sent = Send(*best, query);
    }
    if (sent) return;
    Drop(best, answers);  // Broken: the next pass takes another.
  }
}

bool PgReactor::Send(Link& link, const std::shared_ptr<Query>& query)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(link.mu) {
  if (link.pg == nullptr) return false;
  query->prepares = link.prepared.insert(query->statement).second;
  if (query->prepares) {
    auto sql = statements_.find(query->statement);
    if (sql == statements_.end()) {
      Log(LogLevel::kError, "no_such_statement",
          {{"statement", query->statement}});
      std::abort();
    }
    if (PQsendPrepare(link.pg, query->statement.c_str(), sql->second.c_str(), 0,
                      nullptr) != 1) {
      return false;
    }
  }
  std::vector<const char*> values;
  values.reserve(query->params.size());
  for (const auto& p : query->params)
    values.push_back(p.has_value() ? p->c_str() : nullptr);
  if (PQsendQueryPrepared(link.pg, query->statement.c_str(),
                          static_cast<int>(values.size()), values.data(),
                          nullptr, nullptr, /*resultFormat=binary*/ 1) != 1 ||
      PQpipelineSync(link.pg) != 1) {
    return false;
  }
  ++query->attempts;
  if (link.sent.empty())
    link.head_since_ns.store(absl::ToUnixNanos(absl::Now()),
                             std::memory_order_relaxed);
  link.sent.push_back(query);
  link.load.store(static_cast<int>(link.sent.size()),
                  std::memory_order_relaxed);
  const int flushed = PQflush(link.pg);
  // A failed flush leaves the socket broken: the loop finds it so.
  if (flushed == 1 && !link.writing) {
    link.writing = true;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLOUT;
    event.data.u64 = link.id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, link.fd, &event);
  }
  return true;
}

void PgReactor::Receive(Link& link, Answers& answers, Aftermath& after)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(link.mu) {
  if (PQconsumeInput(link.pg) != 1) {
    after.drop = true;
    return;
  }
  // After a query's result libpq returns one null and then the
  // synchronisation point; two nulls in a row mean nothing more is ready.
  int nulls = 0;
  while (!link.sent.empty() && !PQisBusy(link.pg) && nulls < 2) {
    PGresult* result = PQgetResult(link.pg);
    if (result == nullptr) {
      ++nulls;
      continue;
    }
    nulls = 0;
    if (PQresultStatus(result) == PGRES_PIPELINE_SYNC) {
      PQclear(result);
      auto query = std::move(link.sent.front());
      link.sent.pop_front();
      // The next read runs from now: the backend takes them in turn.
      if (!link.sent.empty())
        link.head_since_ns.store(absl::ToUnixNanos(absl::Now()),
                                 std::memory_order_relaxed);
      Complete(link, std::move(query), answers, after);
      continue;
    }
    auto& query = link.sent.front();
    if (query->result == nullptr ||
        PQresultStatus(query->result.get()) == PGRES_COMMAND_OK) {
      query->result.reset(result);
    } else {
      PQclear(result);
    }
  }
  link.load.store(static_cast<int>(link.sent.size()),
                  std::memory_order_relaxed);
  if (PQstatus(link.pg) == CONNECTION_BAD ||
      (link.retiring.load() && link.sent.empty())) {
    after.drop = true;
  }
}

void PgReactor::Complete(Link& link, std::shared_ptr<Query> query,
                         Answers& answers, Aftermath& after)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(link.mu) {
  auto result = std::move(query->result);
  if (query->answered) return;
  const ExecStatusType status =
      result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    query->Answer(PgRows(result.release()), answers);
    return;
  }
  if (query->prepares) link.prepared.erase(query->statement);
  const char* state =
      result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  // A cancel meant for the read ahead of it, landed late.
  if (link.retiring.load() && sqlstate == "57014") {
    after.reruns.push_back(std::move(query));
    return;
  }
  query->Answer(
      MapSqlState(sqlstate,
                  result ? PQresultErrorMessage(result.get()) : "no result",
                  query->statement),
      answers);
}

void PgReactor::Settle(const std::shared_ptr<Link>& link, Aftermath after,
                       Answers& answers) {
  if (after.drop) Drop(link, answers);
  for (auto& query : after.reruns) Rerun(std::move(query), answers);
}

void PgReactor::Drop(const std::shared_ptr<Link>& link, Answers& answers) {
  {
    absl::MutexLock lock(&mu_);
    auto it = std::find(links_.begin(), links_.end(), link);
    if (it == links_.end()) return;  // Dropped already.
    links_.erase(it);
  }
  std::deque<std::shared_ptr<Query>> sent;
  {
    absl::MutexLock lock(&link->mu);
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, link->fd, nullptr);
    PQfinish(link->pg);
    link->pg = nullptr;
    sent.swap(link->sent);
    link->load.store(0);
  }
  if (!link->retiring.load() && !sent.empty()) {
    Log(LogLevel::kWarning, "database_connection_lost",
        {{"reads_in_flight", std::to_string(sent.size())}});
  }
  for (auto& query : sent) {
    query->result.reset();
    Rerun(std::move(query), answers);
  }
}

void PgReactor::Rerun(std::shared_ptr<Query> query, Answers& answers) {
  if (query->answered) return;
  if (query->attempts >= max_attempts_) {
    query->Answer(ConnectionLost(), answers);
    return;
  }
  Dispatch(std::move(query), answers);
}

void PgReactor::CancelHead(Link& link) ABSL_EXCLUSIVE_LOCKS_REQUIRED(link.mu) {
  const Query* head = link.sent.front().get();
  if (link.cancelled == head) return;
  link.cancelled = head;
  link.retiring.store(true);
  absl::MutexLock lock(&control_mu_);
  cancels_.push_back(link.cancel);
  connector_work_.Signal();
}

void PgReactor::Watch(absl::Time now, Answers& answers) {
  std::vector<std::shared_ptr<Link>> drained;
  for (const auto& link : Links()) {
    absl::MutexLock lock(&link->mu);
    for (auto& query : link->sent) {
      if (query->limit.Over(now))
        query->Answer(LimitPassed(query->limit), answers);
    }
    // The running read is the first; once nobody waits for it, it stops.
    if (!link->sent.empty() && link->sent.front()->answered) CancelHead(*link);
    if (link->retiring.load() && link->sent.empty()) drained.push_back(link);
  }
  for (const auto& link : drained) Drop(link, answers);
  absl::MutexLock lock(&control_mu_);
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if ((*it)->limit.Over(now)) {
      (*it)->Answer(LimitPassed((*it)->limit), answers);
      it = waiting_.erase(it);
    } else {
      ++it;
    }
  }
}

int PgReactor::CancelRunning() {
  Answers answers;
  int running = 0;
  const absl::Status shutting_down =
      Error(absl::StatusCode::kUnavailable, "SHUTTING_DOWN",
            "the service stopped before the read ended");
  for (const auto& link : Links()) {
    absl::MutexLock lock(&link->mu);
    for (auto& query : link->sent) {
      if (!query->answered) ++running;
      query->Answer(shutting_down, answers);
    }
    if (!link->sent.empty()) CancelHead(*link);
  }
  {
    absl::MutexLock lock(&control_mu_);
    for (auto& query : waiting_) {
      ++running;
      query->Answer(shutting_down, answers);
    }
    waiting_.clear();
  }
  for (auto& [done, rows] : answers) done(std::move(rows));
  return running;
}

void PgReactor::Loop() {
  epoll_event events[64];
  int wait_ms = kIdleWaitMs;
  absl::Time watched = absl::Now();
  Answers answers;  // Reused: a pass allocates nothing of its own.
  while (true) {
    const int n = epoll_wait(epoll_fd_, events, 64, wait_ms);
    answers.clear();
    for (int i = 0; i < n; ++i) {
      std::shared_ptr<Link> link;
      {
        absl::ReaderMutexLock lock(&mu_);
        for (const auto& l : links_) {
          if (l->id == events[i].data.u64) link = l;
        }
      }
      if (link == nullptr) continue;  // The wake, or a link dropped.
      Aftermath after;
      {
        absl::MutexLock lock(&link->mu);
        if (link->pg == nullptr) continue;
        if ((events[i].events & EPOLLOUT) && PQflush(link->pg) == 0) {
          link->writing = false;
          epoll_event event{};
          event.events = EPOLLIN;
          event.data.u64 = link->id;
          epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, link->fd, &event);
        }
        if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
          Receive(*link, answers, after);
      }
      Settle(link, std::move(after), answers);
    }
    const absl::Time now = absl::Now();
    if (now - watched >= kWatchInterval) {
      watched = now;
      Watch(now, answers);
    }
    bool busy = false;
    {
      absl::ReaderMutexLock lock(&mu_);
      for (const auto& link : links_) busy = busy || link->load.load() > 0;
    }
    bool stopping;
    {
      absl::MutexLock lock(&control_mu_);
      busy = busy || !waiting_.empty();
      stopping = stopping_;
    }
    wait_ms = busy ? static_cast<int>(absl::ToInt64Milliseconds(kWatchInterval))
                   : kIdleWaitMs;
    for (auto& [done, rows] : answers) done(std::move(rows));
    if (stopping) return;
  }
}

absl::StatusOr<std::shared_ptr<PgReactor::Link>> PgReactor::Open() {
  auto link = std::make_shared<Link>();
  PGconn* pg = PQconnectdb(connection_string_.c_str());
  absl::MutexLock lock(&link->mu);
  link->pg = pg;
  auto failed = [&](const char* step) -> absl::Status {
    // libpq's message may hold the host name but never a password.
    Log(LogLevel::kWarning, "database_connect_failed",
        {{"what",
          std::string(absl::StripTrailingAsciiWhitespace(PQerrorMessage(pg)))},
         {"step", step}});
    return Error(absl::StatusCode::kUnavailable, "DATABASE_UNAVAILABLE",
                 "cannot connect to the database");
  };
  if (PQstatus(pg) != CONNECTION_OK) return failed("connect");
  PQsetNoticeProcessor(pg, LogPgNotice, nullptr);
  if (PQsetnonblocking(pg, 1) != 0 || PQenterPipelineMode(pg) != 1)
    return failed("pipeline");
  link->fd = PQsocket(pg);
  link->cancel = std::shared_ptr<PGcancel>(PQgetCancel(pg), PQfreeCancel);
  return link;
}

void PgReactor::Connector() {
  while (true) {
    std::vector<std::shared_ptr<PGcancel>> cancels;
    bool connect;
    {
      absl::MutexLock lock(&control_mu_);
      while (!stopping_ && connects_wanted_ == 0 && cancels_.empty())
        connector_work_.Wait(&control_mu_);
      if (stopping_) return;
      cancels.swap(cancels_);
      connect = connects_wanted_ > 0;
    }
    for (const auto& cancel : cancels) {
      char error[256];
      if (cancel != nullptr && PQcancel(cancel.get(), error, sizeof error) != 1)
        Log(LogLevel::kWarning, "query_cancel_failed", {{"what", error}});
    }
    if (!connect) continue;
    auto link = Open();
    Answers answers;
    std::deque<std::shared_ptr<Query>> waiting;
    if (link.ok()) {
      absl::MutexLock lock(&mu_);
      (*link)->id = next_link_id_++;
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.u64 = (*link)->id;
      epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, (*link)->fd, &event);
      links_.push_back(*link);
      absl::MutexLock control(&control_mu_);
      --connects_wanted_;
      waiting.swap(waiting_);
    } else {
      absl::MutexLock control(&control_mu_);
      --connects_wanted_;
      waiting.swap(waiting_);
    }
    for (auto& query : waiting) {
      // Nothing to wait for when the database is down: it says so at once.
      if (link.ok()) {
        Dispatch(std::move(query), answers);
      } else {
        query->Answer(link.status(), answers);
      }
    }
    for (auto& [done, rows] : answers) done(std::move(rows));
  }
}

}  // namespace mobility
