/* render_kube.c - the launch as a Kubernetes manifest: one `kind: List`
 * with a PVC for /workspace, Secrets for files the workspace needs, a
 * Deployment (the sidecar, if any, in the same pod) and a Service. */
#include "base/base64.h"
#include "launch/modes.h"
#include "render_export.h"
#include "render_limits.h"
#include "launch/launch_digest.h"
#include "base/shellquote.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/yemit.h"
#include "base/ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECRET_MAX (256 * 1024)

struct kube {
	const struct launch *l;
	struct yemit y;
	struct strvec notes;      /* header comments */
	struct strvec *warnings;
	const char *app;          /* instance name */
	int certs_secret, ssh_secret, env_secret;
	int any_socket, any_agent;
};

static void note(struct kube *k, int warn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void note(struct kube *k, int warn, const char *fmt, ...)
{
	struct strbuf raw = STRBUF_INIT, sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&raw, fmt, ap);
	va_end(ap);
	render_comment_text(&sb, raw.buf);
	strbuf_release(&raw);
	if (warn && k->warnings)
		strvec_push(k->warnings, sb.buf);
	strvec_push_nodup(&k->notes, strbuf_detach(&sb, NULL));
}

static void meta(struct kube *k, const char *name)
{
	struct yemit *y = &k->y;
	yemit_plain(y, "metadata");
	yemit_map(y);
	yemit_kv(y, "name", name);
	yemit_plain(y, "labels");
	yemit_map(y);
	yemit_kv(y, "app.kubernetes.io/name", "kloud-workspace");
	yemit_kv(y, "app.kubernetes.io/instance", k->app);
	yemit_kv(y, "app.kubernetes.io/managed-by", "ws-launch");
	if (k->l->label) {
		yemit_kv(y, LABEL_LAUNCH, k->l->label);
		yemit_kv(y, LABEL_MODE, mode_get(k->l->mode)->name);
		if (k->l->digest)
			yemit_kv(y, LABEL_DIGEST, k->l->digest);
	}
	yemit_end_map(y);
	yemit_end_map(y);
}

static char *res_name(const struct kube *k, const char *suffix)
{
	return xasprintf("%s-%s", k->app, suffix);
}

static void secret_begin(struct kube *k, const char *name, const char *data_key)
{
	struct yemit *y = &k->y;
	yemit_map(y);
	yemit_kv(y, "apiVersion", "v1");
	yemit_kv(y, "kind", "Secret");
	meta(k, name);
	yemit_kv(y, "type", "Opaque");
	yemit_plain(y, data_key);
	yemit_map(y);
}

/* A Secret with the files of a host path (a directory: its ca/cert/key.pem;
 * a file: that file under KEYNAME). */
static void secret_item(struct kube *k, const char *name, const char *const *paths, const char *const *keys,
			size_t n)
{
	struct yemit *y = &k->y;
	secret_begin(k, name, "data");
	for (size_t i = 0; i < n; i++) {
		size_t len;
		struct err e;
		char *data = file_read_limited(paths[i], SECRET_MAX, &len, &e);
		struct strbuf b64 = STRBUF_INIT;
		if (data)
			base64_encode(&b64, data, len);
		else
			note(k, 1, "%s: %s; fill in data.%s of Secret %s before applying", paths[i], e.msg, keys[i], name);
		yemit_kv(y, keys[i], data ? b64.buf : "");
		free(data);
		strbuf_release(&b64);
	}
	yemit_end_map(y);
	yemit_end_map(y);
}

