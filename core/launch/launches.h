/* launches.h - the launches on an endpoint, found by their labels (for ps,
 * logs, shell, open, stop, start and upgrade).
 *
 * launches_find() lists, through the Engine API, every container, network
 * and volume labelled ws-launch.launch (or only =NAME), and groups them by
 * that label into one struct launch_seen each, sorted by name.  The
 * workspace container is the one named like its launch; the others are
 * sidecars.  What the launch is meant to have comes from its normalised
 * options (the ws-launch.options label, launch_digest.h): a missing
 * workspace container, dind sidecar or network, or workspace volume makes
 * it partial.  DONE runs from net_dispatch() with the result, which it
 * owns (launches_release); launches_find_free() cancels a lookup in flight.
 * Nothing here prints or blocks. */
#ifndef WS_LAUNCHES_H
#define WS_LAUNCHES_H

#include "engine/engine.h"
#include "base/err.h"
#include "engine/net.h"
#include "options.h"
#include "base/strvec.h"

enum launch_state { LS_RUNNING, LS_STOPPED, LS_PARTIAL };

struct launch_seen {
	char *name;                /* ws-launch.launch */
	char *mode, *digest, *options; /* labels (the workspace container's, else any object's) */
	char *image;               /* the workspace container's image, NULL when missing */
	char *container_id;        /* the workspace container, NULL when missing */
	int has_workspace;
	int running;               /* the workspace container runs */
	enum launch_state state;
	long long created;         /* the workspace container's creation (Unix seconds), 0 */
	struct publish pub;        /* the web port as published (pub.host_port 0: not) */
	struct strvec sidecars;    /* other containers of the launch, by name */
	size_t sidecars_running;   /* how many of them run */
	struct strvec containers, networks, volumes; /* every object, by name */
	struct strvec missing;     /* what the options say it has and it lacks ("volume ws") */
};

struct launches {
	struct launch_seen *v;
	size_t n;
};

struct launches_find;
typedef void (*launches_done_fn)(struct launches *ls, const struct err *error, void *ctx);

/* ONLY: one launch's name (a validated container name), NULL for all. */
struct launches_find *launches_find(struct net *net, struct engine_target *t, const char *only,
				    launches_done_fn done, void *ctx);
void launches_find_free(struct launches_find *lf);
void launches_release(struct launches *ls);
/* The value of KEY in a normalised launch (launch_digest.h), decoded;
 * malloc'd, NULL when absent. */
char *launch_option(const char *normalised, const char *key);
const char *launch_state_name(enum launch_state s);

/* http://HOST:PORT/ of launch S (its published port; the endpoint's host
 * for a remote daemon), NULL when not published.  Malloc'd. */
struct endpoint;
char *launch_url(const struct endpoint *ep, const struct launch_seen *s);

/* Asks for the objects labelled ws-launch.launch (=ONLY when not NULL):
 * containers, networks and volumes, the first N (1-3) of them, each with
 * CB and its CTXS[i]; IDS[i] the request ids.  Returns N. */
unsigned launches_list_labelled(struct net *net, struct engine_target *t, const char *only, int n,
				engine_done_fn cb, void *const ctxs[], unsigned ids[]);

#endif
