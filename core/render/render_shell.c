/* render_shell.c - the plan as commands to copy and paste. */
#include "render.h"
#include "base/shellquote.h"
#include "base/strbuf.h"

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
	for (size_t i = 0; i < p->n; i++)
		render_shell_step(out, &p->steps[i]);
}
