/* gen-docs.c - the man page and the shell completions, generated from the
 * tables the command line itself uses, so that they cannot drift:
 *
 *   cli_commands[]       commands, usage lines, help text (tui/cli.c)
 *   cli_command_extras() each command's own flags (the EXTRAS it parses)
 *   cli_launch_flags[]   --profile, --env, --port, --bind, --password-stdin
 *   option_table[]       every launch option, its modes, type, choices,
 *                        default and help (core/options.c)
 *   mode_table[]         modes, titles, summaries, needs (core/modes.c)
 *   check_defs[]         check ids (core/checks.c)
 *
 * Usage: gen-docs man|bash|zsh|fish TEMPLATE [OUT]   (OUT: written
 * atomically, through OUT.tmp; standard output without it)
 *
 * TEMPLATE is the hand-written part (man/ws-launch.1.in, completions/ws-launch.{bash,zsh,fish}.in).
 * A line that is exactly "@NAME@" is replaced by a generated block (man:
 * @SYNOPSIS@ @COMMANDS@ @MODES@ @LAUNCH_OPTIONS@ @CHECKS@; completions:
 * @DATA@); "@VERSION@", "@DATADIR@" and "@DATE@" are replaced anywhere.  An unknown
 * placeholder, a flag that takes a value in one command and none in
 * another, or a write error make it exit 1 (the build then fails).
 *
 * Only the global options (--config, --theme, --no-color) live in main.c's
 * code rather than a table; they are listed here once (globals[]) and
 * tests/cli/docs.sh checks that the binary accepts every flag documented. */
#include "checks.h"
#include "cli.h"
#include "modes.h"
#include "options.h"
#include "strbuf.h"
#include "strvec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the flag model ------------------------------------------------------ */

enum vkind {
	V_NONE,     /* takes no value */
	V_TEXT,     /* free text */
	V_CHOICE,   /* one of .choices */
	V_FILE,     /* a path */
	V_DIR,      /* a directory */
	V_PROFILE,  /* a saved profile's name */
	V_THEME,    /* a theme name */
	V_MODE,     /* a mode name */
};

#define MAX_CHOICES 8

struct flagdoc {
	char name[48];          /* without "--" */
	const char *alias;      /* "-e", or NULL */
	const char *meta;       /* NULL when it takes no value */
	const char *help;
	const char *def;        /* default shown in the man page, or NULL */
	int negatable;          /* --no-NAME exists */
	enum vkind kind;
	const char *choices[MAX_CHOICES + 1];
	unsigned modes;         /* launch options: MODE_BIT mask */
};

struct flagset {
	struct flagdoc *v;
	size_t n;
};

static void add(struct flagset *s, const struct flagdoc *f)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = *f;
}

/* Splits "shell|json|compose" into F's choices, which point into a copy
 * kept in OWNED. */
static void split_choices(struct flagdoc *f, const char *meta, struct strvec *owned)
{
	char *copy = xstrdup(meta);
	strvec_push_nodup(owned, copy);
	size_t n = 0;
	for (char *p = copy; p && n < MAX_CHOICES;) {
		char *bar = strchr(p, '|');
		if (bar)
			*bar = '\0';
		f->choices[n++] = p;
		p = bar ? bar + 1 : NULL;
	}
	f->choices[n] = NULL;
	f->kind = V_CHOICE;
}

static enum vkind kind_of(const char *name, const char *meta)
{
	if (!meta)
		return V_NONE;
	if (!strcmp(name, "profile"))
		return V_PROFILE;
	if (!strcmp(name, "theme"))
		return V_THEME;
	if (!strcmp(meta, "DIR"))
		return V_DIR;
	if (strstr(meta, "PATH"))
		return V_FILE;
	return V_TEXT;
}

static void from_extra(struct flagdoc *f, const struct extra_flag *x, struct strvec *owned)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", x->name);
	f->help = x->help;
	f->meta = x->type == EX_STRING ? (x->meta ? x->meta : "VALUE") : NULL;
	f->kind = kind_of(f->name, f->meta);
	if (f->meta && strchr(f->meta, '|'))
		split_choices(f, f->meta, owned);
}

