/* fuzz_endpoint.c - the Docker endpoint resolution (endpoint.h): host URLs
 * (endpoint_parse_url) and the whole DOCKER_HOST / DOCKER_CONTEXT /
 * config.json / meta.json / TLS-files resolution (endpoint_resolve_env)
 * against files written to a private temp dir.
 *
 * Input, split at NUL bytes:
 *   0  two flag bytes (which variables are set, which files exist)
 *   1  DOCKER_HOST value (also parsed alone with endpoint_parse_url)
 *   2  DOCKER_CONTEXT value
 *   3  config.json contents
 *   4  contexts/meta/<id>/meta.json contents
 * Properties: errors are one line and leave the endpoint empty; a parsed
 * or resolved endpoint is consistent for its kind and its normalised URL
 * parses back to the same endpoint (normalisation is idempotent). */
#include "engine/endpoint.h"
#include "fuzz.h"
#include "base/strbuf.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTX_ID "0123456789abcdef"

static char root[64];
static char *cfg, *meta_dir, *meta_file, *config_file, *ctx_tls, *cert_dir;

/* rm -r PATH (no symlinks are followed: lstat). */
static void rm_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char *sub = xasprintf("%s/%s", path, de->d_name);
			rm_tree(sub);
			free(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void cleanup(void)
{
	if (root[0])
		rm_tree(root);
}

static void mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	mkdir(p, 0700);
	free(p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/ws-fuzz-ep-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(root))
		abort();
	atexit(cleanup);
	cfg = xasprintf("%s/docker", root);
	meta_dir = xasprintf("%s/contexts/meta/" CTX_ID, cfg);
	meta_file = xasprintf("%s/meta.json", meta_dir);
	config_file = xasprintf("%s/config.json", cfg);
	ctx_tls = xasprintf("%s/contexts/tls/" CTX_ID "/docker", cfg);
	cert_dir = xasprintf("%s/certs", root);
	mkdirs(meta_dir);
	mkdirs(ctx_tls);
	mkdirs(cert_dir);
	return 0;
}

static void put(const char *dir, const char *name, const char *data, size_t len, int present)
{
	char *path = dir ? xasprintf("%s/%s", dir, name) : xstrdup(name);
	if (!present) {
		unlink(path);
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
			abort();
		close(fd);
	}
	free(path);
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_empty(const struct endpoint *ep, const char *what)
{
	FUZZ_CHECK(!ep->url && !ep->path && !ep->host && !ep->user && !ep->context && !ep->ca_file &&
		   !ep->cert_file && !ep->key_file && !ep->cert_dir,
		   "%s failed but left fields set", what);
}

/* EP parsed or resolved fine: it must be consistent and re-parse to itself. */
static void check_endpoint(const struct endpoint *ep, const char *what)
{
	FUZZ_CHECK(ep->url && fuzz_one_line(ep->url), "%s: no URL or a control character in it", what);
	switch (ep->kind) {
	case EP_UNIX:
		FUZZ_CHECK(ep->path && !strncmp(ep->url, "unix://", 7), "%s: unix endpoint %s", what, ep->url);
		FUZZ_CHECK(!ep->tls, "%s: TLS on a unix socket", what);
		break;
	case EP_TCP:
		FUZZ_CHECK(ep->host && ep->port >= 1 && ep->port <= 65535 && !strncmp(ep->url, "tcp://", 6),
			   "%s: tcp endpoint %s port %d", what, ep->url, ep->port);
		break;
	case EP_SSH:
		FUZZ_CHECK(ep->host && ep->port >= 0 && ep->port <= 65535 && !strncmp(ep->url, "ssh://", 6),
			   "%s: ssh endpoint %s", what, ep->url);
		FUZZ_CHECK(!ep->tls, "%s: TLS on ssh", what);
		break;
	default:
		FUZZ_CHECK(0, "%s: kind %d", what, (int)ep->kind);
	}
	FUZZ_CHECK(!ep->tls_verify || ep->tls, "%s: verify without TLS", what);
	FUZZ_CHECK(!ep->cert_file == !ep->key_file, "%s: half a client certificate pair", what);

	struct endpoint again;
	struct err e;
	endpoint_init(&again);
	FUZZ_CHECK(!endpoint_parse_url(ep->url, &again, &e), "%s: normalised URL %s does not parse: %s",
		   what, ep->url, e.msg);
	FUZZ_CHECK(again.kind == ep->kind && same(again.url, ep->url) && same(again.host, ep->host) &&
		   same(again.user, ep->user) && same(again.path, ep->path) && again.port == ep->port,
		   "%s: %s re-parses as %s (host %s, port %d)", what, ep->url, again.url ? again.url : "-",
		   again.host ? again.host : "-", again.port);
	endpoint_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *part[5];
	size_t len[5];
	size_t n = fuzz_split(data, size, &buf, part, len, 5);
	for (size_t i = n; i < 5; i++) {
		part[i] = buf + size;   /* "" */
		len[i] = 0;
	}
	unsigned f0 = len[0] > 0 ? (unsigned char)part[0][0] : 0;
	unsigned f1 = len[0] > 1 ? (unsigned char)part[0][1] : 0;
	struct endpoint ep;
	struct err e;

	/* The URL alone. */
	endpoint_init(&ep);
	if (endpoint_parse_url(part[1], &ep, &e)) {
		FUZZ_CHECK(fuzz_one_line(e.msg), "parse error is not one line: %s", e.msg);
		check_empty(&ep, "endpoint_parse_url");
	} else {
		check_endpoint(&ep, "endpoint_parse_url");
	}
	endpoint_release(&ep);

	/* The files. */
	put(NULL, config_file, part[3], len[3], f1 & 1);
	put(NULL, meta_file, part[4], len[4], f1 & 2);
	put(ctx_tls, "ca.pem", "x", 1, f1 & 4);
	put(ctx_tls, "cert.pem", "x", 1, f1 & 8);
	put(ctx_tls, "key.pem", "x", 1, f1 & 16);
	put(cert_dir, "ca.pem", "x", 1, f0 & 32);
	put(cert_dir, "cert.pem", "x", 1, f0 & 64);
	put(cert_dir, "key.pem", "x", 1, f0 & 128);

	struct endpoint_env env = {
		.docker_host = f0 & 1 ? part[1] : NULL,
		.docker_context = f0 & 2 ? part[2] : NULL,
		.docker_config = f1 & 32 ? NULL : cfg,
		.docker_tls_verify = f0 & 4 ? (f1 & 64 ? "0" : "1") : NULL,
		.docker_tls = f0 & 8 ? "1" : NULL,
		.docker_cert_path = f0 & 16 ? cert_dir : NULL,
		.home = f1 & 128 ? NULL : root,
		.xdg_runtime_dir = root,
	};
	endpoint_init(&ep);
	if (endpoint_resolve_env(&ep, &env, &e)) {
		FUZZ_CHECK(fuzz_one_line(e.msg), "resolve error is not one line: %s", e.msg);
		check_empty(&ep, "endpoint_resolve_env");
	} else {
		check_endpoint(&ep, "endpoint_resolve_env");
		FUZZ_CHECK(ep.context != NULL, "resolved endpoint without a context name");
	}
	endpoint_release(&ep);
	free(buf);
	return 0;
}
