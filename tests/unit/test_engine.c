/* test_engine.c - engine.c and registry.c against the loopback server of
 * lib_peer.c playing Docker daemons and a registry. */
#include "lib_peer.h"

struct eng_got {
	int calls;
	enum engine_status status;
	enum net_result net_result;
	long http;
	char err[ERR_MAX];
	int exists, running, rootless, userns, desktop;
	char s1[128], s2[128], s3[128], s4[128];
	size_t n1, n2, n3;
	int has_doc;
};

static void copy(char *dst, const char *src)
{
	snprintf(dst, 128, "%s", src ? src : "(null)");
}

static void on_engine(struct engine_result *r, void *ctx)
{
	struct eng_got *g = ctx;
	memset(g, 0, sizeof(*g));
	g->calls = 1;
	g->status = r->status;
	g->net_result = r->net_result;
	g->http = r->http_status;
	g->has_doc = r->doc != NULL;
	snprintf(g->err, sizeof(g->err), "%s", r->err.msg);
	if (r->ping) {
		copy(g->s1, r->ping->server_api);
		copy(g->s2, r->ping->api_version);
		copy(g->s3, r->ping->server);
		copy(g->s4, r->ping->os_type);
	}
	if (r->info) {
		copy(g->s1, r->info->server_version);
		copy(g->s2, r->info->operating_system);
		copy(g->s3, r->info->default_runtime);
		copy(g->s4, r->info->cgroup_version);
		g->n1 = r->info->runtimes.n;
		g->n2 = r->info->security_options.n;
		g->n3 = r->info->warnings.n;
		g->rootless = engine_info_has_secopt(r->info, "rootless");
		g->userns = r->info->userns;
		g->desktop = r->info->docker_desktop;
		if (!engine_strvec_has(&r->info->runtimes, "sysbox-runc"))
			g->n1 = 999;
	}
	if (r->version) {
		copy(g->s1, r->version->version);
		copy(g->s2, r->version->api_version);
		copy(g->s3, r->version->platform);
		copy(g->s4, r->version->min_api_version);
	}
	if (r->object) {
		g->exists = r->object->exists;
		g->running = r->object->running;
		copy(g->s1, r->object->id);
		copy(g->s2, r->object->name);
		copy(g->s3, r->object->status);
		copy(g->s4, engine_labels_get(&r->object->labels, "dev.ws-launch.profile"));
		g->n1 = r->object->labels.keys.n;
		if (!g->s4[0] || !strcmp(g->s4, "(null)"))
			copy(g->s4, engine_labels_get(&r->object->labels, "dev.ws-launch"));
	}
	/* take ownership of the doc, as callers may */
	if (r->doc) {
		jdoc_free(r->doc);
		r->doc = NULL;
	}
}

static int target_for(struct engine_target *t, const char *url, const char *pin)
{
	struct endpoint ep;
	struct err e;
	endpoint_init(&ep);
	if (endpoint_parse_url(url, &ep, &e)) {
		fprintf(stderr, "%s: %s\n", url, e.msg);
		return -1;
	}
	int rc = engine_target_init(t, &ep, pin, &e);
	if (rc)
		fprintf(stderr, "target: %s\n", e.msg);
	endpoint_release(&ep);
	return rc;
}

