/* ui_draw.c - colour pairs and drawing primitives (stdscr only). */
#include "ui_draw.h"
#include "base/show.h"
#include "base/strbuf.h"
#include "base/strvec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* ---- colours -------------------------------------------------------------- */

static struct {
	int ncolours;
	int allocated[TR__COUNT];
	short pair[TR__COUNT];
	attr_t attr[TR__COUNT];
	int pair_fg[256], pair_bg[256];
	int npairs;
	int warned;
	const struct theme *theme;
	int utf8;           /* draw lines with Unicode box characters */
} col;

static attr_t to_attr(unsigned a)
{
	attr_t r = 0;
	if (a & THEME_BOLD)
		r |= A_BOLD;
	if (a & THEME_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_DIM)
		r |= A_DIM;
	return r;
}

void ui_colour_init(struct app *app, int colour)
{
	memset(&col, 0, sizeof(col));
	col.theme = &app->theme;
	col.utf8 = app->utf8;
	if (colour && has_colors() && start_color() == OK) {
		use_default_colors();
		col.ncolours = COLORS >= COLOUR_DIRECT ? COLOUR_DIRECT : COLORS > 256 ? 256 : COLORS;
	}
	app->ncolours = col.ncolours;
}

/* Pairs on demand, deduplicated by (fg, bg). */
static short pair_for(int fg, int bg)
{
	if (fg < 0 && bg < 0)
		return 0;
	for (int i = 1; i <= col.npairs; i++)
		if (col.pair_fg[i] == fg && col.pair_bg[i] == bg)
			return (short)i;
	if (col.npairs + 1 >= COLOR_PAIRS || col.npairs + 1 >= 256) {
		col.warned = 1;
		return 0;
	}
	int p = ++col.npairs;
	col.pair_fg[p] = fg;
	col.pair_bg[p] = bg;
	if (fg > 255 || bg > 255)
		init_extended_pair(p, fg, bg);
	else
		init_pair((short)p, (short)fg, (short)bg);
	return (short)p;
}

static void role_alloc(enum theme_role r)
{
	if (col.allocated[r])
		return;
	struct theme_resolved res;
	theme_style_resolve(col.theme, r, col.ncolours, &res);
	col.pair[r] = col.ncolours >= 8 ? pair_for(res.fg, res.bg) : 0;
	col.attr[r] = to_attr(res.attrs);
	col.allocated[r] = 1;
}

void ui_role(enum theme_role role, attr_t extra)
{
	role_alloc(role);
	attr_set(col.attr[role] | extra, col.pair[role], NULL);
}

int ui_colour_exhausted(void)
{
	return col.warned;
}

void ui_background(void)
{
	role_alloc(TR_TEXT);
	bkgdset((chtype)(' ' | COLOR_PAIR(col.pair[TR_TEXT])));
}

/* ---- text ------------------------------------------------------------------ */

/* Outside a UTF-8 locale (LANG=C) every non-ASCII character the wizard's
 * own texts use is drawn as one ASCII character, so widths and byte offsets
 * stay those of the original text; anything else becomes '?'. */
static wchar_t ascii_for(unsigned long v)
{
	static const struct {
		unsigned long cp;
		char a;
	} map[] = {
		{ 0x2026, '.' }, { 0x00b7, '-' }, { 0x2022, '*' }, { 0x2013, '-' }, { 0x2014, '-' },
		{ 0x2192, '>' }, { 0x2190, '<' }, { 0x2191, '^' }, { 0x2193, 'v' }, { 0x203a, '>' },
		{ 0x2713, '+' }, { 0x2717, 'x' }, { 0x2605, '*' }, { 0x21ba, '<' }, { 0x2298, 'x' },
		{ 0x2588, '#' }, { 0x2591, '.' }, { 0x2500, '-' }, { 0x2502, '|' }, { 0x00d7, 'x' },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].cp == v)
			return (wchar_t)map[i].a;
	if (v >= 0x2800 && v <= 0x28ff)  /* braille spinner */
		return L'*';
	return L'?';
}

/* Decodes one character at S (AVAIL bytes): *WC gets it, or '?' for
 * invalid UTF-8 and control characters; returns the bytes consumed and its
 * display width in *W. */
static size_t decode(const char *s, size_t avail, wchar_t *wc, int *w)
{
	unsigned char c = (unsigned char)s[0];
	if (c < 0x80) {
		*wc = c < 0x20 || c == 0x7f ? L'?' : (wchar_t)c;
		*w = 1;
		return 1;
	}
	size_t n = utf8_seqlen((const unsigned char *)s, avail);
	if (!n) {
		*wc = L'?';
		*w = 1;
		return 1;
	}
	unsigned long v = c & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (size_t i = 1; i < n; i++)
		v = (v << 6) | ((unsigned char)s[i] & 0x3f);
	if (!col.utf8) {
		*wc = ascii_for(v);
		*w = 1;
		return n;
	}
	int cw = (v >= 0x80 && v < 0xa0) ? -1 : wcwidth((wchar_t)v);
	if (cw < 0) {
		*wc = L'?';
		*w = 1;
	} else {
		*wc = (wchar_t)v;
		*w = cw;
	}
	return n;
}

