/* cmd_up.c - `ws-launch up`: check, show, confirm, run, verify. */
#include "checks/checks.h"
#include "cli.h"
#include "launch/secret.h"
#include "cli_progress.h"
#include "launch/facts.h"
#include "launch/modes.h"
#include "launch/option_value.h"
#include "engine/net.h"
#include "launch/plan.h"
#include "launch/profile.h"
#include "render/render.h"
#include "run/runner.h"
#include "base/strbuf.h"

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

static void on_change(struct runner *r, void *ctx)
{
	progress_update(ctx, r);
}

/* Prints the checks that did not pass; returns the number that failed. */
static int report_checks(struct cli *cli, struct checker *c, enum mode_id mode)
{
	int pass = 0, warn = 0, failed = 0;
	for (const char *const *id = mode_get(mode)->checks; *id; id++) {
		const struct check *k = checker_get(c, check_by_name(*id));
		if (!k)
			continue;
		if (k->status == CHECK_PASS || k->status == CHECK_SKIP) {
			pass++;
			continue;
		}
		const char *tag = k->status == CHECK_WARN ? "warning" : "check failed";
		if (k->status == CHECK_WARN)
			warn++;
		else
			failed++;
		char *finding = cli_clean(k->finding), *remedy = cli_clean(k->remedy);
		if (cli->color_err)
			fprintf(stderr, "\033[%sm%s:\033[0m %s: %s\n", k->status == CHECK_WARN ? "1;33" : "1;31", tag,
				k->def->name, finding);
		else
			fprintf(stderr, "%s: %s: %s\n", tag, k->def->name, finding);
		if (k->remedy)
			fprintf(stderr, "  -> %s\n", remedy);
		free(finding);
		free(remedy);
	}
	fprintf(stderr, "checks: %d passed, %d warning%s, %d failed\n", pass, warn, warn == 1 ? "" : "s", failed);
	return failed;
}

static int confirm(size_t steps)
{
	fprintf(stderr, "Run these %zu step%s? [y/N] ", steps, steps == 1 ? "" : "s");
	fflush(stderr);
	char buf[32];
	if (!fgets(buf, sizeof(buf), stdin))
		return 0;
	return buf[0] == 'y' || buf[0] == 'Y';
}

enum { F_YES, F_DRY_RUN, F_FORCE, F_KEEP, F_ADOPT, F_RECREATE, F_SAVE, F_TIMEOUT, F_VERIFY_TIMEOUT,
       F_REGISTRY, F_OFFLINE };
