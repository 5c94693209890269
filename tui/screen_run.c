/* screen_run.c - Run: each step with its state, the image pull as a
 * progress bar, the children's output streamed into a scrollable pane
 * (wrapped, a repeated line once with its count), then the result (URL,
 * container, `docker version` from inside); l opens the output in the text
 * viewer (the one the logs and a failure use: / find, follows the run),
 * d takes the launch down again, c (or Ctrl-C) cancels and rolls back. */
#include "cli.h"
#include "launch/modes.h"
#include "run/runner.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/strvec.h"
#include "ui_draw.h"
#include "ui_overlay.h"
#include "wizard_down.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Changed options listed on the Run screen after a refused relaunch. */
#define CHANGES_SHOWN 3

static struct {
	int viewing;      /* the viewer shows the output, refreshed as it grows */
	int following;    /* ... and its title says so (steps or a down still run) */
	size_t shown;     /* log lines in the viewer */
	int follow;
	int top;          /* first log line shown when not following */
	int view;
	int total;
	int down_reported;
	int done_reported;
} us;


static int running(const struct app *app)
{
	return app->runner && !runner_done(app->runner);
}

static void start_run(struct app *app, int recreate)
{
	us.viewing = 0;
	us.follow = 1;
	us.top = 0;
	us.down_reported = 0;
	us.done_reported = 0;
	down_stop();
	runner_free(app->runner);
	app->runner = NULL;
	app->runner_gen = 0;
	struct err e;
	const char *docker = getenv("WS_LAUNCH_DOCKER");
	struct runner_config cfg = { .plan = &app->plan, .docker = docker && *docker ? docker : NULL,
				     .recreate = recreate, .keep_on_verify = 1 };
	app->runner = runner_new(app->net, &cfg, &e);
	if (!app->runner) {
		wizard_status(app, TR_FAIL, "cannot run: %s", e.msg);
		return;
	}
	runner_start(app->runner);
	wizard_status(app, TR_PENDING, "%s %s…", recreate ? "replacing" : "launching",
		      app->plan.label ? app->plan.label : "the workspace");
}

static void run_enter(struct app *app, int back)
{
	if (back)
		return;
	start_run(app, 0);
}

static void run_leave(struct app *app)
{
	if (running(app)) {
		/* only on the way out (Back is refused while running): the loop
		 * keeps pumping it through the rollback */
		runner_cancel(app->runner);
	} else {
		/* the runner points into app->plan, which Review rebuilds */
		runner_free(app->runner);
		app->runner = NULL;
	}
	down_stop();
}

static const char *state_glyph(const struct app *app, enum run_state s, enum theme_role *role)
{
	switch (s) {
	case RS_WAITING: *role = TR_DIM; return ui_glyph(app, G_DOT);
	case RS_RUNNING: *role = TR_PENDING; return ui_spinner(app);
	case RS_DONE: *role = TR_PASS; return ui_glyph(app, G_PASS);
	case RS_SKIPPED: *role = TR_PASS; return ui_glyph(app, G_SKIP);
	case RS_FAILED: *role = TR_FAIL; return ui_glyph(app, G_FAIL);
	case RS_CANCELLED: *role = TR_WARN; return ui_glyph(app, G_CANCEL);
	case RS_UNDONE: *role = TR_WARN; return ui_glyph(app, G_UNDO);
	case RS_UNDO_FAILED: *role = TR_FAIL; return ui_glyph(app, G_WARN);
	}
	*role = TR_TEXT;
	return "?";
}

static void draw_pull(struct app *app, int y, int x, int w, const struct run_pull *p)
{
	int lx = x + ui_text(y, x, w, TR_TEXT, 0, 0, "pull ");
	double frac = 0;
	char info[96];
	if (p->bytes_total > 0) {
		char a[24], b[24];
		show_bytes(p->bytes_done, a, sizeof(a));
		show_bytes(p->bytes_total, b, sizeof(b));
		frac = (double)p->bytes_done / (double)p->bytes_total;
		snprintf(info, sizeof(info), " %3d%%  %s / %s  %d/%d layers", (int)(frac * 100), a, b, p->layers_done,
			 p->layers_total);
	} else if (p->layers_total > 0) {
		frac = (double)p->layers_done / p->layers_total;
		snprintf(info, sizeof(info), " %d/%d layers", p->layers_done, p->layers_total);
	} else {
		snprintf(info, sizeof(info), " waiting for the registry…");
	}
	if (frac > 1)
		frac = 1;
	int bw = w - (lx - x) - ui_width(info);
	if (bw > 40)
		bw = 40;
	if (bw < 10)
		bw = 10;
	int full = (int)(frac * bw + 0.5);
	for (int i = 0; i < bw; i++)
		ui_text(y, lx + i, 1, i < full ? TR_ACCENT : TR_BORDER, 0, 0,
			ui_glyph(app, i < full ? G_BAR_FULL : G_BAR_EMPTY));
	ui_text(y, lx + bw, w - (lx + bw - x), TR_DIM, 0, UI_ELLIPSIS, info);
}

