/* test_deep_reason.c - check --deep's reading of an inner dockerd's log
 * (core/checks/deep_reason.h): each cause from real daemons' fatal lines,
 * the remedy per mode, the fallbacks, and hostile bytes kept to one line. */
#include "checks/deep_reason.h"
#include "t.h"

static void reads(const char *log, enum mode_id mode, enum deep_cause cause, const char *finding,
		  const char *remedy)
{
	struct deep_reason r;
	deep_reason_read(log, mode, &r);
	if (r.cause != cause)
		fprintf(stderr, "log [%s]: cause %s, want %s\n", log, deep_cause_name(r.cause), deep_cause_name(cause));
	CHECK_INT(r.cause, cause);
	CHECK_CONTAINS(r.finding, finding);
	if (remedy)
		CHECK_CONTAINS(r.remedy, remedy);
	else
		CHECK(r.remedy == NULL);
	CHECK(!strchr(r.finding, '\n') && !strchr(r.finding, '\033'));
	deep_reason_release(&r);
}

int main(void)
{
	/* Docker 20.10 in an image without iptables */
	reads("time=\"2026-12-07T10:00:00Z\" level=info msg=\"Loading containers: start.\"\n"
	      "failed to start daemon: Error initializing network controller: error obtaining controller instance: "
	      "failed to create NAT chain DOCKER: Iptables not found\n",
	      MODE_PRIVILEGED, DEEP_CAUSE_IPTABLES, "iptables: failed to start daemon: Error initializing network",
	      "--inner-iptables off");
	/* a host without nf_tables: the sidecar may switch to legacy, the workspace cannot */
	const char *nft = "time=\"x\" level=error msg=\"failed to start daemon: iptables v1.8.9 (nf_tables): "
			  "Could not fetch rule set generation id: Invalid argument\"\n";
	reads(nft, MODE_DIND, DEEP_CAUSE_IPTABLES, "iptables: failed to start daemon: iptables v1.8.9 (nf_tables)",
	      "--inner-iptables legacy");
	reads(nft, MODE_PRIVILEGED, DEEP_CAUSE_IPTABLES, "(nf_tables)", "sudo modprobe nf_tables");
	/* legacy without the ip_tables module */
	reads("level=fatal msg=\"failed to start daemon: iptables v1.8.7 (legacy): can't initialize iptables table "
	      "`nat': Table does not exist (do you need to insmod?)\"\n",
	      MODE_DIND, DEEP_CAUSE_IPTABLES, "(legacy)", "--inner-iptables nft");
	/* cgroup v2 mounted read-only */
	reads("level=info msg=\"starting up\"\n"
	      "level=fatal msg=\"failed to start daemon: Devices cgroup isn't mounted\"\n"
	      "mkdir /sys/fs/cgroup/init: read-only file system\n",
	      MODE_PRIVILEGED, DEEP_CAUSE_CGROUP, "cgroup: mkdir /sys/fs/cgroup/init: read-only file system",
	      "writable cgroup");
	reads("level=error msg=\"cgroup mountpoint: permission denied\"\n", MODE_SYSBOX, DEEP_CAUSE_CGROUP, "cgroup:",
	      "sysbox-mgr");
	/* overlay on overlay */
	reads("level=error msg=\"failed to mount overlay: invalid argument\" storage-driver=overlay2\n"
	      "level=fatal msg=\"failed to start daemon: error initializing graphdriver: driver not supported\"\n",
	      MODE_PRIVILEGED, DEEP_CAUSE_STORAGE,
	      "storage driver: failed to start daemon: error initializing graphdriver: driver not supported",
	      "supports overlay");
	/* the workspace could not become root (sudo, or the stand-in's setuid helper) */
	reads("wsl-rootcmd: cannot become root (no-new-privileges? not installed setuid?): Operation not permitted\n"
	      "ws-entrypoint: could not start dockerd (see /var/log/workspace/dockerd.log)\n",
	      MODE_PRIVILEGED, DEEP_CAUSE_ROOT, "becoming root: wsl-rootcmd: cannot become root", "userns-remap");
	reads("sudo: /usr/bin/sudo must be owned by uid 0 and have the setuid bit set\n", MODE_PRIVILEGED,
	      DEEP_CAUSE_ROOT, "must be owned by uid 0", "sysbox mode");
	/* no named cause: the fatal line, else the last three lines */
	reads("level=info msg=a\nlevel=fatal msg=\"failed to start daemon: pid file found, ensure docker is not "
	      "running or delete /var/run/docker.pid\"\nlevel=info msg=b\n",
	      MODE_PRIVILEGED, DEEP_CAUSE_OTHER, "its log ends: failed to start daemon: pid file found", NULL);
	reads("one\ntwo\nthree\nfour\n", MODE_PRIVILEGED, DEEP_CAUSE_OTHER, "its log ends: two | three | four", NULL);
	reads("", MODE_DIND, DEEP_CAUSE_OTHER, "its log is empty", NULL);
	reads("\n\n  \n", MODE_DIND, DEEP_CAUSE_OTHER, "its log is empty", NULL);
	/* hostile bytes: escapes and controls become '?', a long line is cut */
	reads("level=fatal msg=\"\033[2Jboom\ttab\"\n", MODE_PRIVILEGED, DEEP_CAUSE_OTHER, "?[2Jboom tab", NULL);
	char big[2048];
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	struct deep_reason r;
	deep_reason_read(big, MODE_PRIVILEGED, &r);
	CHECK(strlen(r.finding) < 800);
	CHECK_CONTAINS(r.finding, "...");
	deep_reason_release(&r);
	return t_done("test_deep_reason");
}
