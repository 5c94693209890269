/* wizard_down.c - take a launch down from the poll loop (teardown lookup,
 * then a runner in down mode). */
#include "wizard_down.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "launch/plan.h"
#include "run/runner.h"
#include "run/teardown.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum down_phase { DP_IDLE, DP_LOOKUP, DP_RUN, DP_DONE };

static struct {
	enum down_phase phase;
	struct net *net;
	struct endpoint ep;
	struct engine_target t;
	int target_ok;
	struct teardown *td;
	struct plan plan;
	int have_plan;
	struct runner *r;
	unsigned gen;
	size_t copied;          /* runner log lines copied into log */
	struct strvec log;
	char msg[ERR_MAX + 64];
	int failed;
	int changed;
	char *docker;
	char *label;
} ds = { .log = STRVEC_INIT };

void down_stop(void)
{
	runner_free(ds.r);
	ds.r = NULL;
	teardown_free(ds.td);
	ds.td = NULL;
	if (ds.have_plan)
		plan_release(&ds.plan);
	ds.have_plan = 0;
	if (ds.target_ok)
		engine_target_release(&ds.t);
	ds.target_ok = 0;
	if (ds.phase != DP_IDLE)
		endpoint_release(&ds.ep);
	strvec_release(&ds.log);
	free(ds.docker);
	free(ds.label);
	ds.docker = ds.label = NULL;
	ds.phase = DP_IDLE;
	ds.copied = 0;
	ds.msg[0] = '\0';
	ds.failed = 0;
}

static void finish(int failed, const char *msg)
{
	ds.phase = DP_DONE;
	ds.failed = failed;
	snprintf(ds.msg, sizeof(ds.msg), "%s", msg);
	strvec_push(&ds.log, msg);
	ds.changed = 1;
}

static void on_found(struct plan *p, const struct err *error, void *ctx)
{
	(void)ctx;
	ds.changed = 1;
	if (error) {
		plan_release(p);
		char m[ERR_MAX + 32];
		snprintf(m, sizeof(m), "down: %s", error->msg);
		finish(1, m);
		return;
	}
	ds.plan = *p;
	ds.have_plan = 1;
	if (!ds.plan.n) {
		char m[256];
		snprintf(m, sizeof(m), "down: nothing to remove (no container or network labelled ws-launch.launch=%s)",
			 ds.label);
		finish(0, m);
		return;
	}
	struct err e;
	struct runner_config cfg = { .plan = &ds.plan, .down = 1, .docker = ds.docker };
	ds.r = runner_new(ds.net, &cfg, &e);
	if (!ds.r) {
		char m[ERR_MAX + 32];
		snprintf(m, sizeof(m), "down: %s", e.msg);
		finish(1, m);
		return;
	}
	ds.phase = DP_RUN;
	runner_start(ds.r);
}

int down_start(struct net *net, const char *label, const char *docker, struct err *e)
{
	down_stop();
	ds.net = net;
	endpoint_init(&ds.ep);
	ds.phase = DP_LOOKUP;
	ds.docker = docker ? xstrdup(docker) : NULL;
	ds.label = xstrdup(label);
	if (endpoint_resolve(&ds.ep, e) || engine_target_init(&ds.t, &ds.ep, getenv("DOCKER_API_VERSION"), e)) {
		down_stop();
		return -1;
	}
	ds.target_ok = 1;
	strvec_pushf(&ds.log, "down: looking up what carries ws-launch.launch=%s", label);
	ds.td = teardown_start(net, &ds.t, label, 0, on_found, NULL);
	return 0;
}

int down_pollfds(struct pollfd *fds, int max, int *wait)
{
	if (ds.phase != DP_RUN || !ds.r)
		return 0;
	int t = runner_timeout_ms(ds.r);
	if (t >= 0 && t < *wait)
		*wait = t;
	return runner_pollfds(ds.r, fds, max);
}

int down_pump(void)
{
	if (ds.phase == DP_RUN && ds.r) {
		runner_pump(ds.r);
		const struct strvec *l = runner_log(ds.r);
		for (; ds.copied < l->n; ds.copied++)
			strvec_push(&ds.log, l->v[ds.copied]);
		unsigned g = runner_generation(ds.r);
		if (g != ds.gen) {
			ds.gen = g;
			ds.changed = 1;
		}
		if (runner_done(ds.r)) {
			const struct run_result *res = runner_result(ds.r);
			char m[ERR_MAX];
			snprintf(m, sizeof(m), "down: %s", res->message ? res->message : res->ok ? "done" : "failed");
			finish(!res->ok, m);
		}
	}
	int c = ds.changed;
	ds.changed = 0;
	return c;
}

int down_busy(void)
{
	return ds.phase == DP_LOOKUP || ds.phase == DP_RUN;
}

int down_finished(int *failed)
{
	if (failed)
		*failed = ds.failed;
	return ds.phase == DP_DONE;
}

const char *down_message(void)
{
	return ds.msg;
}

const struct strvec *down_log(void)
{
	return &ds.log;
}
