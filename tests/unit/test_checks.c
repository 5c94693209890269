/* test_checks.c - the checks' verdicts without a daemon: the engine-answered
 * ones from canned Engine API replies (lib_fake_engine: the engine, /info's
 * runtimes and security options for sysbox, privilege and rootless, the
 * image and its architecture, the names, dind's image, an engine that fails or is not there;
 * readiness and the recommendation), the local ones from sockets, ports and
 * files the test makes (socket path and group, web port, sysbox services,
 * TLS files, tcp on loopback, ssh key and remote).  No root, no daemon. */
#include "checks/checks.h"
#include "lib_fake_engine.h"
#include "lib_peer.h"
#include "launch/modes.h"
#include "engine/net.h"
#include "launch/spec.h"
#include "base/strbuf.h"
#include "t.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* rootless keeps everything in its own file and has no MODE_ name: it is
 * the row after the named ones (main() asserts it). */
#define MODE_ROOTLESS ((enum mode_id)MODE__NAMED)

#define IMG "/images/ghcr.io/kloudkit/workspace:v0.0.21/json"

static struct fake_engine fe;
static const char *ssh_bin; /* the checker's ssh client; NULL: ssh */

/* A unix socket listening at PATH (the fake sysbox services); its fd. */
static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4))
		return -1;
	return fd;
}

/* A TCP listener on 127.0.0.1 (a taken web port); its port in *PORT. */
static int listen_tcp(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	*port = ntohs(sa.sin_port);
	return fd;
}

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
static const char *INFO_AMD64 =
	"{\"ServerVersion\":\"20.10.24\",\"OSType\":\"linux\",\"Architecture\":\"x86_64\",\"KernelVersion\":\"6.1.0\","
	"\"DefaultRuntime\":\"runc\",\"Runtimes\":{\"runc\":{\"path\":\"runc\"},\"sysbox-runc\":{\"path\":\"sysbox-runc\"}},"
	"\"SecurityOptions\":[\"name=seccomp,profile=default\"]}";
static const char *IMAGE_ARM64 = "{\"Id\":\"sha256:a60beb0b99\",\"Os\":\"linux\",\"Architecture\":\"arm64\",\"Variant\":\"v8\"}";
static const char *IMAGE_AMD64 = "{\"Id\":\"sha256:a60beb0b99\",\"Os\":\"linux\",\"Architecture\":\"amd64\"}";
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
	struct checker_config cfg = { .spec = &s, .modes = modes, .offline = 1, .remote_timeout_ms = 2000,
				      .ssh_bin = ssh_bin };
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
	if (s_ != (st)) fprintf(stderr, "  %s: %s\n", check_def((enum check_id)(id))->name, finding(c, id)); } while (0)

