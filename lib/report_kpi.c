/* report_kpi.c - the Appendix 5 quality card from the journals; see report_kpi.h. */
#include "report_kpi.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "csv.h"
#include "db.h"
#include "money.h"
#include "xlsx.h"

/* A journal time: an ISO 8601 date-time with seconds and an offset
 * ("2026-11-03T09:15:00+05:00" or "...Z").  Sets the UTC seconds and the
 * date as written; 0 or -1. */
static int parse_ts(const char *s, size_t n, int64_t *secs, sdate *day)
{
	struct date_time t;

	if (date_time_parse(s, (int)n, &t) || t.sep != 'T' || !t.has_seconds || !t.has_offset)
		return -1;
	*secs = t.utc;
	*day = t.day;
	return 0;
}

static const char *const topics[KPI_TOPICS] = { "readings", "consult", "consult_personal", "other" };

struct event {
	int64_t t;
	int delta;
};

static int event_cmp(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->delta - y->delta;  /* leave the queue before joining it */
}

/* The quarter of a period: its year times 4 plus the quarter, 0-3. */
static int quarter_of(speriod p)
{
	int y, m;

	period_to_ym(p, &y, &m);
	return y * 4 + (m - 1) / 3;
}

/* The distinct complaining customers of a quarter: a set of accounts (an
 * appeal without one is a customer of its own). */
struct who {
	int64_t *v;
	size_t n, cap;
};

static int who_add(struct who *w, int64_t account)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		int64_t *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -1;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = account;
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static int64_t who_count(struct who *w)
{
	int64_t n = 0;

	qsort(w->v, w->n, sizeof(*w->v), cmp_i64);
	for (size_t i = 0; i < w->n; i++)
		n += i == 0 || w->v[i] != w->v[i - 1];
	return n;
}

static int read_appeals(const char *path, speriod p, const struct calendar *cal,
			struct kpi_card *k, struct faults *f, struct sbyt_err *e)
{
	static const char header[] = "id;received_at;channel;kind;account;answered_at;extended_to";
	struct who who = { 0 };
	int64_t anon = 0;
	struct csv c;
	int rc;

	if (csv_open(&c, path, ';', 0, e))
		return -1;
	if ((rc = csv_next(&c, e)) != 1 || strcmp(c.text, header) != 0) {
		if (rc == 0)
			faults_add(f, path, 0, "empty file: the header '%s' is missing", header);
		else if (rc > 0)
			faults_add(f, path, 1, "the header must be '%s'", header);
		csv_close(&c);
		return rc < 0 ? -1 : 0;
	}
	while ((rc = csv_next(&c, e)) == 1) {
		int64_t rt, at = 0;
		sdate rday, aday = 0, xday = 0, limit;
		int answered, extended, complaint;

		if (csv_blank(&c))
			continue;
		if (c.bad || c.nf != 7) {
			faults_add(f, path, c.line, "%s", c.bad ? c.bad : "expected 7 fields");
			continue;
		}
		if (parse_ts(c.field[1], c.flen[1], &rt, &rday)) {
			faults_add(f, path, c.line, "received_at is not an ISO 8601 time with offset");
			continue;
		}
		answered = c.flen[5] > 0;
		if (answered && parse_ts(c.field[5], c.flen[5], &at, &aday)) {
			faults_add(f, path, c.line, "answered_at is not an ISO 8601 time with offset");
			continue;
		}
		extended = c.flen[6] > 0;
		if (extended && date_parse(c.field[6], (int)(c.flen[6] > 10 ? 10 : c.flen[6]), &xday)) {
			faults_add(f, path, c.line, "extended_to is not a date");
			continue;
		}
		if (strcmp(c.field[3], "question") && strcmp(c.field[3], "complaint") &&
		    strcmp(c.field[3], "application")) {
			faults_add(f, path, c.line, "kind must be one of question|complaint|application");
			continue;
		}
		if (answered && at < rt) {
			faults_add(f, path, c.line, "answered before it was received");
			continue;
		}
		complaint = strcmp(c.field[3], "complaint") == 0;
		if (quarter_of(period_of(rday)) == quarter_of(p)) {
			k->q_appeals++;
			if (complaint && who_add(&who, c.flen[4] ? strtoll(c.field[4], NULL, 10) : --anon)) {
				free(who.v);
				csv_close(&c);
				return err_set(e, ERR_INTERNAL, "out of memory");
			}
		}
		if (period_of(rday) != p)
			continue;
		k->appeals++;
		k->complaints += complaint;
		/* The term: 3 days from the day of receipt; an extension may add at
		 * most 10 working days after the end of the term. */
		if (extended) {
			k->extended++;
			if (calendar_add_working(cal, rday + 3, 10, &limit, e)) {
				csv_close(&c);
				return -1;
			}
			if (xday > limit)
				k->extension_too_long++;
		}
		if (answered) {
			k->answered++;
			if (aday <= rday + 3)
				k->timely++;
			else if (extended && aday > xday)
				k->late_after_extension++;
		} else {
			k->unanswered++;
			if ((extended ? xday : rday + 3) < period_last(p))
				k->overdue_unanswered++;
		}
	}
	csv_close(&c);
	k->q_complaints = who_count(&who);
	free(who.v);
	return rc < 0 ? -1 : 0;
}