/* Log lines: the runner's, then those of a `d` (down). */
static size_t log_count(const struct app *app)
{
	size_t n = app->runner ? runner_log(app->runner)->n : 0;
	return n + down_log()->n;
}

static const char *log_line(const struct app *app, size_t i)
{
	size_t n = app->runner ? runner_log(app->runner)->n : 0;
	return i < n ? runner_log(app->runner)->v[i] : down_log()->v[i - n];
}

/* The output's last LAST lines (0: all), one per line. */
static void log_text(const struct app *app, size_t last, struct strbuf *out)
{
	size_t n = log_count(app), from = last && n > last ? n - last : 0;
	for (size_t i = from; i < n; i++)
		strbuf_addf(out, "%s\n", log_line(app, i));
}

/* Enough output for any pane: the rest is in the viewer (l). */
#define PANE_LINES 400

static void draw_log(struct app *app, const struct rect *r)
{
	struct strbuf raw = STRBUF_INIT, text = STRBUF_INIT;
	struct strvec lines = STRVEC_INIT;
	log_text(app, PANE_LINES, &raw);
	ui_collapse(raw.buf, &text); /* as the viewer does */
	ui_text_lines(text.buf, r->w, &lines);
	strbuf_release(&raw);
	strbuf_release(&text);
	int total = (int)lines.n;
	us.view = r->h;
	us.total = total;
	int top = us.follow ? total - r->h : us.top;
	if (top > total - r->h)
		top = total - r->h;
	if (top < 0)
		top = 0;
	us.top = top;
	for (int i = 0; i < r->h && top + i < total; i++)
		ui_text(r->y + i, r->x, r->w, TR_DIM, 0, 0, lines.v[top + i]);
	if (!total)
		ui_text(r->y, r->x, r->w, TR_DIM, 0, 0, "(no output yet)");
	strvec_release(&lines);
}

/* l: the whole output in the viewer, kept up to date by run_poll while
 * it is open (at its end unless scrolled up). */
static void show_output(struct app *app)
{
	struct strbuf b = STRBUF_INIT;
	log_text(app, 0, &b);
	us.following = running(app) || down_busy();
	overlay_text(app, us.following ? "Output (following; Esc closes)" : "Output", b.len ? b.buf : "(no output yet)");
	strbuf_release(&b);
	app->ov.scroll = 1 << 20;
	us.viewing = 1;
	us.shown = log_count(app);
}

static int output_poll(struct app *app)
{
	if (!us.viewing)
		return 0;
	if (app->ov.kind != OV_TEXT) {
		us.viewing = 0;
		return 0;
	}
	int quiet = !running(app) && !down_busy();
	if (log_count(app) == us.shown && !(quiet && us.following))
		return 0;
	us.shown = log_count(app);
	struct strbuf b = STRBUF_INIT;
	log_text(app, 0, &b);
	overlay_text_update(app, b.buf);
	strbuf_release(&b);
	if (quiet && us.following) {
		us.following = 0;
		snprintf(app->ov.title, sizeof(app->ov.title), "Output");
	}
	return 1;
}

