/* checks_engine.c - checks through the Engine API (ping, info/version,
 * images, names) and the registry's newest tag (checks_internal.h). */
#include "checks_internal.h"
#include "engine/daemon_caps.h"
#include "base/imageref.h"
#include "launch/modes.h"
#include "base/show.h"
#include "base/validate.h"
#include "base/ytree.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- engine ------------------------------------------------------------------ */

void ck_skip_engine_dependents(struct checker *c, const char *why)
{
	/* the engine's own answers, and every check /info would answer */
	static const enum check_id deps[] = { CK_IMAGE, CK_ARCH, CK_NAMES, CK_DIND_IMAGE, CK_DEEP };
	for (size_t i = 0; i < sizeof(deps) / sizeof(deps[0]); i++)
		if (ck_pending(c, deps[i]))
			ck_set(c, deps[i], CHECK_SKIP, NULL, "%s", why);
	c->skip_info_checks(c, why);
	c->image_left = 0;
	if (ck_pending(c, CK_PORT))
		ck_port_choose(c, NULL, why);
}

static const char *engine_remedy(const struct checker *c, const struct engine_result *r)
{
	if (c->ep.kind == EP_UNIX) {
		if (strstr(r->err.msg, "permission denied"))
			return "sudo usermod -aG docker \"$USER\" and log in again (or run as root)";
		return "start the daemon: sudo systemctl start docker";
	}
	return "check that the daemon listens there and DOCKER_HOST/DOCKER_CERT_PATH are right";
}

static void finish_names(struct checker *c);
static void finish_image(struct checker *c);

static void on_info(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_INFO);
	if (r->status != ENGINE_OK || !r->info) {
		ck_set(c, CK_ENGINE, CHECK_FAIL, NULL, "/info failed: %s", r->err.msg);
		ck_skip_engine_dependents(c, "the engine did not answer /info");
		return;
	}
	struct engine_info *in = r->info;
	c->have_info = 1;
	c->userns = in->userns;
	free(c->kernel);
	c->kernel = in->kernel_version ? xstrdup(in->kernel_version) : NULL;
	c->facts.userns_remap = in->userns;
	ck_arch_daemon(c, in->os_type, in->architecture, NULL);
	ck_maybe_deep(c); /* its privileges depend on userns-remap */
	const char *api = c->target.api_version ? c->target.api_version : "?";
	const struct mode *kind = mode_of_daemon(in);
	ck_set(c, CK_ENGINE, CHECK_PASS, NULL, "Docker %s (API %s) at %s%s%s%s%s",
	    in->server_version ? in->server_version : "?", api, c->target.endpoint,
	    kind ? ", " : "", kind ? kind->name : "", in->userns ? ", userns-remap" : "",
	    in->docker_desktop ? ", Docker Desktop" : "");
	ck_data(c, CK_ENGINE, "server_version", "%s", in->server_version ? in->server_version : "");
	ck_data(c, CK_ENGINE, "api_version", "%s", api);
	ck_data(c, CK_ENGINE, "os", "%s", in->operating_system ? in->operating_system : "");
	ck_data(c, CK_ENGINE, "kernel", "%s", in->kernel_version ? in->kernel_version : "");
	ck_daemon_kinds(c, CK_ENGINE, in);
	ck_data(c, CK_ENGINE, "userns", "%s", in->userns ? "true" : "false");
	ck_data(c, CK_ENGINE, "desktop", "%s", in->docker_desktop ? "true" : "false");
	ck_data(c, CK_ENGINE, "docker_root_dir", "%s", in->docker_root_dir ? in->docker_root_dir : "");

	c->run_info_checks(c, in);
}

void ck_info_sysbox_runtime(struct checker *c, const struct engine_info *in)
{
	if (engine_strvec_has(&in->runtimes, "sysbox-runc")) {
		ck_set(c, CK_SYSBOX_RUNTIME, CHECK_PASS, NULL, "sysbox-runc is registered (default runtime: %s)",
		    in->default_runtime ? in->default_runtime : "?");
		ck_data(c, CK_SYSBOX_RUNTIME, "present", "true");
	} else {
		struct strbuf rt = STRBUF_INIT;
		for (size_t i = 0; i < in->runtimes.n; i++)
			strbuf_addf(&rt, "%s%s", i ? ", " : "", in->runtimes.v[i]);
		ck_set(c, CK_SYSBOX_RUNTIME, CHECK_FAIL,
		    "install sysbox-ce (https://github.com/nestybox/sysbox/blob/master/docs/user-guide/install-package.md)",
		    "the daemon has no sysbox-runc runtime (has: %s)", rt.len ? rt.buf : "none");
		ck_data(c, CK_SYSBOX_RUNTIME, "present", "false");
		strbuf_release(&rt);
	}
}

