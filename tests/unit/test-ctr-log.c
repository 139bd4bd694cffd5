/* test-ctr-log.c: unit tests for engine/ctr-log: the k8s-file writer (line splitting,
 * fragments, long lines, zone offsets, max-size rotation), the reader (joining, since/until,
 * tail from the end, rotation), follow with a writer in a child process, and the output
 * format of pm logs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/ctr-log.h"
#include "lib/timeutil.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"

#define S PM_NSEC_PER_SEC
/* 2026-11-23T02:24:36Z */
#define T0 1795400676LL

static char *tmpdir;

static int setup(void **state)
{
	char tmpl[] = "/tmp/pm-test-ctr-log-XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	tmpdir = pm_xstrdup(tmpl);
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static int teardown(void **state)
{
	pm_rm_rf(tmpdir, NULL);
	free(tmpdir);
	tmpdir = NULL;
	return 0;
}

static char *path_in(const char *name)
{
	return pm_path_join(tmpdir, name);
}

static char *slurp(const char *path)
{
	char *data = NULL;
	assert_int_equal(pm_read_file(path, 64 << 20, &data, NULL, NULL), 0);
	return data;
}

static struct timespec at(int64_t sec, long nsec)
{
	return (struct timespec){.tv_sec = sec, .tv_nsec = nsec};
}

static void wr(pm_ctr_log *log, enum pm_log_stream s, const char *text, int64_t sec, long nsec)
{
	struct timespec ts = at(sec, nsec);
	assert_int_equal(pm_ctr_log_write_at(log, s, text, strlen(text), &ts, NULL), 0);
}

/* ---- collecting reader output ---- */

struct collect {
	struct pm_gobuf b;
	int calls;
	bool with_time;
	int seen_fd; /* > 0: a byte is written there for each line */
};

/* "<stream>[ first][ eol] <msg>\n" per call. */
static int collect_fn(const struct pm_log_line *l, void *userdata)
{
	struct collect *c = userdata;
	c->calls++;
	if (c->with_time) {
		char ts[PM_TIME_LOG_LEN];
		pm_time_format_log(l->ns, l->off, ts);
		pm_gobuf_addf(&c->b, "%s ", ts);
	}
	pm_gobuf_addf(&c->b, "%s%s%s %s\n", l->stream == PM_LOG_STDOUT ? "out" : "err",
		      l->first ? "" : " cont", l->eol ? "" : " noeol", l->msg);
	assert_int_equal(strlen(l->msg), l->len);
	if (c->seen_fd > 0)
		assert_int_equal(write(c->seen_fd, "l", 1), 1);
	return 0;
}

static char *read_all(const char *path, const struct pm_log_filter *f, bool with_time)
{
	struct collect c = {.with_time = with_time};
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_ctr_log_read(path, f, collect_fn, &c, &err);
	if (r < 0)
		fail_msg("read: %s", err ? err->msg : "?");
	return pm_gobuf_take(&c.b);
}

/* ---- writer ---- */

static void test_write_lines(void **state)
{
	_cleanup_free_ char *p = path_in("lines.log");
	pm_ctr_log *log = NULL;
	assert_int_equal(pm_ctr_log_open(p, 0, &log, NULL), 0);
	wr(log, PM_LOG_STDOUT, "one\ntwo\n", T0, 563867215);
	wr(log, PM_LOG_STDERR, "err  with  spaces\n", T0, 564002746);
	wr(log, PM_LOG_STDOUT, "two-no-nl", T0 + 1, 5);
	wr(log, PM_LOG_STDOUT, "\nlast\npart", T0 + 2, 0);
	wr(log, PM_LOG_STDOUT, "", T0 + 3, 0); /* nothing */
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);

	_cleanup_free_ char *data = slurp(p);
	assert_string_equal(data, "2026-11-23T02:24:36.563867215+00:00 stdout F one\n"
				  "2026-11-23T02:24:36.563867215+00:00 stdout F two\n"
				  "2026-11-23T02:24:36.564002746+00:00 stderr F err  with  spaces\n"
				  "2026-11-23T02:24:37.000000005+00:00 stdout P two-no-nl\n"
				  "2026-11-23T02:24:38.000000000+00:00 stdout F \n"
				  "2026-11-23T02:24:38.000000000+00:00 stdout F last\n"
				  "2026-11-23T02:24:38.000000000+00:00 stdout P part\n");
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_null(pm_ctr_log_close(NULL, NULL) == 0 ? NULL : "x");
}

