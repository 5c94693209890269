/* cli_progress.h - printing a runner's progress for `up` and `down`. */
#ifndef WS_CLI_PROGRESS_H
#define WS_CLI_PROGRESS_H

#include "cli.h"
#include "run/runner.h"

#define PROGRESS_MAX_STEPS 64

struct strbuf;

struct progress {
	int color, tty;
	size_t log_seen;
	int shown[PROGRESS_MAX_STEPS];
	int bar_shown;
	char last_activity[256];
	char wait_reason[256];    /* not a tty: the waiting reason last written */
	int wait_count;           /* ... and how often it was seen */
	long long wait_first, wait_elapsed;
};

void progress_init(struct progress *pg, const struct cli *cli);
/* Prints what changed since the last call. */
void progress_update(struct progress *pg, struct runner *r);
void progress_done(struct progress *pg);
/* "[#####.....]  45%  12.3 MB / 27.0 MB  3/7 layers" (WIDTH cells of bar). */
void progress_bar_text(const struct run_pull *p, int width, struct strbuf *out);

#endif
