/* load.c - validating and upserting master data; see load.h. */
#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "date.h"
#include "db.h"
#include "money.h"
#include "log.h"
#include "shard.h"

/* ---- field checks: each returns NULL when good, else the reason ---- */

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

static const char *chk_digits(const char *s, size_t n, size_t want, const char *what)
{
	static char why[96];

	if (n == want && all_digits(s, n))
		return NULL;
	snprintf(why, sizeof(why), "%s must be %zu digits", what, want);
	return why;
}

static const char *chk_int(const char *s, size_t n, long lo, long hi, const char *what, long *out)
{
	static char why[96];
	long v = 0;

	if (n > 0 && n < 10 && all_digits(s, n)) {
		v = strtol(s, NULL, 10);
		if (v >= lo && v <= hi) {
			if (out)
				*out = v;
			return NULL;
		}
	}
	snprintf(why, sizeof(why), "%s must be a whole number from %ld to %ld", what, lo, hi);
	return why;
}

/* A non-negative decimal with at most `frac` decimals and 9 integer digits,
 * '.' as the separator; *out gets the value scaled by 1000. */
static const char *chk_dec(const char *s, size_t n, const char *what, long long *out)
{
	static char why[96];
	size_t i = 0, intd = 0, fracd = 0;
	long long v = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9' && intd < 10) {
		v = v * 10 + (s[i++] - '0');
		intd++;
	}
	if (intd > 0 && intd <= 9 && i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9' && fracd < 4; i++, fracd++)
			v = v * 10 + (s[i] - '0');
		if (fracd == 0)
			intd = 0;
	}
	if (intd == 0 || intd > 9 || i != n || fracd > 3) {
		snprintf(why, sizeof(why), "%s must be a number with at most 3 decimals", what);
		return why;
	}
	for (; fracd < 3; fracd++)
		v *= 10;
	if (out)
		*out = v;
	return NULL;
}

static const char *chk_date(const char *s, size_t n, const char *what, int optional)
{
	static char why[96];
	sdate d;

	if (optional && n == 0)
		return NULL;
	if (date_parse(s, (int)n, &d) == 0)
		return NULL;
	snprintf(why, sizeof(why), "%s must be a real date YYYY-MM-DD", what);
	return why;
}

static const char *chk_oneof(const char *s, const char *const *set, const char *what)
{
	static char why[160];
	size_t n = 0;

	for (int i = 0; set[i]; i++)
		if (strcmp(s, set[i]) == 0)
			return NULL;
	n += (size_t)snprintf(why, sizeof(why), "%s must be one of ", what);
	for (int i = 0; set[i] && n < sizeof(why) - 20; i++)
		n += (size_t)snprintf(why + n, sizeof(why) - n, "%s%s", i ? "|" : "", set[i]);
	return why;
}

static const char *chk_text(const char *s, size_t n, size_t max, const char *what)
{
	static char why[96];

	if (n == 0)
		snprintf(why, sizeof(why), "%s is empty", what);
	else if (n > max)
		snprintf(why, sizeof(why), "%s is longer than %zu bytes", what, max);
	else
		return NULL;
	(void)s;
	return why;
}

static const char *chk_code(const char *s, size_t n, const char *what)
{
	static char why[96];

	if (n > 0 && n <= 32) {
		size_t i;
		for (i = 0; i < n; i++)
			if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
			      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '_' || s[i] == '-'))
				break;
		if (i == n)
			return NULL;
	}
	snprintf(why, sizeof(why), "%s must be 1-32 letters, digits, '_' or '-'", what);
	return why;
}

static int email_ok(const char *s, size_t n)
{
	size_t at = 0, dot = 0, ats = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '@') {
			ats++;
			at = i;
		} else if (c == '.' && ats) {
			dot = i;
		} else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
			     (c >= 'a' && c <= 'z') || c == '_' || c == '-' || c == '+' || c == '.')) {
			return 0;
		}
	}
	return ats == 1 && at > 0 && dot > at + 1 && dot < n - 2;
}

/* A list of items separated by ',' each passing ok(); an empty list is
 * allowed when min == 0.  Writes the list as a PostgreSQL array literal
 * into arr (the items' characters need no quoting). */
static const char *chk_list(const char *s, size_t n, int (*ok)(const char *, size_t),
			    int min, const char *what, char *arr, size_t arrsize)
{
	static char why[96];
	size_t start = 0, o = 0;
	int items = 0;

	arr[o++] = '{';
	while (n > 0 && start <= n) {
		const char *comma = memchr(s + start, ',', n - start);
		size_t end = comma ? (size_t)(comma - s) : n;

		if (!ok(s + start, end - start) || o + (end - start) + 3 > arrsize) {
			snprintf(why, sizeof(why), "%s item %d is not valid", what, items + 1);
			return why;
		}
		if (items++)
			arr[o++] = ',';
		memcpy(arr + o, s + start, end - start);
		o += end - start;
		start = end + 1;
		if (!comma)
			break;
	}
	arr[o++] = '}';
	arr[o] = '\0';
	if (items < min) {
		snprintf(why, sizeof(why), "%s needs at least %d item", what, min);
		return why;
	}
	return NULL;
}

static int phone_ok(const char *s, size_t n)
{
	return n == 12 && s[0] == '+' && s[1] == '7' && all_digits(s + 1, 11);
}

