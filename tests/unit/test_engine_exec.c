/* test_engine_exec.c - engine_exec_demux(): the exec stream's frames split
 * into stdout and stderr, and every malformed or oversized stream refused
 * with a reason (the live exec is tested against the harness by ps in
 * tests/integration/day_two.sh). */
#include "t.h"
#include "engine/engine_exec.h"

/* Appends a frame of STREAM with DATA to SB. */
static void frame(struct strbuf *sb, int stream, const char *data)
{
	size_t n = strlen(data);
	unsigned char h[8] = { (unsigned char)stream, 0, 0, 0, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
			       (unsigned char)(n >> 8), (unsigned char)n };
	strbuf_add(sb, h, 8);
	strbuf_add(sb, data, n);
}

static int demux(const struct strbuf *in, size_t len, size_t max, struct strbuf *out, struct strbuf *err,
		 struct err *e)
{
	strbuf_clear(out);
	strbuf_clear(err);
	return engine_exec_demux(in->buf, len, max, out, err, e);
}

int main(void)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, err = STRBUF_INIT;
	struct err e;
	frame(&in, 1, "27.1.");
	frame(&in, 2, "warn\n");
	frame(&in, 1, "1\n");
	frame(&in, 0, "");
	CHECK_INT(demux(&in, in.len, 64, &out, &err, &e), 0);
	CHECK_STR(out.buf, "27.1.1\n");
	CHECK_STR(err.buf, "warn\n");
	CHECK_INT(demux(&in, 0, 64, &out, &err, &e), 0); /* no output at all */
	CHECK_INT(out.len, 0);
	CHECK_INT(demux(&in, 5, 64, &out, &err, &e), -1); /* inside a header */
	CHECK_CONTAINS(e.msg, "frame header");
	CHECK_INT(demux(&in, 10, 64, &out, &err, &e), -1); /* inside a frame */
	CHECK_CONTAINS(e.msg, "inside a frame");
	CHECK_INT(demux(&in, in.len, 4, &out, &err, &e), -1); /* over the cap */
	CHECK_CONTAINS(e.msg, "stdout");
	strbuf_clear(&in);
	frame(&in, 3, "x");
	CHECK_INT(demux(&in, in.len, 64, &out, &err, &e), -1); /* unknown stream */
	CHECK_CONTAINS(e.msg, "unknown kind 3");
	strbuf_clear(&in);
	strbuf_addstr(&in, "27.1.1\n"); /* a TTY stream (raw) is not what we asked for */
	CHECK_INT(demux(&in, in.len, 64, &out, &err, &e), -1);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&err);
	return t_done("test_engine_exec");
}
