/* test_jdoc.c - JSON through libyaml: valid documents, every malformed
 * class, the libyaml quirks jdoc.c papers over, and limits. */
#include "base/jdoc.h"
#include "base/strbuf.h"
#include "t.h"

#include <stdint.h>

#define LIMIT ((size_t)4 << 20)

static struct jdoc *ok(const char *s)
{
	struct err e = { { 0 } };
	struct jdoc *d = jdoc_parse(s, strlen(s), LIMIT, &e);
	if (!d)
		fprintf(stderr, "unexpected error for %s: %s\n", s, e.msg);
	CHECK(d != NULL);
	return d;
}

/* Expects a parse error whose message contains WANT. */
static void bad_n(const char *s, size_t n, const char *want)
{
	struct err e = { { 0 } };
	struct jdoc *d = jdoc_parse(s, n, LIMIT, &e);
	CHECK(d == NULL);
	CHECK_CONTAINS(e.msg, want);
	CHECK(strchr(e.msg, '\n') == NULL);
	jdoc_free(d);
}

static void bad(const char *s, const char *want)
{
	bad_n(s, strlen(s), want);
}

static void test_null_args(void)
{
	struct err e = { { 0 } };
	CHECK(jdoc_parse(NULL, 0, 0, &e) == NULL);
	CHECK_CONTAINS(e.msg, "no JSON value");
	jdoc_free(NULL);
	CHECK_INT(jdoc_root(NULL), 0);
	CHECK_INT(jdoc_type(NULL, 1), JDOC_NONE);
	CHECK_INT(jdoc_get(NULL, 1, "a", NULL), 0);
	CHECK(jdoc_string(NULL, 0, "d") != NULL);
	CHECK_INT(jdoc_int(NULL, 0, 7), 7);
	CHECK_INT(jdoc_bool(NULL, 0, 1), 1);
	CHECK_INT(jdoc_count(NULL, 0), 0);
	CHECK(jdoc_scalar(NULL, 0, NULL) == NULL);
	/* a NULL error pointer is allowed */
	CHECK(jdoc_parse("{", 1, 0, NULL) == NULL);
}

