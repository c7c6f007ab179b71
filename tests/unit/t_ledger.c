/* t_ledger.c - allocating one account's payments to its charges, and its
 * debt as of a date, worked by hand.
 *
 * Penalty arithmetic as in t_penalty.c: one day at 1/D of 9.50 % (the capped
 * 2026 rate) on base B kopecks costs B x 950 / (10000 x D) kopecks; day 1 is
 * the day after the due date; households pay nothing to day 30.
 */
#include <stdio.h>

#include "check.h"
#include "ledger.h"
#include "penalty.h"

static struct penalty_rules R;
static struct sbyt_err E;

static sdate D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static speriod P(int y, int m)
{
	return period_from_ym(y, m);
}

/* Household charge of period y-m, due the 10th of the next month. */
static int charge(struct ledger *l, int y, int m, money amount)
{
	struct ledger_charge c = { P(y, m), period_first(P(y, m) + 1) + 9, amount, LEDGER_CHARGE };
	return ledger_add_charge(l, &c, &E);
}

static int recalc(struct ledger *l, int y, int m, money amount)
{
	struct ledger_charge c = { P(y, m), period_first(P(y, m) + 1) + 9, amount, LEDGER_RECALC };
	return ledger_add_charge(l, &c, &E);
}

static void pay(struct ledger *l, int64_t id, sdate date, money amount, speriod named)
{
	struct ledger_payment p = { id, date, amount, named };
	if (ledger_add_payment(l, &p, &E) != 0)
		printf("# error: %s\n", E.msg);
}

static int alloc_is(const struct ledger *l, int a, int64_t id, int entry, money amount,
		    enum ledger_how how)
{
	if (a >= l->nalloc) {
		printf("#   no allocation %d (have %d)\n", a, l->nalloc);
		return 0;
	}
	if (l->alloc[a].payment_id == id && l->alloc[a].entry == entry &&
	    l->alloc[a].amount == amount && l->alloc[a].how == how)
		return 1;
	printf("#   allocation %d: payment %lld entry %d amount %lld how %d\n", a,
	       (long long)l->alloc[a].payment_id, l->alloc[a].entry, (long long)l->alloc[a].amount,
	       (int)l->alloc[a].how);
	return 0;
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct ledger l;
	struct ledger_debt d;
	struct ledger_charge parts[PENALTY_MAX_PARTS];
	int aug, sep, oct, n;

	if (penalty_rules_load("rules", &R, &f) != 0) {
		faults_print(&f, stdout);
		CHECK(0, "rules/ load");
		return check_done();
	}
	ledger_init(&l);
	ledger_debt_init(&d);

	/* Named period, then oldest first, then an advance.
	 * 2026-08 1000.00 (due 09-10), 2026-09 1000.00 (due 10-10).
	 * #1 600.00 on 10-01 naming 2026-09 -> 2026-09 600.00.
	 * #2 1500.00 on 10-20, unnamed -> 2026-08 1000.00, 2026-09 400.00, advance 100.00. */
	aug = charge(&l, 2026, 8, 100000);
	sep = charge(&l, 2026, 9, 100000);
	pay(&l, 1, D(2026, 10, 1), 60000, P(2026, 9));
	pay(&l, 2, D(2026, 10, 20), 150000, LEDGER_NO_PERIOD);
	CHECK_INT(ledger_allocate(&l, &E), 0, "allocation runs");
	CHECK_INT(l.nalloc, 3, "three allocations");
	CHECK(alloc_is(&l, 0, 1, sep, 60000, LEDGER_NAMED), "#1 goes to the period it names");
	CHECK(alloc_is(&l, 1, 2, aug, 100000, LEDGER_OLDEST), "#2 goes first to the oldest charge");
	CHECK(alloc_is(&l, 2, 2, sep, 40000, LEDGER_OLDEST), "#2 then to the next oldest");
	CHECK(l.nadv == 1 && l.adv[0].payment_id == 2 && l.adv[0].amount == 10000 &&
	      l.adv[0].period == LEDGER_NO_PERIOD, "#2 leaves an advance of 100.00");
	CHECK_INT(ledger_entry_open(&l, sep, D(2026, 10, 19)), 40000, "2026-09 open 400.00 on 10-19");
	CHECK_INT(ledger_entry_open(&l, sep, D(2026, 10, 20)), 0, "2026-09 closed on 10-20");
	CHECK_INT(ledger_entry_open(&l, aug, D(2026, 9, 30)), 100000, "2026-08 open 1000.00 on 09-30");

