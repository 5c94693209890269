/* runner.c - runs a plan (runner.h): steps as children, rollback, the
 * loop.  Probes, pulls and verification: runner_probe.c, runner_pull.c,
 * runner_verify.c (with runner_diagnose.c and runner_verdict.c); what they
 * all call: runner_base.c and runner_text.c.  This file calls them all;
 * none of them calls back into it. */
#include "runner_internal.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "base/imageref.h"
#include "base/jdoc.h"
#include "launch/inner.h"
#include "launch/launch.h"
#include "launch/launch_digest.h"
#include "launch/options.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>














/* ---- rollback ------------------------------------------------------------------- */

/* The daemon.json the workspace mounts (plan.h daemon_json): written
 * before the steps, so `docker run` finds it; the run that did not
 * happen puts back what was there (a running launch keeps its file). */
static int write_json(struct runner *r)
{
	const struct plan *p = r->plan;
	if (!p->daemon_json || !p->daemon_json_path || r->down)
		return 0;
	struct err e;
	size_t len;
	r->json_old = file_read_limited(p->daemon_json_path, 1 << 20, &len, &e);
	if (inner_file_put(p->daemon_json_path, p->daemon_json, &e)) {
		free(r->json_old);
		r->json_old = NULL;
		rn_set_message(r, "cannot write the inner daemon's daemon.json: %s", e.msg);
		return -1;
	}
	r->json_written = 1;
	return 0;
}

static void restore_json(struct runner *r)
{
	if (!r->json_written)
		return;
	struct err e;
	if (r->json_old)
		inner_file_put(r->plan->daemon_json_path, r->json_old, &e);
	else
		unlink(r->plan->daemon_json_path);
	r->json_written = 0;
}

static void rollback_next(struct runner *r)
{
	while (r->ndone > 0) {
		size_t i = r->done_stack[--r->ndone];
		const struct step *st = r->steps[i].step;
		if (!st->undo.n) {
			continue;
		}
		r->undo_pos = i;
		rn_activity(r, "rolling back step %zu: %s", i + 1, st->desc);
		rn_logf(r, "[%zu] undo: %s", i + 1, st->desc);
		if (rn_start_child(r, CH_UNDO, (const char *const *)st->undo.v, "undo"))
			rn_step_state(r, i, RS_UNDO_FAILED, r->last_error);
		return;
	}
	r->phase = PHASE_DONE;
	restore_json(r);
	rn_activity(r, "rolled back");
}

static void start_rollback(struct runner *r)
{
	if (r->keep || r->down) {
		r->phase = PHASE_DONE;
		return;
	}
	r->phase = PHASE_ROLLBACK;
	rollback_next(r);
}

/* ---- the loop ------------------------------------------------------------------- */

