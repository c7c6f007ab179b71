/* limit_text.c - the workflow's texts from their templates; see limit_text.h. */
#include "limit_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void limit_textvars_add(struct limit_textvars *tv, const char *name, const char *value)
{
	char *n, *v;

	if (tv->n >= LIMIT_TEXT_VARS) {
		tv->oom = 1;
		return;
	}
	n = strdup(name);
	v = strdup(value ? value : "");
	if (!n || !v) {
		free(n);
		free(v);
		tv->oom = 1;
		return;
	}
	tv->own[2 * tv->n] = n;
	tv->own[2 * tv->n + 1] = v;
	tv->v[tv->n].name = n;
	tv->v[tv->n].value = v;
	tv->n++;
}

void limit_textvars_add_date(struct limit_textvars *tv, const char *name, const char *iso)
{
	char v[DATE_BUF + 8];
	sdate d;
	int y, m, dd;

	if (!iso || date_parse(iso, -1, &d)) {
		limit_textvars_add(tv, name, iso);
		return;
	}
	date_to_ymd(d, &y, &m, &dd);
	snprintf(v, sizeof(v), "%02d.%02d.%04d", dd, m, y);
	limit_textvars_add(tv, name, v);
}

void limit_textvars_release(struct limit_textvars *tv)
{
	for (int i = 0; i < 2 * tv->n; i++)
		free(tv->own[i]);
	tv->n = tv->oom = 0;
}

int limit_textvars_dates(struct limit_textvars *tv, const struct limit_rules *r,
			 const struct calendar *cal, const struct limit_procedure *p,
			 const char *notice, const char *channel, sdate issued, sdate planned,
			 int remote, struct sbyt_err *e)
{
	const struct limit_channel *ch = limit_channel_find(r, channel);
	int ni = limit_notice_index(p, notice);
	struct deadline_input in;
	struct deadline_result res;
	int ok = 1;

	deadline_input_init(&in, p);
	in.remote = remote;
	in.assume_earliest = 1;
	if (ni >= 0) {
		in.delivered[ni] = issued + (ch ? ch->days : 0);
		if (p->notice[ni].dated)
			in.planned = planned;
		else
			in.printed[ni] = planned;
	}
	if (deadline_compute(cal, &in, &res, e)) {
		if (e->kind != ERR_CONFIG)
			return -1;
		err_clear(e);           /* a year without a calendar: no dates */
		ok = 0;
	}
	for (int i = 0; i < p->nsteps; i++) {
		char name[LIMIT_NAME + 8], v[DATE_BUF + 8];
		const struct derivation *d = &res.step[i];

		snprintf(name, sizeof(name), "date:%s", p->step[i].name);
		if (ok && !d->pending)
			date_format(d->date, v);
		else
			snprintf(v, sizeof(v), "—");
		limit_textvars_add_date(tv, name, v);
		snprintf(name, sizeof(name), "days:%s", p->step[i].name);
		snprintf(v, sizeof(v), "%d", remote ? p->step[i].remote_days : p->step[i].days);
		limit_textvars_add(tv, name, v);
	}
	return 0;
}

char *limit_text(const struct limit_rules *r, const char *key, struct limit_textvars *tv,
		 struct sbyt_err *e)
{
	const struct limit_text *t = limit_text_find(r, key);

	if (!t) {
		err_set(e, ERR_CONFIG, "no text for '%s' in the limitation rules", key);
		return NULL;
	}
	limit_textvars_add(tv, "citation", t->citation);
	if (tv->oom) {
		err_set(e, ERR_INTERNAL, "out of memory (or more than %d values) for text '%s'",
			LIMIT_TEXT_VARS, key);
		return NULL;
	}
	return template_expand(t->text, tv->v, (size_t)tv->n, e);
}
