/* theme.c - theme files: strict loading, fallback, degradation. */
#include "theme.h"
#include "base/paths.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "base/ytree.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const theme_role_names[TR__COUNT] = {
	[TR_TEXT] = "text", [TR_DIM] = "dim", [TR_TITLE] = "title", [TR_ACCENT] = "accent",
	[TR_SELECTION] = "selection", [TR_BORDER] = "border", [TR_KEY] = "key", [TR_CODE] = "code",
	[TR_PASS] = "pass", [TR_WARN] = "warn", [TR_FAIL] = "fail", [TR_PENDING] = "pending",
};

static const struct {
	const char *name;
	unsigned bit;
} attr_names[] = {
	{ "bold", THEME_BOLD }, { "underline", THEME_UNDERLINE }, { "reverse", THEME_REVERSE },
	{ "dim", THEME_DIM },
};

/* The built-in default: themes/default.yaml says the same (test_theme
 * checks that they agree). */
static const struct {
	const char *fg, *bg;
	unsigned attrs;
} builtin[TR__COUNT] = {
	[TR_TEXT] = { "default", "default", 0 },
	[TR_DIM] = { "245", NULL, 0 },
	[TR_TITLE] = { "117", NULL, THEME_BOLD },
	[TR_ACCENT] = { "81", NULL, 0 },
	[TR_SELECTION] = { "231", "24", THEME_BOLD },
	[TR_BORDER] = { "240", NULL, 0 },
	[TR_KEY] = { "221", NULL, THEME_BOLD },
	[TR_CODE] = { "187", NULL, 0 },
	[TR_PASS] = { "114", NULL, 0 },
	[TR_WARN] = { "214", NULL, 0 },
	[TR_FAIL] = { "203", NULL, THEME_BOLD },
	[TR_PENDING] = { "110", NULL, 0 },
};

/* What a role needs to stay distinguishable without colours. */
static const unsigned mono_min[TR__COUNT] = {
	[TR_TITLE] = THEME_BOLD, [TR_SELECTION] = THEME_REVERSE, [TR_KEY] = THEME_BOLD,
	[TR_FAIL] = THEME_BOLD, [TR_DIM] = THEME_DIM, [TR_PENDING] = THEME_DIM,
};

void theme_builtin(struct theme *t)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "default");
	for (int i = 0; i < TR__COUNT; i++) {
		struct theme_style *s = &t->role[i];
		colour_parse(builtin[i].fg, &s->fg, NULL);
		s->set = THEME_SET_FG | THEME_SET_ATTRS;
		if (builtin[i].bg) {
			colour_parse(builtin[i].bg, &s->bg, NULL);
			s->set |= THEME_SET_BG;
		} else {
			s->bg.kind = COLOUR_DEFAULT;
		}
		s->attrs = builtin[i].attrs;
	}
}

static int node_err(struct err *e, const char *file, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int node_err(struct err *e, const char *file, const struct ynode *n, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(e, "%s:%d:%d: %s", file, n ? n->line : 1, n ? n->col : 1, msg);
}

static const char *role_list(void)
{
	return "text, dim, title, accent, selection, border, key, code, pass, warn, fail, pending";
}

static int dup_key(const struct ynode *map, size_t i)
{
	for (size_t j = 0; j < i; j += 2)
		if (map->items[j]->kind == YN_SCALAR && !strcmp(map->items[j]->value, map->items[i]->value))
			return 1;
	return 0;
}

static int parse_attrs(const struct ynode *v, const char *file, const char *role, unsigned *out,
		       struct err *e)
{
	const struct ynode *one = v;
	size_t n = 1;
	if (v->kind == YN_SEQ)
		n = v->n;
	else if (v->kind != YN_SCALAR || ynode_is_null(v))
		return node_err(e, file, v, "%s.attrs: expected bold, underline, reverse, dim or a list of them, got %s",
				role, ynode_kind_name(v));
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		if (v->kind == YN_SEQ)
			one = v->items[i];
		if (one->kind != YN_SCALAR)
			return node_err(e, file, one, "%s.attrs: expected an attribute name, got %s", role,
					ynode_kind_name(one));
		size_t k;
		for (k = 0; k < sizeof(attr_names) / sizeof(attr_names[0]); k++)
			if (!strcmp(attr_names[k].name, one->value))
				break;
		if (k == sizeof(attr_names) / sizeof(attr_names[0])) {
			char *sv = show_dup(one->value, 32);
			node_err(e, file, one, "%s.attrs: %s is not one of bold, underline, reverse, dim", role, sv);
			free(sv);
			return -1;
		}
		*out |= attr_names[k].bit;
	}
	return 0;
}

