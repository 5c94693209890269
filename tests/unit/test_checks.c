/* test_checks.c - every engine-answered check's verdict from canned Engine
 * API replies (lib_fake_engine): the engine, /info's runtimes and security
 * options (sysbox, privilege, rootless), the image, the names, an engine
 * that is not there or fails; readiness and the recommendation.  No root,
 * no daemon: the fake listens on a unix socket in /tmp. */
#include "checks.h"
#include "lib_fake_engine.h"
#include "modes.h"
#include "net.h"
#include "spec.h"
#include "strbuf.h"
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

#define IMG "/images/ghcr.io/kloudkit/workspace:v0.0.21/json"

static struct fake_engine fe;

static const char *INFO_ROOTFUL_SYSBOX =
	"{\"ServerVersion\":\"20.10.24\",\"OperatingSystem\":\"Debian GNU/Linux 12\",\"OSType\":\"linux\","
	"\"KernelVersion\":\"6.1.0-18-amd64\",\"DefaultRuntime\":\"runc\","
	"\"Runtimes\":{\"runc\":{\"path\":\"runc\"},\"sysbox-runc\":{\"path\":\"/usr/bin/sysbox-runc\"}},"
	"\"SecurityOptions\":[\"name=seccomp,profile=default\"],\"DockerRootDir\":\"/var/lib/docker\"}";
static const char *INFO_ROOTFUL_PLAIN =
	"{\"ServerVersion\":\"20.10.24\",\"OSType\":\"linux\",\"KernelVersion\":\"6.1.0\",\"DefaultRuntime\":\"runc\","
	"\"Runtimes\":{\"runc\":{\"path\":\"runc\"}},\"SecurityOptions\":[\"name=seccomp,profile=default\"]}";
static const char *INFO_USERNS =
	"{\"ServerVersion\":\"20.10.24\",\"OSType\":\"linux\",\"KernelVersion\":\"6.1.0\",\"DefaultRuntime\":\"runc\","
	"\"Runtimes\":{\"runc\":{\"path\":\"runc\"}},\"SecurityOptions\":[\"name=seccomp,profile=default\",\"name=userns\"]}";
static const char *INFO_ROOTLESS =
	"{\"ServerVersion\":\"20.10.24\",\"OSType\":\"linux\",\"KernelVersion\":\"6.1.0\",\"DefaultRuntime\":\"runc\","
	"\"Runtimes\":{\"runc\":{\"path\":\"runc\"}},"
	"\"SecurityOptions\":[\"name=seccomp,profile=default\",\"name=rootless\",\"name=cgroupns\"]}";
static const char *IMAGE_PRESENT = "{\"Id\":\"sha256:a60beb0b99\",\"RepoTags\":[\"ghcr.io/kloudkit/workspace:v0.0.21\"]}";
static const char *FOREIGN_CONTAINER =
	"{\"Id\":\"0123456789abcdef\",\"Name\":\"/workspace\",\"Config\":{\"Image\":\"nginx\",\"Labels\":{}},"
	"\"State\":{\"Status\":\"running\",\"Running\":true}}";

/* Runs the checks of MODES for a spec of MODE with OPTS ("key=value"). */
static struct checker *run_checks(struct net *net, enum mode_id mode, unsigned modes, const char *const *opts)
{
	struct spec s;
	struct err e;
	spec_init(&s);
	s.mode = mode;
	for (; opts && *opts; opts++) {
		const char *eq = strchr(*opts, '=');
		char *key = xstrndup(*opts, (size_t)(eq - *opts));
		const struct option_def *d = option_by_key(key);
		CHECK(d != NULL);
		if (d)
			CHECK(spec_set(&s, d->id, eq + 1, &e) == 0);
		free(key);
	}
	struct checker_config cfg = { .spec = &s, .modes = modes, .offline = 1, .remote_timeout_ms = 2000 };
	struct checker *c = checker_new(net, &cfg, &e);
	CHECK(c != NULL);
	if (c)
		checker_run(c, 10000);
	spec_release(&s);
	return c;
}

