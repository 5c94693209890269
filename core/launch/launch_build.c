/* launch_build.c - spec + facts → launch model: the flags every mode shares
 * around the mode's own build function. */
#include "launch_build.h"
#include "web_port.h"
#include "launch_digest.h"
#include "limits.h"
#include "option_value.h"
#include "modes.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "wsenv.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static int is_loopback(const char *bind)
{
	if (!bind[0])
		return 0;
	if (!strncmp(bind, "127.", 4) || !strcmp(bind, "[::1]") || !strcmp(bind, "::1"))
		return 1;
	return 0;
}

static int has_password(const struct spec *s)
{
	return !spec_is_none(s, OPT_ENV_FILE) || spec_env_get(s, "WS_AUTH_PASSWORD") ||
	       spec_env_get(s, "WS_AUTH_PASSWORD_HASHED") ||
	       (spec_env_get(s, "WS_AUTH_MODE") && !strcmp(spec_env_get(s, "WS_AUTH_MODE"), "oidc"));
}

static void env_warnings(const struct spec *s, struct launch *l)
{
	for (size_t i = 0; i < s->env.n; i++) {
		const char *kv = s->env.v[i];
		size_t n = strcspn(kv, "=");
		char *name = xstrndup(kv, n);
		const char *repl;
		switch (wsenv_lookup(name, &repl)) {
		case WSENV_DEPRECATED:
			strvec_pushf(&l->warnings, "%s was renamed to %s", name, repl);
			break;
		case WSENV_UNKNOWN:
			strvec_pushf(&l->warnings, "%s is not a variable the workspace knows", name);
			break;
		default:
			break;
		}
		if (!kv[n] && !getenv(name))
			strvec_pushf(&l->warnings, "%s passes through from the environment, where it is not "
						   "set: the workspace will not have it",
				     name);
		if (kv[n] && (!strcmp(name, "WS_AUTH_PASSWORD") || !strcmp(name, "WS_AUTH_PASSWORD_HASHED")))
			strvec_pushf(&l->warnings, "%s given with --env shows in `ps` and in the printed "
						   "command; put it in a file passed with --env-file",
				     name);
		free(name);
	}
}

/* The objects named after a launch other than the default (spec_get). */
static void names_note(const struct spec *s, struct launch *l)
{
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		/* given or defaulted alike: a saved profile plans the same */
		if (!s->derived[i] || strcmp(spec_get(s, d->id), s->derived[i]) || !option_applies(d, s->mode) ||
		    spec_minimal(s))
			continue;
		strbuf_addf(&sb, "%s%s %s", sb.len ? ", " : "", d->label, s->derived[i]);
	}
	if (sb.len)
		strvec_pushf(&l->notes, "named after the launch %s: %s", spec_get(s, OPT_NAME), sb.buf);
	strbuf_release(&sb);
}

