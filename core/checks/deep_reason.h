/* deep_reason.h - why an inner dockerd did not come up, read from its own
 * log (check --deep, docs/ARCHITECTURE.md "check --deep").
 *
 * deep_reason_read() looks for the daemon's fatal line (level=fatal,
 * "failed to start daemon", then any error line) and names the cause:
 * iptables (nft or legacy missing, a missing module, no iptables binary),
 * a cgroup it cannot write, the storage driver, a workspace that could not
 * become root to start it (sudo on a userns-remap daemon), or else the log's last
 * lines.  The finding quotes the daemon (its msg="..." when there is one),
 * sanitised to one line of printable text; the remedy is a command or an
 * option where one exists.  MODE chooses the remedy: only the dind sidecar
 * takes --inner-iptables nft|legacy.
 *
 * Ownership: R's strings are malloc'd; deep_reason_release() frees them.
 * Never fails: an empty log is a finding too. */
#ifndef WS_DEEP_REASON_H
#define WS_DEEP_REASON_H

#include "launch/mode_id.h"

enum deep_cause {
	DEEP_CAUSE_IPTABLES,
	DEEP_CAUSE_CGROUP,
	DEEP_CAUSE_STORAGE,
	DEEP_CAUSE_ROOT,   /* the image could not become root to start it (sudo) */
	DEEP_CAUSE_OTHER,
};

struct deep_reason {
	enum deep_cause cause;
	char *finding; /* "iptables: <the daemon's words>" */
	char *remedy;  /* NULL when there is nothing better than the log */
};

void deep_reason_read(const char *log, enum mode_id mode, struct deep_reason *r);
const char *deep_cause_name(enum deep_cause c);
void deep_reason_release(struct deep_reason *r);

#endif