static void test_write_zone(void **state)
{
	_cleanup_free_ char *p = path_in("zone.log");
	pm_ctr_log *log = NULL;
	setenv("TZ", "EST5", 1);
	tzset();
	assert_int_equal(pm_ctr_log_open(p, 0, &log, NULL), 0);
	wr(log, PM_LOG_STDOUT, "west\n", T0, 1);
	setenv("TZ", "<+0530>-5:30", 1);
	tzset();
	wr(log, PM_LOG_STDERR, "east\n", T0, 2);
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);
	_cleanup_free_ char *data = slurp(p);
	assert_string_equal(data, "2026-11-22T21:24:36.000000001-05:00 stdout F west\n"
				  "2026-11-23T07:54:36.000000002+05:30 stderr F east\n");
	/* the reader keeps each entry's offset for -t */
	_cleanup_free_ char *got = read_all(p, NULL, true);
	assert_string_equal(got, "2026-11-22T21:24:36.000000001-05:00 out west\n"
				 "2026-11-23T07:54:36.000000002+05:30 err east\n");
}

static void test_write_long_lines(void **state)
{
	_cleanup_free_ char *p = path_in("long.log");
	pm_ctr_log *log = NULL;
	assert_int_equal(pm_ctr_log_open(p, 0, &log, NULL), 0);
	size_t n = 20000;
	_cleanup_free_ char *big = pm_xmalloc(n + 1);
	memset(big, 'x', n);
	big[n - 1] = '\n';
	big[n] = '\0';
	wr(log, PM_LOG_STDOUT, big, T0, 0); /* 19999 x + \n */
	big[8191] = '\n';
	big[8192] = '\0';
	wr(log, PM_LOG_STDOUT, big, T0, 0); /* 8191 x + \n: one F */
	big[8191] = 'x';
	big[8192] = '\n';
	big[8193] = '\0';
	wr(log, PM_LOG_STDOUT, big, T0, 0); /* 8192 x + \n: P then empty F */
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);

	_cleanup_free_ char *data = slurp(p);
	const char *hdr = "2026-11-23T02:24:36.000000000+00:00 stdout ";
	size_t hl = strlen(hdr);
	size_t want[][2] = {{'P', 8192}, {'P', 8192}, {'F', 19999 - 16384},
			    {'F', 8191}, {'P', 8192}, {'F', 0}};
	char *line = data;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *nl = strchr(line, '\n');
		assert_non_null(nl);
		assert_memory_equal(line, hdr, hl);
		assert_int_equal(line[hl], (char)want[i][0]);
		assert_int_equal(line[hl + 1], ' ');
		assert_int_equal((size_t)(nl - line) - hl - 2, want[i][1]);
		line = nl + 1;
	}
	assert_string_equal(line, "");

	/* the reader joins them back */
	struct collect c = {0};
	assert_int_equal(pm_ctr_log_read(p, NULL, collect_fn, &c, NULL), 0);
	assert_int_equal(c.calls, 3);
	_cleanup_free_ char *got = pm_gobuf_take(&c.b);
	char *l1 = got, *l2 = strchr(l1, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
	assert_int_equal(l2 - l1, 4 + 19999 + 1);
	assert_int_equal(l3 - l2, 4 + 8191 + 1);
	assert_int_equal(strlen(l3), 4 + 8192 + 1);
}

