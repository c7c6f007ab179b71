/* limit.c - the limitation workflow, one day at a time; see limit.h. */
#include "limit.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_ru.h"
#include "tariff.h"

static int missing_year(const struct sbyt_err *e);

#define ALIVE(c) (!strcmp((c)->status, "open") || !strcmp((c)->status, "escalated"))

/* A new event of the day; its Russian (inputs_ru, dates_ru) is added by the
 * caller with ev_ru().  Returns it, or NULL when out of memory (a->oom). */
static struct lim_event *event(struct limit_account *a, const struct lim_case *c,
			       const char *step, const char *what, const char *rule,
			       const char *dates, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
static struct lim_event *event(struct limit_account *a, const struct lim_case *c,
			       const char *step, const char *what, const char *rule,
			       const char *dates, const char *fmt, ...)
{
	struct lim_event *ev;
	va_list ap;

	a->changed = 1;
	if (a->nevents == a->capevents) {
		int cap = a->capevents ? a->capevents * 2 : 16;
		struct lim_event *t = realloc(a->event, sizeof(*t) * (size_t)cap);

		if (!t) {
			a->oom = 1;     /* limit_advance() reports it */
			return NULL;
		}
		a->event = t;
		a->capevents = cap;
	}
	ev = &a->event[a->nevents++];
	memset(ev, 0, sizeof(*ev));
	ev->case_no = c->no;
	snprintf(ev->procedure, sizeof(ev->procedure), "%s", c->procedure);
	snprintf(ev->step, sizeof(ev->step), "%s", step);
	snprintf(ev->what, sizeof(ev->what), "%s", what);
	snprintf(ev->rule, sizeof(ev->rule), "%s", rule);
	snprintf(ev->dates, sizeof(ev->dates), "%s", dates ? dates : "");
	va_start(ap, fmt);
	vsnprintf(ev->inputs, sizeof(ev->inputs), fmt, ap);
	va_end(ap);
	return ev;
}

/* Add the phrase `key` of the rules' <explanations> (name, value pairs,
 * NULL-terminated) to the Russian inputs of ev, and dates_ru as its dates
 * (NULL: keep).  ev NULL (out of memory): nothing. */
static void ev_ru(const struct limit_env *env, struct limit_account *a, struct lim_event *ev,
		  const char *dates_ru, const char *key, ...) __attribute__((sentinel));
static void ev_ru(const struct limit_env *env, struct limit_account *a, struct lim_event *ev,
		  const char *dates_ru, const char *key, ...)
{
	va_list ap;
	int rc;

	if (!ev)
		return;
	if (dates_ru)
		snprintf(ev->dates_ru, sizeof(ev->dates_ru), "%s", dates_ru);
	va_start(ap, key);
	rc = explain_ru_vadd(env->rules, ev->inputs_ru, sizeof(ev->inputs_ru), "; ", key, ap);
	va_end(ap);
	if (rc)
		a->oom = 1;     /* rules checked on load: only memory can fail */
}

/* Is s "YYYY-MM-DD..."?  Then *d is that date. */
static int iso_at(const char *s, sdate *d)
{
	return strlen(s) >= 10 && !date_parse(s, 10, d);
}

/* The evidence of a delivery as lib/limit_db.c writes it ("delivered
 * 2026-10-08: ШПИ ...; returned ...", "sent by e-mail with the package of
 * 2026-10-01", "платёжный документ № ... от 2026-10-30") in the words of
 * the rules' evidence.* phrases, every other ISO date as ДД.ММ.ГГГГ. */
static void evidence_ru(const struct limit_env *env, const char *ev, char *out, size_t n)
{
	static const struct {
		const char *lead, *key;
	} kinds[] = {
		{ "delivered ", "evidence.delivered" }, { "returned ", "evidence.returned" },
		{ "failed ", "evidence.failed" },
		{ "sent by e-mail with the package of ", "evidence.email" },
	};
	char b[DATE_BUF], text[256];
	sdate d;

	out[0] = 0;
	while (*ev) {
		size_t k, len = 0, nk = sizeof(kinds) / sizeof(kinds[0]);
		const char *end;

		for (k = 0; k < nk; k++) {
			len = strlen(kinds[k].lead);
			if (!strncmp(ev, kinds[k].lead, len) && iso_at(ev + len, &d))
				break;
		}
		if (k == nk) {
			/* free text: its ISO dates as ДД.ММ.ГГГГ */
			size_t o = strlen(out);

			for (; *ev && o + 1 < n; ev++) {
				if (o + 11 < n && iso_at(ev, &d) && (ev[10] < '0' || ev[10] > '9')) {
					memcpy(out + o, explain_ru_date(d, b), 10);
					o += 10;
					ev += 9;
				} else {
					out[o++] = *ev;
				}
			}
			out[o] = 0;
			return;
		}
		ev += len + 10;
		/* the text up to the next "; STATUS DATE" */
		end = ev;
		for (;;) {
			const char *sc = strstr(end, "; ");
			size_t j;

			if (!sc) {
				end += strlen(end);
				break;
			}
			for (j = 0; j < nk; j++) {
				size_t l = strlen(kinds[j].lead);

				if (!strncmp(sc + 2, kinds[j].lead, l) && iso_at(sc + 2 + l, &d))
					break;
			}
			if (j < nk) {
				end = sc;
				break;
			}
			end = sc + 2;
		}
		date_parse(ev - 10, 10, &d);
		if (!strncmp(ev, ": ", 2))
			ev += 2;
		snprintf(text, sizeof(text), "%.*s", end > ev ? (int)(end - ev) : 0, ev);
		explain_ru_add(env->rules, out, n, "; ", kinds[k].key, "date", explain_ru_date(d, b),
			       "text", text, NULL);
		for (size_t o = strlen(out); o && (out[o - 1] == ' ' || out[o - 1] == ':');)
			out[--o] = 0;   /* no evidence text: no trailing ": " */
		ev = *end ? end + 2 : end;
	}
}

/* The Russian title of a channel (its code when the rules lack it). */
static const char *channel_ru(const struct limit_env *env, const char *channel)
{
	const struct limit_channel *ch = limit_channel_find(env->rules, channel);

	return ch && ch->title ? ch->title : channel;
}

static struct lim_step *add_step(struct lim_case *c, const char *name, const char *state,
				 sdate date, const char *rule, const char *deriv,
				 const char *deriv_ru)
{
	struct lim_step *s;

	if (c->nsteps >= LIM_MAX_STEPS) {
		c->overflow = 1;        /* limit_advance() reports it */
		return NULL;
	}
	s = &c->step[c->nsteps++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->state, sizeof(s->state), "%s", state);
	s->date = date;
	s->planned = DATE_NONE;
	snprintf(s->rule, sizeof(s->rule), "%s", rule);
	snprintf(s->deriv, sizeof(s->deriv), "%s", deriv ? deriv : "");
	snprintf(s->deriv_ru, sizeof(s->deriv_ru), "%s", deriv_ru ? deriv_ru : "");
	return s;
}

/* The last step of that name, or NULL. */
static struct lim_step *find_step(struct lim_case *c, const char *name)
{
	for (int i = c->nsteps - 1; i >= 0; i--)
		if (!strcmp(c->step[i].name, name))
			return &c->step[i];
	return NULL;
}

static struct lim_notice *find_notice(struct lim_case *c, const char *id)
{
	for (int i = 0; i < c->nnotices; i++)
		if (!strcmp(c->notice[i].id, id))
			return &c->notice[i];
	return NULL;
}

/* The rules' step of case c named `name` (what it does comes from
 * rules/limitation.xml: action, request, level...), or NULL. */
static const struct limit_step *rstep(const struct limit_env *env, const struct lim_case *c,
				      const char *name)
{
	const struct limit_procedure *p = limit_procedure_find(env->rules, c->procedure);
	int k = limit_step_index(p, name);

	return k >= 0 ? &p->step[k] : NULL;
}

/* Does the step send a grid request (an action on the supply)? */
static int grid_action(const struct limit_env *env, const struct lim_case *c, const char *name)
{
	const struct limit_step *st = rstep(env, c, name);

	return st && st->request[0];
}

/* A new request of case c; its kW level as the rules' step says (none for
 * cancel and reconnect). */
static struct lim_request *add_request(struct limit_account *a, struct lim_case *c,
				       const char *action, enum step_level level, sdate date,
				       sdate day)
{
	struct lim_request *r;

	if (c->nrequests >= LIM_MAX_REQUESTS) {
		c->overflow = 1;
		return NULL;
	}
	r = &c->request[c->nrequests++];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "R%lld-%d-%d", (long long)a->id, c->no, c->nrequests);
	snprintf(r->action, sizeof(r->action), "%s", action);
	r->date = date;
	r->issued = day;
	r->is_new = 1;
	if (level == LEVEL_TECH)
		snprintf(r->level, sizeof(r->level), "%s", a->tech_kw);
	else if (level == LEVEL_EMERGENCY)
		snprintf(r->level, sizeof(r->level), "%s", a->emergency_kw);
	else if (level == LEVEL_ZERO)
		strcpy(r->level, "0");
	a->new_requests++;
	return r;
}