static void draw_result(struct app *app, int y, int x, int w, const struct run_result *res)
{
	int down_failed;
	if (res->ok && down_finished(&down_failed) && !down_failed) {
		/* after d: the headline says what is true now */
		ui_textf(y++, x, w, TR_WARN, A_BOLD, UI_ELLIPSIS, "%s The launch was taken down", ui_glyph(app, G_UNDO));
		ui_text(y++, x + 2, w - 2, TR_TEXT, 0, UI_ELLIPSIS,
			"its containers and network are removed; its volumes (your /workspace files) are kept");
		ui_text(y, x + 2, w - 2, TR_PASS, 0, UI_ELLIPSIS, down_message());
		return;
	}
	if (res->ok) {
		int cx = x;
		cx += ui_text(y, cx, w, TR_PASS, A_BOLD, 0, ui_glyph(app, G_PASS));
		cx += ui_text(y, cx, w - (cx - x), TR_PASS, A_BOLD, 0,
			      res->already_running ? " The workspace was already running" : " The workspace is running");
		if (res->url) {
			cx += ui_text(y, cx, w - (cx - x), TR_TEXT, 0, 0, " at ");
			ui_text(y, cx, w - (cx - x), TR_ACCENT, A_UNDERLINE, UI_ELLIPSIS, res->url);
		}
		y++;
		char id[16] = "?";
		if (res->container_id)
			snprintf(id, sizeof(id), "%.12s", res->container_id);
		ui_textf(y++, x + 2, w - 2, TR_TEXT, 0, UI_ELLIPSIS, "container %s%s%s", id,
			 res->inner_version ? "  ·  docker inside answers: server " : "",
			 res->inner_version ? res->inner_version : "");
	} else {
		ui_textf(y++, x, w, TR_FAIL, A_BOLD, UI_ELLIPSIS, "%s %s", ui_glyph(app, res->cancelled ? G_CANCEL : G_FAIL),
			 res->cancelled ? "Cancelled" : "The launch failed");
		if (res->message) {
			struct strvec l = STRVEC_INIT;
			ui_wrap(res->message, w - 2, &l);
			for (size_t i = 0; i < l.n && i < 2; i++)
				ui_text(y++, x + 2, w - 2, TR_TEXT, 0, UI_ELLIPSIS, l.v[i]);
			strvec_release(&l);
		}
		/* Made with other options: what changed, and the choice. */
		for (size_t i = 0; res->changed && i < res->changes.n && i < CHANGES_SHOWN; i++)
			ui_textf(y++, x + 4, w - 4, TR_WARN, 0, UI_ELLIPSIS, "%s", res->changes.v[i]);
		if (res->changed && res->changes.n > CHANGES_SHOWN)
			ui_textf(y++, x + 4, w - 4, TR_DIM, 0, UI_ELLIPSIS, "and %zu more (l: the output)",
				 res->changes.n - CHANGES_SHOWN);
		if (res->changed)
			ui_text(y++, x + 2, w - 2, TR_KEY, 0, UI_ELLIPSIS,
				"R replaces its containers with these options (volumes are kept)");
	}
	int failed;
	if (down_busy())
		ui_textf(y, x + 2, w - 2, TR_PENDING, 0, UI_ELLIPSIS, "%s taking the launch down…", ui_spinner(app));
	else if (down_finished(&failed))
		ui_text(y, x + 2, w - 2, failed ? TR_FAIL : TR_PASS, 0, UI_ELLIPSIS, down_message());
}

static void run_draw(struct app *app)
{
	struct rect body = app->lay.body;
	int x = body.x + 1, w = body.w - 2;
	const struct mode *m = mode_get(app->spec.mode);
	ui_textf(body.y, x + 1, w - 1, TR_TITLE, 0, UI_ELLIPSIS, "Run: %s (%s)", m ? m->title : "?", m ? m->name : "?");
	if (!app->runner) {
		ui_text(body.y + 2, x + 1, w - 1, TR_FAIL, 0, UI_ELLIPSIS, app->status);
		return;
	}
	struct rect rest = body, top, logr;
	rest.y += 1;
	rest.h -= 1;
	size_t n = runner_nsteps(app->runner);
	int step_rows = (int)n + 1;
	const struct run_pull *pull = runner_pull(app->runner);
	int done = runner_done(app->runner);
	const struct run_result *res = runner_result(app->runner);
	size_t nchanges = done && res->changed ? res->changes.n : 0;
	int extra = (pull && pull->active ? 1 : 0) + 1 + (done ? 5 : 0) +
		    (done && res->changed ? 1 + (int)(nchanges > CHANGES_SHOWN ? CHANGES_SHOWN + 1 : nchanges) : 0);
	layout_take_top(&rest, step_rows + extra, &top);
	int y = top.y + 1;
	for (size_t i = 0; i < n; i++, y++) {
		const struct run_step *s = runner_step(app->runner, i);
		enum theme_role role;
		const char *g = state_glyph(app, s->state, &role);
		ui_text(y, x + 1, 2, role, 0, 0, g);
		int used = ui_text(y, x + 3, w - 3, s->state == RS_WAITING ? TR_DIM : TR_TEXT, 0, UI_ELLIPSIS,
				   s->step ? s->step->desc : "?");
		char note[96] = "";
		if (s->ended_ms && s->started_ms)
			snprintf(note, sizeof(note), "%.1fs", (double)(s->ended_ms - s->started_ms) / 1000.0);
		if (s->note)
			snprintf(note + strlen(note), sizeof(note) - strlen(note), "%s%s", note[0] ? "  " : "", s->note);
		if (note[0] && used + 6 < w - 3)
			ui_text(y, x + 3 + used + 2, w - 3 - used - 2, role == TR_FAIL ? TR_FAIL : TR_DIM, 0, UI_ELLIPSIS, note);
	}
	if (pull && pull->active)
		draw_pull(app, y++, x + 3, w - 3, pull);
	const char *act = runner_activity(app->runner);
	if (!done && act)
		ui_textf(y++, x + 1, w - 1, TR_PENDING, 0, UI_ELLIPSIS, "%s %s", ui_spinner(app), act);
	if (done) {
		y++;
		draw_result(app, y, x + 1, w - 1, runner_result(app->runner));
	}
	if (rest.h >= 3) {
		ui_rule(rest.y, x, w, "Output (l: all of it, / to find)");
		logr = (struct rect){ rest.y + 1, x + 1, rest.h - 1, w - 1 };
		draw_log(app, &logr);
	}
}

