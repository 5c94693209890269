/* test_runner.c - the plan runner without a daemon: its probes ask the fake
 * Engine API (lib_fake_engine), its steps run a fake docker client (a shell
 * script that logs its argv and fails, or hangs, when told to).  Proves the
 * order of steps and of the rollback (newest first, the failed run's own
 * container first), cancel during a step, an undo that fails (leftovers,
 * never "rolled back"), --keep, reuse of the launch's own objects and the
 * refusal of a foreign one before anything runs, and the verification. */
#include "launch/facts.h"
#include "lib_fake_engine.h"
#include "engine/net.h"
#include "launch/plan.h"
#include "run/runner.h"
#include "launch/spec.h"
#include "base/strbuf.h"
#include "t.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static struct fake_engine fe;
static char dir[64], fake_docker[128], log_path[128];

static const char *const FAKE =
	"#!/bin/sh\n"
	"printf '%s\\n' \"$*\" >> \"$FAKE_LOG\"\n"
	"if [ -n \"$FAKE_FAIL\" ]; then case \"$*\" in *\"$FAKE_FAIL\"*)\n"
	"  echo 'Error response from daemon: fake refusal' >&2; exit 1;; esac; fi\n"
	"if [ -n \"$FAKE_FAIL2\" ]; then case \"$*\" in *\"$FAKE_FAIL2\"*)\n"
	"  echo 'Error response from daemon: cannot remove it' >&2; exit 1;; esac; fi\n"
	"if [ -n \"$FAKE_SLOW\" ]; then case \"$*\" in *\"$FAKE_SLOW\"*) : > \"$FAKE_LOG.slow\"; exec sleep 30;; esac; fi\n"
	"[ \"$1\" = exec ] && echo 20.10.24\n"
	"exit 0\n";

static const char *RUNNING =
	"{\"Id\":\"0123456789abcdef0123\",\"Name\":\"/workspace\",\"Config\":{\"Image\":\"ws\","
	"\"Labels\":{\"ws-launch.launch\":\"workspace\"}},\"State\":{\"Status\":\"running\",\"Running\":true}}";

struct watch {
	int cancel;         /* Ctrl-C once the slow child has started */
	volatile int interrupted;
};

/* The "Ctrl-C": set once the fake client says it hangs (LOG.slow). */
static void *ctrl_c(void *arg)
{
	struct watch *w = arg;
	char slow[160];
	snprintf(slow, sizeof(slow), "%s.slow", log_path);
	for (int i = 0; i < 2000 && access(slow, F_OK); i++)
		usleep(5000);
	w->interrupted = 1;
	unlink(slow);
	return NULL;
}

/* The dind plan: network, three volumes, the sidecar, the workspace. */
static void make_plan(struct plan *p)
{
	struct spec s;
	struct facts f;
	struct err e;
	spec_init(&s);
	facts_init(&f);
	s.mode = MODE_DIND;
	spec_set(&s, OPT_PUBLISH, "none", NULL);
	f.image_present = f.dind_image_present = 1;
	f.userns_remap = 0;
	plan_init(p);
	CHECK(plan_build(p, &s, &f, &e) == 0);
	CHECK_INT(p->n, 6);
	spec_release(&s);
	facts_release(&f);
}

static char *read_log(void)
{
	struct strbuf sb = STRBUF_INIT;
	FILE *f = fopen(log_path, "r");
	char line[4096];
	while (f && fgets(line, sizeof(line), f))
		strbuf_addstr(&sb, line);
	if (f)
		fclose(f);
	unlink(log_path);
	return strbuf_detach(&sb, NULL);
}

static char *joined(const struct strvec *v)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 1; i < v->n; i++) /* argv[0] is "docker": the log has the rest */
		strbuf_addf(&sb, "%s%s", i > 1 ? " " : "", v->v[i]);
	return strbuf_detach(&sb, NULL);
}

/* Position of the line of step I's argv (or undo) in LOG, -1 when absent. */
static long pos_of(const char *log, const struct strvec *argv)
{
	char *want = joined(argv);
	const char *p = log;
	long pos = -1;
	for (long n = 0; *p; n++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len == strlen(want) && !strncmp(p, want, len)) {
			pos = n;
			break;
		}
		p = nl ? nl + 1 : p + len;
	}
	free(want);
	return pos;
}

static struct runner *run(struct net *net, const struct plan *p, int keep, struct watch *w)
{
	struct err e;
	struct runner_config cfg = { .plan = p, .keep = keep, .docker = fake_docker, .verify_timeout_ms = 5000,
				     .step_grace_ms = 200 };
	struct runner *r = runner_new(net, &cfg, &e);
	CHECK(r != NULL);
	if (!r)
		return NULL;
	pthread_t th;
	if (w->cancel)
		CHECK(pthread_create(&th, NULL, ctrl_c, w) == 0);
	runner_start(r);
	runner_run(r, NULL, NULL, &w->interrupted);
	if (w->cancel)
		pthread_join(th, NULL);
	return r;
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/ws-runner-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(fake_docker, sizeof(fake_docker), "%s/docker", dir);
	snprintf(log_path, sizeof(log_path), "%s/log", dir);
	FILE *f = fopen(fake_docker, "w");
	CHECK(f != NULL);
	if (!f)
		return t_done("test_runner");
	fputs(FAKE, f);
	fclose(f);
	chmod(fake_docker, 0755);
	if (fake_engine_start(&fe))
		return fprintf(stderr, "test_runner: cannot start the fake engine\n"), 1;
	char cfgdir[128];
	snprintf(cfgdir, sizeof(cfgdir), "%s/cfg", dir);
	mkdir(cfgdir, 0700);
	setenv("DOCKER_CONFIG", cfgdir, 1);
	setenv("DOCKER_HOST", fe.host, 1);
	setenv("FAKE_LOG", log_path, 1);
	unsetenv("DOCKER_CONTEXT");
	struct err e;
	struct net *net = net_new(&e);
	struct plan p;
	make_plan(&p);
	if (p.n != 6)
		return t_done("test_runner");
	const struct step *st = p.steps;
	struct watch none = { 0, 0 };

