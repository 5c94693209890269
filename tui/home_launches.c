/* home_launches.c - Home's "Launches on this endpoint" (home_launches.h). */
#include "cli.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "home_launches.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "ui_draw.h"
#include "ui_overlay.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAUNCH_REFRESH_MS 3000

static void follow_stop(void);
static int follow_poll(struct app *app);

/* The launches on the endpoint: a lookup on the wizard's net whenever the
 * last one is LAUNCH_REFRESH_MS old and Home is on top. */
static struct {
	struct launches ls;
	struct launches_find *lf;
	int lookup_done;         /* lf answered; free it from poll */
	struct launches fresh;   /* its answer */
	struct endpoint ep;
	struct engine_target t;
	int ep_state;            /* 0 unknown, 1 usable, -1 not (ssh://, bad) */
	long long next;
	char error[512];         /* why the last lookup failed ("": it did not) */
} hl;

static void on_launches(struct launches *ls, const struct err *error, void *ctx)
{
	(void)ctx;
	hl.lookup_done = 1;
	snprintf(hl.error, sizeof(hl.error), "%s", error ? error->msg : "");
	show_sanitize(hl.error, strlen(hl.error));
	if (error) {
		hl.fresh.v = NULL;
		hl.fresh.n = 0;
		return;
	}
	hl.fresh = *ls;
}

static void launches_stop(void)
{
	launches_find_free(hl.lf);
	hl.lf = NULL;
	hl.lookup_done = 0;
	launches_release(&hl.fresh);
}

const struct launches *home_launches(void)
{
	return &hl.ls;
}

const char *home_launches_error(void)
{
	return hl.error[0] ? hl.error : NULL;
}

void home_launches_refresh(void)
{
	hl.next = 0;
}

void home_launches_release(void)
{
	follow_stop();
	launches_stop();
	launches_release(&hl.ls);
	if (hl.ep_state == 1)
		engine_target_release(&hl.t);
	if (hl.ep_state != 0)
		endpoint_release(&hl.ep);
	hl.ep_state = 0;
}

char *home_launch_url(const struct launch_seen *ls)
{
	return launch_url(hl.ep_state ? &hl.ep : NULL, ls);
}

int home_launches_poll(struct app *app, int *delta)
{
	int changed = follow_poll(app);
	*delta = 0;
	if (hl.lookup_done) {
		launches_find_free(hl.lf);
		hl.lf = NULL;
		hl.lookup_done = 0;
		*delta = (int)hl.fresh.n - (int)hl.ls.n;
		launches_release(&hl.ls);
		hl.ls = hl.fresh;
		hl.fresh.v = NULL;
		hl.fresh.n = 0;
		hl.next = proc_now_ms() + LAUNCH_REFRESH_MS;
		changed = 1;
	}
	if (!hl.lf && proc_now_ms() >= hl.next) {
		if (hl.ep_state == 0) {
			struct err e;
			endpoint_init(&hl.ep);
			hl.ep_state = !endpoint_resolve(&hl.ep, &e) && hl.ep.kind != EP_SSH &&
					      !engine_target_init(&hl.t, &hl.ep, getenv("DOCKER_API_VERSION"), &e)
				      ? 1 : -1;
		}
		if (hl.ep_state == 1)
			hl.lf = launches_find(app->net, &hl.t, NULL, on_launches, NULL);
		hl.next = proc_now_ms() + LAUNCH_REFRESH_MS;
	}
	return changed;
}

/* Runs `ws-launch ARGS...` (this binary, this --config) on the terminal,
 * curses set aside meanwhile; PAUSE: waits for Enter before the screen
 * comes back, so its output can be read.  The launches are looked up again
 * right after. */
static void run_self(struct app *app, const char *const *args, int pause)
{
	const char *const *first = args;
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		wizard_status(app, TR_FAIL, "cannot find this program (/proc/self/exe)");
		return;
	}
	self[n] = '\0';
	struct strvec av = STRVEC_INIT;
	strvec_push(&av, self);
	if (app->cli->config)
		strvec_pushl(&av, "--config", app->cli->config, NULL);
	for (; *args; args++)
		strvec_push(&av, *args);
	def_prog_mode();
	endwin();
	/* the child's stderr is the terminal, even when ours goes elsewhere */
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC), saved = -1;
	if (tty >= 0) {
		fflush(stderr);
		saved = dup(STDERR_FILENO);
		dup2(tty, STDERR_FILENO);
	}
	/* a clean screen: the command's output alone, not the last one's */
	const char *cl = tigetstr("clear");
	if (cl && cl != (const char *)-1)
		putp(cl);
	printf("$ ws-launch");
	for (size_t i = 1; i < av.n; i++)
		printf(" %s", av.v[i]);
	printf("\n");
	fflush(stdout);
	struct err e;
	int st = cli_run_attached(av.v, &e);
	if (st < 0)
		printf("%s\n", e.msg);
	if (pause) {
		printf("\n[exit status %d; press Enter to return to ws-launch]", st < 0 ? 127 : st);
		fflush(stdout);
		int c;
		while ((c = getchar()) != EOF && c != '\n')
			;
		clearerr(stdin);
	}
	if (saved >= 0) {
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (tty >= 0)
		close(tty);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	strvec_release(&av);
	app->dirty |= R_LAYOUT | R_DRAW;
	hl.next = 0; /* look again at once */
	wizard_status(app, st == 0 ? TR_PASS : TR_WARN, "ws-launch %s %s %s: exit status %d", first[0],
		      first[1] ? first[1] : "", first[1] && first[2] ? first[2] : "", st < 0 ? 127 : st);
}

