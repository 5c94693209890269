/* test_launch_digest.c - the normalised launch, its digest, the diff, and
 * the labels every object of a plan carries (launch_digest.h). */
#include "launch/launch_build.h"
#include "launch/launch_digest.h"
#include "launch/plan.h"
#include "t.h"

static char *digest_of(const struct spec *s)
{
	struct strbuf n = STRBUF_INIT;
	char d[LAUNCH_DIGEST_HEX + 1];
	launch_normalise(s, &n);
	launch_digest(n.buf, d);
	strbuf_release(&n);
	return xstrdup(d);
}

static int argv_has(const struct strvec *v, const char *a, const char *b)
{
	for (size_t i = 0; i + 1 < v->n; i++)
		if (!strcmp(v->v[i], a) && !strcmp(v->v[i + 1], b))
			return 1;
	return 0;
}

int main(void)
{
	struct err e;
	char hex[65];
	sha256_hex("abc", 3, hex);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	struct spec a, b;
	spec_init(&a);
	spec_init(&b);
	a.mode = b.mode = MODE_SOCKET;
	spec_set(&a, OPT_GROUP, "998", &e);
	spec_set(&b, OPT_GROUP, "998", &e);
	char *da = digest_of(&a), *db = digest_of(&b);
	CHECK_STR(da, db);
	CHECK_INT(strlen(da), LAUNCH_DIGEST_HEX);
	free(db);
	/* What does not shape the objects does not change the digest. */
	spec_set(&b, OPT_PULL, "always", &e);
	spec_set(&b, OPT_DETACH, "false", &e);
	db = digest_of(&b);
	CHECK_STR(da, db);
	free(db);

	/* A changed option changes it, and the diff names it with both values. */
	spec_set_publish_port(&b, "9000", &e);
	db = digest_of(&b);
	CHECK(strcmp(da, db) != 0);
	struct strbuf na = STRBUF_INIT, nb = STRBUF_INIT;
	launch_normalise(&a, &na);
	launch_normalise(&b, &nb);
	struct strvec diff = STRVEC_INIT;
	launch_diff(na.buf, nb.buf, &diff);
	CHECK_INT(diff.n, 1);
	CHECK_STR(diff.v[0], "publish 127.0.0.1:8080:8080 -> 127.0.0.1:9000:8080");
	strvec_clear(&diff);
	launch_diff(na.buf, na.buf, &diff);
	CHECK_INT(diff.n, 0);

	/* A resource limit is a change; unset, it is not in the line at all
	 * (launches made before the limits existed keep their digest). */
	CHECK(strstr(na.buf, "memory=") == NULL);
	CHECK(strstr(na.buf, "cpus=") == NULL);
	{
		struct spec m;
		spec_init(&m);
		spec_copy(&m, &a);
		CHECK(spec_set(&m, OPT_MEMORY, "2g", &e) == 0);
		char *dm = digest_of(&m);
		CHECK(strcmp(da, dm) != 0);
		struct strbuf nm = STRBUF_INIT;
		launch_normalise(&m, &nm);
		strvec_clear(&diff);
		launch_diff(na.buf, nm.buf, &diff);
		CHECK_INT(diff.n, 1);
		if (diff.n == 1)
			CHECK_STR(diff.v[0], "memory (none) -> 2g");
		strvec_clear(&diff);
		strbuf_release(&nm);
		free(dm);
		spec_release(&m);
	}

	/* Env values are hashed, never written; spaces survive the round trip. */
	spec_env_set(&b, "WS_AUTH_PASSWORD=hunter2", &e);
	spec_set(&b, OPT_VOLUME, "/srv/my ws", &e);
	strbuf_clear(&nb);
	launch_normalise(&b, &nb);
	CHECK(strstr(nb.buf, "hunter2") == NULL);
	CHECK_CONTAINS(nb.buf, "env.WS_AUTH_PASSWORD=sha256:");
	CHECK_CONTAINS(nb.buf, "volume=/srv/my%20ws");
	strvec_clear(&diff);
	launch_diff(na.buf, nb.buf, &diff);
	CHECK_INT(diff.n, 3);
	CHECK_STR(diff.v[0], "publish 127.0.0.1:8080:8080 -> 127.0.0.1:9000:8080");
	CHECK_STR(diff.v[1], "volume workspace -> /srv/my ws");
	CHECK_STR(diff.v[2], "env.WS_AUTH_PASSWORD added");
	strvec_clear(&diff);
	launch_diff(nb.buf, na.buf, &diff);
	CHECK_STR(diff.v[diff.n - 1], "env.WS_AUTH_PASSWORD removed");
	/* Another mode is a change of mode and of the options it brings. */
	struct spec c;
	spec_init(&c);
	c.mode = MODE_SYSBOX;
	struct strbuf nc = STRBUF_INIT;
	launch_normalise(&c, &nc);
	strvec_clear(&diff);
	launch_diff(na.buf, nc.buf, &diff);
	CHECK_STR(diff.v[0], "mode socket -> sysbox");
	CHECK_STR(diff.v[diff.n - 1], "socket.group 998 -> (none)");

	/* Every object of a labelled plan carries launch, mode and digest; the
	 * workspace also the normalised launch. */
	struct spec d;
	struct facts f;
	struct plan p;
	spec_init(&d);
	facts_init(&f);
	d.mode = MODE_DIND;
	CHECK(plan_build(&p, &d, &f, &e) == 0);
	char *dd = digest_of(&d);
	CHECK_STR(p.digest, dd);
	char *want = xasprintf("%s=%s", LABEL_DIGEST, dd);
	for (size_t i = 0; i < p.n; i++) {
		if (p.steps[i].kind == STEP_PULL)
			continue;
		CHECK(argv_has(&p.steps[i].argv, "--label", want));
		CHECK(argv_has(&p.steps[i].argv, "--label", LABEL_MODE "=dind"));
		CHECK(argv_has(&p.steps[i].argv, "--label", LABEL_LAUNCH "=workspace"));
	}
	char *opts = xasprintf("%s=%s", LABEL_OPTIONS, p.options);
	CHECK(argv_has(&p.steps[p.n - 1].argv, "--label", opts));
	CHECK_CONTAINS(p.options, "mode=dind ");
	plan_release(&p);
	/* --minimal (the docs form) has no labels at all. */
	spec_set(&d, OPT_MINIMAL, "true", &e);
	CHECK(plan_build(&p, &d, &f, &e) == 0);
	CHECK(p.digest == NULL && p.options == NULL);
	plan_release(&p);

	free(opts);
	free(want);
	free(dd);
	free(da);
	free(db);
	strvec_release(&diff);
	strbuf_release(&na);
	strbuf_release(&nb);
	strbuf_release(&nc);
	spec_release(&a);
	spec_release(&b);
	spec_release(&c);
	spec_release(&d);
	facts_release(&f);
	return t_done("test_launch_digest");
}
