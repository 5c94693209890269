/* screen_options.c - Options: the chosen mode's fields and the common ones,
 * generated from the option schema (core/launch/options.h), pre-filled with what
 * was detected, validated as typed with the core's messages.
 *
 * Rows: "Common" (common options, password, extra env), "<mode>" (the
 * mode's own options), "Advanced" (OF_ADVANCED rows), then Continue.
 * Enter edits a text field (Enter again commits, Esc cancels), toggles a
 * boolean or cycles a choice; d resets a field to its default (or to
 * detection). */
#include "checks/checks.h"
#include "cli.h"
#include "launch/option_value.h"
#include "launch/modes.h"
#include "base/strvec.h"
#include "ui_draw.h"
#include "base/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field_kind { FK_HEADER, FK_OPTION, FK_PASSWORD, FK_ENV, FK_CONTINUE };

struct field {
	enum field_kind kind;
	const struct option_def *def;  /* FK_OPTION */
	const char *title;             /* FK_HEADER; FK_ENV: its label ("" below the first) */
	int idx;                       /* FK_ENV: the variable's index in spec.env; -1 the "add" row */
};

/* Extra env: one row per variable (a value may hold spaces), then "add". */
#define MAX_ENV_ROWS 64
#define MAX_FIELDS (OPT__COUNT + MAX_ENV_ROWS + 8)

static struct {
	struct field f[MAX_FIELDS];
	int n;
	int sel;
	int top;              /* first virtual row shown */
	int editing;          /* index being edited, -1 none */
	struct lineedit ed;
	char msg[ERR_MAX];    /* validation message of the edited/selected field */
	int msg_for;
	char header_mode[64];
} os = { .editing = -1, .msg_for = -1 };


static int selectable(int i)
{
	return i >= 0 && i < os.n && os.f[i].kind != FK_HEADER;
}

static void add(enum field_kind k, const struct option_def *def, const char *title)
{
	if (os.n < MAX_FIELDS)
		os.f[os.n++] = (struct field){ k, def, title, 0 };
}

static void add_env_rows(const struct spec *s)
{
	size_t n = s->env.n < MAX_ENV_ROWS ? s->env.n : MAX_ENV_ROWS;
	for (size_t i = 0; i <= n && os.n < MAX_FIELDS; i++)
		os.f[os.n++] = (struct field){ FK_ENV, NULL, i == 0 ? "Extra env" : "", i < n ? (int)i : -1 };
}

static void build_fields(const struct spec *spec)
{
	enum mode_id mode = spec->mode;
	os.n = 0;
	add(FK_HEADER, NULL, "Common");
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		if ((d->flags & OF_COMMON) && !(d->flags & OF_ADVANCED) && option_applies(d, mode))
			add(FK_OPTION, d, NULL);
	}
	add(FK_PASSWORD, NULL, NULL);
	add_env_rows(spec);
	snprintf(os.header_mode, sizeof(os.header_mode), "%s options", mode_get(mode)->name);
	int any = 0;
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		if (d->modes != MODES_ALL && !(d->flags & OF_ADVANCED) && option_applies(d, mode)) {
			if (!any++)
				add(FK_HEADER, NULL, os.header_mode);
			add(FK_OPTION, d, NULL);
		}
	}
	add(FK_HEADER, NULL, "Advanced");
	for (int i = 0; i < OPT__COUNT; i++) {
		const struct option_def *d = &option_table[i];
		if ((d->flags & OF_ADVANCED) && option_applies(d, mode))
			add(FK_OPTION, d, NULL);
	}
	add(FK_CONTINUE, NULL, NULL);
}

static void options_enter(struct app *app, int back)
{
	os.editing = -1;
	os.msg[0] = '\0';
	os.msg_for = -1;
	if (app->spec.mode == MODE_NONE)
		app->spec.mode = MODE_SOCKET;
	build_fields(&app->spec);
	if (!back) {
		os.sel = 1;
		os.top = 0;
	}
	if (os.sel >= os.n)
		os.sel = 1;
	facts_detect_local(&app->facts, &app->spec);
	if (app->checker)
		checker_fill_facts(app->checker, &app->facts);
}

static void options_leave(struct app *app)
{
	(void)app;
	os.editing = -1;
	memset(&os.ed, 0, sizeof(os.ed));
}

/* What detection would give for an OF_AUTO option (NULL: nothing). */
static const char *detected(struct app *app, enum opt_id id, char *buf, size_t size)
{
	return option_detected(id, &app->spec, &app->facts, buf, size);
}

