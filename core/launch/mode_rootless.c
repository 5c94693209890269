/* mode_rootless.c - the socket of a rootless dockerd, on that daemon: the
 * whole mode in one file (docs/ARCHITECTURE.md "Adding a mode"): its row,
 * what it learns of this host, its checks and its build.
 *
 * The workspace runs on the rootless daemon (the endpoint must be its
 * socket: the rootless.daemon check) and gets that same socket: the daemon
 * runs as an ordinary user, so the workspace and everything it starts have
 * that user's power, not root's.  Inside the daemon's user namespace the
 * socket's owner is uid 0 and its group is the host gid mapped through the
 * daemon's gid_map (the user's own group shows as 0, a subordinate gid as
 * 1 + its offset); the workspace user gets that group with --group-add.
 * README.md "rootless" says more.
 *
 * Facts (facts_get): rootless.socket, and when a live dockerd answers
 * there as the socket's owner inside its own user namespace rootless.pid,
 * .uid, .host_gid and .gid (the socket's group as its containers see it);
 * else rootless.error says why.
 *
 * Checks:
 *   rootless.socket  the socket to mount: a user's, a live dockerd behind it
 *                    running as that user in its own user namespace, and
 *                    the socket's group as that namespace numbers it
 *   rootless.userns  what running a rootless daemon needs of this host
 *                    (user namespaces, newuidmap/newgidmap, subordinate
 *                    ids, rootlesskit); proven at once by a live one
 *   rootless.daemon  the endpoint is that socket and /info says
 *                    SecurityOptions name=rootless */
#include "modes.h"
#include "option_value.h"
#include "base/proc.h"
#include "base/strbuf.h"
#include "engine/daemon_caps.h"
#include "engine/engine.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SETUP_REMEDY "set one up: dockerd-rootless-setuptool.sh install (Debian: apt-get install docker.io " \
		     "rootlesskit uidmap slirp4netns), or pass --socket PATH"

/* ---- what this host has -------------------------------------------------- */

/* The rootless daemon behind SOCK: its facts, or -1 with rootless.error. */
static int rootless_peer(struct facts *f, const char *sock)
{
	struct stat st;
	if (stat(sock, &st))
		return facts_set(f, "rootless.error", "no rootless daemon's socket at %s", sock), -1;
	if (!S_ISSOCK(st.st_mode))
		return facts_set(f, "rootless.error", "%s is not a socket", sock), -1;
	if (st.st_uid == 0)
		return facts_set(f, "rootless.error", "%s belongs to root: a rootless daemon's socket belongs to its user",
				 sock), -1;
	long pid = daemon_peer_pid(sock), ns_uid, ns_gid;
	if (pid <= 0)
		return facts_set(f, "rootless.error", "nothing answers at %s", sock), -1;
	int rc = daemon_ns_id(pid, 'u', (long)st.st_uid, &ns_uid);
	if (rc < 0)
		return facts_set(f, "rootless.error", "cannot read the user namespace of dockerd (pid %ld)", pid), -1;
	if (rc > 0 || ns_uid != 0)
		return facts_set(f, "rootless.error", "the daemon at %s (pid %ld) does not run as the socket's owner "
				 "(uid %ld) in a user namespace: not a rootless daemon", sock, pid, (long)st.st_uid), -1;
	rc = daemon_ns_id(pid, 'g', (long)st.st_gid, &ns_gid);
	if (rc)
		return facts_set(f, "rootless.error", "the socket's group (host gid %ld) %s in the daemon's user "
				 "namespace", (long)st.st_gid, rc > 0 ? "has no mapping" : "cannot be read"), -1;
	facts_set(f, "rootless.pid", "%ld", pid);
	facts_set(f, "rootless.uid", "%ld", (long)st.st_uid);
	facts_set(f, "rootless.host_gid", "%ld", (long)st.st_gid);
	facts_set(f, "rootless.gid", "%ld", ns_gid);
	return 0;
}