static int parse_style(const struct ynode *v, const char *file, const char *role, struct theme_style *s,
		       struct err *e)
{
	if (v->kind != YN_MAP)
		return node_err(e, file, v, "%s: expected a mapping with fg, bg and attrs, got %s", role,
				ynode_kind_name(v));
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->items[i], *val = v->items[i + 1];
		if (k->kind != YN_SCALAR)
			return node_err(e, file, k, "%s: expected fg, bg or attrs, got %s", role, ynode_kind_name(k));
		if (dup_key(v, i))
			return node_err(e, file, k, "%s: duplicate key %s", role, k->value);
		int is_fg = !strcmp(k->value, "fg"), is_bg = !strcmp(k->value, "bg");
		if (is_fg || is_bg) {
			if (val->kind != YN_SCALAR || ynode_is_null(val))
				return node_err(e, file, val,
						"%s.%s: expected a colour, got %s (quote \"#rrggbb\": a bare # starts a comment)",
						role, k->value, ynode_kind_name(val));
			struct err ce;
			if (colour_parse(val->value, is_fg ? &s->fg : &s->bg, &ce))
				return node_err(e, file, val, "%s.%s: %s", role, k->value, ce.msg);
			s->set |= is_fg ? THEME_SET_FG : THEME_SET_BG;
		} else if (!strcmp(k->value, "attrs")) {
			if (parse_attrs(val, file, role, &s->attrs, e))
				return -1;
			s->set |= THEME_SET_ATTRS;
		} else {
			char *sv = show_dup(k->value, 32);
			node_err(e, file, k, "%s: unknown key %s (expected fg, bg, attrs)", role, sv);
			free(sv);
			return -1;
		}
	}
	return 0;
}

/* Roles the file left out come from the built-in default; missing fg/bg
 * inside a role are the text role's. */
static void finish(struct theme *t, const int *given)
{
	struct theme def;
	theme_builtin(&def);
	if (!given[TR_TEXT])
		t->role[TR_TEXT] = def.role[TR_TEXT];
	struct theme_style *text = &t->role[TR_TEXT];
	if (!(text->set & THEME_SET_FG))
		text->fg.kind = COLOUR_DEFAULT;
	if (!(text->set & THEME_SET_BG))
		text->bg.kind = COLOUR_DEFAULT;
	for (int i = 0; i < TR__COUNT; i++) {
		if (i == TR_TEXT)
			continue;
		struct theme_style *s = &t->role[i];
		if (!given[i]) {
			*s = def.role[i];
		}
		if (!(s->set & THEME_SET_FG))
			s->fg = text->fg;
		if (!(s->set & THEME_SET_BG))
			s->bg = text->bg;
	}
}

