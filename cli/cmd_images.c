/* cmd_images.c - `ws-launch images`: the images a launch needs and whether
 * the endpoint has them; `images save` writes them into one archive and
 * `images load` loads one, so a host without a registry gets them
 * (README "Offline and air-gapped hosts").
 *
 * Both transfers go through the Engine API, streamed (engine_images.h):
 * the archive is written to a temporary file next to --output and renamed
 * into place once complete (removed on failure or Ctrl-C), and an archive
 * is checked before it is sent (image_archive.h), so a truncated or
 * foreign file loads nothing. */
#include "cli.h"
#include "cli_engine.h"
#include "base/jdoc.h"
#include "base/jsonw.h"
#include "base/proc.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"
#include "engine/engine_images.h"
#include "engine/image_archive.h"
#include "launch/facts.h"
#include "launch/launch_build.h"
#include "launch/modes.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile int interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct image_row {
	const char *ref;      /* borrowed from the launch */
	const char *role;     /* "workspace", "sidecar" */
	int present;          /* 1, 0, -1 unknown */
	char *id;
	long long size;       /* -1 unknown */
	struct err err;
};

static void on_inspect(struct engine_result *r, void *ctx)
{
	struct image_row *row = ctx;
	if (r->status == ENGINE_NOT_FOUND) {
		row->present = 0;
		return;
	}
	if (r->status != ENGINE_OK || !r->doc) {
		err_set(&row->err, "%s", r->err.msg);
		return;
	}
	int root = jdoc_root(r->doc);
	row->present = 1;
	row->id = xstrdup(jdoc_string(r->doc, jdoc_member(r->doc, root, "Id"), ""));
	row->size = jdoc_int(r->doc, jdoc_member(r->doc, root, "Size"), -1);
}

/* The images of launch L into ROWS (at most MAX), each asked of the daemon. */
static size_t ask_images(struct cli_engine *ce, const struct launch *l, struct image_row *rows, size_t max,
			 struct err *e)
{
	size_t n = 0;
	for (size_t i = 0; i < l->ncontainers && n < max; i++) {
		const struct container *c = l->containers[i];
		int dup = 0;
		for (size_t k = 0; k < n; k++)
			dup |= !strcmp(rows[k].ref, c->image);
		if (dup)
			continue;
		struct image_row *row = &rows[n++];
		memset(row, 0, sizeof(*row));
		row->ref = c->image;
		row->role = c->role == ROLE_WORKSPACE ? "workspace" : "sidecar";
		row->present = -1;
		row->size = -1;
		struct strbuf path = STRBUF_INIT;
		strbuf_addstr(&path, "/images/");
		engine_path_escape(&path, c->image);
		strbuf_addstr(&path, "/json");
		engine_get_json(ce->net, &ce->t, path.buf, on_inspect, row);
		strbuf_release(&path);
	}
	if (net_run_all(ce->net, 15000, e))
		return (size_t)-1;
	return n;
}

static void rows_release(struct image_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].id);
}

static const char *short_id(const char *id)
{
	static char buf[13];
	const char *h = strncmp(id, "sha256:", 7) ? id : id + 7;
	snprintf(buf, sizeof(buf), "%.12s", h);
	return buf;
}

static void print_rows(const struct cli_engine *ce, enum mode_id mode, const struct image_row *rows, size_t n,
		       int json)
{
	if (json) {
		struct strbuf out = STRBUF_INIT;
		struct jsonw w;
		jsonw_init(&w, &out);
		jsonw_obj_begin(&w);
		jsonw_kint(&w, "version", 1);
		jsonw_kstr(&w, "mode", mode_get(mode)->name);
		jsonw_kstr(&w, "endpoint", ce->ep.url);
		jsonw_key(&w, "images");
		jsonw_arr_begin(&w);
		for (size_t i = 0; i < n; i++) {
			jsonw_obj_begin(&w);
			jsonw_kstr(&w, "image", rows[i].ref);
			jsonw_kstr(&w, "role", rows[i].role);
			jsonw_key(&w, "present");
			if (rows[i].present < 0)
				jsonw_null(&w);
			else
				jsonw_bool(&w, rows[i].present);
			jsonw_kstr(&w, "id", rows[i].id);
			jsonw_key(&w, "size");
			if (rows[i].size < 0)
				jsonw_null(&w);
			else
				jsonw_int(&w, rows[i].size);
			jsonw_kstr(&w, "error", rows[i].present < 0 ? rows[i].err.msg : NULL);
			jsonw_obj_end(&w);
		}
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
		fputs(out.buf, stdout);
		strbuf_release(&out);
		return;
	}
	int wi = 5;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(rows[i].ref) > wi)
			wi = (int)strlen(rows[i].ref);
	printf("%-*s  %-9s  %-7s  %-12s  %s\n", wi, "IMAGE", "ROLE", "PRESENT", "ID", "SIZE");
	for (size_t i = 0; i < n; i++) {
		char size[32] = "-";
		if (rows[i].size >= 0)
			show_bytes(rows[i].size, size, sizeof(size));
		char *ref = cli_clean(rows[i].ref);
		printf("%-*s  %-9s  %-7s  %-12s  %s\n", wi, ref, rows[i].role,
		       rows[i].present < 0 ? "?" : rows[i].present ? "yes" : "no",
		       rows[i].id ? short_id(rows[i].id) : "-", size);
		free(ref);
	}
}