static void child_finished(struct runner *r)
{
	int rerun = 0;
	r->child_running = 0;
	r->sub = SUB_IDLE;
	/* The finished child moves out: what handles it may start the next. */
	struct proc done = r->child;
	struct proc *p = &done;
	enum child_kind kind = r->child_kind;
	proc_init(&r->child);
	char desc[256];
	proc_describe(p, desc, sizeof(desc));
	int ok = p->state == PROC_EXITED && p->code == 0;
	switch (kind) {
	case CH_STEP: {
		size_t i = r->cur;
		r->pull.active = 0;
		if (r->replacing) {
			/* The old container is gone: run the step as on a first
			 * launch (its undo removes the new one on failure). */
			r->replacing = 0;
			strvec_clear(&r->override);
			if (ok && !r->cancel) {
				rn_logf(r, "[%zu] removed %s", i + 1, r->steps[i].step->object);
				rerun = 1; /* once this child is released, below */
				break;
			}
			if (r->cancel || p->cancelled) {
				rn_step_state(r, i, RS_CANCELLED, "cancelled");
				break;
			}
			char *last = rn_daemon_words(p->err.len ? &p->err : &p->out);
			free(r->last_error);
			r->last_error = xasprintf("could not remove %s launched with other options: %s%s%s",
						  r->steps[i].step->object, desc, *last ? ": " : "", last);
			free(last);
			rn_step_state(r, i, RS_FAILED, r->last_error);
			break;
		}
		if (ok) {
			if (!r->override.n)
				r->done_stack[r->ndone++] = i;
			rn_step_state(r, i, RS_DONE, r->override.n ? "started the existing container" : NULL);
			r->cur++;
		} else if (r->cancel || p->cancelled) {
			/* The daemon may have made the object before the client was
			 * stopped: its undo (by name) goes on the rollback stack. */
			if (r->steps[i].step->undo.n && !r->override.n)
				r->done_stack[r->ndone++] = i;
			rn_step_state(r, i, RS_CANCELLED, "cancelled");
		} else {
			/* A failed `docker run` may still have created the container:
			 * its undo (rm -f) goes on the rollback stack too. */
			if (r->steps[i].step->kind == STEP_RUN && r->steps[i].step->undo.n && !r->override.n)
				r->done_stack[r->ndone++] = i;
			char *last = rn_daemon_words(p->err.len ? &p->err : &p->out);
			char note[ERR_MAX + 300];
			snprintf(note, sizeof(note), "%s%s%s", desc, *last ? ": " : "", last);
			free(last);
			free(r->last_error);
			r->last_error = xstrdup(note);
			rn_step_state(r, i, RS_FAILED, note);
			if (r->down) /* down keeps going */
				r->cur++;
		}
		break;
	}
	case CH_UNDO: {
		struct run_step *us = &r->steps[r->undo_pos];
		/* "No such container/volume/network": nothing was left to undo. */
		int gone = !ok && (strstr(p->err.buf, "No such") || strstr(p->err.buf, "no such"));
		if (us->state == RS_FAILED || us->state == RS_CANCELLED) {
			/* The failed step's own leftovers: keep its failure visible. */
			if (ok)
				rn_logf(r, "[%zu] removed what the %s step left", r->undo_pos + 1,
					us->state == RS_CANCELLED ? "cancelled" : "failed");
		} else {
			rn_step_state(r, r->undo_pos, ok || gone ? RS_UNDONE : RS_UNDO_FAILED,
				      ok || gone ? "rolled back" : desc);
		}
		if (!ok && !gone) {
			/* What is left, and how to remove it: said, never "rolled back". */
			char *last = rn_daemon_words(&p->err);
			struct strbuf cmd = STRBUF_INIT;
			for (size_t k = 0; k < us->step->undo.n; k++)
				strbuf_addf(&cmd, "%s%s", k ? " " : "", us->step->undo.v[k]);
			strvec_pushf(&r->result.leftovers, "%s (%s%s%s): remove it with '%s'", us->step->object, desc,
				     *last ? ": " : "", last, cmd.buf);
			free(last);
			strbuf_release(&cmd);
		}
		break;
	}
	case CH_EXEC:
		if (!r->cancel)
			rn_verify_exec_done(r, p, ok, desc);
		break;
	case CH_LOGS:
		if (!r->cancel)
			rn_verify_logs_done(r);
		break;
	case CH_DIAG:
		if (!r->cancel)
			rn_verify_probe_done(r, p);
		break;
	case CH_FULL:
		if (!r->cancel)
			rn_full_done(r, p, ok, desc);
		break;
	}
	proc_release(&done);
	if (rerun)
		rn_run_step_now(r, r->cur);
}