/* The failure in full, for the detail view: the message, what changed,
 * and the last lines of output. */
static void show_failure(struct app *app)
{
	const struct run_result *res = runner_result(app->runner);
	struct strbuf b = STRBUF_INIT;
	strbuf_addf(&b, "%s\n", res->message ? res->message : "the launch failed");
	if (res->changed && res->changes.n) {
		strbuf_addstr(&b, "\nWhat changed since the launch was made (R replaces its containers):\n");
		for (size_t i = 0; i < res->changes.n; i++)
			strbuf_addf(&b, "  %s\n", res->changes.v[i]);
	}
	const struct strvec *log = runner_log(app->runner);
	size_t from = log->n > 40 ? log->n - 40 : 0;
	if (log->n)
		strbuf_addf(&b, "\nThe last %zu lines of output:\n", log->n - from);
	for (size_t i = from; i < log->n; i++)
		strbuf_addf(&b, "%s\n", log->v[i]);
	overlay_text(app, "The launch failed", b.buf);
	strbuf_release(&b);
}

static void rollback_now(struct app *app, const char *unused)
{
	(void)unused;
	runner_rollback(app->runner);
	us.done_reported = 0;
	wizard_status(app, TR_PENDING, "rolling back what the launch created…");
}

/* A failed verification kept what it made: roll it back, or keep it to
 * look into (the CLI's default and --keep). */
static void offer_rollback(struct app *app, const struct run_result *r)
{
	struct strbuf b = STRBUF_INIT;
	strbuf_addf(&b, "%s\n\nRoll back what this launch created? y rolls back (as 'ws-launch up' does); n keeps "
		    "it to look into ('docker logs %s'; D takes it down later).", r->message ? r->message : "",
		    app->plan.ws_name ? app->plan.ws_name : "NAME");
	overlay_confirm(app, "Verification failed", b.buf, rollback_now);
	strbuf_release(&b);
}

static unsigned run_poll(struct app *app)
{
	if (wizard_top(app) != &screen_run || !app->runner)
		return 0;
	unsigned redraw = output_poll(app) ? R_DRAW : 0;
	int failed;
	if (down_finished(&failed) && !us.down_reported) {
		us.down_reported = 1;
		wizard_status(app, failed ? TR_FAIL : TR_PASS, "%s%s", down_message(), failed ? "" : " (volumes kept)");
		return R_DRAW;
	}
	if (runner_done(app->runner) && !us.done_reported) {
		us.done_reported = 1;
		const struct run_result *r = runner_result(app->runner);
		if (app->status_role == TR_PENDING || !app->status[0]) {
			if (r->ok)
				wizard_status(app, TR_PASS, "done: %s", r->url ? r->url : "the workspace is running");
			else
				wizard_status(app, TR_FAIL, "%s", r->message ? r->message : "the launch failed");
		}
		if (!r->ok && r->kept && app->ov.kind == OV_NONE && !app->quit_after_run)
			offer_rollback(app, r);
		else if (!r->ok && !r->cancelled && app->ov.kind == OV_NONE && !app->quit_after_run)
			show_failure(app); /* v opens it again */
		return R_DRAW;
	}
	return redraw;
}

