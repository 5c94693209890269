/* checks_deep.c - check --deep: when the cheap facts cannot tell (an
 * authorization plugin, a runtime that refuses, a daemon without the
 * capabilities --privileged needs), the daemon is asked the real question:
 * `docker run --rm --entrypoint true` of the workspace image, already
 * present, with the privileges the mode gives its containers (sysbox's
 * runtime, --privileged, the socket and its group); in the modes whose
 * dockerd runs in the workspace the trial also looks for the dockerd binary
 * in the image (deep_command).  The container is
 * removed by docker (--rm); it carries the label ws-launch.deep so that one
 * left by a killed check can be found (checks_internal.h). */
#include "checks_internal.h"
#include "launch/option_value.h"
#include "launch/modes.h"
#include "base/show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEEP_TIMEOUT_MS 60000L
#define DEEP_NO_DOCKERD 86   /* the trial's exit code: the image has no dockerd */
#define STR_(x) #x
#define STR(x) STR_(x)

static void start_deep(struct checker *c);

static int runs_dockerd_inside(enum mode_id mode)
{
	return mode == MODE_SYSBOX || mode == MODE_PRIVILEGED;
}

/* What the trial container runs, around the image in ARGV: `true`, or in a
 * mode whose dockerd runs in the workspace, a look for the dockerd binary
 * (exit DEEP_NO_DOCKERD without one).  The one place to ask the trial more. */
static void deep_command(enum mode_id mode, struct strvec *argv, const char *image)
{
	if (!runs_dockerd_inside(mode)) {
		strvec_pushl(argv, "--entrypoint", "true", image, NULL);
		return;
	}
	strvec_pushl(argv, "--entrypoint", "sh", image, "-c", "command -v dockerd >/dev/null 2>&1 || exit " STR(DEEP_NO_DOCKERD), NULL);
}

void ck_maybe_deep(struct checker *c)
{
	if (!ck_pending(c, CK_DEEP) || c->deep_running || !c->image_known)
		return;
	if (c->wants_info && !c->have_info)
		return; /* on_info calls again */
	if (c->facts.image_present != 1) {
		ck_set(c, CK_DEEP, CHECK_SKIP, NULL, "%s is not present here: nothing to try without pulling it",
		       spec_get(&c->spec, OPT_IMAGE));
		return;
	}
	start_deep(c);
}

static void start_deep(struct checker *c)
{
	const char *docker = getenv("WS_LAUNCH_DOCKER");
	struct strvec argv = STRVEC_INIT;
	struct strbuf privs = STRBUF_INIT;
	strvec_pushl(&argv, docker && *docker ? docker : "docker", "run", "--rm", "--label", "ws-launch.deep=1", NULL);
	strvec_pushf(&argv, "--name=ws-launch-deep-%ld", (long)getpid());
	switch (c->spec.mode) {
	case MODE_SYSBOX:
		strvec_pushl(&argv, "--runtime", "sysbox-runc", NULL);
		strbuf_addstr(&privs, "--runtime sysbox-runc");
		break;
	case MODE_PRIVILEGED:
	case MODE_DIND: /* the sidecar's privileges */
		strvec_push(&argv, "--privileged");
		strbuf_addstr(&privs, "--privileged");
		if (c->userns) {
			strvec_pushl(&argv, "--userns", "host", NULL);
			strbuf_addstr(&privs, " --userns host");
		}
		break;
	default: {
		/* a mode that mounts a daemon's socket (socket, and the modes whose
		 * rows use --socket too) */
		if (!option_applies(option_get(OPT_SOCKET), c->spec.mode)) {
			strbuf_addstr(&privs, "no extra privileges");
			break;
		}
		char sb[24], gb[24];
		const char *sock = option_value(OPT_SOCKET, &c->spec, &c->facts, sb, sizeof(sb));
		const char *group = option_value(OPT_GROUP, &c->spec, &c->facts, gb, sizeof(gb));
		if (sock) {
			strvec_push(&argv, "-v");
			strvec_pushf(&argv, "%s:/var/run/docker.sock:ro", sock);
			strbuf_addf(&privs, "-v %s:/var/run/docker.sock:ro", sock);
		}
		if (group) {
			strvec_pushl(&argv, "--group-add", group, NULL);
			strbuf_addf(&privs, " --group-add %s", group);
		}
		break;
	}
	}
	deep_command(c->spec.mode, &argv, spec_get(&c->spec, OPT_IMAGE));
	ck_data(c, CK_DEEP, "privileges", "%s", privs.len ? privs.buf : "none");
	struct err e;
	struct proc_opts o = { .capture_max = 16384 };
	if (proc_start(&c->deep, (const char *const *)argv.v, &o, &e)) {
		ck_set(c, CK_DEEP, CHECK_SKIP, NULL, "%s", e.msg);
	} else {
		c->deep_running = 1;
		c->deep_deadline = proc_now_ms() + DEEP_TIMEOUT_MS;
	}
	strvec_release(&argv);
	strbuf_release(&privs);
}

void ck_finish_deep(struct checker *c)
{
	c->deep_running = 0;
	struct proc *p = &c->deep;
	const char *privs = check_data(&c->checks[CK_DEEP], "privileges");
	if (p->state == PROC_EXITED && p->code == 0) {
		ck_set(c, CK_DEEP, CHECK_PASS, NULL, "a trial container with %s started, ran and was removed",
		       privs ? privs : "the mode's privileges");
	} else if (p->state == PROC_EXITED && p->code == DEEP_NO_DOCKERD && runs_dockerd_inside(c->spec.mode)) {
		ck_set(c, CK_DEEP, CHECK_FAIL, "use an image with Docker inside (the Kloud image has it), or a mode that "
		       "needs none (socket, dind)", "the image %s has no dockerd, which %s mode runs inside the workspace",
		       spec_get(&c->spec, OPT_IMAGE), c->spec.mode == MODE_SYSBOX ? "sysbox" : "privileged");
	} else {
		/* The daemon's own line, not the CLI's advice. */
		const struct strbuf *b = p->err.len ? &p->err : &p->out;
		const char *line = strstr(b->buf, "Error response from daemon:");
		size_t n = line ? strcspn(line, "\n") : 0;
		char *words = line ? xstrndup(line, n) : NULL;
		if (words)
			show_sanitize(words, strlen(words));
		char desc[256];
		proc_describe(p, desc, sizeof(desc));
		ck_set(c, CK_DEEP, CHECK_FAIL, "see the daemon's reason: the launch would meet it too",
		       "the daemon did not run a trial container with %s: %s", privs ? privs : "the mode's privileges",
		       words ? words : desc);
		free(words);
	}
	proc_release(p);
	proc_init(p);
}
