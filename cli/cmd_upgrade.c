/* cmd_upgrade.c - `ws-launch upgrade`: a launch moved to another image
 * (by default the newest release tag of its image in the registry) without
 * losing anything.
 *
 * 1. pull the new image first, with progress (nothing else is touched when
 *    that fails), as --pull says: auto (the default) pulls only an image
 *    that is not present, always pulls, never refuses an absent image -
 *    docker run --pull's meaning, so a host without a registry upgrades to
 *    an image it loaded (ws-launch images load);
 * 2. put the launch's containers aside: renamed NAME-ws-launch-old and
 *    stopped (volumes and networks stay where they are);
 * 3. run the launch again with the new image - the same plan, checks of
 *    existing objects, verification and rollback as `up`;
 * 4. success: the old containers are removed and a profile that made the
 *    launch is updated; failure or Ctrl-C: what step 3 made is rolled back
 *    and the old containers come back under their names, running.
 *
 * The launch is rebuilt from its saved profile (--profile) or else from its
 * labels: the normalised options (launch_digest.h) and the values of its
 * variables from the container (checked against their hashes). */
#include "cli.h"
#include "cli_engine.h"
#include "cli_progress.h"
#include "base/imageref.h"
#include "base/jdoc.h"
#include "launch/launch_digest.h"
#include "launch/modes.h"
#include "base/proc.h"
#include "launch/profile.h"
#include "engine/registry.h"
#include "run/runner.h"
#include "base/strbuf.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OLD_SUFFIX "-ws-launch-old"

static volatile int interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void on_change(struct runner *r, void *ctx)
{
	progress_update(ctx, r);
}

/* Runs `docker ARGS...` to completion (60 s at most); 0 or -1 with E
 * holding its last words. */
static int docker(struct err *e, const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *av[] = { cli_docker(), a1, a2, a3, a4, NULL };
	struct proc p;
	struct proc_opts o = { .capture_max = 8192 };
	proc_init(&p);
	int rc = proc_run(&p, av, &o, 60000, e);
	if (!rc && !(p.state == PROC_EXITED && p.code == 0)) {
		const struct strbuf *b = p.err.len ? &p.err : &p.out;
		size_t n = b->len;
		while (n && (b->buf[n - 1] == '\n' || b->buf[n - 1] == ' '))
			n--;
		size_t s = n;
		while (s && b->buf[s - 1] != '\n')
			s--;
		err_set(e, "docker %s %s: %.*s", a1, a3 ? a3 : a2, (int)(n - s), b->buf + s);
		rc = -1;
	}
	proc_release(&p);
	return rc;
}

struct inspect {
	struct jdoc *doc;
	struct err err;
	int done;
};

static void on_inspect(struct engine_result *r, void *ctx)
{
	struct inspect *in = ctx;
	in->done = 1;
	if (r->status != ENGINE_OK || !r->doc) {
		err_set(&in->err, "%s", r->err.msg);
		return;
	}
	in->doc = r->doc;
	r->doc = NULL;
}

/* The launch's spec from its labels and its workspace container's env. */
static int spec_from_labels(struct cli_engine *ce, const struct launch_seen *s, struct spec *out)
{
	struct err e;
	const struct mode *m = s->mode ? mode_by_name(s->mode) : NULL;
	if (!s->options || !m)
		return cli_fail("upgrade", "launch %s has no ws-launch.options label (made by an older ws-launch): "
					   "upgrade it with --profile, or 'ws-launch up --recreate' with its options",
				s->name);
	out->mode = mode_id_of(m);
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		if (!option_applies(d, out->mode))
			continue;
		char *v = launch_option(s->options, d->key);
		if (v && strcmp(v, "auto") && spec_set(out, d->id, v, &e)) {
			free(v);
			return cli_fail("upgrade", "launch %s: option %s: %s", s->name, d->key, e.msg);
		}
		free(v);
	}
	/* Variables: names from the options, values from the container. */
	struct inspect in = { 0 };
	char *path = xasprintf("/containers/%s/json", s->name);
	unsigned id = engine_get_json(ce->net, &ce->t, path, on_inspect, &in);
	free(path);
	if (net_run_all(ce->net, 15000, &e) || !in.done || !in.doc) {
		if (id && !in.done)
			net_cancel(ce->net, id);
		jdoc_free(in.doc);
		return cli_fail("upgrade", "cannot inspect %s: %s", s->name, in.done ? in.err.msg : e.msg);
	}
	int envs = jdoc_get(in.doc, jdoc_root(in.doc), "Config", "Env", NULL);
	int rc = EXIT_OK;
	for (const char *p = s->options; *p && !rc;) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " ");
		if (len > 4 && !strncmp(p, "env.", 4)) {
			const char *eq = memchr(p, '=', len);
			char *name = xstrndup(p + 4, eq ? (size_t)(eq - p - 4) : len - 4);
			char *want = eq ? xstrndup(eq + 1, len - (size_t)(eq + 1 - p)) : NULL;
			const char *val = NULL;
			for (size_t k = 0; k < jdoc_count(in.doc, envs); k++) {
				const char *kv = jdoc_string(in.doc, jdoc_at(in.doc, envs, k), "");
				if (!strncmp(kv, name, strlen(name)) && kv[strlen(name)] == '=')
					val = kv + strlen(name) + 1;
			}
			char hex[65];
			if (val)
				sha256_hex(val, strlen(val), hex);
			if (!val)
				rc = cli_fail("upgrade", "%s: variable %s is not in the container any more; use --profile",
					      s->name, name);
			else if (want && !strncmp(want, "sha256:", 7) && strncmp(want + 7, hex, strlen(want + 7)))
				rc = cli_fail("upgrade", "%s: variable %s differs from the launch's; use --profile",
					      s->name, name);
			else {
				char *kv = xasprintf("%s=%s", name, val);
				if (spec_env_set(out, kv, &e))
					rc = cli_fail("upgrade", "%s: %s", name, e.msg);
				free(kv);
			}
			free(name);
			free(want);
		}
		p += len;
	}
	jdoc_free(in.doc);
	return rc;
}

