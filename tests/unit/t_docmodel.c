/* t_docmodel.c - composing a payment document from its rows (docmodel.h),
 * with the shipped rules/ (penalty 9.50 % key rate cap, households due on
 * the 10th of the next month).  Every expected sum is worked by hand below. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "docmodel.h"
#include "faults.h"
#include "penalty.h"
#include "tariff.h"

static struct docmodel_ctx C;

static sdate D(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static void obl(struct docmodel *d, int y, int m, sdate due, money amount)
{
	struct sbyt_err e;
	struct docmodel_obl *o = docmodel_add_obl(d, &e);

	o->period = period_of(D(y, m, 1));
	snprintf(o->kind, sizeof(o->kind), "charge");
	o->due = due;
	o->amount = amount;
}

static void line(struct docmodel *d, const char *kind, money amount)
{
	struct sbyt_err e;
	struct docmodel_line *l = docmodel_add_line(d, &e);

	snprintf(l->kind, sizeof(l->kind), "%s", kind);
	l->zone = 1;
	snprintf(l->volume, sizeof(l->volume), "123.000");
	l->amount = amount;
}

static void pay(struct docmodel *d, int64_t id, sdate on, money amount)
{
	struct sbyt_err e;
	struct docmodel_pay *p = docmodel_add_pay(d, &e);

	p->id = id;
	p->date = on;
	p->amount = amount;
	p->period = LEDGER_NO_PERIOD;
}

static void npay(struct docmodel *d, int64_t id, sdate on, money amount, int y, int m)
{
	pay(d, id, on, amount);
	d->pay[d->npay - 1].period = period_of(D(y, m, 1));
}

static void start(struct docmodel *d, const char *account, const char *name, const char *address)
{
	docmodel_reset(d);
	d->period = period_of(D(2026, 11, 1));
	d->number = 1;
	docmodel_set(d->account, sizeof(d->account), account);
	docmodel_set(d->name, sizeof(d->name), name);
	docmodel_set(d->address, sizeof(d->address), address);
}

int main(void)
{
	struct tariff_rules *tr = NULL;
	struct penalty_rules pr;
	struct faults f = FAULTS_INIT;
	struct docmodel d, copy;
	struct sbyt_err e;
	char buf[32];

	memset(&pr, 0, sizeof(pr));
	if (tariff_rules_load("rules", &tr, &f) || penalty_rules_load("rules", &pr, &f)) {
		faults_print(&f, stdout);
		return 1;
	}
	docmodel_ctx_init(&C, tariff_supplier(tr), tariff_billing(tr), &pr);
	docmodel_init(&d);
	docmodel_init(&copy);

	/* A household that owes 1363.54 for each of 2026-08, -09, -10 (due
	 * 09-10 Thu, 10-10 Sat moved to Mon 10-12 (Civil Code 193), 11-10 Tue)
	 * and paid nothing; November charges 697.41.  Penalty at 1/300 of
	 * 9.5 % from day 31.  By 10-31: August's days 31-51 (10-11..10-31):
	 * 21 x 1363.54 x 0.095 / 300 = 9.0675 -> 9.07; September's day 31 is
	 * 11-12: none; opening 3 x 1363.54 + 9.07 = 4099.69.  By 11-30: August
	 * days 31-81 (51 days) = 22.0212 -> 22.02, September days 31-49
	 * (11-12..11-30, 19 days) = 8.2037 -> 8.20, October none: 30.22; the
	 * period's penalty 30.22 - 9.07 = 21.15.
	 * Total 4099.69 + 697.41 + 21.15 = 4818.25, due 2026-12-10. */
	start(&d, "7201000006", "Иванов Иван Иванович", "г. Тверь, ул. Советская, д. 1, кв. 2");
	line(&d, "charge", 69741);
	obl(&d, 2026, 8, D(2026, 9, 10), 136354);
	obl(&d, 2026, 9, D(2026, 10, 10), 136354);
	obl(&d, 2026, 10, D(2026, 11, 10), 136354);
	obl(&d, 2026, 11, D(2026, 12, 10), 69741);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "a debtor composes");
	CHECK_INT(d.opening, 409969, "opening 4099.69");
	CHECK_INT(d.charged, 69741, "charged 697.41");
	CHECK_INT(d.penalty, 2115, "penalty of the period 21.15");
	CHECK_INT(d.has_penalty_line, 0, "the penalty is the ledger's, not a line");
	CHECK_INT(d.paid, 0, "nothing paid");
	CHECK_INT(d.total, 481825, "total 4818.25");
	CHECK_STR(date_format(d.due, buf), "2026-12-10", "due: the period's obligation");
	CHECK(strstr(d.qr, "|PersAcc=7201000006|Sum=481825|PaymPeriod=112026|") != NULL,
	      "the QR carries the account, the total in kopecks and the period");
	CHECK(strstr(d.qr, "|LastName=Иванов|FirstName=Иван|MiddleName=Иванович|") != NULL,
	      "a household's name is split for the QR");
	CHECK(strncmp(d.qr, "ST00012|Name=", 13) == 0, "the QR starts with the service block");

	/* An advance: 100.00 paid on 10-20, 50.00 on 11-05 and 30.00 on 11-20,
	 * no earlier obligations.  opening = -100.00; paid = 80.00 (last on
	 * 11-20); total = -100.00 + 697.41 - 80.00 = 517.41; no penalty
	 * (nothing overdue). */
	start(&d, "7201000007", "Петров Пётр", "г. Тверь");
	line(&d, "charge", 69741);
	obl(&d, 2026, 11, D(2026, 12, 10), 69741);
	pay(&d, 1, D(2026, 10, 20), 10000);
	pay(&d, 2, D(2026, 11, 5), 5000);
	pay(&d, 3, D(2026, 11, 20), 3000);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "an advance composes");
	CHECK_INT(d.opening, -10000, "opening -100.00");
	CHECK_INT(d.paid, 8000, "paid 80.00 within the period");
	CHECK_STR(date_format(d.last_paid_on, buf), "2026-11-20", "the last payment's date");
	CHECK_INT(d.penalty, 0, "no penalty");
	CHECK_INT(d.total, 51741, "total 517.41");

	/* A recalculation (-50.00) and a penalty line written by bill (12.34),
	 * no obligations at all: due from the billing rules (10th, one month
	 * on: 2026-12-10); total 697.41 - 50.00 + 12.34 = 659.75.  An address
	 * with "|" cannot go into the QR: the payer's details are left out. */
	start(&d, "7201000008", "ООО Ромашка", "г. Тверь | склад");
	d.legal = 1;
	line(&d, "charge", 69741);
	line(&d, "recalc", -5000);
	line(&d, "penalty", 1234);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "a legal entity composes");
	CHECK_INT(d.recalc, -5000, "recalc -50.00");
	CHECK_INT(d.penalty, 1234, "the penalty line as written");
	CHECK_INT(d.has_penalty_line, 1, "the penalty is a line");
	CHECK_INT(d.total, 65975, "total 659.75");
	CHECK_STR(date_format(d.due, buf), "2026-12-10", "due from the billing rules");
	CHECK(strstr(d.qr, "PayerAddress") == NULL && strstr(d.qr, "LastName") == NULL,
	      "payer details dropped, not re-separated");
	CHECK(strstr(d.qr, "|Sum=65975|") != NULL, "the sum stays");

	/* Nothing due: no Sum in the QR. */
	start(&d, "7201000009", "Сидоров", "г. Тверь");
	line(&d, "charge", 10000);
	pay(&d, 1, D(2026, 11, 3), 10000);
	CHECK(docmodel_compose(&C, &d, &e) == 0 && d.total == 0, "paid in full: total 0.00");
	CHECK(strstr(d.qr, "Sum=") == NULL, "no Sum when nothing is due");

	/* Due dates on days off (Civil Code art. 193, rules/calendar/ru-2026.xml):
	 * September's 2026-10-10 is a Saturday, 10-11 a Sunday: printed 10-12,
	 * the schedule's date kept beside it.  A working day stays. */
	start(&d, "7201000010", "Соколов", "г. Тверь");
	d.period = period_of(D(2026, 9, 1));
	line(&d, "charge", 10000);
	obl(&d, 2026, 9, D(2026, 10, 10), 10000);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "a due date on a Saturday composes");
	CHECK_STR(date_format(d.due, buf), "2026-10-12", "Saturday 10-10 moves to Monday 10-12");
	CHECK_STR(date_format(d.due_nominal, buf), "2026-10-10", "the schedule's date is kept");
	/* issued before: as issued with the moved date, or with the schedule's
	 * (before documents moved it: kept as issued); any other date changed */
	d.issued_before = 1;
	d.was_total = d.total;
	snprintf(d.was_qr, sizeof(d.was_qr), "%s", d.qr);
	d.was_due = D(2026, 10, 12);
	CHECK_INT(docmodel_as_issued(&d), 1, "issued with the moved date: the same");
	d.was_due = D(2026, 10, 10);
	CHECK_INT(docmodel_as_issued(&d), 1, "issued with the schedule's date: the same");
	CHECK_STR(date_format(d.due, buf), "2026-10-10", "... and re-issued with that date");
	d.due = D(2026, 10, 12);
	d.was_due = D(2026, 10, 11);
	CHECK_INT(docmodel_as_issued(&d), 0, "issued with another date: changed");
	d.was_due = D(2026, 10, 12);
	d.was_total = d.total + 1;
	CHECK_INT(docmodel_as_issued(&d), 0, "another total: changed");
	/* a due date in a year without a calendar is never guessed */
	start(&d, "7201000011", "Соколова", "г. Тверь");
	d.period = period_of(D(2030, 11, 1));
	line(&d, "charge", 10000);
	obl(&d, 2030, 11, D(2030, 12, 10), 10000);
	CHECK_INT(docmodel_compose(&C, &d, &e), -1, "a due date in 2030: no calendar");
	CHECK_INT(e.kind, ERR_CONFIG, "... a configuration error (exit 78)");
	CHECK(strstr(e.msg, "account 7201000011: due date 2030-12-10: no production calendar for 2030")
	      != NULL, "... naming the account, the date and the year");

	/* The settled history (docmodel_settle(), sql/260).  The debtor above
	 * (nothing paid) settles nothing. */
	start(&d, "7201000006", "Иванов", "г. Тверь");
	line(&d, "charge", 69741);
	obl(&d, 2026, 8, D(2026, 9, 10), 136354);
	obl(&d, 2026, 11, D(2026, 12, 10), 69741);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "settle: a debtor composes");
	docmodel_settle(&C, &d);
	CHECK_INT(d.settled, 0, "settle: a debtor carries nothing");

	/* 1000.00 for each of 08, 09, 10 (due the 10th of the next month),
	 * August paid late on 10-20 (40 days overdue: days 31-40 at 1/300 of
	 * 9.5 %: 10 x 1000.00 x 0.095 / 300 = 3.1667 -> 3.17), September and
	 * October on the 5th naming them; November charges 500.00.  November's
	 * document settles up to October, paid on 11-05: carry 0.00 and 3.17
	 * of penalty, no rests.  Then December's document (500.00 charged,
	 * November paid on 12-05) from the carry equals the one from all rows:
	 * opening 3,500.00 + 3.17 - 3,000.00 = 503.17, total 503.17. */
	start(&d, "7201000012", "Орлов", "г. Тверь");
	line(&d, "charge", 50000);
	obl(&d, 2026, 8, D(2026, 9, 10), 100000);
	obl(&d, 2026, 9, D(2026, 10, 10), 100000);
	obl(&d, 2026, 10, D(2026, 11, 10), 100000);
	obl(&d, 2026, 11, D(2026, 12, 10), 50000);
	npay(&d, 1, D(2026, 10, 20), 100000, 2026, 8);
	npay(&d, 2, D(2026, 10, 5), 100000, 2026, 9);
	npay(&d, 3, D(2026, 11, 5), 100000, 2026, 10);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "settle: a late payer composes");
	docmodel_settle(&C, &d);
	CHECK_INT(d.settled, 1, "settle: paid off up to October");
	CHECK_STR(date_format(period_first(d.settle_period), buf), "2026-10-01", "... through October");
	CHECK_STR(date_format(d.settle_cut, buf), "2026-11-05", "... by the payments up to 11-05");
	CHECK_INT(d.settle_amount, 0, "... leaving 0.00");
	CHECK_INT(d.settle_penalty, 317, "... and August's penalty 3.17");
	CHECK_INT(d.pay[0].rest + d.pay[1].rest + d.pay[2].rest, 0, "... no rests");
	{
		struct docmodel full;
		speriod sp = d.settle_period;
		sdate cut = d.settle_cut;
		money sa = d.settle_amount, spen = d.settle_penalty;

		docmodel_init(&full);
		start(&full, "7201000012", "Орлов", "г. Тверь");
		full.period = period_of(D(2026, 12, 1));
		line(&full, "charge", 50000);
		obl(&full, 2026, 8, D(2026, 9, 10), 100000);
		obl(&full, 2026, 9, D(2026, 10, 10), 100000);
		obl(&full, 2026, 10, D(2026, 11, 10), 100000);
		obl(&full, 2026, 11, D(2026, 12, 10), 50000);
		obl(&full, 2026, 12, D(2027, 1, 11), 50000);
		npay(&full, 1, D(2026, 10, 20), 100000, 2026, 8);
		npay(&full, 2, D(2026, 10, 5), 100000, 2026, 9);
		npay(&full, 3, D(2026, 11, 5), 100000, 2026, 10);
		npay(&full, 4, D(2026, 12, 5), 50000, 2026, 11);
		CHECK(docmodel_compose(&C, &full, &e) == 0, "settle: December from all rows");
		docmodel_settle(&C, &full);  /* before the context composes another */
		start(&d, "7201000012", "Орлов", "г. Тверь");
		d.period = period_of(D(2026, 12, 1));
		d.has_carry = 1;
		d.carry_period = sp;
		d.carry_cut = cut;
		d.carry_amount = sa;
		d.carry_penalty = spen;
		line(&d, "charge", 50000);
		obl(&d, 2026, 11, D(2026, 12, 10), 50000);
		obl(&d, 2026, 12, D(2027, 1, 11), 50000);
		npay(&d, 4, D(2026, 12, 5), 50000, 2026, 11);
		CHECK(docmodel_compose(&C, &d, &e) == 0, "settle: December from the carry");
		CHECK_INT(full.opening, 50317, "settle: December's opening 503.17 from all rows");
		CHECK_INT(d.opening, full.opening, "... and from the carry");
		CHECK_INT(d.penalty, full.penalty, "... the same penalty");
		CHECK_INT(d.total, full.total, "... the same total");
		CHECK_STR(d.qr, full.qr, "... the same QR");
		docmodel_settle(&C, &d);
		CHECK(full.settled && d.settled && full.settle_period == d.settle_period &&
		      full.settle_cut == d.settle_cut && full.settle_amount == d.settle_amount &&
		      full.settle_penalty == d.settle_penalty, "... and the same next carry");
		CHECK_STR(date_format(d.settle_cut, buf), "2026-12-05", "... through November, by 12-05");
		docmodel_release(&full);
	}

	/* Paying 1010.00 unnamed on 09-05, 10-05, 11-05 for 1000.00 a month
	 * (08, 09, 10; November 1000.00): 09-05 pays August and 10.00 of
	 * September, 10-05 990.00 of September and 20.00 of October, 11-05
	 * 980.00 of October and 30.00 of November.  Settled up to October by
	 * 11-05, whose rest is the 30.00 that went to November; amount 3,000.00
	 * - (1,010.00 + 1,010.00 + 980.00) = 0. */
	start(&d, "7201000013", "Волков", "г. Тверь");
	line(&d, "charge", 100000);
	obl(&d, 2026, 8, D(2026, 9, 10), 100000);
	obl(&d, 2026, 9, D(2026, 10, 10), 100000);
	obl(&d, 2026, 10, D(2026, 11, 10), 100000);
	obl(&d, 2026, 11, D(2026, 12, 10), 100000);
	pay(&d, 1, D(2026, 9, 5), 101000);
	pay(&d, 2, D(2026, 10, 5), 101000);
	pay(&d, 3, D(2026, 11, 5), 101000);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "settle: an overpayer composes");
	docmodel_settle(&C, &d);
	CHECK(d.settled && d.settle_period == period_of(D(2026, 10, 1)) && d.settle_cut == D(2026, 11, 5),
	      "settle: an overpayer settles up to October by 11-05");
	CHECK_INT(d.settle_amount, 0, "... leaving 0.00");
	CHECK_INT(d.pay[2].rest, 3000, "... 11-05's rest 30.00 (gone to November)");
	CHECK_INT(d.pay[0].rest + d.pay[1].rest, 0, "... the earlier ones none");

	/* A credit of a later period that pays an earlier one: August 1000.00,
	 * September 200.00 and a recalculation of -1500.00, October 1000.00.
	 * September's credit takes its 200.00 charge and acts with 1300.00 as
	 * a payment of 09-30: August's 1000.00 and 300.00 of October.  Neither
	 * August (paid by September's credit) nor September (its credit's
	 * excess went to October) can be carried. */
	start(&d, "7201000014", "Зайцев", "г. Тверь");
	line(&d, "charge", 10000);
	obl(&d, 2026, 8, D(2026, 9, 10), 100000);
	obl(&d, 2026, 9, D(2026, 10, 10), 20000);
	obl(&d, 2026, 9, D(2026, 10, 10), -150000);
	obl(&d, 2026, 10, D(2026, 11, 10), 100000);
	obl(&d, 2026, 11, D(2026, 12, 10), 10000);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "settle: a credit composes");
	CHECK_INT(d.opening, 70000, "... opening 1000.00 + 200.00 - 1500.00 + 1000.00 = 700.00");
	docmodel_settle(&C, &d);
	CHECK_INT(d.settled, 0, "settle: a credit's excess crossing periods carries nothing");

	/* A prepayment of 100.00 on 07-15 naming July, which has no charge:
	 * reserved for July, where it stays; with August to October paid on
	 * the 5th, nothing is carried (a settled period may not hold one). */
	start(&d, "7201000015", "Лисицын", "г. Тверь");
	line(&d, "charge", 10000);
	obl(&d, 2026, 8, D(2026, 9, 10), 100000);
	obl(&d, 2026, 9, D(2026, 10, 10), 100000);
	obl(&d, 2026, 10, D(2026, 11, 10), 100000);
	obl(&d, 2026, 11, D(2026, 12, 10), 10000);
	npay(&d, 1, D(2026, 7, 15), 10000, 2026, 7);
	npay(&d, 2, D(2026, 9, 5), 100000, 2026, 8);
	npay(&d, 3, D(2026, 10, 5), 100000, 2026, 9);
	npay(&d, 4, D(2026, 11, 5), 100000, 2026, 10);
	CHECK(docmodel_compose(&C, &d, &e) == 0, "settle: a reserved prepayment composes");
	docmodel_settle(&C, &d);
	CHECK_INT(d.settled, 0, "settle: a prepayment reserved for a settled period carries nothing");

	/* A copy owns its memory. */
	CHECK(docmodel_set_warning(&d, "ПРЕДУПРЕЖДЕНИЕ", &e) == 0, "a warning is set");
	CHECK(docmodel_copy(&copy, &d, &e) == 0, "a model copies");
	docmodel_reset(&d);
	CHECK_STR(copy.w_text, "ПРЕДУПРЕЖДЕНИЕ", "the copy keeps the warning");
	CHECK_INT(copy.nline, 1, "the copy keeps its lines");
	CHECK_INT(copy.line[0].amount, 10000, "and their amounts");

	docmodel_release(&d);
	docmodel_release(&copy);
	docmodel_ctx_release(&C);
	tariff_rules_free(tr);
	penalty_rules_release(&pr);
	return check_done();
}
