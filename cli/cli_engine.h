/* cli_engine.h - what the day-two commands share (ps, logs, shell, open,
 * stop, start, upgrade, down): the endpoint resolved like the docker CLI,
 * an Engine API target and a curl multi handle, the launch picked with
 * --name NAME or --profile NAME, and the launches found by label.
 * Messages are printed here (this is the CLI layer); functions return an
 * exit code, EXIT_OK on success. */
#ifndef WS_CLI_ENGINE_H
#define WS_CLI_ENGINE_H

#include "cli.h"
#include "engine/endpoint.h"
#include "engine/engine.h"
#include "launch/facts.h"
#include "launch/launches.h"
#include "engine/net.h"

struct cli_engine {
	struct endpoint ep;
	struct engine_target t;
	struct net *net;
	int target_ok;
};

/* Resolves the endpoint and opens the target; WHAT names the command in
 * messages.  cli_engine_close() in every case. */
int cli_engine_open(struct cli_engine *ce, const char *what);
void cli_engine_close(struct cli_engine *ce);
/* The launches on the endpoint (ONLY: one name, NULL: all) into OUT,
 * waiting at most TIMEOUT_MS. */
int cli_engine_launches(struct cli_engine *ce, const char *what, const char *only, long timeout_ms,
			struct launches *out);
/* The launch name from --profile P (its container name) or --name N
 * (default "workspace"), validated; *LABEL malloc'd. */
int cli_launch_name(const struct cli *cli, const char *what, const char *profile, const char *name, char **label);
/* The docker client to run: $WS_LAUNCH_DOCKER, else "docker". */
const char *cli_docker(void);
/* http://HOST:PORT/ for launch S (its published port, the endpoint's host
 * for a remote daemon), NULL when not published.  Malloc'd. */
char *cli_launch_url(const struct cli_engine *ce, const struct launch_seen *s);

/* Whether image REF is present on the endpoint (GET /images/REF/json,
 * at most TIMEOUT_MS): 1, 0, or -1 with E when the daemon did not say. */
int cli_image_present(struct cli_engine *ce, const char *ref, long timeout_ms, struct err *e);

/* With --pull auto, asks the daemon (at most TIMEOUT_MS) whether the
 * workspace image (and dind's) is present, into F: then `print` shows the
 * pull step exactly when `up` and the wizard's Review would run one; and,
 * with no --port/--publish, the web port `up` would choose (facts.web_port).
 * Silent: an unreachable daemon leaves them unknown. */
void cli_image_facts(const struct spec *s, struct facts *f, long timeout_ms);

#endif
