// ThreadSanitizer sees the locks of Debian's Abseil.
//
// Debian builds libabsl_synchronization without ThreadSanitizer, so
// absl::Mutex, absl::CondVar, absl::Notification and absl::BlockingCounter
// order threads where TSan cannot see it, and every access they guard would be
// reported as a race. Linked into the test binaries of the TSan build only
// (MOBILITY_TSAN), this file defines their exported functions again: each calls
// the library's definition (found with dlsym(RTLD_NEXT)) and tells TSan what it
// does to the lock, as Abseil's own mutex.cc does when it is built with TSan.
//
// The binary's definitions win for every caller, gRPC and the library itself
// included (their calls go through the PLT). gRPC's calls are annotated too:
// gRPC's inline C++ API runs in our binary and takes a reactor's Mutex on one
// thread and destroys it on another. A Mutex's destruction is not annotated:
// gRPC frees its objects after counting references with atomics TSan cannot
// see, and freed memory is forgotten by TSan anyway. The library's calls to
// itself (LockWhenWithTimeout to LockWhenWithDeadline, Notify to Lock) happen
// inside a call already counted and pass through.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#define MOBILITY_STRINGIFY_(x) #x
#define MOBILITY_STRINGIFY(x) MOBILITY_STRINGIFY_(x)

