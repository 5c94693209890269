/* validate.h - field validators shared by the CLI, profiles and the wizard.
 *
 * Each returns 0 when VALUE is acceptable and -1 with a one-line message in
 * E otherwise.  Messages quote the value (via show_value) but never name the
 * field: the caller prefixes "--port", "file:3:7: port" or the wizard label.
 * None of them allocate or touch global state. */
#ifndef WS_VALIDATE_H
#define WS_VALIDATE_H

#include "err.h"

/* Decimal integer in [min, max]; no sign unless min < 0, no spaces. */
int parse_long(const char *s, long min, long max, long *out, struct err *e);
/* TCP port 1-65535. */
int validate_port(const char *s, int *out, struct err *e);
/* Numeric group id 0-4294967294. */
int validate_gid(const char *s, long *out, struct err *e);
/* DNS name (RFC 1123), IPv4 literal, or IPv6 literal (bare or [bracketed]). */
int validate_host(const char *s, struct err *e);
/* IPv4 or IPv6 literal (bind address for -p). */
int validate_ip(const char *s, struct err *e);
/* Docker object name: [a-zA-Z0-9][a-zA-Z0-9_.-]+ ; KIND is "container",
 * "network" or "volume" and appears in the message. */
int validate_docker_name(const char *s, const char *kind, struct err *e);
/* Environment variable name: [A-Za-z_][A-Za-z0-9_]* */
int validate_env_name(const char *s, struct err *e);
/* Absolute path usable as the source of `-v SRC:DST`: starts with '/',
 * no ':' (docker's -v separator), no NUL. */
int validate_mount_path(const char *s, struct err *e);
/* Login name for ssh://USER@HOST: [A-Za-z0-9._][A-Za-z0-9._-]{0,31} */
int validate_ssh_user(const char *s, struct err *e);
/* true/false/yes/no/on/off/1/0 */
int parse_bool(const char *s, int *out, struct err *e);
/* Profile/theme name: [A-Za-z0-9._-]{1,64}, not "." or "..". */
int validate_profile_name(const char *s, struct err *e);
/* Every value from outside (options, env values, profile scalars): valid
 * UTF-8 without C0/C1 control characters or DEL, which could rewrite what a
 * terminal shows of a command.  E names the character and its 1-based
 * position: "control character U+001B at character 2". */
int validate_text(const char *s, struct err *e);

#endif
