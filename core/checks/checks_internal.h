/* checks_internal.h - what the parts of the checker share (checks.c: the
 * driver and the table; checks_local.c: facts of this host;
 * checks_engine.c: the Engine API and registry; checks_arch.c: the
 * image's platform against the daemon's; checks_remote.c: tcp,
 * TLS and ssh to a remote daemon; checks_mode.c: the modes' own checks;
 * checks_result.c, the lowest: results, data and bookkeeping).  The files
 * of the checks call checks_result.c and each other downward (remote ->
 * local, engine -> deep, engine -> arch); the driver reaches them all, and they reach it
 * back only through the hooks in struct checker.  Not for use outside core/checks/checks*.c. */
#ifndef WS_CHECKS_INTERNAL_H
#define WS_CHECKS_INTERNAL_H

#include "checks.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "base/proc.h"
#include "engine/registry.h"
#include "base/strbuf.h"

#define REMOTE_TIMEOUT_DEFAULT 5000L
#define SSH_GRACE_MS 500
#define ARCH_PLATFORMS_MAX 16   /* platforms kept of a registry's list */

enum op {
	OP_PING,
	OP_INFO,
	OP_IMAGE,
	OP_DIND_IMAGE,
	OP_CONTAINER,
	OP_SIDECAR,
	OP_NETWORK,
	OP_REGISTRY,
	OP_TCP,
	OP_DIST,       /* /distribution: can the daemon pull the image? */
	OP_DIND_DIST,
	OP_PORTS,      /* /containers/json: the ports the endpoint publishes */
	OP_ARCH,       /* /version: the daemon's platform when /info is not asked */
	OP__COUNT
};

struct opctx {
	struct checker *c;
	enum op op;
};

struct checker {
	struct net *net;
	struct spec spec;
	struct facts facts;
	unsigned modes;
	int wanted[CK_MAX];
	struct check checks[CK_MAX];
	unsigned generation;
	int started;
	char *registry_url;
	long remote_timeout_ms;
	int offline;
	char *ssh_bin;

	struct endpoint ep;
	int ep_ok;
	struct engine_target target;
	int target_ok;
	struct opctx ctx[OP__COUNT];
	unsigned ids[OP__COUNT];

	/* set by checker_new (checks.c): whether a wanted check is answered by
	 * /info, and the hooks the engine's answers call to run or skip those
	 * checks (so the files of the checks never call the driver) */
	int wants_info;
	void (*run_info_checks)(struct checker *c, const struct engine_info *in);
	void (*skip_info_checks)(struct checker *c, const char *why);
	/* what the engine told us */
	int have_info;
	int userns;
	char *kernel;
	/* aggregation */
	int names_left;
	/* an explicit web port: who on the endpoint publishes it ("" none),
	 * once the containers are listed (checks_port.c) */
	int port_listed, port_named;
	char port_holder[160];
	int names_failed;
	struct strbuf names_text;
	int image_left;
	int image_present;
	char *newest_tag;
	char *registry_note;
	char *pull_error;        /* the daemon cannot pull the absent image: its words */
	int pull_error_auth;     /* ... because of credentials (only a warning) */
	/* arch (checks_arch.c): each side 0 until known, 1 known, -1 unknown */
	int arch_daemon_state, arch_image_state, arch_image_local;
	struct platform arch_daemon;
	struct platform arch_image[ARCH_PLATFORMS_MAX];
	size_t arch_nimage;
	char *arch_why;          /* why it cannot tell (the first side unknown) */
	/* deep: the trial container (once the image and, when asked, /info are known) */
	int image_known;
	int dind_image_known;
	struct proc deep;
	int deep_running;
	long long deep_deadline;
	/* the inner modes' trial (checks_deep.c): its stage, container, the
	 * daemon.json written for it, and the result held until it is removed */
	int deep_stage;
	char *deep_name;
	char *deep_json;
	long long deep_bound_ms, deep_t0;
	enum check_status deep_status;
	char *deep_finding, *deep_remedy;
	volatile int *cancel;
	void (*on_progress)(void *ctx, const char *line);
	void *progress_ctx;
	/* ssh.remote */
	struct proc ssh;
	int ssh_running;
	long long ssh_deadline;
	/* tcp.reach */
	int tcp_tls;
	int tcp_loopback;        /* the tcp host is this machine's loopback */
	char *tcp_loopback_host;
	char *tcp_url;
	char *cert_dir;
};

