/* ui_draw.h - drawing primitives on stdscr: colour roles, UTF-8 text that
 * is clipped by display width, wrapping, lines, glyphs, the line editor,
 * clickable regions.
 *
 * Everything drawn goes through a theme role: pairs are
 * allocated on demand and deduplicated; nothing calls init_color().  Text
 * from outside (findings, values, log lines) is sanitised: control
 * characters and invalid UTF-8 become '?', so a hostile value can never
 * move the cursor or switch the terminal's modes. */
#ifndef WS_UI_DRAW_H
#define WS_UI_DRAW_H

#include "wizard.h"

struct strvec;

/* Colours: call after initscr().  COLOUR 0 forces attributes only. */
void ui_colour_init(struct app *app, int colour);
/* Sets stdscr's attributes to ROLE plus EXTRA (A_* bits). */
void ui_role(enum theme_role role, attr_t extra);
/* 1 once a role could not get a colour pair of its own (COLOR_PAIRS ran
 * out); the wizard says so once. */
int ui_colour_exhausted(void);
/* The background of the whole screen (the text role). */
void ui_background(void);

/* Display width of UTF-8 text as ui_text() would draw it. */
int ui_width(const char *s);
/* Display width of the first N bytes of S. */
int ui_width_prefix(const char *s, size_t n);
/* Byte length of the longest prefix of S (at most LEN bytes) that fits in
 * W columns. */
size_t ui_fit(const char *s, size_t len, int w);

#define UI_ELLIPSIS 1u   /* mark truncated text with … (or ~) */
#define UI_FILL 2u       /* pad the rest of W with spaces */

/* Draws up to LEN bytes of S at (Y, X) in at most W columns; returns the
 * columns used. */
int ui_textn(int y, int x, int w, enum theme_role role, attr_t extra, unsigned flags, const char *s,
	     size_t len);
int ui_text(int y, int x, int w, enum theme_role role, attr_t extra, unsigned flags, const char *s);
/* printf into a local buffer, then ui_text(). */
int ui_textf(int y, int x, int w, enum theme_role role, attr_t extra, unsigned flags, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void ui_fill(int y, int x, int w, enum theme_role role);
void ui_clear_rect(const struct rect *r);
void ui_hline(int y, int x, int w, enum theme_role role);
void ui_vline(int y, int x, int h, enum theme_role role);
/* A box corner: 0 upper left, 1 upper right, 2 lower left, 3 lower right. */
void ui_corner(int y, int x, int which, enum theme_role role);
/* A section rule: "── TITLE ─────". */
void ui_rule(int y, int x, int w, const char *title);

/* Word-wraps S to W columns into LINES (appended). Hard newlines break. */
void ui_wrap(const char *s, int w, struct strvec *lines);
/* The viewer's lines of TEXT: each line made safe to show (control
 * characters and escapes replaced), then wrapped to W columns; appended to
 * LINES. */
void ui_text_lines(const char *text, int w, struct strvec *lines);
/* TEXT with each run of one repeated line shown once, followed by
 * "  (N times)"; appended to OUT. */
void ui_collapse(const char *text, struct strbuf *out);

enum glyph {
	G_PASS, G_WARN, G_FAIL, G_SKIP, G_PENDING, G_BULLET, G_ARROW, G_STAR, G_SELECT,
	G_BAR_FULL, G_BAR_EMPTY, G_DOT, G_UNDO, G_CANCEL, G_ELLIPSIS, G__COUNT
};
const char *ui_glyph(const struct app *app, enum glyph g);
/* The current spinner frame. */
const char *ui_spinner(const struct app *app);

/* Clickable regions of this frame (cleared before each draw). */
void ui_hit(struct app *app, int y, int x, int w, enum action act, int index);
/* A list row: a click selects (or activates) INDEX through screen->click. */
void ui_hit_row(struct app *app, int y, int x, int w, int index);

/* ---- line editor (ui_edit.c) ---- */
void edit_set(struct lineedit *ed, const char *text);
/* Handles one key: R_HANDLED|R_DRAW when it edited or moved, 0 for keys
 * it does not take (Enter, Esc, Tab, arrows up/down...). */
unsigned edit_key(struct lineedit *ed, int key);
/* Draws the field at (Y, X), W columns, and places the cursor. */
void edit_draw(struct lineedit *ed, int y, int x, int w, enum theme_role role);

/* 1 when TEXT (NULL: no) holds NEEDLE, ignoring ASCII case (the list
 * filter, the viewer's find). */
int ui_has_text(const char *text, const char *needle);

#endif
