/* launch_digest.h - what a launch is, in one line, and its digest
 * (docs/ARCHITECTURE.md, "Relaunch").
 *
 * Every object of a labelled launch carries ws-launch.mode and
 * ws-launch.digest; its containers also carry the normalised launch itself
 * as ws-launch.options, so that a relaunch with other
 * options can say what changed, option by option, without a profile.
 *
 * The normalised launch is "mode=M image=I name=N publish=P ..." - the
 * mode, then every option of the option table that applies to the mode and
 * shapes the objects (not --pull, --no-detach, --minimal, --verify-http, --verify,
 * --verify-image), each as its
 * profile key and its value as given or defaulted ("auto" for a value
 * detected at launch), then each extra variable as env.NAME=sha256:<12 hex>
 * of its value (values are secrets; a passed-through one is env.NAME=
 * "(passed through)").  Spaces and '%' in values are written %20 and %25.
 * The digest is the first 16 hex digits of its SHA-256. */
#ifndef WS_LAUNCH_DIGEST_H
#define WS_LAUNCH_DIGEST_H

#include "base/sha256.h"
#include "spec.h"
#include "base/strbuf.h"
#include "base/strvec.h"

#define LABEL_MODE "ws-launch.mode"
#define LABEL_DIGEST "ws-launch.digest"
#define LABEL_OPTIONS "ws-launch.options"
#define LAUNCH_DIGEST_HEX 16

/* Appends the normalised launch of S to OUT. */
void launch_normalise(const struct spec *s, struct strbuf *out);
/* OUT (LAUNCH_DIGEST_HEX + 1 bytes): the digest of a normalised launch. */
void launch_digest(const char *normalised, char *out);
/* What changed from normalised launch OLD to NEW, one line per option,
 * "publish 127.0.0.1:8080:8080 → 127.0.0.1:9000:8080" ("(none)" for a
 * missing side; "env.FOO changed" for a variable, whose values are not
 * shown), appended to OUT in NEW's order, then what only OLD has. */
void launch_diff(const char *old, const char *new, struct strvec *out);

#endif
