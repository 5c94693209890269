/* jdoc.h - read-only JSON documents, parsed with libyaml.
 *
 * JSON is (almost) a YAML 1.2 flow document, so we let libyaml's loader
 * build the tree (yaml_parser_load into a yaml_document_t) instead of
 * carrying a JSON parser of our own.  What libyaml 0.2.5 gets wrong for
 * JSON is handled here, so callers see plain JSON semantics:
 *
 *  - "\uD83D\uDE00" (a UTF-16 surrogate pair) is rejected by libyaml
 *    ("found invalid Unicode character escape code"): a pre-pass decodes
 *    pairs into UTF-8 and turns lone surrogates into U+FFFD, as
 *    encoding/json does.
 *  - Raw U+0085, U+2028, U+2029 are valid inside JSON strings, but libyaml
 *    takes them for line breaks and folds them into spaces; raw U+007F,
 *    U+0080-U+009F, U+FFFE and U+FFFF are valid too, but libyaml's reader
 *    refuses them ("control characters are not allowed"): the pre-pass
 *    hands all of them to libyaml escaped, so they come back unchanged.
 *  - YAML-only escapes ("\x41", "\a", "\e", "\N", "\_", "\L", "\P", "\U",
 *    "\0", "\v", "\ ", escaped line breaks) and raw control characters in
 *    strings (YAML folds a raw line break) are refused by the same pre-pass,
 *    and so are '#' comments and non-ASCII bytes outside strings.
 *  - A tab before or after the top-level value is a YAML token error: the
 *    pre-pass turns tabs outside every collection into spaces (docker
 *    writes config.json indented with tabs; inside collections libyaml
 *    copes).
 *  - libyaml accepts a YAML superset: after loading we check every node and
 *    refuse what JSON does not have (block collections, single-quoted or
 *    non-literal plain scalars such as `yes` or `01`, non-string keys,
 *    anchors, tags, `["k": v]` pairs, directives, `---`, a second document).
 *  - Still accepted (harmless leniencies): trailing commas `[1,]`, duplicate
 *    keys (the first one wins in lookups).
 *  - Still refused although valid JSON (libyaml limits; no real producer
 *    emits them): an object key longer than 1024 characters, and a line break
 *    between a key and its ':'.  Both give a normal syntax error.
 *  - Accepted as-is, nothing to do: `{"a":1}` without spaces, "\/", "\uXXXX"
 *    outside the surrogate range, "\u0000" (see jdoc_scalar), numbers of any
 *    size (kept as text), empty objects and arrays, CRLF, a UTF-8 BOM.
 *
 * Limits: input larger than the caller's MAX bytes, nesting deeper than
 * JDOC_MAX_DEPTH, or more than JDOC_MAX_NODES values are errors, found
 * before libyaml allocates anything.
 *
 * Nodes are small integers (libyaml node ids); 0 means "no such node" and
 * every accessor accepts it, so lookups chain without checks:
 *     jdoc_string(d, jdoc_get(d, jdoc_root(d), "State", "Status", NULL), "?")
 *
 * Ownership: a struct jdoc owns all its strings; pointers returned by
 * accessors stay valid until jdoc_free().  Errors: jdoc_parse() returns NULL
 * and fills E with "LINE:COL: problem" (1-based, in the caller's input; the
 * caller prefixes the file name or URL); accessors never fail, they return
 * 0/NULL/the default. */
#ifndef WS_JDOC_H
#define WS_JDOC_H

#include <stddef.h>

#include "err.h"

#define JDOC_MAX_DEPTH 256
#define JDOC_MAX_NODES 262144

enum jdoc_type {
	JDOC_NONE,     /* node 0 / not a node */
	JDOC_NULL,
	JDOC_BOOL,
	JDOC_NUMBER,
	JDOC_STRING,
	JDOC_ARRAY,
	JDOC_OBJECT,
};

struct jdoc;

/* Parses LEN bytes of DATA (need not be NUL-terminated).  More than MAX
 * bytes is an error (MAX 0 = no limit besides the node/depth limits).
 * Returns a document to jdoc_free(), or NULL with E filled. */
struct jdoc *jdoc_parse(const char *data, size_t len, size_t max, struct err *e);
/* Frees DOC and everything accessors returned; NULL is fine. */
void jdoc_free(struct jdoc *doc);

/* The top-level value (never 0 for a parsed document). */
int jdoc_root(const struct jdoc *doc);
enum jdoc_type jdoc_type(const struct jdoc *doc, int node);
/* Follows object keys from NODE: jdoc_get(d, n, "A", "B", NULL) is n.A.B;
 * 0 when a step is missing or not an object. */
int jdoc_get(const struct jdoc *doc, int node, ...);
/* One step of jdoc_get(). */
int jdoc_member(const struct jdoc *doc, int node, const char *key);
/* Elements of an array or members of an object; 0 for anything else. */
size_t jdoc_count(const struct jdoc *doc, int node);
/* The I-th element of an array, or 0. */
int jdoc_at(const struct jdoc *doc, int node, size_t i);
/* The I-th member of an object: returns its value node and sets *KEY (may
 * be NULL) to the key, or returns 0. */
int jdoc_pair(const struct jdoc *doc, int node, size_t i, const char **key);

/* Scalar text as written (strings decoded, numbers/true/false/null
 * verbatim) and its length (strings may hold "\u0000"); NULL for
 * collections and node 0. */
const char *jdoc_scalar(const struct jdoc *doc, int node, size_t *len);
/* 1 when NODE is a quoted scalar (a JSON string), 0 when it is a plain one
 * (number, true, false, null) or not a scalar. */
int jdoc_is_quoted(const struct jdoc *doc, int node);
/* Typed getters: the value when NODE has that JSON type, else DEF.
 * jdoc_int() accepts integral numbers within long long only ("3", "-1",
 * "1e3" is refused: not written as an integer). */
const char *jdoc_string(const struct jdoc *doc, int node, const char *def);
long long jdoc_int(const struct jdoc *doc, int node, long long def);
int jdoc_bool(const struct jdoc *doc, int node, int def);
/* 1-based line and column where NODE starts (0 when unknown), for messages
 * like "config.json:3:5: currentContext: expected a string".  Columns count
 * characters, after surrogate-pair decoding. */
void jdoc_pos(const struct jdoc *doc, int node, unsigned long *line, unsigned long *col);

#endif