static void test_rotation(void **state)
{
	_cleanup_free_ char *p = path_in("rot.log");
	_cleanup_free_ char *tmp = path_in("rot.log.tmp");
	/* each entry "…+00:00 stdout F lineN\n" is 51 bytes */
	pm_ctr_log *log = NULL;
	assert_int_equal(pm_ctr_log_open(p, 110, &log, NULL), 0);
	wr(log, PM_LOG_STDOUT, "line1\nline2\n", T0, 0);
	assert_int_equal(pm_ctr_log_size(log), 102);
	struct stat st1, st2;
	assert_int_equal(stat(p, &st1), 0);
	wr(log, PM_LOG_STDOUT, "line3\n", T0, 0); /* 153 > 110: replaced first */
	assert_int_equal(stat(p, &st2), 0);
	assert_true(st1.st_ino != st2.st_ino);
	assert_int_equal(pm_ctr_log_size(log), 51);
	assert_false(pm_path_exists(tmp));
	{
		_cleanup_free_ char *data = slurp(p);
		assert_string_equal(data, "2026-11-23T02:24:36.000000000+00:00 stdout F line3\n");
	}
	/* rotation in the middle of one write */
	wr(log, PM_LOG_STDOUT, "line4\nline5\nline6\n", T0, 0);
	{
		_cleanup_free_ char *data = slurp(p);
		assert_string_equal(data, "2026-11-23T02:24:36.000000000+00:00 stdout F line5\n"
					  "2026-11-23T02:24:36.000000000+00:00 stdout F line6\n");
	}
	/* an entry larger than max-size still gets written, alone */
	wr(log, PM_LOG_STDERR,
	   "a-line-longer-than-the-maximum-size-of-the-log-file-"
	   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	   T0, 0);
	{
		_cleanup_free_ char *data = slurp(p);
		assert_true(
			pm_str_startswith(data, "2026-11-23T02:24:36.000000000+00:00 stderr F a-"));
		size_t first_nl = strcspn(data, "\n");
		assert_int_equal(first_nl + 1, strlen(data));
	}
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);

	/* reopening counts what is already there */
	assert_int_equal(pm_ctr_log_open(p, 1000, &log, NULL), 0);
	assert_true(pm_ctr_log_size(log) > 100);
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);

	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_ctr_log_open("/nonexistent-dir/x.log", 0, &log, &err), -ENOENT);
	assert_string_equal(
		err->msg,
		"opening container log '/nonexistent-dir/x.log': No such file or directory");
}

/* ---- reader ---- */

static char *write_sample(const char *name)
{
	char *p = path_in(name);
	pm_ctr_log *log = NULL;
	assert_int_equal(pm_ctr_log_open(p, 0, &log, NULL), 0);
	wr(log, PM_LOG_STDOUT, "one\n", T0, 0);
	wr(log, PM_LOG_STDOUT, "two-", T0 + 1, 0);
	wr(log, PM_LOG_STDERR, "three\n", T0 + 2, 0); /* between two fragments of stdout */
	wr(log, PM_LOG_STDOUT, "nl\n", T0 + 3, 0);
	wr(log, PM_LOG_STDOUT, "four\nfive\n", T0 + 4, 0);
	wr(log, PM_LOG_STDERR, "err-", T0 + 5, 0);
	wr(log, PM_LOG_STDOUT, "six\n", T0 + 6, 0);
	wr(log, PM_LOG_STDERR, "tail", T0 + 7, 0); /* never terminated */
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);
	return p;
}

static void test_read_join(void **state)
{
	_cleanup_free_ char *p = write_sample("sample.log");
	_cleanup_free_ char *got = read_all(p, NULL, true);
	assert_string_equal(got, "2026-11-23T02:24:36.000000000Z out one\n"
				 "2026-11-23T02:24:38.000000000Z err three\n"
				 "2026-11-23T02:24:37.000000000Z out two-nl\n"
				 "2026-11-23T02:24:40.000000000Z out four\n"
				 "2026-11-23T02:24:40.000000000Z out five\n"
				 "2026-11-23T02:24:42.000000000Z out six\n"
				 "2026-11-23T02:24:41.000000000Z err noeol err-tail\n");

	/* a missing log reads as empty */
	_cleanup_free_ char *none = path_in("none.log");
	_cleanup_free_ char *empty = read_all(none, NULL, false);
	assert_string_equal(empty, "");
}

static void test_read_since_until(void **state)
{
	_cleanup_free_ char *p = write_sample("since.log");
	/* strictly after / strictly before, by the time of a line's first entry */
	struct pm_log_filter f = {.has_since = true, .since_ns = (T0 + 1) * S, .tail = -1};
	_cleanup_free_ char *a = read_all(p, &f, false);
	assert_string_equal(a, "err three\nout four\nout five\nout six\nerr noeol err-tail\n");

	f = (struct pm_log_filter){.has_until = true, .until_ns = (T0 + 4) * S, .tail = -1};
	_cleanup_free_ char *b = read_all(p, &f, false);
	assert_string_equal(b, "out one\nerr three\nout two-nl\n");

	f = (struct pm_log_filter){.has_since = true,
				   .since_ns = (T0 + 3) * S,
				   .has_until = true,
				   .until_ns = (T0 + 6) * S,
				   .tail = -1};
	_cleanup_free_ char *c = read_all(p, &f, false);
	assert_string_equal(c, "out four\nout five\nerr noeol err-tail\n");

	/* until 0 (the epoch) shows nothing; since 0 everything */
	f = (struct pm_log_filter){.has_until = true, .until_ns = 0, .tail = -1};
	_cleanup_free_ char *d = read_all(p, &f, false);
	assert_string_equal(d, "");
}

