/* registry.c - newest release tag through the registry HTTP API v2. */
#include "registry.h"
#include "base/jdoc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COMPONENT_DIGITS_MAX 9
#define TAG_LEN_MAX 128

/* ---- semver ------------------------------------------------------------------ */

static const char *component(const char *p, long *out)
{
	long v = 0;
	int n = 0;
	if (*p < '0' || *p > '9')
		return NULL;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return NULL;   /* leading zero */
	while (*p >= '0' && *p <= '9') {
		if (++n > COMPONENT_DIGITS_MAX)
			return NULL;
		v = v * 10 + (*p++ - '0');
	}
	*out = v;
	return p;
}

int registry_semver_parse(const char *tag, struct semver *out)
{
	struct semver v;
	const char *p = tag;
	if (!p)
		return -1;
	if (*p == 'v')
		p++;
	if (!(p = component(p, &v.major)) || *p++ != '.' ||
	    !(p = component(p, &v.minor)) || *p++ != '.' ||
	    !(p = component(p, &v.patch)) || *p)
		return -1;
	if (out)
		*out = v;
	return 0;
}

int registry_semver_cmp(const struct semver *a, const struct semver *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	if (a->patch != b->patch)
		return a->patch < b->patch ? -1 : 1;
	return 0;
}

/* Is TAG (version V) better than the current best? */
static int better(const char *tag, const struct semver *v, const char *best, const struct semver *bv)
{
	int c;
	if (!best)
		return 1;
	c = registry_semver_cmp(v, bv);
	return c > 0 || (c == 0 && tag[0] == 'v' && best[0] != 'v');
}

const char *registry_newest_tag(const char *const *tags, size_t n)
{
	const char *best = NULL;
	struct semver bv = { 0, 0, 0 }, v;
	for (size_t i = 0; i < n; i++) {
		if (!tags[i] || registry_semver_parse(tags[i], &v))
			continue;
		if (better(tags[i], &v, best, &bv)) {
			best = tags[i];
			bv = v;
		}
	}
	return best;
}

/* ---- URLs -------------------------------------------------------------------- */

static int is_hub(const char *domain)
{
	return !strcmp(domain, "docker.io") || !strcmp(domain, "index.docker.io") ||
	       !strcmp(domain, "registry-1.docker.io");
}

static int is_local(const char *domain)
{
	size_t hl = strcspn(domain, ":");
	if (domain[0] == '[')
		return !strncmp(domain, "[::1]", 5);
	return (hl == 9 && !strncmp(domain, "localhost", 9)) || !strncmp(domain, "127.", 4);
}

char *registry_base_url(const struct imageref *ref)
{
	if (is_hub(ref->domain))
		return xstrdup("https://registry-1.docker.io");
	return xasprintf("%s://%s", is_local(ref->domain) ? "http" : "https", ref->domain);
}

char *registry_repo_path(const struct imageref *ref)
{
	if (is_hub(ref->domain) && !strchr(ref->path, '/'))
		return xasprintf("library/%s", ref->path);
	return xstrdup(ref->path);
}

