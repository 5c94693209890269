/* checks_remote.c - a remote daemon: tcp reachability and TLS handshake,
 * docker over ssh (checks_internal.h). */
#include "checks_internal.h"
#include "launch/option_value.h"
#include "base/imageref.h"
#include "launch/modes.h"
#include "base/show.h"
#include "base/validate.h"
#include "base/ytree.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- tcp.reach / tls.handshake ------------------------------------------------ */

/* 1 when HOST names this machine's loopback: from inside the workspace
 * that is the workspace itself, not the host it runs on. */
static int loopback_host(const char *host)
{
	size_t n = strlen(host);
	if (n && host[0] == '[' && host[n - 1] == ']')
		return n == 5 && !strncmp(host, "[::1]", 5);
	return !strcasecmp(host, "localhost") || !strcasecmp(host, "localhost.") || !strncmp(host, "127.", 4) ||
	       !strcmp(host, "::1") || !strcmp(host, "0.0.0.0") ||
	       (n > 10 && !strcasecmp(host + n - 10, ".localhost"));
}

/* Check ID passed from here (SEEN says how), but HOST is loopback: from
 * inside the workspace, where docker will use it, that is the workspace
 * itself - the launch would not reach it, so the check fails. */
static void refuse_loopback(struct checker *c, enum check_id id, const char *host, const char *seen)
{
	ck_data(c, id, "loopback", "%s", "true");
	ck_set(c, id, CHECK_FAIL,
	       "--host with an address of this host the workspace can reach (the docker bridge's gateway, "
	       "e.g. 172.17.0.1, or the host's own address), where the daemon listens too",
	       "%s from here, but %s is this machine's loopback: inside the workspace it is the workspace "
	       "itself, so docker there would not reach it", seen, host);
}





static void on_tcp(struct net *net, unsigned id, struct net_reply *rp, void *ctx)
{
	(void)net;
	(void)id;
	struct opctx *x = ctx;
	struct checker *c = x->c;
	ck_op_done(c, OP_TCP);
	ck_data(c, CK_TCP_REACH, "elapsed_ms", "%ld", rp->elapsed_ms);
	const char *url = c->tcp_url;
	if (rp->result == NET_OK && rp->status == 200) {
		ck_set(c, CK_TCP_REACH, CHECK_PASS, NULL, "%s answers /_ping (API %s)", url,
		    rp->api_version ? rp->api_version : "?");
		if (c->tcp_loopback) {
			char seen[600];
			snprintf(seen, sizeof(seen), "%s answers /_ping", url);
			refuse_loopback(c, CK_TCP_REACH, c->tcp_loopback_host, seen);
		}
		if (rp->api_version)
			ck_data(c, CK_TCP_REACH, "api_version", "%s", rp->api_version);
		if (c->tcp_tls)
			ck_set(c, CK_TLS_HANDSHAKE, CHECK_PASS, NULL,
			    "the daemon's certificate verifies against ca.pem and it accepts the client certificate");
		return;
	}
	if (rp->result == NET_OK) {
		int https_server = strstr(rp->body.buf, "HTTPS server") != NULL;
		ck_set(c, CK_TCP_REACH, CHECK_FAIL, https_server ? "--tls --cert-dir DIR" : NULL,
		    "%s answered HTTP %ld%s", url, rp->status,
		    https_server ? ": the daemon expects TLS" : "");
		if (ck_pending(c, CK_TLS_HANDSHAKE))
			ck_set(c, CK_TLS_HANDSHAKE, c->tcp_tls ? CHECK_FAIL : CHECK_SKIP, NULL, "%s",
			    c->tcp_tls ? "no usable reply" : "TLS is off");
		return;
	}
	char remedy[256];
	switch (rp->result) {
	case NET_ERR_TLS:
	case NET_ERR_PROTOCOL:
		if (c->tcp_tls) {
			ck_set(c, CK_TCP_REACH, CHECK_PASS, NULL, "%s accepts TCP connections", url);
			if (c->tcp_loopback)
				refuse_loopback(c, CK_TCP_REACH, c->tcp_loopback_host, "it accepts TCP connections");
			const char *m = rp->err.msg;
			if (strstr(m, "verify") || strstr(m, "issuer") || strstr(m, "CA"))
				ck_set(c, CK_TLS_HANDSHAKE, CHECK_FAIL,
				    "use the ca.pem of the CA that signed the daemon's certificate",
				    "the daemon's certificate does not verify against %s/ca.pem (%s)", c->cert_dir, m);
			else if (strstr(m, "certificate") || strstr(m, "alert") || strstr(m, "connection lost"))
				ck_set(c, CK_TLS_HANDSHAKE, CHECK_FAIL,
				    "use a client certificate (cert.pem, key.pem) signed by the daemon's CA",
				    "the daemon refused the client certificate (%s)", m);
			else
				ck_set(c, CK_TLS_HANDSHAKE, CHECK_FAIL, NULL, "%s", m);
			return;
		}
		ck_set(c, CK_TCP_REACH, CHECK_FAIL, "--tls --cert-dir DIR if the daemon uses TLS", "%s: %s", url,
		    rp->err.msg);
		break;
	case NET_ERR_TIMEOUT:
		snprintf(remedy, sizeof(remedy), "check the address and any firewall between here and %s", url);
		ck_set(c, CK_TCP_REACH, CHECK_FAIL, remedy, "%s: %s", url, rp->err.msg);
		break;
	case NET_ERR_RESOLVE:
		ck_set(c, CK_TCP_REACH, CHECK_FAIL, "check the host name (--host)", "%s: %s", url, rp->err.msg);
		break;
	case NET_ERR_REFUSED:
		ck_set(c, CK_TCP_REACH, CHECK_FAIL,
		    "start dockerd with -H tcp://0.0.0.0:PORT (and --tlsverify for 2376) on the remote host",
		    "%s: %s", url, rp->err.msg);
		break;
	default:
		ck_set(c, CK_TCP_REACH, CHECK_FAIL, NULL, "%s: %s", url, rp->err.msg);
	}
	if (ck_pending(c, CK_TLS_HANDSHAKE))
		ck_set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "the daemon was not reached");
}

