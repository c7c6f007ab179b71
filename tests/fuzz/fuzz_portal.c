/* fuzz_portal.c - libFuzzer harness of the portal parser (tools/fuzz.sh). */
#include "fuzz_common.h"

FUZZ_PARSER(CH_PORTAL)
