/* render_limits.h - a container's resource limits (RK_CPUS, RK_MEMORY,
 * RK_PIDS_LIMIT, RK_SHM_SIZE) for the exports: Compose's cpus,
 * mem_limit, pids_limit and shm_size; Kubernetes' resources (limits and
 * requests alike: cpu in millicores, memory in Mi or Gi) and /dev/shm as
 * an emptyDir of medium Memory with its sizeLimit.  Each writes map
 * entries into the mapping (or sequence items into the sequence) open in
 * Y, nothing when C has no such limit. */
#ifndef WS_RENDER_LIMITS_H
#define WS_RENDER_LIMITS_H

#include "base/yemit.h"
#include "launch/launch.h"

void render_compose_limits(struct yemit *y, const struct container *c);
int render_kube_has_limits(const struct container *c);
void render_kube_resources(struct yemit *y, const struct container *c);
/* A volumeMounts item, and the pod's volumes item. */
void render_kube_shm_mount(struct yemit *y, const struct container *c);
void render_kube_shm_volume(struct yemit *y, const struct container *c);

#endif
