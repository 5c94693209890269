/* lib_peer.c - the loopback test server and client helpers (lib_peer.h). */
#include "lib_peer.h"

/* ---- clock ---------------------------------------------------------------- */

long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- the server ------------------------------------------------------------- */

struct server srv = { .mu = PTHREAD_MUTEX_INITIALIZER };

static void count(unsigned *c)
{
	pthread_mutex_lock(&srv.mu);
	(*c)++;
	pthread_mutex_unlock(&srv.mu);
}

unsigned counter(const unsigned *c)
{
	pthread_mutex_lock(&srv.mu);
	unsigned v = *c;
	pthread_mutex_unlock(&srv.mu);
	return v;
}

static void respond(struct conn *c, int status, const char *headers, const char *body,
		    size_t len, long delay_ms)
{
	strbuf_clear(&c->out);
	strbuf_addf(&c->out, "HTTP/1.1 %d X\r\nConnection: close\r\nContent-Length: %zu\r\n%s\r\n",
		    status, len, headers ? headers : "");
	strbuf_add(&c->out, body, len);
	c->due = now_ms() + delay_ms;
}

static void respond_json(struct conn *c, int status, const char *body)
{
	char h[160];
	snprintf(h, sizeof(h), "Content-Type: application/json\r\nServer: Docker/26.1.1 (linux)\r\n%s%s%s",
		 c->l->api ? "Api-Version: " : "", c->l->api ? c->l->api : "", c->l->api ? "\r\n" : "");
	respond(c, status, h, body, strlen(body), 0);
}

void raw(struct conn *c, const char *bytes, size_t len)
{
	strbuf_clear(&c->out);
	strbuf_add(&c->out, bytes, len);
	c->due = now_ms();
}

static long api_num(const char *s, size_t n)
{
	long maj = 0, min = 0;
	size_t i = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		maj = maj * 10 + (s[i++] - '0');
	if (i >= n || s[i++] != '.')
		return -1;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		min = min * 10 + (s[i++] - '0');
	return maj * 1000 + min;
}

static const char info_json[] =
	"{\"ID\":\"7TRN\",\"Containers\":3,\"ServerVersion\":\"26.1.1\",\"OperatingSystem\":\"Debian GNU/Linux 12 (bookworm)\","
	"\"OSType\":\"linux\",\"KernelVersion\":\"6.1.0-21-amd64\",\"Architecture\":\"x86_64\",\"Name\":\"build-host\","
	"\"DockerRootDir\":\"/var/lib/docker\",\"CgroupVersion\":\"2\",\"MemTotal\":33356304384,"
	"\"Runtimes\":{\"io.containerd.runc.v2\":{\"path\":\"runc\"},\"runc\":{\"path\":\"runc\"},"
	"\"sysbox-runc\":{\"path\":\"/usr/bin/sysbox-runc\"}},\"DefaultRuntime\":\"runc\","
	"\"SecurityOptions\":[\"name=apparmor\",\"name=seccomp,profile=builtin\",\"name=userns\",\"name=cgroupns\"],"
	"\"Warnings\":[\"WARNING: bridge-nf-call-iptables is disabled\"]}";

