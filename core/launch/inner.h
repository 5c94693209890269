/* inner.h - the inner daemon's settings (--inner-*): what a mode that runs
 * a dockerd of its own gives it (docs/ARCHITECTURE.md, "Inner daemon
 * settings").
 *
 * privileged and sysbox get them as the inner daemon's daemon.json, a file
 * written in <config>/daemon/<LAUNCH>.json (mode 0644, directory 0700,
 * temp file + rename) and mounted read-only at /etc/docker/daemon.json;
 * dind as the sidecar's dockerd flags.  The list options
 * (--inner-registry-mirror, --inner-insecure-registry) hold their values
 * comma-separated.  Strings returned are malloc'd; the caller frees them.
 * Errors are values and name nothing but the value. */
#ifndef WS_INNER_H
#define WS_INNER_H

#include "base/err.h"
#include "base/strvec.h"
#include "spec.h"

#define INNER_DAEMON_JSON "/etc/docker/daemon.json"

/* The options' validators (options.c rows). */
int inner_check_mirror(const char *v, struct err *e);
int inner_check_insecure(const char *v, struct err *e);
int inner_check_mtu(const char *v, struct err *e);
int inner_check_pool(const char *v, struct err *e);

/* 1 when S sets any inner daemon setting. */
int inner_any(const struct spec *s);
/* The daemon.json text for S (ends in a newline), NULL when S sets none. */
char *inner_daemon_json(const struct spec *s);
/* Appends S's settings to ARGV as dockerd flags (the dind sidecar). */
void inner_dockerd_flags(const struct spec *s, struct strvec *argv);
struct mode_ctx;
struct launch;
struct container;
/* privileged, sysbox: the daemon.json of CTX's spec (launch .daemon_json),
 * mounted read-only into WS from <facts inner.config>/daemon/NAME.json.
 * dind: the flags (and DOCKER_IPTABLES_LEGACY) on the sidecar SC.  -1 with
 * E for a setting the mode cannot carry. */
int inner_build_daemon_json(const struct mode_ctx *ctx, struct launch *l, struct container *ws,
			    struct err *e);
int inner_build_sidecar(const struct mode_ctx *ctx, struct container *sc, struct err *e);

/* <config>/daemon/<LAUNCH>.json; CONFIG NULL: the default directory. */
char *inner_file_path(const char *config, const char *launch, struct err *e);
/* Writes TEXT there (0644), atomically; *PATH (malloc'd) when not NULL. */
int inner_file_write(const char *config, const char *launch, const char *text, char **path,
		     struct err *e);
/* Writes TEXT (0644, atomically) to PATH, making its directories. */
int inner_file_put(const char *path, const char *text, struct err *e);
/* Removes it: 0 with *REMOVED 1 or 0 (there was none), -1 with E. */
int inner_file_remove(const char *config, const char *launch, int *removed, struct err *e);

/* "BASE/BITS/SIZE" of --inner-address-pool: the base address into BASE,
 * its prefix length and the size of each network (inner_check.c). */
int inner_pool_split(const char *v, char *base, size_t size, long *bits, long *sz);

#endif