struct newest {
	char *tag;
	enum registry_status status;
	struct err err;
	int done;
};

static void on_newest(struct registry_result *r, void *ctx)
{
	struct newest *n = ctx;
	n->done = 1;
	n->status = r->status;
	if (r->status == REGISTRY_OK && r->tag) {
		n->tag = r->tag;
		r->tag = NULL;
	} else {
		err_set(&n->err, "%s", r->err.msg[0] ? r->err.msg : "no release tags");
	}
}

/* IMAGE with its tag replaced by TAG (digest dropped).  Malloc'd. */
static char *with_tag(const char *image, const char *tag)
{
	struct imageref ref;
	if (imageref_parse(image, &ref, NULL))
		return NULL;
	size_t keep = strcspn(image, "@");
	const char *last = image;
	for (size_t i = 0; i < keep; i++)
		if (image[i] == '/')
			last = image + i + 1;
	const char *colon = memchr(last, ':', keep - (size_t)(last - image));
	size_t base = colon ? (size_t)(colon - image) : keep;
	char *out = xasprintf("%.*s:%s", (int)base, image, tag);
	imageref_release(&ref);
	return out;
}

/* Brings the containers put aside back under their names, sidecars first,
 * running.  Prints what it could not do. */
static int restore(const struct strvec *names, size_t aside)
{
	int ok = 1;
	struct err e;
	for (size_t k = aside; k-- > 0;) {
		char *old = xasprintf("%s" OLD_SUFFIX, names->v[k]);
		if (docker(&e, "rename", "--", old, names->v[k]) || docker(&e, "start", "--", names->v[k], NULL)) {
			char *m = cli_clean(e.msg);
			fprintf(stderr, "ws-launch: upgrade: could not bring %s back: %s\n", names->v[k], m);
			free(m);
			ok = 0;
		}
		free(old);
	}
	return ok;
}

enum { F_NAME, F_PROFILE, F_IMAGE, F_DIND_IMAGE, F_PULL, F_YES, F_VERIFY_TIMEOUT, F_TIMEOUT, F_REGISTRY, F_OFFLINE,
       F_VERIFY, F_VERIFY_IMAGE };
