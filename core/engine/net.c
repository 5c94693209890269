/* net.c - bounded, cancellable HTTP requests on one curl multi handle;
 * why one failed, in one line: net_errors.c. */
#include "net_internal.h"
#include "base/ytree.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>


static int global_ready;

/* ---- global ---------------------------------------------------------------- */

int net_global_init(struct err *e)
{
	CURLcode rc;
	if (global_ready)
		return 0;
	rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	if (rc != CURLE_OK)
		return err_set(e, "cannot initialise libcurl: %s", curl_easy_strerror(rc));
	global_ready = 1;
	return 0;
}

void net_global_cleanup(void)
{
	if (!global_ready)
		return;
	curl_global_cleanup();
	global_ready = 0;
}

int net_async_dns(void)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	return v && (v->features & CURL_VERSION_ASYNCHDNS) ? 1 : 0;
}

/* ---- small helpers ------------------------------------------------------------ */

static void list_push(struct req_list *l, struct net_req *r)
{
	r->next = NULL;
	r->prev = l->tail;
	if (l->tail)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
}

static void list_remove(struct req_list *l, struct net_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		l->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		l->tail = r->prev;
	r->prev = r->next = NULL;
}

static struct net_req *list_find(const struct req_list *l, unsigned id)
{
	for (struct net_req *r = l->head; r; r = r->next)
		if (r->id == id)
			return r;
	return NULL;
}

static void reply_clear_headers(struct net_reply *rp)
{
	free(rp->api_version);
	free(rp->ostype);
	free(rp->server);
	free(rp->content_type);
	free(rp->docker_content_digest);
	free(rp->www_authenticate);
	free(rp->link);
	rp->api_version = rp->ostype = rp->server = rp->content_type = NULL;
	rp->docker_content_digest = rp->www_authenticate = rp->link = NULL;
}

/* Frees the request and its curl handle (already out of the multi). */
static void req_destroy(struct net_req *r)
{
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	reply_clear_headers(&r->reply);
	strbuf_release(&r->reply.body);
	free((char *)r->reply.url);
	free(r->start_error);
	free(r);
}

static void req_release(struct net_req *r)
{
	net_release_fn rel = r->release;
	r->release = NULL;
	if (rel && !r->continued)
		rel(r->ctx);
}

/* ---- curl callbacks ------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t n, void *p)
{
	struct net_req *r = p;
	size_t len = size * n;
	if (r->on_data) {
		if (r->on_data(r->data_ctx, data, len)) {
			r->aborted = 1;
			return 0;
		}
		return len;
	}
	if (len > r->max_reply || r->reply.body.len > r->max_reply - len) {
		r->toobig = 1;
		return 0;   /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	strbuf_add(&r->reply.body, data, len);
	return len;
}

static void set_header(char **slot, const char *v, size_t n, const char *prefer)
{
	/* Keep the first value, unless a later one has PREFER and it does not. */
	if (*slot && (!prefer || strstr(*slot, prefer)))
		return;
	char *nv = xstrndup(v, n);
	/* Header values end up in messages and on screen: no control bytes. */
	for (char *q = nv; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	if (*slot && !strstr(nv, prefer)) {
		free(nv);
		return;
	}
	free(*slot);
	*slot = nv;
}

static size_t on_header(char *data, size_t size, size_t n, void *p)
{
	struct net_req *r = p;
	size_t len = size * n;
	static const struct {
		const char *name;
		size_t off;
		const char *prefer;
	} known[] = {
		{ "Api-Version", offsetof(struct net_reply, api_version), NULL },
		{ "Ostype", offsetof(struct net_reply, ostype), NULL },
		{ "Server", offsetof(struct net_reply, server), NULL },
		{ "Content-Type", offsetof(struct net_reply, content_type), NULL },
		{ "Docker-Content-Digest", offsetof(struct net_reply, docker_content_digest), NULL },
		{ "WWW-Authenticate", offsetof(struct net_reply, www_authenticate), "Bearer" },
		{ "Link", offsetof(struct net_reply, link), "\"next\"" },
	};

	if (len >= 5 && !memcmp(data, "HTTP/", 5)) {
		/* A new response (after a redirect or a 100): forget the old one. */
		reply_clear_headers(&r->reply);
		strbuf_clear(&r->reply.body);
		return len;
	}
	const char *colon = memchr(data, ':', len);
	if (!colon)
		return len;
	size_t nl = (size_t)(colon - data);
	const char *v = colon + 1, *end = data + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t vl = (size_t)(end - v);
	if (vl > HEADER_VALUE_MAX)
		return len;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) == nl && !strncasecmp(data, known[i].name, nl)) {
			set_header((char **)((char *)&r->reply + known[i].off), v, vl, known[i].prefer);
			break;
		}
	}
	return len;
}