int main(void)
{
	CHECK(!strcmp(mode_get(MODE_ROOTLESS)->name, "rootless"));
	if (fake_engine_start(&fe)) {
		fprintf(stderr, "test_checks: cannot start the fake engine\n");
		return 1;
	}
	/* an isolated client configuration; the endpoint is the fake */
	char cfgdir[] = "/tmp/ws-checks-cfg-XXXXXX";
	CHECK(mkdtemp(cfgdir) != NULL);
	setenv("DOCKER_CONFIG", cfgdir, 1);
	setenv("DOCKER_HOST", fe.host, 1);
	/* the cli check finds a docker client on PATH: a stand-in, so the
	 * verdicts do not depend on this machine having one */
	char bindir[300], stub[340], path[4096];
	snprintf(bindir, sizeof(bindir), "%s/bin", fe.dir);
	snprintf(stub, sizeof(stub), "%s/docker", bindir);
	CHECK(mkdir(bindir, 0755) == 0);
	FILE *sf = fopen(stub, "w");
	CHECK(sf != NULL);
	if (sf) {
		fputs("#!/bin/sh\nexit 0\n", sf);
		fclose(sf);
	}
	CHECK(chmod(stub, 0755) == 0);
	snprintf(path, sizeof(path), "%s:%s", bindir, getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
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

	/* 3. privilege: rootful passes, userns-remap warns (sudo inside cannot become root), rootless fails */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_USERNS);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	c = run_checks(net, MODE_PRIVILEGED, 0, base);
	CHECK(status(c, CK_PRIVILEGE) == CHECK_WARN);
	CHECK_CONTAINS(finding(c, CK_PRIVILEGE), "userns-remap on: --userns=host will be added");
	CHECK_CONTAINS(finding(c, CK_PRIVILEGE), "cannot");
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
	CHECK_STATUS(c, check_by_name("rootless.daemon"), CHECK_PASS);
	/* this process owns the socket and runs in no user namespace of its own:
	 * not a rootless daemon's socket, whatever the uid */
	CHECK_STATUS(c, check_by_name("rootless.socket"), CHECK_FAIL);
	checker_free(c);
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTFUL_PLAIN);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);
	c = run_checks(net, MODE_ROOTLESS, 0, rl);
	CHECK_STATUS(c, check_by_name("rootless.daemon"), CHECK_FAIL);
	CHECK_CONTAINS(finding(c, check_by_name("rootless.daemon")), "is rootful");
	CHECK_CONTAINS(checker_get(c, check_by_name("rootless.daemon"))->remedy, "DOCKER_HOST=unix://");
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
		if (check_def((enum check_id)(i))->on_info && checker_get(c, (enum check_id)i))
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

	/* 10. arch: an arm64 image on an x86_64 daemon fails in every mode, naming
	 * both; /info (sysbox) or /version (socket) says the daemon's */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_AMD64);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_ARM64);
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_ARCH, CHECK_FAIL);
	CHECK_STR(finding(c, CK_ARCH), "ghcr.io/kloudkit/workspace:v0.0.21 is linux/arm64; the daemon runs linux/amd64");
	CHECK_CONTAINS(checker_get(c, CK_ARCH)->remedy, "docker pull --platform linux/amd64 ghcr.io/kloudkit/workspace:v0.0.21");
	checker_readiness(c, MODE_SYSBOX, &r);
	CHECK(!r.ready);
	int named = 0; /* with the sysbox services this host lacks */
	for (size_t i = 0; i < r.missing.n; i++)
		named |= !strncmp(r.missing.v[i], "arch: ", 6);
	CHECK(named);
	readiness_release(&r);
	checker_free(c);
	const char *const sock[] = { "publish=none", "socket.group=998", NULL };
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_ARM64);
	fake_engine_on(&fe, "GET", "/version", 200, "{\"Version\":\"20.10.24\",\"Os\":\"linux\",\"Arch\":\"amd64\"}");
	c = run_checks(net, MODE_SOCKET, 0, sock);
	CHECK_STATUS(c, CK_ARCH, CHECK_FAIL);
	CHECK_STR(check_data(checker_get(c, CK_ARCH), "daemon"), "linux/amd64");
	CHECK(fake_engine_hits(&fe, "GET", "/info") == 0); /* still no /info for socket */
	CHECK(fake_engine_hits(&fe, "GET", "/version") == 1);
	checker_free(c);
	/* the same image for amd64 passes */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_AMD64);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_AMD64);
	c = run_checks(net, MODE_PRIVILEGED, 0, base);
	CHECK_STATUS(c, CK_ARCH, CHECK_PASS);
	CHECK_STR(check_data(checker_get(c, CK_ARCH), "source"), "local");
	checker_free(c);
	/* absent: the daemon's /distribution lists the registry's platforms */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_AMD64);
	fake_engine_on(&fe, "GET", "/distribution/ghcr.io/kloudkit/workspace:v0.0.21/json", 200,
		       "{\"Descriptor\":{},\"Platforms\":[{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"},"
		       "{\"architecture\":\"unknown\",\"os\":\"unknown\"},{\"architecture\":\"amd64\",\"os\":\"linux\"}]}");
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_ARCH, CHECK_PASS);
	CHECK_STR(finding(c, CK_ARCH), "ghcr.io/kloudkit/workspace:v0.0.21 is not present; the registry has linux/amd64 "
				       "(of linux/arm64, linux/amd64)");
	checker_free(c);
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_AMD64);
	fake_engine_on(&fe, "GET", "/distribution/ghcr.io/kloudkit/workspace:v0.0.21/json", 200,
		       "{\"Descriptor\":{},\"Platforms\":[{\"architecture\":\"arm64\",\"os\":\"linux\"}]}");
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_ARCH, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_ARCH), "is linux/arm64 in its registry, without linux/amd64");
	checker_free(c);
	/* cannot tell: skipped with the reason, never failed */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_AMD64);
	c = run_checks(net, MODE_SYSBOX, 0, base); /* /distribution says 404 */
	CHECK_STATUS(c, CK_ARCH, CHECK_SKIP);
	CHECK_CONTAINS(finding(c, CK_ARCH), "cannot tell: the daemon cannot read the image in its registry");
	checker_free(c);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT); /* no Architecture */
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_ARCH, CHECK_SKIP);
	CHECK_CONTAINS(finding(c, CK_ARCH), "image inspect has no architecture");
	checker_free(c);
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTFUL_PLAIN); /* no Architecture */
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_ARM64);
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_ARCH, CHECK_SKIP);
	CHECK_CONTAINS(finding(c, CK_ARCH), "the daemon does not say its architecture");
	checker_free(c);

	/* ---- the local checks ---- */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", IMG, 200, IMAGE_PRESENT);

	/* 11. socket: the given socket accepts; its group given or read from it */
	c = run_checks(net, MODE_SOCKET, 0, (const char *const[]){ "publish=none", sockopt, "socket.group=998", NULL });
	CHECK_STATUS(c, CK_SOCKET_PATH, CHECK_PASS);
	CHECK_STATUS(c, CK_SOCKET_GID, CHECK_PASS);
	CHECK_CONTAINS(finding(c, CK_SOCKET_GID), "998 (given)");
	checker_free(c);
	c = run_checks(net, MODE_SOCKET, 0, (const char *const[]){ "publish=none", sockopt, NULL });
	char gid[24];
	snprintf(gid, sizeof(gid), "%ld", (long)getgid());
	CHECK_STR(check_data(checker_get(c, CK_SOCKET_GID), "gid"), gid);
	CHECK(status(c, CK_SOCKET_GID) == (getgid() ? CHECK_PASS : CHECK_WARN)); /* group 0 is a warning */
	checker_free(c);
	char notsock[200];
	snprintf(notsock, sizeof(notsock), "socket.path=%s/config.json", cfgdir);
	FILE *nf = fopen(notsock + strlen("socket.path="), "w");
	if (nf)
		fclose(nf);
	c = run_checks(net, MODE_SOCKET, 0, (const char *const[]){ "publish=none", notsock, "socket.group=998", NULL });
	CHECK_STATUS(c, CK_SOCKET_PATH, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_SOCKET_PATH), "is not a socket");
	checker_free(c);
	unlink(notsock + strlen("socket.path="));

	/* 12. the web port: taken, then free */
	int port = 0, lfd = listen_tcp(&port);
	CHECK(lfd >= 0);
	char pub[64];
	snprintf(pub, sizeof(pub), "publish=127.0.0.1:%d:8080", port);
	c = run_checks(net, MODE_SOCKET, 0, (const char *const[]){ pub, "socket.group=998", NULL });
	CHECK_STATUS(c, CK_PORT, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_PORT), "is in use");
	CHECK_CONTAINS(checker_get(c, CK_PORT)->remedy, "--port");
	checker_free(c);
	close(lfd);
	c = run_checks(net, MODE_SOCKET, 0, (const char *const[]){ pub, "socket.group=998", NULL });
	CHECK_STATUS(c, CK_PORT, CHECK_PASS);
	checker_free(c);

	/* 13. sysbox services: absent, then both answering */
	char sysdir[128], mgr[160], sfs[160];
	snprintf(sysdir, sizeof(sysdir), "%s/sysbox", cfgdir);
	mkdir(sysdir, 0700);
	setenv("WS_LAUNCH_SYSBOX_DIR", sysdir, 1);
	fake_engine_on(&fe, "GET", "/info", 200, INFO_ROOTFUL_SYSBOX);
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_SYSBOX_SERVICES, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_SYSBOX_SERVICES), "sysbox-mgr is not running");
	checker_free(c);
	snprintf(mgr, sizeof(mgr), "%s/sysmgr.sock", sysdir);
	snprintf(sfs, sizeof(sfs), "%s/sysfs.sock", sysdir);
	int m1 = listen_unix(mgr), m2 = listen_unix(sfs);
	CHECK(m1 >= 0 && m2 >= 0);
	c = run_checks(net, MODE_SYSBOX, 0, base);
	CHECK_STATUS(c, CK_SYSBOX_SERVICES, CHECK_PASS);
	checker_free(c);
	close(m1);
	close(m2);
	unlink(mgr);
	unlink(sfs);
	rmdir(sysdir);

	/* 14. tcp: TLS without its files; a loopback host is the workspace itself */
	c = run_checks(net, MODE_TCP, 0, (const char *const[]){ "publish=none", "tcp.host=127.0.0.1", "tcp.tls=true",
								 "tcp.cert_dir=/nonexistent/certs", NULL });
	CHECK_STATUS(c, CK_TLS_FILES, CHECK_FAIL);
	CHECK_STATUS(c, CK_TCP_REACH, CHECK_SKIP); /* no handshake without them */
	CHECK_CONTAINS(finding(c, CK_TCP_REACH), "TLS files are missing");
	checker_free(c);
	c = run_checks(net, MODE_TCP, 0, (const char *const[]){ "publish=none", "tcp.host=127.0.0.1", "tcp.tls=false", NULL });
	CHECK_STATUS(c, CK_TLS_FILES, CHECK_SKIP);
	CHECK_STATUS(c, CK_TCP_REACH, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_TCP_REACH), "connection refused");
	checker_free(c);
	/* a daemon answers there (lib_peer's loopback server): still not
	 * ready, inside the workspace 127.0.0.1 is the workspace itself */
	server_start();
	char tport[40];
	snprintf(tport, sizeof(tport), "tcp.port=%d", srv.port);
	c = run_checks(net, MODE_TCP, 0, (const char *const[]){ "publish=none", "tcp.host=127.0.0.1", "tcp.tls=false",
								 tport, NULL });
	CHECK_STATUS(c, CK_TCP_REACH, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_TCP_REACH), "loopback");
	checker_free(c);
	server_stop();

	/* 15. ssh: a key file that cannot be read; a remote that refuses */
	ssh_bin = "/bin/false";
	c = run_checks(net, MODE_SSH, 0, (const char *const[]){ "publish=none", "ssh.host=build.example",
								 "ssh.auth=key", "ssh.key=/nonexistent/id_ed25519",
								 "ssh.known_hosts=none", NULL });
	CHECK_STATUS(c, CK_SSH_CLIENT, CHECK_FAIL);
	CHECK_CONTAINS(finding(c, CK_SSH_CLIENT), "cannot read /nonexistent/id_ed25519");
	CHECK_STATUS(c, CK_SSH_REMOTE, CHECK_FAIL);
	checker_free(c);
	ssh_bin = NULL;

	/* 16. dind's sidecar image present */
	fake_engine_on(&fe, "GET", "/images/docker:dind/json", 200, "{\"Id\":\"sha256:57a94ca151\"}");
	c = run_checks(net, MODE_DIND, 0, base);
	CHECK_STATUS(c, CK_DIND_IMAGE, CHECK_PASS);
	checker_free(c);

	net_free(net);
	unlink(stub);
	rmdir(bindir);
	fake_engine_stop(&fe);
	rmdir(cfgdir);
	return t_done("test_checks");
}
