/* profile.h - saved launches as YAML files (docs/ARCHITECTURE.md, "Profiles and themes").
 *
 * A profile stores a spec's options (explicit values plus the common
 * defaults), never detected values, so a relaunch re-detects.  Files live in
 * <config>/profiles/NAME.yaml (directory 0700, file 0600), are written
 * atomically (temp file + fsync + rename) and loaded strictly: unknown keys,
 * wrong types, unknown modes, bad values, future versions, aliases, empty,
 * huge or binary files are errors of the form "PATH:LINE:COL: what was
 * expected", and nothing is half-applied.
 *
 * CONFIG is the --config override or NULL (see paths.h). */
#ifndef WS_PROFILE_H
#define WS_PROFILE_H

#include <time.h>

#include "base/err.h"
#include "spec.h"
#include "base/strbuf.h"

#define PROFILE_VERSION 1
#define PROFILE_MAX_BYTES (64 * 1024)

/* Parses profile text.  FILE is used in messages only.  On success *OUT is
 * replaced (spec_release'd first); on error *OUT is untouched. */
int profile_parse(const char *data, size_t len, const char *file, struct spec *out, struct err *e);
/* Serialises S as profile YAML into OUT. */
int profile_format(const struct spec *s, struct strbuf *out, struct err *e);

/* <config>/profiles/NAME.yaml, malloc'd; NULL with E for a bad name. */
char *profile_path(const char *config, const char *name, struct err *e);
int profile_load(const char *config, const char *name, struct spec *out, struct err *e);
/* Loads an explicit file path. */
int profile_load_file(const char *path, struct spec *out, struct err *e);
/* Atomic save; on any failure the previous file is untouched. */
/* REPLACE = 0: creates the profile only if no profile of that name exists,
 * atomically (link(2) of the finished temporary file), so of concurrent
 * savers of one new name exactly one wins; the others get 1 and E
 * ("profile NAME exists; ...").  REPLACE = 1: renames over an existing one.
 * Either way the old file is intact and no temporary file is left when it
 * fails (-1 with E: a full disk gives EFBIG/ENOSPC, not a signal, because
 * main ignores SIGXFSZ). */
int profile_save(const char *config, const char *name, const struct spec *s, int replace,
		 struct err *e);
int profile_remove(const char *config, const char *name, struct err *e);
int profile_exists(const char *config, const char *name);

struct profile_entry {
	char *name;
	char *mode;   /* NULL when the file does not load */
	char *image;
	char *error;  /* load error, NULL when fine */
	time_t mtime;
};

/* Lists profiles sorted by name; a broken file is listed with its error.
 * Returns the count (>= 0) or -1 with E; *OUT is malloc'd. */
long profile_list(const char *config, struct profile_entry **out, struct err *e);
void profile_list_free(struct profile_entry *list, long n);

#endif
