/*
 * deadline.h - THE deadline engine: every limitation date sbyt prints.
 *
 * The procedures (SPEC 9.1) are data: rules/limitation.xml (schema
 * rules/schema/limitation.xsd) lists the delivery allowance of each channel,
 * the reconnect deadline, and for each procedure its notices and steps, each
 * step with its anchor (the delivery of a notice, or an earlier step), its
 * kind, its day count (and the count with remote metering), whether it is an
 * action that moves to a working day, a rule id and the Russian legal
 * citation.  deadline_compute() applies SPEC 9.2 to them on a production
 * calendar (calendar.h):
 *   window           rule 1: E+N; a day off extends the window to the next
 *                    working day; the step is due the day after the window
 *   lead             rule 2: X >= E + N, earliest X = E + N
 *   nth_working_day  rule 3: the N-th working day strictly after E
 *   working_days     rule 3: once N working days have run out: the day after
 *                    the N-th working day
 *   action           rule 4: a due date on a day off moves to the next working
 *                    day
 *   dated notices    rule 6: deadline_plan() gives the date a notice states
 *                    (issue + channel allowance + lead, moved to a working
 *                    day); a stated date with less lead than the rule needs
 *                    makes the notice void (deadline_compute's void_notice).
 * Each step's date comes back with its derivation (anchor, N, kind, raw date,
 * window end, every day off skipped and why, final date, rule, citation), and
 * deadline_explain() turns it into one line of arithmetic for `limit dates`,
 * `limit explain` and the registers.  No allocation, no I/O: a computation
 * costs a few dozen table lookups.  A date in a year the calendar lacks is an
 * ERR_CONFIG error naming the year (exit 78), never a guess.
 */
#ifndef SBYT_DEADLINE_H
#define SBYT_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "date.h"
#include "error.h"
#include "faults.h"

#define LIMIT_NAME 32
#define LIMIT_RULE 48
#define LIMIT_MAX_CHANNELS 16
#define LIMIT_MAX_PROCS 16
#define LIMIT_MAX_NOTICES 4
#define LIMIT_MAX_STEPS 8
#define DEADLINE_SKIP_MAX 24
#define LIMIT_MAX_TEXTS 48
/* "No date": an unknown delivery, no planned date, a pending step. */
#define DATE_NONE INT32_MIN

enum step_kind { STEP_WINDOW, STEP_LEAD, STEP_NTH_WORKING_DAY, STEP_WORKING_DAYS };

struct limit_notice {
	char name[LIMIT_NAME];
	char *title;        /* Russian */
	int dated;          /* states the action's date (rule 6) */
	int earliest;       /* step whose date is the first day it may be sent, -1 */
	int first;          /* issued when a case of the procedure opens */
	int authorities;    /* a copy goes to the authorities (by e-mail) */
	int requires;       /* issued only once this step is done, -1 */
	long line;
};

/* The kW level a step's grid request names. */
enum step_level { LEVEL_NONE, LEVEL_TECH, LEVEL_EMERGENCY, LEVEL_ZERO };

struct limit_step {
	char name[LIMIT_NAME];
	char rule[LIMIT_RULE];    /* rule id, e.g. "individual.partial" */
	char *title;              /* Russian */
	char *citation;           /* Russian legal citation */
	enum step_kind kind;
	int days;
	int remote_days;          /* days with remote metering (= days when absent) */
	int notice;               /* anchored on this notice's delivery, or -1 */
	int after;                /* anchored on this earlier step, or -1 */
	int action;               /* rule 4: moves to a working day */
	int stated;               /* the date its dated notice states */
	char request[LIMIT_NAME]; /* the grid request's action, "" for none */
	enum step_level level;    /* the kW level the request names */
	int closes;               /* executed, it closes the case (the refusal) */
	int unless_no_below;      /* not taken for a no_below_emergency consumer:
				   * the case is escalated instead */
	long line;
};

struct limit_procedure {
	char name[LIMIT_NAME];
	char *title;
	int nnotices, nsteps;
	struct limit_notice notice[LIMIT_MAX_NOTICES];
	struct limit_step step[LIMIT_MAX_STEPS];
	int stated;               /* index of the stated step, -1 */
	int first;                /* index of the first notice */
	char opens[LIMIT_NAME];   /* the accounts a case opens for on its own:
				   * household, legal, legal_reserve; "" operator */
	long line;
};

/* A text a person reads (rules <texts>), a template (template.h). */
struct limit_text {
	char key[2 * LIMIT_NAME + 16];  /* "legal.notice", "request", "action.full" */
	char *citation;
	char *text;
	long line;
};

