/* test_endpoint.c - endpoint resolution: every precedence rule, contexts
 * with and without TLS material, and every bad input class, in temp dirs. */
#include "engine/endpoint.h"
#include "base/sha256.h"
#include "base/strbuf.h"
#include "t.h"

#include <errno.h>
#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static char tmp[] = "/tmp/ws-endpoint-XXXXXX";

static void mkdir_p(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0700);
			*s = '/';
		}
	}
	mkdir(p, 0700);
	free(p);
}

static char *path_of(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void write_file(const char *path, const char *content)
{
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	mkdir_p(dir);
	free(dir);
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
	fputs(content, f);
	fclose(f);
}

/* The directory the docker CLI keeps context NAME in: sha256(NAME); an
 * ID of 64 characters is taken as the directory itself. */
static char *ctx_dir(const char *id)
{
	char hex[65];
	if (strlen(id) == 64)
		return xstrdup(id);
	sha256_hex(id, strlen(id), hex);
	return xstrdup(hex);
}

/* meta.json for context ID (a name, or a directory name) of config dir CFG. */
static void make_context(const char *cfg, const char *id, const char *meta_json)
{
	char *dir = ctx_dir(id);
	char *p = xasprintf("%s/contexts/meta/%s/meta.json", cfg, dir);
	free(dir);
	write_file(p, meta_json);
	free(p);
}

static void make_tls(const char *cfg, const char *id, int ca, int cert, int key)
{
	char *dir = xasprintf("%s/contexts/tls/%s/docker", cfg, id);
	mkdir_p(dir);
	const char *names[] = { "ca.pem", "cert.pem", "key.pem" };
	int want[] = { ca, cert, key };
	for (int i = 0; i < 3; i++) {
		if (!want[i])
			continue;
		char *f = xasprintf("%s/%s", dir, names[i]);
		write_file(f, "-----BEGIN TEST-----\n");
		free(f);
	}
	free(dir);
}

static void rm_rf(const char *p)
{
	struct stat st;
	if (lstat(p, &st))
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(p);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char *sub = path_of(p, de->d_name);
			rm_rf(sub);
			free(sub);
		}
		if (d)
			closedir(d);
		rmdir(p);
	} else {
		unlink(p);
	}
}

/* A fresh HOME with an empty .docker under the temp dir; returns HOME. */
static char *fresh_home(const char *name)
{
	char *home = xasprintf("%s/%s", tmp, name);
	char *cfg = xasprintf("%s/.docker", home);
	rm_rf(home);
	mkdir_p(cfg);
	free(cfg);
	return home;
}

static int resolve(struct endpoint *ep, const struct endpoint_env *env, struct err *e)
{
	err_clear(e);
	return endpoint_resolve_env(ep, env, e);
}

/* Expects resolution to fail with a message containing WANT. */
static void resolve_fails(const struct endpoint_env *env, const char *want)
{
	struct endpoint ep;
	struct err e;
	endpoint_init(&ep);
	CHECK_INT(resolve(&ep, env, &e), -1);
	CHECK_CONTAINS(e.msg, want);
	CHECK(ep.url == NULL);   /* nothing half-filled */
	endpoint_release(&ep);
}

static const char meta_foo[] =
	"{\"Name\":\"foo\",\"Metadata\":{\"Description\":\"\"},\"Endpoints\":{\"docker\":"
	"{\"Host\":\"tcp://foo.example:2376\",\"SkipTLSVerify\":false}}}";
static const char meta_bar[] =
	"{\n\t\"Name\": \"bar\",\n\t\"Endpoints\": {\n\t\t\"docker\": {\n\t\t\t\"Host\": "
	"\"unix:///run/bar.sock\",\n\t\t\t\"SkipTLSVerify\": false\n\t\t}\n\t}\n}\n";

