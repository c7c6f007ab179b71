/* fuzz_sms.c - libFuzzer harness of the sms parser with the shipped
 * rules/sms.xml patterns (tools/fuzz.sh runs it from the top folder). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sms_rules *rules;

	if (!rules) {
		struct faults f = FAULTS_INIT;
		const char *dir = getenv("SBYT_RULES");
		rules = sms_rules_load(dir && *dir ? dir : "rules", &f);
		if (!rules) {
			faults_print(&f, stderr);
			abort();
		}
	}
	return fuzz_one(CH_SMS, rules, data, size);
}
