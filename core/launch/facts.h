/* facts.h - what ws-launch knows about this host when it builds a plan.
 *
 * Plans are pure functions of (spec, facts): the CLI and the wizard gather
 * facts (cheap local probes here; daemon answers from the checks), tests
 * construct them by hand.  Unknown tri-states are -1.
 *
 * Ownership: the struct owns its strings; facts_release() releases them. */
#ifndef WS_FACTS_H
#define WS_FACTS_H

#include "spec.h"
#include "base/strvec.h"

struct facts {
	char *user;           /* local login name */
	char *home;           /* $HOME */
	char *ssh_auth_sock;  /* $SSH_AUTH_SOCK, NULL when unset */
	char *known_hosts;    /* ~/.ssh/known_hosts when it exists */
	char *socket_path;    /* the local daemon socket (resolved endpoint) */
	long socket_gid;      /* group of the socket to mount, -1 unknown */
	char *socket_gid_error; /* why socket_gid is unknown */
	char *cert_dir;       /* a directory holding ca.pem (DOCKER_CERT_PATH, context) */
	char *tcp_host;       /* host of a tcp:// endpoint in use, NULL if none */
	int tcp_port;         /* its port, 0 if none */
	int web_port;         /* the web port when none is given: the launch's own, else the
			       * first free from 8080 (core/checks/checks_port.c); 0 unknown */
	int userns_remap;     /* daemon uses userns-remap: 1/0/-1 */
	int image_present;    /* workspace image present locally: 1/0/-1 */
	int dind_image_present; /* sidecar image present: 1/0/-1 */
	/* What a mode learns of this host in its own file (its .detect_facts,
	 * modes.h): "<mode>.<key>=value", through facts_set() / facts_get(). */
	struct strvec mode_facts;
};

void facts_init(struct facts *f);
void facts_release(struct facts *f);
/* Local, non-blocking probes only (environment, stat): user, home, agent,
 * known_hosts, the local socket and the gid of the socket SPEC would mount,
 * certificate dir, tcp endpoint.  Never fails; unknowns stay unknown. */
void facts_detect_local(struct facts *f, const struct spec *spec);
/* Re-reads the socket gid for PATH (used when the socket option changes). */
void facts_stat_socket(struct facts *f, const char *path);
/* Sets KEY ("<mode>.<key>") to the formatted value, replacing an old one. */
void facts_set(struct facts *f, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Removes KEY (nothing when unset). */
void facts_unset(struct facts *f, const char *key);
/* KEY's value (owned by F), NULL when unset. */
const char *facts_get(const struct facts *f, const char *key);
/* KEY's value as a number, DEF when unset or not a number. */
long facts_get_long(const struct facts *f, const char *key, long def);
/* Runs every mode's .detect_facts (modes.h) for SPEC: after a change of
 * the options they read (the wizard), and from facts_detect_local(). */
void facts_detect_modes(struct facts *f, const struct spec *spec);

#endif
