/* service.c - the customer-service registers; see service.h. */
#include "service.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "db.h"
#include "deadline.h"
#include "final_invoice.h"
#include "infile.h"
#include "rulesxml.h"
#include "sha256.h"
#include "shard.h"

/* ---- rules ------------------------------------------------------------- */

/* The rules every register needs: register, customer, step. */
static const struct {
	const char *reg, *customer, *step;
} needed[] = {
	{ "appeal", NULL, "register" }, { "appeal", NULL, "answer" },
	{ "appeal", NULL, "extend" },
	{ "contract", "legal", "register" }, { "contract", "legal", "answer" },
	{ "contract", "legal", "refuse" }, { "contract", "legal", "protocol_settled" },
	{ "contract", "legal", "sign" }, { "contract", "legal", "terminate" },
	{ "contract", "legal", "final_invoice" },
	{ "contract", "individual", "register" }, { "contract", "individual", "sign" },
	{ "contract", "individual", "terminate" },
};

void service_rules_release(struct service_rules *r)
{
	for (int i = 0; i < r->n; i++)
		xmlFree(r->rule[i].citation);
	for (int i = 0; i < 3; i++) {
		xmlFree(r->invoice_text[i]);
		r->invoice_text[i] = NULL;
	}
	r->n = 0;
}

int service_rules_load(const char *rules_dir, struct service_rules *r, struct faults *f)
{
	char path[4096], xsd[4096];
	xmlDocPtr doc;
	int before = f->count;

	memset(r, 0, sizeof(*r));
	snprintf(path, sizeof(path), "%s/service.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/service.xsd", rules_dir);
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	for (xmlNodePtr n = rulesxml_child(xmlDocGetRootElement(doc), "Rule"); n;
	     n = rulesxml_next(n->next, "Rule")) {
		char *a[8];
		static const char *const names[8] = { "id", "register", "customer", "step", "from",
						      "days", "count", "kind" };
		struct service_rule *x;

		if (r->n >= SERVICE_MAX_RULES) {
			faults_add(f, path, rulesxml_line(n), "more than %d rules", SERVICE_MAX_RULES);
			break;
		}
		x = &r->rule[r->n++];
		for (int i = 0; i < 8; i++)
			a[i] = rulesxml_attr(n, names[i]);
		snprintf(x->id, sizeof(x->id), "%s", a[0]);
		x->contract = strcmp(a[1], "contract") == 0;
		x->customer = !a[2] || !strcmp(a[2], "any") ? SVC_ANY :
			      !strcmp(a[2], "legal") ? SVC_LEGAL : SVC_INDIVIDUAL;
		snprintf(x->step, sizeof(x->step), "%s", a[3]);
		snprintf(x->from, sizeof(x->from), "%s", a[4]);
		x->days = atoi(a[5]);
		x->working = strcmp(a[6], "working") == 0;
		x->before = strcmp(a[7], "before") == 0;
		x->citation = rulesxml_attr(n, "citation");
		x->line = rulesxml_line(n);
		if (x->before && !x->working)
			faults_add(f, path, x->line, "rule '%s': a lead before a date counts working days",
				   x->id);
		if (x->contract && x->customer == SVC_ANY)
			faults_add(f, path, x->line, "rule '%s': a contract rule names its customer "
				   "(legal or individual)", x->id);
		for (int i = 0; i < r->n - 1; i++)
			if (r->rule[i].contract == x->contract && r->rule[i].customer == x->customer &&
			    !strcmp(r->rule[i].step, x->step))
				faults_add(f, path, x->line, "rule '%s': step '%s' is given twice", x->id,
					   x->step);
		for (int i = 0; i < 8; i++)
			xmlFree(a[i]);
	}
	{
		static const char *const names[3] = { "debt", "energy", "compensation" };
		xmlNodePtr fi = rulesxml_child(xmlDocGetRootElement(doc), "FinalInvoice");

		for (int i = 0; i < 3 && fi; i++)
			r->invoice_text[i] = rulesxml_attr(fi, names[i]);
	}
	xmlFreeDoc(doc);
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (!service_rule_find(r, needed[i].reg, needed[i].customer, needed[i].step))
			faults_add(f, path, 0, "no rule for the %s%s%s step '%s'", needed[i].reg,
				   needed[i].customer ? " of " : "",
				   needed[i].customer ? needed[i].customer : "", needed[i].step);
	if (f->count > before) {
		service_rules_release(r);
		return -1;
	}
	return 0;
}

int service_rules_check(const char *rules_dir, struct faults *f)
{
	struct service_rules r;

	if (service_rules_load(rules_dir, &r, f))
		return -1;
	service_rules_release(&r);
	return 0;
}

