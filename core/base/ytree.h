/* ytree.h - small YAML trees for configuration files (profiles, themes).
 *
 * ytree_load() parses one YAML document with libyaml's event API into a
 * tree of mappings, sequences and scalars, each with its source position.
 * It refuses what configuration files never need and attackers love:
 * anchors/aliases, more than one document, nesting deeper than 16, more
 * than 4096 nodes, input larger than the caller's limit, NUL bytes.
 * Errors are "LINE:COL: what" (1-based) so the caller can prefix the file.
 *
 * Ownership: ytree_load returns a malloc'd tree; ytree_free releases it. */
#ifndef WS_YTREE_H
#define WS_YTREE_H

#include <stddef.h>

#include "err.h"

enum ynode_kind { YN_SCALAR, YN_MAP, YN_SEQ };

struct ynode {
	enum ynode_kind kind;
	int line, col;        /* 1-based */
	char *value;          /* YN_SCALAR */
	int quoted;           /* scalar was quoted or block (a string for sure) */
	struct ynode **items; /* YN_MAP: key, value, key, value...; YN_SEQ: items */
	size_t n;             /* number of entries in items */
};

/* Parses DATA[0..LEN).  Returns NULL on error (E = "L:C: message"); an
 * empty document gives a NULL tree and *EMPTY = 1 without error. */
struct ynode *ytree_load(const char *data, size_t len, int *empty, struct err *e);
void ytree_free(struct ynode *n);
/* Plain scalars that YAML 1.1 reads as null: "", "~", "null", "Null", "NULL". */
int ynode_is_null(const struct ynode *n);
/* Human name of the node type for "expected X, got Y" messages. */
const char *ynode_kind_name(const struct ynode *n);
/* Reads a whole file with a size ceiling.  Errors: "cannot read: ...",
 * "too large (N bytes, max M)". Returns malloc'd data (NUL-terminated). */
char *file_read_limited(const char *path, size_t max, size_t *len, struct err *e);
/* Checks, without blocking, that PATH is a readable regular file of at most
 * MAX bytes (a FIFO or a device planted there would hang whoever reads it:
 * us, or a docker child).  0, or -1 with E ("no such file", "not a regular
 * file (fifo)", "too large ..."). */
/* docker's env files are small: anything bigger is not one. */
#define ENV_FILE_MAX_BYTES (1024 * 1024)
int file_check_regular(const char *path, size_t max, struct err *e);

#endif