void ck_info_sysbox_kernel(struct checker *c, const struct engine_info *in)
{
	long major = 0, minor = 0;
	const char *k = in->kernel_version ? in->kernel_version : "";
	char *end;
	major = strtol(k, &end, 10);
	if (*end == '.')
		minor = strtol(end + 1, NULL, 10);
	char *docker = proc_which("docker");
	int snap = docker && !strncmp(docker, "/snap/", 6);
	free(docker);
	ck_data(c, CK_SYSBOX_KERNEL, "kernel", "%s", k);
	const struct mode *kind = mode_of_daemon(in);
	if (kind)
		ck_set(c, CK_SYSBOX_KERNEL, CHECK_FAIL, "use a rootful daemon for sysbox",
		    "the daemon is %s (security option name=%s): sysbox needs true root", kind->name,
		    kind->daemon_secopt);
	else if (snap)
		ck_set(c, CK_SYSBOX_KERNEL, CHECK_FAIL, "install Docker from docker.com or Debian packages",
		    "Docker is installed as a snap, which sysbox does not support");
	else if (major > 5 || (major == 5 && minor >= 12))
		ck_set(c, CK_SYSBOX_KERNEL, CHECK_PASS, NULL, "kernel %s has ID-mapped mounts (5.12+)", k);
	else if (!access("/sys/module/shiftfs", F_OK))
		ck_set(c, CK_SYSBOX_KERNEL, CHECK_PASS, NULL, "kernel %s with shiftfs loaded", k);
	else
		ck_set(c, CK_SYSBOX_KERNEL, CHECK_FAIL, "upgrade to kernel 5.12 or newer, or load shiftfs",
		    "kernel %s is older than 5.12 and shiftfs is not loaded", k);
}

void ck_info_privilege(struct checker *c, const struct engine_info *in)
{
	ck_data(c, CK_PRIVILEGE, "userns", "%s", in->userns ? "true" : "false");
	ck_daemon_kinds(c, CK_PRIVILEGE, in);
	const struct mode *kind = mode_of_daemon(in);
	if (kind)
		ck_set(c, CK_PRIVILEGE, CHECK_FAIL, "use a rootful daemon, or the sysbox, socket, tcp or ssh mode",
		    "the daemon is %s (security option name=%s): --privileged gives no real privileges there",
		    kind->name, kind->daemon_secopt);
	else if (in->userns)
		/* The daemon keeps its images remapped: a --userns=host container
		 * sees their files owned by the remapped root, so setuid root
		 * (sudo, which the Kloud image uses to start its dockerd) fails. */
		ck_set(c, CK_PRIVILEGE, CHECK_WARN,
		    "'ws-launch check privileged --deep' starts the inner dockerd to tell; sysbox mode, or a daemon "
		    "without userns-remap, avoids it",
		    "rootful, userns-remap on: --userns=host will be added to privileged containers; their image's "
		    "files still belong to the remapped root, so a workspace that becomes root with sudo (to start "
		    "its dockerd) cannot");
	else
		ck_set(c, CK_PRIVILEGE, CHECK_PASS, NULL, "rootful daemon: privileged containers allowed");
	/* A local daemon without every capability cannot give them to a
	 * --privileged container: said, and check --deep tries one. */
	struct strbuf missing = STRBUF_INIT;
	long pid;
	if (!kind && c->ep_ok && c->ep.kind == EP_UNIX &&
	    !daemon_caps_missing(c->ep.path, &pid, &missing) && missing.len) {
		ck_data(c, CK_PRIVILEGE, "caps_missing", "%s", missing.buf);
		char *before = xstrdup(c->checks[CK_PRIVILEGE].finding ? c->checks[CK_PRIVILEGE].finding : "");
		ck_set(c, CK_PRIVILEGE, CHECK_WARN, "'ws-launch check MODE --deep' starts a trial container to tell",
		       "%s; but dockerd (pid %ld) runs without %s in its capability bounding set: a "
		       "--privileged container asks for every capability, and a runtime that does not drop "
		       "these fails to start it", before, pid, missing.buf);
		free(before);
	}
	strbuf_release(&missing);
}

