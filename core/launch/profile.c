/* profile.c - profile files: strict load, atomic save. */
#include "profile.h"
#include "modes.h"
#include "base/paths.h"
#include "base/show.h"
#include "base/validate.h"
#include "base/yemit.h"
#include "base/ytree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sections[] = { "privileged", "socket", "tcp", "ssh", "dind", "inner", NULL };

static int is_section(const char *k)
{
	for (const char *const *s = sections; *s; s++)
		if (!strcmp(*s, k))
			return 1;
	return 0;
}

static int node_err(struct err *e, const char *file, const struct ynode *n, const char *key,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int node_err(struct err *e, const char *file, const struct ynode *n, const char *key,
		    const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (key)
		return err_set(e, "%s:%d:%d: %s: %s", file, n ? n->line : 1, n ? n->col : 1, key, msg);
	return err_set(e, "%s:%d:%d: %s", file, n ? n->line : 1, n ? n->col : 1, msg);
}

struct pending {
	enum opt_id id;
	const struct ynode *node;
	const char *key;
};

/* Converts a scalar node for option DEF into its text value. */
static int scalar_for(const struct option_def *def, const struct ynode *v, const char *file,
		      const char **out, struct err *e)
{
	if (v->kind != YN_SCALAR || ynode_is_null(v)) {
		const char *want = def->type == OT_BOOL ? "true or false"
				   : def->type == OT_PORT ? "a port number"
							  : "a string";
		return node_err(e, file, v, def->key, "expected %s, got %s", want, ynode_kind_name(v));
	}
	int special = ((def->flags & OF_AUTO) && !strcmp(v->value, "auto")) ||
		      ((def->flags & OF_NONE_OK) && !strcmp(v->value, "none"));
	if (!special && v->quoted && def->type == OT_BOOL)
		return node_err(e, file, v, def->key, "expected true or false, got a quoted string");
	if (!special && v->quoted && def->type == OT_PORT)
		return node_err(e, file, v, def->key, "expected a port number, got a quoted string");
	*out = v->value;
	return 0;
}

static int parse_env(const struct ynode *map, const char *file, struct spec *s, struct err *e)
{
	if (map->kind != YN_MAP)
		return node_err(e, file, map, "env", "expected a mapping of NAME: value, got %s",
				ynode_kind_name(map));
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i], *v = map->items[i + 1];
		if (k->kind != YN_SCALAR)
			return node_err(e, file, k, "env", "expected a variable name, got %s", ynode_kind_name(k));
		struct err ve;
		if (validate_env_name(k->value, &ve))
			return node_err(e, file, k, "env", "%s", ve.msg);
		if (spec_env_has(s, k->value))
			return node_err(e, file, k, "env", "duplicate variable %s", k->value);
		if (v->kind != YN_SCALAR)
			return node_err(e, file, v, "env",
					"%s: expected a string (\"\" for empty, null to pass it through), got %s",
					k->value, ynode_kind_name(v));
		/* null: passed through from the environment at launch (`-e NAME`) */
		char *kv = ynode_is_null(v) ? xstrdup(k->value) : xasprintf("%s=%s", k->value, v->value);
		int rc = spec_env_set(s, kv, &ve);
		free(kv);
		if (rc)
			return node_err(e, file, v, "env", "%s", ve.msg);
	}
	return 0;
}

static int check_dup(const struct ynode *map, size_t i, const char *file, const char *section,
		     struct err *e)
{
	for (size_t j = 0; j < i; j += 2)
		if (map->items[j]->kind == YN_SCALAR && !strcmp(map->items[j]->value, map->items[i]->value)) {
			if (section)
				return node_err(e, file, map->items[i], NULL, "duplicate key %s.%s", section,
						map->items[i]->value);
			return node_err(e, file, map->items[i], NULL, "duplicate key %s",
					map->items[i]->value);
		}
	return 0;
}

static int collect(const struct ynode *map, const char *section, const char *file,
		   struct pending *pend, size_t *npend, struct err *e)
{
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i], *v = map->items[i + 1];
		if (k->kind != YN_SCALAR)
			return node_err(e, file, k, NULL, "expected a key, got %s", ynode_kind_name(k));
		if (check_dup(map, i, file, section, e))
			return -1;
		char *key = section ? xasprintf("%s.%s", section, k->value) : xstrdup(k->value);
		const struct option_def *def = option_by_key(key);
		free(key);
		if (!def) {
			char *sk = show_dup(k->value, 40);
			if (section)
				node_err(e, file, k, NULL, "unknown key %s in %s", sk, section);
			else
				node_err(e, file, k, NULL, "unknown key %s", sk);
			free(sk);
			return -1;
		}
		pend[*npend].id = def->id;
		pend[*npend].node = v;
		pend[*npend].key = def->key;
		(*npend)++;
	}
	return 0;
}

