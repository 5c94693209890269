/* cli_args.c - [MODE] [OPTIONS] parsing, generated from the option table. */
#include "cli.h"
#include "launch/modes.h"
#include "launch/profile.h"
#include "launch/secret.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Flags the parser knows besides the option table. */
const struct cli_flag cli_launch_flags[] = {
	{ "profile", 1, "NAME", "load a saved profile first; other options override it" },
	{ "env", 1, "NAME[=VALUE]", "extra environment variable for the workspace; NAME alone passes it through from this environment, as docker does (repeatable; -e)" },
	{ "port", 1, "PORT", "host port of the web UI (edits --publish)" },
	{ "bind", 1, "IP", "address the web port is published on (edits --publish)" },
	{ "password-stdin", 0, NULL, "read the workspace password from stdin into a 0600 env file" },
	{ NULL, 0, NULL, NULL },
};
#define NBUILTIN (sizeof(cli_launch_flags) / sizeof(cli_launch_flags[0]) - 1)

/* The index of --NAME (or -ALIAS when NAME is one character and ALIAS
 * set) in FLAGS, -1 when absent. */
static int flag_index(const struct cmd_flag *flags, const char *name, int alias)
{
	for (int i = 0; flags && flags[i].name; i++)
		if (alias ? (flags[i].alias && flags[i].alias == name[0] && !name[1])
			  : !strcmp(flags[i].name, name))
			return i;
	return -1;
}

/* Records flag I of C in A; VALUE is NULL for a flag without a value. */
static int record_flag(const struct command *c, int i, const char *value, struct cmd_args *a)
{
	char what[80];
	snprintf(what, sizeof(what), "--%s", c->flags[i].name);
	if (!c->flags[i].takes_value && value)
		return cli_usage_error(what, "takes no value");
	if (c->flags[i].takes_value && !value)
		return cli_usage_error(what, "needs a value");
	a->set[i] = 1;
	a->value[i] = value;
	return 0;
}

int cli_parse_flags(const struct command *c, int argc, char **argv, struct cmd_args *a)
{
	memset(a, 0, sizeof(*a));
	int dashdash = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (dashdash || arg[0] != '-' || !arg[1]) {
			if (a->nword >= c->max_words || a->nword >= CMD_WORDS_MAX) {
				char *sv = show_dup(arg, 40);
				int rc = cli_usage_error(c->name, "unexpected argument %s; see 'ws-launch help %s'",
							 sv, c->name);
				free(sv);
				return rc;
			}
			a->word[a->nword++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			dashdash = 1;
			continue;
		}
		int alias = arg[1] != '-';
		char name[64];
		const char *eq = alias ? NULL : strchr(arg + 2, '=');
		const char *start = arg + (alias ? 1 : 2);
		size_t nl = eq ? (size_t)(eq - start) : strlen(start);
		int f = -1;
		if (nl && nl < sizeof(name)) {
			memcpy(name, start, nl);
			name[nl] = '\0';
			f = flag_index(c->flags, name, alias);
		}
		if (f < 0) {
			char *sv = show_dup(arg, 40);
			int rc = cli_usage_error(c->name, "unknown option %s; see 'ws-launch help %s'", sv, c->name);
			free(sv);
			return rc;
		}
		const char *value = eq ? eq + 1 : NULL;
		if (!eq && c->flags[f].takes_value) {
			if (i + 1 >= argc) {
				char what[80];
				snprintf(what, sizeof(what), "--%s", c->flags[f].name);
				return cli_usage_error(what, "needs a value");
			}
			value = argv[++i];
		}
		if (record_flag(c, f, value, a))
			return EXIT_USAGE;
	}
	return 0;
}

static int builtin_index(const char *name)
{
	for (size_t i = 0; i < NBUILTIN; i++)
		if (!strcmp(cli_launch_flags[i].name, name))
			return (int)i;
	return -1;
}

/* For --no-NAME: the option it negates, or NULL. */
static const struct option_def *negatable(const char *name, enum mode_id mode)
{
	if (strncmp(name, "no-", 3))
		return NULL;
	const struct option_def *def = option_by_flag(name + 3, mode);
	if (def && (def->type == OT_BOOL || (def->flags & OF_NONE_OK)))
		return def;
	return NULL;
}

