/* cmd_down.c - `ws-launch down`: remove what a launch created (by label). */
#include "cli.h"
#include "launch/inner.h"
#include "launch/secret.h"
#include "cli_progress.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "engine/net.h"
#include "launch/plan.h"
#include "launch/profile.h"
#include "run/runner.h"
#include "run/teardown.h"
#include "base/show.h"
#include "base/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct found_ctx {
	struct plan plan;
	struct err err;
	int done, failed;
};

static void on_found(struct plan *p, const struct err *error, void *ctx)
{
	struct found_ctx *f = ctx;
	f->done = 1;
	if (error) {
		f->failed = 1;
		f->err = *error;
		plan_release(p);
		return;
	}
	f->plan = *p;
}

static void on_change(struct runner *r, void *ctx)
{
	progress_update(ctx, r);
}

/* With --time: every container is stopped with that grace period first
 * (the steps put before the removals, in the same order). */
static size_t stop_first(struct plan *p, const char *time)
{
	size_t n = p->n, added = 0;
	for (size_t i = 0; i < n; i++) {
		if (p->steps[i].kind != STEP_RUN || !p->steps[i].object)
			continue;
		char *name = xstrdup(p->steps[i].object);
		char *desc = xasprintf("stop the container %s (%s s to exit)", name, time);
		show_sanitize(desc, strlen(desc));
		struct step *st = plan_add_step(p, STEP_RUN, desc);
		st->object = name;
		strvec_pushl(&st->argv, "docker", "stop", "-t", time, "--", name, NULL);
		st->breaks = xcalloc(st->argv.n, 1);
		free(desc);
		added++;
	}
	if (!added)
		return 0;
	struct step *tmp = xcalloc(added, sizeof(*tmp));
	memcpy(tmp, p->steps + n, added * sizeof(*tmp));
	memmove(p->steps + added, p->steps, n * sizeof(*tmp));
	memcpy(p->steps, tmp, added * sizeof(*tmp));
	free(tmp);
	return added;
}

enum { F_NAME, F_PROFILE, F_VOLUMES, F_TIME };
static const struct cmd_flag down_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	[F_VOLUMES] = { "volumes", 0, 0, NULL, "remove the launch's volumes too" },
	[F_TIME] = CMD_FLAG_TIME,
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_down_entry;

static int cmd_down(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	if (cli_parse_flags(&cmd_down_entry, argc, argv, &a))
		return EXIT_USAGE;
	const char *profile = a.value[F_PROFILE], *name = a.value[F_NAME];
	const int volumes = a.set[F_VOLUMES];
	const char *time = a.value[F_TIME];
	if (time && cli_parse_stop_time(time))
		return EXIT_USAGE;
	if (profile && name)
		return cli_usage_error("down", "give --profile or --name, not both");
	struct err e;
	struct spec s;
	spec_init(&s);
	char *label = NULL;
	if (profile) {
		if (profile_load(cli->config, profile, &s, &e)) {
			spec_release(&s);
			return cli_usage_error("--profile", "%s", e.msg);
		}
		if (spec_is_none(&s, OPT_NAME)) {
			spec_release(&s);
			return cli_usage_error("--profile", "%s has no container name: nothing is labelled for it", profile);
		}
		label = xstrdup(spec_get(&s, OPT_NAME));
	} else {
		const char *n = name ? name : "workspace";
		if (validate_docker_name(n, "container", &e)) {
			spec_release(&s);
			return cli_usage_error("--name", "%s", e.msg);
		}
		label = xstrdup(n);
	}
	spec_release(&s);

	int rc = EXIT_FAIL;
	struct endpoint ep;
	struct engine_target t;
	struct net *net = NULL;
	struct teardown *td = NULL;
	struct runner *r = NULL;
	int target_ok = 0;
	struct found_ctx f = { .done = 0 };
	plan_init(&f.plan);
	endpoint_init(&ep);
	if (endpoint_resolve(&ep, &e)) {
		rc = cli_usage_error(NULL, "%s", e.msg);
		goto out;
	}
	if (engine_target_init(&t, &ep, getenv("DOCKER_API_VERSION"), &e)) {
		rc = cli_fail("down", "%s", e.msg);
		goto out;
	}
	target_ok = 1;
	if (!(net = net_new(&e))) {
		rc = cli_fail("down", "%s", e.msg);
		goto out;
	}
	td = teardown_start(net, &t, label, volumes, on_found, &f);
	if (net_run_all(net, 15000, &e) || !f.done) {
		rc = cli_fail("down", "the engine did not answer: %s", e.msg);
		goto out;
	}
	if (f.failed) {
		rc = cli_fail("down", "%s", f.err.msg);
		goto out;
	}
	if (volumes) {
		/* the launch's password file goes with its volumes */
		int removed = 0;
		if (secret_remove_env(cli->config, label, &removed, &e))
			cli_warn(cli, "%s", e.msg);
		else if (removed)
			fprintf(stderr, "removed the launch's password file\n");
	}
	if (!f.plan.n) {
		fprintf(stderr, "nothing to remove: no %s labelled %s=%s\n", volumes ? "container, network or volume" : "container or network",
			"ws-launch.launch", label);
		rc = EXIT_OK;
		goto out;
	}
	size_t stops = time ? stop_first(&f.plan, time) : 0;
	struct runner_config rcfg = { .plan = &f.plan, .down = 1, .docker = getenv("WS_LAUNCH_DOCKER") };
	r = runner_new(net, &rcfg, &e);
	if (!r) {
		rc = cli_fail("down", "%s", e.msg);
		goto out;
	}
	struct progress pg;
	progress_init(&pg, cli);
	runner_run(r, on_change, &pg, NULL);
	progress_done(&pg);
	const struct run_result *res = runner_result(r);
	if (res->ok) {
		size_t removed = f.plan.n - stops; /* the runner counts the stops too */
		printf("removed %zu object%s of launch %s\n", removed, removed == 1 ? "" : "s", label);
		int gone = 0; /* the inner daemon's daemon.json goes with the containers that mounted it */
		if (inner_file_remove(cli->config, label, &gone, &e))
			cli_warn(cli, "%s", e.msg);
		else if (gone)
			fprintf(stderr, "removed the launch's daemon.json\n");
		if (!volumes)
			fprintf(stderr, "volumes were kept; 'ws-launch down --volumes' removes them too\n");
		rc = EXIT_OK;
	} else {
		rc = cli_fail("down", "%s", res->message);
	}
out:
	runner_free(r);
	teardown_free(td);
	net_free(net);
	if (target_ok)
		engine_target_release(&t);
	endpoint_release(&ep);
	plan_release(&f.plan);
	free(label);
	return rc;
}

const struct command cmd_down_entry = {
	"down", cmd_down, "ws-launch down [--profile NAME | --name NAME] [--volumes] [--time SECONDS]",
	  "remove what a launch created",
	  "Removes the containers and networks labelled ws-launch.launch=NAME (default\n"
	  "NAME: workspace), newest first; volumes only with --volumes.  Nothing without\n"
	  "the label is touched.  Containers are removed at once (docker rm -f) unless\n"
	  "--time is given: then each is stopped first, SIGKILL after SECONDS.",
	down_flags, 0, 0,
};