static const struct cmd_flag up_flags[] = {
	[F_YES] = { "yes", 0, 0, NULL, "do not ask for confirmation" },
	[F_DRY_RUN] = { "dry-run", 0, 0, NULL, "check and show the plan, run nothing" },
	[F_FORCE] = { "force", 0, 0, NULL, "launch even when a check fails" },
	[F_KEEP] = { "keep", 0, 0, NULL, "keep what was created when a step or verification fails (no rollback)" },
	[F_ADOPT] = { "adopt", 0, 0, NULL, "use existing volumes of the launch's names that it did not create" },
	[F_RECREATE] = { "recreate", 0, 0, NULL,
			 "replace the launch's containers when they were made with other options (volumes are kept)" },
	[F_SAVE] = { "save", 0, 1, "NAME", "save the launch as a profile when it succeeds" },
	[F_TIMEOUT] = { "timeout", 0, 1, "SECONDS",
			"timeout of each remote call: checks, the Engine API of a tcp:// daemon, the registry [5]" },
	[F_VERIFY_TIMEOUT] = { "verify-timeout", 0, 1, "SECONDS", "how long to wait for docker inside [90]" },
	[F_REGISTRY] = { "registry", 0, 1, "URL", "registry base URL for the tag lookup" },
	[F_OFFLINE] = { "offline", 0, 0, NULL, "skip the registry lookup" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_up_entry;

static int cmd_up(struct cli *cli, int argc, char **argv)
{
	struct launch_args la;
	struct net *net = NULL;
	struct checker *c = NULL;
	struct runner *r = NULL;
	struct plan plan;
	struct facts facts;
	plan_init(&plan);
	facts_init(&facts);
	int rc = cli_parse_launch(cli, argc, argv, &cmd_up_entry, &la);
	if (rc)
		goto out;
	const struct cmd_args *f = &la.flags;
	const int yes = f->set[F_YES], dry = f->set[F_DRY_RUN], force = f->set[F_FORCE], keep = f->set[F_KEEP],
		  offline = f->set[F_OFFLINE], adopt = f->set[F_ADOPT], recreate = f->set[F_RECREATE];
	const char *save = f->value[F_SAVE], *timeout = f->value[F_TIMEOUT], *verify = f->value[F_VERIFY_TIMEOUT],
		   *registry = f->value[F_REGISTRY];
	if (spec_minimal(&la.spec)) {
		rc = cli_usage_error("--minimal", "is the docs form for printing; 'up' needs a named, detached workspace");
		goto out;
	}
	if (spec_is_none(&la.spec, OPT_NAME)) {
		rc = cli_usage_error("--name", "'up' needs a container name (it names the launch)");
		goto out;
	}
	if (spec_bool(&la.spec, OPT_DETACH) == 0) {
		rc = cli_usage_error("--no-detach", "'up' runs the workspace detached; print the commands instead");
		goto out;
	}
	struct err e;
	if (save) {
		char *path = profile_path(cli->config, save, &e);
		if (!path) {
			rc = cli_usage_error("--save", "%s", e.msg);
			goto out;
		}
		free(path);
	}
	long tmo = 0, vtmo = 0;
	if (timeout && (rc = cli_parse_timeout(timeout, &tmo)))
		goto out;
	if (verify && (rc = cli_parse_timeout(verify, &vtmo)))
		goto out;
	if ((rc = cli_apply_password(cli, &la)) || (rc = cli_check_files(&la.spec)))
		goto out;

	unsigned modes = la.have_mode ? MODE_BIT(la.spec.mode) : MODES_ALL;
	c = cli_run_checks(cli, &la.spec, modes, tmo, registry, offline ? CLI_CHECK_OFFLINE : 0, &net);
	if (!c) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (!la.have_mode) {
		enum mode_id m = checker_recommend(c);
		if (m == MODE_NONE) {
			rc = cli_fail("up", "no mode is ready on this host; see 'ws-launch check'");
			goto out;
		}
		la.spec.mode = m;
		fprintf(stderr, "mode: %s (recommended: the most isolated ready mode)\n", mode_get(m)->name);
	}
	int failed = report_checks(cli, c, la.spec.mode);
	if (failed && !force) {
		rc = cli_fail("up", "%d check%s failed; fix %s or pass --force", failed, failed == 1 ? "" : "s",
			      failed == 1 ? "it" : "them");
		goto out;
	}
	facts_detect_local(&facts, &la.spec);
	checker_fill_facts(c, &facts);
	checker_free(c);
	c = NULL;
	if ((rc = cli_build_plan(cli, &la.spec, &facts, &plan)))
		goto out;
	cli_print_plan_notes(cli, &plan);

	int tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	if (dry || (tty && !yes)) {
		struct strbuf text = STRBUF_INIT;
		render_shell(&text, &plan);
		fputs(text.buf, dry ? stdout : stderr);
		strbuf_release(&text);
	}
	if (dry) {
		fprintf(stderr, "dry run: nothing was run\n");
		rc = EXIT_OK;
		goto out;
	}
	if (tty && !yes && !confirm(plan.n)) {
		fprintf(stderr, "nothing was run\n");
		rc = EXIT_FAIL;
		goto out;
	}

	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	struct runner_config rcfg = { .plan = &plan, .keep = keep, .adopt = adopt, .recreate = recreate,
				      .remote_timeout_ms = tmo,
				      .verify_timeout_ms = vtmo,
				      .docker = getenv("WS_LAUNCH_DOCKER") };
	r = runner_new(net, &rcfg, &e);
	if (!r) {
		rc = cli_fail("up", "%s", e.msg);
		goto out;
	}
	struct progress pg;
	progress_init(&pg, cli);
	runner_run(r, on_change, &pg, &interrupted);
	progress_done(&pg);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);

	const struct run_result *res = runner_result(r);
	if (res->ok) {
		char *m = cli_clean(res->message);
		printf("%s\n", m);
		free(m);
		rc = EXIT_OK;
		if (save) {
			option_value_keep(&la.spec, &facts);
			if (profile_save(cli->config, save, &la.spec, 1, &e))
				rc = cli_fail("--save", "%s", e.msg);
			else
				fprintf(stderr, "saved profile %s\n", save);
		}
	} else if (res->cancelled || interrupted) {
		char *m = cli_clean(res->message ? res->message : "cancelled");
		fprintf(stderr, "ws-launch: up: %s\n", m);
		free(m);
		for (size_t i = 0; i < res->leftovers.n; i++) {
			char *l = cli_clean(res->leftovers.v[i]);
			fprintf(stderr, "  left: %s\n", l);
			free(l);
		}
		rc = EXIT_INTERRUPTED;
	} else {
		rc = cli_fail("up", "%s", res->message ? res->message : "failed");
		if (res->hint) {
			char *h = cli_clean(res->hint);
			fprintf(stderr, "  %s\n", h);
			free(h);
		}
		for (size_t i = 0; i < res->leftovers.n; i++) {
			char *m = cli_clean(res->leftovers.v[i]);
			fprintf(stderr, "  left: %s\n", m);
			free(m);
		}
		/* What changed since the launch was made, option by option. */
		for (size_t i = 0; res->changed && i < res->changes.n; i++) {
			char *m = cli_clean(res->changes.v[i]);
			fprintf(stderr, "  %s\n", m);
			free(m);
		}
	}
out:
	if (rc != EXIT_OK && la.password_stdin && spec_is_set(&la.spec, OPT_ENV_FILE)) {
		/* The password file this run wrote goes with the launch that did
		 * not happen (failed, refused or cancelled; docker read it at
		 * create time, if ever). */
		int removed;
		struct err re;
		secret_remove_env(cli->config, spec_is_none(&la.spec, OPT_NAME) ? "workspace" : spec_get(&la.spec, OPT_NAME),
				  &removed, &re);
	}
	runner_free(r);
	checker_free(c);
	net_free(net);
	plan_release(&plan);
	facts_release(&facts);
	launch_args_release(&la);
	return rc;
}

const struct command cmd_up_entry = {
	"up", cmd_up,
	  "ws-launch up [MODE | --profile NAME] [OPTIONS] [--yes] [--dry-run] [--force] [--keep] [--save NAME]",
	  "check, then run the plan and verify docker inside",
	  "Runs the checks (a failing check stops the launch; --force overrides), shows\n"
	  "the plan and asks on a terminal (--yes skips), runs each step, then verifies\n"
	  "that the workspace runs, that `docker version` inside reaches a daemon and that\n"
	  "GET /healthz on the web port answers 2xx (--verify-http PATH), stopping with\n"
	  "the reason as soon as it cannot work.  Objects of the same launch are reused;\n"
	  "objects with the same name that ws-launch did not create stop the launch\n"
	  "untouched.  A failing step or verification rolls back what this run created\n"
	  "(--keep keeps it for inspection); Ctrl-C cancels the\n"
	  "step, rolls back and exits 130.  Without MODE the recommended mode is used.\n"
	  "--verify full also has the inner daemon pull --verify-image (through its\n"
	  "mirror) and run a container of it, within --verify-timeout.",
	up_flags, 1, 0,
};
