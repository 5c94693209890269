/* endpoint.h - which Docker daemon the host's docker client talks to,
 * resolved exactly as the docker CLI does (docker/cli resolveContextName):
 *
 *   1. DOCKER_HOST (non-empty)         → context "default" with that host
 *   2. DOCKER_CONTEXT (non-empty)      → that context's meta.json
 *   3. currentContext in $DOCKER_CONFIG/config.json (default ~/.docker)
 *   4. the default: unix:///var/run/docker.sock (TLS env: tcp://localhost:2376)
 *
 * Context metadata lives in <config>/contexts/meta/<sha256(name)>/meta.json
 * and TLS material in <config>/contexts/tls/<sha256(name)>/docker/; a
 * meta.json in any other folder is not the context, whatever its Name.
 * JSON files are read as Go's encoding/json reads them into structs: keys
 * match in any case and the last duplicate wins; a config.json the CLI
 * cannot parse (truncated, not an object, a byte-order mark, a non-string
 * currentContext, not a regular file) is a warning and no current context.
 * DOCKER_TLS_VERIFY (any non-empty value, even "0") turns on TLS with
 * verification, DOCKER_TLS (non-empty) TLS without verification; either
 * needs <DOCKER_CERT_PATH or config dir>/ca.pem (for any host, as the CLI
 * loads it before it looks at the host); cert.pem and key.pem are used
 * when both exist.  tcp:// without a host is localhost, a path is the
 * API's base path, a query is dropped, [IPv6] needs a port.  The CLI's
 * warnings (a damaged config.json, DOCKER_HOST over the active context)
 * are kept in ep->warnings in its words.  tests/cli/endpoint_corpus.sh
 * compares all of this with the docker CLI itself.
 *
 * Ownership: struct endpoint owns its strings (endpoint_release).  Errors name
 * the variable or file that is wrong: "DOCKER_HOST: 'tcp://' has no host",
 * "/root/.docker/config.json:1:2: ...", "DOCKER_CERT_PATH: ... missing". */
#ifndef WS_ENDPOINT_H
#define WS_ENDPOINT_H

#include "base/err.h"
#include "base/strvec.h"

enum endpoint_kind { EP_UNIX, EP_TCP, EP_SSH };
enum endpoint_source { SRC_DOCKER_HOST, SRC_DOCKER_CONTEXT, SRC_CONFIG, SRC_DEFAULT };

struct endpoint {
	enum endpoint_kind kind;
	enum endpoint_source source;
	char *context;   /* context name; "default" for 1 and 4 */
	char *url;       /* normalised: unix:///p, tcp://h:p, ssh://[u@]h[:p] */
	char *path;      /* EP_UNIX: socket path; EP_SSH: remote socket path
	                    from ssh://h/path, or NULL */
	char *host;      /* EP_TCP, EP_SSH */
	int port;        /* EP_TCP: always set (2375 default); EP_SSH: 0 = default */
	char *user;      /* EP_SSH: NULL = ssh's default */
	int tls;         /* EP_TCP: TLS on */
	int tls_verify;  /* EP_TCP: verify the server certificate */
	char *cert_dir;  /* directory of ca.pem/cert.pem/key.pem, or NULL */
	char *ca_file;   /* NULL when absent */
	char *cert_file;
	char *key_file;
	struct strvec warnings; /* what the docker CLI would warn about, one line each */
};

/* The inputs of resolution; endpoint_env_from_environ() fills it from the
 * process environment (pointers borrowed from environ). */
struct endpoint_env {
	const char *docker_host;
	const char *docker_context;
	const char *docker_config;
	const char *docker_tls_verify;
	const char *docker_tls;
	const char *docker_cert_path;
	const char *home;
	const char *xdg_runtime_dir;
};

void endpoint_init(struct endpoint *ep);
void endpoint_release(struct endpoint *ep);
void endpoint_env_from_environ(struct endpoint_env *env);
/* EP must be initialised (endpoint_init); its old contents are freed.  On
 * error EP is left empty and E names the variable or file at fault. */
int endpoint_resolve_env(struct endpoint *ep, const struct endpoint_env *env, struct err *e);
/* endpoint_resolve_env() with the process environment. */
int endpoint_resolve(struct endpoint *ep, struct err *e);
/* Parses a host URL (unix://, tcp://, ssh://; "fd://", "npipe://" are
 * refused as unsupported here).  Does not touch TLS fields. */
int endpoint_parse_url(const char *url, struct endpoint *ep, struct err *e);
/* The first existing socket among root's (/var/run), a user's ($XDG_RUNTIME_DIR),
 * Docker Desktop paths; /var/run/docker.sock when none exists.  Malloc'd. */
char *endpoint_local_socket(void);
/* endpoint_local_socket() with XDG_RUNTIME_DIR and HOME taken from ENV. */
char *endpoint_local_socket_env(const struct endpoint_env *env);
const char *endpoint_source_name(enum endpoint_source s);

#endif
