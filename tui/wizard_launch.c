/* wizard_launch.c - the launch the wizard is building, shared by its
 * screens: checks, plan, password, profiles, the clipboard (wizard.h). */
#include "wizard.h"
#include "checks/checks.h"
#include "cli.h"
#include "launch/modes.h"
#include "launch/options.h"
#include "base/strbuf.h"
#include "engine/net.h"
#include "base/paths.h"
#include "launch/profile.h"
#include "base/proc.h"
#include "render/render.h"
#include "run/runner.h"
#include "launch/secret.h"
#include "base/strvec.h"
#include "ui_draw.h"
#include "ui_overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- shared launch state ------------------------------------------------------------ */

const char *wizard_launch_name(const struct app *app)
{
	return spec_is_none(&app->spec, OPT_NAME) ? "workspace" : spec_get(&app->spec, OPT_NAME);
}

int wizard_checks_start(struct app *app, unsigned modes)
{
	struct err e;
	checker_free(app->checker);
	app->checker = NULL;
	const char *reg = getenv("WS_LAUNCH_REGISTRY");
	struct checker_config cfg = {
		.spec = &app->spec, .modes = modes, .registry_url = reg && *reg ? reg : NULL,
	};
	app->checker = checker_new(app->net, &cfg, &e);
	if (!app->checker) {
		wizard_status(app, TR_FAIL, "cannot run the checks: %s", e.msg);
		return -1;
	}
	app->checker_modes = modes;
	app->checker_gen = 0;
	checker_start(app->checker);
	app->dirty |= R_DRAW;
	return 0;
}

void wizard_checks_cancel(struct app *app)
{
	if (app->checker && !checker_done(app->checker))
		checker_cancel(app->checker);
}

int wizard_build_plan(struct app *app, struct err *e)
{
	struct spec s;
	spec_init(&s);
	spec_copy(&s, &app->spec);
	if (app->password && *app->password) {
		/* where wizard_apply_password() will write it */
		char *dir = paths_config_sub(app->cli->config, "secrets", NULL);
		if (dir) {
			char *p = xasprintf("%s/%s.env", dir, wizard_launch_name(app));
			spec_set(&s, OPT_ENV_FILE, p, NULL);
			free(p);
		}
		free(dir);
	}
	facts_detect_local(&app->facts, &s);
	if (app->checker)
		checker_fill_facts(app->checker, &app->facts);
	plan_release(&app->plan);
	app->have_plan = 0;
	int rc = plan_build(&app->plan, &s, &app->facts, e);
	spec_release(&s);
	if (rc == 0)
		app->have_plan = 1;
	return rc;
}

int wizard_apply_password(struct app *app, struct err *e)
{
	if (!app->password || !*app->password)
		return 0;
	char *path = NULL;
	if (secret_write_env(app->cli->config, wizard_launch_name(app), app->password, &path, e))
		return -1;
	int rc = spec_set(&app->spec, OPT_ENV_FILE, path, e);
	free(path);
	return rc;
}

int wizard_load_profile(struct app *app, const char *name)
{
	struct spec s;
	struct err e;
	spec_init(&s);
	if (profile_load(app->cli->config, name, &s, &e)) {
		wizard_status(app, TR_FAIL, "%s", e.msg);
		return -1;
	}
	spec_release(&app->spec);
	app->spec = s;
	free(app->profile);
	app->profile = xstrdup(name);
	free(app->password);
	app->password = NULL;
	return 0;
}

int wizard_copy(struct app *app, const char *text, size_t len)
{
	(void)app;
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "\033]52;c;");
	const unsigned char *p = (const unsigned char *)text;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		strbuf_addch(&sb, b64[(v >> 18) & 63]);
		strbuf_addch(&sb, b64[(v >> 12) & 63]);
		strbuf_addch(&sb, i + 1 < len ? b64[(v >> 6) & 63] : '=');
		strbuf_addch(&sb, i + 2 < len ? b64[v & 63] : '=');
	}
	strbuf_addch(&sb, '\a');
	/* curses has flushed its frame (we are between doupdate()s) and OSC 52
	 * neither moves the cursor nor draws: safe to write directly. */
	fflush(stdout);
	size_t off = 0;
	int rc = 0;
	while (off < sb.len) {
		ssize_t n = write(STDOUT_FILENO, sb.buf + off, sb.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	strbuf_release(&sb);
	return rc;
}

/* "--host with an address": the word after a flag is prose, not its value */
static int prose_word(const char *w, size_t n)
{
	static const char *const words[] = { "a", "an", "and", "for", "in", "is", "of", "on", "or", "so", "the", "to",
					     "with" };
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && !strncmp(w, words[i], n))
			return 1;
	return 0;
}

char *wizard_remedy(const char *remedy)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = remedy;
	while (*p) {
		const char *dash = strstr(p, "--");
		if (!dash || (dash > remedy && dash[-1] != ' ' && dash[-1] != '(' && dash[-1] != '\'')) {
			size_t n = dash ? (size_t)(dash - p) + 2 : strlen(p);
			strbuf_add(&out, p, n);
			p += n;
			continue;
		}
		strbuf_add(&out, p, (size_t)(dash - p));
		size_t fl = strcspn(dash + 2, " ,;)'");
		char *flag = xstrndup(dash + 2, fl);
		const struct option_def *d = option_by_flag(flag, MODE_NONE);
		if (!d && !strncmp(flag, "no-", 3))
			d = option_by_flag(flag + 3, MODE_NONE);
		p = dash + 2 + fl;
		if (d) {
			/* "pass --socket PATH": a field is set, not passed */
			if (out.len >= 5 && !strcmp(out.buf + out.len - 5, "pass ")) {
				strbuf_setlen(&out, out.len - 5);
				strbuf_addstr(&out, "set ");
			}
			strbuf_addf(&out, "the %s field", d->label);
			/* and its metavariable (" HOST", " DIR": dropped) or its value
			 * (" ghcr.io/…:v1": "set to" it) */
			const char *q = p;
			if (*q == ' ' && q[1] && !strchr(" ,;)'-", q[1])) {
				size_t ml = strcspn(q + 1, " ,;)'");
				int upper = 1;
				for (size_t k = 1; k <= ml; k++)
					upper &= (q[k] >= 'A' && q[k] <= 'Z') || q[k] == '_';
				if (upper)
					p = q + 1 + ml;
				else if (d->meta && !prose_word(q + 1, ml))
					strbuf_addstr(&out, " set to");
			}
		} else {
			strbuf_addf(&out, "--%s", flag);
		}
		free(flag);
	}
	return strbuf_detach(&out, NULL);
}
