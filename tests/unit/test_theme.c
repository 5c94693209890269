/* test_theme.c - colours and themes: parsing, degradation, strict loading,
 * fallback, the shipped themes, search order and NO_COLOR precedence. */
#include "theme/colour.h"
#include "base/strbuf.h"
#include "t.h"
#include "theme/theme.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_colour_parse(void)
{
	struct colour c;
	struct err e;
	CHECK(colour_parse("default", &c, &e) == 0 && c.kind == COLOUR_DEFAULT);
	CHECK(colour_parse("red", &c, &e) == 0 && c.kind == COLOUR_INDEX && c.index == 1);
	CHECK(colour_parse("brightblue", &c, &e) == 0 && c.index == 12);
	CHECK(colour_parse("white", &c, &e) == 0 && c.index == 7);
	CHECK(colour_parse("0", &c, &e) == 0 && c.index == 0);
	CHECK(colour_parse("255", &c, &e) == 0 && c.index == 255);
	CHECK(colour_parse("colour42", &c, &e) == 0 && c.index == 42);
	CHECK(colour_parse("color42", &c, &e) == 0 && c.index == 42);
	CHECK(colour_parse("#8caaEE", &c, &e) == 0 && c.kind == COLOUR_RGB && c.r == 0x8c && c.g == 0xaa &&
	      c.b == 0xee);
	const char *bad[] = { "", "256", "-1", "#12345", "#1234567", "#gggggg", "Red", "bright", "colour",
			      "12 ", "\x1b[31m", NULL };
	for (const char **b = bad; *b; b++) {
		CHECK(colour_parse(*b, &c, &e) == -1);
		CHECK_CONTAINS(e.msg, "is not a colour");
	}
	/* hostile values are shown escaped */
	colour_parse("\x1b[31m", &c, &e);
	CHECK(strchr(e.msg, 0x1b) == NULL);
}

static void test_degrade(void)
{
	/* exact cube and grey-ramp hits (tmux colour_find_rgb) */
	CHECK_INT(colour_rgb_to_256(0x5f, 0x87, 0xaf), 16 + 36 * 1 + 6 * 2 + 3);
	CHECK_INT(colour_rgb_to_256(0, 0, 0), 16);
	CHECK_INT(colour_rgb_to_256(0xff, 0xff, 0xff), 231);
	CHECK_INT(colour_rgb_to_256(0x80, 0x80, 0x80), 244);
	CHECK_INT(colour_rgb_to_256(0x30, 0x34, 0x46), 237);
	unsigned char r, g, b;
	for (int i = 16; i < 256; i++) {
		colour_index_rgb(i, &r, &g, &b);
		CHECK_INT(colour_rgb_to_256(r, g, b), i);
	}
	/* 256 -> 16 keeps hues and greys */
	CHECK_INT(colour_256_to_16(114), 10);  /* pale green stays green */
	CHECK_INT(colour_256_to_16(203), 9);   /* red */
	CHECK_INT(colour_256_to_16(245), 8);   /* grey */
	CHECK_INT(colour_256_to_16(252), 7);
	CHECK_INT(colour_256_to_16(24), 6);    /* deep sky blue */
	CHECK_INT(colour_256_to_16(19), 4);    /* blue */
	CHECK_INT(colour_256_to_16(81), 14);
	CHECK_INT(colour_256_to_16(231), 15);
	CHECK_INT(colour_256_to_16(16), 0);
	for (int i = 0; i < 16; i++)
		CHECK_INT(colour_256_to_16(i), i);

	struct colour c;
	unsigned attrs;
	colour_parse("#a6d189", &c, NULL); /* catppuccin green */
	CHECK_INT(colour_resolve(&c, COLOUR_DIRECT, 1, &attrs), 0xa6d189);
	CHECK_INT(colour_resolve(&c, 256, 1, &attrs), colour_rgb_to_256(0xa6, 0xd1, 0x89));
	CHECK_INT(colour_resolve(&c, 16, 1, &attrs), 10);
	CHECK_INT(colour_resolve(&c, 8, 1, &attrs), 2);
	CHECK(attrs == COLOUR_ATTR_BOLD);
	CHECK_INT(colour_resolve(&c, 8, 0, &attrs), 2);
	CHECK(attrs == 0);
	CHECK_INT(colour_resolve(&c, 2, 1, &attrs), -1);
	colour_parse("245", &c, NULL);
	CHECK_INT(colour_resolve(&c, 8, 1, &attrs), -1); /* grey text: default + dim */
	CHECK(attrs == COLOUR_ATTR_DIM);
	CHECK_INT(colour_resolve(&c, 8, 0, &attrs), 0);
	colour_parse("red", &c, NULL);
	CHECK_INT(colour_resolve(&c, COLOUR_DIRECT, 1, &attrs), 1);
	colour_parse("default", &c, NULL);
	CHECK_INT(colour_resolve(&c, 256, 1, &attrs), -1);
	colour_parse("#000001", &c, NULL);
	CHECK_INT(colour_resolve(&c, COLOUR_DIRECT, 1, &attrs), 8); /* never an ANSI number */
}

