/* screen_checks.c - Checks: every check of this configuration (or, from
 * "check this host", of every mode) with status, finding and remedy;
 * r re-runs them.  Results appear as they arrive: local checks at once,
 * remote ones when they answer or time out. */
#include "checks/checks.h"
#include "launch/modes.h"
#include "base/strvec.h"
#include "ui_draw.h"
#include "ui_overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int sel;
	int top;
	int restart;
	enum check_id ids[CK_MAX];
	int n;
} cs;


static void collect(struct app *app)
{
	cs.n = 0;
	if (!app->checker)
		return;
	for (int i = 0; i < CK__COUNT; i++) {
		const struct check *ck = checker_get(app->checker, (enum check_id)i);
		/* the list filter (/): id, title or finding */
		if (ck && (wizard_filter_match(app, ck->def->name) || wizard_filter_match(app, ck->def->title) ||
			   wizard_filter_match(app, ck->finding)))
			cs.ids[cs.n++] = (enum check_id)i;
	}
	if (cs.sel >= cs.n)
		cs.sel = cs.n ? cs.n - 1 : 0;
}

static void checks_filtered(struct app *app)
{
	cs.sel = 0;
	cs.top = 0;
	collect(app);
}

static void start(struct app *app)
{
	cs.restart = 0;
	unsigned modes = app->host_check || app->spec.mode == MODE_NONE ? MODES_ALL : MODE_BIT(app->spec.mode);
	wizard_checks_start(app, modes);
	collect(app);
}

static void checks_enter(struct app *app, int back)
{
	if (!back) {
		cs.sel = 0;
		cs.top = 0;
	}
	if (!back || cs.restart || !app->checker)
		start(app);
	collect(app);
}

static void checks_leave(struct app *app)
{
	if (app->checker && !checker_done(app->checker))
		cs.restart = 1;
	wizard_checks_cancel(app);
}

static enum theme_role status_role(enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return TR_PASS;
	case CHECK_WARN: return TR_WARN;
	case CHECK_FAIL: return TR_FAIL;
	case CHECK_SKIP: return TR_DIM;
	default: return TR_PENDING;
	}
}

static const char *status_glyph(const struct app *app, enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return ui_glyph(app, G_PASS);
	case CHECK_WARN: return ui_glyph(app, G_WARN);
	case CHECK_FAIL: return ui_glyph(app, G_FAIL);
	case CHECK_SKIP: return ui_glyph(app, G_SKIP);
	default: return ui_spinner(app);
	}
}

/* Rows a check takes at width W (finding + remedy, wrapped; the remedy
 * after an arrow AW columns wide, in the wizard's words: fields, not flags). */
static void check_lines(const struct check *c, int w, int aw, struct strvec *finding, struct strvec *remedy)
{
	ui_wrap(c->finding ? c->finding : (c->status == CHECK_PENDING ? "checking…" : ""), w, finding);
	if (c->remedy && c->status != CHECK_PENDING && c->status != CHECK_SKIP) {
		char *fix = wizard_remedy(c->remedy);
		ui_wrap(fix, w - aw, remedy);
		free(fix);
	}
}

static void draw_summary(struct app *app, const struct rect *r)
{
	int y = r->y;
	ui_rule(y++, r->x + 1, r->w - 2, "Modes on this host");
	enum mode_id rec = checker_done(app->checker) ? checker_recommend(app->checker) : MODE_NONE;
	int compact = r->h < MODE__COUNT + 1;
	int x = r->x + 2;
	for (int m = 0; m < MODE__COUNT; m++) {
		struct readiness rd;
		checker_readiness(app->checker, (enum mode_id)m, &rd);
		enum theme_role role = rd.pending ? TR_PENDING : rd.ready ? TR_PASS : TR_FAIL;
		const char *g = rd.pending ? ui_spinner(app) : rd.ready ? ui_glyph(app, G_PASS) : ui_glyph(app, G_FAIL);
		if (compact) {
			if (x + 14 < r->x + r->w) {
				x += ui_text(y, x, 2, role, 0, 0, g);
				x += ui_text(y, x + 1, 12, (enum mode_id)m == rec ? TR_KEY : TR_TEXT, 0, 0, mode_get(m)->name) + 3;
			}
		} else {
			ui_text(y, x, 2, role, 0, 0, g);
			ui_text(y, x + 2, 11, (enum mode_id)m == rec ? TR_KEY : TR_TEXT, 0, 0, mode_get(m)->name);
			const char *what = rd.pending ? "checking…" : rd.ready ? ((enum mode_id)m == rec ? "ready, recommended" : "ready")
							     : rd.missing.n ? rd.missing.v[0] : "not ready";
			ui_text(y, x + 14, r->w - 16, rd.ready || rd.pending ? TR_DIM : TR_FAIL, 0, UI_ELLIPSIS, what);
			y++;
		}
		readiness_release(&rd);
	}
}

