/* paths.c - XDG configuration paths. */
#include "paths.h"
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *paths_config_dir(const char *override, struct err *e)
{
	if (override && *override)
		return xstrdup(override);
	const char *xdg = getenv("XDG_CONFIG_HOME");
	if (xdg && xdg[0] == '/')
		return xasprintf("%s/ws-launch", xdg);
	const char *home = getenv("HOME");
	if (home && home[0] == '/')
		return xasprintf("%s/.config/ws-launch", home);
	err_set(e, "cannot find the configuration directory: set HOME or XDG_CONFIG_HOME, or pass --config DIR");
	return NULL;
}

char *paths_config_sub(const char *override, const char *sub, struct err *e)
{
	char *dir = paths_config_dir(override, e);
	if (!dir)
		return NULL;
	char *r = xasprintf("%s/%s", dir, sub);
	free(dir);
	return r;
}

int paths_mkdirs(const char *dir, struct err *e)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) && errno != EEXIST) {
			err_set(e, "cannot create %s: %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		err_set(e, "%s is not a directory", dir);
		free(p);
		return -1;
	}
	free(p);
	return paths_check_private(dir, e);
}

int paths_check_private(const char *dir, struct err *e)
{
	struct stat st;
	if (lstat(dir, &st))
		return errno == ENOENT ? 0 : err_set(e, "%s: %s", dir, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return err_set(e, "%s is a symbolic link; profiles and secrets are kept only in a real "
			       "directory (replace the link with one, mode 700)", dir);
	if (!S_ISDIR(st.st_mode))
		return err_set(e, "%s is not a directory", dir);
	if (st.st_uid != geteuid())
		return err_set(e, "%s belongs to uid %ld, not to you (uid %ld)", dir, (long)st.st_uid,
			       (long)geteuid());
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return err_set(e, "%s is writable by others (mode %04o): chmod 700 %s", dir,
			       (unsigned)(st.st_mode & 07777), dir);
	return 0;
}

int paths_write_file(const char *dir, const char *name, const void *data, size_t len, unsigned mode,
		     struct err *e)
{
	char *target = xasprintf("%s/%s", dir, name);
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, name);
	int fd = mkstemp(tmp), rc = -1;
	if (fd < 0) {
		err_set(e, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	ssize_t n = write(fd, data, len);
	int werr = errno;
	if (fchmod(fd, (mode_t)mode) || n != (ssize_t)len || fsync(fd)) {
		err_set(e, "cannot write %s: %s", tmp, strerror(n < 0 ? werr : errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, target)) {
		err_set(e, "cannot replace %s: %s", target, strerror(errno));
		unlink(tmp);
		goto out;
	}
	rc = 0;
out:
	free(tmp);
	free(target);
	return rc;
}
