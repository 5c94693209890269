/* cmd_ps.c - `ws-launch ps`: every launch on the endpoint, found by label,
 * one row each: state, URL, image, whether docker works inside (probed
 * concurrently), age, and a newer release tag from the registry. */
#include "cli.h"
#include "cli_engine.h"
#include "base/imageref.h"
#include "base/jsonw.h"
#include "launch/launch_digest.h"
#include "base/proc.h"
#include "engine/engine_exec.h"
#include "launch/profile.h"
#include "engine/registry.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PS_TIMEOUT_MS 10000L /* --timeout: the probes and the registry lookups */

enum probe { PROBE_NONE, PROBE_OK, PROBE_FAILING };

struct row {
	const struct launch_seen *s;
	int changed;            /* its saved profile has another digest */
	char *profile;          /* that profile's name */
	char *url;
	unsigned probe;         /* the exec in flight, 0: none */
	enum probe docker;
	char *inner;            /* docker version seen inside */
	char *newer;            /* a newer release tag */
	char *newer_error;      /* why the lookup said nothing (NULL: it did, or --offline) */
};

struct lookup {
	struct row *rows;
	size_t n;
	const char *image;      /* all rows with this image get its result */
	unsigned id;
};

/* Every row with the lookup's image gets ERROR (NULL: clear). */
static void lookup_failed(struct lookup *lk, const char *error)
{
	for (size_t i = 0; i < lk->n; i++)
		if (lk->rows[i].s->image && !strcmp(lk->rows[i].s->image, lk->image)) {
			free(lk->rows[i].newer_error);
			lk->rows[i].newer_error = xstrdup(error);
		}
}

static void on_tag(struct registry_result *res, void *ctx)
{
	struct lookup *lk = ctx;
	lk->id = 0;
	if (res->status != REGISTRY_OK && res->status != REGISTRY_NO_TAGS) {
		lookup_failed(lk, res->err.msg[0] ? res->err.msg : "the registry lookup failed");
		return;
	}
	if (!res->tag)
		return;
	for (size_t i = 0; i < lk->n; i++) {
		struct row *r = &lk->rows[i];
		if (!r->s->image || strcmp(r->s->image, lk->image))
			continue;
		struct imageref ref;
		struct semver cur, top;
		if (imageref_parse(r->s->image, &ref, NULL))
			continue;
		if (ref.tag && !registry_semver_parse(ref.tag, &cur) && !registry_semver_parse(res->tag, &top) &&
		    registry_semver_cmp(&top, &cur) > 0)
			r->newer = xstrdup(res->tag);
		imageref_release(&ref);
	}
}

static void mark_changed(const struct cli *cli, struct row *rows, size_t n)
{
	struct profile_entry *list;
	struct err e;
	long np = profile_list(cli->config, &list, &e);
	for (long p = 0; p < np; p++) {
		if (list[p].error)
			continue;
		struct spec s;
		spec_init(&s);
		if (!profile_load(cli->config, list[p].name, &s, &e) && !spec_is_none(&s, OPT_NAME)) {
			struct strbuf norm = STRBUF_INIT;
			char d[LAUNCH_DIGEST_HEX + 1];
			launch_normalise(&s, &norm);
			launch_digest(norm.buf, d);
			for (size_t i = 0; i < n; i++)
				if (!strcmp(rows[i].s->name, spec_get(&s, OPT_NAME)) && rows[i].s->digest && !rows[i].profile) {
					rows[i].profile = xstrdup(list[p].name);
					rows[i].changed = strcmp(rows[i].s->digest, d) != 0;
				}
			strbuf_release(&norm);
		}
		spec_release(&s);
	}
	if (np > 0)
		profile_list_free(list, np);
}

static void age(long long created, char *buf, size_t size)
{
	long long d = created ? (long long)time(NULL) - created : -1;
	if (d < 0)
		snprintf(buf, size, "-");
	else if (d < 120)
		snprintf(buf, size, "%llds", d);
	else if (d < 7200)
		snprintf(buf, size, "%lldm", d / 60);
	else if (d < 172800)
		snprintf(buf, size, "%lldh", d / 3600);
	else
		snprintf(buf, size, "%lldd", d / 86400);
}

static const char *state_of(const struct row *r)
{
	return r->s->state == LS_PARTIAL ? "partial" : r->changed ? "changed" : launch_state_name(r->s->state);
}

static const char *docker_of(const struct row *r, int probe)
{
	if (!r->s->running || !r->s->has_workspace)
		return "stopped";
	if (!probe)
		return "not probed";
	return r->docker == PROBE_OK ? "ok" : "failing";
}

