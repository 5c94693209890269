/* wizard.c - the wizard's event loop, terminal lifecycle and shared state.
 *
 * One loop (STYLE §2.2): draw when dirty (one doupdate), wait in net_wait()
 * on the curl multi handle plus stdin plus the pipes of the checker's,
 * the runner's and the Run screen's children, capped at TICK_MS (spinners,
 * and the bound on resize latency), then drain the keyboard until ERR,
 * dispatch completions, pump children.  Nothing here waits on the network
 * or a child.
 *
 * The terminal's lifecycle (start, stop, signals, fatal errors) is
 * wizard_term.c. */
#include "wizard.h"
#include "checks/checks.h"
#include "cli.h"
#include "launch/modes.h"
#include "engine/net.h"
#include "base/paths.h"
#include "launch/profile.h"
#include "base/proc.h"
#include "render/render.h"
#include "run/runner.h"
#include "launch/secret.h"
#include "base/strvec.h"
#include "ui_draw.h"
#include "ui_overlay.h"
#include "home_launches.h"
#include "wizard_down.h"
#include "wizard_term.h"

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <term.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define TICK_MS 120
#define MAX_FDS 16



/* ---- navigation ------------------------------------------------------------------ */

const struct screen_ops *wizard_top(const struct app *app)
{
	return app->stack[app->depth - 1];
}

void wizard_push(struct app *app, const struct screen_ops *s)
{
	if (app->depth >= (int)(sizeof(app->stack) / sizeof(app->stack[0])))
		return;
	if (app->depth && wizard_top(app)->leave)
		wizard_top(app)->leave(app);
	app->stack[app->depth++] = s;
	app->status[0] = '\0';
	app->filtering = 0;
	edit_set(&app->filter, "");
	if (s->enter)
		s->enter(app, 0);
	app->dirty |= R_DRAW | R_LAYOUT;
}

int wizard_filter_match(const struct app *app, const char *text)
{
	return !app->filter.len || ui_has_text(text, app->filter.buf);
}

void wizard_pop(struct app *app)
{
	if (app->depth <= 1)
		return;
	if (wizard_top(app)->leave)
		wizard_top(app)->leave(app);
	app->depth--;
	app->status[0] = '\0';
	app->filtering = 0;
	edit_set(&app->filter, "");
	if (wizard_top(app)->enter)
		wizard_top(app)->enter(app, 1);
	app->dirty |= R_DRAW | R_LAYOUT;
}

void wizard_restart(struct app *app, const struct screen_ops *s)
{
	if (wizard_top(app)->leave)
		wizard_top(app)->leave(app);
	app->depth = 1;
	wizard_push(app, s);
}

void wizard_status(struct app *app, enum theme_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(app->status, sizeof(app->status), fmt, ap);
	va_end(ap);
	app->status_role = role;
	app->dirty |= R_DRAW;
}

/* ---- input ------------------------------------------------------------------------- */

/* Reads one key (KEY_FN() for function keys); -1 when none is buffered.
 * Recognises bracketed-paste markers (ESC [200~ ... ESC [201~). */
static int queue[16], qhead, qlen;

static int raw_key(void)
{
	if (qlen) {
		int k = queue[qhead];
		qhead = (qhead + 1) % 16;
		qlen--;
		return k;
	}
	wint_t wc;
	int r = wget_wch(stdscr, &wc);
	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES)
		return KEY_FN((int)wc);
	return (int)wc;
}

static void unread(const int *k, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		qhead = (qhead + 15) % 16;
		queue[qhead] = k[i];
		qlen++;
	}
}

static int read_key(struct app *app)
{
	for (;;) {
		int k = raw_key();
		if (k != KEY_ESC)
			return k;
		int next[5], n = 0;
		const char *paste_on = "[200~", *paste_off = "[201~";
		while (n < 5) {
			int c = raw_key();
			if (c < 0)
				break;
			next[n++] = c;
			if (c != paste_on[n - 1] && c != paste_off[n - 1])
				break;
		}
		if (n == 5 && next[0] == '[' && next[1] == '2' && next[2] == '0' && next[4] == '~' &&
		    (next[3] == '0' || next[3] == '1')) {
			app->paste = next[3] == '0';
			continue;
		}
		unread(next, n);
		return KEY_ESC;
	}
}

