/* cmd_lifecycle.c - `ws-launch stop` and `ws-launch start`: a launch's
 * containers stopped (workspace first) or started again (sidecars first)
 * and verified as after `up`: docker inside answers, the web port too. */
#include "cli.h"
#include "cli_engine.h"
#include "cli_progress.h"
#include "launch/modes.h"
#include "run/runner.h"
#include "base/strbuf.h"

#include <errno.h>
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

/* TIME: `docker stop -t TIME` (NULL: the container's own grace period). */
static struct step *add(struct plan *p, const char *verb, const char *name, enum container_role role,
			const char *time)
{
	char *desc = xasprintf("%s the %s %s", verb, role == ROLE_WORKSPACE ? "workspace" : "sidecar", name);
	struct step *st = plan_add_step(p, STEP_RUN, desc);
	free(desc);
	st->role = role;
	st->object = xstrdup(name);
	strvec_pushl(&st->argv, "docker", verb, NULL);
	if (time)
		strvec_pushl(&st->argv, "-t", time, NULL);
	strvec_pushl(&st->argv, "--", name, NULL);
	st->breaks = xcalloc(st->argv.n, 1);
	return st;
}

/* --verify full for start: the image, and the inner daemon's mirrors and
 * insecure registries from the launch's options label (what its progress
 * line names). */
static int verify_settings(struct plan *p, const struct launch_seen *s, const char *vmode, const char *vimage)
{
	if (!vmode && !vimage)
		return EXIT_OK;
	struct spec vs;
	spec_init(&vs);
	vs.mode = p->mode;
	const enum opt_id inner[] = { OPT_INNER_MIRROR, OPT_INNER_INSECURE };
	for (size_t k = 0; k < 2 && s->options && option_applies(option_get(inner[k]), vs.mode); k++) {
		char *v = launch_option(s->options, option_get(inner[k])->key);
		if (v)
			spec_set(&vs, inner[k], v, NULL);
		free(v);
	}
	int rc = cli_verify_apply(&vs, vmode, vimage);
	if (!rc)
		plan_set_verify(p, &vs);
	spec_release(&vs);
	return rc;
}

/* The third flag is start's --verify-timeout and stop's --time. */
enum { F_NAME, F_PROFILE, F_VERIFY_TIMEOUT, F_PULL, F_OFFLINE, F_VERIFY, F_VERIFY_IMAGE, F_TIME = F_VERIFY_TIMEOUT };
static const struct cmd_flag stop_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	[F_TIME] = CMD_FLAG_TIME,
	{ NULL, 0, 0, NULL, NULL },
};
static const struct cmd_flag start_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	[F_VERIFY_TIMEOUT] = { "verify-timeout", 0, 1, "SECONDS", "how long to wait for docker inside [90]" },
	/* The one pull policy of every command that starts containers: start
	 * runs the existing ones, so it never pulls or asks a registry. */
	[F_PULL] = { "pull", 0, 1, "auto|always|never",
		     "auto and never: nothing to pull (the containers exist); always: refused" },
	[F_OFFLINE] = { "offline", 0, 0, NULL, "no registry lookup (start makes none)" },
	[F_VERIFY] = CMD_FLAG_VERIFY,
	[F_VERIFY_IMAGE] = CMD_FLAG_VERIFY_IMAGE,
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_stop_entry, cmd_start_entry;

int cli_parse_stop_time(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 3600)
		return cli_usage_error("--time", "'%s' is not a number of seconds (0-3600)", s);
	return EXIT_OK;
}

