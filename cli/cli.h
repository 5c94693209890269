/* cli.h - the command-line interface: global state, commands, helpers.
 *
 * Commands print to stdout/stderr and return an exit code (docs/ARCHITECTURE.md, "Ownership and naming"):
 * 0 success, 1 a check or step failed, 2 usage or bad input, 130
 * interrupted.  Only main() exits. */
#ifndef WS_CLI_H
#define WS_CLI_H

#include <stdio.h>

#include "launch/spec.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

struct cli {
	const char *config; /* --config DIR */
	const char *theme;  /* --theme NAME */
	int no_color;       /* --no-color or NO_COLOR */
	int no_color_flag;  /* --no-color itself (beats WS_LAUNCH_THEME; NO_COLOR does not) */
	int color_out;      /* colour on stdout */
	int color_err;      /* colour on stderr */
};

/* One flag of a command's own: --NAME [META] (and -ALIAS).  A command's
 * table is static and ends with a NULL name; its index is how the command
 * reads what was given (struct cmd_args). */
struct cmd_flag {
	const char *name;    /* without "--" */
	char alias;          /* 'f' for -f; 0: none */
	int takes_value;
	const char *meta;    /* "SECONDS"; "a|b|c" lists the choices */
	const char *help;
};

enum { CMD_FLAGS_MAX = 16, CMD_WORDS_MAX = 8 };

/* What the parser found for a command's flags, by index in its table:
 * given or not and the last value (borrowed from argv); the words that are
 * not flags, in order (a launch command's MODE is not among them). */
struct cmd_args {
	int set[CMD_FLAGS_MAX];
	const char *value[CMD_FLAGS_MAX];
	const char *word[CMD_WORDS_MAX];
	int nword;
};

/* A command: one static entry in its cmd_<name>.c (docs/ARCHITECTURE.md,
 * "Commands"), listed in cli_commands[] (cli.c). */
struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv); /* argv[0] = command name */
	const char *usage;
	const char *summary;
	const char *help;    /* paragraphs after the usage line */
	const struct cmd_flag *flags; /* its own flags; NULL: none */
	int launch_options;  /* 1: accepts the launch options too (help lists them) */
	int max_words;       /* words it takes besides flags (and MODE) */
};

/* Every command, NULL-terminated. */
extern const struct command *const cli_commands[];
const struct command *cli_command(const char *name);
/* The flags of command C shared by the day-two commands. */
#define CMD_FLAG_NAME { "name", 0, 1, "NAME", "the launch (its container name) [workspace]" }
#define CMD_FLAG_PROFILE { "profile", 0, 1, "NAME", "the launch a saved profile made" }
#define CMD_FLAG_TIME                                                                                          \
	{ "time", 't', 1, "SECONDS", "grace period between SIGTERM and SIGKILL (docker stop -t) [the container's, 10]" }
/* --verify and --verify-image of start and upgrade (the option table's rows
 * OPT_VERIFY, OPT_VERIFY_IMAGE, for a launch that exists). */
#define CMD_FLAG_VERIFY                                                                                        \
	{ "verify", 0, 1, "quick|full", "full: also pull --verify-image with the inner daemon and run it [quick]" }
#define CMD_FLAG_VERIFY_IMAGE                                                                                  \
	{ "verify-image", 0, 1, "REF", "the small image --verify full pulls and runs inside [busybox:latest]" }
struct spec;
/* EXIT_OK when VERIFY and IMAGE (NULL: not given) are values of --verify and
 * --verify-image, else prints why and returns EXIT_USAGE. */
int cli_verify_values(const char *verify, const char *image);
/* Sets them in S, whose mode must verify with an inner daemon when one is
 * given (else prints why and returns EXIT_USAGE). */
int cli_verify_apply(struct spec *s, const char *verify, const char *image);
/* EXIT_OK when S is a --time value (0-3600 seconds), else prints why and
 * returns EXIT_USAGE (cmd_lifecycle.c). */
int cli_parse_stop_time(const char *s);

/* Parses ARGV[1..] against C's flags (no launch options) into A: --NAME,
 * --NAME=VALUE, --NAME VALUE, -ALIAS, words up to C->max_words, "--" ends
 * the flags.  Prints the error and returns EXIT_USAGE on bad input, 0 on
 * success. */
int cli_parse_flags(const struct command *c, int argc, char **argv, struct cmd_args *a);

/* A copy of S (NULL: "") safe to print: C0/C1 controls, DEL and invalid
 * UTF-8 become '?'.  Every text from outside goes through it (or through
 * the message functions below, which sanitise what they format).  free(). */
char *cli_clean(const char *s);
/* 1 when the locale's character set is UTF-8 (so ✓ and → may be printed),
 * 0 for the ASCII fallbacks (LANG=C).  Sets LC_CTYPE from the environment. */
int cli_utf8(void);
/* "ws-launch: WHAT: WHY" on stderr; returns EXIT_USAGE.  WHAT may be NULL. */
int cli_usage_error(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same text, returns EXIT_FAIL. */
int cli_fail(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_warn(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_note(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- launch argument parsing (cli_args.c) ---- */

struct launch_args {
	struct spec spec;
	const char *profile;       /* --profile NAME */
	int have_mode;             /* a MODE or a profile gave the mode */
	int password_stdin;        /* --password-stdin */
	struct cmd_args flags;     /* the command's own flags */
};

/* Parses ARGV[1..] (argv[0] is the command C): [MODE] [launch options]
 * [C's flags, into LA->flags] [--profile NAME].  The first word may be a
 * mode; any other word is an error.
 * Prints the error and returns EXIT_USAGE on bad input, 0 on success. */
int cli_parse_launch(struct cli *cli, int argc, char **argv, const struct command *c,
		     struct launch_args *la);
void launch_args_release(struct launch_args *la);
/* Reads the password from stdin (one line), writes the 0600 env file and
 * points the spec's env-file at it.  Prints errors; returns an exit code. */
int cli_apply_password(struct cli *cli, struct launch_args *la);
/* Help text for C's own flags, then (a launch command) the launch options
 * generated from the option table. */
void cli_print_options(FILE *out, const struct command *c);

/* Flags every launch command takes besides the option table (--profile,
 * --env, --port, --bind, --password-stdin); a NULL name ends the table. */
struct cli_flag {
	const char *name;    /* without "--" */
	int takes_value;
	const char *meta;
	const char *help;
};
extern const struct cli_flag cli_launch_flags[];

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
/* Runs ARGV on this terminal (its stdin, stdout, stderr) and waits: SIGINT
 * and SIGQUIT go to the child alone meanwhile.  The child's exit status
 * (128+signal when killed), or -1 with E when it could not start. */
int cli_run_attached(char *const *argv, struct err *e);
/* Prints warnings and notes of a plan to stderr. */
void cli_print_plan_notes(struct cli *cli, const struct plan *plan);
#endif
