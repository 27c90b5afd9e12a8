// What callers read from the HTTP gateway itself, in
// kk, ru and en (common/words.h).
#ifndef MOBILITY_SERVICES_GATEWAY_WORDS_H_
#define MOBILITY_SERVICES_GATEWAY_WORDS_H_

#include "common/words.h"

#define MOBILITY_CATALOGUE "services/gateway/words.inc"
namespace mobility::gateway::words {
#include "common/catalogue.inc"
}  // namespace mobility::gateway::words
#undef MOBILITY_CATALOGUE

#endif  // MOBILITY_SERVICES_GATEWAY_WORDS_H_
