/* cmd_shell.c - `ws-launch shell`: an interactive shell (or, after "--",
 * one command) in the workspace as its user (the container's own), in
 * /workspace, through `docker exec` with this terminal; `ws-launch open`: the web URL, opened with the
 * desktop's opener when there is one, printed always, put on the
 * clipboard with --copy (OSC 52). */
#include "cli.h"
#include "cli_engine.h"
#include "base/base64.h"
#include "base/proc.h"
#include "base/strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one running launch named by ARGV's --name/--profile into LS. */
enum { F_NAME, F_PROFILE, F_COPY, F_PRINT };
static const struct cmd_flag shell_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	{ NULL, 0, 0, NULL, NULL },
};
static const struct cmd_flag open_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	[F_COPY] = { "copy", 0, 0, NULL, "put the URL on the clipboard through the terminal (OSC 52)" },
	[F_PRINT] = { "print", 0, 0, NULL, "only print the URL" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_shell_entry, cmd_open_entry;

/* The running workspace that A names (--name/--profile). */
static int find_running(struct cli *cli, const char *what, const struct cmd_args *a, struct cli_engine *ce,
			struct launches *ls, char **label)
{
	int rc = cli_launch_name(cli, what, a->value[F_PROFILE], a->value[F_NAME], label);
	if (rc)
		return rc;
	if ((rc = cli_engine_open(ce, what)) || (rc = cli_engine_launches(ce, what, *label, 15000, ls)))
		return rc;
	if (!ls->n || !ls->v[0].has_workspace)
		return cli_fail(what, "no workspace named %s on %s ('ws-launch ps' lists them)", *label, ce->ep.url);
	if (!ls->v[0].running)
		return cli_fail(what, "workspace %s is not running ('ws-launch start --name %s')", *label, *label);
	return EXIT_OK;
}

static int cmd_shell(struct cli *cli, int argc, char **argv)
{
	/* `shell [FLAGS] -- CMD [ARGS...]`: everything after the first "--"
	 * is the command, never read as flags. */
	int dd = 1;
	while (dd < argc && strcmp(argv[dd], "--"))
		dd++;
	char **cmd = dd < argc ? argv + dd + 1 : NULL;
	if (cmd && !*cmd)
		return cli_usage_error("shell", "nothing after '--': give a command ('shell -- CMD [ARGS...]')");
	struct cmd_args a;
	if (cli_parse_flags(&cmd_shell_entry, dd, argv, &a))
		return EXIT_USAGE;
	struct cli_engine ce;
	memset(&ce, 0, sizeof(ce));
	struct launches ls = { NULL, 0 };
	char *label = NULL;
	int rc = find_running(cli, "shell", &a, &ce, &ls, &label);
	if (!rc) {
		struct strvec av = STRVEC_INIT;
		/* A TTY only when both ends are terminals: a script's pipes
		 * keep stdout and stderr apart and its bytes as they are. */
		int tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
		strvec_pushl(&av, cli_docker(), "exec", tty ? "-it" : "-i", "-w", "/workspace", "--", label, NULL);
		if (cmd)
			for (char **c = cmd; *c; c++)
				strvec_push(&av, *c);
		else
			strvec_pushl(&av, "sh", "-c",
				     "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi", NULL);
		struct err e;
		fflush(stdout);
		int st = cli_run_attached(av.v, &e);
		if (st < 0)
			rc = cli_fail("shell", "%s", e.msg);
		else
			rc = st; /* the shell's (or CMD's) own exit status, as ssh does */
		strvec_release(&av);
	}
	launches_release(&ls);
	cli_engine_close(&ce);
	free(label);
	return rc;
}

static int cmd_open(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	if (cli_parse_flags(&cmd_open_entry, argc, argv, &a))
		return EXIT_USAGE;
	struct cli_engine ce;
	memset(&ce, 0, sizeof(ce));
	struct launches ls = { NULL, 0 };
	char *label = NULL, *url = NULL;
	const int copy = a.set[F_COPY], print_only = a.set[F_PRINT];
	int rc = find_running(cli, "open", &a, &ce, &ls, &label);
	if (!rc && !(url = cli_launch_url(&ce, &ls.v[0])))
		rc = cli_fail("open", "workspace %s publishes no web port", label);
	if (!rc) {
		char *clean = cli_clean(url);
		printf("%s\n", clean);
		free(clean);
		fflush(stdout);
		if (copy) {
			/* OSC 52: the terminal puts the text on the clipboard (tmux
			 * and most terminals pass it on). */
			if (!isatty(STDOUT_FILENO)) {
				cli_warn(cli, "--copy needs a terminal on stdout (OSC 52); the URL is printed above");
			} else {
				struct strbuf b = STRBUF_INIT;
				base64_encode(&b, url, strlen(url));
				printf("\033]52;c;%s\a", b.buf);
				fflush(stdout);
				strbuf_release(&b);
				fprintf(stderr, "copied to the clipboard (OSC 52)\n");
			}
		}
		const char *disp = getenv("DISPLAY"), *way = getenv("WAYLAND_DISPLAY");
		char *opener = proc_which("xdg-open");
		if (!print_only && opener && ((disp && *disp) || (way && *way))) {
			char *av[] = { opener, url, NULL };
			struct err e;
			int st = cli_run_attached(av, &e);
			if (st)
				cli_warn(cli, "xdg-open did not open it (%s); open the URL above", st < 0 ? e.msg : "failed");
		} else if (!print_only && !copy) {
			fprintf(stderr, "no desktop here (DISPLAY/WAYLAND_DISPLAY, xdg-open): open the URL above\n");
		}
		free(opener);
	}
	free(url);
	launches_release(&ls);
	cli_engine_close(&ce);
	free(label);
	return rc;
}

const struct command cmd_shell_entry = {
	"shell", cmd_shell, "ws-launch shell [--name NAME | --profile NAME] [-- CMD [ARGS...]]",
	  "a shell or one command in a workspace",
	  "An interactive login shell (bash, else sh) in /workspace, as the workspace's\n"
	  "user, on this terminal; the exit status is the shell's.  With -- CMD [ARGS...]\n"
	  "runs that one command there instead (no shell in between; a TTY only when\n"
	  "stdin and stdout are terminals): its stdout, stderr and exit status are\n"
	  "passed through, for scripts and CI.",
	shell_flags, 0, 0,
};

const struct command cmd_open_entry = {
	"open", cmd_open, "ws-launch open [--name NAME | --profile NAME] [--copy] [--print]",
	  "open a workspace in the browser",
	  "Prints the workspace's URL and opens it with xdg-open when there is a desktop\n"
	  "($DISPLAY or $WAYLAND_DISPLAY); --copy puts it on the clipboard through the\n"
	  "terminal (OSC 52); --print only prints it.",
	open_flags, 0, 0,
};
