/* runner_base.c - what every part of the runner calls (runner_internal.h):
 * the log, the activity line, a step's state, the result's message, a
 * child's start, done.  The lowest file of the runner: nothing here calls
 * another part of it (a child's lines go to the hooks runner_new sets). */
#include "runner_internal.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void rn_changed(struct runner *r)
{
	r->generation++;
}

void rn_logf(struct runner *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	/* Control characters from children never reach the screen raw. */
	show_sanitize(sb.buf, sb.len);
	if (r->log.n >= LOG_MAX) {
		free(r->log.v[0]);
		memmove(r->log.v, r->log.v + 1, (r->log.n - 1) * sizeof(char *));
		r->log.n--;
		r->log.v[r->log.n] = NULL;
	}
	strvec_push_nodup(&r->log, strbuf_detach(&sb, NULL));
	rn_changed(r);
}

void rn_activity(struct runner *r, const char *fmt, ...)
{
	va_list ap;
	strbuf_clear(&r->activity);
	va_start(ap, fmt);
	strbuf_vaddf(&r->activity, fmt, ap);
	va_end(ap);
	rn_changed(r);
}

void rn_step_state(struct runner *r, size_t i, enum run_state st, const char *note)
{
	struct run_step *s = &r->steps[i];
	s->state = st;
	free(s->note);
	s->note = note ? xstrdup(note) : NULL;
	if (st == RS_RUNNING)
		s->started_ms = proc_now_ms();
	else
		s->ended_ms = proc_now_ms();
	rn_changed(r);
}

void rn_set_message(struct runner *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(r->result.message);
	r->result.message = strbuf_detach(&sb, NULL);
	rn_changed(r);
}

int rn_start_child(struct runner *r, enum child_kind kind, const char *const *argv, const char *label)
{
	struct err e;
	/* Verification's children are read by runner_verify.c/runner_diagnose.c. */
	int verifying = kind == CH_EXEC || kind == CH_LOGS || kind == CH_DIAG || kind == CH_FULL;
	struct proc_opts o = { .on_line = verifying ? r->on_verify_line : r->on_step_line, .ctx = r,
			       .capture_max = 256 * 1024 };
	/* argv[0] is "docker" in every plan; honour the configured client. */
	struct strvec v = STRVEC_INIT;
	for (size_t i = 0; argv[i]; i++)
		strvec_push(&v, i == 0 && !strcmp(argv[0], "docker") ? r->docker : argv[i]);
	(void)label;
	r->child_kind = kind;
	int rc = proc_start(&r->child, (const char *const *)v.v, &o, &e);
	strvec_release(&v);
	if (rc) {
		free(r->last_error);
		r->last_error = xstrdup(e.msg);
		rn_logf(r, "%s", e.msg);
		return -1;
	}
	r->child_running = 1;
	r->sub = SUB_CHILD;
	return 0;
}

int runner_done(const struct runner *r)
{
	return r->started && r->phase == PHASE_DONE && !r->child_running && r->sub == SUB_IDLE;
}
