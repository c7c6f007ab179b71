/*
 * peakrss.c - run a command and write its peak resident set size.
 *
 *   peakrss OUTFILE COMMAND [ARGS...]
 *
 * Runs COMMAND (no shell), waits for it, writes the peak RSS of it and its
 * children in kilobytes (getrusage RUSAGE_CHILDREN, ru_maxrss) to OUTFILE
 * and exits with COMMAND's status.  The benchmarks use it where GNU time's
 * `/usr/bin/time -f %M` is not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct rusage ru;
	pid_t pid;
	int status;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: peakrss OUTFILE COMMAND [ARGS...]\n");
		return 64;
	}
	pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 71;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("peakrss: exec");
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("peakrss: wait");
		return 71;
	}
	getrusage(RUSAGE_CHILDREN, &ru);
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f) != 0) {
		perror("peakrss: write");
		return 74;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
