/* launch.h - the launch model: what a mode asks for, before it becomes
 * docker commands.
 *
 * A mode's build function fills a struct launch: networks and volumes to
 * create, images to pull, and up to two containers (sidecar, workspace)
 * whose `docker run` options are an ORDERED list of typed items.  Order is
 * kept because the docs form must reproduce the Kloud page argv for argv;
 * types are kept because the compose and kube renderers need meaning, not
 * words.  plan.c turns a launch into argv steps.
 *
 * Ownership: the launch owns everything in it; launch_release() releases it.
 *
 * Part core/launch/: what a launch is: spec, the option table and option values, the
 * modes table and one mode_<id>.c per mode, host facts, this launch model,
 * its digest and plan, profiles, the password file (secret) and the launches
 * on an endpoint (launches).
 * Layer: may include base engine (docs/ARCHITECTURE.md "core/, by part").
 */
#ifndef WS_LAUNCH_H
#define WS_LAUNCH_H

#include "mode_id.h"
#include "base/strvec.h"

#define LABEL_LAUNCH "ws-launch.launch"

enum run_kind {
	RK_DETACH,        /* -d */
	RK_NAME,          /* --name A */
	RK_PUBLISH,       /* -p A */
	RK_MOUNT,         /* -v A:B[:ro] */
	RK_ENV,           /* -e A=B */
	RK_ENV_FILE,      /* --env-file A */
	RK_NETWORK,       /* --network A */
	RK_NETWORK_ALIAS, /* --network-alias A */
	RK_PRIVILEGED,    /* --privileged */
	RK_RUNTIME,       /* --runtime A */
	RK_GROUP_ADD,     /* --group-add A */
	RK_USERNS,        /* --userns A */
	RK_LABEL,         /* --label A=B */
	RK_PULL,          /* --pull A (never: the plan pulls nothing, nor may docker run) */
	RK_CPUS,          /* --cpus A */
	RK_MEMORY,        /* --memory A */
	RK_PIDS_LIMIT,    /* --pids-limit A */
	RK_SHM_SIZE,      /* --shm-size A */
};

/* What a mount is for: the compose and kube renderers need the meaning
 * (a Kubernetes cluster has no host socket or ssh agent to bind). */
enum mount_use {
	MNT_WORKSPACE,     /* the /workspace volume or directory */
	MNT_DATA,          /* an inner /var/lib/docker */
	MNT_DOCKER_SOCKET, /* the host's docker socket */
	MNT_TLS_CERTS,     /* client certificates from the host (tcp) */
	MNT_DIND_CERTS,    /* the sidecar's generated certificates */
	MNT_SSH_AGENT,     /* the ssh-agent socket */
	MNT_SSH_KEY,       /* a private key file */
	MNT_KNOWN_HOSTS,   /* known_hosts */
	MNT_DAEMON_JSON,   /* the inner daemon's daemon.json (struct launch .daemon_json) */
};

struct run_opt {
	enum run_kind kind;
	char *a;
	char *b;
	int ro;
	enum mount_use use; /* RK_MOUNT only */
};

enum container_role { ROLE_SIDECAR, ROLE_WORKSPACE };

struct container {
	enum container_role role;
	char *name;      /* NULL = unnamed (docs form) */
	char *image;
	struct run_opt *opts;
	size_t nopts;
	struct strvec cmd; /* arguments after the image */
};

enum volume_use { VOL_WORKSPACE, VOL_DATA, VOL_CERTS };

struct volume {
	char *name;
	enum volume_use use;
};

struct launch {
	enum mode_id mode;
	int minimal;
	char *label;           /* value of LABEL_LAUNCH; NULL = no labels */
	char *digest;          /* LABEL_DIGEST (launch_digest.h); with label only */
	char *options;         /* LABEL_OPTIONS, the normalised launch; with label only */
	struct strvec networks;
	struct volume *volumes;
	size_t nvolumes;
	struct strvec pulls;
	/* --pull in Compose's words, a static string: "always", "never" or
	 * "if_not_present" (read by docker-compose 1.29 and Compose v2 alike) */
	const char *pull_policy;
	struct container **containers; /* in insertion order; plans run sidecars first */
	size_t ncontainers;
	/* The inner daemon's daemon.json (inner.h): its text and the host file
	 * written with it and mounted (MNT_DAEMON_JSON); NULL: none. */
	char *daemon_json;
	char *daemon_json_path;
	struct strvec warnings;
	struct strvec notes;
};

void launch_init(struct launch *l);
void launch_release(struct launch *l);
struct container *launch_add_container(struct launch *l, enum container_role role,
				       const char *name, const char *image);
struct container *launch_workspace(struct launch *l);
void launch_add_volume(struct launch *l, const char *name, enum volume_use use);
void container_add(struct container *c, enum run_kind kind, const char *a, const char *b);
void container_add_mount(struct container *c, const char *src, const char *dst, int ro, enum mount_use use);
void container_add_env(struct container *c, const char *name, const char *value);
/* Inserts an option right after the first option of kind AFTER (at the
 * front when there is none). */
void container_insert_after(struct container *c, enum run_kind after, enum run_kind kind,
			    const char *a, const char *b);
/* First option of KIND (and name A for RK_ENV), or NULL. */
const struct run_opt *container_find(const struct container *c, enum run_kind kind, const char *a);

#endif
