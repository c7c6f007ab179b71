/* explain_ru.c - Russian explanations from rules templates; see explain_ru.h. */
#include "explain_ru.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "rulesxml.h"
#include "template.h"
#include "text.h"

/* Every phrase the workflow writes and the placeholders it may use (see
 * rules/limitation.xml <explanations> for the meaning of each). */
static const struct {
	const char *key;
	const char *vars;       /* space-separated, "" none */
} keys[] = {
	{ "dow.1", "" }, { "dow.2", "" }, { "dow.3", "" }, { "dow.4", "" },
	{ "dow.5", "" }, { "dow.6", "" }, { "dow.7", "" },
	{ "class.working", "" }, { "class.short", "" }, { "class.work_weekend", "" },
	{ "class.weekend", "" }, { "class.holiday", "" }, { "class.transfer", "" },
	{ "class.none", "" },
	{ "remote", "" },
	{ "anchor.delivered", "notice date" },
	{ "anchor.assumed", "notice date" },
	{ "anchor.step", "step date" },
	{ "anchor.paid", "date" },
	{ "anchor.date", "date" },
	{ "count.calendar", "anchor sign days remote raw raw_dow raw_class" },
	{ "count.working_after", "anchor n raw raw_dow raw_class" },
	{ "count.working_before", "anchor n raw raw_dow raw_class" },
	{ "skipped", "list" },
	{ "skipped.item", "date class" },
	{ "skipped.more", "count" },
	{ "window", "window_end window_end_dow" },
	{ "next_step", "due" },
	{ "not_before", "date" },
	{ "working_days_out", "days due" },
	{ "stated.void", "planned" },
	{ "stated.ok", "planned" },
	{ "moved", "due due_dow due_class moved moved_dow" },
	{ "printed.later", "planned" },
	{ "printed.ok", "planned" },
	{ "fixed", "date" },
	{ "late", "rule_date run date date_dow" },
	{ "pending.notice", "notice" },
	{ "pending.step", "step" },
	{ "pending.anchor", "" },
	{ "not_before_run", "date" },
	{ "issued", "date channel" },
	{ "deemed", "days date" },
	{ "deemed.same_day", "date" },
	{ "cancel.request", "" },
	{ "cancel.pending_request", "" },
	{ "event.opened", "snapshot debt periods threshold" },
	{ "event.opened_operator", "snapshot debt periods threshold" },
	{ "event.issued", "notice channel debt snapshot periods threshold" },
	{ "event.replaces", "notice" },
	{ "event.authorities", "notice" },
	{ "event.scheduled", "date" },
	{ "event.request", "request" },
	{ "event.executed", "date" },
	{ "event.executed_early", "date request run" },
	{ "event.delivered", "notice date" },
	{ "event.evidence", "evidence" },
	{ "evidence.delivered", "date text" },
	{ "evidence.returned", "date text" },
	{ "evidence.failed", "date text" },
	{ "evidence.email", "date text" },
	{ "event.void", "notice delivered stated earliest" },
	{ "event.failed", "notice channel date" },
	{ "event.escalated", "kw" },
	{ "event.paid", "date" },
	{ "event.operator", "reason" },
	{ "event.stated_debt", "debt" },
	{ "event.cancel_request", "" },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const words[] = { "calendar_day", "working_day", "day", "period" };
#define NWORDS (sizeof(words) / sizeof(words[0]))

#define MAX_CITES 24

struct explain_ru {
	char *text[NKEYS];
	char *form[NWORDS][3];    /* one, few, many */
	int ncites;               /* the citations of the rules without a step */
	char *cite_rule[MAX_CITES], *cite_text[MAX_CITES];
};

/* A rule id that has no step of its own: PROCEDURE.trigger, the cancels. */
static int cite_rule_ok(const struct limit_rules *r, const char *rule)
{
	const char *dot = strrchr(rule, '.');
	char proc[LIMIT_NAME];

	if (!strcmp(rule, "cancel.payment") || !strcmp(rule, "cancel.operator"))
		return 1;
	if (!dot || strcmp(dot, ".trigger") || (size_t)(dot - rule) >= sizeof(proc))
		return 0;
	snprintf(proc, sizeof(proc), "%.*s", (int)(dot - rule), rule);
	return limit_procedure_find(r, proc) != NULL;
}

static const char *cite_find(const struct explain_ru *x, const char *rule)
{
	for (int i = 0; x && i < x->ncites; i++)
		if (!strcmp(x->cite_rule[i], rule))
			return x->cite_text[i];
	return NULL;
}

static int key_index(const char *key)
{
	for (size_t i = 0; key && i < NKEYS; i++)
		if (!strcmp(keys[i].key, key))
			return (int)i;
	return -1;
}

static int word_index(const char *w)
{
	for (size_t i = 0; w && i < NWORDS; i++)
		if (!strcmp(words[i], w))
			return (int)i;
	return -1;
}

/* Is `name` (no argument) one of the space-separated vars? */
static int var_ok(const char *name, const char *arg, void *x)
{
	const char *vars = x;
	size_t len = strlen(name);

	if (arg)
		return 0;
	for (const char *s = vars; *s;) {
		const char *end = strchr(s, ' ');
		size_t l = end ? (size_t)(end - s) : strlen(s);

		if (l == len && !strncmp(s, name, l))
			return 1;
		s += l;
		while (*s == ' ')
			s++;
	}
	return 0;
}

static char *attr(xmlNodePtr n, const char *name)
{
	char *v = rulesxml_attr(n, name), *s = strdup(v ? v : "");

	xmlFree(v);
	return s;
}

struct explain_ru *explain_ru_read(const char *path, xmlNodePtr n,
				   const struct limit_rules *r, struct faults *f)
{
	struct explain_ru *x = calloc(1, sizeof(*x));
	long line = n ? rulesxml_line(n) : 0;
	char msg[160];

	if (!x) {
		faults_add(f, path, line, "out of memory reading <explanations>");
		return NULL;
	}
	if (!n) {
		faults_add(f, path, 0, "no <explanations>: the Russian explanations of the "
			   "registers are missing");
		return x;
	}
	for (xmlNodePtr c = n->children; c; c = c->next) {
		char *key;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		key = attr(c, "for");
		if (!strcmp((const char *)c->name, "plural")) {
			int w = word_index(key);

			if (w < 0)
				faults_add(f, path, rulesxml_line(c), "plural for '%s': unknown word "
					   "(calendar_day, working_day, day, period)", key);
			else if (x->form[w][0])
				faults_add(f, path, rulesxml_line(c), "duplicate plural for '%s'", key);
			else {
				x->form[w][0] = attr(c, "one");
				x->form[w][1] = attr(c, "few");
				x->form[w][2] = attr(c, "many");
			}
		} else if (!strcmp((const char *)c->name, "citation")) {
			char *rule = attr(c, "rule");
			xmlChar *body = xmlNodeGetContent(c);

			if (!cite_rule_ok(r, rule))
				faults_add(f, path, rulesxml_line(c), "citation for rule '%s': not "
					   "PROCEDURE.trigger of a procedure, cancel.payment or "
					   "cancel.operator", rule);
			else if (cite_find(x, rule))
				faults_add(f, path, rulesxml_line(c), "duplicate citation for rule "
					   "'%s'", rule);
			else if (x->ncites == MAX_CITES)
				faults_add(f, path, rulesxml_line(c), "more than %d citations",
					   MAX_CITES);
			else {
				x->cite_rule[x->ncites] = rule;
				x->cite_text[x->ncites++] = strdup(body ? (const char *)body : "");
				rule = NULL;
			}
			free(rule);
			xmlFree(body);
		} else if (!strcmp((const char *)c->name, "phrase")) {
			int k = key_index(key);
			xmlChar *body = xmlNodeGetContent(c);

			if (k < 0) {
				faults_add(f, path, rulesxml_line(c), "phrase for '%s': unknown key", key);
			} else if (x->text[k]) {
				faults_add(f, path, rulesxml_line(c), "duplicate phrase for '%s'", key);
			} else {
				x->text[k] = strdup(body ? (const char *)body : "");
				if (template_check(x->text[k], var_ok, (void *)keys[k].vars, msg,
						   sizeof(msg)))
					faults_add(f, path, rulesxml_line(c), "phrase for '%s': %s%s%s%s",
						   key, msg, keys[k].vars[0] ? " (it may use: " : "",
						   keys[k].vars, keys[k].vars[0] ? ")" : " (it takes none)");
			}
			xmlFree(body);
		}
		free(key);
	}
	for (size_t i = 0; i < NKEYS; i++)
		if (!x->text[i])
			faults_add(f, path, line, "no phrase for '%s' in <explanations>", keys[i].key);
	for (size_t i = 0; i < NWORDS; i++)
		if (!x->form[i][0])
			faults_add(f, path, line, "no plural for '%s' in <explanations>", words[i]);
	/* every rule without a step of its own has its citation */
	for (int i = 0; r && i < r->nprocs; i++) {
		char rule[LIMIT_NAME + 16];

		snprintf(rule, sizeof(rule), "%s.trigger", r->proc[i].name);
		if (!cite_find(x, rule))
			faults_add(f, path, line, "no citation for rule '%s' in <explanations>", rule);
	}
	if (!cite_find(x, "cancel.payment") || !cite_find(x, "cancel.operator"))
		faults_add(f, path, line, "no citation for rule 'cancel.payment' or "
			   "'cancel.operator' in <explanations>");
	return x;
}

void explain_ru_free(struct explain_ru *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < NKEYS; i++)
		free(x->text[i]);
	for (size_t i = 0; i < NWORDS; i++)
		for (int k = 0; k < 3; k++)
			free(x->form[i][k]);
	for (int i = 0; i < x->ncites; i++) {
		free(x->cite_rule[i]);
		free(x->cite_text[i]);
	}
	free(x);
}

