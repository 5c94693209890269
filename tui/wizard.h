/* wizard.h - the curses wizard (docs/ARCHITECTURE.md, "Layers"): application state, screens,
 * reactions, key bindings.
 *
 * One event loop (wizard.c) owns curses, the curl multi handle (struct net)
 * and the children of the checker and the runner.  A screen is a const
 * table of callbacks; its key handler mutates state and returns
 * reaction bits, and the loop draws once per turn (P2).  Keys are bound in
 * tables that also carry the help text: the `?` overlay and the bottom key
 * bar are generated from them (P6).  Colours go through theme roles only
 * (P3); geometry comes from layout_compute() (P15). */
#ifndef WS_WIZARD_H
#define WS_WIZARD_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <poll.h>
#include <stddef.h>

#include "base/err.h"
#include "launch/facts.h"
#include "launch/plan.h"
#include "launch/spec.h"
#include "base/strbuf.h"
#include "theme/theme.h"
#include "ui_keys.h"
#include "ui_layout.h"

struct cli;
struct net;
struct checker;
struct runner;
struct app;

/* What a handler changed. */
enum reaction {
	R_NONE = 0,
	R_DRAW = 1 << 0,     /* redraw the screen */
	R_LAYOUT = 1 << 1,   /* recompute the layout first */
	R_HANDLED = 1 << 2,  /* the key was consumed (even if nothing changed) */
};

/* A screen.  Private state lives in the screen's own file. */
struct screen_ops {
	const char *name;            /* breadcrumb and help title */
	const char *help;            /* what the screen is for (help overlay) */
	const struct keybind *keys;  /* the screen's own bindings, {0}-terminated */
	int list_nav;                /* 1: the list navigation keys apply */
	/* BACK is 1 when returning from a later screen. */
	void (*enter)(struct app *app, int back);
	/* Leaving (forward or back): cancels the screen's checks/children. */
	void (*leave)(struct app *app);
	/* After a resize: keep selections and scroll offsets in view. */
	void (*layout)(struct app *app);
	void (*draw)(struct app *app);
	/* Raw key before bindings (text editing); R_HANDLED when consumed. */
	unsigned (*capture)(struct app *app, int key);
	/* A bound action of this screen (or a list navigation action). */
	unsigned (*action)(struct app *app, enum action act);
	/* A click on list row INDEX registered with ui_hit_row(). */
	unsigned (*click)(struct app *app, int index);
	/* Called every loop turn; returns reactions (e.g. when results moved). */
	unsigned (*poll)(struct app *app);
	/* q pressed: 0 to stay (the screen asked or refused), 1 to quit. */
	int (*quit)(struct app *app);
	/* 0 when the key bar should not offer ACT now (e.g. cancel while
	 * nothing runs); NULL: every KB_BAR key is offered. */
	int (*key_shown)(const struct app *app, enum action act);
	/* The table the key bar shows instead of KEYS now (the line editor's
	 * while a field is edited); NULL: KEYS. */
	const struct keybind *(*bar_keys)(const struct app *app);
	/* The list filter (/) changed: show only the rows it matches
	 * (wizard_filter_match); NULL: this screen's list has no filter. */
	void (*filtered)(struct app *app);
};

extern const struct screen_ops screen_home, screen_mode, screen_options, screen_checks, screen_review,
	screen_run;

/* A clickable region of the last frame. */
struct hit {
	int y, x, w;
	enum action act;   /* ACT_NONE: a list row */
	int index;
};

/* Modal overlays (ui_overlay.c). */
enum overlay_kind { OV_NONE, OV_HELP, OV_CONFIRM, OV_PROMPT, OV_TEXT };

struct lineedit {
	char buf[1024];
	size_t len, cur;   /* bytes; cur on a character boundary */
	int scroll;        /* first display column shown */
	int masked;        /* show bullets */
};

