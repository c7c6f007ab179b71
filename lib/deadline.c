/* deadline.c - the one deadline engine and its rules file; see deadline.h. */
#include "deadline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_ru.h"
#include "rulesxml.h"
#include "template.h"

/* ---- rules/limitation.xml ---------------------------------------------- */

/* The procedures and step names the interfaces rely on (SPEC 14). */
static const struct {
	const char *proc;
	const char *steps[4];
} required[] = {
	{ "individual", { "partial", "full_notice_from", "full", NULL } },
	{ "legal", { "partial", "full", NULL } },
	{ "legal_reserve", { "tech_reserve", "emergency_reserve", "full", NULL } },
	{ "refusal", { "refusal", NULL } },
};

const char *deadline_kind_name(enum step_kind k)
{
	switch (k) {
	case STEP_WINDOW: return "window";
	case STEP_LEAD: return "lead";
	case STEP_NTH_WORKING_DAY: return "nth_working_day";
	case STEP_WORKING_DAYS: return "working_days";
	}
	return "?";
}

static int kind_parse(const char *s, enum step_kind *k)
{
	for (int i = STEP_WINDOW; i <= STEP_WORKING_DAYS; i++)
		if (s && !strcmp(s, deadline_kind_name((enum step_kind)i))) {
			*k = (enum step_kind)i;
			return 0;
		}
	return -1;
}

/* A copy of attribute name of n into buf (size len); "" when absent. */
static void attr_copy(xmlNodePtr n, const char *name, char *buf, size_t len)
{
	char *v = rulesxml_attr(n, name);

	snprintf(buf, len, "%s", v ? v : "");
	xmlFree(v);
}

static char *attr_dup(xmlNodePtr n, const char *name)
{
	char *v = rulesxml_attr(n, name), *s = strdup(v ? v : "");

	xmlFree(v);
	return s;
}

/* Integer attribute (the schema checked its syntax); def when absent. */
static int attr_int(xmlNodePtr n, const char *name, int def)
{
	char *v = rulesxml_attr(n, name);
	int x = v ? atoi(v) : def;

	xmlFree(v);
	return x;
}

static int attr_bool(xmlNodePtr n, const char *name)
{
	char *v = rulesxml_attr(n, name);
	int x = v && (!strcmp(v, "true") || !strcmp(v, "1"));

	xmlFree(v);
	return x;
}

static void step_release(struct limit_step *s)
{
	free(s->title);
	free(s->citation);
	s->title = s->citation = NULL;
}

void limit_rules_free(struct limit_rules *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nchannels; i++)
		free(r->channel[i].title);
	for (int i = 0; i < r->nprocs; i++) {
		struct limit_procedure *p = &r->proc[i];
		free(p->title);
		for (int j = 0; j < p->nnotices; j++)
			free(p->notice[j].title);
		for (int j = 0; j < p->nsteps; j++)
			step_release(&p->step[j]);
	}
	step_release(&r->reconnect);
	for (int i = 0; i < r->ntexts; i++) {
		free(r->text[i].citation);
		free(r->text[i].text);
	}
	explain_ru_free(r->ru);
	free(r->path);
	free(r);
}

const struct limit_procedure *limit_procedure_find(const struct limit_rules *r,
						   const char *name)
{
	for (int i = 0; r && name && i < r->nprocs; i++)
		if (!strcmp(r->proc[i].name, name))
			return &r->proc[i];
	return NULL;
}

const struct limit_channel *limit_channel_find(const struct limit_rules *r, const char *name)
{
	for (int i = 0; r && name && i < r->nchannels; i++)
		if (!strcmp(r->channel[i].name, name))
			return &r->channel[i];
	return NULL;
}

const struct limit_text *limit_text_find(const struct limit_rules *r, const char *key)
{
	for (int i = 0; r && key && i < r->ntexts; i++)
		if (!strcmp(r->text[i].key, key))
			return &r->text[i];
	return NULL;
}

const struct limit_procedure *limit_procedure_opening(const struct limit_rules *r,
						      const char *opens)
{
	for (int i = 0; r && opens && i < r->nprocs; i++)
		if (!strcmp(r->proc[i].opens, opens))
			return &r->proc[i];
	return NULL;
}

int limit_step_index(const struct limit_procedure *p, const char *name)
{
	for (int i = 0; p && name && i < p->nsteps; i++)
		if (!strcmp(p->step[i].name, name))
			return i;
	return -1;
}

int limit_notice_index(const struct limit_procedure *p, const char *name)
{
	for (int i = 0; p && name && i < p->nnotices; i++)
		if (!strcmp(p->notice[i].name, name))
			return i;
	return -1;
}

/* Read one <step> of procedure p (or the reconnect element when p is NULL). */
static void read_step(const char *path, xmlNodePtr n, struct limit_procedure *p,
		      struct limit_step *st, struct faults *f)
{
	char kind[32], delivered[LIMIT_NAME], after[LIMIT_NAME];
	long line = rulesxml_line(n);

