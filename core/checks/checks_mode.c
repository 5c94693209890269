/* checks_mode.c - the checks a mode brings in its own file (modes.h
 * .own_checks; docs/ARCHITECTURE.md "Adding a mode").
 *
 * Their rows follow the core table: ids CK__CORE and up, in the order of
 * the modes table, built once.  A mode's check reads a struct
 * mode_check_env and reports through its set/data callbacks, which land in
 * ck_set() and ck_data() here; the check never sees the checker. */
#include "checks_internal.h"

#include <string.h>

static struct check_def own_defs[CK_MAX - CK__CORE];
static int own_count = -1;

static void own_build(void)
{
	if (own_count >= 0)
		return;
	own_count = 0;
	for (int m = 0; m < MODE__COUNT; m++) {
		const struct mode_check *k = mode_get((enum mode_id)m)->own_checks;
		for (; k && k->name; k++) {
			if (own_count == CK_MAX - CK__CORE)
				return; /* more checks than CK_MAX: test_checks asserts none is lost */
			struct check_def *d = &own_defs[own_count];
			d->id = (enum check_id)(CK__CORE + own_count);
			d->name = k->name;
			d->title = k->title;
			d->own = k;
			own_count++;
		}
	}
}

int check_count(void)
{
	own_build();
	return CK__CORE + own_count;
}

const struct check_def *ck_own_def(enum check_id id)
{
	own_build();
	if ((int)id < CK__CORE || (int)id >= CK__CORE + own_count)
		return NULL;
	return &own_defs[id - CK__CORE];
}

static enum check_id own_id(const struct mode_check *k)
{
	own_build();
	for (int i = 0; i < own_count; i++)
		if (own_defs[i].own == k)
			return own_defs[i].id;
	return CK_MAX;
}

static void own_set(void *ctx, const struct mode_check *k, enum check_status st, const char *remedy,
		    const char *finding)
{
	enum check_id id = own_id(k);
	if (id != CK_MAX)
		ck_set(ctx, id, st, remedy, "%s", finding);
}

static void own_data(void *ctx, const struct mode_check *k, const char *key, const char *value)
{
	enum check_id id = own_id(k);
	if (id != CK_MAX)
		ck_data(ctx, id, key, "%s", value);
}

void ck_own_run(struct checker *c, enum check_id id, const struct engine_info *in)
{
	const struct check_def *d = ck_own_def(id);
	if (!d)
		return;
	struct mode_check_env env = {
		.spec = &c->spec,
		.facts = &c->facts,
		.endpoint_url = c->ep_ok ? c->ep.url : NULL,
		.endpoint_socket = c->ep_ok && c->ep.kind == EP_UNIX ? c->ep.path : NULL,
		.info = in,
		.set = own_set,
		.data = own_data,
		.ctx = c,
	};
	if (in && d->own->on_info)
		d->own->on_info(&env, d->own);
	else if (!in && d->own->start)
		d->own->start(&env, d->own);
}
