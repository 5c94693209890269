/* mode_privileged.c - mode 2: dockerd inside a --privileged workspace. */
#include "inner.h"
#include "modes.h"

int mode_privileged_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
			  struct err *e)
{
	container_add(ws, RK_PRIVILEGED, NULL, NULL);
	if (mode_wants_userns_host(ctx)) {
		container_add(ws, RK_USERNS, "host", NULL);
		strvec_push(&l->notes, "--userns=host: the daemon uses userns-remap, which --privileged "
				       "cannot run under");
	}
	container_add_env(ws, "WS_DOCKER_ENABLE_CLIENT", "1");
	if (!spec_is_none(ctx->spec, OPT_DATA_VOLUME)) {
		const char *vol = spec_get(ctx->spec, OPT_DATA_VOLUME);
		container_add_mount(ws, vol, "/var/lib/docker", 0, MNT_DATA);
		launch_add_volume(l, vol, VOL_DATA);
	}
	strvec_push(&l->warnings, "--privileged gives the workspace root over this host");
	return inner_build_daemon_json(ctx, l, ws, e);
}
