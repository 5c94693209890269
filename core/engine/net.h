/* net.h - non-blocking HTTP over one curl multi handle, driven from the
 * caller's poll loop (STYLE §2.1):
 *
 *     net_wait(net, fds, nfds, TICK_MS);   (curl_multi_poll with our fds)
 *     ... handle the caller's fds ...
 *     net_dispatch(net);                   (perform + completions)
 *
 * Every request is bounded: a connect timeout, a total timeout and a hard
 * ceiling on the reply body (the transfer is aborted when it is exceeded).
 * Nothing here blocks except net_wait() (at most MAX_MS) and net_run_all()
 * (the CLI's convenience loop); there is no curl_easy_perform anywhere.
 * libcurl is used with CURLOPT_NOSIGNAL, HTTP/1.1, http/https only.  One
 * known short stall: the first https request loads the CA bundle inside
 * curl_multi_perform (a few ms natively, seconds under valgrind).
 *
 * Callbacks: DONE runs from net_dispatch() only, never from net_start() or
 * net_cancel(), so starting or cancelling from anywhere (including from
 * inside another request's DONE) is safe.  RELEASE (optional) runs exactly
 * once per request id, when the id is finished for good: right after DONE
 * returns, or instead of DONE when the request is cancelled or the net is
 * freed; it is where the caller frees CTX.  A failure to even start a
 * request (bad option, out of handles) is not reported synchronously: it
 * arrives through DONE like any other failure, on the next dispatch.
 *
 * Ownership: the net owns its requests; a struct net_request is copied by
 * net_start() (the caller's strings may go away afterwards).  The reply
 * passed to DONE is owned by the net and freed after DONE returns; DONE may
 * move the body out with strbuf_detach() or swap it with its own strbuf. */
#ifndef WS_NET_H
#define WS_NET_H

#include <poll.h>
#include <stddef.h>

#include "base/err.h"
#include "base/strbuf.h"

/* The defaults every request gets unless it asks for something else. */
#define NET_CONNECT_TIMEOUT_MS 1000L
#define NET_TIMEOUT_MS 3000L
#define NET_MAX_REPLY ((size_t)4 << 20)   /* 4 MiB */
#define NET_MAX_REDIRECTS 5L

enum net_method { NET_GET, NET_HEAD, NET_POST /* with BODY, or ON_READ's, else an empty body */ };

/* The outcome class of a request. */
enum net_result {
	NET_OK,            /* an HTTP reply arrived; look at status */
	NET_ERR_REFUSED,   /* connection refused, no such socket, permission denied */
	NET_ERR_TIMEOUT,   /* connect or total timeout */
	NET_ERR_TOOBIG,    /* reply over the ceiling */
	NET_ERR_RESOLVE,   /* host name does not resolve */
	NET_ERR_TLS,       /* handshake, verification, certificate files */
	NET_ERR_PROTOCOL,  /* not HTTP, empty or truncated reply */
	NET_ERR_OTHER,     /* anything else (message says what) */
};

struct net_request {
	enum net_method method;
	const char *url;                /* http:// or https:// */
	const char *unix_socket;        /* connect here instead (URL host is ignored) */
	const char *ca_file;            /* NULL: the system CAs */
	const char *cert_file;          /* client certificate (PEM) or NULL */
	const char *key_file;           /* its key (PEM) or NULL */
	int insecure;                   /* 1: do not verify the server certificate */
	int no_proxy;                   /* 1: ignore *_proxy (always for unix sockets) */
	int follow_redirects;           /* 1: up to NET_MAX_REDIRECTS, http(s) only */
	long connect_timeout_ms;        /* 0: NET_CONNECT_TIMEOUT_MS */
	long timeout_ms;                /* 0: NET_TIMEOUT_MS */
	size_t max_reply;               /* 0: NET_MAX_REPLY */
	const char *const *headers;     /* NULL-terminated "Name: value" lines, or NULL */
	const char *body;               /* NET_POST: the body (copied; sent with
	                                   "Content-Type: application/json"), NULL: empty */
	/* Streaming: when ON_DATA is set the body is handed to it as it
	 * arrives (from inside net_dispatch) instead of being collected, the
	 * reply ceiling does not apply, and a transfer that moves no byte for
	 * STALL_MS (0: no limit) fails with NET_ERR_TIMEOUT.  Returning
	 * non-zero from ON_DATA aborts the transfer (NET_ERR_OTHER). */
	int (*on_data)(void *ctx, const char *data, size_t len);
	void *data_ctx;
	long stall_ms;
	/* Upload: with ON_READ set, a NET_POST sends a body of UPLOAD_SIZE
	 * bytes that ON_READ gives as curl asks (at most LEN bytes into BUF
	 * per call): it returns the bytes given, 0 at the end, or -1 to abort
	 * the transfer (NET_ERR_OTHER).  STALL_MS applies to it too. */
	long (*on_read)(void *ctx, char *buf, size_t len);
	void *read_ctx;
	long long upload_size;
};

