/* cmd_profile.c - `ws-launch profile list|show|save|rm`. */
#include "cli.h"
#include "launch/modes.h"
#include "launch/profile.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int profile_list_cmd(struct cli *cli, int argc)
{
	if (argc > 2)
		return cli_usage_error("profile list", "takes no arguments");
	struct profile_entry *list;
	struct err e;
	long n = profile_list(cli->config, &list, &e);
	if (n < 0)
		return cli_fail("profile list", "%s", e.msg);
	if (n == 0) {
		fprintf(stderr, "no profiles yet; save one with 'ws-launch profile save NAME MODE [OPTIONS]'\n");
		return EXIT_OK;
	}
	int w = 4;
	for (long i = 0; i < n; i++)
		if ((int)strlen(list[i].name) > w)
			w = (int)strlen(list[i].name);
	printf("%-*s  %-10s  %-16s  %s\n", w, "NAME", "MODE", "SAVED", "IMAGE");
	int broken = 0;
	for (long i = 0; i < n; i++) {
		char when[32] = "-";
		struct tm tm;
		if (list[i].mtime && localtime_r(&list[i].mtime, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		if (list[i].error) {
			printf("%-*s  %-10s  %-16s  %s\n", w, list[i].name, "(broken)", when, "-");
			fprintf(stderr, "ws-launch: %s\n", list[i].error);
			broken = 1;
		} else {
			printf("%-*s  %-10s  %-16s  %s\n", w, list[i].name, list[i].mode, when, list[i].image);
		}
	}
	profile_list_free(list, n);
	return broken ? EXIT_FAIL : EXIT_OK;
}

static int profile_show_cmd(struct cli *cli, int argc, char **argv)
{
	if (argc != 3)
		return cli_usage_error("profile show", "takes one profile name");
	struct spec s;
	struct err e;
	spec_init(&s);
	if (profile_load(cli->config, argv[2], &s, &e))
		return cli_usage_error(NULL, "%s", e.msg);
	struct strbuf out = STRBUF_INIT;
	int rc = EXIT_OK;
	if (profile_format(&s, &out, &e))
		rc = cli_fail("profile show", "%s", e.msg);
	else
		fwrite(out.buf, 1, out.len, stdout);
	strbuf_release(&out);
	spec_release(&s);
	return rc;
}

enum { F_FORCE };
static const struct cmd_flag profile_flags[] = {
	[F_FORCE] = { "force", 0, 0, NULL, "replace an existing profile (save)" },
	{ NULL, 0, 0, NULL, NULL },
};
extern const struct command cmd_profile_entry;

static int profile_save_cmd(struct cli *cli, int argc, char **argv)
{
	if (argc < 3 || argv[2][0] == '-')
		return cli_usage_error("profile save", "needs a profile name: profile save NAME MODE [OPTIONS]");
	const char *name = argv[2];
	struct err e;
	char *path = profile_path(cli->config, name, &e);
	if (!path)
		return cli_usage_error("profile save", "%s", e.msg);
	free(path);
	struct launch_args la;
	/* argv[2] (NAME) is skipped: parse "save [MODE] [OPTIONS]". */
	char **sub = argv + 2;
	sub[0] = argv[1];
	int rc = cli_parse_launch(cli, argc - 2, sub, &cmd_profile_entry, &la);
	if (rc)
		goto out;
	const int force = la.flags.set[F_FORCE];
	if (!la.have_mode) {
		rc = cli_usage_error("profile save", "which mode? one of %s", mode_names());
		goto out;
	}
	int replace = force || (la.profile && !strcmp(la.profile, name));
	if (!replace && profile_exists(cli->config, name)) {
		rc = cli_usage_error("profile save", "profile %s exists; use --force to replace it", name);
		goto out;
	}
	if ((rc = cli_apply_password(cli, &la)))
		goto out;
	int sr = profile_save(cli->config, name, &la.spec, replace, &e);
	if (sr) {
		/* 1: another save created it since the check above. */
		rc = sr > 0 ? cli_usage_error("profile save", "%s", e.msg) : cli_fail("profile save", "%s", e.msg);
		goto out;
	}
	path = profile_path(cli->config, name, NULL);
	fprintf(stderr, "saved profile %s (%s)\n", name, path);
	free(path);
	rc = EXIT_OK;
out:
	launch_args_release(&la);
	return rc;
}

static int profile_rm_cmd(struct cli *cli, int argc, char **argv)
{
	if (argc != 3)
		return cli_usage_error("profile rm", "takes one profile name");
	struct err e;
	char *path = profile_path(cli->config, argv[2], &e);
	if (!path)
		return cli_usage_error("profile rm", "%s", e.msg);
	free(path);
	if (!profile_exists(cli->config, argv[2]))
		return cli_usage_error("profile rm", "no profile named %s; see 'ws-launch profile list'", argv[2]);
	if (profile_remove(cli->config, argv[2], &e))
		return cli_fail("profile rm", "%s", e.msg);
	fprintf(stderr, "removed profile %s\n", argv[2]);
	return EXIT_OK;
}

static int cmd_profile(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("profile", "needs a subcommand: list, show NAME, save NAME ..., rm NAME");
	const char *sub = argv[1];
	if (!strcmp(sub, "list") || !strcmp(sub, "ls"))
		return profile_list_cmd(cli, argc);
	if (!strcmp(sub, "show"))
		return profile_show_cmd(cli, argc, argv);
	if (!strcmp(sub, "save"))
		return profile_save_cmd(cli, argc, argv);
	if (!strcmp(sub, "rm") || !strcmp(sub, "remove"))
		return profile_rm_cmd(cli, argc, argv);
	char *sv = show_dup(sub, 40);
	int rc = cli_usage_error("profile", "unknown subcommand %s (list, show, save, rm)", sv);
	free(sv);
	return rc;
}

const struct command cmd_profile_entry = {
	"profile", cmd_profile,
	  "ws-launch profile list | show NAME | save NAME [MODE] [OPTIONS] [--force] | rm NAME",
	  "manage saved launches",
	  "Profiles are YAML files in $XDG_CONFIG_HOME/ws-launch/profiles (default\n"
	  "~/.config/ws-launch/profiles).  They store options, not commands: a relaunch\n"
	  "re-detects the socket group and re-checks the host.  'save' refuses to\n"
	  "replace an existing profile unless --force is given or --profile names it.",
	profile_flags, 1, 0,
};