static void advance(struct runner *r)
{
	for (int guard = 0; guard < 1000; guard++) {
		if (r->sub != SUB_IDLE || r->phase == PHASE_DONE)
			return;
		if (r->phase == PHASE_STEPS) {
			if (r->cur < r->n && r->steps[r->cur].state == RS_FAILED && !r->down) {
				r->result.failed_step = (int)r->cur;
				size_t rolled = 0;
				for (size_t k = 0; k < r->ndone; k++)
					rolled += r->steps[r->done_stack[k]].step->undo.n > 0;
				rn_set_message(r, "step %zu (%s) failed: %s%s", r->cur + 1, r->steps[r->cur].step->desc,
					    r->steps[r->cur].note ? r->steps[r->cur].note : "?",
					    r->keep ? "; kept what was done (--keep)"
					    : rolled ? "; rolling back what this run created" : "");
				start_rollback(r);
				continue;
			}
			if (r->cur < r->n && r->steps[r->cur].state == RS_CANCELLED) {
				r->result.cancelled = 1;
				rn_set_message(r, "cancelled during step %zu (%s)%s", r->cur + 1, r->steps[r->cur].step->desc,
					    r->keep ? "" : "; rolling back what this run created");
				start_rollback(r);
				continue;
			}
			if (r->cancel) {
				r->result.cancelled = 1;
				rn_set_message(r, "cancelled%s", r->keep ? "" : "; rolling back what this run created");
				start_rollback(r);
				continue;
			}
			if (r->cur >= r->n) {
				if (r->down) {
					int failed = 0;
					for (size_t k = 0; k < r->n; k++)
						failed += r->steps[k].state == RS_FAILED;
					r->result.ok = !failed;
					if (failed)
						rn_set_message(r, "%d of %zu removals failed", failed, r->n);
					else
						rn_set_message(r, "removed %zu object%s", r->n, r->n == 1 ? "" : "s");
					r->phase = PHASE_DONE;
					return;
				}
				rn_start_verify(r);
				continue;
			}
			rn_begin_step(r, r->cur);
			continue;
		}
		if (r->phase == PHASE_VERIFY) {
			if (r->cancel) {
				r->result.cancelled = 1;
				rn_set_message(r, "cancelled during verification%s",
					    r->keep ? "" : "; rolling back what this run created");
				start_rollback(r);
				continue;
			}
			return;
		}
		if (r->phase == PHASE_ROLLBACK) {
			rollback_next(r);
			if (r->phase == PHASE_DONE && r->result.message) {
				/* "rolled back" only when every undo succeeded */
				char *m = r->result.leftovers.n
						  ? xasprintf("%s; rolled back except %zu object%s left (see below)",
							      r->result.message, r->result.leftovers.n,
							      r->result.leftovers.n == 1 ? "" : "s")
						  : xasprintf("%s; rolled back", r->result.message);
				char *p = strstr(m, "; rolling back what this run created");
				if (p)
					memmove(p, p + strlen("; rolling back what this run created"),
						strlen(p + strlen("; rolling back what this run created")) + 1);
				free(r->result.message);
				r->result.message = m;
				rn_changed(r);
			}
			continue;
		}
	}
}