static void test_precedence(void)
{
	struct endpoint ep;
	struct err e;
	char *home = fresh_home("prec");
	char *cfg = xasprintf("%s/.docker", home);
	char *conf = xasprintf("%s/config.json", cfg);
	struct endpoint_env env = { .home = home };

	endpoint_init(&ep);
	/* nothing at all: the default socket */
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DEFAULT);
	CHECK_INT(ep.kind, EP_UNIX);
	CHECK_STR(ep.url, "unix:///var/run/docker.sock");
	CHECK_STR(ep.path, "/var/run/docker.sock");
	CHECK_STR(ep.context, "default");
	CHECK_INT(ep.tls, 0);

	make_context(cfg, "foo", meta_foo);
	make_context(cfg, "bar", meta_bar);
	write_file(conf, "{\n\t\"auths\": {},\n\t\"currentContext\": \"bar\"\n}\n");

	/* config.json currentContext */
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_CONFIG);
	CHECK_STR(ep.context, "bar");
	CHECK_STR(ep.url, "unix:///run/bar.sock");
	CHECK_STR(ep.path, "/run/bar.sock");

	/* DOCKER_CONTEXT beats config.json */
	env.docker_context = "foo";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DOCKER_CONTEXT);
	CHECK_STR(ep.context, "foo");
	CHECK_INT(ep.kind, EP_TCP);
	CHECK_STR(ep.url, "tcp://foo.example:2376");
	CHECK_STR(ep.host, "foo.example");
	CHECK_INT(ep.port, 2376);
	CHECK_INT(ep.tls, 0);   /* no TLS material, SkipTLSVerify false */

	/* DOCKER_HOST beats DOCKER_CONTEXT (the code, not the docs table) */
	env.docker_host = "tcp://10.1.2.3:2375";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DOCKER_HOST);
	CHECK_STR(ep.context, "default");
	CHECK_STR(ep.url, "tcp://10.1.2.3:2375");

	/* set-but-empty variables do not count */
	env.docker_host = "";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DOCKER_CONTEXT);
	env.docker_context = "";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_CONFIG);

	/* DOCKER_CONTEXT=default: the default context, explicitly */
	env.docker_context = "default";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DOCKER_CONTEXT);
	CHECK_STR(ep.context, "default");
	CHECK_STR(ep.url, "unix:///var/run/docker.sock");
	env.docker_context = NULL;

	/* currentContext "default", "" and absent all mean the default */
	write_file(conf, "{\"currentContext\":\"default\"}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DEFAULT);
	write_file(conf, "{\"currentContext\":\"\"}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DEFAULT);
	write_file(conf, "{\"auths\":{\"ghcr.io\":{}}}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DEFAULT);
	write_file(conf, "{\"currentContext\":null}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DEFAULT);

	/* DOCKER_CONFIG replaces $HOME/.docker */
	char *other = xasprintf("%s/otherconf", tmp);
	rm_rf(other);
	make_context(other, "elsewhere", "{\"Name\":\"elsewhere\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///else.sock\"}}}");
	char *oconf = xasprintf("%s/config.json", other);
	write_file(oconf, "{\"currentContext\":\"elsewhere\"}");
	env.docker_config = other;
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_CONFIG);
	CHECK_STR(ep.url, "unix:///else.sock");
	env.docker_context = "foo";   /* foo lives in $HOME/.docker, not here */
	resolve_fails(&env, "DOCKER_CONTEXT: context 'foo' not found (no ");
	env.docker_context = NULL;
	env.docker_config = NULL;

	/* no HOME, no DOCKER_CONFIG */
	struct endpoint_env bare = { 0 };
	CHECK_INT(resolve(&ep, &bare, &e), 0);
	CHECK_INT(ep.source, SRC_DEFAULT);
	bare.docker_context = "foo";
	resolve_fails(&bare, "DOCKER_CONTEXT: context 'foo': no docker config directory");

	endpoint_release(&ep);
	free(oconf);
	free(other);
	free(conf);
	free(cfg);
	free(home);
}

static void test_tls_env(void)
{
	struct endpoint ep;
	struct err e;
	char *home = fresh_home("tls");
	char *cfg = xasprintf("%s/.docker", home);
	char *certs = xasprintf("%s/certs", tmp);
	struct endpoint_env env = { .home = home };

	rm_rf(certs);
	mkdir_p(certs);
	endpoint_init(&ep);

	/* tcp://HOST without a port is 2375, even with TLS */
	env.docker_host = "tcp://tls.example";
	env.docker_tls_verify = "1";
	env.docker_cert_path = certs;
	resolve_fails(&env, "DOCKER_CERT_PATH: ");
	resolve_fails(&env, "/certs/ca.pem: no such file");
	char *ca = path_of(certs, "ca.pem");
	char *cert = path_of(certs, "cert.pem");
	char *key = path_of(certs, "key.pem");
	write_file(ca, "x");
	CHECK_INT(resolve(&ep, &env, &e), 0);   /* ca alone: server-verify only */
	CHECK_INT(ep.port, 2375);
	CHECK_STR(ep.url, "tcp://tls.example:2375");
	CHECK_INT(ep.tls, 1);
	CHECK_INT(ep.tls_verify, 1);
	CHECK_STR(ep.ca_file, ca);
	CHECK(ep.cert_file == NULL);
	CHECK_STR(ep.cert_dir, certs);
	/* half a client pair is not used, as by the docker CLI: a warning */
	write_file(cert, "x");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK(ep.cert_file == NULL);
	CHECK_INT(ep.warnings.n, 1);
	CHECK_CONTAINS(ep.warnings.n ? ep.warnings.v[0] : "", "/certs/key.pem: no client certificate is sent");
	write_file(key, "x");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_STR(ep.cert_file, cert);
	CHECK_STR(ep.key_file, key);
	CHECK_INT(ep.warnings.n, 0);
	unlink(cert);
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK(ep.cert_file == NULL && ep.key_file == NULL);
	write_file(cert, "x");

	/* DOCKER_TLS_VERIFY=0 still means verify */
	env.docker_tls_verify = "0";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.tls_verify, 1);

	/* DOCKER_TLS alone: TLS without verification; the docker CLI still
	 * wants ca.pem */
	env.docker_tls_verify = NULL;
	env.docker_tls = "1";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.tls, 1);
	CHECK_INT(ep.tls_verify, 0);
	env.docker_cert_path = NULL;   /* config dir: empty */
	resolve_fails(&env, "DOCKER_TLS: open ");

	/* the default with TLS env is tcp://localhost:2376, certs in the config dir */
	env.docker_host = NULL;
	env.docker_tls = NULL;
	env.docker_tls_verify = "1";
	resolve_fails(&env, "DOCKER_TLS_VERIFY: ");
	resolve_fails(&env, "/.docker/ca.pem: no such file");
	char *cca = path_of(cfg, "ca.pem");
	write_file(cca, "x");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.source, SRC_DEFAULT);
	CHECK_STR(ep.url, "tcp://localhost:2376");
	CHECK_INT(ep.port, 2376);
	CHECK_STR(ep.ca_file, cca);
	CHECK_STR(ep.cert_dir, cfg);

	/* a unix DOCKER_HOST with TLS env: the docker CLI loads (and so
	 * needs) the files, the socket does not use them */
	env.docker_host = "unix:///tmp/x.sock";
	env.docker_cert_path = "/nonexistent";
	resolve_fails(&env, "DOCKER_CERT_PATH: open /nonexistent/ca.pem: no such file");
	env.docker_cert_path = certs;
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.tls, 0);
	/* ssh too */
	env.docker_host = "ssh://me@remote";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.kind, EP_SSH);
	CHECK_INT(ep.tls, 0);

	/* no config dir and no DOCKER_CERT_PATH but verify on */
	struct endpoint_env bare = { .docker_host = "tcp://h:2376", .docker_tls_verify = "1" };
	resolve_fails(&bare, "DOCKER_TLS_VERIFY is set but there is no certificate directory");

	endpoint_release(&ep);
	free(cca);
	free(ca);
	free(cert);
	free(key);
	free(certs);
	free(cfg);
	free(home);
}