int theme_parse(const char *data, size_t len, const char *file, struct theme *out, struct err *e)
{
	int empty = 0;
	struct err ye;
	struct ynode *root = ytree_load(data, len, &empty, &ye);
	if (!root) {
		if (empty)
			return err_set(e, "%s:1:1: empty theme (expected version, name and roles)", file);
		return err_set(e, "%s:%s", file, ye.msg);
	}
	struct theme t;
	int given[TR__COUNT] = { 0 };
	int rc = -1, have_roles = 0;
	memset(&t, 0, sizeof(t));
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	snprintf(t.name, sizeof(t.name), "%.*s", (int)strcspn(base, "."), base);
	if (root->kind != YN_MAP) {
		node_err(e, file, root, "expected a mapping with version, name and roles, got %s",
			 ynode_kind_name(root));
		goto out;
	}
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const struct ynode *k = root->items[i], *v = root->items[i + 1];
		if (k->kind != YN_SCALAR) {
			node_err(e, file, k, "expected a key, got %s", ynode_kind_name(k));
			goto out;
		}
		if (dup_key(root, i)) {
			node_err(e, file, k, "duplicate key %s", k->value);
			goto out;
		}
		if (!strcmp(k->value, "version")) {
			if (v->kind != YN_SCALAR || v->quoted || strcmp(v->value, "1")) {
				node_err(e, file, v, "version: expected 1 (this ws-launch reads version 1 themes)");
				goto out;
			}
		} else if (!strcmp(k->value, "name") || !strcmp(k->value, "description")) {
			if (v->kind != YN_SCALAR || ynode_is_null(v)) {
				node_err(e, file, v, "%s: expected a string, got %s", k->value, ynode_kind_name(v));
				goto out;
			}
			if (!strcmp(k->value, "name")) {
				struct err ne;
				if (validate_profile_name(v->value, &ne)) {
					node_err(e, file, v, "name: %s", ne.msg);
					goto out;
				}
				snprintf(t.name, sizeof(t.name), "%s", v->value);
			}
		} else if (!strcmp(k->value, "roles")) {
			if (v->kind != YN_MAP) {
				node_err(e, file, v, "roles: expected a mapping of role: style, got %s",
					 ynode_kind_name(v));
				goto out;
			}
			have_roles = 1;
			for (size_t j = 0; j + 1 < v->n; j += 2) {
				const struct ynode *rk = v->items[j], *rv = v->items[j + 1];
				int r;
				if (rk->kind != YN_SCALAR) {
					node_err(e, file, rk, "roles: expected a role name, got %s", ynode_kind_name(rk));
					goto out;
				}
				for (r = 0; r < TR__COUNT; r++)
					if (!strcmp(theme_role_names[r], rk->value))
						break;
				if (r == TR__COUNT) {
					char *sv = show_dup(rk->value, 32);
					node_err(e, file, rk, "roles: unknown role %s (expected one of %s)", sv, role_list());
					free(sv);
					goto out;
				}
				if (given[r]) {
					node_err(e, file, rk, "roles: duplicate role %s", rk->value);
					goto out;
				}
				if (parse_style(rv, file, rk->value, &t.role[r], e))
					goto out;
				given[r] = 1;
			}
		} else {
			char *sv = show_dup(k->value, 32);
			node_err(e, file, k, "unknown key %s (expected version, name, description, roles)", sv);
			free(sv);
			goto out;
		}
	}
	if (!have_roles) {
		node_err(e, file, root, "no roles: mapping (expected roles: { text: {...}, ... })");
		goto out;
	}
	finish(&t, given);
	*out = t;
	rc = 0;
out:
	ytree_free(root);
	return rc;
}

int theme_load_file(const char *path, struct theme *out, struct err *e)
{
	size_t len;
	struct err re;
	char *data = file_read_limited(path, THEME_MAX_BYTES, &len, &re);
	if (!data)
		return err_set(e, "%s: %s", path, re.msg);
	int rc = theme_parse(data, len, path, out, e);
	free(data);
	return rc;
}

/* PREFIX/share/ws-launch/themes for a binary at PREFIX/bin/ws-launch, so
 * that `cmake --install --prefix DIR` finds its themes wherever DIR is;
 * NULL when the binary is not in a bin/ directory. */
static char *theme_exe_dir(void)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || n >= (ssize_t)sizeof(exe) - 1)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash || slash == exe)
		return NULL;
	*slash = '\0';
	slash = strrchr(exe, '/');
	if (!slash || strcmp(slash + 1, "bin"))
		return NULL;
	*slash = '\0';
	return xasprintf("%s/share/ws-launch/themes", exe);
}

void theme_dirs(const char *config, struct strvec *out)
{
	char *cand[4];
	cand[0] = paths_config_sub(config, "themes", NULL);
	cand[1] = xstrdup(WS_SOURCE_DIR "/themes");
	cand[2] = theme_exe_dir();
	cand[3] = xstrdup(WS_DATADIR "/themes");
	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
		int dup = !cand[i];
		for (size_t j = 0; !dup && j < out->n; j++)
			dup = !strcmp(out->v[j], cand[i]);
		if (!dup)
			strvec_push(out, cand[i]);
		free(cand[i]);
	}
}