static void from_option(struct flagdoc *f, const struct option_def *d)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", d->flag);
	f->help = d->help;
	f->def = d->def;
	f->modes = d->modes;
	f->negatable = d->type == OT_BOOL || (d->flags & OF_NONE_OK);
	if (d->type == OT_BOOL) {
		f->meta = NULL;
		f->kind = V_NONE;
		return;
	}
	f->meta = d->meta ? d->meta : "VALUE";
	f->kind = kind_of(f->name, f->meta);
	if (d->type == OT_CHOICE) {
		size_t n = 0;
		for (const char *const *c = d->choices; *c && n < MAX_CHOICES; c++)
			f->choices[n++] = *c;
		f->choices[n] = NULL;
		f->kind = V_CHOICE;
	}
}

/* The flags named in a usage line ("[--profile NAME | --name NAME]"), for
 * the commands that parse their few flags by hand (down, modes). */
static void from_usage(struct flagset *s, const char *usage, struct strvec *owned)
{
	const char *p = usage;
	while ((p = strstr(p, "--"))) {
		struct flagdoc f;
		size_t n = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		memset(&f, 0, sizeof(f));
		snprintf(f.name, sizeof(f.name), "%.*s", (int)n, p + 2);
		p += 2 + n;
		if (*p == ' ' && p[1] >= 'A' && p[1] <= 'Z') {
			size_t m = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_=");
			f.meta = xstrndup(p + 1, m);
			strvec_push_nodup(owned, (char *)f.meta);
			p += 1 + m;
		}
		f.kind = kind_of(f.name, f.meta);
		f.help = "";
		if (n)
			add(s, &f);
	}
}

/* Global options: main.c's take_globals(). */
static const struct {
	const char *name, *alias, *meta, *help;
} globals[] = {
	{ "config", NULL, "DIR", "configuration directory (absolute) instead of $XDG_CONFIG_HOME/ws-launch" },
	{ "theme", NULL, "NAME", "colour theme of the wizard (a name or a path)" },
	{ "no-color", NULL, NULL, "no colours (also --no-colour, or NO_COLOR in the environment)" },
	{ "no-colour", NULL, NULL, NULL },
	{ "help", "-h", NULL, "help; ws-launch COMMAND --help is ws-launch help COMMAND" },
	{ "version", "-V", NULL, "the version" },
};

struct model {
	struct strvec owned;                 /* strings the flagdocs point into */
	struct flagset globals;
	struct flagset launch;               /* common + per mode, modes mask set */
	struct flagset cmd[32];              /* per command, index as cli_commands */
	size_t ncmd;
};

static void model_build(struct model *m)
{
	memset(m, 0, sizeof(*m));
	strvec_init(&m->owned);
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		struct flagdoc f;
		memset(&f, 0, sizeof(f));
		snprintf(f.name, sizeof(f.name), "%s", globals[i].name);
		f.alias = globals[i].alias;
		f.meta = globals[i].meta;
		f.help = globals[i].help;
		f.kind = kind_of(f.name, f.meta);
		add(&m->globals, &f);
	}
	for (const struct cli_flag *b = cli_launch_flags; b->name; b++) {
		struct flagdoc f;
		memset(&f, 0, sizeof(f));
		snprintf(f.name, sizeof(f.name), "%s", b->name);
		f.meta = b->takes_value ? b->meta : NULL;
		f.help = b->help;
		f.modes = MODES_ALL;
		f.alias = !strcmp(b->name, "env") ? "-e" : NULL;
		f.kind = kind_of(f.name, f.meta);
		add(&m->launch, &f);
	}
	for (int i = 0; i < OPT__COUNT; i++) {
		struct flagdoc f;
		from_option(&f, &option_table[i]);
		add(&m->launch, &f);
	}
	for (const struct command *c = cli_commands; c->name; c++, m->ncmd++) {
		if (m->ncmd >= sizeof(m->cmd) / sizeof(m->cmd[0])) {
			fprintf(stderr, "gen-docs: too many commands\n");
			exit(1);
		}
		struct flagset *s = &m->cmd[m->ncmd];
		if (c->launch_options) {
			struct extra_flag *x = cli_command_extras(c);
			for (struct extra_flag *p = x; p->name; p++) {
				struct flagdoc f;
				from_extra(&f, p, &m->owned);
				add(s, &f);
			}
			free(x);
		} else {
			from_usage(s, c->usage, &m->owned);
		}
	}
}

