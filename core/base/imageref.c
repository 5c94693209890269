/* imageref.c - parse and validate image references. */
#include "imageref.h"
#include "show.h"
#include "strbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_TOTAL 255

static int lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Validates one path component in s[0..n). */
static const char *path_component_error(const char *s, size_t n)
{
	if (!n)
		return "has an empty path component";
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return "has upper-case letters in its repository path (must be lowercase)";
	if (!lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return "has a path component that does not start and end with [a-z0-9]";
	size_t i = 0;
	while (i < n) {
		if (lower_alnum(s[i])) {
			i++;
			continue;
		}
		/* separator: "." | "_" | "__" | "-"+ , followed by alnum */
		size_t j = i;
		if (s[j] == '.') {
			j++;
		} else if (s[j] == '_') {
			j++;
			if (j < n && s[j] == '_')
				j++;
		} else if (s[j] == '-') {
			while (j < n && s[j] == '-')
				j++;
		} else {
			return "has a character not allowed in a repository path ([a-z0-9._-])";
		}
		if (j >= n || !lower_alnum(s[j]))
			return "has a misplaced separator in its repository path";
		i = j;
	}
	return NULL;
}

static const char *domain_error(const char *s, size_t n)
{
	size_t hostlen = n;
	if (n && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return "has an unterminated [IPv6] registry host";
		for (const char *p = s + 1; p < close; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return "has an invalid [IPv6] registry host";
		hostlen = (size_t)(close - s) + 1;
	} else {
		const char *colon = memchr(s, ':', n);
		if (colon)
			hostlen = (size_t)(colon - s);
		if (!hostlen)
			return "has an empty registry host";
		size_t label = 0;
		for (size_t i = 0; i <= hostlen; i++) {
			char c = i < hostlen ? s[i] : '.';
			if (c == '.') {
				if (!label || s[i - 1] == '-')
					return "has an invalid registry host name";
				label = 0;
				continue;
			}
			if (!isalnum((unsigned char)c) && c != '-')
				return "has an invalid character in its registry host";
			if (!label && c == '-')
				return "has an invalid registry host name";
			label++;
		}
	}
	if (hostlen < n) {
		if (s[hostlen] != ':' || hostlen + 1 == n)
			return "has an invalid registry port";
		size_t digits = n - hostlen - 1;
		if (digits > 5)
			return "has an invalid registry port";
		long port = 0;
		for (size_t i = hostlen + 1; i < n; i++) {
			if (!isdigit((unsigned char)s[i]))
				return "has an invalid registry port";
			port = port * 10 + (s[i] - '0');
		}
		if (port < 1 || port > 65535)
			return "has a registry port out of range (1-65535)";
	}
	return NULL;
}

static const char *tag_error(const char *s)
{
	size_t n = strlen(s);
	if (!n)
		return "has an empty tag";
	if (n > 128)
		return "has a tag longer than 128 characters";
	if (!(isalnum((unsigned char)s[0]) || s[0] == '_'))
		return "has a tag that does not start with [A-Za-z0-9_]";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '_' || c == '.' || c == '-') || c > 0x7f)
			return "has a character not allowed in a tag ([A-Za-z0-9_.-])";
	}
	return NULL;
}

