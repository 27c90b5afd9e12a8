// Domain code that reaches libpqxx through the outbox's sender: must not build.
#include "common/outbox.h"

int LayeringProbe() { return 0; }
