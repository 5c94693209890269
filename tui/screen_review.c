/* screen_review.c - Review: the commands exactly as they will run,
 * highlighted (command words, flags, values), then warnings and notes;
 * run, copy (OSC 52), save as profile, back.  Quitting here prints the
 * commands on stdout once the terminal is restored.
 *
 * The words come from the plan's argv through the same quoting as
 * `ws-launch print` (core/base/shellquote.h), folded where the plan says. */
#include "checks/checks.h"
#include "cli.h"
#include "launch/modes.h"
#include "launch/option_value.h"
#include "base/paths.h"
#include "launch/profile.h"
#include "render/render.h"
#include "render/render_export.h"
#include "base/shellquote.h"
#include "base/strvec.h"
#include "ui_draw.h"
#include "ui_overlay.h"
#include "base/validate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A display line: segments "\x01<role>text..." (role as 'A' + role). */
static struct {
	struct strvec lines;
	char error[ERR_MAX];
	int top;
	int total_rows;     /* wrapped rows at the last draw */
	int view_rows;
	char save_name[80];
	char export_path[1024];
	const char *export_format; /* "compose" or "kube" */
} rs = { .lines = STRVEC_INIT };


static void seg(struct strbuf *sb, enum theme_role r, const char *text)
{
	strbuf_addch(sb, '\x01');
	strbuf_addch(sb, (char)('A' + r));
	strbuf_addstr(sb, text);
}

static void push_line(struct strbuf *sb)
{
	strvec_push(&rs.lines, sb->buf);
	strbuf_clear(sb);
}

static enum theme_role word_role(const struct step *st, size_t i)
{
	if (i == 0)
		return TR_TITLE;
	if (i == 1)
		return TR_TITLE;
	if (i == 2 && (!strcmp(st->argv.v[1], "network") || !strcmp(st->argv.v[1], "volume")))
		return TR_TITLE;
	return st->argv.v[i][0] == '-' ? TR_ACCENT : TR_CODE;
}

static void build_lines(struct app *app)
{
	strvec_clear(&rs.lines);
	rs.error[0] = '\0';
	struct err e;
	if (wizard_build_plan(app, &e)) {
		snprintf(rs.error, sizeof(rs.error), "%s", e.msg);
		return;
	}
	const struct plan *p = &app->plan;
	struct strbuf sb = STRBUF_INIT, w = STRBUF_INIT;
	for (size_t s = 0; s < p->n; s++) {
		const struct step *st = &p->steps[s];
		strbuf_addf(&w, "# %zu/%zu %s", s + 1, p->n, st->desc);
		seg(&sb, TR_DIM, w.buf);
		strbuf_clear(&w);
		push_line(&sb);
		for (size_t i = 0; i < st->argv.n; i++) {
			if (i > 0 && st->breaks && st->breaks[i]) {
				seg(&sb, TR_TEXT, " ");
				seg(&sb, TR_DIM, "\\");
				push_line(&sb);
				seg(&sb, TR_TEXT, "  ");
			} else if (i > 0) {
				seg(&sb, TR_TEXT, " ");
			}
			shell_quote(&w, st->argv.v[i]);
			seg(&sb, word_role(st, i), w.buf);
			strbuf_clear(&w);
		}
		push_line(&sb);
		push_line(&sb);
	}
	for (size_t i = 0; i < p->warnings.n; i++) {
		seg(&sb, TR_WARN, "warning: ");
		seg(&sb, TR_TEXT, p->warnings.v[i]);
		push_line(&sb);
	}
	for (size_t i = 0; i < p->notes.n; i++) {
		seg(&sb, TR_ACCENT, "note: ");
		seg(&sb, TR_TEXT, p->notes.v[i]);
		push_line(&sb);
	}
	strbuf_release(&sb);
	strbuf_release(&w);
}

static void review_enter(struct app *app, int back)
{
	if (!back)
		rs.top = 0;
	build_lines(app);
}

static void review_leave(struct app *app)
{
	(void)app;
	strvec_release(&rs.lines);
}

/* Draws (or, with DRAW 0, measures) one segmented line wrapped to W;
 * returns the rows it takes.  Rows before FIRST are skipped, at most MAX
 * are drawn. */
static int draw_line(const char *line, int y, int x, int w, int first, int max, int draw)
{
	int row = 0, col = 0;
	const char *p = line;
	while (*p) {
		if (*p == '\x01') {
			enum theme_role r = (enum theme_role)(p[1] - 'A');
			p += 2;
			size_t len = strcspn(p, "\x01");
			size_t off = 0;
			while (off < len) {
				int room = w - col;
				size_t fit = ui_fit(p + off, len - off, room);
				if (fit < len - off) {
					/* prose breaks after a space; a lone word (a shell word)
					 * moves to the next row whole when it fits there */
					size_t sp = fit;
					while (sp > 0 && p[off + sp - 1] != ' ')
						sp--;
					if (sp > 0)
						fit = sp;
					else if (col > 4 && ui_width_prefix(p + off, len - off) <= w - 4)
						fit = 0;
				}
				if (fit && draw && row >= first && row - first < max)
					ui_textn(y + row - first, x + col, room, r, 0, 0, p + off, fit);
				col += ui_width_prefix(p + off, fit);
				off += fit;
				if (off < len) {
					row++;
					col = 4; /* a wrapped row is indented */
				}
			}
			p += len;
		} else {
			p++;
		}
	}
	return row + 1;
}

