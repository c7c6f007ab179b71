/* report_kpi.c - the Appendix 5 quality card from the journals; see report_kpi.h. */
#include "report_kpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "csv.h"
#include "money.h"

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

static int read_appeals(const char *path, speriod p, const struct calendar *cal,
			struct kpi_card *k, struct faults *f, struct sbyt_err *e)
{
	static const char header[] = "id;received_at;channel;kind;account;answered_at;extended_to";
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
		if (period_of(rday) != p)
			continue;
		complaint = strcmp(c.field[3], "complaint") == 0;
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

/* One line of the card. */
struct row {
	const char *no, *name, *target, *method;
	char value[32];
	const char *verdict;  /* "да", "нет", "нет данных" */
};

/* num/den as a percentage with one decimal, half-up. */
static void pct(char *buf, size_t size, int64_t num, int64_t den)
{
	int64_t tenths = den ? money_round((__int128)num * 1000, den) : 0;

	snprintf(buf, size, "%lld,%lld %%", (long long)(tenths / 10), (long long)(tenths % 10));
}

static int card_rows(const struct kpi_card *k, struct row *r)
{
	static const char *const yes = "да", *const no = "нет", *const na = "нет данных";
	static const int talk_target[3] = { 120, 180, 240 };
	static const char *const talk_name[3] = {
		"Средняя длительность ответа оператора КЦ: приём показаний ПУ, сек.",
		"Средняя длительность ответа оператора КЦ: консультация без персональной информации, сек.",
		"Средняя длительность ответа оператора КЦ: консультация с персональной информацией, сек.",
	};
	static const char *const talk_target_text[3] = { "не более 120", "не более 180", "не более 240" };
	int n = 0;

	r[n] = (struct row){ "1", "Доля своевременно предоставленных ответов на обращения клиентов "
			     "в трёхдневный срок, %", "не менее 95 %",
			     "ответы в течение 3 дней со дня поступления / все ответы на обращения периода",
			     "", NULL };
	if (k->answered) {
		pct(r[n].value, sizeof(r[n].value), k->timely, k->answered);
		r[n].verdict = k->timely * 100 >= k->answered * 95 ? yes : no;
	} else {
		r[n].verdict = na;
	}
	n++;
	r[n] = (struct row){ "1.1", "Продления срока ответа сверх 10 рабочих дней, шт.", "0",
			     "продления, в которых новый срок позже 10-го рабочего дня после "
			     "окончания трёхдневного срока", "", NULL };
	snprintf(r[n].value, sizeof(r[n].value), "%lld", (long long)k->extension_too_long);
	r[n].verdict = k->extension_too_long == 0 ? yes : no;
	n++;
	r[n] = (struct row){ "2", "Уровень подготовленности операторов КЦ, %", "100 %",
			     "контрольные звонки («Таинственный покупатель») - в журналах нет",
			     "", na };
	n++;
	r[n] = (struct row){ "3", "Коэффициент потерянных звонков КЦ, %", "не более 12 %",
			     "звонки, не дождавшиеся ответа оператора / все звонки периода", "", NULL };
	if (k->calls) {
		pct(r[n].value, sizeof(r[n].value), k->abandoned, k->calls);
		r[n].verdict = k->abandoned * 100 <= k->calls * 12 ? yes : no;
	} else {
		r[n].verdict = na;
	}
	n++;
	r[n] = (struct row){ "4", "Максимальная длина очереди КЦ, чел.", "не более 10",
			     "наибольшее число звонков, ожидавших ответа одновременно", "", NULL };
	snprintf(r[n].value, sizeof(r[n].value), "%d", k->max_queue);
	r[n].verdict = k->calls ? (k->max_queue <= 10 ? yes : no) : na;
	n++;
	for (int t = 0; t < 3; t++, n++) {
		r[n] = (struct row){ "5", talk_name[t], talk_target_text[t],
				     "среднее время от ответа оператора до конца разговора", "", NULL };
		if (k->talks[t]) {
			int64_t avg = money_round(k->talk_seconds[t], k->talks[t]);
			snprintf(r[n].value, sizeof(r[n].value), "%lld", (long long)avg);
			r[n].verdict = avg <= talk_target[t] ? yes : no;
		} else {
			r[n].verdict = na;
		}
	}
	r[n] = (struct row){ "6", "Время ожидания ответа оператора КЦ, сек.", "не более 48",
			     "среднее время от постановки в очередь до ответа оператора", "", NULL };
	if (k->answered_calls) {
		int64_t avg = money_round(k->wait_seconds, k->answered_calls);
		snprintf(r[n].value, sizeof(r[n].value), "%lld", (long long)avg);
		r[n].verdict = avg <= 48 ? yes : no;
	} else {
		r[n].verdict = na;
	}
	n++;
	r[n] = (struct row){ "7", "Динамика количества пользователей сервисных услуг, %",
			     "не менее 0,1 %", "данные автоматизированной системы - в журналах нет",
			     "", na };
	n++;
	r[n] = (struct row){ "8", "Доля жалоб (претензий) клиентов, %", "не более 2 %",
			     "жалобы (претензии) / все обращения периода", "", NULL };
	if (k->appeals) {
		pct(r[n].value, sizeof(r[n].value), k->complaints, k->appeals);
		r[n].verdict = k->complaints * 100 <= k->appeals * 2 ? yes : no;
	} else {
		r[n].verdict = na;
	}
	n++;
	r[n] = (struct row){ "9", "Скорость работы сервисов, %", "100 %",
			     "отчёт УИТиС - в журналах нет", "", na };
	n++;
	r[n] = (struct row){ "10", "Уровень удовлетворённости клиентов, %", "не менее 85 %",
			     "анкетирование - в журналах нет", "", na };
	n++;
	return n;
}

void kpi_print(const struct kpi_card *k, FILE *out)
{
	struct row r[16];
	char per[PERIOD_BUF];
	int n = card_rows(k, r);

	fprintf(out, "Карта контроля качества обслуживания, период %s\n", period_format(k->period, per));
	fprintf(out, "обращений %lld (жалоб %lld), ответов %lld, в срок %lld, без ответа %lld "
		"(просрочено %lld), продлений %lld; звонков %lld, потеряно %lld\n",
		(long long)k->appeals, (long long)k->complaints, (long long)k->answered,
		(long long)k->timely, (long long)k->unanswered, (long long)k->overdue_unanswered,
		(long long)k->extended, (long long)k->calls, (long long)k->abandoned);
	for (int i = 0; i < n; i++)
		fprintf(out, "%-4s %-12s цель %-14s выполнено: %-10s %s\n", r[i].no,
			r[i].value[0] ? r[i].value : "-", r[i].target, r[i].verdict, r[i].name);
}

int kpi_write_xlsx(const struct kpi_card *k, const char *path, struct sbyt_err *e)
{
	char per[PERIOD_BUF], title[96];
	struct row r[16];
	int n = card_rows(k, r);
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *wrap;
	lxw_error rc;

	wb = workbook_new(path);
	if (!wb)
		return err_set(e, ERR_CANTCREATE, "cannot create '%s'", path);
	ws = workbook_add_worksheet(wb, "Карта качества");
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	snprintf(title, sizeof(title), "Карта контроля качества обслуживания клиентов за %s",
		 period_format(k->period, per));
	worksheet_write_string(ws, 0, 0, title, bold);
	static const char *const head[] = { "№", "Показатель", "Значение", "Целевое значение",
					    "Выполнено", "Методика расчёта" };
	static const double width[] = { 5, 60, 12, 16, 12, 60 };
	for (int c = 0; c < 6; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c], NULL);
		worksheet_write_string(ws, 2, (lxw_col_t)c, head[c], bold);
	}
	for (int i = 0; i < n; i++) {
		lxw_row_t row = (lxw_row_t)(3 + i);
		worksheet_write_string(ws, row, 0, r[i].no, wrap);
		worksheet_write_string(ws, row, 1, r[i].name, wrap);
		worksheet_write_string(ws, row, 2, r[i].value[0] ? r[i].value : "-", wrap);
		worksheet_write_string(ws, row, 3, r[i].target, wrap);
		worksheet_write_string(ws, row, 4, r[i].verdict, wrap);
		worksheet_write_string(ws, row, 5, r[i].method, wrap);
	}
	rc = workbook_close(wb);
	if (rc != LXW_NO_ERROR)
		return err_set(e, ERR_IO, "cannot write '%s': %s", path, lxw_strerror(rc));
	return 0;
}
