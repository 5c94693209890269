/* endpoint.c - resolve the docker client's endpoint like docker/cli does. */
#include "endpoint.h"
#include "base/jdoc.h"
#include "base/sha256.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_UNIX_SOCKET "/var/run/docker.sock"
#define DEFAULT_UNIX_URL "unix://" DEFAULT_UNIX_SOCKET
#define DEFAULT_TLS_URL "tcp://localhost:2376"
#define JSON_FILE_MAX ((size_t)4 << 20)
#define SHOW_MAX 128

static int nonempty(const char *s)
{
	return s && *s;
}

void endpoint_init(struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	strvec_init(&ep->warnings);
}

void endpoint_release(struct endpoint *ep)
{
	free(ep->context);
	free(ep->url);
	free(ep->path);
	free(ep->host);
	free(ep->user);
	free(ep->cert_dir);
	free(ep->ca_file);
	free(ep->cert_file);
	free(ep->key_file);
	strvec_release(&ep->warnings);
	endpoint_init(ep);
}

void endpoint_env_from_environ(struct endpoint_env *env)
{
	env->docker_host = getenv("DOCKER_HOST");
	env->docker_context = getenv("DOCKER_CONTEXT");
	env->docker_config = getenv("DOCKER_CONFIG");
	env->docker_tls_verify = getenv("DOCKER_TLS_VERIFY");
	env->docker_tls = getenv("DOCKER_TLS");
	env->docker_cert_path = getenv("DOCKER_CERT_PATH");
	env->home = getenv("HOME");
	env->xdg_runtime_dir = getenv("XDG_RUNTIME_DIR");
}

const char *endpoint_source_name(enum endpoint_source s)
{
	switch (s) {
	case SRC_DOCKER_HOST: return "DOCKER_HOST";
	case SRC_DOCKER_CONTEXT: return "DOCKER_CONTEXT";
	case SRC_CONFIG: return "config.json currentContext";
	case SRC_DEFAULT: return "default";
	}
	return "unknown";
}

/* "MSG" with the value shown safely: fills E, returns -1. */
/* ---- files -------------------------------------------------------------------- */

/* Reads PATH (at most MAX bytes) into SB.  Returns 0, 1 when it does not
 * exist, -1 with E ("PATH: why") otherwise. */
static int slurp(const char *path, size_t max, struct strbuf *sb, struct err *e)
{
	char buf[8192];
	ssize_t n;
	struct stat st;
	/* O_NONBLOCK: a FIFO planted as config.json must not hang us. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return err_set(e, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s: not a regular file", path);
	}
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (sb->len + (size_t)n > max) {
			close(fd);
			return err_set(e, "%s: larger than %zu bytes", path, max);
		}
		strbuf_add(sb, buf, (size_t)n);
	}
	close(fd);
	return 0;
}

/* The member KEY of object NODE as Go's encoding/json finds a struct
 * field: keys match case-insensitively and the last match wins. */
static int go_member(const struct jdoc *doc, int node, const char *key)
{
	int found = 0;
	if (jdoc_type(doc, node) != JDOC_OBJECT)
		return 0;
	for (size_t i = 0; i < jdoc_count(doc, node); i++) {
		const char *k;
		int v = jdoc_pair(doc, node, i, &k);
		if (k && !strcasecmp(k, key))
			found = v;
	}
	return found;
}

/* Parses the JSON file PATH: 0 with *DOC, 1 when missing, -1 with E.  What
 * Go's encoding/json refuses and YAML (our parser) takes is refused too:
 * a byte-order mark, an empty file, unquoted keys. */
static int load_json(const char *path, struct jdoc **doc, struct err *e)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = slurp(path, JSON_FILE_MAX, &sb, e);
	*doc = NULL;
	if (!rc && sb.len >= 3 && !memcmp(sb.buf, "\xef\xbb\xbf", 3)) {
		err_set(e, "%s: invalid character (a byte-order mark) looking for beginning of value", path);
		rc = -1;
	} else if (!rc) {
		*doc = jdoc_parse(sb.buf, sb.len, JSON_FILE_MAX, e);
		if (!*doc) {
			/* "PATH:LINE:COL: problem" */
			char msg[ERR_MAX];
			memcpy(msg, e ? e->msg : "", e ? sizeof(msg) : 1);
			err_set(e, "%s:%s", path, msg);
			rc = -1;
		}
	}
	strbuf_release(&sb);
	return rc;
}

