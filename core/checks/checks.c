/* checks.c - the prerequisite checks (docs/ARCHITECTURE.md, "Checks"), run
 * concurrently: the table, result helpers and the driver.  The checks
 * themselves: checks_local.c, checks_engine.c, checks_remote.c. */
#include "checks_internal.h"
#include "launch/option_value.h"
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

static const struct check_def core_defs[CK__CORE] = {
	[CK_CLI] = { .id = CK_CLI, .name = "cli", .title = "docker client", .start = ck_check_cli },
	[CK_ENGINE] = { .id = CK_ENGINE, .name = "engine", .title = "Docker engine" },
	[CK_ENDPOINT] = { .id = CK_ENDPOINT, .name = "endpoint", .title = "endpoint" },
	[CK_IMAGE] = { .id = CK_IMAGE, .name = "image", .title = "workspace image" },
	[CK_ARCH] = { .id = CK_ARCH, .name = "arch", .title = "image architecture" },
	[CK_NAMES] = { .id = CK_NAMES, .name = "names", .title = "names" },
	[CK_PORT] = { .id = CK_PORT, .name = "port", .title = "web port", .start = ck_check_port },
	[CK_SYSBOX_RUNTIME] = { .id = CK_SYSBOX_RUNTIME, .name = "sysbox.runtime", .title = "sysbox runtime", .on_info = ck_info_sysbox_runtime },
	[CK_SYSBOX_SERVICES] = { .id = CK_SYSBOX_SERVICES, .name = "sysbox.services", .title = "sysbox services", .start = ck_check_sysbox_services },
	[CK_SYSBOX_KERNEL] = { .id = CK_SYSBOX_KERNEL, .name = "sysbox.kernel", .title = "kernel for sysbox", .on_info = ck_info_sysbox_kernel },
	[CK_PRIVILEGE] = { .id = CK_PRIVILEGE, .name = "privilege", .title = "privileged containers", .on_info = ck_info_privilege },
	[CK_SOCKET_PATH] = { .id = CK_SOCKET_PATH, .name = "socket.path", .title = "socket", .start = ck_check_socket },
	[CK_SOCKET_GID] = { .id = CK_SOCKET_GID, .name = "socket.gid", .title = "socket group", .start = ck_check_socket },
	[CK_TCP_REACH] = { .id = CK_TCP_REACH, .name = "tcp.reach", .title = "remote daemon", .start = ck_start_tcp },
	[CK_TLS_FILES] = { .id = CK_TLS_FILES, .name = "tls.files", .title = "TLS files", .start = ck_check_tls_files },
	[CK_TLS_HANDSHAKE] = { .id = CK_TLS_HANDSHAKE, .name = "tls.handshake", .title = "TLS handshake" },
	[CK_SSH_CLIENT] = { .id = CK_SSH_CLIENT, .name = "ssh.client", .title = "ssh client", .start = ck_check_ssh_client },
	[CK_SSH_REMOTE] = { .id = CK_SSH_REMOTE, .name = "ssh.remote", .title = "docker over ssh", .start = ck_start_ssh },
	[CK_DIND_IMAGE] = { .id = CK_DIND_IMAGE, .name = "dind.image", .title = "sidecar image" },
	[CK_DEEP] = { .id = CK_DEEP, .name = "deep", .title = "trial container" },
};

const struct check_def *check_def(enum check_id id)
{
	if ((int)id >= 0 && id < CK__CORE)
		return &core_defs[id];
	return ck_own_def(id);
}

enum check_id check_by_name(const char *name)
{
	for (int i = 0; i < CK__COUNT; i++)
		if (!strcmp(check_def((enum check_id)i)->name, name))
			return (enum check_id)i;
	return CK_MAX;
}

static int is_info_check(enum check_id id)
{
	const struct check_def *d = check_def(id);
	return d && (d->on_info || (d->own && d->own->on_info));
}

static void run_info(struct checker *c, enum check_id id, const struct engine_info *in)
{
	const struct check_def *d = check_def(id);
	if (d && d->on_info)
		d->on_info(c, in);
	else if (d && d->own)
		ck_own_run(c, id, in);
}

/* The hooks the engine's answers call (checks_internal.h): every pending
 * check that /info answers, run or skipped. */
static void run_info_checks(struct checker *c, const struct engine_info *in)
{
	for (int i = 0; i < CK__COUNT; i++)
		if (is_info_check((enum check_id)i) && ck_pending(c, (enum check_id)i))
			run_info(c, (enum check_id)i, in);
}

