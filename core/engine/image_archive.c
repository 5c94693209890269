/* image_archive.c - an image archive checked before POST /images/load
 * (image_archive.h). */
#include "image_archive.h"
#include "base/jdoc.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 512
#define PAX_MAX (64 * 1024)

void image_archive_init(struct image_archive *a)
{
	memset(a, 0, sizeof(*a));
	strvec_init(&a->tags);
}

void image_archive_release(struct image_archive *a)
{
	strvec_release(&a->tags);
	image_archive_init(a);
}

/* Exactly LEN bytes at OFF, or -1 (short: *SHORT = 1). */
static int read_at(int fd, void *buf, size_t len, long long off, int *short_read)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, (off_t)(off + (long long)got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			*short_read = n == 0;
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* A numeric header field: octal digits (spaces/NULs around), or GNU's
 * base-256 (first byte 0x80) for big members.  -1 when malformed. */
static long long field_num(const unsigned char *f, size_t len)
{
	long long v = 0;
	if (f[0] & 0x80) {
		for (size_t i = 1; i < len; i++) {
			if (v > (1LL << 54))
				return -1;
			v = v * 256 + f[i];
		}
		return v;
	}
	size_t i = 0;
	while (i < len && f[i] == ' ')
		i++;
	int digits = 0;
	for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v > (1LL << 58))
			return -1;
		v = v * 8 + (f[i] - '0');
	}
	for (; i < len; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	return digits ? v : -1;
}