/* 1 takes a value, 0 does not, -1 unknown. */
static int takes_value(const char *name, const struct command *c)
{
	int x = flag_index(c->flags, name, 0);
	if (x >= 0)
		return c->flags[x].takes_value;
	int b = builtin_index(name);
	if (b >= 0)
		return cli_launch_flags[b].takes_value;
	if (!strcmp(name, "no-publish") || negatable(name, MODE_NONE))
		return 0;
	const struct option_def *def = option_by_flag(name, MODE_NONE);
	if (def)
		return def->type != OT_BOOL;
	return -1;
}

static void modes_for_flag(const char *name, struct strbuf *sb)
{
	for (int m = 0; m < MODE__COUNT; m++)
		if (option_by_flag(name, (enum mode_id)m)) {
			if (sb->len)
				strbuf_addstr(sb, ", ");
			strbuf_addstr(sb, mode_get(m)->name);
		}
}

int cli_verify_values(const char *verify, const char *image)
{
	const char *v[2] = { verify, image };
	const enum opt_id id[2] = { OPT_VERIFY, OPT_VERIFY_IMAGE };
	struct err e;
	for (int k = 0; k < 2; k++)
		if (v[k] && option_validate(option_get(id[k]), v[k], &e))
			return cli_usage_error(k ? "--verify-image" : "--verify", "%s", e.msg);
	return EXIT_OK;
}

int cli_verify_apply(struct spec *s, const char *verify, const char *image)
{
	const char *v[2] = { verify, image };
	const enum opt_id id[2] = { OPT_VERIFY, OPT_VERIFY_IMAGE };
	struct err e;
	for (int k = 0; k < 2; k++) {
		if (!v[k])
			continue;
		const struct option_def *def = option_get(id[k]);
		const char *what = k ? "--verify-image" : "--verify";
		if (!option_applies(def, s->mode)) {
			struct strbuf modes = STRBUF_INIT;
			modes_for_flag(def->flag, &modes);
			int rc = cli_usage_error(what, "does not apply to mode %s (it is for: %s)",
						 mode_get(s->mode) ? mode_get(s->mode)->name : "?", modes.buf);
			strbuf_release(&modes);
			return rc;
		}
		if (spec_set(s, id[k], v[k], &e))
			return cli_usage_error(what, "%s", e.msg);
	}
	return EXIT_OK;
}

static int apply_flag(struct launch_args *la, const char *name, const char *value,
		      const struct command *c)
{
	struct err e;
	struct spec *s = &la->spec;
	enum mode_id mode = s->mode;
	int x = flag_index(c->flags, name, 0);
	char what[80];
	snprintf(what, sizeof(what), "--%s", name);
	if (x >= 0)
		return record_flag(c, x, value, &la->flags);
	if (!strcmp(name, "profile"))
		return 0;
	if (!strcmp(name, "password-stdin")) {
		if (value)
			return cli_usage_error(what, "takes no value");
		la->password_stdin = 1;
		return 0;
	}
	if (!strcmp(name, "env"))
		return spec_env_set(s, value, &e) ? cli_usage_error(what, "%s", e.msg) : 0;
	if (!strcmp(name, "port"))
		return spec_set_publish_port(s, value, &e) ? cli_usage_error(what, "%s", e.msg) : 0;
	if (!strcmp(name, "bind"))
		return spec_set_publish_bind(s, value, &e) ? cli_usage_error(what, "%s", e.msg) : 0;
	if (!strcmp(name, "no-publish")) {
		if (value)
			return cli_usage_error(what, "takes no value");
		spec_set(s, OPT_PUBLISH, "none", NULL);
		return 0;
	}
	const struct option_def *def = negatable(name, mode);
	if (def) {
		if (value)
			return cli_usage_error(what, "takes no value");
		spec_set(s, def->id, def->type == OT_BOOL ? "false" : "none", NULL);
		return 0;
	}
	def = option_by_flag(name, mode);
	if (!def) {
		struct strbuf modes = STRBUF_INIT;
		int rc;
		modes_for_flag(!strncmp(name, "no-", 3) ? name + 3 : name, &modes);
		if (modes.len)
			rc = cli_usage_error(what, "does not apply to mode %s (it is for: %s)",
					     mode_get(mode)->name, modes.buf);
		else
			rc = cli_usage_error(what, "unknown option; see 'ws-launch help'");
		strbuf_release(&modes);
		return rc;
	}
	if (def->type == OT_BOOL && !value)
		value = "true";
	char *joined = NULL;
	if ((def->flags & OF_LIST) && value && strcmp(value, "none") && spec_is_set(s, def->id) &&
	    !spec_is_none(s, def->id))
		value = joined = xasprintf("%s,%s", spec_get(s, def->id), value); /* repeated: appended */
	int rc = spec_set(s, def->id, value, &e) ? cli_usage_error(what, "%s", e.msg) : 0;
	free(joined);
	return rc;
}

