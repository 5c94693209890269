/* inner_check.c - the validators of the inner daemon's settings (inner.h),
 * which the option table calls: nothing here reads a spec. */
#include "inner.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Calls FN on each comma-separated item of V; the first error wins. */
static int each_item(const char *v, int (*fn)(const char *, struct err *), struct err *e)
{
	char *copy = xstrdup(v), *p = copy;
	int rc = 0;
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p) {
			rc = err_set(e, "empty item in a comma-separated list");
			break;
		}
		if ((rc = fn(p, e)))
			break;
		if (!comma)
			break;
		p = comma + 1;
	}
	free(copy);
	return rc;
}

static int bad(struct err *e, const char *v, const char *what)
{
	char *s = show_dup(v, 64);
	err_set(e, "%s is not %s", s, what);
	free(s);
	return -1;
}

static int one_mirror(const char *v, struct err *e)
{
	const char *host = !strncmp(v, "https://", 8) ? v + 8 : !strncmp(v, "http://", 7) ? v + 7 : NULL;
	if (!host || !*host || strpbrk(v, " \t\"\\?#@"))
		return bad(e, v, "a registry mirror URL (http[s]://HOST[:PORT][/PATH])");
	return 0;
}

/* HOST[:PORT] or an IPv4 CIDR, as dockerd's insecure-registries takes. */
static int one_insecure(const char *v, struct err *e)
{
	char buf[256];
	if (strlen(v) >= sizeof(buf) || strstr(v, "://"))
		return bad(e, v, "a registry HOST[:PORT] or CIDR (no scheme)");
	snprintf(buf, sizeof(buf), "%s", v);
	char *slash = strchr(buf, '/');
	if (slash) {
		long bits;
		*slash = '\0';
		if (validate_ip(buf, NULL) || parse_long(slash + 1, 0, 32, &bits, NULL))
			return bad(e, v, "a registry HOST[:PORT] or CIDR (no scheme)");
		return 0;
	}
	char *colon = strrchr(buf, ':');
	if (colon && buf[0] != '[') {
		*colon = '\0';
		if (validate_port(colon + 1, NULL, NULL))
			return bad(e, v, "a registry HOST[:PORT] or CIDR (no scheme)");
	}
	if (validate_host(buf, NULL))
		return bad(e, v, "a registry HOST[:PORT] or CIDR (no scheme)");
	return 0;
}

int inner_check_mirror(const char *v, struct err *e)
{
	return each_item(v, one_mirror, e);
}

int inner_check_insecure(const char *v, struct err *e)
{
	return each_item(v, one_insecure, e);
}

int inner_check_mtu(const char *v, struct err *e)
{
	long n;
	if (parse_long(v, 68, 65535, &n, NULL))
		return bad(e, v, "an MTU (68-65535)");
	return 0;
}

/* A.B.C.D/BITS/SIZE: the base and the size of each network carved from it. */
int inner_pool_split(const char *v, char *base, size_t size, long *bits, long *sz)
{
	const char *s1 = strchr(v, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	if (!s1 || !s2 || (size_t)(s1 - v) >= size)
		return -1;
	memcpy(base, v, (size_t)(s1 - v));
	base[s1 - v] = '\0';
	char b[8];
	if ((size_t)(s2 - s1 - 1) >= sizeof(b))
		return -1;
	memcpy(b, s1 + 1, (size_t)(s2 - s1 - 1));
	b[s2 - s1 - 1] = '\0';
	if (strchr(base, ':') || validate_ip(base, NULL) || parse_long(b, 1, 32, bits, NULL) ||
	    parse_long(s2 + 1, 1, 32, sz, NULL) || *sz < *bits)
		return -1;
	return 0;
}

int inner_check_pool(const char *v, struct err *e)
{
	char base[64];
	long bits, sz;
	if (inner_pool_split(v, base, sizeof(base), &bits, &sz))
		return bad(e, v, "an address pool CIDR/SIZE (e.g. 10.200.0.0/16/24: networks of /24 from 10.200.0.0/16)");
	return 0;
}

