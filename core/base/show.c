/* show.c - safe display of untrusted values in messages. */
#include "show.h"
#include "strbuf.h"

#include <stdio.h>
#include <string.h>

size_t utf8_seqlen(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	unsigned int cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void show_value(struct strbuf *sb, const char *value, size_t max)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t len = strlen(value), i = 0;
	strbuf_addch(sb, '\'');
	while (i < len) {
		if (max && i >= max) {
			strbuf_addstr(sb, "...");
			break;
		}
		unsigned char c = s[i];
		switch (c) {
		case '\n': strbuf_addstr(sb, "\\n"); i++; continue;
		case '\t': strbuf_addstr(sb, "\\t"); i++; continue;
		case '\r': strbuf_addstr(sb, "\\r"); i++; continue;
		case '\\': strbuf_addstr(sb, "\\\\"); i++; continue;
		case '\'': strbuf_addstr(sb, "\\'"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addf(sb, "\\x%02x", c);
			i++;
			continue;
		}
		size_t n = utf8_seqlen(s + i, len - i);
		if (!n) {
			strbuf_addf(sb, "\\x%02x", c);
			i++;
			continue;
		}
		/* C1 controls (U+0080..U+009F) can act as terminal escapes too. */
		if (n == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
			strbuf_addf(sb, "\\u%04x", s[i + 1]);
			i += 2;
			continue;
		}
		strbuf_add(sb, s + i, n);
		i += n;
	}
	strbuf_addch(sb, '\'');
}

char *show_dup(const char *value, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	show_value(&sb, value, max);
	return strbuf_detach(&sb, NULL);
}

void show_sanitize(char *s, size_t len)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			if (p[i] != '\t')
				p[i] = '?';
			i++;
			continue;
		}
		size_t n = utf8_seqlen(p + i, len - i);
		if (!n) {
			p[i++] = '?';
			continue;
		}
		if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) {
			p[i] = p[i + 1] = '?';
		}
		i += n;
	}
}

void show_bytes(long long n, char *buf, size_t size)
{
	if (n >= 1000LL * 1000 * 1000)
		snprintf(buf, size, "%.1f GB", (double)n / 1e9);
	else if (n >= 1000LL * 1000)
		snprintf(buf, size, "%.1f MB", (double)n / 1e6);
	else if (n >= 1000)
		snprintf(buf, size, "%.1f kB", (double)n / 1e3);
	else
		snprintf(buf, size, "%lld B", n);
}
