/* docs.c - payment documents and their packages; see docs.h. */
#include "docs.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "address.h"
#include "db.h"
#include "ledger.h"
#include "package.h"
#include "penalty.h"
#include "qr.h"
#include "tariff.h"
#include "xlsx.h"
#include "xmlout.h"

#define FETCH_ROWS "20000"

static const char *const channels[DOCS_CHANNELS] = { "post", "email", "lkk", "edo" };

const char *docs_channel_name(int channel)
{
	return channel >= 0 && channel < DOCS_CHANNELS ? channels[channel] : NULL;
}

static int channel_index(const char *s)
{
	for (int i = 0; i < DOCS_CHANNELS; i++)
		if (!strcmp(s, channels[i]))
			return i;
	return -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- cursors read a batch at a time, all ordered by seq (column 0) ---- */

struct prefetch;

struct cur {
	PGconn *db;
	const char *name;
	PGresult *res;
	int row, n, done, declared;
	/* with pf: the next batch is fetched by the prefetch thread */
	struct prefetch *pf;
	PGresult *next;
	int next_state;          /* 0 none, 1 asked for, 2 there (next NULL: failed) */
	struct sbyt_err next_err;
};

/* One thread that fetches the next batch of each cursor on the reader
 * connection while the current one is written out.  The connection is the
 * thread's from prefetch_start() to prefetch_stop(). */
struct prefetch {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	PGconn *db;
	struct cur *queue[8];
	int head, count, quit;
};

static void *prefetch_main(void *arg)
{
	struct prefetch *pf = arg;
	char sql[64];

	pthread_mutex_lock(&pf->mu);
	for (;;) {
		struct cur *c;
		struct sbyt_err err;
		PGresult *res;

		while (!pf->count && !pf->quit)
			pthread_cond_wait(&pf->cv, &pf->mu);
		if (pf->quit)
			break;
		c = pf->queue[pf->head];
		pf->head = (pf->head + 1) % 8;
		pf->count--;
		pthread_mutex_unlock(&pf->mu);
		memset(&err, 0, sizeof(err));
		snprintf(sql, sizeof(sql), "FETCH " FETCH_ROWS " FROM %s", c->name);
		res = db_query(pf->db, &err, sql, 0, NULL);
		pthread_mutex_lock(&pf->mu);
		c->next = res;
		c->next_err = err;
		c->next_state = 2;
		pthread_cond_broadcast(&pf->cv);
	}
	pthread_mutex_unlock(&pf->mu);
	return NULL;
}

/* Ask for c's next batch (the lock held). */
static void prefetch_ask(struct prefetch *pf, struct cur *c)
{
	pf->queue[(pf->head + pf->count) % 8] = c;
	pf->count++;
	c->next_state = 1;
	pthread_cond_broadcast(&pf->cv);
}

static int prefetch_start(struct prefetch *pf, PGconn *db, struct cur **curs, int ncurs,
			  struct sbyt_err *e)
{
	memset(pf, 0, sizeof(*pf));
	pf->db = db;
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->cv, NULL);
	if (pthread_create(&pf->th, NULL, prefetch_main, pf) != 0) {
		pthread_mutex_destroy(&pf->mu);
		pthread_cond_destroy(&pf->cv);
		return err_set(e, ERR_INTERNAL, "cannot start the reader thread");
	}
	pthread_mutex_lock(&pf->mu);
	for (int i = 0; i < ncurs; i++) {
		curs[i]->pf = pf;
		if (!curs[i]->done)
			prefetch_ask(pf, curs[i]);
	}
	pthread_mutex_unlock(&pf->mu);
	return 0;
}

/* Stop the thread (after the fetch it is running) and drop what it read. */
static void prefetch_stop(struct prefetch *pf, struct cur **curs, int ncurs)
{
	pthread_mutex_lock(&pf->mu);
	pf->quit = 1;
	pthread_cond_broadcast(&pf->cv);
	pthread_mutex_unlock(&pf->mu);
	pthread_join(pf->th, NULL);
	pthread_mutex_destroy(&pf->mu);
	pthread_cond_destroy(&pf->cv);
	for (int i = 0; i < ncurs; i++) {
		PQclear(curs[i]->next);
		curs[i]->next = NULL;
		curs[i]->next_state = 0;
		curs[i]->pf = NULL;
	}
}

static int cur_fetch(struct cur *c, struct sbyt_err *e)
{
	char sql[64];

	PQclear(c->res);
	c->res = NULL;
	if (c->pf) {
		struct prefetch *pf = c->pf;
		pthread_mutex_lock(&pf->mu);
		while (c->next_state == 1)
			pthread_cond_wait(&pf->cv, &pf->mu);
		c->res = c->next;
		c->next = NULL;
		c->next_state = 0;
		if (c->res && PQntuples(c->res) > 0)
			prefetch_ask(pf, c);
		pthread_mutex_unlock(&pf->mu);
		if (!c->res) {
			*e = c->next_err;
			c->done = 1;
			return -1;
		}
	} else {
		snprintf(sql, sizeof(sql), "FETCH " FETCH_ROWS " FROM %s", c->name);
		c->res = db_query(c->db, e, sql, 0, NULL);
	}
	if (!c->res)
		return -1;
	c->n = PQntuples(c->res);
	c->row = 0;
	c->done = c->n == 0;
	return 0;
}

static int cur_open(struct cur *c, PGconn *db, const char *name, const char *query, int np,
		    const char *const *params, struct sbyt_err *e)
{
	char sql[4096];

	memset(c, 0, sizeof(*c));
	c->db = db;
	c->name = name;
	snprintf(sql, sizeof(sql), "DECLARE %s NO SCROLL CURSOR FOR %s", name, query);
	if (db_exec(db, e, sql, np, params))
		return -1;
	c->declared = 1;
	return cur_fetch(c, e);
}

static void cur_close(struct cur *c)
{
	PQclear(c->res);
	c->res = NULL;
	c->done = 1;
}

static int64_t cur_seq(const struct cur *c)
{
	return c->done ? INT64_MAX : strtoll(PQgetvalue(c->res, c->row, 0), NULL, 10);
}

static const char *cur_val(const struct cur *c, int col)
{
	return PQgetisnull(c->res, c->row, col) ? NULL : PQgetvalue(c->res, c->row, col);
}

static int cur_next(struct cur *c, struct sbyt_err *e)
{
	if (c->done)
		return 0;
	if (++c->row >= c->n)
		return cur_fetch(c, e);
	return 0;
}

/* One channel's package being written. */
struct chanpkg {
	int open, chan;
	struct package pkg;
	const char *xml_path, *xlsx_path;
	FILE *f;                 /* documents.xml, written through x */
	struct xmlout xml;
	struct xlsx_table x;
	int x_open;
	int64_t docs;
	int first, last;
	money total, opening, charged, recalc, penalty, paid;
	/* the register and the commit run on a thread of their own */
	pthread_t th;
	int th_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *fill, *send;       /* register rows (reg_put()) being filled, being written */
	size_t flen, fcap, slen, scap;
	int frows;
	int pending, finish, quit, failed, committed;
	struct sbyt_err err;     /* the thread's failure */
	int64_t run_id;
	const char *rules_version;
};

static void xs(struct chanpkg *cp, const char *name)
{
	xmlout_start(&cp->xml, name);
}

static void xa(struct chanpkg *cp, const char *name, const char *value)
{
	xmlout_attr(&cp->xml, name, value);
}

static void xe(struct chanpkg *cp)
{
	xmlout_end(&cp->xml);
}

static void xmoney(struct chanpkg *cp, const char *name, money m)
{
	char buf[MONEY_BUF];

	xa(cp, name, money_format(m, buf));
}

/* "5.67000" -> "5.67": trailing zeros go, at least 2 decimals stay. */
static const char *tariff_text(const char *s, char *buf, size_t size)
{
	const char *dot;
	size_t n;

	snprintf(buf, size, "%s", s);
	dot = strchr(buf, '.');
	if (!dot)
		return buf;
	n = strlen(buf);
	while (n > (size_t)(dot - buf) + 3 && buf[n - 1] == '0')
		buf[--n] = '\0';
	return buf;
}

/* ---- the stage ---- */

struct dline {
	char kind[8];
	int zone, band;          /* 0: none */
	char volume[24], tariff[24];
	int has_tariff;
	money amount, vat;
};

struct dread {
	char meter[40];
	int zone;
	char previous[24], current[24];
	int has_current;
};


