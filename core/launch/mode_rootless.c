/* mode_rootless.c - the socket of a rootless dockerd, on that daemon.
 *
 * The workspace runs on the rootless daemon (the endpoint must be its
 * socket: the rootless.daemon check) and gets that same socket: the daemon
 * runs as an ordinary user, so the workspace and everything it starts have
 * that user's power, not root's.  Inside the daemon's user namespace the
 * socket's owner is uid 0 and its group is the host gid mapped through the
 * daemon's gid_map (facts.c: the user's own group shows as 0, a subordinate
 * gid as 1 + its offset); the workspace user gets that group with
 * --group-add.  README.md "rootless" says more. */
#include "modes.h"
#include "option_value.h"
#include "base/strbuf.h"

#include <pwd.h>
#include <stdio.h>

int mode_rootless_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws, struct err *e)
{
	const struct spec *s = ctx->spec;
	const struct facts *f = ctx->facts;
	char sb[24], gid[24];
	const char *sock = option_value(OPT_SOCKET, s, f, sb, sizeof(sb));
	if (!sock)
		return mode_require(ctx, OPT_SOCKET, e);
	const char *group = option_value(OPT_GROUP, s, f, gid, sizeof(gid));
	if (!group)
		return err_set(e, "socket.group: %s; pass --group GID (the socket's group as the rootless "
				  "daemon's containers see it)",
			       f && f->rootless_error ? f->rootless_error : "no rootless daemon is known");
	container_add(ws, RK_GROUP_ADD, group, NULL);
	container_add_mount(ws, sock, "/var/run/docker.sock", 1, MNT_DOCKER_SOCKET);
	container_add_env(ws, "WS_DOCKER_ENABLE_CLIENT", "1");

	struct passwd *pw = f && f->rootless_uid >= 0 ? getpwuid((uid_t)f->rootless_uid) : NULL;
	char who[96] = "its user";
	if (pw)
		snprintf(who, sizeof(who), "user %s (uid %ld)", pw->pw_name, f->rootless_uid);
	else if (f && f->rootless_uid >= 0)
		snprintf(who, sizeof(who), "uid %ld", f->rootless_uid);
	strvec_pushf(&l->notes, "the workspace and the containers started inside run on the rootless daemon at %s "
				"as %s: they have that user's power on this host, not root's", sock, who);
	strvec_pushf(&l->notes, "run it against that daemon: DOCKER_HOST=unix://%s (a Compose file too; a "
				"Kubernetes pod mounts the node's path, so that node must run the user's rootless "
				"daemon there)", sock);
	return 0;
}
