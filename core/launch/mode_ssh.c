/* mode_ssh.c - mode 5: a remote daemon over ssh://, key via agent or file. */
#include "modes.h"
#include "option_value.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

#define KLOUD_SSH "/home/kloud/.ssh"

/* Where ssh inside the workspace looks for a key of this file name. */
static char *key_target(const char *path)
{
	static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(base, names[i]))
			return xasprintf(KLOUD_SSH "/%s", base);
	return xstrdup(KLOUD_SSH "/id_ed25519");
}

int mode_ssh_build(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
		   struct err *e)
{
	const struct spec *s = ctx->spec;
	const struct facts *f = ctx->facts;
	const char *host = spec_get(s, OPT_SSH_HOST);
	if (!host)
		return mode_require(ctx, OPT_SSH_HOST, e);
	char ub[24], ab[24], kb[24];
	const char *user = option_value(OPT_SSH_USER, s, f, ub, sizeof(ub));
	if (!user)
		return mode_require(ctx, OPT_SSH_USER, e);

	int v6 = strchr(host, ':') != NULL && host[0] != '[';
	const char *port = spec_is_none(s, OPT_SSH_PORT) ? NULL : spec_get(s, OPT_SSH_PORT);
	char *url = xasprintf("ssh://%s@%s%s%s%s%s", user, v6 ? "[" : "", host, v6 ? "]" : "",
			      port ? ":" : "", port ? port : "");
	container_add_env(ws, "DOCKER_HOST", url);
	free(url);

	const char *auth = option_value(OPT_SSH_AUTH, s, f, ab, sizeof(ab));
	if (!auth)
		auth = "none";
	if (!strcmp(auth, "agent")) {
		if (!f || !f->ssh_auth_sock)
			return err_set(e, "ssh.auth (--ssh-auth) is agent but SSH_AUTH_SOCK is not set; "
					  "start ssh-agent and ssh-add your key, or use --ssh-auth key");
		if (strchr(f->ssh_auth_sock, ':') || f->ssh_auth_sock[0] != '/')
			return err_set(e, "SSH_AUTH_SOCK: '%s' cannot be mounted (needs an absolute path "
					  "without ':')", f->ssh_auth_sock);
		container_add_mount(ws, f->ssh_auth_sock, "/run/ssh-agent.sock", 0, MNT_SSH_AGENT);
		container_add_env(ws, "SSH_AUTH_SOCK", "/run/ssh-agent.sock");
	} else if (!strcmp(auth, "key")) {
		if (spec_is_none(s, OPT_SSH_KEY))
			return err_set(e, "ssh.key (--ssh-key) is required with --ssh-auth key");
		const char *key = spec_get(s, OPT_SSH_KEY);
		char *target = key_target(key);
		container_add_mount(ws, key, target, 1, MNT_SSH_KEY);
		free(target);
		strvec_push(&l->notes, "the key file is mounted read-only; it must be unencrypted "
				       "(ssh in the workspace cannot ask for a passphrase)");
	} else if (!ctx->minimal) {
		strvec_push(&l->warnings, "no key access: docker inside the workspace can only log in "
					  "if the image already holds a key for the remote");
	}

	const char *kh = option_value(OPT_KNOWN_HOSTS, s, f, kb, sizeof(kb));
	if (kh && strcmp(kh, "none"))
		container_add_mount(ws, kh, KLOUD_SSH "/known_hosts", 1, MNT_KNOWN_HOSTS);
	else if (!ctx->minimal)
		strvec_push(&l->warnings, "no known_hosts mounted: ssh inside the workspace cannot "
					  "confirm the remote's host key and docker will fail");
	strvec_push(&l->notes, "the remote needs docker 18.09 or newer on the login PATH; paths and "
			       "ports used inside the workspace refer to the remote host");
	return 0;
}
