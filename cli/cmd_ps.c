/* cmd_ps.c - `ws-launch ps`: every launch on the endpoint, found by label,
 * one row each: state, URL, image, whether docker works inside (probed
 * concurrently), age, and a newer release tag from the registry. */
#include "cli.h"
#include "cli_engine.h"
#include "base/imageref.h"
#include "base/jsonw.h"
#include "launch/launch_digest.h"
#include "base/proc.h"
#include "launch/profile.h"
#include "engine/registry.h"
#include "base/strbuf.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PS_PROBE_MS 15000L

enum probe { PROBE_NONE, PROBE_OK, PROBE_FAILING };

struct row {
	const struct launch_seen *s;
	int changed;            /* its saved profile has another digest */
	char *profile;          /* that profile's name */
	char *url;
	struct proc probe;
	int probing;
	enum probe docker;
	char *inner;            /* docker version seen inside */
	char *newer;            /* a newer release tag */
};

struct lookup {
	struct row *rows;
	size_t n;
	const char *image;      /* all rows with this image get its result */
	unsigned id;
};

static void on_tag(struct registry_result *res, void *ctx)
{
	struct lookup *lk = ctx;
	lk->id = 0;
	if (res->status != REGISTRY_OK || !res->tag)
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

static void print_table(const struct cli *cli, struct row *rows, size_t n, int probe)
{
	static const char *const head[] = { "NAME", "MODE", "STATE", "URL", "IMAGE", "DOCKER", "AGE", "NEWER" };
	enum { NCOL = 8 };
	char *cell[NCOL];
	int w[NCOL];
	for (int c = 0; c < NCOL; c++)
		w[c] = (int)strlen(head[c]);
	struct strvec cells = STRVEC_INIT;
	for (size_t i = 0; i < n; i++) {
		char a[32];
		age(rows[i].s->created, a, sizeof(a));
		const char *v[NCOL] = { rows[i].s->name, rows[i].s->mode ? rows[i].s->mode : "?", state_of(&rows[i]),
					rows[i].url ? rows[i].url : "-", rows[i].s->image ? rows[i].s->image : "-",
					docker_of(&rows[i], probe), a, rows[i].newer ? rows[i].newer : "-" };
		for (int c = 0; c < NCOL; c++) {
			char *clean = cli_clean(v[c]);
			if ((int)strlen(clean) > w[c])
				w[c] = (int)strlen(clean);
			strvec_push_nodup(&cells, clean);
		}
	}
	const char *bold = cli->color_out ? "\033[1m" : "", *off = cli->color_out ? "\033[0m" : "";
	printf("%s", bold);
	for (int c = 0; c < NCOL; c++)
		printf("%-*s%s", c + 1 < NCOL ? w[c] : 0, head[c], c + 1 < NCOL ? "  " : "");
	printf("%s\n", off);
	for (size_t i = 0; i < n; i++) {
		for (int c = 0; c < NCOL; c++) {
			cell[c] = cells.v[i * NCOL + (size_t)c];
			printf("%-*s%s", c + 1 < NCOL ? w[c] : 0, cell[c], c + 1 < NCOL ? "  " : "");
		}
		printf("\n");
	}
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

enum { F_JSON, F_NO_PROBE, F_OFFLINE, F_REGISTRY };
static const struct cmd_flag ps_flags[] = {
	[F_JSON] = { "json", 0, 0, NULL, "machine-readable output (see README)" },
	[F_NO_PROBE] = { "no-probe", 0, 0, NULL, "do not ask docker inside each workspace" },
	[F_OFFLINE] = { "offline", 0, 0, NULL, "skip the registry lookup of newer tags" },
	[F_REGISTRY] = { "registry", 0, 1, "URL", "registry base URL for the tag lookup" },
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
	struct cli_engine ce;
	int rc = cli_engine_open(&ce, "ps");
	struct launches ls = { NULL, 0 };
	if (rc || (rc = cli_engine_launches(&ce, "ps", NULL, 15000, &ls))) {
		cli_engine_close(&ce);
		return rc;
	}
	struct row *rows = xcalloc(ls.n ? ls.n : 1, sizeof(*rows));
	struct lookup *lks = xcalloc(ls.n ? ls.n : 1, sizeof(*lks));
	size_t nlk = 0;
	for (size_t i = 0; i < ls.n; i++) {
		rows[i].s = &ls.v[i];
		rows[i].url = cli_launch_url(&ce, &ls.v[i]);
		proc_init(&rows[i].probe);
	}
	mark_changed(cli, rows, ls.n);
	/* Everything at once: one docker exec per running workspace, one tag
	 * lookup per image, all in this loop. */
	for (size_t i = 0; probe && i < ls.n; i++) {
		if (!ls.v[i].running)
			continue;
		const char *av[] = { cli_docker(), "exec", "--", ls.v[i].name, "docker", "version", "--format",
				     "{{.Server.Version}}", NULL };
		struct err e;
		struct proc_opts o = { .capture_max = 4096 };
		if (!proc_start(&rows[i].probe, av, &o, &e))
			rows[i].probing = 1;
		else
			rows[i].docker = PROBE_FAILING;
	}
	for (size_t i = 0; !offline && i < ls.n; i++) {
		const char *img = ls.v[i].image;
		int seen = !img;
		for (size_t k = 0; !seen && k < nlk; k++)
			seen = !strcmp(lks[k].image, img);
		if (seen)
			continue;
		struct err e;
		lks[nlk] = (struct lookup){ rows, ls.n, img, 0 };
		lks[nlk].id = registry_latest_tag(ce.net, img, registry, 0, on_tag, &lks[nlk], &e);
		nlk++;
	}
	long long deadline = proc_now_ms() + PS_PROBE_MS;
	for (;;) {
		struct pollfd fds[64];
		int nf = 0, busy = 0;
		for (size_t i = 0; i < ls.n; i++) {
			if (!rows[i].probing)
				continue;
			proc_pump(&rows[i].probe);
			proc_reap(&rows[i].probe);
			if (proc_done(&rows[i].probe)) {
				struct proc *p = &rows[i].probe;
				rows[i].probing = 0;
				rows[i].docker = p->state == PROC_EXITED && p->code == 0 && p->out.len ? PROBE_OK : PROBE_FAILING;
				if (rows[i].docker == PROBE_OK)
					rows[i].inner = xstrndup(p->out.buf, strcspn(p->out.buf, "\n"));
				continue;
			}
			busy = 1;
			if (nf + 4 <= (int)(sizeof(fds) / sizeof(fds[0])))
				nf += proc_pollfds(&rows[i].probe, fds + nf, 4);
		}
		for (size_t k = 0; k < nlk; k++)
			busy |= lks[k].id != 0;
		if (!busy)
			break;
		long long left = deadline - proc_now_ms();
		if (left <= 0)
			break;
		struct err e;
		net_wait(ce.net, fds, (unsigned)nf, left < 50 ? (int)left : 50, &e);
		net_dispatch(ce.net);
	}
	for (size_t k = 0; k < nlk; k++)
		if (lks[k].id)
			net_cancel(ce.net, lks[k].id);
	for (size_t i = 0; i < ls.n; i++)
		if (rows[i].probing) {
			rows[i].probing = 0;
			rows[i].docker = PROBE_FAILING; /* did not answer in time */
		}
	if (json)
		print_json(rows, ls.n, probe);
	else if (!ls.n)
		fprintf(stderr, "no launches on %s (nothing labelled ws-launch.launch)\n", ce.ep.url ? ce.ep.url : "?");
	else
		print_table(cli, rows, ls.n, probe);
	for (size_t i = 0; i < ls.n; i++) {
		proc_release(&rows[i].probe);
		free(rows[i].url);
		free(rows[i].inner);
		free(rows[i].newer);
		free(rows[i].profile);
	}
	free(rows);
	free(lks);
	launches_release(&ls);
	cli_engine_close(&ce);
	return EXIT_OK;
}

const struct command cmd_ps_entry = {
	"ps", cmd_ps, "ws-launch ps [--json] [--no-probe] [--offline] [--registry URL]",
	  "list the launches on the endpoint",
	  "Every launch on the endpoint, found by its labels, one row each: name, mode,\n"
	  "state (running, stopped, partial when some of its objects are missing,\n"
	  "changed when its saved profile has other options), URL, image, whether\n"
	  "docker works inside (probed concurrently; --no-probe skips), age, and a\n"
	  "newer release tag of its image (--offline skips the registry).",
	ps_flags, 0, 0,
};