static void model_free(struct model *m)
{
	free(m->globals.v);
	free(m->launch.v);
	for (size_t i = 0; i < m->ncmd; i++)
		free(m->cmd[i].v);
	strvec_free(&m->owned);
}

/* Every flag set of M (globals, launch options, each command's) into SETS
 * (room for 40); returns how many. */
static size_t model_sets(const struct model *m, const struct flagset **sets)
{
	size_t ns = 0;
	sets[ns++] = &m->globals;
	sets[ns++] = &m->launch;
	for (size_t i = 0; i < m->ncmd && ns < 40; i++)
		sets[ns++] = &m->cmd[i];
	return ns;
}

/* 1 when the flags of sets A and B can meet on one command line: the
 * globals everywhere, the launch options with the commands that take them,
 * a command's own with themselves.  (logs --sidecar takes no value, the
 * dind option --sidecar NAME does: they never meet.) */
static int sets_meet(const struct model *m, size_t a, size_t b)
{
	if (a == b || a == 0 || b == 0)
		return 1;
	if (a > b) {
		size_t t = a;
		a = b;
		b = t;
	}
	if (a == 1) /* launch options vs command b - 2 */
		return cli_commands[b - 2].launch_options;
	(void)m;
	return 0;
}

/* Every flag name means the same kind of thing (a value or not) wherever
 * two uses can meet on one command line. */
static void model_check(const struct model *m)
{
	const struct flagset *sets[40];
	size_t ns = model_sets(m, sets);
	for (size_t a = 0; a < ns; a++)
		for (size_t i = 0; i < sets[a]->n; i++)
			for (size_t b = 0; b < ns; b++)
				for (size_t j = 0; j < sets[b]->n; j++) {
					const struct flagdoc *x = &sets[a]->v[i], *y = &sets[b]->v[j];
					if (sets_meet(m, a, b) && !strcmp(x->name, y->name) && !x->meta != !y->meta) {
						fprintf(stderr, "gen-docs: --%s takes a value in one place and none in another\n",
							x->name);
						exit(1);
					}
				}
}

static const struct flagset *cmd_flags(const struct model *m, const char *name)
{
	size_t i = 0;
	for (const struct command *c = cli_commands; c->name; c++, i++)
		if (!strcmp(c->name, name))
			return &m->cmd[i];
	return NULL;
}

/* ---- roff -------------------------------------------------------------- */

/* Text for roff: backslashes and dashes escaped, a leading '.' or '\''
 * defused; "\n" in table text starts a new output line. */
static void roff(struct strbuf *out, const char *s)
{
	int bol = 1;
	for (; s && *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			strbuf_addstr(out, "\\&");
		bol = 0;
		if (*s == '\\')
			strbuf_addstr(out, "\\e");
		else if (*s == '-')
			strbuf_addstr(out, "\\-");
		else if (*s == '\n') {
			strbuf_addch(out, '\n');
			bol = 1;
		} else
			strbuf_addch(out, *s);
	}
}

static void roff_flag_head(struct strbuf *out, const struct flagdoc *f)
{
	strbuf_addstr(out, ".TP\n");
	if (f->alias) {
		strbuf_addstr(out, "\\fB");
		roff(out, f->alias);
		strbuf_addstr(out, "\\fR, ");
	}
	strbuf_addstr(out, "\\fB\\-\\-");
	roff(out, f->name);
	strbuf_addstr(out, "\\fR");
	if (f->meta) {
		strbuf_addstr(out, " \\fI");
		roff(out, f->meta);
		strbuf_addstr(out, "\\fR");
	}
	if (f->negatable) {
		strbuf_addstr(out, ", \\fB\\-\\-no\\-");
		roff(out, f->name);
		strbuf_addstr(out, "\\fR");
	}
	strbuf_addch(out, '\n');
}

static void roff_flag(struct strbuf *out, const struct flagdoc *f)
{
	if (!f->help)
		return;
	roff_flag_head(out, f);
	roff(out, f->help);
	if (f->def) {
		strbuf_addstr(out, " (default: ");
		roff(out, f->def);
		strbuf_addstr(out, ")");
	}
	strbuf_addch(out, '\n');
}

static void man_synopsis(struct strbuf *out)
{
	strbuf_addstr(out, ".nf\n\\fBws\\-launch\\fR\n");
	for (const struct command *c = cli_commands; c->name; c++) {
		const char *u = c->usage;
		if (!strncmp(u, "ws-launch ", 10))
			u += 10;
		strbuf_addstr(out, "\\fBws\\-launch\\fR ");
		roff(out, u);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "\\fBws\\-launch\\fR \\-\\-help | \\-\\-version\n.fi\n");
}

