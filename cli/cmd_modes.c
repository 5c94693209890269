/* cmd_modes.c - `ws-launch modes`: every mode and its trade-offs. */
#include "cli.h"
#include "base/jsonw.h"
#include "launch/modes.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <string.h>

static const char *const short_titles[TO__COUNT] = {
	[TO_PRIVILEGED] = "PRIVILEGED", [TO_TAKEOVER] = "HOST TAKEOVER", [TO_ISOLATED] = "ISOLATED",
	[TO_NEEDS] = "NEEDS", [TO_PERSIST] = "INNER IMAGES",
};

enum { F_JSON };
static const struct cmd_flag modes_flags[] = {
	[F_JSON] = { "json", 0, 0, NULL, "machine-readable output" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_modes_entry;

static int cmd_modes(struct cli *cli, int argc, char **argv)
{
	struct cmd_args a;
	if (cli_parse_flags(&cmd_modes_entry, argc, argv, &a))
		return EXIT_USAGE;
	int json = a.set[F_JSON];
	if (json) {
		struct strbuf sb = STRBUF_INIT;
		struct jsonw w;
		jsonw_init(&w, &sb);
		jsonw_arr_begin(&w);
		for (int m = 0; m < MODE__COUNT; m++) {
			const struct mode *md = mode_get(m);
			jsonw_obj_begin(&w);
			jsonw_kstr(&w, "id", md->name);
			jsonw_kstr(&w, "title", md->title);
			jsonw_kstr(&w, "summary", md->summary);
			jsonw_kint(&w, "rank", md->rank);
			jsonw_kstr(&w, "example", md->example ? md->example : "");
			jsonw_key(&w, "tradeoffs");
			jsonw_obj_begin(&w);
			for (int t = 0; t < TO__COUNT; t++)
				jsonw_kstr(&w, tradeoff_titles[t], md->tradeoffs[t]);
			jsonw_obj_end(&w);
			jsonw_key(&w, "checks");
			jsonw_arr_begin(&w);
			for (const char *const *c = md->checks; *c; c++)
				jsonw_str(&w, *c);
			jsonw_arr_end(&w);
			jsonw_obj_end(&w);
		}
		jsonw_arr_end(&w);
		fputs(sb.buf, stdout);
		strbuf_release(&sb);
		return EXIT_OK;
	}
	const char *bold = cli->color_out ? "\033[1m" : "", *red = cli->color_out ? "\033[31m" : "",
		   *off = cli->color_out ? "\033[0m" : "";
	for (int m = 0; m < MODE__COUNT; m++)
		printf("%s%-11s%s %s\n", bold, mode_get(m)->name, off, mode_get(m)->summary);
	int width[TO__COUNT];
	for (int t = 0; t < TO__COUNT; t++) {
		width[t] = (int)strlen(short_titles[t]);
		for (int m = 0; m < MODE__COUNT; m++) {
			int w = (int)strlen(mode_get(m)->tradeoffs[t]);
			if (w > width[t])
				width[t] = w;
		}
	}
	printf("\n%s%-11s", bold, "MODE");
	for (int t = 0; t < TO__COUNT; t++)
		printf(" %-*s", t + 1 < TO__COUNT ? width[t] : 0, short_titles[t]);
	printf("%s\n", off);
	for (int m = 0; m < MODE__COUNT; m++) {
		printf("%-11s", mode_get(m)->name);
		for (int t = 0; t < TO__COUNT; t++) {
			const char *v = mode_get(m)->tradeoffs[t];
			int w = t + 1 < TO__COUNT ? width[t] : 0;
			if (mode_get(m)->bad[t])
				printf(" %s%-*s%s", red, w, v, off);
			else
				printf(" %-*s", w, v);
		}
		printf("\n");
	}
	printf("\nRecommended when ready, most isolated first: %s.\n'ws-launch print MODE' shows the commands.\n",
	       mode_order_text());
	return EXIT_OK;
}

const struct command cmd_modes_entry = {
	"modes", cmd_modes, "ws-launch modes [--json]", "every mode and its trade-offs",
	  "Lists the ways of giving the workspace Docker (the mode table), what each needs on this\n"
	  "host and what each risks.",
	modes_flags, 0, 0,
};