void ck_start_tcp(struct checker *c)
{
	ck_check_tls_files(c); /* the handshake needs its verdict */
	char hb[24], pb[24];
	const char *host = option_value(OPT_TCP_HOST, &c->spec, &c->facts, hb, sizeof(hb));
	if (!host) {
		ck_needs_input(c, CK_TCP_REACH, "--host HOST", "no remote daemon given");
		if (ck_pending(c, CK_TLS_HANDSHAKE))
			ck_set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "no remote daemon given");
		return;
	}
	const char *port = option_value(OPT_TCP_PORT, &c->spec, &c->facts, pb, sizeof(pb));
	int v6 = strchr(host, ':') && host[0] != '[';
	c->tcp_url = xasprintf("tcp://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", port);
	ck_data(c, CK_TCP_REACH, "url", "%s", c->tcp_url);
	c->tcp_loopback = loopback_host(host);
	free(c->tcp_loopback_host);
	c->tcp_loopback_host = xstrdup(host);
	if (!c->tcp_tls)
		ck_set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "TLS is off");
	if (c->tcp_tls && c->checks[CK_TLS_FILES].status == CHECK_FAIL) {
		ck_set(c, CK_TCP_REACH, CHECK_SKIP, NULL, "the TLS files are missing");
		ck_set(c, CK_TLS_HANDSHAKE, CHECK_SKIP, NULL, "the TLS files are missing");
		return;
	}
	char *url = xasprintf("%s://%s%s%s:%s/_ping", c->tcp_tls ? "https" : "http", v6 ? "[" : "", host,
			      v6 ? "]" : "", port);
	char *ca = NULL, *cert = NULL, *key = NULL;
	if (c->tcp_tls) {
		ca = xasprintf("%s/ca.pem", c->cert_dir);
		cert = xasprintf("%s/cert.pem", c->cert_dir);
		key = xasprintf("%s/key.pem", c->cert_dir);
	}
	struct net_request req = {
		.method = NET_GET, .url = url, .ca_file = ca, .cert_file = cert, .key_file = key,
		.no_proxy = 1, .connect_timeout_ms = c->remote_timeout_ms, .timeout_ms = c->remote_timeout_ms,
		.max_reply = 64 * 1024,
	};
	c->ids[OP_TCP] = net_start(c->net, &req, on_tcp, NULL, &c->ctx[OP_TCP]);
	free(url);
	free(ca);
	free(cert);
	free(key);
}

/* ---- ssh.remote ------------------------------------------------------------------ */