	memset(st, 0, sizeof(*st));
	st->line = line;
	st->notice = st->after = -1;
	attr_copy(n, "name", st->name, sizeof(st->name));
	attr_copy(n, "rule", st->rule, sizeof(st->rule));
	st->title = attr_dup(n, "title");
	st->citation = attr_dup(n, "citation");
	st->days = attr_int(n, "days", 0);
	st->remote_days = attr_int(n, "remoteDays", st->days);
	if (!p) {  /* <reconnect>: paid + days, an action */
		snprintf(st->name, sizeof(st->name), "reconnect");
		st->kind = STEP_LEAD;
		st->action = 1;
		return;
	}
	st->action = attr_bool(n, "action");
	st->stated = attr_bool(n, "stated");
	{
		char lv[24], un[40];

		attr_copy(n, "request", st->request, sizeof(st->request));
		attr_copy(n, "level", lv, sizeof(lv));
		attr_copy(n, "unless", un, sizeof(un));
		st->level = !strcmp(lv, "tech") ? LEVEL_TECH : !strcmp(lv, "emergency")
			? LEVEL_EMERGENCY : !strcmp(lv, "zero") ? LEVEL_ZERO : LEVEL_NONE;
		st->unless_no_below = !strcmp(un, "no_below_emergency");
		st->closes = attr_bool(n, "closes");
		if (st->closes && !st->action)
			faults_add(f, path, line, "step '%s': closes=\"true\" needs action=\"true\"",
				   st->name);
		if (st->request[0] && !st->action)
			faults_add(f, path, line, "step '%s': a grid request (request=) needs "
				   "action=\"true\"", st->name);
		if (lv[0] && !st->request[0])
			faults_add(f, path, line, "step '%s': level= needs request=", st->name);
	}
	attr_copy(n, "kind", kind, sizeof(kind));
	if (kind_parse(kind, &st->kind))
		faults_add(f, path, line, "unknown step kind '%s'", kind);
	if (st->days < 1 || st->remote_days < 1)
		faults_add(f, path, line, "step '%s' needs at least 1 day", st->name);
	if (limit_step_index(p, st->name) >= 0)
		faults_add(f, path, line, "duplicate step '%s' in procedure '%s'", st->name, p->name);
	attr_copy(n, "delivered", delivered, sizeof(delivered));
	attr_copy(n, "after", after, sizeof(after));
	if (!!delivered[0] == !!after[0]) {
		faults_add(f, path, line, "step '%s' needs exactly one of delivered= and after=",
			   st->name);
	} else if (delivered[0]) {
		st->notice = limit_notice_index(p, delivered);
		if (st->notice < 0)
			faults_add(f, path, line, "step '%s': unknown notice '%s' in procedure '%s'",
				   st->name, delivered, p->name);
	} else {
		st->after = limit_step_index(p, after);
		if (st->after < 0)
			faults_add(f, path, line,
				   "step '%s': after='%s' is not an earlier step of procedure '%s'",
				   st->name, after, p->name);
	}
	if (st->stated) {
		if (st->notice < 0 || !p->notice[st->notice].dated)
			faults_add(f, path, line,
				   "step '%s': stated=\"true\" needs delivered= of a dated notice",
				   st->name);
		else if (st->kind != STEP_LEAD && st->kind != STEP_NTH_WORKING_DAY)
			faults_add(f, path, line, "step '%s': a stated step is of kind lead or "
				   "nth_working_day", st->name);
		if (p->stated >= 0)
			faults_add(f, path, line, "procedure '%s' has a second stated step '%s'",
				   p->name, st->name);
	}
}

/* What placeholders a text may hold: see rules/limitation.xml <texts>. */
enum text_set { TEXT_NOTICE, TEXT_DOCUMENT, TEXT_REQUEST, TEXT_PLAIN };
struct text_ctx {
	const struct limit_procedure *p;
	enum text_set set;
};

static int in_list(const char *name, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(name, list[i]))
			return 1;
	return 0;
}

static int text_ok(const char *name, const char *arg, void *x)
{
	static const char *const doc[] = { "notice", "account", "issued", "debt", "snapshot",
					   "periods", "threshold", "planned", "citation", NULL };
	static const char *const notice[] = { "name", "address", "branch", "branch_phone",
					      "tech_kw", "emergency_kw", NULL };
	static const char *const request[] = { "request", "account", "name", "address",
					       "issued", "action", "date", "level", "basis",
					       "branch", "branch_phone", "citation", NULL };
	const struct text_ctx *t = x;

	switch (t->set) {
	case TEXT_PLAIN:
		return 0;
	case TEXT_REQUEST:
		return !arg && in_list(name, request);
	case TEXT_NOTICE:
	case TEXT_DOCUMENT:
		if (arg)
			return (!strcmp(name, "date") || !strcmp(name, "days")) &&
			       limit_step_index(t->p, arg) >= 0;
		return in_list(name, doc) || (t->set == TEXT_NOTICE && in_list(name, notice));
	}
	return 0;
}

/* Read <texts>: each text's key names what it is for, its placeholders are
 * checked, and every text the workflow prints must be there. */
static void read_texts(const char *path, xmlNodePtr texts, struct limit_rules *r,
		       struct faults *f)
{
	xmlNodePtr n;
	char key[sizeof(r->text[0].key)], msg[160];

