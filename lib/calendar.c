/* calendar.c - the production calendar from xmlcalendar.ru files; see calendar.h. */
#include "calendar.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesxml.h"

/* One <day> of a file, after checking. */
struct entry {
	int16_t doy;    /* 0-based day of the year */
	uint8_t t;      /* 1, 2 or 3 */
	uint8_t h;      /* holiday id, 0 none */
	int16_t from;   /* f= as a 0-based day of the year, -1 none */
};

/* One checked file. */
struct parsed {
	int year;
	int nentries;
	struct entry entries[366];
	char *title[CAL_TITLES];
};

static void parsed_release(struct parsed *p)
{
	for (int i = 0; i < CAL_TITLES; i++) {
		free(p->title[i]);
		p->title[i] = NULL;
	}
}

/* Parse exactly n decimal digits. */
static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return s[n] == '\0' ? 0 : -1;
}

/* "MM.DD" of year y as a 0-based day of the year, or -1. */
static int parse_md(const char *s, int y)
{
	int m, d;

	if (!s || strlen(s) != 5 || s[2] != '.' || digits(s + 3, 2, &d))
		return -1;
	{
		char mm[3] = { s[0], s[1], '\0' };
		if (digits(mm, 2, &m))
			return -1;
	}
	if (!date_valid(y, m, d))
		return -1;
	return (int)(date_from_ymd(y, m, d) - date_from_ymd(y, 1, 1));
}

/* The year a file name ru-YYYY.xml stands for, or 0. */
static int name_year(const char *name)
{
	int y;

	if (strlen(name) != 11 || strncmp(name, "ru-", 3) || strcmp(name + 7, ".xml"))
		return 0;
	{
		char yy[5] = { name[3], name[4], name[5], name[6], '\0' };
		if (digits(yy, 4, &y) || y < 1900 || y > 2999)
			return 0;
	}
	return y;
}

static int read_file(const char *path, const char *xsd, int want_year, struct faults *f,
		     struct parsed *p)
{
	int before = f->count;
	long first_line[366];
	unsigned char declared[256];
	xmlDocPtr doc;
	xmlNodePtr root, n;
	char *s;

	memset(p, 0, sizeof(*p));
	doc = rulesxml_read(path, xsd, f);
	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	s = rulesxml_attr(root, "year");
	if (!s || digits(s, 4, &p->year) || p->year < 1900 || p->year > 2999) {
		faults_add(f, path, rulesxml_line(root), "year '%s' is not a year (YYYY)",
			   s ? s : "");
		p->year = 0;
	} else if (want_year > 0 && p->year != want_year) {
		faults_add(f, path, rulesxml_line(root),
			   "year %d does not match the file name (ru-%d.xml)", p->year, want_year);
	}
	xmlFree(s);
	if (!p->year) {
		xmlFreeDoc(doc);
		return -1;
	}

	memset(declared, 0, sizeof(declared));
	for (n = rulesxml_child(rulesxml_child(root, "holidays"), "holiday"); n;
	     n = rulesxml_next(n->next, "holiday")) {
		char *id = rulesxml_attr(n, "id"), *title = rulesxml_attr(n, "title");
		int v;

		if (!id || !*id || strlen(id) > 3 || digits(id, (int)strlen(id), &v) || v < 1 ||
		    v > 255) {
			faults_add(f, path, rulesxml_line(n), "holiday id '%s' is not a number 1..255",
				   id ? id : "");
		} else if (declared[v]) {
			faults_add(f, path, rulesxml_line(n), "duplicate holiday id '%s'", id);
		} else {
			declared[v] = 1;
			if (v < CAL_TITLES && title)
				p->title[v] = strdup(title);
		}
		xmlFree(id);
		xmlFree(title);
	}

