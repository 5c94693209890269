/* runner_verdict.c - how a verification stage ends when it does not pass
 * (runner_internal.h): failed (with the one rule of keep or roll back),
 * tried again later, or passed on the next turn of the loop; and the
 * waiting line.  Below runner_verify.c and runner_diagnose.c, which both
 * call here. */
#include "runner_internal.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The failure message of a failed verification: the diagnosis, then what
 * happens to the containers; the hint says where to look next.  A first
 * launch rolls back what this run made (issue: one rule, like a failed
 * step) unless keep. */
void rn_verify_fail(struct runner *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	const char *launch = r->plan->label ? r->plan->label : r->ws_name;
	size_t undoable = 0;
	for (size_t k = 0; k < r->ndone; k++)
		undoable += r->steps[r->done_stack[k]].step->undo.n > 0;
	free(r->result.hint);
	if (r->keep || r->keep_on_verify || !undoable) {
		rn_set_message(r, "%s%s", sb.buf, r->keep ? "; kept for inspection (--keep)"
			       : undoable ? "; kept for inspection" : "");
		r->result.kept = undoable > 0;
		r->result.hint = xasprintf("look: 'docker logs %s', 'docker exec -it %s sh'; remove it: "
					   "'ws-launch down --name %s'", r->ws_name, r->ws_name, launch);
		r->phase = PHASE_DONE;
	} else {
		rn_set_message(r, "%s; rolling back what this run created", sb.buf);
		r->result.hint = xasprintf("to inspect the workspace after such a failure, run again with --keep "
					   "(then 'docker logs %s')", r->ws_name);
		r->phase = PHASE_ROLLBACK; /* advance() undoes the steps, newest first */
	}
	strbuf_release(&sb);
	r->result.ok = 0;
	r->result.verify_failed = 1;
	r->wait.active = 0;
	r->vstage = V_DONE;
	rn_activity(r, "verification failed");
}

void runner_rollback(struct runner *r)
{
	if (!runner_done(r) || !r->result.kept || r->cancel)
		return;
	r->result.kept = 0;
	char *m = r->result.message ? xstrdup(r->result.message) : xstrdup("verification failed");
	char *k = strstr(m, "; kept for inspection");
	if (k)
		*k = '\0';
	r->keep = r->keep_on_verify = 0;
	rn_set_message(r, "%s; rolling back what this run created", m);
	free(m);
	free(r->result.hint);
	r->result.hint = NULL;
	r->phase = PHASE_ROLLBACK; /* runner_pump() undoes the steps */
	rn_activity(r, "rolling back");
}

/* Retries come fast while a daemon or web server is starting, then slower. */
long rn_retry_delay(struct runner *r)
{
	long d = VERIFY_RETRY_MIN_MS << (r->vtries < 5 ? r->vtries : 5);
	r->vtries++;
	return d < VERIFY_RETRY_MAX_MS ? d : VERIFY_RETRY_MAX_MS;
}

void rn_verify_retry(struct runner *r)
{
	r->sub = SUB_WAIT;
	r->wake_ms = proc_now_ms() + rn_retry_delay(r);
}

/* The waiting line: "verifying Docker inside: 12 s of 90 s — REASON";
 * a reason like the last one counts up instead of being a new one. */
void rn_verify_waiting(struct runner *r, const char *reason)
{
	if (r->wait.reason && !strcmp(r->wait.reason, reason)) {
		r->wait.count++;
	} else {
		free(r->wait.reason);
		r->wait.reason = xstrdup(reason);
		show_sanitize(r->wait.reason, strlen(r->wait.reason));
		r->wait.count = 1;
		r->wait.since_ms = proc_now_ms();
	}
	r->wait.active = 1;
	r->wait.elapsed_s = (proc_now_ms() - r->vstart_ms) / 1000;
	r->wait.bound_s = r->verify_ms / 1000;
	rn_activity(r, "verifying Docker inside: %lld s of %lld s \xe2\x80\x94 %s", r->wait.elapsed_s,
		    r->wait.bound_s, r->wait.reason);
}

/* A pass decided by the diagnosis: stage NEXT starts on the loop's next
 * turn (runner_pump), not from inside the handler that decided it. */
void rn_verify_pass_later(struct runner *r, enum vstage next)
{
	r->vstage = next;
	r->vtries = 0;
	r->sub = SUB_WAIT;
	r->wake_ms = proc_now_ms();
}
