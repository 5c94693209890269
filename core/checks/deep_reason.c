/* deep_reason.c - the cause of an inner dockerd's failure, from its log
 * (deep_reason.h). */
#include "deep_reason.h"
#include "base/show.h"
#include "base/strbuf.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX 240

const char *deep_cause_name(enum deep_cause c)
{
	switch (c) {
	case DEEP_CAUSE_IPTABLES: return "iptables";
	case DEEP_CAUSE_CGROUP: return "cgroup";
	case DEEP_CAUSE_STORAGE: return "storage driver";
	case DEEP_CAUSE_ROOT: return "becoming root";
	case DEEP_CAUSE_OTHER: break;
	}
	return "other";
}

/* Case-insensitive: whether LINE (LEN bytes) contains WORD. */
static int has(const char *line, size_t len, const char *word)
{
	size_t n = strlen(word);
	for (size_t i = 0; i + n <= len; i++) {
		size_t j = 0;
		while (j < n && tolower((unsigned char)line[i + j]) == tolower((unsigned char)word[j]))
			j++;
		if (j == n)
			return 1;
	}
	return 0;
}

static int is_fatal(const char *l, size_t n)
{
	return has(l, n, "level=fatal") || has(l, n, "failed to start daemon") || has(l, n, "level=error");
}

/* The cause a line names, or DEEP_CAUSE_OTHER. */
static enum deep_cause line_cause(const char *l, size_t n)
{
	if (has(l, n, "iptables") || has(l, n, "ip6tables") || has(l, n, "nf_tables") || has(l, n, "xtables"))
		return DEEP_CAUSE_IPTABLES;
	if (has(l, n, "cgroup") && (has(l, n, "read-only") || has(l, n, "permission denied") ||
				    has(l, n, "operation not permitted") || has(l, n, "no such file") ||
				    has(l, n, "not writable")))
		return DEEP_CAUSE_CGROUP;
	if (has(l, n, "cannot become root") || has(l, n, "must be owned by uid 0") ||
	    has(l, n, "effective uid is not 0") || has(l, n, "no new privileges"))
		return DEEP_CAUSE_ROOT;
	if (has(l, n, "graphdriver") || has(l, n, "graph driver") || has(l, n, "storage-driver") ||
	    has(l, n, "storage driver") || (has(l, n, "overlay") && (has(l, n, "not supported") || has(l, n, "failed"))))
		return DEEP_CAUSE_STORAGE;
	return DEEP_CAUSE_OTHER;
}

/* The daemon's words of a log line: its msg="..." when it has one (Go's
 * logrus format), else the whole line; one sanitised line. */
static char *quote(const char *l, size_t n)
{
	const char *m = NULL;
	for (size_t i = 0; i + 5 <= n; i++)
		if (!memcmp(l + i, "msg=\"", 5)) {
			m = l + i + 5;
			break;
		}
	struct strbuf sb = STRBUF_INIT;
	if (m) {
		const char *end = l + n;
		for (const char *p = m; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			strbuf_addch(&sb, *p);
		}
	} else {
		strbuf_add(&sb, l, n);
	}
	show_sanitize(sb.buf, sb.len);
	for (size_t i = 0; i < sb.len; i++)
		if (sb.buf[i] == '\t')
			sb.buf[i] = ' ';
	if (sb.len > QUOTE_MAX) {
		size_t cut = QUOTE_MAX;
		while (cut && ((unsigned char)sb.buf[cut] & 0xc0) == 0x80)
			cut--;   /* not inside a UTF-8 sequence */
		sb.buf[cut] = '\0';
		sb.len = cut;
		strbuf_addstr(&sb, "...");
	}
	return strbuf_detach(&sb, NULL);
}

struct line {
	const char *p;
	size_t n;
};

static size_t split(const char *log, struct line **out)
{
	size_t cap = 0, k = 0;
	*out = NULL;
	for (const char *p = log; p && *p;) {
		size_t n = strcspn(p, "\n");
		size_t t = n;
		while (t && isspace((unsigned char)p[t - 1]))
			t--;
		if (t) {
			if (k == cap) {
				cap = cap ? cap * 2 : 32;
				*out = xrealloc(*out, cap * sizeof(**out));
			}
			(*out)[k++] = (struct line){ p, t };
		}
		p += n + (p[n] == '\n');
	}
	return k;
}

