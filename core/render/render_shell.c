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
		/* ws-launch writes it itself (0644, atomically) before the steps;
		 * shown as comments so the commands stay exactly the plan's argv
		 * (jsonw escapes every control character: no line break inside) */
		strbuf_addstr(out, "# the inner daemon's daemon.json: 'ws-launch up' writes ");
		strbuf_addstr(out, p->daemon_json_path);
		strbuf_addstr(out, " (0644)\n# and mounts it read-only at /etc/docker/daemon.json:\n");
		const char *line = p->daemon_json;
		while (*line) {
			size_t n = strcspn(line, "\n");
			strbuf_addstr(out, "#   ");
			strbuf_add(out, line, n);
			strbuf_addch(out, '\n');
			line += n + (line[n] == '\n');
		}
	}
	for (size_t i = 0; i < p->n; i++)
		render_shell_step(out, &p->steps[i]);
}