static const struct cmd_flag upgrade_flags[] = {
	[F_NAME] = CMD_FLAG_NAME,
	[F_PROFILE] = CMD_FLAG_PROFILE,
	[F_IMAGE] = { "image", 0, 1, "REF", "the new image [the newest release tag in its registry]" },
	[F_DIND_IMAGE] = { "dind-image", 0, 1, "REF", "a new image for a dind launch's sidecar too" },
	[F_PULL] = { "pull", 0, 1, "auto|always|never",
		     "pull the new image: auto = only when it is not present [auto]" },
	[F_YES] = { "yes", 0, 0, NULL, "do not ask for confirmation" },
	[F_VERIFY_TIMEOUT] = { "verify-timeout", 0, 1, "SECONDS", "how long to wait for docker inside [90]" },
	[F_TIMEOUT] = { "timeout", 0, 1, "SECONDS", "timeout of each registry request of the tag lookup [5]" },
	[F_REGISTRY] = { "registry", 0, 1, "URL", "registry base URL for the tag lookup" },
	[F_OFFLINE] = { "offline", 0, 0, NULL, "no registry lookup (needs --image)" },
	[F_VERIFY] = CMD_FLAG_VERIFY,
	[F_VERIFY_IMAGE] = CMD_FLAG_VERIFY_IMAGE,
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_upgrade_entry;

static int cmd_upgrade(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	if (cli_parse_flags(&cmd_upgrade_entry, argc, argv, &a))
		return EXIT_USAGE;
	const char *profile = a.value[F_PROFILE], *name = a.value[F_NAME], *image = a.value[F_IMAGE],
		   *dind_image = a.value[F_DIND_IMAGE], *verify = a.value[F_VERIFY_TIMEOUT];
	const char *vmode = a.value[F_VERIFY], *vimage = a.value[F_VERIFY_IMAGE];
	const char *registry = a.set[F_REGISTRY] ? a.value[F_REGISTRY] : getenv("WS_LAUNCH_REGISTRY");
	const char *policy = a.set[F_PULL] ? a.value[F_PULL] : "auto";
	const int yes = a.set[F_YES], offline = a.set[F_OFFLINE];
	int rc = EXIT_OK;
	long vtmo = 0, tmo = 5000;
	if (strcmp(policy, "auto") && strcmp(policy, "always") && strcmp(policy, "never"))
		return cli_usage_error("--pull", "'%s' is not one of auto, always, never", policy);
	if (a.value[F_TIMEOUT] && (rc = cli_parse_timeout(a.value[F_TIMEOUT], &tmo)))
		return rc;
	if (offline && !image)
		return cli_usage_error("--offline", "the newest tag cannot be learnt without the registry; "
						    "name the new image with --image REF");
	if (!rc && verify)
		rc = cli_parse_timeout(verify, &vtmo);
	if (!rc)
		rc = cli_verify_values(vmode, vimage);
	char *label = NULL;
	if (rc || (rc = cli_launch_name(cli, "upgrade", profile, name, &label)))
		return rc;
	struct cli_engine ce;
	struct launches ls = { NULL, 0 };
	struct spec spec;
	struct facts facts;
	struct plan pull, plan;
	struct runner *r = NULL;
	struct strvec names = STRVEC_INIT;
	char *target = NULL;
	size_t aside = 0;
	struct err e;
	spec_init(&spec);
	facts_init(&facts);
	plan_init(&pull);
	plan_init(&plan);
	if ((rc = cli_engine_open(&ce, "upgrade")) || (rc = cli_engine_launches(&ce, "upgrade", label, 15000, &ls)))
		goto out;
	if (!ls.n || !ls.v[0].has_workspace) {
		rc = cli_fail("upgrade", "no workspace named %s on %s ('ws-launch ps' lists them)", label, ce.ep.url);
		goto out;
	}
	const struct launch_seen *s = &ls.v[0];
	if (profile) {
		if (profile_load(cli->config, profile, &spec, &e)) {
			rc = cli_usage_error("--profile", "%s", e.msg);
			goto out;
		}
	} else if ((rc = spec_from_labels(&ce, s, &spec))) {
		goto out;
	}
	if (vmode || vimage) {
		/* for this upgrade's verification only: the profile keeps its own */
		struct spec vs;
		spec_init(&vs);
		spec_copy(&vs, &spec);
		rc = cli_verify_apply(&vs, vmode, vimage);
		spec_release(&vs);
		if (rc)
			goto out;
	}
	/* The image to move to. */
	if (image) {
		target = xstrdup(image);
	} else {
		/* Each request within --timeout, the whole lookup within a
		 * few of them (a token, then the pages). */
		struct newest nw = { 0 };
		unsigned id = registry_latest_tag(ce.net, s->image, registry, tmo, on_newest, &nw, &e);
		if (!id) {
			rc = cli_fail("upgrade", "%s: %s", s->image, e.msg);
			goto out;
		}
		if (net_run_all(ce.net, tmo * 4 + 1000, &e) || !nw.done) {
			net_cancel(ce.net, id);
			rc = cli_fail("upgrade", "cannot learn the newest tag of %s: its registry did not answer (%s); "
						 "name the new image with --image REF", s->image, e.msg);
			goto out;
		}
		if (!nw.tag) {
			rc = nw.status == REGISTRY_NO_TAGS
				     ? cli_fail("upgrade", "the registry of %s lists no release tag; name the new image "
							   "with --image REF", s->image)
				     : cli_fail("upgrade", "cannot learn the newest tag of %s: %s; name the new image with "
							   "--image REF", s->image, nw.err.msg);
			goto out;
		}
		target = with_tag(s->image, nw.tag);
		free(nw.tag);
	}
	if (!target || spec_set(&spec, OPT_IMAGE, target, &e)) {
		rc = cli_usage_error("--image", "%s", target ? e.msg : "not an image reference");
		goto out;
	}
	if (dind_image && spec_set(&spec, OPT_DIND_IMAGE, dind_image, &e)) {
		rc = cli_usage_error("--dind-image", "%s", e.msg);
		goto out;
	}
	if (!strcmp(target, s->image) && !dind_image) {
		printf("%s already runs %s\n", label, target);
		rc = EXIT_OK;
		goto out;
	}
	/* What to pull, as --pull says (docker run --pull's meaning). */
	const char *images[] = { target, dind_image };
	int need[2] = { 0, 0 }, pulls = 0;
	for (size_t k = 0; k < 2; k++) {
		if (!images[k])
			continue;
		int present = strcmp(policy, "always") ? cli_image_present(&ce, images[k], 15000, &e) : 0;
		if (present == 1)
			continue;
		if (!strcmp(policy, "never")) {
			rc = present < 0 ? cli_fail("upgrade", "cannot ask the daemon whether %s is present: %s", images[k], e.msg)
					 : cli_fail("upgrade", "%s is not present on %s and --pull never forbids pulling it: "
							       "docker pull %s, or ws-launch images load FILE",
						    images[k], ce.ep.url, images[k]);
			goto out;
		}
		need[k] = 1;
		pulls++;
	}
	facts_detect_local(&facts, &spec);
	facts.image_present = 1; /* present, or pulled first, below */
	facts.dind_image_present = 1;
	/* Step 3 pulls nothing, whatever the launch's own --pull says: step 1
	 * made the images present (and docker run gets --pull never, so it does
	 * not pull behind the plan's back either).  The profile keeps its value. */
	struct spec run_spec;
	spec_init(&run_spec);
	spec_copy(&run_spec, &spec);
	spec_set(&run_spec, OPT_PULL, "never", &e);
	cli_verify_apply(&run_spec, vmode, vimage); /* checked above */
	rc = cli_build_plan(cli, &run_spec, &facts, &plan);
	spec_release(&run_spec);
	if (rc)
		goto out;
	const char *arrow = cli_utf8() ? "→" : "->";
	fprintf(stderr, "upgrade %s: %s %s %s", label, s->image, arrow, target);
	if (dind_image)
		fprintf(stderr, ", sidecar %s %s", arrow, dind_image);
	fputc('\n', stderr);
	if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO) && !yes) {
		fprintf(stderr, "%sput the running containers aside, start new ones and keep them if they "
				"verify? [y/N] ", pulls ? "pull it, " : "");
		char ans[16] = "";
		if (!fgets(ans, sizeof(ans), stdin) || (ans[0] != 'y' && ans[0] != 'Y')) {
			fprintf(stderr, "nothing was done\n");
			rc = EXIT_FAIL;
			goto out;
		}
	}
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	struct progress pg;
	/* 1. pull (what is not present, or everything with --pull always) */
	pull.label = xstrdup(label);
	for (size_t k = 0; k < 2; k++) {
		if (!need[k])
			continue;
		char *desc = xasprintf("pull %s", images[k]);
		struct step *st = plan_add_step(&pull, STEP_PULL, desc);
		free(desc);
		st->object = xstrdup(images[k]);
		strvec_pushl(&st->argv, "docker", "pull", images[k], NULL);
		st->breaks = xcalloc(st->argv.n, 1);
	}
	struct runner_config pcfg = { .plan = &pull, .docker = getenv("WS_LAUNCH_DOCKER") };
	if (!pulls) {
		fprintf(stderr, "%s%s present: nothing to pull (--pull %s)\n", target, dind_image ? " and the sidecar's image are" : " is", policy);
	} else if (!(r = runner_new(ce.net, &pcfg, &e))) {
		rc = cli_fail("upgrade", "%s", e.msg);
		goto restore_signals;
	} else {
		progress_init(&pg, cli);
		runner_run(r, on_change, &pg, &interrupted);
		progress_done(&pg);
	}
	if (interrupted) {
		rc = cli_fail("upgrade", "interrupted during the pull; nothing else was touched");
		rc = EXIT_INTERRUPTED;
		goto restore_signals;
	}
	if (r && !runner_result(r)->ok) {
		rc = cli_fail("upgrade", "%s; nothing else was touched", runner_result(r)->message);
		goto restore_signals;
	}
	runner_free(r);
	r = NULL;
	/* 2. aside: sidecars, then the workspace (restored in reverse) */
	for (size_t k = 0; k < s->sidecars.n; k++)
		strvec_push(&names, s->sidecars.v[k]);
	strvec_push(&names, label);
	for (aside = 0; aside < names.n; aside++) {
		char *old = xasprintf("%s" OLD_SUFFIX, names.v[aside]);
		int bad = docker(&e, "rename", "--", names.v[aside], old);
		if (!bad && docker(&e, "stop", "--", old, NULL)) {
			docker(&e, "rename", "--", old, names.v[aside]);
			bad = 1;
		}
		free(old);
		if (bad || interrupted) {
			rc = cli_fail("upgrade", "%s", bad ? e.msg : "interrupted");
			restore(&names, aside);
			if (!bad)
				rc = EXIT_INTERRUPTED;
			goto restore_signals;
		}
		fprintf(stderr, "put %s aside (stopped, as %s" OLD_SUFFIX ")\n", names.v[aside], names.v[aside]);
	}
	/* 3. the launch again, with the new image */
	struct runner_config rcfg = { .plan = &plan, .verify_timeout_ms = vtmo, .docker = getenv("WS_LAUNCH_DOCKER") };
	if (!(r = runner_new(ce.net, &rcfg, &e))) {
		rc = cli_fail("upgrade", "%s", e.msg);
		restore(&names, aside);
		goto restore_signals;
	}
	progress_init(&pg, cli);
	runner_run(r, on_change, &pg, &interrupted);
	progress_done(&pg);
	const struct run_result *res = runner_result(r);
	if (res->ok && !interrupted) {
		/* 4. keep it: the old containers go, the profile follows */
		for (size_t k = 0; k < names.n; k++) {
			char *old = xasprintf("%s" OLD_SUFFIX, names.v[k]);
			if (docker(&e, "rm", "-f", "--", old))
				cli_warn(cli, "could not remove %s: %s", old, e.msg);
			free(old);
		}
		if (profile) {
			if (profile_save(cli->config, profile, &spec, 1, &e))
				cli_warn(cli, "profile %s was not updated: %s", profile, e.msg);
			else
				fprintf(stderr, "updated profile %s\n", profile);
		}
		char *m = cli_clean(res->message);
		printf("%s\n", m);
		free(m);
		rc = EXIT_OK;
	} else {
		char *m = cli_clean(res->message ? res->message : "interrupted");
		fprintf(stderr, "ws-launch: upgrade: %s\n", m);
		free(m);
		int back = restore(&names, names.n);
		fprintf(stderr, "%s\n", back ? "the old workspace is back, running, under its name"
					     : "the old containers could not all be brought back (see above)");
		rc = interrupted || res->cancelled ? EXIT_INTERRUPTED : EXIT_FAIL;
	}
