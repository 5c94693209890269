/* jdoc_read.c - reading a parsed JSON document (jdoc.h): nodes by id,
 * members, items, scalars and their positions. */
#include "jdoc.h"
#include "jdoc_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- accessors ----------------------------------------------------------- */

static yaml_node_t *node_of(const struct jdoc *doc, int node)
{
	if (!doc || node <= 0)
		return NULL;
	return yaml_document_get_node((yaml_document_t *)&doc->doc, node);
}

int jdoc_root(const struct jdoc *doc)
{
	return doc && doc->doc.nodes.start < doc->doc.nodes.top ? 1 : 0;
}

enum jdoc_type jdoc_type(const struct jdoc *doc, int node)
{
	yaml_node_t *n = node_of(doc, node);
	if (!n)
		return JDOC_NONE;
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return JDOC_OBJECT;
	case YAML_SEQUENCE_NODE:
		return JDOC_ARRAY;
	case YAML_SCALAR_NODE:
		if (n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
			return JDOC_STRING;
		if (jdoc_node_is_word(n, "null"))
			return JDOC_NULL;
		if (jdoc_node_is_word(n, "true") || jdoc_node_is_word(n, "false"))
			return JDOC_BOOL;
		return JDOC_NUMBER;
	default:
		return JDOC_NONE;
	}
}

int jdoc_member(const struct jdoc *doc, int node, const char *key)
{
	yaml_node_t *n = node_of(doc, node);
	size_t kl;
	if (!n || n->type != YAML_MAPPING_NODE || !key)
		return 0;
	kl = strlen(key);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_of(doc, p->key);
		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == kl &&
		    !memcmp(k->data.scalar.value, key, kl))
			return p->value;
	}
	return 0;
}

int jdoc_get(const struct jdoc *doc, int node, ...)
{
	va_list ap;
	const char *key;
	va_start(ap, node);
	while (node && (key = va_arg(ap, const char *)))
		node = jdoc_member(doc, node, key);
	va_end(ap);
	return node;
}

size_t jdoc_count(const struct jdoc *doc, int node)
{
	yaml_node_t *n = node_of(doc, node);
	if (!n)
		return 0;
	if (n->type == YAML_SEQUENCE_NODE)
		return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (n->type == YAML_MAPPING_NODE)
		return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	return 0;
}

int jdoc_at(const struct jdoc *doc, int node, size_t i)
{
	yaml_node_t *n = node_of(doc, node);
	if (!n || n->type != YAML_SEQUENCE_NODE || i >= jdoc_count(doc, node))
		return 0;
	return n->data.sequence.items.start[i];
}

int jdoc_pair(const struct jdoc *doc, int node, size_t i, const char **key)
{
	yaml_node_t *n = node_of(doc, node);
	if (!n || n->type != YAML_MAPPING_NODE || i >= jdoc_count(doc, node))
		return 0;
	yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
	if (key) {
		yaml_node_t *k = node_of(doc, p->key);
		*key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
	}
	return p->value;
}

const char *jdoc_scalar(const struct jdoc *doc, int node, size_t *len)
{
	yaml_node_t *n = node_of(doc, node);
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	if (len)
		*len = n->data.scalar.length;
	return (const char *)n->data.scalar.value;
}

int jdoc_is_quoted(const struct jdoc *doc, int node)
{
	return jdoc_type(doc, node) == JDOC_STRING;
}

const char *jdoc_string(const struct jdoc *doc, int node, const char *def)
{
	if (jdoc_type(doc, node) != JDOC_STRING)
		return def;
	return jdoc_scalar(doc, node, NULL);
}

long long jdoc_int(const struct jdoc *doc, int node, long long def)
{
	size_t len = 0;
	const char *s;
	char *end;
	long long v;
	if (jdoc_type(doc, node) != JDOC_NUMBER)
		return def;
	s = jdoc_scalar(doc, node, &len);
	if (!jdoc_text_is_number(s, len, 1))
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || end != s + len)
		return def;
	return v;
}

int jdoc_bool(const struct jdoc *doc, int node, int def)
{
	yaml_node_t *n = node_of(doc, node);
	if (jdoc_type(doc, node) != JDOC_BOOL)
		return def;
	return jdoc_node_is_word(n, "true");
}

void jdoc_pos(const struct jdoc *doc, int node, unsigned long *line, unsigned long *col)
{
	yaml_node_t *n = node_of(doc, node);
	*line = n ? (unsigned long)n->start_mark.line + 1 : 0;
	*col = n ? (unsigned long)n->start_mark.column + 1 : 0;
}