static void checks_draw(struct app *app)
{
	struct rect body = app->lay.body, sum = { 0 };
	if (app->host_check && app->checker)
		layout_take_bottom(&body, body.h >= 20 ? MODE__COUNT + 1 : 2, &sum);
	int x = body.x + 1, w = body.w - 2;
	collect(app);
	int done = 0, fails = 0, warns = 0;
	for (int i = 0; i < cs.n; i++) {
		const struct check *c = checker_get(app->checker, cs.ids[i]);
		done += c->status != CHECK_PENDING;
		fails += c->status == CHECK_FAIL;
		warns += c->status == CHECK_WARN;
	}
	char title[128];
	if (app->host_check || app->spec.mode == MODE_NONE)
		snprintf(title, sizeof(title), "Checks of this host (every mode)");
	else
		snprintf(title, sizeof(title), "Checks for %s (%s)", mode_get(app->spec.mode)->title,
			 mode_get(app->spec.mode)->name);
	int tw = ui_text(body.y, x + 1, w - 1, TR_TITLE, 0, UI_ELLIPSIS, title);
	char sumtxt[128];
	if (done < cs.n)
		snprintf(sumtxt, sizeof(sumtxt), "%s %d of %d done", ui_spinner(app), done, cs.n);
	else
		snprintf(sumtxt, sizeof(sumtxt), "%d failed · %d warning%s", fails, warns, warns == 1 ? "" : "s");
	int sw = ui_width(sumtxt);
	int sy = tw + sw + 3 <= w ? body.y : body.y + 1; /* beside the title, else under it */
	if (sw < w)
		ui_text(sy, x + w - sw, sw, done < cs.n ? TR_PENDING : fails ? TR_FAIL : warns ? TR_WARN : TR_PASS, 0, 0,
			sumtxt);
	int nw = 15, fx = x + 3 + nw + 1, fw = w - (fx - x);
	const char *arrow = ui_glyph(app, G_ARROW);
	int aw = ui_width(arrow) + 1;
	int rows = body.h - 2;
	/* virtual rows */
	int vrow[CK_MAX + 1];
	struct strvec f = STRVEC_INIT, rm = STRVEC_INIT;
	int total = 0;
	for (int i = 0; i < cs.n; i++) {
		const struct check *c = checker_get(app->checker, cs.ids[i]);
		vrow[i] = total;
		check_lines(c, fw, aw, &f, &rm);
		total += (int)(f.n ? f.n : 1) + (int)rm.n;
		strvec_clear(&f);
		strvec_clear(&rm);
	}
	vrow[cs.n] = total;
	if (cs.n) {
		int s0 = vrow[cs.sel], s1 = vrow[cs.sel + 1];
		if (s0 < cs.top)
			cs.top = s0;
		if (s1 > cs.top + rows)
			cs.top = s1 - rows;
		if (cs.top > total - rows)
			cs.top = total - rows > 0 ? total - rows : 0;
	}
	int y0 = body.y + 2;
	for (int i = 0; i < cs.n; i++) {
		const struct check *c = checker_get(app->checker, cs.ids[i]);
		int r = vrow[i] - cs.top;
		check_lines(c, fw, aw, &f, &rm);
		int sel = i == cs.sel;
		for (size_t j = 0; j < (f.n ? f.n : 1) + rm.n; j++, r++) {
			if (r < 0 || r >= rows)
				continue;
			int y = y0 + r;
			if (sel)
				ui_fill(y, x, w, TR_SELECTION);
			if (j == 0) {
				ui_text(y, x + 1, 2, sel ? TR_SELECTION : status_role(c->status), 0, 0,
					status_glyph(app, c->status));
				ui_text(y, x + 3, nw, sel ? TR_SELECTION : TR_TEXT, A_BOLD, UI_ELLIPSIS, c->def->name);
				ui_hit_row(app, y, x, w, i);
			}
			if (j < f.n) {
				ui_text(y, fx, fw, sel ? TR_SELECTION : c->status == CHECK_FAIL ? TR_FAIL : TR_TEXT, 0,
					UI_ELLIPSIS, f.v[j]);
			} else if (j - f.n < rm.n) {
				size_t k = j - f.n;
				if (k == 0)
					ui_text(y, fx, aw, sel ? TR_SELECTION : TR_ACCENT, 0, 0, arrow);
				ui_text(y, fx + aw, fw - aw, sel ? TR_SELECTION : TR_ACCENT, 0, UI_ELLIPSIS, rm.v[k]);
			}
		}
		strvec_clear(&f);
		strvec_clear(&rm);
	}
	strvec_release(&f);
	strvec_release(&rm);
	if (total > rows && sy == body.y)
		ui_textf(body.y + 1, x + w - 8, 8, TR_DIM, 0, 0, "%3d%% %s", (cs.top + rows) * 100 / (total ? total : 1),
			 cs.top + rows < total ? "↓" : " ");
	if (sum.h)
		draw_summary(app, &sum);
}

