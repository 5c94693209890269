/* options.h - the single schema of launch options (docs/ARCHITECTURE.md, "The launch flow").
 *
 * One row per option: its CLI flag, its profile key, its wizard label, type,
 * the modes it applies to, its default (plain and under --minimal), the
 * allowed choices, its validator and its help.  The CLI parser, the profile
 * loader/saver, the wizard's Options screen and the help text are all
 * generated from this table (tmux options-table.c style).
 *
 * Values are stored as text.  Special values: "auto" (detected at launch
 * time; never stored) and, for options whose def is "none"-capable, "none"
 * (the feature is off). */
#ifndef WS_OPTIONS_H
#define WS_OPTIONS_H

#include "base/err.h"
#include "mode_id.h"

enum opt_id {
	OPT_IMAGE,
	OPT_NAME,
	OPT_DETACH,
	OPT_PUBLISH,
	OPT_VOLUME,
	OPT_ENV_FILE,
	OPT_PULL,
	OPT_MINIMAL,
	OPT_DATA_VOLUME,
	OPT_USERNS_HOST,
	OPT_SOCKET,
	OPT_GROUP,
	OPT_TCP_HOST,
	OPT_TCP_PORT,
	OPT_TLS,
	OPT_CERT_DIR,
	OPT_SSH_USER,
	OPT_SSH_HOST,
	OPT_SSH_PORT,
	OPT_SSH_AUTH,
	OPT_SSH_KEY,
	OPT_KNOWN_HOSTS,
	OPT_DIND_NETWORK,
	OPT_DIND_SIDECAR,
	OPT_DIND_IMAGE,
	OPT_DIND_TLS,
	OPT_DIND_DATA_VOLUME,
	OPT_DIND_CERTS_VOLUME,
	OPT_VERIFY_HTTP,
	OPT_CPUS,
	OPT_MEMORY,
	OPT_PIDS_LIMIT,
	OPT_SHM_SIZE,
	OPT_DIND_CPUS,
	OPT_DIND_MEMORY,
	OPT_INNER_MIRROR,
	OPT_INNER_INSECURE,
	OPT_INNER_MTU,
	OPT_INNER_POOL,
	OPT_INNER_IPTABLES,
	OPT_VERIFY,
	OPT_VERIFY_IMAGE,
	OPT__COUNT
};

enum opt_type {
	OT_STRING,
	OT_BOOL,   /* "true"/"false"; --flag / --no-flag */
	OT_PORT,   /* 1-65535 */
	OT_CHOICE, /* one of .choices */
};

/* Option flags. */
enum {
	OF_NONE_OK = 1 << 0,  /* "none" turns the feature off (--no-FLAG too) */
	OF_AUTO = 1 << 1,     /* "auto" = detect at launch; default when def is NULL */
	OF_COMMON = 1 << 2,   /* shown in the wizard's common section */
	OF_SECRET = 1 << 3,   /* never echoed */
	OF_ADVANCED = 1 << 4, /* wizard: under "more options" */
	OF_SAVED = 1 << 5,    /* always written to a profile, even at its default */
	OF_SPARSE = 1 << 6,   /* in the normalised launch only when not "none" (added after
			       * launches existed: their digests stay) */
	OF_LIST = 1 << 7,     /* comma-separated values; a repeated flag appends one */
	OF_QUIET_DEF = 1 << 8, /* not in the digest at its default: launches made before the row keep theirs */
};

/* Where an "auto" (OF_AUTO) option's value comes from when it is not given:
 * a fact of the host (struct facts), read by option_detected() in
 * core/launch/option_value.c, the one place that knows these rules. */
enum opt_detect {
	DET_NONE,
	DET_USERNS,       /* the daemon uses userns-remap */
	DET_SOCKET,       /* the endpoint's socket (a mode's .detect may say another) */
	DET_SOCKET_GROUP, /* that socket's group (likewise) */
	DET_TCP_HOST,     /* the host of a tcp:// endpoint */
	DET_TCP_PORT,     /* the endpoint's port when the host is the endpoint's too; else 2376 with TLS, 2375 without */
	DET_TLS,          /* true when a certificate directory is known */
	DET_CERT_DIR,     /* DOCKER_CERT_PATH or the context's TLS material */
	DET_USER,         /* the local login name */
	DET_SSH_AUTH,     /* agent when SSH_AUTH_SOCK is set, else none */
	DET_KNOWN_HOSTS,  /* ~/.ssh/known_hosts when present, else none */
	DET_WEB_PORT,     /* 127.0.0.1:PORT:8080 for the free web port (facts.web_port); else the default */
};

struct option_def {
	enum opt_id id;
	const char *flag;        /* --FLAG */
	const char *key;         /* profile key; "dind.network" = nested */
	const char *label;       /* wizard field label */
	enum opt_type type;
	unsigned modes;          /* MODE_BIT() mask */
	unsigned flags;          /* OF_* */
	enum opt_detect detect;  /* OF_AUTO: where the value comes from */
	const char *def;         /* default text; NULL with OF_AUTO = detected */
	const char *minimal_def; /* default under --minimal, NULL = same as def */
	/* The object is named after the launch: for a launch named N other than
	 * the default "workspace", the default is N followed by DERIVE ("" = N
	 * itself); the default launch and --minimal keep DEF (spec_get). */
	const char *derive;
	const char *const *choices; /* OT_CHOICE: NULL-terminated */
	int (*check)(const char *value, struct err *e); /* extra validation */
	const char *meta;        /* metavariable in help ("NAME") */
	const char *help;        /* one line */
};

extern const struct option_def option_table[OPT__COUNT];

const struct option_def *option_get(enum opt_id id);
/* Finds the option whose flag is FLAG and that applies to MODE (MODE_NONE:
 * any mode; the first match).  NULL when unknown. */
const struct option_def *option_by_flag(const char *flag, enum mode_id mode);
/* Finds by profile key ("dind.tls"). */
const struct option_def *option_by_key(const char *key);
/* Validates VALUE for option DEF (type, choices, none/auto, check).
 * Returns 0 or -1 with a message that does not name the option. */
int option_validate(const struct option_def *def, const char *value, struct err *e);
int option_applies(const struct option_def *def, enum mode_id mode);
/* The MODE_BIT mask of the modes DEF applies to: its row's, and the modes
 * whose rows use it (modes.h .options); MODES_ALL for a common option. */
unsigned option_modes(const struct option_def *def);

/* publish option codec: "BIND:HOSTPORT:CONTAINERPORT" (bind may be
 * [IPv6]) or "HOSTPORT:CONTAINERPORT" or "none". */
struct publish {
	char bind[64];  /* "" = all interfaces */
	int host_port;
	int container_port;
};
int publish_parse(const char *s, struct publish *out, struct err *e);
/* Formats into BUF (at least 96 bytes). */
void publish_format(const struct publish *p, char *buf, unsigned long size);

#endif
