/* ui_edit.c - a one-line UTF-8 text editor for fields and prompts.
 *
 * The buffer holds UTF-8; the cursor is a byte offset that always sits on
 * a character boundary.  Keys: characters insert (a paste arrives as a
 * burst of them, newlines and tabs become spaces), Left/Right and
 * Home/End (^A/^E) move, Backspace/Del delete a character, ^U/^K cut to
 * the start/end, ^W deletes a word.  The view scrolls horizontally to keep
 * the cursor visible; wide characters count two columns. */
#include "base/show.h"
#include "ui_draw.h"

#include <stdlib.h>
#include <string.h>

void edit_set(struct lineedit *ed, const char *text)
{
	size_t n = strlen(text);
	if (n >= sizeof(ed->buf))
		n = sizeof(ed->buf) - 1;
	/* never cut a character in two */
	while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
		n--;
	memcpy(ed->buf, text, n);
	ed->buf[n] = '\0';
	ed->len = ed->cur = n;
	ed->scroll = 0;
}

static size_t prev_char(const struct lineedit *ed, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)ed->buf[at] & 0xc0) == 0x80)
		at--;
	return at;
}

static size_t next_char(const struct lineedit *ed, size_t at)
{
	if (at >= ed->len)
		return ed->len;
	at++;
	while (at < ed->len && ((unsigned char)ed->buf[at] & 0xc0) == 0x80)
		at++;
	return at;
}

static void cut(struct lineedit *ed, size_t from, size_t to)
{
	memmove(ed->buf + from, ed->buf + to, ed->len - to + 1);
	ed->len -= to - from;
	ed->cur = from;
}

static int insert(struct lineedit *ed, int ch)
{
	char enc[4];
	size_t n;
	if (ch == '\n' || ch == '\r' || ch == '\t')
		ch = ' ';
	if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0) || ch > 0x10ffff || (ch >= 0xd800 && ch < 0xe000))
		return 0;
	if (ch < 0x80) {
		enc[0] = (char)ch;
		n = 1;
	} else if (ch < 0x800) {
		enc[0] = (char)(0xc0 | (ch >> 6));
		enc[1] = (char)(0x80 | (ch & 0x3f));
		n = 2;
	} else if (ch < 0x10000) {
		enc[0] = (char)(0xe0 | (ch >> 12));
		enc[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (ch & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (ch >> 18));
		enc[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (ch & 0x3f));
		n = 4;
	}
	if (ed->len + n >= sizeof(ed->buf))
		return 0;
	memmove(ed->buf + ed->cur + n, ed->buf + ed->cur, ed->len - ed->cur + 1);
	memcpy(ed->buf + ed->cur, enc, n);
	ed->len += n;
	ed->cur += n;
	return 1;
}

unsigned edit_key(struct lineedit *ed, int key)
{
	const unsigned done = R_HANDLED | R_DRAW;
	switch (key) {
	case KEY_FN(KEY_LEFT):
		ed->cur = prev_char(ed, ed->cur);
		return done;
	case KEY_FN(KEY_RIGHT):
		ed->cur = next_char(ed, ed->cur);
		return done;
	case KEY_FN(KEY_HOME):
	case KEY_CTRL('a'):
		ed->cur = 0;
		return done;
	case KEY_FN(KEY_END):
	case KEY_CTRL('e'):
		ed->cur = ed->len;
		return done;
	case KEY_FN(KEY_BACKSPACE):
	case 127:
	case KEY_CTRL('h'):
		if (ed->cur > 0)
			cut(ed, prev_char(ed, ed->cur), ed->cur);
		return done;
	case KEY_FN(KEY_DC):
	case KEY_CTRL('d'):
		if (ed->cur < ed->len)
			cut(ed, ed->cur, next_char(ed, ed->cur));
		return done;
	case KEY_CTRL('u'):
		cut(ed, 0, ed->cur);
		return done;
	case KEY_CTRL('k'):
		ed->buf[ed->cur] = '\0';
		ed->len = ed->cur;
		return done;
	case KEY_CTRL('w'): {
		size_t at = ed->cur;
		while (at > 0 && ed->buf[at - 1] == ' ')
			at--;
		while (at > 0 && ed->buf[at - 1] != ' ')
			at--;
		cut(ed, at, ed->cur);
		return done;
	}
	}
	if (key & KEY_FN(0))
		return 0;
	if (key == '\n' || key == '\r' || key == KEY_ESC || key == '\t')
		return 0;
	if (insert(ed, key))
		return done;
	return key >= 0x20 ? R_HANDLED : 0;
}

void edit_draw(struct lineedit *ed, int y, int x, int w, enum theme_role role)
{
	if (w < 2)
		return;
	char shown[sizeof(ed->buf) * 3];
	size_t curb = ed->cur;
	const char *text = ed->buf;
	if (ed->masked) {
		/* one bullet per character */
		size_t o = 0, i = 0, nchars_before = 0;
		while (i < ed->len) {
			if (i < ed->cur)
				nchars_before++;
			i = next_char(ed, i);
			memcpy(shown + o, "\xe2\x80\xa2", 3);
			o += 3;
		}
		shown[o] = '\0';
		if (MB_CUR_MAX == 1) {
			for (size_t k = 0; k < o / 3; k++)
				shown[k] = '*';
			shown[o / 3] = '\0';
			curb = nchars_before;
		} else {
			curb = nchars_before * 3;
		}
		text = shown;
	}
	int curcol = ui_width_prefix(text, curb);
	if (curcol < ed->scroll)
		ed->scroll = curcol;
	if (curcol - ed->scroll > w - 1)
		ed->scroll = curcol - (w - 1);
	/* skip SCROLL columns */
	size_t start = ui_fit(text, strlen(text), ed->scroll);
	int skipped = ui_width_prefix(text, start);
	ui_fill(y, x, w, role);
	ui_text(y, x + (skipped < ed->scroll ? 1 : 0), w, role, 0, 0, text + start);
	move(y, x + curcol - ed->scroll);
}