	for (int i = 0; i < 366; i++)
		first_line[i] = 0;
	for (n = rulesxml_child(rulesxml_child(root, "days"), "day"); n;
	     n = rulesxml_next(n->next, "day")) {
		char *d = rulesxml_attr(n, "d"), *t = rulesxml_attr(n, "t");
		char *h = rulesxml_attr(n, "h"), *fr = rulesxml_attr(n, "f");
		long line = rulesxml_line(n);
		int doy = parse_md(d, p->year), tv = 0, hv = 0, from = -1, ok = 1;

		if (doy < 0) {
			faults_add(f, path, line, "d='%s' is not a date of %d (MM.DD)", d ? d : "",
				   p->year);
			ok = 0;
		} else if (first_line[doy]) {
			faults_add(f, path, line, "duplicate day %s (first at line %ld)", d,
				   first_line[doy]);
			ok = 0;
		} else {
			first_line[doy] = line;
		}
		if (!t || strlen(t) != 1 || t[0] < '1' || t[0] > '3') {
			faults_add(f, path, line,
				   "unknown day type t='%s' (1 day off, 2 shortened, 3 working weekend day)",
				   t ? t : "");
			ok = 0;
		} else {
			tv = t[0] - '0';
		}
		if (h && (!*h || strlen(h) > 3 || digits(h, (int)strlen(h), &hv) || hv > 255 ||
			  !declared[hv])) {
			faults_add(f, path, line, "unknown holiday h='%s'", h);
			ok = 0;
		}
		if (fr && (from = parse_md(fr, p->year)) < 0) {
			faults_add(f, path, line, "f='%s' is not a date of %d (MM.DD)", fr, p->year);
			ok = 0;
		}
		if (ok && tv == 3) {
			int wd = date_weekday(date_from_ymd(p->year, 1, 1) + doy);
			if (wd < 6) {
				faults_add(f, path, line,
					   "t=3 (working weekend day) on %s, which is not a weekend day", d);
				ok = 0;
			}
		}
		if (ok && p->nentries < 366) {
			struct entry *e = &p->entries[p->nentries++];
			e->doy = (int16_t)doy;
			e->t = (uint8_t)tv;
			e->h = (uint8_t)(hv > 0 && hv < CAL_TITLES ? hv : 0);
			e->from = (int16_t)from;
		}
		xmlFree(d);
		xmlFree(t);
		xmlFree(h);
		xmlFree(fr);
	}
	xmlFreeDoc(doc);
	return f->count > before ? -1 : 0;
}

int calendar_check_file(const char *path, const char *xsd, int year, struct faults *f)
{
	struct parsed *p = malloc(sizeof(*p));
	int rc;

	if (!p) {
		faults_add(f, path, 0, "out of memory");
		return -1;
	}
	rc = read_file(path, xsd, year, f, p);
	parsed_release(p);
	free(p);
	return rc;
}

static char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s/%s", a, b);
	return s;
}

