/* test_docs.c - the --minimal form of each mode reproduces the Kloud
 * documentation page (tests/data/kloud-docs-docker.md, a copy of
 * kloudkit/ws-docs docs/tools/docker.md at v0.0.21) argv for argv.
 *
 * Allowed differences, normalised on both sides: --net/--network,
 * --flag=value/--flag value, and -d on the dind sidecar.  Placeholders
 * <remote> and <user> are replaced by the values we pass.  The page's
 * "Docker Group" example is missing a trailing backslash after
 * --group-add=8888; a command is therefore read as every line from one
 * starting with "docker" to the next. */
#include "launch/plan.h"
#include "base/strbuf.h"
#include "t.h"
#include "base/ytree.h"

#define MAXCMDS 32

struct cmd {
	char *section;
	struct strvec argv;
};

static struct cmd cmds[MAXCMDS];
static int ncmds;

/* Shell-like split: whitespace, "..." and '...' quoting. */
static void split_words(const char *s, struct strvec *out)
{
	struct strbuf w = STRBUF_INIT;
	int in_word = 0;
	for (const char *p = s;; p++) {
		if (*p == '\0' || *p == ' ' || *p == '\t') {
			if (in_word) {
				strvec_push(out, w.buf);
				strbuf_clear(&w);
				in_word = 0;
			}
			if (!*p)
				break;
			continue;
		}
		in_word = 1;
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (*p && *p != q)
				strbuf_addch(&w, *p++);
			if (!*p)
				break;
			continue;
		}
		strbuf_addch(&w, *p);
	}
	strbuf_release(&w);
}

static void parse_page(const char *text)
{
	char *copy = xstrdup(text);
	char *section = xstrdup("");
	int in_code = 0;
	struct strbuf cur = STRBUF_INIT;
	char *save = NULL;
	(void)save;
	char *line = copy;
	while (line) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		const char *t = line;
		while (*t == ' ')
			t++;
		if (!strncmp(t, "```", 3)) {
			if (in_code && cur.len) {
				split_words(cur.buf, &cmds[ncmds].argv);
				cmds[ncmds++].section = xstrdup(section);
				strbuf_clear(&cur);
			}
			in_code = !in_code;
		} else if (in_code) {
			if (!strncmp(t, "docker ", 7) && cur.len) {
				split_words(cur.buf, &cmds[ncmds].argv);
				cmds[ncmds++].section = xstrdup(section);
				strbuf_clear(&cur);
			}
			if (!strncmp(t, "docker ", 7) || cur.len) {
				strbuf_addstr(&cur, t);
				if (cur.len && cur.buf[cur.len - 1] == '\\')
					strbuf_setlen(&cur, cur.len - 1);
				strbuf_addch(&cur, ' ');
			}
		} else if (!strncmp(t, "### ", 4)) {
			free(section);
			section = xstrdup(t + 4);
		}
		line = nl ? nl + 1 : NULL;
	}
	strbuf_release(&cur);
	free(section);
	free(copy);
}

/* The allowed differences, applied to either side. */
static void normalise(const struct strvec *in, struct strvec *out, int drop_detach)
{
	strvec_init(out);
	for (size_t i = 0; i < in->n; i++) {
		const char *w = in->v[i];
		if (drop_detach && !strcmp(w, "-d"))
			continue;
		const char *eq = strchr(w, '=');
		if (!strncmp(w, "--", 2) && eq) {
			char *flag = xstrndup(w, (size_t)(eq - w));
			strvec_push(out, !strcmp(flag, "--net") ? "--network" : flag);
			strvec_push(out, eq + 1);
			free(flag);
		} else if (!strcmp(w, "--net")) {
			strvec_push(out, "--network");
		} else if (!strcmp(w, "<remote>")) {
			strvec_push(out, "remote.example");
		} else {
			struct strbuf sb = STRBUF_INIT;
			for (const char *p = w; *p; p++) {
				if (!strncmp(p, "<remote>", 8)) {
					strbuf_addstr(&sb, "remote.example");
					p += 7;
				} else if (!strncmp(p, "<user>", 6)) {
					strbuf_addstr(&sb, "user");
					p += 5;
				} else {
					strbuf_addch(&sb, *p);
				}
			}
			strvec_push(out, sb.buf);
			strbuf_release(&sb);
		}
	}
}