static void review_draw(struct app *app)
{
	/* one key bar: the window's (keys_review), clickable there; a rule
	 * closes the commands */
	struct rect body = app->lay.body, bar;
	layout_take_bottom(&body, 1, &bar);
	int x = body.x + 1, w = body.w - 2;
	const struct mode *m = mode_get(app->spec.mode);
	char title[160];
	snprintf(title, sizeof(title), "Review: %s (%s), %zu step%s%s%s", m ? m->title : "?", m ? m->name : "?",
		 app->plan.n, app->plan.n == 1 ? "" : "s", app->profile ? ", profile " : "",
		 app->profile ? app->profile : "");
	ui_text(body.y, x + 1, w - 1, TR_TITLE, 0, UI_ELLIPSIS, title);
	int y0 = body.y + 2, rows = body.h - 2;
	rs.view_rows = rows;
	if (rs.error[0]) {
		struct strvec l = STRVEC_INIT;
		ui_wrap(rs.error, w - 2, &l);
		for (size_t i = 0; i < l.n && (int)i < rows; i++)
			ui_text(y0 + (int)i, x + 1, w - 1, TR_FAIL, 0, UI_ELLIPSIS, l.v[i]);
		strvec_release(&l);
	} else {
		int total = 0;
		for (size_t i = 0; i < rs.lines.n; i++)
			total += draw_line(rs.lines.v[i], 0, 0, w - 2, 0, 0, 0);
		rs.total_rows = total;
		if (rs.top > total - rows)
			rs.top = total - rows > 0 ? total - rows : 0;
		int row = 0;
		for (size_t i = 0; i < rs.lines.n; i++) {
			int h = draw_line(rs.lines.v[i], 0, 0, w - 2, 0, 0, 0);
			if (row + h > rs.top && row < rs.top + rows) {
				int first = rs.top > row ? rs.top - row : 0;
				int y = y0 + row - rs.top + first;
				draw_line(rs.lines.v[i], y, x + 1, w - 2, first, rows - (y - y0), 1);
			}
			row += h;
		}
		if (total > rows) {
			char pos[48];
			snprintf(pos, sizeof(pos), "lines %d-%d of %d", rs.top + 1,
				 rs.top + rows < total ? rs.top + rows : total, total);
			int pw = ui_width(pos);
			ui_text(body.y + 1, x + w - pw, pw, TR_DIM, 0, 0, pos);
		}
	}
	ui_hline(bar.y, body.x + 1, body.w - 2, TR_BORDER);
}

/* ---- save ---- */

static void do_save(struct app *app, const char *unused)
{
	(void)unused;
	struct err e;
	option_value_keep(&app->spec, &app->facts);
	if (wizard_apply_password(app, &e) || profile_save(app->cli->config, rs.save_name, &app->spec, 1, &e)) {
		wizard_status(app, TR_FAIL, "cannot save: %s", e.msg);
		return;
	}
	free(app->profile);
	app->profile = xstrdup(rs.save_name);
	char *path = profile_path(app->cli->config, rs.save_name, NULL);
	wizard_status(app, TR_PASS, "saved profile %s (%s)", rs.save_name, path ? path : "");
	free(path);
}

static void on_name(struct app *app, const char *name)
{
	snprintf(rs.save_name, sizeof(rs.save_name), "%s", name);
	if (profile_exists(app->cli->config, name)) {
		char q[200];
		snprintf(q, sizeof(q), "A profile named %s exists. Replace it with this launch?", name);
		overlay_confirm(app, "Overwrite profile", q, do_save);
		return;
	}
	do_save(app, NULL);
}

static int validate_name(const char *text, struct err *e)
{
	return validate_profile_name(text, e);
}

/* ---- export ---- */

