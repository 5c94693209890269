/* test_profile.c - profiles: round trips, every bad-file class, atomic save. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "launch/modes.h"
#include "launch/plan.h"
#include "launch/profile.h"
#include "render/render.h"
#include "t.h"
#include "base/ytree.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static char *slurp(const char *path, size_t *len)
{
	struct err e;
	return file_read_limited(path, 1 << 22, len, &e);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
}

static void plan_text(const struct spec *s, struct strbuf *out)
{
	struct facts f;
	struct plan p;
	struct err e;
	facts_init(&f);
	f.socket_gid = 123;
	f.socket_path = xstrdup("/var/run/docker.sock");
	f.user = xstrdup("me");
	f.image_present = 0;
	if (plan_build(&p, s, &f, &e)) {
		strbuf_addf(out, "error: %s", e.msg);
	} else {
		render_json(out, &p);
		plan_release(&p);
	}
	facts_release(&f);
}

static void roundtrip(enum mode_id mode, const char *const *kv)
{
	struct spec s, back;
	struct err e;
	spec_init(&s);
	spec_init(&back);
	s.mode = mode;
	for (; *kv; kv += 2) {
		if (!strcmp(kv[0], "env")) {
			CHECK(spec_env_set(&s, kv[1], &e) == 0);
			continue;
		}
		const struct option_def *d = option_by_key(kv[0]);
		CHECK(d != NULL);
		if (d && spec_set(&s, d->id, kv[1], &e))
			fprintf(stderr, "%s: %s\n", kv[0], e.msg);
	}
	const char *name = mode_get(mode)->name;
	int rc = profile_save(dir, name, &s, 1, &e);
	if (rc)
		fprintf(stderr, "save %s: %s\n", name, e.msg);
	CHECK(rc == 0);
	rc = profile_load(dir, name, &back, &e);
	if (rc)
		fprintf(stderr, "load %s: %s\n", name, e.msg);
	CHECK(rc == 0);
	CHECK_INT(back.mode, mode);
	for (int i = 0; i < OPT__COUNT; i++) {
		const char *a = spec_get(&s, (enum opt_id)i), *b = spec_get(&back, (enum opt_id)i);
		if (!option_applies(&option_table[i], mode))
			continue;
		if (!a || !b)
			CHECK(a == b);
		else
			CHECK_STR(b, a);
	}
	CHECK(strvec_equal(&s.env, &back.env));
	struct strbuf p1 = STRBUF_INIT, p2 = STRBUF_INIT;
	plan_text(&s, &p1);
	plan_text(&back, &p2);
	CHECK_STR(p2.buf, p1.buf);
	/* The file is 0600 in a 0700 directory. */
	char path[256];
	snprintf(path, sizeof(path), "%s/profiles/%s.yaml", dir, name);
	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	snprintf(path, sizeof(path), "%s/profiles", dir);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0700);
	strbuf_release(&p1);
	strbuf_release(&p2);
	spec_release(&s);
	spec_release(&back);
}

struct bad {
	const char *title;
	const char *text;
	const char *want; /* after "PATH:" */
	size_t len;       /* bytes of text; 0 = strlen */
};