	for (n = rulesxml_child(texts, "text"); n; n = rulesxml_next(n->next, "text")) {
		struct limit_text *t;
		struct text_ctx tc = { NULL, TEXT_PLAIN };
		const char *dot;
		xmlChar *body;
		long line = rulesxml_line(n);

		if (r->ntexts == LIMIT_MAX_TEXTS) {
			faults_add(f, path, line, "more than %d texts", LIMIT_MAX_TEXTS);
			break;
		}
		attr_copy(n, "for", key, sizeof(key));
		if (limit_text_find(r, key))
			faults_add(f, path, line, "duplicate text for '%s'", key);
		t = &r->text[r->ntexts++];
		memset(t, 0, sizeof(*t));
		snprintf(t->key, sizeof(t->key), "%s", key);
		t->line = line;
		t->citation = attr_dup(n, "citation");
		body = xmlNodeGetContent(n);
		t->text = strdup(body ? (const char *)body : "");
		xmlFree(body);
		dot = strchr(key, '.');
		if (!strcmp(key, "request")) {
			tc.set = TEXT_REQUEST;
		} else if (dot && !strncmp(key, "action.", 7)) {
			tc.set = TEXT_PLAIN;
		} else if (dot) {
			char proc[LIMIT_NAME], what[LIMIT_NAME + 16];
			size_t pl = (size_t)(dot - key), wl;
			int ni;

			snprintf(proc, sizeof(proc), "%.*s", (int)(pl < sizeof(proc) ? pl : 0), key);
			snprintf(what, sizeof(what), "%s", dot + 1);
			tc.p = limit_procedure_find(r, proc);
			wl = strlen(what);
			tc.set = TEXT_NOTICE;
			if (wl > 9 && !strcmp(what + wl - 9, "_document")) {
				what[wl - 9] = 0;
				tc.set = TEXT_DOCUMENT;
			}
			ni = limit_notice_index(tc.p, what);
			if (!tc.p || (ni < 0 && (tc.set == TEXT_DOCUMENT || strcmp(what, "authorities"))) ||
			    (tc.set == TEXT_DOCUMENT && tc.p->notice[ni].dated)) {
				faults_add(f, path, line, "text for '%s': not a notice of a procedure "
					   "(PROCEDURE.NOTICE, PROCEDURE.NOTICE_document for an "
					   "undated one, PROCEDURE.authorities)", key);
				continue;
			}
		} else {
			faults_add(f, path, line, "text for '%s': unknown kind of text", key);
			continue;
		}
		if (template_check(t->text, text_ok, &tc, msg, sizeof(msg)))
			faults_add(f, path, line, "text for '%s': %s", key, msg);
	}
	/* the texts the workflow prints */
	for (int i = 0; i < r->nprocs; i++) {
		const struct limit_procedure *p = &r->proc[i];
		int auth = 0;

		for (int k = 0; k < p->nnotices; k++) {
			snprintf(key, sizeof(key), "%s.%s", p->name, p->notice[k].name);
			if (!limit_text_find(r, key))
				faults_add(f, path, p->line, "no text for notice '%s'", key);
			snprintf(key, sizeof(key), "%s.%s_document", p->name, p->notice[k].name);
			if (!p->notice[k].dated && !limit_text_find(r, key))
				faults_add(f, path, p->line, "no text for '%s' (an undated notice "
					   "inside the payment document)", key);
			auth |= p->notice[k].authorities;
		}
		snprintf(key, sizeof(key), "%s.authorities", p->name);
		if (auth && !limit_text_find(r, key))
			faults_add(f, path, p->line, "no text for '%s'", key);
		for (int k = 0; k < p->nsteps; k++) {
			snprintf(key, sizeof(key), "action.%s", p->step[k].request);
			if (p->step[k].request[0] && !limit_text_find(r, key))
				faults_add(f, path, p->step[k].line, "no text for '%s'", key);
		}
	}
	if (!limit_text_find(r, "request"))
		faults_add(f, path, rulesxml_line(texts), "no text for 'request'");
	if (!limit_text_find(r, "action.reconnect") || !limit_text_find(r, "action.cancel"))
		faults_add(f, path, rulesxml_line(texts), "no text for 'action.reconnect' or "
			   "'action.cancel'");
}

static void read_procedure(const char *path, xmlNodePtr n, struct limit_rules *r,
			   struct faults *f)
{
	struct limit_procedure *p = &r->proc[r->nprocs++];
	long line = rulesxml_line(n);
	xmlNodePtr c;

	memset(p, 0, sizeof(*p));
	p->line = line;
	p->stated = -1;
	p->first = -1;
	attr_copy(n, "name", p->name, sizeof(p->name));
	attr_copy(n, "opens", p->opens, sizeof(p->opens));
	p->title = attr_dup(n, "title");
	for (int i = 0; i < r->nprocs - 1; i++)
		if (!strcmp(r->proc[i].name, p->name))
			faults_add(f, path, line, "duplicate procedure '%s' (first at line %ld)",
				   p->name, r->proc[i].line);

	/* Notices first; their earliest= steps are resolved after the steps. */
	for (c = rulesxml_child(n, "notice"); c; c = rulesxml_next(c->next, "notice")) {
		struct limit_notice *no;

		if (p->nnotices == LIMIT_MAX_NOTICES) {
			faults_add(f, path, rulesxml_line(c), "more than %d notices in procedure '%s'",
				   LIMIT_MAX_NOTICES, p->name);
			break;
		}
		no = &p->notice[p->nnotices];
		memset(no, 0, sizeof(*no));
		no->line = rulesxml_line(c);
		attr_copy(c, "name", no->name, sizeof(no->name));
		if (limit_notice_index(p, no->name) >= 0)
			faults_add(f, path, no->line, "duplicate notice '%s' in procedure '%s'",
				   no->name, p->name);
		no->title = attr_dup(c, "title");
		no->dated = attr_bool(c, "dated");
		no->earliest = -1;
		no->requires = -1;
		no->first = attr_bool(c, "first");
		no->authorities = attr_bool(c, "authorities");
		if (no->first && p->first >= 0)
			faults_add(f, path, no->line, "procedure '%s' has a second first notice '%s'",
				   p->name, no->name);
		if (no->first && p->first < 0)
			p->first = p->nnotices;
		p->nnotices++;
	}
	for (c = rulesxml_child(n, "step"); c; c = rulesxml_next(c->next, "step")) {
		if (p->nsteps == LIMIT_MAX_STEPS) {
			faults_add(f, path, rulesxml_line(c), "more than %d steps in procedure '%s'",
				   LIMIT_MAX_STEPS, p->name);
			break;
		}
		read_step(path, c, p, &p->step[p->nsteps], f);
		if (p->step[p->nsteps].stated && p->stated < 0)
			p->stated = p->nsteps;
		p->nsteps++;
	}
	if (p->first < 0)
		faults_add(f, path, line, "procedure '%s' has no first notice (first=\"true\")",
			   p->name);
	for (c = rulesxml_child(n, "notice"); c; c = rulesxml_next(c->next, "notice")) {
		char earliest[LIMIT_NAME], name[LIMIT_NAME], req[LIMIT_NAME];
		int ni, si, first_use = -1;

		attr_copy(c, "earliest", earliest, sizeof(earliest));
		attr_copy(c, "name", name, sizeof(name));
		attr_copy(c, "requires", req, sizeof(req));
		ni = limit_notice_index(p, name);
		if (req[0] && ni >= 0) {
			p->notice[ni].requires = limit_step_index(p, req);
			if (p->notice[ni].requires < 0)
				faults_add(f, path, rulesxml_line(c), "notice '%s': requires='%s' is "
					   "not a step of procedure '%s'", name, req, p->name);
		}
		if (!earliest[0] || ni < 0)
			continue;
		for (int j = 0; j < p->nsteps; j++)
			if (p->step[j].notice == ni) {
				first_use = j;
				break;
			}
		si = limit_step_index(p, earliest);
		if (si < 0)
			faults_add(f, path, rulesxml_line(c),
				   "notice '%s': earliest='%s' is not a step of procedure '%s'",
				   name, earliest, p->name);
		else if (first_use >= 0 && si >= first_use)
			faults_add(f, path, rulesxml_line(c),
				   "notice '%s': earliest step '%s' must come before the steps "
				   "that count from its delivery", name, earliest);
		else if (p->step[si].notice == ni)
			faults_add(f, path, rulesxml_line(c),
				   "notice '%s': earliest step '%s' counts from this notice itself",
				   name, earliest);
		else
			p->notice[ni].earliest = si;
	}
}

