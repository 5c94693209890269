/* ui_keys.c - global and list key tables, lookup, names, generated lines. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "ui_keys.h"

const struct keybind keys_global[] = {
	{ KEY_ESC, ACT_BACK, "back", "back to the previous screen (also b)", KB_BAR },
	{ 'b', ACT_BACK, "back", "back to the previous screen", 0 },
	{ 'q', ACT_QUIT, "quit", "quit (on Review: print the commands after leaving)", KB_BAR },
	{ '?', ACT_HELP, "help", "show the keys of this screen", KB_BAR },
	{ KEY_CTRL('l'), ACT_REDRAW, "redraw", "redraw the whole terminal", 0 },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keybind keys_list[] = {
	{ KEY_FN(KEY_UP), ACT_UP, "up", "move up", 0 },
	{ 'k', ACT_UP, "up", "move up", 0 },
	{ KEY_FN(KEY_DOWN), ACT_DOWN, "down", "move down", 0 },
	{ 'j', ACT_DOWN, "down", "move down", 0 },
	{ KEY_FN(KEY_PPAGE), ACT_PGUP, "page up", "one page up", 0 },
	{ KEY_FN(KEY_NPAGE), ACT_PGDN, "page down", "one page down", 0 },
	{ KEY_FN(KEY_HOME), ACT_TOP, "top", "to the first line", 0 },
	{ KEY_FN(KEY_END), ACT_BOTTOM, "bottom", "to the last line", 0 },
	{ 'g', ACT_TOP, "top", "to the first line", 0 },
	{ 'G', ACT_BOTTOM, "bottom", "to the last line", 0 },
	{ '/', ACT_FILTER, "filter", "filter the list as you type (Enter keeps it, Esc clears it)", 0 },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keybind keys_home[] = {
	{ '\r', ACT_OPEN, "open", "open the selected item (a profile: check and review it for a relaunch)", KB_BAR },
	{ '\n', ACT_OPEN, "open", "open the selected item", 0 },
	{ KEY_FN(KEY_ENTER), ACT_OPEN, "open", "open the selected item", 0 },
	{ 'n', ACT_NEW, "new", "start a new launch (pick a mode)", KB_BAR },
	{ 'c', ACT_CHECK_HOST, "check host", "check this host for every mode", KB_BAR },
	{ 'e', ACT_EDIT, "edit", "edit the selected profile (opens Options)", KB_BAR },
	{ 'p', ACT_PRINT, "print", "quit and print the selected profile's commands", KB_BAR },
	{ 'x', ACT_DELETE, "delete", "delete the selected profile (asks first)", KB_BAR },
	{ 'o', ACT_URL, "url", "a running launch: its URL, copied to the clipboard (OSC 52)", KB_BAR },
	{ 'l', ACT_LOGS, "logs", "a running launch: the workspace's last 500 lines of output", KB_BAR },
	{ 'S', ACT_SHELL, "shell", "a running launch: a shell in its workspace on this terminal (exit returns)", KB_BAR },
	{ 't', ACT_STOPSTART, "stop/start", "a running launch: stop it, or start a stopped one (verified)", KB_BAR },
	{ 'u', ACT_UPGRADE, "upgrade", "a running launch: move it to the newest release, keeping /workspace", KB_BAR },
	{ 'd', ACT_DOWN_LAUNCH, "down", "a running launch: remove its containers and network (asks; volumes stay)",
	  KB_BAR },
	{ KEY_FN(KEY_DC), ACT_DELETE, "delete", "delete the selected profile", 0 },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keybind keys_mode[] = {
	{ '\r', ACT_OPEN, "choose", "choose the selected mode and set its options", KB_BAR },
	{ '\n', ACT_OPEN, "choose", "choose the selected mode", 0 },
	{ KEY_FN(KEY_ENTER), ACT_OPEN, "choose", "choose the selected mode", 0 },
	{ 'r', ACT_RECHECK, "re-check", "run the checks of every mode again", KB_BAR },
	{ 'c', ACT_CHECK_HOST, "all checks", "show every check with findings and remedies", KB_BAR },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

/* The keys of a field being edited (ui_edit.c handles them): shown in
 * the key bar instead of the screen's while the field is open. */
