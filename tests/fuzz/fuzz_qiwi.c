/* fuzz_qiwi.c - libFuzzer harness of the qiwi parser (tools/fuzz.sh). */
#include "fuzz_common.h"

FUZZ_PARSER(CH_QIWI)