static void url_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~", c))
			strbuf_addch(sb, (char)c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

/* ---- the lookup -------------------------------------------------------------- */

struct reg_op {
	char *base;
	char *repo;
	char *token;
	char *auth_header;
	int token_tried;
	struct registry_result res;
	struct semver best_v;
	registry_done_fn done;
	void *ctx;
	long timeout_ms;   /* each request's, connect and total; 0: the defaults */
};

static void op_release(void *p)
{
	struct reg_op *op = p;
	free(op->base);
	free(op->repo);
	free(op->token);
	free(op->auth_header);
	free(op->res.tag);
	free(op);
}

static void finish(struct reg_op *op, enum registry_status st)
{
	op->res.status = st;
	if (st == REGISTRY_OK || st == REGISTRY_NO_TAGS) {
		err_clear(&op->res.err);
		if (st == REGISTRY_OK && !op->res.tag)
			op->res.status = REGISTRY_NO_TAGS;
	}
	if (op->done)
		op->done(&op->res, op->ctx);
}

__attribute__((format(printf, 3, 4)))
static void fail(struct reg_op *op, enum registry_status st, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_set(&op->res.err, "%s: %s", op->base, msg);
	finish(op, st);
}

static void fail_net(struct reg_op *op, const struct net_reply *rp)
{
	fail(op, rp->result == NET_ERR_REFUSED ? REGISTRY_REFUSED : REGISTRY_UNREACHABLE,
	     "not reachable: %s", rp->err.msg);
}

static void request_for(struct net_request *req, const struct reg_op *op, const char *url,
			const char *const *headers)
{
	memset(req, 0, sizeof(*req));
	req->method = NET_GET;
	req->url = url;
	req->follow_redirects = 1;
	req->connect_timeout_ms = op->timeout_ms > 0 ? op->timeout_ms : REGISTRY_CONNECT_TIMEOUT_MS;
	req->timeout_ms = op->timeout_ms > 0 ? op->timeout_ms : REGISTRY_TIMEOUT_MS;
	req->headers = headers;
}

static void on_page(struct net *net, unsigned id, struct net_reply *rp, void *p);

/* Starts (or continues to) the page at URL, with the token when URL is on
 * the registry itself. */
static void get_page(struct net *net, unsigned id, struct reg_op *op, const char *url)
{
	struct net_request req;
	const char *hdrs[] = { op->auth_header, NULL };
	size_t bl = strlen(op->base);
	int same = !strncmp(url, op->base, bl) && (url[bl] == '/' || !url[bl]);
	request_for(&req, op, url, op->auth_header && same ? hdrs : NULL);
	net_continue(net, id, &req, on_page, op);
}

/* Parses `Bearer realm="…",service="…",scope="…"`: values malloc'd. */
static int parse_challenge(const char *h, char **realm, char **service, char **scope)
{
	const char *p = h;
	*realm = *service = *scope = NULL;
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "Bearer", 6) || (p[6] != ' ' && p[6] != '\t'))
		return -1;
	p += 6;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *k = p;
		while (*p && *p != '=' && *p != ',' && *p != ' ')
			p++;
		size_t kl = (size_t)(p - k);
		if (*p != '=')
			continue;
		p++;
		struct strbuf v = STRBUF_INIT;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				strbuf_addch(&v, *p++);
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != ' ')
				strbuf_addch(&v, *p++);
		}
		char **slot = NULL;
		if (kl == 5 && !strncasecmp(k, "realm", 5))
			slot = realm;
		else if (kl == 7 && !strncasecmp(k, "service", 7))
			slot = service;
		else if (kl == 5 && !strncasecmp(k, "scope", 5))
			slot = scope;
		if (slot && !*slot)
			*slot = strbuf_detach(&v, NULL);
		strbuf_release(&v);
	}
	if (!*realm || (strncmp(*realm, "https://", 8) && strncmp(*realm, "http://", 7))) {
		free(*realm);
		free(*service);
		free(*scope);
		*realm = *service = *scope = NULL;
		return -1;
	}
	return 0;
}

static void on_token(struct net *net, unsigned id, struct net_reply *rp, void *p)
{
	struct reg_op *op = p;
	if (rp->result != NET_OK) {
		fail(op, rp->result == NET_ERR_REFUSED ? REGISTRY_REFUSED : REGISTRY_UNREACHABLE,
		     "token service not reachable: %s", rp->err.msg);
		return;
	}
	if (rp->status == 401 || rp->status == 403) {
		fail(op, REGISTRY_UNAUTHORIZED, "unauthorized: the token service refused anonymous "
		     "access (HTTP %ld)", rp->status);
		return;
	}
	if (rp->status < 200 || rp->status > 299) {
		fail(op, REGISTRY_BAD_REPLY, "token service replied HTTP %ld", rp->status);
		return;
	}
	struct err je;
	struct jdoc *d = jdoc_parse(rp->body.buf, rp->body.len, NET_MAX_REPLY, &je);
	if (!d) {
		fail(op, REGISTRY_BAD_REPLY, "invalid JSON from the token service: %s", je.msg);
		return;
	}
	int root = jdoc_root(d);
	const char *tok = jdoc_string(d, jdoc_member(d, root, "token"), NULL);
	if (!tok || !*tok)
		tok = jdoc_string(d, jdoc_member(d, root, "access_token"), NULL);
	if (!tok || !*tok || strpbrk(tok, "\r\n")) {
		jdoc_free(d);
		fail(op, REGISTRY_UNAUTHORIZED, "unauthorized: the token service gave no token");
		return;
	}
	op->token = xstrdup(tok);
	op->auth_header = xasprintf("Authorization: Bearer %s", tok);
	jdoc_free(d);
	op->token_tried = 1;
	char *url = xasprintf("%s/v2/%s/tags/list", op->base, op->repo);
	get_page(net, id, op, url);
	free(url);
}

static void start_token(struct net *net, unsigned id, struct reg_op *op, const char *challenge)
{
	char *realm, *service, *scope;
	struct net_request req;
	struct strbuf url = STRBUF_INIT;
	if (parse_challenge(challenge, &realm, &service, &scope)) {
		char *c = show_dup(challenge, 100);
		fail(op, REGISTRY_UNAUTHORIZED, "unauthorized (unsupported challenge %s)", c);
		free(c);
		return;
	}
	strbuf_addstr(&url, realm);
	char sep = strchr(realm, '?') ? '&' : '?';
	if (service) {
		strbuf_addf(&url, "%cservice=", sep);
		url_escape(&url, service);
		sep = '&';
	}
	strbuf_addf(&url, "%cscope=", sep);
	if (scope) {
		url_escape(&url, scope);
	} else {
		char *s = xasprintf("repository:%s:pull", op->repo);
		url_escape(&url, s);
		free(s);
	}
	op->token_tried = 1;
	request_for(&req, op, url.buf, NULL);
	net_continue(net, id, &req, on_token, op);
	strbuf_release(&url);
	free(realm);
	free(service);
	free(scope);
}