/* INN check digits (ФНС): 10 digits, or 12 for individual entrepreneurs. */
static int inn_ok(const char *s, size_t n)
{
	static const int w10[] = { 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w11[] = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	static const int w12[] = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 };
	int sum = 0;

	if (!all_digits(s, n) || (n != 10 && n != 12))
		return 0;
	if (n == 10) {
		for (int i = 0; i < 9; i++)
			sum += (s[i] - '0') * w10[i];
		return sum % 11 % 10 == s[9] - '0';
	}
	for (int i = 0; i < 10; i++)
		sum += (s[i] - '0') * w11[i];
	if (sum % 11 % 10 != s[10] - '0')
		return 0;
	sum = 0;
	for (int i = 0; i < 11; i++)
		sum += (s[i] - '0') * w12[i];
	return sum % 11 % 10 == s[11] - '0';
}

/* ---- kinds ---- */

#define F(i) c->field[i]
#define L(i) c->flen[i]
#define BAD(expr)                                                   \
	do {                                                        \
		const char *why_ = (expr);                          \
		if (why_) {                                         \
			faults_add(f, c->path, c->line, "%s", why_); \
			return 0;                                   \
		}                                                   \
	} while (0)

static const char *const yesno[] = { "0", "1", NULL };

static int row_branches(struct csv *c, struct faults *f, struct copy *cp, int line,
			struct sbyt_err *e)
{
	BAD(chk_code(F(0), L(0), "code"));
	BAD(chk_text(F(1), L(1), 200, "name"));
	BAD(chk_text(F(2), L(2), 400, "address"));
	BAD(chk_text(F(3), L(3), 64, "phone"));
	if (line && copy_int(cp, c->line, e))
		return -1;
	for (int i = 0; i < 4; i++)
		if (copy_field(cp, F(i), L(i), e))
			return -1;
	return copy_row(cp, e);
}

static int row_accounts(struct csv *c, struct faults *f, struct copy *cp, int line,
			struct sbyt_err *e)
{
	static const char *const kinds[] = { "individual", "legal", NULL };
	static const char *const cats[] = { "urban_gas", "urban_electric", "rural", NULL };
	static const char *const deliv[] = { "post", "email", "lkk", "edo", NULL };
	char phones[1024];
	int legal;

	BAD(chk_digits(F(0), L(0), 10, "account"));
	BAD(chk_code(F(1), L(1), "branch"));
	BAD(chk_oneof(F(2), kinds, "kind"));
	legal = strcmp(F(2), "legal") == 0;
	BAD(chk_text(F(3), L(3), 300, "name"));
	BAD(chk_text(F(4), L(4), 400, "address"));
	BAD(chk_digits(F(5), L(5), 6, "postcode"));
	/* a legal entity: empty, or `managing` for managing organisations,
	 * HOAs and housing co-operatives (their penalty scale, SPEC 10) */
	if (!legal)
		BAD(chk_oneof(F(6), cats, "category of an individual"));
	else if (L(6) && strcmp(F(6), "managing") != 0)
		BAD("category of a legal entity must be empty or managing");
	/* A legal entity may leave residents and rooms empty (stored as 0). */
	if (!legal || L(7))
		BAD(chk_int(F(7), L(7), 0, 99, "residents", NULL));
	if (!legal || L(8))
		BAD(chk_int(F(8), L(8), 0, 99, "rooms", NULL));
	BAD(chk_list(F(9), L(9), phone_ok, 0, "phone (+7 and 10 digits, ',' between)",
		     phones, sizeof(phones)));
	if (L(10) && !email_ok(F(10), L(10)))
		BAD("email is not a valid address");
	BAD(chk_oneof(F(11), deliv, "delivery"));
	if (!strcmp(F(11), "email") && !L(10))
		BAD("delivery 'email' needs an email");
	if (!strcmp(F(11), "edo") && !legal)
		BAD("delivery 'edo' is for legal entities only");
	BAD(chk_oneof(F(12), yesno, "remote_metering"));
	BAD(chk_date(F(13), L(13), "opened_on", 0));

	if (line && copy_int(cp, c->line, e))
		return -1;
	for (int i = 0; i <= 8; i++)
		if ((i >= 7 && !L(i)) ? copy_str(cp, "0", e) : copy_field(cp, F(i), L(i), e))
			return -1;
	if (copy_str(cp, phones, e) ||
	    (L(10) ? copy_field(cp, F(10), L(10), e) : copy_null(cp, e)) ||
	    copy_field(cp, F(11), L(11), e) ||
	    copy_str(cp, F(12)[0] == '1' ? "t" : "f", e) ||
	    copy_field(cp, F(13), L(13), e))
		return -1;
	return copy_row(cp, e);
}

static int row_meters(struct csv *c, struct faults *f, struct copy *cp, int line,
			struct sbyt_err *e)
{
	long zones, digits;
	long long v, max;

	BAD(chk_digits(F(0), L(0), 10, "account"));
	BAD(chk_code(F(1), L(1), "meter"));
	BAD(chk_int(F(2), L(2), 1, 3, "zones", &zones));
	BAD(chk_int(F(3), L(3), 3, 9, "digits", &digits));
	BAD(chk_date(F(4), L(4), "installed_on", 0));
	BAD(chk_date(F(5), L(5), "verified_until", 1));
	max = 1000;
	for (long i = 0; i < digits; i++)
		max *= 10;
	for (int z = 1; z <= 3; z++) {
		static const char *const names[] = { "", "initial_t1", "initial_t2", "initial_t3" };
		if (z <= zones) {
			BAD(chk_dec(F(5 + z), L(5 + z), names[z], &v));
			if (v >= max)
				BAD("initial reading has more digits than the meter");
		} else if (L(5 + z)) {
			static char why[96];
			snprintf(why, sizeof(why), "%s must be empty for a %ld-zone meter", names[z], zones);
			BAD(why);
		}
	}
	if (line && copy_int(cp, c->line, e))
		return -1;
	for (int i = 0; i <= 8; i++)
		if ((L(i) || i < 5) ? copy_field(cp, F(i), L(i), e) : copy_null(cp, e))
			return -1;
	return copy_row(cp, e);
}