static void test_basic(void)
{
	struct jdoc *d = ok("{\"a\":1,\"b\":\"two\",\"c\":[true,false,null,-1.5e3],\"d\":{},\"e\":[]}");
	int r = jdoc_root(d);
	CHECK_INT(r, 1);
	CHECK_INT(jdoc_type(d, r), JDOC_OBJECT);
	CHECK_INT(jdoc_count(d, r), 5);
	CHECK_INT(jdoc_int(d, jdoc_member(d, r, "a"), 0), 1);
	CHECK_STR(jdoc_string(d, jdoc_member(d, r, "b"), NULL), "two");
	CHECK_INT(jdoc_type(d, jdoc_member(d, r, "b")), JDOC_STRING);
	int c = jdoc_member(d, r, "c");
	CHECK_INT(jdoc_type(d, c), JDOC_ARRAY);
	CHECK_INT(jdoc_count(d, c), 4);
	CHECK_INT(jdoc_bool(d, jdoc_at(d, c, 0), 0), 1);
	CHECK_INT(jdoc_bool(d, jdoc_at(d, c, 1), 1), 0);
	CHECK_INT(jdoc_type(d, jdoc_at(d, c, 2)), JDOC_NULL);
	CHECK_INT(jdoc_type(d, jdoc_at(d, c, 3)), JDOC_NUMBER);
	CHECK_INT(jdoc_int(d, jdoc_at(d, c, 3), 42), 42);   /* not an integer */
	CHECK_STR(jdoc_scalar(d, jdoc_at(d, c, 3), NULL), "-1.5e3");
	CHECK_INT(jdoc_at(d, c, 4), 0);
	CHECK_INT(jdoc_type(d, jdoc_member(d, r, "d")), JDOC_OBJECT);
	CHECK_INT(jdoc_count(d, jdoc_member(d, r, "d")), 0);
	CHECK_INT(jdoc_type(d, jdoc_member(d, r, "e")), JDOC_ARRAY);
	CHECK_INT(jdoc_count(d, jdoc_member(d, r, "e")), 0);
	CHECK_INT(jdoc_member(d, r, "zz"), 0);
	/* typed getters refuse the wrong type */
	CHECK_STR(jdoc_string(d, jdoc_member(d, r, "a"), "def"), "def");
	CHECK_INT(jdoc_int(d, jdoc_member(d, r, "b"), -3), -3);
	CHECK_INT(jdoc_bool(d, jdoc_member(d, r, "a"), -1), -1);
	/* quoted vs plain */
	CHECK_INT(jdoc_is_quoted(d, jdoc_member(d, r, "b")), 1);
	CHECK_INT(jdoc_is_quoted(d, jdoc_member(d, r, "a")), 0);
	CHECK_INT(jdoc_is_quoted(d, c), 0);
	/* pairs */
	const char *k = NULL;
	CHECK_INT(jdoc_pair(d, r, 1, &k), jdoc_member(d, r, "b"));
	CHECK_STR(k, "b");
	CHECK_INT(jdoc_pair(d, r, 5, &k), 0);
	CHECK_INT(jdoc_pair(d, c, 0, &k), 0);
	unsigned long line, col;
	jdoc_pos(d, jdoc_member(d, r, "b"), &line, &col);
	CHECK_INT(line, 1);
	CHECK_INT(col, 12);
	jdoc_free(d);

	/* strings that look like other types stay strings */
	d = ok("[\"1\",\"true\",\"null\"]");
	CHECK_INT(jdoc_type(d, jdoc_at(d, 1, 0)), JDOC_STRING);
	CHECK_INT(jdoc_int(d, jdoc_at(d, 1, 0), 9), 9);
	CHECK_INT(jdoc_bool(d, jdoc_at(d, 1, 1), 0), 0);
	CHECK_INT(jdoc_type(d, jdoc_at(d, 1, 2)), JDOC_STRING);
	jdoc_free(d);

	/* top-level scalars */
	d = ok("\"OK\"");
	CHECK_STR(jdoc_string(d, jdoc_root(d), NULL), "OK");
	jdoc_free(d);
	d = ok(" 42 \n");
	CHECK_INT(jdoc_int(d, jdoc_root(d), 0), 42);
	jdoc_free(d);
	d = ok("true");
	CHECK_INT(jdoc_bool(d, jdoc_root(d), 0), 1);
	jdoc_free(d);
	d = ok("null");
	CHECK_INT(jdoc_type(d, jdoc_root(d)), JDOC_NULL);
	jdoc_free(d);
	d = ok("[]");
	CHECK_INT(jdoc_count(d, 1), 0);
	jdoc_free(d);
	d = ok("{}");
	CHECK_INT(jdoc_type(d, 1), JDOC_OBJECT);
	jdoc_free(d);
	d = ok("[[[]],{},{\"a\":{}}]");
	CHECK_INT(jdoc_count(d, 1), 3);
	jdoc_free(d);
}

static void test_paths(void)
{
	struct jdoc *d = ok("{\"Runtimes\":{\"runc\":{\"path\":\"runc\"},\"sysbox-runc\":"
			    "{\"path\":\"/usr/bin/sysbox-runc\"}},\"State\":{\"Status\":\"running\"}}");
	int r = jdoc_root(d);
	CHECK_STR(jdoc_string(d, jdoc_get(d, r, "Runtimes", "sysbox-runc", "path", NULL), NULL),
		  "/usr/bin/sysbox-runc");
	CHECK(jdoc_get(d, r, "Runtimes", "sysbox-runc", NULL) != 0);
	CHECK_INT(jdoc_get(d, r, "Runtimes", "kata", NULL), 0);
	CHECK_INT(jdoc_get(d, r, "State", "Status", "deeper", NULL), 0);
	CHECK_INT(jdoc_get(d, r, NULL), r);
	CHECK_STR(jdoc_string(d, jdoc_get(d, r, "State", "Status", NULL), "?"), "running");
	CHECK_STR(jdoc_string(d, jdoc_get(d, r, "Nope", "Status", NULL), "?"), "?");
	jdoc_free(d);

	/* duplicate keys: the first wins */
	d = ok("{\"a\":1,\"a\":2}");
	CHECK_INT(jdoc_int(d, jdoc_member(d, 1, "a"), 0), 1);
	jdoc_free(d);
}

