/* test_tui_tables.c - the wizard's binding tables and layout, without a
 * terminal: every action has help text and a label, no key is bound twice
 * in a scope (screen + list + global keys), the generated help lines and
 * key names are sane, and layout_compute() is a pure function whose rects
 * never overlap and stay inside the terminal.
 *
 * tui/ui_keys.c and tui/ui_layout.c call no curses functions (only
 * <curses.h>'s key constants), so they are compiled into this test. */
#include "../../tui/ui_keys.c"
#include "../../tui/ui_layout.c"
#include "t.h"

static void test_table(const char *scope, const struct keybind *t)
{
	for (const struct keybind *k = t; k->act != ACT_NONE; k++) {
		CHECK(k->help && *k->help);
		CHECK(k->label && *k->label);
		CHECK(k->key != 0);
		if (!k->help || !*k->help)
			fprintf(stderr, "  %s: %s has no help\n", scope, keys_action_name(k->act));
		CHECK(strcmp(keys_action_name(k->act), "?"));
	}
}

static void test_scope(const struct keyscope *s)
{
	const struct keybind *tables[3] = { s->keys, s->list ? keys_list : NULL, keys_global };
	/* every key once in the scope */
	for (int a = 0; a < 3; a++)
		for (const struct keybind *k = tables[a]; k && k->act != ACT_NONE; k++)
			for (int b = a; b < 3; b++)
				for (const struct keybind *o = tables[b]; o && o->act != ACT_NONE; o++) {
					if (o == k || (b == a && o < k))
						continue;
					if (o->key == k->key) {
						char n[16];
						fprintf(stderr, "  scope %s: key %s bound to %s and %s\n", s->name,
							keys_name(k->key, 0, n, sizeof(n)), keys_action_name(k->act),
							keys_action_name(o->act));
					}
					CHECK(o->key != k->key);
				}
	/* lookup finds the screen's binding first, then list, then global */
	for (const struct keybind *k = s->keys; k->act != ACT_NONE; k++)
		CHECK(keys_lookup(s->keys, s->list, k->key) == k->act);
	CHECK(keys_lookup(s->keys, s->list, 'q') == ACT_QUIT);
	CHECK(keys_lookup(s->keys, s->list, '?') == ACT_HELP);
	CHECK(keys_lookup(s->keys, s->list, KEY_ESC) == ACT_BACK);
	CHECK(keys_lookup(s->keys, s->list, 0x263a) == ACT_NONE);
	/* the generated help merges keys of one action and keeps its help */
	struct keyline lines[64];
	size_t n = keys_lines(s->keys, 1, lines, 64);
	CHECK(n > 0);
	for (size_t i = 0; i < n; i++) {
		CHECK(lines[i].keys[0] != '\0');
		CHECK(lines[i].help && *lines[i].help);
		for (size_t j = 0; j < i; j++)
			CHECK(lines[i].act != lines[j].act);
	}
	/* at least one key of each screen is on the bar */
	int bar = 0;
	for (const struct keybind *k = s->keys; k->act != ACT_NONE; k++)
		bar |= (k->flags & KB_BAR) != 0;
	CHECK(bar);
}

static void test_keys(void)
{
	test_table("global", keys_global);
	test_table("list", keys_list);
	int n = 0;
	for (const struct keyscope *s = keys_scopes; s->name; s++, n++) {
		test_table(s->name, s->keys);
		test_scope(s);
	}
	CHECK_INT(n, 6);
	/* every action but "none" is bound somewhere */
	for (int a = 1; a < ACT__COUNT; a++) {
		int found = 0;
		for (const struct keybind *k = keys_global; k->act != ACT_NONE; k++)
			found |= (int)k->act == a;
		for (const struct keybind *k = keys_list; k->act != ACT_NONE; k++)
			found |= (int)k->act == a;
		for (const struct keybind *k = keys_editing; k->act != ACT_NONE; k++)
			found |= (int)k->act == a;
		for (const struct keyscope *s = keys_scopes; s->name; s++)
			for (const struct keybind *k = s->keys; k->act != ACT_NONE; k++)
				found |= (int)k->act == a;
		if (!found)
			fprintf(stderr, "  action %s is bound nowhere\n", keys_action_name((enum action)a));
		CHECK(found);
	}
	char b[16];
	CHECK_STR(keys_name(KEY_ESC, 1, b, sizeof(b)), "Esc");
	CHECK_STR(keys_name('\r', 1, b, sizeof(b)), "Enter");
	CHECK_STR(keys_name(KEY_FN(KEY_UP), 1, b, sizeof(b)), "↑");
	CHECK_STR(keys_name(KEY_FN(KEY_UP), 0, b, sizeof(b)), "Up");
	CHECK_STR(keys_name(KEY_FN(KEY_BTAB), 0, b, sizeof(b)), "S-Tab");
	CHECK_STR(keys_name(KEY_CTRL('l'), 0, b, sizeof(b)), "^L");
	CHECK_STR(keys_name('q', 0, b, sizeof(b)), "q");
	CHECK_STR(keys_name(KEY_FN(KEY_F(5)), 0, b, sizeof(b)), "F5");
}

static void check_layout(int rows, int cols)
{
	struct layout l;
	int rc = layout_compute(rows, cols, &l);
	if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
		CHECK(rc == -1 && l.too_small);
		return;
	}
	CHECK(rc == 0 && !l.too_small);
	const struct rect *r[] = { &l.header, &l.body, &l.status, &l.keys };
	int cells = 0;
	for (int i = 0; i < 4; i++) {
		CHECK(r[i]->y >= 0 && r[i]->x >= 0 && r[i]->y + r[i]->h <= rows && r[i]->x + r[i]->w <= cols);
		CHECK(r[i]->h > 0 && r[i]->w > 0);
		cells += r[i]->h * r[i]->w;
		for (int j = 0; j < i; j++)
			CHECK(!rect_overlap(r[i], r[j]));
	}
	CHECK_INT(cells, rows * cols); /* every cell belongs to exactly one rect */
	/* the two-pane split of the Mode screen */
	struct rect left, right;
	layout_split(&l.body, 36, 26, 30, &left, &right);
	CHECK(!rect_overlap(&left, &right));
	CHECK(left.w >= 26 && right.w >= 30);
	CHECK(right.x + right.w <= cols);
	struct rect b = l.body, bottom, top;
	layout_take_bottom(&b, 2, &bottom);
	layout_take_top(&b, 3, &top);
	CHECK(!rect_overlap(&b, &bottom) && !rect_overlap(&b, &top) && !rect_overlap(&top, &bottom));
	CHECK_INT(b.h + bottom.h + top.h, l.body.h);
	/* pure: same input, same output */
	struct layout again;
	layout_compute(rows, cols, &again);
	CHECK(memcmp(&l, &again, sizeof(l)) == 0);
}

static void test_layout(void)
{
	const int sizes[][2] = { { 10, 20 }, { 12, 40 }, { 15, 60 }, { 16, 59 }, { 16, 60 }, { 24, 80 },
				 { 40, 120 }, { 100, 300 }, { 16, 1000 } };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_layout(sizes[i][0], sizes[i][1]);
	for (int rows = 14; rows < 30; rows++)
		for (int cols = 56; cols < 140; cols += 3)
			check_layout(rows, cols);
}

int main(void)
{
	test_keys();
	test_layout();
	return t_done("test_tui_tables");
}