/* The next page from `Link: </v2/…?last=x&n=100>; rel="next"`, or NULL. */
static char *next_page(const struct reg_op *op, const char *link)
{
	const char *lt, *gt;
	if (!link || !strstr(link, "next") || !(lt = strchr(link, '<')) || !(gt = strchr(lt, '>')))
		return NULL;
	char *target = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	char *url;
	if (!strncmp(target, "https://", 8) || !strncmp(target, "http://", 7))
		url = xstrdup(target);
	else if (target[0] == '/')
		url = xasprintf("%s%s", op->base, target);
	else
		url = xasprintf("%s/%s", op->base, target);
	free(target);
	return url;
}

static void on_page(struct net *net, unsigned id, struct net_reply *rp, void *p)
{
	struct reg_op *op = p;
	if (rp->result != NET_OK) {
		fail_net(op, rp);
		return;
	}
	if (rp->status == 401 && !op->token_tried && rp->www_authenticate) {
		start_token(net, id, op, rp->www_authenticate);
		return;
	}
	if (rp->status == 401 || rp->status == 403) {
		fail(op, REGISTRY_UNAUTHORIZED, "unauthorized: cannot list tags of %s (HTTP %ld)",
		     op->repo, rp->status);
		return;
	}
	if (rp->status == 404) {
		fail(op, REGISTRY_NOT_FOUND, "repository %s not found", op->repo);
		return;
	}
	if (rp->status < 200 || rp->status > 299) {
		fail(op, REGISTRY_BAD_REPLY, "tags/list replied HTTP %ld", rp->status);
		return;
	}
	struct err je;
	struct jdoc *d = jdoc_parse(rp->body.buf, rp->body.len, NET_MAX_REPLY, &je);
	if (!d) {
		fail(op, REGISTRY_BAD_REPLY, "invalid JSON in tags/list: %s", je.msg);
		return;
	}
	int root = jdoc_root(d);
	int tags = jdoc_member(d, root, "tags");
	if (jdoc_type(d, root) != JDOC_OBJECT ||
	    (jdoc_type(d, tags) != JDOC_ARRAY && jdoc_type(d, tags) != JDOC_NULL)) {
		jdoc_free(d);
		fail(op, REGISTRY_BAD_REPLY, "tags/list has no \"tags\" array");
		return;
	}
	op->res.pages++;
	for (size_t i = 0; i < jdoc_count(d, tags); i++) {
		const char *t = jdoc_string(d, jdoc_at(d, tags, i), NULL);
		struct semver v;
		if (!t)
			continue;
		op->res.tags_seen++;
		if (strlen(t) > TAG_LEN_MAX || registry_semver_parse(t, &v))
			continue;
		if (better(t, &v, op->res.tag, &op->best_v)) {
			free(op->res.tag);
			op->res.tag = xstrdup(t);
			op->best_v = v;
		}
	}
	jdoc_free(d);
	char *next = next_page(op, rp->link);
	if (next && op->res.pages >= REGISTRY_MAX_PAGES) {
		op->res.truncated = 1;
		free(next);
		next = NULL;
	}
	if (next) {
		get_page(net, id, op, next);
		free(next);
		return;
	}
	finish(op, REGISTRY_OK);
}

unsigned registry_latest_tag(struct net *net, const char *image, const char *base_url, long timeout_ms,
			     registry_done_fn done, void *ctx, struct err *e)
{
	struct imageref ref;
	struct net_request req;
	struct reg_op *op;
	char *url;
	unsigned id;

	if (imageref_parse(image, &ref, e))
		return 0;
	op = xcalloc(1, sizeof(*op));
	op->base = base_url && *base_url ? xstrdup(base_url) : registry_base_url(&ref);
	size_t bl = strlen(op->base);
	while (bl && op->base[bl - 1] == '/')
		op->base[--bl] = '\0';
	op->repo = registry_repo_path(&ref);
	op->done = done;
	op->ctx = ctx;
	op->timeout_ms = timeout_ms;
	imageref_release(&ref);
	url = xasprintf("%s/v2/%s/tags/list", op->base, op->repo);
	request_for(&req, op, url, NULL);
	id = net_start(net, &req, on_page, op_release, op);
	free(url);
	return id;
}
