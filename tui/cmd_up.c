/* cmd_up.c - `ws-launch up`: check, show, confirm, run, verify. */
#include "checks.h"
#include "cli.h"
#include "secret.h"
#include "cli_progress.h"
#include "facts.h"
#include "modes.h"
#include "net.h"
#include "plan.h"
#include "profile.h"
#include "render.h"
#include "runner.h"
#include "strbuf.h"

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
	for (const char *const *id = mode_table[mode].checks; *id; id++) {
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

int cmd_up(struct cli *cli, int argc, char **argv)
{
	int yes = 0, dry = 0, force = 0, keep = 0, offline = 0, adopt = 0, recreate = 0;
	const char *save = NULL, *timeout = NULL, *verify = NULL, *registry = NULL;
	const struct extra_flag extras[] = {
		{ "yes", EX_FLAG, &yes, NULL, "do not ask for confirmation" },
		{ "dry-run", EX_FLAG, &dry, NULL, "check and show the plan, run nothing" },
		{ "force", EX_FLAG, &force, NULL, "launch even when a check fails" },
		{ "keep", EX_FLAG, &keep, NULL, "keep what was created when a step fails (no rollback)" },
		{ "adopt", EX_FLAG, &adopt, NULL, "use existing volumes of the launch's names that it did not create" },
		{ "recreate", EX_FLAG, &recreate, NULL,
		  "replace the launch's containers when they were made with other options (volumes are kept)" },
		{ "save", EX_STRING, &save, "NAME", "save the launch as a profile when it succeeds" },
		{ "timeout", EX_STRING, &timeout, "SECONDS", "timeout of each remote call: checks, the Engine API of a tcp:// daemon, the registry [5]" },
		{ "verify-timeout", EX_STRING, &verify, "SECONDS", "how long to wait for docker inside [90]" },
		{ "registry", EX_STRING, &registry, "URL", "registry base URL for the tag lookup" },
		{ "offline", EX_FLAG, &offline, NULL, "skip the registry lookup" },
		{ NULL, 0, NULL, NULL, NULL },
	};
	struct launch_args la;
	struct net *net = NULL;
	struct checker *c = NULL;
	struct runner *r = NULL;
	struct plan plan;
	struct facts facts;
	plan_init(&plan);
	facts_init(&facts);
	int rc = cli_parse_launch(cli, argc, argv, extras, 1, &la);
	if (rc)
		goto out;
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
		fprintf(stderr, "mode: %s (recommended: the most isolated ready mode)\n", mode_table[m].name);
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
		strbuf_free(&text);
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
	plan_free(&plan);
	facts_free(&facts);
	launch_args_free(&la);
	return rc;
}