/* The engine check when no wanted check needs /info (socket, tcp, ssh):
 * /version answers the same question at a fraction of the daemon's work
 * (/info walks containers, images, plugins and storage). */
static void on_version(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_INFO);
	if (r->status != ENGINE_OK || !r->version) {
		ck_set(c, CK_ENGINE, CHECK_FAIL, NULL, "/version failed: %s", r->err.msg);
		ck_skip_engine_dependents(c, "the engine did not answer /version");
		return;
	}
	struct engine_version *v = r->version;
	const char *api = c->target.api_version ? c->target.api_version : "?";
	ck_set(c, CK_ENGINE, CHECK_PASS, NULL, "Docker %s (API %s) at %s", v->version ? v->version : "?", api,
	    c->target.endpoint);
	ck_data(c, CK_ENGINE, "server_version", "%s", v->version ? v->version : "");
	ck_data(c, CK_ENGINE, "api_version", "%s", api);
	ck_data(c, CK_ENGINE, "kernel", "%s", v->kernel_version ? v->kernel_version : "");
}

/* A missing image's remedies: both ways to get it there. */
#define REMEDY_ABSENT "pull it (docker pull) or load it (ws-launch images load FILE), or --pull auto"
#define REMEDY_UNPULLABLE                                                                                    \
	"make its registry reachable from the daemon (docker pull), or load the image there: 'ws-launch " \
	"images save' on a host that has it, then 'ws-launch images load FILE'"

/* 1 when --pull never forbids pulling an absent image. */
static int pull_never(const struct checker *c)
{
	return !strcmp(spec_get(&c->spec, OPT_PULL), "never");
}

/* Asks the daemon whether it can pull IMAGE: /distribution/IMAGE/json
 * makes the daemon itself resolve the image in its registry, through its
 * own mirrors, proxy and DNS (what `docker pull` will meet), rather than
 * ws-launch's view of the network. */
static unsigned start_dist(struct checker *c, enum op op, const char *image, engine_done_fn done)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, "/distribution/");
	engine_path_escape(&path, image);
	strbuf_addstr(&path, "/json");
	unsigned id = engine_get_json(c->net, &c->target, path.buf, done, &c->ctx[op]);
	strbuf_release(&path);
	return id;
}

/* The daemon's reason, and whether it is about credentials (*AUTH 1) or
 * a reference the registry does not have (*AUTH 2). */
static void dist_error(const struct engine_result *r, char **msg, int *auth)
{
	*auth = r->http_status == 401 || r->http_status == 403 || strstr(r->err.msg, "unauthorized") ||
		strstr(r->err.msg, "denied");
	if (!*auth && (r->http_status == 404 || strstr(r->err.msg, "manifest unknown")))
		*auth = 2;
	free(*msg);
	/* The daemon's words, without the status engine.c puts before them
	 * ("daemon replied HTTP 500: '…'"): the same sentence a failed pull
	 * reports, told the same way. */
	const char *m = r->err.msg[0] ? r->err.msg : "the daemon could not resolve it";
	const char *q = r->http_status >= 400 && !strncmp(m, "daemon replied HTTP ", 20) ? strstr(m, ": '") : NULL;
	size_t ml = q ? strlen(q + 3) : 0;
	if (q && ml && q[3 + ml - 1] == '\'')
		*msg = xstrndup(q + 3, ml - 1);
	else
		*msg = xstrdup(m);
}

static void on_dind_dist(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_DIND_DIST);
	const char *img = spec_get(&c->spec, OPT_DIND_IMAGE);
	if (r->status == ENGINE_OK) {
		ck_set(c, CK_DIND_IMAGE, CHECK_PASS, NULL, "%s is not present; the daemon can pull it", img);
		return;
	}
	char *msg = NULL;
	int auth;
	dist_error(r, &msg, &auth);
	ck_data(c, CK_DIND_IMAGE, "pull_error", "%s", msg);
	ck_set(c, CK_DIND_IMAGE, auth == 1 ? CHECK_WARN : CHECK_FAIL,
	       auth == 1 ? "the pull sends your docker login; check it with 'docker pull'"
	       : auth == 2 ? "its registry has no such image or tag: check --dind-image"
			   : REMEDY_UNPULLABLE,
	       "%s is not present and the daemon cannot pull it: %s", img, msg);
	free(msg);
}

