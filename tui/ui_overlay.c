/* ui_overlay.c - modal overlays (help, confirm, prompt) and the screen
 * chrome (header, status line, key bar, "too small" notice).
 *
 * The help overlay and the key bar are generated from the binding tables
 * in effect (ui_keys.h), so what they say is what the keys do. */
#include "ui_draw.h"
#include "ui_overlay.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/strvec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void overlay_help(struct app *app)
{
	memset(&app->ov, 0, sizeof(app->ov));
	app->ov.kind = OV_HELP;
	snprintf(app->ov.title, sizeof(app->ov.title), "Keys: %s", wizard_top(app)->name);
}

void overlay_confirm(struct app *app, const char *title, const char *text,
		     void (*yes)(struct app *app, const char *text))
{
	memset(&app->ov, 0, sizeof(app->ov));
	app->ov.kind = OV_CONFIRM;
	snprintf(app->ov.title, sizeof(app->ov.title), "%s", title);
	snprintf(app->ov.text, sizeof(app->ov.text), "%s", text);
	app->ov.yes = yes;
}

void overlay_prompt(struct app *app, const char *title, const char *text, const char *initial, int masked,
		    int (*validate)(const char *text, struct err *e), void (*ok)(struct app *app, const char *text))
{
	memset(&app->ov, 0, sizeof(app->ov));
	app->ov.kind = OV_PROMPT;
	snprintf(app->ov.title, sizeof(app->ov.title), "%s", title);
	snprintf(app->ov.text, sizeof(app->ov.text), "%s", text);
	edit_set(&app->ov.edit, initial ? initial : "");
	app->ov.edit.masked = masked;
	app->ov.validate = validate;
	app->ov.yes = ok;
	if (validate && initial && *initial) {
		struct err e;
		if (validate(initial, &e))
			snprintf(app->ov.msg, sizeof(app->ov.msg), "%s", e.msg);
	}
}

static void text_body(struct app *app, const char *body);

void overlay_text(struct app *app, const char *title, const char *body)
{
	memset(&app->ov, 0, sizeof(app->ov));
	app->ov.kind = OV_TEXT;
	snprintf(app->ov.title, sizeof(app->ov.title), "%s", title);
	text_body(app, body);
}

void overlay_text_update(struct app *app, const char *body)
{
	if (app->ov.kind != OV_TEXT)
		return;
	/* at the end (or not scrolled): stays at the end as text arrives */
	if (app->ov.scroll + app->ov.page >= app->ov.lines)
		app->ov.scroll = 1 << 20;
	text_body(app, body);
}

static void text_body(struct app *app, const char *body)
{
	/* when the text is longer than the viewer holds, its end is kept
	 * (logs, output) */
	struct strbuf sb = STRBUF_INIT;
	ui_collapse(body, &sb);
	const char *text = sb.buf;
	size_t room = sizeof(app->ov.body) - 64;
	if (sb.len > room) {
		text = sb.buf + sb.len - room;
		const char *nl = strchr(text, '\n');
		text = nl ? nl + 1 : text;
		snprintf(app->ov.body, sizeof(app->ov.body), "(earlier lines left out)\n%s", text);
	} else {
		snprintf(app->ov.body, sizeof(app->ov.body), "%s", text);
	}
	strbuf_release(&sb);
}

static void close_overlay(struct app *app)
{
	app->ov.kind = OV_NONE;
	curs_set(0);
}

/* The help text as lines (generated from the tables in effect). */
static void help_lines(struct app *app, int w, struct strvec *out)
{
	const struct screen_ops *s = wizard_top(app);
	ui_wrap(s->help, w, out);
	struct {
		const char *title;
		const struct keybind *t;
	} sec[] = {
		{ "This screen", s->keys },
		{ "Lists", s->list_nav ? keys_list : NULL },
		{ "Everywhere", keys_global },
	};
	for (size_t i = 0; i < sizeof(sec) / sizeof(sec[0]); i++) {
		if (!sec[i].t || sec[i].t->act == ACT_NONE)
			continue;
		strvec_push(out, "");
		strvec_pushf(out, "\x01%s", sec[i].title);
		struct keyline lines[32];
		size_t n = keys_lines(sec[i].t, app->utf8, lines, 32);
		for (size_t j = 0; j < n; j++)
			strvec_pushf(out, "\x02%s\t%s", lines[j].keys, lines[j].help);
	}
}

