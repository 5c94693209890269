/* endpoint_url.c - host URLs as the docker CLI parses them (unix://,
 * tcp://, ssh://; endpoint.h endpoint_parse_url). */
#include "endpoint.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PORT_PLAIN 2375
#define DEFAULT_UNIX_SOCKET "/var/run/docker.sock"
#define SHOW_MAX 128

static int bad_value(struct err *e, const char *value, const char *why)
{
	char *v = show_dup(value, SHOW_MAX);
	err_set(e, "%s %s", v, why);
	free(v);
	return -1;
}

/* ---- URLs ------------------------------------------------------------------- */

static void clear_url_fields(struct endpoint *ep)
{
	free(ep->url);
	free(ep->path);
	free(ep->host);
	free(ep->user);
	ep->url = ep->path = ep->host = ep->user = NULL;
	ep->port = 0;
}

/* Splits "host", "host:port", "[v6]", "[v6]:port" (N bytes at S). */
/* ssh resolves Host aliases from ~/.ssh/config, which may hold '_' and
 * other names DNS would refuse: accept [A-Za-z0-9._-], not starting with
 * '-' (it would be read as an ssh option). */
static int ssh_alias_ok(const char *h)
{
	if (!*h || *h == '-')
		return 0;
	for (; *h; h++)
		if (!((*h >= 'a' && *h <= 'z') || (*h >= 'A' && *h <= 'Z') || (*h >= '0' && *h <= '9') ||
		      *h == '.' || *h == '_' || *h == '-'))
			return 0;
	return 1;
}

static int split_hostport(const char *whole, const char *s, size_t n, char **host, int *port,
			  int default_port, int ssh, struct err *e)
{
	const char *h = s, *p = NULL;
	size_t hl = n;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return bad_value(e, whole, "has an unterminated [IPv6] address");
		h = s + 1;
		hl = (size_t)(close - h);
		if (close + 1 < s + n) {
			if (close[1] != ':')
				return bad_value(e, whole, "has junk after the [IPv6] address");
			p = close + 2;
		}
	} else {
		const char *colon = memchr(s, ':', n);
		if (colon) {
			if (memchr(colon + 1, ':', (size_t)(s + n - colon - 1)))
				return bad_value(e, whole, "has an IPv6 address without [brackets]");
			hl = (size_t)(colon - s);
			p = colon + 1;
		}
	}
	if (!hl)
		return bad_value(e, whole, "has no host");
	char *hs = xstrndup(h, hl);
	struct err ve;
	if (validate_host(hs, &ve) && !(ssh && h == s && ssh_alias_ok(hs))) {
		char *v = show_dup(whole, SHOW_MAX);
		err_set(e, "%s has an invalid host: %s", v, ve.msg);
		free(v);
		free(hs);
		return -1;
	}
	*port = default_port;
	if (p && p < s + n) {
		char *ps = xstrndup(p, (size_t)(s + n - p));
		if (validate_port(ps, port, &ve)) {
			char *v = show_dup(whole, SHOW_MAX);
			err_set(e, "%s has an invalid port: %s", v, ve.msg);
			free(v);
			free(ps);
			free(hs);
			return -1;
		}
		free(ps);
	}
	*host = hs;
	return 0;
}

static char *join_hostport(const char *host, int port)
{
	if (strchr(host, ':'))
		return port ? xasprintf("[%s]:%d", host, port) : xasprintf("[%s]", host);
	return port ? xasprintf("%s:%d", host, port) : xstrdup(host);
}

/* As docker/cli's ParseHost: an empty host is localhost, a path is the API's
 * base path, a query or fragment is dropped, an [IPv6] address needs a
 * port. */
static int parse_tcp(const char *whole, const char *rest, struct endpoint *ep, struct err *e)
{
	size_t n = strcspn(rest, "/?#");
	size_t pl = rest[n] == '/' ? strcspn(rest + n, "?#") : 0;
	if (memchr(rest, '@', n))
		return bad_value(e, whole, "has a user name (not supported for tcp://)");
	if (n && rest[0] == '[' && rest[n - 1] == ']')
		return bad_value(e, whole, "has an [IPv6] address without a port (invalid bind address format)");
	if (!n || rest[0] == ':') {
		char *hp = xasprintf("localhost%.*s", (int)n, rest);
		int rc = split_hostport(whole, hp, strlen(hp), &ep->host, &ep->port, PORT_PLAIN, 0, e);
		free(hp);
		if (rc)
			return -1;
	} else if (split_hostport(whole, rest, n, &ep->host, &ep->port, PORT_PLAIN, 0, e)) {
		return -1;
	}
	for (size_t i = 0; i < pl; i++) {
		char ch = rest[n + i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr("-._~/%", ch))) {
			free(ep->host);
			ep->host = NULL;
			return bad_value(e, whole, "has an invalid character in its path");
		}
	}
	if (pl > 1) {
		ep->path = xstrndup(rest + n, pl);
		while (strlen(ep->path) > 1 && ep->path[strlen(ep->path) - 1] == '/')
			ep->path[strlen(ep->path) - 1] = '\0';
		if (!strcmp(ep->path, "/")) { /* "//" is no base path either */
			free(ep->path);
			ep->path = NULL;
		}
	}
	char *hp = join_hostport(ep->host, ep->port);
	ep->url = xasprintf("tcp://%s%s", hp, ep->path ? ep->path : "");
	free(hp);
	ep->kind = EP_TCP;
	return 0;
}

