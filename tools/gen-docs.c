/* gen-docs.c - the man page and the shell completions, generated from the
 * tables the command line itself uses, so that they cannot drift:
 *
 *   cli_commands[]       commands, usage lines, help text and each
 *                        command's own flag table (cli/cmd_*.c)
 *   cli_launch_flags[]   --profile, --env, --port, --bind, --password-stdin
 *   option_table[]       every launch option, its modes, type, choices,
 *                        default and help (core/launch/options.c)
 *   mode_table[]         modes, titles, summaries, needs (core/launch/modes.c)
 *   check_def()          check ids (core/checks/checks.c, and the modes' own)
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
#include "gen-docs.h"

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

static void from_flag(struct flagdoc *f, const struct cmd_flag *x, struct strvec *owned)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", x->name);
	f->help = x->help;
	if (x->alias) {
		char *alias = xasprintf("-%c", x->alias);
		strvec_push_nodup(owned, alias);
		f->alias = alias;
	}
	f->meta = x->takes_value ? (x->meta ? x->meta : "VALUE") : NULL;
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
	f->modes = option_modes(d);
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
	for (const struct command *const *cp = cli_commands; *cp; cp++, m->ncmd++) {
		const struct command *c = *cp;
		if (m->ncmd >= sizeof(m->cmd) / sizeof(m->cmd[0])) {
			fprintf(stderr, "gen-docs: too many commands\n");
			exit(1);
		}
		struct flagset *s = &m->cmd[m->ncmd];
		for (const struct cmd_flag *p = c->flags; p && p->name; p++) {
			struct flagdoc f;
			from_flag(&f, p, &m->owned);
			add(s, &f);
		}
	}
}

static void model_release(struct model *m)
{
	free(m->globals.v);
	free(m->launch.v);
	for (size_t i = 0; i < m->ncmd; i++)
		free(m->cmd[i].v);
	strvec_release(&m->owned);
}

/* Every flag set of M (globals, launch options, each command's) into SETS
 * (room for 40); returns how many. */
size_t gd_model_sets(const struct model *m, const struct flagset **sets)
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
		return cli_commands[b - 2]->launch_options;
	(void)m;
	return 0;
}

/* Every flag name means the same kind of thing (a value or not) wherever
 * two uses can meet on one command line. */
static void model_check(const struct model *m)
{
	const struct flagset *sets[40];
	size_t ns = gd_model_sets(m, sets);
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
	for (const struct command *const *c_at = cli_commands, *c; (c = *c_at) != NULL; c_at++, i++)
		if (!strcmp(c->name, name))
			return &m->cmd[i];
	return NULL;
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
 * broken at spaces; gd_roff joins them again.  A break never leaves a line
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
	strbuf_release(out);
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
			gd_man_synopsis(&block);
		} else if (!strcmp(what, "man") && !strncmp(line, "@COMMANDS@", len)) {
			gd_man_commands(&block, &m);
		} else if (!strcmp(what, "man") && !strncmp(line, "@MODES@", len)) {
			gd_man_modes(&block);
		} else if (!strcmp(what, "man") && !strncmp(line, "@LAUNCH_OPTIONS@", len)) {
			gd_man_launch_options(&block, &m);
		} else if (!strcmp(what, "man") && !strncmp(line, "@CHECKS@", len)) {
			gd_man_checks(&block);
		} else if (!strcmp(what, "man") && !strncmp(line, "@GLOBAL_OPTIONS@", len)) {
			for (size_t k = 0; k < m.globals.n; k++)
				gd_roff_flag(&block, &m.globals.v[k]);
		} else if (strcmp(what, "man") && !strncmp(line, "@DATA@", len)) {
			if (!strcmp(what, "fish"))
				gd_fish_data(&block, &m);
			else
				gd_shell_data(&block, &m, !strcmp(what, "zsh"));
		} else {
			fprintf(stderr, "gen-docs: %s: unknown placeholder %.*s\n", argv[2], (int)len, line);
			return 1;
		}
		if (block.len)
			substitute(&out, block.buf, block.len);
		strbuf_release(&block);
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
	model_release(&m);
	strbuf_release(&out);
	free(tpl);
	return 0;
}
