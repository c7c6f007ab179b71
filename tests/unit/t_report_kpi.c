/* t_report_kpi.c - the Appendix 5 card from small journals worked by hand. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "report_kpi.h"

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

int main(void)
{
	char dir[] = "/tmp/sbyt-t_kpi-XXXXXX", ap[128], cp[128], bad[128];
	struct faults f = FAULTS_INIT;
	struct sbyt_err e;
	struct kpi_card k;
	struct calendar *cal = calendar_load("rules/calendar", &f, &e);
	speriod p = period_from_ym(2026, 11);

	CHECK(cal != NULL, "the shipped calendar loads");
	mkdtemp(dir);
	snprintf(ap, sizeof(ap), "%s/appeals.csv", dir);
	snprintf(cp, sizeof(cp), "%s/calls.csv", dir);
	snprintf(bad, sizeof(bad), "%s/bad.csv", dir);
	/* A1: received 11-02, answered 11-05 = received + 3 days: in time.
	 * A2: complaint received 11-02, answered 11-06: late.
	 * A3: received 11-03, extended to 11-20, answered 11-19: not in 3 days;
	 *     the limit is the 10th working day after 11-06 (the end of the term):
	 *     11-09,10,11,12,13,16,17,18,19,20 -> 11-20, so the extension is lawful.
	 * A4: received 11-02, extended to 11-23: term ends 11-05; working days
	 *     11-06,09,10,11,12,13,16,17,18,19 -> limit 11-19 < 11-23: too long;
	 *     unanswered and past its extended date by 11-30: overdue.
	 * A5: received in October: not this period.
	 * A6: received 11-28, unanswered, term ends 12-01: not overdue yet. */
	put_file(ap, "id;received_at;channel;kind;account;answered_at;extended_to\n"
		  "A1;2026-11-02T10:00:00+05:00;office;question;7201000001;2026-11-05T09:00:00+05:00;\n"
		  "A2;2026-11-02T11:00:00+05:00;email;complaint;7201000002;2026-11-06T09:00:00+05:00;\n"
		  "A3;2026-11-03T12:00:00+05:00;lkk;application;7201000003;2026-11-19T09:00:00+05:00;2026-11-20\n"
		  "A4;2026-11-02T13:00:00+05:00;post;question;7201000004;;2026-11-23\n"
		  "A5;2026-10-30T13:00:00+05:00;post;question;7201000005;2026-11-02T09:00:00+05:00;\n"
		  "A6;2026-11-28T13:00:00+05:00;phone;question;7201000006;;\n");
	/* C1 readings: waits 30 s, talks 120 s.  C2 abandoned after 60 s.
	 * C3 consult: waits 40 s, talks 240 s.  C4 readings: waits 50 s, talks 60 s.
	 * Queue: 10:00:00 +1, 10:00:10 +1, 10:00:20 +1 -> 3 waiting at once. */
	put_file(cp, "call_id;queued_at;answered_at;ended_at;topic;abandoned\n"
		  "C1;2026-11-10T10:00:00+05:00;2026-11-10T10:00:30+05:00;2026-11-10T10:02:30+05:00;readings;0\n"
		  "C2;2026-11-10T10:00:10+05:00;;2026-11-10T10:01:10+05:00;consult;1\n"
		  "C3;2026-11-10T10:00:20+05:00;2026-11-10T10:01:00+05:00;2026-11-10T10:05:00+05:00;consult;0\n"
		  "C4;2026-11-10T12:00:00+05:00;2026-11-10T12:00:50+05:00;2026-11-10T12:01:50+05:00;readings;0\n");
	CHECK_INT(kpi_compute(ap, cp, p, cal, &k, &f, &e), 0, "the card is computed");
	CHECK_INT(k.appeals, 5, "5 appeals in November (A5 is October's)");
	CHECK_INT(k.complaints, 1, "1 complaint");
	CHECK_INT(k.answered, 3, "3 answered");
	CHECK_INT(k.timely, 1, "1 answered within 3 days");
	CHECK_INT(k.extended, 2, "2 extended");
	CHECK_INT(k.extension_too_long, 1, "1 extension beyond 10 working days");
	CHECK_INT(k.unanswered, 2, "2 unanswered");
	CHECK_INT(k.overdue_unanswered, 1, "1 of them overdue at the end of November");
	CHECK_INT(k.calls, 4, "4 calls");
	CHECK_INT(k.abandoned, 1, "1 lost");
	CHECK_INT(k.max_queue, 3, "at most 3 waiting at once");
	CHECK_INT(k.wait_seconds, 120, "waits 30 + 40 + 50 = 120 s");
	CHECK_INT(k.talk_seconds[KPI_TOPIC_READINGS], 180, "readings talks 120 + 60 s");
	CHECK_INT(k.talks[KPI_TOPIC_READINGS], 2, "in 2 calls");

	char out[64];
	snprintf(out, sizeof(out), "%s/card.txt", dir);
	FILE *o = fopen(out, "w");
	kpi_print(&k, o);
	fclose(o);
	char text[8192];
	o = fopen(out, "r");
	size_t n = fread(text, 1, sizeof(text) - 1, o);
	text[n] = '\0';
	fclose(o);
	/* 1/3 = 33,3 %; 1/4 = 25,0 %; 1/5 = 20,0 %; waits 120/3 = 40 s; readings 180/2 = 90 s;
	 * consult 240 s > 180: not met. */
	CHECK(strstr(text, "33,3 %") != NULL, "timely answers 1/3 = 33,3 %");
	CHECK(strstr(text, "25,0 %") != NULL, "lost calls 1/4 = 25,0 %");
	CHECK(strstr(text, "20,0 %") != NULL, "complaints 1/5 = 20,0 %");
	CHECK(strstr(text, "6    40 ") != NULL, "average wait 40 s");
	CHECK(strstr(text, "5    90 ") != NULL, "average readings talk 90 s");
	CHECK(strstr(text, "5    240          цель не более 180     выполнено: нет") != NULL,
	      "consultations at 240 s miss the 180 s target");

	char xl[128];
	snprintf(xl, sizeof(xl), "%s/kpi-2026-11.xlsx", dir);
	CHECK_INT(kpi_write_xlsx(&k, xl, &e), 0, "the card is written as XLSX");
	CHECK_INT(access(xl, R_OK), 0, "and is in place");

	/* An abandoned call with an answer time and a bad kind: both named. */
	put_file(bad, "call_id;queued_at;answered_at;ended_at;topic;abandoned\n"
		   "C9;2026-11-10T10:00:00+05:00;2026-11-10T10:00:30+05:00;2026-11-10T10:02:30+05:00;readings;1\n"
		   "C8;2026-11-10 10:00;2026-11-10T10:00:30+05:00;2026-11-10T10:02:30+05:00;readings;0\n");
	faults_release(&f);
	CHECK_INT(kpi_compute(NULL, bad, p, cal, &k, &f, &e), -1, "a bad call log is refused");
	CHECK_INT(e.kind, ERR_DATA, "as bad data");
	CHECK_INT(f.count, 2, "both bad lines named");
	CHECK(f.kept == 2 && strstr(f.lines[0], "bad.csv:2: an abandoned call") != NULL,
	      "line 2: an abandoned call with an answer");
	CHECK(f.kept == 2 && strstr(f.lines[1], "bad.csv:3: ") != NULL, "line 3: a bad time");
	faults_release(&f);
	calendar_free(cal);
	snprintf(out, sizeof(out), "rm -rf %s", dir);
	CHECK_INT(system(out), 0, "clean up");
	return check_done();
}
