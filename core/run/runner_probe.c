/* runner_probe.c - before each step, what already exists: reused,
 * started, replaced (--recreate) or refused as foreign (runner_internal.h). */
#include "runner_internal.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "base/imageref.h"
#include "base/jdoc.h"
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


/* ---- probes ------------------------------------------------------------------- */


static void on_probe(struct engine_result *res, void *ctx)
{
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	size_t i = r->cur;
	const struct step *st = r->steps[i].step;
	if (r->cancel) {
		rn_step_state(r, i, RS_CANCELLED, "cancelled");
		return;
	}
	if (res->status != ENGINE_OK || !res->object) {
		/* Cannot tell: run the step, docker will say what is wrong. */
		rn_logf(r, "[%zu] could not check %s first: %s", i + 1, st->object, res->err.msg);
		rn_run_step_now(r, i);
		return;
	}
	struct engine_object *o = res->object;
	if (!o->exists) {
		rn_run_step_now(r, i);
		return;
	}
	const char *label = engine_labels_get(&o->labels, LABEL_LAUNCH);
	int ours = label && r->plan->label && !strcmp(label, r->plan->label);
	char note[512];
	switch (st->kind) {
	case STEP_VOLUME:
		/* A volume of this name that the launch did not create holds
		 * someone else's data: used only when asked (--adopt).  Without
		 * launch labels (the docs form) there is no telling: kept. */
		if (ours || !r->plan->label || r->adopt) {
			rn_step_state(r, i, RS_SKIPPED, ours ? "exists: reused" : "exists (not created by ws-launch): adopted");
			r->cur++;
			return;
		}
		snprintf(note, sizeof(note),
			 "a volume named %s exists and was not created by this launch; it was not touched "
			 "(pass --adopt to use it as this launch's volume, or choose another name)",
			 st->object);
		break;
	case STEP_NETWORK:
		if (ours) {
			rn_step_state(r, i, RS_SKIPPED, "exists: reused");
			r->cur++;
			return;
		}
		snprintf(note, sizeof(note),
			 "a network named %s exists and was not created by this launch; it was not touched "
			 "(remove it with 'docker network rm %s' or choose --network)",
			 st->object, st->object);
		break;
	case STEP_RUN: {
		const char *was = engine_labels_get(&o->labels, LABEL_DIGEST);
		if (ours && was && r->plan->digest && strcmp(was, r->plan->digest)) {
			if (!r->recreate) {
				const char *old_opts = engine_labels_get(&o->labels, LABEL_OPTIONS);
				strvec_clear(&r->result.changes);
				if (old_opts && r->plan->options)
					launch_diff(old_opts, r->plan->options, &r->result.changes);
				r->result.changed = 1;
				snprintf(note, sizeof(note),
					 "%s was launched with other options (%zu rn_changed); nothing was replaced: "
					 "--recreate replaces the launch's containers, keeping its volumes",
					 st->object, r->result.changes.n);
				break;
			}
			strvec_clear(&r->override);
			strvec_pushl(&r->override, "docker", "rm", "-f", "--", st->object, NULL);
			r->replacing = 1;
			rn_logf(r, "[%zu] %s was launched with other options: replacing it", i + 1, st->object);
			rn_step_state(r, i, RS_RUNNING, "replacing the container launched with other options");
			if (rn_start_child(r, CH_STEP, (const char *const *)r->override.v, st->desc)) {
				r->replacing = 0;
				rn_step_state(r, i, RS_FAILED, r->last_error);
			}
			return;
		}
		if (ours && o->running) {
			rn_step_state(r, i, RS_SKIPPED, "already running");
			if (st->role == ROLE_WORKSPACE)
				r->result.already_running = 1;
			r->cur++;
			return;
		}
		if (ours) {
			/* Ours but stopped: start it again rather than recreate. */
			strvec_clear(&r->override);
			strvec_pushl(&r->override, "docker", "start", st->object, NULL);
			rn_logf(r, "[%zu] %s exists (%s): starting it", i + 1, st->object, o->status ? o->status : "stopped");
			rn_step_state(r, i, RS_RUNNING, "starting the existing container");
			if (rn_start_child(r, CH_STEP, (const char *const *)r->override.v, st->desc))
				rn_step_state(r, i, RS_FAILED, r->last_error);
			return;
		}
		snprintf(note, sizeof(note),
			 "a container named %s exists and was not created by this launch; it was not touched "
			 "(remove it with 'docker rm -f %s' or choose another name)",
			 st->object, st->object);
		break;
	}
	default:
		rn_run_step_now(r, i);
		return;
	}
	free(r->last_error);
	r->last_error = xstrdup(note);
	rn_step_state(r, i, RS_FAILED, note);
}

void rn_run_step_now(struct runner *r, size_t i)
{
	const struct step *st = r->steps[i].step;
	rn_step_state(r, i, RS_RUNNING, NULL);
	rn_activity(r, "step %zu/%zu: %s", i + 1, r->n, st->desc);
	strvec_clear(&r->override);
	if (st->kind == STEP_PULL && !r->down) {
		rn_start_pull(r, i);
		return;
	}
	if (rn_start_child(r, CH_STEP, (const char *const *)st->argv.v, st->desc))
		rn_step_state(r, i, RS_FAILED, r->last_error);
}

void rn_begin_step(struct runner *r, size_t i)
{
	const struct step *st = r->steps[i].step;
	rn_activity(r, "step %zu/%zu: %s", i + 1, r->n, st->desc);
	if (r->down || !r->target_ok || !st->object || st->kind == STEP_PULL) {
		rn_run_step_now(r, i);
		return;
	}
	unsigned id = 0;
	if (st->kind == STEP_NETWORK)
		id = engine_network(r->net, &r->target, st->object, on_probe, r);
	else if (st->kind == STEP_VOLUME)
		id = engine_volume(r->net, &r->target, st->object, on_probe, r);
	else if (st->kind == STEP_RUN && st->probe.n)
		id = engine_container(r->net, &r->target, st->object, on_probe, r);
	if (!id) {
		rn_run_step_now(r, i);
		return;
	}
	r->net_id = id;
	r->sub = SUB_PROBE;
	r->steps[i].state = RS_RUNNING;
	r->steps[i].started_ms = proc_now_ms();
	rn_changed(r);
}
