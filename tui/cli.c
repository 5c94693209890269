/* cli.c - command table, dispatch, messages and help. */
#include "cli.h"
#include "show.h"
#include "strbuf.h"
#include "modes.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int cmd_modes(struct cli *cli, int argc, char **argv);
int cmd_print(struct cli *cli, int argc, char **argv);
int cmd_profile(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);
int cmd_up(struct cli *cli, int argc, char **argv);
int cmd_down(struct cli *cli, int argc, char **argv);
int cmd_themes(struct cli *cli, int argc, char **argv);
int cmd_ps(struct cli *cli, int argc, char **argv);
int cmd_logs(struct cli *cli, int argc, char **argv);
int cmd_shell(struct cli *cli, int argc, char **argv);
int cmd_open(struct cli *cli, int argc, char **argv);
int cmd_stop(struct cli *cli, int argc, char **argv);
int cmd_start(struct cli *cli, int argc, char **argv);
int cmd_upgrade(struct cli *cli, int argc, char **argv);

const struct command cli_commands[] = {
	{ "modes", cmd_modes, "ws-launch modes [--json]", "every mode and its trade-offs",
	  "Lists the ways of giving the workspace Docker (the mode table), what each needs on this\n"
	  "host and what each risks.", 0 },
	{ "check", cmd_check, "ws-launch check [MODE] [OPTIONS] [--json] [--timeout SECONDS]",
	  "check what this host can run",
	  "Runs the prerequisite checks concurrently: the docker client and engine, the\n"
	  "endpoint (DOCKER_HOST, DOCKER_CONTEXT, the current context), the image and a\n"
	  "newer tag in its registry, names and the web port, and each mode's own needs\n"
	  "(sysbox runtime, privileges, socket group, remote TCP/TLS, ssh).  With no MODE\n"
	  "it checks every mode and recommends the most isolated ready one.  Exit 0 when\n"
	  "the mode (or, without MODE, some mode) is ready, 1 otherwise, 2 on bad input.", 1 },
	{ "print", cmd_print, "ws-launch print [MODE] [OPTIONS] [--format shell|json|compose|kube]",
	  "print the commands of a launch",
	  "Prints the plan: the exact docker commands, one per step, quoted for bash and\n"
	  "sh (--format shell, the default), or the plan as JSON (--format json), or the\n"
	  "launch as a Compose file or a Kubernetes manifest (--format compose, kube).\n"
	  "Warnings go to stderr.  --profile NAME starts from a saved profile.", 1 },
	{ "up", cmd_up,
	  "ws-launch up [MODE | --profile NAME] [OPTIONS] [--yes] [--dry-run] [--force] [--keep] [--save NAME]",
	  "check, then run the plan and verify docker inside",
	  "Runs the checks (a failing check stops the launch; --force overrides), shows\n"
	  "the plan and asks on a terminal (--yes skips), runs each step, then verifies\n"
	  "that the workspace runs, that `docker version` inside reaches a daemon and that\n"
	  "the web port answers.  Objects of the same launch are reused; objects with the\n"
	  "same name that ws-launch did not create stop the launch untouched.  A failing\n"
	  "step rolls back what this run created (--keep keeps it); Ctrl-C cancels the\n"
	  "step, rolls back and exits 130.  Without MODE the recommended mode is used.", 1 },
	{ "down", cmd_down, "ws-launch down [--profile NAME | --name NAME] [--volumes]",
	  "remove what a launch created",
	  "Removes the containers and networks labelled ws-launch.launch=NAME (default\n"
	  "NAME: workspace), newest first; volumes only with --volumes.  Nothing without\n"
	  "the label is touched.", 0 },
	{ "ps", cmd_ps, "ws-launch ps [--json] [--no-probe] [--offline] [--registry URL]",
	  "list the launches on the endpoint",
	  "Every launch on the endpoint, found by its labels, one row each: name, mode,\n"
	  "state (running, stopped, partial when some of its objects are missing,\n"
	  "changed when its saved profile has other options), URL, image, whether\n"
	  "docker works inside (probed concurrently; --no-probe skips), age, and a\n"
	  "newer release tag of its image (--offline skips the registry).", 0 },
	{ "logs", cmd_logs, "ws-launch logs [--name NAME | --profile NAME] [-f] [--sidecar] [--tail N]",
	  "show a workspace's output",
	  "The workspace's output (docker logs), or its dind sidecar's with --sidecar;\n"
	  "-f follows until Ctrl-C.  Control characters are replaced on a terminal.", 0 },
	{ "shell", cmd_shell, "ws-launch shell [--name NAME | --profile NAME]", "a shell in a workspace",
	  "An interactive login shell (bash, else sh) in /workspace, as the workspace's\n"
	  "user, on this terminal; the exit status is the shell's.", 0 },
	{ "open", cmd_open, "ws-launch open [--name NAME | --profile NAME] [--copy] [--print]",
	  "open a workspace in the browser",
	  "Prints the workspace's URL and opens it with xdg-open when there is a desktop\n"
	  "($DISPLAY or $WAYLAND_DISPLAY); --copy puts it on the clipboard through the\n"
	  "terminal (OSC 52); --print only prints it.", 0 },
	{ "stop", cmd_stop, "ws-launch stop [--name NAME | --profile NAME]", "stop a launch's containers",
	  "Stops the workspace, then its sidecar; nothing is removed.", 0 },
	{ "start", cmd_start, "ws-launch start [--name NAME | --profile NAME] [--verify-timeout SECONDS]",
	  "start a stopped launch again",
	  "Starts the sidecar, then the workspace, and verifies as 'up' does: docker\n"
	  "inside answers and the web port too.", 0 },
	{ "upgrade", cmd_upgrade,
	  "ws-launch upgrade [--name NAME | --profile NAME] [--image REF] [--dind-image REF] [--yes] [--verify-timeout SECONDS] [--registry URL]",
	  "move a launch to a newer image, keeping everything",
	  "Pulls the new image (default: the newest release tag of the launch's image in\n"
	  "its registry) with progress, puts the launch's containers aside (renamed\n"
	  "NAME-ws-launch-old, stopped), starts the launch again with the new image and\n"
	  "verifies it as 'up' does.  On success the old containers are removed and the\n"
	  "profile (--profile) is updated; on failure or Ctrl-C the new ones are removed\n"
	  "and the old ones come back under their names, running.  Volumes are never\n"
	  "touched.  --dind-image moves a dind launch's sidecar too.", 0 },
	{ "profile", cmd_profile,
	  "ws-launch profile list | show NAME | save NAME [MODE] [OPTIONS] [--force] | rm NAME",
	  "manage saved launches",
	  "Profiles are YAML files in $XDG_CONFIG_HOME/ws-launch/profiles (default\n"
	  "~/.config/ws-launch/profiles).  They store options, not commands: a relaunch\n"
	  "re-detects the socket group and re-checks the host.  'save' refuses to\n"
	  "replace an existing profile unless --force is given or --profile names it.", 1 },
	{ "themes", cmd_themes, "ws-launch themes", "list the colour themes",
	  "Lists the themes --theme (and $WS_LAUNCH_THEME) accepts, each with the\n"
	  "file it is read from: $XDG_CONFIG_HOME/ws-launch/themes first, then the\n"
	  "shipped ones next to the installed binary (PREFIX/share/ws-launch/themes).", 0 },
	{ "help", cmd_help, "ws-launch help [COMMAND]", "help on a command", NULL, 0 },
	{ NULL, NULL, NULL, NULL, NULL, 0 },
};