struct branch_run {
	PGconn *db;
	const struct docs_opts *o;
	const char *branch;
	int published;           /* re-issue of a published period */
	char pfirst[DATE_BUF], plast[DATE_BUF], pname[PERIOD_BUF];
	const struct supplier *sup;
	const struct billing_rules *billing;
	const struct penalty_rules *pr;
	struct ledger led;
	struct ledger_debt debt;
	struct dline *line;
	int nline, line_cap;
	struct dread *read;
	int nread, read_cap;
	PGconn *rdb;             /* the reader: numbering and cursors */
	char lo[24], hi[24];     /* the branch's lowest and highest account_id: every
	                            query is bounded by them, so that its index scans
	                            read the branch's range and not the tables */
	struct cur docs, lines, obl, pay, rd;  /* open after branch_head() */
	int curs_open;
	pthread_t head_th;       /* branch_head() of the next branch, run ahead */
	int head_rc;
	struct sbyt_err head_err;
	double t_number, t_open; /* of this branch's head */
	struct rowq *rows;       /* the document rows, stored by a thread on db */
	struct chanpkg *cp;      /* the package being written */
	struct chanpkg *pend[DOCS_CHANNELS]; /* packages being finished by their threads */
	int npend;
	int made[DOCS_CHANNELS];
	struct {
		char path[4096];
		char tmp[4096];  /* sealed, renamed to path after the commit */
		char sha256[SHA256_HEX];
		int64_t bytes;
	} done[DOCS_CHANNELS];   /* packages sealed, to publish after the commit */
	int ndone;
	struct docs_result *r;
};

static const char *const reg_headers[] = {
	"№ документа", "Лицевой счёт", "Плательщик", "Индекс", "Адрес", "Входящий долг",
	"Начислено", "Перерасчёт", "Пени", "Оплачено", "К оплате", "Срок оплаты",
};
static const double reg_widths[] = { 12, 14, 40, 10, 60, 14, 14, 14, 12, 14, 14, 14 };
#define REG_COLS ((int)(sizeof(reg_headers) / sizeof(reg_headers[0])))

/* ---- the register rows, serialized for the package's thread ---- */

#define REG_BATCH 1024

static int reg_reserve(struct chanpkg *cp, size_t more, struct sbyt_err *e)
{
	char *nb;
	size_t cap;

	if (cp->flen + more <= cp->fcap)
		return 0;
	cap = cp->fcap ? cp->fcap : 256 * 1024;
	while (cap < cp->flen + more)
		cap *= 2;
	nb = realloc(cp->fill, cap);
	if (!nb)
		return err_set(e, ERR_INTERNAL, "out of memory");
	cp->fill = nb;
	cp->fcap = cap;
	return 0;
}

static void reg_str(struct chanpkg *cp, const char *s)
{
	size_t n;

	if (!s) {
		cp->fill[cp->flen++] = 0;
		return;
	}
	n = strlen(s) + 1;
	cp->fill[cp->flen++] = 1;
	memcpy(cp->fill + cp->flen, s, n);
	cp->flen += n;
}

static const char *reg_take_str(const char **p)
{
	const char *s;

	if (*(*p)++ == 0)
		return NULL;
	s = *p;
	*p += strlen(s) + 1;
	return s;
}

/* Write the register rows of buf (REG_COLS cells each). */
static int reg_write(struct chanpkg *cp, const char *p, size_t len, struct sbyt_err *e)
{
	const char *end = p + len;

	while (p < end) {
		int32_t number, due;
		int64_t m[6];
		const char *str[4];

		memcpy(&number, p, sizeof(number));
		p += sizeof(number);
		memcpy(m, p, sizeof(m));
		p += sizeof(m);
		memcpy(&due, p, sizeof(due));
		p += sizeof(due);
		for (int i = 0; i < 4; i++)
			str[i] = reg_take_str(&p);
		if (xlsx_table_row(&cp->x, e))
			return -1;
		xlsx_table_int(&cp->x, 0, number);
		for (int i = 0; i < 4; i++)
			xlsx_table_str(&cp->x, 1 + i, str[i]);
		for (int i = 0; i < 6; i++)
			xlsx_table_money(&cp->x, 5 + i, m[i]);
		xlsx_table_date(&cp->x, 11, due);
	}
	return 0;
}

/* The package's thread: writes the register rows handed to it, then, when
 * told to finish, closes the register and commits the package; told to
 * quit (or after a failure), it removes what the package left. */
static void *cp_main(void *arg)
{
	struct chanpkg *cp = arg;
	int bad = 0, commit;

	pthread_mutex_lock(&cp->mu);
	for (;;) {
		while (!cp->pending && !cp->finish && !cp->quit)
			pthread_cond_wait(&cp->cv, &cp->mu);
		if (!cp->pending)
			break;
		pthread_mutex_unlock(&cp->mu);
		if (!bad && reg_write(cp, cp->send, cp->slen, &cp->err))
			bad = 1;
		pthread_mutex_lock(&cp->mu);
		cp->pending = 0;
		cp->failed = bad;
		pthread_cond_broadcast(&cp->cv);
	}
	commit = cp->finish && !cp->quit && !bad;
	pthread_mutex_unlock(&cp->mu);
	if (commit) {
		cp->x_open = 0;
		if (xlsx_table_close(&cp->x, &cp->err)) {
			bad = 1;
		} else if (package_seal(&cp->pkg, cp->run_id, cp->rules_version, &cp->err)) {
			cp->open = 0;
			bad = 1;
		} else {
			cp->open = 0;
			cp->committed = 1;
		}
	}
	if (!cp->committed) {
		struct sbyt_err ignore;
		if (cp->x_open)
			xlsx_table_close(&cp->x, &ignore);
		cp->x_open = 0;
		if (cp->open)
			package_abort(&cp->pkg);
		cp->open = 0;
	}
	pthread_mutex_lock(&cp->mu);
	cp->failed = bad || !cp->committed;
	pthread_mutex_unlock(&cp->mu);
	return NULL;
}

/* Hand the filled register rows to the package's thread (once it is done
 * with the last ones).  -1 with e set when the thread failed. */
static int reg_hand(struct chanpkg *cp, struct sbyt_err *e)
{
	char *t;
	size_t cap;
	int failed;

	pthread_mutex_lock(&cp->mu);
	while (cp->pending)
		pthread_cond_wait(&cp->cv, &cp->mu);
	failed = cp->failed;
	if (!failed && cp->flen > 0) {
		t = cp->send;
		cap = cp->scap;
		cp->send = cp->fill;
		cp->scap = cp->fcap;
		cp->slen = cp->flen;
		cp->fill = t;
		cp->fcap = cap;
		cp->flen = 0;
		cp->frows = 0;
		cp->pending = 1;
		pthread_cond_broadcast(&cp->cv);
	}
	pthread_mutex_unlock(&cp->mu);
	if (failed) {
		*e = cp->err;
		return -1;
	}
	return 0;
}

/* One register row. */
static int reg_put(struct chanpkg *cp, int number, sdate due, const money *m,
		   const char *const *str, struct sbyt_err *e)
{
	int32_t n32 = number, d32 = due;
	int64_t m64[6];
	size_t need = sizeof(n32) + sizeof(m64) + sizeof(d32) + 4;

	for (int i = 0; i < 4; i++)
		need += str[i] ? strlen(str[i]) + 1 : 0;
	if (reg_reserve(cp, need, e))
		return -1;
	for (int i = 0; i < 6; i++)
		m64[i] = m[i];
	memcpy(cp->fill + cp->flen, &n32, sizeof(n32));
	cp->flen += sizeof(n32);
	memcpy(cp->fill + cp->flen, m64, sizeof(m64));
	cp->flen += sizeof(m64);
	memcpy(cp->fill + cp->flen, &d32, sizeof(d32));
	cp->flen += sizeof(d32);
	for (int i = 0; i < 4; i++)
		reg_str(cp, str[i]);
	if (++cp->frows >= REG_BATCH)
		return reg_hand(cp, e);
	return 0;
}

