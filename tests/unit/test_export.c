/* test_export.c - Compose and Kubernetes exports: parsed back, structure
 * and every mode-specific field asserted. */
#include "launch/launch_build.h"
#include "launch/modes.h"
#include "render/render_export.h"
#include "t.h"
#include "base/ytree.h"

#include <stdarg.h>
#include <unistd.h>

/* Follows mapping keys and "#N" sequence indexes. */
static const struct ynode *yget(const struct ynode *n, ...)
{
	va_list ap;
	va_start(ap, n);
	const char *k;
	while (n && (k = va_arg(ap, const char *))) {
		const struct ynode *next = NULL;
		if (k[0] == '#' && n->kind == YN_SEQ) {
			size_t i = (size_t)strtoul(k + 1, NULL, 10);
			next = i < n->n ? n->items[i] : NULL;
		} else if (n->kind == YN_MAP) {
			for (size_t i = 0; i + 1 < n->n; i += 2)
				if (n->items[i]->kind == YN_SCALAR && !strcmp(n->items[i]->value, k))
					next = n->items[i + 1];
		}
		n = next;
	}
	va_end(ap);
	return n;
}

static const char *val(const struct ynode *n)
{
	return n && n->kind == YN_SCALAR ? n->value : NULL;
}

/* The item of a kind: List with KIND (and NAME when given). */
static const struct ynode *item(const struct ynode *root, const char *kind, const char *name)
{
	const struct ynode *items = yget(root, "items", NULL);
	for (size_t i = 0; items && i < items->n; i++) {
		const struct ynode *it = items->items[i];
		if (val(yget(it, "kind", NULL)) && !strcmp(val(yget(it, "kind", NULL)), kind) &&
		    (!name || (val(yget(it, "metadata", "name", NULL)) && !strcmp(val(yget(it, "metadata", "name", NULL)), name))))
			return it;
	}
	return NULL;
}

static int seq_has(const struct ynode *seq, const char *v)
{
	for (size_t i = 0; seq && seq->kind == YN_SEQ && i < seq->n; i++)
		if (val(seq->items[i]) && !strcmp(val(seq->items[i]), v))
			return 1;
	return 0;
}

/* env list of a container: the value of NAME */
static const char *kenv(const struct ynode *ctr, const char *name)
{
	const struct ynode *env = yget(ctr, "env", NULL);
	for (size_t i = 0; env && i < env->n; i++)
		if (val(yget(env->items[i], "name", NULL)) && !strcmp(val(yget(env->items[i], "name", NULL)), name))
			return val(yget(env->items[i], "value", NULL));
	return NULL;
}

static const struct ynode *kvol(const struct ynode *podspec, const char *name)
{
	const struct ynode *vols = yget(podspec, "volumes", NULL);
	for (size_t i = 0; vols && i < vols->n; i++)
		if (val(yget(vols->items[i], "name", NULL)) && !strcmp(val(yget(vols->items[i], "name", NULL)), name))
			return vols->items[i];
	return NULL;
}

static struct ynode *render(enum mode_id mode, const char *format, const char *const *opts, struct strvec *warn,
			    struct strbuf *text)
{
	struct spec s;
	struct facts f;
	struct err e;
	spec_init(&s);
	facts_init(&f);
	s.mode = mode;
	f.socket_gid = 999;
	f.socket_path = xstrdup("/var/run/docker.sock");
	f.user = xstrdup("dev");
	f.ssh_auth_sock = xstrdup("/tmp/agent.sock");
	f.image_present = 1;
	for (; *opts; opts += 2) {
		if (!strcmp(opts[0], "env")) {
			CHECK(spec_env_set(&s, opts[1], &e) == 0);
			continue;
		}
		const struct option_def *d = option_by_key(opts[0]);
		CHECK(d && spec_set(&s, d->id, opts[1], &e) == 0);
	}
	strbuf_clear(text);
	int rc = render_export(text, format, &s, &f, warn, &e);
	if (rc)
		fprintf(stderr, "render: %s\n", e.msg);
	CHECK(rc == 0);
	int empty;
	struct ynode *root = ytree_load(text->buf, text->len, &empty, &e);
	if (!root)
		fprintf(stderr, "parse: %s\n%s\n", e.msg, text->buf);
	CHECK(root != NULL);
	spec_release(&s);
	facts_release(&f);
	return root;
}