static void test_numbers(void)
{
	struct jdoc *d = ok("[0,-0,9223372036854775807,-9223372036854775808,9223372036854775808,"
			    "123456789012345678901234567890,1e400,0.5,-12,1E+2]");
	CHECK_INT(jdoc_int(d, jdoc_at(d, 1, 0), 5), 0);
	CHECK_INT(jdoc_int(d, jdoc_at(d, 1, 1), 5), 0);
	CHECK(jdoc_int(d, jdoc_at(d, 1, 2), 5) == INT64_MAX);
	CHECK(jdoc_int(d, jdoc_at(d, 1, 3), 5) == INT64_MIN);
	CHECK_INT(jdoc_int(d, jdoc_at(d, 1, 4), 5), 5);     /* out of range: default */
	CHECK_INT(jdoc_int(d, jdoc_at(d, 1, 5), 5), 5);
	CHECK_STR(jdoc_scalar(d, jdoc_at(d, 1, 5), NULL), "123456789012345678901234567890");
	CHECK_INT(jdoc_type(d, jdoc_at(d, 1, 6)), JDOC_NUMBER);
	CHECK_INT(jdoc_int(d, jdoc_at(d, 1, 7), 5), 5);
	CHECK_INT(jdoc_int(d, jdoc_at(d, 1, 8), 5), -12);
	CHECK_INT(jdoc_type(d, jdoc_at(d, 1, 9)), JDOC_NUMBER);
	jdoc_free(d);
	bad("[01]", "1:2: expected a JSON value");
	bad("[+1]", "1:2:");
	bad("[.5]", "1:2:");
	bad("[1.]", "1:2:");
	bad("[0x10]", "1:2:");
	bad("[NaN]", "1:2:");
	bad("[Infinity]", "1:2:");
	bad("[1e]", "1:2:");
	bad("[-]", "1:2:");
}

static void test_strings(void)
{
	size_t n;
	struct jdoc *d = ok("[\"a\\/b\",\"\\u00e9\\u4e2d\",\"\\ud83d\\ude00\",\"x\\ud800y\",\"\\udc00\","
			    "\"\\u0000z\",\"\\b\\f\\n\\r\\t\\\"\\\\\",\"\xc3\xa9\",\"\\uD83D\\uDE00!\"]");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 0), NULL), "a/b");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 1), NULL), "\xc3\xa9\xe4\xb8\xad");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 2), NULL), "\xf0\x9f\x98\x80");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 3), NULL), "x\xef\xbf\xbdy");   /* lone high → U+FFFD */
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 4), NULL), "\xef\xbf\xbd");     /* lone low */
	const char *z = jdoc_scalar(d, jdoc_at(d, 1, 5), &n);
	CHECK_INT(n, 2);
	CHECK(z && z[0] == '\0' && z[1] == 'z');
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 6), NULL), "\b\f\n\r\t\"\\");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 7), NULL), "\xc3\xa9");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 8), NULL), "\xf0\x9f\x98\x80!");
	jdoc_free(d);

	/* a key > 1000 chars still works (libyaml's limit is 1024) */
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "{\"");
	for (int i = 0; i < 1000; i++)
		strbuf_addch(&sb, 'k');
	strbuf_addstr(&sb, "\":1}");
	d = ok(sb.buf);
	CHECK_INT(jdoc_count(d, 1), 1);
	jdoc_free(d);
	/* long values are fine at any length */
	strbuf_clear(&sb);
	strbuf_addstr(&sb, "{\"k\":\"");
	for (int i = 0; i < 100000; i++)
		strbuf_addch(&sb, 'v');
	strbuf_addstr(&sb, "\"}");
	d = ok(sb.buf);
	CHECK_INT(strlen(jdoc_string(d, jdoc_member(d, 1, "k"), "")), 100000);
	jdoc_free(d);
	/* documented libyaml limit: keys over 1024 characters */
	strbuf_clear(&sb);
	strbuf_addstr(&sb, "{\"");
	for (int i = 0; i < 1100; i++)
		strbuf_addch(&sb, 'k');
	strbuf_addstr(&sb, "\":1}");
	bad(sb.buf, "1:");
	strbuf_release(&sb);

	bad("[\"\\x41\"]", "1:3: invalid escape '\\x'");
	bad("[\"\\a\"]", "invalid escape '\\a'");
	bad("[\"\\'\"]", "invalid escape");
	bad("[\"\\u12\"]", "1:3: invalid \\u escape");
	bad("[\"\\uzzzz\"]", "invalid \\u escape");
	bad("[\"a\x01\"]", "1:4: unescaped control character");
	bad_n("[\"a\0b\"]", 6, "1:4: unescaped control character");
	bad_n("[1,\0]", 5, "1:4: control characters are not allowed");
	bad("[\"\xff\"]", "1:3: invalid leading UTF-8 octet");
	bad("[\"\xc3\"]", "UTF-8");
	bad("['single']", "1:2: expected a JSON value");
	bad("[\"a\nb\"]", "1:4: unescaped control character");
	bad("[\"a\tb\"]", "1:4: unescaped control character");

	/* raw NEL, LS, PS are valid JSON in strings; libyaml would fold them */
	d = ok("[\"a\xc2\x85" "b\",\"c\xe2\x80\xa8" "d\xe2\x80\xa9" "e\", 1]");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 0), NULL), "a\xc2\x85" "b");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 1), NULL), "c\xe2\x80\xa8" "d\xe2\x80\xa9" "e");
	jdoc_free(d);
	bad("[\"\xe2\x80\xa8\", x]", "1:7:");

	/* raw DEL, C1 controls, U+FFFE and U+FFFF are valid JSON in strings;
	 * libyaml's reader refused them (found by tests/fuzz/fuzz_render) */
	d = ok("[\"\x7f\xc2\x80\xc2\x9f\",\"x\xef\xbf\xbe\xef\xbf\xbfy\"]");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 0), NULL), "\x7f\xc2\x80\xc2\x9f");
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 1), NULL), "x\xef\xbf\xbe\xef\xbf\xbfy");
	jdoc_free(d);
	bad("[\"\x7f\xc2\x80\", x]", "1:8:");
}

