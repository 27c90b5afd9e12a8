// What applicants, the office and finance read from the grants service, in
// kk, ru and en (common/words.h).
#ifndef MOBILITY_SERVICES_GRANTS_WORDS_H_
#define MOBILITY_SERVICES_GRANTS_WORDS_H_

#include "common/words.h"

#define MOBILITY_CATALOGUE "services/grants/words.inc"
namespace mobility::grants::words {
#include "common/catalogue.inc"
}  // namespace mobility::grants::words
#undef MOBILITY_CATALOGUE

#endif  // MOBILITY_SERVICES_GRANTS_WORDS_H_