/* ---- starting --------------------------------------------------------------- */

/* TLS material is read here, non-blocking and bounded, and handed to
 * libcurl as a blob: given a path, curl (OpenSSL) would open it itself and
 * block for ever on a FIFO planted there.  0, or -1 with r->start_error. */
#define TLS_FILE_MAX (1024 * 1024)
static int tls_blob(struct net_req *r, CURLoption opt, const char *path)
{
	struct err e;
	size_t len;
	char *data = file_read_limited(path, TLS_FILE_MAX, &len, &e);
	r->start_tls = 1;
	if (!data) {
		r->start_error = xasprintf("%s: %s", path, e.msg);
		return -1;
	}
	struct curl_blob blob = { .data = data, .len = len, .flags = CURL_BLOB_COPY };
	CURLcode rc = curl_easy_setopt(r->easy, opt, &blob);
	free(data);
	if (rc != CURLE_OK) {
		r->start_error = xasprintf("%s: cannot use it: %s", path, curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

#define SETOPT(r, opt, val) \
	do { if (curl_easy_setopt((r)->easy, (opt), (val)) != CURLE_OK) { \
		bad = #opt; goto failed; } } while (0)

static size_t on_upload(char *buf, size_t size, size_t n, void *p)
{
	struct net_req *r = p;
	long got = r->on_read(r->read_ctx, buf, size * n);
	if (got < 0 || (size_t)got > size * n) {
		r->aborted = 1;
		return CURL_READFUNC_ABORT;
	}
	return (size_t)got;
}

/* Sets REQ up on a fresh easy handle; on failure r->start_error is set and
 * the request is queued for delivery as a failure. */
static void req_setup(struct net *net, struct net_req *r, const struct net_request *req)
{
	const char *bad = NULL;
	CURLMcode mc;

	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : NET_CONNECT_TIMEOUT_MS;
	r->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : NET_TIMEOUT_MS;
	r->max_reply = req->max_reply ? req->max_reply : NET_MAX_REPLY;
	r->on_data = req->on_data;
	r->data_ctx = req->data_ctx;
	r->on_read = req->on_read;
	r->read_ctx = req->read_ctx;
	r->reply.url = xstrdup(req->url ? req->url : "");
	if (!req->url || !*req->url) {
		r->start_error = xstrdup("no URL to request");
		goto queue;
	}
	r->easy = curl_easy_init();
	if (!r->easy) {
		r->start_error = xstrdup("cannot create a curl handle");
		goto queue;
	}
	if (req->method == NET_POST && req->body && !(r->headers = curl_slist_append(NULL, "Content-Type: application/json"))) {
		r->start_error = xstrdup("out of memory for request headers");
		goto queue;
	}
	for (const char *const *h = req->headers; h && *h; h++) {
		struct curl_slist *nl = curl_slist_append(r->headers, *h);
		if (!nl) {
			r->start_error = xstrdup("out of memory for request headers");
			goto queue;
		}
		r->headers = nl;
	}
	SETOPT(r, CURLOPT_PRIVATE, (void *)r);
	SETOPT(r, CURLOPT_ERRORBUFFER, r->errbuf);
	SETOPT(r, CURLOPT_NOSIGNAL, 1L);
	SETOPT(r, CURLOPT_URL, req->url);
	SETOPT(r, CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(r, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(r, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SETOPT(r, CURLOPT_USERAGENT, "ws-launch/" WS_VERSION);
	SETOPT(r, CURLOPT_CONNECTTIMEOUT_MS, r->connect_ms);
	SETOPT(r, CURLOPT_TIMEOUT_MS, r->timeout_ms);
	SETOPT(r, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)r->max_reply);
	SETOPT(r, CURLOPT_WRITEFUNCTION, on_body);
	SETOPT(r, CURLOPT_WRITEDATA, (void *)r);
	SETOPT(r, CURLOPT_HEADERFUNCTION, on_header);
	SETOPT(r, CURLOPT_HEADERDATA, (void *)r);
	if (req->method == NET_HEAD) {
		SETOPT(r, CURLOPT_NOBODY, 1L);
	} else if (req->method == NET_POST && req->on_read) {
		SETOPT(r, CURLOPT_POST, 1L);
		SETOPT(r, CURLOPT_READFUNCTION, on_upload);
		SETOPT(r, CURLOPT_READDATA, (void *)r);
		SETOPT(r, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->upload_size);
	} else if (req->method == NET_POST) {
		SETOPT(r, CURLOPT_POST, 1L);
		SETOPT(r, CURLOPT_POSTFIELDSIZE, req->body ? (long)strlen(req->body) : 0L);
		SETOPT(r, CURLOPT_COPYPOSTFIELDS, req->body ? req->body : "");
	} else {
		SETOPT(r, CURLOPT_HTTPGET, 1L);
	}
	if (req->on_data) {
		SETOPT(r, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)0);
		if (req->stall_ms > 0) {
			SETOPT(r, CURLOPT_LOW_SPEED_LIMIT, 1L);
			SETOPT(r, CURLOPT_LOW_SPEED_TIME, (req->stall_ms + 999) / 1000);
		}
	}
	if (r->headers)
		SETOPT(r, CURLOPT_HTTPHEADER, r->headers);
	if (req->follow_redirects) {
		SETOPT(r, CURLOPT_FOLLOWLOCATION, 1L);
		SETOPT(r, CURLOPT_MAXREDIRS, NET_MAX_REDIRECTS);
	}
	if (req->unix_socket) {
		SETOPT(r, CURLOPT_UNIX_SOCKET_PATH, req->unix_socket);
		SETOPT(r, CURLOPT_PROXY, "");
	} else if (req->no_proxy) {
		SETOPT(r, CURLOPT_PROXY, "");
	}
	if ((req->ca_file && tls_blob(r, CURLOPT_CAINFO_BLOB, req->ca_file)) ||
	    (req->cert_file && tls_blob(r, CURLOPT_SSLCERT_BLOB, req->cert_file)) ||
	    (req->key_file && tls_blob(r, CURLOPT_SSLKEY_BLOB, req->key_file)))
		goto queue;
	if (req->insecure) {
		SETOPT(r, CURLOPT_SSL_VERIFYPEER, 0L);
		SETOPT(r, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	mc = curl_multi_add_handle(net->multi, r->easy);
	if (mc != CURLM_OK) {
		r->start_error = xasprintf("cannot start the request: %s", curl_multi_strerror(mc));
		goto queue;
	}
	list_push(&net->active, r);
	return;
failed:
	r->start_error = xasprintf("cannot set %s: %s", bad, r->errbuf[0] ? r->errbuf : "unsupported by this libcurl");
queue:
	list_push(&net->done, r);
}

static struct net_req *req_new(struct net *net, unsigned id, net_done_fn done, net_release_fn release, void *ctx)
{
	struct net_req *r = xcalloc(1, sizeof(*r));
	(void)net;
	r->id = id;
	r->done = done;
	r->release = release;
	r->ctx = ctx;
	strbuf_init(&r->reply.body);
	return r;
}

unsigned net_start(struct net *net, const struct net_request *req,
		   net_done_fn done, net_release_fn release, void *ctx)
{
	unsigned id = ++net->next_id;
	if (!id)
		id = ++net->next_id;   /* wrapped: 0 is never an id */
	struct net_req *r = req_new(net, id, done, release, ctx);
	req_setup(net, r, req);
	return id;
}

unsigned net_continue(struct net *net, unsigned id, const struct net_request *req,
		      net_done_fn done, void *ctx)
{
	struct net_req *cur = net->current;
	if (!cur || cur->id != id || cur->continued)
		return 0;
	struct net_req *r = req_new(net, id, done, cur->release, ctx);
	cur->continued = 1;
	cur->release = NULL;
	req_setup(net, r, req);
	return id;
}

/* ---- cancelling, freeing -------------------------------------------------------- */

int net_cancel(struct net *net, unsigned id)
{
	struct net_req *r;
	if (!net || !id)
		return 0;
	if ((r = list_find(&net->active, id))) {
		list_remove(&net->active, r);
		curl_multi_remove_handle(net->multi, r->easy);
		req_release(r);
		req_destroy(r);
		return 1;
	}
	if ((r = list_find(&net->done, id))) {
		list_remove(&net->done, r);
		req_release(r);
		req_destroy(r);
		return 1;
	}
	if ((r = list_find(&net->delivering, id)) && !r->cancelled) {
		/* Queued in the batch being delivered: dispatch frees it. */
		r->cancelled = 1;
		req_release(r);
		return 1;
	}
	/* The running DONE's own id: it finishes normally (a continued stage
	 * was found above, in the active list). */
	return 0;
}

unsigned net_pending(const struct net *net)
{
	unsigned n = 0;
	const struct req_list *lists[] = { &net->active, &net->done, &net->delivering };
	for (size_t i = 0; i < 3; i++)
		for (const struct net_req *r = lists[i]->head; r; r = r->next)
			if (!r->cancelled)
				n++;
	return n;
}

struct net *net_new(struct err *e)
{
	struct net *net;
	if (net_global_init(e))
		return NULL;
	net = xcalloc(1, sizeof(*net));
	net->multi = curl_multi_init();
	if (!net->multi) {
		free(net);
		err_set(e, "cannot create a curl multi handle");
		return NULL;
	}
	return net;
}

void net_free(struct net *net)
{
	struct net_req *r;
	if (!net)
		return;
	while ((r = net->active.head)) {
		list_remove(&net->active, r);
		curl_multi_remove_handle(net->multi, r->easy);
		req_release(r);
		req_destroy(r);
	}
	struct req_list *queues[] = { &net->done, &net->delivering };
	for (size_t i = 0; i < 2; i++) {
		while ((r = queues[i]->head)) {
			list_remove(queues[i], r);
			req_release(r);
			req_destroy(r);
		}
	}
	curl_multi_cleanup(net->multi);
	free(net);
}

/* ---- the loop ------------------------------------------------------------------ */

long net_timeout_ms(struct net *net)
{
	long t = -1;
	if (net->done.head)
		return 0;
	if (curl_multi_timeout(net->multi, &t) != CURLM_OK)
		return 0;
	return t;
}

int net_wait(struct net *net, struct pollfd *fds, unsigned nfds, int max_ms, struct err *e)
{
	struct curl_waitfd local[8], *w = local;
	int numfds = 0;
	CURLMcode mc;

	if (net->done.head)
		return 0;
	if (max_ms < 0)
		max_ms = INT_MAX;
	if (nfds > sizeof(local) / sizeof(local[0]))
		w = xcalloc(nfds, sizeof(*w));
	for (unsigned i = 0; i < nfds; i++) {
		w[i].fd = fds[i].fd;
		w[i].events = 0;
		w[i].revents = 0;
		if (fds[i].events & POLLIN)
			w[i].events |= CURL_WAIT_POLLIN;
		if (fds[i].events & POLLPRI)
			w[i].events |= CURL_WAIT_POLLPRI;
		if (fds[i].events & POLLOUT)
			w[i].events |= CURL_WAIT_POLLOUT;
	}
	mc = curl_multi_poll(net->multi, nfds ? w : NULL, nfds, max_ms, &numfds);
	for (unsigned i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		if (w[i].revents & CURL_WAIT_POLLIN)
			fds[i].revents |= POLLIN;
		if (w[i].revents & CURL_WAIT_POLLPRI)
			fds[i].revents |= POLLPRI;
		if (w[i].revents & CURL_WAIT_POLLOUT)
			fds[i].revents |= POLLOUT;
	}
	if (w != local)
		free(w);
	if (mc != CURLM_OK)
		return err_set(e, "waiting for the network: %s", curl_multi_strerror(mc));
	return numfds;
}

void net_wakeup(struct net *net)
{
	curl_multi_wakeup(net->multi);
}

unsigned net_dispatch(struct net *net)
{
	int running = 0, left = 0;
	unsigned calls = 0;
	CURLMsg *msg;
	struct net_req *r;

	if (net->current)
		return 0;   /* not from inside a callback: the batch is in use */
	curl_multi_perform(net->multi, &running);
	while ((msg = curl_multi_info_read(net->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURL *easy = msg->easy_handle;
		CURLcode code = msg->data.result;
		char *priv = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
		r = (struct net_req *)priv;
		/* msg is invalid once the handle leaves the multi. */
		curl_multi_remove_handle(net->multi, easy);
		if (!r)
			continue;
		r->code = code;
		list_remove(&net->active, r);
		list_push(&net->done, r);
	}
	/* Deliver this batch; what callbacks start or net_fail now waits for the
	 * next dispatch, so a callback that restarts on failure cannot spin. */
	net->delivering = net->done;
	net->done.head = net->done.tail = NULL;
	while ((r = net->delivering.head)) {
		list_remove(&net->delivering, r);
		if (!r->cancelled) {
			net_req_finish(r);
			if (r->done) {
				/* Keep it findable so net_cancel(own id) is a no-op. */
				net->current = r;
				r->done(net, r->id, &r->reply, r->ctx);
				net->current = NULL;
				calls++;
			}
			req_release(r);
		}
		req_destroy(r);
	}
	return calls;
}

int net_run_all(struct net *net, long max_ms, struct err *e)
{
	struct timespec t0;
	if (net->current)
		return err_set(e, "net_run_all() called from a request callback");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	net_dispatch(net);
	while (net_pending(net)) {
		long wait = 1000;
		if (max_ms >= 0) {
			long left = max_ms - net_now_ms_since(&t0);
			if (left <= 0)
				return err_set(e, "requests still pending after %ld ms", max_ms);
			if (left < wait)
				wait = left;
		}
		if (net_wait(net, NULL, 0, (int)wait, e) < 0)
			return -1;
		net_dispatch(net);
	}
	return 0;
}
