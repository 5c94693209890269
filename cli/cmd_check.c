/* cmd_check.c - `ws-launch check [MODE] [OPTIONS] [--json]`. */
#include "checks/checks.h"
#include "cli.h"
#include "base/jsonw.h"
#include "launch/modes.h"
#include "engine/net.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct check_opts {
	int json;
	int offline;
	int deep;
	const char *timeout;
	const char *registry;
};

static const char *symbol(enum check_status s, int utf8)
{
	switch (s) {
	case CHECK_PASS: return utf8 ? "✓" : "ok";
	case CHECK_WARN: return utf8 ? "!" : "!!";
	case CHECK_FAIL: return utf8 ? "✗" : "XX";
	case CHECK_SKIP: return utf8 ? "–" : "--";
	case CHECK_PENDING: return utf8 ? "…" : "..";
	}
	return "?";
}

static const char *color(enum check_status s)
{
	switch (s) {
	case CHECK_PASS: return "32";
	case CHECK_WARN: return "33";
	case CHECK_FAIL: return "1;31";
	default: return "2";
	}
}

static void print_json(struct checker *c, enum mode_id mode)
{
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	jsonw_init(&w, &sb);
	jsonw_obj_begin(&w);
	jsonw_kint(&w, "version", 1);
	/* The endpoint is an object: where it came from, or why it could not
	 * be resolved (never a bare null). */
	const struct check *ep = checker_get(c, CK_ENDPOINT);
	jsonw_key(&w, "endpoint");
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "url", checker_endpoint(c));
	jsonw_kstr(&w, "source", ep ? check_data(ep, "source") : NULL);
	jsonw_kstr(&w, "context", ep ? check_data(ep, "context") : NULL);
	jsonw_kstr(&w, "error", !checker_endpoint(c) ? (ep && ep->finding ? ep->finding : "not resolved")
						     : NULL);
	jsonw_kstr(&w, "tls", ep && checker_endpoint(c) ? check_data(ep, "tls_mode") : NULL);
	jsonw_key(&w, "warnings");
	jsonw_arr_begin(&w);
	for (size_t j = 0; ep && j < ep->data.n; j++)
		if (!strncmp(ep->data.v[j], "warning=", 8))
			jsonw_str(&w, ep->data.v[j] + 8);
	jsonw_arr_end(&w);
	jsonw_obj_end(&w);
	jsonw_key(&w, "checks");
	jsonw_arr_begin(&w);
	for (int i = 0; i < CK__COUNT; i++) {
		const struct check *k = checker_get(c, (enum check_id)i);
		if (!k)
			continue;
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "id", k->def->name);
		jsonw_kstr(&w, "status", check_status_name(k->status));
		jsonw_kstr(&w, "finding", k->finding);
		jsonw_kstr(&w, "remedy", k->remedy);
		jsonw_kbool(&w, "needs_input", k->needs_input);
		jsonw_kint(&w, "elapsed_ms", k->ended_ms ? k->ended_ms - k->started_ms : 0);
		jsonw_key(&w, "data");
		jsonw_obj_begin(&w);
		for (size_t j = 0; j < k->data.n; j++) {
			const char *kv = k->data.v[j];
			size_t n = strcspn(kv, "=");
			char *key = xstrndup(kv, n);
			const char *v = kv + n + 1;
			char *end;
			errno = 0;
			long long num = strtoll(v, &end, 10);
			switch (check_data_type(key)) {
			case CDT_BOOL:
				if (!strcmp(v, "true") || !strcmp(v, "false")) {
					jsonw_kbool(&w, key, !strcmp(v, "true"));
					break;
				}
				jsonw_kstr(&w, key, v);
				break;
			case CDT_INT:
				if (*v && !*end && !errno) {
					jsonw_kint(&w, key, num);
					break;
				}
				jsonw_kstr(&w, key, v);
				break;
			default:
				jsonw_kstr(&w, key, v);
			}
			free(key);
		}
		jsonw_obj_end(&w);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_key(&w, "modes");
	jsonw_arr_begin(&w);
	for (int m = 0; m < MODE__COUNT; m++) {
		if (mode != MODE_NONE && m != (int)mode)
			continue;
		struct readiness r;
		checker_readiness(c, (enum mode_id)m, &r);
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "id", mode_get(m)->name);
		jsonw_kbool(&w, "ready", r.ready);
		jsonw_kint(&w, "rank", checker_rank(c, (enum mode_id)m));
		jsonw_key(&w, "missing");
		jsonw_arr_begin(&w);
		for (size_t j = 0; j < r.missing.n; j++)
			jsonw_str(&w, r.missing.v[j]);
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
		readiness_release(&r);
	}
	jsonw_arr_end(&w);
	enum mode_id rec = checker_recommend(c);
	jsonw_kstr(&w, "recommended", rec == MODE_NONE ? NULL : mode_get(rec)->name);
	jsonw_obj_end(&w);
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

