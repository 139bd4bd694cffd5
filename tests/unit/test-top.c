/* test-top.c: unit tests for engine/top: the pure pieces of the `pm top` table (Go
 * durations, tty names, /proc/PID/status, uid_map and passwd lookups, descriptors) and the
 * table of this test process and a child of it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/top.h"
#include "lib/strutil.h"

static void check_str(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_go_duration(void **state)
{
	(void)state;
	check_str(pm_top_go_duration(0), "0s");
	check_str(pm_top_go_duration(-5), "0s");
	check_str(pm_top_go_duration(1), "0.000000001s");
	check_str(pm_top_go_duration(4292263660LL), "4.29226366s");
	check_str(pm_top_go_duration(10000000000LL), "10s");
	check_str(pm_top_go_duration(61500000000LL), "1m1.5s");
	check_str(pm_top_go_duration(3723500000000LL), "1h2m3.5s");
	check_str(pm_top_go_duration(3600000000000LL), "1h0m0s");
}

static void test_tty_name(void **state)
{
	(void)state;
	check_str(pm_top_tty_name(0), "?");
	check_str(pm_top_tty_name(136 << 8 | 3), "pts/3");
	check_str(pm_top_tty_name((136 << 8) | (0x100 << 12) | 2), "pts/258");
	check_str(pm_top_tty_name(4 << 8 | 1), "tty1");
	check_str(pm_top_tty_name(5 << 8 | 1), "5:1");
}

static void test_map_id(void **state)
{
	(void)state;
	const char *map = "         0       1000          1\n         1     100000      65536\n";
	assert_int_equal(pm_top_map_id(map, 1000), 0);
	assert_int_equal(pm_top_map_id(map, 100000), 1);
	assert_int_equal(pm_top_map_id(map, 100099), 100);
	assert_int_equal(pm_top_map_id(map, 165535), 65536);
	assert_int_equal(pm_top_map_id(map, 165536), -1);
	assert_int_equal(pm_top_map_id(map, 0), -1);
	assert_int_equal(pm_top_map_id("", 0), -1);
	assert_int_equal(pm_top_map_id(NULL, 0), -1);
	assert_int_equal(pm_top_map_id("0 0 4294967295\n", 4294967294UL), 4294967294L);
}

static void test_db_name(void **state)
{
	(void)state;
	const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
			 "daemon:x:1:1::/:/bin/false\n"
			 "broken:x::5\n"
			 "nobody:x:65534:65534:nobody:/:/bin/false";
	check_str(pm_top_db_name(pw, 0), "root");
	check_str(pm_top_db_name(pw, 1), "daemon");
	check_str(pm_top_db_name(pw, 65534), "nobody");
	assert_null(pm_top_db_name(pw, 5)); /* the ':' of the next field is no id */
	assert_null(pm_top_db_name(pw, 2));
	assert_null(pm_top_db_name("", 0));
	assert_null(pm_top_db_name(NULL, 0));
	/* a field never reaches into the next line */
	assert_null(pm_top_db_name("a:x\n:3:\n", 3));
}

static void test_descs(void **state)
{
	(void)state;
	assert_string_equal(pm_top_desc_find("pcpu")->header, "%CPU");
	assert_string_equal(pm_top_desc_find("args")->header, "COMMAND");
	assert_string_equal(pm_top_desc_find("hpid")->header, "HPID");
	assert_null(pm_top_desc_find("bogus"));
	assert_null(pm_top_desc_find(""));
	for (const char *const *d = pm_top_default_descs; *d; d++)
		assert_non_null(pm_top_desc_find(*d));
	assert_int_equal(pm_strv_length((char *const *)pm_top_default_descs), 8);

	struct pm_top_table t = {0};
	pm_error *err = NULL;
	char *bad[] = {"pid", "bogus", NULL};
	assert_int_equal(pm_top_table(getpid(), bad, &t, &err), -EINVAL);
	assert_string_equal(err->msg, "unknown descriptor: bogus");
	assert_null(t.rows);
	pm_error_free(err);
}

/* The table of this process: itself, then a child that sleeps. Outside any namespace the
 * container's view is the host's view. */
static void test_live_table(void **state)
{
	(void)state;
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pause();
		_exit(0);
	}
	char me[32], kid[32];
	snprintf(me, sizeof(me), "%d", (int)getpid());
	snprintf(kid, sizeof(kid), "%d", (int)child);

	char *ds[] = {"pid", "hpid", "ppid", "state", "comm", "nice", "tty", "time", NULL};
	struct pm_top_table t = {0};
	pm_error *err = NULL;
	for (int i = 0; i < 1000; i++) { /* until the child shows up in our children list */
		pm_top_table_clear(&t);
		assert_int_equal(pm_top_table(getpid(), ds, &t, &err), 0);
		if (t.n_rows >= 2)
			break;
		usleep(1000);
	}
	assert_int_equal(pm_strv_length(t.headers), 8);
	assert_string_equal(t.headers[0], "PID");
	assert_string_equal(t.headers[2], "PPID");
	assert_string_equal(t.headers[4], "COMMAND");
	assert_string_equal(t.headers[5], "NI");
	assert_int_equal(t.n_rows, 2);

	assert_string_equal(t.rows[0][0], me);
	assert_string_equal(t.rows[0][1], me);
	assert_string_equal(t.rows[0][2], "0"); /* init's parent is outside: 0 */
	assert_string_equal(t.rows[0][3], "R");
	assert_string_equal(t.rows[0][4], "test-top");
	assert_string_equal(t.rows[1][0], kid);
	assert_string_equal(t.rows[1][2], me);
	assert_string_equal(t.rows[1][4], "test-top");
	assert_null(t.rows[0][8]);
	pm_top_table_clear(&t);
	assert_null(t.rows);
	assert_int_equal(t.n_rows, 0);

	/* the default descriptors: user pid ppid pcpu etime tty time args */
	assert_int_equal(pm_top_table(getpid(), NULL, &t, &err), 0);
	assert_string_equal(t.headers[0], "USER");
	assert_string_equal(t.headers[7], "COMMAND");
	assert_string_equal(t.rows[0][1], me);
	assert_non_null(strstr(t.rows[0][7], "test-top"));
	pm_top_table_clear(&t);

	kill(child, SIGKILL);
	assert_int_equal(waitpid(child, NULL, 0), child);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_go_duration), cmocka_unit_test(test_tty_name),
		cmocka_unit_test(test_map_id),	    cmocka_unit_test(test_db_name),
		cmocka_unit_test(test_descs),	    cmocka_unit_test(test_live_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
