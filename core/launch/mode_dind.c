/* mode_dind.c - mode 6: a docker:dind sidecar on a private network. */
#include "inner.h"
#include "modes.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

int mode_dind_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		    struct err *e)
{
	const struct spec *s = ctx->spec;
	const char *net = spec_get(s, OPT_DIND_NETWORK);
	const char *side = spec_get(s, OPT_DIND_SIDECAR);
	const char *image = spec_get(s, OPT_DIND_IMAGE);
	const char *certs = spec_get(s, OPT_DIND_CERTS_VOLUME);
	int tls = spec_bool(s, OPT_DIND_TLS) == 1;
	const char *name = ws->name;
	if (name && !strcmp(name, side))
		return err_set(e, "dind.sidecar (--sidecar): '%s' is also the workspace's name", side);

	/* The docs form shares the `workspace` volume even in its minimal form. */
	const char *vol = NULL;
	if (spec_is_set(s, OPT_VOLUME))
		vol = spec_is_none(s, OPT_VOLUME) ? NULL : spec_get(s, OPT_VOLUME);
	else
		vol = ctx->minimal ? "workspace" : spec_get(s, OPT_VOLUME);
	const char *data = spec_is_none(s, OPT_DIND_DATA_VOLUME) ? NULL : spec_get(s, OPT_DIND_DATA_VOLUME);

	strvec_push(&l->networks, net);

	struct container *sc = launch_add_container(l, ROLE_SIDECAR, side, image);
	container_add(sc, RK_DETACH, NULL, NULL);
	container_add(sc, RK_PRIVILEGED, NULL, NULL);
	if (mode_wants_userns_host(ctx))
		container_add(sc, RK_USERNS, "host", NULL);
	container_add(sc, RK_NAME, side, NULL);
	container_add(sc, RK_NETWORK, net, NULL);
	if (ctx->minimal && !tls) {
		/* Kloud docs order: --net, -v workspace:ro, -e DOCKER_TLS_CERTDIR="" */
		if (vol)
			container_add_mount(sc, vol, "/workspace", 1, MNT_WORKSPACE);
		container_add_env(sc, "DOCKER_TLS_CERTDIR", "");
	} else {
		if (tls)
			container_add(sc, RK_NETWORK_ALIAS, "docker", NULL);
		container_add_env(sc, "DOCKER_TLS_CERTDIR", tls ? "/certs" : "");
		if (tls) {
			container_add_mount(sc, certs, "/certs/client", 0, MNT_DIND_CERTS);
			launch_add_volume(l, certs, VOL_CERTS);
		}
		if (vol)
			container_add_mount(sc, vol, "/workspace", 1, MNT_WORKSPACE);
	}
	if (data) {
		container_add_mount(sc, data, "/var/lib/docker", 0, MNT_DATA);
		launch_add_volume(l, data, VOL_DATA);
	}
	if (!tls && !ctx->minimal) {
		/* Appended to dockerd by the image's entrypoint: an explicit
		 * --tls=false skips dockerd's 15 s insecure-listener delay. */
		strvec_push(&sc->cmd, "--tls=false");
	}
	if (inner_build_sidecar(ctx, sc, e))
		return -1;

	if (tls) {
		container_add_env(ws, "DOCKER_HOST", "tcp://docker:2376");
		container_add_env(ws, "DOCKER_TLS_VERIFY", "1");
		container_add_env(ws, "DOCKER_CERT_PATH", "/certs/client");
		container_add_mount(ws, certs, "/certs/client", 1, MNT_DIND_CERTS);
	} else {
		char *url = xasprintf("tcp://%s:2375", side);
		container_add_env(ws, "DOCKER_HOST", url);
		free(url);
		strvec_pushf(&l->warnings, "TLS off: any container on network %s, including those "
					   "started inside, reaches the sidecar's daemon without "
					   "authentication", net);
	}
	if (vol) {
		container_add_mount(ws, vol, "/workspace", 0, MNT_WORKSPACE);
		if (vol[0] != '/')
			launch_add_volume(l, vol, VOL_WORKSPACE);
	}
	container_add(ws, RK_NETWORK, net, NULL);

	const char *pull = spec_get(s, OPT_PULL);
	if (!strcmp(pull, "always") ||
	    (!strcmp(pull, "auto") && !(ctx->facts && ctx->facts->dind_image_present == 1)))
		strvec_push(&l->pulls, image);
	strvec_push(&l->notes, "the sidecar runs --privileged: whoever controls its daemon has root "
			       "over this host");
	strvec_push(&l->notes, "paths and ports used inside the workspace refer to the sidecar, "
			       "which shares /workspace read-only");
	return 0;
}
