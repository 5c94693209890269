/* cmd_print.c - `ws-launch print`: the plan as shell commands or JSON. */
#include "checks/checks.h"
#include "cli.h"
#include "cli_engine.h"
#include "base/ytree.h"
#include "engine/net.h"
#include "launch/facts.h"
#include "launch/modes.h"
#include "launch/plan.h"
#include "render/render.h"
#include "render/render_export.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <string.h>

int cli_check_files(const struct spec *spec)
{
	struct err e;
	/* docker reads the env file; a missing one, or a FIFO there, would fail
	 * or hang the launch half-way: refuse it before anything runs. */
	if (!spec_is_none(spec, OPT_ENV_FILE) &&
	    file_check_regular(spec_get(spec, OPT_ENV_FILE), ENV_FILE_MAX_BYTES, &e))
		return cli_usage_error("--env-file", "%s: %s", spec_get(spec, OPT_ENV_FILE), e.msg);
	return 0;
}

int cli_build_plan(struct cli *cli, const struct spec *spec, struct facts *facts, struct plan *plan)
{
	struct err e;
	if (cli->config)
		facts_set(facts, "inner.config", "%s", cli->config); /* where daemon.json goes (inner.h) */
	int rc = cli_check_files(spec);
	if (rc)
		return rc;
	if (plan_build(plan, spec, facts, &e))
		return cli_usage_error(NULL, "%s", e.msg);
	return 0;
}

void cli_print_plan_notes(struct cli *cli, const struct plan *plan)
{
	for (size_t i = 0; i < plan->warnings.n; i++)
		cli_warn(cli, "%s", plan->warnings.v[i]);
	for (size_t i = 0; i < plan->notes.n; i++)
		cli_note(cli, "%s", plan->notes.v[i]);
}

enum { F_FORMAT };
static const struct cmd_flag print_flags[] = {
	[F_FORMAT] = { "format", 0, 1, "shell|json|compose|kube", "output format [shell]" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_print_entry;

static int cmd_print(struct cli *cli, int argc, char **argv)
{
	struct launch_args la;
	int rc = cli_parse_launch(cli, argc, argv, &cmd_print_entry, &la);
	if (rc)
		goto out;
	const char *format = la.flags.set[F_FORMAT] ? la.flags.value[F_FORMAT] : "shell";
	if (strcmp(format, "shell") && strcmp(format, "json") && strcmp(format, "compose") && strcmp(format, "kube")) {
		rc = cli_usage_error("--format", "'%s' is not one of shell, json, compose, kube", format);
		goto out;
	}
	if (!la.have_mode) {
		/* No mode: the one the checks recommend for this host. */
		struct net *net = NULL;
		struct checker *c = cli_run_checks(cli, &la.spec, MODES_ALL, 0, NULL, CLI_CHECK_OFFLINE, &net);
		enum mode_id m = c ? checker_recommend(c) : MODE_NONE;
		checker_free(c);
		net_free(net);
		if (m == MODE_NONE) {
			rc = cli_fail("print", "no mode is ready on this host (see 'ws-launch check'); name one of %s",
				      mode_names());
			goto out;
		}
		la.spec.mode = m;
		cli_note(cli, "mode %s: the most isolated mode this host can run ('ws-launch check' says why)",
			 mode_get(m)->name);
	}
	if ((rc = cli_apply_password(cli, &la)))
		goto out;
	struct facts facts;
	struct plan plan;
	facts_init(&facts);
	facts_detect_local(&facts, &la.spec);
	if (cli->config)
		facts_set(&facts, "inner.config", "%s", cli->config);
	cli_image_facts(&la.spec, &facts, 3000);
	if (!strcmp(format, "compose") || !strcmp(format, "kube")) {
		struct strbuf text = STRBUF_INIT;
		struct strvec warnings = STRVEC_INIT;
		struct err e;
		if (render_export(&text, format, &la.spec, &facts, &warnings, &e)) {
			rc = cli_usage_error(NULL, "%s", e.msg);
		} else {
			fwrite(text.buf, 1, text.len, stdout);
			for (size_t i = 0; i < warnings.n; i++)
				cli_warn(cli, "%s", warnings.v[i]);
			rc = fflush(stdout) ? cli_fail("print", "cannot write to standard output") : EXIT_OK;
		}
		strbuf_release(&text);
		strvec_release(&warnings);
		facts_release(&facts);
		goto out;
	}
	rc = cli_build_plan(cli, &la.spec, &facts, &plan);
	facts_release(&facts);
	if (rc)
		goto out;
	struct strbuf out = STRBUF_INIT;
	if (!strcmp(format, "json")) {
		render_json(&out, &plan);
	} else {
		render_shell(&out, &plan);
		cli_print_plan_notes(cli, &plan);
	}
	fwrite(out.buf, 1, out.len, stdout);
	if (fflush(stdout))
		rc = cli_fail("print", "cannot write to standard output");
	strbuf_release(&out);
	plan_release(&plan);
out:
	launch_args_release(&la);
	return rc;
}

const struct command cmd_print_entry = {
	"print", cmd_print, "ws-launch print [MODE] [OPTIONS] [--format shell|json|compose|kube]",
	  "print the commands of a launch",
	  "Prints the plan: the exact docker commands, one per step, quoted for bash and\n"
	  "sh (--format shell, the default), or the plan as JSON (--format json), or the\n"
	  "launch as a Compose file or a Kubernetes manifest (--format compose, kube).\n"
	  "Warnings go to stderr.  --profile NAME starts from a saved profile.",
	print_flags, 1, 0,
};
