/* jsonw.h - a small JSON writer (pretty, 2-space indent) into a strbuf.
 *
 * libyaml's emitter cannot produce strict JSON (it writes \x, \e, \N
 * escapes and may fold lines), so JSON output goes through this writer;
 * JSON input is parsed with libyaml (jdoc.h).  Strings are escaped per RFC
 * 8259; invalid UTF-8 bytes become U+FFFD so the output is always valid.
 * Misuse (unbalanced begin/end) is a programming error: abort(). */
#ifndef WS_JSONW_H
#define WS_JSONW_H

struct strbuf;

#define JSONW_MAX_DEPTH 32

struct jsonw {
	struct strbuf *out;
	int depth;
	int count[JSONW_MAX_DEPTH]; /* items written at each level */
	int after_key;
};

void jsonw_init(struct jsonw *w, struct strbuf *out);
void jsonw_obj_begin(struct jsonw *w);
void jsonw_obj_end(struct jsonw *w);
void jsonw_arr_begin(struct jsonw *w);
void jsonw_arr_end(struct jsonw *w);
void jsonw_key(struct jsonw *w, const char *key);
void jsonw_str(struct jsonw *w, const char *s); /* NULL writes null */
void jsonw_int(struct jsonw *w, long long v);
void jsonw_bool(struct jsonw *w, int v);
void jsonw_null(struct jsonw *w);
/* Shorthands for "key": value. */
void jsonw_kstr(struct jsonw *w, const char *key, const char *s);
void jsonw_kint(struct jsonw *w, const char *key, long long v);
void jsonw_kbool(struct jsonw *w, const char *key, int v);
/* Appends S as a JSON string literal (with quotes) to SB. */
void json_escape(struct strbuf *sb, const char *s);

#endif