static int read_calls(const char *path, speriod p, struct kpi_card *k, struct faults *f,
		      struct sbyt_err *e)
{
	static const char header[] = "call_id;queued_at;answered_at;ended_at;topic;abandoned";
	struct event *ev = NULL;
	size_t nev = 0, cap = 0;
	struct csv c;
	int rc;

	if (csv_open(&c, path, ';', 0, e))
		return -1;
	if ((rc = csv_next(&c, e)) != 1 || strcmp(c.text, header) != 0) {
		if (rc == 0)
			faults_add(f, path, 0, "empty file: the header '%s' is missing", header);
		else if (rc > 0)
			faults_add(f, path, 1, "the header must be '%s'", header);
		csv_close(&c);
		return rc < 0 ? -1 : 0;
	}
	while ((rc = csv_next(&c, e)) == 1) {
		int64_t q, a = 0, end;
		sdate qday, d;
		int abandoned, t;

		if (csv_blank(&c))
			continue;
		if (c.bad || c.nf != 6) {
			faults_add(f, path, c.line, "%s", c.bad ? c.bad : "expected 6 fields");
			continue;
		}
		abandoned = c.flen[5] == 1 && c.field[5][0] == '1';
		if (!(c.flen[5] == 1 && (c.field[5][0] == '0' || abandoned))) {
			faults_add(f, path, c.line, "abandoned must be 0 or 1");
			continue;
		}
		if (parse_ts(c.field[1], c.flen[1], &q, &qday) ||
		    parse_ts(c.field[3], c.flen[3], &end, &d) ||
		    (!abandoned && parse_ts(c.field[2], c.flen[2], &a, &d)) ||
		    (abandoned && c.flen[2] > 0)) {
			faults_add(f, path, c.line, abandoned ? "an abandoned call has queued_at and "
				   "ended_at times and no answered_at" : "queued_at, answered_at and "
				   "ended_at must be ISO 8601 times with offset");
			continue;
		}
		if ((!abandoned && (a < q || end < a)) || end < q) {
			faults_add(f, path, c.line, "times are out of order");
			continue;
		}
		for (t = 0; t < KPI_TOPIC_OTHER; t++)
			if (!strcmp(c.field[4], topics[t]))
				break;
		if (period_of(qday) != p)
			continue;
		k->calls++;
		if (abandoned) {
			k->abandoned++;
		} else {
			k->answered_calls++;
			k->wait_seconds += a - q;
			k->talk_seconds[t] += end - a;
			k->talks[t]++;
		}
		if (nev + 2 > cap) {
			cap = cap ? cap * 2 : 1024;
			struct event *ne = realloc(ev, cap * sizeof(*ev));
			if (!ne) {
				free(ev);
				csv_close(&c);
				return err_set(e, ERR_INTERNAL, "out of memory");
			}
			ev = ne;
		}
		ev[nev++] = (struct event){ q, +1 };
		ev[nev++] = (struct event){ abandoned ? end : a, -1 };
	}
	csv_close(&c);
	if (nev > 1)
		qsort(ev, nev, sizeof(*ev), event_cmp);
	int64_t now = 0;
	for (size_t i = 0; i < nev; i++) {
		now += ev[i].delta;
		if (now > k->max_queue)
			k->max_queue = (int)now;
	}
	free(ev);
	return rc < 0 ? -1 : 0;
}

int kpi_compute(const char *appeals, const char *calls, speriod p,
		const struct calendar *cal, struct kpi_card *card, struct faults *f,
		struct sbyt_err *e)
{
	int before = f->count;

