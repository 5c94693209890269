/* checks_arch.c - the arch check (checks_internal.h): the workspace
 * image's platform against the daemon's, in every mode, before anything is
 * made.  The daemon's is /info's Architecture (the kernel's machine name,
 * normalised: x86_64 -> amd64) or /version's Arch; the image's is its
 * image inspect (Os, Architecture, Variant) when present, else what the
 * daemon reads in the image's registry for `docker pull` (/distribution:
 * every platform of a manifest list or image index, or a single
 * manifest's config).  It fails only on a certain mismatch; when either
 * side is unknown it is skipped with the reason.  checks_engine.c feeds
 * it; this file calls only checks_result.c. */
#include "checks_internal.h"
#include "base/jdoc.h"
#include "base/platform.h"

#include <stdlib.h>
#include <string.h>

/* The remedy for an image without the daemon's platform: pull that one
 * (PULL_HELPS: the image's registry may have it), or another image. */
static void remedy_for(struct strbuf *remedy, const char *image, const struct platform *daemon, int pull_helps)
{
	struct strbuf d = STRBUF_INIT;
	platform_format(daemon, &d);
	const char *an = strchr("aeiou", daemon->arch[0]) ? "an" : "a";
	if (pull_helps)
		strbuf_addf(remedy, "pull %s %s image: docker pull --platform %s %s, or choose an image built for %s "
				    "(--image REF)",
			    an, daemon->arch, d.buf, image, daemon->arch);
	else
		strbuf_addf(remedy, "choose an image built for %s (--image REF), or build one: docker buildx build "
				    "--platform %s",
			    daemon->arch, d.buf);
	strbuf_release(&d);
}

enum check_status check_arch_verdict(const char *image, const struct platform *image_plats, size_t n, int local,
				     const struct platform *daemon, struct strbuf *finding, struct strbuf *remedy)
{
	struct strbuf d = STRBUF_INIT, list = STRBUF_INIT;
	platform_format(daemon, &d);
	size_t same = n, compat = n;
	for (size_t i = 0; i < n; i++) {
		enum platform_match m = platform_match(&image_plats[i], daemon);
		if (m == PLATFORM_SAME && same == n)
			same = i;
		else if (m == PLATFORM_COMPATIBLE && compat == n)
			compat = i;
		if (i)
			strbuf_addstr(&list, ", ");
		platform_format(&image_plats[i], &list);
	}
	enum check_status st = CHECK_PASS;
	if (local && same < n) {
		strbuf_addf(finding, "%s is %s, as the daemon", image, list.buf);
	} else if (local && compat < n) {
		strbuf_addf(finding, "%s is %s; the daemon runs %s (it runs, as 32-bit)", image, list.buf, d.buf);
		st = CHECK_WARN;
	} else if (local) {
		strbuf_addf(finding, "%s is %s; the daemon runs %s", image, list.buf, d.buf);
		remedy_for(remedy, image, daemon, 1);
		st = CHECK_FAIL;
	} else if (same < n) {
		struct strbuf s = STRBUF_INIT;
		platform_format(&image_plats[same], &s);
		strbuf_addf(finding, "%s is not present; the registry has %s", image, s.buf);
		if (n > 1)
			strbuf_addf(finding, " (of %s)", list.buf);
		strbuf_release(&s);
	} else if (compat < n) {
		strbuf_addf(finding, "%s is %s in its registry; the daemon runs %s (it runs, as 32-bit)", image,
			    list.buf, d.buf);
		st = CHECK_WARN;
	} else {
		strbuf_addf(finding, "%s is %s in its registry, without %s; the daemon runs %s", image, list.buf,
			    d.buf, d.buf);
		remedy_for(remedy, image, daemon, 0);
		st = CHECK_FAIL;
	}
	strbuf_release(&d);
	strbuf_release(&list);
	return st;
}

