/* rules.c - the rules directory's version and the check of all of it. */
#include "rules.h"
#include "ingest_rules.h"

#include "calendar.h"
#include "deadline.h"
#include "docs_texts.h"
#include "penalty.h"
#include "names.h"
#include "report_control.h"
#include "remind.h"
#include "retention.h"
#include "service.h"
#include "tariff.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int hash_dir(struct sha256 *s, const char *root, const char *rel, struct sbyt_err *e)
{
	char path[4096], sub[4096], buf[65536];
	struct dirent **names;
	int n, rc = 0;

	snprintf(path, sizeof(path), "%s%s%s", root, rel[0] ? "/" : "", rel);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return err_set(e, ERR_CONFIG, "cannot read rules directory '%s': %s", path,
			       strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat st;

		if (rc || name[0] == '.')
			goto next;
		if (snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "", name) >=
		    (int)sizeof(sub) ||
		    snprintf(path, sizeof(path), "%s/%s", root, sub) >= (int)sizeof(path)) {
			rc = err_set(e, ERR_CONFIG, "rules path too long: '%.200s...'", root);
			goto next;
		}
		if (stat(path, &st) != 0)
			goto next;
		if (S_ISDIR(st.st_mode)) {
			rc = hash_dir(s, root, sub, e);
		} else if (S_ISREG(st.st_mode)) {
			FILE *f = fopen(path, "rb");
			size_t got;

			if (!f) {
				rc = err_set(e, ERR_CONFIG, "cannot read '%s': %s", path, strerror(errno));
				goto next;
			}
			sha256_update(s, sub, strlen(sub) + 1);
			while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
				sha256_update(s, buf, got);
			fclose(f);
		}
next:
		free(names[i]);
	}
	free(names);
	return rc;
}

int rules_version(const char *dir, char *hex, struct sbyt_err *e)
{
	struct sha256 s;

	sha256_init(&s);
	if (hash_dir(&s, dir, "", e))
		return -1;
	sha256_hex(&s, hex);
	return 0;
}

/* Every kind of rules file and its validator. */
static const struct {
	const char *what;
	int (*check)(const char *dir, struct faults *f);
} checks[] = {
	{ "production calendars (calendar/ru-YYYY.xml)", calendar_rules_check },
	{ "limitation procedures and delivery allowances (limitation.xml)", limitation_rules_check },
	{ "key rates and penalties (keyrate.xml, penalty.xml)", penalty_rules_check },
	{ "readings window and SMS patterns (ingest.xml, sms.xml)", ingest_rules_check },
	{ "tariffs, norms, VAT, prices, billing cycle, supplier", tariff_rules_check },
	{ "control readings plan (control.xml)", control_rules_check },
	{ "Russian names of codes (names.xml)", names_check },
	{ "customer-service deadlines (service.xml)", service_rules_check },
	{ "reminders to customers (reminders.xml)", remind_rules_check },
	{ "payment document texts (documents.xml)", docs_texts_check },
	{ "retention of history (retention.xml)", retention_rules_check },
	{ NULL, NULL },
};

const char *rules_kind(int i)
{
	return i >= 0 && i < (int)(sizeof(checks) / sizeof(checks[0])) ? checks[i].what : NULL;
}

int rules_check(const char *dir, struct faults *f)
{
	int kinds = 0, before = f->count;
	struct stat st;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		faults_add(f, dir, 0, "rules directory not found");
		return -1;
	}
	for (int i = 0; checks[i].check; i++, kinds++)
		checks[i].check(dir, f);
	return f->count > before ? -1 : kinds;
}