static void secrets(struct kube *k)
{
	const struct container *ws = NULL;
	for (size_t i = 0; i < k->l->ncontainers; i++)
		if (k->l->containers[i]->role == ROLE_WORKSPACE)
			ws = k->l->containers[i];
	if (!ws)
		return;
	const char *key = NULL, *kh = NULL;
	for (size_t i = 0; i < ws->nopts; i++) {
		const struct run_opt *o = &ws->opts[i];
		if (o->kind == RK_MOUNT && o->use == MNT_TLS_CERTS && !k->certs_secret) {
			char *name = res_name(k, "docker-certs");
			char *p[3] = { xasprintf("%s/ca.pem", o->a), xasprintf("%s/cert.pem", o->a),
				       xasprintf("%s/key.pem", o->a) };
			const char *keys[3] = { "ca.pem", "cert.pem", "key.pem" };
			secret_item(k, name, (const char *const *)p, keys, 3);
			for (int j = 0; j < 3; j++)
				free(p[j]);
			free(name);
			k->certs_secret = 1;
		} else if (o->kind == RK_MOUNT && o->use == MNT_SSH_KEY) {
			key = o->a;
		} else if (o->kind == RK_MOUNT && o->use == MNT_KNOWN_HOSTS) {
			kh = o->a;
		} else if (o->kind == RK_ENV_FILE && !k->env_secret) {
			/* docker's env file holds the password: it never goes into
			 * the manifest (which ends up on stdout, in a terminal's
			 * scrollback, in git).  The workspace references a Secret made
			 * from the file itself, and the command that makes it is
			 * said in a note and on stderr (WARNINGS). */
			char *name = res_name(k, "env");
			struct strbuf cmd = STRBUF_INIT;
			strbuf_addf(&cmd, "kubectl create secret generic %s --from-env-file=", name);
			shell_quote(&cmd, o->a);
			note(k, 1, "the env file stays out of this manifest: create Secret %s first: %s", name, cmd.buf);
			strbuf_release(&cmd);
			free(name);
			k->env_secret = 1;
		}
	}
	if (key || kh) {
		const char *paths[2];
		const char *keys[2];
		size_t n = 0;
		if (key) {
			paths[n] = key;
			keys[n++] = "id";
		}
		if (kh) {
			paths[n] = kh;
			keys[n++] = "known_hosts";
		}
		char *name = res_name(k, "ssh");
		secret_item(k, name, paths, keys, n);
		free(name);
		k->ssh_secret = 1;
	}
}

static const char *vol_name(const struct run_opt *o)
{
	switch (o->use) {
	case MNT_WORKSPACE: return "workspace";
	case MNT_DATA: return "docker-data";
	case MNT_DOCKER_SOCKET: return "docker-sock";
	case MNT_TLS_CERTS: return "docker-certs";
	case MNT_DIND_CERTS: return "dind-certs";
	case MNT_SSH_KEY: return "ssh";
	case MNT_KNOWN_HOSTS: return "ssh";
	case MNT_DAEMON_JSON: return "daemon-json";
	case MNT_SSH_AGENT: return NULL;
	}
	return NULL;
}

