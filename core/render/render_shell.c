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
	/* The inner daemon.json (p->daemon_json) is not shown here: ws-launch up
	 * writes it itself, and these lines must read back as exactly the
	 * plan's argv (tests/fuzz/fuzz_render); the plan's notes name it. */
	for (size_t i = 0; i < p->n; i++)
		render_shell_step(out, &p->steps[i]);
}
