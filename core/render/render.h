/* render.h - plan renderers.
 *
 * Each appends to OUT (a caller-owned strbuf) and cannot fail:
 *   render_shell  - copy-paste commands, one per step, folded with " \"
 *                   and quoted so bash and sh re-read the plan's argv;
 *   render_json   - the plan as data (stable, documented in README);
 * The compose and kube renderers work from the launch model (launch.h).
 *
 * Part core/render/: the renderers: shell and JSON plans, Compose and Kubernetes exports.
 * Layer: may include base engine launch (docs/ARCHITECTURE.md "core/, by part").
 */
#ifndef WS_RENDER_H
#define WS_RENDER_H

#include "launch/plan.h"

struct strbuf;

void render_shell(struct strbuf *out, const struct plan *p);
/* One step only (the wizard's Review and Run screens). */
void render_shell_step(struct strbuf *out, const struct step *st);
void render_json(struct strbuf *out, const struct plan *p);

#endif