struct limit_rules *limit_rules_load(const char *rules_dir, struct faults *f,
				     struct sbyt_err *e)
{
	struct limit_rules *r = calloc(1, sizeof(*r));
	char xsd[4096];
	int before = f->count;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	size_t len;

	if (!r) {
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	len = strlen(rules_dir) + sizeof("/limitation.xml");
	r->path = malloc(len);
	if (!r->path) {
		free(r);
		err_set(e, ERR_INTERNAL, "out of memory");
		return NULL;
	}
	snprintf(r->path, len, "%s/limitation.xml", rules_dir);
	snprintf(xsd, sizeof(xsd), "%s/schema/limitation.xsd", rules_dir);
	doc = rulesxml_read(r->path, xsd, f);
	if (!doc)
		goto fail;
	root = xmlDocGetRootElement(doc);

	for (n = rulesxml_child(rulesxml_child(root, "channels"), "channel"); n;
	     n = rulesxml_next(n->next, "channel")) {
		struct limit_channel *ch;

		if (r->nchannels == LIMIT_MAX_CHANNELS) {
			faults_add(f, r->path, rulesxml_line(n), "more than %d channels",
				   LIMIT_MAX_CHANNELS);
			break;
		}
		ch = &r->channel[r->nchannels];
		attr_copy(n, "name", ch->name, sizeof(ch->name));
		if (limit_channel_find(r, ch->name))
			faults_add(f, r->path, rulesxml_line(n), "duplicate channel '%s'", ch->name);
		ch->days = attr_int(n, "days", 0);
		ch->title = attr_dup(n, "title");
		r->nchannels++;
	}
	n = rulesxml_child(root, "reconnect");
	read_step(r->path, n, NULL, &r->reconnect, f);
	for (n = rulesxml_child(root, "procedure"); n; n = rulesxml_next(n->next, "procedure")) {
		if (r->nprocs == LIMIT_MAX_PROCS) {
			faults_add(f, r->path, rulesxml_line(n), "more than %d procedures",
				   LIMIT_MAX_PROCS);
			break;
		}
		read_procedure(r->path, n, r, f);
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		const struct limit_procedure *p = limit_procedure_find(r, required[i].proc);

		if (!p) {
			faults_add(f, r->path, rulesxml_line(root),
				   "procedure '%s' is missing (SPEC 9.1)", required[i].proc);
			continue;
		}
		for (int j = 0; required[i].steps[j]; j++)
			if (limit_step_index(p, required[i].steps[j]) < 0)
				faults_add(f, r->path, p->line,
					   "procedure '%s' lacks step '%s' (SPEC 14)", p->name,
					   required[i].steps[j]);
	}
	read_texts(r->path, rulesxml_child(root, "texts"), r, f);
	r->ru = explain_ru_read(r->path, rulesxml_child(root, "explanations"), r, f);
	xmlFreeDoc(doc);
	if (f->count == before)
		return r;
fail:
	err_set(e, ERR_CONFIG, "limitation rules '%s' are invalid", r->path);
	limit_rules_free(r);
	return NULL;
}

int limitation_rules_check(const char *rules_dir, struct faults *f)
{
	struct sbyt_err e;
	struct limit_rules *r = limit_rules_load(rules_dir, f, &e);

	if (!r)
		return -1;
	limit_rules_free(r);
	return 0;
}

/* ---- the engine -------------------------------------------------------- */

/* The class of d, counting the lookup; -1 (e set) when its year is missing. */
static inline int look(const struct calendar *cal, sdate d, struct derivation *dv,
		       struct sbyt_err *e)
{
	enum cal_class c = calendar_class(cal, d);