int profile_parse(const char *data, size_t len, const char *file, struct spec *out, struct err *e)
{
	struct err ye;
	int empty;
	if (len > PROFILE_MAX_BYTES)
		return err_set(e, "%s: too large (%zu bytes, max %d)", file, len, PROFILE_MAX_BYTES);
	struct ynode *root = ytree_load(data, len, &empty, &ye);
	if (!root) {
		if (empty)
			return err_set(e, "%s:1:1: empty profile, expected a mapping starting with "
					  "'version: 1'", file);
		return err_set(e, "%s:%s", file, ye.msg);
	}
	struct spec s;
	spec_init(&s);
	struct pending pend[OPT__COUNT * 2];
	size_t npend = 0;
	const struct ynode *version = NULL, *mode = NULL, *envn = NULL;
	int rc = -1;

	if (root->kind != YN_MAP) {
		node_err(e, file, root, NULL, "expected a mapping of options, got %s", ynode_kind_name(root));
		goto out;
	}
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const struct ynode *k = root->items[i], *v = root->items[i + 1];
		if (k->kind != YN_SCALAR) {
			node_err(e, file, k, NULL, "expected a key, got %s", ynode_kind_name(k));
			goto out;
		}
		if (check_dup(root, i, file, NULL, e))
			goto out;
		if (!strcmp(k->value, "version")) {
			version = v;
		} else if (!strcmp(k->value, "mode")) {
			mode = v;
		} else if (!strcmp(k->value, "env")) {
			envn = v;
		} else if (is_section(k->value)) {
			if (v->kind != YN_MAP) {
				node_err(e, file, v, k->value, "expected a mapping, got %s", ynode_kind_name(v));
				goto out;
			}
			if (npend + v->n / 2 > sizeof(pend) / sizeof(pend[0])) {
				node_err(e, file, v, k->value, "too many keys");
				goto out;
			}
			if (collect(v, k->value, file, pend, &npend, e))
				goto out;
		} else {
			if (strchr(k->value, '.') || !option_by_key(k->value)) {
				char *sk = show_dup(k->value, 40);
				node_err(e, file, k, NULL, "unknown key %s", sk);
				free(sk);
				goto out;
			}
			struct ynode one = { .kind = YN_MAP, .items = root->items + i, .n = 2 };
			if (npend + 1 > sizeof(pend) / sizeof(pend[0]) ||
			    collect(&one, NULL, file, pend, &npend, e))
				goto out;
		}
	}
	if (!version) {
		node_err(e, file, root, NULL, "missing 'version: %d'", PROFILE_VERSION);
		goto out;
	}
	if (version->kind != YN_SCALAR || version->quoted) {
		node_err(e, file, version, "version", "expected a number, got %s",
			 version->kind == YN_SCALAR ? "a quoted string" : ynode_kind_name(version));
		goto out;
	}
	long ver;
	if (parse_long(version->value, 0, 1000000, &ver, NULL) || ver < 1) {
		char *sv = show_dup(version->value, 20);
		node_err(e, file, version, "version", "expected %d, got %s", PROFILE_VERSION, sv);
		free(sv);
		goto out;
	}
	if (ver > PROFILE_VERSION) {
		node_err(e, file, version, "version",
			 "written by a newer ws-launch (version %ld); this one reads version %d", ver,
			 PROFILE_VERSION);
		goto out;
	}
	if (!mode) {
		node_err(e, file, root, NULL, "missing 'mode:' (one of %s)", mode_names());
		goto out;
	}
	if (mode->kind != YN_SCALAR || ynode_is_null(mode)) {
		node_err(e, file, mode, "mode", "expected one of %s, got %s", mode_names(),
			 ynode_kind_name(mode));
		goto out;
	}
	const struct mode *m = mode_by_name(mode->value);
	if (!m) {
		char *sv = show_dup(mode->value, 40);
		node_err(e, file, mode, "mode", "unknown mode %s (one of %s)", sv, mode_names());
		free(sv);
		goto out;
	}
	s.mode = mode_id_of(m);
	for (size_t i = 0; i < npend; i++) {
		const struct option_def *def = option_get(pend[i].id);
		const char *val = NULL;
		struct err ve;
		if (!option_applies(def, s.mode)) {
			node_err(e, file, pend[i].node, pend[i].key, "does not apply to mode %s", m->name);
			goto out;
		}
		if (scalar_for(def, pend[i].node, file, &val, e))
			goto out;
		if (spec_set(&s, def->id, val, &ve)) {
			node_err(e, file, pend[i].node, pend[i].key, "%s", ve.msg);
			goto out;
		}
	}
	if (envn && parse_env(envn, file, &s, e))
		goto out;
	spec_release(out);
	*out = s;
	spec_init(&s);
	rc = 0;