static const char *digest_error(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s)
		return "has a digest without an algorithm (expected sha256:<64 hex>)";
	size_t alen = (size_t)(colon - s);
	/* algorithm := component ([+._-] component)*, component := [a-z][a-z0-9]* */
	int need_alpha = 1;
	for (size_t i = 0; i < alen; i++) {
		char c = s[i];
		if (need_alpha) {
			if (!(c >= 'a' && c <= 'z'))
				return "has an invalid digest algorithm";
			need_alpha = 0;
		} else if (c == '+' || c == '.' || c == '_' || c == '-') {
			need_alpha = 1;
		} else if (!lower_alnum(c)) {
			return "has an invalid digest algorithm";
		}
	}
	if (need_alpha)
		return "has an invalid digest algorithm";
	const char *hex = colon + 1;
	size_t hlen = strlen(hex);
	for (size_t i = 0; i < hlen; i++)
		if (!isxdigit((unsigned char)hex[i]) || (hex[i] >= 'A' && hex[i] <= 'F'))
			return "has a digest that is not lowercase hex";
	if (alen == 6 && !strncmp(s, "sha256", 6) && hlen != 64)
		return "has a sha256 digest that is not 64 hex characters";
	if (alen == 6 && !strncmp(s, "sha512", 6) && hlen != 128)
		return "has a sha512 digest that is not 128 hex characters";
	if (hlen < 32)
		return "has a digest shorter than 32 hex characters";
	return NULL;
}

static int fail(struct err *e, const char *input, const char *why)
{
	char *v = show_dup(input, 80);
	err_set(e, "%s is not a valid image reference: it %s", v, why);
	free(v);
	return -1;
}

int imageref_parse(const char *input, struct imageref *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	if (!*input)
		return err_set(e, "empty image reference");
	for (const char *p = input; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return fail(e, input, "contains a space, control or non-ASCII character");

	char *s = xstrdup(input);
	char *digest = NULL, *tag = NULL;
	char *at = strchr(s, '@');
	const char *why = NULL;
	if (at) {
		*at = '\0';
		digest = at + 1;
		if ((why = digest_error(digest)))
			goto bad;
	}
	/* The tag is after the last ':' that follows the last '/'. */
	char *slash = strrchr(s, '/');
	char *colon = strrchr(slash ? slash : s, ':');
	if (colon) {
		*colon = '\0';
		tag = colon + 1;
		if ((why = tag_error(tag)))
			goto bad;
	}
	if (!*s) {
		why = "has no repository name";
		goto bad;
	}
	const char *domain = NULL;
	size_t dlen = 0;
	const char *path = s;
	char *first = strchr(s, '/');
	if (first) {
		size_t flen = (size_t)(first - s);
		if (memchr(s, '.', flen) || memchr(s, ':', flen) || s[0] == '[' ||
		    (flen == 9 && !strncmp(s, "localhost", 9))) {
			domain = s;
			dlen = flen;
			path = first + 1;
			if ((why = domain_error(domain, dlen)))
				goto bad;
		} else {
			for (size_t i = 0; i < flen; i++)
				if (s[i] >= 'A' && s[i] <= 'Z') {
					why = "has upper-case letters in its repository path (must be lowercase)";
					goto bad;
				}
		}
	}
	for (const char *p = path;;) {
		const char *end = strchr(p, '/');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if ((why = path_component_error(p, n)))
			goto bad;
		if (!end)
			break;
		p = end + 1;
	}
	if (domain) {
		out->domain = xstrndup(domain, dlen);
		out->path = xstrdup(path);
	} else {
		out->domain = xstrdup("docker.io");
		out->path = strchr(path, '/') ? xstrdup(path) : xasprintf("library/%s", path);
	}
	/* docker checks the length of the normalised name
	 * ("docker.io/library/x"), not of what was typed. */
	if (strlen(out->domain) + 1 + strlen(out->path) > NAME_MAX_TOTAL) {
		why = domain ? "has a name longer than 255 characters"
			     : "has a name longer than 255 characters (counting its docker.io/ prefix)";
		imageref_release(out);
		goto bad;
	}
	out->tag = tag ? xstrdup(tag) : NULL;
	out->digest = digest ? xstrdup(digest) : NULL;
	free(s);
	return 0;
bad:
	free(s);
	return fail(e, input, why);
}

void imageref_release(struct imageref *r)
{
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

int validate_image(const char *s, struct err *e)
{
	struct imageref r;
	if (imageref_parse(s, &r, e))
		return -1;
	imageref_release(&r);
	return 0;
}