/* l: the workspace's output, followed (docker logs -f) while the viewer
 * is open: the child's lines go into TEXT (its last 64 KiB), the viewer is
 * refreshed from the poll loop and stays at the end unless scrolled up. */
static struct {
	struct proc p;
	int active;
	struct strbuf text;
	size_t shown;
} fl = { .text = STRBUF_INIT };

static void follow_line(void *ctx, enum proc_stream st, const char *line, size_t len)
{
	(void)ctx;
	(void)st; /* docker logs writes the container's stderr to its own */
	strbuf_add(&fl.text, line, len);
	strbuf_addch(&fl.text, '\n');
	if (fl.text.len > 65536) {
		const char *cut = strchr(fl.text.buf + fl.text.len - 49152, '\n');
		size_t drop = cut ? (size_t)(cut + 1 - fl.text.buf) : fl.text.len - 49152;
		memmove(fl.text.buf, fl.text.buf + drop, fl.text.len - drop + 1);
		fl.text.len -= drop;
		fl.shown = 0;
	}
}

static void follow_stop(void)
{
	if (!fl.active)
		return;
	proc_cancel(&fl.p, 500);
	proc_release(&fl.p); /* kills what is left, reaps */
	fl.active = 0;
	strbuf_release(&fl.text);
}

static void launch_logs(struct app *app, const struct launch_seen *ls)
{
	follow_stop();
	const char *docker = getenv("WS_LAUNCH_DOCKER");
	const char *argv[] = { docker && *docker ? docker : "docker", "logs", "-f", "--tail", "500", "--", ls->name,
			       NULL };
	struct err e;
	struct proc_opts o = { .capture_max = 1, .on_line = follow_line };
	proc_init(&fl.p);
	if (proc_start(&fl.p, argv, &o, &e)) {
		wizard_status(app, TR_FAIL, "docker logs: %s", e.msg);
		proc_release(&fl.p);
		return;
	}
	fl.active = 1;
	fl.shown = 0;
	char title[160];
	snprintf(title, sizeof(title), "logs of %s (following; Esc closes)", ls->name);
	overlay_text(app, title, "(no output yet)");
	app->ov.scroll = 1 << 20;
}

/* Each loop turn while following: new lines into the viewer; closing the
 * viewer stops the child. */
static int follow_poll(struct app *app)
{
	if (!fl.active)
		return 0;
	if (app->ov.kind != OV_TEXT) {
		follow_stop();
		return 0;
	}
	proc_pump(&fl.p);
	proc_reap(&fl.p);
	if (fl.text.len == fl.shown)
		return 0;
	fl.shown = fl.text.len;
	overlay_text_update(app, fl.text.buf);
	return 1;
}

static char *down_name; /* the launch d asked about */

static void do_down(struct app *app, const char *unused)
{
	(void)unused;
	if (!down_name)
		return;
	const char *args[] = { "down", "--name", down_name, NULL };
	run_self(app, args, 1);
	free(down_name);
	down_name = NULL;
}

unsigned home_launch_action(struct app *app, const struct launch_seen *ls, enum action act)
{
	char *name = xstrdup(ls->name);
	switch (act) {
	case ACT_OPEN:
	case ACT_URL: {
		char *url = home_launch_url(ls);
		if (!url)
			wizard_status(app, TR_WARN, "%s publishes no web port", name);
		else if (wizard_copy(app, url, strlen(url)))
			wizard_status(app, TR_PASS, "%s", url);
		else
			wizard_status(app, TR_PASS, "%s (copied with OSC 52)", url);
		free(url);
		break;
	}
	case ACT_LOGS:
		launch_logs(app, ls);
		break;
	case ACT_SHELL: {
		if (ls->state != LS_RUNNING) {
			wizard_status(app, TR_WARN, "%s is not running: t starts it", name);
			break;
		}
		const char *args[] = { "shell", "--name", name, NULL };
		run_self(app, args, 0);
		break;
	}
	case ACT_STOPSTART: {
		const char *args[] = { ls->state == LS_RUNNING ? "stop" : "start", "--name", name, NULL };
		run_self(app, args, 1);
		break;
	}
	case ACT_UPGRADE: {
		const char *args[] = { "upgrade", "--name", name, NULL };
		run_self(app, args, 1);
		break;
	}
	case ACT_DOWN_LAUNCH: {
		char q[256];
		snprintf(q, sizeof(q), "Take %s down? Its containers and network are removed; its volumes (/workspace) "
			 "stay.", name);
		free(down_name);
		down_name = xstrdup(name);
		overlay_confirm(app, "Down", q, do_down);
		break;
	}
	default:
		free(name);
		return 0;
	}
	free(name);
	return R_DRAW;
}
