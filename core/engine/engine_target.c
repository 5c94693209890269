/* engine_target.c - how to reach one daemon (engine.h struct
 * engine_target): its URL, TLS material and the negotiated API version. */
#include "engine.h"
#include "base/show.h"

#include <stdlib.h>
#include <string.h>

/* ---- target ---------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* "1.45" → 1045; -1 when malformed. */
static long api_number(const char *s)
{
	long major = 0, minor = 0;
	const char *p = s;
	int digits = 0;
	if (!s)
		return -1;
	while (*p >= '0' && *p <= '9' && digits < 3) {
		major = major * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || *p++ != '.')
		return -1;
	digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 3) {
		minor = minor * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || *p)
		return -1;
	return major * 1000 + minor;
}

int engine_target_init(struct engine_target *t, const struct endpoint *ep,
		       const char *api_version, struct err *e)
{
	memset(t, 0, sizeof(*t));
	t->connect_timeout_ms = NET_CONNECT_TIMEOUT_MS;
	t->timeout_ms = NET_TIMEOUT_MS;
	t->max_reply = NET_MAX_REPLY;
	if (api_version && *api_version) {
		if (api_number(api_version) < 0) {
			char *v = show_dup(api_version, 32);
			err_set(e, "DOCKER_API_VERSION: %s is not an API version (like %s)", v, ENGINE_API_MAX);
			free(v);
			return -1;
		}
		t->api_version = xstrdup(api_version);
		t->api_pinned = 1;
	}
	switch (ep->kind) {
	case EP_UNIX:
		t->unix_socket = xstrdup(ep->path);
		t->no_proxy = 1;
		t->base_url = xstrdup("http://localhost");
		break;
	case EP_TCP:
		t->no_proxy = !strcmp(ep->host, "localhost") || !strncmp(ep->host, "127.", 4) ||
			      !strcmp(ep->host, "::1");
		/* tcp://host:port/base: every API path goes under /base, as
		 * with the docker CLI. */
		if (strchr(ep->host, ':'))
			t->base_url = xasprintf("%s://[%s]:%d%s", ep->tls ? "https" : "http", ep->host, ep->port,
						ep->path ? ep->path : "");
		else
			t->base_url = xasprintf("%s://%s:%d%s", ep->tls ? "https" : "http", ep->host, ep->port,
						ep->path ? ep->path : "");
		if (ep->tls) {
			t->insecure = !ep->tls_verify;
			t->ca_file = dup_or_null(ep->ca_file);
			t->cert_file = dup_or_null(ep->cert_file);
			t->key_file = dup_or_null(ep->key_file);
		}
		break;
	case EP_SSH:
	default:
		engine_target_release(t);
		return err_set(e, "%s: ssh:// endpoints are not reachable over HTTP (docker runs "
			       "`ssh HOST docker system dial-stdio`); use the ssh checks",
			       ep->url ? ep->url : "ssh://");
	}
	t->endpoint = xstrdup(ep->url ? ep->url : t->base_url);
	return 0;
}

void engine_target_release(struct engine_target *t)
{
	free(t->endpoint);
	free(t->base_url);
	free(t->unix_socket);
	free(t->ca_file);
	free(t->cert_file);
	free(t->key_file);
	free(t->api_version);
	memset(t, 0, sizeof(*t));
}

int engine_target_negotiate(struct engine_target *t, const char *server_api, struct err *e)
{
	long srv, max = api_number(ENGINE_API_MAX), min = api_number(ENGINE_API_MIN);
	if (t->api_pinned)
		return 0;
	if (!server_api || !*server_api)
		server_api = ENGINE_API_FALLBACK;
	srv = api_number(server_api);
	if (srv < 0) {
		char *v = show_dup(server_api, 32);
		err_set(e, "the daemon sent an invalid Api-Version %s", v);
		free(v);
		return -1;
	}
	if (srv < min)
		return err_set(e, "the daemon's API %s is older than %s (Docker 1.12)", server_api, ENGINE_API_MIN);
	free(t->api_version);
	t->api_version = xstrdup(srv < max ? server_api : ENGINE_API_MAX);
	return 0;
}