/* Fix an action step's date and send its grid request (when the rules'
 * step has one). */
static void schedule(const struct limit_env *env, struct limit_account *a, struct lim_case *c,
		     struct lim_step *s, sdate day)
{
	const struct limit_step *st = rstep(env, c, s->name);
	char b[DATE_BUF];
	struct lim_event *ev;

	snprintf(s->state, sizeof(s->state), "scheduled");
	if (st && st->request[0]) {
		struct lim_request *r = add_request(a, c, st->request, st->level, s->date, day);

		if (r)
			snprintf(s->request_id, sizeof(s->request_id), "%s", r->id);
	}
	ev = event(a, c, s->name, "scheduled", s->rule, s->deriv, "date %s%s%s",
		   date_format(s->date, b), s->request_id[0] ? ", request " : "", s->request_id);
	ev_ru(env, a, ev, s->deriv_ru, "event.scheduled", "date", explain_ru_date(s->date, b),
	      NULL);
	if (s->request_id[0])
		ev_ru(env, a, ev, NULL, "event.request", "request", s->request_id, NULL);
}

static const char *notice_rule(const struct lim_case *c, const char *step, char *buf, size_t n)
{
	snprintf(buf, n, "%s.%s", c->procedure, step);
	return buf;
}

/* Issue a notice of `step` on env->day through `channel`; a dated one states
 * the date of the procedure's stated step.  The step row is `s` when given
 * (a planned full_notice becoming scheduled), else a new one. */
static int issue(const struct limit_env *env, struct limit_account *a, struct lim_case *c,
		 const char *step, const char *channel, const char *replaces, struct lim_step *s,
		 struct sbyt_err *e)
{
	const struct limit_procedure *p = limit_procedure_find(env->rules, c->procedure);
	int ni = limit_notice_index(p, step);
	int dated = ni >= 0 && p->notice[ni].dated;
	struct deadline_plan plan;
	struct lim_notice *n;
	char deriv[LIM_DERIV] = "", line[LIM_DERIV - 128], b[DATE_BUF], b2[DATE_BUF], rule[LIMIT_RULE];
	char m1[40], m2[40], deriv_ru[LIM_DERIV_RU] = "", line_ru[LIM_DERIV_RU], cnt[64];
	char cnt2[64];
	sdate planned_undated = DATE_NONE;
	struct lim_event *ev;

	memset(&plan, 0, sizeof(plan));
	/* A notice that states a date (the household full notice) is never
	 * printed in a payment document: the next document comes too late and
	 * has no text for it (rules check: only undated notices have a
	 * PROCEDURE.NOTICE_document text).  It goes by registered post, the
	 * written form of ПП 354 п. 119 when no other way was agreed. */
	if (dated && !strcmp(channel, "payment_document"))
		channel = "post";

	if (c->nnotices >= LIM_MAX_NOTICES - 1)
		return err_set(e, ERR_INTERNAL, "too many notices in case %d of account %lld", c->no,
			       (long long)a->id);
	if (dated) {
		if (deadline_plan(env->rules, env->cal, p, env->day, channel, a->remote, &plan, e))
			return -1;
		deadline_explain(p, &plan.d, line, sizeof(line));
		/* line is 128 bytes shorter than deriv: the prefix always fits */
		snprintf(deriv, sizeof(deriv), "issued %s + %d days (%.24s) = deemed delivery %s; %s",
			 date_format(env->day, b), plan.allowance, channel,
			 date_format(plan.deemed, b2), line);
		deadline_explain_ru(env->rules, p, &plan.d, line_ru, sizeof(line_ru));
		explain_ru_add(env->rules, deriv_ru, sizeof(deriv_ru), "; ", "issued", "date",
			       explain_ru_date(env->day, b), "channel", channel_ru(env, channel),
			       NULL);
		if (plan.allowance)
			explain_ru_add(env->rules, deriv_ru, sizeof(deriv_ru), "; ", "deemed", "days",
				       explain_ru_count(env->rules, "calendar_day", plan.allowance,
							cnt, sizeof(cnt)),
				       "date", explain_ru_date(plan.deemed, b2), NULL);
		else
			explain_ru_add(env->rules, deriv_ru, sizeof(deriv_ru), "; ",
				       "deemed.same_day", "date", explain_ru_date(plan.deemed, b2),
				       NULL);
		explain_ru_append(deriv_ru, sizeof(deriv_ru), "; ", line_ru);
	} else {
		/* an undated notice (the household warning) names the date its first
		 * step would have if delivered when deemed: for the addressee only;
		 * the case counts from the confirmed delivery (SPEC 9.2 rule 6) */
		const struct limit_channel *ch = limit_channel_find(env->rules, channel);
		sdate deemed = env->day + (ch ? ch->days : 0);

		planned_undated = DATE_NONE;
		for (int i = 0; i < p->nsteps; i++)
			if (p->step[i].notice == ni && p->step[i].action) {
				struct derivation d;

				if (deadline_step(env->cal, &p->step[i], deemed, p->step[i].days, &d, e))
					return -1;
				planned_undated = d.date;
				break;
			}
		snprintf(deriv, sizeof(deriv), "issued %s via %s (%d days: deemed delivery %s)",
			 date_format(env->day, b), channel, ch ? ch->days : 0,
			 date_format(deemed, b2));
		explain_ru_add(env->rules, deriv_ru, sizeof(deriv_ru), "; ", "issued", "date",
			       explain_ru_date(env->day, b), "channel", channel_ru(env, channel),
			       NULL);
		if (ch && ch->days)
			explain_ru_add(env->rules, deriv_ru, sizeof(deriv_ru), "; ", "deemed", "days",
				       explain_ru_count(env->rules, "calendar_day", ch->days, cnt,
							sizeof(cnt)),
				       "date", explain_ru_date(deemed, b2), NULL);
		else
			explain_ru_add(env->rules, deriv_ru, sizeof(deriv_ru), "; ",
				       "deemed.same_day", "date", explain_ru_date(deemed, b2), NULL);
	}