/* Stop cp's thread and remove what is not committed; frees cp. */
static void cp_abort(struct chanpkg *cp)
{
	struct sbyt_err ignore;

	if (!cp)
		return;
	xmlout_release(&cp->xml);
	if (cp->f)
		fclose(cp->f);
	cp->f = NULL;
	if (cp->th_started) {
		pthread_mutex_lock(&cp->mu);
		cp->quit = 1;
		pthread_cond_broadcast(&cp->cv);
		pthread_mutex_unlock(&cp->mu);
		pthread_join(cp->th, NULL);
	} else {
		if (cp->x_open)
			xlsx_table_close(&cp->x, &ignore);
		if (cp->open)
			package_abort(&cp->pkg);
	}
	if (cp->committed)          /* sealed, never to be published */
		package_abort(&cp->pkg);
	if (cp->th_started) {
		pthread_mutex_destroy(&cp->mu);
		pthread_cond_destroy(&cp->cv);
	}
	free(cp->fill);
	free(cp->send);
	free(cp);
}

static int cp_open(struct branch_run *b, int chan, struct sbyt_err *e)
{
	struct chanpkg *cp;
	const struct supplier *s = b->sup;
	char path[4096];

	cp = calloc(1, sizeof(*cp));
	if (!cp)
		return err_set(e, ERR_INTERNAL, "out of memory");
	cp->chan = chan;
	cp->run_id = b->o->run_id;
	cp->rules_version = b->o->rules_version;
	if (snprintf(path, sizeof(path), "%s/docs/%s/%s/%s.zip", b->o->out_dir, b->pname,
		     b->branch, channels[chan]) >= (int)sizeof(path)) {
		free(cp);
		return err_set(e, ERR_CANTCREATE, "output path too long");
	}
	if (package_open(&cp->pkg, path, e)) {
		free(cp);
		return -1;
	}
	cp->open = 1;
	cp->xml_path = package_entry(&cp->pkg, "documents.xml", e);
	cp->xlsx_path = cp->xml_path ? package_entry(&cp->pkg, "register.xlsx", e) : NULL;
	if (!cp->xlsx_path)
		goto fail;
	cp->f = fopen(cp->xml_path, "w");
	if (!cp->f) {
		err_set(e, ERR_CANTCREATE, "cannot create '%s': %s", cp->xml_path, strerror(errno));
		goto fail;
	}
	setvbuf(cp->f, NULL, _IONBF, 0);  /* xmlout buffers */
	if (xmlout_open(&cp->xml, cp->f)) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto fail;
	}
	xs(cp, "Documents");
	xa(cp, "xmlns", "urn:sbyt:docs:1");
	xa(cp, "period", b->pname);
	xa(cp, "branch", b->branch);
	xa(cp, "channel", channels[chan]);
	xs(cp, "Supplier");
	xa(cp, "name", s->name);
	xa(cp, "shortName", s->short_name);
	xa(cp, "inn", s->inn);
	xa(cp, "kpp", s->kpp);
	xa(cp, "address", s->address);
	xa(cp, "phone", s->phone);
	xa(cp, "email", s->email);
	xa(cp, "site", s->site);
	if (s->sample)
		xa(cp, "sample", "true");
	xs(cp, "Bank");
	xa(cp, "name", s->bank_name);
	xa(cp, "bic", s->bic);
	xa(cp, "corrAccount", s->corr_account);
	xa(cp, "account", s->account);
	xe(cp);
	xe(cp);
	if (xlsx_table_open(&cp->x, cp->xlsx_path, "Реестр", reg_headers, reg_widths, REG_COLS, e))
		goto fail;
	cp->x_open = 1;
	pthread_mutex_init(&cp->mu, NULL);
	pthread_cond_init(&cp->cv, NULL);
	if (pthread_create(&cp->th, NULL, cp_main, cp) != 0) {
		pthread_mutex_destroy(&cp->mu);
		pthread_cond_destroy(&cp->cv);
		err_set(e, ERR_INTERNAL, "cannot start a package thread");
		goto fail;
	}
	cp->th_started = 1;
	b->cp = cp;
	return 0;
fail:
	cp_abort(cp);
	return -1;
}

/* Finish the documents XML of the package being written and tell its
 * thread to finish the register and commit; see cp_wait(). */
static int cp_commit(struct branch_run *b, struct sbyt_err *e)
{
	struct chanpkg *cp = b->cp;
	char buf[MONEY_BUF], num[24];
	int rc;

	b->cp = NULL;
	xe(cp);  /* Documents */
	rc = xmlout_flush(&cp->xml) != 0;
	xmlout_release(&cp->xml);
	rc = rc || fflush(cp->f) != 0 || ferror(cp->f) || fsync(fileno(cp->f)) != 0;
	if (rc && !cp->xml.err)
		cp->xml.err = errno;
	rc |= fclose(cp->f) != 0;
	if (rc && !cp->xml.err)
		cp->xml.err = errno;
	cp->f = NULL;
	if (rc || cp->xml.err) {
		err_set(e, cp->xml.err == EILSEQ ? ERR_DATA : ERR_IO,
			"cannot write the documents of '%s': %s", cp->pkg.final, xmlout_error(&cp->xml));
		goto fail;
	}
	if (reg_hand(cp, e))
		goto fail;
	snprintf(num, sizeof(num), "%lld", (long long)cp->docs);
	package_fact(&cp->pkg, "period", b->pname);
	package_fact(&cp->pkg, "branch", b->branch);
	package_fact(&cp->pkg, "channel", channels[cp->chan]);
	package_fact(&cp->pkg, "documents", num);
	snprintf(num, sizeof(num), "%d", cp->first);
	package_fact(&cp->pkg, "first", num);
	snprintf(num, sizeof(num), "%d", cp->last);
	package_fact(&cp->pkg, "last", num);
	package_fact(&cp->pkg, "total", money_format(cp->total, buf));
	package_fact(&cp->pkg, "opening", money_format(cp->opening, buf));
	package_fact(&cp->pkg, "charged", money_format(cp->charged, buf));
	package_fact(&cp->pkg, "recalc", money_format(cp->recalc, buf));
	package_fact(&cp->pkg, "penalty", money_format(cp->penalty, buf));
	package_fact(&cp->pkg, "paid", money_format(cp->paid, buf));
	pthread_mutex_lock(&cp->mu);
	cp->finish = 1;
	pthread_cond_broadcast(&cp->cv);
	pthread_mutex_unlock(&cp->mu);
	b->pend[b->npend++] = cp;
	return 0;
fail:
	cp_abort(cp);
	return -1;
}

/* Wait for the packages being finished; with ok, each must be committed
 * (else -1 with e set from the first that failed); without, they are
 * stopped.  Frees them. */
static int cp_wait(struct branch_run *b, int ok, struct sbyt_err *e)
{
	int rc = 0;

	for (int i = 0; i < b->npend; i++) {
		struct chanpkg *cp = b->pend[i];
		if (ok && rc == 0) {
			pthread_join(cp->th, NULL);
			cp->th_started = 0;
			pthread_mutex_destroy(&cp->mu);
			pthread_cond_destroy(&cp->cv);
			if (!cp->committed) {
				*e = cp->err;
				rc = -1;
			} else {
				b->made[cp->chan] = 1;
				b->r->packages++;
				/* reported after the commit of the rows */
				snprintf(b->done[b->ndone].path, sizeof(b->done[0].path), "%s",
					 cp->pkg.final);
				snprintf(b->done[b->ndone].tmp, sizeof(b->done[0].tmp), "%s",
					 cp->pkg.tmp);
				memcpy(b->done[b->ndone].sha256, cp->pkg.sha256,
				       sizeof(cp->pkg.sha256));
				b->done[b->ndone].bytes = cp->pkg.bytes;
				b->ndone++;
			}
			free(cp->fill);
			free(cp->send);
			free(cp);
		} else {
			cp_abort(cp);
		}
	}
	b->npend = 0;
	return rc;
}

/* ---- the document rows: a writer thread stores them in batches ----
 *
 * The main thread formats rows (COPY text) into a batch; a full batch goes
 * to a thread that owns the writer connection and stores it with one COPY
 * of its own, foreign-key checks included, while the main thread writes the
 * packages and fills the next batch.  Only the last batch is waited for.
 * The connection is the thread's from rowq_start() to rowq_finish(). */

#define ROWQ_BATCH 4096

struct rowq {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	PGconn *db;
	char *fill, *send;       /* the batch being filled, the one being stored */
	size_t flen, fcap, slen, scap;
	int frows;
	int pending, quit, failed;
	struct sbyt_err err;     /* the thread's failure */
};

static const char rowq_sql[] = "COPY document (account_id, period, branch, number, channel,"
	" issued_on, due, total, qr, run_id) FROM STDIN";

