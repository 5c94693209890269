/* cmd_down.c - `ws-launch down`: remove what a launch created (by label). */
#include "cli.h"
#include "launch/secret.h"
#include "cli_progress.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "engine/net.h"
#include "launch/plan.h"
#include "launch/profile.h"
#include "run/runner.h"
#include "run/teardown.h"
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

enum { F_NAME, F_PROFILE, F_VOLUMES };
static const struct cmd_flag down_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	[F_VOLUMES] = { "volumes", 0, 0, NULL, "remove the launch's volumes too" },
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
		char *m = cli_clean(res->message);
		printf("%s of launch %s\n", m, label);
		free(m);
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
	"down", cmd_down, "ws-launch down [--profile NAME | --name NAME] [--volumes]",
	  "remove what a launch created",
	  "Removes the containers and networks labelled ws-launch.launch=NAME (default\n"
	  "NAME: workspace), newest first; volumes only with --volumes.  Nothing without\n"
	  "the label is touched.",
	down_flags, 0, 0,
};
