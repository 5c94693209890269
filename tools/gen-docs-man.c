/* gen-docs-man.c - the generated parts of the man page, in roff (gen-docs.h). */
#include "gen-docs.h"

/* ---- gd_roff -------------------------------------------------------------- */

/* Text for gd_roff: backslashes and dashes escaped, a leading '.' or '\''
 * defused; "\n" in table text starts a new output line. */
void gd_roff(struct strbuf *out, const char *s)
{
	int bol = 1;
	for (; s && *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			strbuf_addstr(out, "\\&");
		bol = 0;
		if (*s == '\\')
			strbuf_addstr(out, "\\e");
		else if (*s == '-')
			strbuf_addstr(out, "\\-");
		else if (*s == '\n') {
			strbuf_addch(out, '\n');
			bol = 1;
		} else
			strbuf_addch(out, *s);
	}
}

static void roff_flag_head(struct strbuf *out, const struct flagdoc *f)
{
	strbuf_addstr(out, ".TP\n");
	if (f->alias) {
		strbuf_addstr(out, "\\fB");
		gd_roff(out, f->alias);
		strbuf_addstr(out, "\\fR, ");
	}
	strbuf_addstr(out, "\\fB\\-\\-");
	gd_roff(out, f->name);
	strbuf_addstr(out, "\\fR");
	if (f->meta) {
		strbuf_addstr(out, " \\fI");
		gd_roff(out, f->meta);
		strbuf_addstr(out, "\\fR");
	}
	if (f->negatable) {
		strbuf_addstr(out, ", \\fB\\-\\-no\\-");
		gd_roff(out, f->name);
		strbuf_addstr(out, "\\fR");
	}
	strbuf_addch(out, '\n');
}

void gd_roff_flag(struct strbuf *out, const struct flagdoc *f)
{
	if (!f->help)
		return;
	roff_flag_head(out, f);
	gd_roff(out, f->help);
	if (f->def) {
		strbuf_addstr(out, " (default: ");
		gd_roff(out, f->def);
		strbuf_addstr(out, ")");
	}
	strbuf_addch(out, '\n');
}

void gd_man_synopsis(struct strbuf *out)
{
	strbuf_addstr(out, ".nf\n\\fBws\\-launch\\fR\n");
	for (const struct command *const *c_at = cli_commands, *c; (c = *c_at) != NULL; c_at++) {
		const char *u = c->usage;
		if (!strncmp(u, "ws-launch ", 10))
			u += 10;
		strbuf_addstr(out, "\\fBws\\-launch\\fR ");
		gd_roff(out, u);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "\\fBws\\-launch\\fR \\-\\-help | \\-\\-version\n.fi\n");
}

void gd_man_commands(struct strbuf *out, const struct model *m)
{
	size_t i = 0;
	for (const struct command *const *c_at = cli_commands, *c; (c = *c_at) != NULL; c_at++, i++) {
		strbuf_addstr(out, ".SS \"");
		gd_roff(out, c->name);
		strbuf_addstr(out, "\"\n.B ");
		gd_roff(out, c->usage);
		strbuf_addstr(out, "\n.PP\n");
		gd_roff(out, c->help ? c->help : c->summary);
		strbuf_addch(out, '\n');
		const struct flagset *s = &m->cmd[i];
		int any = 0;
		for (size_t k = 0; k < s->n; k++)
			any |= s->v[k].help && *s->v[k].help;
		if (any) {
			strbuf_addstr(out, ".PP\nOptions of \\fB");
			gd_roff(out, c->name);
			strbuf_addstr(out, "\\fR:\n");
			for (size_t k = 0; k < s->n; k++)
				if (s->v[k].help && *s->v[k].help)
					gd_roff_flag(out, &s->v[k]);
		}
		if (c->launch_options && !strcmp(c->name, "profile"))
			strbuf_addstr(out, ".PP\n\\fBprofile save\\fR also takes the \\fBLAUNCH OPTIONS\\fR below.\n");
		else if (c->launch_options)
			strbuf_addstr(out, ".PP\nIt also takes the \\fBLAUNCH OPTIONS\\fR below.\n");
	}
}

void gd_man_modes(struct strbuf *out)
{
	strbuf_addstr(out, "When several modes are ready, the most isolated one is recommended, in this\norder: ");
	gd_roff(out, mode_order_text());
	strbuf_addstr(out, ".\n\\fBws\\-launch modes\\fR prints the full trade\\-off table.\n");
	for (int i = 0; i < MODE__COUNT; i++) {
		const struct mode *md = mode_get(i);
		strbuf_addstr(out, ".TP\n\\fB");
		gd_roff(out, md->name);
		strbuf_addstr(out, "\\fR \\(em ");
		gd_roff(out, md->title);
		strbuf_addch(out, '\n');
		gd_roff(out, md->summary);
		strbuf_addstr(out, "\n.br\nNeeds: ");
		gd_roff(out, md->tradeoffs[TO_NEEDS]);
		strbuf_addstr(out, "; workspace runs privileged: ");
		gd_roff(out, md->tradeoffs[TO_PRIVILEGED]);
		strbuf_addstr(out, "; can take over the host: ");
		gd_roff(out, md->tradeoffs[TO_TAKEOVER]);
		strbuf_addstr(out, ".\n");
	}
}

void gd_man_launch_options(struct strbuf *out, const struct model *m)
{
	strbuf_addstr(out, ".SS \"Common (every mode)\"\n");
	for (size_t k = 0; k < m->launch.n; k++)
		if (m->launch.v[k].modes == MODES_ALL)
			gd_roff_flag(out, &m->launch.v[k]);
	for (int i = 0; i < MODE__COUNT; i++) {
		strbuf_addstr(out, ".SS \"Mode ");
		gd_roff(out, mode_get(i)->name);
		strbuf_addstr(out, "\"\n");
		int any = 0;
		for (size_t k = 0; k < m->launch.n; k++) {
			const struct flagdoc *f = &m->launch.v[k];
			if (f->modes != MODES_ALL && (f->modes & MODE_BIT(i))) {
				gd_roff_flag(out, f);
				any = 1;
			}
		}
		if (!any)
			strbuf_addstr(out, "No options of its own.\n");
	}
}

void gd_man_checks(struct strbuf *out)
{
	for (int i = 0; i < CK__COUNT; i++) {
		strbuf_addstr(out, ".TP\n\\fB");
		gd_roff(out, check_def((enum check_id)(i))->name);
		strbuf_addstr(out, "\\fR\n");
		gd_roff(out, check_def((enum check_id)(i))->title);
		strbuf_addstr(out, " (modes:");
		int all = 1;
		struct strbuf ms = STRBUF_INIT;
		for (int md = 0; md < MODE__COUNT; md++) {
			int uses = 0;
			for (const char *const *c = mode_get(md)->checks; c && *c; c++)
				uses |= !strcmp(*c, check_def((enum check_id)(i))->name);
			if (uses)
				strbuf_addf(&ms, " %s", mode_get(md)->name);
			else
				all = 0;
		}
		gd_roff(out, all ? " all" : ms.len ? ms.buf : " some configurations");
		strbuf_release(&ms);
		strbuf_addstr(out, ")\n");
	}
}