	n = &c->notice[c->nnotices++];
	memset(n, 0, sizeof(*n));
	snprintf(n->id, sizeof(n->id), "N%lld-%d-%d", (long long)a->id, c->no, c->nnotices);
	snprintf(n->step, sizeof(n->step), "%s", step);
	snprintf(n->channel, sizeof(n->channel), "%s", channel);
	n->issued = env->day;
	n->planned = dated ? plan.d.date : planned_undated;
	n->delivered = n->failed_on = DATE_NONE;
	n->snap_as_of = c->snap_as_of;
	n->stated = c->stated;
	n->periods = c->periods;
	n->threshold = c->threshold;
	n->is_new = 1;
	if (replaces)
		snprintf(n->replaces, sizeof(n->replaces), "%s", replaces);
	/* e-mail: delivered when sent, i.e. once the day's package that carries
	 * it is written (limit_record_deliveries(), issue 16 item 3) */
	/* payment_document: delivered when the document that prints it is
	 * deemed delivered, see limit_record_deliveries() */
	if (n->delivered == DATE_NONE) {
		/* a confirmation already in for this notice id (dated today) */
		for (int i = 0; i < a->ndeliv; i++) {
			if (strcmp(a->deliv[i].id, n->id) || a->deliv[i].at < n->issued)
				continue;
			if (a->deliv[i].ok && (n->delivered == DATE_NONE || a->deliv[i].at < n->delivered)) {
				n->delivered = a->deliv[i].at;
				snprintf(n->evidence, sizeof(n->evidence), "%s", a->deliv[i].evidence);
			} else if (!a->deliv[i].ok && n->failed_on == DATE_NONE) {
				n->failed_on = a->deliv[i].at;
			}
		}
		if (n->delivered != DATE_NONE)
			n->failed_on = DATE_NONE;
	}
	a->new_notices++;
	notice_rule(c, step, rule, sizeof(rule));
	if (!s)
		s = add_step(c, step, "scheduled", env->day, rule, deriv, deriv_ru);
	if (!s)
		return err_set(e, ERR_INTERNAL, "too many steps in case %d", c->no);
	snprintf(s->state, sizeof(s->state), "scheduled");
	s->date = env->day;
	snprintf(s->rule, sizeof(s->rule), "%s", rule);
	snprintf(s->deriv, sizeof(s->deriv), "%s", deriv);
	snprintf(s->deriv_ru, sizeof(s->deriv_ru), "%s", deriv_ru);
	snprintf(s->notice_id, sizeof(s->notice_id), "%s", n->id);
	ev = event(a, c, step, replaces ? "reissued" : "issued", rule, deriv,
		   "notice %s via %s; debt %s (snapshot %s), periods %d, threshold %s%s%s",
		   n->id, channel, money_format(c->stated, m1), date_format(c->snap_as_of, b),
		   c->periods, money_format(c->threshold, m2), replaces ? ", replaces " : "",
		   replaces ? replaces : "");
	ev_ru(env, a, ev, deriv_ru, "event.issued", "notice", n->id, "channel",
	      channel_ru(env, channel), "debt", explain_ru_money(c->stated, m1), "snapshot",
	      explain_ru_date(c->snap_as_of, b), "periods",
	      explain_ru_count(env->rules, "period", c->periods, cnt2, sizeof(cnt2)), "threshold",
	      explain_ru_money(c->threshold, m2), NULL);
	if (replaces)
		ev_ru(env, a, ev, NULL, "event.replaces", "notice", replaces, NULL);
	if (dated) {
		/* the stated action, planned until the delivery confirms the lead */
		const struct limit_step *st = &p->step[p->stated];
		struct lim_step *act = find_step(c, st->name);

		if (act && !strcmp(act->state, "planned") && act != &c->step[c->nsteps - 1]) {
			/* the planned action follows the notice that now states it */
			struct lim_step keep = *act;
			int at = (int)(act - c->step);

			memmove(&c->step[at], &c->step[at + 1],
				sizeof(c->step[0]) * (size_t)(c->nsteps - at - 1));
			c->step[c->nsteps - 1] = keep;
			act = &c->step[c->nsteps - 1];
		}
		if (!act || strcmp(act->state, "planned"))
			act = add_step(c, st->name, "planned", plan.d.date, st->rule, deriv,
				       deriv_ru);
		if (act) {
			act->date = plan.d.date;
			snprintf(act->deriv, sizeof(act->deriv), "%s", deriv);
			snprintf(act->deriv_ru, sizeof(act->deriv_ru), "%s", deriv_ru);
		}
		if (p->notice[ni].authorities) {
			/* the copy to the authorities, by e-mail: delivered when sent */
			struct lim_notice *an = &c->notice[c->nnotices++];

			*an = *n;
			snprintf(an->id, sizeof(an->id), "N%lld-%d-%d", (long long)a->id, c->no,
				 c->nnotices);
			snprintf(an->channel, sizeof(an->channel), "authorities");
			an->delivered = DATE_NONE;  /* sent with its package */
			an->replaces[0] = 0;
			an->evidence[0] = 0;
			a->new_notices++;
			ev = event(a, c, step, "issued", rule, deriv,
				   "notice %s to the authorities", an->id);
			ev_ru(env, a, ev, deriv_ru, "event.authorities", "notice", an->id, NULL);
		}
	}
	return 0;
}

/* Steps still to come are cancelled. */
static void cancel_pending(struct lim_case *c)
{
	for (int i = 0; i < c->nsteps; i++)
		if (!strcmp(c->step[i].state, "planned") || !strcmp(c->step[i].state, "scheduled"))
			snprintf(c->step[i].state, sizeof(c->step[i].state), "cancelled");
}

