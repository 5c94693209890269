/* engine.c - Docker Engine API calls over net.h. */
#include "engine.h"
#include "base/show.h"

#include <stdlib.h>
#include <string.h>

#define MESSAGE_SHOW_MAX 200

struct engine_call {
	struct engine_target *t;
	enum engine_call_kind kind;
	char *path;            /* unversioned path */
	engine_done_fn done;
	void *ctx;
};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* "1.45" → 1045; -1 when malformed. */
/* ---- URLs -------------------------------------------------------------------- */

void engine_path_escape(struct strbuf *sb, const char *name)
{
	const char *seg = name;
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '/') {
			seg = p + 1;
			strbuf_addch(sb, '/');
			continue;
		}
		if (c == '.') {
			size_t n = strcspn(seg, "/");
			if (strspn(seg, ".") == n) {
				strbuf_addstr(sb, "%2E");
				continue;
			}
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~:@", c))
			strbuf_addch(sb, (char)c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

char *engine_url(const struct engine_target *t, const char *path)
{
	if (t->api_version)
		return xasprintf("%s/v%s%s", t->base_url, t->api_version, path);
	return xasprintf("%s%s", t->base_url, path);
}

/* ---- results ------------------------------------------------------------------- */

static void labels_release(struct engine_labels *l)
{
	strvec_release(&l->keys);
	strvec_release(&l->values);
}

static void result_release(struct engine_result *r)
{
	jdoc_free(r->doc);
	if (r->ping) {
		free(r->ping->server_api);
		free(r->ping->api_version);
		free(r->ping->server);
		free(r->ping->os_type);
		free(r->ping);
	}
	if (r->version) {
		struct engine_version *v = r->version;
		free(v->version);
		free(v->api_version);
		free(v->min_api_version);
		free(v->os);
		free(v->arch);
		free(v->kernel_version);
		free(v->platform);
		free(v);
	}
	if (r->info) {
		struct engine_info *i = r->info;
		free(i->server_version);
		free(i->operating_system);
		free(i->os_type);
		free(i->kernel_version);
		free(i->architecture);
		free(i->name);
		free(i->default_runtime);
		free(i->cgroup_version);
		free(i->docker_root_dir);
		strvec_release(&i->runtimes);
		strvec_release(&i->security_options);
		strvec_release(&i->warnings);
		free(i);
	}
	if (r->object) {
		struct engine_object *o = r->object;
		free(o->id);
		free(o->name);
		free(o->image);
		free(o->status);
		labels_release(&o->labels);
		free(o);
	}
}

const char *engine_labels_get(const struct engine_labels *l, const char *key)
{
	for (size_t i = 0; i < l->keys.n && i < l->values.n; i++)
		if (!strcmp(l->keys.v[i], key))
			return l->values.v[i];
	return NULL;
}

int engine_strvec_has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

static char *jstr(const struct jdoc *d, int node)
{
	return dup_or_null(jdoc_string(d, node, NULL));
}

static void strings_of(const struct jdoc *d, int arr, struct strvec *out)
{
	for (size_t i = 0; i < jdoc_count(d, arr); i++) {
		const char *s = jdoc_string(d, jdoc_at(d, arr, i), NULL);
		if (s)
			strvec_push(out, s);
	}
}

static void labels_of(const struct jdoc *d, int obj, struct engine_labels *l)
{
	strvec_init(&l->keys);
	strvec_init(&l->values);
	for (size_t i = 0; i < jdoc_count(d, obj); i++) {
		const char *k;
		int v = jdoc_pair(d, obj, i, &k);
		const char *s = jdoc_string(d, v, NULL);
		if (s) {
			strvec_push(&l->keys, k);
			strvec_push(&l->values, s);
		}
	}
}

/* Error text of a non-2xx reply: Docker's {"message": "..."} or the body. */
static void http_error(struct engine_result *r, const struct net_reply *rp, const struct engine_target *t)
{
	struct jdoc *d = jdoc_parse(rp->body.buf, rp->body.len, t->max_reply, NULL);
	const char *msg = jdoc_string(d, jdoc_get(d, jdoc_root(d), "message", NULL), NULL);
	struct strbuf sb = STRBUF_INIT;
	if (!msg && rp->body.len && !memchr(rp->body.buf, '\0', rp->body.len))
		msg = rp->body.buf;
	if (msg && *msg) {
		show_value(&sb, msg, MESSAGE_SHOW_MAX);
		err_set(&r->err, "daemon replied HTTP %ld: %s", rp->status, sb.buf);
	} else {
		err_set(&r->err, "daemon replied HTTP %ld", rp->status);
	}
	strbuf_release(&sb);
	jdoc_free(d);
}

/* Fills status/err/doc from a finished request; returns 1 when the body is
 * a parsed 2xx JSON document the kind-specific code can read. */
static int result_from_reply(struct engine_result *r, const struct net_reply *rp,
			     const struct engine_target *t, int want_json)
{
	r->net_result = rp->result;
	r->http_status = rp->status;
	r->elapsed_ms = rp->elapsed_ms;
	if (rp->result != NET_OK) {
		r->status = ENGINE_UNREACHABLE;
		err_set(&r->err, "%s: %s", t->endpoint, rp->err.msg);
		return 0;
	}
	if (rp->status < 200 || rp->status > 299) {
		r->status = rp->status == 404 ? ENGINE_NOT_FOUND : ENGINE_HTTP_ERROR;
		http_error(r, rp, t);
		return 0;
	}
	if (!want_json)
		return 1;
	r->doc = jdoc_parse(rp->body.buf, rp->body.len, t->max_reply, &r->err);
	if (!r->doc) {
		r->status = ENGINE_BAD_REPLY;
		err_prefix(&r->err, "%s: invalid JSON in the reply", t->endpoint);
		return 0;
	}
	return 1;
}

static void bad_shape(struct engine_result *r, const struct engine_target *t, const char *what)
{
	r->status = ENGINE_BAD_REPLY;
	err_set(&r->err, "%s: unexpected reply: %s", t->endpoint, what);
}

static void fill_version(struct engine_result *r, const struct engine_target *t)
{
	const struct jdoc *d = r->doc;
	int root = jdoc_root(d);
	if (jdoc_type(d, root) != JDOC_OBJECT) {
		bad_shape(r, t, "/version is not a JSON object");
		return;
	}
	struct engine_version *v = xcalloc(1, sizeof(*v));
	v->version = jstr(d, jdoc_member(d, root, "Version"));
	v->api_version = jstr(d, jdoc_member(d, root, "ApiVersion"));
	v->min_api_version = jstr(d, jdoc_member(d, root, "MinAPIVersion"));
	v->os = jstr(d, jdoc_member(d, root, "Os"));
	v->arch = jstr(d, jdoc_member(d, root, "Arch"));
	v->kernel_version = jstr(d, jdoc_member(d, root, "KernelVersion"));
	v->platform = jstr(d, jdoc_get(d, root, "Platform", "Name", NULL));
	r->version = v;
}

static void fill_info(struct engine_result *r, const struct engine_target *t)
{
	const struct jdoc *d = r->doc;
	int root = jdoc_root(d);
	if (jdoc_type(d, root) != JDOC_OBJECT) {
		bad_shape(r, t, "/info is not a JSON object");
		return;
	}
	struct engine_info *i = xcalloc(1, sizeof(*i));
	strvec_init(&i->runtimes);
	strvec_init(&i->security_options);
	strvec_init(&i->warnings);
	i->server_version = jstr(d, jdoc_member(d, root, "ServerVersion"));
	i->operating_system = jstr(d, jdoc_member(d, root, "OperatingSystem"));
	i->os_type = jstr(d, jdoc_member(d, root, "OSType"));
	i->kernel_version = jstr(d, jdoc_member(d, root, "KernelVersion"));
	i->architecture = jstr(d, jdoc_member(d, root, "Architecture"));
	i->name = jstr(d, jdoc_member(d, root, "Name"));
	i->default_runtime = jstr(d, jdoc_member(d, root, "DefaultRuntime"));
	i->cgroup_version = jstr(d, jdoc_member(d, root, "CgroupVersion"));
	i->docker_root_dir = jstr(d, jdoc_member(d, root, "DockerRootDir"));
	int rt = jdoc_member(d, root, "Runtimes");
	for (size_t k = 0; k < jdoc_count(d, rt); k++) {
		const char *name;
		if (jdoc_pair(d, rt, k, &name))
			strvec_push(&i->runtimes, name);
	}
	strings_of(d, jdoc_member(d, root, "SecurityOptions"), &i->security_options);
	strings_of(d, jdoc_member(d, root, "Warnings"), &i->warnings);
	i->userns = engine_info_has_secopt(i, "userns");
	i->docker_desktop = (i->operating_system && strstr(i->operating_system, "Docker Desktop")) ||
			    (i->name && !strcmp(i->name, "docker-desktop"));
	r->info = i;
}

int engine_info_has_secopt(const struct engine_info *i, const char *name)
{
	size_t nl = strlen(name);
	for (size_t k = 0; k < i->security_options.n; k++) {
		const char *o = i->security_options.v[k];
		if (!strncmp(o, "name=", 5) && !strncmp(o + 5, name, nl) && (o[5 + nl] == ',' || !o[5 + nl]))
			return 1;
	}
	return 0;
}

static void fill_object(struct engine_result *r, const struct engine_target *t)
{
	struct engine_object *o = xcalloc(1, sizeof(*o));
	strvec_init(&o->labels.keys);
	strvec_init(&o->labels.values);
	r->object = o;
	if (r->status == ENGINE_NOT_FOUND) {
		/* "does not exist" is the answer, not a failure. */
		r->status = ENGINE_OK;
		err_clear(&r->err);
		return;
	}
	const struct jdoc *d = r->doc;
	int root = jdoc_root(d);
	if (jdoc_type(d, root) != JDOC_OBJECT) {
		bad_shape(r, t, "not a JSON object");
		return;
	}
	o->exists = 1;
	o->id = jstr(d, jdoc_member(d, root, "Id"));
	o->name = jstr(d, jdoc_member(d, root, "Name"));
	o->image = jstr(d, jdoc_get(d, root, "Config", "Image", NULL));
	o->status = jstr(d, jdoc_get(d, root, "State", "Status", NULL));
	o->running = jdoc_bool(d, jdoc_get(d, root, "State", "Running", NULL), 0);
	int labels = jdoc_member(d, root, "Labels");
	if (jdoc_type(d, labels) != JDOC_OBJECT)
		labels = jdoc_get(d, root, "Config", "Labels", NULL);
	labels_release(&o->labels);
	labels_of(d, labels, &o->labels);
}

/* ---- calls ------------------------------------------------------------------ */

static void call_release(void *p)
{
	struct engine_call *c = p;
	free(c->path);
	free(c);
}

void engine_request_init(const struct engine_target *t, struct net_request *req, const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = NET_GET;
	req->url = url;
	req->unix_socket = t->unix_socket;
	req->ca_file = t->ca_file;
	req->cert_file = t->cert_file;
	req->key_file = t->key_file;
	req->insecure = t->insecure;
	req->no_proxy = t->no_proxy;
	req->connect_timeout_ms = t->connect_timeout_ms;
	req->timeout_ms = t->timeout_ms;
	req->max_reply = t->max_reply;
}

static void deliver(struct engine_call *c, struct engine_result *r)
{
	if (c->done)
		c->done(r, c->ctx);
	result_release(r);
}

/* The main stage of a call (negotiation done): R from RP. */
static void decode_main(struct engine_target *t, enum engine_call_kind kind, const struct net_reply *rp,
			struct engine_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = ENGINE_OK;
	int ok = result_from_reply(r, rp, t, 1);
	switch (kind) {
	case ENGINE_CALL_VERSION:
		if (ok)
			fill_version(r, t);
		break;
	case ENGINE_CALL_INFO:
		if (ok)
			fill_info(r, t);
		break;
	case ENGINE_CALL_OBJECT:
		if (ok || r->status == ENGINE_NOT_FOUND)
			fill_object(r, t);
		break;
	default:
		break;
	}
}

static void on_main(struct net *net, unsigned id, struct net_reply *rp, void *p)
{
	struct engine_call *c = p;
	struct engine_result r;
	(void)net;
	(void)id;
	decode_main(c->t, c->kind, rp, &r);
	deliver(c, &r);
}

static void start_main(struct net *net, unsigned id, struct engine_call *c)
{
	struct net_request req;
	char *url = engine_url(c->t, c->path);
	engine_request_init(c->t, &req, url);
	if (id)
		net_continue(net, id, &req, on_main, c);
	free(url);
}

/* The /_ping stage: negotiates T's API version from RP.  Returns 1 when a
 * call of KIND goes on to its main request (R is then empty), 0 when R is
 * the final result (the ping's own, or the error that ends the call). */
static int decode_ping(struct engine_target *t, enum engine_call_kind kind, const struct net_reply *rp,
		       struct engine_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = ENGINE_OK;
	int ok = result_from_reply(r, rp, t, 0);

	if (ok && engine_target_negotiate(t, rp->api_version, &r->err)) {
		r->status = ENGINE_BAD_REPLY;
		ok = 0;
	}
	if (!ok) {
		if (kind != ENGINE_CALL_PING && r->status != ENGINE_UNREACHABLE)
			err_prefix(&r->err, "/_ping");
		return 0;
	}
	if (kind != ENGINE_CALL_PING) {
		/* The negotiation was only the first stage. */
		result_release(r);
		return 1;
	}
	r->ping = xcalloc(1, sizeof(*r->ping));
	r->ping->server_api = dup_or_null(rp->api_version);
	r->ping->api_version = dup_or_null(t->api_version);
	r->ping->server = dup_or_null(rp->server);
	r->ping->os_type = dup_or_null(rp->ostype);
	return 0;
}

static void on_ping(struct net *net, unsigned id, struct net_reply *rp, void *p)
{
	struct engine_call *c = p;
	struct engine_result r;
	if (decode_ping(c->t, c->kind, rp, &r))
		start_main(net, id, c);
	else
		deliver(c, &r);
}

void engine_result_from_reply(struct engine_target *t, enum engine_call_kind kind,
			      const struct net_reply *rp, struct engine_result *r)
{
	if (kind == ENGINE_CALL_PING)
		decode_ping(t, kind, rp, r);
	else
		decode_main(t, kind, rp, r);
}

void engine_result_release(struct engine_result *r)
{
	result_release(r);
	memset(r, 0, sizeof(*r));
}

static unsigned call_start(struct net *net, struct engine_target *t, enum engine_call_kind kind,
			   const char *path, engine_done_fn done, void *ctx)
{
	struct engine_call *c = xcalloc(1, sizeof(*c));
	struct net_request req;
	char *url;
	unsigned id;

	c->t = t;
	c->kind = kind;
	c->path = xstrdup(path);
	c->done = done;
	c->ctx = ctx;
	if (kind == ENGINE_CALL_PING || !t->api_version) {
		url = xasprintf("%s/_ping", t->base_url);
		engine_request_init(t, &req, url);
		id = net_start(net, &req, on_ping, call_release, c);
	} else {
		url = engine_url(t, path);
		engine_request_init(t, &req, url);
		id = net_start(net, &req, on_main, call_release, c);
	}
	free(url);
	return id;
}

unsigned engine_ping(struct net *net, struct engine_target *t, engine_done_fn done, void *ctx)
{
	return call_start(net, t, ENGINE_CALL_PING, "/_ping", done, ctx);
}

unsigned engine_get_json(struct net *net, struct engine_target *t, const char *path,
			 engine_done_fn done, void *ctx)
{
	return call_start(net, t, ENGINE_CALL_JSON, path, done, ctx);
}

unsigned engine_version(struct net *net, struct engine_target *t, engine_done_fn done, void *ctx)
{
	return call_start(net, t, ENGINE_CALL_VERSION, "/version", done, ctx);
}

unsigned engine_info(struct net *net, struct engine_target *t, engine_done_fn done, void *ctx)
{
	return call_start(net, t, ENGINE_CALL_INFO, "/info", done, ctx);
}

static unsigned object_call(struct net *net, struct engine_target *t, const char *prefix,
			    const char *name, const char *suffix, engine_done_fn done, void *ctx)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned id;
	strbuf_addstr(&sb, prefix);
	engine_path_escape(&sb, name ? name : "");
	strbuf_addstr(&sb, suffix);
	id = call_start(net, t, ENGINE_CALL_OBJECT, sb.buf, done, ctx);
	strbuf_release(&sb);
	return id;
}

unsigned engine_volume(struct net *net, struct engine_target *t, const char *name,
		       engine_done_fn done, void *ctx)
{
	return object_call(net, t, "/volumes/", name, "", done, ctx);
}

unsigned engine_container(struct net *net, struct engine_target *t, const char *name,
			  engine_done_fn done, void *ctx)
{
	return object_call(net, t, "/containers/", name, "/json", done, ctx);
}

unsigned engine_network(struct net *net, struct engine_target *t, const char *name,
			engine_done_fn done, void *ctx)
{
	return object_call(net, t, "/networks/", name, "", done, ctx);
}

unsigned engine_image(struct net *net, struct engine_target *t, const char *name,
		      engine_done_fn done, void *ctx)
{
	return object_call(net, t, "/images/", name, "/json", done, ctx);
}