static void man_commands(struct strbuf *out, const struct model *m)
{
	size_t i = 0;
	for (const struct command *c = cli_commands; c->name; c++, i++) {
		strbuf_addstr(out, ".SS \"");
		roff(out, c->name);
		strbuf_addstr(out, "\"\n.B ");
		roff(out, c->usage);
		strbuf_addstr(out, "\n.PP\n");
		roff(out, c->help ? c->help : c->summary);
		strbuf_addch(out, '\n');
		const struct flagset *s = &m->cmd[i];
		int any = 0;
		for (size_t k = 0; k < s->n; k++)
			any |= s->v[k].help && *s->v[k].help;
		if (any) {
			strbuf_addstr(out, ".PP\nOptions of \\fB");
			roff(out, c->name);
			strbuf_addstr(out, "\\fR:\n");
			for (size_t k = 0; k < s->n; k++)
				if (s->v[k].help && *s->v[k].help)
					roff_flag(out, &s->v[k]);
		}
		if (c->launch_options && !strcmp(c->name, "profile"))
			strbuf_addstr(out, ".PP\n\\fBprofile save\\fR also takes the \\fBLAUNCH OPTIONS\\fR below.\n");
		else if (c->launch_options)
			strbuf_addstr(out, ".PP\nIt also takes the \\fBLAUNCH OPTIONS\\fR below.\n");
	}
}

static void man_modes(struct strbuf *out)
{
	for (int i = 0; i < MODE__COUNT; i++) {
		const struct mode *md = &mode_table[i];
		strbuf_addstr(out, ".TP\n\\fB");
		roff(out, md->name);
		strbuf_addstr(out, "\\fR \\(em ");
		roff(out, md->title);
		strbuf_addch(out, '\n');
		roff(out, md->summary);
		strbuf_addstr(out, "\n.br\nNeeds: ");
		roff(out, md->tradeoffs[TO_NEEDS]);
		strbuf_addstr(out, "; workspace runs privileged: ");
		roff(out, md->tradeoffs[TO_PRIVILEGED]);
		strbuf_addstr(out, "; can take over the host: ");
		roff(out, md->tradeoffs[TO_TAKEOVER]);
		strbuf_addstr(out, ".\n");
	}
}

static void man_launch_options(struct strbuf *out, const struct model *m)
{
	strbuf_addstr(out, ".SS \"Common (every mode)\"\n");
	for (size_t k = 0; k < m->launch.n; k++)
		if (m->launch.v[k].modes == MODES_ALL)
			roff_flag(out, &m->launch.v[k]);
	for (int i = 0; i < MODE__COUNT; i++) {
		strbuf_addstr(out, ".SS \"Mode ");
		roff(out, mode_table[i].name);
		strbuf_addstr(out, "\"\n");
		int any = 0;
		for (size_t k = 0; k < m->launch.n; k++) {
			const struct flagdoc *f = &m->launch.v[k];
			if (f->modes != MODES_ALL && (f->modes & MODE_BIT(i))) {
				roff_flag(out, f);
				any = 1;
			}
		}
		if (!any)
			strbuf_addstr(out, "No options of its own.\n");
	}
}

static void man_checks(struct strbuf *out)
{
	for (int i = 0; i < CK__COUNT; i++) {
		strbuf_addstr(out, ".TP\n\\fB");
		roff(out, check_defs[i].name);
		strbuf_addstr(out, "\\fR\n");
		roff(out, check_defs[i].title);
		strbuf_addstr(out, " (modes:");
		int all = 1;
		struct strbuf ms = STRBUF_INIT;
		for (int md = 0; md < MODE__COUNT; md++) {
			int uses = 0;
			for (const char *const *c = mode_table[md].checks; c && *c; c++)
				uses |= !strcmp(*c, check_defs[i].name);
			if (uses)
				strbuf_addf(&ms, " %s", mode_table[md].name);
			else
				all = 0;
		}
		roff(out, all ? " all" : ms.len ? ms.buf : " some configurations");
		strbuf_free(&ms);
		strbuf_addstr(out, ")\n");
	}
}