/* The text a field shows and the hint after it. */
static void field_value(struct app *app, const struct field *fd, struct strbuf *val, struct strbuf *hint,
			int *is_default)
{
	*is_default = 0;
	char buf[64];
	switch (fd->kind) {
	case FK_PASSWORD:
		if (app->password && *app->password) {
			for (size_t i = 0, n = strlen(app->password); i < n && i < 16; i++)
				strbuf_addstr(val, app->utf8 ? "•" : "*");
			strbuf_addstr(hint, "goes to a 0600 env file, never on a command line");
		} else {
			strbuf_addstr(val, "none");
			*is_default = 1;
			strbuf_addstr(hint, "the workspace has no login");
		}
		return;
	case FK_ENV:
		if (fd->idx >= 0 && (size_t)fd->idx < app->spec.env.n) {
			strbuf_addstr(val, app->spec.env.v[fd->idx]);
			if (!strchr(val->buf, '='))
				strbuf_addstr(hint, "passed through from this environment");
		} else {
			strbuf_addstr(val, app->spec.env.n ? "+ add a variable" : "none");
			strbuf_addstr(hint, "Enter adds NAME=VALUE");
			*is_default = 1;
		}
		return;
	case FK_OPTION: {
		const struct option_def *d = fd->def;
		const char *v = app->spec.val[d->id];
		if (v) {
			strbuf_addstr(val, v);
			return;
		}
		*is_default = 1;
		if (d->flags & OF_AUTO) {
			const char *det = detected(app, d->id, buf, sizeof(buf));
			if (det) {
				strbuf_addstr(val, det);
				strbuf_addstr(hint, "detected");
			} else {
				strbuf_addstr(val, "auto");
				const char *why = option_detect_why(d->id, &app->spec, &app->facts);
				strbuf_addstr(hint, d->id == OPT_GROUP && why ? why : "detected at launch");
			}
			return;
		}
		strbuf_addstr(val, spec_get(&app->spec, d->id) ? spec_get(&app->spec, d->id) : "");
		strbuf_addstr(hint, "default");
		return;
	}
	default:
		return;
	}
}

static const char *field_label(const struct field *fd)
{
	switch (fd->kind) {
	case FK_PASSWORD: return "Password";
	case FK_ENV: return fd->title;
	case FK_OPTION: return fd->def->label;
	default: return "";
	}
}

static const char *field_help(const struct field *fd, char *buf, size_t size)
{
	switch (fd->kind) {
	case FK_PASSWORD:
		return "WS_AUTH_PASSWORD for the workspace's login; written to <config>/secrets/NAME.env (0600) "
		       "and passed with --env-file when you save or run";
	case FK_ENV:
		return fd->idx >= 0 ? "-e NAME=VALUE (spaces allowed; NAME alone passes it through); empty removes it"
				    : "add -e NAME=VALUE (or NAME: passed through from this environment); WS_* names are checked";
	case FK_CONTINUE:
		return "check this configuration, then review the exact commands";
	case FK_OPTION:
		snprintf(buf, size, "--%s%s%s: %s", fd->def->flag,
			 fd->def->type == OT_BOOL ? "" : " ", fd->def->type == OT_BOOL ? "" : fd->def->meta ? fd->def->meta : "VALUE",
			 fd->def->help);
		return buf;
	default:
		return "";
	}
}

/* Virtual row of field I (headers take two rows; an error message one). */
static int row_of(int target)
{
	int r = 0;
	for (int i = 0; i < os.n && i < target; i++) {
		r += os.f[i].kind == FK_HEADER ? (i ? 2 : 1) : 1;
		if (i == os.msg_for && os.msg[0])
			r++;
		if (os.f[i].kind == FK_OPTION && i + 1 < os.n && os.f[i + 1].kind == FK_CONTINUE)
			r++;
	}
	if (target < os.n && os.f[target].kind == FK_HEADER && target)
		r++;
	return r;
}