/* End the case: payment in full on `paid` (why "payment") or the operator. */
static int settle(const struct limit_env *env, struct limit_account *a, struct lim_case *c,
		  sdate paid, const char *reason, struct sbyt_err *e)
{
	int executed = 0, requested = 0, outstanding = 0;
	char b[DATE_BUF], b2[DATE_BUF], m1[40], line[LIM_DERIV], line_ru[LIM_DERIV_RU];
	char why_ru[LIM_DERIV_RU];
	const struct limit_procedure *p = limit_procedure_find(env->rules, c->procedure);
	struct lim_event *ev;

	for (int i = 0; i < c->nsteps; i++) {
		struct lim_step *x = &c->step[i];
		sdate until = paid != DATE_NONE ? paid : env->day;

		/* an action whose request went before its date took effect on it,
		 * even when no run recorded it then (SPEC 9.2.8): before the payment
		 * (or the operator's day) it counts as executed */
		/* (a payment on the action's own day known to a run of that day
		 * comes first; known only later, the action counts as executed:
		 * a reconnect is harmless, a cancel would leave it limited) */
		if (grid_action(env, c, x->name) && !strcmp(x->state, "scheduled") && x->request_id[0] &&
		    (x->date < until || (x->date <= until && x->date < env->day))) {
			snprintf(x->state, sizeof(x->state), "done");
			ev = event(a, c, x->name, "done", x->rule, x->deriv,
				   "executed %s by request %s sent before it; recorded by the run "
				   "of %s", date_format(x->date, b), x->request_id,
				   date_format(env->day, b2));
			ev_ru(env, a, ev, x->deriv_ru, "event.executed_early", "date",
			      explain_ru_date(x->date, b), "request", x->request_id, "run",
			      explain_ru_date(env->day, b2), NULL);
		}
		if (grid_action(env, c, x->name) && !strcmp(x->state, "done"))
			executed = 1;
		if (grid_action(env, c, x->name) && !strcmp(x->state, "scheduled") && x->request_id[0])
			outstanding = 1;
	}
	for (int i = 0; i < c->nrequests; i++)
		if (strcmp(c->request[i].action, "cancel") && strcmp(c->request[i].action, "reconnect"))
			requested = 1;
	cancel_pending(c);
	if (executed) {
		struct derivation d;
		sdate from = paid != DATE_NONE ? paid : env->day, due;
		struct lim_request *r;
		struct lim_step *s;

		if (outstanding) {
			/* a request for an action still to come is withdrawn too */
			struct lim_request *q = add_request(a, c, "cancel", LEVEL_NONE, env->day, env->day);
			struct lim_step *cs;

			why_ru[0] = 0;
			explain_ru_add(env->rules, why_ru, sizeof(why_ru), NULL,
				       "cancel.pending_request", NULL);
			cs = add_step(c, "cancel", "done", env->day,
				      paid != DATE_NONE ? "cancel.payment" : "cancel.operator",
				      "a request for an action still to come went to the grid "
				      "company: cancel it", why_ru);

			if (cs && q)
				snprintf(cs->request_id, sizeof(cs->request_id), "%s", q->id);
		}
		if (deadline_reconnect(env->rules, env->cal, from, &d, e))
			return -1;
		deadline_explain(p, &d, line, sizeof(line));
		deadline_explain_ru(env->rules, p, &d, line_ru, sizeof(line_ru));
		due = d.date;
		if (due < env->day) {
			/* never a date in the past: the run's day is the earliest */
			due = env->day;
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 "; not before the day of the run %s", date_format(env->day, b));
			explain_ru_add(env->rules, line_ru, sizeof(line_ru), "; ", "not_before_run",
				       "date", explain_ru_date(env->day, b), NULL);
		}
		r = add_request(a, c, "reconnect", LEVEL_NONE, due, env->day);
		s = add_step(c, "reconnect", "done", due, env->rules->reconnect.rule, line, line_ru);
		if (s && r)
			snprintf(s->request_id, sizeof(s->request_id), "%s", r->id);
		if (s && due != d.date) {
			s->planned = d.date;
			snprintf(s->why, sizeof(s->why), "payment of %s recorded by the run of %s, "
				 "%d days after the reconnection was due", date_format(from, b2),
				 date_format(env->day, b), (int)(env->day - d.date));
		}
		snprintf(c->status, sizeof(c->status), "closed");
		ev = event(a, c, "reconnect", "scheduled", env->rules->reconnect.rule, line,
			   "%s%s%s; request %s", reason, paid != DATE_NONE ? " in full on " : "",
			   paid != DATE_NONE ? date_format(paid, b2) : "", r ? r->id : "");
		if (paid != DATE_NONE)
			ev_ru(env, a, ev, line_ru, "event.paid", "date", explain_ru_date(paid, b2),
			      NULL);
		else
			ev_ru(env, a, ev, line_ru, "event.operator", "reason", reason, NULL);
		ev_ru(env, a, ev, NULL, "event.request", "request", r ? r->id : "", NULL);
	} else {
		if (requested) {
			struct lim_request *r = add_request(a, c, "cancel", LEVEL_NONE, env->day, env->day);
			struct lim_step *s;

			why_ru[0] = 0;
			explain_ru_add(env->rules, why_ru, sizeof(why_ru), NULL, "cancel.request",
				       NULL);
			s = add_step(c, "cancel", "done", env->day,
				     paid != DATE_NONE ? "cancel.payment" : "cancel.operator",
				     "a request went to the grid company: cancel it", why_ru);

			if (s && r)
				snprintf(s->request_id, sizeof(s->request_id), "%s", r->id);
		}
		snprintf(c->status, sizeof(c->status), "cancelled");
		ev = event(a, c, "cancel", "cancelled",
			   paid != DATE_NONE ? "cancel.payment" : "cancel.operator", "",
			   "%s%s%s; stated debt %s%s", reason, paid != DATE_NONE ? " in full on " : "",
			   paid != DATE_NONE ? date_format(paid, b2) : "", money_format(c->stated, m1),
			   requested ? "; cancel request" : "");
		if (paid != DATE_NONE)
			ev_ru(env, a, ev, "", "event.paid", "date", explain_ru_date(paid, b2), NULL);
		else
			ev_ru(env, a, ev, "", "event.operator", "reason", reason, NULL);
		ev_ru(env, a, ev, NULL, "event.stated_debt", "debt", explain_ru_money(c->stated, m1),
		      NULL);
		if (requested)
			ev_ru(env, a, ev, NULL, "event.cancel_request", NULL);
	}
	if (paid != DATE_NONE)
		snprintf(c->reason, sizeof(c->reason), "оплата задолженности %s", date_format(paid, b));
	else
		snprintf(c->reason, sizeof(c->reason), "%s", reason);
	c->ended = env->day;
	if (!executed)
		a->new_cancelled++;
	return 1;
}

/* Record on s the date the rules gave when rule 8 moved it to the run's
 * day, and why: "<late>, N days after it was due". */
static void set_late(struct lim_step *s, const struct derivation *d, const char *late, sdate day)
{
	char b[DATE_BUF];

	if (d->rule_date == DATE_NONE || d->fixed) {
		if (!d->fixed) {
			s->planned = DATE_NONE;
			s->why[0] = 0;
		}
		return;
	}
	s->planned = d->rule_date;
	snprintf(s->why, sizeof(s->why), "%s, %d days after it was due (%s)", late,
		 (int)(day - d->rule_date), date_format(d->rule_date, b));
}

