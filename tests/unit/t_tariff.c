/* t_tariff.c - the shipped billing rules load and answer lookups with the
 * published figures; malformed rules files are refused with FILE:LINE
 * faults, every one of them. */
#include "check.h"
#include "tariff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void write_lines(const char *name, const char **lines, int n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	for (int i = 0; i < n; i++)
		fprintf(f, "%s\n", lines[i]);
	fclose(f);
}

static void copy(const char *from, const char *to)
{
	char src[256], dst[256], buf[4096];
	FILE *in, *out;
	size_t n;

	snprintf(src, sizeof(src), "rules/%s", from);
	snprintf(dst, sizeof(dst), "%s/%s", dir, to);
	in = fopen(src, "r");
	out = fopen(dst, "w");
	while (in && out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

/* Restore the shipped files into the scratch rules dir. */
static void reset(void)
{
	static const char *files[] = { "tariffs", "norms", "vat", "prices", "billing", "supplier" };
	char a[64], b[64];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(a, sizeof(a), "%s.xml", files[i]);
		copy(a, a);
		snprintf(a, sizeof(a), "schema/%s.xsd", files[i]);
		snprintf(b, sizeof(b), "schema/%s.xsd", files[i]);
		copy(a, b);
	}
}

static void cleanup(void)
{
	static const char *files[] = { "tariffs", "norms", "vat", "prices", "billing", "supplier" };
	char p[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s.xml", dir, files[i]);
		unlink(p);
		snprintf(p, sizeof(p), "%s/schema/%s.xsd", dir, files[i]);
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/schema", dir);
	rmdir(p);
	rmdir(dir);
}

/* 1 when a fault reads exactly "DIR/file:line: <starts with reason>". */
static int has_fault(const struct faults *f, const char *file, long line, const char *reason)
{
	char want[512];

	if (line > 0)
		snprintf(want, sizeof(want), "%s/%s:%ld: %s", dir, file, line, reason);
	else
		snprintf(want, sizeof(want), "%s/%s: %s", dir, file, reason);
	for (int i = 0; i < f->kept; i++)
		if (strncmp(f->lines[i], want, strlen(want)) == 0)
			return 1;
	printf("# no fault '%s' among:\n", want);
	for (int i = 0; i < f->kept; i++)
		printf("#   %s\n", f->lines[i]);
	return 0;
}

/* A small valid tariffs.xml: line numbers are index + 1. */
static const char *T[] = {
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",                                   /* 1 */
	"<Tariffs>",                                                                     /* 2 */
	"<ZoneHours>",                                                                   /* 3 */
	"<Zone scheme=\"1\" zone=\"1\" name=\"a\" hours=\"0-24\"/>",                     /* 4 */
	"<Zone scheme=\"2\" zone=\"1\" name=\"d\" hours=\"7-23\"/>",                     /* 5 */
	"<Zone scheme=\"2\" zone=\"2\" name=\"n\" hours=\"23-24,0-7\"/>",                /* 6 */
	"<Zone scheme=\"3\" zone=\"1\" name=\"p\" hours=\"7-10,17-21\"/>",               /* 7 */
	"<Zone scheme=\"3\" zone=\"2\" name=\"n\" hours=\"23-24,0-7\"/>",                /* 8 */
	"<Zone scheme=\"3\" zone=\"3\" name=\"h\" hours=\"10-17,21-23\"/>",              /* 9 */
	"</ZoneHours>",                                                                  /* 10 */
	"<Category code=\"urban_gas\" name=\"g\" band1Coefficient=\"1\">",               /* 11 */
	"<Limits from=\"2025-07-01\" months=\"1-12\" band1=\"3900\" band2=\"6000\"/>",   /* 12 */
	"<Tariff from=\"2025-07-01\" to=\"2025-12-31\" zones=\"1\">",                    /* 13 */
	"<Rate zone=\"1\" band1=\"2.95\" band2=\"7.81\" band3=\"10.30\"/>",              /* 14 */
	"</Tariff>",                                                                     /* 15 */
	"<Tariff from=\"2026-01-01\" zones=\"1\">",                                      /* 16 */
	"<Rate zone=\"1\" band1=\"3.00\" band2=\"7.94\" band3=\"10.48\"/>",              /* 17 */
	"</Tariff>",                                                                     /* 18 */
	"<Tariff from=\"2025-07-01\" zones=\"2\">",                                      /* 19 */
	"<Rate zone=\"1\" band1=\"3.39\" band2=\"8.98\" band3=\"11.85\"/>",              /* 20 */
	"<Rate zone=\"2\" band1=\"1.77\" band2=\"4.69\" band3=\"6.18\"/>",               /* 21 */
	"</Tariff>",                                                                     /* 22 */
	"</Category>",                                                                   /* 23 */
	"<Category code=\"urban_electric\" name=\"e\" band1Coefficient=\"0.7\" rates=\"urban_gas\">", /* 24 */
	"<Limits from=\"2025-07-01\" months=\"5-9\" band1=\"3900\" band2=\"6000\"/>",    /* 25 */
	"<Limits from=\"2025-07-01\" months=\"1-4,10-12\" band1=\"6000\" band2=\"9000\"/>", /* 26 */
	"</Category>",                                                                   /* 27 */
	"<Category code=\"rural\" name=\"r\" band1Coefficient=\"0.7\" rates=\"urban_gas\">", /* 28 */
	"<Limits from=\"2025-07-01\" months=\"1-12\" band1=\"3900\" band2=\"6000\"/>",   /* 29 */
	"</Category>",                                                                   /* 30 */
	"</Tariffs>",                                                                    /* 31 */
};
#define NT ((int)(sizeof(T) / sizeof(T[0])))

/* Write T with line `at` (1-based) replaced by `with` (at == 0: none). */
static void tariffs_with(int at, const char *with)
{
	const char *l[64];

	for (int i = 0; i < NT; i++)
		l[i] = i + 1 == at ? with : T[i];
	write_lines("tariffs.xml", l, NT);
}

static int check_dir(struct faults *f)
{
	faults_release(f);
	return tariff_rules_check(dir, f);
}

int main(void)
{
	struct faults f = FAULTS_INIT;
	struct tariff_rules *r = NULL;
	struct tariff_rate t;
	struct tariff_limits lim;
	struct sbyt_err e;
	int64_t v;
	int bp;

	/* ---- the shipped rules ---- */
	CHECK_INT(tariff_rules_load("rules", &r, &f), 0, "the shipped rules load without faults");
	faults_print(&f, stdout);
	if (!r)
		return check_done();

	/* Published: urban gas single rate from 2025-07-01 2.95 / 7.81 / 10.30
	 * roubles = 295 / 781 / 1030 kopecks = x 10000 rate units. */
	CHECK(tariff_lookup(r, "urban_gas", 1, date_from_ymd(2025, 7, 1), &t, &e) == 0 &&
	      t.rate[0][0] == 2950000 && t.rate[0][1] == 7810000 && t.rate[0][2] == 10300000,
	      "urban_gas 2025-07-01: 2.95 / 7.81 / 10.30");
	CHECK(!t.sample, "... is a published figure, not a sample");
	/* 2025-12-31 is still the 2025 tariff; 2026-01-01 band 1 is 3.00. */
	CHECK(tariff_lookup(r, "urban_gas", 1, date_from_ymd(2025, 12, 31), &t, &e) == 0 &&
	      t.rate[0][0] == 2950000, "2025-12-31 still 2.95");
	CHECK(tariff_lookup(r, "urban_gas", 1, date_from_ymd(2026, 1, 1), &t, &e) == 0 &&
	      t.rate[0][0] == 3000000, "2026-01-01 band 1 is 3.00 (+1.7 %)");
	CHECK(t.sample, "... its bands 2-3 are marked samples");
	/* 2026-10-01: 3.00 x 1.112 = 3.336 -> 3.34 (sample). */
	CHECK(tariff_lookup(r, "urban_gas", 1, date_from_ymd(2026, 10, 1), &t, &e) == 0 &&
	      t.rate[0][0] == 3340000 && t.sample, "2026-10-01 band 1 3.34, a sample");
	CHECK(tariff_lookup(r, "urban_gas", 1, date_from_ymd(2026, 9, 30), &t, &e) == 0 &&
	      t.rate[0][0] == 3000000, "2026-09-30 still 3.00");
	/* Electric stoves: band 1 x 0.7: 2.95 x 0.7 = 2.065 roubles = 206.5
	 * kopecks = 2065000 units, exact; bands 2-3 unchanged. */
	CHECK(tariff_lookup(r, "urban_electric", 1, date_from_ymd(2025, 8, 15), &t, &e) == 0 &&
	      t.rate[0][0] == 2065000 && t.rate[0][1] == 7810000 && t.coefficient == 7000,
	      "urban_electric band 1 is 0.7 x 2.95 = 2.065 exactly");
	CHECK(tariff_lookup(r, "rural", 3, date_from_ymd(2026, 3, 1), &t, &e) == 0 &&
	      t.zones == 3 && t.rate[1][0] == 1260000,
	      "rural 3-zone night band 1 = 0.7 x 1.80 = 1.26");
	CHECK_INT(tariff_lookup(r, "urban_gas", 1, date_from_ymd(2025, 6, 30), &t, &e), -1,
		  "no tariff before 2025-07-01");
	CHECK_INT(e.kind, ERR_CONFIG, "... is a configuration error");
	CHECK_INT(tariff_lookup(r, "dacha", 1, date_from_ymd(2026, 1, 1), &t, &e), -1,
		  "unknown category refused");

	/* Limits: 3,900 / 6,000 kWh for urban gas; seasonal for electric. */
	CHECK(tariff_limits_for(r, "urban_gas", period_from_ym(2026, 7), &lim, &e) == 0 &&
	      lim.band1 == 3900000 && lim.band2 == 6000000 && !lim.sample,
	      "urban_gas limits 3900 / 6000 kWh");
	CHECK(tariff_limits_for(r, "urban_electric", period_from_ym(2026, 1), &lim, &e) == 0 &&
	      lim.band1 == 6000000 && lim.sample, "urban_electric January: heating-season limit");
	CHECK(tariff_limits_for(r, "urban_electric", period_from_ym(2026, 6), &lim, &e) == 0 &&
	      lim.band1 == 3900000, "urban_electric June: summer limit");

	/* Zone hours, ФСТ 1473-э: night 23-7 = hours 23, 0..6; peak 7-10 and
	 * 17-21 = hours 7,8,9,17,18,19,20; day = the other 16 hours. */
	{
		uint32_t m;
		const char *name;

		CHECK(tariff_zone_hours(r, 2, 2, &m, &name, &e) == 0 && m == 0x80007Fu,
		      "night is 23:00-07:00");
		CHECK_STR(name, "ночь", "... named ночь");
		CHECK(tariff_zone_hours(r, 3, 1, &m, NULL, &e) == 0 &&
		      m == ((1u << 7) | (1u << 8) | (1u << 9) | (1u << 17) | (1u << 18) |
			    (1u << 19) | (1u << 20)), "peak is 7-10 and 17-21");
	}

	/* VAT: 20 % until 2025-12-31, 22 % from 2026-01-01 (425-ФЗ). */
	CHECK(tariff_vat(r, date_from_ymd(2025, 12, 31), &bp, &e) == 0 && bp == 2000, "VAT 20 % in 2025");
	CHECK(tariff_vat(r, date_from_ymd(2026, 1, 1), &bp, &e) == 0 && bp == 2200, "VAT 22 % in 2026");

	/* Prices: 2026-02 category 1 is 730.2631 kopecks = 7302631 units. */
	{
		int sample = 0;

		CHECK(tariff_price(r, period_from_ym(2026, 2), 1, &v, &sample, &e) == 0 &&
		      v == 7302631 && sample, "2026-02 price category 1 (sample)");
		CHECK_INT(tariff_price(r, period_from_ym(2030, 1), 1, &v, NULL, &e), -1,
			  "no price for 2030-01");
		CHECK_INT(tariff_price(r, period_from_ym(2026, 2), 7, &v, NULL, &e), -1,
			  "price category 7 refused");
	}

	/* Norms: urban_gas 2 rooms 3 residents 74 kWh; 6 rooms and 9 residents
	 * use the last row and column (4 rooms, 5 residents: 62 kWh). */
	CHECK(tariff_norm(r, "urban_gas", date_from_ymd(2026, 3, 1), 2, 3, &v, &e) == 0 &&
	      v == 74000, "norm urban_gas 2 rooms 3 residents = 74 kWh");
	CHECK(tariff_norm(r, "urban_gas", date_from_ymd(2026, 3, 1), 6, 9, &v, &e) == 0 &&
	      v == 62000, "norm beyond the table uses its last row");

	/* Billing cycle and supplier. */
	{
		const struct billing_rules *b = tariff_billing(r);
		const struct supplier *s = tariff_supplier(r);

		CHECK(b->window_first == 15 && b->window_last == 25, "readings window 15th-25th");
		CHECK(b->history_months == 12 && b->min_history == 3 && b->max_consecutive == 3,
		      "estimation: 12 months, at least 3, at most 3 in a row");
		CHECK(b->due_day == 10 && b->due_offset == 1, "households pay by the 10th of next month");
		CHECK(b->nadvances == 2 && b->advance[0].percent == 30 && b->advance[0].day == 10 &&
		      b->advance[1].percent == 40 && b->advance[1].day == 25 &&
		      b->balance_day == 18 && b->balance_offset == 1, "legal 30 % / 40 % / balance on the 18th");
		/* 2026-11-25 counts for November, 2026-11-26 for December. */
		CHECK_INT(billing_reading_period(b, date_from_ymd(2026, 11, 25)), period_from_ym(2026, 11),
			  "a reading on the 25th counts for the month");
		CHECK_INT(billing_reading_period(b, date_from_ymd(2026, 11, 26)), period_from_ym(2026, 12),
			  "a reading on the 26th counts for the next month");
		/* The window starts on the 15th: the 14th is before it. */
		CHECK(!billing_in_window(b, date_from_ymd(2026, 11, 14)) &&
		      billing_in_window(b, date_from_ymd(2026, 11, 15)) &&
		      billing_in_window(b, date_from_ymd(2026, 11, 25)) &&
		      !billing_in_window(b, date_from_ymd(2026, 11, 26)), "the window is the 15th-25th");
		/* Legal: readings day 2, documents by the 5th (rules/billing.xml).
		 * November 2026 has 30 days: 11-30, 12-01 and 12-02 close November,
		 * 11-29 and 12-03 close nothing; with readings day 3, 12-03 closes
		 * November. */
		CHECK(b->legal_readings_day == 2 && b->legal_documents_day == 5,
		      "legal readings by the 2nd, documents by the 5th");
		{
			speriod m = -1, nov = period_from_ym(2026, 11);
			int d;

			for (d = 30; d <= 32; d++) {
				m = -1;
				CHECK(billing_legal_closes(b, 0, date_from_ymd(2026, 11, 30) + d - 30, &m) &&
				      m == nov, "11-30, 12-01, 12-02 close November (readings day 2)");
			}
			CHECK(!billing_legal_closes(b, 0, date_from_ymd(2026, 12, 3), &m),
			      "12-03 is an intermediate reading with readings day 2");
			CHECK(!billing_legal_closes(b, 0, date_from_ymd(2026, 11, 29), &m),
			      "11-29 is an intermediate reading");
			CHECK(billing_legal_closes(b, 3, date_from_ymd(2026, 12, 3), &m) && m == nov,
			      "12-03 closes November with readings day 3");
			CHECK(!billing_legal_closes(b, 3, date_from_ymd(2026, 12, 4), &m),
			      "12-04 is intermediate with readings day 3");
			CHECK(billing_legal_closes(b, 0, date_from_ymd(2027, 2, 28), &m) &&
			      m == period_from_ym(2027, 2), "02-28 of 2027 closes February");
			CHECK(billing_legal_closes(b, 0, date_from_ymd(2027, 1, 1), &m) &&
			      m == period_from_ym(2026, 12), "the 1st of January closes December");
			CHECK_INT(billing_legal_readings_due(b, 0, nov), date_from_ymd(2026, 12, 2),
				  "November's legal readings are due 12-02");
			CHECK_INT(billing_legal_readings_due(b, 3, nov), date_from_ymd(2026, 12, 3),
				  "... or 12-03 by the contract");
			CHECK_INT(billing_legal_documents_due(b, nov), date_from_ymd(2026, 12, 5),
				  "November's legal documents by 12-05");
		}
		CHECK_STR(s->name, "АО «Газпром энергосбыт Тюмень»", "supplier name");
		CHECK(s->sample, "the supplier's requisites are marked samples");
	}
	/* Check digits against real published requisites: Sberbank, BIC
	 * 044525225, corr. 30101810400000000225, INN 7707083893. */
	CHECK(tariff_corr_account_valid("30101810400000000225", "044525225"), "Sberbank corr. account key");
	CHECK(!tariff_corr_account_valid("30101810500000000225", "044525225"), "a wrong key is caught");
	CHECK(tariff_inn_valid("7707083893"), "Sberbank INN check digit");
	CHECK(!tariff_inn_valid("7707083894"), "a wrong INN check digit is caught");
	CHECK(tariff_inn_valid("500100732259"), "a valid 12-digit INN");
	CHECK(tariff_account_valid("40702810138250123017", "044525225"), "settlement account key");
	tariff_rules_free(r);
	faults_release(&f);

	/* tariff_amount: 101 kWh x 2.065 = 208.565 -> 208.57 (half-up). */
	CHECK_INT(tariff_amount(101000, 2065000), 20857, "101 kWh x 2.065 = 208.57");

	/* ---- malformed files in a scratch rules dir ---- */
	snprintf(dir, sizeof(dir), "/tmp/t_tariff.XXXXXX");
	if (!mkdtemp(dir))
		return check_done();
	{
		char s[128];

		snprintf(s, sizeof(s), "%s/schema", dir);
		if (mkdir(s, 0700) != 0)
			return check_done();
	}
	reset();
	tariffs_with(0, NULL);
	CHECK_INT(check_dir(&f), 0, "the small test tariffs are valid");
	faults_print(&f, stdout);

	/* overlapping validity ranges */
	tariffs_with(16, "<Tariff from=\"2025-12-01\" zones=\"1\">");
	CHECK_INT(check_dir(&f), -1, "overlapping tariffs refused");
	CHECK(has_fault(&f, "tariffs.xml", 16, "1-zone tariff overlaps the one at line 13"),
	      "overlap named at FILE:LINE");

	/* band limits not increasing */
	tariffs_with(12, "<Limits from=\"2025-07-01\" months=\"1-12\" band1=\"6000\" band2=\"3900\"/>");
	CHECK_INT(check_dir(&f), -1, "decreasing band limits refused");
	CHECK(has_fault(&f, "tariffs.xml", 12, "band limits not increasing"), "limits fault at FILE:LINE");

	/* a zone missing */
	tariffs_with(21, "");
	CHECK_INT(check_dir(&f), -1, "a 2-zone tariff with one zone refused");
	CHECK(has_fault(&f, "tariffs.xml", 19, "zone 2 missing in a 2-zone tariff"),
	      "missing zone named at the Tariff's line");
	tariffs_with(21, "<Rate zone=\"3\" band1=\"1.77\" band2=\"4.69\" band3=\"6.18\"/>");
	CHECK_INT(check_dir(&f), -1, "zone 3 in a 2-zone tariff refused");
	CHECK(has_fault(&f, "tariffs.xml", 21, "zone 3 beyond zones=2"), "... at the Rate's line");

	/* zone hours: a zone missing, an hour twice, the day rule */
	tariffs_with(9, "");
	CHECK_INT(check_dir(&f), -1, "scheme 3 without half-peak refused");
	CHECK(has_fault(&f, "tariffs.xml", 3, "scheme 3: zone 3 missing"), "missing half-peak zone");
	tariffs_with(7, "<Zone scheme=\"3\" zone=\"1\" name=\"p\" hours=\"7-11,17-21\"/>");
	CHECK_INT(check_dir(&f), -1, "an hour in two zones refused");
	CHECK(has_fault(&f, "tariffs.xml", 9, "scheme 3: hour 10-11 is in two zones"), "hour twice");
	tariffs_with(5, "<Zone scheme=\"2\" zone=\"1\" name=\"d\" hours=\"7-22\"/>");
	CHECK_INT(check_dir(&f), -1, "an hour in no zone refused");
	CHECK(has_fault(&f, "tariffs.xml", 3, "scheme 2: hour 22-23 is in no zone"), "hour uncovered");
	CHECK(has_fault(&f, "tariffs.xml", 5, "scheme 2 day hours must equal scheme 3 peak + half-peak"),
	      "day = peak + half-peak enforced");

	/* months not covered, limits not on month boundaries */
	tariffs_with(26, "<Limits from=\"2025-07-01\" months=\"1-4,11-12\" band1=\"6000\" band2=\"9000\"/>");
	CHECK_INT(check_dir(&f), -1, "a month without limits refused");
	CHECK(has_fault(&f, "tariffs.xml", 25, "month 10 has no band limits"), "uncovered month named");
	tariffs_with(29, "<Limits from=\"2025-07-02\" months=\"1-12\" band1=\"3900\" band2=\"6000\"/>");
	CHECK_INT(check_dir(&f), -1, "limits from the 2nd refused");
	CHECK(has_fault(&f, "tariffs.xml", 29, "limits must start on the first day of a month"),
	      "month boundary enforced");

	/* band 1 x coefficient not exact: 2.9501 x 0.7001 = 2.06536501 roubles,
	 * finer than 0.0001 kopeck (1e-6 rouble) */
	{
		const char *l[64];

		for (int i = 0; i < NT; i++)
			l[i] = T[i];
		l[13] = "<Rate zone=\"1\" band1=\"2.9501\" band2=\"7.81\" band3=\"10.30\"/>";
		l[23] = "<Category code=\"urban_electric\" name=\"e\" band1Coefficient=\"0.7001\" rates=\"urban_gas\">";
		write_lines("tariffs.xml", l, NT);
		CHECK_INT(check_dir(&f), -1, "an inexact coefficient product refused");
		CHECK(has_fault(&f, "tariffs.xml", 13,
				"band-1 rate x coefficient of 'urban_electric' is not exact"),
		      "inexact product named at the Tariff's line");
	}

	/* schema: a comma decimal is refused by the XSD with its line */
	tariffs_with(17, "<Rate zone=\"1\" band1=\"3,00\" band2=\"7.94\" band3=\"10.48\"/>");
	CHECK_INT(check_dir(&f), -1, "a comma decimal refused");
	CHECK(has_fault(&f, "tariffs.xml", 17, ""), "schema fault at FILE:LINE");

	/* several faults at once: every one reported */
	{
		const char *l[64];

		for (int i = 0; i < NT; i++)
			l[i] = T[i];
		l[15] = "<Tariff from=\"2025-12-01\" zones=\"1\">";
		l[20] = "";
		write_lines("tariffs.xml", l, NT);
		CHECK_INT(check_dir(&f), -1, "two faults");
		CHECK(f.count >= 2 && has_fault(&f, "tariffs.xml", 16, "1-zone tariff overlaps") &&
		      has_fault(&f, "tariffs.xml", 19, "zone 2 missing"), "both reported, not just the first");
	}
	tariffs_with(0, NULL);

	/* norms.xml: residents gap, overlap, unknown category */
	{
		const char *n[] = {
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
			"<Norms>",
			"<Norm category=\"urban_gas\" from=\"2025-01-01\">",
			"<Rooms rooms=\"1\"><Value residents=\"1\" kwh=\"132\"/><Value residents=\"3\" kwh=\"82\"/></Rooms>",
			"</Norm>",
			"<Norm category=\"urban_electric\" from=\"2025-01-01\"><Rooms rooms=\"1\"><Value residents=\"1\" kwh=\"1\"/></Rooms></Norm>",
			"<Norm category=\"urban_electric\" from=\"2025-06-01\"><Rooms rooms=\"1\"><Value residents=\"1\" kwh=\"1\"/></Rooms></Norm>",
			"<Norm category=\"dacha\" from=\"2025-01-01\"><Rooms rooms=\"1\"><Value residents=\"1\" kwh=\"1\"/></Rooms></Norm>",
			"<Norm category=\"rural\" from=\"2025-01-01\"><Rooms rooms=\"2\"><Value residents=\"1\" kwh=\"1\"/></Rooms></Norm>",
			"</Norms>",
		};
		write_lines("norms.xml", n, (int)(sizeof(n) / sizeof(n[0])));
		CHECK_INT(check_dir(&f), -1, "bad norms refused");
		CHECK(has_fault(&f, "norms.xml", 4, "residents=3 where 2 was expected"), "residents gap");
		CHECK(has_fault(&f, "norms.xml", 7, "norm of 'urban_electric' overlaps the one at line 6"),
		      "norm overlap");
		CHECK(has_fault(&f, "norms.xml", 8, "unknown category 'dacha'"), "unknown category");
		CHECK(has_fault(&f, "norms.xml", 9, "rooms=2 where 1 was expected"), "rooms gap");
		CHECK(has_fault(&f, "norms.xml", 0, "category 'urban_gas' has no norm"),
		      "a category left without a norm");
		copy("norms.xml", "norms.xml");
	}

	/* vat.xml: overlapping rates */
	{
		const char *v2[] = {
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
			"<Vat>",
			"<Rate from=\"2019-01-01\" to=\"2026-01-31\" percent=\"20\"/>",
			"<Rate from=\"2026-01-01\" percent=\"22\"/>",
			"</Vat>",
		};
		write_lines("vat.xml", v2, 5);
		CHECK_INT(check_dir(&f), -1, "overlapping VAT refused");
		CHECK(has_fault(&f, "vat.xml", 4, "VAT rate overlaps the one at line 3"), "VAT overlap");
		copy("vat.xml", "vat.xml");
	}

	/* prices.xml: a category missing, a month twice */
	{
		const char *p[] = {
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
			"<Prices>",
			"<Month period=\"2026-01\"><Price category=\"1\" kop=\"1\"/><Price category=\"2\" kop=\"1\"/>"
			"<Price category=\"3\" kop=\"1\"/><Price category=\"4\" kop=\"1\"/><Price category=\"5\" kop=\"1\"/>"
			"<Price category=\"6\" kop=\"1\"/></Month>",
			"<Month period=\"2026-02\"><Price category=\"1\" kop=\"1\"/></Month>",
			"<Month period=\"2026-01\"><Price category=\"1\" kop=\"1\"/><Price category=\"2\" kop=\"1\"/>"
			"<Price category=\"3\" kop=\"1\"/><Price category=\"4\" kop=\"1\"/><Price category=\"5\" kop=\"1\"/>"
			"<Price category=\"6\" kop=\"1.1234\"/></Month>",
			"</Prices>",
		};
		write_lines("prices.xml", p, 6);
		CHECK_INT(check_dir(&f), -1, "bad prices refused");
		CHECK(has_fault(&f, "prices.xml", 4, "price category 2 missing"), "missing price category");
		CHECK(has_fault(&f, "prices.xml", 5, "month given twice (first at line 3)"),
		      "a month twice");
		p[3] = "<Month period=\"2026-02\"><Price category=\"1\" kop=\"1.12345\"/></Month>";
		write_lines("prices.xml", p, 6);
		CHECK_INT(check_dir(&f), -1, "5 decimals of a kopeck refused");
		CHECK(has_fault(&f, "prices.xml", 4, "Element 'Price', attribute 'kop'"),
		      "... by the schema, at its line");
		copy("prices.xml", "prices.xml");
	}

	/* billing.xml: window backwards */
	{
		const char *b[] = {
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
			"<Billing>",
			"<ReadingsWindow firstDay=\"25\" lastDay=\"15\"/>",
			"<LegalMonth readingsDay=\"5\" documentsDay=\"5\"/>",
			"<Estimation historyMonths=\"12\" minHistory=\"3\" maxConsecutive=\"3\"/>",
			"<Household dueDay=\"10\" dueMonthOffset=\"1\"/>",
			"<Legal><Advance percent=\"70\" day=\"10\" monthOffset=\"0\"/>",
			"<Advance percent=\"40\" day=\"25\" monthOffset=\"0\"/><Balance day=\"18\" monthOffset=\"1\"/></Legal>",
			"</Billing>",
		};
		write_lines("billing.xml", b, 9);
		CHECK_INT(check_dir(&f), -1, "bad billing cycle refused");
		CHECK(has_fault(&f, "billing.xml", 3, "readings window firstDay after lastDay"), "window");
		CHECK(has_fault(&f, "billing.xml", 4, "LegalMonth readingsDay not before documentsDay"),
		      "legal readings day not before the documents day");
		CHECK(has_fault(&f, "billing.xml", 8, "advances add up to more than 100 %"), "advances > 100 %");
		copy("billing.xml", "billing.xml");
	}

	/* supplier.xml: wrong INN check digit and account key */
	{
		const char *s[] = {
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
			"<Supplier>",
			"<Name>АО «Газпром энергосбыт Тюмень»</Name><ShortName>x</ShortName>",
			"<Inn>7203001236</Inn>",
			"<Kpp>720301001</Kpp><Address>Тюмень</Address>",
			"<Bank><Name>Банк</Name><Bic>047102777</Bic>",
			"<CorrAccount>30101810700000000777</CorrAccount>",
			"<Account>40702810667100012346</Account></Bank>",
			"</Supplier>",
		};
		write_lines("supplier.xml", s, 9);
		CHECK_INT(check_dir(&f), -1, "bad requisites refused");
		CHECK(has_fault(&f, "supplier.xml", 4, "INN '7203001236' has a wrong check digit"), "INN");
		CHECK(has_fault(&f, "supplier.xml", 8, "settlement account '40702810667100012346' does not match"),
		      "account key");
		copy("supplier.xml", "supplier.xml");
	}

	/* a missing file is a fault too */
	{
		char p[128];

		snprintf(p, sizeof(p), "%s/vat.xml", dir);
		unlink(p);
		CHECK_INT(check_dir(&f), -1, "a missing vat.xml is refused");
		CHECK(f.count >= 1 && strstr(f.lines[0], "vat.xml") != NULL, "... naming the file");
		copy("vat.xml", "vat.xml");
		CHECK_INT(check_dir(&f), 0, "the restored dir is clean again");
	}
	faults_release(&f);
	cleanup();
	return check_done();
}
