/* screen_home.c - Home: new launch, check this host, the launches running
 * on the endpoint (open, logs, shell, stop/start, upgrade, down; refreshed
 * every few seconds without blocking input), saved profiles (relaunch,
 * edit, print, delete). */
#include "checks/checks.h"
#include "home_launches.h"
#include "launch/launches.h"
#include "launch/modes.h"
#include "launch/profile.h"
#include "render/render.h"
#include "cli.h"
#include "base/strbuf.h"
#include "base/strvec.h"
#include "ui_draw.h"
#include "ui_overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIXED_ITEMS 2

static struct {
	struct profile_entry *list;
	long n;             /* shown (matching the filter) */
	long total;         /* saved */
	char list_error[ERR_MAX];
	int sel;
	int top;            /* first profile row shown */
	struct strbuf preview;
	int preview_for;
} hs = { .preview = STRBUF_INIT, .preview_for = -1 };


static int nlaunches(void)
{
	return (int)home_launches()->n;
}

static int nitems(void)
{
	return FIXED_ITEMS + nlaunches() + (int)(hs.n > 0 ? hs.n : 0);
}

/* The running launch selected, NULL when the selection is elsewhere. */
static const struct launch_seen *selected_launch(void)
{
	int i = hs.sel - FIXED_ITEMS;
	return i >= 0 && i < nlaunches() ? &home_launches()->v[i] : NULL;
}

static void reload(struct app *app)
{
	profile_list_free(hs.list, hs.n);
	hs.list = NULL;
	hs.n = 0;
	hs.list_error[0] = '\0';
	struct err e;
	long n = profile_list(app->cli->config, &hs.list, &e);
	if (n < 0) {
		snprintf(hs.list_error, sizeof(hs.list_error), "%s", e.msg);
		hs.list = NULL;
		n = 0;
	}
	/* the list filter (/) keeps the profiles whose name, mode or image
	 * matches; the rest are released here */
	hs.total = n;
	long kept = 0;
	for (long i = 0; i < n; i++) {
		struct profile_entry *p = &hs.list[i];
		if (wizard_filter_match(app, p->name) || wizard_filter_match(app, p->mode) ||
		    wizard_filter_match(app, p->image)) {
			hs.list[kept++] = *p;
		} else {
			free(p->name);
			free(p->mode);
			free(p->image);
			free(p->error);
		}
	}
	hs.n = kept;
	if (hs.sel >= nitems())
		hs.sel = nitems() - 1;
	hs.preview_for = -1;
}

static void home_filtered(struct app *app)
{
	reload(app);
	if (app->filter.len && hs.n)
		hs.sel = FIXED_ITEMS + nlaunches(); /* the first match */
}

/* Every loop turn while on top: the launches looked up again. */
static unsigned home_poll(struct app *app)
{
	if (wizard_top(app) != &screen_home)
		return 0;
	int delta = 0, on_profile = hs.sel >= FIXED_ITEMS + nlaunches();
	if (!home_launches_poll(app, &delta))
		return 0;
	/* keep the selection on the same item when the count moves */
	if (on_profile)
		hs.sel += delta;
	if (hs.sel >= nitems())
		hs.sel = nitems() - 1;
	if (hs.sel < 0)
		hs.sel = 0;
	return R_DRAW;
}

static void home_enter(struct app *app, int back)
{
	(void)back;
	app->host_check = 0;
	checker_free(app->checker);
	app->checker = NULL;
	facts_detect_local(&app->facts, NULL);
	reload(app);
	home_launches_refresh(); /* look now */
}

static void home_leave(struct app *app)
{
	(void)app;
	home_launches_release();
	profile_list_free(hs.list, hs.n);
	hs.list = NULL;
	hs.n = 0;
	strbuf_release(&hs.preview);
	hs.preview_for = -1;
}

static const struct profile_entry *selected_profile(void)
{
	int i = hs.sel - FIXED_ITEMS - nlaunches();
	return i >= 0 && i < hs.n ? &hs.list[i] : NULL;
}

static void update_preview(struct app *app)
{
	if (hs.preview_for == hs.sel)
		return;
	hs.preview_for = hs.sel;
	strbuf_clear(&hs.preview);
	const struct profile_entry *p = selected_profile();
	if (!p)
		return;
	if (p->error) {
		strbuf_addstr(&hs.preview, p->error);
		return;
	}
	struct spec s;
	struct err e;
	spec_init(&s);
	if (profile_load(app->cli->config, p->name, &s, &e) || profile_format(&s, &hs.preview, &e)) {
		strbuf_clear(&hs.preview);
		strbuf_addstr(&hs.preview, e.msg);
	}
	spec_release(&s);
}

