/* cli_progress.c - a runner's progress on stderr: step states, streamed
 * output, and on a terminal a pull progress bar redrawn in place. */
#include "cli_progress.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *state_text(enum run_state s)
{
	switch (s) {
	case RS_WAITING: return "waiting";
	case RS_RUNNING: return "running";
	case RS_DONE: return "done";
	case RS_SKIPPED: return "skipped";
	case RS_FAILED: return "FAILED";
	case RS_CANCELLED: return "cancelled";
	case RS_UNDONE: return "rolled back";
	case RS_UNDO_FAILED: return "rollback FAILED";
	}
	return "?";
}

static const char *state_color(enum run_state s)
{
	switch (s) {
	case RS_DONE: return "32";
	case RS_SKIPPED: return "36";
	case RS_FAILED:
	case RS_UNDO_FAILED: return "1;31";
	case RS_CANCELLED:
	case RS_UNDONE: return "33";
	default: return "0";
	}
}

void progress_init(struct progress *pg, const struct cli *cli)
{
	memset(pg, 0, sizeof(*pg));
	pg->color = cli->color_err;
	pg->tty = isatty(STDERR_FILENO);
}

static void clear_bar(struct progress *pg)
{
	if (pg->bar_shown) {
		fputs("\r\033[2K", stderr);
		pg->bar_shown = 0;
	}
}

void progress_bar_text(const struct run_pull *p, int width, struct strbuf *out)
{
	double frac = 0;
	if (p->bytes_total > 0)
		frac = (double)p->bytes_done / (double)p->bytes_total;
	else if (p->layers_total > 0)
		frac = (double)p->layers_done / (double)p->layers_total;
	if (frac > 1)
		frac = 1;
	int fill = (int)(frac * width + 0.5);
	strbuf_addch(out, '[');
	for (int i = 0; i < width; i++)
		strbuf_addch(out, i < fill ? '#' : '.');
	char a[32], b[32];
	show_bytes(p->bytes_done, a, sizeof(a));
	show_bytes(p->bytes_total, b, sizeof(b));
	strbuf_addf(out, "] %3d%%", (int)(frac * 100 + 0.5));
	if (p->bytes_total > 0)
		strbuf_addf(out, "  %s / %s", a, b);
	strbuf_addf(out, "  %d/%d layers", p->layers_done, p->layers_total);
}

/* Output lines that only echo what was created (an id, a name) are noise. */
static int is_echo(const char *line)
{
	const char *p = strchr(line, ']');
	p = p ? p + 2 : line;
	if (p > line + strlen(line))
		return 0;
	size_t n = strlen(p), hex = strspn(p, "0123456789abcdef");
	if (n == 64 && hex == 64)
		return 1;
	return 0;
}

static int is_echo_name(const char *line, const struct runner *r)
{
	for (size_t i = 0; i < runner_nsteps(r); i++) {
		const char *obj = runner_step(r, i)->step->object;
		const char *p = strchr(line, ']');
		if (obj && p && !strcmp(p + 2, obj))
			return 1;
	}
	return 0;
}

static void print_state(struct progress *pg, const struct runner *r, size_t i)
{
	const struct run_step *s = runner_step(r, i);
	size_t n = runner_nsteps(r);
	pg->shown[i] = (int)s->state;
	clear_bar(pg);
	char el[32] = "";
	if (s->ended_ms && s->started_ms)
		snprintf(el, sizeof(el), " (%.1f s)", (double)(s->ended_ms - s->started_ms) / 1000.0);
	/* A failure the run's final line tells is not told here too. */
	const char *msg = runner_result(r)->message;
	const char *why = s->state == RS_FAILED && s->note && msg && strstr(msg, s->note) ? NULL : s->note;
	char *desc = cli_clean(s->step->desc), *note = cli_clean(why);
	if (pg->color)
		fprintf(stderr, "[%zu/%zu] %s: \033[%sm%s\033[0m%s%s%s\n", i + 1, n, desc,
			state_color(s->state), state_text(s->state), el, why ? " - " : "", note);
	else
		fprintf(stderr, "[%zu/%zu] %s: %s%s%s%s\n", i + 1, n, desc, state_text(s->state), el,
			why ? " - " : "", note);
	free(desc);
	free(note);
}