static void test_whitespace(void)
{
	/* docker writes config.json indented with tabs */
	struct jdoc *d = ok("{\n\t\"auths\": {},\n\t\"currentContext\": \"rootless\"\n}\n");
	CHECK_STR(jdoc_string(d, jdoc_member(d, 1, "currentContext"), NULL), "rootless");
	jdoc_free(d);
	d = ok("\t{\"a\" :\t[ 1 ,\t2 ] }\t\n");
	CHECK_INT(jdoc_count(d, jdoc_member(d, 1, "a")), 2);
	jdoc_free(d);
	d = ok("{\r\n  \"a\": 1\r\n}\r\n");
	CHECK_INT(jdoc_int(d, jdoc_member(d, 1, "a"), 0), 1);
	jdoc_free(d);
	d = ok("\xef\xbb\xbf{\"bom\":true}");
	CHECK_INT(jdoc_bool(d, jdoc_member(d, 1, "bom"), 0), 1);
	jdoc_free(d);
	d = ok("{\"a\":\n1\n,\"b\":2}");
	CHECK_INT(jdoc_int(d, jdoc_member(d, 1, "b"), 0), 2);
	jdoc_free(d);
	/* documented libyaml limit: a line break between key and ':' */
	bad("{\"a\"\n:1}", "2:1:");
	/* documented leniency: trailing commas */
	d = ok("[1,2,]");
	CHECK_INT(jdoc_count(d, 1), 2);
	jdoc_free(d);
}

