/* test_platform.c - platform names (core/base/platform.c) and the arch
 * check's verdict and its words (check_arch_verdict, checks_arch.c):
 * the kernel's machine names become Go/OCI names, names from outside are
 * refused unless plain, what runs where, and the finding and remedy for a
 * local image and for a registry's list. */
#include "base/platform.h"
#include "checks/checks.h"
#include "t.h"

static const char *arch_of(const char *arch, const char *variant, char *v)
{
	const char *a = platform_arch(arch, variant, v);
	return a ? a : "(null)";
}

static struct platform plat(const char *os, const char *arch, const char *variant)
{
	struct platform p;
	CHECK(platform_set(&p, os, arch, variant) == 0);
	return p;
}

static const char *fmt(const struct platform *p, struct strbuf *sb)
{
	strbuf_clear(sb);
	platform_format(p, sb);
	return sb->buf;
}

int main(void)
{
	char v[PLATFORM_NAME_MAX];
	struct strbuf sb = STRBUF_INIT;

	/* 1. the daemon's /info Architecture (uname -m) to Go names */
	CHECK_STR(arch_of("x86_64", NULL, v), "amd64");
	CHECK_STR(v, "");
	CHECK_STR(arch_of("aarch64", NULL, v), "arm64");
	CHECK_STR(v, "");
	CHECK_STR(arch_of("armv7l", NULL, v), "arm");
	CHECK_STR(v, "v7");
	CHECK_STR(arch_of("armv6l", NULL, v), "arm");
	CHECK_STR(v, "v6");
	CHECK_STR(arch_of("i686", NULL, v), "386");
	CHECK_STR(arch_of("ppc64le", NULL, v), "ppc64le");
	CHECK_STR(arch_of("s390x", NULL, v), "s390x");
	CHECK_STR(arch_of("riscv64", NULL, v), "riscv64");
	CHECK(platform_arch(NULL, NULL, v) == NULL);
	CHECK(platform_arch("", NULL, v) == NULL);
	/* Go names and their variants as images and registries give them */
	CHECK_STR(arch_of("amd64", "v1", v), "amd64");
	CHECK_STR(v, "");
	CHECK_STR(arch_of("amd64", "v3", v), "amd64");
	CHECK_STR(v, "v3");
	CHECK_STR(arch_of("arm64", "v8", v), "arm64");
	CHECK_STR(v, "");
	CHECK_STR(arch_of("arm", NULL, v), "arm");
	CHECK_STR(v, "v7");
	CHECK_STR(arch_of("arm", "6", v), "arm");
	CHECK_STR(v, "v6");
	CHECK_STR(arch_of("armhf", NULL, v), "arm");
	CHECK_STR(v, "v7");

	/* 2. platform_set: os defaults to linux, names lowercased, odd ones refused */
	struct platform p = plat(NULL, "x86_64", NULL);
	CHECK_STR(fmt(&p, &sb), "linux/amd64");
	p = plat("Linux", "AARCH64", "v8");
	CHECK_STR(fmt(&p, &sb), "linux/arm64");
	p = plat("linux", "arm", "v7");
	CHECK_STR(fmt(&p, &sb), "linux/arm/v7");
	p = plat("windows", "amd64", "");
	CHECK_STR(fmt(&p, &sb), "windows/amd64");
	struct platform q;
	CHECK(platform_set(&q, "linux", "", NULL) == -1);
	CHECK(platform_set(&q, "linux", NULL, NULL) == -1);
	CHECK(platform_set(&q, "linux", "amd64\x1b[31m", NULL) == -1);
	CHECK(platform_set(&q, "li/nux", "amd64", NULL) == -1);
	CHECK(platform_set(&q, "linux", "amd64", "v 7") == -1);
	CHECK(platform_set(&q, "linux", "a-very-long-architecture-name-indeed", NULL) == -1);
	CHECK_STR(q.arch, "");

	/* 3. what runs where */
	struct platform amd = plat("linux", "x86_64", NULL), arm64 = plat("linux", "aarch64", NULL);
	struct platform arm7 = plat("linux", "armv7l", NULL), arm6 = plat("linux", "arm", "v6");
	struct platform i386 = plat("linux", "386", NULL), win = plat("windows", "amd64", NULL);
	CHECK_INT(platform_match(&amd, &amd), PLATFORM_SAME);
	CHECK_INT(platform_match(&arm64, &amd), PLATFORM_OTHER);
	CHECK_INT(platform_match(&amd, &arm64), PLATFORM_OTHER);
	CHECK_INT(platform_match(&i386, &amd), PLATFORM_COMPATIBLE);
	CHECK_INT(platform_match(&amd, &i386), PLATFORM_OTHER);
	CHECK_INT(platform_match(&arm7, &arm64), PLATFORM_COMPATIBLE);
	CHECK_INT(platform_match(&arm6, &arm7), PLATFORM_SAME);   /* an older variant runs */
	CHECK_INT(platform_match(&arm7, &arm6), PLATFORM_OTHER);
	CHECK_INT(platform_match(&win, &amd), PLATFORM_OTHER);

	/* 4. the verdict: a local image */
	const char *img = "ghcr.io/kloudkit/workspace:v0.0.21";
	struct strbuf f = STRBUF_INIT, r = STRBUF_INIT;
	CHECK_INT(check_arch_verdict(img, &arm64, 1, 1, &amd, &f, &r), CHECK_FAIL);
	CHECK_STR(f.buf, "ghcr.io/kloudkit/workspace:v0.0.21 is linux/arm64; the daemon runs linux/amd64");
	CHECK_STR(r.buf, "pull an amd64 image: docker pull --platform linux/amd64 ghcr.io/kloudkit/workspace:v0.0.21, "
			 "or choose an image built for amd64 (--image REF)");
	strbuf_clear(&f);
	strbuf_clear(&r);
	CHECK_INT(check_arch_verdict(img, &amd, 1, 1, &amd, &f, &r), CHECK_PASS);
	CHECK_STR(f.buf, "ghcr.io/kloudkit/workspace:v0.0.21 is linux/amd64, as the daemon");
	CHECK_INT(r.len, 0);
	strbuf_clear(&f);
	CHECK_INT(check_arch_verdict(img, &amd, 1, 1, &arm64, &f, &r), CHECK_FAIL);
	CHECK_STR(f.buf, "ghcr.io/kloudkit/workspace:v0.0.21 is linux/amd64; the daemon runs linux/arm64");
	CHECK_CONTAINS(r.buf, "pull an arm64 image: docker pull --platform linux/arm64 ");
	strbuf_clear(&f);
	strbuf_clear(&r);
	CHECK_INT(check_arch_verdict(img, &i386, 1, 1, &amd, &f, &r), CHECK_WARN);
	CHECK_CONTAINS(f.buf, "is linux/386; the daemon runs linux/amd64 (it runs, as 32-bit)");
	strbuf_clear(&f);

	/* 5. the verdict: the registry's list */
	struct platform both[] = { arm64, amd };
	CHECK_INT(check_arch_verdict(img, both, 2, 0, &amd, &f, &r), CHECK_PASS);
	CHECK_STR(f.buf, "ghcr.io/kloudkit/workspace:v0.0.21 is not present; the registry has linux/amd64 "
			 "(of linux/arm64, linux/amd64)");
	CHECK_INT(r.len, 0);
	strbuf_clear(&f);
	CHECK_INT(check_arch_verdict(img, &amd, 1, 0, &amd, &f, &r), CHECK_PASS);
	CHECK_STR(f.buf, "ghcr.io/kloudkit/workspace:v0.0.21 is not present; the registry has linux/amd64");
	strbuf_clear(&f);
	struct platform arms[] = { arm64, arm7 };
	CHECK_INT(check_arch_verdict(img, arms, 2, 0, &amd, &f, &r), CHECK_FAIL);
	CHECK_STR(f.buf, "ghcr.io/kloudkit/workspace:v0.0.21 is linux/arm64, linux/arm/v7 in its registry, without "
			 "linux/amd64; the daemon runs linux/amd64");
	CHECK_STR(r.buf, "choose an image built for amd64 (--image REF), or build one: docker buildx build --platform "
			 "linux/amd64");
	strbuf_clear(&f);
	strbuf_clear(&r);
	CHECK_INT(check_arch_verdict(img, arms, 2, 0, &arm64, &f, &r), CHECK_PASS); /* the first match named */
	CHECK_STR(f.buf, "ghcr.io/kloudkit/workspace:v0.0.21 is not present; the registry has linux/arm64 "
			 "(of linux/arm64, linux/arm/v7)");
	strbuf_clear(&f);
	CHECK_INT(check_arch_verdict(img, &arm7, 1, 0, &arm64, &f, &r), CHECK_WARN);
	CHECK_CONTAINS(f.buf, "is linux/arm/v7 in its registry; the daemon runs linux/arm64 (it runs, as 32-bit)");

	strbuf_release(&f);
	strbuf_release(&r);
	strbuf_release(&sb);
	return t_done("test_platform");
}
