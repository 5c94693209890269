/* mode_sysbox.c - mode 1: the sysbox-runc runtime (Kloud's suggestion). */
#include "inner.h"
#include "modes.h"

int mode_sysbox_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		      struct err *e)
{
	container_add(ws, RK_RUNTIME, "sysbox-runc", NULL);
	container_add_env(ws, "WS_DOCKER_ENABLE_CLIENT", "1");
	return inner_build_daemon_json(ctx, l, ws, e);
}