/* One line on stderr per image that is not there, with both remedies. */
static int report_missing(const struct cli_engine *ce, const struct image_row *rows, size_t n, const char *what)
{
	int missing = 0;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].present == 1)
			continue;
		missing++;
		if (rows[i].present < 0)
			cli_fail(what, "cannot ask %s about %s: %s", ce->ep.url, rows[i].ref, rows[i].err.msg);
		else
			cli_fail(what, "%s is not present on %s: docker pull %s, or 'ws-launch images load FILE' "
				       "with an archive 'ws-launch images save' wrote", rows[i].ref, ce->ep.url, rows[i].ref);
	}
	return missing;
}

#define PROGRESS_LOG_MS 5000 /* a progress line in a log, at most this often */
#define PROGRESS_TTY_MS 100  /* a redraw on a terminal */

/* The transfer loop: until X is done or Ctrl-C.  Progress: on a terminal
 * one line redrawn in place, in a log a line every PROGRESS_LOG_MS. */
static void transfer_wait(struct net *net, struct engine_transfer *x, unsigned id, const char *verb,
			  long long total, int approx)
{
	int tty = isatty(STDERR_FILENO);
	long long shown = -1, last_ms = tty ? 0 : proc_now_ms();
	struct err e;
	while (!x->done) {
		if (interrupted) {
			net_cancel(net, id);
			break;
		}
		net_wait(net, NULL, 0, 100, &e);
		net_dispatch(net);
		long long now = proc_now_ms();
		if (x->done || x->bytes == shown || now - last_ms < (tty ? PROGRESS_TTY_MS : PROGRESS_LOG_MS))
			continue;
		char a[32], b[32], pct[16] = "";
		shown = x->bytes;
		last_ms = now;
		show_bytes(x->bytes, a, sizeof(a));
		show_bytes(total, b, sizeof(b));
		if (total > 0) {
			int p = (int)(100.0 * (double)x->bytes / (double)total + 0.5);
			snprintf(pct, sizeof(pct), " (%d%%)", p > 100 ? 100 : p);
		}
		fprintf(stderr, "%s%s: %s%s%s%s%s%s", tty ? "\r\033[2K" : "", verb, a, total > 0 ? " of " : "",
			total > 0 && approx ? "~" : "", total > 0 ? b : "", pct, tty ? "" : "\n");
		fflush(stderr);
	}
	if (tty && shown >= 0)
		fprintf(stderr, "\r\033[2K");
}

static void catch_signals(struct sigaction *old_int, struct sigaction *old_term)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, old_int);
	sigaction(SIGTERM, &sa, old_term);
}

/* The directory --output PATH goes in exists and takes files: said
 * before anything is asked of the daemon. */
static int check_output_dir(const char *output)
{
	const char *slash = strrchr(output, '/');
	char *dir = slash ? xstrndup(output, slash == output ? 1 : (size_t)(slash - output)) : xstrdup(".");
	struct stat st;
	struct err e;
	int rc = EXIT_OK;
	if (validate_text(output, &e))
		rc = cli_usage_error("--output", "%s", e.msg);
	else if (!*output || (slash && !slash[1]))
		rc = cli_usage_error("--output", "needs a file name");
	else if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		rc = cli_usage_error("--output", "no directory %s to write %s in", dir, output);
	else if (access(dir, W_OK))
		rc = cli_usage_error("--output", "cannot write in %s: %s", dir, strerror(errno));
	free(dir);
	return rc;
}

