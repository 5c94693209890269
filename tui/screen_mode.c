/* screen_mode.c - Mode: every mode with live readiness badges; the
 * recommended one is preselected when the checks settle (unless the user
 * moved first); the right pane says what the mode does, its trade-offs and
 * what this host is missing for it. */
#include "checks/checks.h"
#include "launch/modes.h"
#include "base/strvec.h"
#include "ui_draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int sel;
	int user_moved;
	int restart;        /* checks were cancelled before they finished */
	enum mode_id recommended;
} ms = { .recommended = MODE_NONE };


static void start(struct app *app)
{
	ms.recommended = MODE_NONE;
	ms.restart = 0;
	wizard_checks_start(app, MODES_ALL);
}

static void mode_enter(struct app *app, int back)
{
	if (!back) {
		ms.user_moved = 0;
		ms.sel = app->spec.mode != MODE_NONE ? (int)app->spec.mode : 0;
		if (app->spec.mode != MODE_NONE)
			ms.user_moved = 1;
	}
	if (!back || ms.restart || !app->checker || app->checker_modes != MODES_ALL)
		start(app);
}

static void mode_leave(struct app *app)
{
	if (app->checker && !checker_done(app->checker))
		ms.restart = 1;
	wizard_checks_cancel(app);
}

static unsigned mode_poll(struct app *app)
{
	if (wizard_top(app) != &screen_mode || !app->checker || app->checker_modes != MODES_ALL)
		return 0;
	if (!checker_done(app->checker) || ms.recommended != MODE_NONE)
		return 0;
	ms.recommended = checker_recommend(app->checker);
	if (ms.recommended != MODE_NONE && !ms.user_moved)
		ms.sel = (int)ms.recommended;
	if (ms.recommended != MODE_NONE)
		wizard_status(app, TR_PASS, "Recommended: %s, the most isolated mode this host can run. Enter chooses it.",
			      mode_get(ms.recommended)->name);
	else
		wizard_status(app, TR_WARN, "No mode is ready on this host: each mode's missing pieces are on the right.");
	return R_DRAW;
}

static void badge(struct app *app, int y, int x, int w, enum mode_id m, int sel)
{
	if (!app->checker)
		return;
	struct readiness r;
	checker_readiness(app->checker, m, &r);
	enum theme_role base = sel ? TR_SELECTION : TR_TEXT;
	if (r.pending) {
		x += ui_text(y, x, w, sel ? base : TR_PENDING, 0, 0, ui_spinner(app));
		ui_text(y, x, w - 1, sel ? base : TR_PENDING, 0, 0, " checking");
	} else if (r.ready) {
		x += ui_text(y, x, w, sel ? base : TR_PASS, 0, 0, ui_glyph(app, G_PASS));
		x += ui_text(y, x, w - 1, sel ? base : TR_PASS, 0, 0, " ready");
		if (m == ms.recommended)
			ui_text(y, x + 1, 2, sel ? base : TR_KEY, 0, 0, ui_glyph(app, G_STAR));
	} else {
		x += ui_text(y, x, w, sel ? base : TR_FAIL, 0, 0, ui_glyph(app, G_FAIL));
		ui_text(y, x, w - 1, sel ? base : TR_FAIL, 0, 0, " not ready");
	}
	readiness_release(&r);
}

static void draw_detail(struct app *app, const struct rect *r)
{
	const struct mode *m = mode_get(ms.sel);
	int y = r->y + 1, x = r->x + 1, w = r->w - 2, end = r->y + r->h;
	struct strvec lines = STRVEC_INIT;
	ui_textf(y++, x, w, TR_TITLE, 0, UI_ELLIPSIS, "%s (%s)", m->title, m->name);
	ui_wrap(m->summary, w, &lines);
	for (size_t i = 0; i < lines.n && y < end; i++)
		ui_text(y++, x, w, TR_ACCENT, 0, UI_ELLIPSIS, lines.v[i]);
	strvec_clear(&lines);
	y++;
	ui_wrap(m->details, w, &lines);
	int room = end - y - (TO__COUNT + 2) - 3;
	for (size_t i = 0; i < lines.n && (int)i < (room < 2 ? 2 : room) && y < end; i++)
		ui_text(y++, x, w, TR_TEXT, 0, UI_ELLIPSIS, lines.v[i]);
	strvec_release(&lines);
	if (y + 1 < end) {
		y++;
		ui_rule(y++, x, w, "Trade-offs");
	}
	/* two columns when there is room, else "title: value" (the titles
	 * lose their "workspace " / "containers ") */
	int narrow = w < 50;
	for (int t = 0; t < TO__COUNT && y < end; t++, y++) {
		const char *tt = tradeoff_titles[t];
		enum theme_role vr = m->bad[t] ? TR_FAIL : TR_TEXT;
		if (!narrow) {
			ui_text(y, x + 1, 34, TR_DIM, 0, UI_ELLIPSIS, tt);
			ui_text(y, x + 35, w - 35, vr, 0, UI_ELLIPSIS, m->tradeoffs[t]);
			continue;
		}
		if (!strncmp(tt, "workspace ", 10))
			tt += 10;
		else if (!strncmp(tt, "containers ", 11))
			tt += 11;
		int used = ui_textf(y, x + 1, w - 1, TR_DIM, 0, UI_ELLIPSIS, "%s: ", tt);
		ui_text(y, x + 1 + used, w - 1 - used, vr, 0, UI_ELLIPSIS, m->tradeoffs[t]);
	}
	if (!app->checker || y + 1 >= end)
		return;
	y++;
	ui_rule(y++, x, w, "On this host");
	struct readiness rd;
	checker_readiness(app->checker, (enum mode_id)ms.sel, &rd);
	if (rd.pending && !rd.missing.n) {
		ui_textf(y++, x + 1, w - 1, TR_PENDING, 0, UI_ELLIPSIS, "%s checking…", ui_spinner(app));
	} else if (rd.ready) {
		ui_textf(y++, x + 1, w - 1, TR_PASS, 0, UI_ELLIPSIS, "%s every check of this mode passes%s",
			 ui_glyph(app, G_PASS), (enum mode_id)ms.sel == ms.recommended ? " (recommended)" : "");
	}
	for (size_t i = 0; i < rd.missing.n && y < end; i++) {
		struct strvec wl = STRVEC_INIT;
		ui_wrap(rd.missing.v[i], w - 3, &wl);
		for (size_t j = 0; j < wl.n && y < end; j++, y++) {
			if (j == 0)
				ui_text(y, x + 1, 2, TR_FAIL, 0, 0, ui_glyph(app, G_FAIL));
			ui_text(y, x + 3, w - 3, TR_FAIL, 0, UI_ELLIPSIS, wl.v[j]);
		}
		strvec_release(&wl);
		/* the fix, next to what is missing, in the wizard's words */
		if (i < rd.fixes.n && rd.fixes.v[i][0]) {
			char *fix = wizard_remedy(rd.fixes.v[i]);
			const char *arrow = ui_glyph(app, G_ARROW);
			int aw = ui_width(arrow) + 1;
			ui_wrap(fix, w - 3 - aw, &wl);
			for (size_t j = 0; j < wl.n && y < end; j++, y++) {
				if (j == 0)
					ui_text(y, x + 3, aw, TR_DIM, 0, 0, arrow);
				ui_text(y, x + 3 + aw, w - 3 - aw, TR_DIM, 0, UI_ELLIPSIS, wl.v[j]);
			}
			strvec_release(&wl);
			free(fix);
		}
	}
	readiness_release(&rd);
}

