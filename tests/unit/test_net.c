/* test_net.c - net.c against the loopback server of lib_peer.c: bodies,
 * ceilings, timeouts, concurrency, malformed replies, cancel, re-entry,
 * continuation, the wait loop. */
#include "lib_peer.h"

/* ---- net tests ---------------------------------------------------------------- */

static void test_basic(struct net *net)
{
	struct got g;
	unsigned id = get(net, "/ok", NULL, 0, 0, &g);
	CHECK(id != 0);
	CHECK_INT(net_pending(net), 1);
	CHECK_INT(g.calls, 0);   /* never synchronously */
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.calls, 1);
	CHECK_INT(g.releases, 1);
	CHECK_INT(g.id, id);
	CHECK_INT(g.result, NET_OK);
	CHECK_INT(g.status, 200);
	CHECK_STR(g.err, "");
	CHECK_STR(g.body, "{\"ok\":true}");
	CHECK_STR(g.api, "1.45");
	CHECK_STR(g.server, "Docker/26.1.1 (linux)");
	CHECK_STR(g.digest, "sha256:abc");
	CHECK_STR(g.ctype, "application/json");
	CHECK(g.elapsed >= 0 && g.elapsed < 2000);
	CHECK_INT(net_pending(net), 0);

	/* the same over a unix socket */
	id = get(net, "/ok", srv.sock[L_UNIX], 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_OK);
	CHECK_INT(g.status, 200);
	CHECK_STR(g.body, "{\"ok\":true}");

	/* HTTP errors are replies, not transport failures */
	get(net, "/teapot", srv.sock[L_UNIX], 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_OK);
	CHECK_INT(g.status, 418);
	CHECK_STR(g.body, "short and stout");

	/* HEAD */
	struct net_request head = { .method = NET_HEAD, .url = "http://localhost/ok",
				    .unix_socket = srv.sock[L_UNIX] };
	memset(&g, 0, sizeof(g));
	net_start(net, &head, on_done, NULL, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.status, 200);
	CHECK_INT(g.body_len, 0);
	CHECK_STR(g.api, "1.45");

	/* extra headers go out */
	const char *hdrs[] = { "X-Test: one", "Accept: application/json", NULL };
	struct net_request hr = { .url = NULL, .headers = hdrs };
	char *url = tcp_url("/headers");
	hr.url = url;
	memset(&g, 0, sizeof(g));
	net_start(net, &hr, on_done, NULL, &g);
	free(url);
	CHECK_INT(run(net, 5000), 0);
	CHECK_CONTAINS(g.body, "\r\nX-Test: one\r\n");
	CHECK_CONTAINS(g.body, "\r\nAccept: application/json\r\n");
	CHECK_CONTAINS(g.body, "User-Agent: ws-launch/");
}

static void test_ceiling(struct net *net)
{
	struct got g;
	/* Content-Length over the ceiling: refused before reading */
	get(net, "/big", NULL, 0, 1000, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_TOOBIG);
	CHECK_INT(g.status, 0);
	CHECK_STR(g.err, "reply larger than 1000 bytes");
	CHECK_INT(g.body_len, 0);
	/* exactly at the ceiling is fine */
	get(net, "/big", NULL, 0, 5000, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_OK);
	CHECK_INT(g.body_len, 5000);
	/* no Content-Length: the write callback aborts */
	get(net, "/chunked?n=300000", NULL, 0, 100000, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_TOOBIG);
	CHECK_STR(g.err, "reply larger than 100000 bytes");
	/* the default ceiling, both ways */
	get(net, "/huge-length", srv.sock[L_UNIX], 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_TOOBIG);
	CHECK_STR(g.err, "reply larger than 4 MiB");
	get(net, "/chunked?n=4194305", srv.sock[L_UNIX], 10000, 0, &g);
	CHECK_INT(run(net, 15000), 0);
	CHECK_INT(g.result, NET_ERR_TOOBIG);
	CHECK_STR(g.err, "reply larger than 4 MiB");
	get(net, "/chunked?n=4194304", srv.sock[L_UNIX], 10000, 0, &g);
	CHECK_INT(run(net, 15000), 0);
	CHECK_INT(g.result, NET_OK);
	CHECK_INT(g.body_len, 4194304);
}

