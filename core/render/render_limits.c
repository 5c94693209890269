/* render_limits.c - a container's resource limits in Compose and
 * Kubernetes terms (render_limits.h). */
#include "render_limits.h"
#include "launch/limits.h"

#include <stdio.h>

void render_compose_limits(struct yemit *y, const struct container *c)
{
	const struct run_opt *o;
	if ((o = container_find(c, RK_CPUS, NULL))) {
		yemit_plain(y, "cpus");
		yemit_plain(y, o->a); /* validated: a decimal */
	}
	if ((o = container_find(c, RK_MEMORY, NULL)))
		yemit_kv(y, "mem_limit", o->a);
	if ((o = container_find(c, RK_PIDS_LIMIT, NULL))) {
		yemit_plain(y, "pids_limit");
		yemit_plain(y, o->a); /* validated: an integer */
	}
	if ((o = container_find(c, RK_SHM_SIZE, NULL)))
		yemit_kv(y, "shm_size", o->a);
}

int render_kube_has_limits(const struct container *c)
{
	return container_find(c, RK_CPUS, NULL) || container_find(c, RK_MEMORY, NULL);
}

static void quantities(struct yemit *y, const struct container *c)
{
	char q[32];
	const struct run_opt *o;
	yemit_map(y);
	if ((o = container_find(c, RK_CPUS, NULL))) {
		limits_kube_cpu(o->a, q, sizeof(q));
		yemit_kv(y, "cpu", q);
	}
	if ((o = container_find(c, RK_MEMORY, NULL))) {
		limits_kube_size(o->a, q, sizeof(q));
		yemit_kv(y, "memory", q);
	}
	yemit_end_map(y);
}

void render_kube_resources(struct yemit *y, const struct container *c)
{
	if (!render_kube_has_limits(c))
		return;
	/* requests = limits: the pod is scheduled where what it may use is. */
	yemit_plain(y, "resources");
	yemit_map(y);
	yemit_plain(y, "limits");
	quantities(y, c);
	yemit_plain(y, "requests");
	quantities(y, c);
	yemit_end_map(y);
}

void render_kube_shm_mount(struct yemit *y, const struct container *c)
{
	if (!container_find(c, RK_SHM_SIZE, NULL))
		return;
	yemit_map(y);
	yemit_kv(y, "name", "dshm");
	yemit_kv(y, "mountPath", "/dev/shm");
	yemit_end_map(y);
}

void render_kube_shm_volume(struct yemit *y, const struct container *c)
{
	const struct run_opt *o = container_find(c, RK_SHM_SIZE, NULL);
	if (!o)
		return;
	char q[32];
	limits_kube_size(o->a, q, sizeof(q));
	yemit_map(y);
	yemit_kv(y, "name", "dshm");
	yemit_plain(y, "emptyDir");
	yemit_map(y);
	yemit_kv(y, "medium", "Memory");
	yemit_kv(y, "sizeLimit", q);
	yemit_end_map(y);
	yemit_end_map(y);
}