/* The dates of every step after the delivery of notice n (SPEC 9.2). */
static int compute(const struct limit_env *env, struct limit_account *a, struct lim_case *c,
		   const struct limit_procedure *p, struct deadline_result *res, struct sbyt_err *e)
{
	struct deadline_input in;

	deadline_input_init(&in, p);
	in.remote = a->remote;
	in.not_before = env->day;
	/* rule 8: the steps fixed already (request sent, executed) keep their
	 * dates and the later ones count from them */
	for (int k = 0; k < p->nsteps; k++) {
		const struct lim_step *s = find_step(c, p->step[k].name);

		if (s && !s->notice_id[0] &&
		    (!strcmp(s->state, "scheduled") || !strcmp(s->state, "done")))
			in.fixed[k] = s->date;
	}
	for (int k = 0; k < p->nnotices; k++) {
		/* the last delivered, valid notice of each kind */
		for (int i = c->nnotices - 1; i >= 0; i--) {
			const struct lim_notice *n = &c->notice[i];

			if (!strcmp(n->step, p->notice[k].name) && !n->void_ &&
			    strcmp(n->channel, "authorities") && n->delivered != DATE_NONE &&
			    n->delivered <= env->day) {
				in.delivered[k] = n->delivered;
				if (p->notice[k].dated)
					in.planned = n->planned;
				else
					in.printed[k] = n->planned;   /* rule 9 */
				break;
			}
		}
	}
	return deadline_compute(env->cal, &in, res, e);
}

/* The steps that follow the delivered notice n, computed from the
 * confirmed deliveries: added when missing, and the first action anchored
 * on n fixed (its request sent).  Steps whose date needs a calendar year
 * that is not loaded are left out (a->cal_pending, a->cal_msg) and come on
 * a later day once it is.  An action whose date has passed takes the run's
 * day (rule 8); `late` says why ("confirmation ingested ...").  Idempotent:
 * returns the number of changes, or -1. */
static int ensure_steps(const struct limit_env *env, struct limit_account *a, struct lim_case *c,
			const struct limit_procedure *p, const struct lim_notice *n,
			const char *late, struct sbyt_err *e)
{
	struct deadline_result res;
	struct limit_procedure cut = *p;
	char line[LIM_DERIV], line_ru[LIM_DERIV_RU];
	int changes = 0, nidx = limit_notice_index(p, n->step);

	for (;;) {
		if (!compute(env, a, c, &cut, &res, e))
			break;
		if (!missing_year(e) || cut.nsteps <= 1)
			return -1;
		/* a missing calendar year: keep the steps before it */
		if (!a->cal_pending)
			snprintf(a->cal_msg, sizeof(a->cal_msg), "%.200s%s", e->msg,
				 strlen(e->msg) > 200 ? "..." : "");
		a->cal_pending = 1;
		cut.nsteps--;
		if (cut.stated >= cut.nsteps)
			cut.stated = -1;
	}
	for (int i = 0; i < res.nsteps; i++) {
		const struct derivation *d = &res.step[i];
		const struct limit_step *st = d->step;
		struct lim_step *s;

		if (d->pending || d->assumed)
			continue;
		/* only the steps anchored on this notice, or following the stated step */
		if (st->notice >= 0 && strcmp(p->notice[st->notice].name, n->step))
			continue;
		if (st->notice < 0 && st->after >= 0 && (nidx < 0 || !p->notice[nidx].dated))
			continue;
		deadline_explain(p, d, line, sizeof(line));
		deadline_explain_ru(env->rules, p, d, line_ru, sizeof(line_ru));
		{
			/* the earliest day of a later notice: its planned row */
			int later = -1;

			for (int k = 0; k < p->nnotices; k++)
				if (p->notice[k].earliest == i)
					later = k;
			if (later >= 0) {
				if (!find_step(c, p->notice[later].name)) {
					add_step(c, p->notice[later].name, "planned", d->date, st->rule,
						 line, line_ru);
					changes++;
				}
				continue;
			}
		}
		s = find_step(c, st->name);
		if (s && strcmp(s->state, "planned"))
			continue;           /* fixed already */
		if (!s) {
			s = add_step(c, st->name, "planned", d->date, st->rule, line, line_ru);
			if (!s)
				continue;
			changes++;
		}
		/* the Russian follows the English (not a change on its own) */
		snprintf(s->deriv_ru, sizeof(s->deriv_ru), "%s", line_ru);
		if (s->date != d->date || strcmp(s->deriv, line) || s->planned != d->rule_date) {
			s->date = d->date;
			snprintf(s->deriv, sizeof(s->deriv), "%s", line);
			set_late(s, d, late, env->day);
			changes++;
		}
		/* the first action after the notice is fixed now */
		if (st->notice >= 0) {
			schedule(env, a, c, s, env->day);
			changes++;
		}
	}
	if (changes)
		a->changed = 1;
	return changes;
}

/* Re-count the planned step s from the dates the earlier steps really took
 * (rule 8): its date, arithmetic and, when it had passed, the run's day. */
static int replan(const struct limit_env *env, struct limit_account *a, struct lim_case *c,
		  const struct limit_procedure *p, struct lim_step *s, struct sbyt_err *e)
{
	struct deadline_result res;
	const struct derivation *d;
	char line[LIM_DERIV], late[96], b[DATE_BUF];
	int k = limit_step_index(p, s->name);

	if (k < 0)
		return 0;
	if (compute(env, a, c, p, &res, e))
		return -1;
	d = &res.step[k];
	if (d->pending)
		return 0;
	deadline_explain(p, d, line, sizeof(line));
	deadline_explain_ru(env->rules, p, d, s->deriv_ru, sizeof(s->deriv_ru));
	s->date = d->date;
	snprintf(s->deriv, sizeof(s->deriv), "%s", line);
	snprintf(late, sizeof(late), "the run of %s is the first to find it due",
		 date_format(env->day, b));
	set_late(s, d, late, env->day);
	return 0;
}

/* The last valid, delivered notice of kind `step` whose step is done. */
static const struct lim_notice *last_delivered(struct lim_case *c, const char *step)
{
	for (int i = c->nsteps - 1; i >= 0; i--) {
		const struct lim_step *s = &c->step[i];

		if (s->notice_id[0] && !strcmp(s->name, step) && !strcmp(s->state, "done")) {
			const struct lim_notice *n = find_notice(c, s->notice_id);

			if (n && !n->void_)
				return n;
		}
	}
	return NULL;
}

/* One change to case c on env->day: returns 1 when something changed, 0
 * when the case has nothing more to do today, -1 on error. */
static int advance_case(const struct limit_env *env, struct limit_account *a, struct lim_case *c,
			struct sbyt_err *e)
{
	const struct limit_procedure *p = limit_procedure_find(env->rules, c->procedure);
	money sum = 0;
	sdate paid = DATE_NONE;
	char b[DATE_BUF], rule[LIMIT_RULE];

	if (!p)
		return err_set(e, ERR_CONFIG, "procedure '%s' of case %d of account %lld is not in "
			       "the rules", c->procedure, c->no, (long long)a->id);
	if (!ALIVE(c))
		return 0;
	for (int i = 0; i < a->npay; i++)
		if (a->pay_on[i] > c->snap_as_of && a->pay_on[i] <= env->day) {
			sum += a->pay_amount[i];
			if (sum >= c->stated) {
				paid = a->pay_on[i];
				break;
			}
		}
	if (paid != DATE_NONE)
		return settle(env, a, c, paid, "paid", e);
	if (!strcmp(c->status, "escalated"))
		return 0;