static void skip_info_checks(struct checker *c, const char *why)
{
	for (int i = 0; i < CK__COUNT; i++)
		if (is_info_check((enum check_id)i) && ck_pending(c, (enum check_id)i))
			ck_set(c, (enum check_id)i, CHECK_SKIP, NULL, "%s", why);
}

/* ---- construction -------------------------------------------------------- */

struct checker *checker_new(struct net *net, const struct checker_config *cfg, struct err *e)
{
	if (!net || !cfg || !cfg->spec)
		return err_set(e, "checker: no network or spec"), NULL;
	struct checker *c = xcalloc(1, sizeof(*c));
	c->net = net;
	spec_init(&c->spec);
	spec_copy(&c->spec, cfg->spec);
	facts_init(&c->facts);
	endpoint_init(&c->ep);
	proc_init(&c->ssh);
	proc_init(&c->deep);
	strbuf_init(&c->names_text);
	c->modes = cfg->modes ? cfg->modes : (c->spec.mode != MODE_NONE ? MODE_BIT(c->spec.mode) : MODES_ALL);
	c->registry_url = cfg->registry_url ? xstrdup(cfg->registry_url) : NULL;
	c->remote_timeout_ms = cfg->remote_timeout_ms > 0 ? cfg->remote_timeout_ms : REMOTE_TIMEOUT_DEFAULT;
	c->offline = cfg->offline;
	c->ssh_bin = xstrdup(cfg->ssh_bin ? cfg->ssh_bin : "ssh");
	for (int m = 0; m < MODE__COUNT; m++) {
		if (!(c->modes & MODE_BIT(m)))
			continue;
		for (const char *const *id = mode_get(m)->checks; *id; id++) {
			enum check_id ck = check_by_name(*id);
			if (ck < CK__COUNT)
				c->wanted[ck] = 1;
		}
	}
	c->deep_bound_ms = cfg->deep_timeout_ms > 0 ? cfg->deep_timeout_ms : DEEP_TIMEOUT_DEFAULT;
	if (cfg->config_dir) /* where the trial's daemon.json goes (inner.h) */
		facts_set(&c->facts, "inner.config", "%s", cfg->config_dir);
	c->cancel = cfg->cancel;
	c->on_progress = cfg->on_progress;
	c->progress_ctx = cfg->progress_ctx;
	/* --deep: one mode at a time (the trial runs that mode's privileges) */
	if (cfg->deep && c->spec.mode != MODE_NONE && c->modes == MODE_BIT(c->spec.mode))
		c->wanted[CK_DEEP] = 1;
	for (int i = 0; i < CK__COUNT; i++) {
		c->checks[i].def = check_def((enum check_id)i);
		c->checks[i].status = CHECK_PENDING;
		strvec_init(&c->checks[i].data);
	}
	for (int i = 0; i < CK__COUNT; i++)
		c->wants_info |= c->wanted[i] && is_info_check((enum check_id)i);
	c->run_info_checks = run_info_checks;
	c->skip_info_checks = skip_info_checks;
	for (int i = 0; i < OP__COUNT; i++) {
		c->ctx[i].c = c;
		c->ctx[i].op = (enum op)i;
	}
	return c;
}

/* ---- driving ------------------------------------------------------------------------ */