void ck_set(struct checker *c, enum check_id id, enum check_status st, const char *remedy,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ck_data(struct checker *c, enum check_id id, const char *key, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ck_needs_input(struct checker *c, enum check_id id, const char *remedy, const char *finding);
int ck_pending(const struct checker *c, enum check_id id);
int ck_wants_mode(const struct checker *c, enum mode_id m);
void ck_check_cli(struct checker *c);
void ck_check_endpoint(struct checker *c);
void ck_check_socket(struct checker *c);
void ck_check_port(struct checker *c);
char *ck_cert_dir(struct checker *c);
void ck_check_tls_files(struct checker *c);
void ck_check_ssh_client(struct checker *c);
void ck_check_sysbox_services(struct checker *c);
void ck_skip_engine_dependents(struct checker *c, const char *why);
void ck_op_done(struct checker *c, enum op op);
void ck_on_registry(struct registry_result *r, void *ctx);
void ck_on_ping(struct engine_result *r, void *ctx);
void ck_start_tcp(struct checker *c);
void ck_start_ssh(struct checker *c);
void ck_finish_ssh(struct checker *c);
void ck_maybe_deep(struct checker *c);
void ck_finish_deep(struct checker *c);
/* Removes what a started trial made (blocking, bounded); from checker_cancel. */
void ck_cancel_deep(struct checker *c);
/* Data KEY=true|false of check ID for each mode with a kind of daemon
 * (modes.h .daemon_secopt): whether IN is one. */
void ck_daemon_kinds(struct checker *c, enum check_id id, const struct engine_info *in);
void ck_info_sysbox_runtime(struct checker *c, const struct engine_info *in);
void ck_info_sysbox_kernel(struct checker *c, const struct engine_info *in);
void ck_info_privilege(struct checker *c, const struct engine_info *in);
/* The modes' own checks (checks_mode.c): the row of id ID (CK__CORE and
 * up), NULL past the last; and running one (IN: /info for an on_info one). */
const struct check_def *ck_own_def(enum check_id id);
void ck_own_run(struct checker *c, enum check_id id, const struct engine_info *in);

/* checks_arch.c: the arch check, fed by checks_engine.c.  ck_arch_ask:
 * once the engine answers /_ping, asks /version for the daemon's platform
 * when /info is not asked; ck_arch_daemon: the daemon's OS and
 * architecture as /info or /version gave them (ARCH NULL: unknown, WHY
 * says why); ck_arch_image: the image's, from DOC (LOCAL: the image
 * inspect's Os/Architecture/Variant; else /distribution's Platforms), or
 * unknown with WHY when DOC is NULL.  The check ends once both are in. */
struct jdoc;
void ck_arch_ask(struct checker *c);
void ck_arch_daemon(struct checker *c, const char *os, const char *arch, const char *why);
void ck_arch_image(struct checker *c, const struct jdoc *doc, int local, const char *why);

/* checks_port.c: the web port.  ck_port_auto: none given (the first free
 * is chosen); ck_port_ask: lists the endpoint's containers once the engine
 * answers; ck_port_choose: decides from that list (DOC NULL: unknown). */
int ck_port_auto(const struct checker *c);
void ck_port_ask(struct checker *c);
/* Adds who holds an explicit web port in use to the finding, once known. */
void ck_port_name_holder(struct checker *c);
void ck_port_choose(struct checker *c, const struct jdoc *doc, const char *why);

#endif