static void test_contexts(void)
{
	struct endpoint ep;
	struct err e;
	char *home = fresh_home("ctx");
	char *cfg = xasprintf("%s/.docker", home);
	struct endpoint_env env = { .home = home };

	endpoint_init(&ep);
	/* contexts dir missing */
	env.docker_context = "remote";
	resolve_fails(&env, "DOCKER_CONTEXT: context 'remote' not found (");
	resolve_fails(&env, "/contexts/meta/b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a/meta.json)");

	/* sha256("remote"): where the docker CLI keeps it */
	const char *id = "b71199ebd070b36beab7317920c2c2f1d777df8d05e5527d8458fda57cb17a7a";
	make_context(cfg, id, "{\"Name\":\"remote\",\"Metadata\":{},\"Endpoints\":{\"docker\":"
		     "{\"Host\":\"tcp://remote.example:2376\",\"SkipTLSVerify\":false}}}");
	/* TLS material in contexts/tls/<same id>/docker */
	make_tls(cfg, id, 1, 1, 1);
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.kind, EP_TCP);
	CHECK_INT(ep.tls, 1);
	CHECK_INT(ep.tls_verify, 1);
	CHECK_CONTAINS(ep.ca_file, "/contexts/tls/b71199eb");
	CHECK_CONTAINS(ep.ca_file, "/docker/ca.pem");
	CHECK_CONTAINS(ep.cert_file, "/docker/cert.pem");
	CHECK_CONTAINS(ep.key_file, "/docker/key.pem");
	/* env TLS does not apply to named contexts */
	env.docker_tls_verify = "1";
	env.docker_cert_path = "/nonexistent";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_CONTAINS(ep.ca_file, "/contexts/tls/");
	env.docker_tls_verify = NULL;
	env.docker_cert_path = NULL;

	/* SkipTLSVerify */
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":"
		     "{\"Host\":\"tcp://remote.example:2376\",\"SkipTLSVerify\":true}}}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.tls, 1);
	CHECK_INT(ep.tls_verify, 0);

	/* half a client pair: not used, a warning */
	char *key = xasprintf("%s/contexts/tls/%s/docker/key.pem", cfg, id);
	unlink(key);
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK(ep.cert_file == NULL);
	CHECK_CONTAINS(ep.warnings.n ? ep.warnings.v[0] : "", "DOCKER_CONTEXT: context TLS: ");
	free(key);

	/* no TLS material: plain tcp, or TLS without verify when skipping */
	char *tlsdir = xasprintf("%s/contexts/tls", cfg);
	rm_rf(tlsdir);
	free(tlsdir);
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.tls, 1);
	CHECK_INT(ep.tls_verify, 0);
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":"
		     "{\"Host\":\"tcp://remote.example\",\"SkipTLSVerify\":false}}}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.tls, 0);
	CHECK_INT(ep.port, 2375);

	/* unix endpoints never use TLS even with material */
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":"
		     "{\"Host\":\"unix:///home/u/.docker/desktop/docker.sock\",\"SkipTLSVerify\":false}}}");
	make_tls(cfg, id, 1, 1, 1);
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.kind, EP_UNIX);
	CHECK_INT(ep.tls, 0);
	CHECK(ep.ca_file == NULL);

	/* no Host: the default socket */
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":{\"SkipTLSVerify\":false}}}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_STR(ep.url, "unix:///var/run/docker.sock");

	/* ssh context */
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":"
		     "{\"Host\":\"ssh://deploy@build.example:2222\",\"SkipTLSVerify\":false}}}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.kind, EP_SSH);
	CHECK_STR(ep.user, "deploy");
	CHECK_STR(ep.host, "build.example");
	CHECK_INT(ep.port, 2222);
	CHECK_STR(ep.context, "remote");

	/* bad Host in meta.json: names the variable, the file and the field */
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://h:x\"}}}");
	resolve_fails(&env, "DOCKER_CONTEXT: ");
	resolve_fails(&env, "/meta.json: Endpoints.docker.Host: 'tcp://h:x' has an invalid port");
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":{\"Host\":42}}}");
	resolve_fails(&env, "/meta.json:1:48: Endpoints.docker.Host: expected a string");
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{}}");
	resolve_fails(&env, "/meta.json: context has no Endpoints.docker");

	/* an unknown name; a broken meta.json where the name's is */
	env.docker_context = "ghost";
	resolve_fails(&env, "DOCKER_CONTEXT: context 'ghost' not found (no ");
	make_context(cfg, "ghost", "{\"Name\": \"half");
	resolve_fails(&env, "/meta.json:1:");
	/* a meta.json with the name, in a folder not named by its hash: not it */
	make_context(cfg, "0000000000000000000000000000000000000000000000000000000000000000",
		     "{\"Name\":\"other\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///o.sock\"}}}");
	env.docker_context = "other";
	resolve_fails(&env, "DOCKER_CONTEXT: context 'other' not found (no ");
	/* Go's encoding/json: keys match in any case, the last one wins */
	make_context(cfg, "other", "{\"name\":\"other\",\"ENDPOINTS\":{\"docker\":{\"Host\":\"unix:///1.sock\","
		     "\"host\":\"unix:///2.sock\"}}}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_STR(ep.path, "/2.sock");
	env.docker_context = "remote";
	make_context(cfg, id, "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":{\"Host\":\"unix:///r.sock\"}}}");
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_STR(ep.path, "/r.sock");

	/* hostile names are shown quoted and escaped */
	env.docker_context = "evil\n\x1b[31m";
	resolve_fails(&env, "context 'evil\\n\\x1b[31m' not found");

	/* currentContext naming a missing context names config.json */
	env.docker_context = NULL;
	char *conf = xasprintf("%s/config.json", cfg);
	write_file(conf, "{\"currentContext\":\"nobody\"}");
	resolve_fails(&env, "/.docker/config.json: currentContext: context 'nobody' not found");

	/* a config.json the docker CLI cannot parse: as for the CLI, a warning
	 * naming the file (line:col where there is one) and the default */
	static const struct {
		const char *text, *want;
	} damaged[] = {
		{ "{\n\t\"currentContext\": \"x\",\n\t\"auths\": {\n}", "/.docker/config.json:" },
		{ "{\n  \"currentContext\" \"x\"\n}\n", "/.docker/config.json:2:" },
		{ "{\"currentContext\": 7}", "currentContext is not a string" },
		{ "[\"currentContext\"]", "not a JSON object" },
		{ "\xef\xbb\xbf{\"currentContext\":\"remote\"}", "byte-order mark" },
	};
	for (size_t i = 0; i < sizeof(damaged) / sizeof(damaged[0]); i++) {
		write_file(conf, damaged[i].text);
		CHECK_INT(resolve(&ep, &env, &e), 0);
		CHECK_INT(ep.source, SRC_DEFAULT);
		CHECK_CONTAINS(ep.warnings.n ? ep.warnings.v[0] : "", "Error parsing config file (");
		CHECK_CONTAINS(ep.warnings.n ? ep.warnings.v[0] : "", damaged[i].want);
	}
	write_file(conf, "");   /* empty: no config, no warning */
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_INT(ep.warnings.n, 0);
	/* a FIFO or a directory instead of a file: a warning, not a hang */
	unlink(conf);
	CHECK_INT(mkfifo(conf, 0600), 0);
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_CONTAINS(ep.warnings.n ? ep.warnings.v[0] : "", "/.docker/config.json: not a regular file");
	unlink(conf);
	mkdir_p(conf);
	CHECK_INT(resolve(&ep, &env, &e), 0);
	CHECK_CONTAINS(ep.warnings.n ? ep.warnings.v[0] : "", "/.docker/config.json: not a regular file");
	rmdir(conf);
	/* DOCKER_HOST never reads config.json */
	env.docker_host = "unix:///x.sock";
	CHECK_INT(resolve(&ep, &env, &e), 0);
	env.docker_host = NULL;
	unlink(conf);
	free(conf);

	endpoint_release(&ep);
	free(cfg);
	free(home);
}

static void make_socket(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	mkdir_p(dir);
	free(dir);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "cannot bind %s: %s\n", path, strerror(errno));
		exit(2);
	}
	close(fd);   /* the inode stays: enough for stat() */
}