static char *shipped(const char *name)
{
	const char *src = getenv("WS_SOURCE_DIR");
	return xasprintf("%s/themes/%s.yaml", src ? src : WS_SOURCE_DIR, name);
}

static int style_eq(const struct theme_style *a, const struct theme_style *b)
{
	return a->fg.kind == b->fg.kind && a->fg.index == b->fg.index && a->fg.r == b->fg.r &&
	       a->fg.g == b->fg.g && a->fg.b == b->fg.b && a->bg.kind == b->bg.kind &&
	       a->bg.index == b->bg.index && a->bg.r == b->bg.r && a->attrs == b->attrs;
}

/* A FIFO planted as a theme is refused at once, never read (it would block). */
static void test_fifo(void)
{
	char dir[] = "/tmp/ws-theme-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char p[64];
	snprintf(p, sizeof(p), "%s/t.yaml", dir);
	CHECK(mkfifo(p, 0600) == 0);
	struct theme t;
	struct err e;
	CHECK(theme_load_file(p, &t, &e) == -1);
	CHECK_CONTAINS(e.msg, "not a regular file (fifo)");
	unlink(p);
	rmdir(dir);
}

static void test_shipped(void)
{
	const char *names[] = { "default", "light", "high-contrast", "mono", "catppuccin-frappe", NULL };
	for (const char **n = names; *n; n++) {
		char *p = shipped(*n);
		struct theme t;
		struct err e;
		int rc = theme_load_file(p, &t, &e);
		CHECK(rc == 0);
		if (rc)
			fprintf(stderr, "  %s\n", e.msg);
		CHECK_STR(t.name, *n);
		/* every role resolves at every depth without colliding */
		const int depths[] = { COLOUR_DIRECT, 256, 16, 8, 0 };
		for (size_t d = 0; d < sizeof(depths) / sizeof(depths[0]); d++)
			for (int r = 0; r < TR__COUNT; r++) {
				struct theme_resolved res;
				theme_style_resolve(&t, (enum theme_role)r, depths[d], &res);
				CHECK(res.fg < 0 || res.fg != res.bg);
				if (depths[d] < 8)
					CHECK(res.fg == -1 && res.bg == -1);
			}
		/* selection stays visible in mono */
		struct theme_resolved sel;
		theme_style_resolve(&t, TR_SELECTION, 0, &sel);
		CHECK(sel.attrs & THEME_REVERSE);
		free(p);
	}
	/* the built-in default is themes/default.yaml */
	char *p = shipped("default");
	struct theme file, def;
	theme_builtin(&def);
	CHECK(theme_load_file(p, &file, NULL) == 0);
	for (int r = 0; r < TR__COUNT; r++)
		CHECK(style_eq(&file.role[r], &def.role[r]));
	free(p);
	/* catppuccin paints its own background everywhere */
	p = shipped("catppuccin-frappe");
	struct theme cat;
	CHECK(theme_load_file(p, &cat, NULL) == 0);
	for (int r = 0; r < TR__COUNT; r++)
		if (r != TR_SELECTION)
			CHECK(cat.role[r].bg.kind == COLOUR_RGB && cat.role[r].bg.r == 0x30);
	free(p);
}

static void expect_error(const char *text, const char *want)
{
	struct theme t, before;
	struct err e;
	theme_builtin(&t);
	snprintf(t.name, sizeof(t.name), "untouched");
	before = t;
	CHECK(theme_parse(text, strlen(text), "x.yaml", &t, &e) == -1);
	if (want)
		CHECK_STR(e.msg, want);
	CHECK(memcmp(&t, &before, sizeof(t)) == 0);
}

static void test_errors(void)
{
	expect_error("", "x.yaml:1:1: empty theme (expected version, name and roles)");
	expect_error("version: !!python/object:os.system 1\nroles: {}\n",
		     "x.yaml:1:10: YAML tags (!!int, !name) are not allowed here");
	expect_error("- a\n", "x.yaml:1:1: expected a mapping with version, name and roles, got a list");
	expect_error("version: 1\n", "x.yaml:1:1: no roles: mapping (expected roles: { text: {...}, ... })");
	expect_error("version: 2\nroles: {}\n",
		     "x.yaml:1:10: version: expected 1 (this ws-launch reads version 1 themes)");
	expect_error("colours: {}\n",
		     "x.yaml:1:1: unknown key 'colours' (expected version, name, description, roles)");
	expect_error("roles:\n  txt: { fg: red }\n",
		     "x.yaml:2:3: roles: unknown role 'txt' (expected one of text, dim, title, accent, selection, "
		     "border, key, code, pass, warn, fail, pending)");
	expect_error("roles:\n  text:\n    fg: #303446\n",
		     "x.yaml:3:8: text.fg: expected a colour, got null (quote \"#rrggbb\": a bare # starts a comment)");
	expect_error("roles:\n  text:\n    fg: purple\n",
		     "x.yaml:3:9: text.fg: 'purple' is not a colour (expected default, a name such as red or "
		     "brightblue, 0-255, or \"#rrggbb\")");
	expect_error("roles:\n  fail: { fg: red, attrs: [bold, blink] }\n",
		     "x.yaml:2:34: fail.attrs: 'blink' is not one of bold, underline, reverse, dim");
	expect_error("roles:\n  fail: { fg: red, fg: blue }\n", "x.yaml:2:20: fail: duplicate key fg");
	expect_error("roles:\n  fail: red\n", "x.yaml:2:9: fail: expected a mapping with fg, bg and attrs, got a scalar");
	expect_error("roles:\n  fail: { colour: red }\n",
		     "x.yaml:2:11: fail: unknown key 'colour' (expected fg, bg, attrs)");
	expect_error("roles:\n  pass: {}\n  pass: {}\n", "x.yaml:3:3: roles: duplicate role pass");
	expect_error("name: ../x\nroles: {}\n", "x.yaml:1:7: name: '../x' is not a valid name ([A-Za-z0-9._-], 1-64 characters)");
	expect_error("roles: &a {}\nx: *a\n", NULL);
}