const struct service_rule *service_rule_find(const struct service_rules *r, const char *reg,
					     const char *customer, const char *step)
{
	int contract = strcmp(reg, "contract") == 0;
	enum service_customer c = !customer ? SVC_ANY :
				  !strcmp(customer, "legal") ? SVC_LEGAL : SVC_INDIVIDUAL;

	for (int i = 0; i < r->n; i++)
		if (r->rule[i].contract == contract && !strcmp(r->rule[i].step, step) &&
		    (r->rule[i].customer == c || r->rule[i].customer == SVC_ANY))
			return &r->rule[i];
	return NULL;
}

int service_due(const struct calendar *cal, const struct service_rule *r, sdate from,
		sdate *due, struct sbyt_err *e)
{
	struct limit_step st;
	struct derivation d;

	memset(&st, 0, sizeof(st));
	snprintf(st.name, sizeof(st.name), "%s", r->step);
	snprintf(st.rule, sizeof(st.rule), "%s", r->id);
	st.notice = st.after = -1;
	if (!r->working) {
		/* E + N calendar days; a last day off moves (Civil Code 193) */
		st.kind = STEP_LEAD;
		st.action = 1;
	} else {
		/* the N-th working day after E; N = 0: E, or the next working day */
		st.kind = STEP_NTH_WORKING_DAY;
		st.action = r->days == 0;
	}
	if (deadline_step(cal, &st, from, r->days, &d, e))
		return -1;
	*due = d.date;
	return 0;
}

/* ---- appeals ----------------------------------------------------------- */

