/* cli.h - the command-line interface: global state, commands, helpers.
 *
 * Commands print to stdout/stderr and return an exit code (docs/ARCHITECTURE.md, "Ownership and naming"):
 * 0 success, 1 a check or step failed, 2 usage or bad input, 130
 * interrupted.  Only main() exits. */
#ifndef WS_CLI_H
#define WS_CLI_H

#include <stdio.h>

#include "spec.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

struct extra_flag;

struct cli {
	const char *config; /* --config DIR */
	const char *theme;  /* --theme NAME */
	int no_color;       /* --no-color or NO_COLOR */
	int no_color_flag;  /* --no-color itself (beats WS_LAUNCH_THEME; NO_COLOR does not) */
	int color_out;      /* colour on stdout */
	int color_err;      /* colour on stderr */
	/* Introspection (cli_command_extras): when set, cli_parse_launch hands
	 * the command's EXTRAS to it and returns EXIT_USAGE before parsing. */
	void (*describe)(void *ctx, const struct extra_flag *extras);
	void *describe_ctx;
};

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv); /* argv[0] = command name */
	const char *usage;
	const char *summary;
	const char *help;    /* paragraphs after the usage line */
	int launch_options;  /* 1: accepts the launch options (help lists them) */
};

extern const struct command cli_commands[];
const struct command *cli_command(const char *name);

/* A copy of S (NULL: "") safe to print: C0/C1 controls, DEL and invalid
 * UTF-8 become '?'.  Every text from outside goes through it (or through
 * the message functions below, which sanitise what they format).  free(). */
char *cli_clean(const char *s);
/* "ws-launch: WHAT: WHY" on stderr; returns EXIT_USAGE.  WHAT may be NULL. */
int cli_usage_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same text, returns EXIT_FAIL. */
int cli_fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_note(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- launch argument parsing (cli_args.c) ---- */

enum extra_type { EX_FLAG, EX_STRING };

struct extra_flag {
	const char *name;    /* without "--" */
	enum extra_type type;
	void *target;        /* int * for EX_FLAG, const char ** for EX_STRING */
	const char *meta;
	const char *help;
};

struct launch_args {
	struct spec spec;
	const char *profile;       /* --profile NAME */
	int have_mode;             /* a MODE or a profile gave the mode */
	int password_stdin;        /* --password-stdin */
};

/* Parses ARGV[1..] (argv[0] is the command): [MODE] [launch options]
 * [EXTRAS] [--profile NAME].  MODE_ARG: 1 = the first word may be a mode;
 * any other word is an error.
 * Prints the error and returns EXIT_USAGE on bad input, 0 on success. */
int cli_parse_launch(struct cli *cli, int argc, char **argv, const struct extra_flag *extras,
		     int mode_arg, struct launch_args *la);
void launch_args_free(struct launch_args *la);
/* Reads the password from stdin (one line), writes the 0600 env file and
 * points the spec's env-file at it.  Prints errors; returns an exit code. */
int cli_apply_password(struct cli *cli, struct launch_args *la);
/* Help text for the launch options (generated from the option table). */
void cli_print_launch_options(FILE *out, const struct extra_flag *extras);

/* Flags every launch command takes besides the option table (--profile,
 * --env, --port, --bind, --password-stdin); a NULL name ends the table. */
struct cli_flag {
	const char *name;    /* without "--" */
	int takes_value;
	const char *meta;
	const char *help;
};
extern const struct cli_flag cli_launch_flags[];

/* The command-specific flags of C (the EXTRAS it gives cli_parse_launch),
 * for help and tools/gen-docs: a malloc'd copy ending with a NULL name,
 * targets NULL; an empty one when C takes no launch options.  Runs C with
 * cli->describe set, which stops it before it parses or does anything.
 * The caller free()s it. */
struct extra_flag *cli_command_extras(const struct command *c);



int cmd_help(struct cli *cli, int argc, char **argv);
void cli_print_help(FILE *out);
/* Gathers local facts for SPEC and builds its plan; prints the error and
 * returns EXIT_USAGE when the spec cannot be planned. */
struct plan;
struct facts;
/* Files of SPEC that docker will read (the env file) exist, are regular
 * and bounded; prints the error and returns EXIT_USAGE otherwise. */
int cli_check_files(const struct spec *spec);
int cli_build_plan(struct cli *cli, const struct spec *spec, struct facts *facts, struct plan *plan);
struct checker;
struct net;
/* Runs the checks of MODES for SPEC to completion (remote timeout TIMEOUT_MS,
 * 0 = default).  Prints errors; NULL on failure.  Free with checker_free
 * then net_free(*NETP). */
enum { CLI_CHECK_OFFLINE = 1, CLI_CHECK_DEEP = 2 };
struct checker *cli_run_checks(struct cli *cli, const struct spec *spec, unsigned modes, long timeout_ms,
			       const char *registry, unsigned flags, struct net **netp);
int cli_parse_timeout(const char *s, long *ms);
/* Prints warnings and notes of a plan to stderr. */
void cli_print_plan_notes(struct cli *cli, const struct plan *plan);
#endif
