/* t_bill.c - bills of one account-period worked by hand (SPEC 7).
 *
 * Units: volumes in milli-kWh, amounts in kopecks.  An amount is
 * kWh x roubles/kWh x 100, rounded half-up once.  Tariffs are the shipped
 * rules/tariffs.xml (urban_gas single rate 2.95 / 7.81 / 10.30 from
 * 2025-07-01, band 1 3.00 from 2026-01-01, 3.34 from 2026-10-01; the zone
 * tariffs are its marked samples: 2025 day 3.39 night 1.77; 2026-10 peak
 * 4.00, night 2.00, half-peak 3.34); the mid-month change uses a scratch
 * rules dir. */
#include "bill.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define K(x) ((int64_t)(x) * 1000) /* kWh to milli-kWh */

static struct tariff_rules *R;

static void base(struct bill_input *in, int y, int m, const char *category, int zones)
{
	memset(in, 0, sizeof(*in));
	in->account = "7201000123";
	in->period = period_from_ym(y, m);
	in->kind = BILL_INDIVIDUAL;
	in->category = category;
	in->zones = zones;
	in->digits = 6;
	in->verified_until = BILL_NO_DATE;
	in->residents = 1;
	in->rooms = 1;
}

static void reading(struct bill_input *in, int zone, int64_t previous, int64_t current)
{
	in->reading[zone - 1].previous = previous;
	in->reading[zone - 1].current = current;
	in->reading[zone - 1].has_current = 1;
}

/* The line of kind for (period, zone, band) whose day range starts on
 * `from_day` (0: any), or NULL. */
static const struct bill_line *line(const struct bill_result *b, enum bill_line_kind kind,
				    speriod p, int zone, int band, int from_day)
{
	for (int i = 0; i < b->nlines; i++) {
		const struct bill_line *l = &b->lines[i];
		int d;

		date_to_ymd(l->from, NULL, NULL, &d);
		if (l->kind == kind && l->period == p && l->zone == zone && l->band == band &&
		    (!from_day || d == from_day))
			return l;
	}
	return NULL;
}

/* CHECK a line's volume and amount in one go. */
#define LINE(b, kind, p, zone, band, from, vol, amt, name)                                   \
	do {                                                                                 \
		const struct bill_line *l_ = line(b, kind, p, zone, band, from);             \
		CHECK(l_ && l_->volume == (vol) && l_->amount == (amt), name);               \
		if (l_ && (l_->volume != (vol) || l_->amount != (amt)))                      \
			printf("#   got volume %lld amount %lld\n", (long long)l_->volume,      \
			       (long long)l_->amount);                                       \
		if (!l_)                                                                     \
			printf("#   no such line\n");                                        \
	} while (0)

static int compute(const struct bill_input *in, struct bill_result *b)
{
	struct sbyt_err e;
	int rc = bill_compute(R, in, b, &e);

	if (rc < 0)
		printf("# bill_compute: %s\n", e.msg);
	return rc;
}

/* A rules dir whose urban_gas single rate changes on 2026-03-16. */
static char dir[64];
static const char *MID[] = {
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	"<Tariffs>",
	"<ZoneHours>",
	"<Zone scheme=\"1\" zone=\"1\" name=\"a\" hours=\"0-24\"/>",
	"<Zone scheme=\"2\" zone=\"1\" name=\"d\" hours=\"7-23\"/>",
	"<Zone scheme=\"2\" zone=\"2\" name=\"n\" hours=\"23-24,0-7\"/>",
	"<Zone scheme=\"3\" zone=\"1\" name=\"p\" hours=\"7-10,17-21\"/>",
	"<Zone scheme=\"3\" zone=\"2\" name=\"n\" hours=\"23-24,0-7\"/>",
	"<Zone scheme=\"3\" zone=\"3\" name=\"h\" hours=\"10-17,21-23\"/>",
	"</ZoneHours>",
	"<Category code=\"urban_gas\" name=\"g\" band1Coefficient=\"1\">",
	"<Limits from=\"2025-07-01\" months=\"1-12\" band1=\"3900\" band2=\"6000\"/>",
	"<Tariff from=\"2026-01-01\" to=\"2026-03-15\" zones=\"1\">",
	"<Rate zone=\"1\" band1=\"3.00\" band2=\"7.94\" band3=\"10.48\"/>",
	"</Tariff>",
	"<Tariff from=\"2026-03-16\" zones=\"1\">",
	"<Rate zone=\"1\" band1=\"3.30\" band2=\"8.50\" band3=\"11.00\"/>",
	"</Tariff>",
	"</Category>",
	"<Category code=\"urban_electric\" name=\"e\" band1Coefficient=\"0.7\" rates=\"urban_gas\">",
	"<Limits from=\"2025-07-01\" months=\"1-12\" band1=\"3900\" band2=\"6000\"/>",
	"</Category>",
	"<Category code=\"rural\" name=\"r\" band1Coefficient=\"0.7\" rates=\"urban_gas\">",
	"<Limits from=\"2025-07-01\" months=\"1-12\" band1=\"3900\" band2=\"6000\"/>",
	"</Category>",
	"</Tariffs>",
};

