/* cli_args.c - [MODE] [OPTIONS] parsing, generated from the option table. */
#include "cli.h"
#include "modes.h"
#include "profile.h"
#include "secret.h"
#include "show.h"
#include "strbuf.h"

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

static const struct extra_flag *find_extra(const struct extra_flag *extras, const char *name)
{
	for (; extras && extras->name; extras++)
		if (!strcmp(extras->name, name))
			return extras;
	return NULL;
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
static int takes_value(const char *name, const struct extra_flag *extras)
{
	const struct extra_flag *x = find_extra(extras, name);
	if (x)
		return x->type == EX_STRING;
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
			strbuf_addstr(sb, mode_table[m].name);
		}
}

static int apply_flag(struct launch_args *la, const char *name, const char *value,
		      const struct extra_flag *extras)
{
	struct err e;
	struct spec *s = &la->spec;
	enum mode_id mode = s->mode;
	const struct extra_flag *x = find_extra(extras, name);
	char what[80];
	snprintf(what, sizeof(what), "--%s", name);
	if (x) {
		if (x->type == EX_FLAG) {
			if (value)
				return cli_usage_error(what, "takes no value");
			*(int *)x->target = 1;
		} else {
			*(const char **)x->target = value;
		}
		return 0;
	}
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
		strbuf_free(&modes);
		return rc;
	}
	if (def->type == OT_BOOL && !value)
		value = "true";
	if (spec_set(s, def->id, value, &e))
		return cli_usage_error(what, "%s", e.msg);
	return 0;
}

void launch_args_free(struct launch_args *la)
{
	spec_free(&la->spec);
}

int cli_parse_launch(struct cli *cli, int argc, char **argv, const struct extra_flag *extras,
		     int mode_arg, struct launch_args *la)
{
	memset(la, 0, sizeof(*la));
	spec_init(&la->spec);
	if (cli->describe) {
		cli->describe(cli->describe_ctx, extras);
		return EXIT_USAGE;
	}
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
		int tv = takes_value(name, extras);
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
		la->spec.mode = m->id;
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
			spec_free(&loaded);
			return rc;
		}
		spec_free(&la->spec);
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
			if (apply_flag(la, "env", argv[++i], extras))
				return EXIT_USAGE;
			continue;
		}
		char name[64];
		const char *eq = strchr(a + 2, '=');
		size_t nl = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		memcpy(name, a + 2, nl);
		name[nl] = '\0';
		const char *value = eq ? eq + 1 : NULL;
		if (!eq && takes_value(name, extras) == 1)
			value = argv[++i];
		if (apply_flag(la, name, value, extras))
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

static void flag_line(FILE *out, const char *flag, const char *meta, const char *help)
{
	char left[160];
	snprintf(left, sizeof(left), "--%s%s%s", flag, meta ? " " : "", meta ? meta : "");
	fprintf(out, "  %-30s %s\n", left, help);
}

void cli_print_launch_options(FILE *out, const struct extra_flag *extras)
{
	if (extras && extras->name) {
		fprintf(out, "\nCommand options:\n");
		for (const struct extra_flag *x = extras; x->name; x++)
			flag_line(out, x->name, x->type == EX_STRING ? x->meta : NULL, x->help);
	}
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
		fprintf(out, "\n%s options:\n", mode_table[m].name);
		for (int i = 0; i < OPT__COUNT; i++) {
			const struct option_def *d = &option_table[i];
			if (d->modes == MODES_ALL || !(d->modes & MODE_BIT(m)))
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

static void copy_extras(void *ctx, const struct extra_flag *extras)
{
	struct extra_flag **out = ctx;
	size_t n = 0;
	while (extras && extras[n].name)
		n++;
	free(*out);
	*out = xcalloc(n + 1, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		(*out)[i] = extras[i];
		(*out)[i].target = NULL;
	}
}

struct extra_flag *cli_command_extras(const struct command *c)
{
	struct extra_flag *out = NULL;
	/* An absolute --config keeps "profile save" from looking at $HOME. */
	struct cli cli = { .config = "/nonexistent/ws-launch", .describe = copy_extras, .describe_ctx = &out };
	/* Commands parse their launch options at once; "profile" only under
	 * "save NAME". */
	char *argv[] = { (char *)c->name, "save", "NAME", NULL };
	int argc = strcmp(c->name, "profile") ? 1 : 3;
	if (c->launch_options) {
		c->run(&cli, argc, argv);
	}
	if (!out)
		out = xcalloc(1, sizeof(*out));
	return out;
}