static void test_read_tail(void **state)
{
	_cleanup_free_ char *p = write_sample("tail.log");
	static const struct {
		int64_t n;
		const char *want;
	} cases[] = {
		{0, ""},
		{1, "err noeol err-tail\n"},
		{2, "out six\nerr noeol err-tail\n"},
		{4, "out four\nout five\nout six\nerr noeol err-tail\n"},
		/* the stdout line that started before stderr's "three" comes back whole */
		{5, "out two-nl\nout four\nout five\nout six\nerr noeol err-tail\n"},
		{6, "err three\nout two-nl\nout four\nout five\nout six\nerr noeol err-tail\n"},
		{7, "out one\nerr three\nout two-nl\nout four\nout five\nout six\n"
		    "err noeol err-tail\n"},
		{100, "out one\nerr three\nout two-nl\nout four\nout five\nout six\n"
		      "err noeol err-tail\n"},
		{-1, "out one\nerr three\nout two-nl\nout four\nout five\nout six\n"
		     "err noeol err-tail\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pm_log_filter f = {.tail = cases[i].n};
		_cleanup_free_ char *got = read_all(p, &f, false);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("tail %lld: got\n%s\nwant\n%s", (long long)cases[i].n, got,
				 cases[i].want);
	}

	/* tail, then since: podman's order */
	struct pm_log_filter f = {.tail = 3, .has_since = true, .since_ns = (T0 + 5) * S};
	_cleanup_free_ char *g = read_all(p, &f, false);
	assert_string_equal(g, "out six\n");
}

static void test_read_tail_from_end(void **state)
{
	/* A big log whose first entry is garbage: a tail that read from the start would
	 * fail on it; the tail seeks from the end and never sees it. */
	_cleanup_free_ char *p = path_in("big.log");
	{
		_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, "garbage\n", 8), 8);
	}
	pm_ctr_log *log = NULL;
	assert_int_equal(pm_ctr_log_open(p, 0, &log, NULL), 0);
	struct pm_gobuf b = {0};
	for (int i = 0; i < 50000; i++)
		pm_gobuf_addf(&b, "line %d\n", i);
	struct timespec ts = at(T0, 0);
	assert_int_equal(pm_ctr_log_write_at(log, PM_LOG_STDOUT, b.s, b.len, &ts, NULL), 0);
	pm_gobuf_done(&b);
	wr(log, PM_LOG_STDERR, "early\n", T0, 0);
	wr(log, PM_LOG_STDOUT, "mid1\nmid2\n", T0, 0);
	wr(log, PM_LOG_STDERR, "a long line ", T0, 0);
	char *chunk = pm_xmalloc(200001);
	memset(chunk, 'y', 200000);
	chunk[200000] = '\0';
	wr(log, PM_LOG_STDERR, chunk, T0, 0); /* 25 P entries */
	free(chunk);
	wr(log, PM_LOG_STDOUT, "last stdout\n", T0, 0);
	wr(log, PM_LOG_STDERR, "end\n", T0, 0);
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);

	struct pm_log_filter f = {.tail = 3};
	struct collect c = {0};
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_ctr_log_read(p, &f, collect_fn, &c, &err), 0);
	_cleanup_free_ char *got = pm_gobuf_take(&c.b);
	/* the stderr line began before the cut, and comes back whole */
	assert_true(pm_str_startswith(got, "out mid2\nout last stdout\nerr a long line yyy"));
	assert_true(pm_str_endswith(got, "yyyend\n"));
	assert_int_equal(strlen(got),
			 strlen("out mid2\nout last stdout\n") + 4 + 12 + 200000 + 3 + 1);

	/* the full read does meet the garbage, and says so */
	pm_error_free(err);
	err = NULL;
	struct collect c2 = {0};
	assert_int_equal(pm_ctr_log_read(p, NULL, collect_fn, &c2, &err), -EINVAL);
	pm_gobuf_done(&c2.b);
	_cleanup_free_ char *want =
		pm_xasprintf("reading container log '%s': invalid entry 'garbage'", p);
	assert_string_equal(err->msg, want);
}