/* ---- completions: data for the hand-written shell logic ---------------- */

static void words(struct strbuf *out, const struct flagset *s, int (*keep)(const struct flagdoc *, void *),
		  void *ctx, int negations)
{
	for (size_t k = 0; k < s->n; k++) {
		const struct flagdoc *f = &s->v[k];
		if (keep && !keep(f, ctx))
			continue;
		strbuf_addf(out, " --%s", f->name);
		if (f->alias)
			strbuf_addf(out, " %s", f->alias);
		if (negations && f->negatable)
			strbuf_addf(out, " --no-%s", f->name);
	}
}

static int is_common(const struct flagdoc *f, void *ctx)
{
	(void)ctx;
	return f->modes == MODES_ALL;
}

static int in_mode(const struct flagdoc *f, void *ctx)
{
	unsigned bit = *(unsigned *)ctx;
	return f->modes != MODES_ALL && (f->modes & bit);
}

static int of_kind(const struct flagdoc *f, void *ctx)
{
	return f->kind == *(enum vkind *)ctx;
}

static int takes_value(const struct flagdoc *f, void *ctx)
{
	(void)ctx;
	return f->meta != NULL;
}

/* Flag names (with their dashes: "--image", "-e") of every set, matching
 * KEEP, each once, in table order. */
static void collect(struct strvec *out, const struct model *m, int (*keep)(const struct flagdoc *, void *),
		    void *ctx)
{
	const struct flagset *sets[40];
	size_t ns = model_sets(m, sets);
	for (size_t a = 0; a < ns; a++)
		for (size_t k = 0; k < sets[a]->n; k++) {
			const struct flagdoc *f = &sets[a]->v[k];
			if (keep && !keep(f, ctx))
				continue;
			char name[64];
			snprintf(name, sizeof(name), "--%s", f->name);
			const char *both[2] = { name, f->alias };
			for (int b = 0; b < 2; b++) {
				int dup = 0;
				if (!both[b])
					continue;
				for (size_t i = 0; i < out->n; i++)
					dup |= !strcmp(out->v[i], both[b]);
				if (!dup)
					strvec_push(out, both[b]);
			}
		}
}

/* " --a --b " (leading and trailing space, for `case " $list " in`). */
static void all_words(struct strbuf *out, const struct model *m, int (*keep)(const struct flagdoc *, void *),
		      void *ctx)
{
	struct strvec names = STRVEC_INIT;
	collect(&names, m, keep, ctx);
	strbuf_addch(out, ' ');
	for (size_t i = 0; i < names.n; i++)
		strbuf_addf(out, "%s ", names.v[i]);
	strvec_free(&names);
}

/* "--format shell json compose kube" lines: the value lists of choices. */
static void choice_lines(struct strbuf *out, const struct model *m, int zsh)
{
	struct strbuf seen = STRBUF_INIT;
	const struct flagset *sets[40];
	size_t ns = 0;
	sets[ns++] = &m->launch;
	for (size_t i = 0; i < m->ncmd; i++)
		sets[ns++] = &m->cmd[i];
	strbuf_addch(&seen, ' ');
	for (size_t a = 0; a < ns; a++)
		for (size_t k = 0; k < sets[a]->n; k++) {
			const struct flagdoc *f = &sets[a]->v[k];
			char probe[64];
			if (f->kind != V_CHOICE)
				continue;
			snprintf(probe, sizeof(probe), " %s ", f->name);
			if (strstr(seen.buf, probe))
				continue;
			strbuf_addf(&seen, "%s ", f->name);
			struct strbuf vals = STRBUF_INIT;
			for (const char *const *c = f->choices; *c; c++)
				strbuf_addf(&vals, "%s%s", vals.len ? " " : "", *c);
			if (zsh)
				strbuf_addf(out, "  --%s '%s'\n", f->name, vals.buf);
			else
				strbuf_addf(out, "    --%s) REPLY='%s' ;;\n", f->name, vals.buf);
			strbuf_free(&vals);
		}
	strbuf_free(&seen);
}

/* Shared by bash and zsh: plain variable assignments (zsh splits them
 * with ${=var}). */
