/* t_upd.c - the УПД model (upd_build), its writer and the schematron rules
 * checked in C (upd_check); the schema itself is checked by tests/t/0540. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "upd.h"

static struct upd_input base(struct upd_charge *l, int n)
{
	struct upd_input in;

	memset(&in, 0, sizeof(in));
	in.period = period_from_ym(2026, 11);
	in.account = 7201000010;
	in.number = "01-2026-11-7";
	date_parse("2026-12-03", -1, &in.date);
	in.vat_bp = 2200;
	in.lines = l;
	in.nlines = n;
	in.seller = (struct upd_party){ .name = "АО «Газпром энергосбыт Тюмень»", .inn = "7203001235",
		.kpp = "720301001", .address = "625000, г. Тюмень", .edo_id = "2BE-SELLER" };
	in.buyer = (struct upd_party){ .name = "ООО «Ромашка»", .inn = "7206443087",
		.kpp = "720601001", .address = "625003, г. Тюмень", .edo_id = "2BE-BUYER" };
	in.signer = (struct upd_signer){ "Начальник отдела", "Образцова", "Елена", NULL, "1" };
	in.texts = (struct upd_texts){ "Электрическая энергия", "Поставлена", "Договор" };
	in.contract = "ЭС-1";
	date_parse("2015-12-17", -1, &in.contract_date);
	in.program = "sbyt test";
	return in;
}

/* the whole file as a string (caller frees) */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = '\0';
	fclose(f);
	return s;
}

static void spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

/* replace the first `from` by `to` in s (in a new string) */
static char *subst(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char *r;

	if (!p)
		return NULL;
	r = malloc(strlen(s) + strlen(to) + 1);
	memcpy(r, s, (size_t)(p - s));
	strcpy(r + (p - s), to);
	strcat(r, p + strlen(from));
	return r;
}

