/* cli.c - what every command calls: messages (errors, warnings, notes,
 * cleaned text) and running a child on the terminal.  The command table is
 * cli_commands.c, above the commands. */
#include "cli.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

extern char **environ;

int cli_utf8(void)
{
	setlocale(LC_CTYPE, "");
	return !strcmp(nl_langinfo(CODESET), "UTF-8");
}

char *cli_clean(const char *s)
{
	char *c = xstrdup(s ? s : "");
	show_sanitize(c, strlen(c));
	return c;
}

/* Formats, then sanitises: the values in a message may come from a daemon,
 * a child or a file, and must not reach the terminal as escapes. */
__attribute__((format(printf, 1, 0)))
static char *vclean(const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_vaddf(&sb, fmt, ap);
	show_sanitize(sb.buf, sb.len);
	return strbuf_detach(&sb, NULL);
}

__attribute__((format(printf, 2, 0)))
static void vmsg(const char *what, const char *fmt, va_list ap)
{
	char *m = vclean(fmt, ap);
	char *w = what ? cli_clean(what) : NULL;
	fprintf(stderr, "ws-launch: %s%s%s\n", w ? w : "", w ? ": " : "", m);
	free(w);
	free(m);
}

int cli_usage_error(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(what, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_fail(const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(what, fmt, ap);
	va_end(ap);
	return EXIT_FAIL;
}

__attribute__((format(printf, 4, 0)))
static void tagged(const struct cli *cli, const char *tag, const char *color, const char *fmt,
		   va_list ap)
{
	char *m = vclean(fmt, ap);
	if (cli->color_err)
		fprintf(stderr, "\033[%sm%s:\033[0m %s\n", color, tag, m);
	else
		fprintf(stderr, "%s: %s\n", tag, m);
	free(m);
}

void cli_warn(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tagged(cli, "warning", "1;33", fmt, ap);
	va_end(ap);
}

void cli_note(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tagged(cli, "note", "36", fmt, ap);
	va_end(ap);
}

int cli_run_attached(char *const *argv, struct err *e)
{
	pid_t pid;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	sigset_t def;
	sigemptyset(&def);
	sigaddset(&def, SIGINT);
	sigaddset(&def, SIGQUIT);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
	int err = posix_spawnp(&pid, argv[0], NULL, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	int st = 0;
	if (!err)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	if (err)
		return err_set(e, "could not run %s: %s", argv[0], strerror(err));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