struct limit_channel {
	char name[LIMIT_NAME];
	char *title;
	int days;                 /* calendar days from issue to deemed delivery */
};

struct explain_ru;

struct limit_rules {
	char *path;               /* the limitation.xml read */
	int nchannels, nprocs;
	struct limit_channel channel[LIMIT_MAX_CHANNELS];
	struct limit_procedure proc[LIMIT_MAX_PROCS];
	struct limit_step reconnect; /* kind lead, action: paid + days, moved */
	int ntexts;
	struct limit_text text[LIMIT_MAX_TEXTS];
	struct explain_ru *ru;    /* <explanations>: the registers' Russian (explain_ru.h) */
};

/* Read and validate rules_dir/limitation.xml.  Returns the rules
 * (limit_rules_free()), or NULL with every fault added to f as FILE:LINE and
 * e set to ERR_CONFIG. */
struct limit_rules *limit_rules_load(const char *rules_dir, struct faults *f,
				     struct sbyt_err *e);
/* Free r; NULL is fine. */
void limit_rules_free(struct limit_rules *r);
/* Validate rules_dir/limitation.xml; 0 when clean, -1 after adding faults. */
int limitation_rules_check(const char *rules_dir, struct faults *f);
/* The procedure, channel, step or notice of that name, or NULL / -1. */
const struct limit_procedure *limit_procedure_find(const struct limit_rules *r,
						   const char *name);
const struct limit_channel *limit_channel_find(const struct limit_rules *r, const char *name);
int limit_step_index(const struct limit_procedure *p, const char *name);
int limit_notice_index(const struct limit_procedure *p, const char *name);
/* The text for key ("legal.notice", "request", ...), or NULL. */
const struct limit_text *limit_text_find(const struct limit_rules *r, const char *key);
/* The procedure that opens by itself for `opens` (household, legal,
 * legal_reserve), or NULL. */
const struct limit_procedure *limit_procedure_opening(const struct limit_rules *r,
						      const char *opens);
/* "window", "lead", "nth_working_day", "working_days". */
const char *deadline_kind_name(enum step_kind k);

/* One day off passed over, and the class that made it a day off. */
struct skipped_day {
	sdate date;
	uint8_t cls;              /* enum cal_class */
};

/* How one step's date came about. */
struct derivation {
	const struct limit_step *step;  /* rule id, citation, kind, action */
	int pending;              /* no date: the anchor notice is not delivered */
	int anchor_step;          /* anchored on step[anchor_step], or -1: a delivery */
	int assumed;              /* the delivery is assumed on the notice's earliest date */
	sdate anchor;             /* E */
	int n;                    /* N as applied (remote_days with remote metering) */
	int remote;               /* N is the remote-metering count */
	sdate raw;                /* E+N (window, lead), the N-th working day (rule 3) */
	uint8_t raw_cls;          /* enum cal_class of raw */
	uint8_t due_cls;          /* enum cal_class of due */
	sdate window_end;         /* window: raw or the next working day; else DATE_NONE */
	sdate due;                /* before the move: day after window / raw / ... */
	sdate planned;            /* a stated date given for this step, or DATE_NONE */
	int planned_void;         /* that stated date leaves less than the lead */
	int printed;              /* planned is the date an undated notice printed (rule 9):
				   * 1 not later than the rule's, 2 later: the date taken */
	sdate rule_date;          /* rule 8: the date rules 1-6 and 9 gave when the step
				   * takes another (fixed[], or not_before), else DATE_NONE */
	int fixed;                /* date is the input's fixed date of the step */
	sdate run;                /* not_before that moved it, else DATE_NONE */
	sdate moved;              /* due moved to a working day if action (rule 4) */
	sdate date;               /* the final date: moved, then rules 9 and 8 */
	int nskipped;             /* days off passed over (all of them are counted) */
	int move_from;            /* skipped[move_from..] were passed by the rule-4 move */
	struct skipped_day skipped[DEADLINE_SKIP_MAX];
	int lookups;              /* calendar lookups made (for the benchmark) */
};

struct deadline_input {
	const struct limit_procedure *proc;
	sdate delivered[LIMIT_MAX_NOTICES]; /* per notice of proc, DATE_NONE unknown */
	int assume_earliest;      /* undelivered notice: assume delivery on its earliest date */
	int remote;               /* remote metering (remote_days apply) */
	sdate planned;            /* the date the dated notice states, or DATE_NONE */
	/* rule 9: per notice, the date an undated notice printed for the action
	 * anchored on its delivery (the household warning); not before it */
	sdate printed[LIMIT_MAX_NOTICES];
	/* rule 8: a step whose date is fixed already (its request went, it was
	 * executed) keeps it, and the steps after it count from it */
	sdate fixed[LIMIT_MAX_STEPS];
	/* rule 8: the run's day; an action not fixed whose date has passed takes
	 * this day (moved to a working day), DATE_NONE (`limit dates`): none */
	sdate not_before;
};