static void route_docker(struct conn *c, const char *path)
{
	if (!strcmp(path, "/_ping")) {
		count(&srv.pings);
		char h[200];
		snprintf(h, sizeof(h), "Ostype: linux\r\nServer: Docker/26.1.1 (linux)\r\n%s%s%s",
			 c->l->api ? "Api-Version: " : "", c->l->api ? c->l->api : "", c->l->api ? "\r\n" : "");
		respond(c, 200, h, "OK", 2, 0);
	} else if (!strcmp(path, "/info")) {
		respond_json(c, 200, info_json);
	} else if (!strcmp(path, "/version")) {
		respond_json(c, 200, "{\"Platform\":{\"Name\":\"Docker Engine - Community\"},\"Version\":\"26.1.1\","
			     "\"ApiVersion\":\"1.45\",\"MinAPIVersion\":\"1.24\",\"Os\":\"linux\",\"Arch\":\"amd64\","
			     "\"KernelVersion\":\"6.1.0\"}");
	} else if (!strcmp(path, "/containers/workspace/json")) {
		respond_json(c, 200, "{\"Id\":\"4fa6e0f0c678\",\"Name\":\"/workspace\",\"State\":{\"Status\":\"running\","
			     "\"Running\":true,\"ExitCode\":0},\"Config\":{\"Image\":\"ghcr.io/kloudkit/workspace:v0.0.21\","
			     "\"Labels\":{\"dev.ws-launch.profile\":\"default\",\"num\":1}}}");
	} else if (!strcmp(path, "/networks/dind")) {
		respond_json(c, 200, "{\"Name\":\"dind\",\"Id\":\"7d86d31b1478\",\"Driver\":\"bridge\","
			     "\"Labels\":{\"dev.ws-launch\":\"1\"}}");
	} else if (!strcmp(path, "/images/ghcr.io/kloudkit/workspace:v0.0.21/json")) {
		respond_json(c, 200, "{\"Id\":\"sha256:0123\",\"RepoTags\":[\"ghcr.io/kloudkit/workspace:v0.0.21\"]}");
	} else if (!strncmp(path, "/containers/", 12)) {
		respond_json(c, 404, "{\"message\":\"No such container: missing\"}");
	} else if (!strncmp(path, "/networks/", 10)) {
		respond_json(c, 404, "{\"message\":\"network nope not found\"}");
	} else if (!strncmp(path, "/images/", 8)) {
		respond_json(c, 404, "{\"message\":\"No such image: busybox:nope\"}");
	} else if (!strcmp(path, "/boom")) {
		respond_json(c, 500, "{\"message\":\"something broke\\nbadly \\u001b[31m\"}");
	} else if (!strcmp(path, "/teapot")) {
		respond(c, 418, "Content-Type: text/plain\r\n", "short and stout", 15, 0);
	} else if (!strcmp(path, "/notjson")) {
		respond(c, 200, "Content-Type: text/plain\r\n", "definitely not json", 19, 0);
	} else if (!strcmp(path, "/array")) {
		respond_json(c, 200, "[1,2]");
	} else {
		respond_json(c, 404, "{\"message\":\"page not found\"}");
	}
}

static void route_registry(struct conn *c, const char *target, const char *headers)
{
	char h[512];
	const char *tags_prefix = "/v2/kloudkit/workspace/tags/list";
	int authed = strstr(headers, "\r\nAuthorization: Bearer tok123\r\n") != NULL;
	const char *a = strstr(headers, "\r\nAuthorization: ");
	pthread_mutex_lock(&srv.mu);
	if (a) {
		const char *end = strstr(a + 2, "\r\n");
		snprintf(srv.last_auth, sizeof(srv.last_auth), "%.*s", (int)(end - a - 2), a + 2);
	} else {
		srv.last_auth[0] = '\0';
	}
	pthread_mutex_unlock(&srv.mu);

	if (!strncmp(target, tags_prefix, strlen(tags_prefix))) {
		const char *q = target + strlen(tags_prefix);
		if (!authed) {
			snprintf(h, sizeof(h), "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:%d/token\","
				 "service=\"test-registry\",scope=\"repository:kloudkit/workspace:pull\"\r\n"
				 "Content-Type: application/json\r\n", srv.port);
			const char *b = "{\"errors\":[{\"code\":\"UNAUTHORIZED\"}]}";
			respond(c, 401, h, b, strlen(b), 0);
		} else if (!*q) {
			const char *b = "{\"name\":\"kloudkit/workspace\",\"tags\":[\"latest\",\"v0.0.21\",\"v0.9.9\"]}";
			respond(c, 200, "Link: </v2/kloudkit/workspace/tags/list?last=v0.9.9&n=3>; rel=\"next\"\r\n",
				b, strlen(b), 0);
		} else if (!strcmp(q, "?last=v0.9.9&n=3")) {
			const char *b = "{\"name\":\"kloudkit/workspace\",\"tags\":[\"v0.10.2\",\"v0.10.2-rc1\",\"0.10.1\"]}";
			respond(c, 200, NULL, b, strlen(b), 0);
		} else {
			respond(c, 400, NULL, "bad page", 8, 0);
		}
	} else if (!strcmp(target, "/token?service=test-registry&scope=repository%3Akloudkit%2Fworkspace%3Apull")) {
		count(&srv.tokens);
		const char *b = "{\"token\":\"tok123\",\"expires_in\":300}";
		respond(c, 200, "Content-Type: application/json\r\n", b, strlen(b), 0);
	} else if (!strncmp(target, "/token", 6)) {
		respond(c, 400, NULL, "bad token request", 17, 0);
	} else if (!strcmp(target, "/v2/private/repo/tags/list")) {
		snprintf(h, sizeof(h), "WWW-Authenticate: Basic realm=\"x\"\r\nWWW-Authenticate: Bearer "
			 "realm=\"http://127.0.0.1:%d/denied\",service=\"test-registry\"\r\n", srv.port);
		respond(c, 401, h, "{}", 2, 0);
	} else if (!strncmp(target, "/denied", 7)) {
		respond(c, 401, NULL, "{}", 2, 0);
	} else if (!strcmp(target, "/v2/atok/tags/list")) {
		if (strstr(headers, "\r\nAuthorization: Bearer tok456\r\n")) {
			const char *b = "{\"tags\":[\"1.0.0\",\"v2.0.0-rc1\",\"latest\"]}";
			respond(c, 200, NULL, b, strlen(b), 0);
		} else {
			snprintf(h, sizeof(h), "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:%d/tok2\","
				 "service=\"svc\"\r\n", srv.port);
			respond(c, 401, h, "{}", 2, 0);
		}
	} else if (!strcmp(target, "/tok2?service=svc&scope=repository%3Aatok%3Apull")) {
		const char *b = "{\"access_token\":\"tok456\"}";
		respond(c, 200, NULL, b, strlen(b), 0);
	} else if (!strncmp(target, "/v2/xhost/tags/list", 19)) {
		if (!strcmp(target + 19, "?last=1")) {
			const char *b = "{\"tags\":[\"v3.0.0\"]}";
			respond(c, 200, NULL, b, strlen(b), 0);
		} else if (!authed) {
			snprintf(h, sizeof(h), "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:%d/token\","
				 "service=\"test-registry\",scope=\"repository:kloudkit/workspace:pull\"\r\n", srv.port);
			respond(c, 401, h, "{}", 2, 0);
		} else {
			/* the next page is on another host name: no token there */
			const char *b = "{\"tags\":[\"v2.0.0\"]}";
			snprintf(h, sizeof(h), "Link: <http://localhost:%d/v2/xhost/tags/list?last=1>; rel=\"next\"\r\n",
				 srv.port);
			respond(c, 200, h, b, strlen(b), 0);
		}
	} else if (!strcmp(target, "/v2/library/docker/tags/list")) {
		const char *b = "{\"name\":\"library/docker\",\"tags\":null}";
		respond(c, 200, NULL, b, strlen(b), 0);
	} else if (!strcmp(target, "/v2/bad/json/tags/list")) {
		respond(c, 200, NULL, "<html>", 6, 0);
	} else if (!strncmp(target, "/v2/loop/tags/list", 18)) {
		const char *l = strstr(target, "last=");
		long n = l ? strtol(l + 5, NULL, 10) : 0;
		char b[64];
		snprintf(b, sizeof(b), "{\"tags\":[\"v1.0.%ld\"]}", n);
		snprintf(h, sizeof(h), "Link: </v2/loop/tags/list?last=%ld>; rel=\"next\"\r\n", n + 1);
		respond(c, 200, h, b, strlen(b), 0);
	} else {
		const char *b = "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"repository name not known\"}]}";
		respond(c, 404, NULL, b, strlen(b), 0);
	}
}

