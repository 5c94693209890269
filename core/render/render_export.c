/* render_export.c - spec → launch → Compose or Kubernetes text. */
#include "launch/launch_build.h"
#include "render_export.h"

#include <string.h>

int render_export(struct strbuf *out, const char *format, const struct spec *s, const struct facts *f,
		  struct strvec *warnings, struct err *e)
{
	struct launch l;
	if (launch_build(s, f, &l, e))
		return -1;
	if (warnings)
		for (size_t i = 0; i < l.warnings.n; i++)
			strvec_push(warnings, l.warnings.v[i]);
	int rc = !strcmp(format, "kube") ? render_kube(out, &l, warnings, e) : render_compose(out, &l, warnings, e);
	launch_release(&l);
	return rc;
}
