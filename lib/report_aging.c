/* report_aging.c - the aging report of overdue debt by bucket; see report.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "debt.h"
#include "report.h"
#include "xlsx.h"

/* Upper limits (inclusive) of the buckets but the last, in days overdue. */
static const int bucket_to[AGING_BUCKETS - 1] = { 30, 90, 180 };

static const char *const bucket_name[AGING_BUCKETS] = {
	"0–30 дней", "31–90 дней", "91–180 дней", "Свыше 180 дней"
};

struct branch_sum {
	char code[DEBT_BRANCH_MAX];
	int64_t accounts;
	money bucket[AGING_BUCKETS];
	money penalty;
};

struct aging {
	struct xlsx_table t;
	struct aging_totals *tot;
	struct branch_sum *br;
	int nbr, cap;
};

static int bucket_of(int days)
{
	int b = 0;

	while (b < AGING_BUCKETS - 1 && days > bucket_to[b])
		b++;
	return b;
}

static struct branch_sum *branch_get(struct aging *g, const char *code)
{
	for (int i = 0; i < g->nbr; i++)
		if (strcmp(g->br[i].code, code) == 0)
			return &g->br[i];
	if (g->nbr == g->cap) {
		int ncap = g->cap ? g->cap * 2 : 16;
		struct branch_sum *nb = realloc(g->br, sizeof(*nb) * (size_t)ncap);
		if (!nb)
			return NULL;
		g->br = nb;
		g->cap = ncap;
	}
	memset(&g->br[g->nbr], 0, sizeof(g->br[0]));
	snprintf(g->br[g->nbr].code, sizeof(g->br[0].code), "%s", code);
	return &g->br[g->nbr++];
}

static int aging_account(void *arg, const struct debt_account *a, struct sbyt_err *e)
{
	struct aging *g = arg;
	const struct ledger_debt *d = a->debt;
	money b[AGING_BUCKETS] = { 0 };
	struct branch_sum *bs;
	char acct[24];

	if (d->principal <= 0 && d->penalty <= 0)
		return 0;
	for (int i = 0; i < d->nper; i++)
		if (d->per[i].principal > 0)
			b[bucket_of(d->per[i].days_overdue)] += d->per[i].principal;
	bs = branch_get(g, a->branch);
	if (!bs)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (xlsx_table_row(&g->t, e))
		return -1;
	snprintf(acct, sizeof(acct), "%lld", (long long)a->account_id);
	xlsx_table_str(&g->t, 0, acct);
	xlsx_table_str(&g->t, 1, a->branch);
	xlsx_table_str(&g->t, 2, a->kind == CUSTOMER_LEGAL ? "юр. лицо" :
				 a->kind == CUSTOMER_MANAGING ? "юр. лицо (УО, ТСЖ, ЖСК)" : "физ. лицо");
	for (int k = 0; k < AGING_BUCKETS; k++) {
		xlsx_table_money(&g->t, 3 + k, b[k]);
		bs->bucket[k] += b[k];
		g->tot->bucket[k] += b[k];
	}
	xlsx_table_money(&g->t, 7, d->principal);
	xlsx_table_money(&g->t, 8, d->penalty);
	xlsx_table_money(&g->t, 9, d->principal + d->penalty);
	bs->accounts++;
	bs->penalty += d->penalty;
	g->tot->accounts++;
	g->tot->principal += d->principal;
	g->tot->penalty += d->penalty;
	return 0;
}

static int cmp_branch(const void *a, const void *b)
{
	return strcmp(((const struct branch_sum *)a)->code, ((const struct branch_sum *)b)->code);
}

static void summary_row(struct aging *g, lxw_worksheet *ws, lxw_row_t row, const char *label,
			int64_t accounts, const money *bucket, money penalty)
{
	money principal = 0;
	lxw_format *f = g->t.money;

	worksheet_write_string(ws, row, 0, label, NULL);
	worksheet_write_number(ws, row, 1, (double)accounts, NULL);
	for (int k = 0; k < AGING_BUCKETS; k++) {
		worksheet_write_number(ws, row, (lxw_col_t)(2 + k), (double)bucket[k] / 100.0, f);
		principal += bucket[k];
	}
	worksheet_write_number(ws, row, 6, (double)principal / 100.0, f);
	worksheet_write_number(ws, row, 7, (double)penalty / 100.0, f);
	worksheet_write_number(ws, row, 8, (double)(principal + penalty) / 100.0, f);
}

