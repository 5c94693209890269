/* engine.h - the Docker Engine API, asynchronously, on top of net.h.
 *
 * A struct engine_target says how to reach one daemon (built from a
 * resolved struct endpoint: unix socket, tcp, tcp+TLS with client
 * certificates; ssh:// endpoints are refused, they are reached through
 * `ssh … docker system dial-stdio`, not HTTP).  Timeouts and the reply
 * ceiling default to NET_CONNECT_TIMEOUT_MS, NET_TIMEOUT_MS and
 * NET_MAX_REPLY (net.h, the one place those numbers live).
 *
 * API version: every request except /_ping carries a /vX.Y prefix.  The
 * version is negotiated like the Go client does: GET /_ping, read its
 * Api-Version header, use min(server, ENGINE_API_MAX); a server older than
 * ENGINE_API_MIN is an error; a /_ping without the header means
 * ENGINE_API_FALLBACK.  A version given at init (the caller passes
 * getenv("DOCKER_API_VERSION")) pins it and disables negotiation.  Any
 * call made before the version is known negotiates first (the ping and the
 * request then run as one operation under one id), and stores the result in
 * the target for the calls after it.
 *   Bounds: 1.24 (Docker 1.12) is the oldest API whose replies have every
 *   field we read (Runtimes, SecurityOptions, State.Status); 1.47 (Engine
 *   27.1) is the newest we have checked field names against.  Current
 *   daemons accept 1.40 and up (29.x: 1.44 and up), so 1.47 keeps working.
 *
 * Calls return a net request id (cancel with net_cancel(net, id); DONE is
 * then never called) and report through DONE from net_dispatch().  The
 * target must outlive its calls.  The struct engine_result and everything
 * in it belong to the engine and are freed when DONE returns; DONE may take
 * a pointer (r->doc, a field of r->info, ...) by setting it to NULL.
 *
 * Part core/engine/: reaching a daemon: endpoint resolution (endpoint), HTTP on one curl multi
 * handle (net, net_errors), the Engine API (engine*), the registry API
 * (registry) and what /proc says of a local daemon (daemon_caps).
 * Layer: may include base (docs/ARCHITECTURE.md "core/, by part").
 */
#ifndef WS_ENGINE_H
#define WS_ENGINE_H

#include "endpoint.h"
#include "base/err.h"
#include "base/jdoc.h"
#include "net.h"
#include "base/strbuf.h"
#include "base/strvec.h"

#define ENGINE_API_MIN "1.24"
#define ENGINE_API_MAX "1.47"
#define ENGINE_API_FALLBACK "1.24"

struct engine_target {
	char *endpoint;          /* for messages: "unix:///var/run/docker.sock" */
	char *base_url;          /* "http://localhost", "https://host:2376" */
	char *unix_socket;       /* NULL for tcp */
	char *ca_file, *cert_file, *key_file;   /* NULL when absent */
	int insecure;            /* TLS without verifying the server */
	int no_proxy;            /* bypass *_proxy: unix sockets and loopback
	                            hosts (as Go's ProxyFromEnvironment does);
	                            other tcp hosts honour it, like docker */
	char *api_version;       /* "1.45"; NULL until negotiated */
	int api_pinned;          /* from the caller (DOCKER_API_VERSION) */
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_reply;
};

enum engine_status {
	ENGINE_OK,            /* a 2xx reply of the expected shape (object calls: 404 too) */
	ENGINE_NOT_FOUND,     /* HTTP 404 (engine_get_json, engine_version, engine_info) */
	ENGINE_HTTP_ERROR,    /* another non-2xx status; err holds the daemon's message */
	ENGINE_UNREACHABLE,   /* no HTTP reply: net_result says why */
	ENGINE_BAD_REPLY,     /* a reply that is not what a Docker daemon sends */
};

struct engine_ping {
	char *server_api;     /* Api-Version header, NULL when absent */
	char *api_version;    /* what the target now uses */
	char *server;         /* Server header: "Docker/27.1.1 (linux)" */
	char *os_type;        /* Ostype header */
};

struct engine_version {
	char *version, *api_version, *min_api_version;
	char *os, *arch, *kernel_version, *platform;
};

struct engine_info {
	char *server_version, *operating_system, *os_type, *kernel_version;
	char *architecture, *name, *default_runtime, *cgroup_version, *docker_root_dir;
	struct strvec runtimes;           /* keys of Runtimes */
	struct strvec security_options;   /* "name=seccomp,profile=builtin", ... */
	struct strvec warnings;
	int userns;                       /* SecurityOptions has name=userns */
	int docker_desktop;               /* OperatingSystem "Docker Desktop" or Name "docker-desktop" */
};

/* 1 when the daemon's SecurityOptions has an entry "name=NAME[,...]". */
int engine_info_has_secopt(const struct engine_info *i, const char *name);

