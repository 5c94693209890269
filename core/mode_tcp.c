/* mode_tcp.c - mode 4: a remote daemon over TCP, with or without TLS. */
#include "modes.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mode_tcp_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		   struct err *e)
{
	const struct spec *s = ctx->spec;
	const struct facts *f = ctx->facts;
	const char *host = spec_get(s, OPT_TCP_HOST);
	if (!host)
		host = f ? f->tcp_host : NULL;
	if (!host)
		return mode_require(ctx, OPT_TCP_HOST, e);

	int tls = spec_bool(s, OPT_TLS);
	const char *certs = spec_get(s, OPT_CERT_DIR);
	if (!certs && f)
		certs = f->cert_dir;
	if (tls < 0)
		tls = certs != NULL;
	if (tls && !certs)
		return err_set(e, "tcp.cert_dir (--cert-dir) is required with TLS: a directory with "
				  "ca.pem, cert.pem and key.pem");

	const char *port = spec_get(s, OPT_TCP_PORT);
	if (!port)
		port = tls ? "2376" : "2375";
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
