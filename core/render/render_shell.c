/* render_shell.c - the plan as commands to copy and paste. */
#include "render.h"
#include "base/shellquote.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

void render_shell_step(struct strbuf *out, const struct step *st)
{
	for (size_t i = 0; i < st->argv.n; i++) {
		if (i > 0)
			strbuf_addstr(out, st->breaks && st->breaks[i] ? " \\\n  " : " ");
		shell_quote(out, st->argv.v[i]);
	}
	strbuf_addch(out, '\n');
}

void render_shell(struct strbuf *out, const struct plan *p)
{
	if (p->daemon_json && p->daemon_json_path) {
		/* The commands must run as printed, so the file the workspace
		 * mounts is written first: ws-launch up writes the same bytes
		 * itself (inner_file_write).  jsonw escapes every control
		 * character and quotes every string, so no line of the body is
		 * "EOF" (tests/fuzz/fuzz_render reads this back). */
		strbuf_addstr(out, "# the inner daemon's daemon.json, mounted read-only at /etc/docker/daemon.json\n");
		char *dir = xstrdup(p->daemon_json_path), *slash = strrchr(dir, '/');
		if (slash && slash != dir)
			*slash = '\0';
		strbuf_addstr(out, "mkdir -p ");
		shell_quote(out, dir);
		free(dir);
		strbuf_addstr(out, "\ncat > ");
		shell_quote(out, p->daemon_json_path);
		strbuf_addstr(out, " <<'EOF'\n");
		strbuf_addstr(out, p->daemon_json);
		if (!*p->daemon_json || p->daemon_json[strlen(p->daemon_json) - 1] != '\n')
			strbuf_addch(out, '\n');
		strbuf_addstr(out, "EOF\n");
	}
	for (size_t i = 0; i < p->n; i++)
		render_shell_step(out, &p->steps[i]);
}
