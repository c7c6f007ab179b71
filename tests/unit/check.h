/*
 * check.h - the unit-test harness: TAP lines ("ok N - name" / "not ok N -
 * name") that tests/run.sh counts.  A test file is a main() calling CHECK*
 * and ending with `return check_done();`.  Expected values are computed by
 * hand in the test's comments, never by the code under test.
 */
#ifndef SBYT_CHECK_H
#define SBYT_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_n, check_failed;

static inline int check_report(int ok, const char *file, int line, const char *name)
{
	check_n++;
	if (!ok)
		check_failed++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", check_n, name);
	if (!ok)
		printf("# failed at %s:%d\n", file, line);
	fflush(stdout);
	return ok;
}

#define CHECK(cond, name) check_report(!!(cond), __FILE__, __LINE__, name)

#define CHECK_INT(got, want, name)                                                    \
	do {                                                                          \
		long long g_ = (long long)(got), w_ = (long long)(want);              \
		if (!check_report(g_ == w_, __FILE__, __LINE__, name))                \
			printf("#   got %lld, want %lld\n", g_, w_);                      \
	} while (0)

#define CHECK_STR(got, want, name)                                                    \
	do {                                                                          \
		const char *g_ = (got), *w_ = (want);                                 \
		int ok_ = g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_;                  \
		if (!check_report(ok_, __FILE__, __LINE__, name))                     \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)",          \
			       w_ ? w_ : "(null)");                                   \
	} while (0)

static inline int check_done(void)
{
	printf("1..%d\n", check_n);
	return check_failed ? 1 : 0;
}

#endif