static int reject(struct service_ctx *x, enum service_outcome *out, const char *code,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int reject(struct service_ctx *x, enum service_outcome *out, const char *code,
		  const char *fmt, ...)
{
	va_list ap;

	snprintf(x->code, sizeof(x->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(x->reason, sizeof(x->reason), fmt, ap);
	va_end(ap);
	*out = SVC_REJECTED;
	return 0;
}

static int account_kind(struct service_ctx *x, int64_t account, char *kind, size_t size,
			struct sbyt_err *e)
{
	char a[24];
	const char *p[1] = { a };
	char *v = NULL;

	kind[0] = '\0';
	snprintf(a, sizeof(a), "%" PRId64, account);
	if (db_value(x->db, e, "SELECT (SELECT kind FROM account WHERE account_id = $1::bigint)", 1, p, &v))
		return -1;
	if (v)
		snprintf(kind, size, "%s", v);
	free(v);
	return 0;
}

/* An ISO time for the database: the text as written with its offset. */
static void ts_text(const struct date_time *t, char *buf, size_t size)
{
	char d[DATE_BUF];
	int64_t s = t->utc;

	/* UTC from the parsed value: no ambiguity of how it was written */
	snprintf(buf, size, "%s", date_format((sdate)(s / 86400 - (s % 86400 < 0)), d));
	snprintf(buf + strlen(buf), size - strlen(buf), " %02d:%02d:%02d+00",
		 (int)(((s % 86400) + 86400) % 86400 / 3600),
		 (int)(((s % 3600) + 3600) % 3600 / 60), (int)(((s % 60) + 60) % 60));
}

int service_appeal_put(struct service_ctx *x, const struct service_appeal *a,
		       enum service_outcome *out, struct sbyt_err *e)
{
	const struct service_rule *rr = service_rule_find(x->rules, "appeal", NULL, "register");
	const struct service_rule *ra = service_rule_find(x->rules, "appeal", NULL, "answer");
	const struct service_rule *rx = service_rule_find(x->rules, "appeal", NULL, "extend");
	char acc[24], rec[40], ans[40], d1[DATE_BUF], d2[DATE_BUF], d3[DATE_BUF], d4[DATE_BUF],
	     d5[DATE_BUF], d6[DATE_BUF], d7[DATE_BUF], d8[DATE_BUF], run[24];
	sdate reg_due, ans_due, limit, registered;
	PGresult *res;

	*out = SVC_ACCEPTED;
	x->code[0] = x->reason[0] = '\0';
	if (!rr || !ra || !rx)
		return err_set(e, ERR_CONFIG, "rules/service.xml lacks the appeal rules");
	if (strcmp(a->kind, "question") && strcmp(a->kind, "complaint") &&
	    strcmp(a->kind, "application"))
		return reject(x, out, "bad_kind", "kind must be question, complaint or application");
	if (!a->received.has_offset)
		return reject(x, out, "bad_time", "received_at needs a time with an offset");
	if (a->answered && !a->answered_at.has_offset)
		return reject(x, out, "bad_time", "answered_at needs a time with an offset");
	if (a->answered && a->answered_at.utc < a->received.utc)
		return reject(x, out, "bad_time", "answered before it was received");
	if (a->received.day > x->as_of)
		return reject(x, out, "future_date", "received on %s, after the as-of date %s",
			      date_format(a->received.day, d1), date_format(x->as_of, d2));
	if (a->account) {
		char kind[16];

		if (account_kind(x, a->account, kind, sizeof(kind), e))
			return -1;
		if (!kind[0])
			return reject(x, out, "unknown_account", "account %" PRId64 " is not known",
				      a->account);
	}
	if (service_due(x->cal, rr, a->received.day, &reg_due, e) ||
	    service_due(x->cal, ra, a->received.day, &ans_due, e) ||
	    service_due(x->cal, rx, ans_due, &limit, e))
		return -1;
	if (a->extended && a->extended_to > limit)
		return reject(x, out, "extension_too_long", "extended to %s, past the %dth working "
			      "day after the term of %s: at most %s (%s)", date_format(a->extended_to, d1),
			      rx->days, date_format(ans_due, d2), date_format(limit, d3), rx->id);
	if (a->extended && a->extended_to < ans_due)
		return reject(x, out, "bad_date", "extended to %s, before the term of %s",
			      date_format(a->extended_to, d1), date_format(ans_due, d2));
	registered = a->operator_add && x->as_of > a->received.day ? x->as_of : a->received.day;
	snprintf(acc, sizeof(acc), "%" PRId64, a->account);
	snprintf(run, sizeof(run), "%" PRId64, x->run_id);
	ts_text(&a->received, rec, sizeof(rec));
	if (a->answered)
		ts_text(&a->answered_at, ans, sizeof(ans));
	{
		const char *p[17] = {
			a->id, a->account ? acc : NULL, a->channel, a->kind, rec,
			date_format(a->received.day, d1), date_format(registered, d2),
			date_format(reg_due, d3), date_format(ans_due, d4), date_format(limit, d5),
			a->extended ? date_format(a->extended_to, d6) : NULL,
			a->notified != DATE_NONE ? date_format(a->notified, d7) : NULL,
			a->answered ? ans : NULL,
			a->answered ? date_format(a->answered_at.day, d8) : NULL,
			a->answered ? a->answer_channel : NULL, x->source, x->run_id ? run : NULL,
		};

		/* The row as it would be; a duplicate when it is already so.  A
		 * later line only adds what the earlier ones lacked or changed. */
		res = db_query(x->db, e,
			"WITH n AS (SELECT $1::text AS appeal_id, $2::bigint AS account_id,"
			"  $3::text AS channel, $4::text AS kind, $5::timestamptz AS received_at,"
			"  $6::date AS received_on, $7::date AS registered_on, $8::date AS register_due,"
			"  $9::date AS answer_due, $10::date AS extend_limit, $11::date AS extended_to,"
			"  $12::date AS notified_on, $13::timestamptz AS answered_at,"
			"  $14::date AS answered_on, $15::text AS answer_channel),"
			" o AS (SELECT * FROM appeal WHERE appeal_id = $1),"
			" m AS (SELECT n.appeal_id, n.account_id, n.channel, n.kind, n.received_at,"
			"  n.received_on, coalesce(o.registered_on, n.registered_on) AS registered_on,"
			"  n.register_due, n.answer_due, n.extend_limit,"
			"  coalesce(n.extended_to, o.extended_to) AS extended_to,"
			"  coalesce(n.notified_on, o.notified_on) AS notified_on,"
			"  coalesce(n.answered_at, o.answered_at) AS answered_at,"
			"  coalesce(n.answered_on, o.answered_on) AS answered_on,"
			"  coalesce(n.answer_channel, o.answer_channel) AS answer_channel"
			"  FROM n LEFT JOIN o USING (appeal_id)),"
			" same AS (SELECT 1 FROM m JOIN o USING (appeal_id) WHERE"
			"  (m.account_id, m.channel, m.kind, m.received_at, m.extended_to, m.notified_on,"
			"   m.answered_at, m.answer_channel) IS NOT DISTINCT FROM (o.account_id, o.channel,"
			"   o.kind, o.received_at, o.extended_to, o.notified_on, o.answered_at,"
			"   o.answer_channel)),"
			" up AS (INSERT INTO appeal (appeal_id, account_id, channel, kind, received_at,"
			"  received_on, registered_on, register_due, answer_due, extend_limit, extended_to,"
			"  notified_on, answered_at, answered_on, answer_channel, source, run_id)"
			"  SELECT m.*, $16, $17::bigint FROM m WHERE NOT EXISTS (SELECT 1 FROM same)"
			"  ON CONFLICT (appeal_id) DO UPDATE SET account_id = EXCLUDED.account_id,"
			"  channel = EXCLUDED.channel, kind = EXCLUDED.kind,"
			"  received_at = EXCLUDED.received_at, received_on = EXCLUDED.received_on,"
			"  register_due = EXCLUDED.register_due, answer_due = EXCLUDED.answer_due,"
			"  extend_limit = EXCLUDED.extend_limit, extended_to = EXCLUDED.extended_to,"
			"  notified_on = EXCLUDED.notified_on, answered_at = EXCLUDED.answered_at,"
			"  answered_on = EXCLUDED.answered_on, answer_channel = EXCLUDED.answer_channel,"
			"  source = EXCLUDED.source, run_id = EXCLUDED.run_id RETURNING 1)"
			" SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM same)", 17, p);
	}
	if (!res)
		return -1;
	if (atoi(PQgetvalue(res, 0, 1)) > 0)
		*out = SVC_DUPLICATE;
	PQclear(res);
	return 0;
}

int service_appeal_extend(struct service_ctx *x, const char *id, sdate to, sdate notified,
			  enum service_outcome *out, struct sbyt_err *e)
{
	char d1[DATE_BUF], d2[DATE_BUF], d3[DATE_BUF];
	const char *p[1] = { id };
	PGresult *r;
	sdate term, limit;

	*out = SVC_ACCEPTED;
	x->code[0] = x->reason[0] = '\0';
	r = db_query(x->db, e, "SELECT answer_due, extend_limit, answered_at IS NOT NULL"
		     " FROM appeal WHERE appeal_id = $1", 1, p);
	if (!r)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return reject(x, out, "unknown_appeal", "no appeal '%s' in the register", id);
	}
	date_parse(PQgetvalue(r, 0, 0), -1, &term);
	date_parse(PQgetvalue(r, 0, 1), -1, &limit);
	if (PQgetvalue(r, 0, 2)[0] == 't') {
		PQclear(r);
		return reject(x, out, "answered", "appeal '%s' is answered already", id);
	}
	PQclear(r);
	if (to > limit)
		return reject(x, out, "extension_too_long", "extended to %s, past the 10th working day "
			      "after the term of %s: at most %s (appeal.extend)", date_format(to, d1),
			      date_format(term, d2), date_format(limit, d3));
	if (to < term)
		return reject(x, out, "bad_date", "extended to %s, before the term of %s",
			      date_format(to, d1), date_format(term, d2));
	{
		const char *q[4] = { id, date_format(to, d1), date_format(notified, d2), x->source };
		return db_exec(x->db, e, "UPDATE appeal SET extended_to = $2::date,"
			       " notified_on = $3::date, source = $4 WHERE appeal_id = $1", 4, q);
	}
}

int service_appeal_answer(struct service_ctx *x, const char *id, const struct date_time *at,
			  const char *channel, enum service_outcome *out, struct sbyt_err *e)
{
	char ts[40], d[DATE_BUF];
	const char *p[1] = { id };
	PGresult *r;

	*out = SVC_ACCEPTED;
	x->code[0] = x->reason[0] = '\0';
	r = db_query(x->db, e,
		"SELECT a.channel, coalesce(c.email, ''), coalesce(array_to_string(c.phones, ','), ''),"
		" a.answered_at IS NOT NULL"
		" FROM appeal a LEFT JOIN account c USING (account_id) WHERE a.appeal_id = $1",
		1, p);
	if (!r)
		return -1;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return reject(x, out, "unknown_appeal", "no appeal '%s' in the register", id);
	}
	if (PQgetvalue(r, 0, 3)[0] == 't') {
		PQclear(r);
		return reject(x, out, "answered", "appeal '%s' is answered already", id);
	}
	if (!channel) {
		const char *came = PQgetvalue(r, 0, 0);

		channel = !strcmp(came, "email") || !strcmp(came, "phone") || !strcmp(came, "post") ?
			  came : PQgetvalue(r, 0, 1)[0] ? "email" : PQgetvalue(r, 0, 2)[0] ? "phone" :
			  "post";
	}
	snprintf(x->reason, sizeof(x->reason), "%s", channel);
	PQclear(r);
	ts_text(at, ts, sizeof(ts));
	{
		const char *q[5] = { id, ts, date_format(at->day, d), x->reason, x->source };
		r = db_query(x->db, e, "UPDATE appeal SET answered_at = $2::timestamptz,"
			     " answered_on = $3::date, answer_channel = $4, source = $5"
			     " WHERE appeal_id = $1 AND received_at <= $2::timestamptz", 5, q);
	}
	if (!r)
		return -1;
	if (atoi(PQcmdTuples(r)) == 0) {
		PQclear(r);
		return reject(x, out, "bad_time", "answered before it was received");
	}
	PQclear(r);
	return 0;
}

/* ---- contracts --------------------------------------------------------- */

/* Open step `step` of case id, due by its rule from `from_on`. */
static int open_step(struct service_ctx *x, const char *id, const char *customer,
		     const char *step, const char *from_event, sdate from_on, sdate named,
		     sdate done, const char *outcome, struct sbyt_err *e)
{
	const struct service_rule *r = service_rule_find(x->rules, "contract", customer, step);
	char d1[DATE_BUF], d2[DATE_BUF], d3[DATE_BUF], d4[DATE_BUF];
	sdate due;

	if (!r)
		return 0;  /* no such step for this customer (households: no answer) */
	if (service_due(x->cal, r, from_on, &due, e))
		return -1;
	{
		const char *p[10] = {
			id, step, r->id, from_event, date_format(from_on, d1), date_format(due, d2),
			named != DATE_NONE ? date_format(named, d3) : NULL,
			done != DATE_NONE ? date_format(done, d4) : NULL, outcome, x->source,
		};
		return db_exec(x->db, e,
			"INSERT INTO contract_step (case_id, step, rule, from_event, from_on, due,"
			" named_on, done_on, outcome, source)"
			" VALUES ($1, $2, $3, $4, $5::date, $6::date, $7::date, $8::date, $9, $10)"
			" ON CONFLICT (case_id, step) DO UPDATE SET rule = EXCLUDED.rule,"
			" from_event = EXCLUDED.from_event, from_on = EXCLUDED.from_on,"
			" due = EXCLUDED.due, named_on = EXCLUDED.named_on, done_on = EXCLUDED.done_on,"
			" outcome = EXCLUDED.outcome, source = EXCLUDED.source", 10, p);
	}
}

/* Close the open steps of case id named in `steps` (comma-separated) with
 * outcome on `at`; *changed gets the number closed. */
static int close_steps(struct service_ctx *x, const char *id, const char *steps, sdate at,
		       const char *outcome, int *changed, struct sbyt_err *e)
{
	char d[DATE_BUF];
	const char *p[5] = { id, steps, date_format(at, d), outcome, x->source };
	PGresult *res = db_query(x->db, e,
		"UPDATE contract_step SET done_on = $3::date, outcome = $4, source = $5"
		" WHERE case_id = $1 AND step = ANY (string_to_array($2, ','))"
		" AND done_on IS NULL", 5, p);

	if (!res)
		return -1;
	*changed = atoi(PQcmdTuples(res));
	PQclear(res);
	return 0;
}

int service_contract_event(struct service_ctx *x, const char *id, int64_t account,
			   const char *event, sdate at, sdate date, enum service_outcome *out,
			   struct sbyt_err *e)
{
	char acc[24], kind[16] = "", d1[DATE_BUF], d2[DATE_BUF], d3[DATE_BUF], *v = NULL;
	const char *p[5];
	int changed = 0;

	*out = SVC_ACCEPTED;
	x->code[0] = x->reason[0] = '\0';
	if (at > x->as_of)
		return reject(x, out, "future_date", "%s on %s, after the as-of date %s", event,
			      date_format(at, d1), date_format(x->as_of, d2));
	/* the case's customer: from the case, else from the account */
	p[0] = id;
	if (db_value(x->db, e, "SELECT (SELECT customer FROM contract_case WHERE case_id = $1)", 1, p, &v))
		return -1;
	if (v) {
		snprintf(kind, sizeof(kind), "%s", v);
		free(v);
	} else if (strcmp(event, "apply") && strcmp(event, "terminate_notice")) {
		return reject(x, out, "unknown_case", "contract case '%s' has no application or "
			      "termination notice", id);
	} else {
		if (!account)
			return reject(x, out, "bad_account", "an account is needed to open case '%s'", id);
		if (account_kind(x, account, kind, sizeof(kind), e))
			return -1;
		if (!kind[0])
			return reject(x, out, "unknown_account", "account %" PRId64 " is not known",
				      account);
		snprintf(acc, sizeof(acc), "%" PRId64, account);
		p[1] = acc;
		p[2] = kind;
		p[3] = date_format(at, d1);
		p[4] = x->source;
		if (db_exec(x->db, e, "INSERT INTO contract_case (case_id, account_id, customer,"
			    " opened_on, source) VALUES ($1, $2::bigint, $3, $4::date, $5)", 5, p))
			return -1;
	}
	if (!strcmp(event, "apply")) {
		v = NULL;
		if (db_value(x->db, e, "SELECT (SELECT 1 FROM contract_step WHERE case_id = $1 AND step ="
			     " 'register')", 1, p, &v))
			return -1;
		if (v) {
			free(v);
			*out = SVC_DUPLICATE;
			return 0;
		}
		/* registered as it is recorded: on the day of the application, or
		 * the as-of date when it is recorded later by hand */
		return open_step(x, id, kind, "register", "apply", at, DATE_NONE, at, "done", e) ||
		       open_step(x, id, kind, "answer", "apply", at, DATE_NONE, DATE_NONE, NULL, e) ||
		       open_step(x, id, kind, "sign", "apply", at, DATE_NONE, DATE_NONE, NULL, e);
	}
	if (!strcmp(event, "answer"))
		return close_steps(x, id, "answer", at, "done", &changed, e) ? -1 :
		       (changed ? 0 : (*out = SVC_DUPLICATE, 0));
	if (!strcmp(event, "refuse")) {
		if (close_steps(x, id, "answer", at, "refused", &changed, e))
			return -1;
		if (close_steps(x, id, "sign,protocol_settled", at, "closed", &changed, e))
			return -1;
		return 0;
	}
	if (!strcmp(event, "protocol"))
		return open_step(x, id, kind, "protocol_settled", "protocol", at, DATE_NONE,
				 DATE_NONE, NULL, e);
	if (!strcmp(event, "sign")) {
		if (close_steps(x, id, "sign", at, "done", &changed, e))
			return -1;
		if (!changed) {
			*out = SVC_DUPLICATE;
			return 0;
		}
		/* a signed contract settles the disagreements and answers the application */
		return close_steps(x, id, "protocol_settled,answer", at, "done", &changed, e);
	}
	if (!strcmp(event, "terminate_notice")) {
		const struct service_rule *r = service_rule_find(x->rules, "contract", kind,
								 "terminate");
		sdate earliest;

		if (!r)
			return err_set(e, ERR_CONFIG, "rules/service.xml lacks the termination rule");
		if (date == DATE_NONE)
			return reject(x, out, "bad_date", "a termination notice names the date");
		if (service_due(x->cal, r, at, &earliest, e))
			return -1;
		if (date < earliest)
			return reject(x, out, "short_notice", "termination on %s named on %s: less than "
				      "%d working days ahead; the earliest lawful date is %s (%s)",
				      date_format(date, d1), date_format(at, d2), r->days,
				      date_format(earliest, d3), r->id);
		return open_step(x, id, kind, "terminate", "terminate_notice", at, date, at, "done", e) ||
		       open_step(x, id, kind, "final_invoice", "terminate_notice", at, DATE_NONE,
				 DATE_NONE, NULL, e);
	}
	if (!strcmp(event, "final_invoice"))
		return close_steps(x, id, "final_invoice", at, "done", &changed, e) ? -1 :
		       (changed ? 0 : (*out = SVC_DUPLICATE, 0));
	return reject(x, out, "bad_event", "event must be apply, answer, refuse, protocol, sign, "
		      "terminate_notice or final_invoice");
}

/* ---- spool files ------------------------------------------------------- */

static const char appeals_header[] = "id;received_at;channel;kind;account;answered_at;extended_to";
static const char contracts_header[] = "id;account;event;at;date";

/* The account field: empty (0) or 10 digits; -1 when malformed. */
static int64_t account_field(const char *s, size_t n)
{
	int64_t v = 0;

	if (n == 0)
		return 0;
	if (n != 10)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* On a shard's server (x->shard_n > 0), whether journal line c belongs to
 * another shard: its account's shard; without an account, an appeal is
 * shard 0's and a contract event the shard's that holds its case (an event
 * that opens a case names its account).  1 another shard's, 0 ours (or a
 * line to be checked and rejected here), -1 with e set. */
static int other_shard(struct service_ctx *x, const struct csv *c, int appeals,
		       struct sbyt_err *e)
{
	int f = appeals ? 4 : 1;
	int64_t a;
	char *v = NULL;
	const char *p[1];

	if (!x->shard_n || c->nf != (appeals ? 7 : 5))
		return 0;
	if ((a = account_field(c->field[f], c->flen[f])) > 0)
		return shard_of(a, x->shard_n) != x->shard_i;
	if (a < 0)
		return 0;
	if (appeals)
		return x->shard_i != 0;
	p[0] = c->field[0];
	if (db_value(x->db, e, "SELECT (SELECT 't' FROM contract_case WHERE case_id = $1)", 1, p, &v))
		return -1;
	if (!v)
		return 1;
	free(v);
	return 0;
}

static int appeal_line(struct service_ctx *x, const struct csv *c, enum service_outcome *out,
		       struct sbyt_err *e)
{
	struct service_appeal a;

	memset(&a, 0, sizeof(a));
	a.notified = DATE_NONE;
	if (c->nf != 7)
		return reject(x, out, "bad_format", "expected 7 fields, got %d", c->nf);
	if (c->flen[0] == 0 || c->flen[0] > 64)
		return reject(x, out, "bad_id", "the id is empty or longer than 64 bytes");
	a.id = c->field[0];
	if (date_time_parse(c->field[1], (int)c->flen[1], &a.received))
		return reject(x, out, "bad_time", "received_at is not an ISO 8601 time");
	a.channel = c->field[2];
	a.kind = c->field[3];
	if ((a.account = account_field(c->field[4], c->flen[4])) < 0)
		return reject(x, out, "bad_account", "the account is not 10 digits");
	if ((a.answered = c->flen[5] > 0) &&
	    date_time_parse(c->field[5], (int)c->flen[5], &a.answered_at))
		return reject(x, out, "bad_time", "answered_at is not an ISO 8601 time");
	if ((a.extended = c->flen[6] > 0) &&
	    date_parse(c->field[6], (int)(c->flen[6] > 10 ? 10 : c->flen[6]), &a.extended_to))
		return reject(x, out, "bad_date", "extended_to is not a date");
	if (a.answered)
		a.answer_channel = c->field[2];  /* the journal answers by the channel it came by */
	return service_appeal_put(x, &a, out, e);
}

static int contract_line(struct service_ctx *x, const struct csv *c, enum service_outcome *out,
			 struct sbyt_err *e)
{
	int64_t account;
	sdate at, date = DATE_NONE;
	struct date_time t;

	if (c->nf != 5)
		return reject(x, out, "bad_format", "expected 5 fields, got %d", c->nf);
	if (c->flen[0] == 0 || c->flen[0] > 64)
		return reject(x, out, "bad_id", "the id is empty or longer than 64 bytes");
	if ((account = account_field(c->field[1], c->flen[1])) < 0)
		return reject(x, out, "bad_account", "the account is not 10 digits");
	if (date_time_parse(c->field[3], (int)c->flen[3], &t))
		return reject(x, out, "bad_date", "at is not an ISO 8601 date or time");
	at = t.day;
	if (c->flen[4] && date_parse(c->field[4], (int)c->flen[4], &date))
		return reject(x, out, "bad_date", "date is not a date");
	return service_contract_event(x, c->field[0], account, c->field[2], at, date, out, e);
}

static int service_ingest_in(struct service_ctx *x, const struct infile *in,
			     const char *channel, struct service_file_counts *n,
			     struct sbyt_err *e);

int service_ingest_file(struct service_ctx *x, const char *path, const char *channel,
			struct service_file_counts *n, struct sbyt_err *e)
{
	struct infile in;
	int rc;

	memset(n, 0, sizeof(*n));
	/* opened and checked once (infile.h); hashed and read through it */
	if (infile_open(&in, path, e))
		return -1;
	rc = service_ingest_in(x, &in, channel, n, e);
	infile_close(&in);
	return rc;
}

static int service_ingest_in(struct service_ctx *x, const struct infile *in,
			     const char *channel, struct service_file_counts *n,
			     struct sbyt_err *e)
{
	const char *path = in->path;
	FILE *f;
	int appeals = strcmp(channel, "appeals") == 0;
	const char *header = appeals ? appeals_header : contracts_header;
	char hex[SHA256_HEX], *fid = NULL, src[4200], run[24], bytes_s[24];
	const char *saved_source = x->source;
	int64_t bytes;
	struct csv c;
	int rc;

	memset(n, 0, sizeof(*n));
	if (!(f = infile_fopen(in, e)) || sha256_stream(f, path, hex, &bytes, e))
		return -1;
	if (db_begin(x->db, e))
		return -1;
	{
		const char *p[1] = { hex };
		if (db_value(x->db, e, "SELECT (SELECT file_id FROM ingest_file WHERE sha256 = $1)", 1, p, &fid))
			goto fail;
	}
	if (fid) {
		free(fid);
		n->noop = 1;
		db_rollback(x->db);
		return 0;
	}
	snprintf(run, sizeof(run), "%" PRId64, x->run_id);
	snprintf(bytes_s, sizeof(bytes_s), "%" PRId64, bytes);
	{
		const char *p[5] = { hex, path, channel, bytes_s, x->run_id ? run : NULL };
		if (db_value(x->db, e, "INSERT INTO ingest_file (sha256, name, channel, bytes, run_id,"
			     " read, accepted, rejected, duplicates, held)"
			     " VALUES ($1, $2, $3, $4::bigint, $5::bigint, 0, 0, 0, 0, 0)"
			     " RETURNING file_id", 5, p, &fid))
			goto fail;
	}
	if (!(f = infile_fopen(in, e)) || csv_open_file(&c, f, path, ';', 0, e))
		goto fail;
	if ((rc = csv_next(&c, e)) != 1 || c.bad || strcmp(c.text, header) != 0) {
		if (rc >= 0)
			err_set(e, ERR_DATA, "%s:1: the header must be '%s'", path, header);
		csv_close(&c);
		goto fail;
	}
	while ((rc = csv_next(&c, e)) == 1) {
		enum service_outcome out = SVC_ACCEPTED;
		int other;

		if (csv_blank(&c))
			continue;
		n->read++;
		snprintf(src, sizeof(src), "%s:%ld", path, c.line);
		x->source = src;
		if (!c.bad && (other = other_shard(x, &c, appeals, e)) != 0) {
			if (other < 0) {
				rc = -1;
				break;
			}
			n->other_shard++;
			continue;
		}
		if (c.bad)
			reject(x, &out, csv_bad_code(&c), "%s", csv_bad_why(&c));
		else if ((appeals ? appeal_line(x, &c, &out, e) : contract_line(x, &c, &out, e)))
			break;
		if (out == SVC_ACCEPTED) {
			n->accepted++;
		} else if (out == SVC_DUPLICATE) {
			n->duplicates++;
		} else {
			char rec[16], line[16], acc[24];
			int64_t a = c.nf > (appeals ? 4 : 1) ?
				    account_field(c.field[appeals ? 4 : 1], c.flen[appeals ? 4 : 1]) : 0;
			const char *p[6] = { fid, rec, line, a > 0 ? acc : NULL, x->code, x->reason };

			n->rejected++;
			snprintf(rec, sizeof(rec), "%" PRId64, n->read);
			snprintf(line, sizeof(line), "%ld", c.line);
			snprintf(acc, sizeof(acc), "%" PRId64, a);
			if (db_exec(x->db, e, "INSERT INTO ingest_reject (file_id, rec, line, what,"
				    " account_id, code, reason) VALUES ($1::bigint, $2::int, $3::int,"
				    " 'line', $4::bigint, $5, $6)", 6, p)) {
				rc = -1;
				break;
			}
		}
	}
	x->source = saved_source;
	csv_close(&c);
	if (rc != 0)
		goto fail;
	{
		char r_[24], a_[24], j_[24], d_[24], o_[24];
		const char *p[6] = { fid, r_, a_, j_, d_, o_ };

		snprintf(r_, sizeof(r_), "%" PRId64, n->read);
		snprintf(a_, sizeof(a_), "%" PRId64, n->accepted);
		snprintf(j_, sizeof(j_), "%" PRId64, n->rejected);
		snprintf(d_, sizeof(d_), "%" PRId64, n->duplicates);
		snprintf(o_, sizeof(o_), "%" PRId64, n->other_shard);
		if (db_exec(x->db, e, "UPDATE ingest_file SET read = $2::int, accepted = $3::int,"
			    " rejected = $4::int, duplicates = $5::int, other_shard = $6::int"
			    " WHERE file_id = $1::bigint", 6, p))
			goto fail;
	}
	free(fid);
	if (db_exec(x->db, e, "SET LOCAL synchronous_commit = on", 0, NULL))
		goto fail_nofree;
	return db_commit(x->db, e);
fail:
	free(fid);
fail_nofree:
	x->source = saved_source;
	db_rollback(x->db);
	return -1;
}

int service_overdue(PGconn *db, sdate as_of, int64_t *overdue, struct sbyt_err *e)
{
	char d[DATE_BUF], *v = NULL;
	const char *p[1] = { date_format(as_of, d) };

	if (db_value(db, e,
		"SELECT (SELECT count(*) FROM appeal WHERE answered_at IS NULL"
		"  AND coalesce(extended_to, answer_due) < $1::date)"
		" + (SELECT count(*) FROM contract_step WHERE done_on IS NULL AND due < $1::date)",
		1, p, &v))
		return -1;
	*overdue = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return 0;
}

/* A case id as a file name: letters, digits, '.', '_', '-'; others '_'. */
static void safe_name(const char *id, char *out, size_t size)
{
	size_t i = 0;

	for (; id[i] && i + 1 < size; i++) {
		char c = id[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c == '_' || c == '-' || (c == '.' && i > 0) ? c : '_';
	}
	out[i] = '\0';
}

int service_final_invoices(struct service_ctx *x, const struct penalty_rules *pr,
			   const struct tariff_rules *tr, const char *out_dir, const char *only,
			   int *made, char *path_out, size_t path_size, struct sbyt_err *e)
{
	PGresult *r;
	const char *p[1] = { only };

	*made = 0;
	if (!x->rules->invoice_text[0] || !x->rules->invoice_text[1] || !x->rules->invoice_text[2])
		return err_set(e, ERR_CONFIG, "rules/service.xml lacks the FinalInvoice texts");
	r = db_query(x->db, e, "SELECT case_id FROM contract_step WHERE step = 'final_invoice'"
		     " AND done_on IS NULL AND ($1::text IS NULL OR case_id = $1) ORDER BY case_id",
		     1, p);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		const char *id = PQgetvalue(r, i, 0);
		const char *texts[3] = { x->rules->invoice_text[0], x->rules->invoice_text[1],
					 x->rules->invoice_text[2] };
		struct final_invoice fi;
		char name[80], path[4096];
		int changed;

		safe_name(id, name, sizeof(name));
		snprintf(path, sizeof(path), "%s/contracts/%s/final-invoice.xml", out_dir, name);
		if (final_invoice_compose(x->db, pr, tr, id, x->as_of, &fi, e) ||
		    final_invoice_write(&fi, tariff_supplier(tr), texts, path, e) ||
		    close_steps(x, id, "final_invoice", x->as_of, "done", &changed, e)) {
			PQclear(r);
			return -1;
		}
		if (path_out)
			snprintf(path_out, path_size, "%s", path);
		(*made)++;
	}
	PQclear(r);
	return 0;
}