static void print_json(struct row *rows, size_t n, int probe)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &sb);
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		const struct launch_seen *s = r->s;
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "name", s->name);
		jsonw_kstr(&w, "mode", s->mode);
		jsonw_kstr(&w, "state", state_of(r));
		jsonw_kbool(&w, "running", s->running);
		jsonw_kstr(&w, "url", r->url);
		jsonw_kstr(&w, "image", s->image);
		jsonw_kstr(&w, "docker", docker_of(r, probe));
		jsonw_kstr(&w, "docker_version", r->inner);
		if (s->created)
			jsonw_kint(&w, "created", s->created);
		else
			jsonw_kstr(&w, "created", NULL);
		jsonw_kstr(&w, "newer_tag", r->newer);
		jsonw_kstr(&w, "newer_error", r->newer_error);
		jsonw_kstr(&w, "digest", s->digest);
		jsonw_kstr(&w, "profile", r->profile);
		jsonw_key(&w, "objects");
		jsonw_obj_begin(&w);
		const struct strvec *lists[] = { &s->containers, &s->networks, &s->volumes };
		static const char *const keys[] = { "containers", "networks", "volumes" };
		for (size_t k = 0; k < 3; k++) {
			jsonw_key(&w, keys[k]);
			jsonw_arr_begin(&w);
			for (size_t j = 0; j < lists[k]->n; j++)
				jsonw_str(&w, lists[k]->v[j]);
			jsonw_arr_end(&w);
		}
		jsonw_obj_end(&w);
		jsonw_key(&w, "missing");
		jsonw_arr_begin(&w);
		for (size_t j = 0; j < s->missing.n; j++)
			jsonw_str(&w, s->missing.v[j]);
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	fputs(sb.buf, stdout);
	fputc('\n', stdout);
	strbuf_release(&sb);
}

/* Code points of S (cli_clean'd: valid UTF-8). */
static int width_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* S cut to W code points in the middle ("ghcr.io/…ace:v1.2.3"), in place. */
static void elide_middle(char **s, int w, int utf8)
{
	int n = width_of(*s);
	if (n <= w || w < 3)
		return;
	const char *mark = utf8 ? "\u2026" : "~";
	int head = (w - 1) / 2, tail = w - 1 - head;
	struct strbuf b = STRBUF_INIT;
	int cp = -1;
	for (const char *p = *s; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80)
			cp++;
		if (cp < head || cp >= n - tail)
			strbuf_addch(&b, *p);
		else if (cp == head && ((unsigned char)*p & 0xC0) != 0x80)
			strbuf_addstr(&b, mark);
	}
	free(*s);
	*s = strbuf_detach(&b, NULL);
}

/* The width the table must fit: the terminal's, else $COLUMNS, else 0 (no
 * limit: a pipe gets whole values). */
static int table_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	char *end;
	long v = c && *c ? strtol(c, &end, 10) : 0;
	return v >= 20 && v <= 1000 && !*end ? (int)v : isatty(STDOUT_FILENO) ? 80 : 0;
}

enum { C_NAME, C_MODE, C_STATE, C_URL, C_IMAGE, C_DOCKER, C_AGE, C_NEWER, NCOL };

static int total_width(const int *w)
{
	int t = 2 * (NCOL - 1);
	for (int c = 0; c < NCOL; c++)
		t += w[c];
	return t;
}

/* Shrinks the columns of CELLS (N rows) until they fit AVAIL: the image,
 * then the name, to 12; the URLs lose "http://" and the last "/"; then
 * image, name and URL to 8.  What still does not fit is printed whole. */
static void fit_columns(struct strvec *cells, size_t n, int *w, int avail, int utf8)
{
	static const struct { int col, min; } steps[] = {
		{ C_IMAGE, 12 }, { C_NAME, 12 }, { C_URL, -1 }, { C_IMAGE, 8 }, { C_NAME, 8 }, { C_URL, 8 },
	};
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]) && total_width(w) > avail; k++) {
		int c = steps[k].col, over = total_width(w) - avail, want = w[c] - over;
		if (steps[k].min < 0) { /* URL: host:port */
			w[c] = 3;
			for (size_t i = 0; i < n; i++) {
				char **v = &cells->v[i * NCOL + c];
				if (!strncmp(*v, "http://", 7)) {
					size_t l = strlen(*v + 7);
					memmove(*v, *v + 7, l + 1);
					if (l && (*v)[l - 1] == '/')
						(*v)[l - 1] = '\0';
				}
				if (width_of(*v) > w[c])
					w[c] = width_of(*v);
			}
			continue;
		}
		if (want < steps[k].min)
			want = steps[k].min;
		if (want >= w[c])
			continue;
		w[c] = want;
		for (size_t i = 0; i < n; i++)
			elide_middle(&cells->v[i * NCOL + c], want, utf8);
	}
}