/* ---- loop ------------------------------------------------------------------------- */

static void do_layout(struct app *app)
{
	layout_compute(LINES, COLS, &app->lay);
	if (!app->lay.too_small)
		for (int i = 0; i < app->depth; i++)
			if (app->stack[i]->layout)
				app->stack[i]->layout(app);
}

static void draw(struct app *app)
{
	app->nhits = 0;
	curs_set(0);
	if (app->lay.too_small) {
		chrome_too_small(app);
	} else {
		erase();
		chrome_draw(app);
		wizard_top(app)->draw(app);
		overlay_draw(app);
		if (ui_colour_exhausted() && !app->pairs_warned) {
			app->pairs_warned = 1;
			wizard_status(app, TR_WARN, "this terminal has only %d colour pairs: some roles share colours",
				      COLOR_PAIRS);
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

static void dispatch_action(struct app *app, enum action act)
{
	const struct screen_ops *s = wizard_top(app);
	switch (act) {
	case ACT_HELP:
		overlay_help(app);
		app->dirty |= R_DRAW;
		return;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		app->dirty |= R_DRAW | R_LAYOUT;
		return;
	case ACT_QUIT:
		if (!s->quit || s->quit(app))
			app->quit = 1;
		return;
	case ACT_FILTER:
		if (!s->filtered) {
			wizard_status(app, TR_DIM, "this list has no filter");
		} else {
			app->filtering = 1;
			app->filter.cur = app->filter.len;
		}
		app->dirty |= R_DRAW;
		return;
	case ACT_BACK:
		/* a screen may refuse (a launch is running) */
		if (s->action && (s->action(app, ACT_BACK) & R_HANDLED)) {
			app->dirty |= R_DRAW;
			return;
		}
		if (app->depth > 1)
			wizard_pop(app);
		else
			wizard_status(app, TR_DIM, "this is the first screen: q quits");
		return;
	default:
		if (s->action)
			app->dirty |= s->action(app, act);
	}
}

static void on_key(struct app *app, int key)
{
	if (app->lay.too_small) {
		/* As on a full screen: a running launch is not left half-made.
		 * Quitting asks (the question shows on the small screen) and a
		 * yes cancels and rolls back before the wizard exits. */
		if (app->ov.kind == OV_CONFIRM)
			app->dirty |= overlay_key(app, key);
		else if (key == 'q' || key == KEY_ESC)
			dispatch_action(app, ACT_QUIT);
		app->dirty |= R_DRAW;
		return;
	}
	/* a pasted newline or tab is text, never Enter or Tab */
	if (app->paste && (key == '\r' || key == '\n' || key == '\t'))
		key = ' ';
	if (app->ov.kind != OV_NONE) {
		app->dirty |= overlay_key(app, key);
		return;
	}
	const struct screen_ops *s = wizard_top(app);
	if (app->filtering) {
		/* the list filter has the keys: typing filters as it goes */
		if (key == '\r' || key == '\n' || key == KEY_FN(KEY_ENTER)) {
			app->filtering = 0;
			app->dirty |= R_DRAW;
			return;
		}
		if (key == KEY_ESC) {
			app->filtering = 0;
			edit_set(&app->filter, "");
			s->filtered(app);
			app->dirty |= R_DRAW;
			return;
		}
		if (key != KEY_FN(KEY_UP) && key != KEY_FN(KEY_DOWN) && key != KEY_FN(KEY_PPAGE) &&
		    key != KEY_FN(KEY_NPAGE)) {
			char before[sizeof(app->filter.buf)];
			memcpy(before, app->filter.buf, app->filter.len + 1);
			app->dirty |= edit_key(&app->filter, key) | R_DRAW;
			if (strcmp(before, app->filter.buf))
				s->filtered(app);
			return;
		}
		app->filtering = 0; /* the arrows go back to the list, keeping the filter */
	}
	if (s->capture) {
		unsigned r = s->capture(app, key);
		app->dirty |= r;
		if (r & R_HANDLED)
			return;
	}
	if (app->paste)
		return;
	enum action act = keys_lookup(s->keys, s->list_nav, key);
	if (act != ACT_NONE)
		dispatch_action(app, act);
}

static void on_mouse(struct app *app)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	/* the wheel scrolls whatever has the keys (a list, a view, an
	 * overlay): three lines a notch, as the arrows would */
	if (ev.bstate & (WHEEL_UP | WHEEL_DOWN)) {
		for (int i = 0; i < 3 && !app->quit; i++)
			on_key(app, KEY_FN(ev.bstate & WHEEL_UP ? KEY_UP : KEY_DOWN));
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return;
	for (int i = app->nhits - 1; i >= 0; i--) {
		const struct hit *h = &app->hits[i];
		if (ev.y != h->y || ev.x < h->x || ev.x >= h->x + h->w)
			continue;
		if (app->ov.kind == OV_CONFIRM) {
			on_key(app, h->act == ACT_OPEN ? 'y' : 'n');
		} else if (app->ov.kind != OV_NONE) {
			return;
		} else if (h->act != ACT_NONE) {
			dispatch_action(app, h->act);
		} else if (wizard_top(app)->click) {
			app->dirty |= wizard_top(app)->click(app, h->index);
		}
		return;
	}
}

static void handle_signal(struct app *app)
{
	int sig = wizard_take_signal();
	app->exit_code = EXIT_INTERRUPTED;
	if (app->runner && !runner_done(app->runner) && !app->quit_after_run) {
		/* first Ctrl-C: cancel the launch and roll back, then quit */
		runner_cancel(app->runner);
		app->quit_after_run = 1;
		wizard_status(app, TR_WARN, "interrupted (%s): cancelling the launch and rolling back…",
			      sig == SIGINT ? "Ctrl-C" : "signal");
		return;
	}
	app->quit = 1;
}

static int gather_fds(struct app *app, struct pollfd *fds, int *wait)
{
	int n = 0;
	fds[n++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (app->checker) {
		n += checker_pollfds(app->checker, fds + n, MAX_FDS - n);
		int t = checker_timeout_ms(app->checker);
		if (t >= 0 && t < *wait)
			*wait = t;
	}
	if (app->runner) {
		n += runner_pollfds(app->runner, fds + n, MAX_FDS - n);
		int t = runner_timeout_ms(app->runner);
		if (t >= 0 && t < *wait)
			*wait = t;
	}
	n += down_pollfds(fds + n, MAX_FDS - n, wait);
	return n;
}

static void loop(struct app *app)
{
	long long next_tick = proc_now_ms() + TICK_MS;
	while (!app->quit) {
		if (wizard_signal_pending())
			handle_signal(app);
		if (app->quit)
			break;
		if (app->dirty & R_LAYOUT)
			do_layout(app);
		if (app->dirty) {
			draw(app);
			app->dirty = 0;
		}
		struct pollfd fds[MAX_FDS];
		long long now = proc_now_ms();
		int wait = next_tick > now ? (int)(next_tick - now) : 0;
		int n = gather_fds(app, fds, &wait);
		struct err e;
		if (net_wait(app->net, fds, (unsigned)n, wait, &e) < 0 && errno != EINTR)
			wizard_fatal("%s", e.msg);
		int resized = 0, k;
		while ((k = read_key(app)) >= 0) {
			if (k == KEY_FN(KEY_RESIZE)) {
				resized = 1;
				continue;
			}
			if (k == KEY_FN(KEY_MOUSE)) {
				on_mouse(app);
				continue;
			}
			on_key(app, k);
			if (app->quit)
				break;
		}
		if (resized)
			app->dirty |= R_LAYOUT | R_DRAW;
		net_dispatch(app->net);
		if (app->checker) {
			checker_pump(app->checker);
			unsigned g = checker_generation(app->checker);
			if (g != app->checker_gen) {
				app->checker_gen = g;
				app->dirty |= R_DRAW;
			}
		}
		if (app->runner) {
			runner_pump(app->runner);
			unsigned g = runner_generation(app->runner);
			if (g != app->runner_gen) {
				app->runner_gen = g;
				app->dirty |= R_DRAW;
			}
			if (app->quit_after_run && runner_done(app->runner))
				app->quit = 1;
		}
		if (down_pump())
			app->dirty |= R_DRAW;
		for (int i = 0; i < app->depth; i++)
			if (app->stack[i]->poll)
				app->dirty |= app->stack[i]->poll(app);
		now = proc_now_ms();
		if (now >= next_tick) {
			next_tick = now + TICK_MS;
			app->spin++;
			int busy = (app->checker && !checker_done(app->checker)) ||
				   (app->runner && !runner_done(app->runner)) || down_busy();
			if (busy)
				app->dirty |= R_DRAW;
		}
	}
}

static void app_release(struct app *app)
{
	down_stop();
	home_launches_release(); /* a followed log's child goes too */
	runner_free(app->runner);
	app->runner = NULL;
	checker_free(app->checker);
	app->checker = NULL;
	net_free(app->net);
	spec_release(&app->spec);
	facts_release(&app->facts);
	plan_release(&app->plan);
	if (app->password) {
		memset(app->password, 0, strlen(app->password));
		free(app->password);
	}
	free(app->profile);
	strbuf_release(&app->out);
	strbuf_release(&app->errout);
}

int wizard_main(struct cli *cli)
{
	static struct app app; /* one wizard per process; signal handlers reach its flags */
	struct err e;
	memset(&app, 0, sizeof(app));
	app.cli = cli;
	strbuf_init(&app.out);
	strbuf_init(&app.errout);
	spec_init(&app.spec);
	facts_init(&app.facts);
	plan_init(&app.plan);
	setlocale(LC_ALL, "");
	app.utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");

	/* theme (README.md, "Screenshots": themes): never fails; a broken one falls back and says why */
	const char *nc = getenv("NO_COLOR");
	int env_nc = nc && *nc;
	const char *name = theme_choose(cli->theme, cli->no_color_flag, getenv("WS_LAUNCH_THEME"), env_nc);
	if (theme_load(name, cli->config, &app.theme, &e))
		snprintf(app.theme_error, sizeof(app.theme_error), "theme: %s (using default)", e.msg);
	app.ncolours = strcmp(app.theme.name, "mono") ? 1 : 0;

	if (net_global_init(&e)) {
		fprintf(stderr, "ws-launch: %s\n", e.msg);
		return EXIT_FAIL;
	}
	app.net = net_new(&e);
	if (!app.net) {
		fprintf(stderr, "ws-launch: %s\n", e.msg);
		return EXIT_FAIL;
	}
	wizard_signals_install();
	if (wizard_term_start(&app, &e)) {
		fprintf(stderr, "ws-launch: %s\n", e.msg);
		app_release(&app);
		net_global_cleanup();
		return EXIT_FAIL;
	}
	if (app.theme_error[0])
		wizard_status(&app, TR_FAIL, "%s", app.theme_error);
	else if (!net_async_dns())
		wizard_status(&app, TR_WARN, "this libcurl resolves names synchronously: remote checks may stall the screen");
	app.dirty = R_DRAW | R_LAYOUT;
	app.stack[0] = &screen_home;
	app.depth = 1;
	screen_home.enter(&app, 0);
	loop(&app);
	if (wizard_top(&app)->leave)
		wizard_top(&app)->leave(&app);
	if (app.runner && !runner_done(app.runner))
		runner_cancel(app.runner);
	wizard_term_stop();
	if (app.out.len)
		fwrite(app.out.buf, 1, app.out.len, stdout);
	fflush(stdout);
	if (app.errout.len)
		fwrite(app.errout.buf, 1, app.errout.len, stderr);
	int rc = app.exit_code;
	app_release(&app);
	net_global_cleanup();
	return rc;
}
