/* test_shell_roundtrip.c - the shell renderer, judged by real shells.
 *
 * Generates plans whose words contain every ASCII punctuation character,
 * spaces, tabs, newlines, quotes, $(), backticks, globs, leading dashes,
 * empty strings and UTF-8; renders them with render_shell(); runs the text
 * with bash and with dash, `docker` being a function that prints its argv
 * NUL-separated; compares the bytes with the plans' argv.  Seeded and
 * reproducible: WS_SEED=<n> to replay, WS_CASES=<n> to change the count
 * (default 10000 per shell). */
#include "launch/plan.h"
#include "render/render.h"
#include "base/strbuf.h"
#include "t.h"

#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int pick(int n)
{
	return (int)(next() % (uint64_t)n);
}

static const char *const tokens[] = {
	"", "$(id)", "`id`", "${HOME}", "$HOME", "*", "?", "[a-z]*", "~", "~root", "!", "!!", "#x",
	"a=b", "=x", "{a,b}", "-", "--", "-rf", "--flag=$(x)", "'", "\"", "\\", "\n", "\t", " ",
	"a b", "it's", "\"quoted\"", "back\\slash", "semi;colon", "pipe|x", "amp&x", "<in", ">out",
	"2>&1", "(sub)", "x\n# not a comment", "% %% %s", "é", "日本語", "🐳", "ünïcødé'\"", "\x7f",
	"\x01\x02", "a\\\nb", "\\'", "'\\''", "$'\\n'", "$\"x\"",
};

static void random_word(struct strbuf *w)
{
	strbuf_clear(w);
	int kind = pick(10);
	if (kind == 0) {
		strbuf_addstr(w, tokens[pick((int)(sizeof(tokens) / sizeof(tokens[0])))]);
		return;
	}
	int len = pick(14);
	for (int i = 0; i < len; i++) {
		int c = pick(12);
		if (c < 5) {
			/* any printable ASCII, punctuation included */
			strbuf_addch(w, 0x20 + pick(0x5f));
		} else if (c < 7) {
			strbuf_addch(w, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"[pick(32)]);
		} else if (c == 7) {
			strbuf_addch(w, " \t\n"[pick(3)]);
		} else if (c == 8) {
			static const char *const utf8[] = { "é", "ß", "日", "🐳", "\u00a0", "\u2028" };
			strbuf_addstr(w, utf8[pick(6)]);
		} else if (c == 9) {
			strbuf_addch(w, 1 + pick(31)); /* control characters */
		} else {
			strbuf_addch(w, 'a' + pick(26));
		}
	}
	if (pick(8) == 0) {
		/* leading dashes */
		struct strbuf t = STRBUF_INIT;
		strbuf_addstr(&t, pick(2) ? "-" : "--");
		strbuf_add(&t, w->buf, w->len);
		strbuf_clear(w);
		strbuf_add(w, t.buf, t.len);
		strbuf_release(&t);
	}
}

/* Either a synthetic plan of random argv steps or a real plan whose values
 * carry the random words. */
static void random_plan(struct plan *p)
{
	struct strbuf w = STRBUF_INIT;
	if (pick(3) == 0) {
		struct spec s;
		struct facts f;
		struct err e;
		spec_init(&s);
		facts_init(&f);
		f.image_present = 1;
		f.socket_gid = 999;
		f.socket_path = xstrdup("/var/run/docker.sock");
		s.mode = (enum mode_id)pick(3); /* sysbox, privileged, socket: no host needed */
		int nenv = 1 + pick(3);
		for (int i = 0; i < nenv; i++) {
			random_word(&w);
			char *kv = xasprintf("V%d=%s", i, w.buf);
			spec_env_set(&s, kv, &e);
			free(kv);
		}
		random_word(&w);
		char *vol = xasprintf("/%s", w.buf);
		spec_set(&s, OPT_VOLUME, vol, &e); /* refused when it holds ':' */
		free(vol);
		if (plan_build(p, &s, &f, &e))
			plan_init(p);
		spec_release(&s);
		facts_release(&f);
	} else {
		plan_init(p);
		int nsteps = 1 + pick(3);
		for (int i = 0; i < nsteps; i++) {
			struct step *st = plan_add_step(p, STEP_RUN, "random");
			int nwords = 1 + pick(8);
			st->breaks = xcalloc((size_t)nwords + 1, 1);
			strvec_push(&st->argv, "docker");
			for (int j = 0; j < nwords; j++) {
				random_word(&w);
				strvec_push(&st->argv, w.buf);
				st->breaks[j + 1] = (unsigned char)(pick(2));
			}
		}
	}
	strbuf_release(&w);
}

static void expected_bytes(const struct plan *p, struct strbuf *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct strvec *v = &p->steps[i].argv;
		for (size_t j = 1; j < v->n; j++)
			strbuf_add(out, v->v[j], strlen(v->v[j]) + 1);
		strbuf_add(out, "\036", 2);
	}
}

