/* test-caps.c: unit tests for runtime/caps: capability names, podman's default set and the
 * --cap-add/--cap-drop/--privileged rules (root and non-root users). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "runtime/caps.h"

static void test_names(void **state)
{
	assert_int_equal(pm_caps_from_name("chown"), 0);
	assert_int_equal(pm_caps_from_name("CAP_CHOWN"), 0);
	assert_int_equal(pm_caps_from_name("cap_net_admin"), 12);
	assert_int_equal(pm_caps_from_name("SYS_ADMIN"), 21);
	assert_int_equal(pm_caps_from_name("SETFCAP"), 31);
	assert_int_equal(pm_caps_from_name("CHECKPOINT_RESTORE"), 40);
	assert_int_equal(pm_caps_from_name("foo"), -EINVAL);
	assert_int_equal(pm_caps_from_name(""), -EINVAL);
	assert_int_equal(pm_caps_from_name(NULL), -EINVAL);
	assert_string_equal(pm_caps_to_name(0), "CAP_CHOWN");
	assert_string_equal(pm_caps_to_name(18), "CAP_SYS_CHROOT");
	assert_null(pm_caps_to_name(99));
	for (int i = 0; i <= 40; i++)
		assert_int_equal(pm_caps_from_name(pm_caps_to_name(i)), i);
}

static void test_default(void **state)
{
	/* podman: CapBnd/CapEff 00000000800405fb */
	assert_int_equal(PM_CAPS_DEFAULT, 0x800405fbULL);
	struct pm_runtime_caps c;
	assert_int_equal(pm_caps_compute(NULL, NULL, false, true, &c, NULL), 0);
	assert_int_equal(c.bounding, 0x800405fbULL);
	assert_int_equal(c.effective, 0x800405fbULL);
	assert_int_equal(c.permitted, 0x800405fbULL);
	assert_int_equal(c.inheritable, 0);
	assert_int_equal(c.ambient, 0);
}

static void test_add_drop(void **state)
{
	struct pm_runtime_caps c;
	char *add[] = {"net_admin", NULL};
	char *drop[] = {"CAP_CHOWN", "kill", NULL};
	assert_int_equal(pm_caps_compute(add, drop, false, true, &c, NULL), 0);
	assert_int_equal(c.bounding, (0x800405fbULL | (1ULL << 12)) & ~1ULL & ~(1ULL << 5));
	assert_int_equal(c.effective, c.bounding);

	char *all[] = {"ALL", NULL};
	char *chown_only[] = {"chown", NULL};
	assert_int_equal(pm_caps_compute(chown_only, all, false, true, &c, NULL), 0);
	assert_int_equal(c.bounding, 1);
	assert_int_equal(pm_caps_compute(NULL, all, false, true, &c, NULL), 0);
	assert_int_equal(c.bounding, 0);
	assert_int_equal(pm_caps_compute(all, NULL, false, true, &c, NULL), 0);
	assert_int_equal(c.bounding, pm_caps_all());
}

static void test_nonroot(void **state)
{
	struct pm_runtime_caps c;
	assert_int_equal(pm_caps_compute(NULL, NULL, false, false, &c, NULL), 0);
	assert_int_equal(c.bounding, 0x800405fbULL);
	assert_int_equal(c.effective, 0);
	assert_int_equal(c.permitted, 0);
	char *add[] = {"net_admin", NULL};
	assert_int_equal(pm_caps_compute(add, NULL, false, false, &c, NULL), 0);
	/* podman: CapInh=CapPrm=CapEff=CapAmb=0x1000, CapBnd=0x800415fb */
	assert_int_equal(c.bounding, 0x800415fbULL);
	assert_int_equal(c.effective, 0x1000);
	assert_int_equal(c.inheritable, 0x1000);
	assert_int_equal(c.ambient, 0x1000);
}

static void test_privileged(void **state)
{
	struct pm_runtime_caps c;
	assert_int_equal(pm_caps_compute(NULL, NULL, true, true, &c, NULL), 0);
	assert_int_equal(c.bounding, pm_caps_all());
	char *drop[] = {"sys_admin", NULL};
	assert_int_equal(pm_caps_compute(NULL, drop, true, true, &c, NULL), 0);
	assert_int_equal(c.bounding, pm_caps_all() & ~(1ULL << 21));
}

static void test_errors(void **state)
{
	struct pm_runtime_caps c;
	_cleanup_error_ pm_error *e1 = NULL, *e2 = NULL, *e3 = NULL;
	char *bad[] = {"foo", NULL};
	assert_int_equal(pm_caps_compute(bad, NULL, false, true, &c, &e1), -EINVAL);
	assert_string_equal(e1->msg, "--cap-add: unknown capability 'foo'");
	char *both[] = {"chown", NULL};
	assert_int_equal(pm_caps_compute(both, both, false, true, &c, &e2), -EINVAL);
	assert_string_equal(e2->msg, "capability 'CAP_CHOWN' cannot be dropped and added");
	char *all[] = {"all", NULL};
	assert_int_equal(pm_caps_compute(all, all, false, true, &c, &e3), -EINVAL);
	assert_non_null(strstr(e3->msg, "adding all caps and removing all caps"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),	   cmocka_unit_test(test_default),
		cmocka_unit_test(test_add_drop),   cmocka_unit_test(test_nonroot),
		cmocka_unit_test(test_privileged), cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