void checker_start(struct checker *c)
{
	if (c->started)
		return;
	c->started = 1;
	for (int i = 0; i < CK__COUNT; i++)
		if (c->wanted[i])
			c->checks[i].started_ms = proc_now_ms();
	facts_detect_local(&c->facts, &c->spec);
	ck_check_endpoint(c);
	c->cert_dir = ck_cert_dir(c);
	c->tcp_tls = option_value_bool(OPT_TLS, &c->spec, &c->facts) == 1;
	/* The local checks, each start function once (table order); then
	 * the modes' own. */
	void (*ran[CK_MAX])(struct checker *);
	int nran = 0;
	for (int i = 0; i < CK__COUNT; i++) {
		const struct check_def *d = check_def((enum check_id)i);
		if (d->own && c->wanted[i] && d->own->start)
			ck_own_run(c, (enum check_id)i, NULL);
		void (*start)(struct checker *) = d->start;
		if (!start || !c->wanted[i])
			continue;
		int seen = 0;
		for (int k = 0; k < nran; k++)
			seen |= ran[k] == start;
		if (seen)
			continue;
		ran[nran++] = start;
		start(c);
	}

	/* image: the registry lookup runs beside the engine's answer, which is
	 * asked only once /_ping has answered; both count in image_left from
	 * here, or a registry that answers first would end the check before
	 * the engine said whether the image is present (found by the
	 * integration tests under ASan, whose timing differs).  Paths that
	 * never ask the engine reset it in ck_skip_engine_dependents(). */
	if (c->wanted[CK_IMAGE])
		c->image_left++;
	if (c->wanted[CK_IMAGE] && !c->offline) {
		struct err e;
		c->image_left++;
		c->ids[OP_REGISTRY] = registry_latest_tag(c->net, spec_get(&c->spec, OPT_IMAGE), c->registry_url, c->remote_timeout_ms,
							  ck_on_registry, &c->ctx[OP_REGISTRY], &e);
		if (!c->ids[OP_REGISTRY]) {
			c->image_left--;
			c->registry_note = xasprintf("no registry lookup: %s", e.msg);
		}
	}
	if (!c->ep_ok) {
		ck_skip_engine_dependents(c, "no usable endpoint");
		return;
	}
	if (c->ep.kind == EP_SSH) {
		ck_set(c, CK_ENGINE, CHECK_WARN, NULL, "%s: ssh endpoints are reached by the docker CLI; not checked here",
		    c->ep.url);
		ck_skip_engine_dependents(c, "the engine is behind an ssh:// endpoint");
		return;
	}
	struct err e;
	const char *api = getenv("DOCKER_API_VERSION");
	if (engine_target_init(&c->target, &c->ep, api, &e)) {
		ck_set(c, CK_ENGINE, CHECK_FAIL, NULL, "%s", e.msg);
		ck_skip_engine_dependents(c, "the engine cannot be reached");
		return;
	}
	c->target_ok = 1;
	/* A daemon over the network is a remote call: --timeout governs it,
	 * not the local default. */
	if (c->ep.kind == EP_TCP)
		c->target.connect_timeout_ms = c->target.timeout_ms = c->remote_timeout_ms;
	c->ids[OP_PING] = engine_ping(c->net, &c->target, ck_on_ping, &c->ctx[OP_PING]);
}

int checker_pollfds(struct checker *c, struct pollfd *fds, int max)
{
	int n = c->ssh_running ? proc_pollfds(&c->ssh, fds, max) : 0;
	if (c->deep_running)
		n += proc_pollfds(&c->deep, fds + n, max - n);
	return n;
}

static int child_timeout(const struct proc *p, long long deadline)
{
	long long left = deadline - proc_now_ms();
	int t = proc_timeout_ms(p);
	int d = left < 0 ? 0 : (int)left;
	return t >= 0 && t < d ? t : d;
}

int checker_timeout_ms(struct checker *c)
{
	int t = c->ssh_running ? child_timeout(&c->ssh, c->ssh_deadline) : -1;
	if (c->deep_running) {
		int d = child_timeout(&c->deep, c->deep_deadline);
		if (t < 0 || d < t)
			t = d;
	}
	return t;
}

void checker_pump(struct checker *c)
{
	if (c->ssh_running) {
		proc_pump(&c->ssh);
		proc_reap(&c->ssh);
		if (!c->ssh.cancelled && proc_now_ms() >= c->ssh_deadline)
			proc_cancel(&c->ssh, SSH_GRACE_MS);
		proc_tick(&c->ssh);
		if (proc_done(&c->ssh))
			ck_finish_ssh(c);
	}
	if (c->deep_running) {
		proc_pump(&c->deep);
		proc_reap(&c->deep);
		if (!c->deep.cancelled && proc_now_ms() >= c->deep_deadline)
			proc_cancel(&c->deep, SSH_GRACE_MS);
		proc_tick(&c->deep);
		if (proc_done(&c->deep))
			ck_finish_deep(c);
	}
}

int checker_done(const struct checker *c)
{
	if (!c->started)
		return 0;
	for (int i = 0; i < CK__COUNT; i++)
		if (ck_pending(c, (enum check_id)i))
			return 0;
	/* who holds an explicit web port in use: the port check's finding */
	return !c->ids[OP_PORTS];
}

unsigned checker_generation(const struct checker *c)
{
	return c->generation;
}

const struct check *checker_get(const struct checker *c, enum check_id id)
{
	if ((int)id < 0 || id >= CK__COUNT || !c->wanted[id])
		return NULL;
	return &c->checks[id];
}

void checker_cancel(struct checker *c)
{
	for (int i = 0; i < OP__COUNT; i++)
		if (c->ids[i]) {
			net_cancel(c->net, c->ids[i]);
			c->ids[i] = 0;
		}
	if (c->ssh_running) {
		proc_release(&c->ssh);
		c->ssh_running = 0;
	}
	ck_cancel_deep(c);
	for (int i = 0; i < CK__COUNT; i++)
		if (ck_pending(c, (enum check_id)i))
			ck_set(c, (enum check_id)i, CHECK_FAIL, NULL, "cancelled");
}

