/* ui_overlay.h - modal overlays and the screen chrome (ui_overlay.c). */
#ifndef WS_UI_OVERLAY_H
#define WS_UI_OVERLAY_H

#include "wizard.h"

/* The `?` overlay for the current screen, generated from its tables. */
void overlay_help(struct app *app);
/* A yes/no question; YES runs (with TEXT NULL) on 'y'. */
void overlay_confirm(struct app *app, const char *title, const char *text,
		     void (*yes)(struct app *app, const char *text));
/* A one-line text prompt; VALIDATE (may be NULL) runs as the user types and
 * on Enter; OK gets the text when it is accepted. */
void overlay_prompt(struct app *app, const char *title, const char *text, const char *initial, int masked,
		    int (*validate)(const char *text, struct err *e), void (*ok)(struct app *app, const char *text));
/* A wrapped, scrollable text (a failure's detail): BODY's lines are
 * sanitised and wrapped to the terminal's width; ↑/↓, PgUp/PgDn, g/G
 * scroll, Esc, q or Enter close. */
void overlay_text(struct app *app, const char *title, const char *body);
/* New text for the open text viewer, keeping its place (at the end when it
 * was there: a followed log). */
void overlay_text_update(struct app *app, const char *body);
void overlay_draw(struct app *app);
/* Keys while an overlay is open (it takes every key). */
unsigned overlay_key(struct app *app, int key);
/* Header, status line and key bar. */
void chrome_draw(struct app *app);
/* The "terminal too small" notice (the whole screen). */
void chrome_too_small(struct app *app);

#endif