static void container_spec(struct kube *k, const struct container *c)
{
	struct yemit *y = &k->y;
	yemit_map(y);
	yemit_kv(y, "name", c->role == ROLE_SIDECAR ? "dind" : "workspace");
	yemit_kv(y, "image", c->image);
	if (c->cmd.n) {
		yemit_plain(y, "args");
		yemit_flow_seq(y);
		for (size_t i = 0; i < c->cmd.n; i++)
			yemit_str(y, c->cmd.v[i]);
		yemit_end_seq(y);
	}
	if (container_find(c, RK_PUBLISH, NULL)) {
		struct publish p;
		publish_parse(container_find(c, RK_PUBLISH, NULL)->a, &p, NULL);
		yemit_plain(y, "ports");
		yemit_seq(y);
		yemit_map(y);
		yemit_kv(y, "name", "http");
		yemit_kv_int(y, "containerPort", p.container_port);
		yemit_end_map(y);
		yemit_end_seq(y);
		yemit_plain(y, "readinessProbe");
		yemit_map(y);
		yemit_plain(y, "httpGet");
		yemit_map(y);
		yemit_kv(y, "path", "/healthz");
		yemit_kv(y, "port", "http");
		yemit_end_map(y);
		yemit_end_map(y);
	}
	if (container_find(c, RK_ENV, NULL)) {
		yemit_plain(y, "env");
		yemit_seq(y);
		for (size_t i = 0; i < c->nopts; i++)
			if (c->opts[i].kind == RK_ENV) {
				if (!strcmp(c->opts[i].a, "SSH_AUTH_SOCK"))
					continue; /* the agent socket does not exist in a pod */
				if (!c->opts[i].b) {
					note(k, 1, "%s passes through from docker's environment, which a pod does "
						   "not have: add it to this manifest or to a Secret",
					     c->opts[i].a);
					continue;
				}
				/* Kubernetes expands $(VAR) in env values and turns "$$"
				 * into "$": every '$' is written "$$" so the value
				 * arrives as given (found by tests/fuzz/fuzz_render). */
				struct strbuf v = STRBUF_INIT;
				for (const char *p = c->opts[i].b ? c->opts[i].b : ""; *p; p++) {
					if (*p == '$')
						strbuf_addch(&v, '$');
					strbuf_addch(&v, *p);
				}
				yemit_map(y);
				yemit_kv(y, "name", c->opts[i].a);
				yemit_kv(y, "value", v.buf);
				yemit_end_map(y);
				strbuf_release(&v);
			}
		yemit_end_seq(y);
	}
	if (k->env_secret && c->role == ROLE_WORKSPACE) {
		char *name = res_name(k, "env");
		yemit_plain(y, "envFrom");
		yemit_seq(y);
		yemit_map(y);
		yemit_plain(y, "secretRef");
		yemit_flow_map(y);
		yemit_kv(y, "name", name);
		yemit_end_map(y);
		yemit_end_map(y);
		yemit_end_seq(y);
		free(name);
	}
	if (container_find(c, RK_PRIVILEGED, NULL)) {
		yemit_plain(y, "securityContext");
		yemit_flow_map(y);
		yemit_kv_bool(y, "privileged", 1);
		yemit_end_map(y);
	}
	render_kube_resources(y, c);
	if (container_find(c, RK_PIDS_LIMIT, NULL))
		note(k, 1, "--pids-limit has no place in a pod spec: the kubelet's podPidsLimit sets it per node");
	int mounts = container_find(c, RK_SHM_SIZE, NULL) != NULL;
	for (size_t i = 0; i < c->nopts; i++)
		mounts += c->opts[i].kind == RK_MOUNT && vol_name(&c->opts[i]);
	if (mounts) {
		yemit_plain(y, "volumeMounts");
		yemit_seq(y);
		for (size_t i = 0; i < c->nopts; i++) {
			const struct run_opt *o = &c->opts[i];
			if (o->kind != RK_MOUNT || !vol_name(o))
				continue;
			yemit_map(y);
			yemit_kv(y, "name", vol_name(o));
			yemit_kv(y, "mountPath", o->b);
			if (o->use == MNT_SSH_KEY || o->use == MNT_KNOWN_HOSTS || o->use == MNT_DAEMON_JSON)
				yemit_kv(y, "subPath", o->use == MNT_SSH_KEY ? "id" : o->use == MNT_KNOWN_HOSTS ?
						       "known_hosts" : "daemon.json");
			if (o->ro)
				yemit_kv_bool(y, "readOnly", 1);
			yemit_end_map(y);
		}
		render_kube_shm_mount(y, c);
		yemit_end_seq(y);
	}
	yemit_end_map(y);
}

