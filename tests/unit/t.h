/* t.h - minimal test helpers: checks that report file:line and keep going,
 * and a summary that sets the exit status.  Asserts survive NDEBUG. */
#ifndef WS_T_H
#define WS_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failures, t_checks;

#define CHECK(cond) do { t_checks++; if (!(cond)) { t_failures++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); t_checks++; \
	if (!g_ || !w_ || strcmp(g_, w_)) { t_failures++; \
	fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:  %s\n  want: %s\n", __FILE__, __LINE__, \
		#got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } } while (0)

#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); t_checks++; \
	if (g_ != w_) { t_failures++; fprintf(stderr, "%s:%d: CHECK_INT failed: %s = %lld, want %lld\n", \
		__FILE__, __LINE__, #got, g_, w_); } } while (0)

#define CHECK_CONTAINS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); t_checks++; \
	if (!h_ || !strstr(h_, n_)) { t_failures++; \
	fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: %s\n  text: %s\n  missing: %s\n", __FILE__, __LINE__, \
		#hay, h_ ? h_ : "(null)", n_); } } while (0)

static inline int t_done(const char *name)
{
	if (t_checks == 0) {
		fprintf(stderr, "%s: no checks ran\n", name);
		return 1;
	}
	fprintf(stderr, "%s: %d checks, %d failed\n", name, t_checks, t_failures);
	return t_failures ? 1 : 0;
}

#endif
