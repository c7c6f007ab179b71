/*
 * bench_deadline.c - a million deadline computations in one process.
 *
 *   build/tools/bench_deadline [RULES_DIR] [N]
 *
 * Loads the calendar and rules/limitation.xml once, then computes N whole
 * procedures (every step: individual, legal, legal_reserve, refusal in turn,
 * remote metering on every other household) for delivery dates drawn from
 * 2025-01-01 .. 2026-10-31 (so no step leaves 2026, the last loaded year),
 * and prints one line:
 *   bench: stage=deadline n=N seconds=S floor_seconds=F ratio=R rss_mb=M
 * The floor is a bare loop doing as many calendar lookups as the engine made
 * (the engine counts them in each derivation) into the same day table, at
 * random days of the same range: the cost of the calendar alone, without
 * the rules, the derivations and the explanations.  ratio = F / S.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "calendar.h"
#include "deadline.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64: reproducible, cheap. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;

static inline uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 32);
}

int main(int argc, char **argv)
{
	const char *rules_dir = argc > 1 ? argv[1] : "rules";
	long n = argc > 2 ? atol(argv[2]) : 1000000;
	struct faults f = FAULTS_INIT;
	struct sbyt_err e;
	struct calendar *cal;
	struct limit_rules *rules;
	const struct limit_procedure *procs[4];
	struct deadline_input in[4];
	struct deadline_result res;
	char dir[4096];
	sdate first, span;
	long long lookups = 0, steps = 0, sink = 0;
	double t0, t1, f0, f1;
	struct rusage ru;

	snprintf(dir, sizeof(dir), "%s/calendar", rules_dir);
	cal = calendar_load(dir, &f, &e);
	rules = limit_rules_load(rules_dir, &f, &e);
	if (!cal || !rules) {
		faults_print(&f, stderr);
		fprintf(stderr, "bench_deadline: %s\n", e.msg);
		return 78;
	}
	procs[0] = limit_procedure_find(rules, "individual");
	procs[1] = limit_procedure_find(rules, "legal");
	procs[2] = limit_procedure_find(rules, "legal_reserve");
	procs[3] = limit_procedure_find(rules, "refusal");
	for (int i = 0; i < 4; i++) {
		deadline_input_init(&in[i], procs[i]);
		in[i].assume_earliest = 1;
	}
	first = date_from_ymd(2025, 1, 1);
	span = date_from_ymd(2026, 10, 31) - first + 1;

	t0 = now();
	for (long i = 0; i < n; i++) {
		struct deadline_input *p = &in[i & 3];

		p->delivered[0] = first + (sdate)(rnd() % (uint32_t)span);
		p->remote = (i & 4) != 0;
		if (deadline_compute(cal, p, &res, &e)) {
			fprintf(stderr, "bench_deadline: %s\n", e.msg);
			return 70;
		}
		for (int s = 0; s < res.nsteps; s++) {
			lookups += res.step[s].lookups;
			sink += res.step[s].date;
		}
		steps += res.nsteps;
	}
	t1 = now();

	/* The floor: the same number of lookups into the same table. */
	f0 = now();
	for (long long i = 0; i < lookups; i++)
		sink += CAL_IS_WORKING(calendar_class(cal, first + (sdate)(rnd() % (uint32_t)span)));
	f1 = now();

	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "bench_deadline: %ld procedures, %lld steps, %lld lookups (sink %lld)\n",
		n, steps, lookups, sink & 1);
	printf("bench: stage=deadline n=%ld seconds=%.3f floor_seconds=%.3f ratio=%.2f rss_mb=%.1f\n",
	       n, t1 - t0, f1 - f0, (t1 - t0) > 0 ? (f1 - f0) / (t1 - t0) : 0.0,
	       (double)ru.ru_maxrss / 1024.0);
	limit_rules_free(rules);
	calendar_free(cal);
	faults_release(&f);
	return 0;
}
