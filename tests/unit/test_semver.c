/* test_semver.c - release tags: parsing, numeric ordering, picking the
 * newest, and the registry URL/path mapping that goes with them. */
#include "base/imageref.h"
#include "engine/registry.h"
#include "t.h"

static void test_parse(void)
{
	struct semver v;
	CHECK_INT(registry_semver_parse(NULL, &v), -1);
	CHECK_INT(registry_semver_parse("v0.0.21", &v), 0);
	CHECK_INT(v.major, 0);
	CHECK_INT(v.minor, 0);
	CHECK_INT(v.patch, 21);
	CHECK_INT(registry_semver_parse("1.2.3", &v), 0);
	CHECK_INT(v.major, 1);
	CHECK_INT(registry_semver_parse("v10.20.30", &v), 0);
	CHECK_INT(v.minor, 20);
	CHECK_INT(v.patch, 30);
	CHECK_INT(registry_semver_parse("999999999.0.0", &v), 0);
	CHECK_INT(registry_semver_parse("0.0.0", NULL), 0);

	const char *refused[] = {
		"", "v", "latest", "tests", "1", "1.2", "v1.2", "1.2.3.4", "v1.2.3-rc1", "1.2.3+build",
		"1.2.3-alpha.1", "V1.2.3", "vv1.2.3", "01.2.3", "1.02.3", "1.2.03", "1..3", ".1.2",
		"1.2.", "-1.2.3", "1.-2.3", " 1.2.3", "1.2.3 ", "1.2.3\n", "1.2.x", "1000000000.0.0",
		"0x1.2.3", "1,2,3", "sha256-abc",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (registry_semver_parse(refused[i], &v) != -1)
			fprintf(stderr, "accepted: '%s'\n", refused[i]);
		CHECK_INT(registry_semver_parse(refused[i], &v), -1);
	}
}

static int cmp(const char *a, const char *b)
{
	struct semver x, y;
	if (registry_semver_parse(a, &x) || registry_semver_parse(b, &y))
		return 99;
	return registry_semver_cmp(&x, &y);
}

static void test_cmp(void)
{
	CHECK(cmp("v0.10.2", "v0.9.9") > 0);
	CHECK(cmp("v0.9.9", "v0.10.2") < 0);
	CHECK(cmp("v1.0.0", "v0.99.99") > 0);
	CHECK(cmp("v0.0.22", "v0.0.21") > 0);
	CHECK(cmp("v0.0.100", "v0.0.21") > 0);   /* numeric, not lexical */
	CHECK(cmp("2.0.0", "v10.0.0") < 0);
	CHECK_INT(cmp("v1.2.3", "1.2.3"), 0);
	CHECK_INT(cmp("0.0.0", "0.0.0"), 0);
	CHECK(cmp("v0.1.0", "v0.0.999") > 0);
}

static void test_newest(void)
{
	const char *tags[] = { "latest", "v0.0.21", "v0.9.9", "v0.10.2", "v0.10.2-rc1", "tests",
			       "v0.4.0", "0.10.1", "v0.10.10", "sha-1234567", NULL };
	size_t n = sizeof(tags) / sizeof(tags[0]);
	CHECK_STR(registry_newest_tag(tags, n), "v0.10.10");
	CHECK_STR(registry_newest_tag(tags, 4), "v0.10.2");
	CHECK(registry_newest_tag(tags, 1) == NULL);
	CHECK(registry_newest_tag(tags, 0) == NULL);
	CHECK(registry_newest_tag(NULL, 0) == NULL);

	/* the "v" spelling wins a tie, whatever the order */
	const char *tie1[] = { "1.2.3", "v1.2.3" };
	const char *tie2[] = { "v1.2.3", "1.2.3" };
	CHECK_STR(registry_newest_tag(tie1, 2), "v1.2.3");
	CHECK_STR(registry_newest_tag(tie2, 2), "v1.2.3");
	const char *only_plain[] = { "1.2.3", "1.2.4", "latest" };
	CHECK_STR(registry_newest_tag(only_plain, 3), "1.2.4");
	const char *none[] = { "latest", "edge", "v1.2.3-beta" };
	CHECK(registry_newest_tag(none, 3) == NULL);
}

static void test_urls(void)
{
	struct {
		const char *image, *base, *path;
	} cases[] = {
		{ "ghcr.io/kloudkit/workspace:v0.0.21", "https://ghcr.io", "kloudkit/workspace" },
		{ "docker:dind", "https://registry-1.docker.io", "library/docker" },
		{ "docker.io/docker", "https://registry-1.docker.io", "library/docker" },
		{ "nestybox/sysbox", "https://registry-1.docker.io", "nestybox/sysbox" },
		{ "index.docker.io/library/ubuntu", "https://registry-1.docker.io", "library/ubuntu" },
		{ "localhost:5000/team/ws", "http://localhost:5000", "team/ws" },
		{ "127.0.0.1:5000/ws", "http://127.0.0.1:5000", "ws" },
		{ "registry.example:8443/a/b/c@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		  "https://registry.example:8443", "a/b/c" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct imageref ref;
		struct err e;
		if (imageref_parse(cases[i].image, &ref, &e)) {
			fprintf(stderr, "%s: %s\n", cases[i].image, e.msg);
			CHECK(0);
			continue;
		}
		char *b = registry_base_url(&ref), *p = registry_repo_path(&ref);
		CHECK_STR(b, cases[i].base);
		CHECK_STR(p, cases[i].path);
		free(b);
		free(p);
		imageref_release(&ref);
	}
}

int main(void)
{
	test_parse();
	test_cmp();
	test_newest();
	test_urls();
	return t_done("test_semver");
}
