/* paths.h - where ws-launch keeps its files (XDG base directories).
 *
 * The configuration directory is, in order: the --config DIR given by the
 * caller; $XDG_CONFIG_HOME/ws-launch when XDG_CONFIG_HOME is absolute;
 * $HOME/.config/ws-launch.  Returned strings are malloc'd.
 * paths_mkdirs() creates a directory and its parents with mode 0700. */
#ifndef WS_PATHS_H
#define WS_PATHS_H

#include "err.h"

/* OVERRIDE may be NULL.  NULL with E set when neither XDG nor HOME helps. */
char *paths_config_dir(const char *override, struct err *e);
/* <config>/SUB ("profiles", "themes", "secrets"). */
char *paths_config_sub(const char *override, const char *sub, struct err *e);
/* Creates DIR (and parents, 0700) and checks it with paths_check_private. */
int paths_mkdirs(const char *dir, struct err *e);
/* Profiles and secrets live only in a private directory: DIR must not be a
 * symbolic link, must be owned by us and not group- or world-writable
 * (anyone who can write there could plant a profile that mounts /, or read
 * a password).  0 also when DIR does not exist; -1 with E ("DIR is a
 * symbolic link ...", "DIR is writable by others (mode 0777): chmod 700
 * DIR") otherwise. */
int paths_check_private(const char *dir, struct err *e);
/* Replaces DIR/NAME with LEN bytes of DATA, mode MODE, atomically (a temp
 * file in DIR, fsync, rename): readers see the old file or the new one.
 * -1 with E naming the file; no temp file is left. */
int paths_write_file(const char *dir, const char *name, const void *data, size_t len, unsigned mode,
		     struct err *e);

#endif
