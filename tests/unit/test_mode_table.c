/* test_mode_table.c - the parts a mode keeps in its own file reach the
 * rest through the table (docs/ARCHITECTURE.md "Adding a mode"): ids by
 * place, a mode's own options, checks, facts and detection; and the
 * KEY=value vectors that facts and check data are kept in. */
#include "t.h"
#include "checks/checks.h"
#include "launch/facts.h"
#include "launch/modes.h"
#include "launch/option_value.h"
#include "launch/options.h"
#include "base/strvec.h"

static void test_kv(void)
{
	struct strvec sv = STRVEC_INIT;
	strvec_kv_set(&sv, "a", "%d", 1);
	strvec_kv_set(&sv, "ab", "x");
	strvec_kv_set(&sv, "a", "%s", "two");
	CHECK_INT(sv.n, 2);
	CHECK_STR(strvec_kv_get(&sv, "a"), "two");
	CHECK_STR(strvec_kv_get(&sv, "ab"), "x");
	CHECK(strvec_kv_get(&sv, "b") == NULL);
	strvec_kv_unset(&sv, "a");
	CHECK_INT(sv.n, 1);
	CHECK(sv.v[1] == NULL);
	CHECK(strvec_kv_get(&sv, "a") == NULL);
	CHECK_STR(strvec_kv_get(&sv, "ab"), "x");
	strvec_kv_unset(&sv, "nothing");
	CHECK_INT(sv.n, 1);
	strvec_release(&sv);

	struct facts f;
	facts_init(&f);
	facts_set(&f, "m.n", "%ld", 42L);
	facts_set(&f, "m.bad", "4x");
	CHECK_INT(facts_get_long(&f, "m.n", -1), 42);
	CHECK_INT(facts_get_long(&f, "m.bad", -1), -1);
	CHECK_INT(facts_get_long(&f, "m.none", -7), -7);
	facts_release(&f);
	CHECK(facts_get(&f, "m.n") == NULL);
	facts_release(&f);
}

static void test_table(void)
{
	CHECK(MODE__COUNT >= MODE__NAMED && MODE__COUNT <= MODE_MAX);
	for (int m = 0; m < MODE__COUNT; m++) {
		const struct mode *md = mode_get((enum mode_id)m);
		CHECK(md && md->name && md->build && md->checks);
		CHECK_INT(mode_id_of(md), m);
		CHECK(mode_by_name(md->name) == md);
		/* every check a row lists exists, the mode's own among them */
		for (const char *const *c = md->checks; c && *c; c++) {
			enum check_id id = check_by_name(*c);
			CHECK(id >= 0 && id < CK__COUNT);
			if (id < 0 || id >= CK__COUNT)
				fprintf(stderr, "  mode %s lists unknown check %s\n", md->name, *c);
		}
		for (const struct mode_check *k = md->own_checks; k && k->name; k++) {
			enum check_id id = check_by_name(k->name);
			CHECK(id >= CK__CORE && id < CK__COUNT);
			CHECK(check_def(id) && check_def(id)->own == k);
			CHECK((k->start != NULL) != (k->on_info != NULL));
		}
		/* a mode's own options apply to it */
		for (const enum opt_id *o = md->options; o && *o != OPT__COUNT; o++) {
			CHECK(option_applies(option_get(*o), (enum mode_id)m));
			CHECK(option_modes(option_get(*o)) & MODE_BIT(m));
		}
	}
	CHECK(mode_get((enum mode_id)MODE__COUNT) == NULL);
	CHECK(mode_id_of(NULL) == MODE_NONE);
	CHECK(check_def((enum check_id)CK__COUNT) == NULL);
	CHECK(check_by_name("no.such.check") == CK_MAX);
}

/* The row that keeps everything in its own file: its options, facts and
 * detection reach the option values through the table alone. */
static void test_own_mode(void)
{
	const struct mode *rl = mode_by_name("rootless");
	CHECK(rl != NULL);
	if (!rl)
		return;
	enum mode_id id = mode_id_of(rl);
	CHECK(id >= MODE__NAMED);
	CHECK(option_applies(option_get(OPT_SOCKET), id));
	CHECK(option_applies(option_get(OPT_GROUP), id));
	CHECK(!option_applies(option_get(OPT_SOCKET), MODE_SYSBOX));
	CHECK(rl->detect_facts && rl->detect && rl->daemon_secopt);

	struct spec s;
	spec_init(&s);
	s.mode = id;
	struct facts f;
	facts_init(&f);
	f.socket_path = xstrdup("/var/run/docker.sock");
	f.socket_gid = 999;
	facts_set(&f, "rootless.socket", "/run/user/1000/docker.sock");
	facts_set(&f, "rootless.gid", "106");
	char buf[32];
	CHECK_STR(option_value(OPT_SOCKET, &s, &f, buf, sizeof(buf)), "/run/user/1000/docker.sock");
	CHECK_STR(option_value(OPT_GROUP, &s, &f, buf, sizeof(buf)), "106");
	facts_unset(&f, "rootless.gid");
	facts_set(&f, "rootless.error", "nothing answers there");
	CHECK(option_value(OPT_GROUP, &s, &f, buf, sizeof(buf)) == NULL);
	CHECK_STR(option_detect_why(OPT_GROUP, &s, &f), "nothing answers there");
	/* another mode keeps the common detection */
	s.mode = MODE_SOCKET;
	CHECK_STR(option_value(OPT_SOCKET, &s, &f, buf, sizeof(buf)), "/var/run/docker.sock");
	CHECK_STR(option_value(OPT_GROUP, &s, &f, buf, sizeof(buf)), "999");
	facts_release(&f);
	spec_release(&s);
}

int main(void)
{
	test_kv();
	test_table();
	test_own_mode();
	return t_done("test_mode_table");
}
