/* test-manifest.c: OCI / Docker manifest, index, config and docker-archive manifest.json
 * parsing and building (storage/manifest.c), and --change instructions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/strutil.h"
#include "storage/manifest.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static void test_manifest_roundtrip(void **state)
{
	const char *in = "{\"schemaVersion\":2,\"mediaType\":\"" PM_MT_DOCKER_MANIFEST "\","
			 "\"config\":{\"mediaType\":\"" PM_MT_DOCKER_CONFIG "\",\"digest\":\"" D1
			 "\",\"size\":7},"
			 "\"layers\":[{\"mediaType\":\"" PM_MT_DOCKER_LAYER_GZIP
			 "\",\"digest\":\"" D2 "\",\"size\":9}]}";
	struct pm_manifest m = {0};
	assert_int_equal(pm_manifest_kind(in, strlen(in)), PM_DOC_MANIFEST);
	assert_int_equal(pm_manifest_parse(in, strlen(in), &m, NULL), 0);
	assert_string_equal(m.media_type, PM_MT_DOCKER_MANIFEST);
	assert_string_equal(m.config.digest, D1);
	assert_int_equal(m.config.size, 7);
	assert_int_equal(m.n_layers, 1);
	assert_string_equal(m.layers[0].digest, D2);
	char *out = pm_manifest_to_json(&m);
	struct pm_manifest m2 = {0};
	assert_int_equal(pm_manifest_parse(out, strlen(out), &m2, NULL), 0);
	assert_string_equal(m2.layers[0].media_type, PM_MT_DOCKER_LAYER_GZIP);
	assert_int_equal(m2.layers[0].size, 9);
	free(out);
	pm_manifest_free(&m);
	pm_manifest_free(&m2);
}

static void test_manifest_bad(void **state)
{
	struct pm_manifest m = {0};
	pm_error *err = NULL;
	const char *bad_digest =
		"{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:xyz\"},\"layers\":[]}";
	assert_int_equal(pm_manifest_parse(bad_digest, strlen(bad_digest), &m, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "invalid digest 'sha256:xyz'"));
	err = pm_error_free(err);
	const char *v1 = "{\"schemaVersion\":1}";
	assert_int_equal(pm_manifest_parse(v1, strlen(v1), &m, &err), -EINVAL);
	err = pm_error_free(err);
	assert_int_equal(pm_manifest_parse("{", 1, &m, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "parsing image manifest"));
	pm_error_free(err);
}

static void test_index(void **state)
{
	const char *in =
		"{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" PM_MT_OCI_MANIFEST
		"\",\"digest\":\"" D1
		"\",\"size\":3,\"annotations\":{\"org.opencontainers.image.ref.name\":"
		"\"localhost/a:b\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";
	assert_int_equal(pm_manifest_kind(in, strlen(in)), PM_DOC_INDEX);
	struct pm_index idx = {0};
	assert_int_equal(pm_index_parse(in, strlen(in), &idx, NULL), 0);
	assert_int_equal(idx.n_manifests, 1);
	assert_string_equal(idx.manifests[0].ref_name, "localhost/a:b");
	assert_string_equal(idx.manifests[0].arch, "amd64");
	char *out = pm_index_to_json(&idx);
	assert_non_null(strstr(out, "\"org.opencontainers.image.ref.name\":\"localhost/a:b\""));
	free(out);
	pm_index_free(&idx);
}

static void test_config(void **state)
{
	const char *in =
		"{\"created\":\"2020-01-02T03:04:05.5Z\",\"architecture\":\"amd64\",\"os\":"
		"\"linux\","
		"\"config\":{\"Env\":[\"PATH=/bin\"],\"Cmd\":[\"sh\"],\"WorkingDir\":\"/w\","
		"\"ExposedPorts\":{\"80/tcp\":{}},\"Labels\":{\"a\":\"b\"},\"User\":\"1000\","
		"\"StopSignal\":\"SIGINT\"},"
		"\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]},"
		"\"history\":[{\"created_by\":\"x\"},{\"comment\":\"c\",\"empty_layer\":true}]}";
	struct pm_image_config c = {0};
	assert_int_equal(pm_image_config_parse(in, strlen(in), &c, NULL), 0);
	assert_string_equal(c.config.env[0], "PATH=/bin");
	assert_string_equal(c.config.cmd[0], "sh");
	assert_true(c.config.has_cmd);
	assert_false(c.config.has_entrypoint);
	assert_string_equal(c.config.working_dir, "/w");
	assert_string_equal(c.config.exposed_ports[0], "80/tcp");
	assert_string_equal(c.config.labels[0], "a=b");
	assert_string_equal(c.config.stop_signal, "SIGINT");
	assert_int_equal(c.n_diff_ids, 2);
	assert_int_equal(c.n_history, 2);
	assert_true(c.history[1].empty_layer);
	char *out = pm_image_config_to_json(&c);
	struct pm_image_config c2 = {0};
	assert_int_equal(pm_image_config_parse(out, strlen(out), &c2, NULL), 0);
	assert_string_equal(c2.diff_ids[1], D2);
	assert_string_equal(c2.config.labels[0], "a=b");
	assert_string_equal(c2.config.user, "1000");
	free(out);
	pm_image_config_free(&c);
	pm_image_config_free(&c2);

	const char *bad = "{\"rootfs\":{\"diff_ids\":[\"nope\"]}}";
	pm_error *err = NULL;
	assert_int_equal(pm_image_config_parse(bad, strlen(bad), &c, &err), -EINVAL);
	assert_non_null(strstr(err->msg, "invalid diff_id 'nope'"));
	pm_error_free(err);
}

/* A Docker v2s2 config's Healthcheck, Shell and OnBuild survive a parse and a write; an
 * OCI config has none. */
