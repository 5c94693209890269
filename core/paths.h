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
int paths_mkdirs(const char *dir, struct err *e);

#endif