/* The sheet «Сводка»: per branch, the total, and the chart of the buckets. */
static int write_summary(struct aging *g, sdate as_of, struct sbyt_err *e)
{
	static const char *const head[] = { "Участок", "Счетов в долгу", NULL, NULL, NULL, NULL,
					    "Долг, всего", "Пени", "Итого" };
	lxw_worksheet *ws = workbook_add_worksheet(g->t.wb, "Сводка");
	lxw_chart *chart;
	lxw_chart_series *s;
	lxw_row_t row = 0, total;
	char title[96], db_[DATE_BUF];
	int y, m, d;

	if (!ws)
		return err_set(e, ERR_CANTCREATE, "cannot add the summary sheet to '%s'", g->t.path);
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 8, 16, NULL);
	for (int c = 0; c < 9; c++)
		worksheet_write_string(ws, row, (lxw_col_t)c,
				       head[c] ? head[c] : bucket_name[c - 2], g->t.bold);
	qsort(g->br, (size_t)g->nbr, sizeof(*g->br), cmp_branch);
	for (int i = 0; i < g->nbr; i++)
		summary_row(g, ws, ++row, g->br[i].code, g->br[i].accounts, g->br[i].bucket,
			    g->br[i].penalty);
	total = ++row;
	summary_row(g, ws, total, "Итого", g->tot->accounts, g->tot->bucket, g->tot->penalty);

	chart = workbook_add_chart(g->t.wb, LXW_CHART_COLUMN);
	if (!chart)
		return err_set(e, ERR_CANTCREATE, "cannot add the chart to '%s'", g->t.path);
	s = chart_add_series(chart, NULL, NULL);
	chart_series_set_categories(s, "Сводка", 0, 2, 0, 1 + AGING_BUCKETS);
	chart_series_set_values(s, "Сводка", total, 2, total, 1 + AGING_BUCKETS);
	chart_series_set_name(s, "Просроченный долг, руб.");
	date_format(as_of, db_);
	date_to_ymd(as_of, &y, &m, &d);
	snprintf(title, sizeof(title), "Просроченный долг на %02d.%02d.%04d, руб.", d, m, y);
	chart_title_set_name(chart, title);
	chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	worksheet_insert_chart(ws, total + 2, 0, chart);
	worksheet_repeat_rows(ws, 0, 0);
	/* the chart takes about 15 rows under the table */
	xlsx_sheet_print(ws, "Просроченная задолженность по участкам", as_of, 1, total + 18, 8);
	return 0;
}

int report_aging(PGconn *db, const struct penalty_rules *r, sdate as_of, const char *path,
		 struct aging_totals *t, struct sbyt_err *e)
{
	static const char *const head[] = {
		"Лицевой счёт", "Участок", "Тип", "0–30 дней", "31–90 дней", "91–180 дней",
		"Свыше 180 дней", "Долг, всего", "Пени", "Итого"
	};
	static const double widths[] = { 14, 10, 11, 14, 14, 14, 14, 14, 12, 14 };
	struct aging g;
	struct debt_filter f = { .as_of = as_of };
	struct debt_sink sink = { aging_account, &g };
	struct debt_totals dt;
	int rc = -1;

	memset(&g, 0, sizeof(g));
	memset(t, 0, sizeof(*t));
	g.tot = t;
	if (xlsx_table_open(&g.t, path, "Задолженность", head, widths, 10, e))
		return -1;
	xlsx_table_caption(&g.t, "Просроченная задолженность по срокам (анализ по возрасту)", as_of);
	if (db_exec(db, e, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL))
		goto out;
	if (debt_scan(db, r, &f, &sink, &dt, e)) {
		db_rollback(db);
		goto out;
	}
	db_rollback(db);
	if (write_summary(&g, as_of, e))
		goto out;
	t->branches = g.nbr;
	rc = 0;
out:
	{
		struct sbyt_err e2;
		if (xlsx_table_close(&g.t, rc ? &e2 : e))
			rc = -1;
	}
	free(g.br);
	return rc;
}