out:
	spec_release(&s);
	ytree_free(root);
	return rc;
}

/* ---- writing ---- */

static int should_write(const struct spec *s, const struct option_def *def)
{
	if (!option_applies(def, s->mode))
		return 0;
	if (s->val[def->id])
		return 1;
	/* Under --minimal an unset option means the docs form, which a mode may
	 * read differently from the same value given explicitly (dind keeps
	 * the workspace volume when --volume is not given): keep it unset, so
	 * the profile plans what it was saved from (found by
	 * tests/fuzz/fuzz_profile). */
	if (spec_minimal(s) && def->minimal_def)
		return 0;
	if (def->flags & OF_SAVED)
		return 1;
	if (def->modes == MODES_ALL || (def->flags & OF_ADVANCED) || !def->def || !strcmp(def->def, "none"))
		return 0;
	return 1;
}

static void emit_option(struct yemit *y, const struct spec *s, const struct option_def *def)
{
	const char *dot = strchr(def->key, '.');
	const char *v = spec_get(s, def->id);
	yemit_plain(y, dot ? dot + 1 : def->key);
	if (def->type == OT_BOOL || (def->type == OT_PORT && strcmp(v, "none")))
		yemit_plain(y, v);
	else
		yemit_str(y, v);
}

int profile_format(const struct spec *s, struct strbuf *out, struct err *e)
{
	const struct mode *m = mode_get(s->mode);
	if (!m)
		return err_set(e, "no mode to save");
	struct yemit y;
	if (yemit_init(&y, out, 0))
		return err_set(e, "out of memory");
	yemit_map(&y);
	yemit_plain(&y, "version");
	yemit_int(&y, PROFILE_VERSION);
	yemit_plain(&y, "mode");
	yemit_plain(&y, m->name);
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *def = &option_table[i];
		if (!strchr(def->key, '.') && should_write(s, def))
			emit_option(&y, s, def);
	}
	if (s->env.n) {
		yemit_plain(&y, "env");
		yemit_map(&y);
		for (size_t i = 0; i < s->env.n; i++) {
			const char *kv = s->env.v[i];
			size_t n = strcspn(kv, "=");
			char *name = xstrndup(kv, n);
			yemit_plain(&y, name);
			if (kv[n])
				yemit_str(&y, kv + n + 1);
			else
				yemit_plain(&y, "null"); /* passed through at launch */
			free(name);
		}
		yemit_end_map(&y);
	}
	for (const char *const *sec = sections; *sec; sec++) {
		size_t sl = strlen(*sec);
		int opened = 0;
		for (int i = 0; i < OPT__COUNT; i++) {
			const struct option_def *def = &option_table[i];
			if (strncmp(def->key, *sec, sl) || def->key[sl] != '.' || !should_write(s, def))
				continue;
			if (!opened) {
				yemit_plain(&y, *sec);
				yemit_map(&y);
			}
			opened = 1;
			emit_option(&y, s, def);
		}
		if (opened)
			yemit_end_map(&y);
	}
	yemit_end_map(&y);
	return yemit_finish(&y, e);
}

/* ---- files ---- */

char *profile_path(const char *config, const char *name, struct err *e)
{
	struct err ne;
	if (validate_profile_name(name, &ne)) {
		err_set(e, "profile name %s", ne.msg);
		return NULL;
	}
	char *dir = paths_config_sub(config, "profiles", e);
	if (!dir)
		return NULL;
	if (paths_check_private(dir, e)) {
		free(dir);
		return NULL;
	}
	char *p = xasprintf("%s/%s.yaml", dir, name);
	free(dir);
	return p;
}

int profile_load_file(const char *path, struct spec *out, struct err *e)
{
	size_t len;
	struct err re;
	char *data = file_read_limited(path, PROFILE_MAX_BYTES, &len, &re);
	if (!data)
		return err_set(e, "%s: %s", path, re.msg);
	int rc = profile_parse(data, len, path, out, e);
	free(data);
	return rc;
}

