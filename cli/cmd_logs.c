/* cmd_logs.c - `ws-launch logs [-f] [--sidecar]`: the workspace's (or the
 * dind sidecar's) output through `docker logs`, sanitised when it goes to
 * a terminal; Ctrl-C ends a follow. */
#include "cli.h"
#include "cli_engine.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile int interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct sink {
	int clean_out, clean_err;
};

static void on_line(void *ctx, enum proc_stream s, const char *line, size_t len)
{
	struct sink *k = ctx;
	FILE *f = s == PROC_STDERR ? stderr : stdout;
	char *copy = xstrndup(line, len);
	if (s == PROC_STDERR ? k->clean_err : k->clean_out)
		show_sanitize(copy, len);
	fprintf(f, "%s\n", copy);
	free(copy);
}

enum { F_NAME, F_PROFILE, F_FOLLOW, F_SIDECAR, F_TAIL };
static const struct cmd_flag logs_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	[F_FOLLOW] = { "follow", 'f', 0, NULL, "keep printing new output until Ctrl-C" },
	[F_SIDECAR] = { "sidecar", 0, 0, NULL, "the dind sidecar's output instead of the workspace's" },
	[F_TAIL] = { "tail", 0, 1, "N", "only the last N lines" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_logs_entry;

static int cmd_logs(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	if (cli_parse_flags(&cmd_logs_entry, argc, argv, &a))
		return EXIT_USAGE;
	const char *profile = a.value[F_PROFILE], *name = a.value[F_NAME], *tail = a.value[F_TAIL];
	const int follow = a.set[F_FOLLOW], sidecar = a.set[F_SIDECAR];
	int rc = EXIT_OK;
	if (!rc && tail) {
		char *end;
		long n = strtol(tail, &end, 10);
		if (end == tail || *end || n < 0 || n > 100000000)
			rc = cli_usage_error("--tail", "'%s' is not a number of lines", tail);
	}
	char *label = NULL;
	if (rc || (rc = cli_launch_name(cli, "logs", profile, name, &label))) {
		return rc;
	}
	struct cli_engine ce;
	struct launches ls = { NULL, 0 };
	char *target = NULL;
	if ((rc = cli_engine_open(&ce, "logs")) || (rc = cli_engine_launches(&ce, "logs", label, 15000, &ls)))
		goto out;
	if (!ls.n) {
		rc = cli_fail("logs", "no launch named %s ('ws-launch ps' lists them)", label);
		goto out;
	}
	if (sidecar) {
		if (!ls.v[0].sidecars.n) {
			rc = cli_usage_error("--sidecar", "launch %s has no sidecar (only dind has one)", label);
			goto out;
		}
		target = xstrdup(ls.v[0].sidecars.v[0]);
	} else if (ls.v[0].has_workspace) {
		target = xstrdup(label);
	} else {
		rc = cli_fail("logs", "launch %s has no workspace container", label);
		goto out;
	}
	struct strvec av = STRVEC_INIT;
	strvec_pushl(&av, cli_docker(), "logs", NULL);
	if (follow)
		strvec_push(&av, "--follow");
	if (tail)
		strvec_pushl(&av, "--tail", tail, NULL);
	strvec_pushl(&av, "--", target, NULL);
	struct sink k = { isatty(STDOUT_FILENO), isatty(STDERR_FILENO) };
	struct proc p;
	struct err e;
	struct proc_opts o = { .on_line = on_line, .ctx = &k, .capture_max = 1 };
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	proc_init(&p);
	if (proc_start(&p, (const char *const *)av.v, &o, &e)) {
		rc = cli_fail("logs", "%s", e.msg);
	} else {
		while (!proc_done(&p)) {
			if (interrupted && !p.cancelled)
				proc_cancel(&p, 1000);
			struct pollfd fds[4];
			int n = proc_pollfds(&p, fds, 4);
			int t = proc_timeout_ms(&p);
			poll(fds, (nfds_t)n, t >= 0 && t < 200 ? t : 200);
			proc_pump(&p);
			proc_reap(&p);
			proc_tick(&p);
		}
		rc = interrupted ? EXIT_INTERRUPTED : p.state == PROC_EXITED && p.code == 0 ? EXIT_OK : EXIT_FAIL;
	}
	fflush(stdout);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	proc_release(&p);
	strvec_release(&av);
out:
	free(target);
	launches_release(&ls);
	cli_engine_close(&ce);
	free(label);
	return rc;
}

const struct command cmd_logs_entry = {
	"logs", cmd_logs, "ws-launch logs [--name NAME | --profile NAME] [-f] [--sidecar] [--tail N]",
	  "show a workspace's output",
	  "The workspace's output (docker logs), or its dind sidecar's with --sidecar;\n"
	  "-f follows until Ctrl-C.  Control characters are replaced on a terminal.",
	logs_flags, 0, 0,
};
