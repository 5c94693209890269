/* platform.h - an image's or a daemon's OS and architecture, spelt as Go
 * and OCI spell them ("linux/amd64", "linux/arm/v7"), whatever reported it:
 * a daemon's /info Architecture is the kernel's machine name (uname -m:
 * x86_64, aarch64, armv7l), its /version Arch, an image's config and a
 * registry's manifest list already use Go names (amd64, arm64, arm + v7).
 * The rules follow containerd's platforms.Normalize.
 *
 * A struct platform is a value (fixed buffers, nothing to release).  Names
 * from outside are lowercased and must be [a-z0-9._-] and short;
 * platform_set() refuses the rest, so a platform is always safe to print. */
#ifndef WS_PLATFORM_H
#define WS_PLATFORM_H

#include "strbuf.h"

#define PLATFORM_NAME_MAX 32

struct platform {
	char os[PLATFORM_NAME_MAX];       /* "linux" */
	char arch[PLATFORM_NAME_MAX];     /* "amd64", "arm64", "arm" */
	char variant[PLATFORM_NAME_MAX];  /* "v7", "" when none */
};

/* The Go/OCI name of ARCH with VARIANT (either may be NULL or ""), the
 * variant in VARIANT_OUT (PLATFORM_NAME_MAX bytes): x86_64 -> amd64,
 * aarch64 -> arm64 (v8 dropped), armv7l/armhf -> arm v7, armv6l/armel ->
 * arm v6, i386..i686 -> 386; a Go name stays as it is.  The result is a
 * static string, or ARCH itself when it is no name we rewrite; NULL for
 * NULL or "". */
const char *platform_arch(const char *arch, const char *variant, char *variant_out);

/* Sets P from OS (NULL or "": "linux"), ARCH and VARIANT as a daemon or a
 * registry gave them, normalised.  -1 (P empty) when ARCH is missing, a
 * name is too long or has other characters than [A-Za-z0-9._-]. */
int platform_set(struct platform *p, const char *os, const char *arch, const char *variant);

/* Appends "os/arch" or "os/arch/variant" to SB. */
void platform_format(const struct platform *p, struct strbuf *sb);

enum platform_match {
	PLATFORM_OTHER,       /* the daemon cannot run it natively */
	PLATFORM_SAME,        /* same OS and architecture (an older arm variant too) */
	PLATFORM_COMPATIBLE,  /* 32-bit on its 64-bit kin: 386 on amd64, arm on arm64 */
};

/* How an image built for IMAGE runs on a daemon of DAEMON. */
enum platform_match platform_match(const struct platform *image, const struct platform *daemon);

#endif