static const char info_reply[] =
	"{\"ID\":\"7TRN:IPZB:QYBB:VPBQ:UWYJ:KHFQ:Z3GQ:SHRT:7JRG:5TPV:MRXU:4WN7\",\"Containers\":3,"
	"\"ContainersRunning\":1,\"ContainersPaused\":0,\"ContainersStopped\":2,\"Images\":14,"
	"\"Driver\":\"overlay2\",\"DriverStatus\":[[\"Backing Filesystem\",\"extfs\"],[\"Supports d_type\",\"true\"],"
	"[\"Using metacopy\",\"false\"],[\"Native Overlay Diff\",\"true\"],[\"userxattr\",\"false\"]],"
	"\"Plugins\":{\"Volume\":[\"local\"],\"Network\":[\"bridge\",\"host\",\"ipvlan\",\"macvlan\",\"null\",\"overlay\"],"
	"\"Authorization\":null,\"Log\":[\"awslogs\",\"fluentd\",\"gcplogs\",\"gelf\",\"journald\",\"json-file\",\"local\","
	"\"splunk\",\"syslog\"]},\"MemoryLimit\":true,\"SwapLimit\":true,\"CpuCfsPeriod\":true,\"CpuCfsQuota\":true,"
	"\"CPUShares\":true,\"CPUSet\":true,\"PidsLimit\":true,\"IPv4Forwarding\":true,\"Debug\":false,\"NFd\":36,"
	"\"OomKillDisable\":false,\"NGoroutines\":56,\"SystemTime\":\"2024-05-02T10:11:12.123456789+02:00\","
	"\"LoggingDriver\":\"json-file\",\"CgroupDriver\":\"systemd\",\"CgroupVersion\":\"2\",\"NEventsListener\":0,"
	"\"KernelVersion\":\"6.1.0-21-amd64\",\"OperatingSystem\":\"Debian GNU/Linux 12 (bookworm)\","
	"\"OSVersion\":\"12\",\"OSType\":\"linux\",\"Architecture\":\"x86_64\",\"IndexServerAddress\":"
	"\"https:\\/\\/index.docker.io\\/v1\\/\",\"RegistryConfig\":{\"AllowNondistributableArtifactsCIDRs\":null,"
	"\"AllowNondistributableArtifactsHostnames\":null,\"InsecureRegistryCIDRs\":[\"127.0.0.0/8\"],"
	"\"IndexConfigs\":{\"docker.io\":{\"Name\":\"docker.io\",\"Mirrors\":[],\"Secure\":true,\"Official\":true}},"
	"\"Mirrors\":null},\"NCPU\":8,\"MemTotal\":33356304384,\"GenericResources\":null,\"DockerRootDir\":"
	"\"/var/lib/docker\",\"HttpProxy\":\"\",\"HttpsProxy\":\"\",\"NoProxy\":\"\",\"Name\":\"build-host\","
	"\"Labels\":[],\"ExperimentalBuild\":false,\"ServerVersion\":\"26.1.1\",\"Runtimes\":{\"io.containerd.runc.v2\":"
	"{\"path\":\"runc\",\"status\":{\"org.opencontainers.runtime-spec.features\":\"{\\\"ociVersionMin\\\":\\\"1.0.0\\\"}\"}},"
	"\"runc\":{\"path\":\"runc\"},\"sysbox-runc\":{\"path\":\"/usr/bin/sysbox-runc\",\"runtimeArgs\":[\"--no-kernel-check\"]}},"
	"\"DefaultRuntime\":\"runc\",\"Swarm\":{\"NodeID\":\"\",\"NodeAddr\":\"\",\"LocalNodeState\":\"inactive\","
	"\"ControlAvailable\":false,\"Error\":\"\",\"RemoteManagers\":null},\"LiveRestoreEnabled\":false,"
	"\"Isolation\":\"\",\"InitBinary\":\"docker-init\",\"ContainerdCommit\":{\"ID\":\"e377cd56a71523140ca6ae87e30244719194a521\"},"
	"\"RuncCommit\":{\"ID\":\"v1.1.12-0-g51d5e94\"},\"InitCommit\":{\"ID\":\"de40ad0\"},\"SecurityOptions\":"
	"[\"name=apparmor\",\"name=seccomp,profile=builtin\",\"name=userns\",\"name=cgroupns\"],\"CDISpecDirs\":[],"
	"\"Warnings\":[\"WARNING: bridge-nf-call-iptables is disabled\",\"[DEPRECATION NOTICE]: API is accessible on "
	"http://0.0.0.0:2375 without encryption.\\n         Access to the remote API is equivalent to root access on the host.\"]}\n";

