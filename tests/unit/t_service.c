/* t_service.c - every deadline of rules/service.xml (App. 3 table 1 and the
 * appeals paragraphs) counted from a day near the November 2026 holiday,
 * each due date worked out by hand on the 2026 calendar: Monday 11-02,
 * Tuesday 11-03 a shortened working day, Wednesday 11-04 a holiday
 * (День народного единства), 11-07/08 and 11-14/15 weekends. */
#include "check.h"

#include "calendar.h"
#include "faults.h"
#include "service.h"

static const struct {
	const char *reg, *customer, *step, *from, *due, *why;
} cases[] = {
	{ "appeal", NULL, "register", "2026-11-04", "2026-11-05",
	  "received on the holiday: registered the next working day" },
	{ "appeal", NULL, "answer", "2026-11-01", "2026-11-05",
	  "11-01 + 3 = the holiday 11-04: the term ends 11-05" },
	{ "appeal", NULL, "extend", "2026-11-03", "2026-11-18",
	  "10th working day after 11-03: 05 06 09 10 11 12 13 16 17 18" },
	{ "contract", "legal", "register", "2026-11-04", "2026-11-05",
	  "an application on the holiday: registered 11-05" },
	{ "contract", "legal", "answer", "2026-11-02", "2026-11-10",
	  "5th working day after 11-02: 03 05 06 09 10" },
	{ "contract", "legal", "refuse", "2026-11-02", "2026-11-10",
	  "a refusal within the same 5 working days" },
	{ "contract", "legal", "protocol_settled", "2026-10-30", "2026-11-16",
	  "10th working day after 10-30: 11-02 03 05 06 09 10 11 12 13 16" },
	{ "contract", "legal", "sign", "2026-10-05", "2026-11-05",
	  "10-05 + 30 = the holiday 11-04: 11-05" },
	{ "contract", "legal", "terminate", "2026-11-02", "2026-12-01",
	  "the 20th working day after 11-02 (over the holiday) is 12-01" },
	{ "contract", "legal", "final_invoice", "2026-11-02", "2026-11-10",
	  "5th working day after the notice: 03 05 06 09 10" },
	{ "contract", "individual", "register", "2026-11-04", "2026-11-05",
	  "a household's application on the holiday: 11-05" },
	{ "contract", "individual", "sign", "2026-11-04", "2026-11-05",
	  "signed at one visit: the next working day after the holiday" },
	{ "contract", "individual", "terminate", "2026-11-02", "2026-12-01",
	  "a household's termination: 20 working days ahead too" },
};

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct sbyt_err e;
	struct service_rules r;
	struct calendar *cal = calendar_load("rules/calendar", &f, &e);

	CHECK(cal != NULL, "the calendar loads");
	CHECK_INT(service_rules_load("rules", &r, &f), 0, "rules/service.xml loads");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct service_rule *rule = service_rule_find(&r, cases[i].reg,
								    cases[i].customer, cases[i].step);
		sdate from, due = 0;
		char d[DATE_BUF];

		date_parse(cases[i].from, -1, &from);
		CHECK(rule && service_due(cal, rule, from, &due, &e) == 0 &&
		      !strcmp(date_format(due, d), cases[i].due), cases[i].why);
	}
	service_rules_release(&r);
	calendar_free(cal);
	faults_release(&f);
	return check_done();
}