	dv->lookups++;
	if (c == CAL_MISSING)
		return calendar_missing(cal, d, e);
	return (int)c;
}

static inline void skip(struct derivation *dv, sdate d, int c)
{
	if (dv->nskipped < DEADLINE_SKIP_MAX) {
		dv->skipped[dv->nskipped].date = d;
		dv->skipped[dv->nskipped].cls = (uint8_t)c;
	}
	dv->nskipped++;
}

/* Rules 1-3: from anchor to the due date (before any rule-4 move). */
static int step_core(const struct calendar *cal, const struct limit_step *st, sdate anchor,
		     int n, struct derivation *dv, struct sbyt_err *e)
{
	sdate d;
	int c, k;

	dv->step = st;
	dv->pending = 0;
	dv->anchor_step = -1;
	dv->assumed = 0;
	dv->anchor = anchor;
	dv->n = n;
	dv->remote = 0;
	dv->window_end = DATE_NONE;
	dv->planned = DATE_NONE;
	dv->planned_void = 0;
	dv->printed = 0;
	dv->rule_date = DATE_NONE;
	dv->fixed = 0;
	dv->run = DATE_NONE;
	dv->nskipped = 0;
	dv->lookups = 0;

	switch (st->kind) {
	case STEP_WINDOW:
		d = dv->raw = anchor + n;
		if ((c = look(cal, d, dv, e)) < 0)
			return -1;
		dv->raw_cls = (uint8_t)c;
		while (!CAL_IS_WORKING(c)) {
			skip(dv, d, c);
			if ((c = look(cal, ++d, dv, e)) < 0)
				return -1;
		}
		dv->window_end = d;
		dv->due = d + 1;
		break;
	case STEP_LEAD:
		dv->raw = dv->due = anchor + n;
		if ((c = look(cal, dv->raw, dv, e)) < 0)
			return -1;
		dv->raw_cls = (uint8_t)c;
		break;
	case STEP_NTH_WORKING_DAY:
	case STEP_WORKING_DAYS:
		d = anchor;
		c = CAL_WORKING;
		for (k = 0; k < (n < 0 ? -n : n);) {
			d += n < 0 ? -1 : 1;
			if ((c = look(cal, d, dv, e)) < 0)
				return -1;
			if (CAL_IS_WORKING(c))
				k++;
			else
				skip(dv, d, c);
		}
		if (n == 0 && (c = look(cal, d, dv, e)) < 0)
			return -1;
		dv->raw = d;
		dv->raw_cls = (uint8_t)c;
		dv->due = st->kind == STEP_WORKING_DAYS ? d + 1 : d;
		break;
	}
	dv->move_from = dv->nskipped;
	return 0;
}

/* Rule 4: an action due on a day off moves to the next working day. */
static int step_finish(const struct calendar *cal, const struct limit_step *st,
		       struct derivation *dv, struct sbyt_err *e)
{
	sdate d = dv->due;
	int c;

	dv->move_from = dv->nskipped < DEADLINE_SKIP_MAX ? dv->nskipped : DEADLINE_SKIP_MAX;
	if ((c = look(cal, d, dv, e)) < 0)
		return -1;
	dv->due_cls = (uint8_t)c;
	if (st->action)
		while (!CAL_IS_WORKING(c)) {
			skip(dv, d, c);
			if ((c = look(cal, ++d, dv, e)) < 0)
				return -1;
		}
	dv->date = dv->moved = d;
	return 0;
}

int deadline_step(const struct calendar *cal, const struct limit_step *st, sdate anchor,
		  int n, struct derivation *dv, struct sbyt_err *e)
{
	if (step_core(cal, st, anchor, n, dv, e))
		return -1;
	return step_finish(cal, st, dv, e);
}

void deadline_input_init(struct deadline_input *in, const struct limit_procedure *proc)
{
	in->proc = proc;
	for (int i = 0; i < LIMIT_MAX_NOTICES; i++)
		in->delivered[i] = DATE_NONE;
	in->assume_earliest = 0;
	in->remote = 0;
	in->planned = DATE_NONE;
	for (int i = 0; i < LIMIT_MAX_NOTICES; i++)
		in->printed[i] = DATE_NONE;
	for (int i = 0; i < LIMIT_MAX_STEPS; i++)
		in->fixed[i] = DATE_NONE;
	in->not_before = DATE_NONE;
}

static void set_pending(struct derivation *dv, const struct limit_step *st)
{
	memset(dv, 0, sizeof(*dv));
	dv->step = st;
	dv->pending = 1;
	dv->anchor_step = st->after;
	dv->anchor = dv->raw = dv->window_end = dv->due = dv->date = dv->moved = DATE_NONE;
	dv->planned = dv->rule_date = dv->run = DATE_NONE;
}

int deadline_compute(const struct calendar *cal, const struct deadline_input *in,
		     struct deadline_result *out, struct sbyt_err *e)
{
	const struct limit_procedure *p = in->proc;