/* Prints the settled states of steps before index LIMIT not printed yet. */
static void flush_states(struct progress *pg, const struct runner *r, size_t limit)
{
	size_t n = runner_nsteps(r);
	for (size_t i = 0; i < n && i < limit && i < PROGRESS_MAX_STEPS; i++) {
		const struct run_step *s = runner_step(r, i);
		if ((int)s->state != pg->shown[i] && s->state != RS_WAITING && s->state != RS_RUNNING)
			print_state(pg, r, i);
	}
}

/* Not a tty: how often the waiting reason last written was seen again. */
static void wait_flush(struct progress *pg)
{
	if (pg->wait_count > 1)
		fprintf(stderr, "    (the line above %d times in %lld s)\n", pg->wait_count,
			pg->wait_elapsed - pg->wait_first);
	pg->wait_count = 0;
	pg->wait_reason[0] = '\0';
}

/* The wait for Docker inside: on a terminal one line redrawn in place; in
 * a log each reason once, then its count when it changes. */
static void wait_line(struct progress *pg, const struct run_wait *w, const char *act)
{
	if (pg->tty) {
		char *clean = cli_clean(act);
		fprintf(stderr, "\r\033[2K%s", clean);
		free(clean);
		pg->bar_shown = 1;
		return;
	}
	char reason[sizeof(pg->wait_reason)];
	snprintf(reason, sizeof(reason), "%s", w->reason ? w->reason : "");
	if (pg->wait_count && !strcmp(reason, pg->wait_reason)) {
		pg->wait_count = w->count;
		pg->wait_elapsed = w->elapsed_s;
		return;
	}
	wait_flush(pg);
	snprintf(pg->wait_reason, sizeof(pg->wait_reason), "%s", reason);
	pg->wait_count = w->count;
	pg->wait_first = pg->wait_elapsed = w->elapsed_s;
	char *clean = cli_clean(reason);
	fprintf(stderr, "verifying Docker inside (bound %lld s): %s\n", w->bound_s, clean);
	free(clean);
}

void progress_update(struct progress *pg, struct runner *r)
{
	size_t n = runner_nsteps(r);
	const struct strvec *log = runner_log(r);
	if (!runner_wait(r)->active)
		wait_flush(pg); /* the count of the last waiting line, before what follows */
	if (pg->log_seen > log->n)
		pg->log_seen = 0;
	for (; pg->log_seen < log->n; pg->log_seen++) {
		const char *line = log->v[pg->log_seen];
		/* A line of step k comes after the states of the steps before it. */
		size_t k = line[0] == '[' ? (size_t)strtoul(line + 1, NULL, 10) : 0;
		flush_states(pg, r, k ? k - 1 : n);
		if (is_echo(line) || is_echo_name(line, r))
			continue;
		clear_bar(pg);
		char *clean = cli_clean(line);
		if (pg->color)
			fprintf(stderr, "\033[2m    %s\033[0m\n", clean);
		else
			fprintf(stderr, "    %s\n", clean);
		free(clean);
	}
	flush_states(pg, r, n);
	const struct run_step *running = NULL;
	size_t running_i = 0;
	for (size_t i = 0; i < n; i++)
		if (runner_step(r, i)->state == RS_RUNNING) {
			running = runner_step(r, i);
			running_i = i;
		}
	const char *act = runner_activity(r);
	enum run_phase ph = runner_phase(r);
	const struct run_wait *w = runner_wait(r);
	if (ph == PHASE_VERIFY && w->active) {
		wait_line(pg, w, act);
		fflush(stderr);
		return;
	}
	if ((ph == PHASE_VERIFY || ph == PHASE_ROLLBACK) && strcmp(act, pg->last_activity) && *act) {
		snprintf(pg->last_activity, sizeof(pg->last_activity), "%s", act);
		clear_bar(pg);
		char *clean = cli_clean(act);
		fprintf(stderr, "%s\n", clean);
		free(clean);
	}
	/* On a terminal: the running step (and the pull) as one line redrawn in place. */
	if (pg->tty && running) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "[%zu/%zu] %s ...", running_i + 1, n, running->step->desc);
		const struct run_pull *p = runner_pull(r);
		if (p->active && p->layers_total > 0) {
			strbuf_addstr(&sb, "  ");
			progress_bar_text(p, 24, &sb);
		}
		show_sanitize(sb.buf, sb.len);
		fprintf(stderr, "\r\033[2K%s", sb.buf);
		pg->bar_shown = 1;
		strbuf_release(&sb);
	} else {
		clear_bar(pg);
	}
	fflush(stderr);
}

void progress_done(struct progress *pg)
{
	clear_bar(pg);
	wait_flush(pg);
	fflush(stderr);
}
