/* test-kube.c: unit tests for kube/yaml and kube/spec: documents, line and column in parse
 * errors, anchors and aliases (and the cap on copies), duplicate keys, the typed reading of
 * Pods, Deployments, DaemonSets, Jobs, PersistentVolumeClaims, ConfigMaps and Secrets (Kubernetes'
 * types: a quoted number is no integer, a plain number no string), the warnings naming every field
 * not applied, and base64. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/spec.h"
#include "kube/yaml.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

#include "../fuzz/fuzz-kube-yaml.c"

static int parse(const char *text, struct pm_ynode ***docs, size_t *n, pm_error **err)
{
	return pm_yaml_parse(text, strlen(text), docs, n, err);
}

static void test_documents(void **state)
{
	(void)state;
	struct pm_ynode **d = NULL;
	size_t n = 0;
	assert_int_equal(parse("a: 1\n---\n---\n- x\n- 'y'\n", &d, &n, NULL), 0);
	assert_int_equal(n, 2); /* the empty document is skipped */
	assert_int_equal(d[0]->kind, PM_Y_MAP);
	assert_string_equal(d[0]->keys[0], "a");
	assert_int_equal(d[1]->kind, PM_Y_SEQ);
	assert_true(d[1]->items[0]->plain);
	assert_false(d[1]->items[1]->plain);
	assert_int_equal(d[1]->items[1]->line, 5);
	pm_ynode_list_free(d, n);
}