static void route(struct conn *c)
{
	char method[16], target[1024];
	const char *req = c->in.buf;
	count(&srv.requests);
	if (sscanf(req, "%15s %1023s", method, target) != 2) {
		raw(c, "", 0);
		return;
	}
	const char *headers = strstr(req, "\r\n");
	if (c->l->hang_all || !strcmp(target, "/hang")) {
		c->due = -1;
		return;
	}
	if (!strcmp(target, "/ok")) {
		const char *h = "Content-Type: application/json\r\nApi-Version: 1.45\r\nServer: Docker/26.1.1 (linux)\r\n"
				"Docker-Content-Digest: sha256:abc\r\nX-Other: 1\r\n";
		respond(c, 200, h, "{\"ok\":true}", 11, 0);
	} else if (!strncmp(target, "/slow?ms=", 9)) {
		respond(c, 200, NULL, "slow", 4, strtol(target + 9, NULL, 10));
	} else if (!strcmp(target, "/headers")) {
		respond(c, 200, NULL, headers, strlen(headers), 0);
	} else if (!strcmp(target, "/big")) {
		char *b = xmalloc(5000);
		memset(b, 'x', 5000);
		respond(c, 200, NULL, b, 5000, 0);
		free(b);
	} else if (!strncmp(target, "/chunked?n=", 11)) {
		/* N bytes in 64 KiB chunks, no Content-Length */
		long n = strtol(target + 11, NULL, 10);
		strbuf_clear(&c->out);
		strbuf_addstr(&c->out, "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n");
		char *chunk = xmalloc(65536);
		memset(chunk, 'y', 65536);
		while (n > 0) {
			long k = n < 65536 ? n : 65536;
			strbuf_addf(&c->out, "%lx\r\n", k);
			strbuf_add(&c->out, chunk, (size_t)k);
			strbuf_addstr(&c->out, "\r\n");
			n -= k;
		}
		strbuf_addstr(&c->out, "0\r\n\r\n");
		free(chunk);
		c->due = now_ms();
	} else if (!strcmp(target, "/huge-length")) {
		const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 4194305\r\nConnection: close\r\n\r\nabc";
		raw(c, r, strlen(r));
	} else if (!strcmp(target, "/malformed")) {
		raw(c, "HELLO WORLD\r\n\r\n", 15);
	} else if (!strcmp(target, "/badstatus")) {
		raw(c, "HTTP/1.1 abc\r\n\r\n", 16);
	} else if (!strcmp(target, "/truncated")) {
		raw(c, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this", 49);
	} else if (!strcmp(target, "/close")) {
		raw(c, "", 0);
	} else if (!strncmp(target, "/v2/", 4) || !strncmp(target, "/token", 6) || !strncmp(target, "/denied", 7) ||
		   !strncmp(target, "/tok2", 5)) {
		route_registry(c, target, headers);
	} else if (target[0] == '/' && target[1] == 'v' && target[2] >= '0' && target[2] <= '9') {
		const char *slash = strchr(target + 2, '/');
		long want = api_num(target + 2, slash ? (size_t)(slash - target - 2) : strlen(target + 2));
		long have = c->l->api ? api_num(c->l->api, strlen(c->l->api)) : 1024;
		if (want < 0 || !slash) {
			respond_json(c, 404, "{\"message\":\"page not found\"}");
		} else if (want > have) {
			respond_json(c, 400, "{\"message\":\"client version is too new\"}");
		} else {
			route_docker(c, slash);
		}
	} else {
		route_docker(c, target);
	}
}

static void conn_close(struct conn *c)
{
	close(c->fd);
	strbuf_release(&c->in);
	strbuf_release(&c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void *server_main(void *arg)
{
	(void)arg;
	for (;;) {
		struct pollfd pf[1 + NLISTEN + MAX_CONNS];
		int map[1 + NLISTEN + MAX_CONNS];
		nfds_t n = 0;
		long now = now_ms(), wait = 1000;
		pf[n].fd = srv.stop[0];
		pf[n].events = POLLIN;
		map[n++] = -1;
		for (int i = 0; i < NLISTEN; i++) {
			pf[n].fd = srv.ls[i].fd;
			pf[n].events = POLLIN;
			map[n++] = 1000 + i;
		}
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &srv.conns[i];
			if (c->fd < 0)
				continue;
			pf[n].fd = c->fd;
			pf[n].events = POLLIN;
			if (c->have_request && c->due >= 0) {
				if (c->due <= now)
					pf[n].events |= POLLOUT;
				else if (c->due - now < wait)
					wait = c->due - now;
			}
			map[n++] = i;
		}
		if (poll(pf, n, (int)wait) < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		for (nfds_t k = 1; k < n; k++) {
			if (!pf[k].revents)
				continue;
			if (map[k] >= 1000) {
				int fd = accept(pf[k].fd, NULL, NULL);
				if (fd < 0)
					continue;
				fcntl(fd, F_SETFL, O_NONBLOCK);
				int slot = -1;
				for (int i = 0; i < MAX_CONNS; i++)
					if (srv.conns[i].fd < 0) {
						slot = i;
						break;
					}
				if (slot < 0) {
					close(fd);
					continue;
				}
				struct conn *c = &srv.conns[slot];
				c->fd = fd;
				c->l = &srv.ls[map[k] - 1000];
				strbuf_init(&c->in);
				strbuf_init(&c->out);
				continue;
			}
			struct conn *c = &srv.conns[map[k]];
			if (pf[k].revents & (POLLIN | POLLHUP | POLLERR)) {
				char buf[4096];
				ssize_t r = read(c->fd, buf, sizeof(buf));
				if (r <= 0) {
					if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
						conn_close(c);
						continue;
					}
				} else if (!c->have_request) {
					strbuf_add(&c->in, buf, (size_t)r);
					if (c->l->hang_all) {
						c->have_request = 1;
						c->due = -1;
					} else if (c->in.buf[0] == 0x16) {   /* a TLS ClientHello */
						c->have_request = 1;
						raw(c, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
					} else if (strstr(c->in.buf, "\r\n\r\n")) {
						c->have_request = 1;
						route(c);
					}
				}
			}
			if ((pf[k].revents & POLLOUT) && c->fd >= 0 && c->have_request) {
				ssize_t w = write(c->fd, c->out.buf + c->off, c->out.len - c->off);
				if (w < 0 && errno != EAGAIN && errno != EINTR) {
					conn_close(c);
					continue;
				}
				if (w > 0)
					c->off += (size_t)w;
				if (c->off >= c->out.len) {
					shutdown(c->fd, SHUT_WR);
					c->due = -1;   /* wait for the client to close */
				}
			}
		}
	}
	for (int i = 0; i < MAX_CONNS; i++)
		if (srv.conns[i].fd >= 0)
			conn_close(&srv.conns[i]);
	return NULL;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		perror(path);
		exit(2);
	}
	return fd;
}

void server_start(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	snprintf(srv.dir, sizeof(srv.dir), "/tmp/ws-net-XXXXXX");
	if (!mkdtemp(srv.dir) || pipe(srv.stop)) {
		perror("setup");
		exit(2);
	}
	for (int i = 0; i < MAX_CONNS; i++)
		srv.conns[i].fd = -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl)) {
		perror("tcp listen");
		exit(2);
	}
	srv.port = ntohs(sa.sin_port);
	srv.ls[L_TCP] = (struct listener){ .fd = fd, .api = "1.45" };
	const char *names[NLISTEN] = { NULL, "d.sock", "new.sock", "old.sock", "nohdr.sock", "hang.sock" };
	const char *apis[NLISTEN] = { NULL, "1.45", "1.51", "1.12", NULL, "1.45" };
	for (int i = 1; i < NLISTEN; i++) {
		snprintf(srv.sock[i], sizeof(srv.sock[i]), "%s/%s", srv.dir, names[i]);
		srv.ls[i] = (struct listener){ .fd = listen_unix(srv.sock[i]), .api = apis[i],
					       .hang_all = i == L_HANG };
	}
	if (pthread_create(&srv.th, NULL, server_main, NULL)) {
		perror("pthread_create");
		exit(2);
	}
}

