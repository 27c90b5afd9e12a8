// The serving path (server, gateway) that includes the database: must not
// build.
#include "common/db.h"

int LayeringProbe() { return 0; }
