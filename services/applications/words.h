// What applicants and the office read from the applications service, in kk,
// ru and en (common/words.h).
#ifndef MOBILITY_SERVICES_APPLICATIONS_WORDS_H_
#define MOBILITY_SERVICES_APPLICATIONS_WORDS_H_

#include "common/words.h"

#define MOBILITY_CATALOGUE "services/applications/words.inc"
namespace mobility::applications::words {
#include "common/catalogue.inc"
}  // namespace mobility::applications::words
#undef MOBILITY_CATALOGUE

#endif  // MOBILITY_SERVICES_APPLICATIONS_WORDS_H_