void launch_args_release(struct launch_args *la)
{
	spec_release(&la->spec);
}

int cli_parse_launch(struct cli *cli, int argc, char **argv, const struct command *c,
		     struct launch_args *la)
{
	memset(la, 0, sizeof(*la));
	spec_init(&la->spec);
	const int mode_arg = 1;
	const char *mode_word = NULL;
	int dashdash = 0;

	/* Pass 1: positionals, --profile, unknown flags, missing values. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (dashdash || a[0] != '-' || !a[1]) {
			if (mode_arg && !mode_word) {
				mode_word = a;
				continue;
			}
			char *sv = show_dup(a, 40);
			int rc = cli_usage_error(argv[0], "unexpected argument %s", sv);
			free(sv);
			return rc;
		}
		if (!strcmp(a, "--")) {
			dashdash = 1;
			continue;
		}
		if (!strcmp(a, "-e")) {
			if (i + 1 >= argc)
				return cli_usage_error("-e", "needs NAME=VALUE or NAME");
			i++;
			continue;
		}
		if (a[1] != '-') {
			char *sv = show_dup(a, 40);
			int rc = cli_usage_error(NULL, "unknown option %s; see 'ws-launch help %s'", sv, argv[0]);
			free(sv);
			return rc;
		}
		char name[64];
		const char *eq = strchr(a + 2, '=');
		size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (nl == 0 || nl >= sizeof(name)) {
			char *sv = show_dup(a, 40);
			int rc = cli_usage_error(NULL, "unknown option %s", sv);
			free(sv);
			return rc;
		}
		memcpy(name, a + 2, nl);
		name[nl] = '\0';
		int tv = takes_value(name, c);
		if (tv < 0) {
			char *sv = show_dup(a, 40);
			int rc = cli_usage_error(NULL, "unknown option %s; see 'ws-launch help %s'", sv, argv[0]);
			free(sv);
			return rc;
		}
		if (tv == 1 && !eq) {
			if (i + 1 >= argc)
				return cli_usage_error(a, "needs a value");
			if (!strcmp(name, "profile"))
				la->profile = argv[i + 1];
			i++;
		} else if (tv == 1 && !strcmp(name, "profile")) {
			la->profile = eq + 1;
		}
	}

	if (mode_word) {
		const struct mode *m = mode_by_name(mode_word);
		if (!m) {
			char *sv = show_dup(mode_word, 40);
			int rc = cli_usage_error(NULL, "unknown mode %s (one of %s)", sv, mode_names());
			free(sv);
			return rc;
		}
		la->spec.mode = mode_id_of(m);
	}
	if (la->profile) {
		struct spec loaded;
		struct err e;
		spec_init(&loaded);
		if (profile_load(cli->config, la->profile, &loaded, &e))
			return cli_usage_error("--profile", "%s", e.msg);
		if (mode_word && loaded.mode != la->spec.mode) {
			int rc = cli_usage_error("--profile", "%s is a %s profile, not %s", la->profile,
						 mode_get(loaded.mode)->name, mode_word);
			spec_release(&loaded);
			return rc;
		}
		spec_release(&la->spec);
		la->spec = loaded;
	}
	la->have_mode = la->spec.mode != MODE_NONE;

	/* Pass 2: apply in order. */
	dashdash = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (dashdash || a[0] != '-' || !a[1])
			continue;
		if (!strcmp(a, "--")) {
			dashdash = 1;
			continue;
		}
		if (!strcmp(a, "-e")) {
			if (apply_flag(la, "env", argv[++i], c))
				return EXIT_USAGE;
			continue;
		}
		char name[64];
		const char *eq = strchr(a + 2, '=');
		size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		memcpy(name, a + 2, nl);
		name[nl] = '\0';
		const char *value = eq ? eq + 1 : NULL;
		if (!eq && takes_value(name, c) == 1)
			value = argv[++i];
		if (apply_flag(la, name, value, c))
			return EXIT_USAGE;
	}
	return 0;
}