struct overlay {
	enum overlay_kind kind;
	char title[128];
	char text[512];
	int scroll;
	/* OV_CONFIRM: YES runs on 'y'; OV_PROMPT: OK runs on Enter when
	 * VALIDATE (may be NULL) accepts the text. */
	void (*yes)(struct app *app, const char *text);
	int (*validate)(const char *text, struct err *e);
	struct lineedit edit;
	char msg[ERR_MAX];
	char body[16384];  /* OV_TEXT: paragraphs separated by '\n', wrapped when drawn */
	int page;          /* OV_TEXT: lines shown, for PgUp/PgDn (set when drawn) */
	int lines;         /* OV_TEXT: wrapped lines (set when drawn) */
	/* OV_TEXT search: / types FIND (in EDIT), Enter or n looks for it
	 * below the top line (wrapping round), found when drawn */
	int searching, find_pending, find_failed;
	char find[64];
};

#define HITS_MAX 160

struct app {
	struct cli *cli;
	struct net *net;
	struct theme theme;
	char theme_error[ERR_MAX + 32];
	int utf8;
	int ncolours;
	struct layout lay;
	const struct screen_ops *stack[8];
	int depth;
	unsigned dirty;
	int quit;
	int exit_code;
	struct strbuf out;      /* printed on stdout after the terminal is restored */
	struct strbuf errout;   /* printed on stderr after the terminal is restored */
	char status[512];
	enum theme_role status_role;
	unsigned spin;          /* spinner frame */
	struct overlay ov;
	struct lineedit filter;  /* the list filter of the top screen ("" none) */
	int filtering;           /* the filter line has the keys */
	struct hit hits[HITS_MAX];
	int nhits;
	int paste;              /* inside a bracketed paste */
	int pairs_warned;       /* told the user the colour pairs ran out */

	/* the launch being prepared */
	struct spec spec;
	char *password;         /* typed in Options; written to a 0600 env file on save/run */
	char *profile;          /* profile it came from / was saved as */
	struct facts facts;     /* local facts (re-detected when the spec changes) */
	struct checker *checker;
	unsigned checker_modes;
	unsigned checker_gen;
	struct runner *runner;
	unsigned runner_gen;
	struct plan plan;
	int have_plan;
	int host_check;         /* Checks screen shows all modes ("check this host") */
	int quit_after_run;     /* Ctrl-C/q during a launch: quit when rolled back */
};

/* ---- wizard.c ---- */

/* Runs the wizard; returns the exit code.  Needs stdin and stdout to be a
 * terminal (main.c checks). */
int wizard_main(struct cli *cli);
void wizard_push(struct app *app, const struct screen_ops *s);
void wizard_pop(struct app *app);
/* Pops back to the first screen (Home) and pushes S on it. */
void wizard_restart(struct app *app, const struct screen_ops *s);
const struct screen_ops *wizard_top(const struct app *app);
/* REMEDY (a check's, in CLI words) with each launch option's flag and its
 * metavariable replaced by the wizard field's name: "--host HOST" becomes
 * "the Remote host field".  malloc'd. */
char *wizard_remedy(const char *remedy);
/* 1 when TEXT matches the list filter (case-insensitive substring; an
 * empty filter matches everything). */
int wizard_filter_match(const struct app *app, const char *text);

/* A one-line message in the status row (printf-style). */
void wizard_status(struct app *app, enum theme_role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* (Re)starts the checks of MODES (MODES_ALL or one mode) for app->spec. */
int wizard_checks_start(struct app *app, unsigned modes);
/* Cancels running checks (results so far are kept). */
void wizard_checks_cancel(struct app *app);
/* Re-detects local facts and builds app->plan from app->spec; -1 with E. */
int wizard_build_plan(struct app *app, struct err *e);
/* Writes the password (if any) to its 0600 env file and points the spec
 * at it.  -1 with E. */
int wizard_apply_password(struct app *app, struct err *e);
/* The launch name ("workspace"). */
const char *wizard_launch_name(const struct app *app);
/* Copies TEXT to the clipboard with OSC 52; returns 0 when written. */
int wizard_copy(struct app *app, const char *text, size_t len);
/* Loads profile NAME into app->spec; -1 with the error in the status. */
int wizard_load_profile(struct app *app, const char *name);

#endif
