/* engine_exec.c - a command in a running container through the Engine
 * API's exec: create, start (the stream until it exits), inspect
 * (engine_exec.h). */
#include "engine_exec.h"
#include "base/jsonw.h"
#include "base/show.h"

#include <stdlib.h>
#include <string.h>

#define EXEC_MAX_OUT ((size_t)64 << 10)
#define EXEC_INSPECT_TRIES 5   /* the stream can end a moment before ExitCode is set */

struct exec_call {
	struct engine_target *t;
	char *container;
	char *create_body;
	char *id;                 /* the exec's id, once created */
	long timeout_ms;
	size_t max_out;
	int inspects;
	engine_exec_done_fn done;
	void *ctx;
	struct engine_exec_result res;
};

int engine_exec_demux(const char *data, size_t len, size_t max, struct strbuf *out, struct strbuf *err,
		      struct err *e)
{
	size_t i = 0;
	while (i < len) {
		if (len - i < 8) {
			err_set(e, "the output stream ends inside a frame header");
			return -1;
		}
		const unsigned char *h = (const unsigned char *)data + i;
		size_t n = (size_t)h[4] << 24 | (size_t)h[5] << 16 | (size_t)h[6] << 8 | (size_t)h[7];
		if (h[0] > 2 || h[1] || h[2] || h[3]) {
			err_set(e, "the output stream has a frame of unknown kind %u", h[0]);
			return -1;
		}
		i += 8;
		if (n > len - i) {
			err_set(e, "the output stream ends inside a frame");
			return -1;
		}
		struct strbuf *to = h[0] == 2 ? err : out;
		if (h[0] && to->len + n > max) {
			char *m = net_size_str(max);
			err_set(e, "the command wrote more than %s to %s", m, h[0] == 2 ? "stderr" : "stdout");
			free(m);
			return -1;
		}
		if (h[0])
			strbuf_add(to, data + i, n);
		i += n;
	}
	return 0;
}

static void call_release(void *p)
{
	struct exec_call *c = p;
	free(c->container);
	free(c->create_body);
	free(c->id);
	strbuf_release(&c->res.out);
	strbuf_release(&c->res.err_out);
	free(c);
}

static void deliver(struct exec_call *c)
{
	if (c->done)
		c->done(&c->res, c->ctx);
}

/* Fails the call at stage WHAT with the error of R. */
static void fail(struct exec_call *c, const char *what, const struct engine_result *r)
{
	c->res.status = r->status == ENGINE_OK ? ENGINE_BAD_REPLY : r->status;
	char *name = show_dup(c->container, 64);
	err_set(&c->res.err, "exec in %s: %s: %s", name, what, r->err.msg);
	free(name);
	deliver(c);
}

/* Starts the next stage at PATH (unversioned) under ID. */
static int next(struct net *net, unsigned id, struct exec_call *c, enum net_method method, const char *path,
		const char *body, long timeout_ms, size_t max_reply, net_done_fn done)
{
	char *url = engine_url(c->t, path);
	struct net_request req;
	engine_request_init(c->t, &req, url);
	req.method = method;
	req.body = body;
	if (timeout_ms)
		req.timeout_ms = timeout_ms;
	if (max_reply)
		req.max_reply = max_reply;
	unsigned got = net_continue(net, id, &req, done, c);
	free(url);
	return got ? 0 : -1;
}

static void on_inspect(struct net *net, unsigned id, struct net_reply *rp, void *p)
{
	struct exec_call *c = p;
	struct engine_result r;
	engine_result_from_reply(c->t, ENGINE_CALL_JSON, rp, &r);
	if (r.status != ENGINE_OK) {
		fail(c, "inspect", &r);
	} else {
		int root = jdoc_root(r.doc);
		int running = jdoc_bool(r.doc, jdoc_member(r.doc, root, "Running"), 0);
		int code = jdoc_member(r.doc, root, "ExitCode");
		if ((running || jdoc_type(r.doc, code) != JDOC_NUMBER) && ++c->inspects < EXEC_INSPECT_TRIES) {
			struct strbuf path = STRBUF_INIT;
			strbuf_addf(&path, "/exec/%s/json", c->id);
			int bad = next(net, id, c, NET_GET, path.buf, NULL, 0, 0, on_inspect);
			strbuf_release(&path);
			if (!bad) {
				engine_result_release(&r);
				return;
			}
		}
		if (running || jdoc_type(r.doc, code) != JDOC_NUMBER) {
			err_set(&r.err, "no exit code: the command still runs after its output ended");
			fail(c, "inspect", &r);
		} else {
			c->res.status = ENGINE_OK;
			c->res.exit_code = (int)jdoc_int(r.doc, code, -1);
			deliver(c);
		}
	}
	engine_result_release(&r);
}