static int images_save(struct cli_engine *ce, const struct image_row *rows, size_t n, const char *output)
{
	const char *what = "images save";
	if (report_missing(ce, rows, n, what))
		return EXIT_FAIL;
	/* Ctrl-C from before the temporary file exists: it is always removed. */
	struct sigaction old_int, old_term;
	catch_signals(&old_int, &old_term);
	char *tmp = xasprintf("%s.tmp-XXXXXX", output);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int rc = cli_usage_error("--output", "cannot write %s: %s", output, strerror(errno));
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		free(tmp);
		return rc;
	}
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um); /* as docker save -o writes it */
	const char *names[8];
	long long total = 0;
	for (size_t i = 0; i < n && i < 8; i++) {
		names[i] = rows[i].ref;
		total += rows[i].size > 0 ? rows[i].size : 0;
	}
	char tb[32];
	show_bytes(total, tb, sizeof(tb));
	fprintf(stderr, "saving %zu image%s (~%s) to %s\n", n, n == 1 ? "" : "s", tb, output);
	struct engine_transfer x;
	engine_transfer_init(&x, fd);
	unsigned id = engine_images_save(ce->net, &ce->t, names, n, &x);
	transfer_wait(ce->net, &x, id, "saving", total, 1);
	int rc = EXIT_OK;
	if (interrupted) {
		rc = EXIT_INTERRUPTED;
		fprintf(stderr, "ws-launch: images save: interrupted; %s was not written\n", output);
	} else if (x.failed) {
		rc = cli_fail(what, "%s; %s was not written", x.err.msg, output);
	} else {
		int bad = fsync(fd) ? errno : 0;
		if (close(fd) && !bad)
			bad = errno;
		fd = -1;
		if (!bad && rename(tmp, output))
			bad = errno;
		if (bad)
			rc = cli_fail(what, "cannot write %s: %s", output, strerror(bad));
	}
	if (rc == EXIT_OK) {
		char sb[32];
		show_bytes(x.bytes, sb, sizeof(sb));
		char *o = cli_clean(output);
		printf("saved %zu image%s to %s (%s); on the other host: ws-launch images load %s\n", n,
		       n == 1 ? "" : "s", o, sb, o);
		free(o);
	}
	if (rc != EXIT_OK) {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	engine_transfer_release(&x);
	free(tmp);
	return rc;
}

struct pinged {
	int done;
	struct err err;
};

static void on_ping(struct engine_result *r, void *ctx)
{
	struct pinged *p = ctx;
	p->done = 1;
	if (r->status != ENGINE_OK)
		err_set(&p->err, "%s", r->err.msg);
}

static int images_load(int argc, char **argv)
{
	const char *what = "images load";
	if (argc != 3 || (argv[2][0] == '-' && argv[2][1]))
		return cli_usage_error(what, "takes one archive: ws-launch images load FILE");
	const char *path = argv[2];
	struct image_archive a;
	struct err e;
	if (validate_text(path, &e))
		return cli_usage_error(what, "%s", e.msg);
	image_archive_init(&a);
	int fd = image_archive_open(path, &a, &e);
	if (fd < 0) {
		image_archive_release(&a);
		return cli_usage_error(NULL, "%s; nothing was loaded", e.msg);
	}
	struct cli_engine ce;
	struct engine_transfer x;
	engine_transfer_init(&x, fd);
	int rc = cli_engine_open(&ce, what);
	struct pinged pg = { 0 };
	if (!rc) { /* the API version, before the upload */
		engine_ping(ce.net, &ce.t, on_ping, &pg);
		if (net_run_all(ce.net, 15000, &e) || !pg.done || pg.err.msg[0])
			rc = cli_fail(what, "the engine at %s did not answer: %s", ce.ep.url, pg.done ? pg.err.msg : e.msg);
	}
	if (!rc) {
		char sb[32];
		show_bytes(a.size, sb, sizeof(sb));
		fprintf(stderr, "loading %s (%s, %zu image%s) into %s\n", path, sb, a.images, a.images == 1 ? "" : "s",
			ce.ep.url);
		struct sigaction old_int, old_term;
		catch_signals(&old_int, &old_term);
		unsigned id = engine_images_load(ce.net, &ce.t, a.size, &x);
		transfer_wait(ce.net, &x, id, "loading", a.size, 0);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		for (size_t i = 0; i < x.loaded.n; i++) {
			char *m = cli_clean(x.loaded.v[i]);
			printf("%s\n", m);
			free(m);
		}
		if (interrupted) {
			fprintf(stderr, "ws-launch: %s: interrupted; the daemon may have loaded part of it\n", what);
			rc = EXIT_INTERRUPTED;
		} else if (x.failed) {
			rc = cli_fail(what, "%s", x.err.msg);
		}
	}
	close(fd);
	engine_transfer_release(&x);
	cli_engine_close(&ce);
	image_archive_release(&a);
	return rc;
}

