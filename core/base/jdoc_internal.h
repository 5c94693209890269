/* jdoc_internal.h - the document behind a struct jdoc, shared by jdoc.c
 * (parsing) and jdoc_read.c (accessors).  Not for use outside core/base/jdoc*.c. */
#ifndef WS_JDOC_INTERNAL_H
#define WS_JDOC_INTERNAL_H

#include <yaml.h>

struct jdoc {
	yaml_document_t doc;
};

/* 1 when the N bytes at S are a JSON number (INTEGER_ONLY: an integer). */
int jdoc_text_is_number(const char *s, size_t n, int integer_only);
/* 1 when N is the plain scalar W (null, true, false). */
int jdoc_node_is_word(const yaml_node_t *n, const char *w);

#endif
