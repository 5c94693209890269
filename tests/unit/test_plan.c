/* test_plan.c - golden argv of every step for every mode and option variant. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "launch/launch_build.h"
#include "launch/modes.h"
#include "launch/plan.h"
#include "launch/launch_digest.h"
#include "base/strbuf.h"
#include "t.h"

/* rootless keeps everything in its own file and has no MODE_ name: it is
 * the row after the named ones (main() asserts it). */
#define MODE_ROOTLESS ((enum mode_id)MODE__NAMED)

#define MAXSTEPS 8

struct golden {
	const char *title;
	enum mode_id mode;
	const char *opts[12];       /* "option=value", "env:K=V", "fact:name=value" */
	const char *steps[MAXSTEPS]; /* argv joined by spaces */
	const char *error;          /* expected error instead */
	const char *warning;        /* a warning that must be present */
};

#define WS "ghcr.io/kloudkit/workspace:v0.0.21"
#define L "--label ws-launch.launch=workspace"
#define LA "--label ws-launch.launch=api"
#define RUN_WS "docker run -d --name workspace " L " -p 127.0.0.1:8080:8080 -v workspace:/workspace "
#define VOL_WS "docker volume create " L " workspace"

static const struct golden goldens[] = {
	{ "sysbox default", MODE_SYSBOX, { NULL },
	  { VOL_WS, RUN_WS "--runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "sysbox minimal", MODE_SYSBOX, { "minimal=true" },
	  { "docker run --runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "sysbox minimal + explicit name", MODE_SYSBOX, { "minimal=true", "name=dev" },
	  { "docker run --name dev --runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "sysbox common options", MODE_SYSBOX,
	  { "name=dev", "publish=0.0.0.0:9000:8080", "volume=/srv/ws", "detach=false", "env:FOO=bar baz",
	    "image=127.0.0.1:5000/ws:v1" },
	  { "docker run --name dev --label ws-launch.launch=dev -p 0.0.0.0:9000:8080 -v /srv/ws:/workspace "
	    "--runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 -e FOO=bar baz 127.0.0.1:5000/ws:v1" },
	  NULL, "port 9000 is published on 0.0.0.0 without a password" },
	{ "sysbox no publish, no volume, env file", MODE_SYSBOX,
	  { "publish=none", "volume=none", "env_file=/home/me/.config/ws-launch/secrets/workspace.env" },
	  { "docker run -d --name workspace " L " --runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 "
	    "--env-file /home/me/.config/ws-launch/secrets/workspace.env " WS } },
	{ "pull always", MODE_SYSBOX, { "pull=always" },
	  { VOL_WS, "docker pull " WS, RUN_WS "--runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "pull auto, image absent", MODE_SYSBOX, { "fact:image_present=0" },
	  { VOL_WS, "docker pull " WS, RUN_WS "--runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "pull never, image absent", MODE_SYSBOX, { "fact:image_present=0", "pull=never" },
	  { VOL_WS, RUN_WS "--runtime sysbox-runc -e WS_DOCKER_ENABLE_CLIENT=1 --pull never " WS } },

	{ "privileged default", MODE_PRIVILEGED, { NULL },
	  { VOL_WS, "docker volume create " L " ws-docker",
	    RUN_WS "--privileged -e WS_DOCKER_ENABLE_CLIENT=1 -v ws-docker:/var/lib/docker " WS },
	  NULL, "--privileged gives the workspace root over this host" },
	{ "privileged named api", MODE_PRIVILEGED, { "name=api" },
	  { "docker volume create " LA " api", "docker volume create " LA " api-docker",
	    "docker run -d --name api " LA " -p 127.0.0.1:8080:8080 -v api:/workspace "
	    "--privileged -e WS_DOCKER_ENABLE_CLIENT=1 -v api-docker:/var/lib/docker " WS } },
	{ "privileged named api, minimal: the docs form", MODE_PRIVILEGED, { "name=api", "minimal=true" },
	  { "docker run --name api --privileged -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "privileged named api with limits", MODE_PRIVILEGED,
	  { "name=api", "cpus=1.5", "memory=2g", "pids_limit=512", "shm_size=256m" },
	  { "docker volume create " LA " api", "docker volume create " LA " api-docker",
	    "docker run -d --name api " LA " -p 127.0.0.1:8080:8080 -v api:/workspace "
	    "--privileged -e WS_DOCKER_ENABLE_CLIENT=1 -v api-docker:/var/lib/docker "
	    "--cpus 1.5 --memory 2g --pids-limit 512 --shm-size 256m " WS } },
	{ "limit: bad memory", MODE_SOCKET, { "memory=1x" }, { NULL }, "is not a size" },
	{ "limit: dind sidecar's own", MODE_DIND,
	  { "name=api", "dind.cpus=2", "dind.memory=4g", "cpus=1", "dind.data_volume=none", "dind.tls=false" },
	  { "docker network create " LA " api-dind", "docker volume create " LA " api",
	    "docker run -d --privileged --name api-dind " LA " --network api-dind -e DOCKER_TLS_CERTDIR= "
	    "-v api:/workspace:ro --cpus 2 --memory 4g docker:dind --tls=false",
	    "docker run -d --name api " LA " -p 127.0.0.1:8080:8080 -e DOCKER_HOST=tcp://api-dind:2375 "
	    "-v api:/workspace --network api-dind --cpus 1 " WS } },
	{ "privileged, userns-remap detected", MODE_PRIVILEGED, { "fact:userns_remap=1" },
	  { VOL_WS, "docker volume create " L " ws-docker",
	    RUN_WS "--privileged --userns host -e WS_DOCKER_ENABLE_CLIENT=1 -v ws-docker:/var/lib/docker " WS } },
	{ "privileged, userns forced off", MODE_PRIVILEGED, { "fact:userns_remap=1", "userns_host=false",
	  "privileged.data_volume=none" },
	  { VOL_WS, RUN_WS "--privileged -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "privileged minimal", MODE_PRIVILEGED, { "minimal=true" },
	  { "docker run --privileged -e WS_DOCKER_ENABLE_CLIENT=1 " WS } },

	{ "socket default (detected gid)", MODE_SOCKET, { NULL },
	  { VOL_WS, RUN_WS "--group-add 999 -v /var/run/docker.sock:/var/run/docker.sock:ro "
		    "-e WS_DOCKER_ENABLE_CLIENT=1 " WS },
	  NULL, "':ro' on the mount restricts nothing" },
	{ "socket rootless path, explicit gid 0", MODE_SOCKET,
	  { "socket.path=/run/user/1000/docker.sock", "socket.group=0" },
	  { VOL_WS, RUN_WS "--group-add 0 -v /run/user/1000/docker.sock:/var/run/docker.sock:ro "
		    "-e WS_DOCKER_ENABLE_CLIENT=1 " WS },
	  NULL, "--group-add 0 adds the root group" },
	{ "socket minimal", MODE_SOCKET, { "minimal=true", "socket.group=8888" },
	  { "docker run --group-add 8888 -v /var/run/docker.sock:/var/run/docker.sock:ro "
	    "-e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "socket gid unknown", MODE_SOCKET, { "fact:socket_gid=-1" }, { NULL },
	  "socket.group: cannot read the group of /var/run/docker.sock: No such file or directory; pass --group GID" },

	{ "rootless default (the group as the daemon's namespace sees it)", MODE_ROOTLESS, { NULL },
	  { VOL_WS, RUN_WS "--group-add 106 -v /run/user/1000/docker.sock:/var/run/docker.sock:ro "
		    "-e WS_DOCKER_ENABLE_CLIENT=1 " WS },
	  NULL, NULL },
	{ "rootless explicit socket and group", MODE_ROOTLESS,
	  { "socket.path=/srv/rl/docker.sock", "socket.group=0" },
	  { VOL_WS, RUN_WS "--group-add 0 -v /srv/rl/docker.sock:/var/run/docker.sock:ro "
		    "-e WS_DOCKER_ENABLE_CLIENT=1 " WS } },
	{ "rootless daemon unknown", MODE_ROOTLESS, { "fact:rootless_gid=-1" }, { NULL },
	  "socket.group: nothing answers at /run/user/1000/docker.sock; pass --group GID" },

	/* option_value.c: a host from the endpoint brings its port; a given host the TLS default */
	{ "tcp from a tcp:// endpoint (its host and port)", MODE_TCP,
	  { "fact:tcp_host=10.0.0.9", "fact:tcp_port=12376", "fact:cert_dir=/root/.docker" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=tcp://10.0.0.9:12376 -e DOCKER_TLS_VERIFY=1 "
		    "-e DOCKER_CERT_PATH=/certs/client -v /root/.docker:/certs/client:ro " WS } },
	{ "tcp host given: the endpoint's port does not follow", MODE_TCP,
	  { "tcp.host=10.0.0.5", "fact:tcp_host=10.0.0.9", "fact:tcp_port=12376" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=tcp://10.0.0.5:2375 " WS } },
	{ "tcp plain", MODE_TCP, { "tcp.host=10.0.0.5" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=tcp://10.0.0.5:2375 " WS }, NULL,
	  "plain TCP: anyone who can reach 10.0.0.5:2375 is root on that host" },
	{ "tcp TLS", MODE_TCP, { "tcp.host=docker.example.com", "tcp.tls=true", "tcp.cert_dir=/home/me/certs" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=tcp://docker.example.com:2376 -e DOCKER_TLS_VERIFY=1 "
		    "-e DOCKER_CERT_PATH=/certs/client -v /home/me/certs:/certs/client:ro " WS } },
	{ "tcp TLS auto from DOCKER_CERT_PATH, custom port", MODE_TCP,
	  { "tcp.host=10.0.0.5", "fact:cert_dir=/root/.docker", "tcp.port=12376" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=tcp://10.0.0.5:12376 -e DOCKER_TLS_VERIFY=1 "
		    "-e DOCKER_CERT_PATH=/certs/client -v /root/.docker:/certs/client:ro " WS } },
	{ "tcp host from the endpoint, IPv6", MODE_TCP, { "fact:tcp_host=fd00::5" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=tcp://[fd00::5]:2375 " WS } },
	{ "tcp TLS forced off despite certs", MODE_TCP,
	  { "tcp.host=10.0.0.5", "fact:cert_dir=/root/.docker", "tcp.tls=false" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=tcp://10.0.0.5:2375 " WS } },
	{ "tcp minimal", MODE_TCP, { "minimal=true", "tcp.host=remote.example", "fact:cert_dir=/c" },
	  { "docker run -e DOCKER_HOST=tcp://remote.example:2375 " WS } },
	{ "tcp TLS without certs", MODE_TCP, { "tcp.host=10.0.0.5", "tcp.tls=true" }, { NULL },
	  "tcp.cert_dir (--cert-dir) is required with TLS" },
	{ "tcp without host", MODE_TCP, { NULL }, { NULL }, "tcp.host (--host) is required for mode tcp" },
	{ "tcp env conflict", MODE_TCP, { "tcp.host=h.example", "env:DOCKER_HOST=tcp://evil:1" }, { NULL },
	  "env DOCKER_HOST: set by mode tcp; use the mode's options instead" },

	{ "ssh agent + known_hosts", MODE_SSH, { "ssh.host=build.example", "ssh.user=dev" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=ssh://dev@build.example -v /tmp/agent.sock:/run/ssh-agent.sock "
		    "-e SSH_AUTH_SOCK=/run/ssh-agent.sock -v /home/me/.ssh/known_hosts:/home/kloud/.ssh/known_hosts:ro "
		    WS } },
	{ "ssh default user and port", MODE_SSH, { "ssh.host=10.1.2.3", "ssh.port=2222", "ssh.known_hosts=none" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=ssh://me@10.1.2.3:2222 -v /tmp/agent.sock:/run/ssh-agent.sock "
		    "-e SSH_AUTH_SOCK=/run/ssh-agent.sock " WS },
	  NULL, "no known_hosts mounted" },
	{ "ssh key file", MODE_SSH, { "ssh.host=h.example", "ssh.auth=key", "ssh.key=/home/me/.ssh/id_rsa" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=ssh://me@h.example -v /home/me/.ssh/id_rsa:/home/kloud/.ssh/id_rsa:ro "
		    "-v /home/me/.ssh/known_hosts:/home/kloud/.ssh/known_hosts:ro " WS } },
	{ "ssh key file, other name", MODE_SSH, { "ssh.host=h.example", "ssh.auth=key", "ssh.key=/keys/deploy" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=ssh://me@h.example -v /keys/deploy:/home/kloud/.ssh/id_ed25519:ro "
		    "-v /home/me/.ssh/known_hosts:/home/kloud/.ssh/known_hosts:ro " WS } },
	{ "ssh key without file", MODE_SSH, { "ssh.host=h.example", "ssh.auth=key" }, { NULL },
	  "ssh.key (--ssh-key) is required with --ssh-auth key" },
	{ "ssh agent without agent", MODE_SSH, { "ssh.host=h.example", "fact:ssh_auth_sock=" }, { NULL }, NULL },
	{ "ssh explicit agent without agent", MODE_SSH, { "ssh.host=h.example", "ssh.auth=agent",
	  "fact:ssh_auth_sock=" }, { NULL }, "SSH_AUTH_SOCK is not set" },
	{ "ssh none", MODE_SSH, { "ssh.host=h.example", "ssh.auth=none" },
	  { VOL_WS, RUN_WS "-e DOCKER_HOST=ssh://me@h.example "
		    "-v /home/me/.ssh/known_hosts:/home/kloud/.ssh/known_hosts:ro " WS },
	  NULL, "no key access" },
	{ "ssh minimal", MODE_SSH, { "minimal=true", "ssh.host=remote.example", "ssh.user=user" },
	  { "docker run -e DOCKER_HOST=ssh://user@remote.example " WS } },
	{ "ssh without host", MODE_SSH, { NULL }, { NULL }, "ssh.host (--host) is required for mode ssh" },

	{ "dind default (TLS)", MODE_DIND, { NULL },
	  { "docker network create " L " dind",
	    "docker volume create " L " ws-dind-certs",
	    "docker volume create " L " ws-dind-data",
	    VOL_WS,
	    "docker run -d --privileged --name dind " L " --network dind --network-alias docker "
	    "-e DOCKER_TLS_CERTDIR=/certs -v ws-dind-certs:/certs/client -v workspace:/workspace:ro "
	    "-v ws-dind-data:/var/lib/docker docker:dind",
	    "docker run -d --name workspace " L " -p 127.0.0.1:8080:8080 -e DOCKER_HOST=tcp://docker:2376 "
	    "-e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client -v ws-dind-certs:/certs/client:ro "
	    "-v workspace:/workspace --network dind " WS } },
	/* A launch named api: every object it names is named after it. */
	{ "dind named api", MODE_DIND, { "name=api" },
	  { "docker network create " LA " api-dind",
	    "docker volume create " LA " api-dind-certs",
	    "docker volume create " LA " api-dind-data",
	    "docker volume create " LA " api",
	    "docker run -d --privileged --name api-dind " LA " --network api-dind --network-alias docker "
	    "-e DOCKER_TLS_CERTDIR=/certs -v api-dind-certs:/certs/client -v api:/workspace:ro "
	    "-v api-dind-data:/var/lib/docker docker:dind",
	    "docker run -d --name api " LA " -p 127.0.0.1:8080:8080 -e DOCKER_HOST=tcp://docker:2376 "
	    "-e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client -v api-dind-certs:/certs/client:ro "
	    "-v api:/workspace --network api-dind " WS } },
	{ "dind named api, names given win", MODE_DIND,
	  { "name=api", "dind.sidecar=side", "dind.network=net", "volume=/srv/api", "dind.data_volume=none" },
	  { "docker network create " LA " net",
	    "docker volume create " LA " api-dind-certs",
	    "docker run -d --privileged --name side " LA " --network net --network-alias docker "
	    "-e DOCKER_TLS_CERTDIR=/certs -v api-dind-certs:/certs/client -v /srv/api:/workspace:ro docker:dind",
	    "docker run -d --name api " LA " -p 127.0.0.1:8080:8080 -e DOCKER_HOST=tcp://docker:2376 "
	    "-e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client -v api-dind-certs:/certs/client:ro "
	    "-v /srv/api:/workspace --network net " WS } },
	{ "dind without TLS", MODE_DIND, { "dind.tls=false", "dind.data_volume=none" },
	  { "docker network create " L " dind", VOL_WS,
	    "docker run -d --privileged --name dind " L " --network dind -e DOCKER_TLS_CERTDIR= "
	    "-v workspace:/workspace:ro docker:dind --tls=false",
	    "docker run -d --name workspace " L " -p 127.0.0.1:8080:8080 -e DOCKER_HOST=tcp://dind:2375 "
	    "-v workspace:/workspace --network dind " WS },
	  NULL, "TLS off" },
	{ "dind custom names, no volume, userns", MODE_DIND,
	  { "dind.network=ws-net", "dind.sidecar=ws-dind", "dind.image=docker:27-dind", "volume=none",
	    "fact:userns_remap=1", "fact:dind_image_present=0", "dind.certs_volume=c1" },
	  { "docker network create " L " ws-net", "docker volume create " L " c1",
	    "docker volume create " L " ws-dind-data", "docker pull docker:27-dind",
	    "docker run -d --privileged --userns host --name ws-dind " L " --network ws-net --network-alias docker "
	    "-e DOCKER_TLS_CERTDIR=/certs -v c1:/certs/client -v ws-dind-data:/var/lib/docker docker:27-dind",
	    "docker run -d --name workspace " L " -p 127.0.0.1:8080:8080 -e DOCKER_HOST=tcp://docker:2376 "
	    "-e DOCKER_TLS_VERIFY=1 -e DOCKER_CERT_PATH=/certs/client -v c1:/certs/client:ro "
	    "--network ws-net " WS } },
	{ "dind minimal", MODE_DIND, { "minimal=true" },
	  { "docker network create dind",
	    "docker run -d --privileged --name dind --network dind -v workspace:/workspace:ro "
	    "-e DOCKER_TLS_CERTDIR= docker:dind",
	    "docker run -e DOCKER_HOST=tcp://dind:2375 -v workspace:/workspace --network dind " WS } },
	{ "dind sidecar named like the workspace", MODE_DIND, { "dind.sidecar=workspace" }, { NULL },
	  "dind.sidecar (--sidecar): 'workspace' is also the workspace's name" },
	{ "dind predefined network", MODE_DIND, { "dind.network=host" }, { NULL },
	  "'host' is a predefined docker network" },
};

static int set_fact(struct facts *f, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t n = (size_t)(eq - kv);
	const char *v = eq + 1;
#define IS(name) (n == strlen(name) && !strncmp(kv, name, n))
	if (IS("image_present"))
		f->image_present = (int)strtol(v, NULL, 10);
	else if (IS("dind_image_present"))
		f->dind_image_present = (int)strtol(v, NULL, 10);
	else if (IS("userns_remap"))
		f->userns_remap = (int)strtol(v, NULL, 10);
	else if (IS("socket_gid"))
		f->socket_gid = strtol(v, NULL, 10);
	else if (IS("rootless_gid"))
		facts_set(f, "rootless.gid", "%s", v);
	else if (IS("cert_dir")) {
		free(f->cert_dir);
		f->cert_dir = xstrdup(v);
	} else if (IS("tcp_host")) {
		free(f->tcp_host);
		f->tcp_host = xstrdup(v);
	} else if (IS("tcp_port")) {
		f->tcp_port = (int)strtol(v, NULL, 10);
	} else if (IS("ssh_auth_sock")) {
		free(f->ssh_auth_sock);
		f->ssh_auth_sock = *v ? xstrdup(v) : NULL;
	} else
		return -1;
	return 0;
#undef IS
}

static void base_facts(struct facts *f)
{
	facts_init(f);
	f->user = xstrdup("me");
	f->home = xstrdup("/home/me");
	f->ssh_auth_sock = xstrdup("/tmp/agent.sock");
	f->known_hosts = xstrdup("/home/me/.ssh/known_hosts");
	f->socket_path = xstrdup("/var/run/docker.sock");
	f->socket_gid = 999;
	f->socket_gid_error = xstrdup("cannot read the group of /var/run/docker.sock: No such file or directory");
	f->userns_remap = 0;
	f->image_present = 1;
	f->dind_image_present = 1;
	/* a rootless daemon of uid 1000 whose socket's group (the host's
	 * docker group, a subordinate gid) shows as 106 in its namespace */
	facts_set(f, "rootless.socket", "/run/user/1000/docker.sock");
	facts_set(f, "rootless.pid", "4148");
	facts_set(f, "rootless.uid", "1000");
	facts_set(f, "rootless.host_gid", "165641");
	facts_set(f, "rootless.gid", "106");
	facts_set(f, "rootless.error", "nothing answers at /run/user/1000/docker.sock");
}

/* The argv as one string, without the mode, digest and options labels
 * (whose values follow from the whole spec; test_launch_digest.c tests
 * them), so that the goldens stay about the flags. */
static char *joined(const struct strvec *v)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < v->n; i++) {
		if (!strcmp(v->v[i], "--label") && i + 1 < v->n &&
		    (!strncmp(v->v[i + 1], LABEL_MODE "=", strlen(LABEL_MODE) + 1) ||
		     !strncmp(v->v[i + 1], LABEL_DIGEST "=", strlen(LABEL_DIGEST) + 1) ||
		     !strncmp(v->v[i + 1], LABEL_OPTIONS "=", strlen(LABEL_OPTIONS) + 1))) {
			i++;
			continue;
		}
		if (sb.len)
			strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, v->v[i]);
	}
	return strbuf_detach(&sb, NULL);
}

static void run_golden(const struct golden *g)
{
	struct spec s;
	struct facts f;
	struct err e = { { 0 } };
	spec_init(&s);
	base_facts(&f);
	s.mode = g->mode;
	for (int i = 0; g->opts[i]; i++) {
		const char *o = g->opts[i];
		if (!strncmp(o, "env:", 4)) {
			CHECK(spec_env_set(&s, o + 4, &e) == 0);
		} else if (!strncmp(o, "fact:", 5)) {
			CHECK(set_fact(&f, o + 5) == 0);
		} else {
			const char *eq = strchr(o, '=');
			char *key = xstrndup(o, (size_t)(eq - o));
			const struct option_def *d = option_by_key(key);
			CHECK(d != NULL);
			if (d && spec_set(&s, d->id, eq + 1, &e)) {
				free(key);
				if (!g->error)
					fprintf(stderr, "%s: %s\n", g->title, e.msg);
				CHECK(g->error != NULL);
				if (g->error)
					CHECK_CONTAINS(e.msg, g->error);
				spec_release(&s);
				facts_release(&f);
				return;
			}
			free(key);
		}
	}
	struct plan p;
	int rc = plan_build(&p, &s, &f, &e);
	if (g->error) {
		if (rc == 0)
			fprintf(stderr, "%s: expected error %s\n", g->title, g->error);
		CHECK(rc == -1);
		CHECK_CONTAINS(e.msg, g->error);
	} else if (!g->steps[0]) {
		/* ssh auto without agent falls back to no key access */
		CHECK(rc == 0);
	} else {
		if (rc)
			fprintf(stderr, "%s: unexpected error %s\n", g->title, e.msg);
		CHECK(rc == 0);
		size_t want = 0;
		while (want < MAXSTEPS && g->steps[want])
			want++;
		if (p.n != want)
			fprintf(stderr, "%s: %zu steps, want %zu\n", g->title, p.n, want);
		CHECK_INT(p.n, want);
		for (size_t i = 0; i < p.n && i < want; i++) {
			char *got = joined(&p.steps[i].argv);
			if (strcmp(got, g->steps[i]))
				fprintf(stderr, "%s: step %zu\n", g->title, i);
			CHECK_STR(got, g->steps[i]);
			free(got);
			/* Undo and probe are consistent with what the step creates. */
			const struct step *st = &p.steps[i];
			if (st->undo.n) {
				CHECK_STR(st->undo.v[st->undo.n - 1], st->object);
				CHECK(st->probe.n > 0);
			}
			if (!p.minimal && st->kind != STEP_PULL)
				CHECK(st->undo.n > 0);
		}
		if (g->warning) {
			int found = 0;
			for (size_t i = 0; i < p.warnings.n; i++)
				found |= strstr(p.warnings.v[i], g->warning) != NULL;
			if (!found)
				fprintf(stderr, "%s: missing warning %s\n", g->title, g->warning);
			CHECK(found);
		}
	}
	plan_release(&p);
	spec_release(&s);
	facts_release(&f);
}

int main(void)
{
	CHECK(!strcmp(mode_get(MODE_ROOTLESS)->name, "rootless"));
	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
		run_golden(&goldens[i]);

	/* Undo argv of the whole dind plan, newest first, is what `down` runs. */
	struct spec s;
	struct facts f;
	struct plan p;
	struct err e;
	spec_init(&s);
	base_facts(&f);
	s.mode = MODE_DIND;
	CHECK(plan_build(&p, &s, &f, &e) == 0);
	CHECK_STR(p.label, "workspace");
	CHECK_STR(p.steps[p.n - 1].undo.v[2], "-f");
	CHECK_STR(p.steps[0].undo.v[1], "network");
	CHECK(p.steps[p.n - 1].breaks[0] == 0 && p.steps[p.n - 1].breaks[p.steps[p.n - 1].argv.n - 1] == 1);
	plan_release(&p);

	/* Every mode builds with defaults where nothing is required. */
	for (int m = 0; m < MODE__COUNT; m++) {
		s.mode = (enum mode_id)m;
		spec_set(&s, OPT_TCP_HOST, "h.example", NULL);
		if (m == MODE_SSH)
			spec_set(&s, OPT_SSH_HOST, "h.example", NULL);
		int rc = plan_build(&p, &s, &f, &e);
		if (rc)
			fprintf(stderr, "mode %s: %s\n", mode_get(m)->name, e.msg);
		CHECK(rc == 0);
		CHECK(p.n >= 1 && p.steps[p.n - 1].kind == STEP_RUN);
		plan_release(&p);
		spec_unset(&s, OPT_TCP_HOST);
		spec_unset(&s, OPT_SSH_HOST);
	}
	spec_release(&s);
	facts_release(&f);
	return t_done("test_plan");
}
