/* cli_commands.c - the command table, in --help order (each entry lives
 * with its command, cmd_*.c), the lookup and help.  Above the commands:
 * they never call here. */
#include "cli.h"
#include "launch/modes.h"

#include <stdio.h>
#include <string.h>

int cmd_help(struct cli *cli, int argc, char **argv);

extern const struct command cmd_modes_entry, cmd_check_entry, cmd_print_entry, cmd_up_entry,
	cmd_down_entry, cmd_ps_entry, cmd_logs_entry, cmd_shell_entry, cmd_open_entry, cmd_stop_entry,
	cmd_start_entry, cmd_upgrade_entry, cmd_images_entry, cmd_profile_entry, cmd_themes_entry;

static const struct command cmd_help_entry = {
	"help", cmd_help, "ws-launch help [COMMAND]", "help on a command", NULL, NULL, 0, 1,
};

/* In the order of --help; each entry lives with its command. */
const struct command *const cli_commands[] = {
	&cmd_modes_entry, &cmd_check_entry, &cmd_print_entry, &cmd_up_entry, &cmd_down_entry,
	&cmd_ps_entry, &cmd_logs_entry, &cmd_shell_entry, &cmd_open_entry, &cmd_stop_entry,
	&cmd_start_entry, &cmd_upgrade_entry, &cmd_images_entry, &cmd_profile_entry, &cmd_themes_entry, &cmd_help_entry,
	NULL,
};

const struct command *cli_command(const char *name)
{
	for (const struct command *const *c = cli_commands; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

void cli_print_help(FILE *out)
{
	fprintf(out, "ws-launch %s - launch Kloud Workspace with working Docker inside\n\n", WS_VERSION);
	fprintf(out, "Usage:\n  ws-launch                 the wizard (needs a terminal)\n");
	for (const struct command *const *c = cli_commands; *c; c++)
		fprintf(out, "  ws-launch %-15s %s\n", (*c)->name, (*c)->summary);
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
	cli_print_options(stdout, c);
	return EXIT_OK;
}

