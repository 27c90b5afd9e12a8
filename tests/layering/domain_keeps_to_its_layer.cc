// What the applications domain may include: its store interface, the client
// interfaces of the services it calls, the contracts. Must build.
#include "common/transactor.h"
#include "services/agreements/client/agreements_client.h"
#include "services/applications/applications_store.h"
#include "services/grants/client/grants_client.h"

int LayeringProbe() { return 0; }
