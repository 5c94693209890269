/* secret.h - the workspace password, kept out of argv and printed commands.
 *
 * secret_write_env() writes <config>/secrets/<LAUNCH>.env containing
 * "WS_AUTH_PASSWORD=<password>" with mode 0600 (directory 0700), atomically,
 * and returns its path (malloc'd) for `docker run --env-file`.  The
 * password must be non-empty, one line, and without NUL.  LAUNCH must be a
 * valid profile-style name. */
#ifndef WS_SECRET_H
#define WS_SECRET_H

#include "base/err.h"

int secret_write_env(const char *config, const char *launch, const char *password, char **path,
		     struct err *e);

/* Removes <config>/secrets/<LAUNCH>.env (down --volumes; a failed first
 * launch).  0 with *REMOVED = 1, or 0 with *REMOVED = 0 when there was
 * none; -1 with E. */
int secret_remove_env(const char *config, const char *launch, int *removed, struct err *e);

#endif