void checker_free(struct checker *c)
{
	if (!c)
		return;
	checker_cancel(c);
	proc_release(&c->ssh);
	proc_release(&c->deep);
	free(c->deep_name);
	free(c->deep_json);
	free(c->deep_finding);
	free(c->deep_remedy);
	for (int i = 0; i < CK__COUNT; i++) {
		free(c->checks[i].finding);
		free(c->checks[i].remedy);
		strvec_release(&c->checks[i].data);
	}
	if (c->target_ok)
		engine_target_release(&c->target);
	endpoint_release(&c->ep);
	spec_release(&c->spec);
	facts_release(&c->facts);
	strbuf_release(&c->names_text);
	free(c->kernel);
	free(c->newest_tag);
	free(c->registry_note);
	free(c->pull_error);
	free(c->arch_why);
	free(c->tcp_loopback_host);
	free(c->registry_url);
	free(c->ssh_bin);
	free(c->tcp_url);
	free(c->cert_dir);
	free(c);
}

void checker_run(struct checker *c, long max_ms)
{
	checker_start(c);
	long long deadline = max_ms >= 0 ? proc_now_ms() + max_ms : 0;
	while (!checker_done(c) && !(c->cancel && *c->cancel)) {
		struct pollfd fds[4];
		int n = checker_pollfds(c, fds, 4);
		int wait = 200;
		int t = checker_timeout_ms(c);
		if (t >= 0 && t < wait)
			wait = t;
		if (deadline) {
			long long left = deadline - proc_now_ms();
			if (left <= 0)
				break;
			if (left < wait)
				wait = (int)left;
		}
		struct err e;
		net_wait(c->net, fds, (unsigned)n, wait, &e);
		net_dispatch(c->net);
		checker_pump(c);
	}
	if (!checker_done(c))
		checker_cancel(c);
}

void checker_fill_facts(const struct checker *c, struct facts *f)
{
	if (c->facts.userns_remap >= 0)
		f->userns_remap = c->facts.userns_remap;
	if (c->facts.image_present >= 0)
		f->image_present = c->facts.image_present;
	if (c->facts.dind_image_present >= 0)
		f->dind_image_present = c->facts.dind_image_present;
	if (c->facts.web_port > 0)
		f->web_port = c->facts.web_port;
	if (c->facts.socket_gid >= 0 && f->socket_gid < 0)
		f->socket_gid = c->facts.socket_gid;
}

const char *checker_endpoint(const struct checker *c)
{
	return c->ep_ok ? c->ep.url : NULL;
}

void checker_readiness(const struct checker *c, enum mode_id m, struct readiness *r)
{
	r->ready = 1;
	r->pending = 0;
	strvec_init(&r->missing);
	strvec_init(&r->fixes);
	for (const char *const *id = mode_get(m)->checks;; id++) {
		/* the mode's checks, then the trial container (--deep) */
		enum check_id ck = *id ? check_by_name(*id) : CK_DEEP;
		if (!*id && m != c->spec.mode)
			break;
		if (ck >= CK__COUNT || !c->wanted[ck]) {
			if (!*id)
				break;
			continue;
		}
		const struct check *k = &c->checks[ck];
		if (k->status == CHECK_PENDING) {
			r->pending = 1;
		} else if (k->status == CHECK_FAIL) {
			r->ready = 0;
			strvec_pushf(&r->missing, "%s: %s", k->def->name, k->finding ? k->finding : "failed");
			strvec_push(&r->fixes, k->remedy ? k->remedy : "");
		}
		if (!*id)
			break;
	}
	if (r->pending)
		r->ready = 0;
}

void readiness_release(struct readiness *r)
{
	strvec_release(&r->missing);
	strvec_release(&r->fixes);
}

int checker_rank(const struct checker *c, enum mode_id m)
{
	if (m == MODE_TCP && !c->tcp_tls)
		return MODE__COUNT; /* plain TCP: last */
	return mode_get(m)->rank;
}

enum mode_id checker_recommend(const struct checker *c)
{
	enum mode_id best = MODE_NONE;
	int best_rank = 1 << 30;
	for (int m = 0; m < MODE__COUNT; m++) {
		if (!(c->modes & MODE_BIT(m)))
			continue;
		struct readiness r;
		checker_readiness(c, (enum mode_id)m, &r);
		int rank = checker_rank(c, (enum mode_id)m);
		if (r.ready && rank < best_rank) {
			best = (enum mode_id)m;
			best_rank = rank;
		}
		readiness_release(&r);
	}
	return best;
}
