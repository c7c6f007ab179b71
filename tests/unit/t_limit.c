/* t_limit.c - the limitation workflow in memory (lib/limit.c): thresholds
 * and one legal and one household case walked day by day, dates by hand
 * from the 2026 calendar (days off in October: 3 4 10 11 17 18 24 25 31). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "limit.h"
#include "tariff.h"

static struct limit_env env;

static sdate D(const char *s)
{
	sdate d = 0;

	date_parse(s, -1, &d);
	return d;
}

static const char *ds(sdate d)
{
	static char b[4][DATE_BUF];
	static int k;

	if (d == DATE_NONE)
		return "-";
	return date_format(d, b[k++ % 4]);
}

static struct lim_step *step(struct lim_case *c, const char *name)
{
	for (int i = c->nsteps - 1; i >= 0; i--)
		if (!strcmp(c->step[i].name, name))
			return &c->step[i];
	return NULL;
}

static int day(struct limit_account *a, const char *s)
{
	struct sbyt_err e;

	env.day = D(s);
	a->changed = 0;
	a->nevents = 0;
	return limit_advance(&env, a, &e);
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct sbyt_err e;
	struct tariff_rules *t = NULL;
	struct limit_rules *r = limit_rules_load("rules", &f, &e);
	struct calendar *cal = calendar_load("rules/calendar", &f, &e);
	struct limit_account *a = calloc(1, sizeof(*a));
	money th = 0;

	if (!r || !cal || tariff_rules_load("rules", &t, &f) || !a) {
		faults_print(&f, stderr);
		return 1;
	}
	env.rules = r;
	env.cal = cal;
	env.tariff = t;

	/* urban_gas, 2 rooms, 2 residents, 2026-10-01: norm 96 kWh, band 1
	 * 3.34: 2 x (192 x 3.34) = 2 x 641.28 = 1282.56 */
	CHECK_INT(limit_household_threshold(t, "urban_gas", 2, 2, D("2026-10-01"), &th, &e), 0, "limit_household_threshold(t, urban_gas, 2, 2, D(2026-10-01),");
	CHECK_INT(th, 128256, "th, 128256");
	/* nobody registered counts as one: 2 x (155 x 3.34) = 2 x 517.70 = 1035.40 */
	CHECK_INT(limit_household_threshold(t, "urban_gas", 2, 0, D("2026-10-01"), &th, &e), 0, "limit_household_threshold(t, urban_gas, 2, 0, D(2026-10-01),");
	CHECK_INT(th, 103540, "th, 103540");

	/* legal, post: notice 10-01 states 10-01 + 7 + 10 = Sun 10-18 -> Mon 10-19 */
	a->id = 7202000001;
	strcpy(a->kind, "legal");
	strcpy(a->channel, "post");
	strcpy(a->branch, "02");
	a->has_snap = 1;
	a->snap_as_of = D("2026-10-01");
	a->principal = 6000000;
	a->periods = 2;
	a->oblig1 = 5000000;
	a->oblig2 = -1;
	CHECK_INT(day(a, "2026-10-01"), 0, "day(a, 2026-10-01), 0");
	CHECK_INT(a->ncases, 1, "a->ncases, 1");
	CHECK_STR(a->cases[0].procedure, "legal", "a->cases[0].procedure, legal");
	CHECK_STR(a->cases[0].notice[0].id, "N7202000001-1-1", "a->cases[0].notice[0].id, N7202000001-1-1");
	CHECK_STR(ds(a->cases[0].notice[0].planned), "2026-10-19", "ds(a->cases[0].notice[0].planned), 2026-10-19");
	CHECK_STR(step(&a->cases[0], "partial")->state, "planned", "step(&a->cases[0], partial)->state, planned");
	CHECK_INT(a->new_notices, 1, "a->new_notices, 1");
	/* the same day again: nothing */
	CHECK_INT(day(a, "2026-10-01"), 0, "day(a, 2026-10-01), 0");
	CHECK_INT(a->changed, 0, "a->changed, 0");
	/* delivered Wed 10-14: 10-14 + 10 = 10-24 > 10-19: void, re-issued on
	 * 10-14 stating 10-14 + 7 + 10 = Sat 10-31 -> Mon 11-02 */
	a->cases[0].notice[0].delivered = D("2026-10-14");
	CHECK_INT(day(a, "2026-10-14"), 0, "day(a, 2026-10-14), 0");
	CHECK_INT(a->cases[0].notice[0].void_, 1, "a->cases[0].notice[0].void_, 1");
	CHECK_STR(a->cases[0].notice[1].replaces, "N7202000001-1-1", "a->cases[0].notice[1].replaces, N7202000001-1-1");
	CHECK_STR(ds(a->cases[0].notice[1].planned), "2026-11-02", "ds(a->cases[0].notice[1].planned), 2026-11-02");
	CHECK_STR(ds(step(&a->cases[0], "partial")->date), "2026-11-02", "ds(step(&a->cases[0], partial)->date), 2026-11-02");
	/* delivered Tue 10-20 (10-30 <= 11-02): partial 11-02 fixed, its request
	 * sent; full: 11-03, 11-05, 11-06 (11-04 holiday) -> Mon 11-09 */
	a->cases[0].notice[1].delivered = D("2026-10-20");
	CHECK_INT(day(a, "2026-10-20"), 0, "day(a, 2026-10-20), 0");
	CHECK_STR(step(&a->cases[0], "partial")->state, "scheduled", "step(&a->cases[0], partial)->state, scheduled");
	CHECK_STR(ds(step(&a->cases[0], "full")->date), "2026-11-09", "ds(step(&a->cases[0], full)->date), 2026-11-09");
	CHECK_STR(step(&a->cases[0], "full")->state, "planned", "step(&a->cases[0], full)->state, planned");
	CHECK_INT(a->cases[0].nrequests, 1, "a->cases[0].nrequests, 1");
	CHECK_STR(a->cases[0].request[0].action, "partial", "a->cases[0].request[0].action, partial");
	CHECK_INT(day(a, "2026-11-02"), 0, "day(a, 2026-11-02), 0");
	CHECK_STR(step(&a->cases[0], "partial")->state, "done", "step(&a->cases[0], partial)->state, done");
	CHECK_STR(step(&a->cases[0], "full")->state, "scheduled", "step(&a->cases[0], full)->state, scheduled");
	/* paid in full Fri 11-06 (after the snapshot of 10-01): reconnect
	 * 11-06 + 2 = Sun 11-08 -> Mon 11-09; full cancelled */
	a->npay = 0;
	CHECK_INT(limit_account_add_payment(a, D("2026-11-06"), 6000000, &e), 0, "a payment");
	CHECK_INT(day(a, "2026-11-06"), 0, "day(a, 2026-11-06), 0");
	CHECK_STR(a->cases[0].status, "closed", "a->cases[0].status, closed");
	CHECK_STR(step(&a->cases[0], "full")->state, "cancelled", "step(&a->cases[0], full)->state, cancelled");
	CHECK_STR(ds(step(&a->cases[0], "reconnect")->date), "2026-11-09", "ds(step(&a->cases[0], reconnect)->date), 2026-11-09");
	CHECK_STR(a->cases[0].request[a->cases[0].nrequests - 1].action, "reconnect", "a->cases[0].request[a->cases[0].nrequests - 1].action, recon");

	/* household below the threshold or with one period: no case */
	limit_account_release(a);
	memset(a, 0, sizeof(*a));
	a->id = 7201000001;
	strcpy(a->kind, "individual");
	strcpy(a->category, "urban_gas");
	strcpy(a->channel, "email");
	a->residents = 2;
	a->rooms = 2;
	a->has_snap = 1;
	a->snap_as_of = D("2026-10-01");
	a->principal = 128256;   /* equal: not above the threshold */
	a->periods = 2;
	CHECK_INT(day(a, "2026-10-01"), 0, "day(a, 2026-10-01), 0");
	CHECK_INT(a->ncases, 0, "a->ncases, 0");
	a->principal = 128257;
	a->periods = 1;
	CHECK_INT(day(a, "2026-10-01"), 0, "day(a, 2026-10-01), 0");
	CHECK_INT(a->ncases, 0, "a->ncases, 0");
	/* above it over 2 periods: warning by e-mail, delivered when sent, i.e.
	 * once the day's package is written (limit_record_deliveries() sets it,
	 * done by hand here; the run's second pass of the day takes it);
	 * partial 10-01 + 20 = Wed 10-21 -> Thu 10-22 */
	a->periods = 2;
	CHECK_INT(day(a, "2026-10-01"), 0, "day(a, 2026-10-01), 0");
	CHECK_INT(a->ncases, 1, "a->ncases, 1");
	CHECK_STR(step(&a->cases[0], "warning")->state, "scheduled", "e-mail: not sent before its package");
	CHECK(a->cases[0].notice[0].delivered == DATE_NONE, "not delivered before its package");
	a->cases[0].notice[0].delivered = D("2026-10-01");
	CHECK_INT(day(a, "2026-10-01"), 0, "day(a, 2026-10-01) after the package, 0");
	CHECK_STR(step(&a->cases[0], "warning")->state, "done", "step(&a->cases[0], warning)->state, done");
	CHECK_STR(ds(step(&a->cases[0], "partial")->date), "2026-10-22", "ds(step(&a->cases[0], partial)->date), 2026-10-22");
	CHECK_STR(ds(step(&a->cases[0], "full_notice")->date), "2026-11-11", "ds(step(&a->cases[0], full_notice)->date), 2026-11-11");
	/* the operator cancels 10-12: the partial request went: cancel */
	env.day = D("2026-10-12");
	CHECK_INT(limit_operator_cancel(&env, a, "рассрочка", &e), 1, "limit_operator_cancel(&env, a, рассрочка, &e), 1");
	CHECK_STR(a->cases[0].status, "cancelled", "a->cases[0].status, cancelled");
	CHECK_STR(a->cases[0].request[1].action, "cancel", "a->cases[0].request[1].action, cancel");
	CHECK_STR(a->cases[0].reason, "рассрочка", "a->cases[0].reason, рассрочка");

	limit_account_release(a);
	free(a);
	tariff_rules_free(t);
	calendar_free(cal);
	limit_rules_free(r);
	return check_done();
}
