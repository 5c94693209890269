/* wizard_down.h - `d` on the Run screen: take the launch down from the
 * wizard, exactly as `ws-launch down --name LABEL` does, without blocking:
 * the Engine API lookup of what carries the launch's label
 * (core/run/teardown.h) runs on the wizard's net, then its removal plan runs
 * in a runner in down mode, both driven from the wizard's poll loop.
 * Volumes are kept (they hold the user's /workspace). */
#ifndef WS_WIZARD_DOWN_H
#define WS_WIZARD_DOWN_H

#include <poll.h>

#include "base/err.h"
#include "engine/net.h"
#include "base/strvec.h"

/* Starts taking down launch LABEL; DOCKER is the client (NULL: "docker").
 * -1 with E when the endpoint cannot be used. */
int down_start(struct net *net, const char *label, const char *docker, struct err *e);
/* Fills the removal children's fds; lowers *WAIT to their deadlines. */
int down_pollfds(struct pollfd *fds, int max, int *wait);
/* Drives the removal; 1 when something changed (redraw). */
int down_pump(void);
int down_busy(void);
/* 1 once finished; *FAILED is 1 when it did not fully succeed. */
int down_finished(int *failed);
/* One line: what happened ("removed 1 container and 1 network"). */
const char *down_message(void);
/* What was run and its output, so far. */
const struct strvec *down_log(void);
/* Cancels whatever runs and forgets everything. */
void down_stop(void);

#endif
