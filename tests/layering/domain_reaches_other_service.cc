// The applications domain including the grants service's domain instead of its
// client interface: must not build.
#include "services/grants/grants.h"

int LayeringProbe() { return 0; }
