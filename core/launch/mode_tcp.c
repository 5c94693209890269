/* mode_tcp.c - mode 4: a remote daemon over TCP, with or without TLS. */
#include "modes.h"
#include "option_value.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mode_tcp_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		   struct err *e)
{
	const struct spec *s = ctx->spec;
	const struct facts *f = ctx->facts;
	char hb[24], cb[24], pb[24];
	const char *host = option_value(OPT_TCP_HOST, s, f, hb, sizeof(hb));
	if (!host)
		return mode_require(ctx, OPT_TCP_HOST, e);
	int tls = option_value_bool(OPT_TLS, s, f) == 1;
	const char *certs = option_value(OPT_CERT_DIR, s, f, cb, sizeof(cb));
	if (tls && !certs)
		return err_set(e, "tcp.cert_dir (--cert-dir) is required with TLS: a directory with "
				  "ca.pem, cert.pem and key.pem");
	const char *port = option_value(OPT_TCP_PORT, s, f, pb, sizeof(pb));
	int v6 = strchr(host, ':') != NULL && host[0] != '[';
	char *url = xasprintf("tcp://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
	container_add_env(ws, "DOCKER_HOST", url);
	if (tls) {
		container_add_env(ws, "DOCKER_TLS_VERIFY", "1");
		container_add_env(ws, "DOCKER_CERT_PATH", "/certs/client");
		container_add_mount(ws, certs, "/certs/client", 1, MNT_TLS_CERTS);
		strvec_push(&l->notes, "the client key in the certificate directory must be readable "
				       "by uid 1000 inside the workspace");
	} else {
		strvec_pushf(&l->warnings, "plain TCP: anyone who can reach %s:%s is root on that "
					   "host; use --tls with client certificates (port 2376)",
			     host, port);
	}
	strvec_push(&l->notes, "paths and ports used inside the workspace refer to the daemon's "
			       "host, not the workspace");
	free(url);
	return 0;
}