	out->proc = p;
	out->nsteps = p->nsteps;
	out->void_notice = 0;
	for (int i = 0; i < p->nsteps; i++) {
		const struct limit_step *st = &p->step[i];
		struct derivation *dv = &out->step[i];
		sdate anchor;
		int assumed = 0, remote = in->remote && st->remote_days != st->days;

		if (st->notice >= 0) {
			const struct limit_notice *no = &p->notice[st->notice];

			anchor = in->delivered[st->notice];
			if (anchor == DATE_NONE && in->assume_earliest && no->earliest >= 0 &&
			    !out->step[no->earliest].pending) {
				anchor = out->step[no->earliest].date;
				assumed = 1;
			}
		} else {
			anchor = out->step[st->after].pending ? DATE_NONE
							      : out->step[st->after].date;
		}
		if (anchor == DATE_NONE) {
			set_pending(dv, st);
			continue;
		}
		if (step_core(cal, st, anchor, remote ? st->remote_days : st->days, dv, e))
			return -1;
		dv->anchor_step = st->after;
		dv->assumed = assumed;
		dv->remote = remote;
		if (st->stated && in->planned != DATE_NONE) {
			dv->planned = in->planned;
			if (in->planned < dv->due) {
				dv->planned_void = 1;
				out->void_notice = 1;
			} else {
				dv->due = in->planned;
			}
		}
		if (step_finish(cal, st, dv, e))
			return -1;
		if (!st->stated && st->notice >= 0 && st->action &&
		    in->printed[st->notice] != DATE_NONE) {
			/* rule 9: never earlier than the date the notice printed (a
			 * date worked out for an action: a working day) */
			dv->planned = in->printed[st->notice];
			dv->printed = 1;
			if (dv->planned > dv->date) {
				dv->date = dv->planned;
				dv->printed = 2;
			}
		}
		if (in->fixed[i] != DATE_NONE) {
			dv->fixed = 1;
			if (in->fixed[i] != dv->date) {
				dv->rule_date = dv->date;
				dv->date = in->fixed[i];
			}
		} else if (st->action && in->not_before != DATE_NONE && dv->date < in->not_before) {
			/* rule 8: nothing happens in the past */
			sdate d = in->not_before;
			int c;

			if ((c = look(cal, d, dv, e)) < 0)
				return -1;
			while (!CAL_IS_WORKING(c))
				if ((c = look(cal, ++d, dv, e)) < 0)
					return -1;
			dv->rule_date = dv->date;
			dv->run = in->not_before;
			dv->date = d;
		}
	}
	return 0;
}

int deadline_plan(const struct limit_rules *r, const struct calendar *cal,
		  const struct limit_procedure *proc, sdate issued, const char *channel,
		  int remote, struct deadline_plan *out, struct sbyt_err *e)
{
	const struct limit_channel *ch = limit_channel_find(r, channel);
	const struct limit_step *st;

	if (!ch)
		return err_set(e, ERR_USAGE, "unknown channel '%s'", channel ? channel : "");
	if (proc->stated < 0)
		return err_set(e, ERR_USAGE, "procedure '%s' has no dated notice", proc->name);
	st = &proc->step[proc->stated];
	out->issued = issued;
	out->allowance = ch->days;
	out->deemed = issued + ch->days;
	out->step = proc->stated;
	remote = remote && st->remote_days != st->days;
	if (deadline_step(cal, st, out->deemed, remote ? st->remote_days : st->days, &out->d, e))
		return -1;
	out->d.remote = remote;
	return 0;
}

int deadline_check_stated(const struct calendar *cal, const struct limit_procedure *proc,
			  sdate delivered, sdate stated, int remote, int *ok, sdate *earliest,
			  struct sbyt_err *e)
{
	const struct limit_step *st;
	struct derivation dv;