static int theme_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void theme_list(const char *config, struct strvec *names, struct strvec *paths)
{
	struct strvec dirs = STRVEC_INIT, found = STRVEC_INIT;
	theme_dirs(config, &dirs);
	for (size_t d = 0; d < dirs.n; d++) {
		DIR *dh = opendir(dirs.v[d]);
		if (!dh)
			continue;
		struct dirent *de;
		while ((de = readdir(dh))) {
			size_t len = strlen(de->d_name);
			if (len <= 5 || strcmp(de->d_name + len - 5, ".yaml"))
				continue;
			char *name = xstrndup(de->d_name, len - 5);
			struct err ne;
			int seen = validate_profile_name(name, &ne) != 0;
			for (size_t k = 0; !seen && k < found.n; k++)
				seen = !strncmp(found.v[k], name, strlen(name)) && found.v[k][strlen(name)] == '\t';
			if (!seen)
				strvec_pushf(&found, "%s\t%s/%s", name, dirs.v[d], de->d_name);
			free(name);
		}
		closedir(dh);
	}
	qsort(found.v, found.n, sizeof(found.v[0]), theme_name_cmp);
	for (size_t k = 0; k < found.n; k++) {
		char *tab = strchr(found.v[k], '\t');
		strvec_push(paths, tab + 1);
		*tab = '\0';
		strvec_push(names, found.v[k]);
	}
	strvec_release(&found);
	strvec_release(&dirs);
}

char *theme_locate(const char *name, const char *config, const char *const *dirs, struct err *e)
{
	if (strchr(name, '/')) {
		if (access(name, R_OK))
			return err_set(e, "theme %s: cannot read it", name), NULL;
		return xstrdup(name);
	}
	struct err ne;
	if (validate_profile_name(name, &ne)) {
		err_set(e, "theme name: %s", ne.msg);
		return NULL;
	}
	struct strvec search = STRVEC_INIT;
	if (dirs) {
		char *user = paths_config_sub(config, "themes", NULL);
		if (user)
			strvec_push(&search, user);
		free(user);
		strvec_pushv(&search, dirs);
	} else {
		theme_dirs(config, &search);
	}
	struct strbuf looked = STRBUF_INIT;
	char *found = NULL;
	for (size_t i = 0; !found && i < search.n; i++) {
		char *p = xasprintf("%s/%s.yaml", search.v[i], name);
		if (!access(p, R_OK))
			found = p;
		else
			free(p);
		strbuf_addf(&looked, "%s%s", looked.len ? ", " : "", search.v[i]);
	}
	if (!found)
		err_set(e, "no theme named %s (looked in %s)", name, looked.buf);
	strvec_release(&search);
	strbuf_release(&looked);
	return found;
}

int theme_load(const char *name, const char *config, struct theme *out, struct err *e)
{
	theme_builtin(out);
	char *path = theme_locate(name, config, NULL, e);
	if (!path)
		return -1;
	struct theme t;
	int rc = theme_load_file(path, &t, e);
	free(path);
	if (rc)
		return -1;
	*out = t;
	return 0;
}

const char *theme_choose(const char *flag_theme, int flag_no_color, const char *env_theme, int env_no_color)
{
	if (flag_theme && *flag_theme)
		return flag_theme;
	if (flag_no_color)
		return "mono";
	if (env_theme && *env_theme)
		return env_theme;
	if (env_no_color)
		return "mono";
	return "default";
}

static int colour_eq(const struct colour *a, const struct colour *b)
{
	if (a->kind != b->kind)
		return 0;
	if (a->kind == COLOUR_INDEX)
		return a->index == b->index;
	if (a->kind == COLOUR_RGB)
		return a->r == b->r && a->g == b->g && a->b == b->b;
	return 1;
}

void theme_style_resolve(const struct theme *t, enum theme_role role, int ncolours,
			 struct theme_resolved *out)
{
	const struct theme_style *s = &t->role[role];
	out->attrs = s->attrs;
	if (ncolours < 8) {
		out->fg = out->bg = -1;
		out->attrs |= mono_min[role];
		/* A role told apart by its background alone needs reverse. */
		if (s->bg.kind != COLOUR_DEFAULT && role != TR_TEXT && !colour_eq(&s->bg, &t->role[TR_TEXT].bg))
			out->attrs |= THEME_REVERSE;
		return;
	}
	unsigned fa = 0, ba = 0;
	out->fg = colour_resolve(&s->fg, ncolours, 1, &fa);
	out->bg = colour_resolve(&s->bg, ncolours, 0, &ba);
	if (fa & COLOUR_ATTR_BOLD)
		out->attrs |= THEME_BOLD;
	if (fa & COLOUR_ATTR_DIM)
		out->attrs |= THEME_DIM;
	/* Degradation must not paint text in its own background (tmux's
	 * tty_check_fg does the same). */
	if (out->fg >= 0 && out->fg == out->bg)
		out->fg = out->bg == 0 || out->bg == 4 ? 7 : 0;
}