static void options_draw(struct app *app)
{
	struct rect body = app->lay.body, helpr;
	layout_take_bottom(&body, 2, &helpr);
	int x = body.x + 1, w = body.w - 2;
	int lw = w >= 90 ? 24 : 20;
	int vx = x + 2 + lw, vw = w - 2 - lw;
	int rows = body.h - 1;
	int sel_row = row_of(os.sel);
	int sel_h = 1 + (os.msg_for == os.sel && os.msg[0]);
	if (sel_row < os.top)
		os.top = sel_row > 2 ? sel_row - 2 : 0;
	if (sel_row + sel_h > os.top + rows)
		os.top = sel_row + sel_h - rows;
	ui_textf(body.y, x + 1, w - 1, TR_TITLE, 0, UI_ELLIPSIS, "Options for %s (%s)",
		 mode_get(app->spec.mode)->title, mode_get(app->spec.mode)->name);
	struct strbuf val = STRBUF_INIT, hint = STRBUF_INIT;
	for (int i = 0; i < os.n; i++) {
		const struct field *fd = &os.f[i];
		int r = row_of(i) - os.top;
		int y = body.y + 1 + r;
		if (r < 0 || r >= rows)
			continue;
		if (fd->kind == FK_HEADER) {
			ui_rule(y, x, w, fd->title);
			continue;
		}
		int sel = i == os.sel;
		if (fd->kind == FK_CONTINUE) {
			const char *label = "[ Continue: check this configuration ]";
			ui_text(y, vx, vw, sel ? TR_SELECTION : TR_ACCENT, A_BOLD, UI_ELLIPSIS, label);
			ui_hit_row(app, y, vx, ui_width(label), i);
			continue;
		}
		ui_fill(y, x, w, sel && os.editing != i ? TR_SELECTION : TR_TEXT);
		ui_text(y, x, 2, sel ? TR_SELECTION : TR_TEXT, 0, 0, sel ? ui_glyph(app, G_SELECT) : " ");
		ui_text(y, x + 2, lw, sel && os.editing != i ? TR_SELECTION : TR_TEXT, 0, UI_ELLIPSIS, field_label(fd));
		ui_hit_row(app, y, x, w, i);
		if (os.msg_for == i && os.msg[0] && r + 1 < rows)
			ui_text(y + 1, vx, vw, TR_FAIL, 0, UI_ELLIPSIS, os.msg);
		if (os.editing == i)
			continue; /* drawn last: it holds the cursor */
		int is_def;
		strbuf_clear(&val);
		strbuf_clear(&hint);
		field_value(app, fd, &val, &hint, &is_def);
		enum theme_role vr = sel ? TR_SELECTION : is_def ? TR_DIM : TR_CODE;
		int used = ui_text(y, vx, vw, vr, 0, UI_ELLIPSIS, val.buf);
		if (hint.len && used + 4 < vw)
			ui_textf(y, vx + used + 2, vw - used - 2, sel ? TR_SELECTION : TR_DIM, 0, UI_ELLIPSIS, "(%s)",
				 hint.buf);
	}
	strbuf_release(&val);
	strbuf_release(&hint);
	char hb[256];
	struct strvec hl = STRVEC_INIT;
	ui_wrap(field_help(&os.f[os.sel], hb, sizeof(hb)), w - 1, &hl);
	ui_hline(helpr.y, x, w, TR_BORDER);
	if (hl.n)
		ui_text(helpr.y + 1, x + 1, w - 1, TR_DIM, 0, UI_ELLIPSIS, hl.v[0]);
	strvec_release(&hl);
	/* the edited field keeps the cursor: draw it last */
	if (os.editing >= 0) {
		int r = row_of(os.editing) - os.top;
		if (r >= 0 && r < rows) {
			curs_set(1);
			edit_draw(&os.ed, body.y + 1 + r, vx, vw, TR_SELECTION);
		}
	}
}

static void options_layout(struct app *app)
{
	(void)app;
	os.top = 0; /* recomputed around the selection on the next draw */
}

static void move_sel(int dir)
{
	int i = os.sel;
	do {
		i += dir;
	} while (i >= 0 && i < os.n && !selectable(i));
	if (selectable(i))
		os.sel = i;
	os.msg[0] = '\0';
	os.msg_for = -1;
}

/* Live validation of the editor's text. */
static void validate_live(struct app *app)
{
	(void)app;
	const struct field *fd = &os.f[os.editing];
	struct err e;
	os.msg[0] = '\0';
	os.msg_for = os.editing;
	if (!os.ed.len)
		return;
	int bad = 0;
	if (fd->kind == FK_OPTION)
		bad = option_validate(fd->def, os.ed.buf, &e);
	else if (fd->kind == FK_ENV)
		bad = spec_env_check(os.ed.buf, &e);
	else if (fd->kind == FK_PASSWORD && strpbrk(os.ed.buf, "\r\n"))
		bad = err_set(&e, "the password must be a single line");
	if (bad)
		snprintf(os.msg, sizeof(os.msg), "%s", e.msg);
}

