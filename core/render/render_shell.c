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
		/* ws-launch writes it itself (0644, atomically) before the steps */
		strbuf_addstr(out, "# the inner daemon's daemon.json, mounted read-only at /etc/docker/daemon.json\n");
		strbuf_addstr(out, "mkdir -p -m 0700 ");
		char *dir = xstrdup(p->daemon_json_path);
		*strrchr(dir, '/') = '\0';
		shell_quote(out, dir);
		free(dir);
		strbuf_addstr(out, " && cat > ");
		shell_quote(out, p->daemon_json_path);
		strbuf_addf(out, " <<'EOF'\n%sEOF\n", p->daemon_json);
	}
	for (size_t i = 0; i < p->n; i++)
		render_shell_step(out, &p->steps[i]);
}