static void draw_box(const struct rect *r, const char *title)
{
	ui_clear_rect(r);
	ui_corner(r->y, r->x, 0, TR_BORDER);
	ui_corner(r->y, r->x + r->w - 1, 1, TR_BORDER);
	ui_corner(r->y + r->h - 1, r->x, 2, TR_BORDER);
	ui_corner(r->y + r->h - 1, r->x + r->w - 1, 3, TR_BORDER);
	ui_hline(r->y, r->x + 1, r->w - 2, TR_BORDER);
	ui_hline(r->y + r->h - 1, r->x + 1, r->w - 2, TR_BORDER);
	ui_vline(r->y + 1, r->x, r->h - 2, TR_BORDER);
	ui_vline(r->y + 1, r->x + r->w - 1, r->h - 2, TR_BORDER);
	if (title) {
		ui_text(r->y, r->x + 2, r->w - 4, TR_BORDER, 0, 0, " ");
		int n = ui_text(r->y, r->x + 3, r->w - 6, TR_TITLE, 0, UI_ELLIPSIS, title);
		ui_text(r->y, r->x + 3 + n, 1, TR_BORDER, 0, 0, " ");
	}
}

static struct rect centred(const struct app *app, int h, int w)
{
	const struct rect *b = &app->lay.body;
	if (w > b->w - 2)
		w = b->w - 2;
	if (h > b->h)
		h = b->h;
	return (struct rect){ b->y + (b->h - h) / 2, b->x + (b->w - w) / 2, h, w };
}

/* Overlays as wide as the terminal allows (a margin of 2 each side). */
static int overlay_width(const struct app *app)
{
	return app->lay.cols - 4 < 20 ? 20 : app->lay.cols - 4;
}

static void draw_help(struct app *app)
{
	int w = overlay_width(app);
	struct strvec lines = STRVEC_INIT;
	help_lines(app, w - 4, &lines);
	int h = (int)lines.n + 4;
	struct rect r = centred(app, h, w);
	int inner = r.h - 4;
	int max_scroll = (int)lines.n - inner;
	if (app->ov.scroll > max_scroll)
		app->ov.scroll = max_scroll < 0 ? 0 : max_scroll;
	draw_box(&r, app->ov.title);
	for (int i = 0; i < inner && app->ov.scroll + i < (int)lines.n; i++) {
		const char *l = lines.v[app->ov.scroll + i];
		if (l[0] == '\x01') {
			ui_text(r.y + 1 + i, r.x + 2, r.w - 4, TR_ACCENT, A_BOLD, UI_ELLIPSIS, l + 1);
		} else if (l[0] == '\x02') {
			size_t k = strcspn(l + 1, "\t");
			ui_textn(r.y + 1 + i, r.x + 2, 14, TR_KEY, 0, 0, l + 1, k);
			ui_text(r.y + 1 + i, r.x + 17, r.w - 19, TR_TEXT, 0, UI_ELLIPSIS, l + 1 + k + (l[1 + k] ? 1 : 0));
		} else {
			ui_text(r.y + 1 + i, r.x + 2, r.w - 4, TR_TEXT, 0, UI_ELLIPSIS, l);
		}
	}
	ui_text(r.y + r.h - 2, r.x + 2, r.w - 4, TR_DIM, 0, UI_ELLIPSIS,
		max_scroll > 0 ? "↑/↓ scroll · any other key closes" : "any key closes");
	strvec_release(&lines);
}