	/* As of 2026-10-15: 2026-08 (due 09-10, day 35) owes 1000.00; 2026-09 (due
	 * 10-10, day 5) owes 400.00.
	 *  2026-08 penalty: days 31-35 = 5 x 100000 x 950 / 3000000 = 158.33 -> 1.58
	 *  2026-09: within 30 days, 0.  Advance: none yet (#2 is on 10-20). */
	CHECK_INT(ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 10, 15), &d, &E), 0,
		  "debt as of 2026-10-15");
	CHECK(d.nper == 2 && d.per[0].period == P(2026, 8) && d.per[0].principal == 100000 &&
	      d.per[0].penalty == 158 && d.per[0].due == D(2026, 9, 10) && d.per[0].days_overdue == 35,
	      "2026-10-15: 2026-08 owes 1000.00, 35 days, penalty 1.58");
	CHECK(d.per[1].period == P(2026, 9) && d.per[1].principal == 40000 && d.per[1].penalty == 0,
	      "2026-10-15: 2026-09 owes 400.00, no penalty yet");
	CHECK(d.principal == 140000 && d.penalty == 158 && d.periods == 2 && d.advance == 0,
	      "2026-10-15 totals: 1400.00, 1.58, two periods, no advance");

	/* As of 2026-11-26: everything paid; 2026-08 was paid on 10-20 = day 40:
	 *  days 31-40 = 10 x 100000 x 950 / 3000000 = 316.67 -> 3.17, principal 0.
	 *  2026-09: 600.00 on 10-01 and 400.00 on 10-20 (day 10): no penalty. */
	CHECK_INT(ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 26), &d, &E), 0,
		  "debt as of 2026-11-26");
	CHECK(d.nper == 1 && d.per[0].period == P(2026, 8) && d.per[0].principal == 0 &&
	      d.per[0].penalty == 317 && d.periods == 0 && d.principal == 0 && d.advance == 10000,
	      "2026-11-26: 2026-08 paid late keeps a penalty of 3.17, advance 100.00");

	/* The advance is consumed by a later charge: add 2026-10 1000.00 (due
	 * 11-10).  #2's 100.00 now goes to it, dated 10-20 (before its due date).
	 * As of 2026-12-20 (day 40 of 2026-10): 900.00 unpaid,
	 *  days 31-40 = 10 x 90000 x 950 / 3000000 = 285 -> 2.85 */
	oct = charge(&l, 2026, 10, 100000);
	CHECK_INT(ledger_allocate(&l, &E), 0, "allocation with the new charge");
	CHECK(l.nadv == 0 && alloc_is(&l, 3, 2, oct, 10000, LEDGER_OLDEST),
	      "the advance is used by the later charge");
	CHECK_INT(ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 12, 20), &d, &E), 0,
		  "debt as of 2026-12-20");
	CHECK(d.nper == 2 && d.per[1].period == P(2026, 10) && d.per[1].principal == 90000 &&
	      d.per[1].penalty == 285, "2026-10 owes 900.00 with a penalty of 2.85");

	/* Named excess: 2026-08 and 2026-09 of 1000.00; 1500.00 on 10-01 naming
	 * 2026-09 -> 2026-09 1000.00 (named), the excess 500.00 to 2026-08 (oldest). */
	ledger_reset(&l);
	aug = charge(&l, 2026, 8, 100000);
	sep = charge(&l, 2026, 9, 100000);
	pay(&l, 5, D(2026, 10, 1), 150000, P(2026, 9));
	ledger_allocate(&l, &E);
	CHECK(l.nalloc == 2 && alloc_is(&l, 0, 5, sep, 100000, LEDGER_NAMED) &&
	      alloc_is(&l, 1, 5, aug, 50000, LEDGER_OLDEST),
	      "the excess over the named period goes to the oldest charge");

	/* Two payments the same day go by id: #7 800.00 and #3 500.00 on 10-05
	 * (added in that order): #3 -> 2026-08 500.00; #7 -> 2026-08 500.00,
	 * 2026-09 300.00. */
	ledger_reset(&l);
	aug = charge(&l, 2026, 8, 100000);
	sep = charge(&l, 2026, 9, 100000);
	pay(&l, 7, D(2026, 10, 5), 80000, LEDGER_NO_PERIOD);
	pay(&l, 3, D(2026, 10, 5), 50000, LEDGER_NO_PERIOD);
	ledger_allocate(&l, &E);
	CHECK(l.nalloc == 3 && alloc_is(&l, 0, 3, aug, 50000, LEDGER_OLDEST) &&
	      alloc_is(&l, 1, 7, aug, 50000, LEDGER_OLDEST) && alloc_is(&l, 2, 7, sep, 30000, LEDGER_OLDEST),
	      "same-day payments are allocated in id order");

	/* Recalculation credit: 2026-09 1000.00 and a recalc of -300.00 in 2026-09:
	 * the period owes 700.00, due Saturday 2026-10-10, moved to Monday 10-12
	 * (Civil Code 193).  As of 2026-11-26 (day 45):
	 *  15 x 70000 x 950 / 3000000 = 332.5 -> 3.33 (half-up; 3.77 before the move) */
	ledger_reset(&l);
	sep = charge(&l, 2026, 9, 100000);
	recalc(&l, 2026, 9, -30000);
	ledger_allocate(&l, &E);
	CHECK(l.entry[sep].net == 70000 && l.entry[1].net == 0, "the credit reduces its period's charge");
	ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 26), &d, &E);
	CHECK(d.nper == 1 && d.per[0].principal == 70000 && d.per[0].charged == 70000 &&
	      d.per[0].penalty == 333, "credit: 700.00 owed, penalty 3.33 on the net charge");

	/* A credit larger than its period: 2026-08 1000.00, 2026-09 1000.00 and a
	 * recalc of -1300.00 in 2026-09: 2026-09 nets to 0, the 300.00 left acts as
	 * a payment on 2026-09-30 (the period's last day) to the oldest: 2026-08.
	 * As of 2026-11-26, 2026-08 (due 09-10): 300.00 paid on day 20 (no
	 * penalty), 700.00 unpaid to day 77: 47 x 70000 x 950 / 3000000 = 1041.83 -> 10.42 */
	ledger_reset(&l);
	aug = charge(&l, 2026, 8, 100000);
	charge(&l, 2026, 9, 100000);
	recalc(&l, 2026, 9, -130000);
	ledger_allocate(&l, &E);
	CHECK(l.nalloc == 1 && alloc_is(&l, 0, 0, aug, 30000, LEDGER_CREDIT) &&
	      l.alloc[0].date == D(2026, 9, 30), "a credit's excess pays the oldest charge on its period's last day");
	ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 26), &d, &E);
	CHECK(d.nper == 1 && d.per[0].period == P(2026, 8) && d.per[0].principal == 70000 &&
	      d.per[0].penalty == 1042, "2026-08 owes 700.00 with a penalty of 10.42");

	/* A payment naming a period with no charge yet (2026-12, on 2026-11-20) is a
	 * prepayment reserved for it, even with 2026-08 unpaid; one naming a past
	 * period without a charge (2026-01) is treated as unnamed. */
	ledger_reset(&l);
	aug = charge(&l, 2026, 8, 100000);
	pay(&l, 8, D(2026, 11, 20), 20000, P(2026, 12));
	pay(&l, 9, D(2026, 11, 21), 10000, P(2026, 1));
	ledger_allocate(&l, &E);
	CHECK(l.nadv == 1 && l.adv[0].payment_id == 8 && l.adv[0].period == P(2026, 12) &&
	      l.adv[0].amount == 20000, "a prepayment for a future period is reserved for it");
	CHECK(l.nalloc == 1 && alloc_is(&l, 0, 9, aug, 10000, LEDGER_OLDEST),
	      "a payment naming a past period without a charge goes to the oldest");
	/* ... and the reserved prepayment is used once 2026-12 is charged */
	charge(&l, 2026, 12, 50000);
	ledger_allocate(&l, &E);
	CHECK(l.nadv == 0 && l.nalloc == 2 && alloc_is(&l, 0, 8, 1, 20000, LEDGER_NAMED),
	      "the prepayment goes to 2026-12 once it is charged");

	/* Legal schedule for 2026-11, advance base (October's charge) 10000.00,
	 * charge 12000.00: 30 % = 3000.00 due 2026-11-10, 40 % = 4000.00 due
	 * 2026-11-25, rest 5000.00 due 2026-12-18. */
	n = ledger_schedule(&R, CUSTOMER_LEGAL, P(2026, 11), 1000000, 1200000, 1, parts, &E);
	CHECK(n == 3 && parts[0].amount == 300000 && parts[0].due == D(2026, 11, 10) &&
	      parts[1].amount == 400000 && parts[1].due == D(2026, 11, 25) && parts[2].amount == 500000 &&
	      parts[2].due == D(2026, 12, 18), "legal schedule: 3000.00 / 4000.00 / 5000.00");
	/* before billing only the advances exist */
	n = ledger_schedule(&R, CUSTOMER_LEGAL, P(2026, 11), 1000000, 0, 0, parts, &E);
	CHECK(n == 2 && parts[0].amount == 300000 && parts[1].amount == 400000,
	      "legal schedule before billing: the two advances");
	/* charge 5000.00 below the advances 7000.00: 3000.00, then 2000.00, no rest */
	n = ledger_schedule(&R, CUSTOMER_LEGAL, P(2026, 11), 1000000, 500000, 1, parts, &E);
	CHECK(n == 2 && parts[0].amount == 300000 && parts[1].amount == 200000,
	      "a charge below the advances caps them");
	/* 30 % of 333.33 = 99.999 -> 100.00, 40 % = 133.332 -> 133.33, rest 433.33 - 233.33 = 200.00 */
	n = ledger_schedule(&R, CUSTOMER_LEGAL, P(2026, 11), 33333, 43333, 1, parts, &E);
	CHECK(n == 3 && parts[0].amount == 10000 && parts[1].amount == 13333 && parts[2].amount == 20000,
	      "advance parts round half-up to kopecks, the rest takes the difference");
	n = ledger_schedule(&R, CUSTOMER_INDIVIDUAL, P(2026, 11), 0, 123456, 1, parts, &E);
	CHECK(n == 1 && parts[0].amount == 123456 && parts[0].due == D(2026, 12, 10),
	      "household schedule: all of it on 2026-12-10");

	/* Legal debt per instalment: the 2026-11 schedule above; 3000.00 paid
	 * 2026-11-20 unnamed goes to the oldest instalment (due 11-10, 10 days late).
	 * As of 2026-11-30: the 4000.00 due 11-25 is 5 days overdue, the rest not due.
	 *  3000.00 paid on day 10: 10 x 300000 x 950 / 1300000 = 2192.31
	 *  4000.00 unpaid, days 1-5: 5 x 400000 x 950 / 1300000 = 1461.54
	 *  period total 3653.85 -> 36.54 (rounded once for the period) */
	ledger_reset(&l);
	n = ledger_schedule(&R, CUSTOMER_LEGAL, P(2026, 11), 1000000, 1200000, 1, parts, &E);
	for (int i = 0; i < n; i++)
		ledger_add_charge(&l, &parts[i], &E);
	pay(&l, 11, D(2026, 11, 20), 300000, LEDGER_NO_PERIOD);
	ledger_allocate(&l, &E);
	CHECK(alloc_is(&l, 0, 11, 0, 300000, LEDGER_OLDEST), "the payment closes the first advance");
	ledger_debt_compute(&l, &R, CUSTOMER_LEGAL, D(2026, 11, 30), &d, &E);
	CHECK(d.nper == 1 && d.per[0].principal == 400000 && d.per[0].due == D(2026, 11, 25) &&
	      d.per[0].days_overdue == 5 && d.per[0].charged == 1200000,
	      "legal: 4000.00 overdue since 2026-11-25, the rest not due yet");
	CHECK(d.per[0].penalty == 3654 && d.per[0].detail.nseg == 2,
	      "legal: penalty 36.54 from two instalments, rounded once");
	CHECK_INT(d.periods, 1, "legal: one overdue period");

	/* Overdue periods and totals (households), as of 2026-11-26:
	 * 2026-08 day 77: 47 x 100000 x 950 / 3000000 = 1488.33 -> 14.88
	 * 2026-09 (due Sat 10-10, moved to 10-12) day 45: 15 x ... = 475 -> 4.75
	 * 2026-10 day 16: 0;  2026-11 (due 12-10) not overdue.
	 * principal 3000.00 over three periods, penalty 19.63. */
	ledger_reset(&l);
	charge(&l, 2026, 8, 100000);
	charge(&l, 2026, 9, 100000);
	charge(&l, 2026, 10, 100000);
	charge(&l, 2026, 11, 100000);
	pay(&l, 12, D(2026, 12, 1), 50000, LEDGER_NO_PERIOD);   /* after the as-of date */
	ledger_allocate(&l, &E);
	ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 26), &d, &E);
	CHECK(d.nper == 3 && d.periods == 3 && d.principal == 300000 && d.penalty == 1488 + 475,
	      "three overdue periods, 3000.00, penalty 19.63; the later payment not counted");
	CHECK(d.per[1].due == D(2026, 10, 12) && d.per[1].due_nominal == D(2026, 10, 10) &&
	      d.per[1].days_overdue == 45, "2026-09: due moved to Monday 10-12, 45 days overdue");
	CHECK(d.per[2].period == P(2026, 10) && d.per[2].principal == 100000 && d.per[2].penalty == 0 &&
	      d.per[2].days_overdue == 16, "2026-10: 16 days overdue, no penalty yet");

	/* A ledger that never had a payment (its payment buffer is NULL): the
	 * SPEC 10 example, 1000.00 due Saturday 2026-10-10 (moved to 10-12) unpaid
	 * as of 2026-11-26, days 31-45 = 15 x 100000 x 950 / 3e6 = 475 kopecks -> 4.75. */
	{
		struct ledger fresh;

		ledger_init(&fresh);
		charge(&fresh, 2026, 9, 100000);
		CHECK_INT(ledger_allocate(&fresh, &E), 0, "a ledger without payments allocates");
		CHECK(ledger_debt_compute(&fresh, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 26), &d, &E) == 0 &&
		      d.principal == 100000 && d.penalty == 475 && d.advance == 0,
		      "without payments: 1000.00 overdue, penalty 4.75");
		ledger_release(&fresh);
	}

	/* Errors */
	{
		struct ledger_charge bad = { P(2026, 9), D(2026, 10, 10), 0, LEDGER_CHARGE };
		struct ledger_payment badp = { 1, D(2026, 10, 1), -5, LEDGER_NO_PERIOD };

		CHECK_INT(ledger_add_charge(&l, &bad, &E), -1, "a zero charge is refused");
		CHECK_INT(E.kind, ERR_DATA, "as bad data");
		CHECK_INT(ledger_add_payment(&l, &badp, &E), -1, "a negative payment is refused");
		ledger_reset(&l);
		charge(&l, 2026, 9, 100);
		CHECK_INT(ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 26), &d, &E), -1,
			  "debt of an unallocated ledger is refused");
	}

	/* ledger_settle: the settled beginning of a ledger (a checkpoint). */
	{
		struct ledger_settled z = { 0 }, st;

		/* On time: 2026-06..09 of 1000.00 (due 07-10 .. 10-10), each paid on
		 * the 5th of the next month naming it.  Cut at most 10-09: September
		 * (due 10-10) cannot settle; through August: from the August due
		 * date 09-10 (the latest settled entry) to the day before
		 * September's payment of 10-05, 10-04. */
		ledger_reset(&l);
		for (int m = 6; m <= 9; m++) {
			charge(&l, 2026, m, 100000);
			pay(&l, m, D(2026, m + 1, 5), 100000, P(2026, m));
		}
		ledger_allocate(&l, &E);
		ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 9), &d, &E);
		CHECK_INT(ledger_settle(&l, &d, &z, D(2026, 10, 9), &st, &E), 1, "on time: settles");
		CHECK(st.period_from == P(2026, 9) && st.cut == D(2026, 10, 4) &&
		      st.due_max == D(2026, 9, 10) && st.penalty == 0,
		      "on time: through 2026-08, cut 10-04, due_max 09-10, no penalty");
		/* a cut that must not be before the previous checkpoint's (10-08)
		 * and after 10-04 for the same periods: none */
		z.cut = D(2026, 10, 8);
		CHECK_INT(ledger_settle(&l, &d, &z, D(2026, 10, 9), &st, &E), 0,
			  "no cut before the previous one");
		z.cut = 0;

		/* A payment split between two periods: 2026-08 and 09 of 1000.00;
		 * 1500.00 on 09-05 unnamed (08: 1000.00, 09: 500.00), 500.00 on
		 * 10-05.  August alone never settles apart (the 09-05 payment is
		 * also September's); both together from September's due 10-10. */
		ledger_reset(&l);
		charge(&l, 2026, 8, 100000);
		charge(&l, 2026, 9, 100000);
		pay(&l, 1, D(2026, 9, 5), 150000, LEDGER_NO_PERIOD);
		pay(&l, 2, D(2026, 10, 5), 50000, LEDGER_NO_PERIOD);
		ledger_allocate(&l, &E);
		ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 9), &d, &E);
		CHECK(ledger_settle(&l, &d, &z, D(2026, 10, 9), &st, &E) == 1 &&
		      st.period_from == P(2026, 9) && st.cut == D(2026, 10, 4) &&
		      st.carry_id == 1 && st.carry_date == D(2026, 9, 5) && st.carry_amount == 50000,
		      "a split payment: August settled, the 500.00 that went to September carried");
		ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 12, 31), &d, &E);
		CHECK(ledger_settle(&l, &d, &z, D(2026, 11, 30), &st, &E) == 1 &&
		      st.period_from == P(2026, 10) && st.cut == D(2026, 11, 30) &&
		      st.due_max == D(2026, 10, 10),
		      "both periods settle together: from 2026-10, cut 11-30");

		/* A partial payer: 2026-06..09 of 1000.00, 600.00 unnamed on the 5th
		 * of 07..10: #1 -> 06 600; #2 -> 06 400, 07 200; #3 -> 07 600; #4
		 * (10-05) -> 07 200, 08 400.  As of 11-09 (cut at most 10-09): June
		 * and July settled, #4's 400.00 carried, cut 10-09 (nothing after).
		 * July (due Monday 08-10) was paid 200.00 on 08-05, 600.00 on 09-05
		 * (day 26) and 200.00 on 10-05 (day 56): days 31-56, 26 x 20000 x
		 * 950 / 3000000 = 164.67 -> 1.65; June paid by day 26: none. */
		ledger_reset(&l);
		for (int m = 6; m <= 9; m++) {
			charge(&l, 2026, m, 100000);
			pay(&l, m - 5, D(2026, m + 1, 5), 60000, LEDGER_NO_PERIOD);
		}
		ledger_allocate(&l, &E);
		ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 9), &d, &E);
		CHECK(ledger_settle(&l, &d, &z, D(2026, 10, 9), &st, &E) == 1 &&
		      st.period_from == P(2026, 8) && st.cut == D(2026, 10, 9) &&
		      st.due_max == D(2026, 8, 10) && st.penalty == 165 && st.carry_id == 4 &&
		      st.carry_date == D(2026, 10, 5) && st.carry_amount == 40000,
		      "a partial payer: through July, penalty 1.65, 400.00 of #4 carried");
		/* and the rest of its ledger read from there gives the whole
		 * ledger's debt: add 600.00 on 11-05; as of 12-20 */
		{
			struct ledger l2;
			struct ledger_debt d2;
			struct ledger_settled st2 = st;

			pay(&l, 5, D(2026, 11, 5), 60000, LEDGER_NO_PERIOD);
			ledger_allocate(&l, &E);
			ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 12, 20), &d, &E);
			ledger_init(&l2);
			ledger_debt_init(&d2);
			charge(&l2, 2026, 8, 100000);
			charge(&l2, 2026, 9, 100000);
			pay(&l2, st2.carry_id, st2.carry_date, st2.carry_amount, LEDGER_NO_PERIOD);
			pay(&l2, 5, D(2026, 11, 5), 60000, LEDGER_NO_PERIOD);
			ledger_allocate(&l2, &E);
			ledger_debt_compute(&l2, &R, CUSTOMER_INDIVIDUAL, D(2026, 12, 20), &d2, &E);
			CHECK(d.principal == d2.principal && d.periods == d2.periods &&
			      d.penalty == d2.penalty + st2.penalty && d.principal == 100000 + 100000 - 100000,
			      "from the checkpoint: the same principal (1000.00), periods and penalty");
			/* the next checkpoint from there (cut at most 11-19): August
			 * settled by #5 (11-05), which leaves nothing: September open */
			CHECK(ledger_settle(&l2, &d2, &st2, D(2026, 11, 19), &st, &E) == 1 &&
			      st.period_from == P(2026, 9) && st.cut == D(2026, 11, 19) &&
			      st.carry_id == 0, "the next checkpoint: through August, nothing carried");
			ledger_debt_release(&d2);
			ledger_release(&l2);
		}

		/* Late: 2026-08 (due 09-10) paid on 10-20, day 40: penalty 3.17 (as
		 * above); 2026-09 unpaid.  As of 12-20, cut at most 11-19: August
		 * settled with its 3.17, cut 11-19 (nothing paid after 10-20). */
		ledger_reset(&l);
		charge(&l, 2026, 8, 100000);
		charge(&l, 2026, 9, 100000);
		pay(&l, 1, D(2026, 10, 20), 100000, P(2026, 8));
		ledger_allocate(&l, &E);
		ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 12, 20), &d, &E);
		CHECK(ledger_settle(&l, &d, &z, D(2026, 11, 19), &st, &E) == 1 &&
		      st.period_from == P(2026, 9) && st.cut == D(2026, 11, 19) && st.penalty == 317,
		      "late: August settled with its final penalty 3.17");

		/* A payment naming a later period before its due: 1000.00 on 09-05
		 * naming 08, 1000.00 on 09-08 naming 09: August cannot settle apart
		 * (a payment on 09-08 <= any cut from 09-10 names September). */
		ledger_reset(&l);
		charge(&l, 2026, 8, 100000);
		charge(&l, 2026, 9, 100000);
		pay(&l, 1, D(2026, 9, 5), 100000, P(2026, 8));
		pay(&l, 2, D(2026, 9, 8), 100000, P(2026, 9));
		ledger_allocate(&l, &E);
		ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 9), &d, &E);
		CHECK(ledger_settle(&l, &d, &z, D(2026, 10, 9), &st, &E) == 0,
		      "a payment naming an open period holds the cut back");

		/* A credit of an open period: 2026-09 has a recalculation of -200.00,
		 * its excess would be a source dated 09-30; August (paid 09-05)
		 * settles with the cut at most 09-29. */
		ledger_reset(&l);
		charge(&l, 2026, 8, 100000);
		charge(&l, 2026, 9, 100000);
		recalc(&l, 2026, 9, -20000);
		pay(&l, 1, D(2026, 9, 5), 100000, P(2026, 8));
		pay(&l, 2, D(2026, 10, 5), 80000, P(2026, 9));
		ledger_allocate(&l, &E);
		ledger_debt_compute(&l, &R, CUSTOMER_INDIVIDUAL, D(2026, 11, 9), &d, &E);
		CHECK(ledger_settle(&l, &d, &z, D(2026, 10, 9), &st, &E) == 1 &&
		      st.period_from == P(2026, 9) && st.cut == D(2026, 9, 29),
		      "a credit of the open period: the cut before its period ends");
	}

	ledger_debt_release(&d);
	ledger_release(&l);
	penalty_rules_release(&R);
	faults_release(&f);
	return check_done();
}