static void on_start(struct net *net, unsigned id, struct net_reply *rp, void *p)
{
	struct exec_call *c = p;
	struct engine_result r;
	memset(&r, 0, sizeof(r));
	if (rp->result != NET_OK || rp->status < 200 || rp->status > 299) {
		engine_result_from_reply(c->t, ENGINE_CALL_JSON, rp, &r);
		fail(c, "start", &r);
	} else if (engine_exec_demux(rp->body.buf, rp->body.len, c->max_out, &c->res.out, &c->res.err_out, &r.err)) {
		r.status = ENGINE_BAD_REPLY;
		fail(c, "output", &r);
	} else {
		struct strbuf path = STRBUF_INIT;
		strbuf_addf(&path, "/exec/%s/json", c->id);
		if (next(net, id, c, NET_GET, path.buf, NULL, 0, 0, on_inspect)) {
			err_set(&r.err, "cannot ask for its exit code");
			fail(c, "inspect", &r);
		}
		strbuf_release(&path);
	}
	engine_result_release(&r);
}

static void on_create(struct net *net, unsigned id, struct net_reply *rp, void *p)
{
	struct exec_call *c = p;
	struct engine_result r;
	engine_result_from_reply(c->t, ENGINE_CALL_JSON, rp, &r);
	const char *eid = r.status == ENGINE_OK ? jdoc_string(r.doc, jdoc_member(r.doc, jdoc_root(r.doc), "Id"), NULL)
						: NULL;
	if (r.status != ENGINE_OK) {
		fail(c, "create", &r);
	} else if (!eid || !*eid || eid[strspn(eid, "0123456789abcdef")]) {
		err_set(&r.err, "the daemon's reply has no exec Id");
		fail(c, "create", &r);
	} else {
		c->id = xstrdup(eid);
		struct strbuf path = STRBUF_INIT;
		strbuf_addf(&path, "/exec/%s/start", c->id);
		/* The stream lasts as long as the command: the caller's bound;
		 * both streams and their frame headers fit in the ceiling. */
		if (next(net, id, c, NET_POST, path.buf, "{\"Detach\":false,\"Tty\":false}", c->timeout_ms,
			 2 * c->max_out + (64 << 10), on_start)) {
			err_set(&r.err, "cannot start it");
			fail(c, "start", &r);
		}
		strbuf_release(&path);
	}
	engine_result_release(&r);
}

unsigned engine_exec(struct net *net, struct engine_target *t, const char *container, const char *const *argv,
		     const struct engine_exec_opts *opts, engine_exec_done_fn done, void *ctx)
{
	struct exec_call *c = xcalloc(1, sizeof(*c));
	c->t = t;
	c->container = xstrdup(container);
	c->timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : t->timeout_ms;
	c->max_out = opts && opts->max_out ? opts->max_out : EXEC_MAX_OUT;
	c->done = done;
	c->ctx = ctx;
	strbuf_init(&c->res.out);
	strbuf_init(&c->res.err_out);
	struct strbuf body = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &body);
	jsonw_obj_begin(&w);
	jsonw_kbool(&w, "AttachStdin", 0);
	jsonw_kbool(&w, "AttachStdout", 1);
	jsonw_kbool(&w, "AttachStderr", 1);
	jsonw_kbool(&w, "Tty", 0);
	if (opts && opts->user)
		jsonw_kstr(&w, "User", opts->user);
	if (opts && opts->workdir)
		jsonw_kstr(&w, "WorkingDir", opts->workdir);
	jsonw_key(&w, "Cmd");
	jsonw_arr_begin(&w);
	for (const char *const *a = argv; a && *a; a++)
		jsonw_str(&w, *a);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	c->create_body = strbuf_detach(&body, NULL);
	struct strbuf path = STRBUF_INIT;
	strbuf_addstr(&path, "/containers/");
	engine_path_escape(&path, container);
	strbuf_addstr(&path, "/exec");
	char *url = engine_url(t, path.buf);
	struct net_request req;
	engine_request_init(t, &req, url);
	req.method = NET_POST;
	req.body = c->create_body;
	unsigned id = net_start(net, &req, on_create, call_release, c);
	free(url);
	strbuf_release(&path);
	return id;
}
