/* fuzz_profile.c - the profile loader (profile_parse), docs/ARCHITECTURE.md "Profiles and themes".
 *
 * Input: the bytes of a profile file.  Properties:
 *  - an error is one line (no control characters), names the file and
 *    leaves the output spec untouched;
 *  - a profile that loads has a mode, formats (profile_format), and the
 *    formatted text loads back to the same effective options and env;
 *  - both specs plan identically (same rendered commands or the same
 *    error): saving a profile never changes what it launches. */
#include "fuzz.h"
#include "launch/plan.h"
#include "launch/profile.h"
#include "render/render.h"
#include "base/strbuf.h"

/* The plan of S as text: the shell form or "error: ...". */
static void plan_text(const struct spec *s, const struct facts *f, struct strbuf *out)
{
	struct plan p;
	struct err e;
	plan_init(&p);
	if (plan_build(&p, s, f, &e)) {
		strbuf_addf(out, "error: %s", e.msg);
		FUZZ_CHECK(fuzz_one_line(e.msg), "plan error is not one line: %s", e.msg);
	} else {
		render_shell(out, &p);
		render_json(out, &p);
	}
	plan_release(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spec s, s2;
	struct err e;
	spec_init(&s);
	spec_set(&s, OPT_IMAGE, "sentinel.example/untouched:1", NULL);
	if (profile_parse((const char *)data, size, "fuzz.yaml", &s, &e)) {
		FUZZ_CHECK(!strncmp(e.msg, "fuzz.yaml", 9), "error does not name the file: %s", e.msg);
		FUZZ_CHECK(fuzz_one_line(e.msg), "error is not one line: %s", e.msg);
		FUZZ_CHECK(s.mode == MODE_NONE && s.val[OPT_IMAGE] &&
			   !strcmp(s.val[OPT_IMAGE], "sentinel.example/untouched:1") && !s.env.n,
			   "a failed load changed the output spec");
		spec_release(&s);
		return 0;
	}
	FUZZ_CHECK(s.mode > MODE_NONE && s.mode < MODE__COUNT, "loaded profile has mode %d", s.mode);

	struct strbuf text = STRBUF_INIT;
	FUZZ_CHECK(!profile_format(&s, &text, &e), "a loaded profile does not format: %s", e.msg);
	spec_init(&s2);
	FUZZ_CHECK(!profile_parse(text.buf, text.len, "again.yaml", &s2, &e),
		   "a formatted profile does not load back: %s\n--- text\n%s", e.msg, text.buf);
	FUZZ_CHECK(s2.mode == s.mode, "mode changed across save/load");
	for (int i = 0; i < OPT__COUNT; i++) {
		if (!option_applies(&option_table[i], s.mode))
			continue;
		const char *a = spec_get(&s, (enum opt_id)i), *b = spec_get(&s2, (enum opt_id)i);
		FUZZ_CHECK((!a && !b) || (a && b && !strcmp(a, b)),
			   "option %s changed across save/load: [%s] -> [%s]\n--- text\n%s",
			   option_table[i].key, a ? a : "(auto)", b ? b : "(auto)", text.buf);
	}
	FUZZ_CHECK(strvec_equal(&s.env, &s2.env), "env changed across save/load\n--- text\n%s", text.buf);

	struct facts f;
	struct strbuf p1 = STRBUF_INIT, p2 = STRBUF_INIT;
	fuzz_fixed_facts(&f, 0, 1);
	plan_text(&s, &f, &p1);
	plan_text(&s2, &f, &p2);
	FUZZ_CHECK(p1.len == p2.len && !memcmp(p1.buf, p2.buf, p1.len),
		   "the reloaded profile plans differently\n--- before\n%s\n--- after\n%s", p1.buf, p2.buf);
	facts_release(&f);
	strbuf_release(&p1);
	strbuf_release(&p2);
	strbuf_release(&text);
	spec_release(&s);
	spec_release(&s2);
	return 0;
}