void explain_ru_append(char *buf, size_t n, const char *sep, const char *s)
{
	size_t len, add, room;

	if (!n)
		return;
	len = strlen(buf);
	if (len && sep && *sep) {
		explain_ru_append(buf, n, NULL, sep);
		len = strlen(buf);
	}
	add = strlen(s);
	room = n - 1 - len;
	if (add <= room) {
		memcpy(buf + len, s, add + 1);
		return;
	}
	/* cut: keep what fits with "…" (3 bytes), at a character boundary */
	if (room < 3)  /* not even the ellipsis: the text ends where it is */
		return;
	add = utf8_cut(s, room - 3);
	memcpy(buf + len, s, add);
	memcpy(buf + len + add, "\xE2\x80\xA6", 4);
}

int explain_ru_vadd(const struct limit_rules *r, char *buf, size_t n, const char *sep,
		    const char *key, va_list ap)
{
	struct template_var v[16];
	size_t nv = 0;
	int k = key_index(key);
	struct sbyt_err e;
	char *s;

	if (!r || !r->ru || k < 0 || !r->ru->text[k])
		return -1;
	for (;;) {
		const char *name = va_arg(ap, const char *);

		if (!name)
			break;
		if (nv == sizeof(v) / sizeof(v[0]))
			return -1;
		v[nv].name = name;
		v[nv++].value = va_arg(ap, const char *);
	}
	s = template_expand(r->ru->text[k], v, nv, &e);
	if (!s)
		return -1;
	explain_ru_append(buf, n, sep, s);
	free(s);
	return 0;
}