static void copy(const char *name)
{
	char src[256], dst[256], buf[4096];
	FILE *in, *out;
	size_t n;

	snprintf(src, sizeof(src), "rules/%s", name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	in = fopen(src, "r");
	out = fopen(dst, "w");
	while (in && out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

static const char *FILES[] = { "tariffs", "norms", "vat", "prices", "billing", "supplier" };

static struct tariff_rules *mid_month_rules(void)
{
	struct tariff_rules *r = NULL;
	struct faults f = FAULTS_INIT;
	char p[256];
	FILE *out;

	snprintf(dir, sizeof(dir), "/tmp/t_bill.XXXXXX");
	if (!mkdtemp(dir))
		return NULL;
	snprintf(p, sizeof(p), "%s/schema", dir);
	mkdir(p, 0700);
	for (int i = 0; i < 6; i++) {
		snprintf(p, sizeof(p), "%s.xml", FILES[i]);
		copy(p);
		snprintf(p, sizeof(p), "schema/%s.xsd", FILES[i]);
		copy(p);
	}
	snprintf(p, sizeof(p), "%s/tariffs.xml", dir);
	out = fopen(p, "w");
	for (size_t i = 0; out && i < sizeof(MID) / sizeof(MID[0]); i++)
		fprintf(out, "%s\n", MID[i]);
	if (out)
		fclose(out);
	if (tariff_rules_load(dir, &r, &f) < 0)
		faults_print(&f, stdout);
	faults_release(&f);
	for (int i = 0; i < 6; i++) {
		snprintf(p, sizeof(p), "%s/%s.xml", dir, FILES[i]);
		unlink(p);
		snprintf(p, sizeof(p), "%s/schema/%s.xsd", dir, FILES[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/schema", dir);
	rmdir(p);
	rmdir(dir);
	return r;
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct bill_input in;
	struct bill_result b;
	struct sbyt_err e;
	char db[DATE_BUF];

	if (tariff_rules_load("rules", &R, &f) < 0) {
		faults_print(&f, stdout);
		CHECK(0, "shipped rules load");
		return check_done();
	}

	/* ---- splitting helpers ---- */
	{
		int64_t w[3] = { 5000000, 2000000, 0 }, out[3];

		/* 3,100,000 x 5/7 = 2,214,285.7 -> 2,214,285; x 2/7 = 885,714.3 ->
		 * 885,714; remainder 1 to the largest weight (zone 1). */
		bill_split(3100000, w, 3, out);
		CHECK(out[0] == 2214286 && out[1] == 885714 && out[2] == 0, "split: floor, remainder to the largest");
		/* 2 in three equal parts: each floor(2/3) = 0, the remainder 2 to
		 * the first of the equal weights. */
		w[0] = w[1] = w[2] = 1;
		bill_split(2, w, 3, out);
		CHECK(out[0] == 2 && out[1] == 0 && out[2] == 0, "split: remainder to the first among equals");
	}
	{
		int64_t v;

		/* 5-digit register: 99,900.5 -> 120.3 is 100,000 - 99,900.5 + 120.3 = 219.8 kWh */
		CHECK(bill_consumption(99900500, 120300, 5, &v, &e) == 0 && v == 219800,
		      "rollover: 10^5 - 99900.5 + 120.3 = 219.8 kWh");
		CHECK_INT(bill_consumption(500000, 400000, 5, &v, &e), -1,
			  "a drop of 100 kWh on a 5-digit meter is not a rollover");
		CHECK_INT(bill_consumption(99900500, 120300, 0, &v, &e), -1,
			  "no rollover without known digits");
	}

	/* ---- 1. one zone, actual reading ----
	 * urban_gas 2026-03: 10,000 -> 10,250 = 250 kWh, band 1 at 3.00:
	 * 250 x 3.00 = 750.00 -> 75000; due the 10th of next month. */
	base(&in, 2026, 3, "urban_gas", 1);
	reading(&in, 1, K(10000), K(10250));
	CHECK_INT(compute(&in, &b), 0, "1: one-zone bill computes");
	CHECK_INT(b.basis, BILL_READING, "1: basis is the reading");
	CHECK_INT(b.nlines, 1, "1: one line");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(250), 75000, "1: 250 kWh x 3.00 = 750.00");
	CHECK_INT(b.lines[0].tariff, 3000000, "1: tariff 3.00 roubles = 3000000 units");
	CHECK_INT(b.total, 75000, "1: total 750.00");
	CHECK_STR(date_format(b.due, db), "2026-04-10", "1: due 2026-04-10");
	CHECK(b.nmonths == 1 && b.months[0].volume[0] == K(250), "1: the month goes to history");
	CHECK_INT(b.estimated_run, 0, "1: no estimated run");
	bill_result_release(&b);

	/* ---- 2. two zones ----
	 * urban_gas 2025-11, 2-zone sample day 3.39 night 1.77; T1 5,000 -> 5,180
	 * = 180 kWh, T2 2,000 -> 2,090 = 90 kWh; total 270 < 3,900: band 1.
	 * 180 x 3.39 = 610.20 -> 61020; 90 x 1.77 = 159.30 -> 15930; total 76950. */
	base(&in, 2025, 11, "urban_gas", 2);
	reading(&in, 1, K(5000), K(5180));
	reading(&in, 2, K(2000), K(2090));
	CHECK_INT(compute(&in, &b), 0, "2: two-zone bill computes");
	CHECK_INT(b.nlines, 2, "2: two lines");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(180), 61020, "2: day 180 x 3.39 = 610.20");
	LINE(&b, BILL_CHARGE, in.period, 2, 1, 1, K(90), 15930, "2: night 90 x 1.77 = 159.30");
	CHECK_INT(b.total, 76950, "2: total 769.50");
	CHECK(b.lines[0].sample, "2: the zone tariff is flagged as a sample");
	bill_result_release(&b);

	/* ---- 3. three zones ----
	 * urban_gas 2026-10 (indexed +11.2 %, samples): peak 4.00, night 2.00,
	 * half-peak 3.34; T1 100, T2 150, T3 200 kWh (450 < 3,900).
	 * 100 x 4.00 = 400.00; 150 x 2.00 = 300.00; 200 x 3.34 = 668.00;
	 * total 1,368.00 = 136800. */
	base(&in, 2026, 10, "urban_gas", 3);
	reading(&in, 1, K(1000), K(1100));
	reading(&in, 2, K(2000), K(2150));
	reading(&in, 3, K(3000), K(3200));
	CHECK_INT(compute(&in, &b), 0, "3: three-zone bill computes");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(100), 40000, "3: peak 100 x 4.00 = 400.00");
	LINE(&b, BILL_CHARGE, in.period, 2, 1, 1, K(150), 30000, "3: night 150 x 2.00 = 300.00");
	LINE(&b, BILL_CHARGE, in.period, 3, 1, 1, K(200), 66800, "3: half-peak 200 x 3.34 = 668.00");
	CHECK_INT(b.total, 136800, "3: total 1368.00");
	bill_result_release(&b);

	/* ---- 4. the tariff change of 1 October 2026 ----
	 * Same 250 kWh in September (3.00: 750.00) and October (3.34: 835.00);
	 * the change is on the period boundary, so no split. */
	base(&in, 2026, 9, "urban_gas", 1);
	reading(&in, 1, K(10000), K(10250));
	compute(&in, &b);
	CHECK(b.nlines == 1 && b.total == 75000, "4: September 2026: 250 x 3.00 = 750.00");
	bill_result_release(&b);
	base(&in, 2026, 10, "urban_gas", 1);
	reading(&in, 1, K(10250), K(10500));
	compute(&in, &b);
	CHECK(b.nlines == 1 && b.total == 83500 && b.lines[0].tariff == 3340000,
	      "4: October 2026: 250 x 3.34 = 835.00");
	bill_result_release(&b);

	/* ---- 5. rollover ----
	 * 5-digit meter, 99,900.5 -> 120.3: 219.8 kWh in 2026-02 at 3.00 =
	 * 659.40 -> 65940.  A drop of 100 kWh is refused as a data error. */
	base(&in, 2026, 2, "urban_gas", 1);
	in.digits = 5;
	reading(&in, 1, 99900500, 120300);
	CHECK_INT(compute(&in, &b), 0, "5: rollover bill computes");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 219800, 65940, "5: 219.8 x 3.00 = 659.40");
	bill_result_release(&b);
	reading(&in, 1, K(500), K(400));
	CHECK_INT(bill_compute(R, &in, &b, &e), -1, "5: a decreasing reading is refused");
	CHECK(e.kind == ERR_DATA && strstr(e.msg, "zone 1") != NULL, "5: ... as data, naming the zone");
	bill_result_release(&b);

	/* ---- 6. estimate ----
	 * 2026-04 without a reading.  History: 2026-03 300, 2026-02 320, 2026-01
	 * 311 kWh (actual); 2025-03 1,000 (13 months back: outside the 12);
	 * 2025-12 5,000 billed by estimate (not actual): ignored.
	 * Average (300 + 320 + 311) / 3 = 310.333... kWh -> 310,333 milli-kWh;
	 * 310.333 x 3.00 = 930.999 -> 931.00 = 93100. */
	{
		struct bill_month h[5] = {
			{ period_from_ym(2026, 3), BILL_READING, { K(300), 0, 0 } },
			{ period_from_ym(2026, 2), BILL_READING, { K(320), 0, 0 } },
			{ period_from_ym(2026, 1), BILL_READING, { K(311), 0, 0 } },
			{ period_from_ym(2025, 3), BILL_READING, { K(1000), 0, 0 } },
			{ period_from_ym(2025, 12), BILL_ESTIMATE, { K(5000), 0, 0 } },
		};

		base(&in, 2026, 4, "urban_gas", 1);
		in.history = h;
		in.nhistory = 5;
		CHECK_INT(compute(&in, &b), 0, "6: estimated bill computes");
		CHECK_INT(b.basis, BILL_ESTIMATE, "6: basis is the estimate");
		LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 310333, 93100,
		     "6: average 310.333 kWh x 3.00 = 931.00");
		CHECK_INT(b.estimated_run, 1, "6: first estimated period");
		CHECK_INT(b.nmonths, 0, "6: an estimate is not history");
		bill_result_release(&b);

		/* ---- 7. too little history: the norm ----
		 * Only 2 actual months (2026-03, 2026-02): urban_gas 1 room, nobody
		 * registered counts as 1 person: 132 kWh x 3.00 = 396.00. */
		in.nhistory = 2;
		in.residents = 0;
		CHECK_INT(compute(&in, &b), 0, "7: short history bill computes");
		CHECK_INT(b.basis, BILL_NORM, "7: fewer than 3 months of history: the norm");
		LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(132), 39600, "7: 132 kWh x 3.00 = 396.00");
		bill_result_release(&b);

		/* ---- 8. the fourth month without readings goes to the norm ----
		 * 2-zone meter, 2026-01..03 estimated (3 in a row), history is
		 * enough, but 2026-04 is the 4th: norm.  2 rooms, 3 residents: 74 x 3
		 * = 222 kWh on the single-rate tariff (3.00, not the day 3.45):
		 * 222 x 3.00 = 666.00. */
		{
			struct bill_month est[3] = {
				{ period_from_ym(2026, 1), BILL_ESTIMATE, { K(200), K(100), 0 } },
				{ period_from_ym(2026, 2), BILL_ESTIMATE, { K(200), K(100), 0 } },
				{ period_from_ym(2026, 3), BILL_ESTIMATE, { K(200), K(100), 0 } },
			};
			struct bill_month h2[3] = {
				{ period_from_ym(2025, 12), BILL_READING, { K(200), K(100), 0 } },
				{ period_from_ym(2025, 11), BILL_READING, { K(200), K(100), 0 } },
				{ period_from_ym(2025, 10), BILL_READING, { K(200), K(100), 0 } },
			};

			base(&in, 2026, 4, "urban_gas", 2);
			in.rooms = 2;
			in.residents = 3;
			in.history = h2;
			in.nhistory = 3;
			/* with only Feb and Mar estimated before, April is the 3rd in a
			 * row: still an estimate (average 200 / 100 kWh) */
			in.estimated = &est[1];
			in.nestimated = 2;
			CHECK_INT(compute(&in, &b), 0, "8: third month computes");
			CHECK_INT(b.basis, BILL_ESTIMATE, "8: the third month is still estimated");
			CHECK_INT(b.estimated_run, 3, "8: ... the third in a row");
			CHECK(b.nlines == 2 && b.volume[0] == K(200) && b.volume[1] == K(100),
			      "8: ... at the zones' averages");
			bill_result_release(&b);
			in.estimated = est; /* Jan and Feb are not the two months before April */
			CHECK_INT(bill_compute(R, &in, &b, &e), -1, "8: a wrong estimated list is refused");
			bill_result_release(&b);
			in.estimated = est;
			in.nestimated = 3;
			CHECK_INT(compute(&in, &b), 0, "8: fourth month computes");
			CHECK_INT(b.basis, BILL_NORM, "8: the fourth month is billed by the norm");
			CHECK_INT(b.nlines, 1, "8: one single-rate line");
			LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(222), 66600, "8: 222 kWh x 3.00 = 666.00");
			CHECK_INT(b.estimated_run, 4, "8: the fourth in a row");
			bill_result_release(&b);
		}
	}

	/* ---- 9. a late actual reading with its recalculation ----
	 * 1-zone urban_gas.  Last actual reading 10,000 (January 2026); February
	 * and March estimated at 300 kWh each; April's reading is 10,930: 930 kWh
	 * since January, spread over Feb (28 days), Mar (31), Apr (30), 89 days:
	 *   Feb 930,000 x 28 / 89 = 292,584.27 -> 292,584
	 *   Mar 930,000 x 31 / 89 = 323,932.58 -> 323,932 (+1 remainder: 31 days
	 *       is the largest weight) = 323,933
	 *   Apr 930,000 x 30 / 89 = 313,483.14 -> 313,483;  sum 930,000.
	 * Charge April 313.483 x 3.00 = 940.449 -> 940.45 = 94045.
	 * Recalc Feb 292,584 - 300,000 = -7,416: -7.416 x 3.00 = -22.248 -> -22.25.
	 * Recalc Mar 323,933 - 300,000 = 23,933: 23.933 x 3.00 = 71.799 -> 71.80.
	 * Total 940.45 - 22.25 + 71.80 = 990.00 (= (930 - 600) x 3.00). */
	{
		struct bill_month est[2] = {
			{ period_from_ym(2026, 2), BILL_ESTIMATE, { K(300), 0, 0 } },
			{ period_from_ym(2026, 3), BILL_ESTIMATE, { K(300), 0, 0 } },
		};

		base(&in, 2026, 4, "urban_gas", 1);
		reading(&in, 1, K(10000), K(10930));
		in.estimated = est;
		in.nestimated = 2;
		CHECK_INT(compute(&in, &b), 0, "9: late reading computes");
		CHECK_INT(b.basis, BILL_READING, "9: basis is the reading");
		CHECK_INT(b.nlines, 3, "9: a charge and two recalculations");
		CHECK_INT(b.lines[0].kind, BILL_CHARGE, "9: the charge comes first");
		LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 313483, 94045, "9: April 313.483 x 3.00 = 940.45");
		LINE(&b, BILL_RECALC, period_from_ym(2026, 2), 1, 1, 1, -7416, -2225,
		     "9: February -7.416 x 3.00 = -22.25");
		LINE(&b, BILL_RECALC, period_from_ym(2026, 3), 1, 1, 1, 23933, 7180,
		     "9: March 23.933 x 3.00 = 71.80");
		CHECK_INT(b.charges, 94045, "9: charges 940.45");
		CHECK_INT(b.recalcs, 4955, "9: recalculations -22.25 + 71.80 = 49.55");
		CHECK_INT(b.total, 99000, "9: total 990.00");
		CHECK(b.nmonths == 3 && b.months[0].volume[0] == 292584 &&
		      b.months[1].volume[0] == 323933 && b.months[2].volume[0] == 313483,
		      "9: the spread months are returned for history");
		bill_result_release(&b);

		/* The estimated periods must be the ones right before April. */
		est[0].period = period_from_ym(2026, 1);
		CHECK_INT(bill_compute(R, &in, &b, &e), -1, "9: a gap in the estimated periods is refused");
		CHECK_INT(e.kind, ERR_DATA, "9: ... as data");
		bill_result_release(&b);
	}

	/* ---- 10. a tariff change in the middle of a month ----
	 * Scratch rules: 3.00 / 7.94 until 2026-03-15, 3.30 / 8.50 from
	 * 2026-03-16: March's 31 days split 15 / 16.
	 * 300 kWh: 300,000 x 15/31 = 145,161.29 -> 145,161; x 16/31 =
	 * 154,838.71 -> 154,838, +1 remainder to 16 days = 154,839.
	 * 145.161 x 3.00 = 435.483 -> 435.48; 154.839 x 3.30 = 510.9687 -> 510.97;
	 * total 946.45. */
	{
		struct tariff_rules *saved = R;

		R = mid_month_rules();
		CHECK(R != NULL, "10: the scratch rules load");
		if (R) {
			base(&in, 2026, 3, "urban_gas", 1);
			reading(&in, 1, K(1000), K(1300));
			CHECK_INT(compute(&in, &b), 0, "10: mid-month change computes");
			CHECK_INT(b.nlines, 2, "10: two lines, one per tariff");
			LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 145161, 43548, "10: 1-15 March 145.161 x 3.00");
			LINE(&b, BILL_CHARGE, in.period, 1, 1, 16, 154839, 51097, "10: 16-31 March 154.839 x 3.30");
			CHECK_STR(date_format(b.lines[1].to, db), "2026-03-31", "10: the second runs to the 31st");
			CHECK_INT(b.total, 94645, "10: total 946.45");
			bill_result_release(&b);

			/* 4,000 kWh: bands first on the month (3,900 + 100), then days.
			 * band 1 3,900,000 x 15/31 = 1,887,096.77 -> 1,887,096;
			 *   x 16/31 = 2,012,903.23 -> 2,012,903 +1 = 2,012,904
			 * band 2 100,000 x 15/31 = 48,387.10 -> 48,387;
			 *   x 16/31 = 51,612.90 -> 51,612 +1 = 51,613
			 * 1887.096 x 3.00 = 5661.288 -> 5661.29; 2012.904 x 3.30 =
			 * 6642.5832 -> 6642.58; 48.387 x 7.94 = 384.19278 -> 384.19;
			 * 51.613 x 8.50 = 438.7105 -> 438.71; total 13126.77. */
			reading(&in, 1, K(1000), K(5000));
			CHECK_INT(compute(&in, &b), 0, "10: banded mid-month change computes");
			LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 1887096, 566129, "10: band 1, 1-15 March");
			LINE(&b, BILL_CHARGE, in.period, 1, 1, 16, 2012904, 664258, "10: band 1, 16-31 March");
			LINE(&b, BILL_CHARGE, in.period, 1, 2, 1, 48387, 38419, "10: band 2, 1-15 March");
			LINE(&b, BILL_CHARGE, in.period, 1, 2, 16, 51613, 43871, "10: band 2, 16-31 March");
			CHECK_INT(b.total, 1312677, "10: total 13126.77");
			bill_result_release(&b);
			tariff_rules_free(R);
		}
		R = saved;
	}

	/* ---- 11. no meter ----
	 * urban_electric, 1 room, 2 residents, 2026-05: norm 122 x 2 = 244 kWh;
	 * band 1 at 3.00 x 0.7 = 2.10: 244 x 2.10 = 512.40. */
	base(&in, 2026, 5, "urban_electric", 0);
	in.residents = 2;
	CHECK_INT(compute(&in, &b), 0, "11: no-meter bill computes");
	CHECK_INT(b.basis, BILL_NORM, "11: no meter: the norm");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(244), 51240, "11: 244 kWh x 2.10 = 512.40");
	bill_result_release(&b);

	/* ---- 12. expired verification ----
	 * verified_until 2026-02-28, period 2026-03: the reading is ignored;
	 * urban_gas 3 rooms 1 resident: 171 kWh x 3.00 = 513.00.  Verified
	 * until 2026-03-01 (inside March): the meter still counts. */
	base(&in, 2026, 3, "urban_gas", 1);
	in.rooms = 3;
	in.verified_until = date_from_ymd(2026, 2, 28);
	reading(&in, 1, K(1000), K(1100));
	CHECK_INT(compute(&in, &b), 0, "12: expired meter computes");
	CHECK_INT(b.basis, BILL_NORM, "12: verification expired: the norm");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(171), 51300, "12: 171 kWh x 3.00 = 513.00");
	bill_result_release(&b);
	in.verified_until = date_from_ymd(2026, 3, 1);
	compute(&in, &b);
	CHECK(b.basis == BILL_READING && b.total == 30000, "12: verified into the period: 100 x 3.00 = 300.00");
	bill_result_release(&b);

	/* ---- 13. a legal entity with 2026 VAT (22 %) ----
	 * Price category 1, 2026-02: 730.2631 kopecks/kWh without VAT (sample).
	 * 1,234.567 kWh x 730.2631 = 901,558.7245777 -> net 901,559 kopecks;
	 * VAT 22 %: 198,342.98 -> 198,343; amount 1,099,902 = 10,999.02.
	 * Previous month's charge 10,500.00: advances 30 % = 3,150.00 on
	 * 2026-02-10, 40 % = 4,200.00 on 2026-02-25; balance 10,999.02 -
	 * 7,350.00 = 3,649.02 on 2026-03-18. */
	base(&in, 2026, 2, NULL, 1);
	in.kind = BILL_LEGAL;
	in.price_category = 1;
	in.previous_charge = 1050000;
	reading(&in, 1, K(50000), K(50000) + 1234567);
	CHECK_INT(compute(&in, &b), 0, "13: legal bill computes");
	CHECK_INT(b.nlines, 1, "13: one line");
	LINE(&b, BILL_CHARGE, in.period, 1, 0, 1, 1234567, 1099902, "13: amount with VAT 10,999.02");
	CHECK_INT(b.lines[0].vat, 198343, "13: VAT 22 % = 1,983.43");
	CHECK_INT(b.lines[0].vat_bp, 2200, "13: at 22 %");
	CHECK_INT(b.lines[0].tariff, 7302631, "13: price without VAT");
	CHECK_INT(b.vat, 198343, "13: total VAT");
	CHECK_INT(b.npay, 3, "13: two advances and the balance");
	CHECK(b.pay[0].percent == 30 && b.pay[0].sum == 315000, "13: 30 % advance 3,150.00");
	CHECK_STR(date_format(b.pay[0].due, db), "2026-02-10", "13: ... due on the 10th");
	CHECK(b.pay[1].percent == 40 && b.pay[1].sum == 420000, "13: 40 % advance 4,200.00");
	CHECK_STR(date_format(b.pay[1].due, db), "2026-02-25", "13: ... due on the 25th");
	CHECK(b.pay[2].percent == 0 && b.pay[2].sum == 364902, "13: balance 3,649.02");
	CHECK_STR(date_format(b.pay[2].due, db), "2026-03-18", "13: ... due on the 18th of next month");
	bill_result_release(&b);
	/* A managing organisation (category=managing) is billed as a legal
	 * entity: the same price, VAT and payment schedule; only its penalty
	 * scale differs (lib/penalty).  The dates are the ones the schedule
	 * names (Wednesday 2026-03-18 stays; a day off moves when the debt is
	 * valued). */
	{
		const char *cat = in.category;

		in.category = "managing";
		CHECK(compute(&in, &b) == 0 && b.total == 1099902 && b.npay == 3 &&
		      b.pay[0].sum == 315000 && b.pay[1].sum == 420000 && b.pay[2].sum == 364902 &&
		      b.pay[2].due == date_from_ymd(2026, 3, 18),
		      "13: a managing organisation's bill is the legal one");
		bill_result_release(&b);
		in.category = cat;
	}
	/* The same volume in 2025-12 at 706.7522 and 20 %:
	 * 1,234.567 x 706.7522 = 872,532.94 -> 872,533; VAT 174,506.6 -> 174,507;
	 * amount 1,047,040. */
	in.period = period_from_ym(2025, 12);
	compute(&in, &b);
	CHECK(b.nlines == 1 && b.lines[0].vat == 174507 && b.lines[0].vat_bp == 2000 &&
	      b.total == 1047040, "13: 2025-12 at 20 % VAT: 10,470.40");
	bill_result_release(&b);
	/* A legal entity without a working meter has no norm. */
	in.zones = 0;
	CHECK_INT(bill_compute(R, &in, &b, &e), -1, "13: legal without a meter is refused");
	CHECK_INT(e.kind, ERR_DATA, "13: ... as data (calculation method out of scope)");
	bill_result_release(&b);

	/* ---- 14. zero consumption ----
	 * Same reading twice: one band-1 line per zone with 0 kWh and 0.00. */
	base(&in, 2026, 6, "urban_gas", 1);
	reading(&in, 1, K(4321), K(4321));
	CHECK_INT(compute(&in, &b), 0, "14: zero consumption computes");
	CHECK(b.nlines == 1 && b.lines[0].volume == 0 && b.lines[0].amount == 0 &&
	      b.lines[0].tariff == 3000000 && b.total == 0, "14: one zero line showing the tariff");
	bill_result_release(&b);
	base(&in, 2025, 11, "urban_gas", 2);
	reading(&in, 1, K(10), K(10));
	reading(&in, 2, K(20), K(20));
	compute(&in, &b);
	CHECK(b.nlines == 2 && b.total == 0, "14: two zones, two zero lines");
	bill_result_release(&b);

	/* ---- 15. crossing the band-1 and band-2 limits on a 2-zone meter ----
	 * urban_gas 2025-11 (limits 3,900 / 6,000; samples day 3.39 / 8.98 /
	 * 11.85, night 1.77 / 4.69 / 6.18).  T1 5,000, T2 2,000: total 7,000.
	 * Above 3,900: 3,100 kWh; above 6,000: 1,000 kWh, taken pro rata 5:2.
	 *   3,100,000 x 5/7 = 2,214,285.7 -> 2,214,285 (+1 remainder) = 2,214,286
	 *   3,100,000 x 2/7 = 885,714.3 -> 885,714
	 *   1,000,000 x 5/7 = 714,285.7 -> 714,285 (+1) = 714,286
	 *   1,000,000 x 2/7 = 285,714.3 -> 285,714
	 * T1: band 1 5,000,000 - 2,214,286 = 2,785,714; band 2 2,214,286 -
	 *     714,286 = 1,500,000; band 3 714,286.
	 * T2: band 1 2,000,000 - 885,714 = 1,114,286; band 2 600,000; band 3 285,714.
	 * (band 1 total 3,900,000; band 2 2,100,000; band 3 1,000,000.)
	 * 2785.714 x 3.39 = 9443.57046 -> 944357;  1500 x 8.98 = 1347000;
	 * 714.286 x 11.85 = 8464.2891 -> 846429;   1114.286 x 1.77 = 1972.28622
	 * -> 197229;  600 x 4.69 = 281400;  285.714 x 6.18 = 1765.71252 -> 176571.
	 * Total 37,929.86. */
	base(&in, 2025, 11, "urban_gas", 2);
	reading(&in, 1, K(10000), K(15000));
	reading(&in, 2, K(20000), K(22000));
	CHECK_INT(compute(&in, &b), 0, "15: banded 2-zone bill computes");
	CHECK_INT(b.nlines, 6, "15: three bands x two zones");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 2785714, 944357, "15: T1 band 1");
	LINE(&b, BILL_CHARGE, in.period, 1, 2, 1, 1500000, 1347000, "15: T1 band 2");
	LINE(&b, BILL_CHARGE, in.period, 1, 3, 1, 714286, 846429, "15: T1 band 3");
	LINE(&b, BILL_CHARGE, in.period, 2, 1, 1, 1114286, 197229, "15: T2 band 1");
	LINE(&b, BILL_CHARGE, in.period, 2, 2, 1, 600000, 281400, "15: T2 band 2");
	LINE(&b, BILL_CHARGE, in.period, 2, 3, 1, 285714, 176571, "15: T2 band 3");
	CHECK_INT(b.total, 3792986, "15: total 37,929.86 (sum of rounded lines)");
	bill_result_release(&b);

	/* ---- 16. rural 0.7 ----
	 * rural 2026-07 (sample limits May-September 3,900 / 6,000): 4,200 kWh:
	 * band 1 3,900 x (3.00 x 0.7 = 2.10) = 8,190.00; band 2 300 x 7.94 =
	 * 2,382.00 (no coefficient); total 10,572.00.  In January the
	 * heating-season limit is 6,000: all 4,200 in band 1 x 2.10 = 8,820.00. */
	base(&in, 2026, 7, "rural", 1);
	reading(&in, 1, K(1000), K(5200));
	CHECK_INT(compute(&in, &b), 0, "16: rural bill computes");
	LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, K(3900), 819000, "16: band 1 3,900 x 2.10");
	LINE(&b, BILL_CHARGE, in.period, 1, 2, 1, K(300), 238200, "16: band 2 300 x 7.94");
	CHECK_INT(b.lines[0].tariff, 2100000, "16: band-1 tariff 2.10 = 0.7 x 3.00");
	CHECK_INT(b.total, 1057200, "16: total 10,572.00");
	bill_result_release(&b);
	base(&in, 2026, 1, "rural", 1);
	reading(&in, 1, K(1000), K(5200));
	compute(&in, &b);
	CHECK(b.nlines == 1 && b.total == 882000, "16: January: 4,200 x 2.10 = 8,820.00 (seasonal limit)");
	bill_result_release(&b);

	/* ---- 17. a fractional tariff kept exact ----
	 * urban_electric 2025-11: 2.95 x 0.7 = 2.065 roubles (206.5 kopecks);
	 * 101 kWh x 2.065 = 208.565 -> 208.57 (half-up), not 101 x 2.07. */
	base(&in, 2025, 11, "urban_electric", 1);
	reading(&in, 1, K(100), K(201));
	compute(&in, &b);
	CHECK(b.nlines == 1 && b.lines[0].tariff == 2065000 && b.total == 20857,
	      "17: 101 x 2.065 = 208.57");
	bill_result_release(&b);

	/* ---- 18. a late reading after an estimate across the October change ----
	 * 1-zone urban_gas: September 2026 estimated at 200 kWh (3.00); the
	 * October reading gives 500 kWh since August.  Spread over Sep (30) and
	 * Oct (31), 61 days: Sep 500,000 x 30/61 = 245,901.6 -> 245,901; Oct
	 * 500,000 x 31/61 = 254,098.4 -> 254,098 (+1) = 254,099.
	 * Charge October 254.099 x 3.34 = 848.69066 -> 848.69.
	 * Recalc September at September's 3.00: 245,901 - 200,000 = 45,901:
	 * 45.901 x 3.00 = 137.703 -> 137.70.  Total 986.39. */
	{
		struct bill_month est[1] = {
			{ period_from_ym(2026, 9), BILL_ESTIMATE, { K(200), 0, 0 } },
		};

		base(&in, 2026, 10, "urban_gas", 1);
		reading(&in, 1, K(7000), K(7500));
		in.estimated = est;
		in.nestimated = 1;
		CHECK_INT(compute(&in, &b), 0, "18: recalculation across the tariff change computes");
		LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 254099, 84869, "18: October 254.099 x 3.34");
		LINE(&b, BILL_RECALC, period_from_ym(2026, 9), 1, 1, 1, 45901, 13770,
		     "18: September +45.901 x 3.00 (September's tariff)");
		CHECK_INT(b.total, 98639, "18: total 986.39");
		bill_result_release(&b);
	}

	/* ---- 19. recalculation of norm months on a 2-zone meter ----
	 * 2026-02 was billed by the norm: 222 kWh on the single rate (zone 1,
	 * 3.00).  The March reading: T1 +350, T2 +150 kWh since January.  Spread
	 * over Feb (28) and Mar (31), 59 days:
	 *   T1 350,000 x 28/59 = 166,101.7 -> 166,101; x 31/59 = 183,898.3 ->
	 *      183,898 (+1) = 183,899
	 *   T2 150,000 x 28/59 = 71,186.4 -> 71,186; x 31/59 = 78,813.6 ->
	 *      78,813 (+1) = 78,814
	 * 2-zone tariff 2026: day 3.45, night 1.80.
	 * Charge March: 183.899 x 3.45 = 634.45155 -> 634.45; 78.814 x 1.80 =
	 * 141.8652 -> 141.87.
	 * Recalc February: + 166.101 x 3.45 = 573.04845 -> 573.05 (day),
	 * + 71.186 x 1.80 = 128.1348 -> 128.13 (night), - 222 x 3.00 = -666.00
	 * (the single rate reversed): three lines.
	 * Total 634.45 + 141.87 + 573.05 + 128.13 - 666.00 = 811.50. */
	{
		struct bill_month est[1] = {
			{ period_from_ym(2026, 2), BILL_NORM, { K(222), 0, 0 } },
		};

		base(&in, 2026, 3, "urban_gas", 2);
		reading(&in, 1, K(1000), K(1350));
		reading(&in, 2, K(500), K(650));
		in.estimated = est;
		in.nestimated = 1;
		CHECK_INT(compute(&in, &b), 0, "19: recalculation of a norm month computes");
		CHECK_INT(b.nlines, 5, "19: two charges, three recalculation lines");
		LINE(&b, BILL_CHARGE, in.period, 1, 1, 1, 183899, 63445, "19: March day");
		LINE(&b, BILL_CHARGE, in.period, 2, 1, 1, 78814, 14187, "19: March night");
		{
			int n = 0;

			for (int i = 0; i < b.nlines; i++) {
				const struct bill_line *l = &b.lines[i];

				if (l->kind != BILL_RECALC)
					continue;
				n += l->zone == 1 && l->tariff == 3450000 && l->volume == 166101 && l->amount == 57305;
				n += l->zone == 2 && l->tariff == 1800000 && l->volume == 71186 && l->amount == 12813;
				n += l->zone == 1 && l->tariff == 3000000 && l->volume == -222000 && l->amount == -66600;
			}
			CHECK_INT(n, 3, "19: February: +day, +night at zone rates, -norm at the single rate");
		}
		CHECK_INT(b.total, 81150, "19: total 811.50");
		bill_result_release(&b);
	}

	/* ---- input errors ---- */
	base(&in, 2026, 3, "dacha", 1);
	reading(&in, 1, 0, K(1));
	CHECK_INT(bill_compute(R, &in, &b, &e), -1, "an unknown category is refused");
	bill_result_release(&b);
	base(&in, 2024, 3, "urban_gas", 1);
	reading(&in, 1, 0, K(1));
	CHECK_INT(bill_compute(R, &in, &b, &e), -1, "a period without tariffs is refused");
	CHECK_INT(e.kind, ERR_CONFIG, "... as a rules (configuration) error");
	bill_result_release(&b);

	tariff_rules_free(R);
	faults_release(&f);
	return check_done();
}
