/* checks_result.c - what every check writes and reads: its result, its
 * data and the checker's bookkeeping (checks_internal.h).  The lowest file
 * of the part: the checks call here, nothing here calls a check. */
#include "checks_internal.h"
#include "base/strbuf.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>



void ck_set(struct checker *c, enum check_id id, enum check_status st, const char *remedy,
		const char *fmt, ...)
{
	struct check *ck = &c->checks[id];
	if (!c->wanted[id])
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	free(ck->finding);
	free(ck->remedy);
	ck->finding = strbuf_detach(&sb, NULL);
	ck->remedy = remedy ? xstrdup(remedy) : NULL;
	ck->status = st;
	ck->ended_ms = proc_now_ms();
	c->generation++;
}


void ck_data(struct checker *c, enum check_id id, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strvec_kv_vset(&c->checks[id].data, key, fmt, ap);
	va_end(ap);
}

void ck_needs_input(struct checker *c, enum check_id id, const char *remedy, const char *finding)
{
	ck_set(c, id, CHECK_FAIL, remedy, "%s", finding);
	c->checks[id].needs_input = 1;
}

const char *check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_PENDING: return "pending";
	case CHECK_PASS: return "pass";
	case CHECK_WARN: return "warn";
	case CHECK_FAIL: return "fail";
	case CHECK_SKIP: return "skip";
	}
	return "?";
}

/* Every data key that is not a string, with its type. */
static const struct {
	const char *key;
	enum check_data_type type;
} data_types[] = {
	{ "userns", CDT_BOOL }, { "desktop", CDT_BOOL },
	{ "present", CDT_BOOL }, { "busy", CDT_BOOL }, { "tls", CDT_BOOL },
	{ "loopback", CDT_BOOL }, { "gid", CDT_INT }, { "port", CDT_INT }, { "elapsed_ms", CDT_INT },
	{ "host_gid", CDT_INT }, { "uid", CDT_INT }, { "pid", CDT_INT },
};

enum check_data_type check_data_type(const char *key)
{
	for (size_t i = 0; i < sizeof(data_types) / sizeof(data_types[0]); i++)
		if (!strcmp(data_types[i].key, key))
			return data_types[i].type;
	/* whether the daemon is of a mode's kind (modes.h .daemon_secopt) */
	const struct mode *m = mode_by_name(key);
	return m && m->daemon_secopt ? CDT_BOOL : CDT_STRING;
}

const char *check_data(const struct check *ck, const char *key)
{
	return strvec_kv_get(&ck->data, key);
}

int ck_pending(const struct checker *c, enum check_id id)
{
	return c->wanted[id] && c->checks[id].status == CHECK_PENDING;
}

void ck_op_done(struct checker *c, enum op op)
{
	c->ids[op] = 0;
}


int ck_wants_mode(const struct checker *c, enum mode_id m)
{
	return (c->modes & MODE_BIT(m)) != 0;
}

void ck_daemon_kinds(struct checker *c, enum check_id id, const struct engine_info *in)
{
	for (int m = 0; m < MODE__COUNT; m++) {
		const struct mode *md = mode_get((enum mode_id)m);
		if (md->daemon_secopt)
			ck_data(c, id, md->name, "%s", engine_info_has_secopt(in, md->daemon_secopt) ? "true" : "false");
	}
}