int cli_apply_password(struct cli *cli, struct launch_args *la)
{
	if (!la->password_stdin)
		return 0;
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "Workspace password: ");
	char buf[1024];
	if (!fgets(buf, sizeof(buf), stdin))
		return cli_usage_error("--password-stdin", "no password on standard input");
	buf[strcspn(buf, "\r\n")] = '\0';
	const char *launch = spec_is_none(&la->spec, OPT_NAME) ? "workspace" : spec_get(&la->spec, OPT_NAME);
	char *path = NULL;
	struct err e;
	int rc = secret_write_env(cli->config, launch, buf, &path, &e);
	memset(buf, 0, sizeof(buf));
	if (rc)
		return cli_usage_error("--password-stdin", "%s", e.msg);
	spec_set(&la->spec, OPT_ENV_FILE, path, NULL);
	free(path);
	return 0;
}

static void flag_line_alias(FILE *out, char alias, const char *flag, const char *meta, const char *help)
{
	char left[160], short_form[8] = "";
	if (alias)
		snprintf(short_form, sizeof(short_form), "-%c, ", alias);
	snprintf(left, sizeof(left), "%s--%s%s%s", short_form, flag, meta ? " " : "", meta ? meta : "");
	fprintf(out, "  %-30s %s\n", left, help);
}

static void flag_line(FILE *out, const char *flag, const char *meta, const char *help)
{
	flag_line_alias(out, 0, flag, meta, help);
}

void cli_print_options(FILE *out, const struct command *c)
{
	if (c->flags && c->flags->name) {
		fprintf(out, "\n%s:\n", c->launch_options ? "Command options" : "Options");
		for (const struct cmd_flag *x = c->flags; x->name; x++)
			flag_line_alias(out, x->alias, x->name, x->takes_value ? x->meta : NULL, x->help);
	}
	if (!c->launch_options)
		return;
	fprintf(out, "\nCommon options:\n");
	for (size_t i = 0; i < NBUILTIN; i++)
		flag_line(out, cli_launch_flags[i].name, cli_launch_flags[i].meta, cli_launch_flags[i].help);
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		if (d->modes != MODES_ALL)
			continue;
		char meta[64];
		snprintf(meta, sizeof(meta), "%s", d->type == OT_BOOL ? "" : d->meta ? d->meta : "VALUE");
		char help[256];
		snprintf(help, sizeof(help), "%s%s%s%s", d->help, d->def ? " [" : "", d->def ? d->def : "",
			 d->def ? "]" : "");
		flag_line(out, d->flag, meta[0] ? meta : NULL, help);
	}
	for (int m = 0; m < MODE__COUNT; m++) {
		fprintf(out, "\n%s options:\n", mode_get(m)->name);
		for (int i = 0; i < OPT__COUNT; i++) {
			const struct option_def *d = &option_table[i];
			if (d->modes == MODES_ALL || !option_applies(d, (enum mode_id)m))
				continue;
			char help[256];
			snprintf(help, sizeof(help), "%s%s%s%s", d->help, d->def ? " [" : "",
				 d->def ? d->def : "", d->def ? "]" : "");
			flag_line(out, d->flag, d->type == OT_BOOL ? NULL : d->meta, help);
		}
	}
	fprintf(out, "\nBooleans take --no-FLAG; options that can be off take --no-FLAG or 'none';\n"
		     "detected options take 'auto'.\n");
}
