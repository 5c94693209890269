/* test_endpoint_url.c - endpoint_parse_url on its own: every DOCKER_HOST
 * form docker/cli's ParseHost takes or refuses (test_endpoint.c resolves
 * whole environments; tests/cli/endpoint_corpus.sh asks the docker CLI). */
#include "engine/endpoint.h"
#include "t.h"

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

/* endpoint_parse_url on its own, and DOCKER_HOST errors through resolve. */
static void test_urls(void)
{
	struct endpoint ep;
	struct err e;
	endpoint_init(&ep);

	CHECK_INT(endpoint_parse_url("tcp://[::1]:2376", &ep, &e), 0);
	CHECK_STR(ep.host, "::1");
	CHECK_INT(ep.port, 2376);
	CHECK_STR(ep.url, "tcp://[::1]:2376");
	CHECK_INT(endpoint_parse_url("tcp://[fe80::1]", &ep, &e), -1);   /* the CLI: invalid bind address */
	CHECK_INT(endpoint_parse_url("tcp://", &ep, &e), 0);   /* the CLI: localhost */
	CHECK_STR(ep.url, "tcp://localhost:2375");
	CHECK_INT(endpoint_parse_url("tcp://:2377", &ep, &e), 0);
	CHECK_STR(ep.url, "tcp://localhost:2377");
	CHECK_INT(endpoint_parse_url("tcp://h:1/base/?x=1", &ep, &e), 0);   /* a base path; the query dropped */
	CHECK_STR(ep.url, "tcp://h:1/base");
	CHECK_STR(ep.path, "/base");
	CHECK_INT(endpoint_parse_url("docker.example:4243", &ep, &e), 0);   /* no scheme: tcp */
	CHECK_INT(ep.kind, EP_TCP);
	CHECK_STR(ep.url, "tcp://docker.example:4243");
	CHECK_INT(endpoint_parse_url("  tcp://h:1/  ", &ep, &e), 0);
	CHECK_STR(ep.url, "tcp://h:1");
	CHECK_INT(endpoint_parse_url("unix://", &ep, &e), 0);
	CHECK_STR(ep.path, "/var/run/docker.sock");
	CHECK_INT(endpoint_parse_url("unix:///run/user/1000/docker.sock", &ep, &e), 0);
	CHECK_STR(ep.path, "/run/user/1000/docker.sock");
	CHECK(ep.host == NULL);
	CHECK_INT(endpoint_parse_url("ssh://host", &ep, &e), 0);
	CHECK_INT(ep.kind, EP_SSH);
	CHECK(ep.user == NULL);
	CHECK_INT(ep.port, 0);
	CHECK_STR(ep.url, "ssh://host");
	CHECK_INT(endpoint_parse_url("ssh://me@10.0.0.5:2222/run/docker.sock", &ep, &e), 0);
	CHECK_STR(ep.user, "me");
	CHECK_STR(ep.host, "10.0.0.5");
	CHECK_INT(ep.port, 2222);
	CHECK_STR(ep.path, "/run/docker.sock");
	CHECK_STR(ep.url, "ssh://me@10.0.0.5:2222/run/docker.sock");
	CHECK_INT(endpoint_parse_url("ssh://build_box", &ep, &e), 0);   /* an ~/.ssh/config alias */
	CHECK_STR(ep.host, "build_box");

	struct {
		const char *url, *want;
	} bad[] = {
		{ "http://docker.example", "DOCKER_HOST: 'http://docker.example' is invalid (expected unix://, tcp:// or ssh://)" },
		{ "tcpp://h", "is invalid" },
		{ "fd://", "DOCKER_HOST: 'fd://' is not supported (fd://" },
		{ "npipe:////./pipe/docker_engine", "is not supported (npipe:// is a Windows named pipe)" },
		{ "tcp://h:99999", "DOCKER_HOST: 'tcp://h:99999' has an invalid port" },
		{ "tcp://h:0", "has an invalid port" },
		{ "tcp://h:abc", "has an invalid port" },
		{ "tcp://bad_host!:1", "has an invalid host" },
		{ "tcp://[::1", "unterminated [IPv6]" },
		{ "tcp://::1:2375", "without [brackets]" },
		{ "tcp://[::1]", "without a port" },
		{ "tcp://u@h:1", "has a user name" },
		{ "ssh://me:secret@h", "has a password" },
		{ "ssh://", "has no host" },
		{ "ssh://me@", "has no host" },
		{ "ssh://-oProxyCommand=x@h", "has an invalid user" },
		{ "ssh://h?x", "has a query" },
		{ "ssh://-oProxyCommand=x", "has an invalid host" },
		{ "tcp://my_host:1", "has an invalid host" },
		{ "tcp://h\n:1", "has control characters" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct endpoint_env env = { .docker_host = bad[i].url, .home = "/nonexistent" };
		resolve_fails(&env, bad[i].want);
	}
	CHECK_INT(endpoint_parse_url("", &ep, &e), -1);
	CHECK_CONTAINS(e.msg, "empty host URL");
	CHECK_INT(endpoint_parse_url(NULL, &ep, &e), -1);
	CHECK(ep.url == NULL);
	endpoint_release(&ep);

	CHECK_STR(endpoint_source_name(SRC_DOCKER_HOST), "DOCKER_HOST");
	CHECK_STR(endpoint_source_name(SRC_DOCKER_CONTEXT), "DOCKER_CONTEXT");
	CHECK_STR(endpoint_source_name(SRC_CONFIG), "config.json currentContext");
	CHECK_STR(endpoint_source_name(SRC_DEFAULT), "default");
}

int main(void)
{
	test_urls();
	return t_done("test_endpoint_url");
}
