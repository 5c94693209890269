/* wsenv.h - the workspace's known WS_* variables (Kloud env reference).
 *
 * wsenv_lookup() tells whether NAME is a known variable, a deprecated one
 * (with its replacement), or unknown. */
#ifndef WS_WSENV_H
#define WS_WSENV_H

enum wsenv_status { WSENV_KNOWN, WSENV_DEPRECATED, WSENV_UNKNOWN, WSENV_NOT_WS };

/* REPLACEMENT (may be NULL) receives the new name of a deprecated one. */
enum wsenv_status wsenv_lookup(const char *name, const char **replacement);
/* NULL-terminated list of known names (for completion in the wizard). */
extern const char *const wsenv_known[];

#endif