static void test_timeouts(struct net *net)
{
	struct got g;
	long t0 = now_ms();
	/* accepts and never answers: the total timeout ends it */
	get(net, "/hang", NULL, 1000, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	long took = now_ms() - t0;
	CHECK_INT(g.result, NET_ERR_TIMEOUT);
	CHECK_STR(g.err, "timed out after 1000 ms");
	CHECK(g.elapsed >= 1000 && g.elapsed <= 1500);
	CHECK(took >= 1000 && took <= 1500);
	if (took < 1000 || took > 1500)
		fprintf(stderr, "hang took %ld ms (elapsed %ld)\n", took, g.elapsed);

	/* a TLS handshake that never completes: the connect timeout */
	struct net_request hs = { .url = "https://localhost/ok", .unix_socket = srv.sock[L_HANG],
				  .connect_timeout_ms = 300, .timeout_ms = 10000 };
	memset(&g, 0, sizeof(g));
	net_start(net, &hs, on_done, NULL, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_TIMEOUT);
	CHECK_STR(g.err, "connect timed out after 300 ms");
	/* (loose upper bound: the first TLS use loads the CA bundle, which
	 * took over 3 s under valgrind on a CI machine; what matters is that
	 * the connect timeout fired, not the total one) */
	CHECK(g.elapsed >= 300 && g.elapsed < 9000);

	/* connection refused is fast */
	char *url = xasprintf("http://127.0.0.1:%d/ok", closed_port());
	struct net_request req = { .url = url, .timeout_ms = 3000 };
	memset(&g, 0, sizeof(g));
	t0 = now_ms();
	net_start(net, &req, on_done, NULL, &g);
	CHECK_INT(run(net, 5000), 0);
	took = now_ms() - t0;
	free(url);
	CHECK_INT(g.result, NET_ERR_REFUSED);
	CHECK_INT(g.status, 0);
	CHECK_CONTAINS(g.err, "connection refused");
	CHECK(took < 500);

	/* a unix socket that does not exist */
	char *nosock = xasprintf("%s/nope.sock", srv.dir);
	get(net, "/ok", nosock, 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_REFUSED);
	CHECK_STR(g.err, "no such socket");
	free(nosock);

	/* an unresolvable name (".invalid" never resolves) */
	struct net_request bad = { .url = "http://ws-launch-test.invalid/", .timeout_ms = 3000 };
	memset(&g, 0, sizeof(g));
	net_start(net, &bad, on_done, NULL, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK(g.result == NET_ERR_RESOLVE || g.result == NET_ERR_TIMEOUT);
	CHECK(g.err[0] != '\0');
}

static void test_concurrency(struct net *net)
{
	struct got a, b;
	long t0 = now_ms();
	get(net, "/slow?ms=600", NULL, 3000, 0, &a);
	get(net, "/slow?ms=600", srv.sock[L_UNIX], 3000, 0, &b);
	CHECK_INT(net_pending(net), 2);
	CHECK_INT(run(net, 5000), 0);
	long took = now_ms() - t0;
	CHECK_INT(a.status, 200);
	CHECK_INT(b.status, 200);
	CHECK(a.elapsed >= 600 && b.elapsed >= 600);
	CHECK(took >= 600 && took < 1100);   /* ≈ max, not the sum */
	if (took >= 1100)
		fprintf(stderr, "two slow requests took %ld ms\n", took);
}

static void test_malformed(struct net *net)
{
	struct got g;
	get(net, "/malformed", NULL, 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_PROTOCOL);
	CHECK_INT(g.status, 0);
	CHECK_CONTAINS(g.err, "malformed HTTP reply");
	get(net, "/badstatus", NULL, 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_PROTOCOL);
	CHECK_CONTAINS(g.err, "malformed HTTP reply");
	get(net, "/close", NULL, 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_PROTOCOL);
	CHECK_STR(g.err, "server closed the connection without replying");
	get(net, "/truncated", NULL, 0, 0, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(g.result, NET_ERR_PROTOCOL);
	CHECK_CONTAINS(g.err, "reply truncated");
	/* TLS to a plain-HTTP server */
	char *url = xasprintf("https://127.0.0.1:%d/ok", srv.port);
	/* (generous timeouts: OpenSSL's first use is slow under valgrind) */
	struct net_request req = { .url = url, .insecure = 1, .connect_timeout_ms = 20000, .timeout_ms = 20000 };
	memset(&g, 0, sizeof(g));
	net_start(net, &req, on_done, NULL, &g);
	free(url);
	CHECK_INT(run(net, 25000), 0);
	CHECK_INT(g.result, NET_ERR_TLS);
	CHECK_CONTAINS(g.err, "TLS: ");
	/* a CA file that does not exist */
	url = xasprintf("https://127.0.0.1:%d/ok", srv.port);
	struct net_request req2 = { .url = url, .ca_file = "/nonexistent/ca.pem", .connect_timeout_ms = 20000,
				    .timeout_ms = 20000 };
	memset(&g, 0, sizeof(g));
	net_start(net, &req2, on_done, NULL, &g);
	free(url);
	CHECK_INT(run(net, 25000), 0);
	CHECK_INT(g.result, NET_ERR_TLS);
	CHECK_CONTAINS(g.err, "TLS: ");
	/* schemes other than http(s) are refused */
	struct net_request req3 = { .url = "file:///etc/passwd" };
	memset(&g, 0, sizeof(g));
	net_start(net, &req3, on_done, NULL, &g);
	CHECK_INT(run(net, 5000), 0);
	CHECK(g.result != NET_OK);
	CHECK_INT(g.body_len, 0);
	/* a request that cannot even start fails through DONE, later */
	struct net_request none = { .url = NULL };
	memset(&g, 0, sizeof(g));
	net_start(net, &none, on_done, on_release, &g);
	CHECK_INT(g.calls, 0);
	CHECK_INT(net_timeout_ms(net), 0);
	CHECK_INT(net_dispatch(net), 1);
	CHECK_INT(g.calls, 1);
	CHECK_INT(g.releases, 1);
	CHECK_INT(g.result, NET_ERR_OTHER);
	CHECK_STR(g.err, "no URL to request");
}

/* ---- cancelling ---- */

struct canceller {
	struct net *net;
	unsigned victim;
	unsigned self;
	int cancelled_victim, cancelled_self, calls;
};

static void on_done_cancel(struct net *net, unsigned id, struct net_reply *r, void *ctx)
{
	struct canceller *c = ctx;
	(void)r;
	c->calls++;
	c->cancelled_victim = net_cancel(net, c->victim);
	c->cancelled_self = net_cancel(net, id);   /* own id while running: no-op */
}

static void test_cancel(struct net *net)
{
	struct got g, g2;
	struct err e;

	/* cancel in flight */
	unsigned id = get(net, "/hang", NULL, 3000, 0, &g);
	long t0 = now_ms();
	while (now_ms() - t0 < 200) {   /* let it connect and send */
		net_wait(net, NULL, 0, 50, &e);
		net_dispatch(net);
	}
	CHECK_INT(net_pending(net), 1);
	CHECK_INT(net_cancel(net, id), 1);
	CHECK_INT(g.releases, 1);
	CHECK_INT(net_pending(net), 0);
	CHECK_INT(net_cancel(net, id), 0);   /* twice: unknown */
	CHECK_INT(net_cancel(net, 0), 0);
	CHECK_INT(net_cancel(net, 987654), 0);
	CHECK_INT(run(net, 1000), 0);
	CHECK_INT(g.calls, 0);

	/* cancel before the first dispatch */
	id = get(net, "/ok", NULL, 0, 0, &g);
	CHECK_INT(net_cancel(net, id), 1);
	CHECK_INT(run(net, 1000), 0);
	CHECK_INT(g.calls, 0);
	CHECK_INT(g.releases, 1);

	/* cancel from inside another request's DONE */
	struct canceller c = { .net = net };
	char *url = tcp_url("/slow?ms=100");
	struct net_request req = { .url = url };
	c.self = net_start(net, &req, on_done_cancel, NULL, &c);
	free(url);
	c.victim = get(net, "/hang", srv.sock[L_UNIX], 5000, 0, &g);
	t0 = now_ms();
	CHECK_INT(run(net, 3000), 0);
	CHECK(now_ms() - t0 < 1500);
	CHECK_INT(c.calls, 1);
	CHECK_INT(c.cancelled_victim, 1);
	CHECK_INT(c.cancelled_self, 0);
	CHECK_INT(g.calls, 0);
	CHECK_INT(g.releases, 1);

	/* two finish in the same dispatch; the first cancels the second */
	c = (struct canceller){ .net = net };
	url = tcp_url("/ok");
	struct net_request r1 = { .url = url };
	c.self = net_start(net, &r1, on_done_cancel, NULL, &c);
	free(url);
	c.victim = get(net, "/ok", NULL, 0, 0, &g);
	t0 = now_ms();
	while (now_ms() - t0 < 300)   /* both complete inside curl, unread */
		net_wait(net, NULL, 0, 20, &e);
	net_dispatch(net);
	CHECK_INT(run(net, 3000), 0);
	CHECK_INT(c.calls + g.calls, 1 + (c.cancelled_victim ? 0 : 1));
	CHECK_INT(g.releases, 1);

	/* net_run_all's own limit leaves requests pending; net_free cleans up */
	struct net *n2 = net_new(&e);
	CHECK(n2 != NULL);
	get(n2, "/hang", NULL, 5000, 0, &g);
	get(n2, "/ok", NULL, 0, 0, &g2);
	t0 = now_ms();
	CHECK_INT(net_run_all(n2, 300, &e), -1);
	CHECK_CONTAINS(e.msg, "still pending after 300 ms");
	CHECK(now_ms() - t0 < 2000);
	CHECK_INT(g2.calls, 1);
	CHECK_INT(net_pending(n2), 1);
	net_free(n2);
	CHECK_INT(g.calls, 0);
	CHECK_INT(g.releases, 1);
	net_free(NULL);
}

struct reenter {
	int calls, dispatched, ran;
	char err[ERR_MAX];
};

static void on_done_reenter(struct net *net, unsigned id, struct net_reply *r, void *ctx)
{
	struct reenter *re = ctx;
	struct err e;
	(void)id;
	(void)r;
	re->calls++;
	re->dispatched = (int)net_dispatch(net);
	re->ran = net_run_all(net, 100, &e);
	snprintf(re->err, sizeof(re->err), "%s", e.msg);
}

static void test_reentry(struct net *net)
{
	struct reenter re = { 0 };
	struct got g;
	char *url = tcp_url("/ok");
	struct net_request req = { .url = url };
	net_start(net, &req, on_done_reenter, NULL, &re);
	free(url);
	get(net, "/slow?ms=200", NULL, 0, 0, &g);   /* still pending during the callback */
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(re.calls, 1);
	CHECK_INT(re.dispatched, 0);
	CHECK_INT(re.ran, -1);
	CHECK_STR(re.err, "net_run_all() called from a request callback");
	CHECK_INT(g.calls, 1);
}

/* ---- net_continue ---- */

struct chain {
	int stage;
	unsigned first_id, second_id;
	char body[64];
};

static void on_chain2(struct net *net, unsigned id, struct net_reply *r, void *ctx)
{
	struct chain *ch = ctx;
	(void)net;
	ch->stage = 2;
	ch->second_id = id;
	snprintf(ch->body, sizeof(ch->body), "%s", r->body.buf);
}

static void on_chain1(struct net *net, unsigned id, struct net_reply *r, void *ctx)
{
	struct chain *ch = ctx;
	(void)r;
	ch->stage = 1;
	ch->first_id = id;
	struct net_request req = { .url = "http://localhost/slow?ms=50", .unix_socket = srv.sock[L_UNIX] };
	CHECK_INT(net_continue(net, id + 1000, &req, on_chain2, ch), 0);   /* not ours */
	CHECK_INT(net_continue(net, id, &req, on_chain2, ch), id);
	CHECK_INT(net_continue(net, id, &req, on_chain2, ch), 0);         /* only once */
}

static int chain_releases;
static void on_chain_release(void *ctx)
{
	(void)ctx;
	chain_releases++;
}

static void test_continue(struct net *net)
{
	struct chain ch = { 0 };
	struct net_request req = { .url = "http://localhost/ok", .unix_socket = srv.sock[L_UNIX] };
	unsigned id = net_start(net, &req, on_chain1, on_chain_release, &ch);
	CHECK_INT(net_continue(net, id, &req, on_chain2, &ch), 0);   /* not inside DONE */
	CHECK_INT(run(net, 5000), 0);
	CHECK_INT(ch.stage, 2);
	CHECK_INT(ch.first_id, id);
	CHECK_INT(ch.second_id, id);
	CHECK_STR(ch.body, "slow");
	CHECK_INT(chain_releases, 1);   /* once per id, after the last stage */

	/* cancelling a continued operation by its first id */
	struct err e;
	memset(&ch, 0, sizeof(ch));
	chain_releases = 0;
	req.url = "http://localhost/ok";
	id = net_start(net, &req, on_chain1, on_chain_release, &ch);
	while (ch.stage == 0) {
		net_wait(net, NULL, 0, 50, &e);
		net_dispatch(net);
	}
	CHECK_INT(net_pending(net), 1);
	CHECK_INT(net_cancel(net, id), 1);
	CHECK_INT(chain_releases, 1);
	CHECK_INT(run(net, 2000), 0);
	CHECK_INT(ch.stage, 1);
}

static void test_wait(struct net *net)
{
	struct err e;
	int p[2];
	CHECK_INT(pipe(p), 0);
	CHECK_INT(net_timeout_ms(net), -1);   /* idle */
	struct pollfd fds[1] = { { .fd = p[0], .events = POLLIN } };
	long t0 = now_ms();
	CHECK_INT(net_wait(net, fds, 1, 200, &e), 0);   /* nothing: times out */
	CHECK(now_ms() - t0 >= 150);
	CHECK_INT(fds[0].revents, 0);
	CHECK_INT(write(p[1], "k", 1), 1);
	t0 = now_ms();
	CHECK_INT(net_wait(net, fds, 1, 2000, &e), 1);
	CHECK(now_ms() - t0 < 500);
	CHECK(fds[0].revents & POLLIN);
	/* many extra fds */
	struct pollfd many[20];
	for (int i = 0; i < 20; i++)
		many[i] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	CHECK_INT(net_wait(net, many, 20, 100, &e), 20);
	CHECK(many[19].revents & POLLIN);
	/* a wakeup ends a wait early */
	net_wakeup(net);
	t0 = now_ms();
	net_wait(net, NULL, 0, 2000, &e);
	CHECK(now_ms() - t0 < 500);
	/* a transfer shortens the wait to curl's own timer */
	struct got g;
	get(net, "/ok", NULL, 0, 0, &g);
	CHECK(net_timeout_ms(net) >= 0);
	CHECK_INT(run(net, 5000), 0);
	close(p[0]);
	close(p[1]);
	CHECK_INT(net_async_dns() == 0 || net_async_dns() == 1, 1);
	char *s = net_size_str(3u << 20);
	CHECK_STR(s, "3 MiB");
	free(s);
	s = net_size_str(2048);
	CHECK_STR(s, "2 KiB");
	free(s);
	s = net_size_str(1000);
	CHECK_STR(s, "1000 bytes");
	free(s);
}

/* ---- engine tests ---------------------------------------------------------------- */

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
		return t_done("test_net");

	test_basic(net);
	test_ceiling(net);
	test_timeouts(net);
	test_concurrency(net);
	test_malformed(net);
	test_cancel(net);
	test_reentry(net);
	test_continue(net);
	test_wait(net);
	net_free(net);
	net_global_cleanup();
	server_stop();
	return t_done("test_net");
}