static int lifecycle(struct cli *cli, int argc, char **argv, int start)
{
	const char *what = start ? "start" : "stop";
	struct cmd_args a;
	if (cli_parse_flags(start ? &cmd_start_entry : &cmd_stop_entry, argc, argv, &a))
		return EXIT_USAGE;
	const char *profile = a.value[F_PROFILE], *name = a.value[F_NAME], *verify = start ? a.value[F_VERIFY_TIMEOUT] : NULL;
	const char *time = start ? NULL : a.value[F_TIME];
	const char *vmode = start ? a.value[F_VERIFY] : NULL, *vimage = start ? a.value[F_VERIFY_IMAGE] : NULL;
	int rc = time ? cli_parse_stop_time(time) : cli_verify_values(vmode, vimage);
	long vtmo = 0;
	const char *pull = start ? a.value[F_PULL] : NULL;
	if (pull && strcmp(pull, "auto") && strcmp(pull, "always") && strcmp(pull, "never"))
		return cli_usage_error("--pull", "'%s' is not one of auto, always, never", pull);
	if (pull && !strcmp(pull, "always"))
		return cli_usage_error("--pull", "start runs the launch's existing containers and pulls nothing; "
						 "'ws-launch upgrade --image REF --pull always' pulls and replaces them");
	if (!rc && verify) {
		char *end;
		long v = strtol(verify, &end, 10);
		if (*end || v < 1 || v > 3600)
			rc = cli_usage_error("--verify-timeout", "'%s' is not a number of seconds (1-3600)", verify);
		vtmo = v * 1000;
	}
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
	if (start && s->running && s->sidecars_running == s->sidecars.n && s->state != LS_PARTIAL) {
		char *url = cli_launch_url(&ce, s);
		char *m = cli_clean(url ? url : "no web port published");
		printf("workspace %s is already running: %s\n", label, m);
		free(m);
		free(url);
		goto out;
	}
	if (!start && !s->running && !s->sidecars_running) {
		printf("workspace %s is already stopped ('ws-launch start --name %s' starts it)\n", label, label);
		goto out;
	}
	plan.label = xstrdup(label);
	if (start) {
		for (size_t i = 0; i < s->sidecars.n; i++)
			add(&plan, "start", s->sidecars.v[i], ROLE_SIDECAR, NULL);
		add(&plan, "start", label, ROLE_WORKSPACE, NULL);
		plan.ws_name = xstrdup(label);
		/* What verification watches: the mode's inner dockerd, the sidecar. */
		const struct mode *m = s->mode ? mode_by_name(s->mode) : NULL;
		plan.mode = mode_id_of(m);
		if (s->sidecars.n)
			plan.sidecar = xstrdup(s->sidecars.v[0]);
		char *pub = s->options ? launch_option(s->options, "publish") : NULL;
		if (pub && strcmp(pub, "none"))
			publish_parse(pub, &plan.publish, NULL);
		free(pub);
		if ((rc = verify_settings(&plan, s, vmode, vimage)))
			goto out;
	} else {
		add(&plan, "stop", label, ROLE_WORKSPACE, time);
		for (size_t i = 0; i < s->sidecars.n; i++)
			add(&plan, "stop", s->sidecars.v[i], ROLE_SIDECAR, time);
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
		if (res->hint) {
			char *h = cli_clean(res->hint);
			fprintf(stderr, "  %s\n", h);
			free(h);
		}
	}
out:
	runner_free(r);
	plan_release(&plan);
	launches_release(&ls);
	cli_engine_close(&ce);
	free(label);
	return rc;
}

static int cmd_start(struct cli *cli, int argc, char **argv)
{
	return lifecycle(cli, argc, argv, 1);
}

static int cmd_stop(struct cli *cli, int argc, char **argv)
{
	return lifecycle(cli, argc, argv, 0);
}

const struct command cmd_stop_entry = {
	"stop", cmd_stop, "ws-launch stop [--name NAME | --profile NAME] [--time SECONDS]",
	  "stop a launch's containers",
	  "Stops the workspace, then its sidecar; nothing is removed.  Each container\n"
	  "gets SIGTERM, then SIGKILL after --time seconds (default: the container's\n"
	  "stop timeout, 10 s unless set).  A stopped launch is left as it is.",
	stop_flags, 0, 0,
};

const struct command cmd_start_entry = {
	"start", cmd_start,
	  "ws-launch start [--name NAME | --profile NAME] [--verify-timeout SECONDS] [--verify quick|full] [--pull auto|always|never] [--offline]",
	  "start a stopped launch again",
	  "Starts the sidecar, then the workspace, and verifies as 'up' does: docker\n"
	  "inside answers and the web port too.  A running launch is left as it is\n"
	  "and its URL printed.  It runs the existing containers, so it pulls nothing\n"
	  "and asks no registry (--pull auto or never and --offline are accepted, as\n"
	  "for 'up' and 'upgrade').  --verify full verifies as 'up --verify full' does:\n"
	  "the inner daemon pulls --verify-image and runs a container of it.",
	start_flags, 0, 0,
};