static void mode_draw(struct app *app)
{
	struct rect left, right;
	layout_split(&app->lay.body, 36, 26, 30, &left, &right);
	if (left.w > 34)
		layout_split(&app->lay.body, 0, 34, 30, &left, &right);
	int y = left.y + 1;
	ui_text(y, left.x + 2, left.w - 2, TR_TITLE, 0, UI_ELLIPSIS, "Choose a mode");
	y += 2;
	for (int m = 0; m < MODE__COUNT; m++, y++) {
		int sel = m == ms.sel;
		enum theme_role r = sel ? TR_SELECTION : TR_TEXT;
		ui_fill(y, left.x + 1, left.w - 1, r);
		ui_text(y, left.x + 1, 2, r, 0, 0, sel ? ui_glyph(app, G_SELECT) : " ");
		ui_text(y, left.x + 3, 10, r, A_BOLD, 0, mode_get(m)->name);
		badge(app, y, left.x + 14, left.w - 15, (enum mode_id)m, sel);
		ui_hit_row(app, y, left.x, left.w, m);
	}
	y++;
	if (app->checker && y + 2 < left.y + left.h) {
		int done = 0, total = 0;
		for (int i = 0; i < CK__COUNT; i++) {
			const struct check *c = checker_get(app->checker, (enum check_id)i);
			if (!c)
				continue;
			total++;
			done += c->status != CHECK_PENDING;
		}
		if (done < total)
			ui_textf(y, left.x + 2, left.w - 2, TR_PENDING, 0, UI_ELLIPSIS, "%s %d of %d checks done",
				 ui_spinner(app), done, total);
		else
			ui_textf(y, left.x + 2, left.w - 2, TR_DIM, 0, UI_ELLIPSIS, "%d checks done", total);
		y += 2;
		if (y < left.y + left.h) {
			ui_text(y, left.x + 2, 2, TR_KEY, 0, 0, ui_glyph(app, G_STAR));
			ui_text(y, left.x + 4, left.w - 4, TR_DIM, 0, UI_ELLIPSIS, "recommended");
		}
	}
	ui_vline(right.y, right.x - 1, right.h, TR_BORDER);
	draw_detail(app, &right);
}

static unsigned mode_action(struct app *app, enum action act)
{
	if (keys_list_move(&ms.sel, MODE__COUNT, 0, act)) {
		ms.user_moved = 1;
		return R_DRAW;
	}
	switch (act) {
	case ACT_OPEN:
		app->spec.mode = (enum mode_id)ms.sel;
		wizard_push(app, &screen_options);
		return R_DRAW;
	case ACT_RECHECK:
		start(app);
		wizard_status(app, TR_DIM, "checking again…");
		return R_DRAW;
	case ACT_CHECK_HOST:
		app->host_check = 1;
		wizard_push(app, &screen_checks);
		return R_DRAW;
	default:
		return 0;
	}
}

static unsigned mode_click(struct app *app, int index)
{
	if (index == ms.sel)
		return mode_action(app, ACT_OPEN);
	ms.sel = index;
	ms.user_moved = 1;
	return R_DRAW;
}

const struct screen_ops screen_mode = {
	.name = "Mode",
	.help = "The ways of giving the workspace Docker. Every mode's checks run at once; the badge "
		"says whether this host can run it. When the checks settle, the most isolated ready mode is "
		"selected (unless you moved first). The right pane explains the mode, its trade-offs and what "
		"this host is missing for it.",
	.keys = keys_mode,
	.list_nav = 1,
	.enter = mode_enter,
	.leave = mode_leave,
	.draw = mode_draw,
	.action = mode_action,
	.click = mode_click,
	.poll = mode_poll,
};
