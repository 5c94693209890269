/* theme.h - colour themes: semantic roles mapped to colours (docs/ARCHITECTURE.md, "Profiles and themes").
 *
 * The wizard draws only through roles (text, dim, title, ...); a theme
 * file maps each role to a foreground, a background and attributes:
 *
 *     version: 1
 *     name: default
 *     roles:
 *       text:      { fg: default }
 *       selection: { fg: "#ffffff", bg: 24, attrs: [bold] }
 *
 * Loading is strict (unknown keys, bad colours, wrong types are errors
 * "FILE:LINE:COL: what was expected") and transactional (nothing of a
 * broken file is used).  A theme never fails the program: the caller falls
 * back to theme_builtin() and shows the error.  Roles a file leaves out
 * come from the built-in default; inside a role, a missing fg/bg is the
 * text role's (so a theme with its own background paints evenly).
 *
 * No curses here: theme_style_resolve() turns a role into plain colour
 * numbers and attribute bits for a terminal with N colours.
 *
 * Part core/theme/: colours (colour) and the wizard's themes (theme).
 * Layer: may include base (docs/ARCHITECTURE.md "core/, by part").
 */
#ifndef WS_THEME_H
#define WS_THEME_H

#include "colour.h"
#include "base/err.h"
#include "base/strvec.h"

#define THEME_MAX_BYTES (64 * 1024)

enum theme_role {
	TR_TEXT,
	TR_DIM,
	TR_TITLE,
	TR_ACCENT,
	TR_SELECTION,
	TR_BORDER,
	TR_KEY,
	TR_CODE,
	TR_PASS,
	TR_WARN,
	TR_FAIL,
	TR_PENDING,
	TR__COUNT
};

extern const char *const theme_role_names[TR__COUNT];

/* Attribute bits. */
#define THEME_BOLD 1u
#define THEME_UNDERLINE 2u
#define THEME_REVERSE 4u
#define THEME_DIM 8u

/* Which parts of a style the file gave. */
#define THEME_SET_FG 1u
#define THEME_SET_BG 2u
#define THEME_SET_ATTRS 4u

struct theme_style {
	struct colour fg, bg;
	unsigned attrs;
	unsigned set;
};

struct theme {
	char name[65];
	struct theme_style role[TR__COUNT];
};

/* A style resolved for one terminal. */
struct theme_resolved {
	int fg, bg;        /* colour numbers, -1 = terminal default */
	unsigned attrs;    /* THEME_* bits */
};

/* The built-in default (identical to themes/default.yaml). */
void theme_builtin(struct theme *t);
/* Parses theme text; FILE is used in messages.  On error *OUT is left as it
 * was. */
int theme_parse(const char *data, size_t len, const char *file, struct theme *out, struct err *e);
int theme_load_file(const char *path, struct theme *out, struct err *e);
/* The directories searched for themes, in order, into OUT (appended,
 * owned by OUT): <config>/themes, the source tree's themes/ (a build run
 * in place), PREFIX/share/ws-launch/themes for a binary at
 * PREFIX/bin/ws-launch (wherever it was installed), then the configured
 * data directory.  Duplicates are dropped. */
void theme_dirs(const char *config, struct strvec *out);
/* Every theme found in theme_dirs(), sorted by name, the first of a name
 * winning: NAMES[i] lives at PATHS[i] (both appended). */
void theme_list(const char *config, struct strvec *names, struct strvec *paths);
/* Where theme NAME lives: NAME itself when it contains a '/' (a path);
 * else NAME.yaml in <config>/themes, then each of DIRS (NULL-terminated;
 * NULL: theme_dirs()).  Malloc'd path, or
 * NULL with E ("no theme named 'x' (looked in ...)"). */
char *theme_locate(const char *name, const char *config, const char *const *dirs, struct err *e);
/* Loads theme NAME (see theme_locate).  On any error *OUT is the built-in
 * default and E says why (FILE:LINE:COL for a broken file); returns -1. */
int theme_load(const char *name, const char *config, struct theme *out, struct err *e);
/* The theme to use (README.md, "Screenshots": themes): --theme, else mono for --no-color,
 * else $WS_LAUNCH_THEME, else mono when NO_COLOR is set, else "default".
 * Returns a pointer to one of the arguments or a literal. */
const char *theme_choose(const char *flag_theme, int flag_no_color, const char *env_theme, int env_no_color);
/* ROLE of T on a terminal with NCOLOURS colours (COLOUR_DIRECT for
 * truecolor; < 8 means attributes only). */
void theme_style_resolve(const struct theme *t, enum theme_role role, int ncolours,
			 struct theme_resolved *out);

#endif
