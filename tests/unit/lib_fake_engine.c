/* lib_fake_engine.c - a fake Docker Engine API on a unix socket
 * (lib_fake_engine.h). */
#include "lib_fake_engine.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 404: return "Not Found";
	case 409: return "Conflict";
	default: return "Error";
	}
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* The path of "GET /v1.41/containers/x/json?all=1 HTTP/1.1" without the
 * version prefix and the query, into OUT. */
static void request_path(const char *line, char *method, size_t msize, char *out, size_t osize)
{
	method[0] = out[0] = '\0';
	const char *sp = strchr(line, ' ');
	if (!sp)
		return;
	snprintf(method, msize, "%.*s", (int)(sp - line), line);
	const char *p = sp + 1;
	if (p[0] == '/' && p[1] == 'v' && p[2] >= '0' && p[2] <= '9') {
		const char *q = p + 2;
		while ((*q >= '0' && *q <= '9') || *q == '.')
			q++;
		if (*q == '/')
			p = q;
	}
	size_t n = strcspn(p, " ?");
	snprintf(out, osize, "%.*s", (int)n, p);
}

static void serve(struct fake_engine *fe, int fd)
{
	struct timeval tv = { 2, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char buf[8192];
	size_t len = 0;
	while (len < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	buf[len] = '\0';
	char method[8], path[160];
	request_path(buf, method, sizeof(method), path, sizeof(path));
	int status = 404;
	const char *body = "{\"message\":\"No such object\"}";
	int routed = 0;
	pthread_mutex_lock(&fe->mu);
	fe->requests++;
	for (int i = 0; i < fe->nroutes; i++) {
		struct fake_route *rt = &fe->routes[i];
		if (strcmp(rt->method, method) || strcmp(rt->path, path))
			continue;
		int k = rt->hits < (unsigned)rt->nreplies ? (int)rt->hits : rt->nreplies - 1;
		status = rt->replies[k].status;
		body = rt->replies[k].body;
		rt->hits++;
		routed = 1;
		break;
	}
	pthread_mutex_unlock(&fe->mu);
	if (getenv("FAKE_ENGINE_DEBUG"))
		fprintf(stderr, "fake engine: %s %s -> %s\n", method, path, routed ? "routed" : "default");
	if (!routed && !strcmp(path, "/_ping")) {
		status = 200;
		body = "OK";
	}
	char head[512];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nApi-Version: 1.41\r\nServer: Docker/20.10.24 (linux)\r\nOstype: linux\r\n"
			 "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, reason(status), body[0] == '{' || body[0] == '[' ? "application/json" : "text/plain",
			 strlen(body));
	send_all(fd, head, (size_t)n);
	if (strcmp(method, "HEAD"))
		send_all(fd, body, strlen(body));
	close(fd);
}

static void *loop(void *arg)
{
	struct fake_engine *fe = arg;
	for (;;) {
		struct pollfd p[2] = { { fe->lfd, POLLIN, 0 }, { fe->stop[0], POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (p[0].revents & POLLIN) {
			int fd = accept(fe->lfd, NULL, NULL);
			if (fd >= 0)
				serve(fe, fd);
		}
	}
	return NULL;
}

int fake_engine_start(struct fake_engine *fe)
{
	memset(fe, 0, sizeof(*fe));
	pthread_mutex_init(&fe->mu, NULL);
	snprintf(fe->dir, sizeof(fe->dir), "/tmp/ws-fake-XXXXXX");
	if (!mkdtemp(fe->dir))
		return -1;
	snprintf(fe->sock, sizeof(fe->sock), "%s/docker.sock", fe->dir);
	snprintf(fe->host, sizeof(fe->host), "unix://%s", fe->sock);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(fe->sock) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, fe->sock, strlen(fe->sock) + 1);
	fe->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fe->lfd < 0 || bind(fe->lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fe->lfd, 64) ||
	    pipe(fe->stop))
		return -1;
	if (pthread_create(&fe->th, NULL, loop, fe))
		return -1;
	fe->running = 1;
	return 0;
}

void fake_engine_stop(struct fake_engine *fe)
{
	if (fe->running) {
		if (write(fe->stop[1], "x", 1) < 0) {
			/* the thread then never wakes: nothing better to do */
		}
		pthread_join(fe->th, NULL);
		fe->running = 0;
	}
	if (fe->lfd > 0)
		close(fe->lfd);
	if (fe->stop[0] > 0) {
		close(fe->stop[0]);
		close(fe->stop[1]);
	}
	unlink(fe->sock);
	rmdir(fe->dir);
	pthread_mutex_destroy(&fe->mu);
}

void fake_engine_on(struct fake_engine *fe, const char *method, const char *path, int status, const char *body)
{
	pthread_mutex_lock(&fe->mu);
	struct fake_route *rt = NULL;
	for (int i = 0; i < fe->nroutes; i++)
		if (!strcmp(fe->routes[i].method, method) && !strcmp(fe->routes[i].path, path))
			rt = &fe->routes[i];
	if (!rt && fe->nroutes < FAKE_ROUTES) {
		rt = &fe->routes[fe->nroutes++];
		memset(rt, 0, sizeof(*rt));
		snprintf(rt->method, sizeof(rt->method), "%s", method);
		snprintf(rt->path, sizeof(rt->path), "%s", path);
	}
	if (rt && rt->nreplies < FAKE_REPLIES) {
		rt->replies[rt->nreplies].status = status;
		rt->replies[rt->nreplies].body = body;
		rt->nreplies++;
	}
	pthread_mutex_unlock(&fe->mu);
}

void fake_engine_reset(struct fake_engine *fe)
{
	pthread_mutex_lock(&fe->mu);
	fe->nroutes = 0;
	pthread_mutex_unlock(&fe->mu);
}

unsigned fake_engine_hits(struct fake_engine *fe, const char *method, const char *path)
{
	unsigned n = 0;
	pthread_mutex_lock(&fe->mu);
	for (int i = 0; i < fe->nroutes; i++)
		if (!strcmp(fe->routes[i].method, method) && !strcmp(fe->routes[i].path, path))
			n = fe->routes[i].hits;
	pthread_mutex_unlock(&fe->mu);
	return n;
}
