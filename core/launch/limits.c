/* limits.c - resource limits (limits.h). */
#include "limits.h"
#include "base/show.h"
#include "base/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CPUS 1024L
#define MAX_PIDS 4194304L
#define MIN_MEMORY (6LL << 20) /* docker: "Minimum memory limit allowed is 6MB" */

static int bad(struct err *e, const char *v, const char *what)
{
	char *s = show_dup(v, 32);
	err_set(e, "%s is not %s", s, what);
	free(s);
	return -1;
}

/* Whole and thousandths of "D[.DDD]"; -1 when it is not that. */
static int decimal(const char *v, long long *whole, long *milli)
{
	const char *p = v;
	long long w = 0;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (w > (1LL << 40))
			return -1;
		w = w * 10 + (*p - '0');
	}
	long m = 0;
	int digits = 0;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, digits++)
			if (digits < 3)
				m = m * 10 + (*p - '0');
			else if (*p != '0')
				return -1; /* finer than a thousandth */
		for (; digits < 3; digits++)
			m *= 10;
	}
	*whole = w;
	*milli = m;
	return (int)(p - v);
}

int limits_parse_cpus(const char *v, long *millicpus, struct err *e)
{
	long long w;
	long m;
	int n = decimal(v, &w, &m);
	if (n < 0 || v[n] || (w == 0 && m == 0) || w > MAX_CPUS || (w == MAX_CPUS && m))
		return bad(e, v, "a number of CPUs (a positive decimal up to 1024, e.g. 1.5)");
	*millicpus = (long)(w * 1000 + m);
	return 0;
}

int limits_parse_size(const char *v, long long *bytes, struct err *e)
{
	static const char units[] = "bkmg";
	long long w;
	long m;
	int n = decimal(v, &w, &m);
	const char *u = n < 0 ? NULL : v + n;
	int shift = 0;
	if (u && *u) {
		const char *k = strchr(units, tolower((unsigned char)*u));
		if (!k || !*k)
			u = NULL;
		else {
			shift = (int)(k - units) * 10;
			u++;
		}
	}
	if (!u || *u || w > (1LL << (62 - shift - 10)))
		return bad(e, v, "a size (a number with an optional unit b, k, m or g, e.g. 512m or 2g)");
	long long b = (w << shift) + ((long long)m << shift) / 1000;
	if (b <= 0)
		return bad(e, v, "a size above 0");
	*bytes = b;
	return 0;
}

int limits_check_cpus(const char *v, struct err *e)
{
	long m;
	return limits_parse_cpus(v, &m, e);
}

int limits_check_size(const char *v, struct err *e)
{
	long long b;
	return limits_parse_size(v, &b, e);
}

int limits_check_memory(const char *v, struct err *e)
{
	long long b;
	if (limits_parse_size(v, &b, e))
		return -1;
	if (b < MIN_MEMORY)
		return bad(e, v, "enough memory for a container (docker's minimum is 6m)");
	return 0;
}

int limits_check_pids(const char *v, struct err *e)
{
	long n;
	if (parse_long(v, 1, MAX_PIDS, &n, NULL))
		return bad(e, v, "a number of processes (1 to 4194304)");
	return 0;
}

void limits_kube_cpu(const char *v, char *buf, size_t size)
{
	long m;
	if (limits_parse_cpus(v, &m, NULL))
		snprintf(buf, size, "%s", "");
	else if (m % 1000 == 0)
		snprintf(buf, size, "%ld", m / 1000);
	else
		snprintf(buf, size, "%ldm", m);
}

void limits_kube_size(const char *v, char *buf, size_t size)
{
	long long b;
	if (limits_parse_size(v, &b, NULL))
		snprintf(buf, size, "%s", "");
	else if (b % (1LL << 30) == 0)
		snprintf(buf, size, "%lldGi", b >> 30);
	else
		snprintf(buf, size, "%lldMi", (b + (1LL << 20) - 1) >> 20);
}
