/* runner_verify.c - after the steps: the workspace runs, docker inside
 * reaches a daemon, the web port answers, within the bound (runner_internal.h). */
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


/* ---- verification ------------------------------------------------------------- */


void rn_verify_fail(struct runner *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	rn_set_message(r, "%s; the containers were kept for inspection: 'docker logs %s', then "
		       "'ws-launch down --name %s'",
		    sb.buf, r->ws_name, r->plan->label ? r->plan->label : r->ws_name);
	strbuf_release(&sb);
	r->result.ok = 0;
	r->phase = PHASE_DONE;
	r->vstage = V_DONE;
	rn_activity(r, "verification failed");
}


/* Retries come fast while a daemon or web server is starting, then slower. */
long rn_retry_delay(struct runner *r)
{
	long d = VERIFY_RETRY_MIN_MS << (r->vtries < 5 ? r->vtries : 5);
	r->vtries++;
	return d < VERIFY_RETRY_MAX_MS ? d : VERIFY_RETRY_MAX_MS;
}

static void on_inspect(struct engine_result *res, void *ctx)
{
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	if (r->cancel)
		return;
	if (res->status != ENGINE_OK || !res->object || !res->object->exists) {
		rn_verify_fail(r, "cannot find the workspace container %s: %s", r->ws_name,
			    res->status != ENGINE_OK ? res->err.msg : "it does not exist");
		return;
	}
	free(r->result.container_id);
	r->result.container_id = res->object->id ? xstrndup(res->object->id, 12) : NULL;
	if (!res->object->running) {
		rn_logf(r, "[verify] the workspace is %s; its last log lines:", res->object->status);
		const char *argv[] = { "docker", "logs", "--tail", "20", r->ws_name, NULL };
		free(r->last_error);
		r->last_error = xasprintf("the workspace container is not running (%s)",
					  res->object->status ? res->object->status : "?");
		if (rn_start_child(r, CH_LOGS, argv, "logs"))
			rn_verify_fail(r, "%s", r->last_error);
		return;
	}
	rn_logf(r, "[verify] container %s is running", r->result.container_id ? r->result.container_id : r->ws_name);
	r->vstage = V_EXEC;
	r->vtries = 0;
	rn_verify_next(r);
}

static void on_http(struct net *net, unsigned id, struct net_reply *rp, void *ctx)
{
	(void)net;
	(void)id;
	struct runner *r = ctx;
	r->net_id = 0;
	r->sub = SUB_IDLE;
	if (r->cancel)
		return;
	if (rp->result == NET_OK) {
		rn_logf(r, "[verify] %s answers HTTP %ld", r->result.url, rp->status);
		r->vstage = V_DONE;
		r->result.ok = 1;
		r->phase = PHASE_DONE;
		rn_set_message(r, "%s workspace %s%s: %s, Docker %s inside", r->result.already_running ? "running" : "launched",
			    r->ws_name, r->result.already_running ? " (already up)" : "", r->result.url,
			    r->result.inner_version ? r->result.inner_version : "?");
		rn_activity(r, "verified");
		return;
	}
	free(r->last_error);
	r->last_error = xasprintf("%s: %s", r->result.url, rp->err.msg);
	if (proc_now_ms() >= r->vdeadline) {
		rn_verify_fail(r, "the web port does not answer: %s", r->last_error);
		return;
	}
	r->sub = SUB_WAIT;
	r->wake_ms = proc_now_ms() + rn_retry_delay(r);
}

void rn_verify_next(struct runner *r)
{
	switch (r->vstage) {
	case V_INSPECT:
		rn_activity(r, "verifying: the workspace container runs");
		r->net_id = engine_container(r->net, &r->target, r->ws_name, on_inspect, r);
		r->sub = SUB_PROBE;
		return;
	case V_EXEC: {
		rn_activity(r, "verifying: docker version inside the workspace (try %d)", r->vtries + 1);
		const char *argv[] = { "docker", "exec", r->ws_name, "docker", "version", "--format",
				       "{{.Server.Version}}", NULL };
		if (rn_start_child(r, CH_EXEC, argv, "verify"))
			rn_verify_fail(r, "cannot run docker exec: %s", r->last_error);
		return;
	}
	case V_HTTP: {
		if (!r->published || !r->result.url) {
			r->vstage = V_DONE;
			r->result.ok = 1;
			r->phase = PHASE_DONE;
			rn_set_message(r, "workspace %s is up (no published port), Docker %s inside", r->ws_name,
				    r->result.inner_version ? r->result.inner_version : "?");
			rn_activity(r, "done");
			return;
		}
		rn_activity(r, "verifying: %s answers", r->result.url);
		struct net_request req = { .method = NET_GET, .url = r->result.url, .no_proxy = 1,
					   .connect_timeout_ms = 2000, .timeout_ms = 3000, .max_reply = 1 << 20 };
		r->net_id = net_start(r->net, &req, on_http, NULL, r);
		r->sub = SUB_PROBE;
		return;
	}
	case V_DONE:
		return;
	}
}

void rn_start_verify(struct runner *r)
{
	r->phase = PHASE_VERIFY;
	r->vstage = V_INSPECT;
	r->vdeadline = proc_now_ms() + r->verify_ms;
	if (!r->ws_name) {
		r->result.ok = 1;
		r->phase = PHASE_DONE;
		rn_set_message(r, "the steps ran; the workspace has no name, so it was not verified");
		return;
	}
	if (!r->target_ok) {
		rn_verify_fail(r, "cannot reach the engine to verify the workspace");
		return;
	}
	rn_verify_next(r);
}