static void expect_error(const char *text, const char *want)
{
	struct pm_ynode **d = NULL;
	size_t n = 0;
	pm_error *err = NULL;
	assert_int_equal(parse(text, &d, &n, &err), -EINVAL);
	assert_non_null(err);
	if (!strstr(err->msg, want))
		fail_msg("'%s': error '%s' lacks '%s'", text, err->msg, want);
	pm_error_free(err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("kind: Pod\nmetadata: {name: x\n", "line 3, column 1");
	expect_error("a: 1\na: 2\n", "duplicate key 'a'");
	expect_error("a: *nope\n", "unknown anchor 'nope'");
	expect_error("? [a]\n: b\n", "a mapping key must be a scalar");
	/* billion laughs: aliases copied, capped */
	expect_error("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
		     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		     "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		     "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
		     "too large");
}

static void test_anchors(void **state)
{
	(void)state;
	struct pm_ynode **d = NULL;
	size_t n = 0;
	assert_int_equal(parse("base: &b {x: 1}\ncopy: *b\n&k key: v\nother: *k\n", &d, &n, NULL),
			 0);
	assert_int_equal(d[0]->n, 4);
	assert_int_equal(d[0]->items[1]->kind, PM_Y_MAP);
	assert_string_equal(d[0]->items[1]->keys[0], "x");
	assert_string_equal(d[0]->items[3]->value, "key");
	pm_ynode_list_free(d, n);
}

/* Read text as Kubernetes objects: the return code, objects and warnings. */
static int read_objs(const char *text, struct pm_kube_object **objs, size_t *n, char ***warn,
		     pm_error **err)
{
	struct pm_ynode **d = NULL;
	size_t nd = 0;
	int r = parse(text, &d, &nd, err);
	if (r < 0)
		return r;
	r = pm_kube_read(d, nd, objs, n, warn, err);
	pm_ynode_list_free(d, nd);
	return r;
}

static void test_pod(void **state)
{
	(void)state;
	static const char y[] =
		"apiVersion: v1\n"
		"kind: Pod\n"
		"metadata:\n"
		"  name: web\n"
		"  labels: {app: web}\n"
		"  namespace: x\n"
		"spec:\n"
		"  restartPolicy: OnFailure\n"
		"  containers:\n"
		"  - name: c\n"
		"    image: img\n"
		"    command: [sh, -c]\n"
		"    args: []\n"
		"    env:\n"
		"    - {name: A, value: '1'}\n"
		"    - name: B\n"
		"      valueFrom: {configMapKeyRef: {name: cm, key: k}}\n"
		"    ports: [{containerPort: 80, hostPort: 8080, protocol: UDP}]\n"
		"    securityContext: {runAsUser: 5, capabilities: {add: [NET_ADMIN]}}\n"
		"    lifecycle: {}\n"
		"    volumeMounts: [{name: v, mountPath: /v, readOnly: true}]\n"
		"  volumes:\n"
		"  - name: v\n"
		"    hostPath: {path: /tmp, type: Directory}\n";
	struct pm_kube_object *o = NULL;
	size_t n = 0;
	char **warn = NULL;
	assert_int_equal(read_objs(y, &o, &n, &warn, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(o[0].kind, PM_KUBE_POD);
	const struct pm_kube_pod *p = &o[0].pod;
	assert_string_equal(p->name, "web");
	assert_string_equal(p->labels[0], "app=web");
	assert_string_equal(p->restart_policy, "OnFailure");
	const struct pm_kube_container *c = &p->containers[0];
	assert_true(c->command_set && c->args_set);
	assert_string_equal(c->command[1], "-c");
	assert_null(c->args[0]);
	assert_int_equal(c->n_env, 2);
	assert_string_equal(c->env[1].cm_key, "k");
	assert_int_equal(c->ports[0].host_port, 8080);
	assert_string_equal(c->ports[0].protocol, "UDP");
	assert_int_equal(c->run_as_user, 5);
	assert_int_equal(c->run_as_group, -1);
	assert_string_equal(c->cap_add[0], "NET_ADMIN");
	assert_true(c->mounts[0].read_only);
	assert_int_equal(p->volumes[0].type, PM_KUBE_VOL_HOSTPATH);
	/* the fields not applied, each named */
	assert_true(pm_strv_contains(warn, "metadata.namespace: not supported, ignored"));
	assert_true(pm_strv_contains(warn, "spec.containers[0].lifecycle: not supported, ignored"));
	assert_int_equal(pm_strv_length(warn), 2);
	pm_strv_free(warn);
	pm_kube_objects_free(o, n);
}

static void expect_read_error(const char *y, const char *want)
{
	struct pm_kube_object *o = NULL;
	size_t n = 0;
	char **warn = NULL;
	pm_error *err = NULL;
	assert_true(read_objs(y, &o, &n, &warn, &err) < 0);
	assert_non_null(err);
	if (!strstr(err->msg, want))
		fail_msg("error '%s' lacks '%s'", err->msg, want);
	pm_error_free(err);
	pm_strv_free(warn);
}

static void test_types(void **state)
{
	(void)state;
	static const char head[] = "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
				   "  - name: c\n    image: i\n";
	char y[512];
	snprintf(y, sizeof(y), "%s    ports: [{containerPort: '80'}]\n", head);
	expect_read_error(y, "spec.containers[0].ports[0].containerPort: expected an integer");
	snprintf(y, sizeof(y), "%s    env: [{name: A, value: 8080}]\n", head);
	expect_read_error(y, "spec.containers[0].env[0].value: expected a string, got \"8080\"");
	snprintf(y, sizeof(y), "%s    tty: maybe\n", head);
	expect_read_error(y, "spec.containers[0].tty: expected true or false");
	snprintf(y, sizeof(y), "%s    ports: [{containerPort: 70000}]\n", head);
	expect_read_error(y, "70000 is not a port");
	snprintf(y, sizeof(y), "%s    volumeMounts: [{name: nope, mountPath: /x}]\n", head);
	expect_read_error(y, "mounts volume \"nope\"");
	snprintf(y, sizeof(y), "%s  - name: c\n    image: j\n", head);
	expect_read_error(y, "two containers are named \"c\"");
	expect_read_error("kind: Foo\nmetadata: {name: s}\n", "\"Foo\" is not a kind");
	expect_read_error("kind: Pod\nmetadata: {name: p}\nspec: {containers: []}\n",
			  "at least one container");
	expect_read_error("kind: Pod\nspec: {}\n", "metadata");
	expect_read_error("- a\n", "expected a mapping");
}

static void test_deployment_and_kv(void **state)
{
	(void)state;
	static const char y[] = "kind: List\n"
				"items:\n"
				"- apiVersion: apps/v1\n"
				"  kind: Deployment\n"
				"  metadata: {name: web}\n"
				"  spec:\n"
				"    replicas: 3\n"
				"    selector: {matchLabels: {app: web}}\n"
				"    template:\n"
				"      metadata: {labels: {app: web}}\n"
				"      spec: {containers: [{name: c, image: i}]}\n"
				"- kind: ConfigMap\n"
				"  metadata: {name: cm}\n"
				"  data: {a: x, b: '2'}\n"
				"- kind: Secret\n"
				"  metadata: {name: s}\n"
				"  data: {p: czNjcmV0}\n"
				"  stringData: {u: admin}\n";
	struct pm_kube_object *o = NULL;
	size_t n = 0;
	char **warn = NULL;
	assert_int_equal(read_objs(y, &o, &n, &warn, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(o[0].kind, PM_KUBE_DEPLOYMENT);
	assert_string_equal(o[0].pod.name, "web-pod-0");
	assert_string_equal(o[0].pod.labels[0], "app=web");
	assert_int_equal(pm_strv_length(warn), 1); /* replicas: 3, one pod played */
	assert_int_equal(o[1].kind, PM_KUBE_CONFIGMAP);
	assert_string_equal(o[1].kv.values[1], "2");
	assert_int_equal(o[2].kind, PM_KUBE_SECRET);
	assert_string_equal(o[2].kv.keys[0], "p");
	assert_string_equal(o[2].kv.values[0], "s3cret");
	assert_string_equal(o[2].kv.values[1], "admin");
	pm_strv_free(warn);
	pm_kube_objects_free(o, n);
	expect_read_error("kind: Secret\nmetadata: {name: s}\ndata: {p: '!!'}\n", "not base64");
}

static void test_workloads_and_pvc(void **state)
{
	(void)state;
	static const char y[] = "kind: DaemonSet\n"
				"metadata: {name: ds}\n"
				"spec:\n"
				"  selector: {matchLabels: {app: a}}\n"
				"  template:\n"
				"    metadata: {labels: {app: a}}\n"
				"    spec: {containers: [{name: c, image: i}]}\n"
				"---\n"
				"apiVersion: batch/v1\n"
				"kind: Job\n"
				"metadata: {name: j}\n"
				"spec:\n"
				"  template:\n"
				"    spec:\n"
				"      restartPolicy: Never\n"
				"      containers: [{name: c, image: i}]\n"
				"---\n"
				"kind: PersistentVolumeClaim\n"
				"metadata:\n"
				"  name: v\n"
				"  labels: {app: a}\n"
				"  annotations:\n"
				"    volume.podman.io/driver: local\n"
				"    volume.podman.io/uid: '1000'\n"
				"    volume.podman.io/mount-options: nodev\n"
				"    other.io/x: y\n"
				"spec:\n"
				"  accessModes: [ReadWriteOnce]\n"
				"  storageClassName: fast\n"
				"  resources: {requests: {storage: 1Gi}}\n"
				"status: {}\n";
	struct pm_kube_object *o = NULL;
	size_t n = 0;
	char **warn = NULL;
	assert_int_equal(read_objs(y, &o, &n, &warn, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(o[0].kind, PM_KUBE_DAEMONSET);
	assert_string_equal(o[0].pod.name, "ds-pod");
	assert_true(pm_kube_is_pod(o[0].kind));
	assert_int_equal(o[1].kind, PM_KUBE_JOB);
	assert_string_equal(o[1].pod.name, "j-pod");
	assert_string_equal(o[1].pod.restart_policy, "Never");
	assert_int_equal(o[2].kind, PM_KUBE_PVC);
	assert_false(pm_kube_is_pod(o[2].kind));
	assert_string_equal(o[2].pvc.name, "v");
	assert_string_equal(o[2].pvc.labels[0], "app=a");
	assert_string_equal(o[2].pvc.driver, "local");
	assert_string_equal(o[2].pvc.uid, "1000");
	assert_string_equal(o[2].pvc.mount_options, "nodev");
	assert_null(o[2].pvc.gid);
	/* the other annotation, the storage class and the size are named, nothing else */
	assert_int_equal(pm_strv_length(warn), 3);
	assert_string_equal(warn[0], "metadata.annotations.other.io/x: not supported, ignored");
	assert_non_null(strstr(warn[1], "spec.resources.requests.storage: 1Gi"));
	assert_string_equal(warn[2], "spec.storageClassName: not supported, ignored");
	pm_strv_free(warn);
	pm_kube_objects_free(o, n);
	expect_read_error("kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n"
			  "      restartPolicy: Always\n      containers: [{name: c, image: i}]\n",
			  "spec.template.spec.restartPolicy: \"Always\": a Job runs to completion");
	expect_read_error("kind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n"
			  "      containers: [{name: c, image: i}]\n",
			  "restartPolicy: required for a Job");
	expect_read_error("kind: PersistentVolumeClaim\nmetadata: {name: v}\n"
			  "spec: {accessModes: [Everyone]}\n",
			  "spec.accessModes[0]: \"Everyone\" is not ReadWriteOnce");
	expect_read_error("kind: PersistentVolumeClaim\nmetadata:\n  name: v\n  annotations:\n"
			  "    volume.podman.io/gid: abc\n",
			  "metadata.annotations.volume.podman.io/gid: \"abc\" is not a number");
	expect_read_error("kind: PersistentVolumeClaim\nmetadata: {labels: {a: b}}\n",
			  "metadata.name: required");
}

static void test_probes(void **state)
{
	(void)state;
	static const char y[] =
		"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
		"  - name: c\n    image: i\n"
		"    ports: [{containerPort: 8080, name: web}]\n"
		"    livenessProbe: {exec: {command: [test, -f, /x]}, periodSeconds: 2}\n"
		"    readinessProbe:\n"
		"      httpGet: {path: healthz, port: web, httpHeaders: [{name: X-A, value: b}]}\n"
		"    startupProbe: {tcpSocket: {port: 81, host: 10.0.0.1}, successThreshold: 2}\n";
	struct pm_kube_object *o = NULL;
	size_t n = 0;
	char **warn = NULL;
	assert_int_equal(read_objs(y, &o, &n, &warn, NULL), 0);
	const struct pm_kube_container *c = &o[0].pod.containers[0];
	assert_true(c->liveness.set);
	assert_string_equal(c->liveness.kind, "exec");
	assert_string_equal(c->liveness.exec[2], "/x");
	assert_int_equal(c->liveness.period, 2);
	assert_int_equal(c->liveness.timeout, 1); /* Kubernetes' defaults */
	assert_int_equal(c->liveness.failure_threshold, 3);
	assert_int_equal(c->liveness.success_threshold, 1);
	assert_string_equal(c->readiness.kind, "httpGet");
	assert_int_equal(c->readiness.port, 8080); /* the named port */
	assert_string_equal(c->readiness.path, "/healthz");
	assert_null(c->readiness.host);
	assert_string_equal(c->readiness.headers[0], "X-A: b");
	assert_string_equal(c->startup.kind, "tcpSocket");
	assert_int_equal(c->startup.port, 81);
	assert_string_equal(c->startup.host, "10.0.0.1");
	assert_int_equal(c->startup.success_threshold, 2);
	assert_null(warn);
	pm_strv_free(warn);
	pm_kube_objects_free(o, n);
#define PROBE_POD                                                                                  \
	"kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n"
	expect_read_error(PROBE_POD "    livenessProbe: {periodSeconds: 1}\n",
			  "a probe needs a handler");
	expect_read_error(PROBE_POD "    livenessProbe: {tcpSocket: {port: 70000}}\n",
			  "spec.containers[0].livenessProbe.tcpSocket.port: 70000 is not a port");
	expect_read_error(PROBE_POD "    livenessProbe: {httpGet: {port: http}}\n",
			  "spec.containers[0].livenessProbe.httpGet.port: the container has no "
			  "port named \"http\"");
	expect_read_error(PROBE_POD "    livenessProbe: {httpGet: {path: /}}\n",
			  "spec.containers[0].livenessProbe.httpGet.port: required");
	expect_read_error(PROBE_POD "    livenessProbe: {httpGet: {port: 1, scheme: FTP}}\n",
			  "\"FTP\" is not HTTP or HTTPS");
	expect_read_error(PROBE_POD
			  "    livenessProbe: {tcpSocket: {port: 1}, exec: {command: [x]}}\n",
			  "one handler per probe");
#undef PROBE_POD
}

static void test_base64(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} ok[] = {{"", ""}, {"aGk=", "hi"}, {"aGk", "hi"}, {"aGVsbG8=\n", "hello"}, {"YQ==", "a"}};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		assert_int_equal(pm_base64_decode(ok[i].in, &out, &len), 0);
		assert_int_equal(len, strlen(ok[i].out));
		assert_string_equal(out, ok[i].out);
		free(out);
	}
	static const char *const bad[] = {"a", "a===", "aG=k", "a$b="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *out = NULL;
		size_t len = 0;
		assert_int_equal(pm_base64_decode(bad[i], &out, &len), -EINVAL);
	}
}

/* Every file of the fuzz corpus goes through the fuzz target (its invariants). */
static void test_corpus(void **state)
{
	(void)state;
	const char *dirs[] = {"tests/fuzz/corpus-kube-yaml", "../fuzz/corpus-kube-yaml",
			      "../../tests/fuzz/corpus-kube-yaml"};
	DIR *d = NULL;
	const char *dir = NULL;
	for (size_t i = 0; i < 3 && !d; i++)
		d = opendir(dir = dirs[i]);
	if (!d)
		fail_msg("corpus tests/fuzz/corpus-kube-yaml not found (run from the repo root)");
	size_t n = 0;
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		char *path = pm_xasprintf("%s/%s", dir, de->d_name);
		char *data = NULL;
		size_t len = 0;
		assert_int_equal(pm_read_file(path, 1 << 20, &data, &len, NULL), 0);
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		free(path);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_documents), cmocka_unit_test(test_errors),
		cmocka_unit_test(test_anchors),	  cmocka_unit_test(test_pod),
		cmocka_unit_test(test_types),	  cmocka_unit_test(test_deployment_and_kv),
		cmocka_unit_test(test_base64),	  cmocka_unit_test(test_probes),
		cmocka_unit_test(test_corpus),	  cmocka_unit_test(test_workloads_and_pvc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