static const struct cmd *find(const char *section, const char *contains, int nth)
{
	for (int i = 0; i < ncmds; i++) {
		if (strncmp(cmds[i].section, section, strlen(section)))
			continue;
		int has = !contains;
		for (size_t j = 0; contains && j < cmds[i].argv.n; j++)
			has |= strstr(cmds[i].argv.v[j], contains) != NULL;
		if (has && nth-- == 0)
			return &cmds[i];
	}
	return NULL;
}

static void compare(const char *what, const struct strvec *docs, const struct strvec *ours, int sidecar)
{
	struct strvec a, b;
	normalise(docs, &a, 0);
	normalise(ours, &b, sidecar);
	int same = strvec_equal(&a, &b);
	if (!same) {
		fprintf(stderr, "%s differs:\n  docs:", what);
		for (size_t i = 0; i < a.n; i++)
			fprintf(stderr, " [%s]", a.v[i]);
		fprintf(stderr, "\n  ours:");
		for (size_t i = 0; i < b.n; i++)
			fprintf(stderr, " [%s]", b.v[i]);
		fprintf(stderr, "\n");
	}
	CHECK(same);
	strvec_release(&a);
	strvec_release(&b);
}

static void plan_of(enum mode_id mode, const char *const *opts, struct plan *p)
{
	struct spec s;
	struct facts f;
	struct err e;
	spec_init(&s);
	facts_init(&f);
	s.mode = mode;
	spec_set(&s, OPT_MINIMAL, "true", NULL);
	for (; *opts; opts += 2) {
		const struct option_def *d = option_by_key(opts[0]);
		CHECK(d && spec_set(&s, d->id, opts[1], &e) == 0);
	}
	int rc = plan_build(p, &s, &f, &e);
	if (rc)
		fprintf(stderr, "plan: %s\n", e.msg);
	CHECK(rc == 0);
	spec_release(&s);
	facts_release(&f);
}

int main(void)
{
	size_t len;
	struct err e;
	char *text = file_read_limited(WS_SOURCE_DIR "/tests/data/kloud-docs-docker.md", 1 << 20, &len, &e);
	CHECK(text != NULL);
	if (!text)
		return t_done("test_docs");
	parse_page(text);
	free(text);
	CHECK(ncmds >= 9);

	static const struct {
		enum mode_id mode;
		const char *section;
		const char *contains;
		const char *opts[8];
	} single[] = {
		{ MODE_SYSBOX, "1.", NULL, { NULL } },
		{ MODE_PRIVILEGED, "2.", NULL, { NULL } },
		{ MODE_SOCKET, "Docker Group", "--group-add=8888",
		  { "socket.group", "8888", "socket.path", "/var/run/docker.sock", NULL } },
		{ MODE_TCP, "4.", NULL, { "tcp.host", "remote.example", NULL } },
		{ MODE_SSH, "5.", NULL, { "ssh.host", "remote.example", "ssh.user", "user", NULL } },
	};
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
		const struct cmd *c = find(single[i].section, single[i].contains, 0);
		CHECK(c != NULL);
		if (!c)
			continue;
		struct plan p;
		plan_of(single[i].mode, single[i].opts, &p);
		CHECK_INT(p.n, 1);
		if (p.n >= 1)
			compare(single[i].section, &c->argv, &p.steps[0].argv, 0);
		plan_release(&p);
	}

	/* dind: three commands, in order. */
	const char *const none[] = { NULL };
	struct plan p;
	plan_of(MODE_DIND, none, &p);
	CHECK_INT(p.n, 3);
	for (int i = 0; i < 3 && (size_t)i < p.n; i++) {
		const struct cmd *c = find("6.", NULL, i);
		CHECK(c != NULL);
		if (c)
			compare("6. dind", &c->argv, &p.steps[i].argv, i == 1);
	}
	plan_release(&p);

	/* The comparison is not vacuous: a docs-form difference is caught. */
	{
		const struct cmd *c = find("1.", NULL, 0);
		struct strvec a, b;
		normalise(&c->argv, &a, 0);
		plan_of(MODE_PRIVILEGED, none, &p);
		normalise(&p.steps[0].argv, &b, 0);
		CHECK(!strvec_equal(&a, &b));
		strvec_release(&a);
		strvec_release(&b);
		plan_release(&p);
	}
	for (int i = 0; i < ncmds; i++) {
		free(cmds[i].section);
		strvec_release(&cmds[i].argv);
	}
	return t_done("test_docs");
}