restore_signals:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
out:
	runner_free(r);
	strvec_release(&names);
	plan_release(&pull);
	plan_release(&plan);
	facts_release(&facts);
	spec_release(&spec);
	launches_release(&ls);
	cli_engine_close(&ce);
	free(target);
	free(label);
	return rc;
}

const struct command cmd_upgrade_entry = {
	"upgrade", cmd_upgrade,
	  "ws-launch upgrade [--name NAME | --profile NAME] [--image REF] [--dind-image REF] [--pull auto|always|never] [--yes] [--verify-timeout SECONDS] [--verify quick|full] [--timeout SECONDS] [--registry URL] [--offline]",
	  "move a launch to a newer image, keeping everything",
	  "Pulls the new image (default: the newest release tag of the launch's image in\n"
	  "its registry) with progress, puts the launch's containers aside (renamed\n"
	  "NAME-ws-launch-old, stopped), starts the launch again with the new image and\n"
	  "verifies it as 'up' does.  On success the old containers are removed and the\n"
	  "profile (--profile) is updated; on failure or Ctrl-C the new ones are removed\n"
	  "and the old ones come back under their names, running.  Volumes are never\n"
	  "touched.  --dind-image moves a dind launch's sidecar too.  --pull auto (the\n"
	  "default) pulls only an image that is not present, so a host without a\n"
	  "registry upgrades to an image it loaded ('ws-launch images load'); --offline\n"
	  "skips the tag lookup and needs --image.  --verify full verifies as 'up --verify\n"
	  "full' does (a pull and a run with the inner daemon) before the old ones go.",
	upgrade_flags, 0, 0,
};
