/* test-pod.c: pod records (create, names in their own space, lookup by name/id/prefix,
 * list, a create that died, removal), the pod configuration's checks (--share, exit policy,
 * network flags, infra-less pods) and podman's pod status from its containers' states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/container.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "pods/lifecycle.h"
#include "pods/pod.h"

struct fixture {
	char dir[64];
	struct pm_paths paths;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/pm-test-pod-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->paths.root = pm_path_join(f->dir, "root");
	f->paths.runroot = pm_path_join(f->dir, "run");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	pm_rm_rf(f->dir, NULL);
	pm_paths_free(&f->paths);
	free(f);
	return 0;
}

static struct pm_pod *make(struct fixture *f, const char *name, pm_error **err)
{
	struct pm_pod_config cfg = {.infra = true, .name = (char *)name};
	struct pm_pod *pod = NULL;
	int lock = -1;
	if (pm_pod_record_create(&f->paths, &cfg, &pod, &lock, err) < 0)
		return NULL;
	assert_int_equal(pm_pod_save(&f->paths, pod, NULL), 0);
	close(lock);
	return pod;
}

static void test_create_lookup_remove(void **state)
{
	struct fixture *f = *state;
	_cleanup_pod_ struct pm_pod *a = make(f, "web", NULL);
	assert_non_null(a);
	assert_string_equal(a->name, "web");
	assert_null(a->cfg.hostname); /* the containers get the pod's name */
	assert_string_equal(a->cfg.exit_policy, "continue");
	assert_string_equal(a->infra_id, "");

	_cleanup_pod_ struct pm_pod *byname = NULL, *byid = NULL, *byprefix = NULL;
	assert_int_equal(pm_pod_lookup(&f->paths, "web", &byname, NULL), 0);
	assert_string_equal(byname->id, a->id);
	assert_int_equal(pm_pod_lookup(&f->paths, a->id, &byid, NULL), 0);
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%.6s", a->id);
	assert_int_equal(pm_pod_lookup(&f->paths, prefix, &byprefix, NULL), 0);
	assert_string_equal(byprefix->name, "web");

	/* the same name again: podman's message; nothing left of the failed create */
	_cleanup_error_ pm_error *err = NULL;
	assert_null(make(f, "web", &err));
	assert_int_equal(err->code, EEXIST);
	assert_non_null(strstr(err->msg, "\"web\""));
	struct pm_pod **list = NULL;
	size_t n = 0;
	assert_int_equal(pm_pod_list(&f->paths, &list, &n, NULL), 0);
	assert_int_equal(n, 1);
	pm_pod_list_free(list, n);

	/* pods and containers keep separate name spaces */
	_cleanup_container_ struct pm_container *c = NULL;
	assert_int_equal(pm_container_create(&f->paths, "web", "img", "id", "{}", &c, NULL), 0);

	/* the infra id is saved and read back */
	free(a->infra_id);
	a->infra_id = pm_xstrdup(c->id);
	assert_int_equal(pm_pod_save(&f->paths, a, NULL), 0);
	_cleanup_pod_ struct pm_pod *again = NULL;
	assert_int_equal(pm_pod_lookup(&f->paths, "web", &again, NULL), 0);
	assert_string_equal(again->infra_id, c->id);

	assert_int_equal(pm_pod_remove_record(&f->paths, a, NULL), 0);
	assert_false(pm_pod_exists(&f->paths, a));
	_cleanup_pod_ struct pm_pod *gone = NULL;
	_cleanup_error_ pm_error *e2 = NULL;
	assert_int_equal(pm_pod_lookup(&f->paths, "web", &gone, &e2), -ENOENT);
	assert_string_equal(e2->msg, "no pod with name or ID web found: no such pod");
	/* the name is free again */
	_cleanup_pod_ struct pm_pod *b = make(f, "web", NULL);
	assert_non_null(b);
}

static void test_generated_name_and_bad_name(void **state)
{
	struct fixture *f = *state;
	_cleanup_pod_ struct pm_pod *a = make(f, NULL, NULL);
	assert_non_null(a);
	assert_non_null(strchr(a->name, '_'));
	_cleanup_error_ pm_error *err = NULL;
	assert_null(make(f, "-bad", &err));
	assert_int_equal(err->code, EINVAL);
	assert_non_null(strstr(err->msg, "\"-bad\""));
}