/* The schema next to a calendar directory: DIR/../schema/calendar.xsd. */
static char *schema_path(const char *dir)
{
	return path_join(dir, "../schema/calendar.xsd");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

void calendar_free(struct calendar *cal)
{
	if (!cal)
		return;
	if (cal->year) {
		for (int y = 0; y <= cal->last_year - cal->first_year; y++) {
			free(cal->year[y].file);
			for (int i = 0; i < CAL_TITLES; i++)
				free(cal->year[y].title[i]);
		}
	}
	free(cal->year);
	free(cal->cls);
	free(cal->holiday);
	free(cal->from);
	free(cal->dir);
	free(cal);
}

/* Load the files of the given years (sorted, distinct) from dir. */
static struct calendar *load_years(const char *dir, const int *years, int nyears,
				   struct faults *f, struct sbyt_err *e);

struct calendar *calendar_load(const char *dir, struct faults *f, struct sbyt_err *e)
{
	int years[64], nyears = 0, before = f->count;
	struct dirent *de;
	DIR *dh;

	dh = opendir(dir);
	if (!dh) {
		faults_add(f, dir, 0, "cannot open calendar directory: %s", strerror(errno));
		err_set(e, ERR_CONFIG, "no production calendar in '%s'", dir);
		return NULL;
	}
	while ((de = readdir(dh))) {
		size_t len = strlen(de->d_name);
		int y;

		if (len < 4 || strcmp(de->d_name + len - 4, ".xml"))
			continue;
		y = name_year(de->d_name);
		if (!y) {
			char *path = path_join(dir, de->d_name);
			faults_add(f, path ? path : de->d_name, 0,
				   "calendar file name must be ru-YYYY.xml");
			free(path);
		} else if (nyears < 64) {
			years[nyears++] = y;
		} else {
			faults_add(f, dir, 0, "more than 64 calendar years");
		}
	}
	closedir(dh);
	if (nyears == 0 && f->count == before)
		faults_add(f, dir, 0, "no calendar files (ru-YYYY.xml)");
	if (f->count > before) {
		err_set(e, ERR_CONFIG, "production calendar in '%s' is invalid", dir);
		return NULL;
	}
	qsort(years, (size_t)nyears, sizeof(int), cmp_int);
	return load_years(dir, years, nyears, f, e);
}

struct calendar *calendar_load_year(const char *dir, int year, struct faults *f,
				    struct sbyt_err *e)
{
	char name[16], *path;
	FILE *fp;

	snprintf(name, sizeof(name), "ru-%04d.xml", year);
	path = path_join(dir, name);
	fp = path ? fopen(path, "r") : NULL;
	free(path);
	if (!fp) {
		err_set(e, ERR_CONFIG, "no production calendar for %d in '%s'", year, dir);
		err_detail(e, "add %s/ru-%d.xml as published on xmlcalendar.ru (from the "
			   "official decree)", dir, year);
		return NULL;
	}
	fclose(fp);
	return load_years(dir, &year, 1, f, e);
}

static struct calendar *load_years(const char *dir, const int *years, int nyears,
				   struct faults *f, struct sbyt_err *e)
{
	int before = f->count;
	struct calendar *cal = NULL;
	struct parsed *p = NULL;
	char *xsd = NULL;


	cal = calloc(1, sizeof(*cal));
	p = malloc(sizeof(*p));
	xsd = schema_path(dir);
	if (!cal || !p || !xsd || !(cal->dir = strdup(dir)))
		goto oom;
	cal->first_year = years[0];
	cal->last_year = years[nyears - 1];
	cal->base = date_from_ymd(cal->first_year, 1, 1);
	cal->ndays = date_from_ymd(cal->last_year + 1, 1, 1) - cal->base;
	cal->cls = malloc((size_t)cal->ndays);
	cal->holiday = calloc((size_t)cal->ndays, 1);
	cal->from = malloc(sizeof(int16_t) * (size_t)cal->ndays);
	cal->year = calloc((size_t)(cal->last_year - cal->first_year + 1), sizeof(*cal->year));
	if (!cal->cls || !cal->holiday || !cal->from || !cal->year)
		goto oom;
	memset(cal->cls, CAL_MISSING, (size_t)cal->ndays);
	for (int32_t i = 0; i < cal->ndays; i++)
		cal->from[i] = -1;

	for (int k = 0; k < nyears; k++) {
		char name[16], *path;
		int y = years[k];
		struct cal_year *cy = &cal->year[y - cal->first_year];
		sdate jan1 = date_from_ymd(y, 1, 1), next = date_from_ymd(y + 1, 1, 1);

		snprintf(name, sizeof(name), "ru-%04d.xml", y);
		path = path_join(dir, name);
		if (!path)
			goto oom;
		if (read_file(path, xsd, y, f, p)) {
			parsed_release(p);
			free(path);
			continue;
		}
		cy->file = path;
		memcpy(cy->title, p->title, sizeof(cy->title));
		memset(p->title, 0, sizeof(p->title));
		for (sdate d = jan1; d < next; d++)
			cal->cls[d - cal->base] = date_weekday(d) >= 6 ? CAL_WEEKEND : CAL_WORKING;
		for (int i = 0; i < p->nentries; i++) {
			const struct entry *en = &p->entries[i];
			int32_t at = jan1 + en->doy - cal->base;

			switch (en->t) {
			case 1:
				cal->cls[at] = en->from >= 0 ? CAL_TRANSFER : CAL_HOLIDAY;
				cal->holiday[at] = en->h;
				cal->from[at] = en->from;
				break;
			case 2:
				cal->cls[at] = CAL_SHORT;
				break;
			default:
				cal->cls[at] = CAL_WORK_WEEKEND;
				break;
			}
		}
	}
	if (f->count > before)
		goto fail;
	free(p);
	free(xsd);
	return cal;
oom:
	faults_add(f, dir, 0, "out of memory");
fail:
	err_set(e, ERR_CONFIG, "production calendar in '%s' is invalid", dir);
	calendar_free(cal);
	free(p);
	free(xsd);
	return NULL;
}

int calendar_rules_check(const char *rules_dir, struct faults *f)
{
	struct sbyt_err e;
	struct calendar *cal;
	char *dir = path_join(rules_dir, "calendar");

	if (!dir) {
		faults_add(f, rules_dir, 0, "out of memory");
		return -1;
	}
	cal = calendar_load(dir, f, &e);
	free(dir);
	if (!cal)
		return -1;
	calendar_free(cal);
	return 0;
}

int calendar_missing(const struct calendar *cal, sdate d, struct sbyt_err *e)
{
	int y;

	date_to_ymd(d, &y, NULL, NULL);
	err_set(e, ERR_CONFIG, "no production calendar for %d in '%s'", y, cal->dir);
	return err_detail(e, "a date needs %d: add %s/ru-%d.xml as published on "
			  "xmlcalendar.ru (from the official decree)", y, cal->dir, y);
}

int calendar_class_err(const struct calendar *cal, sdate d, struct sbyt_err *e)
{
	enum cal_class c = calendar_class(cal, d);

	if (c == CAL_MISSING)
		return calendar_missing(cal, d, e);
	return (int)c;
}

int calendar_is_working(const struct calendar *cal, sdate d, struct sbyt_err *e)
{
	int c = calendar_class_err(cal, d, e);

	return c < 0 ? -1 : CAL_IS_WORKING(c);
}

int calendar_next_working(const struct calendar *cal, sdate d, sdate *out, struct sbyt_err *e)
{
	for (;; d++) {
		enum cal_class c = calendar_class(cal, d);

		if (c == CAL_MISSING)
			return calendar_missing(cal, d, e);
		if (CAL_IS_WORKING(c)) {
			*out = d;
			return 0;
		}
	}
}

int calendar_add_working(const struct calendar *cal, sdate d, int n, sdate *out,
			 struct sbyt_err *e)
{
	int step = n < 0 ? -1 : 1;

	while (n != 0) {
		enum cal_class c;

		d += step;
		c = calendar_class(cal, d);
		if (c == CAL_MISSING)
			return calendar_missing(cal, d, e);
		if (CAL_IS_WORKING(c))
			n -= step;
	}
	*out = d;
	return 0;
}

const char *calendar_class_name(enum cal_class c)
{
	switch (c) {
	case CAL_WORKING: return "weekday";
	case CAL_SHORT: return "shortened";
	case CAL_WORK_WEEKEND: return "transferred";
	case CAL_WEEKEND: return "weekend";
	case CAL_HOLIDAY: return "holiday";
	case CAL_TRANSFER: return "holiday";
	case CAL_MISSING: break;
	}
	return "missing";
}

const char *calendar_file(const struct calendar *cal, int year)
{
	if (year < cal->first_year || year > cal->last_year)
		return NULL;
	return cal->year[year - cal->first_year].file;
}

char *calendar_describe(const struct calendar *cal, sdate d, char *buf, size_t n)
{
	enum cal_class c = calendar_class(cal, d);
	uint32_t i = (uint32_t)(d - cal->base);
	const char *title = NULL;
	char b[DATE_BUF];
	int y;

	date_to_ymd(d, &y, NULL, NULL);
	if (c == CAL_HOLIDAY || c == CAL_TRANSFER) {
		int h = cal->holiday[i];
		if (h > 0)
			title = cal->year[y - cal->first_year].title[h];
	}
	switch (c) {
	case CAL_WORKING:
		snprintf(buf, n, "working day");
		break;
	case CAL_SHORT:
		snprintf(buf, n, "shortened working day");
		break;
	case CAL_WORK_WEEKEND:
		snprintf(buf, n, "working day (a weekend day made working)");
		break;
	case CAL_WEEKEND:
		snprintf(buf, n, "weekend");
		break;
	case CAL_HOLIDAY:
		if (title)
			snprintf(buf, n, "holiday: %s", title);
		else
			snprintf(buf, n, "holiday");
		break;
	case CAL_TRANSFER:
		snprintf(buf, n, "holiday, day off transferred from %s",
			 date_format(date_from_ymd(y, 1, 1) + cal->from[i], b));
		break;
	case CAL_MISSING:
		snprintf(buf, n, "no calendar for %d", y);
		break;
	}
	return buf;
}
