/* yemit.c - libyaml emitter helpers. */
#include "yemit.h"
#include "show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_out(void *data, unsigned char *buf, size_t size)
{
	strbuf_add(data, buf, size);
	return 1;
}

static void emit(struct yemit *y, yaml_event_t *ev, int ok)
{
	if (y->failed) {
		if (ok)
			yaml_event_delete(ev);
		return;
	}
	/* yaml_emitter_emit takes ownership of the event even when it fails. */
	if (!ok || !yaml_emitter_emit(&y->em, ev))
		y->failed = 1;
}

int yemit_init(struct yemit *y, struct strbuf *out, int explicit_start)
{
	yaml_event_t ev;
	memset(y, 0, sizeof(*y));
	if (!yaml_emitter_initialize(&y->em))
		return -1;
	y->open = 1;
	yaml_emitter_set_output(&y->em, write_out, out);
	yaml_emitter_set_unicode(&y->em, 1);
	yaml_emitter_set_width(&y->em, -1);
	yaml_emitter_set_indent(&y->em, 2);
	emit(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, !explicit_start));
	return y->failed ? -1 : 0;
}

void yemit_map(struct yemit *y)
{
	yaml_event_t ev;
	emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
}

void yemit_flow_map(struct yemit *y)
{
	yaml_event_t ev;
	emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_FLOW_MAPPING_STYLE));
}

void yemit_seq(struct yemit *y)
{
	yaml_event_t ev;
	emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
}

void yemit_flow_seq(struct yemit *y)
{
	yaml_event_t ev;
	emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_FLOW_SEQUENCE_STYLE));
}

void yemit_end_map(struct yemit *y)
{
	yaml_event_t ev;
	emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

void yemit_end_seq(struct yemit *y)
{
	yaml_event_t ev;
	emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
}

int yemit_looks_typed(const char *v)
{
	static const char *const words[] = { "", "~", "null", "Null", "NULL", "true", "True", "TRUE",
					     "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No",
					     "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y",
					     "n", "N", NULL };
	for (const char *const *w = words; *w; w++)
		if (!strcmp(v, *w))
			return 1;
	char *end;
	strtod(v, &end);
	if (*end == '\0')
		return 1;
	/* YAML 1.1 sexagesimal numbers: [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)? */
	const char *p = v + (*v == '-' || *v == '+');
	if (*p < '0' || *p > '9')
		return 0;
	while ((*p >= '0' && *p <= '9') || *p == '_')
		p++;
	int parts = 0;
	while (*p == ':') {
		p++;
		size_t d = strspn(p, "0123456789");
		if (d < 1 || d > 2 || (d == 2 && p[0] > '5'))
			return 0;
		p += d;
		parts++;
	}
	if (parts && *p == '.')
		p += 1 + strspn(p + 1, "0123456789_");
	return parts > 0 && *p == '\0';
}

static void scalar(struct yemit *y, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;
	size_t len = strlen(s);
	/* libyaml's emitter checks the shape of UTF-8 only: it writes code
	 * points above U+10FFFF and surrogates as \U/\u escapes that its own
	 * parser refuses (found by tests/fuzz/fuzz_render).  Refuse them. */
	for (size_t i = 0, n; i < len && !y->failed; i += n)
		if (!(n = utf8_seqlen((const unsigned char *)s + i, len - i))) {
			y->failed = 1;
			y->problem = "a value is not valid UTF-8";
		}
	emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1, style));
}

void yemit_str(struct yemit *y, const char *s)
{
	scalar(y, s, yemit_looks_typed(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

void yemit_plain(struct yemit *y, const char *s)
{
	scalar(y, s, YAML_PLAIN_SCALAR_STYLE);
}

void yemit_int(struct yemit *y, long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", v);
	yemit_plain(y, buf);
}

void yemit_bool(struct yemit *y, int v)
{
	yemit_plain(y, v ? "true" : "false");
}

void yemit_kv(struct yemit *y, const char *key, const char *value)
{
	yemit_str(y, key);
	yemit_str(y, value);
}

void yemit_kv_int(struct yemit *y, const char *key, long long v)
{
	yemit_str(y, key);
	yemit_int(y, v);
}

void yemit_kv_bool(struct yemit *y, const char *key, int v)
{
	yemit_str(y, key);
	yemit_bool(y, v);
}

int yemit_finish(struct yemit *y, struct err *e)
{
	yaml_event_t ev;
	emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(y, &ev, yaml_stream_end_event_initialize(&ev));
	int rc = 0;
	if (y->failed)
		rc = err_set(e, "cannot write YAML: %s",
			     y->problem ? y->problem : y->em.problem ? y->em.problem : "emitter error");
	if (y->open)
		yaml_emitter_delete(&y->em);
	y->open = 0;
	return rc;
}