int launch_build(const struct spec *s, const struct facts *f, struct launch *l, struct err *e)
{
	char chosen_pub[32];
	if (!spec_is_set(s, OPT_PUBLISH) &&
	    option_detected(OPT_PUBLISH, s, f, chosen_pub, sizeof(chosen_pub))) {
		/* The web port chosen for this launch (facts.web_port) shapes it
		 * as if given: argv, labels and digest agree. */
		struct spec chosen;
		spec_init(&chosen);
		spec_copy(&chosen, s);
		int rc = spec_set(&chosen, OPT_PUBLISH, chosen_pub, e) ? -1 : launch_build(&chosen, f, l, e);
		if (!rc)
			strvec_pushf(&l->notes, "web port %d: the launch's own, else the first free from %d "
						"(--port chooses one)", f->web_port, web_port_first());
		spec_release(&chosen);
		return rc;
	}
	launch_init(l);
	const struct mode *m = mode_get(s->mode);
	if (!m)
		return err_set(e, "no mode chosen (one of %s)", mode_names());
	struct mode_ctx ctx = { .spec = s, .facts = f, .minimal = spec_minimal(s) };
	l->mode = mode_id_of(m);
	l->minimal = ctx.minimal;

	const char *name = spec_is_none(s, OPT_NAME) ? NULL : spec_get(s, OPT_NAME);
	if (!ctx.minimal && name)
		l->label = xstrdup(name);
	struct container *ws = launch_add_container(l, ROLE_WORKSPACE, name, spec_get(s, OPT_IMAGE));

	if (spec_bool(s, OPT_DETACH) == 1)
		container_add(ws, RK_DETACH, NULL, NULL);
	if (name)
		container_add(ws, RK_NAME, name, NULL);
	struct publish pub = { .bind = "" };
	int published = !spec_is_none(s, OPT_PUBLISH);
	if (published) {
		publish_parse(spec_get(s, OPT_PUBLISH), &pub, NULL);
		container_add(ws, RK_PUBLISH, spec_get(s, OPT_PUBLISH), NULL);
	}
	if (!m->places_volume && !spec_is_none(s, OPT_VOLUME)) {
		const char *vol = spec_get(s, OPT_VOLUME);
		container_add_mount(ws, vol, "/workspace", 0, MNT_WORKSPACE);
		if (vol[0] != '/')
			launch_add_volume(l, vol, VOL_WORKSPACE);
	}

	if (m->build(&ctx, l, ws, e)) {
		launch_release(l);
		return -1;
	}

	/* Extra env after the mode's, refusing to override what the mode sets. */
	for (size_t i = 0; i < s->env.n; i++) {
		const char *kv = s->env.v[i];
		size_t n = strcspn(kv, "=");
		char *nm = xstrndup(kv, n);
		if (container_find(ws, RK_ENV, nm)) {
			err_set(e, "env %s: set by mode %s; use the mode's options instead", nm, m->name);
			free(nm);
			launch_release(l);
			return -1;
		}
		container_add_env(ws, nm, kv[n] ? kv + n + 1 : NULL);
		free(nm);
	}
	if (!spec_is_none(s, OPT_ENV_FILE))
		container_add(ws, RK_ENV_FILE, spec_get(s, OPT_ENV_FILE), NULL);
	for (size_t i = 0; i < l->ncontainers; i++)
		limits_add(l->containers[i], s);

	if (l->label) {
		struct strbuf norm = STRBUF_INIT;
		char digest[LAUNCH_DIGEST_HEX + 1];
		launch_normalise(s, &norm);
		launch_digest(norm.buf, digest);
		l->digest = xstrdup(digest);
		l->options = strbuf_detach(&norm, NULL);
		/* Each goes right after --name: inserted last label first.  Every
		 * container carries the options: whichever a relaunch meets
		 * first can say what changed. */
		for (size_t i = 0; i < l->ncontainers; i++) {
			struct container *c = l->containers[i];
			container_insert_after(c, RK_NAME, RK_LABEL, LABEL_OPTIONS, l->options);
			container_insert_after(c, RK_NAME, RK_LABEL, LABEL_DIGEST, l->digest);
			container_insert_after(c, RK_NAME, RK_LABEL, LABEL_MODE, m->name);
			container_insert_after(c, RK_NAME, RK_LABEL, LABEL_LAUNCH, l->label);
		}
	}

	const char *pull = spec_get(s, OPT_PULL);
	/* --pull never holds for `docker run` too, which would otherwise pull
	 * a missing image on its own (not in the docs form, which is the
	 * Kloud page's argv). */
	if (!strcmp(pull, "never") && !ctx.minimal)
		for (size_t i = 0; i < l->ncontainers; i++)
			container_add(l->containers[i], RK_PULL, "never", NULL);
	l->pull_policy = !strcmp(pull, "always") ? "always" : !strcmp(pull, "never") ? "never" : "if_not_present";
	if (!strcmp(pull, "always") || (!strcmp(pull, "auto") && !(f && f->image_present == 1)))
		strvec_push(&l->pulls, spec_get(s, OPT_IMAGE));

	names_note(s, l);
	env_warnings(s, l);
	if (published && !is_loopback(pub.bind) && !has_password(s))
		strvec_pushf(&l->warnings, "port %d is published on %s without a password: whoever "
					   "reaches it controls the workspace%s",
			     pub.host_port, pub.bind[0] ? pub.bind : "all interfaces",
			     l->mode == MODE_SOCKET || l->mode == MODE_PRIVILEGED ? " and this host" : "");
	const char *sport = spec_env_get(s, "WS_SERVER_PORT");
	long sp;
	if (published && sport && !parse_long(sport, 1, 65535, &sp, NULL) && sp != pub.container_port)
		strvec_pushf(&l->warnings, "WS_SERVER_PORT is %s but the published container port is %d",
			     sport, pub.container_port);
	return 0;
}