static char *iptables_remedy(const char *l, size_t n, enum mode_id mode)
{
	int dind = mode == MODE_DIND;
	if (has(l, n, "not found") || has(l, n, "no such file or directory"))
		return xstrdup("the image has no iptables: --inner-iptables off (inner containers get no NAT)");
	if (has(l, n, "nf_tables") || has(l, n, "nft"))
		return xstrdup(dind ? "the host kernel lacks nf_tables: --inner-iptables legacy, or --inner-iptables off"
				    : "the host kernel lacks nf_tables: sudo modprobe nf_tables on the host, or --inner-iptables off");
	if (has(l, n, "legacy") || has(l, n, "ip_tables") || has(l, n, "table does not exist") ||
	    has(l, n, "modprobe"))
		return xstrdup(dind ? "the host kernel lacks ip_tables: --inner-iptables nft, or sudo modprobe ip_tables "
				      "iptable_nat on the host, or --inner-iptables off"
				    : "the host kernel lacks ip_tables: sudo modprobe ip_tables iptable_nat on the host, or "
				      "--inner-iptables off");
	return xstrdup(dind ? "--inner-iptables nft or legacy to match the host's firewall, or --inner-iptables off"
			    : "--inner-iptables off, or load the host's iptables modules (sudo modprobe ip_tables iptable_nat)");
}

void deep_reason_read(const char *log, enum mode_id mode, struct deep_reason *r)
{
	struct line *ls;
	size_t k = split(log, &ls);
	const struct line *hit = NULL;
	enum deep_cause cause = DEEP_CAUSE_OTHER;
	/* the fatal lines first, newest first; then any line naming a cause */
	for (int pass = 0; pass < 2 && !hit; pass++)
		for (size_t i = k; i-- > 0;) {
			if (pass == 0 && !is_fatal(ls[i].p, ls[i].n))
				continue;
			enum deep_cause c = line_cause(ls[i].p, ls[i].n);
			if (c != DEEP_CAUSE_OTHER) {
				hit = &ls[i];
				cause = c;
				break;
			}
		}
	r->cause = cause;
	r->remedy = NULL;
	if (hit) {
		char *q = quote(hit->p, hit->n);
		r->finding = xasprintf("%s: %s", deep_cause_name(cause), q);
		free(q);
		if (cause == DEEP_CAUSE_IPTABLES)
			r->remedy = iptables_remedy(hit->p, hit->n, mode);
		else if (cause == DEEP_CAUSE_CGROUP)
			r->remedy = xstrdup(mode == MODE_SYSBOX
				? "the sysbox runtime gives the container its own cgroup: is sysbox-mgr running (systemctl status sysbox)?"
				: "the inner daemon needs a writable cgroup: use sysbox mode, or a host whose cgroup v2 mount "
				  "--privileged containers may write");
		else if (cause == DEEP_CAUSE_ROOT)
			r->remedy = xstrdup("the workspace starts its dockerd as root (sudo): on a userns-remap daemon its "
					    "image's files belong to the remapped root and setuid is lost; use a daemon "
					    "without userns-remap, or sysbox mode");
		else
			r->remedy = xstrdup("the inner /var/lib/docker must be on a volume whose filesystem supports "
					    "overlay (the launch's data volume is; not a bind mount of overlayfs or tmpfs)");
		free(ls);
		return;
	}
	/* no cause named: the daemon's fatal line, else its last lines */
	const struct line *fatal = NULL;
	for (size_t i = k; i-- > 0 && !fatal;)
		if (is_fatal(ls[i].p, ls[i].n))
			fatal = &ls[i];
	struct strbuf sb = STRBUF_INIT;
	if (fatal) {
		char *q = quote(fatal->p, fatal->n);
		strbuf_addstr(&sb, q);
		free(q);
	} else {
		for (size_t i = k > 3 ? k - 3 : 0; i < k; i++) {
			char *q = quote(ls[i].p, ls[i].n);
			strbuf_addf(&sb, "%s%s", sb.len ? " | " : "", q);
			free(q);
		}
	}
	r->finding = sb.len ? xasprintf("its log ends: %s", sb.buf) : xstrdup("its log is empty");
	strbuf_release(&sb);
	free(ls);
}

void deep_reason_release(struct deep_reason *r)
{
	free(r->finding);
	free(r->remedy);
	r->finding = r->remedy = NULL;
}