void server_stop(void)
{
	if (write(srv.stop[1], "x", 1) != 1)
		perror("stop");
	pthread_join(srv.th, NULL);
	for (int i = 0; i < NLISTEN; i++) {
		close(srv.ls[i].fd);
		if (i)
			unlink(srv.sock[i]);
	}
	close(srv.stop[0]);
	close(srv.stop[1]);
	rmdir(srv.dir);
}

/* ---- client helpers ---------------------------------------------------------- */


void on_done(struct net *net, unsigned id, struct net_reply *r, void *ctx)
{
	struct got *g = ctx;
	(void)net;
	g->calls++;
	g->id = id;
	g->result = r->result;
	g->status = r->status;
	g->elapsed = r->elapsed_ms;
	g->at = now_ms();
	snprintf(g->err, sizeof(g->err), "%s", r->err.msg);
	if (getenv("TEST_NET_VERBOSE") && r->err.msg[0])
		fprintf(stderr, "  [%s] %s\n", r->url, r->err.msg);
	snprintf(g->body, sizeof(g->body), "%.*s", (int)(r->body.len < 255 ? r->body.len : 255), r->body.buf);
	g->body_len = r->body.len;
	snprintf(g->api, sizeof(g->api), "%s", r->api_version ? r->api_version : "");
	snprintf(g->server, sizeof(g->server), "%s", r->server ? r->server : "");
	snprintf(g->digest, sizeof(g->digest), "%s", r->docker_content_digest ? r->docker_content_digest : "");
	snprintf(g->ctype, sizeof(g->ctype), "%s", r->content_type ? r->content_type : "");
}

void on_release(void *ctx)
{
	struct got *g = ctx;
	g->releases++;
}

char *tcp_url(const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", srv.port, path);
}

/* Starts GET PATH on the TCP listener (or unix socket SOCK). */
unsigned get(struct net *net, const char *path, const char *sock, long timeout_ms,
		    size_t max_reply, struct got *g)
{
	struct net_request req = { .method = NET_GET, .unix_socket = sock, .timeout_ms = timeout_ms,
				   .max_reply = max_reply };
	char *url = sock ? xasprintf("http://localhost%s", path) : tcp_url(path);
	memset(g, 0, sizeof(*g));
	req.url = url;
	unsigned id = net_start(net, &req, on_done, on_release, g);
	free(url);
	return id;
}

int run(struct net *net, long max_ms)
{
	struct err e;
	int rc = net_run_all(net, max_ms, &e);
	if (rc)
		fprintf(stderr, "net_run_all: %s\n", e.msg);
	return rc;
}

/* A port nothing listens on. */
int closed_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	close(fd);
	return ntohs(sa.sin_port);
}