struct runner *runner_new(struct net *net, const struct runner_config *cfg, struct err *e)
{
	if (!net || !cfg || !cfg->plan)
		return err_set(e, "runner: no network or plan"), NULL;
	struct runner *r = xcalloc(1, sizeof(*r));
	r->net = net;
	r->plan = cfg->plan;
	r->adopt = cfg->adopt;
	r->recreate = cfg->recreate;
	r->keep = cfg->keep;
	r->keep_on_verify = cfg->keep_on_verify;
	r->down = cfg->down;
	r->verify_ms = cfg->verify_timeout_ms > 0 ? cfg->verify_timeout_ms : VERIFY_DEFAULT_MS;
	r->grace_ms = cfg->step_grace_ms > 0 ? cfg->step_grace_ms : GRACE_DEFAULT_MS;
	r->docker = xstrdup(cfg->docker ? cfg->docker : "docker");
	r->n = cfg->plan->n;
	r->steps = xcalloc(r->n ? r->n : 1, sizeof(*r->steps));
	r->done_stack = xcalloc(r->n ? r->n : 1, sizeof(size_t));
	for (size_t i = 0; i < r->n; i++)
		r->steps[i].step = &cfg->plan->steps[i];
	strbuf_init(&r->activity);
	strbuf_init(&r->pullbuf);
	strvec_init(&r->log);
	strvec_init(&r->override);
	strvec_init(&r->diag.logs);
	strvec_init(&r->result.changes);
	strvec_init(&r->result.leftovers);
	proc_init(&r->child);
	endpoint_init(&r->ep);
	r->result.failed_step = -1;
	r->phase = PHASE_STEPS;
	/* The workspace to verify and its web port: the plan says (typed). */
	if (cfg->plan->ws_name)
		r->ws_name = xstrdup(cfg->plan->ws_name);
	r->web_path = xstrdup(cfg->plan->web_path ? cfg->plan->web_path : "/healthz");
	if (cfg->plan->publish.host_port) {
		r->pub = cfg->plan->publish;
		r->published = 1;
	}
	struct err ee;
	if (!endpoint_resolve(&r->ep, &ee)) {
		r->ep_ok = 1;
		if (!engine_target_init(&r->target, &r->ep, getenv("DOCKER_API_VERSION"), &ee))
			r->target_ok = 1;
		if (r->target_ok && r->ep.kind != EP_UNIX && cfg->remote_timeout_ms > 0)
			r->target.connect_timeout_ms = r->target.timeout_ms = cfg->remote_timeout_ms;
	}
	if (r->published) {
		const char *host = r->pub.bind;
		if (r->ep_ok && r->ep.kind != EP_UNIX && r->ep.host)
			host = r->ep.host;
		else if (!*host || !strcmp(host, "0.0.0.0"))
			host = "127.0.0.1";
		else if (!strcmp(host, "[::]"))
			host = "[::1]";
		r->result.url = xasprintf("http://%s:%d/", host, r->pub.host_port);
	}
	r->on_step_line = rn_on_child_line;
	r->on_verify_line = rn_verify_child_line;
	return r;
}

void runner_start(struct runner *r)
{
	if (r->started)
		return;
	r->started = 1;
	if (write_json(r)) {
		r->phase = PHASE_DONE;
		rn_changed(r);
		return;
	}
	advance(r);
}

int runner_pollfds(struct runner *r, struct pollfd *fds, int max)
{
	return r->child_running ? proc_pollfds(&r->child, fds, max) : 0;
}

int runner_timeout_ms(struct runner *r)
{
	int t = -1;
	if (r->child_running)
		t = proc_timeout_ms(&r->child);
	if (r->sub == SUB_WAIT) {
		long long d = r->wake_ms - proc_now_ms();
		int w = d < 0 ? 0 : (int)d;
		if (t < 0 || w < t)
			t = w;
	}
	if (r->child_running && (r->child_kind == CH_EXEC || r->child_kind == CH_DIAG)) {
		long long d = r->child.started_ms + EXEC_TRY_MS - proc_now_ms();
		int w = d < 0 ? 0 : (int)d;
		if (t < 0 || w < t)
			t = w;
	}
	if (r->child_running && r->child_kind == CH_FULL) {
		long long d = r->full_deadline - proc_now_ms();
		int w = d < 0 ? 0 : (int)d;
		if (t < 0 || w < t)
			t = w;
	}
	return t;
}

void runner_pump(struct runner *r)
{
	if (!r->started)
		return;
	if (r->child_running) {
		proc_pump(&r->child);
		proc_reap(&r->child);
		if ((r->child_kind == CH_EXEC || r->child_kind == CH_DIAG) && !r->child.cancelled &&
		    proc_now_ms() - r->child.started_ms > EXEC_TRY_MS)
			proc_cancel(&r->child, 1000);
		if (r->child_kind == CH_FULL && !r->child.cancelled && proc_now_ms() >= r->full_deadline)
			proc_cancel(&r->child, 1000); /* --verify full's bound */
		proc_tick(&r->child);
		if (proc_done(&r->child))
			child_finished(r);
	}
	if (r->sub == SUB_WAIT && proc_now_ms() >= r->wake_ms) {
		r->sub = SUB_IDLE;
		if (!r->cancel)
			rn_verify_next(r);
	}
	advance(r);
}