static void shell_data(struct strbuf *out, const struct model *m, int zsh)
{
	strbuf_addstr(out, "# Generated by tools/gen-docs from the command and option tables.\n");
	strbuf_addstr(out, "_ws_launch_commands='");
	for (const struct command *c = cli_commands; c->name; c++)
		strbuf_addf(out, "%s%s", c == cli_commands ? "" : " ", c->name);
	strbuf_addstr(out, "'\n_ws_launch_modes='");
	for (int i = 0; i < MODE__COUNT; i++)
		strbuf_addf(out, "%s%s", i ? " " : "", mode_table[i].name);
	strbuf_addstr(out, "'\n_ws_launch_launch_commands=' ");
	for (const struct command *c = cli_commands; c->name; c++)
		if (c->launch_options)
			strbuf_addf(out, "%s ", c->name);
	strbuf_addstr(out, "'\n_ws_launch_profile_commands='list show save rm'\n");
	strbuf_addstr(out, "_ws_launch_globals='");
	words(out, &m->globals, NULL, NULL, 0);
	strbuf_addstr(out, "'\n");
	size_t i = 0;
	for (const struct command *c = cli_commands; c->name; c++, i++) {
		strbuf_addf(out, "_ws_launch_flags_%s='", c->name);
		words(out, &m->cmd[i], NULL, NULL, 0);
		strbuf_addstr(out, "'\n");
	}
	strbuf_addstr(out, "_ws_launch_launch_common='");
	words(out, &m->launch, is_common, NULL, 1);
	strbuf_addstr(out, "'\n");
	for (int md = 0; md < MODE__COUNT; md++) {
		unsigned bit = MODE_BIT(md);
		strbuf_addf(out, "_ws_launch_launch_%s='", mode_table[md].name);
		words(out, &m->launch, in_mode, &bit, 1);
		strbuf_addstr(out, "'\n");
	}
	strbuf_addstr(out, "_ws_launch_value_flags='");
	all_words(out, m, takes_value, NULL);
	strbuf_addstr(out, "'\n");
	static const struct {
		const char *var;
		enum vkind kind;
	} kinds[] = {
		{ "file", V_FILE }, { "dir", V_DIR }, { "profile", V_PROFILE }, { "theme", V_THEME },
	};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		enum vkind kind = kinds[k].kind;
		strbuf_addf(out, "_ws_launch_%s_flags='", kinds[k].var);
		all_words(out, m, of_kind, &kind);
		strbuf_addstr(out, "'\n");
	}
	if (zsh) {
		strbuf_addstr(out, "typeset -gA _ws_launch_choices\n_ws_launch_choices=(\n");
		choice_lines(out, m, 1);
		strbuf_addstr(out, ")\n");
	} else {
		strbuf_addstr(out, "_ws_launch_choices() {\n  case $1 in\n");
		choice_lines(out, m, 0);
		strbuf_addstr(out, "    *) REPLY= ;;\n  esac\n}\n");
	}
}

