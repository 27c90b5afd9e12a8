// What partners, coordinators and the public read from the agreements service,
// in kk, ru and en (common/words.h).
#ifndef MOBILITY_SERVICES_AGREEMENTS_WORDS_H_
#define MOBILITY_SERVICES_AGREEMENTS_WORDS_H_

#include "common/words.h"

#define MOBILITY_CATALOGUE "services/agreements/words.inc"
namespace mobility::agreements::words {
#include "common/catalogue.inc"
}  // namespace mobility::agreements::words
#undef MOBILITY_CATALOGUE

#endif  // MOBILITY_SERVICES_AGREEMENTS_WORDS_H_
