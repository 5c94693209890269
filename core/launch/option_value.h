/* option_value.h - an option's value for a launch: the one place that
 * applies "given, else detected, else the default" (docs/ARCHITECTURE.md,
 * "The launch flow").
 *
 * Builds, checks and the wizard all ask here, so a detected socket group,
 * a tcp port or TLS cannot mean one thing in the plan and another on the
 * screen.  What "detected" means per option is the option row's .detect
 * (options.h), or the mode's own .detect (modes.h).  Returned strings point into the spec, the facts, the
 * table or BUF (at least 24 bytes); nothing is allocated. */
#ifndef WS_OPTION_VALUE_H
#define WS_OPTION_VALUE_H

#include <stddef.h>

#include "facts.h"
#include "options.h"
#include "spec.h"

/* The value detected for ID from F (NULL F: nothing), NULL when the facts
 * do not tell. */
const char *option_detected(enum opt_id id, const struct spec *s, const struct facts *f, char *buf, size_t size);
/* Why nothing was detected for ID (the mode's reason, else the socket's
 * for the group), NULL when unknown or when a value was detected. */
const char *option_detect_why(enum opt_id id, const struct spec *s, const struct facts *f);
/* The value S gives ID; else its --minimal default in the docs form; else
 * the detected one; else its default (may be NULL: required, unknown). */
const char *option_value(enum opt_id id, const struct spec *s, const struct facts *f, char *buf, size_t size);
/* option_value() of a boolean: 1, 0, or -1 when unknown. */
int option_value_bool(enum opt_id id, const struct spec *s, const struct facts *f);
/* Writes into S the detected values a profile keeps: the web port chosen
 * for it (a saved launch comes back on the same port). */
void option_value_keep(struct spec *s, const struct facts *f);

#endif