static void pod_volumes(struct kube *k)
{
	struct yemit *y = &k->y;
	const char *done[8];
	size_t ndone = 0;
	yemit_plain(y, "volumes");
	yemit_seq(y);
	for (size_t ci = 0; ci < k->l->ncontainers; ci++) {
		const struct container *c = k->l->containers[ci];
		for (size_t i = 0; i < c->nopts; i++) {
			const struct run_opt *o = &c->opts[i];
			const char *vn = o->kind == RK_MOUNT ? vol_name(o) : NULL;
			int seen = 0;
			for (size_t d = 0; vn && d < ndone; d++)
				seen |= !strcmp(done[d], vn);
			if (!vn || seen || ndone >= 8)
				continue;
			done[ndone++] = vn;
			yemit_map(y);
			yemit_kv(y, "name", vn);
			switch (o->use) {
			case MNT_WORKSPACE:
				if (o->a[0] == '/') {
					yemit_plain(y, "hostPath");
					yemit_map(y);
					yemit_kv(y, "path", o->a);
					yemit_kv(y, "type", "Directory");
					yemit_end_map(y);
					note(k, 1, "/workspace is the host directory %s: on a cluster it is that path on "
						   "whichever node runs the pod", o->a);
				} else {
					char *claim = res_name(k, "workspace");
					yemit_plain(y, "persistentVolumeClaim");
					yemit_flow_map(y);
					yemit_kv(y, "claimName", claim);
					yemit_end_map(y);
					free(claim);
				}
				break;
			case MNT_DOCKER_SOCKET:
				yemit_plain(y, "hostPath");
				yemit_map(y);
				yemit_kv(y, "path", o->a);
				yemit_kv(y, "type", "Socket");
				yemit_end_map(y);
				k->any_socket = 1;
				break;
			case MNT_TLS_CERTS:
			case MNT_SSH_KEY:
			case MNT_KNOWN_HOSTS: {
				char *sn = res_name(k, o->use == MNT_TLS_CERTS ? "docker-certs" : "ssh");
				yemit_plain(y, "secret");
				yemit_map(y);
				yemit_kv(y, "secretName", sn);
				yemit_kv_int(y, "defaultMode", 0440);
				yemit_end_map(y);
				free(sn);
				break;
			}
			case MNT_DAEMON_JSON: {
				char *cm = res_name(k, "daemon-json");
				yemit_plain(y, "configMap");
				yemit_flow_map(y);
				yemit_kv(y, "name", cm);
				yemit_end_map(y);
				free(cm);
				break;
			}
			default: /* data, dind certs: scratch space of the pod */
				yemit_plain(y, "emptyDir");
				yemit_flow_map(y);
				yemit_end_map(y);
			}
			yemit_end_map(y);
		}
		render_kube_shm_volume(y, c);
	}
	yemit_end_seq(y);
}