static const struct bad bads[] = {
	{ "syntax error", "version: 1\nmode: [sysbox\n", "3:1: did not find expected ',' or ']'" },
	{ "tab indentation", "version: 1\nmode: sysbox\ndind:\n\tnetwork: x\n", "4:1: found character that cannot start any token" },
	{ "unknown key", "version: 1\nmode: sysbox\nbogus: 1\n", "3:1: unknown key 'bogus'" },
	{ "unknown nested key", "version: 1\nmode: dind\ndind:\n  netwrk: x\n", "4:3: unknown key 'netwrk' in dind" },
	{ "wrong type (list)", "version: 1\nmode: sysbox\nname: [a, b]\n", "3:7: name: expected a string, got a list" },
	{ "wrong type (bool quoted)", "version: 1\nmode: dind\ndind:\n  tls: \"yes\"\n", "4:8: dind.tls: expected true or false, got a quoted string" },
	{ "wrong type (null)", "version: 1\nmode: sysbox\nimage:\n", "3:7: image: expected a string, got null" },
	{ "wrong type (section)", "version: 1\nmode: dind\ndind: true\n", "3:7: dind: expected a mapping, got a scalar" },
	{ "unknown mode", "version: 1\nmode: kvm\n", "2:7: mode: unknown mode 'kvm' (one of sysbox, privileged, socket, tcp, ssh, dind" }, /* then any later mode */
	{ "missing mode", "version: 1\nname: ws\n", "1:1: missing 'mode:'" },
	{ "bad value (port)", "version: 1\nmode: sysbox\npublish: 1.2.3.4:99999:8080\n", "3:10: publish: '99999' is out of range (1-65535)" },
	{ "bad value (image)", "version: 1\nmode: sysbox\nimage: \"Ghcr.io/A/B\"\n", "3:8: image: 'Ghcr.io/A/B' is not a valid image reference" },
	{ "bad value (gid)", "version: 1\nmode: socket\nsocket:\n  group: docker\n", "4:10: socket.group: 'docker' is not a numeric group id" },
	{ "bad env name", "version: 1\nmode: sysbox\nenv:\n  1BAD: x\n", "4:3: env: '1BAD' is not a valid variable name" },
	{ "option of another mode", "version: 1\nmode: socket\ntcp:\n  host: h.example\n", "4:9: tcp.host: does not apply to mode socket" },
	{ "future version", "version: 2\nmode: sysbox\n", "1:10: version: written by a newer ws-launch (version 2); this one reads version 1" },
	{ "version as string", "version: \"1\"\nmode: sysbox\n", "1:10: version: expected a number, got a quoted string" },
	{ "missing version", "mode: sysbox\n", "1:1: missing 'version: 1'" },
	{ "empty file", "", "1:1: empty profile" },
	{ "comment-only file", "# nothing\n", "1:1: empty profile" },
	{ "not a mapping", "- a\n- b\n", "1:1: expected a mapping of options, got a list" },
	{ "alias", "version: 1\nmode: sysbox\nname: &n ws\nvolume: *n\n", "3:7: anchors (&name) are not allowed here" },
	{ "duplicate key", "version: 1\nmode: sysbox\nname: a1\nname: b2\n", "4:1: duplicate key name" },
	{ "tag !!int", "version: 1\nmode: socket\nsocket:\n  group: !!int 998\n", "4:10: YAML tags (!!int, !name) are not allowed here" },
	{ "tag !!python", "version: 1\nmode: sysbox\nname: !!python/object:os.system ws\n", "3:7: YAML tags (!!int, !name) are not allowed here" },
	{ "local tag", "version: 1\nmode: !m sysbox\n", "2:7: YAML tags (!!int, !name) are not allowed here" },
	{ "tag on a mapping", "version: 1\nmode: sysbox\nenv: !!map\n  A: b\n", "3:6: YAML tags (!!map, !name) are not allowed here" },
	{ "two documents", "version: 1\nmode: sysbox\n---\nversion: 1\n", "3:1: more than one YAML document" },
	{ "binary garbage (NUL)", "\x7f" "ELF\x02\x01\x01\0\0\0", "1:1: binary data (NUL byte), not YAML text", 10 },
	{ "binary garbage (invalid UTF-8)", "version: 1\nmode: \xff\xfe\xfd\n", "2:7: invalid leading UTF-8 octet (not UTF-8 text)" },
	{ "control characters", "version: 1\nmode: sysbox\nname: \"a\x01\"\n", "3:9: control characters are not allowed" },
};