struct net_reply {
	enum net_result result;
	long status;                    /* HTTP status; 0 unless result is NET_OK */
	struct err err;                 /* one line; empty when result is NET_OK */
	struct strbuf body;             /* the body (empty on failure) */
	/* Selected headers of the final response, NULL when absent. */
	char *api_version;              /* Api-Version */
	char *ostype;                   /* Ostype */
	char *server;                   /* Server */
	char *content_type;             /* Content-Type */
	char *docker_content_digest;    /* Docker-Content-Digest */
	char *www_authenticate;         /* WWW-Authenticate (a Bearer one preferred) */
	char *link;                     /* Link (a rel="next" one preferred) */
	long elapsed_ms;                /* from net_start() to completion */
	const char *url;                /* the URL requested */
};

struct net;

typedef void (*net_done_fn)(struct net *net, unsigned id, struct net_reply *reply, void *ctx);
typedef void (*net_release_fn)(void *ctx);

/* Initialises libcurl once per process (curl_global_init); idempotent.
 * Not thread-safe: call it from main() before any thread starts (net_new()
 * calls it too, for programs that have no threads).  Returns -1 with E
 * filled when libcurl cannot initialise. */
int net_global_init(struct err *e);
/* Releases libcurl's global state; only after every net is freed. */
void net_global_cleanup(void);
/* 1 when libcurl resolves host names asynchronously (else a DNS lookup can
 * stall the loop: warn about it). */
int net_async_dns(void);

/* A new, empty net (one curl multi handle); NULL with E on failure. */
struct net *net_new(struct err *e);
/* Cancels every pending request (RELEASE runs, DONE does not) and frees
 * the net.  NULL is fine.  Not from inside a callback. */
void net_free(struct net *net);

/* Starts REQ; returns its id (never 0).  Copies REQ.  See the top of this
 * file for when DONE and RELEASE run. */
unsigned net_start(struct net *net, const struct net_request *req,
		   net_done_fn done, net_release_fn release, void *ctx);
/* From inside the DONE of request ID only: starts the next stage of the
 * same logical operation under the same ID (so a caller's net_cancel(ID)
 * keeps working), with a new DONE and CTX.  The pending RELEASE moves to the
 * new stage instead of running after the current DONE.  Returns ID, or 0
 * when called from anywhere else (nothing started). */
unsigned net_continue(struct net *net, unsigned id, const struct net_request *req,
		      net_done_fn done, void *ctx);
/* Cancels request ID at any time: DONE will not run (unless it is already
 * running), RELEASE runs now (or after the running DONE).  Returns 1 when
 * something was cancelled, 0 for an unknown or finished id. */
int net_cancel(struct net *net, unsigned id);
/* Requests started and not yet finished. */
unsigned net_pending(const struct net *net);

/* How long the caller may sleep before calling net_dispatch(): -1 when no
 * transfer needs a timer, 0 when work is due now. */
long net_timeout_ms(struct net *net);
/* Waits up to MAX_MS (shortened to curl's own timeout) for activity on
 * curl's sockets or on the caller's FDS (events POLLIN/POLLPRI/POLLOUT;
 * revents are filled in).  Returns immediately when completions are
 * queued.  Returns the number of fds with activity, or -1 with E filled. */
int net_wait(struct net *net, struct pollfd *fds, unsigned nfds, int max_ms, struct err *e);
/* Makes a net_wait() in progress (or the next one) return early; safe from
 * another thread, not from a signal handler. */
void net_wakeup(struct net *net);
/* Runs transfers and calls DONE for every finished request.  Returns the
 * number of DONE calls made (0, doing nothing, when called from a DONE). */
unsigned net_dispatch(struct net *net);
/* Blocking convenience for the CLI: waits and dispatches until nothing is
 * pending (bounded anyway: every request has a total timeout).  Returns 0,
 * or -1 with E filled when MAX_MS (< 0: no limit) passed first (the
 * requests stay pending: cancel them or net_free()) or when called from a
 * DONE. */
int net_run_all(struct net *net, long max_ms, struct err *e);

/* "4 MiB", "512 KiB", "100 bytes": for messages about size limits.
 * Malloc'd. */
char *net_size_str(size_t n);

#endif