/* Runs SHELL on the script file, returns its stdout. */
static int run_shell(const char *shell, const char *script, struct strbuf *out)
{
	int fds[2];
	if (pipe(fds))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(shell, shell, script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	char buf[65536];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		strbuf_add(out, buf, (size_t)n);
	close(fds[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char prelude[] = "docker() { for a in \"$@\"; do printf '%s\\0' \"$a\"; done; printf '\\036\\0'; }\n";

static int check_batch(const char *shell, struct plan *plans, int n, const char *script_path, uint64_t seed,
		       int first)
{
	struct strbuf script = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	strbuf_addstr(&script, prelude);
	for (int i = 0; i < n; i++) {
		render_shell(&script, &plans[i]);
		expected_bytes(&plans[i], &want);
	}
	FILE *f = fopen(script_path, "w");
	CHECK(f != NULL);
	if (!f)
		return -1;
	fwrite(script.buf, 1, script.len, f);
	fclose(f);
	int rc = run_shell(shell, script_path, &got);
	int same = rc == 0 && got.len == want.len && !memcmp(got.buf, want.buf, want.len);
	if (!same && n > 1) {
		/* Narrow down to the first failing case for the report. */
		for (int i = 0; i < n; i++)
			if (check_batch(shell, plans + i, 1, script_path, seed, first + i))
				break;
	} else if (!same) {
		struct strbuf one = STRBUF_INIT;
		render_shell(&one, &plans[0]);
		fprintf(stderr, "%s: case %d (WS_SEED=%llu) differs (rc=%d); rendered:\n%s\n", shell, first,
			(unsigned long long)seed, rc, one.buf);
		strbuf_release(&one);
	}
	strbuf_release(&script);
	strbuf_release(&want);
	strbuf_release(&got);
	return same ? 0 : -1;
}

int main(void)
{
	const char *se = getenv("WS_SEED"), *ce = getenv("WS_CASES");
	uint64_t seed = se ? strtoull(se, NULL, 10) : 20261128u;
	long cases = ce ? strtol(ce, NULL, 10) : 10000;
	if (!seed)
		seed = 1;
	static const char *const shells[] = { "/bin/bash", "/bin/dash" };
	char dir[] = "/tmp/ws-rt-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char script[64];
	snprintf(script, sizeof(script), "%s/s.sh", dir);
	for (size_t sh = 0; sh < 2; sh++) {
		CHECK(access(shells[sh], X_OK) == 0);
		rng = seed;
		long done = 0, words = 0;
		int failures = 0;
		const int batch = 500;
		struct plan *plans = xcalloc(batch, sizeof(*plans));
		while (done < cases) {
			int n = (int)(cases - done < batch ? cases - done : batch);
			for (int i = 0; i < n; i++) {
				random_plan(&plans[i]);
				for (size_t j = 0; j < plans[i].n; j++)
					words += (long)plans[i].steps[j].argv.n;
			}
			if (check_batch(shells[sh], plans, n, script, seed, (int)done))
				failures++;
			for (int i = 0; i < n; i++)
				plan_release(&plans[i]);
			done += n;
		}
		free(plans);
		CHECK_INT(failures, 0);
		fprintf(stderr, "%s: %ld cases, %ld words round-tripped\n", shells[sh], done, words);
	}
	unlink(script);
	rmdir(dir);
	return t_done("test_shell_roundtrip");
}