	/* a case opened by the operator: its first notice */
	if (c->nsteps == 0) {
		const char *first = p->notice[p->first].name;

		return issue(env, a, c, first, a->channel, NULL, NULL, e) ? -1 : 1;
	}

	/* notices waiting for their delivery */
	for (int i = 0; i < c->nsteps; i++) {
		struct lim_step *s = &c->step[i];
		struct lim_notice *n;
		int ni;

		if (!s->notice_id[0] || strcmp(s->state, "scheduled"))
			continue;
		n = find_notice(c, s->notice_id);
		if (!n)
			continue;
		ni = limit_notice_index(p, n->step);
		if (n->delivered != DATE_NONE && n->delivered <= env->day) {
			if (ni >= 0 && p->notice[ni].dated) {
				int ok;
				sdate earliest;
				char b2[DATE_BUF], b3[DATE_BUF];

				if (deadline_check_stated(env->cal, p, n->delivered, n->planned,
							  a->remote, &ok, &earliest, e))
					return -1;
				if (!ok) {
					struct lim_event *ev;

					n->void_ = 1;
					snprintf(s->state, sizeof(s->state), "cancelled");
					ev = event(a, c, n->step, "void", s->rule, "",
						   "notice %s delivered %s states %s; the rule needs %s "
						   "or later: void, re-issued", n->id,
						   date_format(n->delivered, b), date_format(n->planned, b2),
						   date_format(earliest, b3));
					ev_ru(env, a, ev, "", "event.void", "notice", n->id, "delivered",
					      explain_ru_date(n->delivered, b), "stated",
					      explain_ru_date(n->planned, b2), "earliest",
					      explain_ru_date(earliest, b3), NULL);
					return issue(env, a, c, n->step, a->channel, n->id, NULL, e) ? -1 : 1;
				}
			}
			snprintf(s->state, sizeof(s->state), "done");
			{
				struct lim_event *ev = event(a, c, n->step, "delivered", s->rule, "",
							     "notice %s delivered %s%s%s", n->id,
							     date_format(n->delivered, b),
							     n->evidence[0] ? ": " : "", n->evidence);

				ev_ru(env, a, ev, "", "event.delivered", "notice", n->id, "date",
				      explain_ru_date(n->delivered, b), NULL);
				if (n->evidence[0]) {
					char evr[512];

					evidence_ru(env, n->evidence, evr, sizeof(evr));
					ev_ru(env, a, ev, NULL, "event.evidence", "evidence", evr,
					      NULL);
				}
			}
			{
				char late[128], b2[DATE_BUF];

				if (!strcmp(n->channel, "payment_document"))
					snprintf(late, sizeof(late), "the payment document's delivery "
						 "(deemed %s) recorded %s", date_format(n->delivered, b2),
						 date_format(env->day, b));
				else
					snprintf(late, sizeof(late), "confirmation of the delivery on "
						 "%s ingested by the run of %s",
						 date_format(n->delivered, b2), date_format(env->day, b));
				return ensure_steps(env, a, c, p, n, late, e) < 0 ? -1 : 1;
			}
		}
		if (n->failed_on != DATE_NONE && n->failed_on <= env->day) {
			n->void_ = 1;
			snprintf(s->state, sizeof(s->state), "cancelled");
			{
				struct lim_event *ev = event(a, c, n->step, "failed", s->rule, "",
							     "notice %s via %s not delivered (%s): "
							     "re-issued by post", n->id, n->channel,
							     date_format(n->failed_on, b));

				ev_ru(env, a, ev, "", "event.failed", "notice", n->id, "channel",
				      channel_ru(env, n->channel), "date",
				      explain_ru_date(n->failed_on, b), NULL);
			}
			return issue(env, a, c, n->step, "post", n->id, NULL, e) ? -1 : 1;
		}
	}

	/* steps left out on an earlier day (a calendar year was missing) */
	for (int k = 0; k < p->nnotices; k++) {
		const struct lim_notice *n = last_delivered(c, p->notice[k].name);
		int r;

		char late[96];

		snprintf(late, sizeof(late), "the run of %s is the first to find it due",
			 date_format(env->day, b));
		if (n && (r = ensure_steps(env, a, c, p, n, late, e)) != 0)
			return r < 0 ? -1 : 1;
	}

	/* actions that fall due */
	for (int i = 0; i < c->nsteps; i++) {
		struct lim_step *s = &c->step[i];

		if (strcmp(s->state, "scheduled") || s->notice_id[0] || s->date > env->day)
			continue;
		if (!rstep(env, c, s->name) || !rstep(env, c, s->name)->action)
			continue;
		snprintf(s->state, sizeof(s->state), "done");
		if (s->date < env->day) {
			/* its request went before its date: the grid company acted on
			 * it that day; this run only records it (SPEC 9.2.8) */
			char b2[DATE_BUF];
			struct lim_event *ev;

			ev = event(a, c, s->name, "done", s->rule, s->deriv,
				   "executed %s by request %s sent before it; recorded by the run "
				   "of %s", date_format(s->date, b),
				   s->request_id[0] ? s->request_id : "-", date_format(env->day, b2));
			ev_ru(env, a, ev, s->deriv_ru, "event.executed_early", "date",
			      explain_ru_date(s->date, b), "request",
			      s->request_id[0] ? s->request_id : "\xE2\x80\x94", "run",
			      explain_ru_date(env->day, b2), NULL);
		} else {
			struct lim_event *ev = event(a, c, s->name, "done", s->rule, s->deriv,
						     "executed %s", date_format(s->date, b));

			ev_ru(env, a, ev, s->deriv_ru, "event.executed", "date",
			      explain_ru_date(s->date, b), NULL);
		}
		if (rstep(env, c, s->name)->closes) {
			/* the step ends the case (the contract refused) */
			snprintf(c->status, sizeof(c->status), "closed");
			c->ended = env->day;
			return 1;
		}
		/* the next action of the procedure is fixed now */
		for (int j = i + 1; j < c->nsteps; j++) {
			struct lim_step *nx = &c->step[j];

			const struct limit_step *nst = rstep(env, c, nx->name);

			if (strcmp(nx->state, "planned") || !nst || !nst->action)
				continue;
			if (nst->unless_no_below && a->no_below) {
				snprintf(nx->state, sizeof(nx->state), "cancelled");
				snprintf(c->status, sizeof(c->status), "escalated");
				ev_ru(env, a, event(a, c, nx->name, "escalated", nx->rule, "",
						    "no_below_emergency: supply is not limited below "
						    "the emergency reserve (%s kW); escalated",
						    a->emergency_kw),
				      "", "event.escalated", "kw", a->emergency_kw, NULL);
			} else {
				/* counted from the day the previous one really took
				 * effect, never before this run (SPEC 9.2.8) */
				if (replan(env, a, c, p, nx, e))
					return -1;
				schedule(env, a, c, nx, env->day);
			}
			break;
		}
		return 1;
	}

