/* mode_socket.c - mode 3: this host's docker socket mounted in. */
#include "modes.h"
#include "option_value.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>

int mode_socket_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		      struct err *e)
{
	const struct spec *s = ctx->spec;
	char sb[24], gid[24];
	const char *sock = option_value(OPT_SOCKET, s, ctx->facts, sb, sizeof(sb));
	if (!sock)
		return mode_require(ctx, OPT_SOCKET, e);
	const char *group = option_value(OPT_GROUP, s, ctx->facts, gid, sizeof(gid));
	if (!group)
		return err_set(e, "socket.group: %s; pass --group GID (the socket's group id as "
				  "the daemon's host sees it)",
			       ctx->facts && ctx->facts->socket_gid_error ? ctx->facts->socket_gid_error
									  : "the socket's group is unknown");
	container_add(ws, RK_GROUP_ADD, group, NULL);
	container_add_mount(ws, sock, "/var/run/docker.sock", 1, MNT_DOCKER_SOCKET);
	container_add_env(ws, "WS_DOCKER_ENABLE_CLIENT", "1");

	if (group[0] == '0' && group[1] == '\0')
		strvec_push(&l->warnings, "--group-add 0 adds the root group to the workspace user");
	strvec_push(&l->warnings, "the socket gives the workspace root-equivalent control of this "
				  "host's daemon; ':ro' on the mount restricts nothing");
	strvec_push(&l->notes, "containers started inside are siblings on this host's daemon: "
			       "paths and ports refer to this host, not the workspace");
	return 0;
}
