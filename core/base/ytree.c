/* ytree.c - event-driven YAML loading with strict limits. */
#include "ytree.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#define YTREE_MAX_DEPTH 16
#define YTREE_MAX_NODES 4096

struct loader {
	yaml_parser_t parser;
	const char *data;
	size_t len;
	size_t nodes;
	struct err *e;
};

static int mark_err(struct err *e, yaml_mark_t m, const char *msg)
{
	return err_set(e, "%zu:%zu: %s", m.line + 1, m.column + 1, msg);
}

static int parser_err(struct loader *ld)
{
	yaml_parser_t *p = &ld->parser;
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "invalid YAML";
	if (p->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset, not a mark: count lines. */
		size_t line = 1, col = 1;
		for (size_t i = 0; i < p->problem_offset && i < ld->len; i++) {
			if (ld->data[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)ld->data[i] & 0xc0) != 0x80) {
				col++;
			}
		}
		return err_set(ld->e, "%zu:%zu: %s (not UTF-8 text)", line, col, problem);
	}
	if (p->context)
		return err_set(ld->e, "%zu:%zu: %s %s", m.line + 1, m.column + 1, problem, p->context);
	return mark_err(ld->e, m, problem);
}

static struct ynode *node_new(struct loader *ld, enum ynode_kind kind, yaml_mark_t m)
{
	if (++ld->nodes > YTREE_MAX_NODES) {
		mark_err(ld->e, m, "too many nodes (max 4096)");
		return NULL;
	}
	struct ynode *n = xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (int)m.line + 1;
	n->col = (int)m.column + 1;
	return n;
}

static void node_push(struct ynode *parent, struct ynode *child)
{
	parent->items = xrealloc(parent->items, (parent->n + 1) * sizeof(*parent->items));
	parent->items[parent->n++] = child;
}

void ytree_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ytree_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

/* Parses the node that begins with event EV (already read). */
static struct ynode *parse_node(struct loader *ld, yaml_event_t *ev, int depth)
{
	struct ynode *n = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		mark_err(ld->e, ev->start_mark, "aliases (*name) are not allowed here");
		return NULL;
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor) {
			mark_err(ld->e, ev->start_mark, "anchors (&name) are not allowed here");
			return NULL;
		}
		if (ev->data.scalar.tag && !ev->data.scalar.plain_implicit &&
		    !ev->data.scalar.quoted_implicit) {
			mark_err(ld->e, ev->start_mark, "YAML tags (!!int, !name) are not allowed here");
			return NULL;
		}
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length)) {
			mark_err(ld->e, ev->start_mark, "NUL byte in a value");
			return NULL;
		}
		n = node_new(ld, YN_SCALAR, ev->start_mark);
		if (!n)
			return NULL;
		n->value = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		return n;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		int map = ev->type == YAML_MAPPING_START_EVENT;
		yaml_char_t *anchor = map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
		int tagged = map ? ev->data.mapping_start.tag && !ev->data.mapping_start.implicit
				 : ev->data.sequence_start.tag && !ev->data.sequence_start.implicit;
		if (tagged) {
			mark_err(ld->e, ev->start_mark, "YAML tags (!!map, !name) are not allowed here");
			return NULL;
		}
		if (anchor) {
			mark_err(ld->e, ev->start_mark, "anchors (&name) are not allowed here");
			return NULL;
		}
		if (depth >= YTREE_MAX_DEPTH) {
			mark_err(ld->e, ev->start_mark, "nested too deeply (max 16 levels)");
			return NULL;
		}
		n = node_new(ld, map ? YN_MAP : YN_SEQ, ev->start_mark);
		if (!n)
			return NULL;
		for (;;) {
			yaml_event_t child;
			if (!yaml_parser_parse(&ld->parser, &child)) {
				parser_err(ld);
				ytree_free(n);
				return NULL;
			}
			if (child.type == YAML_MAPPING_END_EVENT || child.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&child);
				return n;
			}
			struct ynode *c = parse_node(ld, &child, depth + 1);
			yaml_event_delete(&child);
			if (!c) {
				ytree_free(n);
				return NULL;
			}
			node_push(n, c);
		}
	}
	default:
		mark_err(ld->e, ev->start_mark, "unexpected YAML event");
		return NULL;
	}
}

