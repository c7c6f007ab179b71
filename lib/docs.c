/* docs.c - payment documents and their packages; see docs.h. */
#include "docs.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "address.h"
#include "copybin.h"
#include "db.h"
#include "docmodel.h"
#include "docs_cursor.h"
#include "docs_pdf.h"
#include "docs_render.h"
#include "docs_texts.h"
#include "docs_xml.h"
#include "ledger.h"
#include "log.h"
#include "package.h"
#include "penalty.h"
#include "qr.h"
#include "tariff.h"
#include "upd_docs.h"
#include "xlsx.h"
#include "xmlout.h"

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

static int package_path(char *path, size_t size, const char *out_dir, const char *pname,
			const char *branch, int chan, int part);

int docs_packages_missing(PGconn *db, const char *out_dir, speriod period, const char *branch,
			  char **keys, int *n, struct sbyt_err *e)
{
	char pfirst[DATE_BUF], pname[PERIOD_BUF], path[4096];
	const char *p[2] = { date_format(period_first(period), pfirst), branch };
	const char *pf[1] = { path };
	PGresult *r;
	char *s;
	size_t len = 0, cap;

	*n = 0;
	if (keys)
		*keys = NULL;
	period_format(period, pname);
	r = db_query(db, e, "SELECT DISTINCT part, channel FROM document WHERE period = $1::date"
		     " AND branch = $2 ORDER BY 1, 2", 2, p);
	if (!r)
		return -1;
	cap = 3 + (size_t)PQntuples(r) * 16;
	if (!(s = malloc(cap))) {
		PQclear(r);
		return err_set(e, ERR_INTERNAL, "out of memory");
	}
	s[len++] = '{';
	for (int i = 0; i < PQntuples(r); i++) {
		int part = atoi(PQgetvalue(r, i, 0)), chan = channel_index(PQgetvalue(r, i, 1));
		struct stat st;
		int in;

		if (chan < 0)
			continue;
		if (package_path(path, sizeof(path), out_dir, pname, branch, chan, part)) {
			in = 0;
		} else if (stat(path, &st) != 0) {
			in = 0;
		} else {
			/* the size the run that wrote it last recorded, when one did */
			PGresult *b = db_query(db, e, "SELECT bytes FROM run_file WHERE direction ="
					       " 'out' AND path = $1 ORDER BY run_id DESC LIMIT 1",
					       1, pf);
			if (!b) {
				PQclear(r);
				free(s);
				return -1;
			}
			in = PQntuples(b) == 0 || (long long)st.st_size == atoll(PQgetvalue(b, 0, 0));
			PQclear(b);
		}
		if (in)
			continue;
		len += (size_t)snprintf(s + len, cap - len, "%s%d:%d", *n ? "," : "", part, chan);
		(*n)++;
	}
	s[len++] = '}';
	s[len] = '\0';
	PQclear(r);
	if (keys)
		*keys = s;
	else
		free(s);
	return 0;
}

/* The path of the package of channel chan, part part, of branch's
 * documents of period pname: part 1 CHANNEL.zip, a later part
 * CHANNEL-PART.zip.  0, or -1 when it is too long. */
