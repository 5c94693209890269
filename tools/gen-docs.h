/* gen-docs.h - the flag model tools/gen-docs builds from the tables, shared
 * by gen-docs.c (model, templates, main), gen-docs-man.c (roff) and
 * gen-docs-shell.c (completion data). */
#ifndef WS_GEN_DOCS_H
#define WS_GEN_DOCS_H

#include "checks/checks.h"
#include "cli.h"
#include "launch/modes.h"
#include "launch/options.h"
#include "base/strbuf.h"
#include "base/strvec.h"

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

struct model {
	struct strvec owned;                 /* strings the flagdocs point into */
	struct flagset globals;
	struct flagset launch;               /* common + per mode, modes mask set */
	struct flagset cmd[32];              /* per command, index as cli_commands */
	size_t ncmd;
};

size_t gd_model_sets(const struct model *m, const struct flagset **sets);
void gd_roff(struct strbuf *out, const char *s);
void gd_roff_flag(struct strbuf *out, const struct flagdoc *f);
void gd_man_synopsis(struct strbuf *out);
void gd_man_commands(struct strbuf *out, const struct model *m);
void gd_man_modes(struct strbuf *out);
void gd_man_launch_options(struct strbuf *out, const struct model *m);
void gd_man_checks(struct strbuf *out);
void gd_shell_data(struct strbuf *out, const struct model *m, int zsh);
void gd_fish_data(struct strbuf *out, const struct model *m);

#endif
