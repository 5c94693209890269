/* lib_peer.h - the loopback HTTP server the network unit tests run in a
 * thread (a web server with bad habits, a Docker daemon of several API
 * versions, a registry with tokens and pages), and the client helpers
 * around it.  tests/unit/lib_*.c are linked into every unit test. */
#ifndef WS_LIB_PEER_H
#define WS_LIB_PEER_H

#include "engine/endpoint.h"
#include "engine/engine.h"
#include "engine/net.h"
#include "engine/registry.h"
#include "base/strbuf.h"
#include "t.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64

struct listener {
	int fd;
	const char *api;   /* Api-Version the "daemon" speaks; NULL: no header */
	int hang_all;      /* accept, read, never answer */
};

struct conn {
	int fd;
	struct listener *l;
	struct strbuf in, out;
	size_t off;
	long due;          /* when to start writing; -1: never (hang) */
	int have_request;
};

enum { L_TCP, L_UNIX, L_NEW, L_OLD, L_NOHDR, L_HANG, NLISTEN };

struct server {
	pthread_t th;
	int stop[2];
	struct listener ls[NLISTEN];
	struct conn conns[MAX_CONNS];
	int port;
	char dir[64];
	char sock[NLISTEN][128];
	pthread_mutex_t mu;
	unsigned pings, tokens, requests;
	char last_auth[256];
};

extern struct server srv;

struct got {
	int calls, releases;
	unsigned id;
	enum net_result result;
	long status, elapsed;
	char err[ERR_MAX];
	char body[256];
	size_t body_len;
	char api[32], server[64], digest[64], ctype[64];
	long at;   /* now_ms() when DONE ran */
};

int closed_port(void);
unsigned counter(const unsigned *c);
unsigned get(struct net *net, const char *path, const char *sock, long timeout_ms,
		    size_t max_reply, struct got *g);
long now_ms(void);
void on_done(struct net *net, unsigned id, struct net_reply *r, void *ctx);
void on_release(void *ctx);
void raw(struct conn *c, const char *bytes, size_t len);
int run(struct net *net, long max_ms);
void server_start(void);
void server_stop(void);
char *tcp_url(const char *path);

#endif