static void deployment(struct kube *k)
{
	struct yemit *y = &k->y;
	const struct launch *l = k->l;
	const struct container *ws = NULL;
	for (size_t i = 0; i < l->ncontainers; i++)
		if (l->containers[i]->role == ROLE_WORKSPACE)
			ws = l->containers[i];
	yemit_map(y);
	yemit_kv(y, "apiVersion", "apps/v1");
	yemit_kv(y, "kind", "Deployment");
	meta(k, k->app);
	yemit_plain(y, "spec");
	yemit_map(y);
	yemit_kv_int(y, "replicas", 1);
	yemit_plain(y, "strategy");
	yemit_flow_map(y);
	yemit_kv(y, "type", "Recreate"); /* the PVC is ReadWriteOnce */
	yemit_end_map(y);
	yemit_plain(y, "selector");
	yemit_map(y);
	yemit_plain(y, "matchLabels");
	yemit_map(y);
	yemit_kv(y, "app.kubernetes.io/instance", k->app);
	yemit_end_map(y);
	yemit_end_map(y);
	yemit_plain(y, "template");
	yemit_map(y);
	yemit_plain(y, "metadata");
	yemit_map(y);
	yemit_plain(y, "labels");
	yemit_map(y);
	yemit_kv(y, "app.kubernetes.io/name", "kloud-workspace");
	yemit_kv(y, "app.kubernetes.io/instance", k->app);
	yemit_end_map(y);
	yemit_end_map(y);
	yemit_plain(y, "spec");
	yemit_map(y);
	const struct run_opt *rt = ws ? container_find(ws, RK_RUNTIME, NULL) : NULL;
	if (rt) {
		yemit_kv(y, "runtimeClassName", rt->a);
		/* sysbox on Kubernetes: a user namespace per pod (K8s 1.30+, containerd 2.0.5+) */
		yemit_kv_bool(y, "hostUsers", 0);
	}
	/* The sidecar shares the pod's network: its names resolve to localhost. */
	struct strvec aliases = STRVEC_INIT;
	for (size_t i = 0; i < l->ncontainers; i++) {
		const struct container *c = l->containers[i];
		if (c->role != ROLE_SIDECAR)
			continue;
		if (c->name)
			strvec_push(&aliases, c->name);
		for (size_t j = 0; j < c->nopts; j++)
			if (c->opts[j].kind == RK_NETWORK_ALIAS)
				strvec_push(&aliases, c->opts[j].a);
	}
	if (aliases.n) {
		yemit_plain(y, "hostAliases");
		yemit_seq(y);
		yemit_map(y);
		yemit_kv(y, "ip", "127.0.0.1");
		yemit_plain(y, "hostnames");
		yemit_flow_seq(y);
		for (size_t i = 0; i < aliases.n; i++)
			yemit_str(y, aliases.v[i]);
		yemit_end_seq(y);
		yemit_end_map(y);
		yemit_end_seq(y);
	}
	strvec_release(&aliases);
	const struct run_opt *ga = ws ? container_find(ws, RK_GROUP_ADD, NULL) : NULL;
	if (ga || k->ssh_secret || k->certs_secret) {
		yemit_plain(y, "securityContext");
		yemit_map(y);
		if (ga) {
			yemit_plain(y, "supplementalGroups");
			yemit_flow_seq(y);
			for (size_t i = 0; i < ws->nopts; i++)
				if (ws->opts[i].kind == RK_GROUP_ADD)
					yemit_plain(y, ws->opts[i].a);
			yemit_end_seq(y);
		}
		if (k->ssh_secret || k->certs_secret)
			yemit_kv_int(y, "fsGroup", 1000); /* secrets readable by the workspace user */
		yemit_end_map(y);
	}
	yemit_plain(y, "containers");
	yemit_seq(y);
	for (int role = ROLE_WORKSPACE; role >= ROLE_SIDECAR; role--)
		for (size_t i = 0; i < l->ncontainers; i++)
			if ((int)l->containers[i]->role == role)
				container_spec(k, l->containers[i]);
	yemit_end_seq(y);
	pod_volumes(k);
	yemit_end_map(y); /* template.spec */
	yemit_end_map(y); /* template */
	yemit_end_map(y); /* spec */
	yemit_end_map(y);
}

