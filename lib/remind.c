/* remind.c - reminders to customers; see remind.h. */
#include "remind.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "package.h"
#include "rulesxml.h"

static const char *const kind_name[REMIND_KINDS] = { "payment_due", "debt", "tariff" };

/* The placeholders each kind knows. */
static const char *const known[REMIND_KINDS][7] = {
	{ "account", "period", "amount", "due", "supplier", "phone", NULL },
	{ "account", "amount", "as_of", "supplier", "phone", NULL },
	{ "account", "from", "tariff", "category", "supplier", "phone", NULL },
};

static int nknown(int k)
{
	int n = 0;

	while (known[k][n])
		n++;
	return n;
}

char *remind_expand(const char *tpl, const char *const *names, const char *const *values,
		    int n, const char **bad)
{
	size_t cap = strlen(tpl) + 64, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (const char *p = tpl; *p;) {
		const char *add = p;
		size_t alen = 1;

		if (*p == '{') {
			const char *end = strchr(p, '}');
			int i;

			if (!end)
				goto unknown;
			for (i = 0; i < n; i++)
				if (strlen(names[i]) == (size_t)(end - p - 1) &&
				    !strncmp(names[i], p + 1, (size_t)(end - p - 1)))
					break;
			if (i == n)
				goto unknown;
			add = values[i] ? values[i] : "";
			alen = strlen(add);
			p = end + 1;
		} else {
			p++;
		}
		if (len + alen + 1 > cap) {
			char *o;

			cap = (len + alen + 1) * 2;
			if (!(o = realloc(out, cap))) {
				free(out);
				return NULL;
			}
			out = o;
		}
		memcpy(out + len, add, alen);
		len += alen;
	}
	out[len] = '\0';
	return out;
unknown:
	if (bad)
		*bad = tpl;
	free(out);
	return NULL;
}

void remind_rules_release(struct remind_rules *r)
{
	for (int k = 0; k < REMIND_KINDS; k++) {
		xmlFree(r->k[k].sms);
		xmlFree(r->k[k].subject);
		xmlFree(r->k[k].email);
	}
	memset(r, 0, sizeof(*r));
}

static char *child_text(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n = rulesxml_child(parent, name);

	return n ? (char *)xmlNodeGetContent(n) : NULL;
}

int remind_rules_load(const char *rules_dir, struct remind_rules *r, struct faults *f)
{
	char path[4096], xsd[4096];
	xmlDocPtr doc;
	int before = f->count;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/reminders.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/reminders.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	for (xmlNodePtr n = rulesxml_child(xmlDocGetRootElement(doc), "Reminder"); n;
	     n = rulesxml_next(n->next, "Reminder")) {
		char *kind = rulesxml_attr(n, "kind"), *days = rulesxml_attr(n, "days"),
		     *day = rulesxml_attr(n, "day"), *min = rulesxml_attr(n, "minimum");
		int k = 0;
		struct remind_rule *x;

		while (k < REMIND_KINDS && strcmp(kind_name[k], kind))
			k++;
		x = &r->k[k < REMIND_KINDS ? k : 0];
		if (k < REMIND_KINDS) {
			x->present = 1;
			x->days = days ? atoi(days) : 0;
			x->day = day ? atoi(day) : 0;
			if (min)
				money_parse(min, -1, '.', &x->minimum);
			x->sms = child_text(n, "Sms");
			x->subject = child_text(n, "Subject");
			x->email = child_text(n, "Email");
			if ((k == REMIND_DEBT && !x->day) || (k != REMIND_DEBT && !x->days))
				faults_add(f, path, rulesxml_line(n), "reminder '%s' needs %s", kind,
					   k == REMIND_DEBT ? "day" : "days");
			/* every placeholder must be one the kind fills */
			{
				const char *texts[3] = { x->sms, x->subject, x->email };
				const char *vals[7] = { 0 };

				for (int t = 0; t < 3; t++) {
					char *s = texts[t] ? remind_expand(texts[t], known[k], vals,
									   nknown(k), NULL) : NULL;
					if (texts[t] && !s)
						faults_add(f, path, rulesxml_line(n), "reminder '%s': a "
							   "placeholder that is not one of its names", kind);
					free(s);
				}
			}
		}
		xmlFree(kind);
		xmlFree(days);
		xmlFree(day);
		xmlFree(min);
	}
	xmlFreeDoc(doc);
	if (f->count > before) {
		remind_rules_release(r);
		return -1;
	}
	return 0;
}

