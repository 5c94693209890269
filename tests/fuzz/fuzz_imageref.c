/* fuzz_imageref.c - image references (imageref_parse, validate_image).
 *
 * Input: one reference (bytes up to the first NUL).  Properties: an error
 * is one line and leaves the struct empty; validate_image agrees with
 * imageref_parse; a parsed reference has a domain and a path made only of
 * the grammar's characters, and its canonical form DOMAIN/PATH[:TAG][@DIGEST]
 * parses back to the same four parts (normalisation is idempotent). */
#include "fuzz.h"
#include "base/imageref.h"
#include "base/strbuf.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int only(const char *s, const char *set)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || strchr(set, *s)))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct imageref r, again;
	struct err e;
	int rc = imageref_parse(s, &r, &e);
	FUZZ_CHECK((validate_image(s, NULL) == 0) == (rc == 0), "validate_image disagrees on [%s]", s);
	if (rc) {
		FUZZ_CHECK(fuzz_one_line(e.msg), "error is not one line: %s", e.msg);
		FUZZ_CHECK(!r.domain && !r.path && !r.tag && !r.digest, "failed parse left fields set");
		free(s);
		return 0;
	}
	FUZZ_CHECK(r.domain && *r.domain && r.path && *r.path, "[%s]: no domain or path", s);
	FUZZ_CHECK(only(r.path, "._-/"), "[%s]: path %s", s, r.path);
	FUZZ_CHECK(!r.tag || (*r.tag && strlen(r.tag) <= 128), "[%s]: tag", s);

	struct strbuf canon = STRBUF_INIT;
	strbuf_addf(&canon, "%s/%s", r.domain, r.path);
	if (r.tag)
		strbuf_addf(&canon, ":%s", r.tag);
	if (r.digest)
		strbuf_addf(&canon, "@%s", r.digest);
	FUZZ_CHECK(!imageref_parse(canon.buf, &again, &e), "[%s]: canonical form %s does not parse: %s", s,
		   canon.buf, e.msg);
	FUZZ_CHECK(same(r.domain, again.domain) && same(r.path, again.path) && same(r.tag, again.tag) &&
		   same(r.digest, again.digest),
		   "[%s]: canonical form %s parses as %s / %s", s, canon.buf, again.domain, again.path);
	imageref_release(&again);
	imageref_release(&r);
	FUZZ_CHECK(!r.domain && !r.path, "imageref_release left pointers");
	strbuf_release(&canon);
	free(s);
	return 0;
}
