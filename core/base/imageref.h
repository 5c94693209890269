/* imageref.h - Docker image references (distribution/reference grammar).
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component ( "/" path-component )*
 *   domain    := host [ ":" port ]      (a first component with '.' or ':',
 *                                        or "localhost", or [IPv6])
 *   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
 *   digest    := algorithm ":" hex      (sha256 → 64 lowercase hex)
 *
 * imageref_parse() fills a caller-owned struct imageref whose strings are
 * malloc'd (imageref_release releases them) or returns -1 with a message naming
 * what is wrong.  Docker Hub normalisation (library/, docker.io) is applied
 * in the `domain`/`path` fields only; `input` keeps what the user typed. */
#ifndef WS_IMAGEREF_H
#define WS_IMAGEREF_H

#include "err.h"

struct imageref {
	char *domain;   /* "ghcr.io", "127.0.0.1:5000", "docker.io" (normalised) */
	char *path;     /* "kloudkit/workspace", "library/docker" (normalised) */
	char *tag;      /* NULL when absent */
	char *digest;   /* NULL when absent */
};

int imageref_parse(const char *s, struct imageref *out, struct err *e);
void imageref_release(struct imageref *r);
/* Validation only. */
int validate_image(const char *s, struct err *e);

#endif