static void print_table(const struct cli *cli, struct row *rows, size_t n, int probe)
{
	static const char *const head[] = { "NAME", "MODE", "STATE", "URL", "IMAGE", "DOCKER", "AGE", "NEWER" };
	int w[NCOL];
	for (int c = 0; c < NCOL; c++)
		w[c] = (int)strlen(head[c]);
	struct strvec cells = STRVEC_INIT;
	for (size_t i = 0; i < n; i++) {
		char a[32];
		age(rows[i].s->created, a, sizeof(a));
		const char *v[NCOL] = { rows[i].s->name, rows[i].s->mode ? rows[i].s->mode : "?", state_of(&rows[i]),
					rows[i].url ? rows[i].url : "-", rows[i].s->image ? rows[i].s->image : "-",
					docker_of(&rows[i], probe), a,
					rows[i].newer ? rows[i].newer : rows[i].newer_error ? "?" : "-" };
		for (int c = 0; c < NCOL; c++) {
			char *clean = cli_clean(v[c]);
			if (width_of(clean) > w[c])
				w[c] = width_of(clean);
			strvec_push_nodup(&cells, clean);
		}
	}
	int avail = table_width();
	if (avail)
		fit_columns(&cells, n, w, avail, cli_utf8());
	const char *bold = cli->color_out ? "\033[1m" : "", *off = cli->color_out ? "\033[0m" : "";
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, bold);
	for (int c = 0; c < NCOL; c++)
		strbuf_addf(&out, "%-*s%s", c + 1 < NCOL ? w[c] : 0, head[c], c + 1 < NCOL ? "  " : "");
	strbuf_addf(&out, "%s\n", off);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < NCOL; c++) {
			const char *cell = cells.v[i * NCOL + (size_t)c];
			/* pad by code points: printf's width counts bytes */
			int pad = c + 1 < NCOL ? w[c] - width_of(cell) : 0;
			strbuf_addf(&out, "%s%*s%s", cell, pad > 0 ? pad : 0, "", c + 1 < NCOL ? "  " : "");
		}
		strbuf_addch(&out, '\n');
	}
	fputs(out.buf, stdout);
	strbuf_release(&out);
	for (size_t i = 0; i < n; i++)
		if (rows[i].s->missing.n) {
			struct strbuf m = STRBUF_INIT;
			for (size_t j = 0; j < rows[i].s->missing.n; j++)
				strbuf_addf(&m, "%s%s", j ? ", " : "", rows[i].s->missing.v[j]);
			char *clean = cli_clean(m.buf);
			fprintf(stderr, "note: %s is partial: no %s ('ws-launch up' makes what is missing, "
					"'ws-launch down --name %s' removes the rest)\n",
				rows[i].s->name, clean, rows[i].s->name);
			free(clean);
			strbuf_release(&m);
		}
	strvec_release(&cells);
}

static void on_probe(struct engine_exec_result *res, void *ctx)
{
	struct row *r = ctx;
	r->probe = 0;
	r->docker = res->status == ENGINE_OK && res->exit_code == 0 && res->out.len ? PROBE_OK : PROBE_FAILING;
	if (r->docker == PROBE_OK)
		r->inner = xstrndup(res->out.buf, strcspn(res->out.buf, "\n"));
}

/* One line on stderr when some lookup could not say whether a newer tag
 * exists (the first reason; the rest are in --json). */
static void note_newer_errors(const struct cli *cli, const struct row *rows, size_t n)
{
	size_t bad = 0, first = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].newer_error && !bad++)
			first = i;
	if (bad)
		cli_warn(cli, "NEWER is '?' for %zu launch%s: cannot look up newer tags: %s (--offline skips the lookup)",
			 bad, bad == 1 ? "" : "es", rows[first].newer_error);
}