static void test_engine_target(void)
{
	struct engine_target t;
	struct endpoint ep;
	struct err e;
	struct strbuf sb = STRBUF_INIT;

	endpoint_init(&ep);
	CHECK_INT(endpoint_parse_url("ssh://me@host", &ep, &e), 0);
	CHECK_INT(engine_target_init(&t, &ep, NULL, &e), -1);
	CHECK_CONTAINS(e.msg, "ssh://me@host: ssh:// endpoints are not reachable over HTTP");
	CHECK_INT(endpoint_parse_url("unix:///x.sock", &ep, &e), 0);
	CHECK_INT(engine_target_init(&t, &ep, "abc", &e), -1);
	CHECK_CONTAINS(e.msg, "DOCKER_API_VERSION: 'abc' is not an API version");
	CHECK_INT(engine_target_init(&t, &ep, "1.41", &e), 0);
	CHECK_STR(t.base_url, "http://localhost");
	CHECK_STR(t.unix_socket, "/x.sock");
	CHECK_STR(t.api_version, "1.41");
	CHECK_INT(t.api_pinned, 1);
	char *u = engine_url(&t, "/info");
	CHECK_STR(u, "http://localhost/v1.41/info");
	free(u);
	CHECK_INT(engine_target_negotiate(&t, "1.45", &e), 0);   /* pinned: no change */
	CHECK_STR(t.api_version, "1.41");
	CHECK_INT(t.connect_timeout_ms, NET_CONNECT_TIMEOUT_MS);
	CHECK_INT(t.timeout_ms, NET_TIMEOUT_MS);
	CHECK_INT(t.max_reply, NET_MAX_REPLY);
	engine_target_release(&t);

	/* TLS endpoint: https and the files */
	CHECK_INT(endpoint_parse_url("tcp://[::1]:2376", &ep, &e), 0);
	ep.tls = 1;
	ep.tls_verify = 0;
	ep.ca_file = xstrdup("/c/ca.pem");
	CHECK_INT(engine_target_init(&t, &ep, "", &e), 0);
	CHECK_STR(t.base_url, "https://[::1]:2376");
	CHECK_INT(t.no_proxy, 1);
	CHECK_INT(t.insecure, 1);
	CHECK_STR(t.ca_file, "/c/ca.pem");
	CHECK(t.cert_file == NULL);
	CHECK(t.api_version == NULL);
	u = engine_url(&t, "/_ping");
	CHECK_STR(u, "https://[::1]:2376/_ping");
	free(u);
	/* negotiation rule */
	CHECK_INT(engine_target_negotiate(&t, "1.45", &e), 0);
	CHECK_STR(t.api_version, "1.45");
	CHECK_INT(engine_target_negotiate(&t, "1.99", &e), 0);
	CHECK_STR(t.api_version, ENGINE_API_MAX);
	CHECK_INT(engine_target_negotiate(&t, "2.0", &e), 0);
	CHECK_STR(t.api_version, ENGINE_API_MAX);
	CHECK_INT(engine_target_negotiate(&t, NULL, &e), 0);
	CHECK_STR(t.api_version, ENGINE_API_FALLBACK);
	CHECK_INT(engine_target_negotiate(&t, "1.23", &e), -1);
	CHECK_CONTAINS(e.msg, "older than 1.24");
	CHECK_INT(engine_target_negotiate(&t, "1.x", &e), -1);
	CHECK_CONTAINS(e.msg, "invalid Api-Version '1.x'");
	engine_target_release(&t);
	CHECK_INT(endpoint_parse_url("tcp://10.0.0.1", &ep, &e), 0);
	ep.tls = 0;
	CHECK_INT(engine_target_init(&t, &ep, NULL, &e), 0);
	CHECK_STR(t.base_url, "http://10.0.0.1:2375");
	CHECK_INT(t.no_proxy, 0);
	CHECK(t.ca_file == NULL);   /* TLS off: files not used */
	engine_target_release(&t);
	endpoint_release(&ep);

	/* path escaping */
	engine_path_escape(&sb, "ghcr.io/kloudkit/workspace:v0.0.21@sha256:ab");
	CHECK_STR(sb.buf, "ghcr.io/kloudkit/workspace:v0.0.21@sha256:ab");
	strbuf_clear(&sb);
	engine_path_escape(&sb, "a b?c#d%e\n");
	CHECK_STR(sb.buf, "a%20b%3Fc%23d%25e%0A");
	strbuf_clear(&sb);
	engine_path_escape(&sb, "../x/./y/..z/...");
	CHECK_STR(sb.buf, "%2E%2E/x/%2E/y/..z/%2E%2E%2E");
	strbuf_release(&sb);
}