static void test_info_reply(void)
{
	struct jdoc *d = ok(info_reply);
	int r = jdoc_root(d);
	CHECK_STR(jdoc_string(d, jdoc_member(d, r, "ServerVersion"), NULL), "26.1.1");
	CHECK_STR(jdoc_string(d, jdoc_member(d, r, "OperatingSystem"), NULL), "Debian GNU/Linux 12 (bookworm)");
	CHECK_STR(jdoc_string(d, jdoc_member(d, r, "IndexServerAddress"), NULL), "https://index.docker.io/v1/");
	CHECK_STR(jdoc_string(d, jdoc_member(d, r, "DefaultRuntime"), NULL), "runc");
	CHECK_INT(jdoc_int(d, jdoc_member(d, r, "MemTotal"), 0), 33356304384LL);
	CHECK_INT(jdoc_int(d, jdoc_member(d, r, "NCPU"), 0), 8);
	int rt = jdoc_member(d, r, "Runtimes");
	CHECK_INT(jdoc_count(d, rt), 3);
	const char *k;
	jdoc_pair(d, rt, 2, &k);
	CHECK_STR(k, "sysbox-runc");
	CHECK_STR(jdoc_string(d, jdoc_get(d, rt, "io.containerd.runc.v2", "status",
					  "org.opencontainers.runtime-spec.features", NULL), NULL),
		  "{\"ociVersionMin\":\"1.0.0\"}");
	int so = jdoc_member(d, r, "SecurityOptions");
	CHECK_INT(jdoc_count(d, so), 4);
	CHECK_STR(jdoc_string(d, jdoc_at(d, so, 2), NULL), "name=userns");
	int w = jdoc_member(d, r, "Warnings");
	CHECK_INT(jdoc_count(d, w), 2);
	CHECK_CONTAINS(jdoc_string(d, jdoc_at(d, w, 1), ""), "without encryption.\n");
	CHECK_INT(jdoc_type(d, jdoc_get(d, r, "Plugins", "Authorization", NULL)), JDOC_NULL);
	CHECK_INT(jdoc_type(d, jdoc_get(d, r, "Swarm", "RemoteManagers", NULL)), JDOC_NULL);
	CHECK_INT(jdoc_count(d, jdoc_member(d, r, "Labels")), 0);
	jdoc_free(d);
}

static void test_malformed(void)
{
	bad("", "1:1: no JSON value");
	bad("   \n  ", "no JSON value");
	bad("{\"a\":", "1:");
	bad("{\"a\":1", "1:");
	bad("[1,2", "1:");
	bad("{\"a\":\"b", "1:8: found unexpected end of stream");
	bad("{\n  \"a\": 1,\n  \"b\" 2\n}", "3:");
	bad("{\"a\" 1}", "1:");
	bad("[1,,2]", "1:4:");
	bad("{\"a\"}", "1:5: expected a value");
	bad("{\"a\":}", "1:6: expected a value");
	bad("{a:1}", "1:2:");
	bad("{1:1}", "1:2: object keys must be strings");
	bad("[yes]", "1:2: expected a JSON value");
	bad("[foo bar]", "1:2:");
	bad("a: 1\n", "1:1: expected a JSON value");
	bad("- 1\n- 2\n", "1:1: expected a JSON value");
	bad("[1]\n---\n[2]\n", "3:1: unexpected data after the JSON value");
	bad("---\n[1]", "1:1: expected a JSON value");
	bad("%YAML 1.1\n---\n[1]", "1:1:");
	bad("{\"a\":1} x", "1:");
	bad("{\"a\":1}{\"b\":2}", "1:");
	bad("[&a 1, *a]", "1:2: anchors and tags");
	bad("!!str \"x\"", "1:1: anchors and tags");
	bad("[\"a\": 1]", "1:2: expected a JSON value ('{'");
	bad("[1, # comment\n2]", "1:5: unexpected '#'");
	bad("[\"\xe2\x80\xa8\", x]", "1:7:");
	bad("[1,\xe2\x80\xa8 2]", "1:4: unexpected character outside a string");
	/* columns are the caller's, after surrogate decoding and UTF-8 */
	bad("[\"\\ud83d\\ude00\", x]", "1:18:");
	bad("{\"\xc3\xa9\": x}", "1:7:");
	bad("\xef\xbb\xbf[x]", "1:2:");
	bad("\x7f" "ELF\x02\x01\x01", "1:1:");
	bad("\x89PNG\r\n\x1a\n", "1:1:");
	bad("<html><body>502 Bad Gateway</body></html>", "1:1:");
}