static void draw_text(struct app *app)
{
	int w = overlay_width(app);
	struct strvec lines = STRVEC_INIT;
	ui_text_lines(app->ov.body, w - 4, &lines);
	struct rect r = centred(app, (int)lines.n + 4, w);
	int inner = r.h - 4;
	int max_scroll = (int)lines.n - inner;
	app->ov.lines = (int)lines.n;
	if (app->ov.find_pending) {
		/* the next line holding FIND below the top one, round to the start */
		app->ov.find_pending = 0;
		app->ov.find_failed = 1;
		for (int k = 1; app->ov.find[0] && k <= (int)lines.n; k++) {
			int i = (app->ov.scroll + k) % (int)lines.n;
			if (ui_has_text(lines.v[i], app->ov.find)) {
				app->ov.scroll = i;
				app->ov.find_failed = 0;
				break;
			}
		}
	}
	if (app->ov.scroll > max_scroll)
		app->ov.scroll = max_scroll < 0 ? 0 : max_scroll;
	if (app->ov.scroll < 0)
		app->ov.scroll = 0;
	draw_box(&r, app->ov.title);
	for (int i = 0; i < inner && app->ov.scroll + i < (int)lines.n; i++)
		ui_text(r.y + 1 + i, r.x + 2, r.w - 4, TR_TEXT, 0, UI_ELLIPSIS, lines.v[app->ov.scroll + i]);
	char foot[96];
	if (app->ov.searching) {
		int fx = r.x + 2 + ui_text(r.y + r.h - 2, r.x + 2, 10, TR_KEY, 0, 0, "find / ");
		curs_set(1);
		edit_draw(&app->ov.edit, r.y + r.h - 2, fx, r.w - 4 - (fx - r.x - 2), TR_SELECTION);
		app->ov.page = inner > 0 ? inner : 1;
		strvec_release(&lines);
		return;
	}
	if (app->ov.find[0] && app->ov.find_failed)
		snprintf(foot, sizeof(foot), "no \"%.40s\" below · / finds · Esc closes", app->ov.find);
	else if (max_scroll > 0)
		snprintf(foot, sizeof(foot), "lines %d-%d of %zu · ↑/↓ PgUp/PgDn g/G scroll · / find%s · Esc closes",
			 app->ov.scroll + 1, app->ov.scroll + inner, lines.n, app->ov.find[0] ? ", n next" : "");
	else
		snprintf(foot, sizeof(foot), "/ find · Esc closes");
	ui_text(r.y + r.h - 2, r.x + 2, r.w - 4, app->ov.find_failed ? TR_WARN : TR_DIM, 0, UI_ELLIPSIS, foot);
	app->ov.page = inner > 0 ? inner : 1;
	strvec_release(&lines);
}

static void draw_confirm(struct app *app)
{
	int w = 64;
	struct strvec lines = STRVEC_INIT;
	struct rect r = centred(app, 6, w);
	ui_wrap(app->ov.text, r.w - 4, &lines);
	r = centred(app, (int)lines.n + 4, w);
	draw_box(&r, app->ov.title);
	for (size_t i = 0; i < lines.n && (int)i < r.h - 3; i++)
		ui_text(r.y + 1 + (int)i, r.x + 2, r.w - 4, TR_TEXT, 0, UI_ELLIPSIS, lines.v[i]);
	int y = r.y + r.h - 2, x = r.x + 2, x0 = x;
	x += ui_text(y, x, 4, TR_KEY, 0, 0, "y");
	x += ui_text(y, x, 8, TR_TEXT, 0, 0, " yes");
	ui_hit(app, y, x0, x - x0, ACT_OPEN, 1);
	x += 4;
	x0 = x;
	x += ui_text(y, x, 4, TR_KEY, 0, 0, "n");
	x += ui_text(y, x, 8, TR_TEXT, 0, 0, " no");
	ui_hit(app, y, x0, x - x0, ACT_BACK, 0);
	strvec_release(&lines);
}

static void draw_prompt(struct app *app)
{
	struct rect r = centred(app, 8, 64);
	draw_box(&r, app->ov.title);
	ui_text(r.y + 1, r.x + 2, r.w - 4, TR_TEXT, 0, UI_ELLIPSIS, app->ov.text);
	ui_text(r.y + 3, r.x + 2, r.w - 4, app->ov.msg[0] ? TR_FAIL : TR_DIM, 0, UI_ELLIPSIS | UI_FILL,
		app->ov.msg[0] ? app->ov.msg : "Enter to confirm, Esc to cancel");
	ui_text(r.y + 5, r.x + 2, r.w - 4, TR_DIM, 0, UI_ELLIPSIS, "Enter ok · Esc cancel");
	curs_set(1);
	edit_draw(&app->ov.edit, r.y + 2, r.x + 2, r.w - 4, TR_SELECTION);
}

void overlay_draw(struct app *app)
{
	switch (app->ov.kind) {
	case OV_HELP: draw_help(app); break;
	case OV_CONFIRM: draw_confirm(app); break;
	case OV_PROMPT: draw_prompt(app); break;
	case OV_TEXT: draw_text(app); break;
	case OV_NONE: break;
	}
}