static void test_engine(struct net *net)
{
	struct engine_target t;
	struct eng_got g;
	unsigned pings;

	CHECK_INT(target_for(&t, "unix://", NULL), 0);
	engine_target_release(&t);

	char *url = xasprintf("unix://%s", srv.sock[L_UNIX]);
	CHECK_INT(target_for(&t, url, NULL), 0);
	free(url);

	/* the first call negotiates, in the same operation */
	pings = counter(&srv.pings);
	engine_info(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(counter(&srv.pings), pings + 1);
	CHECK_STR(t.api_version, "1.45");
	CHECK_INT(g.status, ENGINE_OK);
	CHECK_STR(g.s1, "26.1.1");
	CHECK_STR(g.s2, "Debian GNU/Linux 12 (bookworm)");
	CHECK_STR(g.s3, "runc");
	CHECK_STR(g.s4, "2");
	CHECK_INT(g.n1, 3);
	CHECK_INT(g.n2, 4);
	CHECK_INT(g.n3, 1);
	CHECK_INT(g.userns, 1);
	CHECK_INT(g.rootless, 0);
	CHECK_INT(g.desktop, 0);
	CHECK_INT(g.has_doc, 1);

	/* later calls do not ping again */
	pings = counter(&srv.pings);
	engine_version(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(counter(&srv.pings), pings);
	CHECK_INT(g.status, ENGINE_OK);
	CHECK_STR(g.s1, "26.1.1");
	CHECK_STR(g.s3, "Docker Engine - Community");
	CHECK_STR(g.s4, "1.24");

	engine_ping(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_OK);
	CHECK_STR(g.s1, "1.45");
	CHECK_STR(g.s2, "1.45");
	CHECK_STR(g.s3, "Docker/26.1.1 (linux)");
	CHECK_STR(g.s4, "linux");

	engine_container(net, &t, "workspace", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_OK);
	CHECK_INT(g.exists, 1);
	CHECK_INT(g.running, 1);
	CHECK_STR(g.s1, "4fa6e0f0c678");
	CHECK_STR(g.s2, "/workspace");
	CHECK_STR(g.s3, "running");
	CHECK_STR(g.s4, "default");
	CHECK_INT(g.n1, 1);   /* the non-string label is skipped */

	engine_container(net, &t, "missing", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_OK);   /* "does not exist" is an answer */
	CHECK_INT(g.exists, 0);
	CHECK_INT(g.http, 404);
	CHECK_STR(g.err, "");

	engine_network(net, &t, "dind", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.exists, 1);
	CHECK_STR(g.s1, "7d86d31b1478");
	CHECK_STR(g.s4, "1");
	engine_network(net, &t, "nope", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_OK);
	CHECK_INT(g.exists, 0);

	engine_image(net, &t, "ghcr.io/kloudkit/workspace:v0.0.21", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.exists, 1);
	CHECK_STR(g.s1, "sha256:0123");
	engine_image(net, &t, "busybox:nope", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.exists, 0);

	/* raw JSON calls: 404 is distinguishable, errors carry the message */
	engine_get_json(net, &t, "/nope", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_NOT_FOUND);
	CHECK_INT(g.http, 404);
	CHECK_STR(g.err, "daemon replied HTTP 404: 'page not found'");
	engine_get_json(net, &t, "/boom", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_HTTP_ERROR);
	CHECK_INT(g.http, 500);
	CHECK_STR(g.err, "daemon replied HTTP 500: 'something broke\\nbadly \\x1b[31m'");
	engine_get_json(net, &t, "/teapot", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_HTTP_ERROR);
	CHECK_STR(g.err, "daemon replied HTTP 418: 'short and stout'");
	engine_get_json(net, &t, "/notjson", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_BAD_REPLY);
	CHECK_CONTAINS(g.err, "invalid JSON in the reply: 1:1:");
	engine_get_json(net, &t, "/array", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_OK);
	CHECK_INT(g.has_doc, 1);
	/* typed helpers check the shape */
	free(t.api_version);
	t.api_version = xstrdup("1.45");
	engine_target_release(&t);

	/* a newer daemon: we stay at our max */
	url = xasprintf("unix://%s", srv.sock[L_NEW]);
	CHECK_INT(target_for(&t, url, NULL), 0);
	free(url);
	engine_container(net, &t, "workspace", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_STR(t.api_version, ENGINE_API_MAX);
	CHECK_INT(g.exists, 1);
	engine_target_release(&t);

	/* a daemon too old for us */
	url = xasprintf("unix://%s", srv.sock[L_OLD]);
	CHECK_INT(target_for(&t, url, NULL), 0);
	free(url);
	engine_info(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_BAD_REPLY);
	CHECK_CONTAINS(g.err, "/_ping: the daemon's API 1.12 is older than 1.24");
	CHECK(t.api_version == NULL);
	engine_ping(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_BAD_REPLY);
	engine_target_release(&t);

	/* no Api-Version header: the fallback */
	url = xasprintf("unix://%s", srv.sock[L_NOHDR]);
	CHECK_INT(target_for(&t, url, NULL), 0);
	free(url);
	engine_info(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_STR(t.api_version, ENGINE_API_FALLBACK);
	CHECK_INT(g.status, ENGINE_OK);
	engine_target_release(&t);

	/* DOCKER_API_VERSION pins: no ping, that prefix */
	url = xasprintf("unix://%s", srv.sock[L_UNIX]);
	CHECK_INT(target_for(&t, url, "1.41"), 0);
	free(url);
	pings = counter(&srv.pings);
	engine_container(net, &t, "workspace", on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(counter(&srv.pings), pings);
	CHECK_INT(g.exists, 1);
	engine_target_release(&t);
	/* pinned too new for the daemon: its 400 message comes through */
	url = xasprintf("unix://%s", srv.sock[L_UNIX]);
	CHECK_INT(target_for(&t, url, "1.50"), 0);
	free(url);
	engine_info(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_HTTP_ERROR);
	CHECK_STR(g.err, "daemon replied HTTP 400: 'client version is too new'");
	engine_target_release(&t);

	/* over TCP */
	url = xasprintf("tcp://127.0.0.1:%d", srv.port);
	CHECK_INT(target_for(&t, url, NULL), 0);
	free(url);
	engine_info(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_OK);
	CHECK_STR(g.s1, "26.1.1");
	engine_target_release(&t);

	/* unreachable daemons */
	url = xasprintf("unix://%s/gone.sock", srv.dir);
	CHECK_INT(target_for(&t, url, NULL), 0);
	engine_info(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_UNREACHABLE);
	CHECK_INT(g.net_result, NET_ERR_REFUSED);
	char *want = xasprintf("%s: no such socket", url);
	CHECK_STR(g.err, want);
	free(want);
	free(url);
	engine_target_release(&t);
	url = xasprintf("tcp://127.0.0.1:%d", closed_port());
	CHECK_INT(target_for(&t, url, NULL), 0);
	engine_ping(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_UNREACHABLE);
	CHECK_CONTAINS(g.err, ": connection refused");
	free(url);
	engine_target_release(&t);

	/* a daemon that never answers: the engine's timeout, and cancel */
	url = xasprintf("unix://%s", srv.sock[L_HANG]);
	CHECK_INT(target_for(&t, url, NULL), 0);
	free(url);
	t.timeout_ms = 500;
	long t0 = now_ms();
	engine_ping(net, &t, on_engine, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, ENGINE_UNREACHABLE);
	CHECK_INT(g.net_result, NET_ERR_TIMEOUT);
	CHECK_CONTAINS(g.err, "timed out after 500 ms");
	CHECK(now_ms() - t0 < 1200);
	memset(&g, 0, sizeof(g));
	unsigned id = engine_info(net, &t, on_engine, &g);
	struct err e;
	net_wait(net, NULL, 0, 100, &e);
	net_dispatch(net);
	CHECK_INT(net_cancel(net, id), 1);
	CHECK_INT(run(net, 2000), 0);
	CHECK_INT(g.calls, 0);
	engine_target_release(&t);
}

/* ---- registry tests ---------------------------------------------------------------- */

struct reg_got {
	int calls;
	enum registry_status status;
	char tag[64];
	char err[ERR_MAX];
	size_t seen;
	unsigned pages;
	int truncated;
};

static void on_registry(struct registry_result *r, void *ctx)
{
	struct reg_got *g = ctx;
	g->calls++;
	g->status = r->status;
	snprintf(g->tag, sizeof(g->tag), "%s", r->tag ? r->tag : "");
	snprintf(g->err, sizeof(g->err), "%s", r->err.msg);
	g->seen = r->tags_seen;
	g->pages = r->pages;
	g->truncated = r->truncated;
}

static void lookup(struct net *net, const char *image, const char *base, struct reg_got *g)
{
	struct err e;
	memset(g, 0, sizeof(*g));
	unsigned id = registry_latest_tag(net, image, base, 0, on_registry, g, &e);
	CHECK(id != 0);
	if (!id)
		fprintf(stderr, "%s: %s\n", image, e.msg);
	CHECK_INT(run(net, 20000), 0);
	CHECK_INT(g->calls, 1);
}

static void test_registry(struct net *net)
{
	struct reg_got g;
	struct err e;
	char *base = xasprintf("http://127.0.0.1:%d", srv.port);
	char *base_slash = xasprintf("http://127.0.0.1:%d/", srv.port);

	/* 401 → anonymous token → retry → two pages */
	unsigned tokens = counter(&srv.tokens);
	lookup(net, "ghcr.io/kloudkit/workspace:v0.0.21", base, &g);
	CHECK_INT(g.status, REGISTRY_OK);
	CHECK_STR(g.tag, "v0.10.2");
	CHECK_INT(g.seen, 6);
	CHECK_INT(g.pages, 2);
	CHECK_INT(g.truncated, 0);
	CHECK_STR(g.err, "");
	CHECK_INT(counter(&srv.tokens), tokens + 1);
	pthread_mutex_lock(&srv.mu);
	CHECK_STR(srv.last_auth, "Authorization: Bearer tok123");   /* page 2 had it too */
	pthread_mutex_unlock(&srv.mu);

	/* the token never leaves the registry's own URL */
	lookup(net, "example.com/xhost", base, &g);
	CHECK_INT(g.status, REGISTRY_OK);
	CHECK_STR(g.tag, "v3.0.0");
	CHECK_INT(g.pages, 2);
	pthread_mutex_lock(&srv.mu);
	CHECK_STR(srv.last_auth, "");
	pthread_mutex_unlock(&srv.mu);

	/* access_token and the default scope */
	lookup(net, "example.com/atok", base_slash, &g);
	CHECK_INT(g.status, REGISTRY_OK);
	CHECK_STR(g.tag, "1.0.0");

	lookup(net, "docker:dind", base, &g);
	CHECK_INT(g.status, REGISTRY_NO_TAGS);
	CHECK_STR(g.tag, "");
	CHECK_STR(g.err, "");

	lookup(net, "example.com/nope", base, &g);
	CHECK_INT(g.status, REGISTRY_NOT_FOUND);
	CHECK_CONTAINS(g.err, "repository nope not found");

	lookup(net, "example.com/private/repo", base, &g);
	CHECK_INT(g.status, REGISTRY_UNAUTHORIZED);
	CHECK_CONTAINS(g.err, "unauthorized");

	lookup(net, "example.com/bad/json", base, &g);
	CHECK_INT(g.status, REGISTRY_BAD_REPLY);
	CHECK_CONTAINS(g.err, "invalid JSON in tags/list: 1:1:");

	lookup(net, "example.com/loop", base, &g);
	CHECK_INT(g.status, REGISTRY_OK);
	CHECK_INT(g.pages, REGISTRY_MAX_PAGES);
	CHECK_INT(g.truncated, 1);
	CHECK_STR(g.tag, "v1.0.19");

	char *closed = xasprintf("http://127.0.0.1:%d", closed_port());
	lookup(net, "ghcr.io/kloudkit/workspace", closed, &g);
	CHECK_INT(g.status, REGISTRY_REFUSED);
	CHECK_CONTAINS(g.err, "not reachable: connection refused");
	free(closed);

	/* a bad image reference is refused synchronously */
	CHECK_INT(registry_latest_tag(net, "Not A Ref", base, 0, on_registry, &g, &e), 0);
	CHECK(e.msg[0] != '\0');
	CHECK_INT(net_pending(net), 0);

	/* cancel mid-flow (after the 401, during the token stage or later) */
	memset(&g, 0, sizeof(g));
	unsigned id = registry_latest_tag(net, "ghcr.io/kloudkit/workspace", base, 0, on_registry, &g, &e);
	net_wait(net, NULL, 0, 50, &e);
	net_dispatch(net);
	CHECK_INT(net_cancel(net, id), g.calls ? 0 : 1);
	CHECK_INT(run(net, 2000), 0);
	CHECK(g.calls <= 1);
	free(base);
	free(base_slash);
}

int main(void)
{
	struct err e;
	signal(SIGPIPE, SIG_IGN);
	/* loopback tests must not go through a proxy from the environment */
	const char *proxies[] = { "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY" };
	for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++)
		unsetenv(proxies[i]);
	server_start();
	CHECK_INT(net_global_init(&e), 0);
	CHECK_INT(net_global_init(&e), 0);   /* idempotent */
	struct net *net = net_new(&e);
	CHECK(net != NULL);
	if (!net)
		return t_done("test_engine");

	test_engine_target();
	test_engine(net);
	test_registry(net);
	net_free(net);
	net_global_cleanup();
	server_stop();
	return t_done("test_engine");
}