/* fish: one `complete` line per flag; conditions are template functions. */
static void fish_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; s && *s; s++) {
		if (*s == '\'' || *s == '\\')
			strbuf_addch(out, '\\');
		strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

static void fish_flag(struct strbuf *out, const char *cond, const struct flagdoc *f, int negated)
{
	strbuf_addstr(out, "complete -c ws-launch -n ");
	fish_quote(out, cond);
	strbuf_addf(out, " -l %s%s", negated ? "no-" : "", f->name);
	if (f->alias && !negated && f->alias[0] == '-' && f->alias[1] != '-')
		strbuf_addf(out, " -s %s", f->alias + 1);
	if (!negated && f->meta) {
		switch (f->kind) {
		case V_FILE:
			strbuf_addstr(out, " -r -F");
			break;
		case V_DIR:
			strbuf_addstr(out, " -r -a '(__fish_complete_directories)'");
			break;
		case V_PROFILE:
			strbuf_addstr(out, " -r -f -a '(__ws_launch_profiles)'");
			break;
		case V_THEME:
			strbuf_addstr(out, " -r -f -a '(__ws_launch_themes)'");
			break;
		case V_CHOICE: {
			struct strbuf vals = STRBUF_INIT;
			for (const char *const *c = f->choices; *c; c++)
				strbuf_addf(&vals, "%s%s", vals.len ? " " : "", *c);
			strbuf_addstr(out, " -r -f -a ");
			fish_quote(out, vals.buf);
			strbuf_free(&vals);
			break;
		}
		default:
			strbuf_addstr(out, " -r -f");
			break;
		}
	}
	struct strbuf d = STRBUF_INIT;
	if (negated)
		strbuf_addf(&d, "turn off --%s", f->name);
	else
		strbuf_addstr(&d, f->help ? f->help : "");
	if (d.len) {
		strbuf_addstr(out, " -d ");
		fish_quote(out, d.buf);
	}
	strbuf_free(&d);
	strbuf_addch(out, '\n');
}

static void fish_data(struct strbuf *out, const struct model *m)
{
	strbuf_addstr(out, "# Generated by tools/gen-docs from the command and option tables.\n");
	strbuf_addstr(out, "set -g __ws_launch_commands");
	for (const struct command *c = cli_commands; c->name; c++)
		strbuf_addf(out, " %s", c->name);
	strbuf_addstr(out, "\nset -g __ws_launch_launch_commands");
	for (const struct command *c = cli_commands; c->name; c++)
		if (c->launch_options)
			strbuf_addf(out, " %s", c->name);
	strbuf_addstr(out, "\nset -g __ws_launch_modes");
	for (int i = 0; i < MODE__COUNT; i++)
		strbuf_addf(out, " %s", mode_table[i].name);
	/* fish's `set` would read "--image" as its own option: names go
	 * without dashes ("image", "e"). */
	strbuf_addstr(out, "\nset -g __ws_launch_value_flags");
	struct strvec vf = STRVEC_INIT;
	collect(&vf, m, takes_value, NULL);
	for (size_t k = 0; k < vf.n; k++)
		strbuf_addf(out, " %s", vf.v[k] + strspn(vf.v[k], "-"));
	strvec_free(&vf);
	strbuf_addstr(out, "\n\n");

	for (const struct command *c = cli_commands; c->name; c++) {
		strbuf_addstr(out, "complete -c ws-launch -n '__ws_launch_needs_command' -f -a ");
		fish_quote(out, c->name);
		strbuf_addstr(out, " -d ");
		fish_quote(out, c->summary);
		strbuf_addch(out, '\n');
	}
	for (size_t k = 0; k < m->globals.n; k++)
		if (m->globals.v[k].help)
			fish_flag(out, "true", &m->globals.v[k], 0);
	for (int i = 0; i < MODE__COUNT; i++) {
		strbuf_addstr(out, "complete -c ws-launch -n '__ws_launch_wants_mode' -f -a ");
		fish_quote(out, mode_table[i].name);
		strbuf_addstr(out, " -d ");
		fish_quote(out, mode_table[i].title);
		strbuf_addch(out, '\n');
	}
	size_t i = 0;
	for (const struct command *c = cli_commands; c->name; c++, i++) {
		char cond[96];
		snprintf(cond, sizeof(cond), "__ws_launch_using %s", c->name);
		for (size_t k = 0; k < m->cmd[i].n; k++)
			fish_flag(out, cond, &m->cmd[i].v[k], 0);
	}
	for (size_t k = 0; k < m->launch.n; k++) {
		const struct flagdoc *f = &m->launch.v[k];
		struct strbuf cond = STRBUF_INIT;
		strbuf_addstr(&cond, "__ws_launch_launch_option");
		if (f->modes != MODES_ALL)
			for (int md = 0; md < MODE__COUNT; md++)
				if (f->modes & MODE_BIT(md))
					strbuf_addf(&cond, " %s", mode_table[md].name);
		fish_flag(out, cond.buf, f, 0);
		if (f->negatable)
			fish_flag(out, cond.buf, f, 1);
		strbuf_free(&cond);
	}
}

/* ---- templates --------------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(1);
	}
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	if (ferror(f)) {
		perror(path);
		exit(1);
	}
	fclose(f);
	return strbuf_detach(&sb, NULL);
}

static void substitute(struct strbuf *out, const char *line, size_t len)
{
	static const struct {
		const char *key, *value;
	} vars[] = {
		{ "@VERSION@", WS_VERSION },
		{ "@DATADIR@", WS_DATADIR },
		{ "@DATE@", WS_RELEASE_DATE },
	};
	size_t i = 0;
	while (i < len) {
		int hit = 0;
		for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++) {
			size_t kl = strlen(vars[k].key);
			if (i + kl <= len && !memcmp(line + i, vars[k].key, kl)) {
				strbuf_addstr(out, vars[k].value);
				i += kl;
				hit = 1;
				break;
			}
		}
		if (!hit)
			strbuf_addch(out, line[i++]);
	}
}

/* Man page text lines longer than 80 bytes (mandoc -Tlint's style limit)
 * broken at spaces; roff joins them again.  A break never leaves a line
 * starting with '.' or '\'' (a request) or splits an escaped space. */
static void man_wrap(struct strbuf *out)
{
	struct strbuf res = STRBUF_INIT;
	const char *p = out->buf;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		while (len > 80 && *p != '.' && *p != '\'') {
			size_t cut = 0;
			for (size_t i = 1; i < len; i++) {
				if (p[i] != ' ' || p[i - 1] == '\\' || p[i + 1] == '.' || p[i + 1] == '\'' || p[i + 1] == ' ')
					continue;
				if (i > 80 && cut)
					break;
				cut = i;
			}
			if (!cut)
				break;
			strbuf_add(&res, p, cut);
			strbuf_addch(&res, '\n');
			p += cut + 1;
			len -= cut + 1;
		}
		strbuf_add(&res, p, len);
		if (nl)
			strbuf_addch(&res, '\n');
		p += len + (nl ? 1 : 0);
	}
	strbuf_free(out);
	*out = res;
}

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: gen-docs man|bash|zsh|fish TEMPLATE [OUT]\n");
		return 2;
	}
	const char *what = argv[1];
	if (strcmp(what, "man") && strcmp(what, "bash") && strcmp(what, "zsh") && strcmp(what, "fish")) {
		fprintf(stderr, "gen-docs: unknown output %s\n", what);
		return 2;
	}
	struct model m;
	model_build(&m);
	model_check(&m);
	if (!cmd_flags(&m, "print")) {
		fprintf(stderr, "gen-docs: no print command in the table\n");
		return 1;
	}
	char *tpl = read_file(argv[2]);
	struct strbuf out = STRBUF_INIT;
	for (char *line = tpl; *line;) {
		char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		struct strbuf block = STRBUF_INIT;
		int placeholder = len > 2 && line[0] == '@' && line[len - 1] == '@' &&
				  !memchr(line + 1, ' ', len - 2) && !memchr(line + 1, '@', len - 2);
		if (!placeholder) {
			substitute(&out, line, len);
			strbuf_addch(&out, '\n');
		} else if (!strcmp(what, "man") && !strncmp(line, "@SYNOPSIS@", len)) {
			man_synopsis(&block);
		} else if (!strcmp(what, "man") && !strncmp(line, "@COMMANDS@", len)) {
			man_commands(&block, &m);
		} else if (!strcmp(what, "man") && !strncmp(line, "@MODES@", len)) {
			man_modes(&block);
		} else if (!strcmp(what, "man") && !strncmp(line, "@LAUNCH_OPTIONS@", len)) {
			man_launch_options(&block, &m);
		} else if (!strcmp(what, "man") && !strncmp(line, "@CHECKS@", len)) {
			man_checks(&block);
		} else if (!strcmp(what, "man") && !strncmp(line, "@GLOBAL_OPTIONS@", len)) {
			for (size_t k = 0; k < m.globals.n; k++)
				roff_flag(&block, &m.globals.v[k]);
		} else if (strcmp(what, "man") && !strncmp(line, "@DATA@", len)) {
			if (!strcmp(what, "fish"))
				fish_data(&block, &m);
			else
				shell_data(&block, &m, !strcmp(what, "zsh"));
		} else {
			fprintf(stderr, "gen-docs: %s: unknown placeholder %.*s\n", argv[2], (int)len, line);
			return 1;
		}
		if (block.len)
			substitute(&out, block.buf, block.len);
		strbuf_free(&block);
		line = nl ? nl + 1 : line + len;
	}
	if (!strcmp(what, "man"))
		man_wrap(&out);
	if (argc == 4) {
		char *tmp = xasprintf("%s.tmp", argv[3]);
		FILE *f = fopen(tmp, "w");
		if (!f || fwrite(out.buf, 1, out.len, f) != out.len || fclose(f) || rename(tmp, argv[3])) {
			perror(argv[3]);
			remove(tmp);
			return 1;
		}
		free(tmp);
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout)) {
		perror("gen-docs: write");
		return 1;
	}
	model_free(&m);
	strbuf_free(&out);
	free(tpl);
	return 0;
}