static void proceed(struct app *app, const char *unused)
{
	(void)unused;
	if (app->host_check) {
		app->host_check = 0;
		app->spec.mode = MODE_NONE;
		/* came from Mode ("c"): back to it rather than a second Mode */
		if (app->depth >= 2 && app->stack[app->depth - 2] == &screen_mode)
			wizard_pop(app);
		else
			wizard_push(app, &screen_mode);
	} else {
		wizard_push(app, &screen_review);
	}
}

static unsigned checks_action(struct app *app, enum action act)
{
	if (keys_list_move(&cs.sel, cs.n, 5, act))
		return R_DRAW;
	switch (act) {
	case ACT_RECHECK:
		start(app);
		wizard_status(app, TR_DIM, "checking again…");
		return R_DRAW;
	case ACT_OPEN:
	case ACT_CONTINUE: {
		if (app->host_check || !app->checker) {
			proceed(app, NULL);
			return R_DRAW;
		}
		struct readiness rd;
		checker_readiness(app->checker, app->spec.mode, &rd);
		if (rd.pending)
			overlay_confirm(app, "Checks still running",
					"Some checks have not answered yet. Review the commands with what is known so far?",
					proceed);
		else if (!rd.ready) {
			char q[256];
			snprintf(q, sizeof(q), "%zu check%s failed: a launch will probably fail. Review the commands anyway?",
				 rd.missing.n, rd.missing.n == 1 ? "" : "s");
			overlay_confirm(app, "Not ready", q, proceed);
		} else
			proceed(app, NULL);
		readiness_release(&rd);
		return R_DRAW;
	}
	default:
		return 0;
	}
}

static unsigned checks_click(struct app *app, int index)
{
	(void)app;
	cs.sel = index;
	return R_DRAW;
}

const struct screen_ops screen_checks = {
	.name = "Checks",
	.help = "Every check for this configuration: status, what was found and, where something is wrong, "
		"what to do about it. Checks run concurrently and appear as they finish; remote ones time out "
		"after 5 seconds. Continue reviews the commands (after a host check: choose a mode).",
	.keys = keys_checks,
	.list_nav = 1,
	.enter = checks_enter,
	.leave = checks_leave,
	.draw = checks_draw,
	.action = checks_action,
	.click = checks_click,
	.filtered = checks_filtered,
};