static void test_read_pieces(void **state)
{
	/* a line longer than PM_LOG_JOIN_MAX comes in pieces */
	_cleanup_free_ char *p = path_in("huge.log");
	pm_ctr_log *log = NULL;
	assert_int_equal(pm_ctr_log_open(p, 0, &log, NULL), 0);
	size_t n = 3 * PM_LOG_JOIN_MAX + 100;
	char *big = pm_xmalloc(n + 2);
	memset(big, 'z', n);
	big[n] = '\n';
	big[n + 1] = '\0';
	wr(log, PM_LOG_STDOUT, big, T0, 0);
	free(big);
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);

	struct collect c = {0};
	assert_int_equal(pm_ctr_log_read(p, NULL, collect_fn, &c, NULL), 0);
	_cleanup_free_ char *got = pm_gobuf_take(&c.b);
	assert_int_equal(c.calls, 4);
	assert_true(pm_str_startswith(got, "out noeol zzz"));
	assert_non_null(strstr(got, "\nout cont noeol zzz"));
	/* the last piece ends the line */
	char *last = strrchr(got, '\n');
	*last = '\0';
	last = strrchr(got, '\n');
	assert_true(pm_str_startswith(last, "\nout cont zzz"));
}

static void test_read_rotation(void **state)
{
	/* a reader keeps going across a rotation (the file is replaced) */
	_cleanup_free_ char *p = path_in("rr.log");
	pm_ctr_log *log = NULL;
	assert_int_equal(pm_ctr_log_open(p, 120, &log, NULL), 0);
	wr(log, PM_LOG_STDOUT, "a1\na2\n", T0, 0);
	pm_log_reader *r = NULL;
	assert_int_equal(pm_ctr_log_reader_open(p, NULL, &r, NULL), 0);
	struct collect c = {0};
	assert_int_equal(pm_ctr_log_reader_read(r, collect_fn, &c, NULL), 0);
	wr(log, PM_LOG_STDOUT, "b1\nb2\nb3\n", T0, 0); /* rotates before b1 and before b3 */
	assert_int_equal(pm_ctr_log_reader_read(r, collect_fn, &c, NULL), 0);
	assert_int_equal(pm_ctr_log_reader_finish(r, collect_fn, &c, NULL), 0);
	pm_ctr_log_reader_free(r);
	assert_int_equal(pm_ctr_log_close(log, NULL), 0);
	_cleanup_free_ char *got = pm_gobuf_take(&c.b);
	/* b1 and b2 were in a file replaced before the reader looked: gone, as in podman */
	assert_string_equal(got, "out a1\nout a2\nout b3\n");
}

/* ---- follow ---- */

static int stop_after_fn(const struct pm_log_line *l, void *userdata)
{
	return collect_fn(l, userdata);
}

static void child_writer(const char *logp, const char *statep, int lines)
{
	pm_ctr_log *log = NULL;
	if (pm_ctr_log_open(logp, 2000, &log, NULL) < 0) /* rotates once while followed */
		_exit(2);
	for (int i = 0; i < lines; i++) {
		char buf[64];
		int n = snprintf(buf, sizeof(buf), "line %d", i);
		if (pm_ctr_log_write(log, i % 3 == 2 ? PM_LOG_STDERR : PM_LOG_STDOUT, buf,
				     (size_t)n, NULL) < 0 ||
		    pm_ctr_log_write(log, i % 3 == 2 ? PM_LOG_STDERR : PM_LOG_STDOUT, "\n", 1,
				     NULL) < 0)
			_exit(3);
		struct timespec d = {0, 3 * 1000 * 1000};
		nanosleep(&d, NULL);
	}
	if (pm_ctr_log_write(log, PM_LOG_STDOUT, "bye", 3, NULL) < 0)
		_exit(3);
	if (pm_ctr_log_close(log, NULL) < 0)
		_exit(4);
	/* the exit state, written atomically like the monitor's state file */
	if (pm_write_file_atomic(statep, "{\"exited\":true}", 15, 0600, NULL) < 0)
		_exit(5);
	_exit(0);
}