int ui_width(const char *s)
{
	int total = 0;
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		int w;
		i += decode(s + i, len - i, &wc, &w);
		total += w;
	}
	return total;
}

int ui_width_prefix(const char *s, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n && s[i];) {
		wchar_t wc;
		int w;
		i += decode(s + i, n - i, &wc, &w);
		total += w;
	}
	return total;
}

size_t ui_fit(const char *s, size_t len, int w)
{
	int used = 0;
	size_t i = 0;
	while (i < len) {
		wchar_t wc;
		int cw;
		size_t n = decode(s + i, len - i, &wc, &cw);
		if (used + cw > w)
			break;
		used += cw;
		i += n;
	}
	return i;
}

int ui_textn(int y, int x, int w, enum theme_role role, attr_t extra, unsigned flags, const char *s,
	     size_t len)
{
	if (w <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	wchar_t buf[512];
	int nbuf = 0, used = 0;
	int total = 0;
	/* Does it all fit? (else leave a column for the ellipsis) */
	for (size_t i = 0; i < len;) {
		wchar_t wc;
		int cw;
		i += decode(s + i, len - i, &wc, &cw);
		total += cw;
	}
	int limit = w;
	int trunc = total > w;
	if (trunc && (flags & UI_ELLIPSIS))
		limit = w - 1;
	for (size_t i = 0; i < len && nbuf < (int)(sizeof(buf) / sizeof(buf[0])) - 2;) {
		wchar_t wc;
		int cw;
		i += decode(s + i, len - i, &wc, &cw);
		if (used + cw > limit)
			break;
		if (cw == 0 && nbuf == 0)
			continue;
		buf[nbuf++] = wc;
		used += cw;
	}
	if (trunc && (flags & UI_ELLIPSIS) && w > 0) {
		buf[nbuf++] = MB_CUR_MAX > 1 ? L'…' : L'~';
		used++;
	}
	ui_role(role, extra);
	if (nbuf)
		mvaddnwstr(y, x, buf, nbuf);
	if ((flags & UI_FILL) && used < w) {
		ui_role(role, extra);
		mvhline(y, x + used, ' ', w - used);
		used = w;
	}
	return used;
}

int ui_text(int y, int x, int w, enum theme_role role, attr_t extra, unsigned flags, const char *s)
{
	return ui_textn(y, x, w, role, extra, flags, s ? s : "", s ? strlen(s) : 0);
}

int ui_textf(int y, int x, int w, enum theme_role role, attr_t extra, unsigned flags, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return ui_text(y, x, w, role, extra, flags, buf);
}

void ui_fill(int y, int x, int w, enum theme_role role)
{
	if (w <= 0 || y < 0 || y >= LINES)
		return;
	ui_role(role, 0);
	mvhline(y, x, ' ', w);
}

void ui_clear_rect(const struct rect *r)
{
	for (int i = 0; i < r->h; i++)
		ui_fill(r->y + i, r->x, r->w, TR_TEXT);
}

/* Lines: Unicode box characters in a UTF-8 locale (terminals differ in
 * how they take the ACS switch; ncurses' UTF-8 output does not need it),
 * ACS otherwise. */
static void line_chars(int y, int x, int n, int vertical, enum theme_role role)
{
	if (n <= 0)
		return;
	ui_role(role, 0);
	if (!col.utf8) {
		if (vertical)
			mvvline(y, x, ACS_VLINE, n);
		else
			mvhline(y, x, ACS_HLINE, n);
		return;
	}
	wchar_t wc[2] = { vertical ? L'│' : L'─', L'\0' };
	for (int i = 0; i < n; i++) {
		if (vertical)
			mvaddnwstr(y + i, x, wc, 1);
		else
			mvaddnwstr(y, x + i, wc, 1);
	}
}

void ui_hline(int y, int x, int w, enum theme_role role)
{
	line_chars(y, x, w, 0, role);
}

void ui_vline(int y, int x, int h, enum theme_role role)
{
	line_chars(y, x, h, 1, role);
}

void ui_corner(int y, int x, int which, enum theme_role role)
{
	static const wchar_t u[4] = { L'┌', L'┐', L'└', L'┘' };
	ui_role(role, 0);
	if (col.utf8) {
		wchar_t wc[2] = { u[which & 3], L'\0' };
		mvaddnwstr(y, x, wc, 1);
	} else {
		const chtype a[4] = { ACS_ULCORNER, ACS_URCORNER, ACS_LLCORNER, ACS_LRCORNER };
		mvaddch(y, x, a[which & 3]);
	}
}

void ui_rule(int y, int x, int w, const char *title)
{
	ui_hline(y, x, 2, TR_BORDER);
	int used = 2;
	if (title && *title) {
		used += ui_text(y, x + used, w - used, TR_BORDER, 0, 0, " ");
		used += ui_text(y, x + used, w - used, TR_TITLE, 0, UI_ELLIPSIS, title);
		used += ui_text(y, x + used, w - used, TR_BORDER, 0, 0, " ");
	}
	ui_hline(y, x + used, w - used, TR_BORDER);
}

void ui_wrap(const char *s, int w, struct strvec *lines)
{
	if (w < 1)
		w = 1;
	while (1) {
		size_t para = strcspn(s, "\n");
		const char *p = s;
		size_t left = para;
		if (!left)
			strvec_push(lines, "");
		while (left) {
			size_t fit = ui_fit(p, left, w);
			size_t cut = fit;
			if (fit < left) {
				/* break at the last space that fits */
				size_t sp = fit;
				while (sp > 0 && p[sp] != ' ')
					sp--;
				if (sp > 0)
					cut = sp;
				if (cut == 0)
					cut = fit ? fit : 1;
			}
			char *line = xstrndup(p, cut);
			strvec_push_nodup(lines, line);
			p += cut;
			left -= cut;
			while (left && *p == ' ') {
				p++;
				left--;
			}
		}
		if (!s[para])
			break;
		s += para + 1;
	}
}

void ui_collapse(const char *text, struct strbuf *out)
{
	const char *prev = NULL;
	size_t prev_len = 0;
	int run = 0;
	for (const char *p = text;;) {
		size_t n = strcspn(p, "\n");
		int end = !p[n] && !n;
		if (!end && prev && n == prev_len && !memcmp(p, prev, n)) {
			run++;
		} else {
			if (run > 1)
				strbuf_addf(out, "  (%d times)", run);
			if (end)
				return;
			if (prev)
				strbuf_addch(out, '\n');
			strbuf_add(out, p, n);
			prev = p;
			prev_len = n;
			run = 1;
		}
		if (!p[n]) {
			if (run > 1)
				strbuf_addf(out, "  (%d times)", run);
			return;
		}
		p += n + 1;
	}
}

void ui_text_lines(const char *text, int w, struct strvec *lines)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		char *para = xstrndup(p, n);
		show_sanitize(para, n);
		if (!*para)
			strvec_push(lines, "");
		else
			ui_wrap(para, w, lines);
		free(para);
		p += n + (p[n] ? 1 : 0);
	}
}