static int parse_ssh(const char *whole, const char *rest, struct endpoint *ep, struct err *e)
{
	size_t n = strcspn(rest, "/?#");
	const char *auth = rest, *hp;
	size_t hpl;
	struct err ve;

	if (strpbrk(rest, "?#"))
		return bad_value(e, whole, "has a query or fragment (not supported by ssh://)");
	const char *at = NULL;
	for (const char *q = auth; q < auth + n; q++)
		if (*q == '@')
			at = q;
	if (at) {
		char *user = xstrndup(auth, (size_t)(at - auth));
		if (strchr(user, ':')) {
			free(user);
			return bad_value(e, whole, "has a password (not supported: use keys or an agent)");
		}
		if (validate_ssh_user(user, &ve)) {
			char *v = show_dup(whole, SHOW_MAX);
			err_set(e, "%s has an invalid user: %s", v, ve.msg);
			free(v);
			free(user);
			return -1;
		}
		ep->user = user;
		hp = at + 1;
	} else {
		hp = auth;
	}
	hpl = (size_t)(auth + n - hp);
	if (!hpl)
		return bad_value(e, whole, "has no host");
	if (split_hostport(whole, hp, hpl, &ep->host, &ep->port, 0, 1, e))
		return -1;
	if (rest[n] == '/' && rest[n + 1])
		ep->path = xstrdup(rest + n);
	char *hps = join_hostport(ep->host, ep->port);
	ep->url = xasprintf("ssh://%s%s%s%s", ep->user ? ep->user : "", ep->user ? "@" : "", hps,
			    ep->path ? ep->path : "");
	free(hps);
	ep->kind = EP_SSH;
	return 0;
}

int endpoint_parse_url(const char *url, struct endpoint *ep, struct err *e)
{
	const char *sep;
	char *trimmed;
	size_t a = 0, b;
	int rc;

	clear_url_fields(ep);
	if (!url)
		url = "";
	b = strlen(url);
	while (a < b && (url[a] == ' ' || url[a] == '\t'))
		a++;
	while (b > a && (url[b - 1] == ' ' || url[b - 1] == '\t' || url[b - 1] == '\n'))
		b--;
	trimmed = xstrndup(url + a, b - a);
	if (!*trimmed) {
		free(trimmed);
		return err_set(e, "empty host URL (expected unix://, tcp:// or ssh://)");
	}
	for (const char *q = trimmed; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f) {
			rc = bad_value(e, trimmed, "has control characters");
			goto out;
		}
	sep = strstr(trimmed, "://");
	if (!sep) {
		/* docker/cli: "host:port" without a scheme means tcp. */
		rc = parse_tcp(trimmed, trimmed, ep, e);
	} else {
		size_t sl = (size_t)(sep - trimmed);
		const char *rest = sep + 3;
		if (sl == 3 && !memcmp(trimmed, "tcp", 3)) {
			rc = parse_tcp(trimmed, rest, ep, e);
		} else if (sl == 4 && !memcmp(trimmed, "unix", 4)) {
			ep->kind = EP_UNIX;
			ep->path = xstrdup(*rest ? rest : DEFAULT_UNIX_SOCKET);
			ep->url = xasprintf("unix://%s", ep->path);
			rc = 0;
		} else if (sl == 3 && !memcmp(trimmed, "ssh", 3)) {
			rc = parse_ssh(trimmed, rest, ep, e);
		} else if (sl == 2 && !memcmp(trimmed, "fd", 2)) {
			rc = bad_value(e, trimmed, "is not supported (fd:// is systemd socket activation, for the daemon only)");
		} else if (sl == 5 && !memcmp(trimmed, "npipe", 5)) {
			rc = bad_value(e, trimmed, "is not supported (npipe:// is a Windows named pipe)");
		} else {
			rc = bad_value(e, trimmed, "is invalid (expected unix://, tcp:// or ssh://)");
		}
	}
out:
	free(trimmed);
	if (rc)
		clear_url_fields(ep);
	return rc;
}