static void do_export(struct app *app, const char *unused)
{
	(void)unused;
	struct strbuf text = STRBUF_INIT;
	struct strvec warnings = STRVEC_INIT;
	struct err e;
	if (wizard_apply_password(app, &e) ||
	    render_export(&text, rs.export_format, &app->spec, &app->facts, &warnings, &e)) {
		wizard_status(app, TR_FAIL, "cannot export: %s", e.msg);
		goto out;
	}
	/* A manifest may carry secrets (keys, password): owner-only. */
	int kube = !strcmp(rs.export_format, "kube");
	int fd = open(rs.export_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, kube ? 0600 : 0644);
	if (fd < 0) {
		wizard_status(app, TR_FAIL, "cannot write %s: %s", rs.export_path, strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < text.len) {
		ssize_t n = write(fd, text.buf + off, text.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	int bad = off < text.len;
	if (close(fd) || bad) {
		wizard_status(app, TR_FAIL, "cannot write %s: %s", rs.export_path, strerror(errno));
		goto out;
	}
	if (warnings.n)
		wizard_status(app, TR_WARN, "wrote %s; note: %s", rs.export_path, warnings.v[warnings.n - 1]);
	else
		wizard_status(app, TR_PASS, "wrote %s (%s)", rs.export_path,
			      kube ? "kubectl apply -f it" : "docker-compose -f it up -d");
out:
	strbuf_release(&text);
	strvec_release(&warnings);
}

static void on_export_path(struct app *app, const char *path)
{
	snprintf(rs.export_path, sizeof(rs.export_path), "%s", path);
	if (!access(path, F_OK)) {
		char q[1200];
		snprintf(q, sizeof(q), "%s exists. Replace it?", path);
		overlay_confirm(app, "Overwrite file", q, do_export);
		return;
	}
	do_export(app, NULL);
}

static int validate_path(const char *text, struct err *e)
{
	if (!*text)
		return err_set(e, "empty file name");
	if (strlen(text) >= sizeof(rs.export_path))
		return err_set(e, "file name too long");
	return 0;
}

static void start_export(struct app *app, const char *format)
{
	rs.export_format = format;
	char initial[160];
	snprintf(initial, sizeof(initial), "%s.%s.yaml", wizard_launch_name(app), format);
	overlay_prompt(app, !strcmp(format, "kube") ? "Export Kubernetes manifest" : "Export Compose file",
		       "File to write (relative to the directory ws-launch started in):", initial, 0, validate_path,
		       on_export_path);
}

static int review_quit(struct app *app)
{
	if (!app->have_plan || rs.error[0])
		return 1;
	render_shell(&app->out, &app->plan);
	for (size_t i = 0; i < app->plan.warnings.n; i++)
		strbuf_addf(&app->errout, "warning: %s\n", app->plan.warnings.v[i]);
	for (size_t i = 0; i < app->plan.notes.n; i++)
		strbuf_addf(&app->errout, "note: %s\n", app->plan.notes.v[i]);
	return 1;
}

static unsigned review_action(struct app *app, enum action act)
{
	int page = rs.view_rows > 2 ? rs.view_rows - 2 : 1;
	switch (act) {
	case ACT_UP:
		rs.top = rs.top > 0 ? rs.top - 1 : 0;
		return R_DRAW;
	case ACT_DOWN:
		rs.top++;
		return R_DRAW;
	case ACT_PGUP:
		rs.top = rs.top > page ? rs.top - page : 0;
		return R_DRAW;
	case ACT_PGDN:
		rs.top += page;
		return R_DRAW;
	case ACT_TOP:
		rs.top = 0;
		return R_DRAW;
	case ACT_BOTTOM:
		rs.top = rs.total_rows;
		return R_DRAW;
	case ACT_RUN: {
		if (rs.error[0]) {
			wizard_status(app, TR_FAIL, "%s", rs.error);
			return R_DRAW;
		}
		struct err e;
		if (wizard_apply_password(app, &e) || wizard_build_plan(app, &e)) {
			wizard_status(app, TR_FAIL, "%s", e.msg);
			return R_DRAW;
		}
		wizard_push(app, &screen_run);
		return R_DRAW;
	}
	case ACT_COPY: {
		if (!app->have_plan)
			return 0;
		struct strbuf sb = STRBUF_INIT;
		render_shell(&sb, &app->plan);
		if (wizard_copy(app, sb.buf, sb.len))
			wizard_status(app, TR_FAIL, "could not write to the terminal");
		else
			wizard_status(app, TR_PASS,
				      "copied %zu command%s (%zu bytes) with OSC 52; if nothing arrives, your terminal "
				      "does not allow OSC 52 (tmux: set -g set-clipboard on)",
				      app->plan.n, app->plan.n == 1 ? "" : "s", sb.len);
		strbuf_release(&sb);
		return R_DRAW;
	}
	case ACT_SAVE: {
		const char *initial = app->profile ? app->profile : wizard_launch_name(app);
		overlay_prompt(app, "Save as profile", "Profile name ([A-Za-z0-9._-], 1-64 characters):", initial, 0,
			       validate_name, on_name);
		return R_DRAW;
	}
	case ACT_EXPORT:
	case ACT_EXPORT_KUBE:
		if (rs.error[0]) {
			wizard_status(app, TR_FAIL, "%s", rs.error);
			return R_DRAW;
		}
		start_export(app, act == ACT_EXPORT ? "compose" : "kube");
		return R_DRAW;
	default:
		return 0;
	}
}

const struct screen_ops screen_review = {
	.name = "Review",
	.help = "The commands exactly as they will run (the same text `ws-launch print` writes), then the "
		"warnings and notes. Run them, copy them (OSC 52, so it works over ssh), or save the launch "
		"as a profile, or export it as a Compose file (e) or a Kubernetes manifest (K). q quits and "
		"prints the commands on the terminal.",
	.keys = keys_review,
	.list_nav = 1,
	.enter = review_enter,
	.leave = review_leave,
	.draw = review_draw,
	.action = review_action,
	.quit = review_quit,
};