static bool exited_cb(void *userdata)
{
	const char *statep = userdata;
	_cleanup_free_ char *s = NULL;
	if (pm_read_file(statep, 4096, &s, NULL, NULL) < 0)
		return false;
	return strstr(s, "\"exited\":true") != NULL;
}

static void test_follow_exit(void **state)
{
	_cleanup_free_ char *dir = path_in("ctr");
	assert_int_equal(pm_mkdir_p(dir, 0700, NULL), 0);
	_cleanup_free_ char *logp = pm_path_join(dir, "ctr.log");
	_cleanup_free_ char *statep = pm_path_join(dir, "state.json");
	/* a state file that says "running" exists already: changes to it must be checked */
	assert_int_equal(pm_write_file_atomic(statep, "{}", 2, 0600, NULL), 0);

	const int lines = 60;
	/* The reader holds the first log file before the writer starts, and the log rotates
	 * once (60 lines of ~50 bytes over 2000): a reader that comes late, or is slower than
	 * two rotations, misses the files replaced in between, as conmon's do, which would make
	 * this test depend on the machine's load. */
	assert_int_equal(pm_write_file_atomic(logp, "", 0, 0600, NULL), 0);
	pm_log_reader *r = NULL;
	assert_int_equal(pm_ctr_log_reader_open(logp, NULL, &r, NULL), 0);
	alarm(20); /* a hang fails the test instead of the whole run */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child_writer(logp, statep, lines);

	struct collect c = {0};
	struct pm_log_follow src = {.reader = r,
				    .fn = stop_after_fn,
				    .userdata = &c,
				    .exit_path = statep,
				    .exited = exited_cb,
				    .exited_userdata = statep};
	_cleanup_error_ pm_error *err = NULL;
	int k = pm_ctr_log_follow(&src, 1, -1, &err);
	if (k != 0)
		fail_msg("follow: %d %s", k, err ? err->msg : "");
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	alarm(0);
	pm_ctr_log_reader_free(r);

	/* every line, in order per stream, then the unterminated "bye" */
	_cleanup_free_ char *got = pm_gobuf_take(&c.b);
	struct pm_gobuf want_out = {0}, want_err = {0}, got_out = {0}, got_err = {0};
	for (int i = 0; i < lines; i++)
		pm_gobuf_addf(i % 3 == 2 ? &want_err : &want_out, "line %d\n", i);
	pm_gobuf_adds(&want_out, "noeol bye\n");
	for (char *l = got, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
		if (pm_str_startswith(l, "out "))
			pm_gobuf_add(&got_out, l + 4, (size_t)(nl - l) - 3);
		else
			pm_gobuf_add(&got_err, l + 4, (size_t)(nl - l) - 3);
	}
	assert_string_equal(got_out.s, want_out.s);
	assert_string_equal(got_err.s, want_err.s);
	assert_true(pm_str_endswith(got, "out noeol bye\n"));
	pm_gobuf_done(&want_out);
	pm_gobuf_done(&want_err);
	pm_gobuf_done(&got_out);
	pm_gobuf_done(&got_err);
}