static void start_edit(struct app *app)
{
	const struct field *fd = &os.f[os.sel];
	struct strbuf val = STRBUF_INIT, hint = STRBUF_INIT;
	int is_def;
	os.editing = os.sel;
	memset(&os.ed, 0, sizeof(os.ed));
	if (fd->kind == FK_PASSWORD) {
		edit_set(&os.ed, app->password ? app->password : "");
		os.ed.masked = 1;
	} else if (fd->kind == FK_ENV) {
		edit_set(&os.ed, fd->idx >= 0 && (size_t)fd->idx < app->spec.env.n ? app->spec.env.v[fd->idx] : "");
	} else {
		field_value(app, fd, &val, &hint, &is_def);
		edit_set(&os.ed, strcmp(val.buf, "auto") ? val.buf : "");
	}
	strbuf_release(&val);
	strbuf_release(&hint);
	validate_live(app);
}

/* Commits the editor; 0 when accepted. */
static int commit_edit(struct app *app)
{
	const struct field *fd = &os.f[os.editing];
	struct err e;
	validate_live(app);
	if (os.msg[0])
		return -1;
	if (fd->kind == FK_PASSWORD) {
		if (app->password)
			memset(app->password, 0, strlen(app->password));
		free(app->password);
		app->password = os.ed.len ? xstrdup(os.ed.buf) : NULL;
	} else if (fd->kind == FK_ENV) {
		spec_env_replace(&app->spec, fd->idx, os.ed.buf);
		build_fields(&app->spec); /* the rows follow the variables */
	} else {
		const struct option_def *d = fd->def;
		char buf[64];
		const char *det = (d->flags & OF_AUTO) ? detected(app, d->id, buf, sizeof(buf)) : NULL;
		if (!os.ed.len || (det && !app->spec.val[d->id] && !strcmp(det, os.ed.buf))) {
			/* empty or the detected value untouched: keep detecting */
			spec_unset(&app->spec, d->id);
		} else if (spec_set(&app->spec, d->id, os.ed.buf, &e)) {
			snprintf(os.msg, sizeof(os.msg), "%s", e.msg);
			os.msg_for = os.editing;
			return -1;
		}
		facts_detect_local(&app->facts, &app->spec);
		if (app->checker)
			checker_fill_facts(app->checker, &app->facts);
	}
	memset(&os.ed, 0, sizeof(os.ed));
	os.editing = -1;
	os.msg[0] = '\0';
	os.msg_for = -1;
	return 0;
}

static unsigned options_capture(struct app *app, int key)
{
	if (os.editing < 0)
		return 0;
	if (key == KEY_ESC) {
		os.editing = -1;
		os.msg[0] = '\0';
		os.msg_for = -1;
		memset(&os.ed, 0, sizeof(os.ed));
		wizard_status(app, TR_DIM, "edit cancelled");
		return R_HANDLED | R_DRAW;
	}
	if (key == '\r' || key == '\n' || key == KEY_FN(KEY_ENTER) || key == '\t' || key == KEY_FN(KEY_BTAB) ||
	    key == KEY_FN(KEY_UP) || key == KEY_FN(KEY_DOWN)) {
		if (app->paste)
			return R_HANDLED;
		if (commit_edit(app))
			return R_HANDLED | R_DRAW;
		app->status[0] = '\0';
		if (key == '\t' || key == KEY_FN(KEY_DOWN))
			move_sel(1);
		else if (key == KEY_FN(KEY_BTAB) || key == KEY_FN(KEY_UP))
			move_sel(-1);
		return R_HANDLED | R_DRAW;
	}
	unsigned r = edit_key(&os.ed, key);
	if (r & R_DRAW)
		validate_live(app);
	return r | R_HANDLED;
}