struct deadline_result {
	const struct limit_procedure *proc;
	int nsteps;
	struct derivation step[LIMIT_MAX_STEPS];
	int void_notice;          /* planned leaves less lead than the rule: re-issue */
};

/* Initialise in: every delivery, printed, fixed and planned date and
 * not_before DATE_NONE. */
void deadline_input_init(struct deadline_input *in, const struct limit_procedure *proc);
/* Compute every step of in->proc (SPEC 9.2).  A step anchored on an
 * undelivered notice (without assume_earliest), and those after it, are
 * pending.  With in->planned the stated step takes that date when it leaves
 * the lead (later steps count from it); otherwise void_notice is set and the
 * steps keep their earliest lawful dates.  An action anchored on an undated
 * notice with a printed date is not before it (rule 9).  A step with a
 * fixed date takes it; an action not fixed whose date is before not_before
 * takes not_before, moved to a working day (rule 8); rule_date keeps the
 * date the rules gave, and later steps count from the date taken.
 * Returns 0, or -1 with e set
 * (ERR_CONFIG naming the year when a date needs a calendar not loaded). */
int deadline_compute(const struct calendar *cal, const struct deadline_input *in,
		     struct deadline_result *out, struct sbyt_err *e);

/* The date a dated notice states (rule 6). */
struct deadline_plan {
	sdate issued;
	int allowance;            /* the channel's days */
	sdate deemed;             /* issued + allowance: the assumed delivery */
	int step;                 /* index of the stated step */
	struct derivation d;      /* its derivation from the deemed delivery */
};
/* Plan the stated step of proc for a notice issued on `issued` through
 * channel.  Returns 0, or -1 with e set (ERR_USAGE: unknown channel, the
 * procedure has no stated step; ERR_CONFIG: calendar year missing). */
int deadline_plan(const struct limit_rules *r, const struct calendar *cal,
		  const struct limit_procedure *proc, sdate issued, const char *channel,
		  int remote, struct deadline_plan *out, struct sbyt_err *e);
/* Does a notice of proc delivered on `delivered` and stating `stated` leave
 * the lead its stated step needs?  Sets *ok (1 yes, 0: the notice is void)
 * and *earliest (the earliest lawful stated date).  Returns 0, or -1 (e). */
int deadline_check_stated(const struct calendar *cal, const struct limit_procedure *proc,
			  sdate delivered, sdate stated, int remote, int *ok, sdate *earliest,
			  struct sbyt_err *e);
/* The reconnect request's due date after full payment on `paid`: paid +
 * reconnect days, moved to a working day.  Returns 0, or -1 (e). */
int deadline_reconnect(const struct limit_rules *r, const struct calendar *cal, sdate paid,
		       struct derivation *d, struct sbyt_err *e);
/* One step on its own: st's kind and action applied to anchor with n days
 * (rules 1-4), the building block of deadline_compute().  For
 * nth_working_day a negative n gives the n-th working day before anchor.  d->step = st,
 * d->anchor_step = -1.  Returns 0, or -1 (e) when a year is missing. */
int deadline_step(const struct calendar *cal, const struct limit_step *st, sdate anchor,
		  int n, struct derivation *d, struct sbyt_err *e);

/* One line of arithmetic for d, e.g. "delivered 2026-04-14 + 20 calendar days
 * = 2026-05-04 (Mon, working): window ends 2026-05-04; next step on
 * 2026-05-05".  proc names the anchor step or notice.  Writes into buf
 * (size n), truncating, and returns buf. */
char *deadline_explain(const struct limit_procedure *proc, const struct derivation *d,
		       char *buf, size_t n);
/* The same facts in Russian for the workbooks, worded by r's <explanations>
 * (explain_ru.h), e.g. "«Предупреждение…» вручено 14.04.2026 + 20 календарных
 * дней = 04.05.2026 (пн, рабочий день); срок истекает 04.05.2026 (пн);
 * следующий шаг — 05.05.2026".  Dates ДД.ММ.ГГГГ, counts with their plural.
 * Writes into buf (size n), cut at a character boundary ending in "…",
 * and returns buf. */
char *deadline_explain_ru(const struct limit_rules *r, const struct limit_procedure *proc,
			  const struct derivation *d, char *buf, size_t n);

#endif