const struct keybind keys_editing[] = {
	{ '\r', ACT_EDIT_KEY, "save", "commit the value", KB_BAR },
	{ KEY_ESC, ACT_EDIT_KEY, "cancel", "leave the field unchanged", KB_BAR },
	{ 'U' - '@', ACT_EDIT_KEY, "clear", "clear the field (Ctrl-U)", KB_BAR },
	{ KEY_FN(KEY_LEFT), ACT_EDIT_KEY, "move", "move in the text (also Home, End)", KB_BAR },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

/* the key bar while the list filter is typed */
const struct keybind keys_filtering[] = {
	{ '\r', ACT_EDIT_KEY, "keep", "keep the filter and go back to the list", KB_BAR },
	{ KEY_ESC, ACT_EDIT_KEY, "clear", "clear the filter", KB_BAR },
	{ KEY_FN(KEY_DOWN), ACT_EDIT_KEY, "list", "keep the filter and move in the list", KB_BAR },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keybind keys_options[] = {
	{ '\r', ACT_OPEN, "edit", "edit the field (Enter commits, Esc cancels); toggle or cycle a choice", KB_BAR },
	{ '\n', ACT_OPEN, "edit", "edit the field", 0 },
	{ KEY_FN(KEY_ENTER), ACT_OPEN, "edit", "edit the field", 0 },
	{ '\t', ACT_NEXT, "next", "next field", 0 },
	{ KEY_FN(KEY_BTAB), ACT_PREV, "previous", "previous field", 0 },
	{ ' ', ACT_TOGGLE, "toggle", "toggle a yes/no field, cycle a choice", 0 },
	{ KEY_FN(KEY_LEFT), ACT_LEFT, "previous choice", "previous choice", 0 },
	{ KEY_FN(KEY_RIGHT), ACT_RIGHT, "next choice", "next choice", 0 },
	{ 'd', ACT_RESET, "default", "reset the field to its default (or to detection)", KB_BAR },
	{ 'n', ACT_CONTINUE, "continue", "continue: check this configuration", KB_BAR },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keybind keys_checks[] = {
	{ '\r', ACT_OPEN, "continue", "continue: review the commands (from a host check: choose a mode)", KB_BAR },
	{ '\n', ACT_OPEN, "continue", "continue", 0 },
	{ KEY_FN(KEY_ENTER), ACT_OPEN, "continue", "continue", 0 },
	{ 'n', ACT_CONTINUE, "continue", "continue", 0 },
	{ 'r', ACT_RECHECK, "re-run", "run the checks again", KB_BAR },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keybind keys_review[] = {
	{ '\r', ACT_RUN, "run", "run the commands now (shows progress; Ctrl-C cancels and rolls back)", KB_BAR },
	{ '\n', ACT_RUN, "run", "run the commands now", 0 },
	{ KEY_FN(KEY_ENTER), ACT_RUN, "run", "run the commands now", 0 },
	{ 'r', ACT_RUN, "run", "run the commands now", 0 },
	{ 'y', ACT_COPY, "copy", "copy the commands to the clipboard (OSC 52: works over ssh)", KB_BAR },
	{ 's', ACT_SAVE, "save", "save this launch as a profile (asks for a name)", KB_BAR },
	{ 'e', ACT_EXPORT, "compose", "export the launch as a Compose file (asks for the file name)", KB_BAR },
	{ 'K', ACT_EXPORT_KUBE, "kube", "export the launch as a Kubernetes manifest (asks for the file name)", KB_BAR },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keybind keys_run[] = {
	{ 'l', ACT_LOGS, "logs", "the whole output in the viewer: wrapped, / finds, follows the run", KB_BAR },
	{ 'd', ACT_DOWN_LAUNCH, "down", "take the launch down: remove its containers and network (volumes stay)",
	  KB_BAR },
	{ 'c', ACT_CANCEL, "cancel", "cancel the running launch and roll back what it did (also Ctrl-C)", KB_BAR },
	{ 'v', ACT_DETAILS, "details", "the failure in full: the daemon's words, what changed, the last output", 0 },
	{ 'R', ACT_RECREATE, "recreate",
	  "after a launch made with other options: replace its containers with these options (volumes are kept)", 0 },
	{ 0, ACT_NONE, NULL, NULL, 0 },
};

const struct keyscope keys_scopes[] = {
	{ "home", keys_home, 1 },
	{ "mode", keys_mode, 1 },
	{ "options", keys_options, 1 },
	{ "checks", keys_checks, 1 },
	{ "review", keys_review, 1 },
	{ "run", keys_run, 1 },
	{ NULL, NULL, 0 },
};

static const char *const action_names[ACT__COUNT] = {
	[ACT_NONE] = "none", [ACT_BACK] = "back", [ACT_QUIT] = "quit", [ACT_HELP] = "help",
	[ACT_REDRAW] = "redraw", [ACT_UP] = "up", [ACT_DOWN] = "down", [ACT_PGUP] = "page-up",
	[ACT_PGDN] = "page-down", [ACT_TOP] = "top", [ACT_BOTTOM] = "bottom", [ACT_OPEN] = "open",
	[ACT_NEXT] = "next", [ACT_PREV] = "prev", [ACT_LEFT] = "left", [ACT_RIGHT] = "right",
	[ACT_TOGGLE] = "toggle", [ACT_NEW] = "new", [ACT_CHECK_HOST] = "check-host", [ACT_EDIT] = "edit",
	[ACT_PRINT] = "print", [ACT_DELETE] = "delete", [ACT_RECHECK] = "recheck", [ACT_CONTINUE] = "continue",
	[ACT_RESET] = "reset", [ACT_RUN] = "run", [ACT_COPY] = "copy", [ACT_SAVE] = "save",
	[ACT_EXPORT] = "export", [ACT_EXPORT_KUBE] = "export-kube", [ACT_LOGS] = "logs", [ACT_DOWN_LAUNCH] = "down", [ACT_CANCEL] = "cancel", [ACT_RECREATE] = "recreate", [ACT_DETAILS] = "details", [ACT_FILTER] = "filter", [ACT_URL] = "url", [ACT_SHELL] = "shell", [ACT_STOPSTART] = "stop-start", [ACT_UPGRADE] = "upgrade", [ACT_EDIT_KEY] = "edit-key",
};

const char *keys_action_name(enum action act)
{
	return (int)act >= 0 && act < ACT__COUNT && action_names[act] ? action_names[act] : "?";
}

int keys_is_global(enum action act)
{
	return act == ACT_BACK || act == ACT_QUIT || act == ACT_HELP || act == ACT_REDRAW;
}

static enum action find(const struct keybind *t, int key)
{
	for (; t && t->act != ACT_NONE; t++)
		if (t->key == key)
			return t->act;
	return ACT_NONE;
}

enum action keys_lookup(const struct keybind *screen, int list, int key)
{
	enum action a = find(screen, key);
	if (a == ACT_NONE && list)
		a = find(keys_list, key);
	if (a == ACT_NONE)
		a = find(keys_global, key);
	return a;
}

const char *keys_name(int key, int utf8, char *buf, size_t size)
{
	const char *n = NULL;
	switch (key) {
	case KEY_ESC: n = "Esc"; break;
	case '\n': case '\r': case KEY_FN(KEY_ENTER): n = "Enter"; break;
	case '\t': n = "Tab"; break;
	case ' ': n = "Space"; break;
	case 127: case KEY_FN(KEY_BACKSPACE): n = "Bksp"; break;
	case KEY_FN(KEY_BTAB): n = "S-Tab"; break;
	case KEY_FN(KEY_UP): n = utf8 ? "↑" : "Up"; break;
	case KEY_FN(KEY_DOWN): n = utf8 ? "↓" : "Down"; break;
	case KEY_FN(KEY_LEFT): n = utf8 ? "←" : "Left"; break;
	case KEY_FN(KEY_RIGHT): n = utf8 ? "→" : "Right"; break;
	case KEY_FN(KEY_PPAGE): n = "PgUp"; break;
	case KEY_FN(KEY_NPAGE): n = "PgDn"; break;
	case KEY_FN(KEY_HOME): n = "Home"; break;
	case KEY_FN(KEY_END): n = "End"; break;
	case KEY_FN(KEY_DC): n = "Del"; break;
	case KEY_FN(KEY_IC): n = "Ins"; break;
	}
	if (n)
		snprintf(buf, size, "%s", n);
	else if (key > 0 && key < 32)
		snprintf(buf, size, "^%c", key + '@');
	else if (key >= KEY_FN(KEY_F(1)) && key <= KEY_FN(KEY_F(12)))
		snprintf(buf, size, "F%d", key - KEY_FN(KEY_F(0)));
	else if (key > 32 && key < 127)
		snprintf(buf, size, "%c", key);
	else
		snprintf(buf, size, "#%d", key);
	return buf;
}

size_t keys_lines(const struct keybind *table, int utf8, struct keyline *out, size_t max)
{
	size_t n = 0;
	for (const struct keybind *k = table; k && k->act != ACT_NONE; k++) {
		size_t i;
		for (i = 0; i < n; i++)
			if (out[i].act == k->act)
				break;
		char name[16];
		keys_name(k->key, utf8, name, sizeof(name));
		if (i < n) {
			size_t l = strlen(out[i].keys);
			/* Enter is \r, \n and KEY_ENTER: name it once */
			int dup = 0;
			for (const char *p = out[i].keys; !dup && p;) {
				size_t len = strcspn(p, ",");
				dup = len == strlen(name) && !strncmp(p, name, len);
				p = p[len] ? p + len + 2 : NULL;
			}
			if (!dup)
				snprintf(out[i].keys + l, sizeof(out[i].keys) - l, ", %s", name);
			out[i].bar |= (k->flags & KB_BAR) != 0;
			continue;
		}
		if (n == max)
			break;
		snprintf(out[n].keys, sizeof(out[n].keys), "%s", name);
		out[n].label = k->label;
		out[n].help = k->help;
		out[n].act = k->act;
		out[n].bar = (k->flags & KB_BAR) != 0;
		n++;
	}
	return n;
}

int keys_list_move(int *sel, int n, int page, enum action act)
{
	int last = n > 0 ? n - 1 : 0, v = *sel;
	switch (act) {
	case ACT_UP: v--; break;
	case ACT_DOWN: v++; break;
	case ACT_PGUP: v = page > 0 ? v - page : 0; break;
	case ACT_PGDN: v = page > 0 ? v + page : last; break;
	case ACT_TOP: v = 0; break;
	case ACT_BOTTOM: v = last; break;
	default: return 0;
	}
	*sel = v < 0 ? 0 : v > last ? last : v;
	return 1;
}