int main(void)
{
	struct strbuf text = STRBUF_INIT;
	struct strvec warn = STRVEC_INIT;
	const char *const none[] = { NULL };
	struct ynode *r;
	char dir[] = "/tmp/ws-export-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char certs[64];
	snprintf(certs, sizeof(certs), "%s", dir);
	static const char *const files[] = { "ca.pem", "cert.pem", "key.pem" };
	for (int i = 0; i < 3; i++) {
		char p[128];
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		FILE *f = fopen(p, "w");
		fprintf(f, "----- %s -----\n", files[i]);
		fclose(f);
	}

	/* ---- Compose ---- */
	r = render(MODE_SYSBOX, "compose", none, &warn, &text);
	/* the Compose Specification form: no version; --pull as pull_policy;
	 * the project's default network labelled like everything else */
	CHECK(yget(r, "version", NULL) == NULL);
	CHECK_STR(val(yget(r, "services", "workspace", "pull_policy", NULL)), "if_not_present");
	CHECK_STR(val(yget(r, "networks", "default", "labels", "ws-launch.launch", NULL)), "workspace");
	CHECK_STR(val(yget(r, "services", "workspace", "runtime", NULL)), "sysbox-runc");
	CHECK_STR(val(yget(r, "services", "workspace", "image", NULL)), "ghcr.io/kloudkit/workspace:v0.0.21");
	CHECK_STR(val(yget(r, "services", "workspace", "container_name", NULL)), "workspace");
	CHECK_STR(val(yget(r, "services", "workspace", "environment", "WS_DOCKER_ENABLE_CLIENT", NULL)), "1");
	CHECK(yget(r, "services", "workspace", "environment", "WS_DOCKER_ENABLE_CLIENT", NULL)->quoted);
	CHECK_STR(val(yget(r, "services", "workspace", "ports", "#0", NULL)), "127.0.0.1:8080:8080");
	CHECK_STR(val(yget(r, "services", "workspace", "labels", "ws-launch.launch", NULL)), "workspace");
	CHECK_STR(val(yget(r, "volumes", "workspace", "name", NULL)), "workspace");
	ytree_free(r);

	r = render(MODE_SOCKET, "compose", (const char *const[]){ "pull", "never", NULL }, &warn, &text);
	CHECK_STR(val(yget(r, "services", "workspace", "pull_policy", NULL)), "never");
	/* the mode's risks head the file, as in the Kubernetes export */
	CHECK(strstr(text.buf, "\n# NOTE: the socket gives the workspace root-equivalent control") != NULL);
	ytree_free(r);
	r = render(MODE_SOCKET, "compose", (const char *const[]){ "pull", "always", NULL }, &warn, &text);
	CHECK_STR(val(yget(r, "services", "workspace", "pull_policy", NULL)), "always");
	ytree_free(r);

	r = render(MODE_PRIVILEGED, "compose", (const char *const[]){ "userns_host", "true", NULL }, &warn, &text);
	CHECK_STR(val(yget(r, "services", "workspace", "privileged", NULL)), "true");
	CHECK_STR(val(yget(r, "services", "workspace", "userns_mode", NULL)), "host");
	CHECK(seq_has(yget(r, "services", "workspace", "volumes", NULL), "ws-docker:/var/lib/docker"));
	CHECK(yget(r, "volumes", "ws-docker", NULL) != NULL);
	ytree_free(r);

	r = render(MODE_SOCKET, "compose", (const char *const[]){ "env", "PRICE=$5 and $(x)", NULL }, &warn, &text);
	CHECK_STR(val(yget(r, "services", "workspace", "group_add", "#0", NULL)), "999");
	CHECK(seq_has(yget(r, "services", "workspace", "volumes", NULL), "/var/run/docker.sock:/var/run/docker.sock:ro"));
	/* compose interpolates $: written as $$ so the container gets "$5" */
	CHECK_STR(val(yget(r, "services", "workspace", "environment", "PRICE", NULL)), "$$5 and $$(x)");
	ytree_free(r);

	r = render(MODE_TCP, "compose", (const char *const[]){ "tcp.host", "10.0.0.5", "tcp.tls", "true",
		   "tcp.cert_dir", certs, NULL }, &warn, &text);
	CHECK_STR(val(yget(r, "services", "workspace", "environment", "DOCKER_HOST", NULL)), "tcp://10.0.0.5:2376");
	CHECK_STR(val(yget(r, "services", "workspace", "environment", "DOCKER_TLS_VERIFY", NULL)), "1");
	ytree_free(r);

	r = render(MODE_DIND, "compose", none, &warn, &text);
	CHECK_STR(val(yget(r, "services", "dind", "privileged", NULL)), "true");
	CHECK_STR(val(yget(r, "services", "dind", "networks", "dind", "aliases", "#0", NULL)), "docker");
	CHECK_STR(val(yget(r, "services", "dind", "environment", "DOCKER_TLS_CERTDIR", NULL)), "/certs");
	CHECK(seq_has(yget(r, "services", "dind", "volumes", NULL), "workspace:/workspace:ro"));
	CHECK_STR(val(yget(r, "services", "workspace", "depends_on", "#0", NULL)), "dind");
	CHECK_STR(val(yget(r, "services", "workspace", "environment", "DOCKER_HOST", NULL)), "tcp://docker:2376");
	CHECK(yget(r, "services", "workspace", "networks", "dind", NULL) != NULL);
	CHECK_STR(val(yget(r, "networks", "dind", "name", NULL)), "dind");
	CHECK(yget(r, "volumes", "ws-dind-certs", NULL) && yget(r, "volumes", "ws-dind-data", NULL));
	ytree_free(r);

	r = render(MODE_DIND, "compose", (const char *const[]){ "dind.tls", "false", NULL }, &warn, &text);
	CHECK_STR(val(yget(r, "services", "dind", "command", "#0", NULL)), "--tls=false");
	CHECK_STR(val(yget(r, "services", "dind", "environment", "DOCKER_TLS_CERTDIR", NULL)), "");
	ytree_free(r);

	/* ---- Kubernetes ---- */
	const struct ynode *dep, *pod, *ws;
	r = render(MODE_SYSBOX, "kube", none, &warn, &text);
	CHECK_STR(val(yget(r, "kind", NULL)), "List");
	dep = item(r, "Deployment", "workspace");
	pod = yget(dep, "spec", "template", "spec", NULL);
	CHECK_STR(val(yget(pod, "runtimeClassName", NULL)), "sysbox-runc");
	CHECK_STR(val(yget(pod, "hostUsers", NULL)), "false");
	ws = yget(pod, "containers", "#0", NULL);
	CHECK_STR(val(yget(ws, "name", NULL)), "workspace");
	CHECK_STR(kenv(ws, "WS_DOCKER_ENABLE_CLIENT"), "1");
	CHECK(item(r, "PersistentVolumeClaim", "workspace-workspace") != NULL);
	CHECK_STR(val(yget(kvol(pod, "workspace"), "persistentVolumeClaim", "claimName", NULL)), "workspace-workspace");
	CHECK_STR(val(yget(item(r, "Service", "workspace"), "spec", "ports", "#0", "port", NULL)), "8080");
	CHECK_STR(val(yget(dep, "spec", "selector", "matchLabels", "app.kubernetes.io/instance", NULL)), "workspace");
	ytree_free(r);

	/* libyaml's emitter writes code points above U+10FFFF and surrogates as
	 * escapes its parser refuses: such values are an error, not a file
	 * nobody can read (found by tests/fuzz/fuzz_render) */
	{
		static const char *const bad[] = { "X=\xf4\x94\x9a\x91", "X=a\xed\xa0\x80", "X=\xff" };
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			for (int k = 0; k < 2; k++) {
				struct spec s;
				struct facts f;
				struct err e = { { 0 } };
				struct strbuf out = STRBUF_INIT;
				spec_init(&s);
				facts_init(&f);
				s.mode = MODE_SYSBOX;
				/* refused when set (validate_text) ... */
				CHECK(spec_env_set(&s, bad[i], &e) == -1);
				CHECK_CONTAINS(e.msg, "X: invalid UTF-8");
				/* ... and by the renderer, should one get into a spec */
				strvec_push(&s.env, bad[i]);
				CHECK(render_export(&out, k ? "kube" : "compose", &s, &f, NULL, &e) == -1);
				CHECK_CONTAINS(e.msg, "not valid UTF-8");
				strbuf_release(&out);
				spec_release(&s);
				facts_release(&f);
			}
	}

	/* a newline in a path (it once ended a header comment and injected
	 * YAML, found by tests/fuzz/fuzz_render) is now refused when set, with
	 * the character and its position; the renderers' own escaping stays */
	{
		struct spec s;
		struct err e = { { 0 } };
		spec_init(&s);
		CHECK(spec_set(&s, OPT_VOLUME, "/srv/x\ninjected- [1]", &e) == -1);
		CHECK_STR(e.msg, "control character U+000A at character 7");
		CHECK(!spec_is_set(&s, OPT_VOLUME));
		spec_release(&s);
	}

	/* Kubernetes expands $(VAR) and turns $$ into $ in env values: written
	 * with every $ doubled (found by tests/fuzz/fuzz_render) */
	r = render(MODE_SYSBOX, "kube", (const char *const[]){ "env", "PRICE=$5 and $(x) $$", NULL }, &warn, &text);
	ws = yget(item(r, "Deployment", "workspace"), "spec", "template", "spec", "containers", "#0", NULL);
	CHECK_STR(kenv(ws, "PRICE"), "$$5 and $$(x) $$$$");
	ytree_free(r);

	r = render(MODE_PRIVILEGED, "kube", none, &warn, &text);
	pod = yget(item(r, "Deployment", NULL), "spec", "template", "spec", NULL);
	ws = yget(pod, "containers", "#0", NULL);
	CHECK_STR(val(yget(ws, "securityContext", "privileged", NULL)), "true");
	CHECK(yget(kvol(pod, "docker-data"), "emptyDir", NULL) != NULL);
	ytree_free(r);

	strvec_clear(&warn);
	r = render(MODE_SOCKET, "kube", none, &warn, &text);
	pod = yget(item(r, "Deployment", NULL), "spec", "template", "spec", NULL);
	CHECK_STR(val(yget(pod, "securityContext", "supplementalGroups", "#0", NULL)), "999");
	CHECK_STR(val(yget(kvol(pod, "docker-sock"), "hostPath", "path", NULL)), "/var/run/docker.sock");
	CHECK_STR(val(yget(kvol(pod, "docker-sock"), "hostPath", "type", NULL)), "Socket");
	CHECK(warn.n > 0);
	ytree_free(r);

	/* the password env file never reaches the manifest (stdout): the
	 * workspace references a Secret, and the command making it is a note
	 * and a warning (stderr) */
	{
		char envp[160];
		snprintf(envp, sizeof(envp), "%s/pw.env", certs);
		FILE *pf = fopen(envp, "w");
		fputs("WS_AUTH_PASSWORD=hunter2-secret\n", pf);
		fclose(pf);
		strvec_clear(&warn);
		r = render(MODE_SYSBOX, "kube", (const char *const[]){ "env_file", envp, NULL }, &warn, &text);
		CHECK(strstr(text.buf, "hunter2-secret") == NULL);
		CHECK(item(r, "Secret", "workspace-env") == NULL);
		pod = yget(item(r, "Deployment", NULL), "spec", "template", "spec", NULL);
		CHECK_STR(val(yget(pod, "containers", "#0", "envFrom", "#0", "secretRef", "name", NULL)), "workspace-env");
		char want[300];
		snprintf(want, sizeof(want), "kubectl create secret generic workspace-env --from-env-file=%s", envp);
		int found = 0;
		for (size_t i = 0; i < warn.n; i++)
			found |= strstr(warn.v[i], want) != NULL;
		CHECK(found);
		CHECK(strstr(text.buf, "# This manifest holds secrets") == NULL);
		ytree_free(r);
		unlink(envp);
	}

	r = render(MODE_TCP, "kube", (const char *const[]){ "tcp.host", "10.0.0.5", "tcp.tls", "true",
		   "tcp.cert_dir", certs, NULL }, &warn, &text);
	pod = yget(item(r, "Deployment", NULL), "spec", "template", "spec", NULL);
	ws = yget(pod, "containers", "#0", NULL);
	CHECK_STR(kenv(ws, "DOCKER_HOST"), "tcp://10.0.0.5:2376");
	CHECK_STR(kenv(ws, "DOCKER_CERT_PATH"), "/certs/client");
	const struct ynode *sec = item(r, "Secret", "workspace-docker-certs");
	CHECK(sec != NULL);
	/* base64 of "----- ca.pem -----\n" */
	CHECK_STR(val(yget(sec, "data", "ca.pem", NULL)), "LS0tLS0gY2EucGVtIC0tLS0tCg==");
	CHECK_STR(val(yget(kvol(pod, "docker-certs"), "secret", "secretName", NULL)), "workspace-docker-certs");
	CHECK_STR(val(yget(pod, "securityContext", "fsGroup", NULL)), "1000");
	CHECK_CONTAINS(text.buf, "# This manifest holds secrets");
	ytree_free(r);

	strvec_clear(&warn);
	r = render(MODE_SSH, "kube", (const char *const[]){ "ssh.host", "build.example", NULL }, &warn, &text);
	pod = yget(item(r, "Deployment", NULL), "spec", "template", "spec", NULL);
	ws = yget(pod, "containers", "#0", NULL);
	CHECK_STR(kenv(ws, "DOCKER_HOST"), "ssh://dev@build.example");
	CHECK(kenv(ws, "SSH_AUTH_SOCK") == NULL);
	CHECK_CONTAINS(text.buf, "# NOTE: ssh agent forwarding cannot be expressed in Kubernetes");
	int agent_warned = 0;
	for (size_t i = 0; i < warn.n; i++)
		agent_warned |= strstr(warn.v[i], "agent forwarding") != NULL;
	CHECK(agent_warned);
	ytree_free(r);

	char key[128];
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	r = render(MODE_SSH, "kube", (const char *const[]){ "ssh.host", "build.example", "ssh.auth", "key",
		   "ssh.key", key, "ssh.known_hosts", key, NULL }, &warn, &text);
	sec = item(r, "Secret", "workspace-ssh");
	CHECK(sec && val(yget(sec, "data", "id", NULL)) && val(yget(sec, "data", "known_hosts", NULL)));
	pod = yget(item(r, "Deployment", NULL), "spec", "template", "spec", NULL);
	ws = yget(pod, "containers", "#0", NULL);
	CHECK_STR(val(yget(ws, "volumeMounts", "#1", "subPath", NULL)), "id");
	ytree_free(r);

	r = render(MODE_DIND, "kube", none, &warn, &text);
	pod = yget(item(r, "Deployment", NULL), "spec", "template", "spec", NULL);
	const struct ynode *side = yget(pod, "containers", "#1", NULL);
	CHECK_STR(val(yget(side, "name", NULL)), "dind");
	CHECK_STR(val(yget(side, "image", NULL)), "docker:dind");
	CHECK_STR(val(yget(side, "securityContext", "privileged", NULL)), "true");
	CHECK_STR(kenv(side, "DOCKER_TLS_CERTDIR"), "/certs");
	ws = yget(pod, "containers", "#0", NULL);
	CHECK(yget(ws, "securityContext", NULL) == NULL); /* the workspace is not privileged */
	CHECK_STR(kenv(ws, "DOCKER_HOST"), "tcp://docker:2376");
	CHECK(yget(kvol(pod, "dind-certs"), "emptyDir", NULL) != NULL);
	CHECK(seq_has(yget(pod, "hostAliases", "#0", "hostnames", NULL), "docker"));
	CHECK_STR(val(yget(pod, "hostAliases", "#0", "ip", NULL)), "127.0.0.1");
	ytree_free(r);

	for (int i = 0; i < 3; i++) {
		char p[128];
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	strbuf_release(&text);
	strvec_release(&warn);
	return t_done("test_export");
}