static void draw_item(struct app *app, int y, int x, int w, int idx, const char *title, const char *desc)
{
	int sel = idx == hs.sel;
	enum theme_role r = sel ? TR_SELECTION : TR_TEXT;
	ui_fill(y, x, w, r);
	ui_text(y, x + 1, 2, sel ? TR_SELECTION : TR_DIM, 0, 0, sel ? ui_glyph(app, G_SELECT) : " ");
	int n = ui_text(y, x + 3, 18, r, A_BOLD, 0, title);
	(void)n;
	ui_text(y, x + 22, w - 23, sel ? TR_SELECTION : TR_DIM, 0, UI_ELLIPSIS, desc);
	ui_hit_row(app, y, x, w, idx);
}

static void home_draw(struct app *app)
{
	struct rect b = app->lay.body;
	int x = b.x + 1, w = b.w - 2;
	int y = b.y + 1;
	ui_text(y, x + 1, w - 1, TR_TITLE, 0, UI_ELLIPSIS, "Launch Kloud Workspace with working Docker inside");
	y++;
	if (app->facts.tcp_host)
		ui_textf(y, x + 1, w - 1, TR_DIM, 0, UI_ELLIPSIS, "Docker endpoint: tcp://%s:%d",
			 app->facts.tcp_host, app->facts.tcp_port);
	else if (app->facts.socket_path)
		ui_textf(y, x + 1, w - 1, TR_DIM, 0, UI_ELLIPSIS, "Docker endpoint: unix://%s",
			 app->facts.socket_path);
	else
		ui_text(y, x + 1, w - 1, TR_DIM, 0, UI_ELLIPSIS, "Docker endpoint: none found on this host");
	y += 2;
	draw_item(app, y++, x, w, 0, "New launch", "choose a mode; the host is checked for every one");
	draw_item(app, y++, x, w, 1, "Check this host", "every check, finding and remedy; which modes are ready");
	y++;
	const char *lerr = home_launches_error();
	if (lerr) {
		/* no launches listed, and why: not an empty endpoint */
		ui_rule(y++, x, w, "Launches on this endpoint");
		ui_text(y++, x + 2, w - 2, TR_WARN, 0, UI_ELLIPSIS, lerr);
		y++;
	} else if (nlaunches()) {
		char lt[64];
		snprintf(lt, sizeof(lt), "Launches on this endpoint (%d)", nlaunches());
		ui_rule(y++, x, w, lt);
		int nw = 4;
		for (int i = 0; i < nlaunches(); i++)
			if (ui_width(home_launches()->v[i].name) > nw)
				nw = ui_width(home_launches()->v[i].name);
		if (nw > 24)
			nw = 24;
		/* at most a third of the body; the selection stays in view */
		int rows = b.h / 3 > 1 ? b.h / 3 : 1, first = 0;
		if (hs.sel - FIXED_ITEMS >= rows && hs.sel - FIXED_ITEMS < nlaunches())
			first = hs.sel - FIXED_ITEMS - rows + 1;
		for (int i = first; i < nlaunches() && i < first + rows; i++) {
			const struct launch_seen *ls = &home_launches()->v[i];
			int idx = FIXED_ITEMS + i, sel = idx == hs.sel;
			enum theme_role r = sel ? TR_SELECTION : TR_TEXT;
			ui_fill(y, x, w, r);
			ui_text(y, x + 1, 2, sel ? TR_SELECTION : TR_DIM, 0, 0, sel ? ui_glyph(app, G_SELECT) : " ");
			int cx = x + 3;
			ui_text(y, cx, nw, r, A_BOLD, UI_ELLIPSIS, ls->name);
			cx += nw + 2;
			ui_text(y, cx, 11, r, 0, 0, ls->mode ? ls->mode : "?");
			cx += 12;
			const char *st = ls->state == LS_RUNNING ? "running" : ls->state == LS_STOPPED ? "stopped" : "partial";
			ui_text(y, cx, 8, sel ? TR_SELECTION : ls->state == LS_RUNNING ? TR_PASS : TR_WARN, 0, 0, st);
			cx += 10;
			char *url = home_launch_url(ls);
			if (cx < x + w - 1)
				ui_text(y, cx, x + w - cx - 1, sel ? TR_SELECTION : TR_DIM, 0, UI_ELLIPSIS,
					url ? url
					    : !ls->has_workspace ? "(no workspace container)"
					    : !ls->running       ? "(not serving while stopped; t starts it)"
								 : "(no web port)");
			free(url);
			ui_hit_row(app, y, x, w, idx);
			y++;
		}
		y++;
	}
	char title[64];
	if (app->filter.len)
		snprintf(title, sizeof(title), "Saved profiles (%ld of %ld)", hs.n, hs.total);
	else
		snprintf(title, sizeof(title), "Saved profiles (%ld)", hs.n);
	ui_rule(y++, x, w, title);

	int bottom = b.y + b.h;          /* first row below the body */
	int preview_h = selected_profile() ? (b.h >= 20 ? 9 : 5) : 0;
	/* the preview (its rule and lines) gives way to the list: a few rows,
	 * the selected one among them, stay on screen whatever is above */
	int keep = hs.n < 3 ? (int)hs.n : 3;
	if (preview_h && bottom - y - preview_h - 1 < keep) {
		preview_h = bottom - y - 1 - keep;
		if (preview_h < 2)
			preview_h = 0;
	}
	int rows = bottom - y - preview_h - (preview_h ? 1 : 0);
	if (rows < 1)
		rows = 1;
	if (hs.list_error[0]) {
		ui_text(y++, x + 1, w - 1, TR_FAIL, 0, UI_ELLIPSIS, hs.list_error);
	} else if (hs.n == 0) {
		ui_text(y++, x + 1, w - 1, TR_DIM, 0, UI_ELLIPSIS,
			hs.total ? "No profile matches the filter (Esc on the filter clears it)."
				 : "No saved profiles yet: save one from the Review screen (s).");
	} else {
		int p = hs.sel - FIXED_ITEMS - nlaunches();
		if (p >= 0 && p < hs.top)
			hs.top = p;
		if (p >= hs.top + rows)
			hs.top = p - rows + 1;
		if (hs.top > hs.n - rows)
			hs.top = hs.n - rows > 0 ? (int)hs.n - rows : 0;
		int nw = 4;
		for (long i = 0; i < hs.n; i++)
			if (ui_width(hs.list[i].name) > nw)
				nw = ui_width(hs.list[i].name);
		if (nw > 24)
			nw = 24;
		for (int i = hs.top; i < hs.n && i < hs.top + rows; i++) {
			const struct profile_entry *pe = &hs.list[i];
			int idx = FIXED_ITEMS + nlaunches() + i, sel = idx == hs.sel;
			enum theme_role r = sel ? TR_SELECTION : TR_TEXT;
			ui_fill(y, x, w, r);
			ui_text(y, x + 1, 2, sel ? TR_SELECTION : TR_DIM, 0, 0, sel ? ui_glyph(app, G_SELECT) : " ");
			int cx = x + 3;
			ui_text(y, cx, nw, r, A_BOLD, UI_ELLIPSIS, pe->name);
			cx += nw + 2;
			ui_text(y, cx, 11, pe->error ? (sel ? TR_SELECTION : TR_FAIL) : r, 0, 0,
				pe->error ? "(broken)" : pe->mode);
			cx += 12;
			char when[32] = "-";
			struct tm tm;
			if (pe->mtime && localtime_r(&pe->mtime, &tm))
				strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
			if (cx + 18 < x + w) {
				ui_text(y, cx, 16, sel ? TR_SELECTION : TR_DIM, 0, 0, when);
				cx += 18;
			}
			if (cx < x + w - 1 && !pe->error)
				ui_text(y, cx, x + w - cx - 1, sel ? TR_SELECTION : TR_DIM, 0, UI_ELLIPSIS, pe->image);
			ui_hit_row(app, y, x, w, idx);
			y++;
		}
	}
	if (preview_h) {
		update_preview(app);
		int py = bottom - preview_h;
		const struct profile_entry *pe = selected_profile();
		char t[96];
		snprintf(t, sizeof(t), "%s.yaml", pe->name);
		ui_rule(py - 1, x, w, t);
		struct strvec lines = STRVEC_INIT;
		ui_wrap(hs.preview.buf, w - 2, &lines);
		/* YAML is short; a broken file's error wraps */
		for (int i = 0; i < preview_h && i < (int)lines.n; i++) {
			const char *l = lines.v[i];
			if (i == preview_h - 1 && (int)lines.n > preview_h)
				l = "…";
			ui_text(py + i, x + 2, w - 2, pe->error ? TR_FAIL : TR_CODE, 0, UI_ELLIPSIS, l);
		}
		strvec_release(&lines);
	}
}