	/* a later notice (the household full notice) once its earliest day has
	 * come and the step it requires is done */
	for (int k = 0; k < p->nnotices; k++) {
		const struct limit_notice *no = &p->notice[k];
		struct lim_step *fn = no->earliest >= 0 ? find_step(c, no->name) : NULL;
		struct lim_step *rq = no->requires >= 0 ? find_step(c, p->step[no->requires].name)
							: NULL;

		if (fn && !strcmp(fn->state, "planned") && fn->date <= env->day &&
		    (no->requires < 0 || (rq && !strcmp(rq->state, "done"))))
			return issue(env, a, c, no->name, a->channel, NULL, fn, e) ? -1 : 1;
	}
	(void)rule;
	return 0;
}

int limit_household_threshold(const struct tariff_rules *t, const char *category, int rooms,
			      int residents, sdate day, money *out, struct sbyt_err *e)
{
	struct tariff_rate rate;
	int64_t norm;

	if (tariff_lookup(t, category, 1, day, &rate, e) ||
	    tariff_norm(t, category, day, rooms, residents, &norm, e))
		return -1;
	*out = 2 * tariff_amount(norm * (residents < 1 ? 1 : residents), rate.rate[0][0]);
	return 0;
}

/* Open a case when the snapshot shows the trigger of the account's procedure. */
static int trigger(const struct limit_env *env, struct limit_account *a, struct sbyt_err *e)
{
	const char *proc;
	const struct limit_procedure *p;
	money threshold;
	struct lim_case *c;
	char b[DATE_BUF], m1[40], m2[40], rule[LIMIT_RULE], cnt[64];
	struct lim_event *ev;

	if (!a->has_snap || a->principal <= 0)
		return 0;
	for (int i = 0; i < a->ncases; i++) {
		const struct lim_case *o = &a->cases[i];

		const struct limit_procedure *op = limit_procedure_find(env->rules, o->procedure);

		if (op && !op->opens[0])
			continue;           /* the operator's procedures stand aside */
		if (ALIVE(o) || a->snap_as_of <= o->ended || a->snap_as_of <= o->snap_as_of)
			return 0;
	}
	/* a new case needs a snapshot taken after the previous one ended */
	if (a->snap_as_of <= a->last_ended || a->snap_as_of <= a->last_snap)
		return 0;
	if (!strcmp(a->kind, "individual")) {
		proc = "household";
		if (limit_household_threshold(env->tariff, a->category, a->rooms, a->residents,
					      env->day, &threshold, e))
			return -1;
		if (a->periods < 2 || a->principal <= threshold)
			return 0;
	} else {
		proc = a->has_reserve ? "legal_reserve" : "legal";
		threshold = a->oblig1;
		if (threshold <= 0 || a->principal < threshold)
			return 0;
	}
	p = limit_procedure_opening(env->rules, proc);
	if (!p)
		return err_set(e, ERR_CONFIG, "no procedure in the rules opens for '%s' accounts "
			       "(opens=\"%s\")", proc, proc);
	proc = p->name;
	c = limit_case_add(a);
	if (!c)
		return err_set(e, ERR_INTERNAL, "out of memory");
	snprintf(c->procedure, sizeof(c->procedure), "%s", proc);
	snprintf(c->status, sizeof(c->status), "open");
	c->opened = env->day;
	c->snap_as_of = a->snap_as_of;
	c->stated = a->principal;
	c->penalty = a->penalty;
	c->periods = a->periods;
	c->threshold = threshold;
	c->ended = DATE_NONE;
	snprintf(rule, sizeof(rule), "%s.trigger", proc);
	ev = event(a, c, "trigger", "opened", rule, "",
		   "snapshot %s: overdue %s over %d periods, threshold %s",
		   date_format(a->snap_as_of, b), money_format(a->principal, m1), a->periods,
		   money_format(threshold, m2));
	ev_ru(env, a, ev, "", "event.opened", "snapshot", explain_ru_date(a->snap_as_of, b), "debt",
	      explain_ru_money(a->principal, m1), "periods",
	      explain_ru_count(env->rules, "period", a->periods, cnt, sizeof(cnt)), "threshold",
	      explain_ru_money(threshold, m2), NULL);
	if (issue(env, a, c, p->notice[p->first].name, a->channel, NULL, NULL, e))
		return -1;
	return 1;
}

/* Is e the missing-calendar-year error of calendar.h? */
static int missing_year(const struct sbyt_err *e)
{
	return e->kind == ERR_CONFIG && strstr(e->msg, "no production calendar for ");
}

/* What limit_advance() restores when a step needs a missing calendar year. */
struct saved {
	int max_case_no;
	int ncases, nevents, new_notices, new_requests, new_cancelled, changed;
};

static void save(const struct limit_account *a, struct saved *sv)
{
	sv->max_case_no = a->max_case_no;
	sv->ncases = a->ncases;
	sv->nevents = a->nevents;
	sv->new_notices = a->new_notices;
	sv->new_requests = a->new_requests;
	sv->new_cancelled = a->new_cancelled;
	sv->changed = a->changed;
}

static void restore(struct limit_account *a, const struct saved *sv, struct sbyt_err *e)
{
	a->max_case_no = sv->max_case_no;
	a->ncases = sv->ncases;
	a->nevents = sv->nevents;
	a->new_notices = sv->new_notices;
	a->new_requests = sv->new_requests;
	a->new_cancelled = sv->new_cancelled;
	a->changed = sv->changed;
	if (!a->cal_pending)
		snprintf(a->cal_msg, sizeof(a->cal_msg), "%.200s%s", e->msg,
				 strlen(e->msg) > 200 ? "..." : "");
	a->cal_pending = 1;
	err_clear(e);
}

/* dst = src as far as anything reads it: the header and the steps, notices
 * and requests in use (53 KB a case in all; a whole copy before every
 * advance of every case was a tenth of the run's client CPU). */
static void case_copy(struct lim_case *dst, const struct lim_case *src)
{
	memcpy(dst, src, offsetof(struct lim_case, step));
	memcpy(dst->step, src->step, sizeof(src->step[0]) * (size_t)src->nsteps);
	memcpy(dst->notice, src->notice, sizeof(src->notice[0]) * (size_t)src->nnotices);
	memcpy(dst->request, src->request, sizeof(src->request[0]) * (size_t)src->nrequests);
}