/* ---- glyphs ------------------------------------------------------------------ */

static const char *const glyph_utf8[G__COUNT] = {
	[G_PASS] = "✓", [G_WARN] = "!", [G_FAIL] = "✗", [G_SKIP] = "–", [G_PENDING] = "…",
	[G_BULLET] = "•", [G_ARROW] = "→", [G_STAR] = "★", [G_SELECT] = "›", [G_BAR_FULL] = "█",
	[G_BAR_EMPTY] = "░", [G_DOT] = "·", [G_UNDO] = "↺", [G_CANCEL] = "⊘", [G_ELLIPSIS] = "…",
};
static const char *const glyph_ascii[G__COUNT] = {
	[G_PASS] = "+", [G_WARN] = "!", [G_FAIL] = "x", [G_SKIP] = "-", [G_PENDING] = ".",
	[G_BULLET] = "*", [G_ARROW] = "->", [G_STAR] = "*", [G_SELECT] = ">", [G_BAR_FULL] = "#",
	[G_BAR_EMPTY] = "-", [G_DOT] = ".", [G_UNDO] = "<", [G_CANCEL] = "/", [G_ELLIPSIS] = "...",
};

const char *ui_glyph(const struct app *app, enum glyph g)
{
	return app->utf8 ? glyph_utf8[g] : glyph_ascii[g];
}

const char *ui_spinner(const struct app *app)
{
	static const char *const u[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
	static const char *const a[] = { "|", "/", "-", "\\" };
	return app->utf8 ? u[app->spin % 10] : a[app->spin % 4];
}

/* ---- hits ---------------------------------------------------------------------- */

void ui_hit(struct app *app, int y, int x, int w, enum action act, int index)
{
	if (app->nhits >= HITS_MAX || w <= 0)
		return;
	app->hits[app->nhits++] = (struct hit){ y, x, w, act, index };
}

void ui_hit_row(struct app *app, int y, int x, int w, int index)
{
	ui_hit(app, y, x, w, ACT_NONE, index);
}

int ui_has_text(const char *text, const char *needle)
{
	if (!text)
		return 0;
	size_t n = strlen(needle);
	for (; *text; text++)
		if (!strncasecmp(text, needle, n))
			return 1;
	return !n;
}