static void do_delete(struct app *app, const char *unused)
{
	(void)unused;
	const struct profile_entry *p = selected_profile();
	if (!p)
		return;
	char *name = xstrdup(p->name);
	struct err e;
	if (profile_remove(app->cli->config, name, &e))
		wizard_status(app, TR_FAIL, "%s", e.msg);
	else
		wizard_status(app, TR_PASS, "deleted profile %s", name);
	free(name);
	reload(app);
}

static void open_profile(struct app *app, int edit)
{
	const struct profile_entry *p = selected_profile();
	if (!p)
		return;
	if (p->error) {
		wizard_status(app, TR_FAIL, "%s", p->error);
		return;
	}
	if (wizard_load_profile(app, p->name))
		return;
	if (edit) {
		wizard_push(app, &screen_options);
	} else {
		/* relaunch: re-detect and re-check, then review */
		wizard_push(app, &screen_checks);
	}
}

static void print_profile(struct app *app)
{
	const struct profile_entry *p = selected_profile();
	if (!p) {
		wizard_status(app, TR_WARN, "select a saved profile to print");
		return;
	}
	if (p->error) {
		wizard_status(app, TR_FAIL, "%s", p->error);
		return;
	}
	if (wizard_load_profile(app, p->name))
		return;
	struct err e;
	/* like `ws-launch print --profile`: local facts only (Home has no
	 * checker: home_enter dropped it) */
	if (wizard_build_plan(app, &e)) {
		wizard_status(app, TR_FAIL, "profile %s: %s", p->name, e.msg);
		return;
	}
	render_shell(&app->out, &app->plan);
	for (size_t i = 0; i < app->plan.warnings.n; i++)
		strbuf_addf(&app->errout, "warning: %s\n", app->plan.warnings.v[i]);
	for (size_t i = 0; i < app->plan.notes.n; i++)
		strbuf_addf(&app->errout, "note: %s\n", app->plan.notes.v[i]);
	app->quit = 1;
}