const struct command *cli_command(const char *name)
{
	for (const struct command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

char *cli_clean(const char *s)
{
	char *c = xstrdup(s ? s : "");
	show_sanitize(c, strlen(c));
	return c;
}

/* Formats, then sanitises: the values in a message may come from a daemon,
 * a child or a file, and must not reach the terminal as escapes. */
__attribute__((format(printf, 1, 0)))
static char *vclean(const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	show_sanitize(sb.buf, sb.len);
	return strbuf_detach(&sb, NULL);
}

__attribute__((format(printf, 2, 0)))
static void vmsg(const char *what, const char *fmt, va_list ap)
{
	char *m = vclean(fmt, ap);
	char *w = what ? cli_clean(what) : NULL;
	fprintf(stderr, "ws-launch: %s%s%s\n", w ? w : "", w ? ": " : "", m);
	free(w);
	free(m);
}

int cli_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(what, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_fail(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(what, fmt, ap);
	va_end(ap);
	return EXIT_FAIL;
}

__attribute__((format(printf, 4, 0)))
static void tagged(const struct cli *cli, const char *tag, const char *color, const char *fmt,
		   va_list ap)
{
	char *m = vclean(fmt, ap);
	if (cli->color_err)
		fprintf(stderr, "\033[%sm%s:\033[0m %s\n", color, tag, m);
	else
		fprintf(stderr, "%s: %s\n", tag, m);
	free(m);
}

void cli_warn(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tagged(cli, "warning", "1;33", fmt, ap);
	va_end(ap);
}

void cli_note(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tagged(cli, "note", "36", fmt, ap);
	va_end(ap);
}

void cli_print_help(FILE *out)
{
	fprintf(out, "ws-launch %s - launch Kloud Workspace with working Docker inside\n\n", WS_VERSION);
	fprintf(out, "Usage:\n  ws-launch                 the wizard (needs a terminal)\n");
	for (const struct command *c = cli_commands; c->name; c++)
		fprintf(out, "  ws-launch %-15s %s\n", c->name, c->summary);
	fprintf(out, "  ws-launch --help | --version\n\n");
	fprintf(out, "Modes: %s (see 'ws-launch modes').\n", mode_names());
	fprintf(out, "Global options: --config DIR, --theme NAME, --no-color.\n");
	fprintf(out, "Exit codes: 0 success, 1 a check or step failed, 2 usage or bad input,\n"
		     "130 interrupted.  'ws-launch help COMMAND' for a command's options.\n");
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc < 2) {
		cli_print_help(stdout);
		return EXIT_OK;
	}
	if (argc > 2)
		return cli_usage_error("help", "takes one command name");
	const struct command *c = cli_command(argv[1]);
	if (!c)
		return cli_usage_error("help", "no command named '%s'", argv[1]);
	printf("Usage: %s\n\n%s\n", c->usage, c->help ? c->help : c->summary);
	if (c->launch_options) {
		struct extra_flag *extras = cli_command_extras(c);
		cli_print_launch_options(stdout, extras);
		free(extras);
	}
	return EXIT_OK;
}
