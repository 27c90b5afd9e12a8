// What authors of appeals and the office read from the inquiries service, in
// kk, ru and en (common/words.h).
#ifndef MOBILITY_SERVICES_INQUIRIES_WORDS_H_
#define MOBILITY_SERVICES_INQUIRIES_WORDS_H_

#include "common/words.h"

#define MOBILITY_CATALOGUE "services/inquiries/words.inc"
namespace mobility::inquiries::words {
#include "common/catalogue.inc"
}  // namespace mobility::inquiries::words
#undef MOBILITY_CATALOGUE

#endif  // MOBILITY_SERVICES_INQUIRIES_WORDS_H_