static int file_exists(const char *path)
{
	struct stat st;
	return !stat(path, &st) && !S_ISDIR(st.st_mode);
}

/* Looks for ca.pem, cert.pem, key.pem in DIR and records the ones present.
 * WHAT names the setting for messages.  As the docker CLI: with NEED_CA
 * (TLS asked for in the environment) ca.pem must exist; a client
 * certificate without its key (or the other way round) is not used, and
 * said in a warning.  Returns the number used, or -1 with E. */
static int find_tls_files(struct endpoint *ep, const char *dir, int need_ca, const char *what, struct err *e)
{
	char *ca = xasprintf("%s/ca.pem", dir);
	char *cert = xasprintf("%s/cert.pem", dir);
	char *key = xasprintf("%s/key.pem", dir);
	int has_ca = file_exists(ca), has_cert = file_exists(cert), has_key = file_exists(key);

	if (has_cert != has_key) {
		strvec_pushf(&ep->warnings, "%s: %s without %s: no client certificate is sent", what,
			     has_cert ? cert : key, has_cert ? key : cert);
		has_cert = has_key = 0;
	}
	int rc = has_ca + has_cert + has_key;
	if (need_ca && !has_ca)
		rc = err_set(e, "%s: open %s: no such file (TLS needs the CA certificate)", what, ca);
	if (rc > 0) {
		free(ep->cert_dir);
		ep->cert_dir = xstrdup(dir);
		if (has_ca) {
			ep->ca_file = ca;
			ca = NULL;
		}
		if (has_cert) {
			ep->cert_file = cert;
			ep->key_file = key;
			cert = key = NULL;
		}
	}
	free(ca);
	free(cert);
	free(key);
	return rc;
}

/* ---- the default context ------------------------------------------------------ */

static char *config_dir(const struct endpoint_env *env)
{
	if (nonempty(env->docker_config))
		return xstrdup(env->docker_config);
	if (nonempty(env->home))
		return xasprintf("%s/.docker", env->home);
	return NULL;
}

/* The virtual "default" context: HOST (or the built-in default) plus the
 * DOCKER_TLS* environment. */
static int resolve_default(struct endpoint *ep, const struct endpoint_env *env, const char *cfgdir,
			   const char *host, enum endpoint_source src, struct err *e)
{
	int verify = nonempty(env->docker_tls_verify);
	int tls = verify || nonempty(env->docker_tls);

	if (endpoint_parse_url(host ? host : tls ? DEFAULT_TLS_URL : DEFAULT_UNIX_URL, ep, e))
		return err_prefix(e, "DOCKER_HOST");
	ep->source = src;
	ep->context = xstrdup("default");
	if (!tls)
		return 0;
	/* The docker CLI loads the TLS material for any host (a unix socket
	 * too) and refuses when ca.pem is missing; only tcp:// uses it here. */
	const char *dir = nonempty(env->docker_cert_path) ? env->docker_cert_path : cfgdir;
	const char *what = nonempty(env->docker_cert_path) ? "DOCKER_CERT_PATH" :
			   verify ? "DOCKER_TLS_VERIFY" : "DOCKER_TLS";
	if (!dir)
		return err_set(e, "%s is set but there is no certificate directory "
			       "(set DOCKER_CERT_PATH, DOCKER_CONFIG or HOME)", verify ? "DOCKER_TLS_VERIFY" : "DOCKER_TLS");
	if (find_tls_files(ep, dir, 1, what, e) < 0)
		return -1;
	if (ep->kind == EP_TCP) {
		ep->tls = 1;
		ep->tls_verify = verify;
	}
	return 0;
}

/* ---- named contexts ------------------------------------------------------------ */

/* The context NAME, where the docker CLI looks for it:
 * <cfgdir>/contexts/meta/<sha256(NAME)>/meta.json (a meta.json elsewhere,
 * even with that Name, is not it).  Returns 0 with *DOC, *META (path) and
 * *ID (the directory name), or -1 with E. */
