// Test-only stops between the steps of a change across services. With
// --failpoints=name[,name...] (MOBILITY_FAILPOINTS) the process kills itself
// (SIGKILL, as a crash would) on reaching a named point, so that a test can
// restart it and check what the steps left and that a retry finishes them.
// No point is named unless the flag names it: production runs without.
#ifndef MOBILITY_COMMON_FAILPOINT_H_
#define MOBILITY_COMMON_FAILPOINT_H_

namespace mobility {

void Failpoint(const char* name);

}  // namespace mobility

#define MOBILITY_FAILPOINT(name) ::mobility::Failpoint(name)

#endif  // MOBILITY_COMMON_FAILPOINT_H_
