// Pure rules that include their service's PostgreSQL store: must not build.
#include "services/grants/pg_grants_store.h"

int LayeringProbe() { return 0; }