namespace {

// The library's own definition of absl::<inline namespace>::<rest>, as the
// Itanium ABI spells it: "N:" or "K:" (a const member) stands for the prefix.
// A member function takes `this` first.
template <typename Function>
Function Library(const char* mangled) {
  const std::string inline_namespace =
      MOBILITY_STRINGIFY(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name =
      std::string(mangled[0] == 'K' ? "_ZNK4absl" : "_ZN4absl") +
      std::to_string(inline_namespace.size()) + inline_namespace +
      (mangled + 2);
  void* found = dlsym(RTLD_NEXT, name.c_str());
  if (found == nullptr) {
    std::fprintf(stderr, "absl_sync_annotations: no %s in Abseil\n",
                 name.c_str());
    std::abort();
  }
  return reinterpret_cast<Function>(found);
}

// In each wrapper: the library's definition, looked up once, and whether the
// call is ours to annotate.
#define MOBILITY_WRAP(type, mangled)                  \
  static const auto library = Library<type>(mangled); \
  const Call call;                                    \
  const bool ours = call.ours

// Wrappers reached from inside a wrapper's library call are the library
// calling itself, often as a tail call whose return address is the outer
// wrapper's: they pass through.
thread_local int wrapper_depth = 0;

// A call is ours to annotate unless it is nested.
class Call {
 public:
  Call() : ours(wrapper_depth == 0) { ++wrapper_depth; }
  ~Call() { --wrapper_depth; }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  const bool ours;
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

namespace {

// A lock taken with one of the library's calls: `lock` returns whether it
// holds the mutex (a TryLock may not) or what the caller asked for (whether a
// condition held by the deadline; the mutex is held either way).
template <typename Lock>
auto Take(bool ours, Mutex* mu, int flags, bool may_fail, Lock lock) {
  if (ours) __tsan_mutex_pre_lock(mu, flags);
  const auto result = lock();
  if (ours) {
    __tsan_mutex_post_lock(
        mu, flags | (may_fail && !result ? __tsan_mutex_try_lock_failed : 0),
        0);
  }
  return result;
}

// A wait through one of the library's calls, which gives the mutex up and
// takes it again inside; returns what `wait` does.
template <typename Wait>
auto Released(bool ours, Mutex* mu, Wait wait) {
  if (ours) {
    __tsan_mutex_pre_unlock(mu, 0);
    __tsan_mutex_post_unlock(mu, 0);
  }
  const auto result = wait();
  if (ours) {
    __tsan_mutex_pre_lock(mu, 0);
    __tsan_mutex_post_lock(mu, 0, 0);
  }
  return result;
}

}  // namespace

void Mutex::Lock() {
  MOBILITY_WRAP(void (*)(Mutex*), "N:5Mutex4LockEv");
  Take(ours, this, 0, false, [&] { return library(this), true; });
}

void Mutex::ReaderLock() {
  MOBILITY_WRAP(void (*)(Mutex*), "N:5Mutex10ReaderLockEv");
  Take(ours, this, __tsan_mutex_read_lock, false,
       [&] { return library(this), true; });
}

bool Mutex::TryLock() {
  MOBILITY_WRAP(bool (*)(Mutex*), "N:5Mutex7TryLockEv");
  return Take(ours, this, __tsan_mutex_try_lock, true,
              [&] { return library(this); });
}

bool Mutex::ReaderTryLock() {
  MOBILITY_WRAP(bool (*)(Mutex*), "N:5Mutex13ReaderTryLockEv");
  return Take(ours, this, __tsan_mutex_read_lock | __tsan_mutex_try_lock, true,
              [&] { return library(this); });
}

void Mutex::LockWhen(const Condition& cond) {
  MOBILITY_WRAP(void (*)(Mutex*, const Condition&),
                "N:5Mutex8LockWhenERKNS0_9ConditionE");
  Take(ours, this, 0, false, [&] { return library(this, cond), true; });
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  MOBILITY_WRAP(void (*)(Mutex*, const Condition&),
                "N:5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  Take(ours, this, __tsan_mutex_read_lock, false,
       [&] { return library(this, cond), true; });
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  MOBILITY_WRAP(
      bool (*)(Mutex*, const Condition&, Duration),
      "N:5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Take(ours, this, 0, false,
              [&] { return library(this, cond, timeout); });
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  MOBILITY_WRAP(bool (*)(Mutex*, const Condition&, Time),
                "N:5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Take(ours, this, 0, false,
              [&] { return library(this, cond, deadline); });
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, Duration timeout) {
  MOBILITY_WRAP(
      bool (*)(Mutex*, const Condition&, Duration),
      "N:5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Take(ours, this, __tsan_mutex_read_lock, false,
              [&] { return library(this, cond, timeout); });
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, Time deadline) {
  MOBILITY_WRAP(
      bool (*)(Mutex*, const Condition&, Time),
      "N:5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Take(ours, this, __tsan_mutex_read_lock, false,
              [&] { return library(this, cond, deadline); });
}

void Mutex::Unlock() {
  MOBILITY_WRAP(void (*)(Mutex*), "N:5Mutex6UnlockEv");
  if (ours) __tsan_mutex_pre_unlock(this, 0);
  library(this);
  if (ours) __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
  MOBILITY_WRAP(void (*)(Mutex*), "N:5Mutex12ReaderUnlockEv");
  if (ours) __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  library(this);
  if (ours) __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

void Mutex::Await(const Condition& cond) {
  MOBILITY_WRAP(void (*)(Mutex*, const Condition&),
                "N:5Mutex5AwaitERKNS0_9ConditionE");
  Released(ours, this, [&] { return library(this, cond), true; });
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  MOBILITY_WRAP(bool (*)(Mutex*, const Condition&, Duration),
                "N:5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  return Released(ours, this, [&] { return library(this, cond, timeout); });
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  MOBILITY_WRAP(bool (*)(Mutex*, const Condition&, Time),
                "N:5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  return Released(ours, this, [&] { return library(this, cond, deadline); });
}

void CondVar::Wait(Mutex* mu) {
  MOBILITY_WRAP(void (*)(CondVar*, Mutex*), "N:7CondVar4WaitEPNS0_5MutexE");
  Released(ours, mu, [&] { return library(this, mu), true; });
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  MOBILITY_WRAP(bool (*)(CondVar*, Mutex*, Duration),
                "N:7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  return Released(ours, mu, [&] { return library(this, mu, timeout); });
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  MOBILITY_WRAP(bool (*)(CondVar*, Mutex*, Time),
                "N:7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  return Released(ours, mu, [&] { return library(this, mu, deadline); });
}

// What a thread did before Notify happens before what another does once it
// sees the notification. The library publishes it with a release store to
// notified_yet_ (the member after the Mutex), which HasBeenNotified() reads
// with an acquire load inline in our code: the release is told to TSan at
// that address.
namespace {
static_assert(sizeof(Notification) == 2 * sizeof(Mutex),
              "a Notification is its Mutex and then notified_yet_");
void* NotifiedYet(const Notification* notification) {
  return const_cast<char*>(reinterpret_cast<const char*>(notification)) +
         sizeof(Mutex);
}
}  // namespace

void Notification::Notify() {
  MOBILITY_WRAP(void (*)(Notification*), "N:12Notification6NotifyEv");
  if (ours) __tsan_release(NotifiedYet(this));
  library(this);
}

void Notification::WaitForNotification() const {
  MOBILITY_WRAP(void (*)(const Notification*),
                "K:12Notification19WaitForNotificationEv");
  library(this);
  if (ours) __tsan_acquire(NotifiedYet(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  MOBILITY_WRAP(
      bool (*)(const Notification*, Duration),
      "K:12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const bool notified = library(this, timeout);
  if (ours && notified) __tsan_acquire(NotifiedYet(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  MOBILITY_WRAP(bool (*)(const Notification*, Time),
                "K:12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const bool notified = library(this, deadline);
  if (ours && notified) __tsan_acquire(NotifiedYet(this));
  return notified;
}

// Each count down happens before the wait returns; the library counts with an
// atomic and takes its Mutex only for the last.
bool BlockingCounter::DecrementCount() {
  MOBILITY_WRAP(bool (*)(BlockingCounter*),
                "N:15BlockingCounter14DecrementCountEv");
  if (ours) __tsan_release(this);
  return library(this);
}

void BlockingCounter::Wait() {
  MOBILITY_WRAP(void (*)(BlockingCounter*), "N:15BlockingCounter4WaitEv");
  library(this);
  if (ours) __tsan_acquire(this);
}

ABSL_NAMESPACE_END
}  // namespace absl