unsigned runner_generation(const struct runner *r)
{
	return r->generation;
}

void runner_cancel(struct runner *r)
{
	if (r->cancel || r->phase == PHASE_DONE || r->phase == PHASE_ROLLBACK)
		return;
	r->cancel = 1;
	rn_activity(r, "cancelling");
	if (r->child_running && r->child_kind == CH_STEP && r->cur < r->n &&
	    r->steps[r->cur].step->kind != STEP_PULL)
		/* A create or run goes on in the daemon when its client is
		 * stopped, and could make its object after the undo: it is
		 * let finish (bounded by the grace), then undone. */
		proc_cancel_later(&r->child, (int)r->grace_ms, (int)r->grace_ms);
	else if (r->child_running && r->child_kind != CH_UNDO)
		proc_cancel(&r->child, (int)r->grace_ms);
	if (r->sub == SUB_PROBE || r->sub == SUB_PULL) {
		net_cancel(r->net, r->net_id);
		r->net_id = 0;
		if (r->phase == PHASE_STEPS && r->cur < r->n)
			rn_step_state(r, r->cur, RS_CANCELLED, "cancelled");
		r->pull.active = 0;
		r->sub = SUB_IDLE;
	}
	if (r->sub == SUB_WAIT)
		r->sub = SUB_IDLE;
	if (r->started)
		advance(r);
}

enum run_phase runner_phase(const struct runner *r)
{
	return r->phase;
}

size_t runner_nsteps(const struct runner *r)
{
	return r->n;
}

const struct run_step *runner_step(const struct runner *r, size_t i)
{
	return i < r->n ? &r->steps[i] : NULL;
}

const struct strvec *runner_log(const struct runner *r)
{
	return &r->log;
}

const struct run_pull *runner_pull(const struct runner *r)
{
	return &r->pull;
}

const struct run_result *runner_result(const struct runner *r)
{
	return &r->result;
}

const char *runner_activity(const struct runner *r)
{
	return r->activity.buf;
}

const struct run_wait *runner_wait(const struct runner *r)
{
	return &r->wait;
}

void runner_free(struct runner *r)
{
	if (!r)
		return;
	if (r->net_id)
		net_cancel(r->net, r->net_id);
	proc_release(&r->child);
	for (size_t i = 0; i < r->n; i++)
		free(r->steps[i].note);
	free(r->json_old);
	free(r->steps);
	free(r->done_stack);
	rn_pull_reset(r, NULL);
	strbuf_release(&r->pullbuf);
	strbuf_release(&r->activity);
	strvec_release(&r->log);
	strvec_release(&r->override);
	if (r->target_ok)
		engine_target_release(&r->target);
	endpoint_release(&r->ep);
	free(r->docker);
	free(r->ws_name);
	free(r->web_path);
	free(r->web_url);
	rn_diag_release(r);
	free(r->last_error);
	free(r->result.hint);
	free(r->result.message);
	free(r->result.container_id);
	free(r->result.url);
	free(r->result.inner_version);
	strvec_release(&r->result.changes);
	strvec_release(&r->result.leftovers);
	free(r);
}

void runner_run(struct runner *r, void (*on_change)(struct runner *r, void *ctx), void *ctx,
		volatile int *interrupted)
{
	runner_start(r);
	unsigned seen = 0;
	while (!runner_done(r)) {
		if (interrupted && *interrupted)
			runner_cancel(r);
		struct pollfd fds[4];
		int n = runner_pollfds(r, fds, 4);
		int wait = 50; /* Ctrl-C (polled each turn) answers within a tick */
		int t = runner_timeout_ms(r);
		if (t >= 0 && t < wait)
			wait = t;
		struct err e;
		net_wait(r->net, fds, (unsigned)n, wait, &e);
		net_dispatch(r->net);
		runner_pump(r);
		if (on_change && runner_generation(r) != seen) {
			seen = runner_generation(r);
			on_change(r, ctx);
		}
	}
	if (on_change && runner_generation(r) != seen)
		on_change(r, ctx);
}
