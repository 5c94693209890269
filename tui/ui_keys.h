/* ui_keys.h - actions and key binding tables.
 *
 * Every key the wizard reacts to is a row {key, action, label, help} in a
 * table: the global table, the list-navigation table (screens with lists)
 * and one table per screen.  The bottom key bar shows the rows flagged
 * KB_BAR, the `?` overlay lists every row of the tables in effect; both are
 * generated here, so they cannot drift from what the keys do.  No curses
 * calls in this file (only its key constants), so tests can link it.
 *
 * Key codes: a character is its Unicode value; a curses function key is
 * KEY_FN(KEY_UP) etc. (keeps KEY_* apart from characters >= 0x100). */
#ifndef WS_UI_KEYS_H
#define WS_UI_KEYS_H

#include <stddef.h>

#define KEY_FN(k) (0x40000000 | (k))
#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_ESC 27

enum action {
	ACT_NONE,
	/* global */
	ACT_BACK,
	ACT_QUIT,
	ACT_HELP,
	ACT_REDRAW,
	/* list navigation */
	ACT_UP,
	ACT_DOWN,
	ACT_PGUP,
	ACT_PGDN,
	ACT_TOP,
	ACT_BOTTOM,
	/* screens */
	ACT_OPEN,       /* Enter: open / choose / edit / continue */
	ACT_NEXT,       /* Tab */
	ACT_PREV,       /* Shift-Tab */
	ACT_LEFT,
	ACT_RIGHT,
	ACT_TOGGLE,     /* Space */
	ACT_NEW,
	ACT_CHECK_HOST,
	ACT_EDIT,
	ACT_PRINT,
	ACT_DELETE,
	ACT_RECHECK,
	ACT_CONTINUE,
	ACT_RESET,
	ACT_RUN,
	ACT_COPY,
	ACT_SAVE,
	ACT_EXPORT,
	ACT_EXPORT_KUBE,
	ACT_LOGS,
	ACT_DOWN_LAUNCH,
	ACT_CANCEL,
	ACT_RECREATE,
	ACT_DETAILS,
	ACT_FILTER,     /* /: filter the list */
	ACT_URL,        /* a running launch: its URL */
	ACT_SHELL,
	ACT_STOPSTART,
	ACT_UPGRADE,
	ACT_EDIT_KEY,   /* a key of the line editor (documentation and key bar only) */
	ACT__COUNT
};

/* Row flags. */
#define KB_BAR 1u       /* shown in the bottom key bar */

struct keybind {
	int key;
	enum action act;
	const char *label;  /* short, for the bar ("back") */
	const char *help;   /* one line, for the ? overlay */
	unsigned flags;
};

/* All bindings live here (tmux key-bindings.c style), one table per scope:
 * the global keys, the list keys, and each screen's own. */
extern const struct keybind keys_global[];
extern const struct keybind keys_editing[];
extern const struct keybind keys_filtering[];
extern const struct keybind keys_list[];
extern const struct keybind keys_home[], keys_mode[], keys_options[], keys_checks[], keys_review[],
	keys_run[];

/* A screen's scope: its table plus, with LIST, the list keys, plus the
 * global keys; a key may be bound once per scope. */
struct keyscope {
	const char *name;
	const struct keybind *keys;
	int list;
};
extern const struct keyscope keys_scopes[];

/* The action KEY has in the tables in effect (SCREEN may be NULL; LIST:
 * the list table applies); ACT_NONE when unbound. */
enum action keys_lookup(const struct keybind *screen, int list, int key);
/* "Enter", "Esc", "Tab", "S-Tab", "Up", "PgDn", "^L", "q"...; UTF8 picks
 * arrows.  Writes into BUF. */
const char *keys_name(int key, int utf8, char *buf, size_t size);
/* Is ACT handled by the wizard itself (back, quit, help, redraw)? */
int keys_is_global(enum action act);
/* Name of an action for messages and tests ("back"). */
const char *keys_action_name(enum action act);
/* Moves the selection *SEL of an N-item list for a movement action (up,
 * down, page up/down, top, bottom); PAGE <= 0 makes page up/down jump to
 * the ends.  Returns 1 when ACT was a movement (and *SEL is now valid). */
int keys_list_move(int *sel, int n, int page, enum action act);

/* One generated line of the help overlay or one bar item. */
struct keyline {
	char keys[32];      /* "Esc, b" */
	const char *label;
	const char *help;
	enum action act;
	int bar;
};

/* Merges the rows of TABLE with the same action into lines ("Esc, b").
 * Returns the number written (at most MAX). */
size_t keys_lines(const struct keybind *table, int utf8, struct keyline *out, size_t max);

#endif
