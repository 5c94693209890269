/* platform.c - OS and architecture names (platform.h). */
#include "platform.h"

#include <string.h>

/* The kernel's and Debian's names and the Go names they stand for. */
static const struct {
	const char *name;
	const char *arch;
	const char *variant; /* NULL: keep the one given */
} arch_names[] = {
	{ "x86_64", "amd64", "" }, { "x86-64", "amd64", "" }, { "x64", "amd64", "" }, { "amd64", "amd64", NULL },
	{ "i386", "386", "" }, { "i486", "386", "" }, { "i586", "386", "" }, { "i686", "386", "" },
	{ "x86", "386", "" },
	{ "aarch64", "arm64", NULL }, { "arm64", "arm64", NULL }, { "armv8", "arm64", "" },
	{ "armv8l", "arm", "v8" }, { "armv7l", "arm", "v7" }, { "armv7", "arm", "v7" }, { "armhf", "arm", "v7" },
	{ "armv6l", "arm", "v6" }, { "armv6", "arm", "v6" }, { "armel", "arm", "v6" },
	{ "armv5tel", "arm", "v5" }, { "armv5l", "arm", "v5" },
};

static void copy_name(char *dst, const char *src)
{
	size_t n = strlen(src);
	if (n >= PLATFORM_NAME_MAX)
		n = PLATFORM_NAME_MAX - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

const char *platform_arch(const char *arch, const char *variant, char *variant_out)
{
	variant_out[0] = '\0';
	if (!arch || !*arch)
		return NULL;
	const char *out = arch;
	const char *v = variant ? variant : "";
	for (size_t i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
		if (!strcmp(arch_names[i].name, arch)) {
			out = arch_names[i].arch;
			if (arch_names[i].variant)
				v = arch_names[i].variant;
			break;
		}
	/* containerd's platforms.Normalize for the variants */
	if (!strcmp(out, "amd64") && !strcmp(v, "v1"))
		v = "";
	else if (!strcmp(out, "arm64") && (!strcmp(v, "8") || !strcmp(v, "v8") || !strcmp(v, "v8.0")))
		v = "";
	else if (!strcmp(out, "arm") && (!*v || !strcmp(v, "7")))
		v = "v7";
	else if (!strcmp(out, "arm") && (!strcmp(v, "5") || !strcmp(v, "6") || !strcmp(v, "8"))) {
		variant_out[0] = 'v';
		variant_out[1] = v[0];
		variant_out[2] = '\0';
		return out;
	}
	copy_name(variant_out, v);
	return out;
}

/* NAME lowercased into DST; -1 when it is too long or not [a-z0-9._-]. */
static int clean_name(char *dst, const char *name)
{
	size_t n = strlen(name);
	if (n >= PLATFORM_NAME_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return -1;
		dst[i] = ch;
	}
	dst[n] = '\0';
	return 0;
}

int platform_set(struct platform *p, const char *os, const char *arch, const char *variant)
{
	char a[PLATFORM_NAME_MAX], v[PLATFORM_NAME_MAX] = "", vn[PLATFORM_NAME_MAX];
	memset(p, 0, sizeof(*p));
	if (!arch || !*arch || clean_name(a, arch) || (variant && clean_name(v, variant)) ||
	    (os && *os && clean_name(p->os, os))) {
		memset(p, 0, sizeof(*p));
		return -1;
	}
	if (!p->os[0])
		copy_name(p->os, "linux");
	copy_name(p->arch, platform_arch(a, v, vn));
	copy_name(p->variant, vn);
	return 0;
}

void platform_format(const struct platform *p, struct strbuf *sb)
{
	strbuf_addf(sb, "%s/%s", p->os, p->arch);
	if (p->variant[0])
		strbuf_addf(sb, "/%s", p->variant);
}

/* "v7" -> 7; 0 when it is not "vN". */
static int variant_level(const char *v)
{
	if (v[0] != 'v' || v[1] < '1' || v[1] > '9' || v[2])
		return 0;
	return v[1] - '0';
}

enum platform_match platform_match(const struct platform *image, const struct platform *daemon)
{
	if (strcmp(image->os, daemon->os))
		return PLATFORM_OTHER;
	if (!strcmp(image->arch, daemon->arch)) {
		/* arm: a daemon runs its own variant and older ones */
		int iv = variant_level(image->variant), dv = variant_level(daemon->variant);
		if (!strcmp(image->arch, "arm") && iv && dv && iv > dv)
			return PLATFORM_OTHER;
		return PLATFORM_SAME;
	}
	if ((!strcmp(daemon->arch, "amd64") && !strcmp(image->arch, "386")) ||
	    (!strcmp(daemon->arch, "arm64") && !strcmp(image->arch, "arm") && variant_level(image->variant) <= 8))
		return PLATFORM_COMPATIBLE;
	return PLATFORM_OTHER;
}