unsigned overlay_key(struct app *app, int key)
{
	struct overlay *ov = &app->ov;
	switch (ov->kind) {
	case OV_NONE:
		return 0;
	case OV_HELP:
		if (key == KEY_FN(KEY_UP) || key == 'k')
			ov->scroll = ov->scroll > 0 ? ov->scroll - 1 : 0;
		else if (key == KEY_FN(KEY_DOWN) || key == 'j')
			ov->scroll++;
		else if (key != KEY_FN(KEY_RESIZE))
			close_overlay(app);
		return R_HANDLED | R_DRAW;
	case OV_TEXT: {
		int page = ov->page > 0 ? ov->page : 10;
		if (ov->searching) {
			if (key == KEY_ESC) {
				ov->searching = 0;
				curs_set(0);
			} else if (key == '\n' || key == '\r' || key == KEY_FN(KEY_ENTER)) {
				ov->searching = 0;
				curs_set(0);
				snprintf(ov->find, sizeof(ov->find), "%s", ov->edit.buf);
				ov->find_pending = ov->find[0] != '\0';
				ov->find_failed = 0;
			} else {
				edit_key(&ov->edit, key);
			}
			return R_HANDLED | R_DRAW;
		}
		if (key == '/') {
			ov->searching = 1;
			edit_set(&ov->edit, ov->find);
		} else if (key == 'n' && ov->find[0]) {
			ov->find_pending = 1;
		} else if (key == KEY_FN(KEY_UP) || key == 'k')
			ov->scroll--;
		else if (key == KEY_FN(KEY_DOWN) || key == 'j')
			ov->scroll++;
		else if (key == KEY_FN(KEY_PPAGE))
			ov->scroll -= page;
		else if (key == KEY_FN(KEY_NPAGE) || key == ' ')
			ov->scroll += page;
		else if (key == 'g' || key == KEY_FN(KEY_HOME))
			ov->scroll = 0;
		else if (key == 'G' || key == KEY_FN(KEY_END))
			ov->scroll = 1 << 20;
		else if (key == KEY_ESC || key == 'q' || key == '\n' || key == '\r' || key == KEY_FN(KEY_ENTER))
			close_overlay(app);
		return R_HANDLED | R_DRAW;
	}
	case OV_CONFIRM:
		if (key == 'y' || key == 'Y') {
			void (*yes)(struct app *, const char *) = ov->yes;
			close_overlay(app);
			if (yes)
				yes(app, NULL);
		} else if (key == 'n' || key == 'N' || key == KEY_ESC || key == 'q' || key == 'b') {
			close_overlay(app);
			wizard_status(app, TR_DIM, "cancelled");
		}
		return R_HANDLED | R_DRAW;
	case OV_PROMPT:
		if (key == KEY_ESC) {
			close_overlay(app);
			wizard_status(app, TR_DIM, "cancelled");
			return R_HANDLED | R_DRAW;
		}
		if (key == '\n' || key == '\r' || key == KEY_FN(KEY_ENTER)) {
			struct err e;
			if (ov->validate && ov->validate(ov->edit.buf, &e)) {
				snprintf(ov->msg, sizeof(ov->msg), "%s", e.msg);
				return R_HANDLED | R_DRAW;
			}
			char text[sizeof(ov->edit.buf)];
			snprintf(text, sizeof(text), "%s", ov->edit.buf);
			void (*ok)(struct app *, const char *) = ov->yes;
			close_overlay(app);
			if (ok)
				ok(app, text);
			memset(text, 0, sizeof(text));
			return R_HANDLED | R_DRAW;
		}
		unsigned r = edit_key(&ov->edit, key);
		if (r & R_DRAW) {
			struct err e;
			ov->msg[0] = '\0';
			if (ov->validate && ov->edit.len && ov->validate(ov->edit.buf, &e))
				snprintf(ov->msg, sizeof(ov->msg), "%s", e.msg);
		}
		return R_HANDLED | R_DRAW;
	}
	return 0;
}

/* ---- chrome -------------------------------------------------------------------- */