enum { F_JSON, F_NO_PROBE, F_OFFLINE, F_REGISTRY, F_TIMEOUT };
static const struct cmd_flag ps_flags[] = {
	[F_JSON] = { "json", 0, 0, NULL, "machine-readable output (see README)" },
	[F_NO_PROBE] = { "no-probe", 0, 0, NULL, "do not ask docker inside each workspace" },
	[F_OFFLINE] = { "offline", 0, 0, NULL, "skip the registry lookup of newer tags" },
	[F_REGISTRY] = { "registry", 0, 1, "URL", "registry base URL for the tag lookup" },
	[F_TIMEOUT] = { "timeout", 0, 1, "SECONDS", "how long to wait for the probes and the registry [10]" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_ps_entry;

static int cmd_ps(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	if (cli_parse_flags(&cmd_ps_entry, argc, argv, &a))
		return EXIT_USAGE;
	const int json = a.set[F_JSON], probe = !a.set[F_NO_PROBE], offline = a.set[F_OFFLINE];
	const char *registry = a.set[F_REGISTRY] ? a.value[F_REGISTRY] : getenv("WS_LAUNCH_REGISTRY");
	long timeout = PS_TIMEOUT_MS;
	int rc = a.set[F_TIMEOUT] ? cli_parse_timeout(a.value[F_TIMEOUT], &timeout) : EXIT_OK;
	if (rc)
		return rc;
	struct cli_engine ce;
	rc = cli_engine_open(&ce, "ps");
	struct launches ls = { NULL, 0 };
	if (rc || (rc = cli_engine_launches(&ce, "ps", NULL, timeout + 5000, &ls))) {
		cli_engine_close(&ce);
		return rc;
	}
	struct row *rows = xcalloc(ls.n ? ls.n : 1, sizeof(*rows));
	struct lookup *lks = xcalloc(ls.n ? ls.n : 1, sizeof(*lks));
	size_t nlk = 0;
	for (size_t i = 0; i < ls.n; i++) {
		rows[i].s = &ls.v[i];
		rows[i].url = cli_launch_url(&ce, &ls.v[i]);
	}
	mark_changed(cli, rows, ls.n);
	/* Everything at once on the one multi handle: an Engine API exec of
	 * `docker version` per running workspace, one tag lookup per image. */
	static const char *const probe_argv[] = { "docker", "version", "--format", "{{.Server.Version}}", NULL };
	const struct engine_exec_opts xo = { .timeout_ms = timeout, .max_out = 4096 };
	for (size_t i = 0; probe && i < ls.n; i++)
		if (ls.v[i].running && ls.v[i].container_id)
			rows[i].probe = engine_exec(ce.net, &ce.t, ls.v[i].container_id, probe_argv, &xo, on_probe, &rows[i]);
	for (size_t i = 0; !offline && i < ls.n; i++) {
		const char *img = ls.v[i].image;
		int seen = !img;
		for (size_t k = 0; !seen && k < nlk; k++)
			seen = !strcmp(lks[k].image, img);
		if (seen)
			continue;
		struct err e;
		lks[nlk] = (struct lookup){ rows, ls.n, img, 0 };
		lks[nlk].id = registry_latest_tag(ce.net, img, registry, timeout, on_tag, &lks[nlk], &e);
		if (!lks[nlk].id)
			lookup_failed(&lks[nlk], e.msg);
		nlk++;
	}
	struct err e;
	net_run_all(ce.net, timeout, &e); /* what did not answer in time is said below */
	char late[80];
	snprintf(late, sizeof(late), "no answer from the registry within %ld s (--timeout)", (timeout + 999) / 1000);
	for (size_t k = 0; k < nlk; k++)
		if (lks[k].id) {
			net_cancel(ce.net, lks[k].id);
			lks[k].id = 0;
			lookup_failed(&lks[k], late);
		}
	for (size_t i = 0; i < ls.n; i++)
		if (rows[i].probe) {
			net_cancel(ce.net, rows[i].probe);
			rows[i].probe = 0;
			rows[i].docker = PROBE_FAILING; /* did not answer in time */
		}
	if (json)
		print_json(rows, ls.n, probe);
	else if (!ls.n)
		fprintf(stderr, "no launches on %s (nothing labelled ws-launch.launch)\n", ce.ep.url ? ce.ep.url : "?");
	else
		print_table(cli, rows, ls.n, probe);
	note_newer_errors(cli, rows, ls.n);
	for (size_t i = 0; i < ls.n; i++) {
		free(rows[i].url);
		free(rows[i].inner);
		free(rows[i].newer);
		free(rows[i].newer_error);
		free(rows[i].profile);
	}
	free(rows);
	free(lks);
	launches_release(&ls);
	cli_engine_close(&ce);
	return EXIT_OK;
}

const struct command cmd_ps_entry = {
	"ps", cmd_ps, "ws-launch ps [--json] [--no-probe] [--offline] [--registry URL] [--timeout SECONDS]",
	  "list the launches on the endpoint",
	  "Every launch on the endpoint, found by its labels, one row each: name, mode,\n"
	  "state (running, stopped, partial when some of its objects are missing,\n"
	  "changed when its saved profile has other options), URL, image, whether\n"
	  "docker works inside (probed concurrently through the Engine API's exec;\n"
	  "--no-probe skips), age, and a newer release tag of its image (--offline\n"
	  "skips the registry; '?' when the registry could not be asked, and one line\n"
	  "on stderr says why).  --timeout bounds the probes and the lookups.  On a\n"
	  "terminal (or with $COLUMNS) the table fits its width: long names and\n"
	  "images are cut in the middle.",
	ps_flags, 0, 0,
};