int profile_load(const char *config, const char *name, struct spec *out, struct err *e)
{
	char *path = profile_path(config, name, e);
	if (!path)
		return -1;
	int rc;
	if (access(path, F_OK) && errno == ENOENT)
		rc = err_set(e, "no profile named %s (%s); see 'ws-launch profile list'", name, path);
	else
		rc = profile_load_file(path, out, e);
	free(path);
	return rc;
}

int profile_exists(const char *config, const char *name)
{
	char *path = profile_path(config, name, NULL);
	int r = path && !access(path, F_OK);
	free(path);
	return r;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int profile_save(const char *config, const char *name, const struct spec *s, int replace,
		 struct err *e)
{
	struct strbuf text = STRBUF_INIT;
	struct spec check;
	int rc = -1, fd = -1;
	char *path = profile_path(config, name, e);
	char *dir = NULL, *tmp = NULL;
	if (!path)
		return -1;
	if (profile_format(s, &text, e))
		goto out;
	/* What we write must load back: never leave a file we would refuse. */
	spec_init(&check);
	rc = profile_parse(text.buf, text.len, path, &check, e);
	spec_release(&check);
	if (rc)
		goto out;
	rc = -1;
	dir = paths_config_sub(config, "profiles", e);
	if (!dir || paths_mkdirs(dir, e))
		goto out;
	tmp = xasprintf("%s/.%s.yaml.XXXXXX", dir, name);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err_set(e, "cannot create a file in %s: %s", dir, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) || write_all(fd, text.buf, text.len) || fsync(fd)) {
		err_set(e, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd)) {
		fd = -1;
		err_set(e, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (!replace) {
		/* link(2) fails with EEXIST if the name appeared meanwhile: the
		 * check and the creation are one step. */
		if (link(tmp, path)) {
			if (errno == EEXIST) {
				err_set(e, "profile %s exists; use --force to replace it", name);
				rc = 1;
			} else {
				err_set(e, "cannot create %s: %s", path, strerror(errno));
			}
			goto out;
		}
		/* tmp is unlinked below. */
		rc = 0;
		goto out;
	}
	if (rename(tmp, path)) {
		err_set(e, "cannot replace %s: %s", path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	free(path);
	strbuf_release(&text);
	return rc;
}

int profile_remove(const char *config, const char *name, struct err *e)
{
	char *path = profile_path(config, name, e);
	if (!path)
		return -1;
	int rc = 0;
	if (unlink(path)) {
		if (errno == ENOENT)
			rc = err_set(e, "no profile named %s", name);
		else
			rc = err_set(e, "cannot remove %s: %s", path, strerror(errno));
	}
	free(path);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct profile_entry *)a)->name, ((const struct profile_entry *)b)->name);
}

long profile_list(const char *config, struct profile_entry **out, struct err *e)
{
	*out = NULL;
	char *dir = paths_config_sub(config, "profiles", e);
	if (!dir)
		return -1;
	if (paths_check_private(dir, e)) {
		free(dir);
		return -1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		long r = errno == ENOENT ? 0 : err_set(e, "cannot read %s: %s", dir, strerror(errno));
		free(dir);
		return r;
	}
	struct profile_entry *list = NULL;
	long n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml") || de->d_name[0] == '.')
			continue;
		char *name = xstrndup(de->d_name, len - 5);
		if (validate_profile_name(name, NULL)) {
			free(name);
			continue;
		}
		list = xrealloc(list, (size_t)(n + 1) * sizeof(*list));
		struct profile_entry *pe = &list[n++];
		memset(pe, 0, sizeof(*pe));
		pe->name = name;
		char *path = xasprintf("%s/%s", dir, de->d_name);
		struct stat st;
		if (!stat(path, &st))
			pe->mtime = st.st_mtime;
		struct spec s;
		struct err le;
		spec_init(&s);
		if (profile_load_file(path, &s, &le)) {
			pe->error = xstrdup(le.msg);
		} else {
			pe->mode = xstrdup(mode_get(s.mode)->name);
			pe->image = xstrdup(spec_get(&s, OPT_IMAGE));
		}
		spec_release(&s);
		free(path);
	}
	closedir(d);
	free(dir);
	if (n)
		qsort(list, (size_t)n, sizeof(*list), entry_cmp);
	*out = list;
	return n;
}

void profile_list_free(struct profile_entry *list, long n)
{
	for (long i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].mode);
		free(list[i].image);
		free(list[i].error);
	}
	free(list);
}
