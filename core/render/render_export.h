/* render_export.h - the launch for other runners: Compose and Kubernetes.
 *
 * Both render the launch model (launch.h), not the docker argv, so every
 * item keeps its meaning (a socket mount becomes a hostPath, a sidecar
 * alias a hostAlias...).  YAML goes through libyaml's emitter (yemit.h);
 * header lines are YAML comments, because libyaml cannot emit comments
 * inside a document.  What a target cannot express is said in such a
 * comment and appended to WARNINGS (may be NULL).  OUT is appended to;
 * -1 with E only when the emitter fails. */
#ifndef WS_RENDER_EXPORT_H
#define WS_RENDER_EXPORT_H

#include "base/err.h"
#include "launch/facts.h"
#include "launch/launch.h"
#include "launch/spec.h"
#include "base/strbuf.h"
#include "base/strvec.h"

int render_compose(struct strbuf *out, const struct launch *l, struct strvec *warnings, struct err *e);
int render_kube(struct strbuf *out, const struct launch *l, struct strvec *warnings, struct err *e);
/* Builds the launch of S with F and renders FORMAT ("compose" or "kube"). */
int render_export(struct strbuf *out, const char *format, const struct spec *s, const struct facts *f,
		  struct strvec *warnings, struct err *e);

/* Appends S as one line of a YAML comment: control characters, invalid
 * UTF-8 and what libyaml takes for a line break become \xNN. */
void render_comment_text(struct strbuf *sb, const char *s);

#endif
