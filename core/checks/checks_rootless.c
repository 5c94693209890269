/* checks_rootless.c - the checks of the rootless mode (checks_internal.h):
 *
 *   rootless.socket  the socket to mount: a user's, a live dockerd behind it
 *                    running as that user in its own user namespace, and
 *                    the socket's group as that namespace numbers it
 *   rootless.userns  what running a rootless daemon needs of this host
 *                    (user namespaces, newuidmap/newgidmap, subordinate
 *                    ids, rootlesskit); proven at once by a live one
 *   rootless.daemon  the endpoint is that socket and /info says
 *                    SecurityOptions name=rootless */
#include "checks_internal.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SETUP_REMEDY "set one up: dockerd-rootless-setuptool.sh install (Debian: apt-get install docker.io " \
		     "rootlesskit uidmap slirp4netns), or pass --socket PATH"

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
static void check_userns(struct checker *c, long uid, long live_pid)
{
	if (live_pid > 0) {
		ck_set(c, CK_ROOTLESS_USERNS, CHECK_PASS, NULL,
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
		ck_set(c, CK_ROOTLESS_USERNS, CHECK_FAIL, "sudo sysctl -w user.max_user_namespaces=28633",
		       "user namespaces are off (user.max_user_namespaces = 0)");
	else if (clone == 0)
		ck_set(c, CK_ROOTLESS_USERNS, CHECK_FAIL, "sudo sysctl -w kernel.unprivileged_userns_clone=1",
		       "unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0)");
	else if (!uidmap || !gidmap)
		ck_set(c, CK_ROOTLESS_USERNS, CHECK_FAIL, "sudo apt-get install uidmap",
		       "newuidmap/newgidmap are missing");
	else if (!has_subids("/etc/subuid", name, uid) || !has_subids("/etc/subgid", name, uid)) {
		snprintf(remedy, sizeof(remedy), "sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s",
			 name ? name : "USER");
		ck_set(c, CK_ROOTLESS_USERNS, CHECK_FAIL, remedy, "%s has no subordinate ids in /etc/subuid and /etc/subgid",
		       name ? name : "this user");
	} else if (!kit)
		ck_set(c, CK_ROOTLESS_USERNS, CHECK_FAIL, "sudo apt-get install rootlesskit slirp4netns",
		       "rootlesskit is missing");
	else
		ck_set(c, CK_ROOTLESS_USERNS, CHECK_PASS, NULL,
		       "this host can run a rootless daemon for %s: user namespaces, newuidmap, subordinate ids, rootlesskit",
		       name ? name : "this user");
	free(uidmap);
	free(gidmap);
	free(kit);
}

void ck_check_rootless(struct checker *c)
{
	const struct facts *f = &c->facts;
	const char *sock = f->rootless_socket ? f->rootless_socket : "";
	int live = f->rootless_gid >= 0;
	ck_data(c, CK_ROOTLESS_SOCKET, "path", "%s", sock);
	if (live) {
		struct passwd *pw = getpwuid((uid_t)f->rootless_uid);
		const char *group = spec_get(&c->spec, OPT_GROUP);
		ck_data(c, CK_ROOTLESS_SOCKET, "owner", "%s", pw ? pw->pw_name : "");
		ck_data(c, CK_ROOTLESS_SOCKET, "uid", "%ld", f->rootless_uid);
		ck_data(c, CK_ROOTLESS_SOCKET, "gid", "%ld", f->rootless_gid);
		ck_data(c, CK_ROOTLESS_SOCKET, "host_gid", "%ld", f->rootless_host_gid);
		ck_data(c, CK_ROOTLESS_SOCKET, "pid", "%ld", f->rootless_pid);
		char gid[24];
		snprintf(gid, sizeof(gid), "%ld", f->rootless_gid);
		ck_set(c, CK_ROOTLESS_SOCKET, CHECK_PASS, NULL,
		       "%s: dockerd (pid %ld) runs as %s%s(uid %ld) in its own user namespace, where the socket's "
		       "group (host gid %ld) is %ld: --group-add %s%s", sock, f->rootless_pid, pw ? pw->pw_name : "",
		       pw ? " " : "", f->rootless_uid, f->rootless_host_gid, f->rootless_gid, group ? group : gid,
		       group ? " (given)" : "");
	} else {
		ck_set(c, CK_ROOTLESS_SOCKET, CHECK_FAIL, SETUP_REMEDY, "%s",
		       f->rootless_error ? f->rootless_error : "no rootless daemon");
	}
	check_userns(c, live ? f->rootless_uid : (long)geteuid(), live ? f->rootless_pid : -1);
}

/* 1 when paths A and B name the same file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

void ck_info_rootless(struct checker *c, const struct engine_info *in)
{
	const char *sock = c->facts.rootless_socket ? c->facts.rootless_socket : "";
	char remedy[512];
	snprintf(remedy, sizeof(remedy), "point the endpoint at it: DOCKER_HOST=unix://%s (or docker context use "
					 "rootless)", sock);
	ck_data(c, CK_ROOTLESS_DAEMON, "rootless", "%s", in->rootless ? "true" : "false");
	if (!c->ep_ok || c->ep.kind != EP_UNIX || !c->ep.path)
		ck_set(c, CK_ROOTLESS_DAEMON, CHECK_FAIL, remedy,
		       "the endpoint is %s: the workspace runs on the daemon whose socket it gets, a rootless one "
		       "on this host", c->ep_ok ? c->ep.url : "unknown");
	else if (!in->rootless)
		ck_set(c, CK_ROOTLESS_DAEMON, CHECK_FAIL, remedy,
		       "the daemon at %s is rootful (no name=rootless in its security options): the workspace "
		       "would get root's power", c->ep.url);
	else if (!same_file(c->ep.path, sock))
		ck_set(c, CK_ROOTLESS_DAEMON, CHECK_FAIL, remedy,
		       "the endpoint %s is a rootless daemon, but the workspace is given another socket (%s)", c->ep.url, sock);
	else
		ck_set(c, CK_ROOTLESS_DAEMON, CHECK_PASS, NULL,
		       "the daemon at %s is rootless (security option name=rootless): the workspace runs on it", c->ep.url);
}