static int package_path(char *path, size_t size, const char *out_dir, const char *pname,
			const char *branch, int chan, int part)
{
	char suffix[16] = "";

	if (part > 1)
		snprintf(suffix, sizeof(suffix), "-%d", part);
	return snprintf(path, size, "%s/docs/%s/%s/%s%s.zip", out_dir, pname, branch,
			channels[chan], suffix) >= (int)size ? -1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A double buffer: the main thread fills one while a thread of its own
 * writes the other; dbuf_swap() hands the filled one over (the caller holds
 * the lock and the other is written). */
struct dbuf {
	char *fill, *send;
	size_t flen, fcap, slen, scap;
};

/* Room for `more` bytes past fill's end (first: the first capacity).  0, or
 * -1 with e set. */
static int dbuf_reserve(struct dbuf *b, size_t more, size_t first, struct sbyt_err *e)
{
	size_t cap;
	char *nb;

	if (b->flen + more <= b->fcap)
		return 0;
	cap = b->fcap ? b->fcap : first;
	while (cap < b->flen + more)
		cap *= 2;
	if (!(nb = realloc(b->fill, cap)))
		return err_set(e, ERR_INTERNAL, "out of memory");
	b->fill = nb;
	b->fcap = cap;
	return 0;
}

static void dbuf_swap(struct dbuf *b)
{
	char *t = b->send;
	size_t cap = b->scap;

	b->send = b->fill;
	b->scap = b->fcap;
	b->slen = b->flen;
	b->fill = t;
	b->fcap = cap;
	b->flen = 0;
}

static void dbuf_release(struct dbuf *b)
{
	free(b->fill);
	free(b->send);
	memset(b, 0, sizeof(*b));
}

/* One channel's package being written. */
struct chanpkg {
	int open, chan, part;
	struct package pkg;
	const char *xlsx_path;
	FILE *f;                 /* documents.xml (package_stream()), written through xml */
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
	struct dbuf reg;         /* register rows (reg_put()) being filled, being written */
	int frows;
	int pending, finish, quit, failed, committed;
	struct sbyt_err err;     /* the thread's failure */
	int64_t run_id;
	const char *rules_version;
	struct docs_render *render;  /* its PDFs (NULL: none) */
	int64_t pages;
	double render_cpu;
	/* its legal entities' invoices and УПДs (upd_docs.h), made on its
	 * thread in the order of the documents; what upd_docs_put() needs */
	struct upd_docs *upd;
	struct upd_pool *pool;   /* where upd comes from and goes back to */
	const struct docs_opts *o;
	const struct penalty_rules *pr;
	const char *branch;
	int upd_pdf;
};

/* The invoices' and УПДs' writers (each with its connection, its rules and
 * its prepared statement) of the packages finished, for the next ones. */
struct upd_pool {
	pthread_mutex_t mu;
	struct upd_docs *c[2 * DOCS_CHANNELS];
	int n;
};

/* A writer left by a finished package, or NULL (upd_docs_put() opens one). */
static struct upd_docs *pool_take(struct upd_pool *p)
{
	struct upd_docs *c = NULL;

	pthread_mutex_lock(&p->mu);
	if (p->n > 0)
		c = p->c[--p->n];
	pthread_mutex_unlock(&p->mu);
	return c;
}

/* Keep c (finished: upd_docs_finish()) for the next package, or free it. */
static void pool_give(struct upd_pool *p, struct upd_docs *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&p->mu);
	if (p->n < (int)(sizeof(p->c) / sizeof(p->c[0]))) {
		p->c[p->n++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	upd_docs_free(c);
}

/* ---- the stage ---- */

struct branch_run {
	PGconn *db;
	const struct docs_opts *o;
	const char *branch;
	int published;           /* re-issue of a published period */
	char pfirst[DATE_BUF], plast[DATE_BUF], pname[PERIOD_BUF];
	const struct supplier *sup;
	const struct billing_rules *billing;
	const struct penalty_rules *pr;
	const struct docs_pdf_env *penv;  /* NULL: no PDFs */
	struct docmodel_ctx mc;  /* composing */
	struct docmodel doc;     /* the document being written */
	PGconn *rdb;             /* the reader: numbering and cursors */
	char lo[24], hi[24];     /* the branch's lowest and highest account_id: every
	                            query is bounded by them, so that its index scans
	                            read the branch's range and not the tables */
	struct docs_cursor docs, lines, obl, pay, rd;  /* open after branch_head() */
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
	struct done_pkg {
		char path[4096];
		char tmp[4096];  /* sealed, renamed to path after the commit */
		char sha256[SHA256_HEX];
		int64_t bytes;
	} *done;                 /* packages sealed, to publish after the commit (one per
	                            part and channel) */
	int ndone, cdone;
	struct docs_result *r;
	struct upd_pool *pool;   /* the packages' invoice and УПД writers */
};

static const char *const reg_headers[] = {
	"№ документа", "Лицевой счёт", "Плательщик", "Индекс", "Адрес", "Входящий долг",
	"Начислено", "Перерасчёт", "Пени", "Оплачено", "К оплате", "Срок оплаты",
};
static const double reg_widths[] = { 12, 14, 40, 10, 60, 14, 14, 14, 12, 14, 14, 14 };
#define REG_COLS ((int)(sizeof(reg_headers) / sizeof(reg_headers[0])))

/* ---- the register rows and the legal entities' documents, serialized
 * for the package's thread: each record a tag ('R' a register row, 'U' a
 * document for upd_docs_put()) and its fields ---- */

#define REG_BATCH 1024

static int reg_reserve(struct chanpkg *cp, size_t more, struct sbyt_err *e)
{
	return dbuf_reserve(&cp->reg, more, 256 * 1024, e);
}

static void reg_str(struct chanpkg *cp, const char *s)
{
	size_t n;

	if (!s) {
		cp->reg.fill[cp->reg.flen++] = 0;
		return;
	}
	n = strlen(s) + 1;
	cp->reg.fill[cp->reg.flen++] = 1;
	memcpy(cp->reg.fill + cp->reg.flen, s, n);
	cp->reg.flen += n;
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

/* Write the register rows of buf (REG_COLS cells each) and the legal
 * entities' documents, in their order. */
static int reg_write(struct chanpkg *cp, const char *p, size_t len, struct sbyt_err *e)
{
	const char *end = p + len;

	while (p < end) {
		int32_t number, due;
		int64_t m[6];
		const char *str[4];

		if (*p++ == 'U') {
			int64_t account;
			const struct docs_opts *o = cp->o;

			memcpy(&account, p, sizeof(account));
			p += sizeof(account);
			memcpy(&number, p, sizeof(number));
			p += sizeof(number);
			if (!cp->upd)
				cp->upd = pool_take(cp->pool);
			if (upd_docs_put(&cp->upd, o->conninfo, o->rules_dir, cp->pr, &cp->pkg,
					 cp->branch, account, o->period, number, o->as_of,
					 cp->chan == 3, cp->upd_pdf, e) < 0)
				return -1;
			continue;
		}
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
		if (!bad && reg_write(cp, cp->reg.send, cp->reg.slen, &cp->err))
			bad = 1;
		pthread_mutex_lock(&cp->mu);
		cp->pending = 0;
		cp->failed = bad;
		pthread_cond_broadcast(&cp->cv);
	}
	commit = cp->finish && !cp->quit && !bad;
	pthread_mutex_unlock(&cp->mu);
	/* the invoices register and counts */
	if (commit && upd_docs_finish(cp->upd, &cp->pkg, &cp->err)) {
		bad = 1;
		commit = 0;
	}
	if (commit && cp->render) {
		struct docs_render *r = cp->render;
		char num[24];
		cp->render = NULL;
		if (docs_render_finish(r, &cp->pages, &cp->render_cpu, &cp->err)) {
			bad = 1;
			commit = 0;
		} else {
			snprintf(num, sizeof(num), "%lld", (long long)cp->pages);
			package_fact(&cp->pkg, "pages", num);
		}
	}
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
	if (cp->committed)
		pool_give(cp->pool, cp->upd);
	else
		upd_docs_free(cp->upd);  /* before its files go */
	cp->upd = NULL;
	if (!cp->committed) {
		struct sbyt_err ignore;
		docs_render_abort(cp->render);  /* before its files go */
		cp->render = NULL;
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
	int failed;

	pthread_mutex_lock(&cp->mu);
	while (cp->pending)
		pthread_cond_wait(&cp->cv, &cp->mu);
	failed = cp->failed;
	if (!failed && cp->reg.flen > 0) {
		dbuf_swap(&cp->reg);
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
	if (reg_reserve(cp, need + 1, e))
		return -1;
	for (int i = 0; i < 6; i++)
		m64[i] = m[i];
	cp->reg.fill[cp->reg.flen++] = 'R';
	memcpy(cp->reg.fill + cp->reg.flen, &n32, sizeof(n32));
	cp->reg.flen += sizeof(n32);
	memcpy(cp->reg.fill + cp->reg.flen, m64, sizeof(m64));
	cp->reg.flen += sizeof(m64);
	memcpy(cp->reg.fill + cp->reg.flen, &d32, sizeof(d32));
	cp->reg.flen += sizeof(d32);
	for (int i = 0; i < 4; i++)
		reg_str(cp, str[i]);
	if (++cp->frows >= REG_BATCH)
		return reg_hand(cp, e);
	return 0;
}

/* A legal entity's document (account, number): its invoices and, in edo,
 * its УПДs are made by the package's thread (upd_docs_put()), beside the
 * documents that follow. */
static int upd_put(struct chanpkg *cp, int64_t account, int number, struct sbyt_err *e)
{
	int32_t n32 = number;

	if (reg_reserve(cp, 1 + sizeof(account) + sizeof(n32), e))
		return -1;
	cp->reg.fill[cp->reg.flen++] = 'U';
	memcpy(cp->reg.fill + cp->reg.flen, &account, sizeof(account));
	cp->reg.flen += sizeof(account);
	memcpy(cp->reg.fill + cp->reg.flen, &n32, sizeof(n32));
	cp->reg.flen += sizeof(n32);
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
	cp->f = NULL;  /* the package's: package_abort() closes it */
	if (cp->th_started) {
		pthread_mutex_lock(&cp->mu);
		cp->quit = 1;
		pthread_cond_broadcast(&cp->cv);
		pthread_mutex_unlock(&cp->mu);
		pthread_join(cp->th, NULL);
		docs_render_abort(cp->render);
		cp->render = NULL;
		if (cp->open)
			package_abort(&cp->pkg);
		cp->open = 0;
	} else {
		docs_render_abort(cp->render);
		cp->render = NULL;
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
	dbuf_release(&cp->reg);
	free(cp);
}

static int cp_open(struct branch_run *b, int chan, int part, struct sbyt_err *e)
{
	struct chanpkg *cp;
	char path[4096];

	cp = calloc(1, sizeof(*cp));
	if (!cp)
		return err_set(e, ERR_INTERNAL, "out of memory");
	cp->chan = chan;
	cp->part = part;
	cp->run_id = b->o->run_id;
	cp->rules_version = b->o->rules_version;
	cp->o = b->o;
	cp->pool = b->pool;
	cp->pr = b->pr;
	cp->branch = b->branch;
	/* the invoices' PDFs: none, post's print file, one per invoice */
	cp->upd_pdf = !b->penv ? 0 : chan == 0 ? 1 : 2;
	if (package_path(path, sizeof(path), b->o->out_dir, b->pname, b->branch, chan, part)) {
		free(cp);
		return err_set(e, ERR_CANTCREATE, "output path too long");
	}
	if (package_open(&cp->pkg, path, e)) {
		free(cp);
		return -1;
	}
	cp->open = 1;
	/* the XML deflated as it is written: never a file of its own */
	cp->f = package_stream(&cp->pkg, "documents.xml", e);
	cp->xlsx_path = cp->f ? package_entry(&cp->pkg, "register.xlsx", e) : NULL;
	if (!cp->xlsx_path)
		goto fail;
	setvbuf(cp->f, NULL, _IONBF, 0);  /* xmlout buffers: its 256 KB go to deflate as they are */
	if (xmlout_open(&cp->xml, cp->f)) {
		err_set(e, ERR_INTERNAL, "out of memory");
		goto fail;
	}
	docs_xml_begin(&cp->xml, b->pname, b->branch, channels[chan], b->sup);
	if (xlsx_table_open(&cp->x, cp->xlsx_path, "Реестр", reg_headers, reg_widths, REG_COLS, e))
		goto fail;
	if (b->penv && chan != 3) {
		/* post: one print-ready file (in volumes of print_volume
		 * documents); email, lkk: a file per document */
		const char *where = chan == 0 ? package_entry(&cp->pkg, "documents.pdf", e) : "";
		if (!where || !(cp->render = docs_render_start(b->penv, chan == 0 ? where : NULL,
								&cp->pkg, b->o->print_volume,
								b->o->render_threads, b->o->as_of, e)))
			goto fail;
	}
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
static int cp_wait(struct branch_run *b, int ok, struct sbyt_err *e);

static int cp_commit(struct branch_run *b, struct sbyt_err *e)
{
	struct chanpkg *cp = b->cp;
	char buf[MONEY_BUF], num[24];
	int rc;

	b->cp = NULL;
	docs_xml_end(&cp->xml);
	rc = xmlout_flush(&cp->xml) != 0;
	xmlout_release(&cp->xml);
	if (rc || cp->xml.err) {
		err_set(e, cp->xml.err == EILSEQ ? ERR_DATA : ERR_IO,
			"cannot write the documents of '%s': %s", cp->pkg.final, xmlout_error(&cp->xml));
		goto fail;
	}
	cp->f = NULL;  /* package_stream_end() closes it */
	if (package_stream_end(&cp->pkg, e))
		goto fail;
	if (reg_hand(cp, e))
		goto fail;
	snprintf(num, sizeof(num), "%lld", (long long)cp->docs);
	package_fact(&cp->pkg, "period", b->pname);
	package_fact(&cp->pkg, "branch", b->branch);
	package_fact(&cp->pkg, "channel", channels[cp->chan]);
	if (cp->part > 1) {
		char part[16];

		snprintf(part, sizeof(part), "%d", cp->part);
		package_fact(&cp->pkg, "part", part);
	}
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
	/* a branch with several parts: the earlier packages finish first */
	if (b->npend == DOCS_CHANNELS && cp_wait(b, 1, e))
		goto fail;
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

static int grow_done(struct branch_run *b, struct sbyt_err *e)
{
	int c = b->cdone ? 2 * b->cdone : DOCS_CHANNELS;
	struct done_pkg *d = realloc(b->done, (size_t)c * sizeof(*d));

	if (!d)
		return err_set(e, ERR_INTERNAL, "out of memory");
	b->done = d;
	b->cdone = c;
	return 0;
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
			} else if (b->ndone == b->cdone &&
				   grow_done(b, e)) {
				rc = -1;
				package_abort(&cp->pkg);
			} else {
				b->made[cp->chan] = 1;
				b->r->packages++;
				b->r->pages += cp->pages;
				b->r->t_render += cp->render_cpu;
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
			dbuf_release(&cp->reg);
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
	struct copybin fill, send;  /* the batch of rows being filled (binary COPY,
	                               header and all), the one being stored */
	struct dbuf carry;       /* the same of the carries (into docs_carry_new) */
	int frows;
	int pending, quit, failed;
	struct sbyt_err err;     /* the thread's failure */
};

/* In binary: the server does not parse the dates and numbers (text COPY
 * of the rows was 5.6 s of server CPU at N = 1,000,000). */
static const char rowq_sql[] = "COPY document (account_id, period, branch, number, channel,"
	" issued_on, due, total, qr, part, run_id) FROM STDIN (FORMAT binary)";

/* The carries of the settled history (sql/260) the new documents worked
 * out, stored with them; branch_body() moves them into docs_carry. */
static const char rowq_carry_sql[] = "COPY docs_carry_new (account_id, period, cut, amount,"
	" penalty, rest_ids, rest) FROM STDIN";

/* One COPY of len bytes of rows (the statement says their format); 0, or
 * -1 with q->err set. */
static int rowq_copy(struct rowq *q, const char *sql, const char *buf, size_t len)
{
	return copy_send(q->db, sql, buf, len, &q->err) || db_drain(q->db, &q->err) ? -1 : 0;
}

static void *rowq_main(void *arg)
{
	struct rowq *q = arg;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->pending && !q->quit)
			pthread_cond_wait(&q->cv, &q->mu);
		if (!q->pending)
			break;
		pthread_mutex_unlock(&q->mu);
		if (!q->failed && rowq_copy(q, rowq_sql, q->send.buf, q->send.len))
			q->failed = 1;
		free(q->send.buf);
		memset(&q->send, 0, sizeof(q->send));
		if (!q->failed && q->carry.slen > 0 &&
		    rowq_copy(q, rowq_carry_sql, q->carry.send, q->carry.slen))
			q->failed = 1;
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
	if (db_exec(db, e, "CREATE TEMP TABLE docs_carry_new (account_id bigint NOT NULL,"
		    " period date NOT NULL, cut date NOT NULL, amount bigint NOT NULL,"
		    " penalty bigint NOT NULL, rest_ids bigint[] NOT NULL, rest bigint[] NOT NULL)"
		    " ON COMMIT DROP", 0, NULL)) {
		free(q);
		return -1;
	}
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
	int failed;

	pthread_mutex_lock(&q->mu);
	while (q->pending)
		pthread_cond_wait(&q->cv, &q->mu);
	failed = q->failed;
	if (!failed && q->fill.rows > 0 && copybin_mem_end(&q->fill, &q->err))
		failed = q->failed = 1;
	if (!failed && q->fill.rows > 0) {
		q->send = q->fill;
		memset(&q->fill, 0, sizeof(q->fill));
		q->frows = 0;
		dbuf_swap(&q->carry);
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
	free(q->fill.buf);
	free(q->send.buf);
	dbuf_release(&q->carry);
	free(q);
	return rc;
}

/* One new document row into the batch; a full batch goes to the writer
 * thread, so the server stores the rows (indexes, foreign keys) while we
 * write the packages. */
static int put_row(struct branch_run *b, int64_t account, int number, int chan, int part,
		   sdate due, money total, const char *qr, struct sbyt_err *e)
{
	struct copybin *c = &b->rows->fill;
	double t0 = now();
	int rc = 0;

	if ((!c->buf && copybin_mem_begin(c, e)) || copybin_row(c, 11, e) ||
	    copybin_int8(c, account, e) || copybin_date(c, period_first(b->o->period), e) ||
	    copybin_text(c, b->branch, e) || copybin_int4(c, number, e) ||
	    copybin_text(c, channels[chan], e) || copybin_date(c, b->o->as_of, e) ||
	    copybin_date(c, due, e) || copybin_int8(c, total, e) || copybin_text(c, qr, e) ||
	    copybin_int2(c, part, e) ||
	    (b->o->run_id > 0 ? copybin_int8(c, b->o->run_id, e) : copybin_null(c, e)))
		return -1;
	if (++b->rows->frows >= ROWQ_BATCH)
		rc = rowq_hand(b->rows, e);
	b->r->t_rows += now() - t0;
	return rc;
}

/* Append n bytes to the carries' batch. */
static int carry_add(struct rowq *q, const char *t, size_t n, struct sbyt_err *e)
{
	if (dbuf_reserve(&q->carry, n, 1 << 16, e))
		return -1;
	memcpy(q->carry.fill + q->carry.flen, t, n);
	q->carry.flen += n;
	return 0;
}

/* The carry d settled into the carries' batch (handed over with the rows):
 * account, period, cut, amount, penalty, {rest ids}, {rests}. */
static int put_carry(struct branch_run *b, const struct docmodel *d, struct sbyt_err *e)
{
	struct rowq *q = b->rows;
	char line[160], p[DATE_BUF], c[DATE_BUF];
	int n;

	n = snprintf(line, sizeof(line), "%s\t%s\t%s\t%lld\t%lld\t{", d->account,
		     date_format(period_first(d->settle_period), p), date_format(d->settle_cut, c),
		     (long long)d->settle_amount, (long long)d->settle_penalty);
	if (n < 0 || n >= (int)sizeof(line))
		return err_set(e, ERR_INTERNAL, "the carry of account %s is too long", d->account);
	if (carry_add(q, line, (size_t)n, e))
		return -1;
	for (int pass = 0; pass < 2; pass++) {
		int first = 1;
		for (int i = 0; i < d->npay; i++) {
			const struct docmodel_pay *r = &d->pay[i];
			if (r->date > d->settle_cut || r->rest == 0)
				continue;
			n = snprintf(line, sizeof(line), "%s%lld", first ? "" : ",",
				     (long long)(pass ? r->rest : r->id));
			if (carry_add(q, line, (size_t)n, e))
				return -1;
			first = 0;
		}
		if (carry_add(q, pass ? "}\n" : "}\t{", pass ? 2 : 3, e))
			return -1;
	}
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

enum { D_SEQ, D_NUMBER, D_CHAN, D_ACCOUNT, D_KIND, D_NAME, D_ADDRESS, D_POSTCODE, D_INN, D_KPP,
       D_CONTRACT, D_TOTAL, D_QR, D_DUE, D_WTEXT, D_WPROC, D_WDEBT, D_WISSUED, D_WRULE,
       D_ISSUED, D_RESIDENTS, D_ROOMS, D_PART, D_KPERIOD, D_KCUT, D_KAMOUNT, D_KPENALTY };

#define V(c, col) docs_cursor_val(c, col)

/* Skip to the rows of document seq; 0 or -1 with e set. */
static int skip_to(struct docs_cursor *c, int64_t seq, struct sbyt_err *e)
{
	while (docs_cursor_seq(c) < seq)
		if (docs_cursor_next(c, e))
			return -1;
	return 0;
}

/* Read the document at the docs cursor into d, consuming the rows of the
 * other cursors that belong to it (the reading half of one_document). */
static int read_document(struct branch_run *b, struct docmodel *d, struct sbyt_err *e)
{
	struct docs_cursor *docs = &b->docs, *lines = &b->lines, *obl = &b->obl, *pay = &b->pay;
	struct docs_cursor *rd = &b->rd;
	int64_t seq = docs_cursor_seq(docs);

	docmodel_reset(d);
	d->period = b->o->period;
	d->number = (int)to_i64(V(docs, D_NUMBER));
	docmodel_set(d->account, sizeof(d->account), V(docs, D_ACCOUNT));
	d->legal = !strcmp(V(docs, D_KIND), "legal");
	docmodel_set(d->name, sizeof(d->name), V(docs, D_NAME));
	docmodel_set(d->address, sizeof(d->address), V(docs, D_ADDRESS));
	docmodel_set(d->postcode, sizeof(d->postcode), V(docs, D_POSTCODE));
	d->has_inn = V(docs, D_INN) != NULL;
	d->residents = (int)to_i64(V(docs, D_RESIDENTS));
	d->rooms = (int)to_i64(V(docs, D_ROOMS));
	docmodel_set(d->inn, sizeof(d->inn), V(docs, D_INN));
	docmodel_set(d->kpp, sizeof(d->kpp), V(docs, D_KPP));
	docmodel_set(d->contract, sizeof(d->contract), V(docs, D_CONTRACT));
	d->issued_on = V(docs, D_ISSUED) ? parse_date(V(docs, D_ISSUED)) : b->o->as_of;
	if (V(docs, D_TOTAL)) {
		d->issued_before = 1;
		d->was_total = to_i64(V(docs, D_TOTAL));
		d->was_due = parse_date(V(docs, D_DUE));
		docmodel_set(d->was_qr, sizeof(d->was_qr), V(docs, D_QR));
	}
	if (V(docs, D_WTEXT) && V(docs, D_WTEXT)[0]) {
		char debt[MONEY_BUF];
		money m = 0;

		money_parse(V(docs, D_WDEBT), -1, 0, &m);
		if (docmodel_set_warning(d, V(docs, D_WTEXT), e))
			return -1;
		docmodel_set(d->w_procedure, sizeof(d->w_procedure), V(docs, D_WPROC));
		docmodel_set(d->w_debt, sizeof(d->w_debt), money_format(m, debt));
		docmodel_set(d->w_issued, sizeof(d->w_issued), V(docs, D_WISSUED));
		docmodel_set(d->w_rule, sizeof(d->w_rule), V(docs, D_WRULE));
	}
	if (V(docs, D_KPERIOD)) {
		d->has_carry = 1;
		d->carry_period = period_of(parse_date(V(docs, D_KPERIOD)));
		d->carry_cut = parse_date(V(docs, D_KCUT));
		d->carry_amount = to_i64(V(docs, D_KAMOUNT));
		d->carry_penalty = to_i64(V(docs, D_KPENALTY));
	}
	if (skip_to(lines, seq, e))
		return -1;
	for (; docs_cursor_seq(lines) == seq; ) {
		struct docmodel_line *l = docmodel_add_line(d, e);
		const char *v;
		if (!l)
			return -1;
		docmodel_set(l->kind, sizeof(l->kind), V(lines, 1));
		l->zone = (int)to_i64(V(lines, 2));
		l->band = (int)to_i64(V(lines, 3));
		docmodel_set(l->volume, sizeof(l->volume), V(lines, 4));
		v = V(lines, 5);
		l->has_tariff = v != NULL;
		if (v)
			docmodel_tariff_text(v, l->tariff, sizeof(l->tariff));
		l->amount = to_i64(V(lines, 6));
		l->vat = to_i64(V(lines, 7));
		docmodel_set(l->basis, sizeof(l->basis), V(lines, 8));
		if (docs_cursor_next(lines, e))
			return -1;
	}
	if (skip_to(obl, seq, e))
		return -1;
	for (; docs_cursor_seq(obl) == seq; ) {
		struct docmodel_obl *o = docmodel_add_obl(d, e);
		if (!o)
			return -1;
		o->period = period_of(parse_date(V(obl, 1)));
		docmodel_set(o->kind, sizeof(o->kind), V(obl, 2));
		o->due = parse_date(V(obl, 3));
		o->amount = to_i64(V(obl, 4));
		if (docs_cursor_next(obl, e))
			return -1;
	}
	if (skip_to(pay, seq, e))
		return -1;
	for (; docs_cursor_seq(pay) == seq; ) {
		struct docmodel_pay *p = docmodel_add_pay(d, e);
		const char *named = V(pay, 4);
		if (!p)
			return -1;
		p->id = to_i64(V(pay, 1));
		p->date = parse_date(V(pay, 2));
		p->amount = to_i64(V(pay, 3));
		p->period = named ? period_of(parse_date(named)) : LEDGER_NO_PERIOD;
		if (docs_cursor_next(pay, e))
			return -1;
	}
	if (skip_to(rd, seq, e))
		return -1;
	for (; docs_cursor_seq(rd) == seq; ) {
		struct docmodel_read *r = docmodel_add_read(d, e);
		const char *prev = V(rd, 4) ? V(rd, 4) : V(rd, 3);
		const char *curv = V(rd, 5);
		if (!r)
			return -1;
		docmodel_set(r->meter, sizeof(r->meter), V(rd, 1));
		r->zone = (int)to_i64(V(rd, 2));
		docmodel_set(r->previous, sizeof(r->previous), prev ? prev : "0.000");
		r->has_current = curv != NULL;
		docmodel_set(r->current, sizeof(r->current), curv);
		if (docs_cursor_next(rd, e))
			return -1;
	}
	return 0;
}

/* Read, compose and write the document at the docs cursor: its row, its
 * XML, its register row (and its PDF). */
static int one_document(struct branch_run *b, struct sbyt_err *e)
{
	struct docmodel *d = &b->doc;
	struct chanpkg *cp = b->cp;

	if (read_document(b, d, e) || docmodel_compose(&b->mc, d, e))
		return -1;
	if (d->issued_before) {
		/* issued before: it must come out the same */
		if (!docmodel_as_issued(d)) {
			char was[MONEY_BUF], now_[MONEY_BUF];
			err_set(e, ERR_DATA, "published document %d of branch '%s' for %s would change"
				" (account %s: total %s, issued with %s)", d->number, b->branch, b->pname,
				d->account, money_format(d->total, now_), money_format(d->was_total, was));
			return err_detail(e, "an issued document is not altered: corrections go to the"
					  " next period as recalculation lines");
		}
	} else {
		/* the carry the next period starts from (put before the row:
		 * a full batch of rows hands the carries over with it) */
		docmodel_settle(&b->mc, d);
		if (d->settled && b->o->rules_version && put_carry(b, d, e))
			return -1;
		if (put_row(b, to_i64(d->account), d->number, cp->chan, cp->part, d->due, d->total,
			    d->qr, e))
			return -1;
		b->r->issued++;
	}
	docs_xml_document(&cp->xml, d);
	if (cp->xml.err)
		return err_set(e, cp->xml.err == EILSEQ ? ERR_DATA : ERR_IO,
			       "cannot write the documents of '%s': account %s: %s", cp->pkg.final,
			       d->account, xmlout_error(&cp->xml));
	if (cp->render && docs_render_put(cp->render, d, e))
		return -1;
	/* a legal entity's document: advance invoices, and in edo its УПД (SPEC 8.2) */
	if (d->legal && upd_put(cp, to_i64(d->account), d->number, e))
		return -1;

	/* the register row, written by the package's thread */
	{
		const money m[6] = { d->opening, d->charged, d->recalc, d->penalty, d->paid, d->total };
		const char *str[4] = { d->account, d->name, d->postcode, d->address };
		if (reg_put(cp, d->number, d->due, m, str, e))
			return -1;
	}

	if (cp->docs == 0 || d->number < cp->first)
		cp->first = d->number;
	if (d->number > cp->last)
		cp->last = d->number;
	cp->docs++;
	cp->total += d->total;
	cp->opening += d->opening;
	cp->charged += d->charged;
	cp->recalc += d->recalc;
	cp->penalty += d->penalty;
	cp->paid += d->paid;
	b->r->documents++;
	b->r->total += d->total;
	return 0;
}

/* One account of the branch to document (number_documents()). */
struct numrow {
	int64_t account;
	int64_t number;          /* 0: none yet */
	int64_t seq;
	int chan, part;          /* part 0: none yet */
	size_t koff;             /* its sort key (post: the address's, else ""): at */
	const char *key;         /* koff in the keys read, then the key */
};

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* New documents' order: channel, sort key (as bytes), account. */
static int cmp_new(const void *pa, const void *pb)
{
	const struct numrow *a = *(struct numrow *const *)pa, *b = *(struct numrow *const *)pb;
	int c = a->chan - b->chan;

	if (c == 0)
		c = strcmp(a->key, b->key);
	return c ? c : cmp_i64(a->account, b->account);
}

/* The order the packages of a part are written in: edo first, then post,
 * email, lkk.  An edo package's УПДs are the most work of a package's
 * thread after the last document is handed to it; written first, they are
 * made while the other channels' documents are. */
static const int write_order[DOCS_CHANNELS] = { 1, 2, 3, 0 };

/* The documents' order (seq): part, channel (write_order), number. */
static int cmp_seq(const void *pa, const void *pb)
{
	const struct numrow *a = *(struct numrow *const *)pa, *b = *(struct numrow *const *)pb;
	int c = a->part != b->part ? (a->part > b->part ? 1 : -1) :
		write_order[a->chan] - write_order[b->chan];

	return c ? c : cmp_i64(a->number, b->number);
}

static int cmp_account(const void *pa, const void *pb)
{
	return cmp_i64((*(struct numrow *const *)pa)->account, (*(struct numrow *const *)pb)->account);
}

/* Whether "part:chan" is in list ("{1:0,2:3}", docs_packages_missing()). */
static int in_missing(const char *list, int part, int chan)
{
	char item[32];
	size_t n = (size_t)snprintf(item, sizeof(item), "%d:%d", part, chan);

	for (const char *s = list ? strstr(list, item) : NULL; s; s = strstr(s + 1, item))
		if ((s[-1] == '{' || s[-1] == ',') && (s[n] == ',' || s[n] == '}'))
			return 1;
	return 0;
}

/* Read the branch's accounts to document and number them, in this
 * process, into docs_num: documents issued before keep their number and
 * part; new ones are numbered after the branch's last number (the shard's
 * base when it has none) in the order of channel, sort key (bytes, the
 * order of COLLATE "C") and account, and go in the part after the
 * branch's last (part 1 when the branch is published now); seq orders
 * them by part, channel (edo first: write_order) and number.  Resuming a
 * published branch keeps only the new documents and those of the packages
 * not in place.  Stored
 * in account order, so that the cursors' look-ups per account go along
 * the indexes, not in the documents' (address) order; each cursor sorts
 * its rows by seq.  (Sorting here, not in a query: 2.6 s less server CPU
 * at N = 1,000,000.) */
static int number_documents(struct branch_run *b, struct sbyt_err *e)
{
	const char *p[5] = { b->pfirst, b->branch, b->published ? "t" : "f", b->lo, b->hi };
	int64_t maxnum = -1, next;
	int maxpart = 0, nmissing = 0, resume = b->published && b->o->resume;
	struct numrow *rows = NULL, **ord = NULL;
	size_t n = 0, cap = 0, nkeep = 0, klen = 0, kcap = 0;
	char *keys = NULL, *missing = NULL;
	struct docs_cursor acc;
	int acc_open = 0, rc = -1;
	PGresult *res;
	struct copy c;

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
	if (docs_cursor_open(&acc, b->rdb, "docs_acc",
		     /* edo only with the buyer's EDO id, else e-mail or post (SPEC 8.2) */
		     "SELECT a.account_id, coalesce(d.channel, CASE WHEN a.delivery <> 'edo' OR"
		     " EXISTS (SELECT 1 FROM contract k WHERE k.account_id = a.account_id AND"
		     " k.edo_id IS NOT NULL) THEN a.delivery WHEN coalesce(a.email, '') <> ''"
		     " THEN 'email' ELSE 'post' END), d.number, a.postcode,"
		     " a.address, d.part FROM account a LEFT JOIN document d ON d.account_id = a.account_id"
		     " AND d.period = $1::date AND $3::boolean WHERE a.branch = $2"
		     " AND a.account_id BETWEEN $4::bigint AND $5::bigint AND (d.account_id IS NOT NULL OR"
		     " EXISTS (SELECT 1 FROM charge_line l WHERE l.account_id = a.account_id"
		     " AND l.period = $1::date AND l.account_id BETWEEN $4::bigint AND $5::bigint))",
		     5, p, e))
		return -1;
	acc_open = 1;
	while (!acc.done) {
		for (; acc.row < acc.n; acc.row++) {
			const char *num = docs_cursor_val(&acc, 2), *part = docs_cursor_val(&acc, 5);
			struct numrow *r;
			char key[512];
			size_t kl;

			if (n == cap) {
				size_t nc = cap ? 2 * cap : 4096;
				struct numrow *nr = realloc(rows, nc * sizeof(*nr));
				if (!nr)
					goto oom;
				rows = nr;
				cap = nc;
			}
			r = &rows[n++];
			r->account = strtoll(docs_cursor_val(&acc, 0), NULL, 10);
			r->chan = channel_index(docs_cursor_val(&acc, 1));
			if (r->chan == 0)
				kl = address_sort_key(docs_cursor_val(&acc, 3), docs_cursor_val(&acc, 4),
						      key, sizeof(key));
			else
				kl = 0, key[0] = '\0';
			if (r->chan < 0)
				r->chan = 0;
			r->number = num ? atoll(num) : 0;
			r->part = part ? atoi(part) : 0;
			/* the branch's last number and part */
			if (num && r->number > maxnum)
				maxnum = r->number;
			if (r->part > maxpart)
				maxpart = r->part;
			if (klen + kl + 1 > kcap) {
				size_t nc = kcap ? 2 * kcap : 1 << 20;
				char *nk;
				while (nc < klen + kl + 1)
					nc *= 2;
				if (!(nk = realloc(keys, nc)))
					goto oom;
				keys = nk;
				kcap = nc;
			}
			memcpy(keys + klen, key, kl + 1);
			r->koff = klen;
			klen += kl + 1;
		}
		if (docs_cursor_fetch(&acc, e))
			goto out;
	}
	docs_cursor_close(&acc);
	acc_open = 0;
	if (db_exec(b->rdb, e, "CLOSE docs_acc", 0, NULL))
		goto out;
	if (resume && docs_packages_missing(b->rdb, b->o->out_dir, b->o->period, b->branch,
					    &missing, &nmissing, e))
		goto out;
	if (n && !(ord = malloc(n * sizeof(*ord))))
		goto oom;
	/* the new ones numbered after the branch's last */
	next = maxnum >= 0 ? maxnum : (int64_t)b->o->number_base;
	for (size_t i = 0; i < n; i++) {
		rows[i].key = keys + rows[i].koff;
		if (!rows[i].number)
			ord[nkeep++] = &rows[i];
	}
	qsort(ord, nkeep, sizeof(*ord), cmp_new);
	for (size_t i = 0; i < nkeep; i++)
		ord[i]->number = ++next;
	/* the documents to write, in the order of seq */
	nkeep = 0;
	for (size_t i = 0; i < n; i++) {
		struct numrow *r = &rows[i];
		int new = r->part == 0;
		if (new)
			r->part = maxpart + 1;
		if (!resume || new || in_missing(missing, r->part, r->chan))
			ord[nkeep++] = r;
	}
	qsort(ord, nkeep, sizeof(*ord), cmp_seq);
	for (size_t i = 0; i < nkeep; i++)
		ord[i]->seq = (int64_t)i + 1;
	qsort(ord, nkeep, sizeof(*ord), cmp_account);
	if (db_exec(b->rdb, e, "CREATE TEMP TABLE docs_num (account_id bigint NOT NULL,"
		    " chan smallint NOT NULL, number bigint NOT NULL, part integer NOT NULL,"
		    " seq bigint NOT NULL) ON COMMIT DROP", 0, NULL) ||
	    copy_begin(&c, b->rdb, "COPY docs_num FROM STDIN", e))
		goto out;
	for (size_t i = 0; i < nkeep; i++)
		if (copy_int(&c, ord[i]->account, e) || copy_int(&c, ord[i]->chan, e) ||
		    copy_int(&c, ord[i]->number, e) || copy_int(&c, ord[i]->part, e) ||
		    copy_int(&c, ord[i]->seq, e) || copy_row(&c, e)) {
			copy_abort(&c, "failed");
			goto out;
		}
	if (copy_end(&c, e) ||
	    db_exec(b->rdb, e, "CREATE UNIQUE INDEX ON docs_num (account_id)", 0, NULL) ||
	    /* the column the cursors join by (and the table's size): the
	     * others' statistics are never read */
	    db_exec(b->rdb, e, "ANALYZE docs_num (account_id)", 0, NULL))
		goto out;
	rc = 0;
	goto out;
oom:
	err_set(e, ERR_INTERNAL, "out of memory");
out:
	if (acc_open)
		docs_cursor_close(&acc);
	free(missing);
	free(ord);
	free(rows);
	free(keys);
	return rc;
}

/* The carry each document of the branch starts from (sql/260, 281), in
 * docs_k for the three cursors that use it: one made with these rules whose
 * period and cut are before the period, the latest such; for a document
 * issued before, one made by its run or before it (the payments it holds
 * were all in that run's reading: one written later and dated up to the
 * cut deletes it).  Worked out once a branch, not per account per cursor. */
static int carry_table(struct branch_run *b, struct sbyt_err *e)
{
	const char *p[5] = { b->pfirst, b->lo, b->hi, b->published ? "t" : "f", b->o->rules_version };

	return db_exec(b->rdb, e, "CREATE TEMP TABLE docs_k ON COMMIT DROP AS"
		       " SELECT DISTINCT ON (k.account_id) k.account_id, k.period, k.cut, k.amount,"
		       " k.penalty, k.rest_ids, k.rest FROM docs_num n"
		       " JOIN docs_carry k ON k.account_id = n.account_id"
		       " AND k.account_id BETWEEN $2::bigint AND $3::bigint"
		       " LEFT JOIN document d ON d.account_id = n.account_id AND d.period = $1::date"
		       " AND $4::boolean AND d.account_id BETWEEN $2::bigint AND $3::bigint"
		       " WHERE k.period < $1::date AND k.cut < $1::date AND k.rules = $5::text"
		       " AND (d.run_id IS NULL OR k.made_run <= d.run_id)"
		       " ORDER BY k.account_id, k.period DESC, k.made_for DESC", 5, p) ||
	       db_exec(b->rdb, e, "CREATE UNIQUE INDEX ON docs_k (account_id)", 0, NULL) ||
	       /* as docs_num: the arrays' element statistics were most of it */
	       db_exec(b->rdb, e, "ANALYZE docs_k (account_id)", 0, NULL);
}

/* Open the five cursors of the branch on the reader (after numbering). */
static int open_cursors(struct branch_run *b, struct sbyt_err *e)
{
	const char *p1[3] = { b->pfirst, b->lo, b->hi };
	const char *p12[4] = { b->pfirst, b->plast, b->lo, b->hi };
	const char *pdoc[4] = { b->pfirst, b->published ? "t" : "f", b->lo, b->hi };
	const char *pp[5] = { b->plast, b->lo, b->hi, b->pfirst, b->published ? "t" : "f" };
	struct docs_cursor *docs = &b->docs, *lines = &b->lines, *obl = &b->obl, *pay = &b->pay;
	struct docs_cursor *rd = &b->rd;

	memset(lines, 0, sizeof(*lines));
	memset(obl, 0, sizeof(*obl));
	memset(pay, 0, sizeof(*pay));
	memset(rd, 0, sizeof(*rd));
	if (carry_table(b, e))
		return -1;
	b->curs_open = 1;
	if (docs_cursor_open(docs, b->rdb, "docs_doc",
		     "SELECT n.seq, n.number, n.chan, a.account_id, a.kind, a.name, a.address,"
		     " a.postcode, c.inn, c.kpp, c.contract, d.total, d.qr, d.due,"
		     " w.text, w.procedure, w.debt, w.issued, w.rule, d.issued_on, a.residents, a.rooms,"
		     " n.part, k.period, k.cut, k.amount, k.penalty"
		     " FROM docs_num n JOIN account a ON a.account_id = n.account_id"
		     " AND a.account_id BETWEEN $3::bigint AND $4::bigint"
		     " LEFT JOIN contract c ON c.account_id = n.account_id"
		     " AND c.account_id BETWEEN $3::bigint AND $4::bigint"
		     " LEFT JOIN document d ON d.account_id = n.account_id AND d.period = $1::date"
		     " AND $2::boolean"
		     /* the carry of the settled history (sql/260, 281) */
		     " LEFT JOIN docs_k k ON k.account_id = n.account_id"
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
	if (docs_cursor_open(lines, b->rdb, "docs_line",
		     "SELECT n.seq, l.kind, l.zone, l.band, l.volume, l.tariff, l.amount, l.vat, l.basis"
		     " FROM docs_num n JOIN charge_line l ON l.account_id = n.account_id"
		     " AND l.period = $1::date AND l.account_id BETWEEN $2::bigint AND $3::bigint"
		     " ORDER BY n.seq, l.line_no", 3, p1, e) ||
	    docs_cursor_open(obl, b->rdb, "docs_obl",
		     /* after the carry when the docs cursor has one (the same
		      * conditions); one index range per account (OFFSET 0 keeps
		      * it a range, not a scan of the branch's whole history) */
		     "SELECT n.seq, o.period, o.kind, o.due, o.amount FROM docs_num n"
		     " LEFT JOIN docs_k k ON k.account_id = n.account_id"
		     " JOIN LATERAL (SELECT o.period, o.kind, o.due, o.amount, o.seq FROM obligation o"
		     " WHERE o.account_id = n.account_id AND o.period <= $1::date"
		     " AND o.period > coalesce(k.period, '-infinity') OFFSET 0) o ON true"
		     " ORDER BY n.seq, o.period, o.seq", 1, p1, e) ||
	    docs_cursor_open(pay, b->rdb, "docs_pay",
		     "SELECT n.seq, p.payment_id, p.paid_on, p.amount, p.period FROM docs_num n"
		     /* a document issued before stays as issued: without the
		      * payments ingested by later runs (they show in the next
		      * period's document) */
		     " LEFT JOIN document d ON d.account_id = n.account_id AND d.period = $4::date"
		     " AND $5::boolean AND d.account_id BETWEEN $2::bigint AND $3::bigint"
		     " LEFT JOIN docs_k k ON k.account_id = n.account_id"
		     " JOIN LATERAL (SELECT * FROM (SELECT p.payment_id, p.paid_on, p.amount, p.period,"
		     " p.run_id FROM payment p WHERE p.account_id = n.account_id AND p.paid_on <= $1::date"
		     " AND p.paid_on > coalesce(k.cut, '-infinity') OFFSET 0) pa"
		     /* the rests of the payments carried: the period they name
		      * only when it is after the carry (docmodel_settle()); a
		      * primary key probe per rest (OFFSET 0 keeps it a probe: as a
		      * join it was planned as a hash of all the account's payments,
		      * a year's after a year of history, read for every account
		      * with a rest) */
		     " UNION ALL SELECT p.payment_id, p.paid_on, r.rest, CASE WHEN p.period > k.period"
		     " THEN p.period END, p.run_id FROM unnest(k.rest_ids, k.rest) AS r(id, rest)"
		     " JOIN LATERAL (SELECT p.payment_id, p.paid_on, p.period, p.run_id FROM payment p"
		     " WHERE p.account_id = n.account_id AND p.payment_id = r.id OFFSET 0) p ON true)"
		     " p ON true"
		     " WHERE (d.run_id IS NULL OR p.run_id IS NULL OR p.run_id < d.run_id)"
		     " ORDER BY n.seq, p.paid_on, p.payment_id", 5, pp, e) ||
	    /* the walk back below as an index scan per meter, stopping at its
	     * first row: after a year of history the planner prefers a bitmap
	     * of every month of the meter sorted (410 against 127 ms a branch
	     * of 10,000 in make bench-year), on day 1 both cost the same */
	    db_exec(b->rdb, e, "SET LOCAL enable_bitmapscan = off", 0, NULL) ||
	    /* the readings the bill of the period used (SPEC 8): the register
	     * values its 'actual' row ends at and starts from (150); without a
	     * start (rows before 150) or without a reading this period (an
	     * estimate, the norm), the register value of the last month billed
	     * on a reading, else the meter's initial value */
	    docs_cursor_open(rd, b->rdb, "docs_read",
		     "SELECT n.seq, m.meter, z.zone, CASE z.zone WHEN 1 THEN m.initial_t1"
		     " WHEN 2 THEN m.initial_t2 ELSE m.initial_t3 END,"
		     " CASE WHEN cu.reading_t1 IS NOT NULL AND cu.start_t1 IS NOT NULL THEN"
		     "  CASE z.zone WHEN 1 THEN cu.start_t1 WHEN 2 THEN cu.start_t2 ELSE cu.start_t3 END"
		     " ELSE CASE z.zone WHEN 1 THEN pr.reading_t1 WHEN 2 THEN pr.reading_t2"
		     "  ELSE pr.reading_t3 END END,"
		     " CASE z.zone WHEN 1 THEN cu.reading_t1 WHEN 2 THEN cu.reading_t2"
		     "  ELSE cu.reading_t3 END"
		     " FROM docs_num n JOIN meter m ON m.account_id = n.account_id"
		     " AND m.installed_on <= $2::date AND m.account_id BETWEEN $3::bigint AND $4::bigint"
		     /* the period's row: one primary key probe per meter (OFFSET
		      * 0 keeps it a probe).  As a join it was planned on
		      * statistics from before the bill wrote the period's rows
		      * (on a year of history they are too few to analyze again:
		      * one row estimated), as a loop over every row of the
		      * branch's period per meter: 37 million rows, 8.8 s a
		      * branch of 10,000 in make bench-year, against 0.2 s */
		     " LEFT JOIN LATERAL (SELECT cu.reading_t1, cu.reading_t2, cu.reading_t3,"
		     " cu.start_t1, cu.start_t2, cu.start_t3 FROM consumption cu"
		     " WHERE cu.account_id = m.account_id AND cu.period = $1::date"
		     " AND cu.billed_in = $1::date AND cu.meter = m.meter AND cu.basis = 'actual'"
		     " OFFSET 0) cu ON true"
		     /* the latest month with register values, only when the
		      * period's row has no start (the CASE above reads it then
		      * alone): the primary key walked back from the period,
		      * stopping at the first (not every month of the history
		      * sorted); a meter read this period with its start skips the
		      * walk (one-time filter): 1.2 s less server CPU at 1M */
		     " LEFT JOIN LATERAL (SELECT c.reading_t1, c.reading_t2, c.reading_t3"
		     " FROM consumption c WHERE c.account_id = m.account_id AND c.meter = m.meter"
		     " AND c.period < $1::date AND c.billed_in <= $1::date AND c.reading_t1 IS NOT NULL"
		     " AND (cu.reading_t1 IS NULL OR cu.start_t1 IS NULL)"
		     " ORDER BY c.period DESC, c.billed_in DESC LIMIT 1) pr ON true"
		     " CROSS JOIN LATERAL generate_series(1, m.zones) AS z(zone)"
		     " ORDER BY n.seq, m.meter, z.zone", 4, p12, e) ||
	    db_exec(b->rdb, e, "SET LOCAL enable_bitmapscan = on", 0, NULL))
		return -1;
	return 0;
}

static void close_cursors(struct branch_run *b)
{
	if (!b->curs_open)
		return;
	docs_cursor_close(&b->docs);
	docs_cursor_close(&b->lines);
	docs_cursor_close(&b->obl);
	docs_cursor_close(&b->pay);
	docs_cursor_close(&b->rd);
	b->curs_open = 0;
}

/* Write the documents and packages of the branch from its open cursors. */
static int stream_documents(struct branch_run *b, struct sbyt_err *e)
{
	struct docs_cursor *curs[5] = { &b->docs, &b->lines, &b->obl, &b->pay, &b->rd };
	struct docs_prefetch pf;
	int rc = -1, pf_on = 0;
	double t0 = now();

	if (docs_prefetch_start(&pf, b->rdb, curs, 5, e))
		goto out;
	pf_on = 1;
	while (!b->docs.done) {
		int chan = (int)to_i64(docs_cursor_val(&b->docs, D_CHAN));
		int part = (int)to_i64(docs_cursor_val(&b->docs, D_PART));
		if (b->cp && (b->cp->chan != chan || b->cp->part != part) && cp_commit(b, e))
			goto out;
		if (!b->cp && cp_open(b, chan, part, e))
			goto out;
		if (one_document(b, e) ||
		    docs_cursor_next(&b->docs, e))
			goto out;
		if (b->o->progress)
			progress_add(b->o->progress, 1);
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
		docs_prefetch_stop(&pf, curs, 5);
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
	/* No obligation or payment is written from before the reader's
	 * snapshot (taken below, after the lock) until the branch commits: the
	 * carries (sql/260) it writes then stand on every row that can exist
	 * when they are first used, and one written afterwards meets them in
	 * the triggers.  Writers (ingest, bill of another branch) wait for the
	 * branch; readers do not. */
	if (db_exec(b->db, e, "LOCK TABLE obligation, payment IN SHARE MODE", 0, NULL))
		goto fail;
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
	/* the carries, with the rules they were valued with and the period
	 * that made them; docs_carry_top for the triggers of sql/260 */
	{
		const char *pk[3] = { b->pfirst, b->o->rules_version, p[2] };
		if (b->o->rules_version &&
		    (db_exec(b->db, e, "INSERT INTO docs_carry (account_id, period, cut, amount, penalty,"
			     " rest_ids, rest, rules, made_for, made_run) SELECT account_id, period, cut,"
			     " amount, penalty, rest_ids, rest, $2::text, $1::date, $3::bigint"
			     " FROM docs_carry_new ON CONFLICT (account_id, made_for) DO UPDATE SET"
			     " period = excluded.period, cut = excluded.cut, amount = excluded.amount,"
			     " penalty = excluded.penalty, rest_ids = excluded.rest_ids,"
			     " rest = excluded.rest, rules = excluded.rules,"
			     " made_run = excluded.made_run", 3, pk) ||
		     /* kept: this period's and the one before (a re-issue of
		      * this period starts from that one, sql/281) */
		     db_exec(b->db, e, "DELETE FROM docs_carry k USING docs_carry_new n"
			     " WHERE k.account_id = n.account_id"
			     " AND k.made_for < $1::date - interval '1 month'", 1, pk) ||
		     db_exec(b->db, e, "INSERT INTO docs_carry_top (made_for, cut)"
			     " SELECT $1::date, max(cut) FROM docs_carry_new HAVING count(*) > 0"
			     " ON CONFLICT (one) DO UPDATE SET"
			     " made_for = greatest(docs_carry_top.made_for, excluded.made_for),"
			     " cut = greatest(docs_carry_top.cut, excluded.cut)", 1, pk)))
			goto fail;
	}
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
	if (!b->published || !b->o->resume)  /* resuming writes only some packages */
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
	struct upd_pool pool = { .n = 0 };
	struct docs_texts texts;
	struct docs_pdf_env env;
	PGresult *res = NULL;
	int nb, have_texts = 0, early = 0;
	const char *p[2];
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&pr, 0, sizeof(pr));
	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&pool.mu, NULL);
	b.db = db;
	b.o = o;
	b.r = r;
	b.pool = &pool;
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
	/* the month partition of document the rows go into (sql/283), before
	 * the branches' transactions */
	if (db_exec(db, e, "SELECT sbyt_month_partition('document', $1::date)", 1, p))
		goto out;
	/* the cursors' plans need statistics of what bill and ingest wrote */
	{
		static const char *const read[] = { "account", "meter", "contract", "consumption",
			"charge_line", "obligation", "payment", "document", "docs_carry",
			"limit_doc_warning", NULL };
		if (db_analyze_grown(db, read, e))
			goto out;
	}

	/* leftovers of a killed run (the docs lock is ours) */
	for (int i = 0; i < PQntuples(res); i++) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/docs/%s/%s", o->out_dir, b.pname, PQgetvalue(res, i, 0));
		package_clean(dir);
	}
	if (tariff_rules_load(o->rules_dir, &tr, f) || penalty_rules_load(o->rules_dir, &pr, f) ||
	    (o->pdf && docs_texts_load(o->rules_dir, &texts, f))) {
		err_set(e, ERR_CONFIG, "the rules in '%s' are invalid", o->rules_dir);
		goto out;
	}
	have_texts = o->pdf;
	if (o->progress) {
		/* the documents to come, for the ETA (drawn on a terminal only) */
		char *n = NULL;
		if (db_value(db, e, "SELECT count(*) FROM (SELECT DISTINCT l.account_id FROM"
			     " charge_line l JOIN account a ON a.account_id = l.account_id"
			     " WHERE l.period = $1::date AND ($2::text IS NULL OR a.branch = $2)) s",
			     2, p, &n))
			goto out;
		progress_start_unit(o->progress, "docs", "documents", n ? strtoll(n, NULL, 10) : 0);
		free(n);
	}
	b.sup = tariff_supplier(tr);
	b.billing = tariff_billing(tr);
	b.pr = &pr;
	if (o->pdf) {
		env.texts = &texts;
		env.sup = b.sup;
		env.billing = b.billing;
		b.penv = &env;
	}
	nb = PQntuples(res);
	/* Two slots of connections take turns: while the documents of one
	 * branch are written, the next branch is locked, numbered and its
	 * cursors opened on the other slot's connections.  With one branch
	 * the caller's connection is the writer. */
	bs[0] = bs[1] = b;
	bs[0].db = bs[1].db = NULL;
	for (int k = 0; k < 2; k++) {
		docmodel_ctx_init(&bs[k].mc, b.sup, b.billing, b.pr);
		docmodel_init(&bs[k].doc);
	}
	if (nb == 1)
		bs[0].db = db;
	for (int k = 0; k < (nb > 1 ? 2 : 1); k++) {
		if (!bs[k].db && !(bs[k].db = db_connect(o->conninfo, e)))
			goto out_free;
		if (!(bs[k].rdb = db_connect(o->conninfo, e)))
			goto out_free;
	}
	/* the second branch's head beside the first's (nothing else runs
	 * then), the others' each beside the body of the branch before */
	bs[0].branch = PQgetvalue(res, 0, 0);
	if (nb > 1) {
		bs[1].branch = PQgetvalue(res, 1, 0);
		early = pthread_create(&bs[1].head_th, NULL, head_main, &bs[1]) == 0;
	}
	if (branch_head(&bs[0], e)) {
		if (early) {
			pthread_join(bs[1].head_th, NULL);
			if (bs[1].head_rc == 0)
				branch_abort(&bs[1]);
		}
		goto out_free;
	}
	for (int i = 0; i < nb; i++) {
		struct branch_run *cur = &bs[i % 2], *next = &bs[(i + 1) % 2];
		int ahead = i + 1 < nb, threaded = 0, body;

		if (ahead && i == 0 && early) {
			threaded = 1;
		} else if (ahead) {
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
		docmodel_ctx_release(&bs[k].mc);
		docmodel_release(&bs[k].doc);
		free(bs[k].done);
	}
out:
	while (pool.n > 0)
		upd_docs_free(pool.c[--pool.n]);
	pthread_mutex_destroy(&pool.mu);
	PQclear(res);
	if (have_texts)
		docs_texts_release(&texts);
	tariff_rules_free(tr);
	penalty_rules_release(&pr);
	return rc;
}

int docs_reprint(PGconn *db, const struct docs_opts *o, const char *account, const char *path,
		int *pages, struct faults *f, struct sbyt_err *e)
{
	struct tariff_rules *tr = NULL;
	struct penalty_rules pr;
	struct docs_texts texts;
	struct docs_pdf_env env;
	struct docs_pdf *pdf = NULL;
	struct docs_result r;
	struct branch_run b;
	PGresult *res = NULL;
	char tmp[4200];
	const char *p[2];
	int rc = -1, have_texts = 0, in_tx = 0;

	memset(&pr, 0, sizeof(pr));
	memset(&b, 0, sizeof(b));
	memset(&r, 0, sizeof(r));
	*pages = 0;
	b.db = b.rdb = db;
	b.o = o;
	b.r = &r;
	date_format(period_first(o->period), b.pfirst);
	date_format(period_last(o->period), b.plast);
	period_format(o->period, b.pname);
	if (tariff_rules_load(o->rules_dir, &tr, f) || penalty_rules_load(o->rules_dir, &pr, f) ||
	    docs_texts_load(o->rules_dir, &texts, f)) {
		err_set(e, ERR_CONFIG, "the rules in '%s' are invalid", o->rules_dir);
		goto out;
	}
	have_texts = 1;
	b.sup = tariff_supplier(tr);
	b.billing = tariff_billing(tr);
	b.pr = &pr;
	docmodel_ctx_init(&b.mc, b.sup, b.billing, b.pr);
	docmodel_init(&b.doc);
	if (db_exec(db, e, "BEGIN ISOLATION LEVEL REPEATABLE READ", 0, NULL))
		goto out;
	in_tx = 1;
	p[0] = b.pfirst;
	p[1] = account;
	res = db_query(db, e, "SELECT a.branch, d.number FROM account a LEFT JOIN document d"
		       " ON d.account_id = a.account_id AND d.period = $1::date"
		       " WHERE a.account_id = $2::bigint", 2, p);
	if (!res)
		goto out;
	if (PQntuples(res) == 0) {
		err_set(e, ERR_DATA, "unknown account '%s'", account);
		goto out;
	}
	if (PQgetisnull(res, 0, 1)) {
		err_set(e, ERR_DATA, "no payment document of account %s for %s", account, b.pname);
		err_detail(e, "documents are issued by `sbyt docs --period %s`", b.pname);
		goto out;
	}
	b.branch = PQgetvalue(res, 0, 0);
	b.published = 1;
	snprintf(b.lo, sizeof(b.lo), "%s", account);
	snprintf(b.hi, sizeof(b.hi), "%s", account);
	if (db_exec(db, e, "CREATE TEMP TABLE docs_num ON COMMIT DROP AS SELECT d.account_id,"
		    " 0::smallint AS chan, d.number, d.part, 1::bigint AS seq FROM document d"
		    " WHERE d.account_id = $2::bigint AND d.period = $1::date", 2, p) ||
	    open_cursors(&b, e))
		goto out;
	if (b.docs.done) {
		err_set(e, ERR_DATA, "no payment document of account %s for %s", account, b.pname);
		goto out;
	}
	if (read_document(&b, &b.doc, e) || docmodel_compose(&b.mc, &b.doc, e))
		goto out;
	if (!docmodel_as_issued(&b.doc)) {
		char was[MONEY_BUF], now_[MONEY_BUF];
		err_set(e, ERR_DATA, "document %d of account %s for %s would not come out as issued"
			" (total %s, issued with %s)", b.doc.number, account, b.pname,
			money_format(b.doc.total, now_), money_format(b.doc.was_total, was));
		err_detail(e, "the data changed after the document was issued; corrections go to the"
			   " next period");
		goto out;
	}
	env.texts = &texts;
	env.sup = b.sup;
	env.billing = b.billing;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%d", path, (int)getpid()) >= (int)sizeof(tmp)) {
		err_set(e, ERR_CANTCREATE, "output path too long");
		goto out;
	}
	if (package_mkdirs(path, e) || !(pdf = docs_pdf_new(&env, e)) ||
	    pdf_begin(docs_pdf_file(pdf), tmp, b.doc.issued_on, e))
		goto out;
	if (docs_pdf_document(pdf, &b.doc, e)) {
		pdf_abort(docs_pdf_file(pdf));
		goto out;
	}
	*pages = pdf_pages(docs_pdf_file(pdf));
	if (pdf_end(docs_pdf_file(pdf), 1, e))
		goto out;
	if (rename(tmp, path) != 0) {
		err_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (package_fsync(path, e))
		goto out;
	rc = 0;
out:
	if (b.curs_open)
		close_cursors(&b);
	if (in_tx)
		db_rollback(db);
	docs_pdf_free(pdf);
	PQclear(res);
	if (b.sup) {
		docmodel_ctx_release(&b.mc);
		docmodel_release(&b.doc);
	}
	if (have_texts)
		docs_texts_release(&texts);
	tariff_rules_free(tr);
	penalty_rules_release(&pr);
	return rc;
}