	memset(card, 0, sizeof(*card));
	card->period = p;
	if (appeals && read_appeals(appeals, p, cal, card, f, e))
		return -1;
	if (calls && read_calls(calls, p, card, f, e))
		return -1;
	if (f->count > before)
		return err_set(e, ERR_DATA, "%d bad journal line%s; no card made",
			       f->count - before, f->count - before == 1 ? "" : "s");
	return 0;
}

int kpi_from_db(PGconn *db, speriod p, int appeals, struct kpi_card *k, struct sbyt_err *e)
{
	char first[DATE_BUF], last[DATE_BUF], pfirst[DATE_BUF], qfirst[DATE_BUF], qlast[DATE_BUF];
	int y, m;
	const char *params[4];
	PGresult *r;

	period_to_ym(p, &y, &m);
	date_format(period_first(p), first);
	date_format(period_last(p), last);
	date_format(period_first(p - 1), pfirst);
	date_format(period_first(period_from_ym(y, (m - 1) / 3 * 3 + 1)), qfirst);
	date_format(period_last(period_from_ym(y, (m - 1) / 3 * 3 + 3)), qlast);
	params[0] = first;
	params[1] = last;
	params[2] = pfirst;
	/* Online users: accounts with SMS or portal (lkk, site) readings taken
	 * in the month, or a document of the month sent by e-mail or portal. */
	r = db_query(db, e,
		"WITH u AS ("
		" SELECT account_id, period_first FROM ("
		"  SELECT account_id, date_trunc('month', taken_on)::date AS period_first FROM reading"
		"  WHERE taken_on BETWEEN $3::date AND $2::date AND status = 'accepted'"
		"  AND (channel = 'sms' OR (channel = 'portal' AND source IN ('lkk', 'site')))"
		"  UNION SELECT account_id, period FROM document"
		"  WHERE period BETWEEN $3::date AND $1::date AND channel IN ('email', 'lkk')) x)"
		" SELECT count(DISTINCT account_id) FILTER (WHERE period_first = $1::date),"
		" count(DISTINCT account_id) FILTER (WHERE period_first = $3::date) FROM u",
		3, params);
	if (!r)
		return -1;
	k->has_online = 1;
	k->online = atoll(PQgetvalue(r, 0, 0));
	k->online_prev = atoll(PQgetvalue(r, 0, 1));
	PQclear(r);
	if (!appeals)
		return 0;
	params[2] = qfirst;
	params[3] = qlast;
	r = db_query(db, e,
		"SELECT count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND kind = 'complaint'),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND answered_on IS NOT NULL),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND answered_on <= answer_due),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND answered_on IS NULL),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND answered_on IS NULL AND coalesce(extended_to, answer_due) < $2::date),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND extended_to IS NOT NULL),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND extended_to > extend_limit),"
		" count(*) FILTER (WHERE received_on BETWEEN $1::date AND $2::date"
		"  AND answered_on > coalesce(extended_to, answer_due) AND extended_to IS NOT NULL),"
		" count(*) FILTER (WHERE received_on BETWEEN $3::date AND $4::date),"
		" count(DISTINCT coalesce(account_id::text, 'appeal ' || appeal_id))"
		"  FILTER (WHERE received_on BETWEEN $3::date AND $4::date AND kind = 'complaint')"
		" FROM appeal WHERE received_on BETWEEN least($1::date, $3::date) AND $4::date",
		4, params);
	if (!r)
		return -1;
	k->appeals = atoll(PQgetvalue(r, 0, 0));
	k->complaints = atoll(PQgetvalue(r, 0, 1));
	k->answered = atoll(PQgetvalue(r, 0, 2));
	k->timely = atoll(PQgetvalue(r, 0, 3));
	k->unanswered = atoll(PQgetvalue(r, 0, 4));
	k->overdue_unanswered = atoll(PQgetvalue(r, 0, 5));
	k->extended = atoll(PQgetvalue(r, 0, 6));
	k->extension_too_long = atoll(PQgetvalue(r, 0, 7));
	k->late_after_extension = atoll(PQgetvalue(r, 0, 8));
	k->q_appeals = atoll(PQgetvalue(r, 0, 9));
	k->q_complaints = atoll(PQgetvalue(r, 0, 10));
	PQclear(r);
	return 0;
}

/* How a line's value reads. */
enum unit { U_NONE, U_SHARE, U_COUNT, U_SECONDS };