static void print_table(struct cli *cli, struct checker *c, enum mode_id mode)
{
	int utf8 = cli_utf8();
	int col = cli->color_out;
	int w = 6;
	for (int i = 0; i < CK__COUNT; i++)
		if (checker_get(c, (enum check_id)i) && (int)strlen(check_def((enum check_id)(i))->name) > w)
			w = (int)strlen(check_def((enum check_id)(i))->name);
	for (int i = 0; i < CK__COUNT; i++) {
		const struct check *k = checker_get(c, (enum check_id)i);
		if (!k)
			continue;
		/* findings quote daemons, files and children: sanitised */
		char *finding = cli_clean(k->finding), *remedy = cli_clean(k->remedy);
		if (col)
			printf("\033[%sm%s\033[0m %-*s  %s\n", color(k->status), symbol(k->status, utf8), w,
			       k->def->name, finding);
		else
			printf("%s %-*s  %s\n", symbol(k->status, utf8), w, k->def->name, finding);
		if (k->remedy && (k->status == CHECK_FAIL || k->status == CHECK_WARN || k->status == CHECK_PASS))
			printf("  %-*s  %s %s\n", w, "", utf8 ? "→" : "->", remedy);
		free(finding);
		free(remedy);
	}
	if (mode != MODE_NONE)
		return;
	printf("\n");
	for (int m = 0; m < MODE__COUNT; m++) {
		struct readiness r;
		checker_readiness(c, (enum mode_id)m, &r);
		const char *state = r.ready ? "ready" : "not ready";
		if (col)
			printf("%-11s \033[%sm%-9s\033[0m", mode_get(m)->name, r.ready ? "32" : "31", state);
		else
			printf("%-11s %-9s", mode_get(m)->name, state);
		if (r.missing.n)
			printf("  %s%s", r.missing.v[0], r.missing.n > 1 ? " (+more)" : "");
		printf("\n");
		readiness_release(&r);
	}
	enum mode_id rec = checker_recommend(c);
	if (rec == MODE_NONE)
		printf("\nNo mode is ready on this host: fix one of the findings above.\n");
	else
		printf("\nRecommended: %s (%s). 'ws-launch print %s' shows the commands.\n", mode_get(rec)->name,
		       mode_get(rec)->title, mode_get(rec)->name);
}

static volatile int interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* check --deep: the trial's stages, on stderr (stdout is the result). */
static void on_deep_progress(void *ctx, const char *line)
{
	(void)ctx;
	char *l = cli_clean(line);
	fprintf(stderr, "%s\n", l);
	free(l);
}

/* Shared with print/up: runs the checks of MODES for SPEC. */
struct checker *cli_run_checks(struct cli *cli, const struct spec *spec, unsigned modes, long timeout_ms,
			       const char *registry, unsigned flags, struct net **netp)
{
	struct err e;
	struct net *net = net_new(&e);
	if (!net) {
		cli_fail("check", "%s", e.msg);
		return NULL;
	}
	if (!registry)
		registry = getenv("WS_LAUNCH_REGISTRY");
	int deep = (flags & CLI_CHECK_DEEP) != 0;
	long deep_ms = timeout_ms > 0 ? timeout_ms : DEEP_TIMEOUT_DEFAULT;
	struct checker_config cfg = {
		.spec = spec, .modes = modes, .registry_url = registry, .remote_timeout_ms = timeout_ms,
		.offline = (flags & CLI_CHECK_OFFLINE) != 0, .deep = deep,
		.deep_timeout_ms = deep_ms, .config_dir = cli->config,
		.cancel = deep ? &interrupted : NULL, .on_progress = deep ? on_deep_progress : NULL,
	};
	struct checker *c = checker_new(net, &cfg, &e);
	if (!c) {
		net_free(net);
		cli_fail("check", "%s", e.msg);
		return NULL;
	}
	long max_ms = timeout_ms > 0 ? timeout_ms * 4 + 5000 : 60000;
	if (deep) { /* Ctrl-C stops the trial and removes it (checker_run) */
		struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		checker_run(c, max_ms + deep_ms + 45000); /* + the log and the removal */
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	} else {
		checker_run(c, max_ms);
	}
	*netp = net;
	return c;
}