static void on_dist(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_DIST);
	if (r->status != ENGINE_OK) {
		dist_error(r, &c->pull_error, &c->pull_error_auth);
		struct strbuf why = STRBUF_INIT;
		strbuf_addf(&why, "the daemon cannot read the image in its registry: %s", c->pull_error);
		ck_arch_image(c, NULL, 0, why.buf);
		strbuf_release(&why);
	} else {
		ck_arch_image(c, r->doc, 0, NULL);
	}
	c->image_left--;
	finish_image(c);
}

static void on_image(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	enum op op = x->op;
	ck_op_done(c, op);
	int present = r->status == ENGINE_OK && r->object && r->object->exists;
	int failed = r->status != ENGINE_OK;
	if (op == OP_DIND_IMAGE) {
		const char *img = spec_get(&c->spec, OPT_DIND_IMAGE);
		c->facts.dind_image_present = failed ? -1 : present;
		c->dind_image_known = 1;
		ck_data(c, CK_DIND_IMAGE, "present", "%s", present ? "true" : "false");
		if (failed)
			ck_set(c, CK_DIND_IMAGE, CHECK_WARN, NULL, "cannot ask the daemon about %s: %s", img, r->err.msg);
		else if (present)
			ck_set(c, CK_DIND_IMAGE, CHECK_PASS, NULL, "%s is present", img);
		else if (pull_never(c))
			ck_set(c, CK_DIND_IMAGE, CHECK_FAIL, REMEDY_ABSENT,
			       "%s is not present and --pull never forbids pulling it", img);
		else
			c->ids[OP_DIND_DIST] = start_dist(c, OP_DIND_DIST, img, on_dind_dist);
		ck_maybe_deep(c); /* dind's trial is the sidecar, from this image */
		return;
	}
	c->facts.image_present = failed ? -1 : present;
	c->image_present = present;
	if (failed) {
		free(c->registry_note);
		c->registry_note = xasprintf("cannot ask the daemon: %s", r->err.msg);
		ck_arch_image(c, NULL, 1, "the daemon did not say whether the image is present");
	} else if (present) {
		ck_arch_image(c, r->doc, 1, NULL);
	} else if (!pull_never(c)) {
		c->image_left++; /* finished by on_dist */
		c->ids[OP_DIST] = start_dist(c, OP_DIST, spec_get(&c->spec, OPT_IMAGE), on_dist);
	} else {
		ck_arch_image(c, NULL, 0, "the image is not present and --pull never forbids pulling it");
	}
	c->image_left--;
	finish_image(c);
}

void ck_on_registry(struct registry_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_REGISTRY);
	if (r->status == REGISTRY_OK) {
		c->newest_tag = r->tag;
		r->tag = NULL;
	} else if (r->status == REGISTRY_NO_TAGS) {
		c->registry_note = xstrdup("the registry lists no release tags");
	} else {
		c->registry_note = xasprintf("registry not reachable (%s)", r->err.msg);
	}
	c->image_left--;
	finish_image(c);
}