/* One line of the card. */
struct row {
	const char *no, *name, *method;
	enum unit unit;
	int has_value;
	double value;         /* a share (0.833) for U_SHARE */
	double target;        /* in the same unit */
	int at_least;         /* 1: value >= target; 0: value <= target */
	const char *verdict;  /* "да", "нет", "нет данных" */
};

/* num/den as a share rounded half-up to tenths of a percent. */
static double share(int64_t num, int64_t den)
{
	return den ? (double)money_round((__int128)num * 1000, den) / 1000.0 : 0;
}

static void set(struct row *r, double v)
{
	r->has_value = 1;
	r->value = v;
	/* compared in tenths of a percent or whole units, not in binary fractions */
	if (r->unit == U_SHARE)
		r->verdict = (r->at_least ? llround(v * 1000) >= llround(r->target * 1000)
			      : llround(v * 1000) <= llround(r->target * 1000)) ? "да" : "нет";
	else
		r->verdict = (r->at_least ? v >= r->target : v <= r->target) ? "да" : "нет";
}

static int card_rows(const struct kpi_card *k, struct row *r)
{
	static const char *const na = "нет данных";
	static const int talk_target[3] = { 120, 180, 240 };
	static const char *const talk_name[3] = {
		"Средняя длительность ответа оператора КЦ: приём показаний ПУ, сек.",
		"Средняя длительность ответа оператора КЦ: консультация без персональной информации, сек.",
		"Средняя длительность ответа оператора КЦ: консультация с персональной информацией, сек.",
	};
	int n = 0;

	r[n] = (struct row){ "1", "Доля своевременно предоставленных ответов на обращения клиентов "
			     "в трёхдневный срок",
			     "ответы в течение 3 дней со дня поступления / все ответы на обращения периода",
			     U_SHARE, 0, 0, 0.95, 1, na };
	if (k->answered)
		set(&r[n], share(k->timely, k->answered));
	n++;
	r[n] = (struct row){ "1.1", "Продления срока ответа сверх 10 рабочих дней, шт.",
			     "продления, в которых новый срок позже 10-го рабочего дня после "
			     "окончания трёхдневного срока", U_COUNT, 0, 0, 0, 0, na };
	set(&r[n], (double)k->extension_too_long);
	n++;
	r[n] = (struct row){ "2", "Уровень подготовленности операторов КЦ",
			     "контрольные звонки («Таинственный покупатель») - в журналах нет",
			     U_SHARE, 0, 0, 1.0, 1, na };
	n++;
	r[n] = (struct row){ "3", "Коэффициент потерянных звонков КЦ",
			     "звонки, не дождавшиеся ответа оператора / все звонки периода",
			     U_SHARE, 0, 0, 0.12, 0, na };
	if (k->calls)
		set(&r[n], share(k->abandoned, k->calls));
	n++;
	r[n] = (struct row){ "4", "Максимальная длина очереди КЦ, чел.",
			     "наибольшее число звонков, ожидавших ответа одновременно",
			     U_COUNT, 0, 0, 10, 0, na };
	if (k->calls)
		set(&r[n], k->max_queue);
	n++;
	for (int t = 0; t < 3; t++, n++) {
		r[n] = (struct row){ "5", talk_name[t],
				     "среднее время от ответа оператора до конца разговора",
				     U_SECONDS, 0, 0, talk_target[t], 0, na };
		if (k->talks[t])
			set(&r[n], (double)money_round(k->talk_seconds[t], k->talks[t]));
	}
	r[n] = (struct row){ "6", "Время ожидания ответа оператора КЦ, сек.",
			     "среднее время от постановки в очередь до ответа оператора",
			     U_SECONDS, 0, 0, 48, 0, na };
	if (k->answered_calls)
		set(&r[n], (double)money_round(k->wait_seconds, k->answered_calls));
	n++;
	r[n] = (struct row){ "7", "Динамика количества пользователей сервисных услуг",
			     "(пользователи онлайн-сервисов месяца - прошлого месяца) / прошлого "
			     "месяца; пользователи: показания по SMS и через портал, документы по "
			     "электронной почте и в личном кабинете", U_SHARE, 0, 0, 0.001, 1, na };
	if (k->has_online && k->online_prev > 0)
		set(&r[n], (double)money_round((__int128)(k->online - k->online_prev) * 1000,
					       k->online_prev) / 1000.0);
	n++;
	r[n] = (struct row){ "8", "Доля жалоб (претензий) клиентов за месяц",
			     "жалобы (претензии) / все обращения периода", U_SHARE, 0, 0, 0.02, 0, na };
	if (k->appeals)
		set(&r[n], share(k->complaints, k->appeals));
	n++;
	r[n] = (struct row){ "8", "Доля жалоб (претензий) клиентов за квартал",
			     "клиенты, подавшие жалобы (каждый один раз) / все обращения квартала, "
			     "в который входит период",
			     U_SHARE, 0, 0, 0.02, 0, na };
	if (k->q_appeals)
		set(&r[n], share(k->q_complaints, k->q_appeals));
	n++;
	r[n] = (struct row){ "9", "Скорость работы сервисов", "отчёт УИТиС - в журналах нет",
			     U_SHARE, 0, 0, 1.0, 1, na };
	n++;
	r[n] = (struct row){ "10", "Уровень удовлетворённости клиентов",
			     "анкетирование - в журналах нет", U_SHARE, 0, 0, 0.85, 1, na };
	n++;
	return n;
}