static int find_context(const char *cfgdir, const char *name, const char *what,
			struct jdoc **doc, char **meta, char **id, struct err *e)
{
	char hex[65];
	sha256_hex(name, strlen(name), hex);
	char *path = xasprintf("%s/contexts/meta/%s/meta.json", cfgdir, hex);
	char *shown = show_dup(name, SHOW_MAX);
	struct err fe;
	int rc = load_json(path, doc, &fe);
	if (rc > 0) {
		err_set(e, "%s: context %s not found (no %s)", what, shown, path);
		rc = -1;
	} else if (rc < 0) {
		err_set(e, "%s: context %s: %s", what, shown, fe.msg);
	} else {
		const char *n = jdoc_string(*doc, go_member(*doc, jdoc_root(*doc), "Name"), NULL);
		if (!n || strcmp(n, name)) {
			err_set(e, "%s: context %s: %s names %s", what, shown, path, n ? "another context" : "no context");
			jdoc_free(*doc);
			*doc = NULL;
			rc = -1;
		}
	}
	if (rc) {
		free(path);
	} else {
		*meta = path;
		*id = xstrdup(hex);
	}
	free(shown);
	return rc;
}

static int resolve_named(struct endpoint *ep, const struct endpoint_env *env, const char *cfgdir,
			 const char *name, enum endpoint_source src, const char *what, struct err *e)
{
	struct jdoc *doc;
	char *meta, *id, *tlsdir = NULL;
	int rc = -1;

	if (!strcmp(name, "default"))
		return resolve_default(ep, env, cfgdir, NULL, src, e);
	if (!cfgdir) {
		char *shown = show_dup(name, SHOW_MAX);
		err_set(e, "%s: context %s: no docker config directory (DOCKER_CONFIG and HOME are unset)",
			what, shown);
		free(shown);
		return -1;
	}
	if (find_context(cfgdir, name, what, &doc, &meta, &id, e))
		return -1;

	int root = jdoc_root(doc);
	int dep = go_member(doc, go_member(doc, root, "Endpoints"), "docker");
	if (jdoc_type(doc, dep) != JDOC_OBJECT) {
		err_set(e, "%s: %s: context has no Endpoints.docker", what, meta);
		goto out;
	}
	int hostn = go_member(doc, dep, "Host");
	const char *host = jdoc_string(doc, hostn, NULL);
	if (hostn && !host && jdoc_type(doc, hostn) != JDOC_NULL) {
		unsigned long l, c;
		jdoc_pos(doc, hostn, &l, &c);
		err_set(e, "%s: %s:%lu:%lu: Endpoints.docker.Host: expected a string", what, meta, l, c);
		goto out;
	}
	/* docker/cli: an endpoint without Host talks to the default socket. */
	if (endpoint_parse_url(nonempty(host) ? host : DEFAULT_UNIX_URL, ep, e)) {
		err_prefix(e, "%s: %s: Endpoints.docker.Host", what, meta);
		goto out;
	}
	int skip = jdoc_bool(doc, go_member(doc, dep, "SkipTLSVerify"), 0);
	ep->source = src;
	ep->context = xstrdup(name);
	rc = 0;
	if (ep->kind != EP_TCP)
		goto out;   /* unix and ssh endpoints never use TLS */
	tlsdir = xasprintf("%s/contexts/tls/%s/docker", cfgdir, id);
	char *ctx_what = xasprintf("%s: context TLS", what);
	int found = find_tls_files(ep, tlsdir, 0, ctx_what, e);
	free(ctx_what);
	if (found < 0) {
		rc = -1;
		goto out;
	}
	ep->tls = found > 0 || skip;
	ep->tls_verify = ep->tls && !skip;
out:
	jdoc_free(doc);
	free(meta);
	free(id);
	free(tlsdir);
	return rc;
}

/* ---- resolution ---------------------------------------------------------------- */

/* currentContext from <cfgdir>/config.json into *NAME (NULL = none).  A
 * config.json the docker CLI cannot parse is, as for the CLI, a warning
 * (into WARNINGS) and no current context. */