static enum check_status status(const struct checker *c, enum check_id id)
{
	const struct check *ck = checker_get(c, id);
	return ck ? ck->status : (enum check_status)-1;
}

static const char *finding(const struct checker *c, enum check_id id)
{
	const struct check *ck = checker_get(c, id);
	return ck && ck->finding ? ck->finding : "";
}

#define CHECK_STATUS(c, id, st) do { enum check_status s_ = status(c, id); CHECK_INT(s_, st); \
	if (s_ != (st)) fprintf(stderr, "  %s: %s\n", check_defs[id].name, finding(c, id)); } while (0)

int main(void)
{
	if (fake_engine_start(&fe)) {
		fprintf(stderr, "test_checks: cannot start the fake engine\n");
		return 1;
	}
	/* an isolated client configuration; the endpoint is the fake */
	char cfgdir[] = "/tmp/ws-checks-cfg-XXXXXX";
	CHECK(mkdtemp(cfgdir) != NULL);
	setenv("DOCKER_CONFIG", cfgdir, 1);
	setenv("DOCKER_HOST", fe.host, 1);
	unsetenv("DOCKER_CONTEXT");
	unsetenv("DOCKER_TLS_VERIFY");
	unsetenv("DOCKER_CERT_PATH");
	struct err e;
	struct net *net = net_new(&e);
	CHECK(net != NULL);
	const char *const base[] = { "publish=none", NULL };

	/* 1. a rootful daemon with sysbox-runc, the image present, the name free */
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTFUL_SYSBOX);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	struct checker *c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_ENGINE, CHECK_PASS);
	CHECK_CONTAINS(finding(c, CK_ENGINE), "Docker 20.10.24");
	CHECK_STATUS(c, CK_ENDPOINT, CHECK_PASS);
	CHECK_STATUS(c, CK_IMAGE, CHECK_PASS);
	CHECK_STATUS(c, CK_NAMES, CHECK_PASS);
	CHECK_STATUS(c, CK_SYSBOX_RUNTIME, CHECK_PASS);
	CHECK_STATUS(c, CK_SYSBOX_KERNEL, CHECK_PASS);
	CHECK(checker_get(c, CK_SOCKET_GID) == NULL); /* not a check of sysbox */
	CHECK(fake_engine_hits(&fe, "GET", "/info") == 1);
	checker_free(c);

	/* 2. no sysbox runtime: sysbox fails, naming what the daemon has */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTFUL_PLAIN);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_SYSBOX_RUNTIME, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_SYSBOX_RUNTIME), "has: runc");
	struct readiness r;
	checker_readiness(c, MODE_SYSBOX, &r);
	CHECK(!r.ready && !r.pending && r.missing.n >= 1);
	readiness_release(&r);
	checker_free(c);

	/* 3. privilege: rootful passes, userns-remap passes and says so, rootless fails */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_USERNS);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	c = run_checks(net, MODE_PRIVILEGED, 0, base);
	/* pass, or warn when the "daemon" (this process) lacks a capability
	 * in its bounding set, as on some CI hosts (daemon_caps.h) */
	CHECK(status(c, CK_PRIVILEGE) == CHECK_PASS || status(c, CK_PRIVILEGE) == CHECK_WARN);
	CHECK_CONTAINS(finding(c, CK_PRIVILEGE), "userns-remap on: --userns=host will be added");
	checker_free(c);
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTLESS);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	c = run_checks(net, MODE_PRIVILEGED, 0, base);
	CHECK_STATUS(c, CK_PRIVILEGE, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_PRIVILEGE), "rootless");
	checker_free(c);

	/* 4. rootless mode: the endpoint is the socket and /info says rootless */
	char sockopt[200];
	snprintf(sockopt, sizeof(sockopt), "socket.path=%s", fe.sock);
	const char *const rl[] = { "publish=none", sockopt, NULL };
	c = run_checks(net, MODE_ROOTLESS, 0, rl);
	CHECK_STATUS(c, CK_ROOTLESS_DAEMON, CHECK_PASS);
	/* this process owns the socket and runs in no user namespace of its own:
	 * not a rootless daemon's socket, whatever the uid */
	CHECK_STATUS(c, CK_ROOTLESS_SOCKET, CHECK_FAIL);
	checker_free(c);
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTFUL_PLAIN);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	c = run_checks(net, MODE_ROOTLESS, 0, rl);
	CHECK_STATUS(c, CK_ROOTLESS_DAEMON, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_ROOTLESS_DAEMON), "is rootful");
	CHECK_CONTAINS(checker_get(c, CK_ROOTLESS_DAEMON)->remedy, "DOCKER_HOST=unix://");
	checker_free(c);

	/* 5. the workspace's name taken by a container ws-launch did not make */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	fake_engine_on(&fe, "GET", "/containers/workspace/json", 200, FOREIGN_CONTAINER);
	c = run_checks(net, MODE_SOCKET, 0, (const char *const[]){ "publish=none", "socket.group=998", NULL });
	CHECK_STATUS(c, CK_NAMES, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_NAMES), "workspace");
	CHECK(fake_engine_hits(&fe, "GET", "/info") == 0); /* socket needs no /info */
	checker_free(c);

	/* 6. the image absent and --pull never: not ready, in those words */
	fake_engine_reset(&fe);
	c = run_checks(net, MODE_SOCKET, 0, (const char *const[]){ "publish=none", "socket.group=998", "pull=never", NULL });
	CHECK_STATUS(c, CK_IMAGE, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_IMAGE), "never");
	checker_free(c);

	/* 7. an engine that fails /_ping: the engine fails, what it would answer is skipped */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/_ping", 500, "{\"message\":\"daemon is shutting down\"}");
	c = run_checks(net, MODE_PRIVILEGED, 0, base);
	CHECK_STATUS(c, CK_ENGINE, CHECK_FAIL);
	CHECK_STATUS(c, CK_PRIVILEGE, CHECK_SKIP);
	CHECK_STATUS(c, CK_IMAGE, CHECK_SKIP);
	checker_free(c);

	/* 8. nothing at the endpoint: every engine-answered check of every mode is skipped */
	char gone[200];
	snprintf(gone, sizeof(gone), "unix://%s/none.sock", fe.dir);
	setenv("DOCKER_HOST", gone, 1);
	c = run_checks(net, MODE_NONE, MODES_ALL, base);
	CHECK_STATUS(c, CK_ENGINE, CHECK_FAIL);
	for (int i = 0; i < CK__COUNT; i++)
		if (check_defs[i].on_info && checker_get(c, (enum check_id)i))
			CHECK_STATUS(c, (enum check_id)i, CHECK_SKIP);
	CHECK(checker_recommend(c) == MODE_NONE);
	checker_free(c);
	setenv("DOCKER_HOST", fe.host, 1);

	/* 9. every mode at once on a rootful daemon with sysbox: sysbox is recommended */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTFUL_SYSBOX);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	setenv("WS_LAUNCH_SYSBOX_DIR", fe.dir, 1); /* no sysbox services there */
	c = run_checks(net, MODE_NONE, MODE_BIT(MODE_SYSBOX) | MODE_BIT(MODE_PRIVILEGED), base);
	CHECK_STATUS(c, CK_SYSBOX_RUNTIME, CHECK_PASS);
	CHECK(fake_engine_hits(&fe, "GET", "/info") == 1); /* one /info serves every check */
	enum mode_id rec = checker_recommend(c);
	CHECK(rec == MODE_PRIVILEGED || rec == MODE_SYSBOX);
	checker_free(c);

	net_free(net);
	fake_engine_stop(&fe);
	rmdir(cfgdir);
	return t_done("test_checks");
}
