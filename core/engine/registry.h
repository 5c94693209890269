/* registry.h - the newest release tag of an image's repository, through
 * the registry HTTP API v2, asynchronously on a struct net.
 *
 *   GET BASE/v2/<path>/tags/list
 *   401 + "WWW-Authenticate: Bearer realm=…,service=…,scope=…"
 *       → GET realm?service=…&scope=… (anonymous) → {"token"|"access_token"}
 *       → the same GET with "Authorization: Bearer <token>"
 *   "Link: <…>; rel="next"" → the next page, at most REGISTRY_MAX_PAGES
 *
 * BASE is https://<domain> of the reference (Docker Hub: registry-1.docker.io,
 * "library/" added to one-component paths; localhost and 127.x registries:
 * http://, as Docker treats them as insecure) unless the caller passes its
 * own (tests use http://127.0.0.1:PORT).  The token is only ever sent to
 * BASE.  Tags count when they are release versions: vMAJOR.MINOR.PATCH or
 * MAJOR.MINOR.PATCH, decimal, no leading zeros, no pre-release or build
 * suffix; they compare numerically (v0.10.2 > v0.9.9). */
#ifndef WS_REGISTRY_H
#define WS_REGISTRY_H

#include <stddef.h>

#include "base/err.h"
#include "base/imageref.h"
#include "net.h"

#define REGISTRY_CONNECT_TIMEOUT_MS 3000L
#define REGISTRY_TIMEOUT_MS 10000L
#define REGISTRY_MAX_PAGES 20

struct semver {
	long major, minor, patch;
};

/* 0 and *OUT when TAG is a release version (see above), else -1. */
int registry_semver_parse(const char *tag, struct semver *out);
/* <0, 0, >0 like strcmp, numerically. */
int registry_semver_cmp(const struct semver *a, const struct semver *b);
/* The newest release tag among TAGS[0..N) (a pointer into TAGS), or NULL.
 * Between "v1.2.3" and "1.2.3" the "v" form wins. */
const char *registry_newest_tag(const char *const *tags, size_t n);

enum registry_status {
	REGISTRY_OK,             /* tag holds the newest release tag */
	REGISTRY_NO_TAGS,        /* the repository has no release tags */
	REGISTRY_UNREACHABLE,    /* DNS, timeout, TLS, network */
	REGISTRY_REFUSED,        /* connection refused */
	REGISTRY_UNAUTHORIZED,   /* 401/403 even after the anonymous token */
	REGISTRY_NOT_FOUND,      /* 404: no such repository */
	REGISTRY_BAD_REPLY,      /* other statuses, malformed JSON */
};

struct registry_result {
	enum registry_status status;
	char *tag;          /* REGISTRY_OK: the newest release tag */
	size_t tags_seen;   /* tags listed, release or not */
	unsigned pages;     /* pages read */
	int truncated;      /* stopped at REGISTRY_MAX_PAGES */
	struct err err;     /* one line unless REGISTRY_OK / REGISTRY_NO_TAGS */
};

/* R and its strings belong to the registry code and are freed when the
 * callback returns (take r->tag by setting it to NULL). */
typedef void (*registry_done_fn)(struct registry_result *r, void *ctx);

/* "https://ghcr.io", "https://registry-1.docker.io", "http://localhost:5000".
 * Malloc'd. */
char *registry_base_url(const struct imageref *ref);
/* The repository path the registry expects ("library/docker" for
 * "docker.io/docker").  Malloc'd. */
char *registry_repo_path(const struct imageref *ref);

/* Starts the lookup for IMAGE (any reference; tag and digest are ignored).
 * BASE_URL overrides the registry URL (NULL: registry_base_url()).
 * TIMEOUT_MS bounds each request, connect and total (the caller's
 * --timeout; 0: REGISTRY_CONNECT_TIMEOUT_MS and REGISTRY_TIMEOUT_MS).  Returns
 * a net request id (net_cancel() stops the whole lookup, DONE is then not
 * called), or 0 with E when IMAGE does not parse. */
unsigned registry_latest_tag(struct net *net, const char *image, const char *base_url, long timeout_ms,
			     registry_done_fn done, void *ctx, struct err *e);

#endif