static void finish_image(struct checker *c)
{
	if (c->image_left > 0 || !ck_pending(c, CK_IMAGE))
		return;
	const char *image = spec_get(&c->spec, OPT_IMAGE);
	struct strbuf f = STRBUF_INIT;
	struct strbuf remedy = STRBUF_INIT;
	ck_data(c, CK_IMAGE, "image", "%s", image);
	ck_data(c, CK_IMAGE, "present", "%s", c->facts.image_present == 1 ? "true" : "false");
	enum check_status st = CHECK_PASS;
	const char *fix = NULL;
	if (c->facts.image_present == 1) {
		strbuf_addstr(&f, "present locally");
	} else if (c->facts.image_present == 0 && pull_never(c)) {
		strbuf_addstr(&f, "not present locally and --pull never forbids pulling it");
		st = CHECK_FAIL;
		fix = REMEDY_ABSENT;
	} else if (c->facts.image_present == 0 && c->pull_error) {
		strbuf_addf(&f, "not present locally and the daemon cannot pull it: %s", c->pull_error);
		ck_data(c, CK_IMAGE, "pull_error", "%s", c->pull_error);
		st = c->pull_error_auth == 1 ? CHECK_WARN : CHECK_FAIL;
		fix = c->pull_error_auth == 1 ? "the pull sends your docker login; check it with 'docker pull'"
		      : c->pull_error_auth == 2 ? "its registry has no such image or tag: check --image"
						: REMEDY_UNPULLABLE;
	} else if (c->facts.image_present == 0) {
		strbuf_addstr(&f, "not present locally; the daemon can pull it");
	} else {
		strbuf_addstr(&f, "presence unknown");
	}
	if (c->newest_tag) {
		ck_data(c, CK_IMAGE, "newest", "%s", c->newest_tag);
		struct imageref ref;
		struct semver cur, nw;
		int newer = 0;
		if (!imageref_parse(image, &ref, NULL)) {
			newer = ref.tag && !registry_semver_parse(ref.tag, &cur) &&
				!registry_semver_parse(c->newest_tag, &nw) && registry_semver_cmp(&nw, &cur) > 0;
			if (newer) {
				strbuf_addf(&f, "; newer tag %s in the registry", c->newest_tag);
				strbuf_addf(&remedy, "--image %s/%s:%s", ref.domain, ref.path, c->newest_tag);
			} else {
				strbuf_addf(&f, "; newest tag in the registry: %s", c->newest_tag);
			}
			imageref_release(&ref);
		}
	} else if (c->registry_note) {
		strbuf_addf(&f, "; %s", c->registry_note);
		ck_data(c, CK_IMAGE, "registry", "%s", "unavailable");
	}
	ck_set(c, CK_IMAGE, st, fix ? fix : remedy.len ? remedy.buf : NULL, "%s", f.buf);
	c->image_known = 1;
	ck_maybe_deep(c);
	strbuf_release(&f);
	strbuf_release(&remedy);
}

/* names: the workspace container, and for dind the sidecar and network. */
static void on_name(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	enum op op = x->op;
	ck_op_done(c, op);
	const char *name = op == OP_CONTAINER ? spec_get(&c->spec, OPT_NAME)
			   : op == OP_SIDECAR ? spec_get(&c->spec, OPT_DIND_SIDECAR)
					      : spec_get(&c->spec, OPT_DIND_NETWORK);
	const char *kind = op == OP_NETWORK ? "network" : "container";
	const char *label_want = spec_get(&c->spec, OPT_NAME);
	const char *part;
	char buf[ERR_MAX + 256];
	if (r->status != ENGINE_OK || !r->object) {
		snprintf(buf, sizeof(buf), "%s %s: cannot ask (%s)", kind, name, r->err.msg);
		part = buf;
		c->names_failed |= 2;
	} else if (!r->object->exists) {
		snprintf(buf, sizeof(buf), "%s %s is free", kind, name);
		part = buf;
	} else {
		const char *label = engine_labels_get(&r->object->labels, "ws-launch.launch");
		if (label && label_want && !strcmp(label, label_want)) {
			snprintf(buf, sizeof(buf), "%s %s is this launch's (%s)", kind, name,
				 op == OP_NETWORK ? "reused" : r->object->running ? "running" : r->object->status ? r->object->status : "exists");
			if (op == OP_CONTAINER) {
				ck_data(c, CK_NAMES, "workspace", "%s", r->object->running ? "running" : "exists");
			}
		} else {
			snprintf(buf, sizeof(buf), "a %s named %s exists and is not from this launch", kind, name);
			c->names_failed |= 1;
			ck_data(c, CK_NAMES, "foreign", "%s", name);
		}
		part = buf;
	}
	strbuf_addf(&c->names_text, "%s%s", c->names_text.len ? "; " : "", part);
	if (--c->names_left == 0)
		finish_names(c);
}

static void finish_names(struct checker *c)
{
	if (!ck_pending(c, CK_NAMES))
		return;
	if (c->names_failed & 1) {
		char remedy[256];
		snprintf(remedy, sizeof(remedy), "choose other names (--name/--sidecar/--network) or remove the "
						 "foreign object (docker rm -f %s)",
			 check_data(&c->checks[CK_NAMES], "foreign"));
		ck_set(c, CK_NAMES, CHECK_FAIL, remedy, "%s", c->names_text.buf);
	} else if (c->names_failed) {
		ck_set(c, CK_NAMES, CHECK_WARN, NULL, "%s", c->names_text.buf);
	} else {
		ck_set(c, CK_NAMES, CHECK_PASS, NULL, "%s", c->names_text.buf);
	}
	/* A port held by this launch's own running workspace is not a conflict. */
	const char *ws = check_data(&c->checks[CK_NAMES], "workspace");
	if (c->wanted[CK_PORT] && c->checks[CK_PORT].status == CHECK_FAIL && ws && !strcmp(ws, "running") &&
	    check_data(&c->checks[CK_PORT], "busy"))
		ck_set(c, CK_PORT, CHECK_PASS, NULL, "port %s is held by this launch's running workspace",
		    check_data(&c->checks[CK_PORT], "port"));
}

