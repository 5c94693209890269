/* test_validate.c - every validator, good and bad values, and the messages. */
#include "base/imageref.h"
#include "launch/options.h"
#include "t.h"
#include "base/validate.h"

static void host(const char *v, int ok)
{
	struct err e;
	int rc = validate_host(v, &e);
	if ((rc == 0) != ok)
		fprintf(stderr, "host %s: rc=%d %s\n", v, rc, rc ? e.msg : "");
	CHECK((rc == 0) == ok);
}

static void image(const char *v, int ok, const char *msg)
{
	struct err e = { { 0 } };
	int rc = validate_image(v, &e);
	if ((rc == 0) != ok)
		fprintf(stderr, "image %s: rc=%d %s\n", v, rc, rc ? e.msg : "");
	CHECK((rc == 0) == ok);
	if (msg)
		CHECK_CONTAINS(e.msg, msg);
}

static void name(const char *v, int ok)
{
	struct err e;
	int rc = validate_docker_name(v, "container", &e);
	if ((rc == 0) != ok)
		fprintf(stderr, "name %s: rc=%d %s\n", v, rc, rc ? e.msg : "");
	CHECK((rc == 0) == ok);
}

int main(void)
{
	struct err e;
	int port;
	long gid;

	/* ports */
	CHECK(validate_port("1", &port, &e) == 0 && port == 1);
	CHECK(validate_port("65535", &port, &e) == 0 && port == 65535);
	CHECK(validate_port("0", &port, &e) == -1);
	CHECK_STR(e.msg, "'0' is out of range (1-65535)");
	CHECK(validate_port("65536", &port, &e) == -1);
	CHECK(validate_port("99999999999999999999", &port, &e) == -1);
	CHECK_CONTAINS(e.msg, "out of range");
	CHECK(validate_port("-1", &port, &e) == -1);
	CHECK_STR(e.msg, "'-1' is not a number");
	CHECK(validate_port(" 80", &port, &e) == -1);
	CHECK(validate_port("80 ", &port, &e) == -1);
	CHECK(validate_port("0x50", &port, &e) == -1);
	CHECK(validate_port("", &port, &e) == -1);
	CHECK(validate_port("8080\n", &port, &e) == -1);
	CHECK_STR(e.msg, "'8080\\n' is not a number");

	/* gids */
	CHECK(validate_gid("0", &gid, &e) == 0 && gid == 0);
	CHECK(validate_gid("999", &gid, &e) == 0 && gid == 999);
	CHECK(validate_gid("4294967294", &gid, &e) == 0);
	CHECK(validate_gid("4294967295", &gid, &e) == -1);
	CHECK(validate_gid("docker", &gid, &e) == -1);
	CHECK_STR(e.msg, "'docker' is not a numeric group id");
	CHECK(validate_gid("-5", &gid, &e) == -1);
	CHECK(validate_gid("9.5", &gid, &e) == -1);

	/* hosts */
	host("localhost", 1);
	host("remote.example.com", 1);
	host("a-b.c", 1);
	host("10.0.0.5", 1);
	host("::1", 1);
	host("[::1]", 1);
	host("fe80::1", 1);
	host("xn--bcher-kva.example", 1);
	host("", 0);
	host("-bad.example", 0);
	host("bad-.example", 0);
	host("a..b", 0);
	host("a b", 0);
	host("host;rm -rf /", 0);
	host("host$(id)", 0);
	host("host\nname", 0);
	host("256.1.1.1", 0);
	host("1.2.3", 0);
	host("bücher.example", 0);
	host("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", 0);
	CHECK(validate_host("a_b", &e) == -1);
	CHECK_CONTAINS(e.msg, "'a_b' is not a valid host name");

	/* IPs for -p */
	CHECK(validate_ip("127.0.0.1", &e) == 0);
	CHECK(validate_ip("0.0.0.0", &e) == 0);
	CHECK(validate_ip("[::1]", &e) == 0);
	CHECK(validate_ip("localhost", &e) == -1);

	/* docker names */
	name("workspace", 1);
	name("ws-1.dev_2", 1);
	name("a1", 1);
	name("a", 0);
	name("", 0);
	name("-ws", 0);
	name(".ws", 0);
	name("_ws", 0);
	name("w s", 0);
	name("ws/1", 0);
	name("ws;reboot", 0);
	name("wörk", 0);
	CHECK(validate_docker_name("ws\n", "volume", &e) == -1);
	CHECK_STR(e.msg, "'ws\\n' is not a valid volume name (allowed: [a-zA-Z0-9][a-zA-Z0-9_.-]+)");

	/* env names */
	CHECK(validate_env_name("WS_AUTH_PASSWORD", &e) == 0);
	CHECK(validate_env_name("_x1", &e) == 0);
	CHECK(validate_env_name("1X", &e) == -1);
	CHECK(validate_env_name("A-B", &e) == -1);
	CHECK(validate_env_name("A B", &e) == -1);
	CHECK(validate_env_name("", &e) == -1);
	CHECK_STR(e.msg, "empty variable name");

	/* mount paths */
	CHECK(validate_mount_path("/var/run/docker.sock", &e) == 0);
	CHECK(validate_mount_path("/path with spaces/and'quote", &e) == 0);
	CHECK(validate_mount_path("relative/path", &e) == -1);
	CHECK_STR(e.msg, "'relative/path' is not an absolute path");
	CHECK(validate_mount_path("/a:b", &e) == -1);
	CHECK_CONTAINS(e.msg, "contains ':'");
	CHECK(validate_mount_path("", &e) == -1);

	/* ssh users */
	CHECK(validate_ssh_user("kloud", &e) == 0);
	CHECK(validate_ssh_user("first.last", &e) == 0);
	CHECK(validate_ssh_user("a@b", &e) == -1);
	CHECK(validate_ssh_user("-oProxyCommand=x", &e) == -1);

	/* profile names */
	CHECK(validate_profile_name("dev-1.x_y", &e) == 0);
	CHECK(validate_profile_name("..", &e) == -1);
	CHECK(validate_profile_name("a/b", &e) == -1);
	CHECK(validate_profile_name("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &e) == -1);

	/* image references */
	image("ghcr.io/kloudkit/workspace:v0.0.21", 1, NULL);
	image("docker:dind", 1, NULL);
	image("ubuntu", 1, NULL);
	image("library/ubuntu:22.04", 1, NULL);
	image("localhost/foo", 1, NULL);
	image("localhost:5000/foo/bar:tag", 1, NULL);
	image("127.0.0.1:25000/kloudkit/workspace:v0.0.21", 1, NULL);
	image("[::1]:5000/foo", 1, NULL);
	image("registry.example.com/a/b/c__d-e.f:latest", 1, NULL);
	image("ghcr.io/kloudkit/workspace@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1, NULL);
	image("ghcr.io/kloudkit/workspace:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1, NULL);
	image("a---b", 1, NULL);
	image("", 0, "empty image reference");
	image("Ghcr.io/x", 1, NULL); /* upper case is fine in a registry host */
	image("ghcr.io/Kloud/ws", 0, "upper-case");
	image("UPPER", 0, "upper-case");
	image("ws:", 0, "empty tag");
	image("ws:-bad", 0, "tag that does not start");
	image("ws:a/b", 0, NULL);
	image("ws@sha256:abc", 0, "64 hex");
	image("ws@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", 0, "lowercase hex");
	image("ws@md5", 0, "digest without an algorithm");
	image("ws name", 0, "space");
	image("ws;rm", 0, NULL);
	image("a/-b", 0, NULL);
	image("a//b", 0, "empty path component");
	image("a_-b", 0, NULL);
	image("host:99999/a", 0, "registry port");
	image("-ws", 0, NULL);
	image("ws\n", 0, "control");
	{
		struct imageref r;
		CHECK(imageref_parse("docker:dind", &r, &e) == 0);
		CHECK_STR(r.domain, "docker.io");
		CHECK_STR(r.path, "library/docker");
		CHECK_STR(r.tag, "dind");
		imageref_release(&r);
		CHECK(imageref_parse("127.0.0.1:5000/kloudkit/workspace:v0.1.0", &r, &e) == 0);
		CHECK_STR(r.domain, "127.0.0.1:5000");
		CHECK_STR(r.path, "kloudkit/workspace");
		CHECK_STR(r.tag, "v0.1.0");
		CHECK(r.digest == NULL);
		imageref_release(&r);
		CHECK(imageref_parse("localhost:5000", &r, &e) == 0);
		CHECK_STR(r.path, "library/localhost");
		CHECK_STR(r.tag, "5000");
		imageref_release(&r);
	}
	{
		char longname[300];
		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		image(longname, 0, "longer than 255");
		/* docker counts the normalised name: "docker.io/library/" is 18
		 * characters (found by tests/fuzz/fuzz_imageref) */
		longname[237] = '\0';
		image(longname, 1, NULL);
		longname[237] = 'a';
		longname[238] = '\0';
		image(longname, 0, "counting its docker.io/ prefix");
		memcpy(longname, "ab/", 3);   /* docker.io/ab/aaa...: 10 + 238 */
		image(longname, 1, NULL);
	}

	/* publish mappings */
	struct publish p;
	CHECK(publish_parse("127.0.0.1:8080:8080", &p, &e) == 0);
	CHECK_STR(p.bind, "127.0.0.1");
	CHECK_INT(p.host_port, 8080);
	CHECK(publish_parse("9000:8080", &p, &e) == 0 && p.bind[0] == '\0' && p.host_port == 9000);
	CHECK(publish_parse("[::1]:8080:8080", &p, &e) == 0);
	CHECK_STR(p.bind, "[::1]");
	CHECK(publish_parse("8080", &p, &e) == -1);
	CHECK_CONTAINS(e.msg, "is not a port mapping");
	CHECK(publish_parse("localhost:8080:8080", &p, &e) == -1);
	CHECK(publish_parse("1.2.3.4:0:8080", &p, &e) == -1);
	CHECK_CONTAINS(e.msg, "out of range");

	/* booleans */
	int b;
	CHECK(parse_bool("yes", &b, &e) == 0 && b == 1);
	CHECK(parse_bool("off", &b, &e) == 0 && b == 0);
	CHECK(parse_bool("maybe", &b, &e) == -1);
	CHECK_STR(e.msg, "'maybe' is not a boolean (true or false)");

	/* option table sanity: every row is complete and flags are unique per mode */
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		CHECK_INT(d->id, i);
		CHECK(d->flag && d->key && d->label && d->help && d->modes);
		CHECK(d->def || (d->flags & OF_AUTO));
		if (d->def)
			CHECK(option_validate(d, d->def, &e) == 0);
		for (int m = 0; m < MODE__COUNT; m++)
			if (d->modes & MODE_BIT(m))
				CHECK(option_by_flag(d->flag, (enum mode_id)m) == d);
	}
	return t_done("test_validate");
}