/* The socket: --socket; else the endpoint's socket when a user owns it;
 * else $XDG_RUNTIME_DIR/docker.sock, or /run/user/UID/docker.sock. */
static void rootless_detect_facts(struct facts *f, const struct spec *spec)
{
	static const char *const keys[] = { "rootless.socket", "rootless.error", "rootless.pid", "rootless.uid",
					    "rootless.host_gid", "rootless.gid" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		facts_unset(f, keys[i]);
	const char *given = spec ? spec->val[OPT_SOCKET] : NULL;
	struct stat st;
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (given)
		facts_set(f, "rootless.socket", "%s", given);
	else if (f->socket_path && !stat(f->socket_path, &st) && S_ISSOCK(st.st_mode) && st.st_uid != 0)
		facts_set(f, "rootless.socket", "%s", f->socket_path); /* the endpoint's, a user's */
	else if (xdg && xdg[0] == '/')
		facts_set(f, "rootless.socket", "%s/docker.sock", xdg);
	else
		facts_set(f, "rootless.socket", "/run/user/%ld/docker.sock", (long)geteuid());
	rootless_peer(f, facts_get(f, "rootless.socket"));
}

/* --socket and --group: that daemon's socket and its group as the
 * daemon's containers see it. */
static int rootless_detect(enum opt_id id, const struct spec *s, const struct facts *f, char *buf, size_t size,
			   const char **out, const char **why)
{
	(void)s;
	if (id == OPT_SOCKET) {
		*out = facts_get(f, "rootless.socket");
		return 1;
	}
	if (id == OPT_GROUP) {
		long g = facts_get_long(f, "rootless.gid", -1);
		*out = NULL;
		*why = facts_get(f, "rootless.error");
		if (g >= 0) {
			snprintf(buf, size, "%ld", g);
			*out = buf;
		}
		return 1;
	}
	return 0;
}

/* ---- checks -------------------------------------------------------------- */

/* The first number in FILE, -1 when it cannot be read. */
static long read_number(const char *file)
{
	FILE *f = fopen(file, "re");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* 1 when FILE (/etc/subuid) has a range for NAME or UID. */
static int has_subids(const char *file, const char *name, long uid)
{
	FILE *f = fopen(file, "re");
	if (!f)
		return 0;
	char line[512], id[32];
	snprintf(id, sizeof(id), "%ld", uid);
	int found = 0;
	while (!found && fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, ":");
		if (line[n] == ':' && ((name && strlen(name) == n && !strncmp(line, name, n)) ||
				       (strlen(id) == n && !strncmp(line, id, n))))
			found = 1;
	}
	fclose(f);
	return found;
}

/* UID: the daemon's user (or this one); LIVE_PID: a rootless dockerd
 * already running as UID, -1 when none. */
static void check_userns(const struct mode_check_env *env, const struct mode_check *k, long uid, long live_pid)
{
	if (live_pid > 0) {
		mode_check_set(env, k, CHECK_PASS, NULL,
		       "user namespaces work here: dockerd (pid %ld) runs in one as uid %ld", live_pid, uid);
		return;
	}
	struct passwd *pw = getpwuid((uid_t)uid);
	const char *name = pw ? pw->pw_name : NULL;
	long max = read_number("/proc/sys/user/max_user_namespaces");
	long clone = read_number("/proc/sys/kernel/unprivileged_userns_clone"); /* Debian's older kernels */
	char *uidmap = proc_which("newuidmap"), *gidmap = proc_which("newgidmap");
	char *kit = proc_which("rootlesskit");
	char remedy[256];
	if (max == 0)
		mode_check_set(env, k, CHECK_FAIL, "sudo sysctl -w user.max_user_namespaces=28633",
		       "user namespaces are off (user.max_user_namespaces = 0)");
	else if (clone == 0)
		mode_check_set(env, k, CHECK_FAIL, "sudo sysctl -w kernel.unprivileged_userns_clone=1",
		       "unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0)");
	else if (!uidmap || !gidmap)
		mode_check_set(env, k, CHECK_FAIL, "sudo apt-get install uidmap",
		       "newuidmap/newgidmap are missing");
	else if (!has_subids("/etc/subuid", name, uid) || !has_subids("/etc/subgid", name, uid)) {
		snprintf(remedy, sizeof(remedy), "sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
			 name ? name : "USER");
		mode_check_set(env, k, CHECK_FAIL, remedy, "%s has no subordinate ids in /etc/subuid and /etc/subgid",
		       name ? name : "this user");
	} else if (!kit)
		mode_check_set(env, k, CHECK_FAIL, "sudo apt-get install rootlesskit slirp4netns",
		       "rootlesskit is missing");
	else
		mode_check_set(env, k, CHECK_PASS, NULL,
		       "this host can run a rootless daemon for %s: user namespaces, newuidmap, subordinate ids, rootlesskit",
		       name ? name : "this user");
	free(uidmap);
	free(gidmap);
	free(kit);
}

static void check_socket(const struct mode_check_env *env, const struct mode_check *k)
{
	const struct facts *f = env->facts;
	const char *sock = facts_get(f, "rootless.socket");
	long gid = facts_get_long(f, "rootless.gid", -1), uid = facts_get_long(f, "rootless.uid", -1);
	long pid = facts_get_long(f, "rootless.pid", -1), host_gid = facts_get_long(f, "rootless.host_gid", -1);
	const char *why = facts_get(f, "rootless.error");
	mode_check_data(env, k, "path", "%s", sock ? sock : "");
	if (gid < 0) {
		mode_check_set(env, k, CHECK_FAIL, SETUP_REMEDY, "%s", why ? why : "no rootless daemon");
		return;
	}
	struct passwd *pw = getpwuid((uid_t)uid);
	const char *group = spec_get(env->spec, OPT_GROUP);
	mode_check_data(env, k, "owner", "%s", pw ? pw->pw_name : "");
	mode_check_data(env, k, "uid", "%ld", uid);
	mode_check_data(env, k, "gid", "%ld", gid);
	mode_check_data(env, k, "host_gid", "%ld", host_gid);
	mode_check_data(env, k, "pid", "%ld", pid);
	char gs[24];
	snprintf(gs, sizeof(gs), "%ld", gid);
	mode_check_set(env, k, CHECK_PASS, NULL,
		       "%s: dockerd (pid %ld) runs as %s%s(uid %ld) in its own user namespace, where the socket's "
		       "group (host gid %ld) is %ld: --group-add %s%s", sock, pid, pw ? pw->pw_name : "",
		       pw ? " " : "", uid, host_gid, gid, group ? group : gs, group ? " (given)" : "");
}

static void check_host_userns(const struct mode_check_env *env, const struct mode_check *k)
{
	const struct facts *f = env->facts;
	int live = facts_get_long(f, "rootless.gid", -1) >= 0;
	check_userns(env, k, live ? facts_get_long(f, "rootless.uid", -1) : (long)geteuid(),
		     live ? facts_get_long(f, "rootless.pid", -1) : -1);
}

/* 1 when paths A and B name the same file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static void check_daemon(const struct mode_check_env *env, const struct mode_check *k)
{
	const char *sock = facts_get(env->facts, "rootless.socket");
	int rootless = engine_info_has_secopt(env->info, "rootless");
	const char *url = env->endpoint_url;
	if (!sock)
		sock = "";
	char remedy[512];
	snprintf(remedy, sizeof(remedy), "point the endpoint at it: DOCKER_HOST=unix://%s (or docker context use "
					 "rootless)", sock);
	mode_check_data(env, k, "rootless", "%s", rootless ? "true" : "false");
	if (!env->endpoint_socket)
		mode_check_set(env, k, CHECK_FAIL, remedy,
			       "the endpoint is %s: the workspace runs on the daemon whose socket it gets, a rootless one "
			       "on this host", url ? url : "unknown");
	else if (!rootless)
		mode_check_set(env, k, CHECK_FAIL, remedy,
			       "the daemon at %s is rootful (no name=rootless in its security options): the workspace "
			       "would get root's power", url);
	else if (!same_file(env->endpoint_socket, sock))
		mode_check_set(env, k, CHECK_FAIL, remedy,
			       "the endpoint %s is a rootless daemon, but the workspace is given another socket (%s)", url,
			       sock);
	else
		mode_check_set(env, k, CHECK_PASS, NULL,
			       "the daemon at %s is rootless (security option name=rootless): the workspace runs on it", url);
}

/* ---- the build ----------------------------------------------------------- */

static int rootless_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws, struct err *e)
{
	const struct spec *s = ctx->spec;
	const struct facts *f = ctx->facts;
	char sb[24], gid[24];
	const char *sock = option_value(OPT_SOCKET, s, f, sb, sizeof(sb));
	if (!sock)
		return mode_require(ctx, OPT_SOCKET, e);
	const char *group = option_value(OPT_GROUP, s, f, gid, sizeof(gid));
	const char *why = facts_get(f, "rootless.error");
	if (!group)
		return err_set(e, "socket.group: %s; pass --group GID (the socket's group as the rootless "
				  "daemon's containers see it)", why ? why : "no rootless daemon is known");
	container_add(ws, RK_GROUP_ADD, group, NULL);
	container_add_mount(ws, sock, "/var/run/docker.sock", 1, MNT_DOCKER_SOCKET);
	container_add_env(ws, "WS_DOCKER_ENABLE_CLIENT", "1");

	long uid = facts_get_long(f, "rootless.uid", -1);
	struct passwd *pw = uid >= 0 ? getpwuid((uid_t)uid) : NULL;
	char who[96] = "its user";
	if (pw)
		snprintf(who, sizeof(who), "user %s (uid %ld)", pw->pw_name, uid);
	else if (uid >= 0)
		snprintf(who, sizeof(who), "uid %ld", uid);
	strvec_pushf(&l->notes, "the workspace and the containers started inside run on the rootless daemon at %s "
				"as %s: they have that user's power on this host, not root's", sock, who);
	strvec_pushf(&l->notes, "run it against that daemon: DOCKER_HOST=unix://%s (a Compose file too; a "
				"Kubernetes pod mounts the node's path, so that node must run the user's rootless "
				"daemon there)", sock);
	return 0;
}

