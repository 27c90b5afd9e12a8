// Hand-offs through gRPC, told to ThreadSanitizer.
//
// gRPC orders what one thread gives it (a call's answer, a tag) before what
// another thread does when gRPC gives it back (OnDone, a completion), but it
// does so inside its core, which Debian builds without TSan: the TSan build
// (deploy/tsan.sh) would report our own objects as raced across that hand-off.
// These mark the two ends, on the object handed over; elsewhere they compile
// to nothing.
#pragma once

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#include <sanitizer/tsan_interface.h>
#define MOBILITY_HANDOFF_SEEN_BY_TSAN 1
#endif
#endif

namespace mobility {

// Before handing `object` to gRPC.
inline void HandOff(const void* object) {
#ifdef MOBILITY_HANDOFF_SEEN_BY_TSAN
  __tsan_release(const_cast<void*>(object));
#else
  (void)object;
#endif
}

// When gRPC gives `object` back, on whichever thread.
inline void TakeBack(const void* object) {
#ifdef MOBILITY_HANDOFF_SEEN_BY_TSAN
  __tsan_acquire(const_cast<void*>(object));
#else
  (void)object;
#endif
}

}  // namespace mobility
