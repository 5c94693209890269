/* main.c - entry point: global options, then a command or the wizard. */
#include "cli.h"
#include "base/show.h"
#include "wizard.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Removes global options (anywhere on the line) from argv; returns the new
 * argc or -1 after printing an error. */
static int take_globals(struct cli *cli, int argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(a, "--no-color") || !strcmp(a, "--no-colour")) {
			cli->no_color = 1;
			cli->no_color_flag = 1;
			continue;
		}
		if (!strcmp(a, "--config") || !strcmp(a, "--theme")) {
			if (i + 1 >= argc) {
				cli_usage_error(a, "needs a value");
				return -1;
			}
			if (!strcmp(a, "--config"))
				cli->config = argv[++i];
			else
				cli->theme = argv[++i];
			continue;
		}
		if (!strncmp(a, "--config=", 9)) {
			cli->config = a + 9;
			continue;
		}
		if (!strncmp(a, "--theme=", 8)) {
			cli->theme = a + 8;
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	if (cli->config && cli->config[0] != '/') {
		cli_usage_error("--config", "'%s' is not an absolute path", cli->config);
		return -1;
	}
	return out;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	/* A file-size limit (RLIMIT_FSIZE) must end a write with EFBIG, which
	 * every writer handles (old file intact, temporary removed), not kill
	 * the process half-way. */
	signal(SIGXFSZ, SIG_IGN);
	argc = take_globals(&cli, argc, argv);
	if (argc < 0)
		return EXIT_USAGE;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		cli.no_color = 1;
	/* A dumb terminal shows escape sequences as garbage: no colour. */
	const char *term = getenv("TERM");
	int dumb = !term || !*term || !strcmp(term, "dumb");
	cli.color_out = !cli.no_color && !dumb && isatty(STDOUT_FILENO);
	cli.color_err = !cli.no_color && !dumb && isatty(STDERR_FILENO);

	if (argc < 2) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return wizard_main(&cli);
		cli_print_help(stdout);
		return EXIT_OK;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		cli_print_help(stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("ws-launch %s\n", WS_VERSION);
		return EXIT_OK;
	}
	const struct command *c = cli_command(cmd);
	if (!c) {
		char *sv = show_dup(cmd, 40);
		int rc = cli_usage_error(NULL, "unknown %s %s; see 'ws-launch --help'",
					 cmd[0] == '-' ? "option" : "command", sv);
		free(sv);
		return rc;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			char *hargv[] = { "help", (char *)c->name, NULL };
			return cmd_help(&cli, 2, hargv);
		}
	return c->run(&cli, argc - 1, argv + 1);
}