static void current_context(const char *cfgdir, char **name, char **path, struct strvec *warnings)
{
	struct jdoc *doc;
	struct err e;
	*name = NULL;
	*path = xasprintf("%s/config.json", cfgdir);
	struct stat st;
	if (!stat(*path, &st) && S_ISREG(st.st_mode) && st.st_size == 0)
		return; /* an empty config.json is no config, for the CLI too */
	int rc = load_json(*path, &doc, &e);
	if (rc) {
		if (rc < 0)
			strvec_pushf(warnings, "Error parsing config file (%s): %s; using the default context", *path,
				     e.msg);
		return;
	}
	int root = jdoc_root(doc);
	int cc = go_member(doc, root, "currentContext");
	const char *s = jdoc_string(doc, cc, NULL);
	if (jdoc_type(doc, root) != JDOC_OBJECT)
		strvec_pushf(warnings, "Error parsing config file (%s): not a JSON object; using the default context",
			     *path);
	else if (cc && (!s || !jdoc_is_quoted(doc, cc)) && jdoc_type(doc, cc) != JDOC_NULL)
		strvec_pushf(warnings, "Error parsing config file (%s): currentContext is not a string; "
				       "using the default context", *path);
	else if (nonempty(s))
		*name = xstrdup(s);
	jdoc_free(doc);
}

int endpoint_resolve_env(struct endpoint *ep, const struct endpoint_env *env, struct err *e)
{
	char *cfgdir = config_dir(env);
	int rc;

	endpoint_release(ep);
	struct strvec warnings = STRVEC_INIT;
	char *name = NULL, *path = NULL;
	if (cfgdir && !nonempty(env->docker_context))
		current_context(cfgdir, &name, &path, &warnings);
	if (nonempty(env->docker_host)) {
		rc = resolve_default(ep, env, cfgdir, env->docker_host, SRC_DOCKER_HOST, e);
		const char *active = nonempty(env->docker_context) ? env->docker_context : name;
		if (!rc && active && strcmp(active, "default"))
			strvec_push(&ep->warnings, "DOCKER_HOST environment variable overrides the active context. "
						   "To use a context, either set the global --context flag, or unset "
						   "DOCKER_HOST environment variable.");
	} else if (nonempty(env->docker_context)) {
		rc = resolve_named(ep, env, cfgdir, env->docker_context, SRC_DOCKER_CONTEXT,
				   "DOCKER_CONTEXT", e);
	} else {
		if (name && strcmp(name, "default")) {
			char *what = xasprintf("%s: currentContext", path);
			rc = resolve_named(ep, env, cfgdir, name, SRC_CONFIG, what, e);
			free(what);
		} else {
			rc = resolve_default(ep, env, cfgdir, NULL, SRC_DEFAULT, e);
		}
	}
	free(name);
	free(path);
	free(cfgdir);
	for (size_t i = 0; !rc && i < warnings.n; i++)
		strvec_push(&ep->warnings, warnings.v[i]);
	strvec_release(&warnings);
	if (rc)
		endpoint_release(ep);
	return rc;
}

int endpoint_resolve(struct endpoint *ep, struct err *e)
{
	struct endpoint_env env;
	endpoint_env_from_environ(&env);
	return endpoint_resolve_env(ep, &env, e);
}

/* ---- local sockets ------------------------------------------------------------- */

static int is_socket(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISSOCK(st.st_mode);
}

char *endpoint_local_socket_env(const struct endpoint_env *env)
{
	char *cand[4] = { xstrdup(DEFAULT_UNIX_SOCKET), NULL, NULL, NULL };
	char *found = NULL;
	if (nonempty(env->xdg_runtime_dir))
		cand[1] = xasprintf("%s/docker.sock", env->xdg_runtime_dir);
	if (nonempty(env->home)) {
		cand[2] = xasprintf("%s/.docker/desktop/docker.sock", env->home);
		cand[3] = xasprintf("%s/.docker/run/docker.sock", env->home);
	}
	for (size_t i = 0; i < 4; i++) {
		if (!found && cand[i] && is_socket(cand[i])) {
			found = cand[i];
			continue;
		}
		free(cand[i]);
	}
	return found ? found : xstrdup(DEFAULT_UNIX_SOCKET);
}

char *endpoint_local_socket(void)
{
	struct endpoint_env env;
	endpoint_env_from_environ(&env);
	return endpoint_local_socket_env(&env);
}
