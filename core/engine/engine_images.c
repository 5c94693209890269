/* engine_images.c - GET /images/get and POST /images/load, streamed
 * (engine_images.h). */
#include "engine_images.h"
#include "base/jdoc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAD_MAX 4096

void engine_transfer_init(struct engine_transfer *x, int fd)
{
	memset(x, 0, sizeof(*x));
	x->fd = fd;
	strvec_init(&x->loaded);
	strbuf_init(&x->head);
	strbuf_init(&x->line);
}

void engine_transfer_release(struct engine_transfer *x)
{
	strvec_release(&x->loaded);
	strbuf_release(&x->head);
	strbuf_release(&x->line);
}

const char *engine_stream_error(const struct jdoc *d)
{
	int root = jdoc_root(d);
	const char *m = jdoc_string(d, jdoc_get(d, root, "errorDetail", "message", NULL), NULL);
	if (!m)
		m = jdoc_string(d, jdoc_member(d, root, "error"), NULL);
	if (!m)
		m = jdoc_string(d, jdoc_member(d, root, "message"), NULL);
	return m;
}

/* The outcome of a transfer from its reply; MSG is the daemon's words
 * found in the body, if any. */
static void finish(struct engine_transfer *x, const struct net_reply *rp, const char *msg)
{
	x->done = 1;
	if (x->failed)
		return; /* already said (a write that failed, an error line) */
	if (rp->result != NET_OK) {
		x->failed = 1;
		err_set(&x->err, "%s", rp->err.msg);
	} else if (rp->status >= 300) {
		x->failed = 1;
		if (msg)
			err_set(&x->err, "%s", msg);
		else
			err_set(&x->err, "the daemon answered HTTP %ld", rp->status);
	}
}

/* ---- save ----------------------------------------------------------------- */

static int on_save_data(void *ctx, const char *data, size_t len)
{
	struct engine_transfer *x = ctx;
	if (x->head.len < HEAD_MAX)
		strbuf_add(&x->head, data, len < HEAD_MAX - x->head.len ? len : HEAD_MAX - x->head.len);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(x->fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			x->failed = 1;
			err_set(&x->err, "cannot write the archive: %s", n < 0 ? strerror(errno) : "no progress");
			return 1;
		}
		off += (size_t)n;
		x->bytes += n;
	}
	return 0;
}

static void on_save_done(struct net *net, unsigned id, struct net_reply *rp, void *ctx)
{
	(void)net;
	(void)id;
	struct engine_transfer *x = ctx;
	struct err e;
	struct jdoc *d = rp->status >= 300 ? jdoc_parse(x->head.buf, x->head.len, HEAD_MAX, &e) : NULL;
	finish(x, rp, d ? engine_stream_error(d) : NULL);
	jdoc_free(d);
}

static void request(struct engine_target *t, struct net_request *req, const char *url, struct engine_transfer *x)
{
	engine_request_init(t, req, url);
	req->timeout_ms = ENGINE_IMAGES_TIMEOUT_MS;
	req->stall_ms = ENGINE_IMAGES_STALL_MS;
	req->data_ctx = x;
}

unsigned engine_images_save(struct net *net, struct engine_target *t, const char *const *names, size_t n,
			    struct engine_transfer *x)
{
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, "/images/get");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(&path, i ? "&names=" : "?names=");
		engine_path_escape(&path, names[i]);
	}
	char *url = engine_url(t, path.buf);
	struct net_request req;
	request(t, &req, url, x);
	req.on_data = on_save_data;
	unsigned id = net_start(net, &req, on_save_done, NULL, x);
	free(url);
	strbuf_release(&path);
	return id;
}

/* ---- load ----------------------------------------------------------------- */

static long on_load_read(void *ctx, char *buf, size_t len)
{
	struct engine_transfer *x = ctx;
	for (;;) {
		ssize_t n = read(x->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			x->failed = 1;
			err_set(&x->err, "cannot read the archive: %s", strerror(errno));
			return -1;
		}
		x->bytes += n;
		return (long)n;
	}
}

/* One line of the reply stream: what was loaded, or the daemon's error. */
static void load_line(struct engine_transfer *x, const char *line, size_t len)
{
	struct err e;
	struct jdoc *d = len ? jdoc_parse(line, len, ENGINE_IMAGES_LINE_MAX, &e) : NULL;
	if (!d)
		return;
	const char *m = engine_stream_error(d);
	const char *s = jdoc_string(d, jdoc_member(d, jdoc_root(d), "stream"), NULL);
	if (m && !x->failed) {
		x->failed = 1;
		err_set(&x->err, "%s", m);
	} else if (s && !strncmp(s, "Loaded image", 12)) {
		size_t sl = strlen(s);
		while (sl && (s[sl - 1] == '\n' || s[sl - 1] == ' '))
			sl--;
		char *v = xstrndup(s, sl);
		strvec_push_nodup(&x->loaded, v);
	}
	jdoc_free(d);
}

static int on_load_data(void *ctx, const char *data, size_t len)
{
	struct engine_transfer *x = ctx;
	strbuf_add(&x->line, data, len);
	size_t off = 0;
	char *nl;
	while ((nl = memchr(x->line.buf + off, '\n', x->line.len - off))) {
		load_line(x, x->line.buf + off, (size_t)(nl - (x->line.buf + off)));
		off = (size_t)(nl - x->line.buf) + 1;
	}
	if (off) {
		memmove(x->line.buf, x->line.buf + off, x->line.len - off);
		strbuf_setlen(&x->line, x->line.len - off);
	}
	if (x->line.len > ENGINE_IMAGES_LINE_MAX) {
		if (!x->failed) {
			x->failed = 1;
			err_set(&x->err, "the daemon sent a reply line longer than %d bytes", ENGINE_IMAGES_LINE_MAX);
		}
		return 1;
	}
	return 0;
}

static void on_load_done(struct net *net, unsigned id, struct net_reply *rp, void *ctx)
{
	(void)net;
	(void)id;
	struct engine_transfer *x = ctx;
	if (x->line.len) /* a last line without its newline: the error reply of a failed request */
		load_line(x, x->line.buf, x->line.len);
	finish(x, rp, NULL);
}

unsigned engine_images_load(struct net *net, struct engine_target *t, long long size, struct engine_transfer *x)
{
	static const char *const headers[] = { "Content-Type: application/x-tar", "Expect:", NULL };
	char *url = engine_url(t, "/images/load?quiet=0");
	struct net_request req;
	request(t, &req, url, x);
	req.method = NET_POST;
	req.headers = headers;
	req.on_data = on_load_data;
	req.on_read = on_load_read;
	req.read_ctx = x;
	req.upload_size = size;
	unsigned id = net_start(net, &req, on_load_done, NULL, x);
	free(url);
	return id;
}
