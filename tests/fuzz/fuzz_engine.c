/* fuzz_engine.c - Engine API reply handling: jdoc_parse on a daemon's body
 * plus engine.c's reply -> struct code (engine_result_from_reply), for
 * every call kind, any HTTP status, any Api-Version/Server/Ostype header.
 *
 * Input: byte 0 = call kind (low 3 bits), transport failure (bit 3),
 * version pinned (bit 4); byte 1 = HTTP status class; then, split at NUL
 * bytes: Api-Version header, Server header, Ostype header, body (the rest).
 * Properties (malformed or huge Engine API replies): ENGINE_OK
 * comes with an empty error and the struct of its kind; anything else with
 * a one-line error; a successful ping leaves a negotiated version within
 * [ENGINE_API_MIN, ENGINE_API_MAX]; strings handed out are terminated. */
#include "engine/engine.h"
#include "fuzz.h"

static const long statuses[] = { 200, 201, 204, 299, 304, 400, 404, 409, 500, 503, 100, 0, 199, 300, 999, 418 };

/* "1.45" -> 1045, -1 otherwise (the harness's own reading). */
static long api_num(const char *s)
{
	char *end;
	long major, minor;
	if (!s || s[0] < '0' || s[0] > '9')
		return -1;
	major = strtol(s, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return -1;
	minor = strtol(end + 1, &end, 10);
	return *end ? -1 : major * 1000 + minor;
}

static void touch(const char *s)
{
	if (s)
		FUZZ_CHECK(strlen(s) < (size_t)1 << 30, "string not terminated");
}

static void touch_vec(const struct strvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		touch(v->v[i]);
	FUZZ_CHECK(v->v[v->n] == NULL, "strvec not NULL-terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum engine_call_kind kind = (enum engine_call_kind)(data[0] % 5);
	int net_fail = data[0] & 8, pinned = data[0] & 16;
	char *buf, *part[4];
	size_t len[4];
	size_t n = fuzz_split(data + 2, size - 2, &buf, part, len, 4);
	for (size_t i = n; i < 4; i++) {
		part[i] = NULL;
		len[i] = 0;
	}

	struct endpoint ep;
	struct engine_target t;
	struct err e;
	endpoint_init(&ep);
	FUZZ_CHECK(!endpoint_parse_url("unix:///var/run/docker.sock", &ep, &e), "%s", e.msg);
	FUZZ_CHECK(!engine_target_init(&t, &ep, pinned ? "1.41" : NULL, &e), "%s", e.msg);
	endpoint_release(&ep);

	struct net_reply rp;
	memset(&rp, 0, sizeof(rp));
	rp.result = net_fail ? (enum net_result)(1 + data[1] % 7) : NET_OK;
	rp.status = net_fail ? 0 : statuses[data[1] % (sizeof(statuses) / sizeof(statuses[0]))];
	if (net_fail)
		err_set(&rp.err, "transfer failed");
	rp.api_version = n > 0 && len[0] ? part[0] : NULL;
	rp.server = n > 1 && len[1] ? part[1] : NULL;
	rp.ostype = n > 2 && len[2] ? part[2] : NULL;
	strbuf_init(&rp.body);
	if (!net_fail && n > 3)
		strbuf_add(&rp.body, part[3], len[3]);
	rp.url = "http://localhost/fuzz";

	struct engine_result r;
	engine_result_from_reply(&t, kind, &rp, &r);
	if (r.status == ENGINE_OK) {
		FUZZ_CHECK(!r.err.msg[0], "ENGINE_OK with an error: %s", r.err.msg);
		FUZZ_CHECK((!net_fail && rp.status >= 200 && rp.status <= 299) ||
			   (kind == ENGINE_CALL_OBJECT && rp.status == 404),
			   "ENGINE_OK for status %ld (net %d)", rp.status, (int)rp.result);
		switch (kind) {
		case ENGINE_CALL_PING: {
			FUZZ_CHECK(r.ping && r.ping->api_version, "ping without a version");
			long v = api_num(t.api_version);
			FUZZ_CHECK(v >= api_num(ENGINE_API_MIN) && v <= api_num(ENGINE_API_MAX),
				   "negotiated %s", t.api_version);
			touch(r.ping->server);
			touch(r.ping->os_type);
			break;
		}
		case ENGINE_CALL_JSON:
			FUZZ_CHECK(r.doc && jdoc_root(r.doc), "JSON call without a document");
			break;
		case ENGINE_CALL_VERSION:
			FUZZ_CHECK(r.version, "version call without a version");
			touch(r.version->version);
			touch(r.version->platform);
			break;
		case ENGINE_CALL_INFO:
			FUZZ_CHECK(r.info, "info call without info");
			touch_vec(&r.info->runtimes);
			touch_vec(&r.info->security_options);
			touch_vec(&r.info->warnings);
			engine_strvec_has(&r.info->runtimes, "sysbox-runc");
			break;
		case ENGINE_CALL_OBJECT:
			FUZZ_CHECK(r.object, "object call without an object");
			FUZZ_CHECK(r.object->exists == (rp.status != 404), "exists %d for status %ld",
				   r.object->exists, rp.status);
			FUZZ_CHECK(r.object->labels.keys.n == r.object->labels.values.n, "labels not parallel");
			touch_vec(&r.object->labels.keys);
			touch_vec(&r.object->labels.values);
			engine_labels_get(&r.object->labels, "ws-launch.launch");
			break;
		}
	} else {
		FUZZ_CHECK(r.err.msg[0], "status %d without an error", (int)r.status);
		FUZZ_CHECK(fuzz_one_line(r.err.msg), "error is not one line: %s", r.err.msg);
		FUZZ_CHECK(r.status != ENGINE_UNREACHABLE || net_fail, "unreachable with a reply");
	}
	engine_result_release(&r);
	engine_target_release(&t);
	strbuf_release(&rp.body);
	free(buf);
	return 0;
}
