/* cmd_themes.c - `ws-launch themes`: the colour themes --theme accepts,
 * each with the file it comes from (the shell completions ask this, so
 * they work wherever the package was installed). */
#include "cli.h"
#include "base/strvec.h"
#include "theme/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct command cmd_themes_entry;

static int cmd_themes(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	if (cli_parse_flags(&cmd_themes_entry, argc, argv, &a))
		return EXIT_USAGE;
	struct strvec names = STRVEC_INIT, paths = STRVEC_INIT;
	theme_list(cli->config, &names, &paths);
	if (!names.n) {
		struct strvec dirs = STRVEC_INIT;
		theme_dirs(cli->config, &dirs);
		fprintf(stderr, "ws-launch: themes: no theme files found in:\n");
		for (size_t i = 0; i < dirs.n; i++) {
			char *d = cli_clean(dirs.v[i]);
			fprintf(stderr, "  %s\n", d);
			free(d);
		}
		strvec_release(&dirs);
		return EXIT_FAIL;
	}
	int w = 4;
	for (size_t i = 0; i < names.n; i++)
		if ((int)strlen(names.v[i]) > w)
			w = (int)strlen(names.v[i]);
	printf("%-*s  %s\n", w, "NAME", "FILE");
	for (size_t i = 0; i < names.n; i++) {
		char *p = cli_clean(paths.v[i]);
		printf("%-*s  %s\n", w, names.v[i], p);
		free(p);
	}
	strvec_release(&names);
	strvec_release(&paths);
	return EXIT_OK;
}

const struct command cmd_themes_entry = {
	"themes", cmd_themes, "ws-launch themes", "list the colour themes",
	  "Lists the themes --theme (and $WS_LAUNCH_THEME) accepts, each with the\n"
	  "file it is read from: $XDG_CONFIG_HOME/ws-launch/themes first, then the\n"
	  "shipped ones next to the installed binary (PREFIX/share/ws-launch/themes).",
	NULL, 0, 0,
};