	if (proc->stated < 0)
		return err_set(e, ERR_USAGE, "procedure '%s' has no dated notice", proc->name);
	st = &proc->step[proc->stated];
	remote = remote && st->remote_days != st->days;
	if (deadline_step(cal, st, delivered, remote ? st->remote_days : st->days, &dv, e))
		return -1;
	*ok = stated >= dv.due;
	*earliest = dv.date;
	return 0;
}

int deadline_reconnect(const struct limit_rules *r, const struct calendar *cal, sdate paid,
		       struct derivation *d, struct sbyt_err *e)
{
	return deadline_step(cal, &r->reconnect, paid, r->reconnect.days, d, e);
}

/* ---- explaining -------------------------------------------------------- */

struct sb {
	char *buf;
	size_t n, len;
};

static void put(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (b->len >= b->n)
		return;
	va_start(ap, fmt);
	k = vsnprintf(b->buf + b->len, b->n - b->len, fmt, ap);
	va_end(ap);
	if (k > 0 && b->len + (size_t)k < b->n) {
		b->len += (size_t)k;
	} else if (k > 0) {
		/* the explanation did not fit: it ends in "..." rather than
		 * stopping silently mid-word */
		b->len = b->n - 1;
		if (b->n >= 4)
			memcpy(b->buf + b->n - 4, "...", 3);
	}
}

static const char *dow(sdate d)
{
	static const char *const names[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

	return names[date_weekday(d) - 1];
}

static const char *cls_word(int c)
{
	switch (c) {
	case CAL_WORKING: return "working";
	case CAL_SHORT: return "shortened working day";
	case CAL_WORK_WEEKEND: return "working weekend day";
	case CAL_WEEKEND: return "weekend";
	case CAL_HOLIDAY: return "holiday";
	case CAL_TRANSFER: return "transferred day off";
	}
	return "no calendar";
}

static const char *ordinal(int n)
{
	int t = n % 100;

	if (t >= 11 && t <= 13)
		return "th";
	switch (n % 10) {
	case 1: return "st";
	case 2: return "nd";
	case 3: return "rd";
	}
	return "th";
}

/* " after 05-09 holiday, 05-10 weekend" for skipped[from..to). */
static void put_skipped(struct sb *b, const struct derivation *dv, int from, int to,
			const char *lead)
{
	int stored = dv->nskipped < DEADLINE_SKIP_MAX ? dv->nskipped : DEADLINE_SKIP_MAX;
	char db[DATE_BUF];

	if (to > stored)
		to = stored;
	if (from >= to)
		return;
	put(b, "%s", lead);
	for (int i = from; i < to; i++)
		put(b, "%s%s %s", i > from ? ", " : "",
		    date_format(dv->skipped[i].date, db) + 5, cls_word(dv->skipped[i].cls));
	if (to == stored && dv->nskipped > stored)
		put(b, " and %d more", dv->nskipped - stored);
}

char *deadline_explain(const struct limit_procedure *proc, const struct derivation *dv,
		       char *buf, size_t n)
{
	struct sb b = { buf, n, 0 };
	const struct limit_step *st = dv->step;
	char a[DATE_BUF], r[DATE_BUF], w[DATE_BUF], d[DATE_BUF], lbl[LIMIT_NAME + 32];
	const char *who = "";

	if (!n)
		return buf;
	buf[0] = '\0';
	if (dv->pending) {
		if (st->notice >= 0 && proc)
			put(&b, "waits for the delivery of %s", proc->notice[st->notice].name);
		else if (proc && st->after >= 0)
			put(&b, "waits for %s", proc->step[st->after].name);
		else
			put(&b, "waits for its anchor date");
		return buf;
	}
	date_format(dv->anchor, a);
	date_format(dv->raw, r);
	date_format(dv->due, d);
	/* E: "delivered 2026-04-14", "full_notice assumed delivered ...", "partial 2026-05-07" */
	if (st->notice > 0 && proc)
		who = proc->notice[st->notice].name;
	if (dv->anchor_step >= 0 && proc)
		snprintf(lbl, sizeof(lbl), "%s %s", proc->step[dv->anchor_step].name, a);
	else if (!proc)  /* a single step: the reconnect deadline, calendar add */
		snprintf(lbl, sizeof(lbl), "%s%s", strcmp(st->name, "reconnect") ? "" : "paid ", a);
	else if (st->kind == STEP_NTH_WORKING_DAY || st->kind == STEP_WORKING_DAYS)
		snprintf(lbl, sizeof(lbl), "%s%s%sdelivery on %s", who, *who ? " " : "",
			 dv->assumed ? "assumed " : "", a);
	else
		snprintf(lbl, sizeof(lbl), "%s%s%sdelivered %s", who, *who ? " " : "",
			 dv->assumed ? "assumed " : "", a);

	switch (st->kind) {
	case STEP_WINDOW:
		put(&b, "%s + %d calendar days%s = %s (%s, %s): window ends %s", lbl, dv->n,
		    dv->remote ? " (remote metering)" : "", r, dow(dv->raw), cls_word(dv->raw_cls),
		    date_format(dv->window_end, w));
		if (dv->window_end != dv->raw)
			put(&b, " (%s)", dow(dv->window_end));
		put_skipped(&b, dv, 0, dv->move_from, " after ");
		put(&b, "; next step on %s", d);
		break;
	case STEP_LEAD:
		put(&b, "%s %c %d calendar days%s = %s (%s, %s)", lbl, dv->n < 0 ? '-' : '+',
		    abs(dv->n), dv->remote ? " (remote metering)" : "", r, dow(dv->raw),
		    cls_word(dv->raw_cls));
		if (proc)  /* rule 2: a lead; a single step is a plain count */
			put(&b, ": not before %s", r);
		break;
	case STEP_NTH_WORKING_DAY:
	case STEP_WORKING_DAYS:
		put(&b, "%d%s working day %s %s = %s (%s, %s)", abs(dv->n), ordinal(abs(dv->n)),
		    dv->n < 0 ? "before" : "after", lbl, r, dow(dv->raw), cls_word(dv->raw_cls));
		put_skipped(&b, dv, 0, dv->move_from, ", days off skipped: ");
		if (st->kind == STEP_WORKING_DAYS)
			put(&b, "; %d working days run out: next step on %s", dv->n, d);
		else if (proc)
			put(&b, ": not before %s", r);
		break;
	}
	if (dv->planned != DATE_NONE && !dv->printed) {
		date_format(dv->planned, w);
		if (dv->planned_void)
			put(&b, "; stated date %s is earlier: the notice is void and must be "
			    "re-issued", w);
		else
			put(&b, "; stated date %s leaves the lead", w);
	}
	if (dv->moved != dv->due) {
		put(&b, "; %s (%s, %s) is a day off: moved to %s (%s)", d, dow(dv->due),
		    cls_word(dv->due_cls), date_format(dv->moved, w), dow(dv->moved));
		put_skipped(&b, dv, dv->move_from, dv->nskipped, " after ");
	}
	if (dv->planned != DATE_NONE && dv->printed) {
		date_format(dv->planned, w);
		if (dv->printed == 2)
			put(&b, "; the notice printed %s, later: not before it (SPEC 9.2.9)", w);
		else
			put(&b, "; the notice printed %s, not later", w);
	}
	if (dv->rule_date != DATE_NONE && dv->fixed) {
		put(&b, "; fixed on %s", date_format(dv->date, w));
	} else if (dv->rule_date != DATE_NONE) {
		put(&b, "; %s had passed when the run of %s found it due: takes effect %s (%s)",
		    date_format(dv->rule_date, d), date_format(dv->run, a), date_format(dv->date, w),
		    dow(dv->date));
	}
	return buf;
}

/* ---- the same in Russian, for the workbooks ----------------------------- */

static const char *dow_ru(const struct limit_rules *r, sdate d)
{
	static const char *const k[] = { "dow.1", "dow.2", "dow.3", "dow.4", "dow.5", "dow.6",
					  "dow.7" };

	return explain_ru_word(r, k[date_weekday(d) - 1]);
}

static const char *cls_ru(const struct limit_rules *r, int c)
{
	switch (c) {
	case CAL_WORKING: return explain_ru_word(r, "class.working");
	case CAL_SHORT: return explain_ru_word(r, "class.short");
	case CAL_WORK_WEEKEND: return explain_ru_word(r, "class.work_weekend");
	case CAL_WEEKEND: return explain_ru_word(r, "class.weekend");
	case CAL_HOLIDAY: return explain_ru_word(r, "class.holiday");
	case CAL_TRANSFER: return explain_ru_word(r, "class.transfer");
	}
	return explain_ru_word(r, "class.none");
}

/* The clause "пропущены нерабочие дни: 09.05 (праздничный день), ..." for
 * skipped[from..to). */
static void skipped_ru(const struct limit_rules *r, char *buf, size_t n,
		       const struct derivation *dv, int from, int to)
{
	int stored = dv->nskipped < DEADLINE_SKIP_MAX ? dv->nskipped : DEADLINE_SKIP_MAX;
	char list[1024] = "", d[DATE_BUF], cnt[64];

	if (to > stored)
		to = stored;
	if (from >= to)
		return;
	for (int i = from; i < to; i++) {
		explain_ru_date(dv->skipped[i].date, d);
		d[5] = 0;               /* "09.05" */
		explain_ru_add(r, list, sizeof(list), ", ", "skipped.item", "date", d, "class",
			       cls_ru(r, dv->skipped[i].cls), NULL);
	}
	if (to == stored && dv->nskipped > stored) {
		explain_ru_count(r, "day", dv->nskipped - stored, cnt, sizeof(cnt));
		explain_ru_add(r, list, sizeof(list), " ", "skipped.more", "count", cnt, NULL);
	}
	explain_ru_add(r, buf, n, "; ", "skipped", "list", list, NULL);
}

char *deadline_explain_ru(const struct limit_rules *r, const struct limit_procedure *proc,
			  const struct derivation *dv, char *buf, size_t n)
{
	const struct limit_step *st = dv->step;
	/* a single step (the reconnect, a plain count) states no lead */
	int single = !proc || (r && st == &r->reconnect);
	char a[DATE_BUF], raw[DATE_BUF], due[DATE_BUF], w[DATE_BUF], x[DATE_BUF];
	char anchor[768] = "", cnt[64], nb[16];

	if (!n)
		return buf;
	buf[0] = '\0';
	if (dv->pending) {
		if (st->notice >= 0 && proc)
			explain_ru_add(r, buf, n, "; ", "pending.notice", "notice",
				       proc->notice[st->notice].title, NULL);
		else if (proc && st->after >= 0)
			explain_ru_add(r, buf, n, "; ", "pending.step", "step",
				       proc->step[st->after].title, NULL);
		else
			explain_ru_add(r, buf, n, "; ", "pending.anchor", NULL);
		return buf;
	}
	explain_ru_date(dv->anchor, a);
	explain_ru_date(dv->raw, raw);
	explain_ru_date(dv->due, due);
	if (dv->anchor_step >= 0 && proc)
		explain_ru_add(r, anchor, sizeof(anchor), NULL, "anchor.step", "step",
			       proc->step[dv->anchor_step].title, "date", a, NULL);
	else if (r && st == &r->reconnect)
		explain_ru_add(r, anchor, sizeof(anchor), NULL, "anchor.paid", "date", a, NULL);
	else if (proc && st->notice >= 0)
		explain_ru_add(r, anchor, sizeof(anchor), NULL,
			       dv->assumed ? "anchor.assumed" : "anchor.delivered", "notice",
			       proc->notice[st->notice].title, "date", a, NULL);
	else
		explain_ru_add(r, anchor, sizeof(anchor), NULL, "anchor.date", "date", a, NULL);

	switch (st->kind) {
	case STEP_WINDOW:
	case STEP_LEAD:
		explain_ru_count(r, "calendar_day", abs(dv->n), cnt, sizeof(cnt));
		explain_ru_add(r, buf, n, "; ", "count.calendar", "anchor", anchor, "sign",
			       dv->n < 0 ? "\xE2\x88\x92" : "+", "days", cnt, "remote",
			       dv->remote ? explain_ru_word(r, "remote") : "", "raw", raw, "raw_dow",
			       dow_ru(r, dv->raw), "raw_class", cls_ru(r, dv->raw_cls), NULL);
		if (st->kind == STEP_WINDOW) {
			explain_ru_add(r, buf, n, "; ", "window", "window_end",
				       explain_ru_date(dv->window_end, w), "window_end_dow",
				       dow_ru(r, dv->window_end), NULL);
			skipped_ru(r, buf, n, dv, 0, dv->move_from);
			explain_ru_add(r, buf, n, "; ", "next_step", "due", due, NULL);
		} else if (!single) {
			explain_ru_add(r, buf, n, "; ", "not_before", "date", raw, NULL);
		}
		break;
	case STEP_NTH_WORKING_DAY:
	case STEP_WORKING_DAYS:
		snprintf(nb, sizeof(nb), "%d", abs(dv->n));
		explain_ru_add(r, buf, n, "; ", dv->n < 0 ? "count.working_before"
							  : "count.working_after",
			       "anchor", anchor, "n", nb, "raw", raw, "raw_dow", dow_ru(r, dv->raw),
			       "raw_class", cls_ru(r, dv->raw_cls), NULL);
		skipped_ru(r, buf, n, dv, 0, dv->move_from);
		if (st->kind == STEP_WORKING_DAYS) {
			explain_ru_count(r, "working_day", dv->n, cnt, sizeof(cnt));
			explain_ru_add(r, buf, n, "; ", "working_days_out", "days", cnt, "due", due,
				       NULL);
		} else if (!single) {
			explain_ru_add(r, buf, n, "; ", "not_before", "date", raw, NULL);
		}
		break;
	}
	if (dv->planned != DATE_NONE && !dv->printed)
		explain_ru_add(r, buf, n, "; ", dv->planned_void ? "stated.void" : "stated.ok",
			       "planned", explain_ru_date(dv->planned, w), NULL);
	if (dv->moved != dv->due) {
		explain_ru_add(r, buf, n, "; ", "moved", "due", due, "due_dow", dow_ru(r, dv->due),
			       "due_class", cls_ru(r, dv->due_cls), "moved",
			       explain_ru_date(dv->moved, w), "moved_dow", dow_ru(r, dv->moved), NULL);
		skipped_ru(r, buf, n, dv, dv->move_from, dv->nskipped);
	}
	if (dv->planned != DATE_NONE && dv->printed)
		explain_ru_add(r, buf, n, "; ", dv->printed == 2 ? "printed.later" : "printed.ok",
			       "planned", explain_ru_date(dv->planned, w), NULL);
	if (dv->rule_date != DATE_NONE && dv->fixed)
		explain_ru_add(r, buf, n, "; ", "fixed", "date", explain_ru_date(dv->date, w), NULL);
	else if (dv->rule_date != DATE_NONE)
		explain_ru_add(r, buf, n, "; ", "late", "rule_date", explain_ru_date(dv->rule_date, x),
			       "run", explain_ru_date(dv->run, a), "date",
			       explain_ru_date(dv->date, w), "date_dow", dow_ru(r, dv->date), NULL);
	return buf;
}