static void test_follow_stop_fd(void **state)
{
	_cleanup_free_ char *dir = path_in("ctr2");
	assert_int_equal(pm_mkdir_p(dir, 0700, NULL), 0);
	_cleanup_free_ char *logp = pm_path_join(dir, "ctr.log");
	_cleanup_free_ char *statep = pm_path_join(dir, "exit");
	int pfd[2], seen[2];
	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	assert_int_equal(pipe2(seen, O_CLOEXEC), 0);

	alarm(20);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		close(seen[1]);
		pm_ctr_log *log = NULL;
		if (pm_ctr_log_open(logp, 0, &log, NULL) < 0 ||
		    pm_ctr_log_write(log, PM_LOG_STDOUT, "hello\n", 6, NULL) < 0)
			_exit(2);
		pm_ctr_log_close(log, NULL);
		char b;
		if (read(seen[0], &b, 1) != 1) /* the follower has the line: stop it */
			_exit(3);
		if (write(pfd[1], "x", 1) != 1) /* like ^C through a signalfd */
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	close(seen[0]);
	pm_log_reader *r = NULL;
	assert_int_equal(pm_ctr_log_reader_open(logp, NULL, &r, NULL), 0);
	struct collect c = {.seen_fd = seen[1]};
	/* no exit file ever appears: only the stop fd ends this */
	struct pm_log_follow src = {
		.reader = r, .fn = collect_fn, .userdata = &c, .exit_path = statep};
	assert_int_equal(pm_ctr_log_follow(&src, 1, pfd[0], NULL), 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	alarm(0);
	close(pfd[0]);
	close(seen[1]);
	pm_ctr_log_reader_free(r);
	_cleanup_free_ char *got = pm_gobuf_take(&c.b);
	assert_string_equal(got, "out hello\n");

	/* an exit file that exists from the start: everything, then return */
	assert_int_equal(pm_write_file_atomic(statep, "0", 1, 0600, NULL), 0);
	assert_int_equal(pm_ctr_log_reader_open(logp, NULL, &r, NULL), 0);
	struct collect c2 = {0};
	src = (struct pm_log_follow){
		.reader = r, .fn = collect_fn, .userdata = &c2, .exit_path = statep};
	assert_int_equal(pm_ctr_log_follow(&src, 1, -1, NULL), 0);
	pm_ctr_log_reader_free(r);
	_cleanup_free_ char *got2 = pm_gobuf_take(&c2.b);
	assert_string_equal(got2, "out hello\n");

	/* a directory that does not exist is an error naming it */
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_ctr_log_reader_open("/nonexistent-pm/ctr.log", NULL, &r, NULL), 0);
	src = (struct pm_log_follow){.reader = r, .fn = collect_fn, .userdata = &c2};
	assert_int_equal(pm_ctr_log_follow(&src, 1, -1, &err), -ENOENT);
	assert_string_equal(err->msg,
			    "watching directory '/nonexistent-pm': No such file or directory");
	pm_ctr_log_reader_free(r);
}

/* ---- output ---- */

static void test_format(void **state)
{
	struct pm_log_line l = {.stream = PM_LOG_STDOUT,
				.ns = (T0)*S + 563867215,
				.off = 0,
				.msg = "hello world",
				.len = 11,
				.first = true,
				.eol = true};
	struct pm_log_print_opts o = {0};
	struct pm_gobuf b = {0};
	pm_ctr_log_format(&l, &o, &b);
	pm_gobuf_adds(&b, "|");
	o.timestamps = true;
	pm_ctr_log_format(&l, &o, &b);
	pm_gobuf_adds(&b, "|");
	o.prefix = "86ee5f9060e9";
	pm_ctr_log_format(&l, &o, &b);
	pm_gobuf_adds(&b, "|");
	o.timestamps = false;
	l.off = 3600;
	l.eol = false;
	pm_ctr_log_format(&l, &o, &b);
	pm_gobuf_adds(&b, "|");
	l.first = false;
	l.eol = true;
	o.timestamps = true;
	pm_ctr_log_format(&l, &o, &b); /* a continuation: no prefix, no time */
	pm_gobuf_adds(&b, "|");
	o.color = "\033[37m";
	l.first = true;
	pm_ctr_log_format(&l, &o, &b);
	_cleanup_free_ char *s = pm_gobuf_take(&b);
	assert_string_equal(s, "hello world\n|"
			       "2026-11-23T02:24:36.563867215Z hello world\n|"
			       "86ee5f9060e9 2026-11-23T02:24:36.563867215Z hello world\n|"
			       "86ee5f9060e9 hello world|"
			       "hello world\n|"
			       "\033[37m86ee5f9060e9 2026-11-23T03:24:36.563867215+01:00 "
			       "hello world\033[0m\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_lines),	 cmocka_unit_test(test_write_zone),
		cmocka_unit_test(test_write_long_lines), cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_read_join),	 cmocka_unit_test(test_read_since_until),
		cmocka_unit_test(test_read_tail),	 cmocka_unit_test(test_read_tail_from_end),
		cmocka_unit_test(test_read_pieces),	 cmocka_unit_test(test_read_rotation),
		cmocka_unit_test(test_follow_exit),	 cmocka_unit_test(test_follow_stop_fd),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