int explain_ru_add(const struct limit_rules *r, char *buf, size_t n, const char *sep,
		   const char *key, ...)
{
	va_list ap;
	int rc;

	va_start(ap, key);
	rc = explain_ru_vadd(r, buf, n, sep, key, ap);
	va_end(ap);
	return rc;
}

const char *explain_ru_word(const struct limit_rules *r, const char *key)
{
	int k = key_index(key);

	return r && r->ru && k >= 0 && r->ru->text[k] ? r->ru->text[k] : "";
}

int explain_ru_plural(int n)
{
	int a = n < 0 ? -n : n;

	if (a % 10 == 1 && a % 100 != 11)
		return 0;
	if (a % 10 >= 2 && a % 10 <= 4 && (a % 100 < 12 || a % 100 > 14))
		return 1;
	return 2;
}

char *explain_ru_count(const struct limit_rules *r, const char *word, int n, char *buf,
		       size_t size)
{
	int w = word_index(word);
	const char *form = r && r->ru && w >= 0 ? r->ru->form[w][explain_ru_plural(n)] : NULL;

	snprintf(buf, size, "%d %s", n, form ? form : "");
	return buf;
}

char *explain_ru_date(sdate d, char *buf)
{
	int y, m, dd;

	buf[0] = 0;
	if (d == DATE_NONE)
		return buf;
	date_to_ymd(d, &y, &m, &dd);
	snprintf(buf, DATE_BUF, "%02u.%02u.%04u", (unsigned)dd % 100u, (unsigned)m % 100u,
		 (unsigned)y % 10000u);
	return buf;
}

char *explain_ru_money(money m, char *buf)
{
	char t[40];
	const char *s = money_format(m, t), *dot = strchr(s, '.');
	size_t p = 0, lead;
	int neg = *s == '-';

	if (neg)
		s++, buf[p++] = '-';
	lead = (size_t)((dot ? dot : s + strlen(s)) - s);
	for (size_t i = 0; i < lead; i++) {
		if (i && (lead - i) % 3 == 0) {
			buf[p++] = '\xC2';      /* U+00A0 */
			buf[p++] = '\xA0';
		}
		buf[p++] = s[i];
	}
	if (dot) {
		buf[p++] = ',';
		for (const char *q = dot + 1; *q; q++)
			buf[p++] = *q;
	}
	buf[p] = 0;
	return buf;
}

const char *explain_ru_citation(const struct limit_rules *r, const char *rule)
{
	const struct limit_text *t;

	for (int p = 0; r && p < r->nprocs; p++)
		for (int s = 0; s < r->proc[p].nsteps; s++)
			if (!strcmp(r->proc[p].step[s].rule, rule) && r->proc[p].step[s].citation)
				return r->proc[p].step[s].citation;
	if (r && !strcmp(r->reconnect.rule, rule) && r->reconnect.citation)
		return r->reconnect.citation;
	t = limit_text_find(r, rule);
	if (t && t->citation)
		return t->citation;
	return r && cite_find(r->ru, rule) ? cite_find(r->ru, rule) : "";
}
