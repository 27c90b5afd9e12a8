// What coordinators read from the EWP service, in kk, ru and en
// (common/words.h).
#ifndef MOBILITY_SERVICES_EWP_WORDS_H_
#define MOBILITY_SERVICES_EWP_WORDS_H_

#include "common/words.h"

#define MOBILITY_CATALOGUE "services/ewp/words.inc"
namespace mobility::ewp::words {
#include "common/catalogue.inc"
}  // namespace mobility::ewp::words
#undef MOBILITY_CATALOGUE

#endif  // MOBILITY_SERVICES_EWP_WORDS_H_