static void test_fallback(void)
{
	const char *text = "version: 1\nroles:\n  text: { fg: \"#c6d0f5\", bg: \"#303446\" }\n  pass: { fg: green }\n";
	struct theme t, def;
	struct err e;
	theme_builtin(&def);
	CHECK(theme_parse(text, strlen(text), "/dir/mine.yaml", &t, &e) == 0);
	CHECK_STR(t.name, "mine");
	/* a missing role comes from the default... */
	CHECK(t.role[TR_FAIL].fg.kind == COLOUR_INDEX && t.role[TR_FAIL].fg.index == 203);
	CHECK(t.role[TR_FAIL].attrs == THEME_BOLD);
	/* ...and a missing bg inside any role is the text's */
	CHECK(t.role[TR_PASS].bg.kind == COLOUR_RGB && t.role[TR_PASS].bg.b == 0x46);
	CHECK(t.role[TR_PASS].fg.index == 2);
	CHECK(t.role[TR_SELECTION].bg.kind == COLOUR_INDEX && t.role[TR_SELECTION].bg.index == 24);
}

static void test_choose(void)
{
	CHECK_STR(theme_choose("light", 1, "x", 1), "light");
	CHECK_STR(theme_choose(NULL, 1, "x", 0), "mono");
	CHECK_STR(theme_choose(NULL, 0, "x", 1), "x");
	CHECK_STR(theme_choose(NULL, 0, NULL, 1), "mono");
	CHECK_STR(theme_choose(NULL, 0, "", 0), "default");
	CHECK_STR(theme_choose("", 0, NULL, 0), "default");
}

static void test_locate(void)
{
	char dir[] = "/tmp/ws-theme-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *themes = xasprintf("%s/themes", dir);
	char *other = xasprintf("%s/other", dir);
	mkdir(themes, 0700);
	mkdir(other, 0700);
	char *mine = xasprintf("%s/mine.yaml", themes);
	char *second = xasprintf("%s/second.yaml", other);
	FILE *f = fopen(mine, "w");
	fputs("roles:\n  text: { fg: red }\n", f);
	fclose(f);
	f = fopen(second, "w");
	fputs("roles:\n  text: { fg: [1] }\n", f);
	fclose(f);
	const char *dirs[] = { other, NULL };
	struct err e;
	char *p = theme_locate("mine", dir, dirs, &e);
	CHECK_STR(p, mine);
	free(p);
	p = theme_locate("second", dir, dirs, &e);
	CHECK_STR(p, second);
	free(p);
	CHECK(theme_locate("absent", dir, dirs, &e) == NULL);
	CHECK_CONTAINS(e.msg, "no theme named absent (looked in ");
	CHECK_CONTAINS(e.msg, themes);
	CHECK(theme_locate("../etc/passwd", dir, dirs, &e) == NULL);
	p = theme_locate(mine, NULL, dirs, &e);
	CHECK_STR(p, mine);
	free(p);
	/* theme_load: shipped names from the build tree; a broken file falls
	 * back to the default with file:line:col */
	struct theme t;
	CHECK(theme_load("catppuccin-frappe", dir, &t, &e) == 0);
	CHECK_STR(t.name, "catppuccin-frappe");
	CHECK(theme_load(second, dir, &t, &e) == -1);
	CHECK_CONTAINS(e.msg, "second.yaml:2:15: text.fg: expected a colour, got a list");
	CHECK_STR(t.name, "default");
	CHECK(theme_load("nope", dir, &t, &e) == -1);
	CHECK_STR(t.name, "default");
	unlink(mine);
	unlink(second);
	rmdir(themes);
	rmdir(other);
	rmdir(dir);
	free(mine);
	free(second);
	free(themes);
	free(other);
}

int main(void)
{
	test_colour_parse();
	test_degrade();
	test_fifo();
	test_shipped();
	test_errors();
	test_fallback();
	test_choose();
	test_locate();
	return t_done("test_theme");
}
