/* test_proc.c - the process runner: exec failure vs exit codes, output,
 * stdin, cancellation with escalation, a clean child environment. */
#include "base/proc.h"
#include "t.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

struct lines {
	int n_out, n_err;
	char last_out[256];
};

static void on_line(void *ctx, enum proc_stream s, const char *line, size_t len)
{
	struct lines *l = ctx;
	if (s == PROC_STDOUT) {
		l->n_out++;
		snprintf(l->last_out, sizeof(l->last_out), "%.*s", (int)len, line);
	} else {
		l->n_err++;
	}
}

int main(void)
{
	struct proc p;
	struct err e;
	char dir[] = "/tmp/ws-proc-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);

	/* Not on PATH: reported without forking. */
	const char *const nf[] = { "ws-no-such-program", NULL };
	CHECK(proc_start(&p, nf, NULL, &e) == -1);
	CHECK_INT(p.state, PROC_EXEC_FAILED);
	CHECK_STR(e.msg, "could not run ws-no-such-program: not found on PATH");
	proc_release(&p);

	/* Exists but cannot be executed: the exec failure comes back over the
	 * close-on-exec pipe, distinct from "ran and failed". */
	char bad[64];
	snprintf(bad, sizeof(bad), "%s/notelf", dir);
	FILE *f = fopen(bad, "w");
	fputs("\x7f" "ELFgarbage", f);
	fclose(f);
	chmod(bad, 0755);
	const char *const bx[] = { bad, NULL };
	CHECK(proc_start(&p, bx, NULL, &e) == -1);
	CHECK_INT(p.state, PROC_EXEC_FAILED);
	CHECK_CONTAINS(e.msg, "Exec format error");
	proc_release(&p);

	/* Ran and failed: exit code, stderr captured. */
	const char *const fl[] = { "sh", "-c", "echo oops >&2; exit 3", NULL };
	CHECK(proc_run(&p, fl, NULL, 5000, &e) == 0);
	CHECK_INT(p.state, PROC_EXITED);
	CHECK_INT(p.code, 3);
	CHECK_STR(p.err.buf, "oops\n");
	char desc[128];
	proc_describe(&p, desc, sizeof(desc));
	CHECK_STR(desc, "exited with code 3");
	proc_release(&p);

	/* Output line by line, stdin, environment set and unset. */
	struct lines l = { 0 };
	setenv("WS_TEST_DROP", "x", 1);
	const char *const env_set[] = { "WS_TEST_VAR=hello world", NULL };
	const char *const env_unset[] = { "WS_TEST_DROP", NULL };
	struct proc_opts o = { .env_set = env_set, .env_unset = env_unset, .input = "line1\nline2\n",
			       .on_line = on_line, .ctx = &l };
	const char *const ec[] = { "sh", "-c", "cat; echo \"$WS_TEST_VAR\"; echo \"${WS_TEST_DROP-unset}\"; printf tail", NULL };
	CHECK(proc_run(&p, ec, &o, 5000, &e) == 0);
	CHECK_INT(p.code, 0);
	CHECK_STR(p.out.buf, "line1\nline2\nhello world\nunset\ntail");
	CHECK_INT(l.n_out, 5);
	CHECK_STR(l.last_out, "tail");
	proc_release(&p);

	/* The child gets default signal dispositions and only fds 0-2. */
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	int leak = dup(1); /* not close-on-exec: must still be closed */
	const char *const st[] = { "sh", "-c", "grep -E '^Sig(Ign|Blk)' /proc/self/status; ls /proc/self/fd", NULL };
	CHECK(proc_run(&p, st, NULL, 5000, &e) == 0);
	CHECK_CONTAINS(p.out.buf, "SigBlk:\t0000000000000000");
	CHECK_CONTAINS(p.out.buf, "SigIgn:\t0000000000000000"); /* SIGINT/SIGPIPE not inherited */
	{
		/* fds of `ls /proc/self/fd`: 0 1 2 and its own directory fd 3 */
		int count = 0;
		for (const char *s = strstr(p.out.buf, "\n") + 1; *s; s++)
			if (*s == '\n')
				count++;
		CHECK(count <= 5);
		char lk[16];
		snprintf(lk, sizeof(lk), "\n%d\n", leak);
		CHECK(leak <= 3 || strstr(p.out.buf, lk) == NULL);
	}
	close(leak);
	signal(SIGINT, SIG_DFL);
	proc_release(&p);

	/* Cancel: SIGTERM to the process group. */
	const char *const sl[] = { "sleep", "30", NULL };
	CHECK(proc_start(&p, sl, NULL, &e) == 0);
	long long t0 = proc_now_ms();
	proc_cancel(&p, 2000);
	while (!proc_done(&p)) {
		struct pollfd fds[3];
		int n = proc_pollfds(&p, fds, 3);
		poll(fds, (nfds_t)n, 20);
		proc_pump(&p);
		proc_reap(&p);
		proc_tick(&p);
	}
	CHECK_INT(p.state, PROC_SIGNALED);
	CHECK_INT(p.sig, SIGTERM);
	CHECK(proc_now_ms() - t0 < 1000);
	proc_release(&p);

	/* A child that ignores SIGTERM is killed after the grace period; its
	 * grandchild (same group) goes too. */
	const char *const ig[] = { "sh", "-c", "trap '' TERM; sleep 30 & wait", NULL };
	CHECK(proc_start(&p, ig, NULL, &e) == 0);
	usleep(100000);
	t0 = proc_now_ms();
	proc_cancel(&p, 300);
	while (!proc_done(&p)) {
		struct pollfd fds[3];
		int n = proc_pollfds(&p, fds, 3);
		int w = proc_timeout_ms(&p);
		poll(fds, (nfds_t)n, w < 0 || w > 50 ? 50 : w);
		proc_pump(&p);
		proc_reap(&p);
		proc_tick(&p);
	}
	long long took = proc_now_ms() - t0;
	CHECK_INT(p.state, PROC_SIGNALED);
	CHECK_INT(p.sig, SIGKILL);
	CHECK(took >= 300 && took < 1500);
	proc_release(&p);

	/* proc_run's timeout ends a hung child. */
	t0 = proc_now_ms();
	CHECK(proc_run(&p, sl, NULL, 200, &e) == 0);
	CHECK(proc_now_ms() - t0 < 1500);
	CHECK_INT(p.state, PROC_SIGNALED);
	proc_release(&p);

	/* Capture ceiling. */
	const char *const big[] = { "sh", "-c", "head -c 200000 /dev/zero", NULL };
	struct proc_opts small = { .capture_max = 1000 };
	CHECK(proc_run(&p, big, &small, 5000, &e) == 0);
	CHECK_INT(p.out.len, 1000);
	CHECK(p.truncated);
	proc_release(&p);

	unlink(bad);
	rmdir(dir);
	return t_done("test_proc");
}