int limit_advance(const struct limit_env *env, struct limit_account *a, struct sbyt_err *e)
{
	struct lim_case *copy = malloc(sizeof(*copy));

	if (!copy)
		return err_set(e, ERR_INTERNAL, "out of memory");
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < a->ncases; i++) {
			int guard = 0, r;
			struct saved sv;

			for (;;) {
				case_copy(copy, &a->cases[i]);
				save(a, &sv);
				r = advance_case(env, a, &a->cases[i], e);
				if (r <= 0)
					break;
				if (++guard > 32) {
					free(copy);
					return err_set(e, ERR_INTERNAL, "case %d of account %lld does "
						       "not settle", a->cases[i].no, (long long)a->id);
				}
			}
			if (r < 0 && missing_year(e)) {
				/* this change needs a calendar year not loaded: undo it,
				 * keep the earlier ones, try again another day */
				case_copy(&a->cases[i], copy);
				restore(a, &sv, e);
			} else if (r < 0) {
				free(copy);
				return -1;
			}
		}
		if (round == 0) {
			struct saved sv;
			int r;

			save(a, &sv);
			r = trigger(env, a, e);
			if (r < 0 && missing_year(e)) {
				restore(a, &sv, e);
				r = 0;
			}
			if (r < 0) {
				free(copy);
				return -1;
			}
			if (r == 0)
				break;
		}
	}
	free(copy);
	if (a->oom)
		return err_set(e, ERR_INTERNAL, "out of memory keeping the events of account %lld",
			       (long long)a->id);
	for (int i = 0; i < a->ncases; i++)
		if (a->cases[i].overflow)
			return err_set(e, ERR_INTERNAL, "case %d of account %lld has more than %d "
				       "steps or %d requests", a->cases[i].no, (long long)a->id,
				       LIM_MAX_STEPS, LIM_MAX_REQUESTS);
	return 0;
}

struct lim_case *limit_case_add(struct limit_account *a)
{
	struct lim_case *c;

	if (a->ncases == a->capcases) {
		int cap = a->capcases ? a->capcases * 2 : 2;
		struct lim_case *t = realloc(a->cases, sizeof(*t) * (size_t)cap);

		if (!t)
			return NULL;
		a->cases = t;
		a->capcases = cap;
	}
	for (int i = 0; i < a->ncases; i++)
		if (a->cases[i].no > a->max_case_no)
			a->max_case_no = a->cases[i].no;
	c = &a->cases[a->ncases++];
	/* the header only (53 KB a case with its arrays): a step, notice or
	 * request is written whole when it is added or loaded, and none is
	 * read past nsteps, nnotices, nrequests */
	memset(c, 0, offsetof(struct lim_case, step));
	c->no = ++a->max_case_no;
	c->ended = DATE_NONE;
	return c;
}

void limit_account_release(struct limit_account *a)
{
	free(a->cases);
	free(a->pay_on);
	free(a->pay_amount);
	free(a->deliv);
	free(a->event);
	free(a->lrows);
	memset(a, 0, sizeof(*a));
}

void limit_account_reset(struct limit_account *a)
{
	struct limit_account keep = *a;

	memset(a, 0, sizeof(*a));
	a->cases = keep.cases;
	a->capcases = keep.capcases;
	a->pay_on = keep.pay_on;
	a->pay_amount = keep.pay_amount;
	a->cappay = keep.cappay;
	a->deliv = keep.deliv;
	a->capdeliv = keep.capdeliv;
	a->event = keep.event;
	a->capevents = keep.capevents;
	a->lrows = keep.lrows;
	a->caplrows = keep.caplrows;
}

int limit_account_add_payment(struct limit_account *a, sdate on, money amount,
			      struct sbyt_err *e)
{
	if (a->npay == a->cappay) {
		int cap = a->cappay ? a->cappay * 2 : 8;
		sdate *d = realloc(a->pay_on, sizeof(*d) * (size_t)cap);
		money *m;

		if (!d)
			return err_set(e, ERR_INTERNAL, "out of memory");
		a->pay_on = d;
		m = realloc(a->pay_amount, sizeof(*m) * (size_t)cap);
		if (!m)
			return err_set(e, ERR_INTERNAL, "out of memory");
		a->pay_amount = m;
		a->cappay = cap;
	}
	a->pay_on[a->npay] = on;
	a->pay_amount[a->npay++] = amount;
	return 0;
}

int limit_account_add_delivery(struct limit_account *a, const struct lim_deliv *d,
			       struct sbyt_err *e)
{
	if (a->ndeliv == a->capdeliv) {
		int cap = a->capdeliv ? a->capdeliv * 2 : 8;
		struct lim_deliv *t = realloc(a->deliv, sizeof(*t) * (size_t)cap);

		if (!t)
			return err_set(e, ERR_INTERNAL, "out of memory");
		a->deliv = t;
		a->capdeliv = cap;
	}
	a->deliv[a->ndeliv++] = *d;
	return 0;
}

int limit_operator_cancel(const struct limit_env *env, struct limit_account *a,
			  const char *reason, struct sbyt_err *e)
{
	int n = 0;

	for (int i = 0; i < a->ncases; i++) {
		struct lim_case *c = &a->cases[i];

		if (!ALIVE(c))
			continue;
		if (settle(env, a, c, DATE_NONE, reason, e) < 0)
			return -1;
		n++;
	}
	return n;
}

int limit_operator_refuse(const struct limit_env *env, struct limit_account *a,
			  struct sbyt_err *e)
{
	const struct limit_procedure *p = limit_procedure_find(env->rules, "refusal");
	struct lim_case *cs;
	char b[DATE_BUF], m1[40], m2[40], rule[LIMIT_RULE], cnt[64];
	struct lim_event *ev;

	if (!p || p->opens[0])
		return err_set(e, ERR_CONFIG, "the rules have no operator procedure 'refusal'");
	if (strcmp(a->kind, "legal"))
		return err_set(e, ERR_DATA, "account '%lld' is not a legal entity",
			       (long long)a->id);
	for (int i = 0; i < a->ncases; i++)
		if (!strcmp(a->cases[i].procedure, p->name) && ALIVE(&a->cases[i]))
			return err_set(e, ERR_DATA, "account '%lld' already has a refusal case",
				       (long long)a->id);
	if (!a->has_snap || a->periods < 2 || a->oblig2 <= 0 || a->principal < a->oblig2)
		return err_set(e, ERR_DATA, "account '%lld': overdue %s over %d periods is less "
			       "than the obligations of 2 payment periods (%s)", (long long)a->id,
			       money_format(a->principal, m1), a->periods,
			       money_format(a->oblig2 > 0 ? a->oblig2 : 0, m2));
	cs = limit_case_add(a);
	if (!cs)
		return err_set(e, ERR_INTERNAL, "out of memory");
	snprintf(cs->procedure, sizeof(cs->procedure), "%s", p->name);
	snprintf(cs->status, sizeof(cs->status), "open");
	cs->opened = env->day;
	cs->snap_as_of = a->snap_as_of;
	cs->stated = a->principal;
	cs->penalty = a->penalty;
	cs->periods = a->periods;
	cs->threshold = a->oblig2;
	cs->ended = DATE_NONE;
	snprintf(rule, sizeof(rule), "%s.trigger", p->name);
	ev = event(a, cs, "trigger", "opened", rule, "",
		   "operator; snapshot %s: overdue %s over %d periods, 2 periods' obligations %s",
		   date_format(a->snap_as_of, b), money_format(a->principal, m1), a->periods,
		   money_format(a->oblig2, m2));
	ev_ru(env, a, ev, "", "event.opened_operator", "snapshot",
	      explain_ru_date(a->snap_as_of, b), "debt", explain_ru_money(a->principal, m1),
	      "periods", explain_ru_count(env->rules, "period", a->periods, cnt, sizeof(cnt)),
	      "threshold", explain_ru_money(a->oblig2, m2), NULL);
	return 1;
}
