/* net_errors.c - why a transfer failed, in one line naming the address,
 * the TLS file or the limit, and the end of a request (its elapsed time,
 * its callback) (net_internal.h).  net.c calls here; nothing here calls
 * back into net.c. */
#include "net_internal.h"
#include "base/ytree.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>


/* ---- error messages --------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
void net_fail(struct net_req *r, enum net_result res, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->reply.result = res;
	if (r->errbuf[0] && !strstr(msg, r->errbuf))
		err_set(&r->reply.err, "%s (%s)", msg, r->errbuf);
	else
		err_set(&r->reply.err, "%s", msg);
}

/* TLS alerts from the server about our client certificate arrive as
 * handshake or read errors; say what they mean.  NULL when none. */
static const char *client_cert_alert(const char *errbuf)
{
	if (strstr(errbuf, "certificate required"))
		return "TLS: the server requires a client certificate";
	if (strstr(errbuf, "alert bad certificate") || strstr(errbuf, "alert unknown ca") ||
	    strstr(errbuf, "alert certificate unknown") || strstr(errbuf, "alert certificate expired") ||
	    strstr(errbuf, "alert unsupported certificate") || strstr(errbuf, "alert certificate revoked"))
		return "TLS: the server rejected the client certificate";
	return NULL;
}

static void describe_failure(struct net_req *r)
{
	const char *alert;
	CURLcode c = r->code;
	long os_errno = 0;
	size_t n = strlen(r->errbuf);

	while (n && (r->errbuf[n - 1] == '\n' || r->errbuf[n - 1] == '\r'))
		r->errbuf[--n] = '\0';
	if (r->easy) {
		curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
	}
	if (r->aborted) {
		r->errbuf[0] = '\0';
		net_fail(r, NET_ERR_OTHER, "aborted by the reader");
		return;
	}
	if (r->toobig || c == CURLE_FILESIZE_EXCEEDED) {
		char *sz = net_size_str(r->max_reply);
		r->errbuf[0] = '\0';
		net_fail(r, NET_ERR_TOOBIG, "reply larger than %s", sz);
		free(sz);
		return;
	}
	if ((c == CURLE_SSL_CONNECT_ERROR || c == CURLE_RECV_ERROR || c == CURLE_SEND_ERROR) &&
	    (alert = client_cert_alert(r->errbuf))) {
		net_fail(r, NET_ERR_TLS, "%s", alert);
		return;
	}
	switch (c) {
	case CURLE_OPERATION_TIMEDOUT:
		r->errbuf[0] = '\0';
		/* Which limit fired: the total one cannot have before its time
		 * (the connect phase includes the TLS handshake). */
		if (r->connect_ms < r->timeout_ms && r->reply.elapsed_ms < r->timeout_ms - 50)
			net_fail(r, NET_ERR_TIMEOUT, "connect timed out after %ld ms", r->connect_ms);
		else
			net_fail(r, NET_ERR_TIMEOUT, "timed out after %ld ms", r->timeout_ms);
		return;
	case CURLE_COULDNT_CONNECT:
		switch (os_errno) {
		case ECONNREFUSED:
			r->errbuf[0] = '\0';   /* the caller names the target */
			net_fail(r, NET_ERR_REFUSED, "connection refused");
			return;
		case ENOENT:
			r->errbuf[0] = '\0';
			net_fail(r, NET_ERR_REFUSED, "no such socket");
			return;
		case EACCES:
		case EPERM:
			r->errbuf[0] = '\0';
			net_fail(r, NET_ERR_REFUSED, "permission denied");
			return;
		case ENETUNREACH:
		case EHOSTUNREACH:
			net_fail(r, NET_ERR_REFUSED, "host unreachable");
			return;
		default:
			net_fail(r, NET_ERR_REFUSED, "cannot connect");
			return;
		}
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		net_fail(r, NET_ERR_RESOLVE, "cannot resolve host name");
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		net_fail(r, NET_ERR_TLS, "TLS: certificate verify failed");
		return;
	case CURLE_SSL_CONNECT_ERROR:
		net_fail(r, NET_ERR_TLS, "TLS: handshake failed");
		return;
	case CURLE_SSL_CERTPROBLEM:
		net_fail(r, NET_ERR_TLS, "TLS: cannot use the client certificate or key");
		return;
	case CURLE_SSL_CACERT_BADFILE:
		net_fail(r, NET_ERR_TLS, "TLS: cannot read the CA certificate file");
		return;
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CLIENTCERT:
	case CURLE_USE_SSL_FAILED:
		net_fail(r, NET_ERR_TLS, "TLS: %s", curl_easy_strerror(c));
		return;
	case CURLE_GOT_NOTHING:
		r->errbuf[0] = '\0';
		net_fail(r, NET_ERR_PROTOCOL, "server closed the connection without replying");
		return;
	case CURLE_UNSUPPORTED_PROTOCOL:
		/* also for non-HTTP replies: "Received HTTP/0.9 when not allowed",
		 * "Unsupported HTTP version in response" */
		if (strstr(r->errbuf, "HTTP"))
			net_fail(r, NET_ERR_PROTOCOL, "malformed HTTP reply");
		else
			net_fail(r, NET_ERR_OTHER, "unsupported URL scheme");
		return;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		net_fail(r, NET_ERR_PROTOCOL, "malformed HTTP reply");
		return;
	case CURLE_PARTIAL_FILE:
		net_fail(r, NET_ERR_PROTOCOL, "reply truncated");
		return;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		net_fail(r, NET_ERR_PROTOCOL, "connection lost");
		return;
	case CURLE_TOO_MANY_REDIRECTS:
		net_fail(r, NET_ERR_PROTOCOL, "too many redirects");
		return;
	default:
		net_fail(r, NET_ERR_OTHER, "%s", curl_easy_strerror(c));
		return;
	}
}

/* Fills the reply of a request that curl finished (handle still alive). */
void net_req_finish(struct net_req *r)
{
	r->reply.elapsed_ms = net_now_ms_since(&r->t0);
	if (r->start_error) {
		r->reply.result = r->start_tls ? NET_ERR_TLS : NET_ERR_OTHER;
		err_set(&r->reply.err, "%s%s", r->start_tls ? "TLS: " : "", r->start_error);
		return;
	}
	if (r->code == CURLE_OK && !r->toobig) {
		r->reply.result = NET_OK;
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->reply.status);
		err_clear(&r->reply.err);
		return;
	}
	r->reply.status = 0;
	strbuf_release(&r->reply.body);
	describe_failure(r);
}

long net_now_ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

char *net_size_str(size_t n)
{
	if (n >= ((size_t)1 << 20) && !(n % ((size_t)1 << 20)))
		return xasprintf("%zu MiB", n >> 20);
	if (n >= 1024 && !(n % 1024))
		return xasprintf("%zu KiB", n >> 10);
	return xasprintf("%zu bytes", n);
}
