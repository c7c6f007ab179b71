/* fuzz_payments.c - libFuzzer harness of the payments parser (tools/fuzz.sh). */
#include "fuzz_common.h"

FUZZ_PARSER(CH_PAYMENTS)