static void do_down(struct app *app, const char *unused)
{
	(void)unused;
	const char *docker = getenv("WS_LAUNCH_DOCKER");
	struct err e;
	us.down_reported = 0;
	us.follow = 1;
	if (!app->plan.label) {
		wizard_status(app, TR_FAIL, "this launch has no name, so nothing carries its label: remove it by hand");
		return;
	}
	if (down_start(app->net, app->plan.label, docker && *docker ? docker : NULL, &e))
		wizard_status(app, TR_FAIL, "down: %s", e.msg);
	else
		wizard_status(app, TR_PENDING, "taking the launch down…");
}

static unsigned run_action(struct app *app, enum action act)
{
	switch (act) {
	case ACT_BACK:
		if (running(app)) {
			wizard_status(app, TR_WARN, "a launch is running: c cancels it (and rolls back)");
			return R_HANDLED | R_DRAW;
		}
		if (down_busy()) {
			wizard_status(app, TR_WARN, "wait for down to finish");
			return R_HANDLED | R_DRAW;
		}
		return 0;
	case ACT_LOGS:
		show_output(app);
		return R_DRAW;
	case ACT_UP:
		us.follow = 0;
		us.top = us.top > 0 ? us.top - 1 : 0;
		return R_DRAW;
	case ACT_DOWN:
		us.top++;
		if (us.top + us.view >= us.total)
			us.follow = 1;
		return R_DRAW;
	case ACT_PGUP:
		us.follow = 0;
		us.top = us.top > us.view ? us.top - us.view : 0;
		return R_DRAW;
	case ACT_PGDN:
		us.top += us.view;
		if (us.top + us.view >= us.total)
			us.follow = 1;
		return R_DRAW;
	case ACT_TOP:
		us.follow = 0;
		us.top = 0;
		return R_DRAW;
	case ACT_BOTTOM:
		us.follow = 1;
		return R_DRAW;
	case ACT_CANCEL:
		if (!running(app)) {
			wizard_status(app, TR_DIM, "nothing is running");
			return R_DRAW;
		}
		runner_cancel(app->runner);
		wizard_status(app, TR_WARN, "cancelling: stopping the step and rolling back…");
		return R_DRAW;
	case ACT_DETAILS:
		if (running(app) || runner_result(app->runner)->ok) {
			wizard_status(app, TR_DIM, "v shows a failed launch in full; nothing failed");
			return R_DRAW;
		}
		us.viewing = 0;
		show_failure(app);
		return R_DRAW;
	case ACT_RECREATE:
		if (running(app) || down_busy() || !runner_result(app->runner)->changed) {
			wizard_status(app, TR_DIM, "R replaces a launch made with other options; this one was not refused for that");
			return R_DRAW;
		}
		start_run(app, 1);
		return R_DRAW;
	case ACT_DOWN_LAUNCH:
		if (running(app) || down_busy()) {
			wizard_status(app, TR_WARN, "wait until the launch has finished (c cancels it)");
			return R_DRAW;
		}
		overlay_confirm(app, "Take the launch down",
				"Remove this launch's containers and network? Its volumes (your /workspace files) are kept.",
				do_down);
		return R_DRAW;
	default:
		return 0;
	}
}

static void quit_now(struct app *app, const char *unused)
{
	(void)unused;
	if (running(app)) {
		/* a cancelled launch ends like Ctrl-C: rolled back, exit 130 */
		runner_cancel(app->runner);
		app->exit_code = EXIT_INTERRUPTED;
		app->quit_after_run = 1;
		wizard_status(app, TR_WARN, "cancelling the launch and rolling back before quitting…");
	} else {
		app->quit = 1;
	}
}

static int run_quit(struct app *app)
{
	if (!running(app))
		return 1;
	overlay_confirm(app, "Quit", "A launch is running. Cancel it, roll back what it did, and quit?", quit_now);
	return 0;
}

/* cancel only while something runs; down only when nothing does */
static int run_key_shown(const struct app *app, enum action act)
{
	int busy = running(app) || down_busy();
	if (act == ACT_CANCEL)
		return running(app);
	if (act == ACT_DOWN_LAUNCH)
		return !busy;
	return 1;
}

const struct screen_ops screen_run = {
	.name = "Run",
	.help = "The launch runs step by step: each step's state, the image pull as a progress bar and "
		"every child's output below. When it is done: the URL, the container, and the `docker "
		"version` that answered from inside the workspace. The output scrolls with the list keys "
		"(End follows it again); l opens all of it in the viewer, where / finds text and new "
		"output arrives as the launch goes on.",
	.keys = keys_run,
	.list_nav = 1,
	.enter = run_enter,
	.leave = run_leave,
	.draw = run_draw,
	.action = run_action,
	.poll = run_poll,
	.quit = run_quit,
	.key_shown = run_key_shown,
};