/* value as the card's text shows it: "83,3 %", "12", "-". */
static void value_text(const struct row *r, double v, int has, char *buf, size_t size)
{
	if (!has) {
		snprintf(buf, size, "-");
	} else if (r->unit == U_SHARE) {
		long long tenths = llround(v * 1000);

		snprintf(buf, size, "%lld,%lld %%", tenths / 10, tenths % 10);
	} else {
		snprintf(buf, size, "%lld", (long long)llround(v));
	}
}

/* Print s padded with spaces to width characters (UTF-8 aware). */
static void pad(FILE *out, const char *s, int width)
{
	fputs(s, out);
	for (int n = xlsx_chars(s); n < width; n++)
		fputc(' ', out);
}

void kpi_print(const struct kpi_card *k, FILE *out)
{
	struct row r[16];
	char per[PERIOD_BUF], v[32], t[48];
	int n = card_rows(k, r);

	fprintf(out, "Карта контроля качества обслуживания, период %s\n", period_format(k->period, per));
	fprintf(out, "обращений %lld (жалоб %lld), ответов %lld, в срок %lld, без ответа %lld "
		"(просрочено %lld), продлений %lld; звонков %lld, потеряно %lld\n",
		(long long)k->appeals, (long long)k->complaints, (long long)k->answered,
		(long long)k->timely, (long long)k->unanswered, (long long)k->overdue_unanswered,
		(long long)k->extended, (long long)k->calls, (long long)k->abandoned);
	for (int i = 0; i < n; i++) {
		char tv[32];

		value_text(&r[i], r[i].value, r[i].has_value, v, sizeof(v));
		value_text(&r[i], r[i].target, 1, tv, sizeof(tv));
		snprintf(t, sizeof(t), "%s %s", r[i].at_least ? "не менее" : "не более", tv);
		pad(out, r[i].no, 4);
		fputc(' ', out);
		pad(out, v, 12);
		fputs(" цель ", out);
		pad(out, t, 16);
		fputs(" выполнено: ", out);
		pad(out, r[i].verdict, 10);
		fprintf(out, " %s\n", r[i].name);
	}
}

