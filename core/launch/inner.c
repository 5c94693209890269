/* inner.c - the inner daemon's settings: daemon.json, dockerd
 * flags and the file (inner.h). */
#include "inner.h"
#include "modes.h"
#include "base/jsonw.h"
#include "base/paths.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Calls FN on each comma-separated item of V; the first error wins. */
static const char *setting(const struct spec *s, enum opt_id id)
{
	return spec_is_none(s, id) ? NULL : spec_get(s, id);
}

static int iptables_off(const struct spec *s)
{
	const char *v = spec_get(s, OPT_INNER_IPTABLES);
	return v && !strcmp(v, "off");
}

int inner_any(const struct spec *s)
{
	return setting(s, OPT_INNER_MIRROR) || setting(s, OPT_INNER_INSECURE) || setting(s, OPT_INNER_MTU) ||
	       setting(s, OPT_INNER_POOL) || iptables_off(s);
}

static void json_list(struct jsonw *w, const char *key, const char *v)
{
	jsonw_key(w, key);
	jsonw_arr_begin(w);
	char *copy = xstrdup(v);
	for (char *p = copy, *c; p; p = c) {
		if ((c = strchr(p, ',')))
			*c++ = '\0';
		jsonw_str(w, p);
	}
	free(copy);
	jsonw_arr_end(w);
}

char *inner_daemon_json(const struct spec *s)
{
	if (!inner_any(s))
		return NULL;
	struct strbuf sb = STRBUF_INIT;
	struct jsonw w;
	const char *v;
	jsonw_init(&w, &sb);
	jsonw_obj_begin(&w);
	if ((v = setting(s, OPT_INNER_MIRROR)))
		json_list(&w, "registry-mirrors", v);
	if ((v = setting(s, OPT_INNER_INSECURE)))
		json_list(&w, "insecure-registries", v);
	if ((v = setting(s, OPT_INNER_MTU)))
		jsonw_kint(&w, "mtu", strtol(v, NULL, 10));
	if ((v = setting(s, OPT_INNER_POOL))) {
		char base[64], cidr[80];
		long bits, sz;
		inner_pool_split(v, base, sizeof(base), &bits, &sz);
		snprintf(cidr, sizeof(cidr), "%s/%ld", base, bits);
		jsonw_key(&w, "default-address-pools");
		jsonw_arr_begin(&w);
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "base", cidr);
		jsonw_kint(&w, "size", sz);
		jsonw_obj_end(&w);
		jsonw_arr_end(&w);
	}
	if (iptables_off(s)) {
		jsonw_kbool(&w, "iptables", 0);
		jsonw_kbool(&w, "ip6tables", 0);
	}
	jsonw_obj_end(&w);
	if (!sb.len || sb.buf[sb.len - 1] != '\n')
		strbuf_addch(&sb, '\n');
	return strbuf_detach(&sb, NULL);
}

static void flag_list(struct strvec *argv, const char *flag, const char *v)
{
	char *copy = xstrdup(v);
	for (char *p = copy, *c; p; p = c) {
		if ((c = strchr(p, ',')))
			*c++ = '\0';
		strvec_pushf(argv, "--%s=%s", flag, p);
	}
	free(copy);
}

void inner_dockerd_flags(const struct spec *s, struct strvec *argv)
{
	const char *v;
	if ((v = setting(s, OPT_INNER_MIRROR)))
		flag_list(argv, "registry-mirror", v);
	if ((v = setting(s, OPT_INNER_INSECURE)))
		flag_list(argv, "insecure-registry", v);
	if ((v = setting(s, OPT_INNER_MTU)))
		strvec_pushf(argv, "--mtu=%s", v);
	if ((v = setting(s, OPT_INNER_POOL))) {
		char base[64];
		long bits, sz;
		inner_pool_split(v, base, sizeof(base), &bits, &sz);
		strvec_pushf(argv, "--default-address-pool=base=%s/%ld,size=%ld", base, bits, sz);
	}
	if (iptables_off(s)) {
		strvec_push(argv, "--iptables=false");
		strvec_push(argv, "--ip6tables=false");
	}
}

char *inner_file_path(const char *config, const char *launch, struct err *e)
{
	struct err ne;
	if (validate_profile_name(launch, &ne)) {
		err_set(e, "launch name %s", ne.msg);
		return NULL;
	}
	char *dir = paths_config_sub(config, "daemon", e);
	if (!dir)
		return NULL;
	char *p = xasprintf("%s/%s.json", dir, launch);
	free(dir);
	return p;
}

int inner_file_put(const char *path, const char *text, struct err *e)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	if (!slash || slash == dir) {
		free(dir);
		return err_set(e, "%s: not a file in a directory", path);
	}
	*slash = '\0';
	int rc = paths_mkdirs(dir, e) ? -1 : paths_write_file(dir, slash + 1, text, strlen(text), 0644, e);
	free(dir);
	return rc;
}

int inner_file_write(const char *config, const char *launch, const char *text, char **path,
		     struct err *e)
{
	char *target = inner_file_path(config, launch, e);
	if (!target)
		return -1;
	int rc = inner_file_put(target, text, e);
	if (!rc && path) {
		*path = target;
		target = NULL;
	}
	free(target);
	return rc;
}

int inner_file_remove(const char *config, const char *launch, int *removed, struct err *e)
{
	*removed = 0;
	char *target = inner_file_path(config, launch, e);
	if (!target)
		return -1;
	int rc = 0;
	if (!unlink(target))
		*removed = 1;
	else if (errno != ENOENT)
		rc = err_set(e, "cannot remove %s: %s", target, strerror(errno));
	free(target);
	return rc;
}

int inner_build_daemon_json(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
			    struct err *e)
{
	const char *ipt = spec_get(ctx->spec, OPT_INNER_IPTABLES);
	if (ipt && (!strcmp(ipt, "nft") || !strcmp(ipt, "legacy")))
		return err_set(e, "inner.iptables (--inner-iptables): %s chooses the dind sidecar's iptables; "
				  "mode %s takes auto or off", ipt, mode_get(ctx->spec->mode)->name);
	char *text = inner_daemon_json(ctx->spec);
	if (!text)
		return 0;
	char *path = inner_file_path(facts_get(ctx->facts, "inner.config"), ws->name ? ws->name : "workspace", e);
	if (!path) {
		free(text);
		return -1;
	}
	container_add_mount(ws, path, INNER_DAEMON_JSON, 1, MNT_DAEMON_JSON);
	l->daemon_json = text;
	l->daemon_json_path = path;
	return 0;
}

int inner_build_sidecar(const struct mode_ctx *ctx, struct container *sc, struct err *e)
{
	(void)e;
	const char *ipt = spec_get(ctx->spec, OPT_INNER_IPTABLES);
	if (ipt && !strcmp(ipt, "legacy"))
		container_add_env(sc, "DOCKER_IPTABLES_LEGACY", "1");
	else if (ipt && !strcmp(ipt, "nft"))
		container_add_env(sc, "DOCKER_IPTABLES_LEGACY", ""); /* set and empty: nft, no detection */
	inner_dockerd_flags(ctx->spec, &sc->cmd);
	return 0;
}
