/* fuzz_delivery.c - libFuzzer harness of the delivery parser (tools/fuzz.sh). */
#include "fuzz_common.h"

FUZZ_PARSER(CH_DELIVERY)
