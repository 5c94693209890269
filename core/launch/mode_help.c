/* mode_help.c - what a mode's own file calls (modes.h): reporting its
 * checks, the shared decisions of the builds.  Below the mode files; the
 * table (modes.c) is above them. */
#include "modes.h"
#include "option_value.h"
#include "base/strbuf.h"

#include <stdarg.h>

void mode_check_set(const struct mode_check_env *env, const struct mode_check *k, enum check_status st,
		    const char *remedy, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	env->set(env->ctx, k, st, remedy, sb.buf);
	strbuf_release(&sb);
}

void mode_check_data(const struct mode_check_env *env, const struct mode_check *k, const char *key,
		     const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	env->data(env->ctx, k, key, sb.buf);
	strbuf_release(&sb);
}

int mode_wants_userns_host(const struct mode_ctx *ctx)
{
	return option_value_bool(OPT_USERNS_HOST, ctx->spec, ctx->facts) == 1;
}

int mode_require(const struct mode_ctx *ctx, enum opt_id id, struct err *e)
{
	const struct option_def *def = option_get(id);
	const struct mode *m = mode_get(ctx->spec->mode);
	return err_set(e, "%s (--%s) is required for mode %s", def->key, def->flag, m ? m->name : "?");
}
