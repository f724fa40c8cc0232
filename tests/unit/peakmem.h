/* The memory a piece of work really takes: it runs in a child process, and
 * the kernel's count of the child's largest resident size (less what the
 * child had at birth) is the answer. Measured, not counted by the code under
 * test, so a blow-up anywhere shows. */
#ifndef KL_TEST_PEAKMEM_H
#define KL_TEST_PEAKMEM_H
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

static inline long rss_now_kb(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f && fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	if (f)
		fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Runs fn(arg) in a child; returns the MiB its peak resident size grew by.
 * The child must end normally (a crash or an abort fails the test); with
 * cpu_seconds, a child still working after that much processor time is
 * stopped (SIGXCPU) and fails the test: a bound an order of magnitude above
 * what the work takes, for inputs that used to take minutes. */
static inline long peak_mib_cpu(void (*fn)(void *), void *arg, int cpu_seconds);
static inline long peak_mib(void (*fn)(void *), void *arg)
{
	return peak_mib_cpu(fn, arg, 0);
}

static inline long peak_mib_cpu(void (*fn)(void *), void *arg, int cpu_seconds)
{
	fflush(NULL);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* both ends measured in the child: what it had at birth, its peak */
		long before = rss_now_kb();
		struct rlimit cpu = {(rlim_t)cpu_seconds, (rlim_t)cpu_seconds + 1};
		if (cpu_seconds)
			setrlimit(RLIMIT_CPU, &cpu);
		fn(arg);
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		long grew = ru.ru_maxrss - before;
		if (write(fds[1], &grew, sizeof(grew)) != sizeof(grew))
			_exit(1);
		fflush(NULL);
		_exit(0);
	}
	close(fds[1]);
	long grew = 0;
	ssize_t got = read(fds[0], &grew, sizeof(grew));
	close(fds[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail_msg("the work ended with %s %d", WIFSIGNALED(status) ? "signal" : "status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	assert_int_equal(got, sizeof(grew));
	return grew > 0 ? grew / 1024 : 0;
}

#endif
