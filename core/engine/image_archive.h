/* image_archive.h - an image archive (the tar `docker save` and GET
 * /images/get write, POST /images/load reads) checked before it is sent,
 * so a truncated or foreign file is refused with one line and the daemon
 * loads nothing:
 *
 *   - a regular file, a complete tar: every header's checksum right, every
 *     member's data inside the file, the two zero blocks that end it;
 *   - a manifest.json (a JSON array, `docker save`'s) whose every Config
 *     and Layers entry is a member of the archive.
 *
 * The file is read once, header by header (member data is skipped, not
 * read); memory holds the member names and manifest.json (at most
 * IMAGE_ARCHIVE_MANIFEST_MAX bytes).  Errors name the file and what is
 * wrong ("PATH: truncated: ..."). */
#ifndef WS_IMAGE_ARCHIVE_H
#define WS_IMAGE_ARCHIVE_H

#include "base/err.h"
#include "base/strvec.h"

#define IMAGE_ARCHIVE_MANIFEST_MAX (1 << 20)
#define IMAGE_ARCHIVE_MEMBERS_MAX 100000

struct image_archive {
	long long size;       /* bytes */
	size_t images;        /* entries of manifest.json */
	struct strvec tags;   /* their RepoTags */
};

void image_archive_init(struct image_archive *a);
void image_archive_release(struct image_archive *a);
/* Opens PATH (non-blocking, a regular file only) and checks it as above.
 * Returns the open descriptor, at offset 0, for sending the very file that
 * was checked (the caller closes it), or -1 with E. */
int image_archive_open(const char *path, struct image_archive *a, struct err *e);

#endif