struct ynode *ytree_load(const char *data, size_t len, int *empty, struct err *e)
{
	struct loader ld = { .e = e, .data = data, .len = len };
	struct ynode *root = NULL;
	yaml_event_t ev;
	int state = 0; /* 0 before doc, 1 got root, 2 after doc end */
	*empty = 0;
	if (memchr(data, '\0', len))
		return err_set(e, "1:1: binary data (NUL byte), not YAML text"), NULL;
	if (!yaml_parser_initialize(&ld.parser))
		return err_set(e, "1:1: out of memory"), NULL;
	yaml_parser_set_input_string(&ld.parser, (const unsigned char *)data, len);
	for (;;) {
		if (!yaml_parser_parse(&ld.parser, &ev)) {
			parser_err(&ld);
			goto fail;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (state != 0) {
				mark_err(e, ev.start_mark, "more than one YAML document");
				yaml_event_delete(&ev);
				goto fail;
			}
			break;
		default:
			if (state != 0) {
				mark_err(e, ev.start_mark, "more than one YAML document");
				yaml_event_delete(&ev);
				goto fail;
			}
			root = parse_node(&ld, &ev, 0);
			if (!root) {
				yaml_event_delete(&ev);
				goto fail;
			}
			state = 1;
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&ld.parser);
	if (!root)
		*empty = 1;
	else if (root->kind == YN_SCALAR && !root->quoted && ynode_is_null(root)) {
		ytree_free(root);
		root = NULL;
		*empty = 1;
	}
	return root;
fail:
	yaml_parser_delete(&ld.parser);
	ytree_free(root);
	return NULL;
}

int ynode_is_null(const struct ynode *n)
{
	if (!n || n->kind != YN_SCALAR || n->quoted)
		return 0;
	const char *v = n->value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

const char *ynode_kind_name(const struct ynode *n)
{
	if (!n)
		return "nothing";
	switch (n->kind) {
	case YN_MAP: return "a mapping";
	case YN_SEQ: return "a list";
	case YN_SCALAR: return ynode_is_null(n) ? "null" : "a scalar";
	}
	return "?";
}

static const char *file_kind(mode_t m)
{
	if (S_ISFIFO(m)) return "fifo";
	if (S_ISDIR(m)) return "directory";
	if (S_ISCHR(m)) return "character device";
	if (S_ISBLK(m)) return "block device";
	if (S_ISSOCK(m)) return "socket";
	return "special file";
}

/* Opens PATH non-blocking and checks it is a regular file of at most MAX
 * bytes: the fd, or -1 with E. */
static int open_regular(const char *path, size_t max, struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return err_set(e, "cannot read: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st)) {
		err_set(e, "cannot read: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(e, "cannot read: not a regular file (%s)", file_kind(st.st_mode));
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		return err_set(e, "too large (%lld bytes, max %zu)", (long long)st.st_size, max);
	}
	return fd;
}

int file_check_regular(const char *path, size_t max, struct err *e)
{
	int fd = open_regular(path, max, e);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

char *file_read_limited(const char *path, size_t max, size_t *len, struct err *e)
{
	int fd = open_regular(path, max, e);
	if (fd < 0)
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, "cannot read: %s", strerror(errno));
			close(fd);
			strbuf_release(&sb);
			return NULL;
		}
		if (n == 0)
			break;
		if (sb.len + (size_t)n > max) {
			err_set(e, "too large (more than %zu bytes)", max);
			close(fd);
			strbuf_release(&sb);
			return NULL;
		}
		strbuf_add(&sb, buf, (size_t)n);
	}
	close(fd);
	return strbuf_detach(&sb, len);
}
