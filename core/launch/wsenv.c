/* wsenv.c - WS_* variables of the workspace image (domain.md §1.5). */
#include "wsenv.h"

#include <string.h>

const char *const wsenv_known[] = {
	"WS_AUTH_DISABLE_SUDO", "WS_AUTH_MODE", "WS_AUTH_OIDC_CLIENT_ID",
	"WS_AUTH_OIDC_CLIENT_SECRET", "WS_AUTH_OIDC_ISSUER", "WS_AUTH_PASSWORD",
	"WS_AUTH_PASSWORD_HASHED", "WS_AUTH_SESSION_TTL", "WS_DOCKER_ENABLE_CLIENT",
	"WS_LOGGING_DIR", "WS_LOGGING_DISABLE_CONSOLE_OUTPUT", "WS_LOGGING_DOCKER_FILE",
	"WS_METRICS_ENABLE", "WS_METRICS_PORT", "WS_SERVER_AUTH_PROXY_PORT", "WS_SERVER_HOST",
	"WS_SERVER_PORT", "WS_SERVER_ROOT", "WS_SERVER_ROOT_DIR", "WS_SERVER_SSL_CERT",
	"WS_SERVER_SSL_HOSTS", "WS_SERVER_SSL_KEY", "WS_SERVER_SSL_ROOT",
	"WS_STARTUP_FAIL_ON_ERROR", "WS_TERMINAL_PROMPT_HIDE_DOCKER_CONTEXT", "WS_ZSH_PLUGINS",
	NULL,
};

static const struct {
	const char *old, *new;
} renamed[] = {
	{ "WS_CONFIGURE_DOCKER", "WS_DOCKER_ENABLE_CLIENT" },
	{ "WS_PASSWORD", "WS_AUTH_PASSWORD" },
	{ "WS_PASSWORD_HASHED", "WS_AUTH_PASSWORD_HASHED" },
	{ "WS_PORT", "WS_SERVER_PORT" },
	{ "WS_ROOT", "WS_SERVER_ROOT" },
	{ "WS_PROMPT_DISABLE_DOCKER", "WS_TERMINAL_PROMPT_HIDE_DOCKER_CONTEXT" },
};

enum wsenv_status wsenv_lookup(const char *name, const char **replacement)
{
	if (replacement)
		*replacement = NULL;
	if (strncmp(name, "WS_", 3))
		return WSENV_NOT_WS;
	for (const char *const *k = wsenv_known; *k; k++)
		if (!strcmp(*k, name))
			return WSENV_KNOWN;
	for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if (!strcmp(renamed[i].old, name)) {
			if (replacement)
				*replacement = renamed[i].new;
			return WSENV_DEPRECATED;
		}
	return WSENV_UNKNOWN;
}