struct engine_labels {
	struct strvec keys, values;   /* parallel */
};

/* A container, network or image: exists = 0 when the daemon said 404. */
struct engine_object {
	int exists;
	char *id;
	char *name;       /* containers: "/workspace"; networks: "dind"; images: NULL */
	char *image;      /* containers: Config.Image */
	char *status;     /* containers: State.Status */
	int running;      /* containers: State.Running */
	struct engine_labels labels;
};

struct engine_result {
	enum engine_status status;
	enum net_result net_result;   /* the transport outcome (NET_OK for any reply) */
	long http_status;             /* 0 without a reply */
	struct err err;               /* one line, empty for ENGINE_OK */
	long elapsed_ms;
	struct jdoc *doc;             /* the parsed body (JSON calls, 2xx) */
	struct engine_ping *ping;         /* engine_ping */
	struct engine_version *version;   /* engine_version */
	struct engine_info *info;         /* engine_info */
	struct engine_object *object;     /* engine_container/network/image */
};

typedef void (*engine_done_fn)(struct engine_result *r, void *ctx);

/* Builds T from EP.  API_VERSION ("1.41"; NULL or "" to negotiate) pins the
 * version.  Returns -1 with E for ssh endpoints and a bad API_VERSION.
 * engine_target_release() releases T's strings. */
int engine_target_init(struct engine_target *t, const struct endpoint *ep,
		       const char *api_version, struct err *e);
void engine_target_release(struct engine_target *t);
/* Applies the negotiation rule to a server's Api-Version (NULL: fallback);
 * no-op when pinned.  -1 with E for a malformed or too old version. */
int engine_target_negotiate(struct engine_target *t, const char *server_api, struct err *e);

/* Appends NAME to SB escaped for a URL path: letters, digits, "-._~", '/',
 * ':' and '@' stay (Docker's routes take names with '/' and ':'), the rest
 * becomes %XX, and so does a '.' in a segment made only of dots. */
void engine_path_escape(struct strbuf *sb, const char *name);
/* BASE_URL + "/vX.Y" (when known) + PATH.  Malloc'd. */
char *engine_url(const struct engine_target *t, const char *path);

unsigned engine_ping(struct net *net, struct engine_target *t, engine_done_fn done, void *ctx);
/* GET PATH (unversioned, e.g. "/info") as JSON: r->doc on 2xx. */
unsigned engine_get_json(struct net *net, struct engine_target *t, const char *path,
			 engine_done_fn done, void *ctx);
unsigned engine_version(struct net *net, struct engine_target *t, engine_done_fn done, void *ctx);
unsigned engine_info(struct net *net, struct engine_target *t, engine_done_fn done, void *ctx);
unsigned engine_container(struct net *net, struct engine_target *t, const char *name,
			  engine_done_fn done, void *ctx);
unsigned engine_network(struct net *net, struct engine_target *t, const char *name,
			engine_done_fn done, void *ctx);
/* GET /volumes/NAME: exists, labels (name/status/id are NULL). */
unsigned engine_volume(struct net *net, struct engine_target *t, const char *name,
		       engine_done_fn done, void *ctx);
/* Fills REQ (GET, URL, socket, TLS files, timeouts, ceiling) for a request
 * to T that the caller starts itself (e.g. a POST with a streamed reply).
 * URL is borrowed. */
void engine_request_init(const struct engine_target *t, struct net_request *req, const char *url);
unsigned engine_image(struct net *net, struct engine_target *t, const char *name,
		      engine_done_fn done, void *ctx);

/* ---- reply handling without a network (fuzzers, unit tests) ----------- */

enum engine_call_kind {
	ENGINE_CALL_PING,     /* engine_ping */
	ENGINE_CALL_JSON,     /* engine_get_json */
	ENGINE_CALL_VERSION,  /* engine_version */
	ENGINE_CALL_INFO,     /* engine_info */
	ENGINE_CALL_OBJECT,   /* engine_container/network/volume/image */
};

/* Fills R exactly as DONE would see it when a call of KIND to T ended with
 * the transfer RP (any status, headers and body).  ENGINE_CALL_PING runs the
 * version negotiation (T's api_version may change, as for a real ping); the
 * other kinds decode RP as the reply of their main request.  R is
 * overwritten; it owns what it points to until engine_result_release(). */
void engine_result_from_reply(struct engine_target *t, enum engine_call_kind kind,
			      const struct net_reply *rp, struct engine_result *r);
/* Frees everything R owns and zeroes it. */
void engine_result_release(struct engine_result *r);

/* The value of label KEY, or NULL. */
const char *engine_labels_get(const struct engine_labels *l, const char *key);
/* 1 when SV has the string S. */
int engine_strvec_has(const struct strvec *sv, const char *s);

#endif
