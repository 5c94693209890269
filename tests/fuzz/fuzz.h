/* fuzz.h - helpers shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * Each harness defines LLVMFuzzerTestOneInput() (and optionally
 * LLVMFuzzerInitialize()).  It is linked either with libFuzzer (clang,
 * -fsanitize=fuzzer; WS_FUZZ=ON) or with replay.c, a plain main() that feeds
 * it the committed corpus, so every build replays tests/fuzz/corpus/.
 *
 * FUZZ_CHECK(cond, fmt, ...) states a property: when it does not hold the
 * harness prints what and abort()s, which libFuzzer reports as a crash and
 * saves the input.  Checks survive NDEBUG. */
#ifndef WS_FUZZ_H
#define WS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: property failed: %s\n  ", __FILE__, __LINE__, #cond); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } } while (0)

#include "launch/facts.h"
#include "base/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated copy of DATA[0..SIZE) (malloc'd; embedded NULs stay,
 * so C-string users see a prefix). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Splits DATA at NUL bytes into at most MAX parts (the last one keeps the
 * rest, NULs included).  Parts point into a single malloc'd copy returned
 * through *BUF (free it); lengths in LEN[].  Returns the number of parts. */
static inline size_t fuzz_split(const uint8_t *data, size_t size, char **buf, char **part,
				size_t *len, size_t max)
{
	char *b = fuzz_cstr(data, size);
	size_t n = 0, start = 0;
	*buf = b;
	for (size_t i = 0; i <= size && n < max; i++) {
		if (i == size || (b[i] == '\0' && n + 1 < max)) {
			part[n] = b + start;
			len[n] = i - start;
			n++;
			start = i + 1;
		}
	}
	return n;
}

/* 1 when no byte of S is a control character (what a one-line message
 * printed to a terminal must not contain). */
static inline int fuzz_one_line(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Fixed host facts, so a plan depends only on the fuzzed input. */
static inline void fuzz_fixed_facts(struct facts *f, int userns_remap, int image_present)
{
	facts_init(f);
	f->user = xstrdup("kloud");
	f->home = xstrdup("/home/kloud");
	f->ssh_auth_sock = xstrdup("/run/agent.sock");
	f->known_hosts = xstrdup("/home/kloud/.ssh/known_hosts");
	f->socket_path = xstrdup("/var/run/docker.sock");
	f->socket_gid = 999;
	f->cert_dir = xstrdup("/home/kloud/.docker");
	f->userns_remap = userns_remap;
	f->image_present = image_present;
	f->dind_image_present = 0;
}

#endif