static void *rowq_main(void *arg)
{
	struct rowq *q = arg;
	struct copy c;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->pending && !q->quit)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->pending)
			break;
		pthread_mutex_unlock(&q->mu);
		if (!q->failed) {
			if (copy_begin(&c, q->db, rowq_sql, &q->err))
				q->failed = 1;
			else if (PQputCopyData(q->db, q->send, (int)q->slen) != 1) {
				err_set(&q->err, ERR_DB, "cannot store the documents: %s",
					PQerrorMessage(q->db));
				copy_abort(&c, "failed");
				q->failed = 1;
			} else if (copy_end(&c, &q->err))
				q->failed = 1;
		}
		pthread_mutex_lock(&q->mu);
		q->pending = 0;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static int rowq_start(struct rowq **qp, PGconn *db, struct sbyt_err *e)
{
	struct rowq *q = calloc(1, sizeof(*q));

	if (!q)
		return err_set(e, ERR_INTERNAL, "out of memory");
	q->db = db;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->th, NULL, rowq_main, q) != 0) {
		pthread_mutex_destroy(&q->mu);
		pthread_cond_destroy(&q->cv);
		free(q);
		return err_set(e, ERR_INTERNAL, "cannot start the writer thread");
	}
	*qp = q;
	return 0;
}

