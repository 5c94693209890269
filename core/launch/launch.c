/* launch.c - the launch model container. */
#include "launch.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

void launch_init(struct launch *l)
{
	memset(l, 0, sizeof(*l));
	l->mode = MODE_NONE;
	strvec_init(&l->networks);
	strvec_init(&l->pulls);
	strvec_init(&l->warnings);
	strvec_init(&l->notes);
}

void launch_release(struct launch *l)
{
	for (size_t i = 0; i < l->ncontainers; i++) {
		struct container *c = l->containers[i];
		for (size_t j = 0; j < c->nopts; j++) {
			free(c->opts[j].a);
			free(c->opts[j].b);
		}
		free(c->opts);
		free(c->name);
		free(c->image);
		strvec_release(&c->cmd);
		free(c);
	}
	free(l->containers);
	for (size_t i = 0; i < l->nvolumes; i++)
		free(l->volumes[i].name);
	free(l->volumes);
	free(l->label);
	free(l->digest);
	free(l->options);
	free(l->daemon_json);
	free(l->daemon_json_path);
	strvec_release(&l->networks);
	strvec_release(&l->pulls);
	strvec_release(&l->warnings);
	strvec_release(&l->notes);
	launch_init(l);
}

struct container *launch_add_container(struct launch *l, enum container_role role,
				       const char *name, const char *image)
{
	l->containers = xrealloc(l->containers, (l->ncontainers + 1) * sizeof(*l->containers));
	struct container *c = xcalloc(1, sizeof(*c));
	l->containers[l->ncontainers++] = c;
	c->role = role;
	c->name = name ? xstrdup(name) : NULL;
	c->image = xstrdup(image);
	strvec_init(&c->cmd);
	return c;
}

struct container *launch_workspace(struct launch *l)
{
	for (size_t i = 0; i < l->ncontainers; i++)
		if (l->containers[i]->role == ROLE_WORKSPACE)
			return l->containers[i];
	return NULL;
}

void launch_add_volume(struct launch *l, const char *name, enum volume_use use)
{
	for (size_t i = 0; i < l->nvolumes; i++)
		if (!strcmp(l->volumes[i].name, name))
			return;
	l->volumes = xrealloc(l->volumes, (l->nvolumes + 1) * sizeof(*l->volumes));
	l->volumes[l->nvolumes].name = xstrdup(name);
	l->volumes[l->nvolumes].use = use;
	l->nvolumes++;
}

void container_add(struct container *c, enum run_kind kind, const char *a, const char *b)
{
	c->opts = xrealloc(c->opts, (c->nopts + 1) * sizeof(*c->opts));
	struct run_opt *o = &c->opts[c->nopts++];
	o->kind = kind;
	o->a = a ? xstrdup(a) : NULL;
	o->b = b ? xstrdup(b) : NULL;
	o->ro = 0;
	o->use = MNT_WORKSPACE;
}

void container_add_mount(struct container *c, const char *src, const char *dst, int ro, enum mount_use use)
{
	container_add(c, RK_MOUNT, src, dst);
	c->opts[c->nopts - 1].ro = ro;
	c->opts[c->nopts - 1].use = use;
}

void container_add_env(struct container *c, const char *name, const char *value)
{
	container_add(c, RK_ENV, name, value);
}

const struct run_opt *container_find(const struct container *c, enum run_kind kind, const char *a)
{
	for (size_t i = 0; i < c->nopts; i++)
		if (c->opts[i].kind == kind && (!a || (c->opts[i].a && !strcmp(c->opts[i].a, a))))
			return &c->opts[i];
	return NULL;
}

void container_insert_after(struct container *c, enum run_kind after, enum run_kind kind,
			    const char *a, const char *b)
{
	size_t at = 0;
	for (size_t i = 0; i < c->nopts; i++)
		if (c->opts[i].kind == after) {
			at = i + 1;
			break;
		}
	container_add(c, kind, a, b);
	struct run_opt o = c->opts[c->nopts - 1];
	memmove(&c->opts[at + 1], &c->opts[at], (c->nopts - 1 - at) * sizeof(o));
	c->opts[at] = o;
}
