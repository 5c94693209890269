/* runner_verify.c - after the steps, the verification stages (runner_internal.h):
 *
 *   V_INSPECT  the workspace container runs (Engine API inspect)
 *   V_EXEC     `docker exec NAME docker version` reaches a daemon, retried
 *              until the bound while runner_diagnose.c watches the workspace
 *              and stops at once when the outcome is certain
 *   V_PULL,    --verify full: the inner daemon pulls a small image and runs
 *   V_RUN      a container of it (runner_full.c)
 *   V_HTTP     GET <web path> on the published port answers 2xx
 *
 * A stage ends with rn_verify_pass(r, NEXT) or rn_verify_fail(r, ...).
 * Another stage is a value of enum vstage before V_DONE, a case in
 * rn_verify_next() that starts its probe, and a completion that calls one
 * of those two (docs/ARCHITECTURE.md, "Verification"). */
#include "runner_internal.h"
#include "engine/engine.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



/* The end of the message after --verify full: three %s. */
#define FULL_SAID(r) (r)->plan->verify_image ? " (pulled and ran " : "", \
	(r)->plan->verify_image ? (r)->plan->verify_image : "", (r)->plan->verify_image ? " inside)" : ""

void rn_verify_pass(struct runner *r, enum vstage next)
{
	r->vstage = next;
	r->vtries = 0;
	rn_verify_next(r);
}




/* ---- V_EXEC: docker version inside ------------------------------------------- */

void rn_verify_exec_done(struct runner *r, struct proc *p, int ok, const char *desc)
{
	if (ok && p->out.len) {
		r->wait.active = 0;
		free(r->result.inner_version);
		r->result.inner_version = rn_last_line(&p->out);
		rn_logf(r, "[verify] docker inside the workspace reaches Docker %s", r->result.inner_version);
		rn_verify_pass(r, r->plan->verify_image ? V_PULL : V_HTTP);
		return;
	}
	char *last = rn_last_line(p->err.len ? &p->err : &p->out);
	free(r->last_error);
	r->last_error = *last ? xstrdup(last) : xstrdup(desc);
	free(last);
	rn_verify_waiting(r, r->last_error);
	/* What watches the workspace decides: certain now, or try again. */
	rn_diagnose(r, &p->err);
}


/* ---- V_HTTP: the web check ---------------------------------------------------- */

/* The body's first line, quoted, escaped and bounded (show.h), malloc'd;
 * "" when the body is empty. */
static char *first_line(const struct strbuf *b)
{
	size_t n = 0;
	while (n < b->len && b->buf[n] != '\n' && b->buf[n] != '\r')
		n++;
	if (!n)
		return xstrdup("");
	char *raw = xstrndup(b->buf, n), *s = show_dup(raw, 120);
	free(raw);
	return s;
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
	int any = !*r->web_path; /* --verify-http none: any answer */
	if (rp->result == NET_OK && (any || (rp->status >= 200 && rp->status < 300))) {
		rn_logf(r, "[verify] %s answers HTTP %ld", r->web_url, rp->status);
		r->vstage = V_DONE;
		r->result.ok = 1;
		r->phase = PHASE_DONE;
		rn_set_message(r, "%s workspace %s%s: %s, Docker %s inside%s%s%s", r->result.already_running ? "running" : "launched",
			    r->ws_name, r->result.already_running ? " (already up)" : "", r->result.url,
			    r->result.inner_version ? r->result.inner_version : "?", FULL_SAID(r));
		rn_activity(r, "verified");
		return;
	}
	free(r->last_error);
	if (rp->result == NET_OK) {
		char *line = first_line(&rp->body);
		r->last_error = xasprintf("GET %s answers HTTP %ld%s%s", r->web_path, rp->status, *line ? ": " : "",
					  line);
		free(line);
	} else {
		r->last_error = xasprintf("GET %s: %s", r->web_url, rp->err.msg);
	}
	if (proc_now_ms() >= r->vdeadline) {
		rn_verify_fail(r, "the workspace is not serving after %ld s: %s (--verify-http PATH checks another "
				  "path)", r->verify_ms / 1000, r->last_error);
		return;
	}
	rn_activity(r, "verifying: %s answers 2xx (%s)", r->web_url, r->last_error);
	long long now = proc_now_ms();
	if (rp->result != NET_OK && now >= r->diag.next_ms) {
		/* No answer at all: the workspace may have exited meanwhile. */
		r->diag.next_ms = now + DIAG_EVERY_MS;
		rn_watch_container(r, r->ws_name);
		return;
	}
	rn_verify_retry(r);
}

static void start_http(struct runner *r)
{
	if (!r->published || !r->result.url) {
		r->vstage = V_DONE;
		r->result.ok = 1;
		r->phase = PHASE_DONE;
		rn_set_message(r, "workspace %s is up (no published port), Docker %s inside%s%s%s", r->ws_name,
			       r->result.inner_version ? r->result.inner_version : "?", FULL_SAID(r));
		rn_activity(r, "done");
		return;
	}
	if (!r->web_url) {
		/* The launch's TLS setting: https, and the workspace's own
		 * (self-signed by default) certificate is not verified. */
		const char *u = r->result.url;
		if (r->plan->web_tls && !strncmp(u, "http://", 7))
			r->web_url = xasprintf("https://%s%s", u + 7, *r->web_path ? r->web_path + 1 : "");
		else
			r->web_url = xasprintf("%s%s", u, *r->web_path ? r->web_path + 1 : "");
	}
	rn_activity(r, "verifying: %s answers", r->web_url);
	struct net_request req = { .method = NET_GET, .url = r->web_url, .no_proxy = 1, .insecure = r->plan->web_tls,
				   .connect_timeout_ms = 2000, .timeout_ms = 3000, .max_reply = 1 << 20 };
	r->net_id = net_start(r->net, &req, on_http, NULL, r);
	r->sub = SUB_PROBE;
}

/* ---- the stages ------------------------------------------------------------------ */

void rn_verify_next(struct runner *r)
{
	switch (r->vstage) {
	case V_INSPECT:
		rn_activity(r, "verifying: the workspace container runs");
		rn_watch_container(r, r->ws_name);
		return;
	case V_EXEC: {
		if (!r->wait.active)
			rn_activity(r, "verifying: docker inside the workspace reaches a daemon (bound %ld s)",
				    r->verify_ms / 1000);
		const char *argv[] = { "docker", "exec", r->ws_name, "docker", "version", "--format",
				       "{{.Server.Version}}", NULL };
		if (rn_start_child(r, CH_EXEC, argv, "verify"))
			rn_verify_fail(r, "cannot run docker exec: %s", r->last_error);
		return;
	}
	case V_PULL:
	case V_RUN:
		rn_full_next(r);
		return;
	case V_HTTP:
		r->wait.active = 0;
		start_http(r);
		return;
	case V_DONE:
		return;
	}
}

void rn_start_verify(struct runner *r)
{
	r->phase = PHASE_VERIFY;
	r->vstage = V_INSPECT;
	r->vstart_ms = proc_now_ms();
	r->vdeadline = r->vstart_ms + r->verify_ms;
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