/* Hand the filled batch to the thread (after it is done with the last). */
static int rowq_hand(struct rowq *q, struct sbyt_err *e)
{
	char *t;
	size_t cap;
	int failed;

	pthread_mutex_lock(&q->mu);
	while (q->pending)
		pthread_cond_wait(&q->cv, &q->mu);
	failed = q->failed;
	if (!failed && q->flen > 0) {
		t = q->send;
		cap = q->scap;
		q->send = q->fill;
		q->scap = q->fcap;
		q->slen = q->flen;
		q->fill = t;
		q->fcap = cap;
		q->flen = 0;
		q->frows = 0;
		q->pending = 1;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	if (failed) {
		*e = q->err;
		return -1;
	}
	return 0;
}

/* Stop the thread (after the batches handed over are stored) and free q.
 * With store, the rest is stored first; returns 0 when every row is in. */
static int rowq_finish(struct rowq *q, int store, struct sbyt_err *e)
{
	int rc = 0;

	if (!q)
		return 0;
	if (store)
		rc = rowq_hand(q, e);
	pthread_mutex_lock(&q->mu);
	q->quit = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	if (store && rc == 0 && q->failed) {
		*e = q->err;
		rc = -1;
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	free(q->fill);
	free(q->send);
	free(q);
	return rc;
}

static int rowq_reserve(struct rowq *q, size_t more, struct sbyt_err *e)
{
	char *nb;
	size_t cap;

	if (q->flen + more <= q->fcap)
		return 0;
	cap = q->fcap ? q->fcap : 1 << 20;
	while (cap < q->flen + more)
		cap *= 2;
	nb = realloc(q->fill, cap);
	if (!nb)
		return err_set(e, ERR_INTERNAL, "out of memory");
	q->fill = nb;
	q->fcap = cap;
	return 0;
}

/* Append one field in COPY text format (escaped), then sep. */
static void rowq_field(struct rowq *q, const char *s, char sep)
{
	size_t plain = strcspn(s, "\\\t\n\r");

	memcpy(q->fill + q->flen, s, plain);
	q->flen += plain;
	for (s += plain; *s; s++) {
		switch (*s) {
		case '\\': q->fill[q->flen++] = '\\'; q->fill[q->flen++] = '\\'; break;
		case '\t': q->fill[q->flen++] = '\\'; q->fill[q->flen++] = 't'; break;
		case '\n': q->fill[q->flen++] = '\\'; q->fill[q->flen++] = 'n'; break;
		case '\r': q->fill[q->flen++] = '\\'; q->fill[q->flen++] = 'r'; break;
		default: q->fill[q->flen++] = *s;
		}
	}
	q->fill[q->flen++] = sep;
}

/* One new document row into the batch; a full batch goes to the writer
 * thread, so the server stores the rows (indexes, foreign keys) while we
 * write the packages. */
static int put_row(struct branch_run *b, int64_t account, int number, int chan, sdate due,
		   money total, const char *qr, struct sbyt_err *e)
{
	struct rowq *q = b->rows;
	char d[DATE_BUF], num[3][24];
	double t0 = now();
	int rc = 0;

	snprintf(num[0], sizeof(num[0]), "%lld", (long long)account);
	snprintf(num[1], sizeof(num[1]), "%d", number);
	snprintf(num[2], sizeof(num[2]), "%lld", (long long)total);
	if (rowq_reserve(q, 2 * (strlen(qr) + strlen(b->branch)) + 256, e))
		return -1;
	rowq_field(q, num[0], '\t');
	rowq_field(q, b->pfirst, '\t');
	rowq_field(q, b->branch, '\t');
	rowq_field(q, num[1], '\t');
	rowq_field(q, channels[chan], '\t');
	rowq_field(q, date_format(b->o->as_of, d), '\t');
	rowq_field(q, date_format(due, d), '\t');
	rowq_field(q, num[2], '\t');
	rowq_field(q, qr, '\t');
	if (b->o->run_id > 0) {
		snprintf(num[0], sizeof(num[0]), "%lld", (long long)b->o->run_id);
		rowq_field(q, num[0], '\n');
	} else {
		memcpy(q->fill + q->flen, "\\N\n", 3);  /* NULL */
		q->flen += 3;
	}
	if (++q->frows >= ROWQ_BATCH)
		rc = rowq_hand(q, e);
	b->r->t_rows += now() - t0;
	return rc;
}

static int grow(void **p, int *cap, int need, size_t size, struct sbyt_err *e)
{
	void *q;
	int n;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	q = realloc(*p, (size_t)n * size);
	if (!q)
		return err_set(e, ERR_INTERNAL, "out of memory");
	*p = q;
	*cap = n;
	return 0;
}

static sdate parse_date(const char *s)
{
	sdate d = 0;

	if (s)
		date_parse(s, -1, &d);
	return d;
}

static int64_t to_i64(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

/* Split "Фамилия Имя Отчество" into at most three words (in place). */
static void split_name(char *s, const char **w)
{
	char *save = NULL;
	int n = 0;

	w[0] = w[1] = w[2] = NULL;
	for (char *t = strtok_r(s, " ", &save); t && n < 3; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
}

/* The QR payload of one document into buf; payer details are dropped when
 * they would make it invalid (a "|" in the address...). */
static int make_qr(struct branch_run *b, const char *account, int legal, const char *name,
		   const char *address, money total, char *buf, size_t size, struct sbyt_err *e)
{
	struct qr_payment q;
	char words[512], purpose[160];
	const char *w[3];
	int y, m;

	period_to_ym(b->o->period, &y, &m);
	snprintf(purpose, sizeof(purpose), "Оплата электроэнергии за %02d.%04d, л/с %s", m, y,
		 account);
	qr_payment_init(&q, b->sup);
	q.pers_acc = account;
	q.sum = total;
	q.paym_period = b->o->period;
	q.purpose = purpose;
	if (!legal) {
		snprintf(words, sizeof(words), "%s", name);
		split_name(words, w);
		q.last_name = w[0];
		q.first_name = w[1];
		q.middle_name = w[2];
	}
	q.payer_address = address;
	if (qr_payload(&q, buf, size, e) >= 0)
		return 0;
	q.last_name = q.first_name = q.middle_name = q.payer_address = NULL;
	return qr_payload(&q, buf, size, e) >= 0 ? 0 : -1;
}

enum { D_SEQ, D_NUMBER, D_CHAN, D_ACCOUNT, D_KIND, D_NAME, D_ADDRESS, D_POSTCODE, D_INN, D_KPP,
       D_CONTRACT, D_TOTAL, D_QR, D_DUE, D_WTEXT, D_WPROC, D_WDEBT, D_WISSUED, D_WRULE };

/* Write the document at the docs cursor, consuming the rows of the other
 * cursors that belong to it. */
static int one_document(struct branch_run *b, struct cur *docs, struct cur *lines,
			struct cur *obl, struct cur *pay, struct cur *rd, struct sbyt_err *e)
{
	int64_t seq = cur_seq(docs);
	int number = (int)to_i64(cur_val(docs, D_NUMBER));
	const char *account = cur_val(docs, D_ACCOUNT);
	int legal = !strcmp(cur_val(docs, D_KIND), "legal");
	enum customer_kind kind = legal ? CUSTOMER_LEGAL : CUSTOMER_INDIVIDUAL;
	sdate first = period_first(b->o->period), last = period_last(b->o->period);
	money opening = 0, charged = 0, recalc = 0, penalty = 0, stored_penalty = 0, paid = 0;
	money pen_start, pen_end, total;
	int has_penalty_line = 0;
	sdate due = 0;
	char qr[QR_BUF], buf[64], dbuf[DATE_BUF];
	struct chanpkg *cp = b->cp;

	ledger_reset(&b->led);
	b->nline = b->nread = 0;
	while (cur_seq(lines) < seq)
		if (cur_next(lines, e))
			return -1;
	for (; cur_seq(lines) == seq; ) {
		struct dline *l;
		const char *v;
		if (grow((void **)&b->line, &b->line_cap, b->nline + 1, sizeof(*b->line), e))
			return -1;
		l = &b->line[b->nline++];
		memset(l, 0, sizeof(*l));
		snprintf(l->kind, sizeof(l->kind), "%s", cur_val(lines, 1));
		l->zone = (int)to_i64(cur_val(lines, 2));
		l->band = (int)to_i64(cur_val(lines, 3));
		snprintf(l->volume, sizeof(l->volume), "%s", cur_val(lines, 4));
		v = cur_val(lines, 5);
		l->has_tariff = v != NULL;
		if (v)
			tariff_text(v, l->tariff, sizeof(l->tariff));
		l->amount = to_i64(cur_val(lines, 6));
		l->vat = to_i64(cur_val(lines, 7));
		if (!strcmp(l->kind, "charge"))
			charged += l->amount;
		else if (!strcmp(l->kind, "recalc"))
			recalc += l->amount;
		else {
			stored_penalty += l->amount;
			has_penalty_line = 1;
		}
		if (cur_next(lines, e))
			return -1;
	}
	while (cur_seq(obl) < seq)
		if (cur_next(obl, e))
			return -1;
	for (; cur_seq(obl) == seq; ) {
		struct ledger_charge c;
		const char *k = cur_val(obl, 2);
		speriod p = period_of(parse_date(cur_val(obl, 1)));
		money amount = to_i64(cur_val(obl, 4));
		sdate d = parse_date(cur_val(obl, 3));

		if (p < b->o->period)
			opening += amount;
		else if (d > due)
			due = d;
		if (strcmp(k, "penalty") != 0 && amount != 0) {
			c.period = p;
			c.due = d;
			c.amount = amount;
			c.kind = !strcmp(k, "recalc") || amount < 0 ? LEDGER_RECALC : LEDGER_CHARGE;
			if (ledger_add_charge(&b->led, &c, e) < 0)
				return err_prefix(e, "account %s", account);
		}
		if (cur_next(obl, e))
			return -1;
	}
	while (cur_seq(pay) < seq)
		if (cur_next(pay, e))
			return -1;
	for (; cur_seq(pay) == seq; ) {
		struct ledger_payment p;
		const char *named = cur_val(pay, 4);

		p.id = to_i64(cur_val(pay, 1));
		p.date = parse_date(cur_val(pay, 2));
		p.amount = to_i64(cur_val(pay, 3));
		p.period = named ? period_of(parse_date(named)) : LEDGER_NO_PERIOD;
		if (p.date < first)
			opening -= p.amount;
		else
			paid += p.amount;
		if (ledger_add_payment(&b->led, &p, e))
			return err_prefix(e, "account %s", account);
		if (cur_next(pay, e))
			return -1;
	}
	while (cur_seq(rd) < seq)
		if (cur_next(rd, e))
			return -1;
	for (; cur_seq(rd) == seq; ) {
		struct dread *r;
		const char *prev = cur_val(rd, 4) ? cur_val(rd, 4) : cur_val(rd, 3);
		const char *curv = cur_val(rd, 5);

		if (grow((void **)&b->read, &b->read_cap, b->nread + 1, sizeof(*b->read), e))
			return -1;
		r = &b->read[b->nread++];
		snprintf(r->meter, sizeof(r->meter), "%s", cur_val(rd, 1));
		r->zone = (int)to_i64(cur_val(rd, 2));
		snprintf(r->previous, sizeof(r->previous), "%s", prev ? prev : "0.000");
		r->has_current = curv != NULL;
		snprintf(r->current, sizeof(r->current), "%s", curv ? curv : "");
		if (cur_next(rd, e))
			return -1;
	}

	/* penalties from the ledger, as of the day before the period and its last day */
	if (ledger_allocate(&b->led, e) ||
	    ledger_debt_compute(&b->led, b->pr, kind, first - 1, &b->debt, e))
		return err_prefix(e, "account %s", account);
	pen_start = b->debt.penalty;
	if (ledger_debt_compute(&b->led, b->pr, kind, last, &b->debt, e))
		return err_prefix(e, "account %s", account);
	pen_end = b->debt.penalty;
	opening += pen_start;
	penalty = has_penalty_line ? stored_penalty : pen_end - pen_start;
	total = opening + charged + recalc + penalty - paid;
	if (!due) {
		int y, m;
		period_to_ym(b->o->period, &y, &m);
		m += b->billing->due_offset;
		while (m > 12) {
			m -= 12;
			y++;
		}
		due = date_from_ymd(y, m, b->billing->due_day);
	}
	if (make_qr(b, account, legal, cur_val(docs, D_NAME), cur_val(docs, D_ADDRESS), total, qr,
		    sizeof(qr), e))
		return err_prefix(e, "account %s", account);

	if (cur_val(docs, D_TOTAL)) {
		/* issued before: it must come out the same */
		if (to_i64(cur_val(docs, D_TOTAL)) != total || strcmp(cur_val(docs, D_QR), qr) != 0 ||
		    parse_date(cur_val(docs, D_DUE)) != due) {
			char was[MONEY_BUF], now[MONEY_BUF];
			err_set(e, ERR_DATA, "published document %d of branch '%s' for %s would change"
				" (account %s: total %s, issued with %s)", number, b->branch, b->pname,
				account, money_format(total, now),
				money_format(to_i64(cur_val(docs, D_TOTAL)), was));
			return err_detail(e, "an issued document is not altered: corrections go to the"
					  " next period as recalculation lines");
		}
	} else {
		if (put_row(b, to_i64(account), number, cp->chan, due, total, qr, e))
			return -1;
		b->r->issued++;
	}

	/* the document */
	xs(cp, "PaymentDocument");
	snprintf(buf, sizeof(buf), "%d", number);
	xa(cp, "number", buf);
	xa(cp, "account", account);
	xa(cp, "period", b->pname);
	xa(cp, "due", date_format(due, dbuf));
	xmoney(cp, "total", total);
	xa(cp, "qr", qr);
	xs(cp, "Payer");
	xa(cp, "kind", legal ? "legal" : "individual");
	xa(cp, "name", cur_val(docs, D_NAME));
	xa(cp, "postcode", cur_val(docs, D_POSTCODE));
	xa(cp, "address", cur_val(docs, D_ADDRESS));
	if (legal && cur_val(docs, D_INN)) {
		xa(cp, "inn", cur_val(docs, D_INN));
		if (cur_val(docs, D_KPP) && *cur_val(docs, D_KPP))
			xa(cp, "kpp", cur_val(docs, D_KPP));
		xa(cp, "contract", cur_val(docs, D_CONTRACT));
	}
	xe(cp);
	for (int i = 0; i < b->nread; i++) {
		struct dread *r = &b->read[i];
		xs(cp, "Reading");
		xa(cp, "meter", r->meter);
		snprintf(buf, sizeof(buf), "%d", r->zone);
		xa(cp, "zone", buf);
		xa(cp, "previous", r->previous);
		if (r->has_current)
			xa(cp, "current", r->current);
		xe(cp);
	}
	for (int i = 0; i < b->nline; i++) {
		struct dline *l = &b->line[i];
		int pen = !strcmp(l->kind, "penalty");
		xs(cp, "Line");
		xa(cp, "kind", l->kind);
		if (l->zone) {
			snprintf(buf, sizeof(buf), "%d", l->zone);
			xa(cp, "zone", buf);
		}
		if (l->band) {
			snprintf(buf, sizeof(buf), "%d", l->band);
			xa(cp, "band", buf);
		}
		if (!pen)
			xa(cp, "volume", l->volume);
		if (l->has_tariff)
			xa(cp, "tariff", l->tariff);
		xmoney(cp, "amount", l->amount);
		if (legal && !pen)
			xmoney(cp, "vat", l->vat);
		xe(cp);
	}
	if (!has_penalty_line && penalty != 0) {
		xs(cp, "Line");
		xa(cp, "kind", "penalty");
		xmoney(cp, "amount", penalty);
		xe(cp);
	}
	xs(cp, "Opening");
	xmoney(cp, "debt", opening);
	xe(cp);
	xs(cp, "Accrued");
	xmoney(cp, "charge", charged);
	xmoney(cp, "recalc", recalc);
	xmoney(cp, "penalty", penalty);
	xe(cp);
	xs(cp, "Paid");
	xmoney(cp, "sum", paid);
	xe(cp);
	/* A limitation warning that the limitation stage chose to send inside
	 * this payment document (limit_doc_warning, SPEC 9.2 rule 5). */
	if (cur_val(docs, D_WTEXT) && cur_val(docs, D_WTEXT)[0]) {
		char debt[MONEY_BUF];
		money m = 0;

		money_parse(cur_val(docs, D_WDEBT), -1, 0, &m);
		xs(cp, "Warning");
		xa(cp, "procedure", cur_val(docs, D_WPROC));
		xa(cp, "debt", money_format(m, debt));
		xa(cp, "date", cur_val(docs, D_WISSUED));
		xa(cp, "rule", cur_val(docs, D_WRULE));
		xmlout_text(&cp->xml, cur_val(docs, D_WTEXT));
		xe(cp);
	}
	xe(cp);
	if (cp->xml.err)
		return err_set(e, cp->xml.err == EILSEQ ? ERR_DATA : ERR_IO,
			       "cannot write the documents of '%s': account %s: %s", cp->pkg.final,
			       account, xmlout_error(&cp->xml));

	/* the register row, written by the package's thread */
	{
		const money m[6] = { opening, charged, recalc, penalty, paid, total };
		const char *str[4] = { account, cur_val(docs, D_NAME), cur_val(docs, D_POSTCODE),
				       cur_val(docs, D_ADDRESS) };
		if (reg_put(cp, number, due, m, str, e))
			return -1;
	}

	if (cp->docs == 0 || number < cp->first)
		cp->first = number;
	if (number > cp->last)
		cp->last = number;
	cp->docs++;
	cp->total += total;
	cp->opening += opening;
	cp->charged += charged;
	cp->recalc += recalc;
	cp->penalty += penalty;
	cp->paid += paid;
	b->r->documents++;
	b->r->total += total;
	return 0;
}

/* Fill docs_key with the branch's accounts to document and their sort keys,
 * then number them into docs_num. */
static int number_documents(struct branch_run *b, struct sbyt_err *e)
{
	const char *p[5] = { b->pfirst, b->branch, b->published ? "t" : "f", b->lo, b->hi };
	struct cur acc;
	char key[512];
	PGresult *res;

	/* OFFSET 0: min() and max() over the branch's index entries, not a walk
	 * of the primary key from one end until the branch turns up */
	res = db_query(b->rdb, e, "SELECT coalesce(min(a), 1), coalesce(max(a), 0) FROM"
		       " (SELECT account_id AS a FROM account WHERE branch = $1 OFFSET 0) s",
		       1, &b->branch);
	if (!res)
		return -1;
	snprintf(b->lo, sizeof(b->lo), "%s", PQgetvalue(res, 0, 0));
	snprintf(b->hi, sizeof(b->hi), "%s", PQgetvalue(res, 0, 1));
	PQclear(res);
	if (db_exec(b->rdb, e, "CREATE TEMP TABLE docs_key (account_id bigint NOT NULL,"
		    " chan smallint NOT NULL, number integer, key text NOT NULL) ON COMMIT DROP",
		    0, NULL) ||
	    cur_open(&acc, b->rdb, "docs_acc",
		     "SELECT a.account_id, coalesce(d.channel, a.delivery), d.number, a.postcode,"
		     " a.address FROM account a LEFT JOIN document d ON d.account_id = a.account_id"
		     " AND d.period = $1::date AND $3::boolean WHERE a.branch = $2"
		     " AND a.account_id BETWEEN $4::bigint AND $5::bigint AND (d.account_id IS NOT NULL OR"
		     " EXISTS (SELECT 1 FROM charge_line l WHERE l.account_id = a.account_id"
		     " AND l.period = $1::date AND l.account_id BETWEEN $4::bigint AND $5::bigint))",
		     5, p, e))
		return -1;
	while (!acc.done) {
		struct copy c;
		if (copy_begin(&c, b->rdb, "COPY docs_key FROM STDIN", e))
			goto fail;
		for (; acc.row < acc.n; acc.row++) {
			int chan = channel_index(cur_val(&acc, 1));
			const char *num = cur_val(&acc, 2);
			if (chan == 0)
				address_sort_key(cur_val(&acc, 3), cur_val(&acc, 4), key, sizeof(key));
			else
				key[0] = '\0';
			if (copy_str(&c, cur_val(&acc, 0), e) || copy_int(&c, chan < 0 ? 0 : chan, e) ||
			    (num ? copy_str(&c, num, e) : copy_null(&c, e)) || copy_str(&c, key, e) ||
			    copy_row(&c, e)) {
				copy_abort(&c, "failed");
				goto fail;
			}
		}
		if (copy_end(&c, e) || cur_fetch(&acc, e))
			goto fail;
	}
	cur_close(&acc);
	if (db_exec(b->rdb, e, "CLOSE docs_acc", 0, NULL))
		return -1;
	return db_exec(b->rdb, e,
		       "CREATE TEMP TABLE docs_num ON COMMIT DROP AS"
		       " SELECT account_id, chan, number, row_number() OVER (ORDER BY chan, number) AS seq"
		       " FROM (SELECT account_id, chan, CASE WHEN number IS NOT NULL THEN number ELSE"
		       " (SELECT coalesce(max(number), 0) FROM docs_key) + row_number() OVER"
		       " (PARTITION BY number IS NULL ORDER BY chan, key COLLATE \"C\", account_id)"
		       " END AS number FROM docs_key) s", 0, NULL) ||
	       db_exec(b->rdb, e, "CREATE UNIQUE INDEX ON docs_num (account_id)", 0, NULL) ||
	       db_exec(b->rdb, e, "ANALYZE docs_num", 0, NULL);
fail:
	cur_close(&acc);
	return -1;
}

/* Open the five cursors of the branch on the reader (after numbering). */
static int open_cursors(struct branch_run *b, struct sbyt_err *e)
{
	const char *p1[3] = { b->pfirst, b->lo, b->hi };
	const char *p2[5] = { b->plast, b->lo, b->hi, b->pfirst, b->published ? "t" : "f" };
	const char *p12[4] = { b->pfirst, b->plast, b->lo, b->hi };
	const char *pdoc[4] = { b->pfirst, b->published ? "t" : "f", b->lo, b->hi };
	struct cur *docs = &b->docs, *lines = &b->lines, *obl = &b->obl, *pay = &b->pay;
	struct cur *rd = &b->rd;

	memset(lines, 0, sizeof(*lines));
	memset(obl, 0, sizeof(*obl));
	memset(pay, 0, sizeof(*pay));
	memset(rd, 0, sizeof(*rd));
	b->curs_open = 1;
	if (cur_open(docs, b->rdb, "docs_doc",
		     "SELECT n.seq, n.number, n.chan, a.account_id, a.kind, a.name, a.address,"
		     " a.postcode, c.inn, c.kpp, c.contract, d.total, d.qr, d.due,"
		     " w.text, w.procedure, w.debt, w.issued, w.rule"
		     " FROM docs_num n JOIN account a ON a.account_id = n.account_id"
		     " AND a.account_id BETWEEN $3::bigint AND $4::bigint"
		     " LEFT JOIN contract c ON c.account_id = n.account_id"
		     " AND c.account_id BETWEEN $3::bigint AND $4::bigint"
		     " LEFT JOIN document d ON d.account_id = n.account_id AND d.period = $1::date"
		     " AND $2::boolean"
		     /* the limitation warning this document carries: the one printed
		      * in it before (a re-issue stays the same), or for a new document
		      * the oldest one issued by the period's end not printed yet */
		     " LEFT JOIN (SELECT DISTINCT ON (lw.account_id) lw.account_id, lw.text, lc.procedure,"
		     "  (ln.stated_debt / 100.0)::numeric(14, 2)::text AS debt, lw.issued::text AS issued,"
		     "  lc.procedure || '.' || ln.step AS rule"
		     "  FROM limit_doc_warning lw"
		     "  JOIN limit_notice ln ON ln.account_id = lw.account_id AND ln.notice_id = lw.notice_id"
		     "  JOIN limit_case lc ON lc.account_id = ln.account_id AND lc.case_no = ln.case_no"
		     "  LEFT JOIN document ld ON ld.account_id = lw.account_id AND ld.period = $1::date"
		     "  AND $2::boolean"
		     "  WHERE lw.account_id BETWEEN $3::bigint AND $4::bigint AND (lw.printed_period = $1::date OR"
		     "  (lw.printed_period IS NULL AND ld.account_id IS NULL AND NOT ln.void AND"
		     "   lw.issued < ($1::date + interval '1 month')::date))"
		     "  ORDER BY lw.account_id, lw.printed_period NULLS LAST, lw.issued, lw.notice_id) w"
		     " ON w.account_id = n.account_id"
		     " ORDER BY n.seq", 4, pdoc, e))
		return -1;
	if (cur_open(lines, b->rdb, "docs_line",
		     "SELECT n.seq, l.kind, l.zone, l.band, l.volume, l.tariff, l.amount, l.vat"
		     " FROM docs_num n JOIN charge_line l ON l.account_id = n.account_id"
		     " AND l.period = $1::date AND l.account_id BETWEEN $2::bigint AND $3::bigint"
		     " ORDER BY n.seq, l.line_no", 3, p1, e) ||
	    cur_open(obl, b->rdb, "docs_obl",
		     "SELECT n.seq, o.period, o.kind, o.due, o.amount FROM docs_num n"
		     " JOIN obligation o ON o.account_id = n.account_id AND o.period <= $1::date"
		     " AND o.account_id BETWEEN $2::bigint AND $3::bigint"
		     " ORDER BY n.seq, o.period, o.seq", 3, p1, e) ||
	    cur_open(pay, b->rdb, "docs_pay",
		     "SELECT n.seq, p.payment_id, p.paid_on, p.amount, p.period FROM docs_num n"
		     /* a document issued before stays as issued: without the
		      * payments ingested by later runs (they show in the next
		      * period's document) */
		     " LEFT JOIN document d ON d.account_id = n.account_id AND d.period = $4::date"
		     " AND $5::boolean AND d.account_id BETWEEN $2::bigint AND $3::bigint"
		     " JOIN payment p ON p.account_id = n.account_id AND p.paid_on <= $1::date"
		     " AND p.account_id BETWEEN $2::bigint AND $3::bigint"
		     " AND (d.run_id IS NULL OR p.run_id IS NULL OR p.run_id < d.run_id)"
		     " ORDER BY n.seq, p.paid_on, p.payment_id", 5, p2, e) ||
	    cur_open(rd, b->rdb, "docs_read",
		     "SELECT n.seq, m.meter, z.zone, CASE z.zone WHEN 1 THEN m.initial_t1"
		     " WHEN 2 THEN m.initial_t2 ELSE m.initial_t3 END, pr.value, cu.value"
		     " FROM docs_num n JOIN meter m ON m.account_id = n.account_id"
		     " AND m.installed_on <= $2::date AND m.account_id BETWEEN $3::bigint AND $4::bigint"
		     " CROSS JOIN LATERAL generate_series(1, m.zones) AS z(zone)"
		     " LEFT JOIN (SELECT DISTINCT ON (account_id, meter, zone) account_id, meter, zone,"
		     " value FROM reading WHERE status = 'accepted' AND period < $1::date"
		     " AND account_id BETWEEN $3::bigint AND $4::bigint"
		     " AND account_id IN (SELECT account_id FROM docs_num)"
		     " ORDER BY account_id, meter, zone, period DESC, taken_on DESC, reading_id DESC) pr"
		     " ON pr.account_id = m.account_id AND pr.meter = m.meter AND pr.zone = z.zone"
		     " LEFT JOIN (SELECT DISTINCT ON (account_id, meter, zone) account_id, meter, zone,"
		     " value FROM reading WHERE status = 'accepted' AND period = $1::date"
		     " AND account_id BETWEEN $3::bigint AND $4::bigint"
		     " AND account_id IN (SELECT account_id FROM docs_num)"
		     " ORDER BY account_id, meter, zone, taken_on DESC, reading_id DESC) cu"
		     " ON cu.account_id = m.account_id AND cu.meter = m.meter AND cu.zone = z.zone"
		     " ORDER BY n.seq, m.meter, z.zone", 4, p12, e))
		return -1;
	return 0;
}

static void close_cursors(struct branch_run *b)
{
	if (!b->curs_open)
		return;
	cur_close(&b->docs);
	cur_close(&b->lines);
	cur_close(&b->obl);
	cur_close(&b->pay);
	cur_close(&b->rd);
	b->curs_open = 0;
}

/* Write the documents and packages of the branch from its open cursors. */
static int stream_documents(struct branch_run *b, struct sbyt_err *e)
{
	struct cur *curs[5] = { &b->docs, &b->lines, &b->obl, &b->pay, &b->rd };
	struct prefetch pf;
	int rc = -1, pf_on = 0;
	double t0 = now();

	if (prefetch_start(&pf, b->rdb, curs, 5, e))
		goto out;
	pf_on = 1;
	while (!b->docs.done) {
		int chan = (int)to_i64(cur_val(&b->docs, D_CHAN));
		if (b->cp && b->cp->chan != chan && cp_commit(b, e))
			goto out;
		if (!b->cp && cp_open(b, chan, e))
			goto out;
		if (one_document(b, &b->docs, &b->lines, &b->obl, &b->pay, &b->rd, e) ||
		    cur_next(&b->docs, e))
			goto out;
	}
	if (b->cp && cp_commit(b, e))
		goto out;
	if (cp_wait(b, 1, e))
		goto out;
	rc = 0;
	b->r->t_write += now() - t0;
out:
	cp_abort(b->cp);
	b->cp = NULL;
	cp_wait(b, 0, NULL);
	if (pf_on)
		prefetch_stop(&pf, curs, 5);
	close_cursors(b);
	return rc;
}

static void remove_stale(struct branch_run *b)
{
	char path[4096];

	for (int c = 0; c < DOCS_CHANNELS; c++) {
		if (b->made[c])
			continue;
		snprintf(path, sizeof(path), "%s/docs/%s/%s/%s.zip", b->o->out_dir, b->pname,
			 b->branch, channels[c]);
		unlink(path);
	}
}

/* One branch in two transactions: the writer (b->db) locks the period's
 * state, stores the document rows and publishes; the reader (b->rdb)
 * numbers and reads.  Both commit or neither: the reader only reads (its
 * temporary tables go with it), and the writer commits last.
 *
 * branch_head() is the first part: the lock, numbering and the cursors
 * (server work; docs_run() runs it for the next branch on a thread while
 * this one is written).  branch_body() writes the packages and commits.
 * Each rolls back both transactions when it fails. */
static void branch_abort(struct branch_run *b)
{
	rowq_finish(b->rows, 0, NULL);
	b->rows = NULL;
	close_cursors(b);
	db_rollback(b->rdb);
	db_rollback(b->db);
}

static int branch_head(struct branch_run *b, struct sbyt_err *e)
{
	const char *p[2] = { b->pfirst, b->branch };
	char *state = NULL;
	double t0;

	b->t_number = b->t_open = 0;
	if (db_begin(b->db, e))
		return -1;
	if (db_value(b->db, e, "SELECT state FROM period_state WHERE period = $1::date"
		     " AND branch = $2 FOR UPDATE", 2, p, &state))
		goto fail;
	if (!state || !strcmp(state, "open")) {
		err_set(e, ERR_DATA, "period not billed: %s, branch '%s'", b->pname, b->branch);
		free(state);
		goto fail;
	}
	b->published = !strcmp(state, "published");
	free(state);
	if (!b->published &&
	    db_exec(b->db, e, "DELETE FROM document WHERE period = $1::date AND branch = $2", 2, p))
		goto fail;
	/* The cursors are read to the end: plan them for the whole result (not
	 * the first 10 %), without JIT, which costs more than it saves, and with
	 * their sorts in memory while they fit in 64 MB (the server's). */
	if (db_exec(b->rdb, e, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL) ||
	    db_exec(b->rdb, e, "SET LOCAL cursor_tuple_fraction = 1.0", 0, NULL) ||
	    db_exec(b->rdb, e, "SET LOCAL jit = off", 0, NULL) ||
	    db_exec(b->rdb, e, "SET LOCAL work_mem = '64MB'", 0, NULL))
		goto fail;
	t0 = now();
	if (number_documents(b, e))
		goto fail;
	b->t_number = now() - t0;
	t0 = now();
	if (open_cursors(b, e))
		goto fail;
	b->t_open = now() - t0;
	return 0;
fail:
	branch_abort(b);
	return -1;
}

static void *head_main(void *arg)
{
	struct branch_run *b = arg;

	memset(&b->head_err, 0, sizeof(b->head_err));
	b->head_rc = branch_head(b, &b->head_err);
	return NULL;
}

static int branch_body(struct branch_run *b, struct sbyt_err *e)
{
	const char *p[3] = { b->pfirst, b->branch, NULL };
	char run[24];
	double t0;
	int rc;

	memset(b->made, 0, sizeof(b->made));
	b->ndone = 0;
	if (rowq_start(&b->rows, b->db, e))
		goto fail;
	if (stream_documents(b, e))
		goto fail;
	t0 = now();
	rc = rowq_finish(b->rows, 1, e);
	b->rows = NULL;
	if (rc)
		goto fail;
	b->r->t_rows += now() - t0;
	snprintf(run, sizeof(run), "%lld", (long long)b->o->run_id);
	p[2] = b->o->run_id > 0 ? run : NULL;
	/* The warnings printed in this run's new documents (the choice of the
	 * docs_doc query): printed_period tells the limitation stage which
	 * document delivers them. */
	if (db_exec(b->db, e, "UPDATE limit_doc_warning w SET printed_period = $1::date"
		    " FROM (SELECT DISTINCT ON (lw.account_id) lw.account_id, lw.notice_id"
		    "  FROM limit_doc_warning lw"
		    "  JOIN limit_notice ln ON ln.account_id = lw.account_id"
		    "   AND ln.notice_id = lw.notice_id"
		    "  JOIN document d ON d.account_id = lw.account_id AND d.period = $1::date"
		    "   AND d.branch = $2 AND d.run_id IS NOT DISTINCT FROM $3::bigint"
		    "  WHERE lw.printed_period IS NULL AND NOT ln.void"
		    "  AND lw.issued < ($1::date + interval '1 month')::date"
		    "  AND NOT EXISTS (SELECT 1 FROM limit_doc_warning x WHERE"
		    "   x.account_id = lw.account_id AND x.printed_period = $1::date)"
		    "  ORDER BY lw.account_id, lw.issued, lw.notice_id) c"
		    " WHERE w.account_id = c.account_id AND w.notice_id = c.notice_id", 3, p))
		goto fail;
	if (db_exec(b->db, e, "UPDATE period_state SET state = 'published',"
		    " published_run = coalesce(published_run, $3::bigint),"
		    " updated_at = clock_timestamp() WHERE period = $1::date AND branch = $2", 3, p) ||
	    db_commit(b->db, e))
		goto fail;
	db_rollback(b->rdb);
	/* committed: the sealed packages take their names (a run killed
	 * before leaves them to the next run's package_clean, and the branch
	 * published without them: month issues it again) */
	for (int i = 0; i < b->ndone; i++)
		if (package_publish_file(b->done[i].tmp, b->done[i].path, e)) {
			for (int k = i + 1; k < b->ndone; k++)
				unlink(b->done[k].tmp);
			b->ndone = 0;
			return -1;
		}
	remove_stale(b);
	for (int i = 0; i < b->ndone && b->o->on_package; i++)
		b->o->on_package(b->o->arg, b->done[i].path, b->done[i].sha256, b->done[i].bytes);
	b->r->branches++;
	return 0;
fail:
	for (int i = 0; i < b->ndone; i++)
		unlink(b->done[i].tmp);
	b->ndone = 0;
	branch_abort(b);
	return -1;
}

int docs_run(PGconn *db, const struct docs_opts *o, struct docs_result *r, struct faults *f,
	     struct sbyt_err *e)
{
	struct tariff_rules *tr = NULL;
	struct penalty_rules pr;
	struct branch_run b, bs[2];
	PGresult *res = NULL;
	int nb;
	const char *p[2];
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&pr, 0, sizeof(pr));
	memset(&b, 0, sizeof(b));
	b.db = db;
	b.o = o;
	b.r = r;
	date_format(period_first(o->period), b.pfirst);
	date_format(period_last(o->period), b.plast);
	period_format(o->period, b.pname);
	p[0] = b.pfirst;
	p[1] = o->branch;

	/* which branches: all must be billed (or published) */
	res = db_query(db, e, o->branch
		       ? "SELECT branch, state FROM period_state WHERE period = $1::date AND branch = $2"
		       : "SELECT branch, state FROM period_state WHERE period = $1::date ORDER BY branch",
		       o->branch ? 2 : 1, p);
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		err_set(e, ERR_DATA, "period not billed: %s%s%s%s", b.pname,
			o->branch ? ", branch '" : "", o->branch ? o->branch : "", o->branch ? "'" : "");
		err_detail(e, "run `sbyt bill --period %s` first", b.pname);
		goto out;
	}
	for (int i = 0; i < PQntuples(res); i++)
		if (!strcmp(PQgetvalue(res, i, 1), "open")) {
			err_set(e, ERR_DATA, "period not billed: %s, branch '%s'", b.pname,
				PQgetvalue(res, i, 0));
			err_detail(e, "run `sbyt bill --period %s` first, or name a billed branch"
				   " with --branch", b.pname);
			goto out;
		}

	/* leftovers of a killed run (the docs lock is ours) */
	for (int i = 0; i < PQntuples(res); i++) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/docs/%s/%s", o->out_dir, b.pname, PQgetvalue(res, i, 0));
		package_clean(dir);
	}
	if (tariff_rules_load(o->rules_dir, &tr, f) || penalty_rules_load(o->rules_dir, &pr, f)) {
		err_set(e, ERR_CONFIG, "the rules in '%s' are invalid", o->rules_dir);
		goto out;
	}
	b.sup = tariff_supplier(tr);
	b.billing = tariff_billing(tr);
	b.pr = &pr;
	nb = PQntuples(res);
	/* Two slots of connections take turns: while the documents of one
	 * branch are written, the next branch is locked, numbered and its
	 * cursors opened on the other slot's connections.  With one branch
	 * the caller's connection is the writer. */
	bs[0] = bs[1] = b;
	bs[0].db = bs[1].db = NULL;
	for (int k = 0; k < 2; k++) {
		ledger_init(&bs[k].led);
		ledger_debt_init(&bs[k].debt);
	}
	if (nb == 1)
		bs[0].db = db;
	for (int k = 0; k < (nb > 1 ? 2 : 1); k++) {
		if (!bs[k].db && !(bs[k].db = db_connect(o->conninfo, e)))
			goto out_free;
		if (!(bs[k].rdb = db_connect(o->conninfo, e)))
			goto out_free;
	}
	bs[0].branch = PQgetvalue(res, 0, 0);
	if (branch_head(&bs[0], e))
		goto out_free;
	for (int i = 0; i < nb; i++) {
		struct branch_run *cur = &bs[i % 2], *next = &bs[(i + 1) % 2];
		int ahead = i + 1 < nb, threaded = 0, body;

		if (ahead) {
			next->branch = PQgetvalue(res, i + 1, 0);
			threaded = pthread_create(&next->head_th, NULL, head_main, next) == 0;
		}
		body = branch_body(cur, e);
		r->t_number += cur->t_number;
		r->t_open += cur->t_open;
		if (threaded)
			pthread_join(next->head_th, NULL);
		else if (ahead && body == 0)
			head_main(next);
		if (body) {
			if (ahead && threaded && next->head_rc == 0)
				branch_abort(next);
			goto out_free;
		}
		if (ahead && next->head_rc) {
			*e = next->head_err;
			goto out_free;
		}
	}
	rc = 0;
out_free:
	for (int k = 0; k < 2; k++) {
		if (bs[k].rdb)
			PQfinish(bs[k].rdb);
		if (bs[k].db && bs[k].db != db)
			PQfinish(bs[k].db);
		free(bs[k].line);
		free(bs[k].read);
		ledger_release(&bs[k].led);
		ledger_debt_release(&bs[k].debt);
	}
out:
	PQclear(res);
	tariff_rules_free(tr);
	penalty_rules_release(&pr);
	return rc;
}
