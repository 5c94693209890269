/* lib_fake_engine.h - a fake Docker Engine API on a unix socket, for the
 * unit tests of the checks and the runner: canned replies per path, served
 * by a thread of the test process.
 *
 * A route is METHOD + path (the "/vX.Y" prefix is ignored, a query string
 * too) with a sequence of replies: the Nth request gets the Nth reply, the
 * last one repeats.  A path without a route gets 404 {"message":"No such
 * object"}; "/_ping" answers 200 "OK" with Api-Version 1.41 and Server
 * Docker/20.10.24 unless routed.  Every reply closes its connection.
 *
 * Ownership: the engine keeps pointers to the bodies given (string
 * literals in practice); fake_engine_stop() joins the thread and removes
 * the socket and its directory. */
#ifndef WS_LIB_FAKE_ENGINE_H
#define WS_LIB_FAKE_ENGINE_H

#include <pthread.h>

#define FAKE_ROUTES 32
#define FAKE_REPLIES 4

struct fake_reply {
	int status;
	const char *body;
};

struct fake_route {
	char method[8];
	char path[160];
	struct fake_reply replies[FAKE_REPLIES];
	int nreplies;
	unsigned hits;
};

struct fake_engine {
	pthread_t th;
	int lfd, stop[2], running;
	char dir[64], sock[128], host[160]; /* host: "unix://SOCK" */
	pthread_mutex_t mu;
	struct fake_route routes[FAKE_ROUTES];
	int nroutes;
	unsigned requests;
};

/* 0 on success (the socket listens); -1 otherwise. */
int fake_engine_start(struct fake_engine *fe);
void fake_engine_stop(struct fake_engine *fe);
/* Appends a reply to METHOD PATH's sequence (creating the route). */
void fake_engine_on(struct fake_engine *fe, const char *method, const char *path, int status, const char *body);
/* Drops every route (and its hit count). */
void fake_engine_reset(struct fake_engine *fe);
/* How many requests METHOD PATH got. */
unsigned fake_engine_hits(struct fake_engine *fe, const char *method, const char *path);

#endif