static void bad_file(const struct bad *b)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/bad.yaml", dir);
	write_file(path, b->text, b->len ? b->len : strlen(b->text));
	struct spec s;
	struct err e;
	spec_init(&s);
	s.mode = MODE_TCP; /* must stay untouched on failure */
	int rc = profile_load_file(path, &s, &e);
	CHECK(rc == -1);
	CHECK_INT(s.mode, MODE_TCP);
	char want[512];
	snprintf(want, sizeof(want), "%s:%s", path, b->want);
	if (rc == 0 || !strstr(e.msg, want))
		fprintf(stderr, "[%s]\n", b->title);
	CHECK_CONTAINS(e.msg, want);
	CHECK(strchr(e.msg, '\n') == NULL);
	spec_release(&s);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ws-prof-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	struct err e;

	static const char *const sysbox_kv[] = { "name", "dev-ws", "publish", "0.0.0.0:9000:8080",
		"env", "WS_SERVER_PORT=8080", "env", "NOTE=yes", "env", "EMPTY=", "env", "MULTI=a b: 'c' #x",
		"pull", "always", NULL };
	static const char *const priv_kv[] = { "privileged.data_volume", "none", "userns_host", "true",
		"detach", "false", NULL };
	static const char *const socket_kv[] = { "socket.path", "/run/user/1000/docker.sock",
		"socket.group", "0", "volume", "/srv/work space", NULL };
	static const char *const tcp_kv[] = { "tcp.host", "10.0.0.5", "tcp.tls", "true", "tcp.cert_dir",
		"/etc/docker/certs", "tcp.port", "12376", "image", "127.0.0.1:5000/ws:v1", NULL };
	static const char *const ssh_kv[] = { "ssh.host", "build.example", "ssh.user", "dev",
		"ssh.port", "2222", "ssh.auth", "key", "ssh.key", "/home/me/.ssh/id_ed25519",
		"ssh.known_hosts", "none", NULL };
	static const char *const dind_kv[] = { "dind.tls", "false", "dind.network", "ws-net",
		"dind.sidecar", "ws-dind", "dind.image", "docker:27-dind", "env", "A=true", NULL };
	static const char *const minimal_kv[] = { "minimal", "true", "name", "123", NULL };
	roundtrip(MODE_SYSBOX, sysbox_kv);
	roundtrip(MODE_PRIVILEGED, priv_kv);
	roundtrip(MODE_SOCKET, socket_kv);
	roundtrip(MODE_TCP, tcp_kv);
	roundtrip(MODE_SSH, ssh_kv);
	roundtrip(MODE_DIND, dind_kv);
	roundtrip(MODE_SYSBOX, minimal_kv);

	/* The SPEC example loads. */
	{
		const char *ex = "version: 1\nmode: dind\nimage: ghcr.io/kloudkit/workspace:v0.0.21\n"
				 "name: workspace\npublish: 127.0.0.1:8080:8080\nvolume: workspace\n"
				 "env: { WS_SERVER_PORT: \"8080\" }\n"
				 "dind: { network: dind, sidecar: dind, image: \"docker:dind\", tls: true }\n";
		struct spec s;
		spec_init(&s);
		CHECK(profile_parse(ex, strlen(ex), "example.yaml", &s, &e) == 0);
		CHECK_INT(s.mode, MODE_DIND);
		CHECK_STR(spec_env_get(&s, "WS_SERVER_PORT"), "8080");
		CHECK_STR(spec_get(&s, OPT_DIND_IMAGE), "docker:dind");
		spec_release(&s);
	}

	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		bad_file(&bads[i]);

	/* Huge file: refused before parsing. */
	{
		char path[256];
		snprintf(path, sizeof(path), "%s/huge.yaml", dir);
		size_t n = PROFILE_MAX_BYTES + 10;
		char *big = xmalloc(n);
		memset(big, '#', n);
		write_file(path, big, n);
		free(big);
		struct spec s;
		spec_init(&s);
		CHECK(profile_load_file(path, &s, &e) == -1);
		CHECK_CONTAINS(e.msg, "huge.yaml: too large (65546 bytes, max 65536)");
		spec_release(&s);
	}
	/* Deep nesting is bounded. */
	{
		struct strbuf sb = STRBUF_INIT;
		strbuf_addstr(&sb, "version: 1\nmode: sysbox\nname: ");
		for (int i = 0; i < 40; i++)
			strbuf_addch(&sb, '[');
		struct spec s;
		spec_init(&s);
		CHECK(profile_parse(sb.buf, sb.len, "deep.yaml", &s, &e) == -1);
		CHECK_CONTAINS(e.msg, "deep.yaml:3:");
		spec_release(&s);
		strbuf_release(&sb);
	}
	/* Missing profile and bad names. */
	{
		struct spec s;
		spec_init(&s);
		CHECK(profile_load(dir, "nope", &s, &e) == -1);
		CHECK_CONTAINS(e.msg, "no profile named nope");
		CHECK(profile_load(dir, "../etc/passwd", &s, &e) == -1);
		CHECK_CONTAINS(e.msg, "profile name '../etc/passwd' is not a valid name");
		spec_release(&s);
	}

	/* A failed save leaves the previous file byte-identical. */
	{
		struct spec s;
		spec_init(&s);
		s.mode = MODE_SYSBOX;
		CHECK(profile_save(dir, "keep", &s, 1, &e) == 0);
		char path[256];
		snprintf(path, sizeof(path), "%s/profiles/keep.yaml", dir);
		size_t len0, len1;
		char *before = slurp(path, &len0);
		CHECK(before != NULL);

		/* 1: the write itself fails (file size limit → EFBIG). */
		struct rlimit old, lim;
		getrlimit(RLIMIT_FSIZE, &old);
		lim.rlim_cur = 16; /* soft limit only: raising a hard limit needs CAP_SYS_RESOURCE */
		lim.rlim_max = old.rlim_max;
		signal(SIGXFSZ, SIG_IGN);
		spec_set(&s, OPT_NAME, "changed", NULL);
		CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
		int rc = profile_save(dir, "keep", &s, 1, &e);
		setrlimit(RLIMIT_FSIZE, &old);
		CHECK(rc == -1);
		CHECK_CONTAINS(e.msg, "cannot write");
		char *after = slurp(path, &len1);
		CHECK(after && len0 == len1 && !memcmp(before, after, len0));
		free(after);

		/* 2: the spec cannot be saved (no mode). */
		s.mode = MODE_NONE;
		CHECK(profile_save(dir, "keep", &s, 1, &e) == -1);
		after = slurp(path, &len1);
		CHECK(after && len0 == len1 && !memcmp(before, after, len0));
		free(after);

		/* No temp files left behind. */
		char cmd[320];
		snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A %s/profiles | grep -v '\\.yaml$')\"", dir);
		CHECK(system(cmd) == 0);
		free(before);
		spec_release(&s);
	}

	/* Listing: sorted, broken files reported with their error. */
	{
		char path[256];
		snprintf(path, sizeof(path), "%s/profiles/zz-broken.yaml", dir);
		write_file(path, "version: 9\nmode: sysbox\n", 24);
		struct profile_entry *list;
		long n = profile_list(dir, &list, &e);
		CHECK(n >= 8);
		int broken = 0;
		for (long i = 0; i < n; i++) {
			if (i)
				CHECK(strcmp(list[i - 1].name, list[i].name) < 0);
			if (!strcmp(list[i].name, "zz-broken")) {
				broken = 1;
				CHECK_CONTAINS(list[i].error, "newer ws-launch");
			}
		}
		CHECK(broken);
		profile_list_free(list, n);
		CHECK(profile_remove(dir, "zz-broken", &e) == 0);
		CHECK(profile_remove(dir, "zz-broken", &e) == -1);
		CHECK_CONTAINS(e.msg, "no profile named zz-broken");
	}
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
	return t_done("test_profile");
}