void chrome_draw(struct app *app)
{
	const struct layout *l = &app->lay;
	/* header: product, breadcrumb */
	ui_fill(0, 0, l->cols, TR_TEXT);
	int x = 1;
	x += ui_text(0, x, l->cols - x, TR_TITLE, 0, 0, "ws-launch");
	for (int i = 0; i < app->depth && x < l->cols - 4; i++) {
		x += ui_text(0, x, l->cols - x, TR_BORDER, 0, 0, i == 0 ? "  " : " › ");
		x += ui_text(0, x, l->cols - x, i == app->depth - 1 ? TR_ACCENT : TR_DIM,
			     i == app->depth - 1 ? A_BOLD : 0, UI_ELLIPSIS, app->stack[i]->name);
	}
	char right[96];
	snprintf(right, sizeof(right), "theme %s", app->theme.name);
	int rw = ui_width(right);
	if (x + rw + 3 < l->cols)
		ui_text(0, l->cols - rw - 1, rw, TR_DIM, 0, 0, right);

	/* status */
	ui_fill(l->status.y, 0, l->cols, TR_TEXT);
	if (app->filtering || app->filter.len) {
		/* the list filter: typed here, or kept and shown */
		int fx = 1 + ui_text(l->status.y, 1, 10, TR_KEY, 0, 0, "filter /");
		if (app->filtering)
			edit_draw(&app->filter, l->status.y, fx + 1, l->cols - fx - 3, TR_TEXT);
		else
			ui_text(l->status.y, fx + 1, l->cols - fx - 3, TR_ACCENT, 0, UI_ELLIPSIS, app->filter.buf);
	} else if (app->status[0]) {
		ui_text(l->status.y, 1, l->cols - 2, app->status_role, 0, UI_ELLIPSIS, app->status);
	}

	/* key bar: the screen's KB_BAR rows on the left, the global ones on
	 * the limit (they win when space runs out) */
	int y = l->keys.y;
	ui_fill(y, 0, l->cols, TR_TEXT);
	int limit = l->cols - 1;
	for (int pass = 0; pass < 2; pass++) {
		const struct screen_ops *top = wizard_top(app);
		const struct keybind *t = !pass ? keys_global
				       : app->filtering ? keys_filtering
				       : top->bar_keys && top->bar_keys(app) ? top->bar_keys(app)
				       : top->keys;
		int gx = 1;
		if (!pass) {
			int need = 0;
			for (const struct keybind *k = t; k->act != ACT_NONE; k++)
				if ((k->flags & KB_BAR) && !(k->act == ACT_BACK && app->depth == 1)) {
					char name[16];
					keys_name(k->key, app->utf8, name, sizeof(name));
					need += ui_width(name) + 1 + ui_width(k->label) + 2;
				}
			gx = l->cols - need;
			limit = gx - 1;
		}
		x = gx;
		for (const struct keybind *k = t; k && k->act != ACT_NONE; k++) {
			if (!(k->flags & KB_BAR) || (k->act == ACT_BACK && app->depth == 1))
				continue;
			if (pass && !app->filtering && wizard_top(app)->key_shown && !wizard_top(app)->key_shown(app, k->act))
				continue;
			char name[16];
			keys_name(k->key, app->utf8, name, sizeof(name));
			int need = ui_width(name) + 1 + ui_width(k->label);
			if (x + need > (pass ? limit : l->cols))
				break;
			int x0 = x;
			x += ui_text(y, x, l->cols - x, TR_KEY, 0, 0, name);
			x += ui_text(y, x, 1, TR_TEXT, 0, 0, " ");
			x += ui_text(y, x, l->cols - x, TR_DIM, 0, 0, k->label);
			ui_hit(app, y, x0, x - x0, k->act, -1);
			x += 2;
		}
	}
}

void chrome_too_small(struct app *app)
{
	erase();
	const char *lines[] = { "terminal too small", "(need 60×16),", "resize or press q" };
	if (app->ov.kind == OV_CONFIRM) {
		/* the question asked by q, short enough for any size */
		lines[2] = "launch running: y quits (rolls back), n stays";
	} else if (app->quit_after_run) {
		lines[2] = "rolling back, then quitting";
	}
	char size[32];
	snprintf(size, sizeof(size), "now %d×%d", app->lay.cols, app->lay.rows);
	int y = LINES / 2 - 2;
	if (y < 0)
		y = 0;
	for (int i = 0; i < 3; i++) {
		const char *s = lines[i];
		char ascii[32];
		if (!app->utf8 && i == 1) {
			snprintf(ascii, sizeof(ascii), "(need 60x16),");
			s = ascii;
		}
		int w = ui_width(s);
		ui_text(y + i, w < COLS ? (COLS - w) / 2 : 0, COLS, i == 0 ? TR_WARN : TR_TEXT, 0, 0, s);
	}
	if (!app->utf8)
		snprintf(size, sizeof(size), "now %dx%d", app->lay.cols, app->lay.rows);
	int w = ui_width(size);
	ui_text(y + 3, w < COLS ? (COLS - w) / 2 : 0, COLS, TR_DIM, 0, 0, size);
}
