/* yemit.h - writing YAML with libyaml's emitter into a strbuf.
 *
 * A thin layer over yaml_emitter_emit that keeps one document open and
 * remembers the first failure, so callers emit without checking each call
 * and ask yemit_finish() once.  Strings are emitted so they read back as the
 * same string: a value YAML would take for a bool, null or number ("yes",
 * "8080", "~") is double-quoted; yemit_plain() is for real numbers/bools.
 * A string that is not valid UTF-8 (libyaml would write some such strings
 * as escapes it cannot read back) is a failure too.
 * Ownership: OUT is the caller's; yemit_finish() releases the emitter (also
 * after a failure) and returns 0 or -1 with E. */
#ifndef WS_YEMIT_H
#define WS_YEMIT_H

#include <yaml.h>

#include "err.h"
#include "strbuf.h"

struct yemit {
	yaml_emitter_t em;
	int failed;
	int open;
	const char *problem;   /* our own first failure (libyaml's is in em) */
};

/* Starts a stream with one document (explicit "---" when EXPLICIT). */
int yemit_init(struct yemit *y, struct strbuf *out, int explicit_start);
void yemit_map(struct yemit *y);       /* block mapping */
void yemit_flow_map(struct yemit *y);  /* { a: b } */
void yemit_seq(struct yemit *y);       /* block sequence */
void yemit_flow_seq(struct yemit *y);  /* [a, b] */
void yemit_end_map(struct yemit *y);
void yemit_end_seq(struct yemit *y);
void yemit_str(struct yemit *y, const char *s);
void yemit_plain(struct yemit *y, const char *s);
void yemit_int(struct yemit *y, long long v);
void yemit_bool(struct yemit *y, int v);
/* key: "value" */
void yemit_kv(struct yemit *y, const char *key, const char *value);
void yemit_kv_int(struct yemit *y, const char *key, long long v);
void yemit_kv_bool(struct yemit *y, const char *key, int v);
/* 1 when S would not read back as a string if written plain. */
int yemit_looks_typed(const char *s);
int yemit_finish(struct yemit *y, struct err *e);

#endif