static int checksum_ok(const unsigned char *h)
{
	long long want = field_num(h + 148, 8);
	long long sum = 0;
	for (int i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return want == sum;
}

static int all_zero(const unsigned char *h)
{
	for (int i = 0; i < BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

/* LEN bytes of member data at OFF, malloc'd and NUL-terminated, or NULL with E. */
static char *read_member(int fd, const char *path, long long len, long long off, struct err *e)
{
	int sh = 0;
	char *buf = xmalloc((size_t)len + 1);
	if (read_at(fd, buf, (size_t)len, off, &sh)) {
		err_set(e, "%s: cannot read: %s", path, sh ? "short read" : strerror(errno));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* "path=" of a PAX extended header, or NULL.  Malloc'd. */
static char *pax_path(const char *d, size_t len)
{
	size_t off = 0;
	while (off < len) {
		char *end;
		long rl = strtol(d + off, &end, 10);
		if (rl <= 0 || (size_t)rl > len - off || *end != ' ')
			return NULL;
		const char *kv = end + 1, *stop = d + off + rl - 1; /* the record's '\n' */
		if (stop > kv && !strncmp(kv, "path=", 5))
			return xstrndup(kv + 5, (size_t)(stop - kv - 5));
		off += (size_t)rl;
	}
	return NULL;
}

static int has(const struct strvec *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->v[i], s))
			return 1;
	return 0;
}

/* The manifest's entries against the members. */
static int check_manifest(const char *path, const struct strbuf *m, const struct strvec *members,
			  struct image_archive *a, struct err *e)
{
	struct err je;
	struct jdoc *d = jdoc_parse(m->buf, m->len, IMAGE_ARCHIVE_MANIFEST_MAX, &je);
	if (!d)
		return err_set(e, "%s: not an image archive: manifest.json is not JSON (%s)", path, je.msg);
	int root = jdoc_root(d), rc = 0;
	if (jdoc_type(d, root) != JDOC_ARRAY || !jdoc_count(d, root)) {
		jdoc_free(d);
		return err_set(e, "%s: not an image archive: manifest.json lists no image", path);
	}
	for (size_t i = 0; i < jdoc_count(d, root) && !rc; i++) {
		int it = jdoc_at(d, root, i);
		const char *cfg = jdoc_string(d, jdoc_member(d, it, "Config"), NULL);
		int layers = jdoc_member(d, it, "Layers"), tags = jdoc_member(d, it, "RepoTags");
		if (!cfg || jdoc_type(d, layers) != JDOC_ARRAY) {
			rc = err_set(e, "%s: not an image archive: manifest.json entry %zu has no Config and Layers", path, i + 1);
			break;
		}
		const char *missing = has(members, cfg) ? NULL : cfg;
		for (size_t k = 0; !missing && k < jdoc_count(d, layers); k++) {
			const char *l = jdoc_string(d, jdoc_at(d, layers, k), "");
			if (!has(members, l))
				missing = l;
		}
		if (missing) {
			char *sv = show_dup(missing, 80);
			rc = err_set(e, "%s: incomplete: manifest.json names %s, which the archive does not hold", path, sv);
			free(sv);
		}
		for (size_t k = 0; k < jdoc_count(d, tags); k++) {
			const char *t = jdoc_string(d, jdoc_at(d, tags, k), NULL);
			if (t)
				strvec_push(&a->tags, t);
		}
		a->images++;
	}
	jdoc_free(d);
	return rc;
}

/* Walks the headers of FD (SIZE bytes): members into MEMBERS, manifest.json into MANIFEST. */
static int walk(int fd, const char *path, long long size, struct strvec *members, struct strbuf *manifest,
		int *have_manifest, struct err *e)
{
	unsigned char h[BLOCK];
	char *next_name = NULL;
	long long off = 0;
	int rc = 0, sh = 0;
	for (;;) {
		if (off + BLOCK > size) {
			rc = err_set(e, off ? "%s: truncated: it ends at byte %lld, before the tar's end blocks"
					    : "%s: not an image archive (%lld bytes: no tar header)", path, size);
			break;
		}
		if (read_at(fd, h, BLOCK, off, &sh)) {
			rc = err_set(e, "%s: cannot read: %s", path, sh ? "short read" : strerror(errno));
			break;
		}
		if (all_zero(h)) {
			/* the end: two zero blocks */
			if (!off)
				rc = err_set(e, "%s: not an image archive: an empty tar", path);
			else if (off + 2 * BLOCK > size || read_at(fd, h, BLOCK, off + BLOCK, &sh) || !all_zero(h))
				rc = err_set(e, "%s: truncated: it ends at byte %lld inside the tar's end blocks", path, size);
			break;
		}
		if (!checksum_ok(h)) {
			rc = err_set(e, off ? "%s: damaged: the tar header at byte %lld has a wrong checksum"
					    : "%s: not an image archive (not a tar file)", path, off);
			break;
		}
		long long len = field_num(h + 124, 12);
		if (len < 0) {
			rc = err_set(e, "%s: damaged: a bad member size at byte %lld", path, off);
			break;
		}
		char name[257];
		if (!memcmp(h + 257, "ustar", 5) && h[345])
			snprintf(name, sizeof(name), "%.155s/%.100s", (const char *)h + 345, (const char *)h);
		else
			snprintf(name, sizeof(name), "%.100s", (const char *)h);
		const char *nm = next_name ? next_name : name;
		if (!strncmp(nm, "./", 2))
			nm += 2;
		long long data = off + BLOCK, end = data + (len + BLOCK - 1) / BLOCK * BLOCK;
		if (data + len > size) {
			char *sv = show_dup(nm, 80);
			rc = err_set(e, "%s: truncated: %s needs %lld bytes past the end of the file", path, sv,
				     data + len - size);
			free(sv);
			break;
		}
		char type = (char)h[156];
		if (type == 'x' || type == 'L') {
			/* a PAX header or a GNU long name: the name of the next member */
			if (len > PAX_MAX) {
				rc = err_set(e, "%s: damaged: an extended header of %lld bytes", path, len);
				break;
			}
			char *buf = read_member(fd, path, len, data, e);
			if (!buf) {
				rc = -1;
				break;
			}
			free(next_name);
			next_name = type == 'L' ? xstrdup(buf) : pax_path(buf, (size_t)len);
			free(buf);
			off = end;
			continue;
		}
		if (type == '0' || type == '\0' || type == '7') {
			if (members->n >= IMAGE_ARCHIVE_MEMBERS_MAX) {
				rc = err_set(e, "%s: not an image archive: more than %d members", path, IMAGE_ARCHIVE_MEMBERS_MAX);
				break;
			}
			strvec_push(members, nm);
			if (!strcmp(nm, "manifest.json")) {
				if (len > IMAGE_ARCHIVE_MANIFEST_MAX) {
					rc = err_set(e, "%s: not an image archive: manifest.json of %lld bytes", path, len);
					break;
				}
				char *buf = read_member(fd, path, len, data, e);
				if (!buf) {
					rc = -1;
					break;
				}
				strbuf_clear(manifest);
				strbuf_add(manifest, buf, (size_t)len);
				free(buf);
				*have_manifest = 1;
			}
		}
		free(next_name);
		next_name = NULL;
		off = end;
	}
	free(next_name);
	return rc;
}

int image_archive_open(const char *path, struct image_archive *a, struct err *e)
{
	image_archive_release(a);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(e, "%s: cannot read: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st)) {
		int bad = errno;
		close(fd);
		return err_set(e, "%s: cannot read: %s", path, strerror(bad));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "%s: not a regular file", path);
	}
	a->size = (long long)st.st_size;
	struct strvec members = STRVEC_INIT;
	struct strbuf manifest = STRBUF_INIT;
	int have = 0;
	int rc = walk(fd, path, a->size, &members, &manifest, &have, e);
	if (!rc && !have)
		rc = err_set(e, "%s: not an image archive: no manifest.json (docker save and 'ws-launch images save' "
				"write one)", path);
	if (!rc)
		rc = check_manifest(path, &manifest, &members, a, e);
	strvec_release(&members);
	strbuf_release(&manifest);
	if (rc) {
		close(fd);
		return -1;
	}
	return fd;
}