	/* 1. every object absent: the steps in order, then verification */
	fake_engine_on(&fe, "GET", "/containers/workspace/json", 404, "{\"message\":\"No such container\"}");
	fake_engine_on(&fe, "GET", "/containers/workspace/json", 200, RUNNING);
	struct runner *r = run(net, &p, 0, &none);
	const struct run_result *res = runner_result(r);
	CHECK(res->ok);
	CHECK_STR(res->inner_version, "20.10.24");
	char *log = read_log();
	long last = -1;
	for (size_t i = 0; i < p.n; i++) {
		long at = pos_of(log, &st[i].argv);
		CHECK(at > last);
		last = at;
		CHECK_INT(runner_step(r, i)->state, RS_DONE);
	}
	CHECK_CONTAINS(log, "exec workspace docker version");
	free(log);
	runner_free(r);

	/* 2. the workspace's run fails: its own container, then everything
	 * done, newest first; every undo succeeded, so "rolled back" */
	fake_engine_reset(&fe);
	setenv("FAKE_FAIL", "--name workspace", 1);
	r = run(net, &p, 0, &none);
	res = runner_result(r);
	CHECK(!res->ok && !res->cancelled);
	CHECK_INT(res->failed_step, 5);
	CHECK_CONTAINS(res->message, "fake refusal");
	CHECK_CONTAINS(res->message, "rolled back");
	CHECK_INT(res->leftovers.n, 0);
	log = read_log();
	last = pos_of(log, &st[5].argv);
	CHECK(last >= 0);
	for (long i = 5; i >= 0; i--) {
		long at = pos_of(log, &st[i].undo);
		if (at <= last)
			fprintf(stderr, "undo of step %ld at %ld, after %ld:\n%s", i, at, last, log);
		CHECK(at > last);
		last = at;
	}
	for (size_t i = 0; i < 5; i++)
		CHECK_INT(runner_step(r, i)->state, RS_UNDONE);
	CHECK_INT(runner_step(r, 5)->state, RS_FAILED);
	free(log);
	runner_free(r);

	/* 3. an undo that fails: what is left is said with its command, and the
	 * message does not claim a rollback */
	setenv("FAKE_FAIL2", "volume rm", 1);
	r = run(net, &p, 0, &none);
	res = runner_result(r);
	CHECK(!res->ok);
	CHECK_INT(res->leftovers.n, 3);
	CHECK_CONTAINS(res->leftovers.n ? res->leftovers.v[0] : NULL, "remove it with 'docker volume rm");
	CHECK(!strstr(res->message, "; rolled back") || strstr(res->message, "except"));
	CHECK_INT(runner_step(r, 1)->state, RS_UNDO_FAILED);
	CHECK_INT(runner_step(r, 0)->state, RS_UNDONE); /* the network still went */
	free(read_log());
	runner_free(r);
	unsetenv("FAKE_FAIL2");

	/* 4. --keep: nothing undone */
	r = run(net, &p, 1, &none);
	res = runner_result(r);
	CHECK(!res->ok);
	log = read_log();
	CHECK(!strstr(log, " rm "));
	CHECK(pos_of(log, &st[0].undo) < 0);
	free(log);
	runner_free(r);
	unsetenv("FAKE_FAIL");

	/* 5. Ctrl-C while the sidecar's run hangs: it is stopped after the
	 * grace, everything is undone (its container too, by name), the
	 * workspace never runs */
	setenv("FAKE_SLOW", "--privileged --name dind ", 1);
	struct watch at4 = { 1, 0 };
	r = run(net, &p, 0, &at4);
	res = runner_result(r);
	CHECK(res->cancelled && !res->ok);
	CHECK_INT(runner_step(r, 4)->state, RS_CANCELLED);
	CHECK_INT(runner_step(r, 5)->state, RS_WAITING);
	log = read_log();
	CHECK(pos_of(log, &st[5].argv) < 0);
	if (pos_of(log, &st[4].undo) < 0)
		fprintf(stderr, "log:\n%s", log);
	CHECK(pos_of(log, &st[4].undo) >= 0);
	CHECK(pos_of(log, &st[0].undo) > pos_of(log, &st[1].undo));
	free(log);
	runner_free(r);
	unsetenv("FAKE_SLOW");

	/* 6. the launch's own network is reused; a foreign volume stops the run
	 * before anything else is touched */
	fake_engine_reset(&fe);
	fake_engine_on(&fe, "GET", "/networks/dind", 200,
		       "{\"Name\":\"dind\",\"Id\":\"n1\",\"Labels\":{\"ws-launch.launch\":\"workspace\"}}");
	fake_engine_on(&fe, "GET", "/volumes/ws-dind-certs", 200, "{\"Name\":\"ws-dind-certs\",\"Labels\":null}");
	r = run(net, &p, 0, &none);
	res = runner_result(r);
	CHECK(!res->ok);
	CHECK_INT(runner_step(r, 0)->state, RS_SKIPPED);
	CHECK_CONTAINS(res->message, "ws-dind-certs");
	log = read_log();
	CHECK_STR(log, ""); /* nothing ran, nothing was undone */
	free(log);
	runner_free(r);

	plan_release(&p);
	net_free(net);
	fake_engine_stop(&fe);
	unlink(fake_docker);
	rmdir(cfgdir);
	rmdir(dir);
	return t_done("test_runner");
}