static void test_config_docker_fields(void **state)
{
	const char *in = "{\"config\":{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],"
			 "\"Interval\":5000000000},\"Shell\":[\"/bin/sh\",\"-ec\"],"
			 "\"OnBuild\":[\"RUN x\"]},\"rootfs\":{\"diff_ids\":[]}}";
	struct pm_image_config c = {0};
	assert_int_equal(pm_image_config_parse(in, strlen(in), &c, NULL), 0);
	assert_string_equal(c.config.healthcheck,
			    "{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":5000000000}");
	assert_string_equal(c.config.shell[1], "-ec");
	assert_string_equal(c.config.onbuild[0], "RUN x");
	char *out = pm_image_config_to_json(&c);
	assert_non_null(strstr(out, "\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"true\"],"
				    "\"Interval\":5000000000}"));
	assert_non_null(strstr(out, "\"Shell\":[\"/bin/sh\",\"-ec\"]"));
	assert_non_null(strstr(out, "\"OnBuild\":[\"RUN x\"]"));
	free(out);
	pm_image_config_free(&c);

	const char *oci = "{\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"diff_ids\":[]}}";
	assert_int_equal(pm_image_config_parse(oci, strlen(oci), &c, NULL), 0);
	assert_null(c.config.healthcheck);
	assert_null(c.config.shell);
	out = pm_image_config_to_json(&c);
	assert_null(strstr(out, "Healthcheck"));
	assert_null(strstr(out, "Shell"));
	free(out);
	pm_image_config_free(&c);
}

static void test_docker_archive(void **state)
{
	const char *in = "[{\"Config\":\"c.json\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":["
			 "\"a/layer.tar\",\"b/layer.tar\"]}]";
	struct pm_docker_archive_entry *e = NULL;
	size_t n = 0;
	assert_int_equal(pm_docker_archive_manifest_parse(in, strlen(in), &e, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].config, "c.json");
	assert_string_equal(e[0].repo_tags[0], "busybox:latest");
	assert_int_equal(e[0].n_layers, 2);
	char *out = pm_docker_archive_manifest_to_json(e, n);
	assert_string_equal(out, in);
	free(out);
	pm_docker_archive_free(e, n);
	pm_error *err = NULL;
	assert_int_equal(pm_docker_archive_manifest_parse("[]", 2, &e, &n, &err), -EINVAL);
	pm_error_free(err);
}

static void test_changes(void **state)
{
	struct pm_image_runconfig rc = {0};
	assert_int_equal(pm_runconfig_apply_change(&rc, "CMD [\"/bin/sh\",\"-c\",\"x\"]", NULL), 0);
	assert_string_equal(rc.cmd[2], "x");
	assert_int_equal(pm_runconfig_apply_change(&rc, "ENTRYPOINT top -b", NULL), 0);
	assert_string_equal(rc.entrypoint[0], "/bin/sh");
	assert_string_equal(rc.entrypoint[2], "top -b");
	assert_int_equal(pm_runconfig_apply_change(&rc, "ENV A=1 B=\"two\"", NULL), 0);
	assert_int_equal(pm_runconfig_apply_change(&rc, "ENV A 3", NULL), 0);
	assert_string_equal(rc.env[0], "A=3");
	assert_string_equal(rc.env[1], "B=two");
	assert_int_equal(pm_runconfig_apply_change(&rc, "EXPOSE 80 53/udp", NULL), 0);
	assert_string_equal(rc.exposed_ports[0], "80/tcp");
	assert_string_equal(rc.exposed_ports[1], "53/udp");
	assert_int_equal(pm_runconfig_apply_change(&rc, "workdir /srv", NULL), 0);
	assert_string_equal(rc.working_dir, "/srv");
	assert_int_equal(pm_runconfig_apply_change(&rc, "LABEL k=v", NULL), 0);
	assert_string_equal(rc.labels[0], "k=v");
	pm_error *err = NULL;
	assert_int_equal(pm_runconfig_apply_change(&rc, "RUN make", &err), -EINVAL);
	assert_non_null(strstr(err->msg, "unsupported instruction 'RUN'"));
	err = pm_error_free(err);
	assert_int_equal(pm_runconfig_apply_change(&rc, "CMD [\"x\"", &err), -EINVAL);
	pm_error_free(err);
	pm_runconfig_free(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_roundtrip),
		cmocka_unit_test(test_manifest_bad),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_docker_fields),
		cmocka_unit_test(test_docker_archive),
		cmocka_unit_test(test_changes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