static unsigned home_action(struct app *app, enum action act)
{
	int n = nitems();
	if (keys_list_move(&hs.sel, n, 0, act))
		return R_DRAW;
	const struct launch_seen *ls = selected_launch();
	if (ls && act != ACT_NEW && act != ACT_CHECK_HOST)
		return home_launch_action(app, ls, act);
	switch (act) {
	case ACT_URL:
	case ACT_LOGS:
	case ACT_SHELL:
	case ACT_STOPSTART:
	case ACT_UPGRADE:
	case ACT_DOWN_LAUNCH:
		wizard_status(app, TR_WARN, nlaunches() ? "select a running launch first" : "no launch runs on this endpoint");
		return R_DRAW;
	case ACT_NEW:
		hs.sel = 0;
		/* fall through */
	case ACT_OPEN:
		if (hs.sel == 0) {
			spec_release(&app->spec);
			spec_init(&app->spec);
			free(app->profile);
			app->profile = NULL;
			free(app->password);
			app->password = NULL;
			wizard_push(app, &screen_mode);
		} else if (hs.sel == 1) {
			goto check;
		} else {
			open_profile(app, 0);
		}
		return R_DRAW;
	case ACT_CHECK_HOST:
		hs.sel = 1;
	check:
		spec_release(&app->spec);
		spec_init(&app->spec);
		app->host_check = 1;
		wizard_push(app, &screen_checks);
		return R_DRAW;
	case ACT_EDIT:
		if (!selected_profile())
			wizard_status(app, TR_WARN, "select a saved profile to edit");
		else
			open_profile(app, 1);
		return R_DRAW;
	case ACT_PRINT:
		print_profile(app);
		return R_DRAW;
	case ACT_DELETE: {
		const struct profile_entry *p = selected_profile();
		if (!p) {
			wizard_status(app, TR_WARN, "select a saved profile to delete");
			return R_DRAW;
		}
		char q[256];
		snprintf(q, sizeof(q), "Delete the profile %s? Its file is removed; containers it launched are not touched.",
			 p->name);
		overlay_confirm(app, "Delete profile", q, do_delete);
		return R_DRAW;
	}
	default:
		return 0;
	}
}

/* The bar offers a launch's keys on a launch, a profile's on a profile.  On
 * a launch Enter does what o does, so the bar names o only (room for d). */
static int home_key_shown(const struct app *app, enum action act)
{
	(void)app;
	switch (act) {
	case ACT_OPEN:
		return selected_launch() == NULL;
	case ACT_URL:
	case ACT_LOGS:
	case ACT_SHELL:
	case ACT_STOPSTART:
	case ACT_UPGRADE:
	case ACT_DOWN_LAUNCH:
		return selected_launch() != NULL;
	case ACT_EDIT:
	case ACT_PRINT:
	case ACT_DELETE:
		return selected_profile() != NULL;
	default:
		return 1;
	}
}

static unsigned home_click(struct app *app, int index)
{
	if (index == hs.sel)
		return home_action(app, ACT_OPEN);
	hs.sel = index;
	return R_DRAW;
}

const struct screen_ops screen_home = {
	.name = "Home",
	.help = "Start a new launch, check what this host can run, work with the launches running on the "
		"endpoint (o URL, l logs, S shell, t stop/start, u upgrade, d down; refreshed every 3 s), or "
		"with a saved profile: Enter relaunches it (re-detects and re-checks first), e edits it, p "
		"prints its commands, x deletes it.",
	.keys = keys_home,
	.list_nav = 1,
	.enter = home_enter,
	.leave = home_leave,
	.draw = home_draw,
	.action = home_action,
	.click = home_click,
	.filtered = home_filtered,
	.poll = home_poll,
	.key_shown = home_key_shown,
};
