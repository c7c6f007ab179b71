/* fuzz_detect.c - libFuzzer harness of the channel detection. */
#include <stddef.h>
#include <stdint.h>

#include "ingest_detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return ingest_detect_buf((const char *)data, size) >= CH_COUNT;
}