/* ---- the row ------------------------------------------------------------- */

static const struct mode_check rootless_own_checks[] = {
	{ .name = "rootless.daemon", .title = "rootless daemon", .on_info = check_daemon },
	{ .name = "rootless.socket", .title = "rootless socket", .start = check_socket },
	{ .name = "rootless.userns", .title = "user namespaces", .start = check_host_userns },
	{ .name = NULL },
};

static const char *const rootless_checks[] = { MODE_COMMON_CHECKS, "rootless.daemon", "rootless.socket",
					       "rootless.userns", NULL };

static const enum opt_id rootless_options[] = { OPT_SOCKET, OPT_GROUP, OPT__COUNT };

const struct mode mode_rootless = {
	.name = "rootless", .title = "Rootless daemon socket",
	.summary = "run on a rootless dockerd and mount its socket: a user's power, not root's",
	.details = "Runs the workspace on a rootless dockerd (the endpoint must be its socket, "
		   "$XDG_RUNTIME_DIR/docker.sock) and mounts that socket with --group-add of its group "
		   "as the daemon's containers see it. The daemon runs as an ordinary user, so the "
		   "workspace gets that user's power over this host, not root's.",
	.tradeoffs = { "no", "no (a user's power)", "no (shared daemon)", "rootless dockerd", "the user's" },
	.bad = { 0, 0, 1, 0, 0 },
	.rank = 3,
	.checks = rootless_checks,
	.example = "--socket /run/user/1000/docker.sock --group 106",
	.build = rootless_build,
	.own_checks = rootless_own_checks,
	.options = rootless_options,
	.detect_facts = rootless_detect_facts,
	.detect = rootless_detect,
	.daemon_secopt = "rootless",
};
