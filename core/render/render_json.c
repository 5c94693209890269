/* render_json.c - the plan as JSON (schema documented in README.md). */
#include "base/jsonw.h"
#include "launch/modes.h"
#include "render.h"
#include "base/strbuf.h"

static void argv_array(struct jsonw *w, const char *key, const struct strvec *v)
{
	jsonw_key(w, key);
	if (!v->n) {
		jsonw_null(w);
		return;
	}
	jsonw_arr_begin(w);
	for (size_t i = 0; i < v->n; i++)
		jsonw_str(w, v->v[i]);
	jsonw_arr_end(w);
}

static void str_array(struct jsonw *w, const char *key, const struct strvec *v)
{
	jsonw_key(w, key);
	jsonw_arr_begin(w);
	for (size_t i = 0; i < v->n; i++)
		jsonw_str(w, v->v[i]);
	jsonw_arr_end(w);
}

void render_json(struct strbuf *out, const struct plan *p)
{
	struct jsonw w;
	const struct mode *m = mode_get(p->mode);
	jsonw_init(&w, out);
	jsonw_obj_begin(&w);
	jsonw_kint(&w, "version", 1);
	jsonw_kstr(&w, "mode", m ? m->name : NULL);
	jsonw_kbool(&w, "minimal", p->minimal);
	jsonw_kstr(&w, "launch", p->label);
	jsonw_key(&w, "steps");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < p->n; i++) {
		const struct step *st = &p->steps[i];
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "kind", step_kind_name(st->kind));
		jsonw_kstr(&w, "description", st->desc);
		jsonw_kstr(&w, "object", st->object);
		argv_array(&w, "argv", &st->argv);
		argv_array(&w, "probe", &st->probe);
		argv_array(&w, "undo", &st->undo);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	str_array(&w, "warnings", &p->warnings);
	str_array(&w, "notes", &p->notes);
	jsonw_obj_end(&w);
}