int cli_parse_timeout(const char *s, long *ms)
{
	long v;
	struct err e;
	if (parse_long(s, 1, 600, &v, &e))
		return cli_usage_error("--timeout", "%s (seconds)", e.msg);
	*ms = v * 1000;
	return 0;
}

enum { F_JSON, F_TIMEOUT, F_REGISTRY, F_OFFLINE, F_DEEP };
static const struct cmd_flag check_flags[] = {
	[F_JSON] = { "json", 0, 0, NULL, "machine-readable output (see README)" },
	[F_TIMEOUT] = { "timeout", 0, 1, "SECONDS",
			"timeout of each remote call: the daemon, the registry, ssh [5]; with --deep also the inner dockerd's start [60]" },
	[F_REGISTRY] = { "registry", 0, 1, "URL", "registry base URL for the tag lookup" },
	[F_OFFLINE] = { "offline", 0, 0, NULL, "skip the registry lookup" },
	[F_DEEP] = { "deep", 0, 0, NULL,
		     "also run (and remove) a trial container as the launch would, from its image when present; "
		     "in privileged, sysbox and dind until its dockerd answers docker info" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_check_entry;

static int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct launch_args la;
	int rc = cli_parse_launch(cli, argc, argv, &cmd_check_entry, &la);
	if (rc)
		goto out;
	const struct cmd_args *f = &la.flags;
	struct check_opts o = {
		.json = f->set[F_JSON], .timeout = f->value[F_TIMEOUT], .registry = f->value[F_REGISTRY],
		.offline = f->set[F_OFFLINE], .deep = f->set[F_DEEP],
	};
	if (o.deep && !la.have_mode) {
		rc = cli_usage_error("--deep", "needs a MODE: the trial container runs that mode's privileges");
		goto out;
	}
	long timeout = 0;
	if (o.timeout && (rc = cli_parse_timeout(o.timeout, &timeout)))
		goto out;
	enum mode_id mode = la.spec.mode;
	struct net *net = NULL;
	struct checker *c = cli_run_checks(cli, &la.spec, mode == MODE_NONE ? MODES_ALL : MODE_BIT(mode),
					   timeout, o.registry,
					   (o.offline ? CLI_CHECK_OFFLINE : 0) | (o.deep ? CLI_CHECK_DEEP : 0), &net);
	if (!c) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (interrupted) {
		const struct check *k = checker_get(c, CK_DEEP);
		fprintf(stderr, "ws-launch: check: interrupted%s\n",
			k ? "; the trial container and its daemon.json were removed" : "");
		checker_free(c);
		net_free(net);
		rc = EXIT_INTERRUPTED;
		goto out;
	}
	if (o.json)
		print_json(c, mode);
	else
		print_table(cli, c, mode);
	if (mode != MODE_NONE) {
		struct readiness r;
		checker_readiness(c, mode, &r);
		rc = r.ready ? EXIT_OK : EXIT_FAIL;
		readiness_release(&r);
	} else {
		rc = checker_recommend(c) == MODE_NONE ? EXIT_FAIL : EXIT_OK;
	}
	checker_free(c);
	net_free(net);
out:
	launch_args_release(&la);
	return rc;
}

const struct command cmd_check_entry = {
	"check", cmd_check, "ws-launch check [MODE] [OPTIONS] [--json] [--timeout SECONDS]",
	  "check what this host can run",
	  "Runs the prerequisite checks concurrently: the docker client and engine, the\n"
	  "endpoint (DOCKER_HOST, DOCKER_CONTEXT, the current context), the image, its\n"
	  "architecture against the daemon's and a newer tag in its registry, names and\n"
	  "the web port, and each mode's own needs (sysbox runtime, privileges, socket\n"
	  "group, remote TCP/TLS, ssh).  With no MODE it checks every mode and recommends\n"
	  "the most isolated ready one.  Exit 0 when the mode (or, without MODE, some\n"
	  "mode) is ready, 1 otherwise, 2 on bad input.",
	check_flags, 1, 0,
};