int main(void)
{
	speriod oct = period_from_ym(2026, 10), nov = period_from_ym(2026, 11);
	/* November: 300 kWh x 6.00 (1800.00 + 396.00), 400 x 6.50 (2600.00 +
	 * 572.00), a zero line, a recalculation of October (ignored by
	 * November's УПД) and a line of October (ignored too). */
	struct upd_charge l[] = {
		{ nov, 0, 0, 1, 300000, 6000000, 219600, 39600 },
		{ nov, 0, 0, 1, 400000, 6500000, 317200, 57200 },
		{ nov, 0, 0, 2, 0, 6000000, 0, 0 },
		{ nov, 1, oct, 1, 100000, 6000000, 73200, 13200 },
		{ oct, 0, 0, 1, 1000000, 6000000, 732000, 132000 },
	};
	struct upd_input in = base(l, 5), in2;
	struct upd_model m, m2;
	struct sbyt_err e;
	char dir[] = "/tmp/t_upd.XXXXXX", path[512], name[512], bad[512];
	char *text, *t2;
	int rc;

	memset(&e, 0, sizeof(e));
	rc = upd_build(&in, &m, &e);
	CHECK_INT(rc, 0, "November builds");
	CHECK_INT(m.nrows, 2, "two rows: the zero line and other months are left out");
	CHECK_INT(m.net, 440000, "net 1800.00 + 2600.00 = 4400.00");
	CHECK_INT(m.vat, 96800, "VAT 396.00 + 572.00 = 968.00");
	CHECK_INT(m.amount, 536800, "amount 5368.00");
	CHECK_INT(m.volume, 700000, "700 kWh");
	CHECK_STR(m.rate_text, "22%", "the rate as the schema spells it");
	CHECK(strlen(m.guid) == 36 && m.guid[14] == '8' && strchr("89ab", m.guid[19]),
	      "a version 8 UUID, RFC variant");
	CHECK(!strncmp(m.file_id, "ON_NSCHFDOPPR_2BE-BUYER_2BE-SELLER_20261203_", 44) &&
	      !strcmp(m.file_id + 44, m.guid), "file id: receiver, sender, date, GUID");
	in2 = in;
	upd_build(&in2, &m2, &e);
	CHECK_STR(m2.guid, m.guid, "the same data gives the same GUID");
	upd_model_release(&m2);
	in2.fix_no = 1;
	date_parse("2027-01-05", -1, &in2.fix_date);
	upd_build(&in2, &m2, &e);
	CHECK(strcmp(m2.guid, m.guid) != 0, "a correction gets a GUID of its own");
	CHECK(strstr(m2.file_id, "_20270105_") != NULL, "named by the correction's date");
	upd_model_release(&m2);

	/* October corrected: 1000 + 100 kWh at 6.00 merged into one row. */
	in2 = base(l, 5);
	in2.period = oct;
	in2.fix_no = 1;
	in2.fix_date = in.date;
	CHECK_INT(upd_build(&in2, &m2, &e), 0, "the correction of October builds");
	CHECK(m2.nrows == 1 && m2.rows[0].volume == 1100000 && m2.rows[0].amount == 805200,
	      "one row of 1100 kWh, 8052.00");
	upd_model_release(&m2);

	/* refusals */
	in2 = base(l, 1);
	in2.vat_bp = 2000;
	CHECK_INT(upd_build(&in2, &m2, &e), -1, "VAT not 20 % of the line: refused");
	CHECK(e.kind == ERR_DATA, "as a data error");
	upd_model_release(&m2);
	in2 = base(l, 1);
	in2.vat_bp = 2150;
	CHECK_INT(upd_build(&in2, &m2, &e), -1, "a rate the format does not know");
	CHECK(e.kind == ERR_CONFIG, "as a configuration error");
	upd_model_release(&m2);
	{
		struct upd_charge neg[] = { { oct, 0, 0, 1, 100000, 6000000, 73200, 13200 },
					    { nov, 1, oct, 1, -200000, 6000000, -146400, -26400 } };
		in2 = base(neg, 2);
		in2.period = oct;
		in2.fix_no = 1;
		CHECK_INT(upd_build(&in2, &m2, &e), -1, "a month corrected below zero is refused");
		upd_model_release(&m2);
		in2 = base(neg, 1);
		CHECK_INT(upd_build(&in2, &m2, &e), 1, "a month without charges: no УПД");
		upd_model_release(&m2);
	}

	in2 = base(l, 1);
	in2.buyer.inn = "7206443088";  /* check digit 7 */
	CHECK_INT(upd_build(&in2, &m2, &e), -1, "a buyer INN with a wrong check digit is refused");
	upd_model_release(&m2);
	in2 = base(l, 1);
	in2.buyer.kpp = "0012AB001";
	CHECK_INT(upd_build(&in2, &m2, &e), -1, "a KPP starting with 00 is refused");
	upd_model_release(&m2);

	/* write, read back, the rules in C */
	if (!mkdtemp(dir))
		return 1;
	snprintf(name, sizeof(name), "upd/%s.xml", m.file_id);
	snprintf(path, sizeof(path), "%s/%s.xml", dir, m.file_id);
	CHECK_INT(upd_write(&m, path, &e), 0, "written");
	CHECK_INT(upd_check(path, name, &e), 0, "and passes the rules checked in C");
	text = slurp(path);
	CHECK(text && !strncmp(text, "<?xml version=\"1.0\" encoding=\"windows-1251\"?>", 45),
	      "declared windows-1251");
	/* "Файл" in windows-1251: D4 E0 E9 EB */
	CHECK(text && strstr(text, "<\xD4\xE0\xE9\xEB ") != NULL, "element names in windows-1251 bytes");
	CHECK_INT(upd_check(path, "upd/ON_NSCHFDOPPR_OTHER.xml", &e), -1,
		  "a file whose name is not ИдФайл is refused");
	CHECK(strstr(e.msg, "ИдФайл") != NULL, "naming the rule");
	/* without СвПродПер ("СвПродПер" is C1 E2 CF F0 EE E4 CF E5 F0) */
	t2 = text ? subst(text, "<\xD1\xE2\xCF\xF0\xEE\xE4\xCF\xE5\xF0>", "<x>") : NULL;
	if (t2) {
		char *t3 = subst(t2, "</\xD1\xE2\xCF\xF0\xEE\xE4\xCF\xE5\xF0>", "</x>");
		snprintf(bad, sizeof(bad), "%s/bad.xml", dir);
		spit(bad, t3 ? t3 : t2);
		free(t3);
	}
	CHECK(t2 && upd_check(bad, name, &e) == -1 && strstr(e.msg, "СвПродПер"),
	      "a file without СвПродПер is refused");
	free(t2);
	free(text);
	unlink(bad);
	unlink(path);
	rmdir(dir);
	upd_model_release(&m);
	return check_done();
}