/* KPP as the FNS schemas type it (КППТип): 9 characters, the first two
 * digits not both zero, then 2 digits, 2 digits or capital letters, 3 digits. */
static int kpp_ok(const char *s, size_t n)
{
	if (n != 9 || !all_digits(s, 4) || (s[0] == '0' && s[1] == '0') || !all_digits(s + 6, 3))
		return 0;
	for (int i = 4; i < 6; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return 0;
	return 1;
}

/* The EDO operator's participant id: 4-46 letters, digits and '-' (it
 * becomes part of the УПД's file name, whose parts '_' separates). */
static int edo_id_ok(const char *s, size_t n)
{
	if (n < 4 || n > 46)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return 0;
	return 1;
}

/* contracts: account;contract;signed_on;price_category;payment_scheme;inn;kpp
 * and the optional trailing readings_day (issue 12), edo_id, legal_address
 * (issue 14).  INN and KPP are refused where the УПД's schema would refuse
 * them (ИННЮЛТип, ИННФЛТип, КППТип: the first two digits not "00"), and the
 * INN's check digits are verified. */
static int row_contracts(struct csv *c, struct faults *f, struct copy *cp, int line,
			struct sbyt_err *e)
{
	static const char *const schemes[] = { "standard", NULL };
#define OPT(i) (c->nf > (i) ? L(i) : 0)

	BAD(chk_digits(F(0), L(0), 10, "account"));
	BAD(chk_text(F(1), L(1), 64, "contract"));
	BAD(chk_date(F(2), L(2), "signed_on", 0));
	BAD(chk_int(F(3), L(3), 1, 6, "price_category", NULL));
	BAD(chk_oneof(F(4), schemes, "payment_scheme"));
	if (!inn_ok(F(5), L(5)))
		BAD("inn must be 10 or 12 digits with valid check digits");
	if (F(5)[0] == '0' && F(5)[1] == '0')
		BAD("inn may not start with 00");
	if (L(6) && L(5) == 12)
		BAD("kpp must be empty with a 12-digit inn (an individual entrepreneur)");
	if (L(6) && !kpp_ok(F(6), L(6)))
		BAD("kpp must be 9 characters: 4 digits (not starting with 00), 2 digits or capital"
		    " letters, 3 digits");
	else if (!L(6) && L(5) == 10)
		BAD("kpp is required with a 10-digit inn");
	/* readings_day, optional (SPEC 7): empty is the rules' default */
	if (OPT(7))
		BAD(chk_int(F(7), L(7), 1, 27, "readings_day", NULL));
	if (OPT(8) && !edo_id_ok(F(8), L(8)))
		BAD("edo_id must be 4-46 letters, digits or '-'");
	if (OPT(9))
		BAD(chk_text(F(9), L(9), 1000, "legal_address"));
	if (line && copy_int(cp, c->line, e))
		return -1;
	for (int i = 0; i <= 6; i++)
		if ((L(i) || i < 6) ? copy_field(cp, F(i), L(i), e) : copy_null(cp, e))
			return -1;
	/* each optional column, and whether the file has it (a file without
	 * it keeps what is stored) */
	for (int i = 7; i <= 9; i++)
		if ((OPT(i) ? copy_field(cp, F(i), L(i), e) : copy_null(cp, e)) ||
		    copy_str(cp, c->nf > i ? "t" : "f", e))
			return -1;
#undef OPT
	return copy_row(cp, e);
}

static int row_reserves(struct csv *c, struct faults *f, struct copy *cp, int line,
			struct sbyt_err *e)
{
	long long tech, emerg;
	char emails[2048];

	BAD(chk_digits(F(0), L(0), 10, "account"));
	BAD(chk_dec(F(1), L(1), "tech_kw", &tech));
	BAD(chk_dec(F(2), L(2), "emergency_kw", &emerg));
	if (emerg > tech)
		BAD("emergency_kw must not exceed tech_kw");
	BAD(chk_oneof(F(3), yesno, "no_below_emergency"));
	BAD(chk_list(F(4), L(4), email_ok, 1, "authority_emails", emails, sizeof(emails)));
	if ((line && copy_int(cp, c->line, e)) || copy_field(cp, F(0), L(0), e) ||
	    copy_field(cp, F(1), L(1), e) || copy_field(cp, F(2), L(2), e) ||
	    copy_str(cp, F(3)[0] == '1' ? "t" : "f", e) || copy_str(cp, emails, e))
		return -1;
	return copy_row(cp, e);
}

static int row_balances(struct csv *c, struct faults *f, struct copy *cp, int line,
			struct sbyt_err *e)
{
	speriod p;
	sdate due;
	money m;

	BAD(chk_digits(F(0), L(0), 10, "account"));
	if (period_parse(F(1), (int)L(1), &p))
		BAD("period must be YYYY-MM");
	BAD(chk_date(F(2), L(2), "due", 0));
	date_parse(F(2), (int)L(2), &due);
	if (due <= period_first(p))
		BAD("due must be after the first day of the period");
	if (money_parse(F(3), (int)L(3), '.', &m) || m == 0)
		BAD("amount must be a non-zero sum with at most 2 decimals and '.'");
	if ((line && copy_int(cp, c->line, e)) || copy_field(cp, F(0), L(0), e) ||
	    copy_str(cp, F(1), e) || copy_field(cp, F(2), L(2), e) || copy_int(cp, m, e))
		return -1;
	return copy_row(cp, e);
}

struct kind {
	const char *name, *header;
	int ncols;             /* the columns of the full header */
	/* check a line; COPY it (its line number first when line is not 0) */
	int (*row)(struct csv *, struct faults *, struct copy *, int line, struct sbyt_err *);
	const char *stage;     /* CREATE TEMP TABLE stage (...) */
	const char *key;       /* key column(s) in stage, for duplicates */
	const char *lock;      /* the table the checks read, kept as checked until
	                          the commit (sql/220_load_keys.sql), or NULL */
	const char *checks[3]; /* SQL giving (line, reason) for whole-file faults */
	const char *update;    /* the stored keys whose values differ: updated */
	const char *insert;    /* the keys not stored yet: inserted */
	const char *vacuum;    /* after a change: statistics and the visibility map */
	int min_cols;          /* 0: all columns; else a file's header may stop after
	                          min_cols or more of them (the trailing columns are
	                          optional: row() reads c->nf) */
	const char *empty;     /* true when a file of this kind may go straight into
	                          its table (load_direct()), or NULL */
	const char *direct;    /* COPY of row()'s columns without the line into it */
};

#define DUPS(key, what)                                                               \
	"SELECT s.line, '" what " ' || s." key " || ' appears again (first on line ' ||" \
	" d.first || ')' FROM stage s JOIN (SELECT " key ", min(line) AS first FROM stage" \
	" GROUP BY 1 HAVING count(*) > 1) d USING (" key ") WHERE s.line > d.first"
#define UNKNOWN_ACCOUNT                                                               \
	"SELECT s.line, 'unknown account ' || s.account_id FROM stage s"               \
	" WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.account_id = s.account_id)"
#define LEGAL_ONLY                                                                    \
	"SELECT s.line, 'account ' || s.account_id || ' is not a legal entity' FROM stage s" \
	" JOIN account a USING (account_id) WHERE a.kind <> 'legal'"
/* The upsert is two statements: the UPDATE of the stored rows whose values
 * differ, then the INSERT of the keys not stored yet, an anti-join (INSERT
 * ... ON CONFLICT probes the key index for every row before it inserts it:
 * twice the server's time for 100,000 new accounts).  The load lock
 * (job.c) keeps other loads from inserting the same keys in between. */
#define NEW_KEYS(table, cond) \
	" FROM stage s WHERE NOT EXISTS (SELECT 1 FROM " table " t WHERE " cond ")"

static const struct kind kinds[] = {
	[LOAD_BRANCHES] = {
		"branches", "code;name;address;phone", 4, row_branches,
		"CREATE TEMP TABLE stage (line int, code text, name text, address text,"
		" phone text) ON COMMIT DROP",
		"code", NULL, { DUPS("code", "branch"), NULL, NULL },
		"UPDATE branch t SET name = s.name, address = s.address, phone = s.phone"
		" FROM stage s WHERE t.code = s.code AND (t.name, t.address, t.phone)"
		" IS DISTINCT FROM (s.name, s.address, s.phone)",
		"INSERT INTO branch (code, name, address, phone) SELECT code, name, address, phone"
		NEW_KEYS("branch", "t.code = s.code"),
		"VACUUM (ANALYZE) branch",
	},
	[LOAD_ACCOUNTS] = {
		"accounts",
		"account;branch;kind;name;address;postcode;category;residents;rooms;phone;email;"
		"delivery;remote_metering;opened_on", 14, row_accounts,
		"CREATE TEMP TABLE stage (line int, account_id bigint, branch text, kind text,"
		" name text, address text, postcode text, category text, residents int, rooms int,"
		" phones text[], email text, delivery text, remote_metering boolean, opened_on date)"
		" ON COMMIT DROP",
		"account_id", "LOCK TABLE branch IN SHARE MODE",
		{ DUPS("account_id", "account"),
		"SELECT s.line, 'unknown branch ''' || s.branch || '''' FROM stage s"
		" WHERE NOT EXISTS (SELECT 1 FROM branch b WHERE b.code = s.branch)",
		/* from the few contracts and reserve acts to the file's lines */
		"SELECT s.line, 'account ' || s.account_id || ' has a contract or reserve act and"
		" must stay legal' FROM stage s JOIN (SELECT account_id FROM contract UNION"
		" SELECT account_id FROM reserve) l USING (account_id) WHERE s.kind <> 'legal'" },
		"UPDATE account t SET branch = s.branch, kind = s.kind, name = s.name,"
		" address = s.address, postcode = s.postcode, category = s.category,"
		" residents = s.residents, rooms = s.rooms, phones = s.phones, email = s.email,"
		" delivery = s.delivery, remote_metering = s.remote_metering,"
		" opened_on = s.opened_on FROM stage s WHERE t.account_id = s.account_id"
		" AND (t.branch, t.kind, t.name, t.address, t.postcode, t.category, t.residents,"
		" t.rooms, t.phones, t.email, t.delivery, t.remote_metering, t.opened_on)"
		" IS DISTINCT FROM (s.branch, s.kind, s.name, s.address, s.postcode, s.category,"
		" s.residents, s.rooms, s.phones, s.email, s.delivery, s.remote_metering,"
		" s.opened_on)",
		"INSERT INTO account (account_id, branch, kind, name, address, postcode, category,"
		" residents, rooms, phones, email, delivery, remote_metering, opened_on)"
		" SELECT account_id, branch, kind, name, address, postcode, category, residents,"
		" rooms, phones, email, delivery, remote_metering, opened_on"
		NEW_KEYS("account", "t.account_id = s.account_id"),
		"VACUUM (ANALYZE) account", 0,
		/* no contract or reserve act can name an account then (230) */
		"SELECT NOT EXISTS (SELECT 1 FROM account) AND NOT EXISTS (SELECT 1 FROM contract)"
		" AND NOT EXISTS (SELECT 1 FROM reserve)",
		"COPY account (account_id, branch, kind, name, address, postcode, category,"
		" residents, rooms, phones, email, delivery, remote_metering, opened_on) FROM STDIN",
	},
	[LOAD_METERS] = {
		"meters",
		"account;meter;zones;digits;installed_on;verified_until;initial_t1;initial_t2;"
		"initial_t3", 9, row_meters,
		"CREATE TEMP TABLE stage (line int, account_id bigint, meter text, zones smallint,"
		" digits smallint, installed_on date, verified_until date, initial_t1 numeric,"
		" initial_t2 numeric, initial_t3 numeric) ON COMMIT DROP",
		"account_id, meter", "LOCK TABLE account IN SHARE MODE", {
		"SELECT s.line, 'meter ' || s.meter || ' of account ' || s.account_id ||"
		" ' appears again (first on line ' || d.first || ')' FROM stage s JOIN"
		" (SELECT account_id, meter, min(line) AS first FROM stage GROUP BY 1, 2"
		" HAVING count(*) > 1) d USING (account_id, meter) WHERE s.line > d.first",
		UNKNOWN_ACCOUNT, NULL },
		"UPDATE meter t SET zones = s.zones, digits = s.digits,"
		" installed_on = s.installed_on, verified_until = s.verified_until,"
		" initial_t1 = s.initial_t1, initial_t2 = s.initial_t2, initial_t3 = s.initial_t3"
		" FROM stage s WHERE t.account_id = s.account_id AND t.meter = s.meter"
		" AND (t.zones, t.digits, t.installed_on, t.verified_until, t.initial_t1,"
		" t.initial_t2, t.initial_t3) IS DISTINCT FROM (s.zones, s.digits, s.installed_on,"
		" s.verified_until, s.initial_t1, s.initial_t2, s.initial_t3)",
		"INSERT INTO meter (account_id, meter, zones, digits, installed_on, verified_until,"
		" initial_t1, initial_t2, initial_t3) SELECT account_id, meter, zones, digits,"
		" installed_on, verified_until, initial_t1, initial_t2, initial_t3"
		NEW_KEYS("meter", "t.account_id = s.account_id AND t.meter = s.meter"),
		"VACUUM (ANALYZE) meter", 0,
		"SELECT NOT EXISTS (SELECT 1 FROM meter)",
		"COPY meter (account_id, meter, zones, digits, installed_on, verified_until,"
		" initial_t1, initial_t2, initial_t3) FROM STDIN",
	},
	[LOAD_CONTRACTS] = {
		"contracts",
		"account;contract;signed_on;price_category;payment_scheme;inn;kpp;readings_day;"
		"edo_id;legal_address", 10,
		row_contracts,
		"CREATE TEMP TABLE stage (line int, account_id bigint, contract text,"
		" signed_on date, price_category smallint, payment_scheme text, inn text, kpp text,"
		" readings_day smallint, rd_given boolean, edo_id text, ed_given boolean,"
		" legal_address text, la_given boolean) ON COMMIT DROP",
		"account_id", "LOCK TABLE account IN SHARE MODE",
		{ DUPS("account_id", "contract for account"), UNKNOWN_ACCOUNT, LEGAL_ONLY },
		/* a file without an optional column keeps what is stored in it */
		"WITH g AS (SELECT bool_and(rd_given) AS rd, bool_and(ed_given) AS ed,"
		" bool_and(la_given) AS la FROM stage),"
		" n AS (SELECT s.account_id, s.contract, s.signed_on, s.price_category,"
		" s.payment_scheme, s.inn, s.kpp,"
		" CASE WHEN g.rd THEN s.readings_day ELSE t.readings_day END AS readings_day,"
		" CASE WHEN g.ed THEN s.edo_id ELSE t.edo_id END AS edo_id,"
		" CASE WHEN g.la THEN s.legal_address ELSE t.legal_address END AS legal_address"
		" FROM stage s JOIN contract t USING (account_id), g)"
		" UPDATE contract t SET contract = n.contract, signed_on = n.signed_on,"
		" price_category = n.price_category, payment_scheme = n.payment_scheme,"
		" inn = n.inn, kpp = n.kpp, readings_day = n.readings_day, edo_id = n.edo_id,"
		" legal_address = n.legal_address FROM n WHERE t.account_id = n.account_id"
		" AND (t.contract, t.signed_on, t.price_category, t.payment_scheme, t.inn, t.kpp,"
		" t.readings_day, t.edo_id, t.legal_address) IS DISTINCT FROM (n.contract,"
		" n.signed_on, n.price_category, n.payment_scheme, n.inn, n.kpp, n.readings_day,"
		" n.edo_id, n.legal_address)",
		"INSERT INTO contract (account_id, contract, signed_on, price_category,"
		" payment_scheme, inn, kpp, readings_day, edo_id, legal_address)"
		" SELECT account_id, contract, signed_on, price_category, payment_scheme, inn, kpp,"
		" readings_day, edo_id, legal_address"
		NEW_KEYS("contract", "t.account_id = s.account_id"),
		"VACUUM (ANALYZE) contract", 7,
	},
	[LOAD_RESERVES] = {
		"reserves", "account;tech_kw;emergency_kw;no_below_emergency;authority_emails", 5,
		row_reserves,
		"CREATE TEMP TABLE stage (line int, account_id bigint, tech_kw numeric,"
		" emergency_kw numeric, no_below_emergency boolean, authority_emails text[])"
		" ON COMMIT DROP",
		"account_id", "LOCK TABLE account IN SHARE MODE",
		{ DUPS("account_id", "reserve act for account"), UNKNOWN_ACCOUNT, LEGAL_ONLY },
		"UPDATE reserve t SET tech_kw = s.tech_kw, emergency_kw = s.emergency_kw,"
		" no_below_emergency = s.no_below_emergency, authority_emails = s.authority_emails"
		" FROM stage s WHERE t.account_id = s.account_id AND (t.tech_kw, t.emergency_kw,"
		" t.no_below_emergency, t.authority_emails) IS DISTINCT FROM (s.tech_kw,"
		" s.emergency_kw, s.no_below_emergency, s.authority_emails)",
		"INSERT INTO reserve (account_id, tech_kw, emergency_kw, no_below_emergency,"
		" authority_emails) SELECT account_id, tech_kw, emergency_kw, no_below_emergency,"
		" authority_emails" NEW_KEYS("reserve", "t.account_id = s.account_id"),
		"VACUUM (ANALYZE) reserve",
	},
	[LOAD_BALANCES] = {
		"balances", "account;period;due;amount", 4, row_balances,
		"CREATE TEMP TABLE stage (line int, account_id bigint, period text, due date,"
		" amount bigint) ON COMMIT DROP",
		"account_id, period", NULL, {
		"SELECT s.line, 'account ' || s.account_id || ' period ' || s.period ||"
		" ' appears again (first on line ' || d.first || ')' FROM stage s JOIN"
		" (SELECT account_id, period, min(line) AS first FROM stage GROUP BY 1, 2"
		" HAVING count(*) > 1) d USING (account_id, period) WHERE s.line > d.first",
		UNKNOWN_ACCOUNT,
		"SELECT s.line, 'period ' || s.period || ' of account ' || s.account_id ||"
		" ' is already billed by sbyt' FROM stage s WHERE EXISTS (SELECT 1 FROM obligation o"
		" WHERE o.account_id = s.account_id AND o.period = (s.period || '-01')::date"
		" AND o.seq <> 0)" },
		"UPDATE obligation t SET due = s.due, amount = s.amount FROM stage s"
		" WHERE t.account_id = s.account_id AND t.period = (s.period || '-01')::date"
		" AND t.seq = 0 AND (t.due, t.amount) IS DISTINCT FROM (s.due, s.amount)",
		"INSERT INTO obligation (account_id, period, seq, kind, due, amount)"
		" SELECT account_id, (period || '-01')::date, 0, 'charge', due, amount"
		NEW_KEYS("obligation", "t.account_id = s.account_id"
			 " AND t.period = (s.period || '-01')::date AND t.seq = 0"),
		"VACUUM (ANALYZE) obligation",
	},
};


int load_kind_parse(const char *s)
{
	for (int i = 0; i < (int)(sizeof(kinds) / sizeof(kinds[0])); i++)
		if (strcmp(s, kinds[i].name) == 0)
			return i;
	return -1;
}

const char *load_kind_name(enum load_kind kind)
{
	return kinds[kind].name;
}

const char *load_kind_header(enum load_kind kind)
{
	return kinds[kind].header;
}

/* The name of column i (from 0) of a header into buf ("?" past its end). */
static const char *header_column(const char *header, int i, char *buf, size_t size)
{
	const char *p = header;

	for (; i > 0 && p; i--) {
		p = strchr(p, ';');
		if (p)
			p++;
	}
	if (!p)
		return snprintf(buf, size, "?"), buf;
	snprintf(buf, size, "%.*s", (int)strcspn(p, ";"), p);
	return buf;
}

/* The columns a file has when its header line is the kind's header, or the
 * first min_cols or more of its columns; 0 when it is neither. */
static int header_cols(const struct kind *k, const char *text)
{
	size_t n = strlen(text);
	int cols = 1;

	if (strncmp(text, k->header, n) != 0)
		return 0;
	if (k->header[n] != '\0' && (k->min_cols == 0 || k->header[n] != ';'))
		return 0;
	for (size_t i = 0; i < n; i++)
		cols += text[i] == ';';
	return k->header[n] == '\0' || cols >= k->min_cols ? cols : 0;
}

/* The keys of a file seen so far, as 64-bit hashes of their fields' bytes
 * (a key's fields are the first one or two of a line, checked as digits,
 * codes or YYYY-MM: equal bytes are equal keys): a file where no two hashes
 * meet has no key twice, and its duplicate check in SQL (a sort or a hash
 * of the whole staging table) is not needed.  Two equal hashes only mean
 * the check runs.  16 bytes a line at most; without memory it runs too. */
struct keyset {
	uint64_t *slot;   /* 0: empty */
	size_t cap, n;
	int met;          /* two keys had the same hash, or no memory */
};

static uint64_t key_hash(struct csv *c, int nkey)
{
	uint64_t h = 0xcbf29ce484222325u;  /* FNV-1a, then a final mix */

	for (int i = 0; i < nkey; i++) {
		for (size_t j = 0; j < c->flen[i]; j++)
			h = (h ^ (unsigned char)c->field[i][j]) * 0x100000001b3u;
		h = (h ^ 0xffu) * 0x100000001b3u;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdu;
	h ^= h >> 33;
	return h ? h : 1;
}

static void keyset_add(struct keyset *ks, uint64_t h)
{
	if (ks->met)
		return;
	if (2 * (ks->n + 1) > ks->cap) {
		size_t cap = ks->cap ? 2 * ks->cap : 1024;
		uint64_t *slot = calloc(cap, sizeof(*slot));

		if (!slot) {
			ks->met = 1;
			return;
		}
		for (size_t i = 0; i < ks->cap; i++)
			if (ks->slot[i])
				for (size_t j = ks->slot[i] & (cap - 1);; j = (j + 1) & (cap - 1))
					if (!slot[j]) {
						slot[j] = ks->slot[i];
						break;
					}
		free(ks->slot);
		ks->slot = slot;
		ks->cap = cap;
	}
	for (size_t j = h & (ks->cap - 1);; j = (j + 1) & (ks->cap - 1)) {
		if (!ks->slot[j]) {
			ks->slot[j] = h;
			ks->n++;
			return;
		}
		if (ks->slot[j] == h) {
			ks->met = 1;
			return;
		}
	}
}

/* Whole-file checks in SQL; each row is a fault.  checks[0] is the
 * duplicate check, skipped when dups is 0. */
static int file_checks(PGconn *db, const struct kind *k, const char *path, int dups,
		       struct faults *f, struct sbyt_err *e)
{
	for (int i = dups ? 0 : 1; i < 3 && k->checks[i]; i++) {
		char sql[2048];
		PGresult *res;

		snprintf(sql, sizeof(sql), "%s ORDER BY 1", k->checks[i]);
		res = db_query(db, e, sql, 0, NULL);
		if (!res)
			return -1;
		for (int r = 0; r < PQntuples(res); r++)
			faults_add(f, path, atol(PQgetvalue(res, r, 0)), "%s", PQgetvalue(res, r, 1));
		PQclear(res);
	}
	return 0;
}

/* Commit the file's transaction and wait for its WAL to be flushed
 * (synchronous_commit may be off): the VACUUM that follows marks a page
 * all-visible only when its rows carry the committed hint bit, which is not
 * set before that flush; run at once, it left a third of a million
 * accounts' pages out of the visibility map, and every index-only scan of
 * them went to the heap (ingest's account look-ups).  0 or -1 with e set. */
static int commit_flushed(PGconn *db, struct sbyt_err *e)
{
	if (db_exec(db, e, "SET LOCAL synchronous_commit = on", 0, NULL))
		return -1;
	return db_commit(db, e);
}

int load_file(PGconn *db, enum load_kind kind, const char *path, struct faults *f,
	      struct load_result *r, struct sbyt_err *e)
{
	return load_file_shard(db, kind, path, 0, 0, f, r, e);
}

/* Drop the staged lines of accounts outside shard i of n (lib/shard.h),
 * counted in r->skipped; branches are everybody's. */
static int stage_shard(PGconn *db, enum load_kind kind, int i, int n, struct load_result *r,
		       struct sbyt_err *e)
{
	char ni[16], ii[16];
	const char *p[2] = { ni, ii };
	PGresult *res;

	if (n == 0 || kind == LOAD_BRANCHES)
		return 0;
	snprintf(ni, sizeof(ni), "%d", n);
	snprintf(ii, sizeof(ii), "%d", i);
	res = db_query(db, e, "DELETE FROM stage WHERE " SHARD_SQL("account_id", "$1::int")
		       " <> $2::int", 2, p);
	if (!res)
		return -1;
	r->skipped = atoll(PQcmdTuples(res));
	PQclear(res);
	return 0;
}

/* A file into an empty table straight, without the staging table: the
 * first load of accounts or meters (a million of them when sbyt takes
 * over).  The lines are checked one by one as always; the checks of the
 * whole file are the table's own: its primary key refuses a key twice and
 * sql/230's statement triggers an unknown branch or account, so the COPY
 * fails.  Nothing is ever reported from here: a bad line, a failed COPY or
 * a table not empty returns 1 and the caller loads the file the usual way,
 * which reads it again and names every bad line.  Returns 0 loaded (r
 * filled), 1 not for this way (rolled back), -1 with e set (the server
 * lost, the file unreadable). */
static int load_direct(PGconn *db, const struct kind *k, const char *path,
		       struct load_result *r, struct sbyt_err *e)
{
	struct faults f = FAULTS_INIT;
	struct csv c;
	struct copy cp;
	struct progress pg;
	PGresult *res;
	int rc, ncols, empty;

	memset(r, 0, sizeof(*r));
	if (csv_open(&c, path, ';', 0, e))
		return -1;
	rc = csv_next(&c, e);
	if (rc <= 0 || c.bad || (ncols = header_cols(k, c.text)) == 0) {
		csv_close(&c);
		return rc < 0 ? -1 : 1;
	}
	if (db_begin(db, e) || (k->lock && db_exec(db, e, k->lock, 0, NULL)) ||
	    !(res = db_query(db, e, k->empty, 0, NULL)))
		goto fail;
	empty = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	if (!empty) {
		csv_close(&c);
		db_rollback(db);
		return 1;
	}
	if (copy_begin(&cp, db, k->direct, e))
		goto fail;
	progress_start(&pg, k->name, 0);
	while ((rc = csv_next(&c, e)) == 1) {
		if (csv_blank(&c))
			continue;
		r->read++;
		progress_add(&pg, 1);
		if (c.bad || c.nf != ncols)
			break;
		if (k->row(&c, &f, &cp, 0, e) < 0) {
			progress_end(&pg);
			copy_abort(&cp, "failed");
			goto fail;
		}
		if (f.count)
			break;
	}
	progress_end(&pg);
	faults_release(&f);
	if (rc != 0) {  /* a bad line, or the file unreadable */
		copy_abort(&cp, "not loaded directly");
		csv_close(&c);
		db_rollback(db);
		return rc < 0 ? -1 : 1;
	}
	csv_close(&c);
	if (copy_end(&cp, e)) {
		/* a key twice, an unknown branch or account: the usual way says
		 * which lines; a lost server fails there too */
		db_rollback(db);
		if (PQstatus(db) != CONNECTION_OK)
			return -1;
		err_clear(e);
		return 1;
	}
	if (commit_flushed(db, e))
		return -1;
	r->inserted = r->read;
	log_verbose("load: %s: %lld lines into the empty table directly", k->name,
		    (long long)r->read);
	err_clear(e);
	if (r->inserted > 0)
		db_exec(db, e, k->vacuum, 0, NULL);  /* as load_file_shard() */
	err_clear(e);
	return 0;
fail:
	faults_release(&f);
	csv_close(&c);
	db_rollback(db);
	return -1;
}

int load_file_shard(PGconn *db, enum load_kind kind, const char *path, int shard_i,
		    int shard_n, struct faults *f, struct load_result *r, struct sbyt_err *e)
{
	const struct kind *k = &kinds[kind];
	struct csv c;
	struct copy cp;
	struct progress pg;
	struct keyset keys = { NULL, 0, 0, 0 };
	int before = f->count, rc, ncols = 0;
	PGresult *res;

	if (k->direct && shard_n == 0) {
		rc = load_direct(db, k, path, r, e);
		if (rc <= 0)
			return rc;
	}
	memset(r, 0, sizeof(*r));
	if (csv_open(&c, path, ';', 0, e))
		return -1;
	rc = csv_next(&c, e);
	if (rc < 0)
		goto fail_csv;
	if (rc == 0) {
		csv_close(&c);
		faults_add(f, path, 0, "empty file: the header '%s' is missing", k->header);
		return err_set(e, ERR_DATA, "'%s' is empty; nothing loaded", path);
	}
	if (!c.bad)
		ncols = header_cols(k, c.text);
	if (c.bad || ncols == 0) {
		if (c.bad)
			faults_add(f, path, 1, "%s: the file must be UTF-8 with the header '%s'",
				   c.bad, k->header);
		else
			faults_add(f, path, 1, "the header must be '%s'", k->header);
		csv_close(&c);
		return err_set(e, ERR_DATA, "'%s' does not start with the %s header; nothing loaded",
			       path, k->name);
	}
	/* The tables are in shared buffers (tools/pg.sh): an index probe costs
	 * about a page read in sequence.  At the default 4.0 the checks of a
	 * small file (3,000 contracts) hashed the whole account table: 0.09 s
	 * at 100,000 accounts, ten times that at a million; with 1.1 they
	 * probe the key index, and a large file still hashes. */
	if (db_begin(db, e) || db_exec(db, e, "SET LOCAL random_page_cost = 1.1", 0, NULL) ||
	    db_exec(db, e, k->stage, 0, NULL) || copy_begin(&cp, db, "COPY stage FROM STDIN", e))
		goto fail_db;
	progress_start(&pg, k->name, 0);
	while ((rc = csv_next(&c, e)) == 1) {
		if (csv_blank(&c))
			continue;
		r->read++;
		progress_add(&pg, 1);
		if (c.bad) {
			char col[64];
			if (c.bad_field >= 0)
				faults_add(f, path, c.line, "%s (%s)", c.bad,
					   header_column(k->header, c.bad_field, col, sizeof(col)));
			else
				faults_add(f, path, c.line, "%s", c.bad);
			continue;
		}
		if (c.nf != ncols) {
			faults_add(f, path, c.line, "%d fields, expected %d", c.nf, ncols);
			continue;
		}
		keyset_add(&keys, key_hash(&c, kind == LOAD_METERS || kind == LOAD_BALANCES ? 2 : 1));
		if (k->row(&c, f, &cp, 1, e) < 0) {
			copy_abort(&cp, "failed");
			goto fail_db;
		}
	}
	if (rc < 0) {
		copy_abort(&cp, "read failed");
		db_rollback(db);
		goto fail_csv;
	}
	csv_close(&c);
	progress_end(&pg);
	rc = copy_end(&cp, e) || stage_shard(db, kind, shard_i, shard_n, r, e) ||
	     (k->lock && db_exec(db, e, k->lock, 0, NULL)) ||
	     file_checks(db, k, path, keys.met || f->count > before, f, e);
	free(keys.slot);
	keys.slot = NULL;
	if (rc)
		goto fail_db;
	if (f->count > before) {
		db_rollback(db);
		return err_set(e, ERR_DATA, "'%s': %d bad line%s; nothing loaded", path,
			       f->count - before, f->count - before == 1 ? "" : "s");
	}
	res = db_query(db, e, k->update, 0, NULL);
	if (!res)
		goto fail_db;
	r->updated = atoll(PQcmdTuples(res));
	PQclear(res);
	res = db_query(db, e, k->insert, 0, NULL);
	if (!res)
		goto fail_db;
	r->inserted = atoll(PQcmdTuples(res));
	PQclear(res);
	r->unchanged = r->read - r->skipped - r->inserted - r->updated;
	if (commit_flushed(db, e))
		goto fail_db;
	/* A bulk load leaves the planner without statistics and the index
	 * look-ups of the jobs that follow without index-only scans.  The
	 * rows are committed: a failure here only leaves that for autovacuum. */
	if (r->inserted + r->updated > 0) {
		struct sbyt_err ve;
		err_clear(&ve);
		db_exec(db, &ve, k->vacuum, 0, NULL);
	}
	return 0;

fail_csv:
	free(keys.slot);
	csv_close(&c);
	return -1;
fail_db:
	free(keys.slot);
	if (c.f)
		csv_close(&c);
	db_rollback(db);
	return -1;
}