int kpi_write_xlsx(const struct kpi_card *k, const char *path, struct sbyt_err *e)
{
	static const char *const head[] = { "№", "Показатель", "Значение", "Условие",
					    "Целевое значение", "Выполнено", "Методика расчёта" };
	static const double width[] = { 5, 46, 11, 10, 11, 11, 44 };
	char per[PERIOD_BUF], title[160];
	struct row r[16];
	int n = card_rows(k, r);
	lxw_workbook *wb;
	lxw_worksheet *ws, *cs;
	lxw_format *bold, *head_f, *wrap, *fmt[4], *tfmt[4];
	lxw_chart *chart;
	lxw_error rc;
	lxw_row_t row;

	wb = workbook_new(path);
	if (!wb)
		return err_set(e, ERR_CANTCREATE, "cannot create '%s'", path);
	ws = workbook_add_worksheet(wb, "Карта качества");
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	format_set_font_size(bold, 12);
	format_set_align(bold, LXW_ALIGN_VERTICAL_CENTER);
	head_f = workbook_add_format(wb);
	format_set_bold(head_f);
	format_set_text_wrap(head_f);
	format_set_border(head_f, LXW_BORDER_THIN);
	format_set_align(head_f, LXW_ALIGN_CENTER);
	format_set_align(head_f, LXW_ALIGN_VERTICAL_CENTER);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_border(wrap, LXW_BORDER_THIN);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	for (int u = 0; u < 4; u++) {
		fmt[u] = workbook_add_format(wb);
		format_set_border(fmt[u], LXW_BORDER_THIN);
		format_set_align(fmt[u], LXW_ALIGN_VERTICAL_TOP);
		format_set_num_format(fmt[u], u == U_SHARE ? "0.0%" : "0");
		tfmt[u] = fmt[u];
	}
	snprintf(title, sizeof(title), "Карта контроля качества обслуживания клиентов за %s",
		 period_format(k->period, per));
	worksheet_merge_range(ws, 0, 0, 0, 6, title, bold);
	worksheet_set_row(ws, 0, 32, NULL);
	for (int c = 0; c < 7; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c], NULL);
		worksheet_write_string(ws, 2, (lxw_col_t)c, head[c], head_f);
	}
	worksheet_set_row(ws, 2, 30, NULL);
	for (int i = 0; i < n; i++) {
		/* a row tall enough for the wrapped name and method: about 15
		 * points a line of the wider of the two */
		int lines_name = xlsx_chars(r[i].name) / (int)(width[1] * 1.1) + 1;
		int lines_method = xlsx_chars(r[i].method) / (int)(width[6] * 1.1) + 1;
		int lines = lines_name > lines_method ? lines_name : lines_method;

		row = (lxw_row_t)(3 + i);
		worksheet_set_row(ws, row, 15.0 * lines + 2, NULL);
		worksheet_write_string(ws, row, 0, r[i].no, wrap);
		worksheet_write_string(ws, row, 1, r[i].name, wrap);
		if (r[i].has_value)
			worksheet_write_number(ws, row, 2, r[i].value, fmt[r[i].unit]);
		else
			worksheet_write_string(ws, row, 2, "нет данных", wrap);
		worksheet_write_string(ws, row, 3, r[i].at_least ? "не менее" : "не более", wrap);
		worksheet_write_number(ws, row, 4, r[i].target, tfmt[r[i].unit]);
		worksheet_write_string(ws, row, 5, r[i].verdict, wrap);
		worksheet_write_string(ws, row, 6, r[i].method, wrap);
	}
	row = (lxw_row_t)(3 + n);
	worksheet_repeat_rows(ws, 2, 2);
	xlsx_sheet_print(ws, title, period_last(k->period), 1, row - 1, 6);

	/* The chart: the percentage indicators that have a value, against
	 * their targets, from a small table on a sheet of its own. */
	cs = workbook_add_worksheet(wb, "Диаграмма");
	worksheet_write_string(cs, 0, 0, "Показатель", head_f);
	worksheet_write_string(cs, 0, 1, "Значение", head_f);
	worksheet_write_string(cs, 0, 2, "Целевое значение", head_f);
	worksheet_set_column(cs, 0, 0, 40, NULL);
	worksheet_set_column(cs, 1, 2, 14, NULL);
	row = 0;
	for (int i = 0; i < n; i++) {
		char label[96];

		if (r[i].unit != U_SHARE || !r[i].has_value)
			continue;
		row++;
		snprintf(label, sizeof(label), "КПЭ %s", r[i].no);
		worksheet_write_string(cs, row, 0, label, wrap);
		worksheet_write_number(cs, row, 1, r[i].value, fmt[U_SHARE]);
		worksheet_write_number(cs, row, 2, r[i].target, fmt[U_SHARE]);
	}
	if (row > 0) {
		lxw_chart_series *s;

		chart = workbook_add_chart(wb, LXW_CHART_BAR);
		s = chart_add_series(chart, NULL, NULL);
		chart_series_set_categories(s, "Диаграмма", 1, 0, row, 0);
		chart_series_set_values(s, "Диаграмма", 1, 1, row, 1);
		chart_series_set_name(s, "Значение");
		s = chart_add_series(chart, NULL, NULL);
		chart_series_set_categories(s, "Диаграмма", 1, 0, row, 0);
		chart_series_set_values(s, "Диаграмма", 1, 2, row, 2);
		chart_series_set_name(s, "Целевое значение");
		chart_title_set_name(chart, "Показатели в процентах и их целевые значения");
		chart_axis_set_num_format(chart->y_axis, "0%");
		worksheet_insert_chart(cs, row + 2, 0, chart);
	}
	xlsx_sheet_print(cs, title, period_last(k->period), 1, row + 18, 7);
	rc = workbook_close(wb);
	if (rc != LXW_NO_ERROR)
		return err_set(e, ERR_IO, "cannot write '%s': %s", path, lxw_strerror(rc));
	return 0;
}