int remind_rules_check(const char *rules_dir, struct faults *f)
{
	struct remind_rules r;

	if (remind_rules_load(rules_dir, &r, f))
		return -1;
	remind_rules_release(&r);
	return 0;
}

/* ---- writing ----------------------------------------------------------- */

/* One field of a ';'-separated line, quoted when it holds ';', '"' or a
 * line break (doubled quotes inside). */
static void put_field(FILE *f, const char *s, int last)
{
	if (strpbrk(s, ";\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ';', f);
}

struct out {
	struct package pkg;
	FILE *f;
	int open;
	int64_t rows;
};

struct branch_out {
	char branch[32];
	struct out ch[2];   /* 0 sms, 1 email */
};

static int out_open(const struct remind_opts *o, struct branch_out *b, int c, struct sbyt_err *e)
{
	struct out *x = &b->ch[c];
	char path[4096], day[DATE_BUF];
	const char *entry;

	snprintf(path, sizeof(path), "%s/remind/%s/%s/%s.zip", o->out_dir,
		 date_format(o->as_of, day), b->branch, c ? "email" : "sms");
	if (package_open(&x->pkg, path, e))
		return -1;
	if (!(entry = package_entry(&x->pkg, "reminders.csv", e)) || !(x->f = fopen(entry, "w"))) {
		package_abort(&x->pkg);
		return e->kind ? -1 : err_set(e, ERR_CANTCREATE, "cannot create '%s'", path);
	}
	fputs(c ? "account;email;kind;subject;text\n" : "account;phone;kind;text\n", x->f);
	x->open = 1;
	x->rows = 0;
	return 0;
}

static int out_close(const struct remind_opts *o, struct branch_out *b, struct remind_counts *n,
		     struct sbyt_err *e)
{
	int rc = 0;

	for (int c = 0; c < 2; c++) {
		struct out *x = &b->ch[c];
		char cnt[24];

		if (!x->open)
			continue;
		x->open = 0;
		if (fclose(x->f) != 0) {
			package_abort(&x->pkg);
			rc = err_set(e, ERR_IO, "cannot write the reminders of branch '%s'", b->branch);
			continue;
		}
		snprintf(cnt, sizeof(cnt), "%" PRId64, x->rows);
		package_fact(&x->pkg, "branch", b->branch);
		package_fact(&x->pkg, "channel", c ? "email" : "sms");
		package_fact(&x->pkg, "messages", cnt);
		if (rc == 0 && package_commit(&x->pkg, o->run_id, o->rules_version, e))
			rc = -1;
		else if (rc == 0)
			n->packages++;
	}
	return rc;
}

static void abort_all(struct branch_out *b)
{
	for (int c = 0; c < 2; c++)
		if (b->ch[c].open) {
			fclose(b->ch[c].f);
			package_abort(&b->ch[c].pkg);
			b->ch[c].open = 0;
		}
}

/* "DD.MM.YYYY" of an ISO date text. */
static void dmy_text(const char *iso, char *out, size_t size)
{
	sdate d;
	int y, m, dd;

	out[0] = '\0';
	if (iso && iso[0] && date_parse(iso, -1, &d) == 0) {
		date_to_ymd(d, &y, &m, &dd);
		snprintf(out, size, "%02d.%02d.%04d", dd, m, y);
	}
}

int remind_run(const struct remind_opts *o, struct remind_counts *n, struct sbyt_err *e)
{
	const struct remind_rules *r = o->rules;
	const struct supplier *sup = tariff_supplier(o->tariffs);
	char d[DATE_BUF], pd_days[16], min_s[24], cats[2048] = "{", rates[2048] = "{";
	char asof_dmy[16];
	struct branch_out b;
	PGresult *cr, *res;
	int failed, dom, rc = 0;
	size_t cl = 1, rl = 1;

	memset(n, 0, sizeof(*n));
	memset(&b, 0, sizeof(b));
	date_to_ymd(o->as_of, NULL, NULL, &dom);
	date_format(o->as_of, d);
	dmy_text(d, asof_dmy, sizeof(asof_dmy));
	snprintf(pd_days, sizeof(pd_days), "%d", r->k[REMIND_PAYMENT_DUE].present ?
		 r->k[REMIND_PAYMENT_DUE].days : -1);
	snprintf(min_s, sizeof(min_s), "%" PRId64, r->k[REMIND_DEBT].minimum);
	/* The household categories whose single-rate tariff starts `days`
	 * after the as-of date, with the new band-1 rate in roubles. */
	if (r->k[REMIND_TARIFF].present) {
		sdate from = o->as_of + r->k[REMIND_TARIFF].days;

		cr = db_query(o->db, e, "SELECT DISTINCT category FROM account"
			      " WHERE kind = 'individual' ORDER BY 1", 0, NULL);
		if (!cr)
			return -1;
		for (int i = 0; i < PQntuples(cr); i++) {
			struct tariff_rate t;
			struct sbyt_err ignore;
			char m[MONEY_BUF];
			const char *cat = PQgetvalue(cr, i, 0);

			if (!tariff_category_known(o->tariffs, cat) ||
			    tariff_lookup(o->tariffs, cat, 1, from, &t, &ignore) || t.from != from)
				continue;
			money_format(money_round(t.rate[0][0], TARIFF_SCALE), m);
			cl += (size_t)snprintf(cats + cl, sizeof(cats) - cl, "%s%s", cl > 1 ? "," : "", cat);
			rl += (size_t)snprintf(rates + rl, sizeof(rates) - rl, "%s%s", rl > 1 ? "," : "", m);
		}
		PQclear(cr);
	}
	snprintf(cats + cl, sizeof(cats) - cl, "}");
	snprintf(rates + rl, sizeof(rates) - rl, "}");
	{
		char debt_on[4];
		const char *p[6] = { d, pd_days, debt_on, min_s, cats, rates };

		snprintf(debt_on, sizeof(debt_on), "%s", r->k[REMIND_DEBT].present &&
			 r->k[REMIND_DEBT].day == dom ? "t" : "f");
		if (db_stream_begin(o->db, e,
			"WITH x AS ("
			" SELECT 0 AS kind, d.account_id, to_char(d.period, 'MM.YYYY') AS period,"
			"  d.total - coalesce((SELECT sum(p.amount) FROM payment p"
			"   WHERE p.account_id = d.account_id AND p.paid_on >= d.issued_on), 0) AS amount,"
			"  d.due::text AS due, NULL::text AS rate"
			"  FROM document d WHERE $2::int >= 0 AND d.due = $1::date + $2::int AND d.total > 0"
			" UNION ALL"
			" SELECT 1, s.account_id, NULL, s.principal, NULL, NULL FROM debt_snapshot s"
			"  WHERE $3::boolean AND s.as_of = $1::date AND s.principal >= $4::bigint"
			" UNION ALL"
			" SELECT 2, a.account_id, NULL, NULL, NULL, t.rate FROM account a"
			"  JOIN unnest($5::text[], $6::text[]) AS t(category, rate) USING (category)"
			"  WHERE a.kind = 'individual')"
			" SELECT a.branch, x.kind, a.account_id::text, coalesce(a.phones[1], ''),"
			"  CASE WHEN a.delivery = 'email' THEN coalesce(a.email, '') ELSE '' END,"
			"  coalesce(x.period, ''), coalesce(x.amount::text, ''), coalesce(x.due, ''),"
			"  coalesce(x.rate, ''), a.category"
			" FROM x JOIN account a USING (account_id)"
			" WHERE x.kind = 2 OR x.amount > 0"
			" ORDER BY a.branch, x.kind, a.account_id", 6, p))
			return -1;
	}
	while ((res = db_stream_next(o->db, &failed, e)) != NULL) {
		const char *branch = PQgetvalue(res, 0, 0), *phone = PQgetvalue(res, 0, 3),
			   *email = PQgetvalue(res, 0, 4);
		int k = atoi(PQgetvalue(res, 0, 1));
		const struct remind_rule *rr = &r->k[k];
		char amount[MONEY_BUF] = "", due[16], from[16] = "", fd[DATE_BUF];
		const char *vals[7];
		char *sms = NULL, *subj = NULL, *body = NULL;

		if (rc) {
			PQclear(res);
			continue;
		}
		if (strcmp(b.branch, branch)) {
			if (out_close(o, &b, n, e)) {
				rc = -1;
				PQclear(res);
				continue;
			}
			snprintf(b.branch, sizeof(b.branch), "%s", branch);
		}
		if (PQgetvalue(res, 0, 6)[0])
			money_format(strtoll(PQgetvalue(res, 0, 6), NULL, 10), amount);
		dmy_text(PQgetvalue(res, 0, 7), due, sizeof(due));
		if (k == REMIND_TARIFF)
			dmy_text(date_format(o->as_of + rr->days, fd), from, sizeof(from));
		switch (k) {
		case REMIND_PAYMENT_DUE:
			vals[0] = PQgetvalue(res, 0, 2); vals[1] = PQgetvalue(res, 0, 5);
			vals[2] = amount; vals[3] = due; vals[4] = sup->short_name; vals[5] = sup->phone;
			break;
		case REMIND_DEBT:
			vals[0] = PQgetvalue(res, 0, 2); vals[1] = amount; vals[2] = asof_dmy;
			vals[3] = sup->short_name; vals[4] = sup->phone;
			break;
		default:
			vals[0] = PQgetvalue(res, 0, 2); vals[1] = from; vals[2] = PQgetvalue(res, 0, 8);
			vals[3] = names_ru(o->names, "category", PQgetvalue(res, 0, 9));
			vals[4] = sup->short_name; vals[5] = sup->phone;
			break;
		}
		if (phone[0]) {
			if (!b.ch[0].open && out_open(o, &b, 0, e))
				rc = -1;
			else if (!(sms = remind_expand(rr->sms, known[k], vals, nknown(k), NULL)))
				rc = err_set(e, ERR_INTERNAL, "out of memory");
			else {
				put_field(b.ch[0].f, PQgetvalue(res, 0, 2), 0);
				put_field(b.ch[0].f, phone, 0);
				put_field(b.ch[0].f, kind_name[k], 0);
				put_field(b.ch[0].f, sms, 1);
				b.ch[0].rows++;
				n->sms++;
			}
		}
		if (rc == 0 && email[0]) {
			if (!b.ch[1].open && out_open(o, &b, 1, e))
				rc = -1;
			else if (!(subj = remind_expand(rr->subject, known[k], vals, nknown(k), NULL)) ||
				 !(body = remind_expand(rr->email, known[k], vals, nknown(k), NULL)))
				rc = err_set(e, ERR_INTERNAL, "out of memory");
			else {
				put_field(b.ch[1].f, PQgetvalue(res, 0, 2), 0);
				put_field(b.ch[1].f, email, 0);
				put_field(b.ch[1].f, kind_name[k], 0);
				put_field(b.ch[1].f, subj, 0);
				put_field(b.ch[1].f, body, 1);
				b.ch[1].rows++;
				n->email++;
			}
		}
		if (rc == 0 && (phone[0] || email[0]))
			n->by_kind[k]++;
		else if (rc == 0)
			n->no_contact++;
		free(sms);
		free(subj);
		free(body);
		PQclear(res);
	}
	if (failed)
		rc = -1;
	if (rc == 0)
		rc = out_close(o, &b, n, e);
	abort_all(&b);
	return rc;
}
