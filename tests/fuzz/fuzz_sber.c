/* fuzz_sber.c - libFuzzer harness of the sber parser (tools/fuzz.sh). */
#include "fuzz_common.h"

FUZZ_PARSER(CH_SBERBANK)