enum { F_JSON, F_OUTPUT };
static const struct cmd_flag images_flags[] = {
	[F_JSON] = { "json", 0, 0, NULL, "machine-readable output (the list)" },
	[F_OUTPUT] = { "output", 0, 1, "PATH", "the archive to write (save)" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_images_entry;

static int cmd_images(struct cli *cli, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "load"))
		return images_load(argc, argv);
	int save = argc >= 2 && !strcmp(argv[1], "save");
	const char *what = save ? "images save" : "images";
	char **sub = argv + save;
	char *arg0 = sub[0];
	sub[0] = argv[0];
	struct launch_args la;
	int rc = cli_parse_launch(cli, argc - save, sub, &cmd_images_entry, &la);
	sub[0] = arg0;
	if (rc)
		goto out_args;
	const char *output = la.flags.value[F_OUTPUT];
	if (!la.have_mode)
		rc = cli_usage_error(what, "which mode? one of %s", mode_names());
	else if (save && !output)
		rc = cli_usage_error(what, "needs --output FILE: the archive to write");
	else if (!save && output)
		rc = cli_usage_error("--output", "is for 'images save'");
	else if (save && la.flags.set[F_JSON])
		rc = cli_usage_error("--json", "is for the list ('ws-launch images MODE --json')");
	if (!rc && save)
		rc = check_output_dir(output);
	if (rc)
		goto out_args;
	struct launch l;
	struct facts facts;
	struct err e;
	facts_init(&facts);
	facts_detect_local(&facts, &la.spec); /* the socket and its group, as up finds them */
	int built = launch_build(&la.spec, &facts, &l, &e);
	facts_release(&facts);
	if (built) {
		rc = cli_usage_error(NULL, "%s", e.msg);
		goto out_args;
	}
	struct cli_engine ce;
	struct image_row rows[8];
	size_t n = 0;
	if ((rc = cli_engine_open(&ce, what)))
		goto out;
	n = ask_images(&ce, &l, rows, 8, &e);
	if (n == (size_t)-1) {
		n = 0;
		rc = cli_fail(what, "the engine at %s did not answer: %s", ce.ep.url, e.msg);
		goto out;
	}
	if (save) {
		rc = images_save(&ce, rows, n, output);
	} else {
		print_rows(&ce, la.spec.mode, rows, n, la.flags.set[F_JSON]);
		if (!la.flags.set[F_JSON] && report_missing(&ce, rows, n, what))
			rc = EXIT_FAIL;
		for (size_t i = 0; la.flags.set[F_JSON] && i < n; i++)
			rc = rows[i].present == 1 ? rc : EXIT_FAIL;
	}
out:
	rows_release(rows, n);
	cli_engine_close(&ce);
	launch_release(&l);
out_args:
	launch_args_release(&la);
	return rc;
}

const struct command cmd_images_entry = {
	"images", cmd_images,
	  "ws-launch images [MODE | --profile NAME] [OPTIONS] [--json] | images save MODE [OPTIONS] --output PATH | "
	  "images load PATH",
	  "the images a launch needs; save them into an archive, load one",
	  "Lists the images a launch of MODE needs (the workspace's, and docker:dind's\n"
	  "for dind) and whether each is present on the endpoint; exits 1 when one is\n"
	  "missing.  'images save' writes them into one archive (the format of\n"
	  "'docker save') through the Engine API, streamed, with progress: to a\n"
	  "temporary file next to PATH, renamed into place when complete and removed\n"
	  "on failure or Ctrl-C.  'images load PATH' checks the archive (a complete\n"
	  "tar with a manifest.json whose layers it holds) and loads it into the\n"
	  "endpoint's daemon, streamed, with progress; the daemon's errors are given\n"
	  "in its words.  Carry the archive to a host without a registry, load it\n"
	  "there, and 'up --pull never' (or 'upgrade --image REF') uses it.",
	images_flags, 1, 0,
};
