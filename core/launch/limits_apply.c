/* limits_apply.c - the resource limits of a spec on a container of the
 * launch model (limits.h limits_add).  Apart from limits.c, whose
 * validators the option table calls. */
#include "limits.h"
#include "options.h"
#include "spec.h"

static void add(struct container *c, const struct spec *s, enum opt_id id, enum run_kind kind)
{
	if (option_applies(option_get(id), s->mode) && !spec_is_none(s, id))
		container_add(c, kind, spec_get(s, id), NULL);
}

void limits_add(struct container *c, const struct spec *s)
{
	if (c->role == ROLE_SIDECAR) {
		add(c, s, OPT_DIND_CPUS, RK_CPUS);
		add(c, s, OPT_DIND_MEMORY, RK_MEMORY);
		return;
	}
	add(c, s, OPT_CPUS, RK_CPUS);
	add(c, s, OPT_MEMORY, RK_MEMORY);
	add(c, s, OPT_PIDS_LIMIT, RK_PIDS_LIMIT);
	add(c, s, OPT_SHM_SIZE, RK_SHM_SIZE);
}
