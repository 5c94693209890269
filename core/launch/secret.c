/* secret.c - password env files for --env-file. */
#include "secret.h"
#include "base/paths.h"
#include "base/strbuf.h"
#include "base/validate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int secret_write_env(const char *config, const char *launch, const char *password, char **path,
		     struct err *e)
{
	struct err ne;
	*path = NULL;
	if (!*password)
		return err_set(e, "the password is empty");
	if (strpbrk(password, "\r\n"))
		return err_set(e, "the password must be a single line");
	if (validate_profile_name(launch, &ne))
		return err_set(e, "launch name %s", ne.msg);
	char *dir = paths_config_sub(config, "secrets", e);
	if (!dir || paths_mkdirs(dir, e)) {
		free(dir);
		return -1;
	}
	chmod(dir, 0700);
	char *name = xasprintf("%s.env", launch);
	char *line = xasprintf("WS_AUTH_PASSWORD=%s\n", password);
	size_t len = strlen(line);
	int rc = paths_write_file(dir, name, line, len, 0600, e);
	memset(line, 0, len);
	free(line);
	if (!rc)
		*path = xasprintf("%s/%s", dir, name);
	free(name);
	free(dir);
	return rc;
}

int secret_remove_env(const char *config, const char *launch, int *removed, struct err *e)
{
	struct err ne;
	*removed = 0;
	if (validate_profile_name(launch, &ne))
		return err_set(e, "launch name %s", ne.msg);
	char *dir = paths_config_sub(config, "secrets", e);
	if (!dir)
		return -1;
	char *target = xasprintf("%s/%s.env", dir, launch);
	free(dir);
	int rc = 0;
	if (!unlink(target))
		*removed = 1;
	else if (errno != ENOENT)
		rc = err_set(e, "cannot remove %s: %s", target, strerror(errno));
	free(target);
	return rc;
}