int render_kube(struct strbuf *out, const struct launch *l, struct strvec *warnings, struct err *e)
{
	struct kube k = { .l = l, .warnings = warnings };
	struct strbuf body = STRBUF_INIT;
	strvec_init(&k.notes);
	const struct container *ws = NULL;
	for (size_t i = 0; i < l->ncontainers; i++)
		if (l->containers[i]->role == ROLE_WORKSPACE)
			ws = l->containers[i];
	k.app = ws && ws->name ? ws->name : "workspace";

	/* What a pod cannot have. */
	for (size_t ci = 0; ci < l->ncontainers; ci++) {
		const struct container *c = l->containers[ci];
		for (size_t i = 0; i < c->nopts; i++) {
			const struct run_opt *o = &c->opts[i];
			if (o->kind == RK_MOUNT && o->use == MNT_SSH_AGENT && !k.any_agent) {
				k.any_agent = 1;
				note(&k, 1, "ssh agent forwarding cannot be expressed in Kubernetes: the pod has no "
					    "agent socket; use --ssh-auth key (a Secret with the key) instead");
			}
			if (o->kind == RK_USERNS)
				note(&k, 1, "--userns=host has no pod equivalent; run on nodes without userns-remap");
		}
	}
	if (yemit_init(&k.y, &body, 0)) {
		strvec_release(&k.notes);
		return err_set(e, "out of memory");
	}
	yemit_map(&k.y);
	yemit_kv(&k.y, "apiVersion", "v1");
	yemit_kv(&k.y, "kind", "List");
	yemit_plain(&k.y, "items");
	yemit_seq(&k.y);
	/* PVC for a named /workspace volume */
	int pvc = 0;
	for (size_t i = 0; ws && i < ws->nopts; i++)
		if (ws->opts[i].kind == RK_MOUNT && ws->opts[i].use == MNT_WORKSPACE && ws->opts[i].a[0] != '/')
			pvc = 1;
	if (pvc) {
		char *claim = res_name(&k, "workspace");
		yemit_map(&k.y);
		yemit_kv(&k.y, "apiVersion", "v1");
		yemit_kv(&k.y, "kind", "PersistentVolumeClaim");
		meta(&k, claim);
		yemit_plain(&k.y, "spec");
		yemit_map(&k.y);
		yemit_plain(&k.y, "accessModes");
		yemit_flow_seq(&k.y);
		yemit_str(&k.y, "ReadWriteOnce");
		yemit_end_seq(&k.y);
		yemit_plain(&k.y, "resources");
		yemit_map(&k.y);
		yemit_plain(&k.y, "requests");
		yemit_flow_map(&k.y);
		yemit_kv(&k.y, "storage", "10Gi");
		yemit_end_map(&k.y);
		yemit_end_map(&k.y);
		yemit_end_map(&k.y);
		yemit_end_map(&k.y);
		free(claim);
	}
	secrets(&k);
	if (l->daemon_json) { /* the inner daemon's daemon.json (inner.h) */
		char *cm = res_name(&k, "daemon-json");
		yemit_map(&k.y);
		yemit_kv(&k.y, "apiVersion", "v1");
		yemit_kv(&k.y, "kind", "ConfigMap");
		meta(&k, cm);
		yemit_plain(&k.y, "data");
		yemit_map(&k.y);
		yemit_kv(&k.y, "daemon.json", l->daemon_json);
		yemit_end_map(&k.y);
		yemit_end_map(&k.y);
		free(cm);
	}
	deployment(&k);
	if (ws && container_find(ws, RK_PUBLISH, NULL)) {
		struct publish p;
		publish_parse(container_find(ws, RK_PUBLISH, NULL)->a, &p, NULL);
		yemit_map(&k.y);
		yemit_kv(&k.y, "apiVersion", "v1");
		yemit_kv(&k.y, "kind", "Service");
		meta(&k, k.app);
		yemit_plain(&k.y, "spec");
		yemit_map(&k.y);
		yemit_plain(&k.y, "selector");
		yemit_map(&k.y);
		yemit_kv(&k.y, "app.kubernetes.io/instance", k.app);
		yemit_end_map(&k.y);
		yemit_plain(&k.y, "ports");
		yemit_seq(&k.y);
		yemit_map(&k.y);
		yemit_kv(&k.y, "name", "http");
		yemit_kv_int(&k.y, "port", p.container_port);
		yemit_kv(&k.y, "targetPort", "http");
		yemit_end_map(&k.y);
		yemit_end_seq(&k.y);
		yemit_end_map(&k.y);
		yemit_end_map(&k.y);
	}
	yemit_end_seq(&k.y);
	yemit_end_map(&k.y);
	int rc = yemit_finish(&k.y, e);
	if (k.any_socket)
		note(&k, 1, "the socket is the node's docker socket and the supplemental group its gid on the "
			    "node: the workspace controls that node's daemon");
	if (!rc) {
		const struct mode *m = mode_get(l->mode);
		strbuf_addf(out, "# Kloud Workspace, mode %s, by ws-launch %s.\n", m ? m->name : "?", WS_VERSION);
		strbuf_addf(out, "# kubectl apply -f FILE; kubectl port-forward svc/%s 8080:8080\n", k.app);
		if (k.certs_secret || k.ssh_secret)
			strbuf_addstr(out, "# This manifest holds secrets (keys, passwords): keep it private.\n");
		for (size_t i = 0; i < k.notes.n; i++)
			strbuf_addf(out, "# NOTE: %s\n", k.notes.v[i]);
		strbuf_add(out, body.buf, body.len);
	}
	strbuf_release(&body);
	strvec_release(&k.notes);
	return rc;
}
