/* launch_build.h - builds the launch model of a spec.
 *
 * launch_build() initialises L and fills it from S and F (F may be NULL:
 * nothing detected).  On error L is left empty (freed) and E says which
 * option is missing or inconsistent, naming its profile key and flag. */
#ifndef WS_LAUNCH_BUILD_H
#define WS_LAUNCH_BUILD_H

#include "base/err.h"
#include "facts.h"
#include "launch.h"
#include "spec.h"

int launch_build(const struct spec *s, const struct facts *f, struct launch *l, struct err *e);

#endif
