/* validate.c - validators for every user-supplied field. */
#include "validate.h"
#include "show.h"
#include "strbuf.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_MAX 64

static int bad(struct err *e, const char *value, const char *why)
{
	char *v = show_dup(value, SHOW_MAX);
	err_set(e, "%s %s", v, why);
	free(v);
	return -1;
}

int parse_long(const char *s, long min, long max, long *out, struct err *e)
{
	char *end;
	if (!*s)
		return err_set(e, "empty value, expected a number");
	if (!isdigit((unsigned char)s[0]) && !(s[0] == '-' && min < 0 && isdigit((unsigned char)s[1])))
		return bad(e, s, "is not a number");
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end)
		return bad(e, s, "is not a number");
	if (errno == ERANGE || v < min || v > max) {
		char *sv = show_dup(s, SHOW_MAX);
		err_set(e, "%s is out of range (%ld-%ld)", sv, min, max);
		free(sv);
		return -1;
	}
	*out = v;
	return 0;
}

int validate_port(const char *s, int *out, struct err *e)
{
	long v = 0;
	if (parse_long(s, 1, 65535, &v, e))
		return -1;
	if (out)
		*out = (int)v;
	return 0;
}

int validate_gid(const char *s, long *out, struct err *e)
{
	long v = 0;
	if (*s && !isdigit((unsigned char)*s))
		return bad(e, s, "is not a numeric group id");
	if (parse_long(s, 0, 4294967294L, &v, e))
		return -1;
	if (out)
		*out = v;
	return 0;
}

int validate_ip(const char *s, struct err *e)
{
	unsigned char buf[16];
	char tmp[64];
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, s + 1, n - 2);
		tmp[n - 2] = '\0';
		if (inet_pton(AF_INET6, tmp, buf) == 1)
			return 0;
	}
	if (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1)
		return 0;
	return bad(e, s, "is not an IP address");
}

int validate_host(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (!n)
		return err_set(e, "empty host name");
	if (!validate_ip(s, NULL))
		return 0;
	if (n > 253)
		return bad(e, s, "is too long for a host name (max 253)");
	size_t label = 0;
	int all_numeric = 1;
	for (size_t i = 0; i <= n; i++) {
		char c = s[i];
		if (c == '.' || c == '\0') {
			if (label == 0)
				return bad(e, s, "is not a valid host name (empty label)");
			if (s[i - 1] == '-')
				return bad(e, s, "is not a valid host name (label ends with '-')");
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return bad(e, s, "is not a valid host name (letters, digits, '-' and '.' only)");
		if (!isdigit((unsigned char)c))
			all_numeric = 0;
		if (label == 0 && c == '-')
			return bad(e, s, "is not a valid host name (label starts with '-')");
		if (++label > 63)
			return bad(e, s, "is not a valid host name (label longer than 63)");
	}
	if (all_numeric)
		return bad(e, s, "is not a valid IPv4 address or host name");
	return 0;
}

int validate_docker_name(const char *s, const char *kind, struct err *e)
{
	size_t n = strlen(s);
	if (!n)
		return err_set(e, "empty %s name", kind);
	if (n < 2) {
		char *v = show_dup(s, SHOW_MAX);
		err_set(e, "%s is too short for a %s name (at least 2 characters)", v, kind);
		free(v);
		return -1;
	}
	if (n > 128) {
		char *v = show_dup(s, SHOW_MAX);
		err_set(e, "%s is too long for a %s name (max 128)", v, kind);
		free(v);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = isalnum(c) || (i > 0 && (c == '_' || c == '.' || c == '-'));
		if (!ok || c > 0x7f) {
			char *v = show_dup(s, SHOW_MAX);
			err_set(e, "%s is not a valid %s name (allowed: [a-zA-Z0-9][a-zA-Z0-9_.-]+)", v, kind);
			free(v);
			return -1;
		}
	}
	return 0;
}

int validate_env_name(const char *s, struct err *e)
{
	if (!*s)
		return err_set(e, "empty variable name");
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(isalpha(c) || c == '_' || (p != s && isdigit(c))) || c > 0x7f)
			return bad(e, s, "is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)");
	}
	if (strlen(s) > 255)
		return bad(e, s, "is too long for a variable name");
	return 0;
}

int validate_mount_path(const char *s, struct err *e)
{
	if (!*s)
		return err_set(e, "empty path");
	if (s[0] != '/')
		return bad(e, s, "is not an absolute path");
	if (strchr(s, ':'))
		return bad(e, s, "contains ':', which docker's -v cannot express");
	if (strlen(s) > 4095)
		return bad(e, s, "is too long for a path");
	return 0;
}

int validate_ssh_user(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (!n)
		return err_set(e, "empty user name");
	if (n > 32)
		return bad(e, s, "is too long for a user name (max 32)");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '.' || c == '_' || (i > 0 && c == '-')) || c > 0x7f)
			return bad(e, s, "is not a valid user name ([A-Za-z0-9._][A-Za-z0-9._-]*)");
	}
	return 0;
}

int parse_bool(const char *s, int *out, struct err *e)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return bad(e, s, "is not a boolean (true or false)");
}

int validate_profile_name(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (!n)
		return err_set(e, "empty name");
	if (n > 64)
		return bad(e, s, "is too long (max 64 characters)");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalnum(c) || c == '.' || c == '_' || c == '-') || c > 0x7f)
			return bad(e, s, "is not a valid name ([A-Za-z0-9._-], 1-64 characters)");
	}
	if (s[0] == '.')
		return bad(e, s, "must not start with '.' (hidden files are the saver's temporaries)");
	return 0;
}

int validate_text(const char *s, struct err *e)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t avail = strlen(s);
	for (size_t pos = 1; *p; pos++) {
		size_t n = utf8_seqlen(p, avail);
		if (!n)
			return err_set(e, "invalid UTF-8 (byte 0x%02x) at character %zu", *p, pos);
		unsigned cp = n == 1 ? p[0] : n == 2 ? ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu) : 0x100;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return err_set(e, "control character U+%04X at character %zu", cp, pos);
		p += n;
		avail -= n;
	}
	return 0;
}
