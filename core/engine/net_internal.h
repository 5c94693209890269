/* net_internal.h - what net.c (requests, the loop) and net_errors.c (one
 * line on why a transfer failed) share.  Not for use outside core/engine/net*.c. */
#ifndef WS_NET_INTERNAL_H
#define WS_NET_INTERNAL_H

#include "net.h"

#include <curl/curl.h>
#include <time.h>

#ifndef WS_VERSION
#define WS_VERSION "dev"
#endif

#define HEADER_VALUE_MAX 8192

struct net_req {
	struct net_req *prev, *next;
	unsigned id;
	CURL *easy;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
	size_t max_reply;
	long connect_ms, timeout_ms;
	int (*on_data)(void *ctx, const char *data, size_t len);
	void *data_ctx;
	long (*on_read)(void *ctx, char *buf, size_t len);
	void *read_ctx;
	int aborted;          /* on_data asked to stop */
	int toobig;
	int cancelled;        /* cancelled while queued for delivery */
	int continued;        /* net_continue() took over the RELEASE */
	CURLcode code;
	char *start_error;    /* could not start: delivered as a failure */
	int start_tls;        /* ... because of the TLS files (NET_ERR_TLS) */
	net_done_fn done;
	net_release_fn release;
	void *ctx;
	struct timespec t0;
	struct net_reply reply;
};

struct req_list {
	struct net_req *head, *tail;
};

struct net {
	CURLM *multi;
	unsigned next_id;
	struct req_list active;      /* handles in the multi */
	struct req_list done;        /* finished, DONE not yet called */
	struct req_list delivering;  /* the batch net_dispatch() is calling back */
	struct net_req *current;     /* the request whose DONE is running */
};

long net_now_ms_since(const struct timespec *t0);
void net_fail(struct net_req *r, enum net_result res, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void net_req_finish(struct net_req *r);

#endif
