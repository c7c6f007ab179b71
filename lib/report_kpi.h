/*
 * report_kpi.h - the quality-control card of the service standard
 * (Appendix 5, «Карта контроля качества обслуживания клиентов») computed
 * from the appeals journal and the contact-centre call log of a period.
 *
 * Appeals journal: id;received_at;channel;kind(question|complaint|application);
 * account;answered_at;extended_to.  Call log: call_id;queued_at;answered_at;
 * ended_at;topic;abandoned.  Both UTF-8 with a header row, times in ISO 8601
 * with an offset (2026-11-02T19:46:19+05:00); day counts use the local date
 * as written.  The card's lines that these journals cannot give (operator
 * knowledge, service speed, satisfaction survey, service users) are shown
 * as "нет данных" rather than guessed.
 */
#ifndef SBYT_REPORT_KPI_H
#define SBYT_REPORT_KPI_H

#include <libpq-fe.h>
#include <stdint.h>

#include "calendar.h"
#include "date.h"
#include "error.h"
#include "faults.h"

enum { KPI_TOPIC_READINGS, KPI_TOPIC_CONSULT, KPI_TOPIC_PERSONAL, KPI_TOPIC_OTHER, KPI_TOPICS };

struct kpi_card {
	speriod period;
	/* appeals received in the period */
	int64_t appeals, complaints, answered, timely, unanswered, overdue_unanswered;
	int64_t extended, extension_too_long, late_after_extension;
	/* appeals received in the quarter of the period (KPI 8 is quarterly):
	 * all of them, and the distinct customers who complained */
	int64_t q_appeals, q_complaints;
	/* KPI 7: accounts that used an online service (SMS or portal readings,
	 * documents by e-mail or through the portal) in the period and in the
	 * one before */
	int has_online;
	int64_t online, online_prev;
	/* calls queued in the period */
	int64_t calls, abandoned, answered_calls;
	int64_t wait_seconds;                 /* sum over answered calls */
	int64_t talk_seconds[KPI_TOPICS], talks[KPI_TOPICS];
	int max_queue;
};

/* Read both journals (either path may be NULL to skip it) for period p and
 * fill card.  Day counts need the calendar (the 10-working-day limit on
 * extensions).  Every malformed line is a fault in f; returns 0, or -1 with
 * e set (ERR_DATA when any line was bad, ERR_NOINPUT when a file is missing,
 * ERR_CONFIG for a missing calendar year). */
int kpi_compute(const char *appeals, const char *calls, speriod p,
		const struct calendar *cal, struct kpi_card *card, struct faults *f,
		struct sbyt_err *e);
/* The lines of the card that sbyt's own data gives: KPI 7 from the
 * ingested readings and the documents' channels; with appeals = 1 also the
 * appeals lines (KPI 1, 1.1, 8) from the appeals register (SPEC 15) instead
 * of a journal file: timely = answered by the register's due date (3 days,
 * a last day off moved; or the extended term).  Call this after
 * kpi_compute() (which clears the card).  Returns 0, or -1 with e set. */
int kpi_from_db(PGconn *db, speriod p, int appeals, struct kpi_card *card, struct sbyt_err *e);
/* Print the card as text (Russian names, English-free numbers, columns
 * padded by characters) to out. */
void kpi_print(const struct kpi_card *card, FILE *out);
/* Write the card as an XLSX workbook at path (the caller renames it into
 * place, see report.h): the indicators with their values and targets as
 * numbers (percentages with a percent format), the verdicts, the method,
 * on one landscape page, and a chart of the percentage indicators against
 * their targets.  Returns 0 or -1 with e set (ERR_CANTCREATE / ERR_IO). */
int kpi_write_xlsx(const struct kpi_card *card, const char *path, struct sbyt_err *e);

#endif
