/* runner_full.c - --verify full (runner_internal.h): after docker inside
 * answers, the inner daemon pulls a small image and runs a container of it:
 *
 *   V_PULL  `docker exec NAME docker pull REF`
 *   V_RUN   `docker exec NAME docker run --rm --entrypoint true REF`
 *
 * The exec goes where the quick check's goes: into the workspace, whose
 * docker reaches its daemon (its own, or the dind sidecar).  Both together
 * are bounded by the verification bound (--verify-timeout), counted from
 * the pull's start; a failure names the step and the inner daemon's own
 * line.  Each ends in rn_verify_pass_later() or rn_verify_fail()
 * (runner_verdict.c); nothing here calls runner_verify.c, which calls here. */
#include "runner_internal.h"
#include "base/imageref.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

#define FULL_LINE_MAX 300 /* bytes of the inner daemon's line in a message */

/* Whether the comma list LIST has the item ITEM. */
static int list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && !strncmp(p, item, n))
			return 1;
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Where the pull of the plan's image goes, for the progress line: the
 * inner daemon's mirror (Docker Hub images only), an insecure registry,
 * or the image's registry.  Malloc'd. */
static char *pull_route(const struct runner *r)
{
	const struct plan *pl = r->plan;
	struct imageref ref;
	struct err e;
	if (imageref_parse(pl->verify_image, &ref, &e))
		return xstrdup("");
	struct strbuf sb = STRBUF_INIT;
	int hub = !strcmp(ref.domain, "docker.io");
	if (hub && pl->inner_mirrors)
		strbuf_addf(&sb, " through the inner daemon's registry mirror %s", pl->inner_mirrors);
	else if (pl->inner_insecure && list_has(pl->inner_insecure, ref.domain))
		strbuf_addf(&sb, " from %s, an insecure registry of the inner daemon (--inner-insecure-registry)",
			    ref.domain);
	else
		strbuf_addf(&sb, " from %s", ref.domain);
	if (!hub && pl->inner_mirrors)
		strbuf_addf(&sb, " (the mirror %s serves Docker Hub images only)", pl->inner_mirrors);
	imageref_release(&ref);
	return strbuf_detach(&sb, NULL);
}

/* The inner daemon's own words of a failed docker child, one line,
 * sanitised and bounded.  Malloc'd. */
static char *inner_words(const struct proc *p)
{
	char *s = rn_daemon_words(p->err.len ? &p->err : &p->out);
	show_sanitize(s, strlen(s));
	size_t n = strlen(s);
	if (n > FULL_LINE_MAX) {
		n = FULL_LINE_MAX;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		s[n] = '\0';
		char *t = xasprintf("%s...", s);
		free(s);
		s = t;
	}
	return s;
}

/* The pull's "Digest:" and "Status:" lines, in the log. */
static void log_pull_lines(struct runner *r, const struct strbuf *out)
{
	for (const char *p = out->buf; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, "Digest: ", 8) || !strncmp(p, "Status: ", 8))
			rn_logf(r, "[verify] inside| %.*s", (int)(len > 200 ? 200 : len), p);
		p = nl ? nl + 1 : NULL;
	}
}

void rn_full_next(struct runner *r)
{
	const char *image = r->plan->verify_image;
	long long now = proc_now_ms();
	r->wait.active = 0;
	r->full_step_ms = now;
	if (r->vstage == V_PULL) {
		r->full_deadline = now + r->verify_ms;
		char *route = pull_route(r);
		rn_logf(r, "[verify] --verify full: pulling %s with the inner daemon%s", image, route);
		rn_activity(r, "verifying: docker inside pulls %s%s (bound %ld s)", image, route, r->verify_ms / 1000);
		free(route);
		const char *argv[] = { "docker", "exec", r->ws_name, "docker", "pull", image, NULL };
		if (rn_start_child(r, CH_FULL, argv, "verify"))
			rn_verify_fail(r, "--verify full: cannot run docker exec for the pull: %s", r->last_error);
		return;
	}
	rn_activity(r, "verifying: docker inside runs a container of %s", image);
	const char *argv[] = { "docker", "exec", r->ws_name, "docker", "run", "--rm", "--entrypoint", "true", image,
			       NULL };
	if (rn_start_child(r, CH_FULL, argv, "verify"))
		rn_verify_fail(r, "--verify full: cannot run docker exec for the run: %s", r->last_error);
}

void rn_full_done(struct runner *r, struct proc *p, int ok, const char *desc)
{
	const char *image = r->plan->verify_image;
	int pull = r->vstage == V_PULL;
	double secs = (double)(proc_now_ms() - r->full_step_ms) / 1000.0;
	if (ok) {
		if (pull) {
			log_pull_lines(r, &p->out);
			rn_logf(r, "[verify] docker inside pulled %s (%.1f s)", image, secs);
			rn_verify_pass_later(r, V_RUN);
		} else {
			rn_logf(r, "[verify] docker inside ran a container of %s: 'docker run --rm %s' exited 0 (%.1f s)",
				image, image, secs);
			rn_verify_pass_later(r, V_HTTP);
		}
		return;
	}
	const char *step = pull ? "pull" : "run";
	if (p->cancelled) {
		rn_verify_fail(r, "--verify full failed at the %s: 'docker %s %s' inside the workspace did not finish "
				  "within %ld s (--verify-timeout)", step, step, image, r->verify_ms / 1000);
		return;
	}
	char *words = inner_words(p);
	rn_verify_fail(r, "--verify full failed at the %s: 'docker %s %s' inside the workspace %s%s%s", step, step,
		       image, desc, *words ? ": " : "", words);
	free(words);
}
