/* limits.h - resource limits of a launch's containers: --cpus, --memory,
 * --pids-limit, --shm-size (and --dind-cpus, --dind-memory for the dind
 * sidecar), as docker run takes them.
 *
 * The parsers accept what they validate and nothing else: CPUS is a
 * positive decimal with at most three decimals (docker's NanoCpus is
 * CPUS x 1e9); a SIZE is a number, optionally with decimals, and an
 * optional unit b, k, m or g (case-insensitive, 1024-based, as docker's
 * RAMInBytes).  Errors do not name the option.  Nothing allocates. */
#ifndef WS_LIMITS_H
#define WS_LIMITS_H

#include "base/err.h"
#include "launch.h"
#include "spec.h"

#include <stddef.h>

int limits_parse_cpus(const char *v, long *millicpus, struct err *e);
int limits_parse_size(const char *v, long long *bytes, struct err *e);

/* Option validators (options.c). */
int limits_check_cpus(const char *v, struct err *e);
int limits_check_memory(const char *v, struct err *e);
int limits_check_size(const char *v, struct err *e);
int limits_check_pids(const char *v, struct err *e);

/* Adds the limits SPEC gives to C: the workspace's four, or for the
 * sidecar --dind-cpus and --dind-memory. */
void limits_add(struct container *c, const struct spec *s);

/* Kubernetes quantities: "1500m" for 1.5 CPUs; a size as whole Gi when it
 * is one, else Mi rounded up.  BUF of at least 24 bytes; "" when V does
 * not parse. */
void limits_kube_cpu(const char *v, char *buf, size_t size);
void limits_kube_size(const char *v, char *buf, size_t size);

#endif
