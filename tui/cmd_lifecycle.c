/* cmd_lifecycle.c - `ws-launch stop` and `ws-launch start`: a launch's
 * containers stopped (workspace first) or started again (sidecars first)
 * and verified as after `up`: docker inside answers, the web port too. */
#include "cli.h"
#include "cli_engine.h"
#include "cli_progress.h"
#include "runner.h"
#include "strbuf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void on_change(struct runner *r, void *ctx)
{
	progress_update(ctx, r);
}

static struct step *add(struct plan *p, const char *verb, const char *name, enum container_role role)
{
	char *desc = xasprintf("%s the %s %s", verb, role == ROLE_WORKSPACE ? "workspace" : "sidecar", name);
	struct step *st = plan_add_step(p, STEP_RUN, desc);
	free(desc);
	st->role = role;
	st->object = xstrdup(name);
	strvec_pushl(&st->argv, "docker", verb, "--", name, NULL);
	st->breaks = xcalloc(st->argv.n, 1);
	return st;
}

static int lifecycle(struct cli *cli, int argc, char **argv, int start)
{
	const char *what = start ? "start" : "stop";
	const char *profile = NULL, *name = NULL, *verify = NULL;
	struct strvec rest = STRVEC_INIT;
	int rc = cli_pick_args(what, argc, argv, &profile, &name, &rest);
	for (size_t i = 0; !rc && i < rest.n; i++) {
		if (start && !strcmp(rest.v[i], "--verify-timeout") && i + 1 < rest.n)
			verify = rest.v[++i];
		else if (start && !strncmp(rest.v[i], "--verify-timeout=", 17))
			verify = rest.v[i] + 17;
		else
			rc = cli_usage_error(what, "unexpected argument '%s' (--name NAME | --profile NAME%s)", rest.v[i],
					     start ? ", --verify-timeout SECONDS" : "");
	}
	long vtmo = 0;
	if (!rc && verify) {
		char *end;
		long v = strtol(verify, &end, 10);
		if (*end || v < 1 || v > 3600)
			rc = cli_usage_error("--verify-timeout", "'%s' is not a number of seconds (1-3600)", verify);
		vtmo = v * 1000;
	}
	strvec_free(&rest);
	char *label = NULL;
	if (rc || (rc = cli_launch_name(cli, what, profile, name, &label)))
		return rc;
	struct cli_engine ce;
	struct launches ls = { NULL, 0 };
	struct plan plan;
	struct runner *r = NULL;
	plan_init(&plan);
	if ((rc = cli_engine_open(&ce, what)) || (rc = cli_engine_launches(&ce, what, label, 15000, &ls)))
		goto out;
	if (!ls.n) {
		rc = cli_fail(what, "no launch named %s on %s ('ws-launch ps' lists them)", label, ce.ep.url);
		goto out;
	}
	const struct launch_seen *s = &ls.v[0];
	if (!s->has_workspace) {
		rc = cli_fail(what, "launch %s has no workspace container: 'ws-launch up' makes it again", label);
		goto out;
	}
	plan.label = xstrdup(label);
	if (start) {
		for (size_t i = 0; i < s->sidecars.n; i++)
			add(&plan, "start", s->sidecars.v[i], ROLE_SIDECAR);
		add(&plan, "start", label, ROLE_WORKSPACE);
		plan.ws_name = xstrdup(label);
		char *pub = s->options ? launch_option(s->options, "publish") : NULL;
		if (pub && strcmp(pub, "none"))
			publish_parse(pub, &plan.publish, NULL);
		free(pub);
	} else {
		add(&plan, "stop", label, ROLE_WORKSPACE);
		for (size_t i = 0; i < s->sidecars.n; i++)
			add(&plan, "stop", s->sidecars.v[i], ROLE_SIDECAR);
	}
	struct err e;
	struct runner_config rcfg = { .plan = &plan, .down = !start, .verify_timeout_ms = vtmo,
				      .docker = getenv("WS_LAUNCH_DOCKER") };
	if (!(r = runner_new(ce.net, &rcfg, &e))) {
		rc = cli_fail(what, "%s", e.msg);
		goto out;
	}
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	struct progress pg;
	progress_init(&pg, cli);
	runner_run(r, on_change, &pg, &interrupted);
	progress_done(&pg);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	const struct run_result *res = runner_result(r);
	if (res->ok) {
		char *m = cli_clean(start ? res->message : "stopped");
		printf("%s%s%s\n", m, start ? "" : " launch ", start ? "" : label);
		free(m);
		rc = EXIT_OK;
	} else if (res->cancelled || interrupted) {
		rc = cli_fail(what, "interrupted");
		rc = EXIT_INTERRUPTED;
	} else {
		rc = cli_fail(what, "%s", res->message ? res->message : "failed");
	}
out:
	runner_free(r);
	plan_free(&plan);
	launches_free(&ls);
	cli_engine_close(&ce);
	free(label);
	return rc;
}

int cmd_start(struct cli *cli, int argc, char **argv)
{
	return lifecycle(cli, argc, argv, 1);
}

int cmd_stop(struct cli *cli, int argc, char **argv)
{
	return lifecycle(cli, argc, argv, 0);
}
