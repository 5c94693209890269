/* option_value.c - given, else detected, else the default (option_value.h). */
#include "option_value.h"
#include "modes.h"

#include <stdio.h>
#include <string.h>

const char *option_detected(enum opt_id id, const struct spec *s, const struct facts *f, char *buf, size_t size)
{
	const struct option_def *d = option_get(id);
	if (!d || !f || (!(d->flags & OF_AUTO) && d->detect == DET_NONE))
		return NULL;
	const struct mode *m = mode_get(s->mode);
	const char *out = NULL, *why = NULL;
	if (m && m->detect && m->detect(id, s, f, buf, size, &out, &why))
		return out;
	switch (d->detect) {
	case DET_NONE:
		return NULL;
	case DET_USERNS:
		return f->userns_remap == 1 ? "true" : f->userns_remap == 0 ? "false" : NULL;
	case DET_SOCKET:
		return f->socket_path;
	case DET_SOCKET_GROUP:
		if (f->socket_gid < 0)
			return NULL;
		snprintf(buf, size, "%ld", f->socket_gid);
		return buf;
	case DET_TCP_HOST:
		return f->tcp_host;
	case DET_TCP_PORT:
		/* the endpoint's daemon: its port too */
		if (!spec_is_set(s, OPT_TCP_HOST) && f->tcp_host && f->tcp_port > 0) {
			snprintf(buf, size, "%d", f->tcp_port);
			return buf;
		}
		return option_value_bool(OPT_TLS, s, f) == 1 ? "2376" : "2375";
	case DET_TLS: {
		char cb[24];
		return option_value(OPT_CERT_DIR, s, f, cb, sizeof(cb)) ? "true" : "false";
	}
	case DET_CERT_DIR:
		return f->cert_dir;
	case DET_USER:
		return f->user;
	case DET_SSH_AUTH:
		return f->ssh_auth_sock ? "agent" : "none";
	case DET_KNOWN_HOSTS:
		return f->known_hosts ? f->known_hosts : "none";
	case DET_WEB_PORT:
		if (f->web_port <= 0 || spec_minimal(s))
			return NULL;
		snprintf(buf, size, "127.0.0.1:%d:8080", f->web_port);
		return buf;
	}
	return NULL;
}

const char *option_detect_why(enum opt_id id, const struct spec *s, const struct facts *f)
{
	const struct mode *m = mode_get(s->mode);
	const char *out = NULL, *why = NULL;
	char buf[64];
	if (f && m && m->detect && m->detect(id, s, f, buf, sizeof(buf), &out, &why))
		return out ? NULL : why;
	return id == OPT_GROUP && f ? f->socket_gid_error : NULL;
}

const char *option_value(enum opt_id id, const struct spec *s, const struct facts *f, char *buf, size_t size)
{
	const struct option_def *d = option_get(id);
	if (s->val[id])
		return s->val[id];
	if (spec_minimal(s) && d && d->minimal_def)
		return d->minimal_def;
	const char *v = option_detected(id, s, f, buf, size);
	return v ? v : spec_get(s, id);
}

void option_value_keep(struct spec *s, const struct facts *f)
{
	char buf[32];
	const char *v;
	if (!spec_is_set(s, OPT_PUBLISH) && (v = option_detected(OPT_PUBLISH, s, f, buf, sizeof(buf))))
		spec_set(s, OPT_PUBLISH, v, NULL);
}

int option_value_bool(enum opt_id id, const struct spec *s, const struct facts *f)
{
	char buf[24];
	const char *v = option_value(id, s, f, buf, sizeof(buf));
	if (!v)
		return -1;
	return !strcmp(v, "true") ? 1 : !strcmp(v, "false") ? 0 : -1;
}