static void cycle(struct app *app, int dir)
{
	const struct field *fd = &os.f[os.sel];
	if (fd->kind != FK_OPTION)
		return;
	const struct option_def *d = fd->def;
	const char *cur = app->spec.val[d->id];
	if (d->type == OT_BOOL) {
		static const char *const autoc[] = { "auto", "true", "false" };
		static const char *const plain[] = { "true", "false" };
		const char *const *c = (d->flags & OF_AUTO) ? autoc : plain;
		int n = (d->flags & OF_AUTO) ? 3 : 2, i;
		const char *now = cur ? cur : (d->flags & OF_AUTO) ? "auto" : spec_get(&app->spec, d->id);
		for (i = 0; i < n && strcmp(c[i], now); i++)
			;
		i = ((i < n ? i : 0) + (dir > 0 ? 1 : n - 1)) % n;
		spec_set(&app->spec, d->id, c[i], NULL);
	} else if (d->type == OT_CHOICE) {
		int n = 0, i;
		while (d->choices[n])
			n++;
		const char *now = cur ? cur : spec_get(&app->spec, d->id) ? spec_get(&app->spec, d->id) : "auto";
		for (i = 0; i < n && strcmp(d->choices[i], now); i++)
			;
		i = ((i < n ? i : 0) + (dir > 0 ? 1 : n - 1)) % n;
		spec_set(&app->spec, d->id, d->choices[i], NULL);
	} else {
		return;
	}
	facts_detect_local(&app->facts, &app->spec);
}

static void go_on(struct app *app)
{
	struct err e;
	if (wizard_build_plan(app, &e)) {
		wizard_status(app, TR_FAIL, "%s", e.msg);
		for (int i = 0; i < os.n; i++)
			if (os.f[i].kind == FK_OPTION && !strncmp(e.msg, os.f[i].def->key, strlen(os.f[i].def->key)) &&
			    e.msg[strlen(os.f[i].def->key)] == ' ') {
				os.sel = i;
				break;
			}
		return;
	}
	app->host_check = 0;
	wizard_push(app, &screen_checks);
}

static unsigned options_action(struct app *app, enum action act)
{
	const struct field *fd = &os.f[os.sel];
	switch (act) {
	case ACT_UP:
	case ACT_PREV:
		move_sel(-1);
		return R_DRAW;
	case ACT_DOWN:
	case ACT_NEXT:
		move_sel(1);
		return R_DRAW;
	case ACT_TOP:
	case ACT_PGUP:
		os.sel = 0;
		move_sel(1);
		return R_DRAW;
	case ACT_BOTTOM:
	case ACT_PGDN:
		os.sel = os.n - 1;
		return R_DRAW;
	case ACT_OPEN:
		if (fd->kind == FK_CONTINUE) {
			go_on(app);
		} else if (fd->kind == FK_OPTION && (fd->def->type == OT_BOOL || fd->def->type == OT_CHOICE)) {
			cycle(app, 1);
		} else {
			start_edit(app);
		}
		return R_DRAW;
	case ACT_TOGGLE:
	case ACT_RIGHT:
		cycle(app, 1);
		return R_DRAW;
	case ACT_LEFT:
		cycle(app, -1);
		return R_DRAW;
	case ACT_RESET:
		if (fd->kind == FK_OPTION)
			spec_unset(&app->spec, fd->def->id);
		else if (fd->kind == FK_PASSWORD) {
			free(app->password);
			app->password = NULL;
		} else if (fd->kind == FK_ENV) {
			if (fd->idx >= 0) {
				spec_env_replace(&app->spec, fd->idx, "");
				build_fields(&app->spec);
				wizard_status(app, TR_DIM, "variable removed");
			}
			return R_DRAW;
		}
		facts_detect_local(&app->facts, &app->spec);
		wizard_status(app, TR_DIM, "%s reset", field_label(fd));
		return R_DRAW;
	case ACT_CONTINUE:
		go_on(app);
		return R_DRAW;
	default:
		return 0;
	}
}

static unsigned options_click(struct app *app, int index)
{
	if (os.editing >= 0 && commit_edit(app))
		return R_DRAW;
	if (!selectable(index))
		return 0;
	if (index == os.sel)
		return options_action(app, ACT_OPEN);
	os.sel = index;
	return R_DRAW;
}

static const struct keybind *options_bar_keys(const struct app *app)
{
	(void)app;
	return os.editing >= 0 ? keys_editing : NULL;
}

const struct screen_ops screen_options = {
	.name = "Options",
	.help = "The chosen mode's fields and the common ones, pre-filled with what was detected "
		"(dim: a default or a detected value, re-detected at every launch). Values are checked as "
		"you type. Editing: Left/Right/Home/End move, Bksp/Del delete, ^U/^K cut, ^W deletes a word; "
		"Enter or Tab commits, Esc cancels.",
	.keys = keys_options,
	.list_nav = 1,
	.enter = options_enter,
	.leave = options_leave,
	.layout = options_layout,
	.draw = options_draw,
	.capture = options_capture,
	.action = options_action,
	.click = options_click,
	.bar_keys = options_bar_keys,
};
