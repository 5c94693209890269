/* teardown.h - what a launch created, found by its label, as a removal plan
 * (for `ws-launch down` and the wizard's Run screen).
 *
 * teardown_start() lists, through the Engine API, the containers, networks
 * and (with VOLUMES) volumes labelled ws-launch.launch=LABEL, then calls
 * DONE from net_dispatch() with a plan whose steps remove them: containers
 * newest first (`docker rm -f`), then networks, then volumes.  Objects
 * without the label are never listed.  The plan is run with a runner in
 * down mode.  teardown_free() cancels a lookup in flight (DONE then never
 * runs).  The plan passed to DONE belongs to the caller (plan_release). */
#ifndef WS_TEARDOWN_H
#define WS_TEARDOWN_H

#include "engine/engine.h"
#include "base/err.h"
#include "engine/net.h"
#include "launch/plan.h"

struct teardown;

typedef void (*teardown_done_fn)(struct plan *plan, const struct err *error, void *ctx);

struct teardown *teardown_start(struct net *net, struct engine_target *t, const char *label, int volumes,
				teardown_done_fn done, void *ctx);
void teardown_free(struct teardown *td);

#endif