/* The version in a /_ping's "Server: Docker/27.1.1 (linux)" header, or
 * NULL (malloc'd). */
static char *ping_server_version(const struct engine_ping *p)
{
	if (!p || !p->server || strncmp(p->server, "Docker/", 7))
		return NULL;
	size_t n = strcspn(p->server + 7, " ");
	return n ? xstrndup(p->server + 7, n) : NULL;
}

static void start_engine_queries(struct checker *c, const struct engine_ping *ping)
{
	if (c->wanted[CK_IMAGE])   /* counted in image_left since checker_start */
		c->ids[OP_IMAGE] = engine_image(c->net, &c->target, spec_get(&c->spec, OPT_IMAGE), on_image,
						&c->ctx[OP_IMAGE]);
	if (c->wanted[CK_DIND_IMAGE])
		c->ids[OP_DIND_IMAGE] = engine_image(c->net, &c->target, spec_get(&c->spec, OPT_DIND_IMAGE),
						     on_image, &c->ctx[OP_DIND_IMAGE]);
	if (c->wanted[CK_NAMES]) {
		if (spec_is_none(&c->spec, OPT_NAME)) {
			ck_set(c, CK_NAMES, CHECK_SKIP, NULL, "the workspace has no name (docs form)");
		} else {
			c->names_left = 1;
			if (ck_wants_mode(c, MODE_DIND))
				c->names_left += 2;
			c->ids[OP_CONTAINER] = engine_container(c->net, &c->target, spec_get(&c->spec, OPT_NAME),
								on_name, &c->ctx[OP_CONTAINER]);
			if (ck_wants_mode(c, MODE_DIND)) {
				c->ids[OP_SIDECAR] = engine_container(c->net, &c->target,
								      spec_get(&c->spec, OPT_DIND_SIDECAR), on_name,
								      &c->ctx[OP_SIDECAR]);
				c->ids[OP_NETWORK] = engine_network(c->net, &c->target,
								    spec_get(&c->spec, OPT_DIND_NETWORK), on_name,
								    &c->ctx[OP_NETWORK]);
			}
		}
	}
	ck_port_ask(c);
	ck_arch_ask(c);
	/* Ask the daemon only what the wanted checks need: /info (slow: it
	 * walks containers, images, plugins, storage) for the sysbox and
	 * privilege checks; else the version the /_ping already told (its
	 * Server header), or /version when a proxy dropped that header. */
	char *version = NULL;
	if (c->wants_info) {
		c->ids[OP_INFO] = engine_info(c->net, &c->target, on_info, &c->ctx[OP_INFO]);
	} else if ((version = ping_server_version(ping))) {
		const char *api = c->target.api_version ? c->target.api_version : "?";
		ck_set(c, CK_ENGINE, CHECK_PASS, NULL, "Docker %s (API %s) at %s", version, api, c->target.endpoint);
		ck_data(c, CK_ENGINE, "server_version", "%s", version);
		ck_data(c, CK_ENGINE, "api_version", "%s", api);
		free(version);
	} else {
		c->ids[OP_INFO] = engine_version(c->net, &c->target, on_version, &c->ctx[OP_INFO]);
	}
}

void ck_on_ping(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_PING);
	if (r->status != ENGINE_OK) {
		ck_set(c, CK_ENGINE, CHECK_FAIL, engine_remedy(c, r), "%s", r->err.msg);
		ck_data(c, CK_ENGINE, "elapsed_ms", "%ld", r->elapsed_ms);
		ck_skip_engine_dependents(c, "the engine is not reachable");
		c->image_left = 0;
		if (ck_pending(c, CK_IMAGE)) {
			c->facts.image_present = -1;
		}
		return;
	}
	start_engine_queries(c, r->ping);
}