void ck_start_ssh(struct checker *c)
{
	const char *host = spec_get(&c->spec, OPT_SSH_HOST);
	if (!host) {
		ck_needs_input(c, CK_SSH_REMOTE, "--host HOST", "no remote host given");
		return;
	}

	char *ssh = proc_which(c->ssh_bin);
	if (!ssh) {
		ck_set(c, CK_SSH_REMOTE, CHECK_SKIP, NULL, "no ssh client");
		return;
	}
	free(ssh);
	const char *user = spec_get(&c->spec, OPT_SSH_USER);
	if (!user)
		user = c->facts.user;
	const char *port = spec_is_none(&c->spec, OPT_SSH_PORT) ? NULL : spec_get(&c->spec, OPT_SSH_PORT);
	struct strvec argv = STRVEC_INIT;
	char cto[48];
	snprintf(cto, sizeof(cto), "ConnectTimeout=%ld", (c->remote_timeout_ms + 999) / 1000);
	strvec_pushl(&argv, c->ssh_bin, "-o", "BatchMode=yes", "-o", cto, "-T", NULL);
	if (port)
		strvec_pushl(&argv, "-p", port, NULL);
	if (user)
		strvec_pushl(&argv, "-l", user, NULL);
	strvec_pushl(&argv, "--", host, "docker", "version", "--format", "{{.Server.Version}}", NULL);
	ck_data(c, CK_SSH_REMOTE, "target", "%s%s%s%s%s", user ? user : "", user ? "@" : "", host,
	     port ? ":" : "", port ? port : "");
	struct err e;
	struct proc_opts o = { .capture_max = 16 * 1024 };
	if (proc_start(&c->ssh, (const char *const *)argv.v, &o, &e)) {
		ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, "apt-get install openssh-client", "%s", e.msg);
	} else {
		c->ssh_running = 1;
		c->ssh_deadline = proc_now_ms() + c->remote_timeout_ms + 1000;
	}
	strvec_release(&argv);
}

void ck_finish_ssh(struct checker *c)
{
	c->ssh_running = 0;
	const char *target = check_data(&c->checks[CK_SSH_REMOTE], "target");
	char *err = xstrdup(c->ssh.err.buf);
	/* last non-empty line of stderr */
	char *nl;
	while ((nl = strrchr(err, '\n')) && nl[1] == '\0')
		*nl = '\0';
	const char *last = strrchr(err, '\n') ? strrchr(err, '\n') + 1 : err;
	char remedy[512];
	const char *host = spec_get(&c->spec, OPT_SSH_HOST);
	const char *port = spec_is_none(&c->spec, OPT_SSH_PORT) ? NULL : spec_get(&c->spec, OPT_SSH_PORT);
	if (c->ssh.cancelled) {
		ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, "check the host and port, and any firewall",
		    "ssh %s did not finish within %ld ms", target, c->remote_timeout_ms);
	} else if (c->ssh.state == PROC_EXITED && c->ssh.code == 0) {
		char *v = xstrdup(c->ssh.out.buf);
		v[strcspn(v, "\r\n")] = '\0';
		long major = strtol(v, NULL, 10), minor = 0;
		const char *dot = strchr(v, '.');
		if (dot)
			minor = strtol(dot + 1, NULL, 10);
		ck_data(c, CK_SSH_REMOTE, "server_version", "%s", v);
		if (major < 18 || (major == 18 && minor < 9))
			ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, "upgrade docker on the remote to 18.09 or newer",
			    "%s runs Docker %s; ssh:// needs 18.09 or newer", target, v);
		else if (loopback_host(host)) {
			char seen[600];
			snprintf(seen, sizeof(seen), "%s runs Docker %s", target, v);
			refuse_loopback(c, CK_SSH_REMOTE, host, seen);
		} else
			ck_set(c, CK_SSH_REMOTE, CHECK_PASS, NULL, "%s runs Docker %s", target, v);
		free(v);
	} else if (strstr(err, "Host key verification failed") || strstr(err, "REMOTE HOST IDENTIFICATION")) {
		snprintf(remedy, sizeof(remedy),
			 "ssh-keyscan %s%s %s >> ~/.ssh/known_hosts (compare the fingerprint with the host's first)",
			 port ? "-p " : "", port ? port : "", host);
		ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, remedy, "the host key of %s is unknown or changed", target);
	} else if (strstr(err, "Permission denied")) {
		snprintf(remedy, sizeof(remedy), "ssh-copy-id %s%s %s, or --ssh-user the right login",
			 port ? "-p " : "", port ? port : "", target);
		ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, remedy, "%s refused the key: %s", target, last);
	} else if (c->ssh.state == PROC_EXITED && c->ssh.code == 127) {
		ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, "install docker 18.09+ on the remote, on the login PATH",
		    "no docker on %s's PATH: %s", target, last);
	} else if (c->ssh.state == PROC_EXITED && c->ssh.code != 255) {
		ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, "give the remote user access to the docker socket",
		    "docker on %s failed: %s", target, last);
	} else {
		char d[128];
		proc_describe(&c->ssh, d, sizeof(d));
		ck_set(c, CK_SSH_REMOTE, CHECK_FAIL, "check the host, port and your ssh configuration", "ssh %s %s: %s",
		    target, d, *last ? last : "no message");
	}
	free(err);
}
