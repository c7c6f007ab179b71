/* fuzz_gpb.c - libFuzzer harness of the gpb parser (tools/fuzz.sh). */
#include "fuzz_common.h"

FUZZ_PARSER(CH_GAZPROMBANK)