static void test_local_socket(void)
{
	struct stat st;
	int rootful = !stat("/var/run/docker.sock", &st) && S_ISSOCK(st.st_mode);
	char *home = fresh_home("sock");
	char *xdg = xasprintf("%s/xdg", tmp);
	char *desk = xasprintf("%s/.docker/desktop/docker.sock", home);
	char *mac = xasprintf("%s/.docker/run/docker.sock", home);
	char *xs = xasprintf("%s/docker.sock", xdg);
	struct endpoint_env env = { .home = home, .xdg_runtime_dir = xdg };
	char *s;

	rm_rf(xdg);
	mkdir_p(xdg);
	s = endpoint_local_socket_env(&env);
	CHECK_STR(s, "/var/run/docker.sock");   /* none exists (or the real one) */
	free(s);
	make_socket(mac);
	s = endpoint_local_socket_env(&env);
	CHECK_STR(s, rootful ? "/var/run/docker.sock" : mac);
	free(s);
	make_socket(desk);
	s = endpoint_local_socket_env(&env);
	CHECK_STR(s, rootful ? "/var/run/docker.sock" : desk);
	free(s);
	make_socket(xs);
	s = endpoint_local_socket_env(&env);
	CHECK_STR(s, rootful ? "/var/run/docker.sock" : xs);
	free(s);
	/* a regular file is not a socket */
	unlink(xs);
	write_file(xs, "not a socket");
	s = endpoint_local_socket_env(&env);
	CHECK_STR(s, rootful ? "/var/run/docker.sock" : desk);
	free(s);

	/* the environ wrappers */
	setenv("HOME", home, 1);
	setenv("XDG_RUNTIME_DIR", xdg, 1);
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_CONTEXT");
	unsetenv("DOCKER_CONFIG");
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_TLS");
	unsetenv("DOCKER_CERT_PATH");
	s = endpoint_local_socket();
	CHECK_STR(s, rootful ? "/var/run/docker.sock" : desk);
	free(s);
	struct endpoint ep;
	struct err e;
	endpoint_init(&ep);
	setenv("DOCKER_HOST", "tcp://envhost:1234", 1);
	CHECK_INT(endpoint_resolve(&ep, &e), 0);
	CHECK_STR(ep.url, "tcp://envhost:1234");
	CHECK_INT(ep.source, SRC_DOCKER_HOST);
	unsetenv("DOCKER_HOST");
	endpoint_release(&ep);

	free(xs);
	free(mac);
	free(desk);
	free(xdg);
	free(home);
}

int main(void)
{
	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		return 2;
	}
	test_precedence();
	test_tls_env();
	test_contexts();
	test_local_socket();
	rm_rf(tmp);
	return t_done("test_endpoint");
}