static void test_dead_create_collected(void **state)
{
	struct fixture *f = *state;
	/* a record dir without pod.json whose lock is free: a create that died */
	_cleanup_free_ char *dir = pm_path_join(f->paths.root, "db/pods/"
							       "00112233445566778899aabbccddeeff"
							       "00112233445566778899aabbccddeeff");
	assert_int_equal(pm_mkdir_p(dir, 0700, NULL), 0);
	struct pm_pod **list = NULL;
	size_t n = 9;
	assert_int_equal(pm_pod_list(&f->paths, &list, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_false(pm_path_exists(dir));
	pm_pod_list_free(list, n);
}

static void test_config_validate(void **state)
{
	(void)state;
	struct pm_pod_config c = {.infra = true};
	assert_int_equal(pm_pod_config_validate(&c, NULL), 0);
	assert_true(pm_strv_contains(c.share, "ipc") && pm_strv_contains(c.share, "net") &&
		    pm_strv_contains(c.share, "uts") && !pm_strv_contains(c.share, "pid"));
	pm_pod_config_clear(&c);

	c = (struct pm_pod_config){.infra = true};
	pm_strv_push(&c.share, "+pid");
	assert_int_equal(pm_pod_config_validate(&c, NULL), 0);
	assert_true(pm_strv_contains(c.share, "pid") && pm_strv_contains(c.share, "net"));
	pm_pod_config_clear(&c);

	c = (struct pm_pod_config){.infra = true};
	pm_strv_push(&c.share, "pid");
	assert_int_equal(pm_pod_config_validate(&c, NULL), 0);
	assert_true(pm_strv_contains(c.share, "pid") && !pm_strv_contains(c.share, "net"));
	pm_pod_config_clear(&c);

	c = (struct pm_pod_config){.infra = true};
	pm_strv_push(&c.share, "none");
	assert_int_equal(pm_pod_config_validate(&c, NULL), 0);
	assert_null(c.share);
	pm_pod_config_clear(&c);

	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL;
	c = (struct pm_pod_config){.infra = true};
	pm_strv_push(&c.share, "net");
	pm_strv_push(&c.share, "bogus");
	assert_int_equal(pm_pod_config_validate(&c, &e1), -EINVAL);
	assert_non_null(strstr(e1->msg, "share: bogus"));
	pm_pod_config_clear(&c);

	c = (struct pm_pod_config){.infra = true, .exit_policy = pm_xstrdup("later")};
	assert_int_equal(pm_pod_config_validate(&c, &e2), -EINVAL);
	assert_non_null(strstr(e2->msg, "\"later\""));
	pm_pod_config_clear(&c);

	c = (struct pm_pod_config){.infra = true};
	pm_strv_push(&c.publish, "99999:80");
	assert_int_equal(pm_pod_config_validate(&c, &e3), -EINVAL);
	assert_non_null(strstr(e3->msg, "99999"));
	pm_pod_config_clear(&c);

	/* without an infra there is nothing to share or publish on */
	c = (struct pm_pod_config){.infra = false};
	pm_strv_push(&c.publish, "8080:80");
	assert_int_equal(pm_pod_config_validate(&c, &e4), -EINVAL);
	pm_pod_config_clear(&c);
	c = (struct pm_pod_config){.infra = false};
	assert_int_equal(pm_pod_config_validate(&c, NULL), 0);
	assert_null(c.share);
	pm_pod_config_clear(&c);
}

static void test_status(void **state)
{
	(void)state;
	struct pm_container c[3] = {0};
	struct pm_container *v[3] = {&c[0], &c[1], &c[2]};
	assert_string_equal(pm_pod_status(v, 0), "Created");
	for (int i = 0; i < 3; i++)
		c[i].state.status = PM_CTR_CONFIGURED;
	assert_string_equal(pm_pod_status(v, 3), "Created");
	for (int i = 0; i < 3; i++)
		c[i].state.status = PM_CTR_RUNNING;
	assert_string_equal(pm_pod_status(v, 3), "Running");
	c[0].state.status = PM_CTR_STOPPED; /* the infra killed, members run */
	assert_string_equal(pm_pod_status(v, 3), "Degraded");
	for (int i = 0; i < 3; i++)
		c[i].state.status = PM_CTR_STOPPED;
	assert_string_equal(pm_pod_status(v, 3), "Exited");
	for (int i = 0; i < 3; i++)
		c[i].state.status = PM_CTR_PAUSED;
	assert_string_equal(pm_pod_status(v, 3), "Paused");
	c[2].state.status = PM_CTR_CONFIGURED;
	c[1].state.status = PM_CTR_STOPPED;
	c[0].state.status = PM_CTR_CONFIGURED;
	assert_string_equal(pm_pod_status(v, 3), "Stopped");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_lookup_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_generated_name_and_bad_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_create_collected, setup, teardown),
		cmocka_unit_test(test_config_validate),
		cmocka_unit_test(test_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
