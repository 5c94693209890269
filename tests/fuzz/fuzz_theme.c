/* fuzz_theme.c - the theme loader (theme_parse, over ytree_load), docs/ARCHITECTURE.md "Profiles and themes".
 *
 * Input: the bytes of a theme file.  Properties:
 *  - an error is one line, names the file, and leaves *OUT as it was
 *    (transactional: nothing of a broken file is used);
 *  - a loaded theme has a valid name and every role resolves, on terminals
 *    of 0, 8, 16, 88, 256 and direct colours, to colour numbers the
 *    terminal has (-1 = default) and known attribute bits, never painting
 *    text in its own background. */
#include "fuzz.h"
#include "theme/theme.h"

static const int terminals[] = { 0, 2, 8, 16, 88, 256, COLOUR_DIRECT };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t, before;
	struct err e;
	theme_builtin(&t);
	snprintf(t.name, sizeof(t.name), "sentinel");
	memcpy(&before, &t, sizeof(t));
	if (theme_parse((const char *)data, size, "fuzz.yaml", &t, &e)) {
		FUZZ_CHECK(!strncmp(e.msg, "fuzz.yaml", 9), "error does not name the file: %s", e.msg);
		FUZZ_CHECK(fuzz_one_line(e.msg), "error is not one line: %s", e.msg);
		FUZZ_CHECK(!memcmp(&t, &before, sizeof(t)), "a failed load changed the theme");
		return 0;
	}
	FUZZ_CHECK(memchr(t.name, '\0', sizeof(t.name)) != NULL, "theme name not terminated");
	FUZZ_CHECK(fuzz_one_line(t.name), "theme name has control characters");
	for (size_t k = 0; k < sizeof(terminals) / sizeof(terminals[0]); k++) {
		int n = terminals[k];
		for (int r = 0; r < TR__COUNT; r++) {
			struct theme_resolved out;
			theme_style_resolve(&t, (enum theme_role)r, n, &out);
			int max = n < 8 ? -1 : n - 1;
			FUZZ_CHECK(out.fg >= -1 && out.fg <= max, "role %s fg %d on %d colours",
				   theme_role_names[r], out.fg, n);
			FUZZ_CHECK(out.bg >= -1 && out.bg <= max, "role %s bg %d on %d colours",
				   theme_role_names[r], out.bg, n);
			FUZZ_CHECK(!(out.attrs & ~(THEME_BOLD | THEME_UNDERLINE | THEME_REVERSE | THEME_DIM)),
				   "role %s attrs %#x", theme_role_names[r], out.attrs);
			FUZZ_CHECK(out.fg < 0 || out.fg != out.bg, "role %s: fg == bg == %d on %d colours",
				   theme_role_names[r], out.fg, n);
		}
	}
	return 0;
}