static void test_limits(void)
{
	struct err e = { { 0 } };
	struct strbuf sb = STRBUF_INIT;
	/* size ceiling */
	CHECK(jdoc_parse("[1,2,3]", 7, 6, &e) == NULL);
	CHECK_CONTAINS(e.msg, "larger than 6 bytes");
	struct jdoc *d = jdoc_parse("[1,2,3]", 7, 7, &e);
	CHECK(d != NULL);
	jdoc_free(d);

	/* nesting: JDOC_MAX_DEPTH is fine, one more is not */
	for (int i = 0; i < JDOC_MAX_DEPTH; i++)
		strbuf_addch(&sb, '[');
	for (int i = 0; i < JDOC_MAX_DEPTH; i++)
		strbuf_addch(&sb, ']');
	d = ok(sb.buf);
	jdoc_free(d);
	strbuf_clear(&sb);
	for (int i = 0; i < 100000; i++)
		strbuf_addstr(&sb, "{\"a\":[");
	bad(sb.buf, "nested deeper than 256 levels");
	strbuf_clear(&sb);
	for (int i = 0; i < 1000000; i++)
		strbuf_addch(&sb, '[');
	bad(sb.buf, "1:257: nested deeper than 256 levels");

	/* too many values */
	strbuf_clear(&sb);
	strbuf_addch(&sb, '[');
	for (int i = 0; i < JDOC_MAX_NODES + 10; i++)
		strbuf_addstr(&sb, "0,");
	strbuf_addstr(&sb, "0]");
	bad(sb.buf, "more than 262144 values");
	/* a big but acceptable array */
	strbuf_clear(&sb);
	strbuf_addch(&sb, '[');
	for (int i = 0; i < 50000; i++)
		strbuf_addf(&sb, "\"v%d.0.0\",", i);
	strbuf_addstr(&sb, "\"last\"]");
	d = ok(sb.buf);
	CHECK_INT(jdoc_count(d, 1), 50001);
	CHECK_STR(jdoc_string(d, jdoc_at(d, 1, 49999), NULL), "v49999.0.0");
	jdoc_free(d);
	strbuf_release(&sb);
}

/* Every prefix of a real reply, and single-byte corruptions of it, must
 * give a document or an error: never a crash (ASan/valgrind watch). */
static void test_truncation_and_garbage(void)
{
	size_t n = strlen(info_reply), errors = 0;
	for (size_t i = 0; i < n; i++) {
		struct err e = { { 0 } };
		struct jdoc *d = jdoc_parse(info_reply, i, LIMIT, &e);
		if (!d) {
			errors++;
			if (!e.msg[0] || !strchr(e.msg, ':'))
				fprintf(stderr, "prefix %zu: empty/odd message '%s'\n", i, e.msg);
		}
		jdoc_free(d);
	}
	/* all prefixes but those ending inside trailing whitespace fail */
	CHECK(errors >= n - 2);

	char *buf = xmalloc(n);
	unsigned seed = 12345;
	for (int round = 0; round < 3000; round++) {
		memcpy(buf, info_reply, n);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % n;
			seed = seed * 1103515245u + 12345u;
			buf[at] = (char)(seed >> 16);
		}
		struct err e = { { 0 } };
		struct jdoc *d = jdoc_parse(buf, n, LIMIT, &e);
		CHECK(d != NULL || e.msg[0]);
		if (d) {   /* whatever it parsed to, lookups are safe */
			(void)jdoc_string(d, jdoc_get(d, jdoc_root(d), "Runtimes", "runc", "path", NULL), NULL);
			(void)jdoc_count(d, jdoc_member(d, jdoc_root(d), "Warnings"));
		}
		jdoc_free(d);
	}
	free(buf);

	/* pure random bytes */
	char junk[512];
	for (int round = 0; round < 500; round++) {
		for (size_t i = 0; i < sizeof(junk); i++) {
			seed = seed * 1103515245u + 12345u;
			junk[i] = (char)(seed >> 16);
		}
		struct err e = { { 0 } };
		struct jdoc *d = jdoc_parse(junk, (size_t)(round % 64) + 1 + (size_t)round % 400, LIMIT, &e);
		CHECK(d != NULL || e.msg[0]);
		jdoc_free(d);
	}
}

int main(void)
{
	test_null_args();
	test_basic();
	test_paths();
	test_numbers();
	test_strings();
	test_whitespace();
	test_info_reply();
	test_malformed();
	test_limits();
	test_truncation_and_garbage();
	return t_done("test_jdoc");
}