static void arch_finish(struct checker *c)
{
	if (!ck_pending(c, CK_ARCH))
		return;
	if (c->arch_daemon_state < 0 || c->arch_image_state < 0) {
		ck_set(c, CK_ARCH, CHECK_SKIP, NULL, "cannot tell: %s", c->arch_why ? c->arch_why : "unknown");
		return;
	}
	if (!c->arch_daemon_state || !c->arch_image_state)
		return;
	const char *image = spec_get(&c->spec, OPT_IMAGE);
	struct strbuf f = STRBUF_INIT, r = STRBUF_INIT, s = STRBUF_INIT;
	enum check_status st = check_arch_verdict(image, c->arch_image, c->arch_nimage, c->arch_image_local,
						  &c->arch_daemon, &f, &r);
	platform_format(&c->arch_daemon, &s);
	ck_data(c, CK_ARCH, "daemon", "%s", s.buf);
	strbuf_clear(&s);
	for (size_t i = 0; i < c->arch_nimage; i++) {
		if (i)
			strbuf_addch(&s, ',');
		platform_format(&c->arch_image[i], &s);
	}
	ck_data(c, CK_ARCH, "image", "%s", s.buf);
	ck_data(c, CK_ARCH, "source", "%s", c->arch_image_local ? "local" : "registry");
	ck_set(c, CK_ARCH, st, r.len ? r.buf : NULL, "%s", f.buf);
	strbuf_release(&f);
	strbuf_release(&r);
	strbuf_release(&s);
}

/* Keeps the first reason a side is unknown. */
static void arch_unknown(struct checker *c, int *state, const char *why)
{
	*state = -1;
	if (!c->arch_why)
		c->arch_why = xstrdup(why && *why ? why : "unknown");
}

void ck_arch_daemon(struct checker *c, const char *os, const char *arch, const char *why)
{
	if (!c->wanted[CK_ARCH] || c->arch_daemon_state)
		return;
	if (!arch || !*arch)
		arch_unknown(c, &c->arch_daemon_state, why ? why : "the daemon does not say its architecture");
	else if (platform_set(&c->arch_daemon, os, arch, NULL))
		arch_unknown(c, &c->arch_daemon_state, "the daemon's architecture is no name ws-launch knows");
	else
		c->arch_daemon_state = 1;
	arch_finish(c);
}

static void on_version(struct engine_result *r, void *ctx)
{
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_ARCH);
	if (r->status != ENGINE_OK || !r->version)
		ck_arch_daemon(c, NULL, NULL, "the daemon did not answer /version");
	else
		ck_arch_daemon(c, r->version->os, r->version->arch, NULL);
}

void ck_arch_ask(struct checker *c)
{
	if (!c->wanted[CK_ARCH])
		return;
	if (!c->wanted[CK_IMAGE]) {
		ck_set(c, CK_ARCH, CHECK_SKIP, NULL, "the image is not checked");
		return;
	}
	if (!c->wants_info) /* else /info answers (checks_engine.c) */
		c->ids[OP_ARCH] = engine_version(c->net, &c->target, on_version, &c->ctx[OP_ARCH]);
}

/* One platform object of DOC (the image inspect's root, with capitalised
 * keys; a registry's entry, lowercase) into the image's list. */
static void add_platform(struct checker *c, const struct jdoc *doc, int node, int local)
{
	const char *os = jdoc_string(doc, jdoc_member(doc, node, local ? "Os" : "os"), NULL);
	const char *arch = jdoc_string(doc, jdoc_member(doc, node, local ? "Architecture" : "architecture"), NULL);
	const char *variant = jdoc_string(doc, jdoc_member(doc, node, local ? "Variant" : "variant"), NULL);
	/* buildx's attestation manifests are "unknown/unknown" */
	if (!arch || !strcmp(arch, "unknown") || c->arch_nimage >= ARCH_PLATFORMS_MAX)
		return;
	if (!platform_set(&c->arch_image[c->arch_nimage], os, arch, variant))
		c->arch_nimage++;
}

void ck_arch_image(struct checker *c, const struct jdoc *doc, int local, const char *why)
{
	if (!c->wanted[CK_ARCH] || c->arch_image_state)
		return;
	c->arch_image_local = local;
	c->arch_nimage = 0;
	if (doc && jdoc_type(doc, jdoc_root(doc)) == JDOC_OBJECT) {
		int root = jdoc_root(doc);
		if (local) {
			add_platform(c, doc, root, 1);
		} else {
			int plats = jdoc_member(doc, root, "Platforms");
			for (size_t i = 0; i < jdoc_count(doc, plats); i++)
				if (jdoc_type(doc, jdoc_at(doc, plats, i)) == JDOC_OBJECT)
					add_platform(c, doc, jdoc_at(doc, plats, i), 0);
		}
	}
	if (c->arch_nimage)
		c->arch_image_state = 1;
	else if (doc)
		arch_unknown(c, &c->arch_image_state,
			     local ? "the daemon's image inspect has no architecture"
				   : "the registry's manifest names no platform the daemon reports");
	else
		arch_unknown(c, &c->arch_image_state, why);
	arch_finish(c);
}
