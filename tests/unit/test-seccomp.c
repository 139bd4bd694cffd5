/* test-seccomp.c: seccomp profiles (runtime/seccomp.c): JSON parsing (good profiles, each
 * kind of malformed one with its exact message), pm's default profile (compiles, its size,
 * the same BPF as podman's seccomp.json when the machine has it), replay of the fuzz
 * corpus, and the filter applied in a forked child: allowed, unknown (ENOSYS) and denied
 * (EPERM) syscalls, cap-conditional and argument rules, Seccomp: 2, unconfined. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "runtime/seccomp-default.h"
#include "runtime/seccomp.h"

/* The fuzz target: the corpus replay below calls it on every corpus file. */
#include "tests/fuzz/fuzz-seccomp-profile.c"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"
#define CORPUS_DIR     "tests/fuzz/corpus-seccomp"

/* podman's 11 default capabilities. */
static const uint64_t default_caps =
	PM_CAPBIT(CAP_CHOWN) | PM_CAPBIT(CAP_DAC_OVERRIDE) | PM_CAPBIT(CAP_FOWNER) |
	PM_CAPBIT(CAP_FSETID) | PM_CAPBIT(CAP_KILL) | PM_CAPBIT(CAP_NET_BIND_SERVICE) |
	PM_CAPBIT(CAP_SETFCAP) | PM_CAPBIT(CAP_SETGID) | PM_CAPBIT(CAP_SETPCAP) |
	PM_CAPBIT(CAP_SETUID) | PM_CAPBIT(CAP_SYS_CHROOT);
static const uint64_t all_caps = PM_CAPBIT(CAP_LAST_CAP + 1) - 1;

static size_t insns(const struct pm_seccomp *s)
{
	size_t n = 0;
	pm_seccomp_bpf(s, &n, NULL);
	return n;
}

/* Compile a profile text; return the error message (static buffer) or NULL on success. */
static const char *compile_msg(const char *json)
{
	static char buf[512];
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_seccomp_ struct pm_seccomp *s = NULL;
	int r = pm_seccomp_compile_data("t.json", json, strlen(json), default_caps, &s, &err);
	if (r >= 0) {
		assert_null(err);
		assert_non_null(s);
		assert_true(insns(s) > 0);
		return NULL;
	}
	assert_non_null(err);
	assert_int_equal(-r, err->code);
	assert_null(s);
	snprintf(buf, sizeof(buf), "%s", err->msg);
	return buf;
}

/* ---- parsing ------------------------------------------------------------------------ */

static void test_good_profiles(void **state)
{
	assert_null(compile_msg("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}"));
	assert_null(compile_msg("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,"
				" \"syscalls\": null, \"unknownKey\": [1, 2]}"));
	/* "name" (old docker format), unknown syscall names skipped, rules with the default
	 * action skipped, every action and operator. */
	assert_null(compile_msg(
		"{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": ["
		"{\"name\": \"read\", \"action\": \"SCMP_ACT_ALLOW\"},"
		"{\"names\": [\"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		"{\"names\": [\"write\"], \"action\": \"SCMP_ACT_KILL_PROCESS\"},"
		"{\"names\": [\"close\"], \"action\": \"SCMP_ACT_LOG\"},"
		"{\"names\": [\"dup\"], \"action\": \"SCMP_ACT_TRAP\"},"
		"{\"names\": [\"dup2\"], \"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5},"
		"{\"names\": [\"dup3\"], \"action\": \"SCMP_ACT_KILL_THREAD\"},"
		"{\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_KILL\"},"
		"{\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
		"{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_NE\"},"
		"{\"index\": 1, \"value\": 1, \"op\": \"SCMP_CMP_LT\"},"
		"{\"index\": 2, \"value\": 1, \"op\": \"SCMP_CMP_LE\"},"
		"{\"index\": 3, \"value\": 1, \"op\": \"SCMP_CMP_GE\"},"
		"{\"index\": 4, \"value\": 1, \"op\": \"SCMP_CMP_GT\"},"
		"{\"index\": 5, \"value\": 255, \"valueTwo\": 1, \"op\": "
		"\"SCMP_CMP_MASKED_EQ\"}]}]}"));
	/* Same argument twice: one rule per condition, as runc does. */
	assert_null(
		compile_msg("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			    "{\"names\": [\"mmap\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
			    "{\"index\": 2, \"value\": 4, \"op\": \"SCMP_CMP_EQ\"},"
			    "{\"index\": 2, \"value\": 7, \"op\": \"SCMP_CMP_EQ\"}]}]}"));
	assert_null(
		compile_msg("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": "
			    "[\"SECCOMP_FILTER_FLAG_LOG\", \"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"]}"));
}

struct bad_case {
	const char *json;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\",}",
	 "seccomp profile 't.json': invalid JSON at line 1 column 36: string or '}' expected "
	 "near '}'"},
	{"", "seccomp profile 't.json': invalid JSON at line 1 column 0: '[' or '{' expected "
	     "near end of file"},
	{"[1]", "seccomp profile 't.json': not a JSON object"},
	{"{}", "seccomp profile 't.json': missing 'defaultAction'"},
	{"{\"defaultAction\": 1}", "seccomp profile 't.json': 'defaultAction' must be a string"},
	{"{\"defaultAction\": \"SCMP_ACT_MAYBE\"}",
	 "seccomp profile 't.json': unknown action 'SCMP_ACT_MAYBE'"},
	{"{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}",
	 "seccomp profile 't.json': action 'SCMP_ACT_NOTIFY' is not supported"},
	{"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 4096}",
	 "seccomp profile 't.json': 'defaultErrnoRet' 4096 out of range (0-4095)"},
	{"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
	 "seccomp profile 't.json': 'defaultErrnoRet' must be a non-negative integer"},
	{"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": \"EPERM\"}",
	 "seccomp profile 't.json': 'defaultErrnoRet' must be a non-negative integer"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}",
	 "seccomp profile 't.json': unknown architecture 'SCMP_ARCH_Z80'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"x86_64\"]}",
	 "seccomp profile 't.json': unknown architecture 'x86_64'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": \"SCMP_ARCH_X86_64\"}",
	 "seccomp profile 't.json': 'architectures' must be an array of strings"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"], "
	 "\"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\"}]}",
	 "seccomp profile 't.json': both 'architectures' and 'archMap' given: use one"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"subArchitectures\": []}]}",
	 "seccomp profile 't.json': archMap[0]: missing 'architecture'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": [{\"architecture\": "
	 "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X87\"]}]}",
	 "seccomp profile 't.json': archMap[0]: unknown architecture 'SCMP_ARCH_X87'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"archMap\": {}}",
	 "seccomp profile 't.json': 'archMap' must be an array"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_NEW\"]}",
	 "seccomp profile 't.json': unknown flag 'SECCOMP_FILTER_FLAG_NEW'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}",
	 "seccomp profile 't.json': 'syscalls' must be an array"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [3]}",
	 "seccomp profile 't.json': syscalls[0]: must be an object"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"action\": "
	 "\"SCMP_ACT_ERRNO\"}]}",
	 "seccomp profile 't.json': syscalls[0]: no syscall 'names'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [], \"action\": "
	 "\"SCMP_ACT_ERRNO\"}]}",
	 "seccomp profile 't.json': syscalls[0]: no syscall 'names'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\", 1], "
	 "\"action\": \"SCMP_ACT_ERRNO\"}]}",
	 "seccomp profile 't.json': syscalls[0]: 'names' must be an array of strings"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\"}]}",
	 "seccomp profile 't.json': syscalls[0]: empty syscall name"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"name\": \"read\", "
	 "\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	 "seccomp profile 't.json': syscalls[0]: both 'name' and 'names' given: use one"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}",
	 "seccomp profile 't.json': syscalls[0]: missing 'action'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}, "
	 "{\"names\": [\"write\"], \"action\": \"SCMP_ACT_DENY\"}]}",
	 "seccomp profile 't.json': syscalls[0]: missing 'action'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\"}, {\"names\": [\"write\"], \"action\": "
	 "\"SCMP_ACT_DENY\"}]}",
	 "seccomp profile 't.json': syscalls[1]: unknown action 'SCMP_ACT_DENY'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 70000}]}",
	 "seccomp profile 't.json': syscalls[0]: 'errnoRet' 70000 out of range (0-4095)"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"args\": {}}]}",
	 "seccomp profile 't.json': syscalls[0]: 'args' must be an array"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [7]}]}",
	 "seccomp profile 't.json': syscalls[0]: args[0]: must be an object"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	 "seccomp profile 't.json': syscalls[0]: args[0]: missing 'index'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": "
	 "\"SCMP_CMP_EQ\"}]}]}",
	 "seccomp profile 't.json': syscalls[0]: args[0]: 'index' 6 out of range (0-5)"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": -2, \"op\": "
	 "\"SCMP_CMP_EQ\"}]}]}",
	 "seccomp profile 't.json': syscalls[0]: args[0]: 'value' must be a non-negative "
	 "integer"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1}]}]}",
	 "seccomp profile 't.json': syscalls[0]: args[0]: missing 'op'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
	 "\"SCMP_CMP_ABOUT\"}]}]}",
	 "seccomp profile 't.json': syscalls[0]: args[0]: unknown operator 'SCMP_CMP_ABOUT'"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"includes\": []}]}",
	 "seccomp profile 't.json': syscalls[0]: 'includes' must be an object"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"caps\": \"CAP_SYS_ADMIN\"}}]}",
	 "seccomp profile 't.json': syscalls[0]: excludes: 'caps' must be an array of strings"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"arches\": [1]}}]}",
	 "seccomp profile 't.json': syscalls[0]: includes: 'arches' must be an array of "
	 "strings"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"4.x\"}}]}",
	 "seccomp profile 't.json': syscalls[0]: includes: 'minKernel' '4.x' is not a kernel "
	 "version (MAJOR.MINOR)"},
	{"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], "
	 "\"action\": \"SCMP_ACT_ERRNO\", \"excludes\": {\"minKernel\": 5}}]}",
	 "seccomp profile 't.json': syscalls[0]: excludes: 'minKernel' must be a string"},
};

static void test_bad_profiles(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const char *msg = compile_msg(bad_cases[i].json);
		if (!msg || strcmp(msg, bad_cases[i].msg) != 0)
			fail_msg("case %zu: %s\n  got:  %s\n  want: %s", i, bad_cases[i].json,
				 msg ? msg : "(success)", bad_cases[i].msg);
	}
}

static void test_profile_files(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	struct pm_seccomp *s = (struct pm_seccomp *)&err; /* must be reset to NULL */
	assert_int_equal(pm_seccomp_compile("/nonexistent/p.json", default_caps, false, &s, &err),
			 -ENOENT);
	assert_null(s);
	assert_string_equal(err->msg,
			    "seccomp profile '/nonexistent/p.json': No such file or directory");
	err = pm_error_free(err);

	char dir[] = "/tmp/pm-test-seccomp-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pm_seccomp_compile(dir, default_caps, false, &s, &err), -EISDIR);
	_cleanup_free_ char *want = pm_xasprintf("seccomp profile '%s': Is a directory", dir);
	assert_string_equal(err->msg, want);
	err = pm_error_free(err);

	_cleanup_free_ char *big = pm_path_join(dir, "big.json");
	int fd = open(big, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, PM_SECCOMP_PROFILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(pm_seccomp_compile(big, default_caps, false, &s, &err), -EFBIG);
	_cleanup_free_ char *want2 =
		pm_xasprintf("seccomp profile '%s': larger than 4194304 bytes", big);
	assert_string_equal(err->msg, want2);
	err = pm_error_free(err);

	_cleanup_free_ char *good = pm_path_join(dir, "good.json");
	const char *text = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
	assert_int_equal(pm_write_file_atomic(good, text, strlen(text), 0600, NULL), 0);
	assert_int_equal(pm_seccomp_compile(good, default_caps, true, &s, &err), 0);
	assert_non_null(s); /* an explicit profile applies even with --privileged */
	s = pm_seccomp_free(s);
	assert_int_equal(pm_rm_rf(dir, NULL), 0);
}

/* ---- the default profile -------------------------------------------------------------- */

static void test_default_profile(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	struct pm_seccomp *s = NULL;
	assert_int_equal(pm_seccomp_compile(NULL, default_caps, false, &s, &err), 0);
	assert_non_null(s);
	size_t n = 0;
	unsigned flags = 1;
	const struct sock_filter *prog = pm_seccomp_bpf(s, &n, &flags);
	assert_non_null(prog);
	assert_int_equal(flags, 0);
	/* x86_64 + x86 + x32, ~400 syscalls: hundreds of instructions, under the kernel's
	 * 4096. */
	assert_true(n > 300);
	assert_true(n < 4096);
	s = pm_seccomp_free(s);

	/* More capabilities allow more syscalls: a different program. */
	assert_int_equal(pm_seccomp_compile(NULL, all_caps, false, &s, &err), 0);
	assert_non_null(s);
	assert_true(insns(s) != n);
	s = pm_seccomp_free(s);

	/* --privileged without a profile, and "unconfined": no filter. */
	s = (struct pm_seccomp *)&err;
	assert_int_equal(pm_seccomp_compile(NULL, all_caps, true, &s, &err), 0);
	assert_null(s);
	s = (struct pm_seccomp *)&err;
	assert_int_equal(pm_seccomp_compile("unconfined", default_caps, false, &s, &err), 0);
	assert_null(s);
	assert_null(err);
	assert_int_equal(pm_seccomp_apply(NULL, &err), 0);
	assert_null(pm_seccomp_bpf(NULL, &n, NULL));
	assert_int_equal(n, 0);

	/* The tables: podman's counts (35 rule groups, 374 names allowed unconditionally). */
	const struct pm_seccomp_profile *p = &pm_seccomp_default_profile;
	assert_int_equal(p->default_action, SCMP_ACT_ERRNO(ENOSYS));
	assert_int_equal(p->n_rules, 35);
	size_t names = 0;
	while (p->rules[1].names[names])
		names++;
	assert_int_equal(names, 374);
}

/* The cache gives the same program, keyed by caps and profile content; a bad cache file is
 * ignored. */
static void test_cache(void **state)
{
	char dir[] = "/tmp/pm-test-seccomp-XXXXXX";
	assert_non_null(mkdtemp(dir));
	_cleanup_free_ char *cache = pm_path_join(dir, "cache");
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_seccomp_ struct pm_seccomp *plain = NULL, *first = NULL, *hit = NULL,
					    *other = NULL;
	assert_int_equal(pm_seccomp_compile(NULL, default_caps, false, &plain, &err), 0);
	assert_int_equal(pm_seccomp_compile_cached(NULL, default_caps, false, cache, &first, &err),
			 0);
	assert_int_equal(pm_seccomp_compile_cached(NULL, default_caps, false, cache, &hit, &err),
			 0);
	size_t n = insns(plain);
	assert_int_equal(insns(first), n);
	assert_int_equal(insns(hit), n);
	assert_memory_equal(pm_seccomp_bpf(plain, NULL, NULL), pm_seccomp_bpf(hit, NULL, NULL),
			    n * sizeof(struct sock_filter));
	/* other caps: another entry, another program */
	assert_int_equal(pm_seccomp_compile_cached(NULL, all_caps, false, cache, &other, &err), 0);
	assert_true(insns(other) != n);
	_cleanup_closedir_ DIR *d = opendir(cache);
	assert_non_null(d);
	size_t files = 0;
	for (struct dirent *de; (de = readdir(d));)
		files += de->d_name[0] != '.';
	assert_int_equal(files, 2);
	other = pm_seccomp_free(other);

	/* corrupt every cache file: recompiled, same program */
	rewinddir(d);
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *p = pm_path_join(cache, de->d_name);
		assert_int_equal(truncate(p, 100), 0);
	}
	assert_int_equal(pm_seccomp_compile_cached(NULL, default_caps, false, cache, &other, &err),
			 0);
	assert_int_equal(insns(other), n);
	other = pm_seccomp_free(other);

	/* a profile file: its content is in the key */
	_cleanup_free_ char *prof = pm_path_join(dir, "p.json");
	const char *t1 = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
	const char *t2 = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			 "[\"uname\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";
	assert_int_equal(pm_write_file_atomic(prof, t1, strlen(t1), 0600, NULL), 0);
	assert_int_equal(pm_seccomp_compile_cached(prof, 0, false, cache, &other, &err), 0);
	size_t n1 = insns(other);
	other = pm_seccomp_free(other);
	assert_int_equal(pm_write_file_atomic(prof, t2, strlen(t2), 0600, NULL), 0);
	assert_int_equal(pm_seccomp_compile_cached(prof, 0, false, cache, &other, &err), 0);
	assert_true(insns(other) > n1);
	other = pm_seccomp_free(other);
	/* unconfined and privileged: no filter, nothing cached */
	assert_int_equal(pm_seccomp_compile_cached("unconfined", 0, false, cache, &other, &err), 0);
	assert_null(other);
	assert_int_equal(pm_seccomp_compile_cached(NULL, 0, true, cache, &other, &err), 0);
	assert_null(other);
	/* an unusable cache directory is not an error */
	assert_int_equal(pm_seccomp_compile_cached(NULL, 0, false, "/proc/pm-no", &other, &err), 0);
	assert_non_null(other);
	assert_null(err);
	other = pm_seccomp_free(other);
	assert_int_equal(pm_rm_rf(dir, NULL), 0);
}

/* The names allowed with no condition (no args, includes, excludes) in a profile. */
static bool default_allows_unconditionally(const char *name)
{
	const struct pm_seccomp_profile *p = &pm_seccomp_default_profile;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pm_seccomp_rule *r = &p->rules[i];
		if (r->action != SCMP_ACT_ALLOW || r->n_args || r->includes.caps ||
		    r->includes.arches || r->excludes.caps || r->excludes.arches)
			continue;
		for (size_t k = 0; r->names[k]; k++)
			if (strcmp(r->names[k], name) == 0)
				return true;
	}
	return false;
}

static void test_default_matches_podman(void **state)
{
	if (access(PODMAN_PROFILE, R_OK) < 0)
		skip();
	/* 1. every name podman allows unconditionally, pm's tables allow too. */
	json_error_t jerr;
	json_t *root = json_load_file(PODMAN_PROFILE, 0, &jerr);
	assert_non_null(root);
	size_t checked = 0, i;
	json_t *rule;
	json_array_foreach(json_object_get(root, "syscalls"), i, rule) {
		if (strcmp(json_string_value(json_object_get(rule, "action")), "SCMP_ACT_ALLOW") !=
			    0 ||
		    json_array_size(json_object_get(rule, "args")) > 0 ||
		    json_object_size(json_object_get(rule, "includes")) > 0 ||
		    json_object_size(json_object_get(rule, "excludes")) > 0)
			continue;
		size_t k;
		json_t *name;
		json_array_foreach(json_object_get(rule, "names"), k, name) {
			if (!default_allows_unconditionally(json_string_value(name)))
				fail_msg("podman allows '%s', pm's default does not",
					 json_string_value(name));
			checked++;
		}
	}
	json_decref(root);
	assert_true(checked >= 374);

	/* 2. the whole effect: the same BPF program for several capability sets. */
	const uint64_t masks[] = {default_caps, 0, all_caps,
				  default_caps | PM_CAPBIT(CAP_SYS_ADMIN),
				  default_caps | PM_CAPBIT(CAP_AUDIT_WRITE)};
	for (size_t m = 0; m < ARRAY_SIZE(masks); m++) {
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_seccomp_ struct pm_seccomp *pm = NULL, *podman = NULL;
		assert_int_equal(pm_seccomp_compile(NULL, masks[m], false, &pm, &err), 0);
		assert_int_equal(pm_seccomp_compile(PODMAN_PROFILE, masks[m], false, &podman, &err),
				 0);
		size_t n1 = 0, n2 = 0;
		const void *p1 = pm_seccomp_bpf(pm, &n1, NULL),
			   *p2 = pm_seccomp_bpf(podman, &n2, NULL);
		assert_int_equal(n1, n2);
		assert_memory_equal(p1, p2, n1 * sizeof(struct sock_filter));
	}
}

/* ---- fuzz corpus ------------------------------------------------------------------------ */

static void test_corpus_replay(void **state)
{
	_cleanup_closedir_ DIR *d = opendir(CORPUS_DIR);
	if (!d)
		fail_msg("cannot open %s (run from the repository root): %s", CORPUS_DIR,
			 strerror(errno));
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *path = pm_path_join(CORPUS_DIR, de->d_name);
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		assert_int_equal(pm_read_file(path, 1 << 20, &data, &len, NULL), 0);
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		/* ok-* files compile, bad-* files fail. */
		_cleanup_error_ pm_error *err = NULL;
		_cleanup_seccomp_ struct pm_seccomp *s = NULL;
		int r = pm_seccomp_compile_data("c", data, len, default_caps, &s, &err);
		if (pm_str_startswith(de->d_name, "ok-") && r < 0)
			fail_msg("%s: %s", de->d_name, err->msg);
		if (pm_str_startswith(de->d_name, "bad-") && r >= 0)
			fail_msg("%s: compiled", de->d_name);
		n++;
	}
	assert_true(n >= 10);
}

/* ---- in a child ------------------------------------------------------------------------ */

/* Run checks(arg) in a forked child after no_new_privs and pm_seccomp_apply(s); the child
 * writes the first failed check into a pipe. */
static int check_errno(int fd, const char *what, long r, int want)
{
	int e = errno;
	if (want == 0 ? r >= 0 : (r == -1 && e == want))
		return 0;
	dprintf(fd, "%s: returned %ld errno %d (%s), want errno %d (%s)", what, r, r < 0 ? e : 0,
		r < 0 ? strerror(e) : "-", want, want ? strerror(want) : "ok");
	return 1;
}

static int seccomp_status(void)
{
	_cleanup_free_ char *data = NULL;
	if (pm_read_file("/proc/self/status", 1 << 16, &data, NULL, NULL) < 0)
		return -1;
	const char *p = strstr(data, "\nSeccomp:");
	return p ? atoi(p + 9) : -1;
}

static void run_child(const struct pm_seccomp *s, int (*checks)(int fd))
{
	int fds[2];
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		pm_error *err = NULL;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			dprintf(fds[1], "no_new_privs: %s", strerror(errno));
			_exit(1);
		}
		if (pm_seccomp_apply(s, &err) < 0) {
			dprintf(fds[1], "apply: %s", err->msg);
			_exit(1);
		}
		_exit(checks(fds[1]));
	}
	close(fds[1]);
	char buf[512] = "";
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("child: status %#x: %s", status, n > 0 ? buf : "");
}

static int default_checks(int fd)
{
	int bad = 0;
	/* allowed */
	bad |= check_errno(fd, "getpid", (long)getpid(), 0);
	int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bad |= check_errno(fd, "socket(AF_UNIX)", sock, 0);
	bad |= check_errno(fd, "personality(query)", personality(0xffffffff), 0);
	/* syscalls podman's profile does not list: ENOSYS (unfiltered: EFAULT/EINVAL) */
	bad |= check_errno(fd, "add_key", syscall(SYS_add_key, NULL, NULL, NULL, 0, 0), ENOSYS);
	bad |= check_errno(fd, "syscall 1000", syscall(1000, 0), ENOSYS);
	bad |= check_errno(fd, "personality(ADDR_NO_RANDOMIZE)",
			   personality(PER_LINUX | ADDR_NO_RANDOMIZE), ENOSYS);
	/* denied: EPERM (vmsplice on a bad fd is EBADF unfiltered) */
	bad |= check_errno(fd, "vmsplice", syscall(SYS_vmsplice, -1, NULL, 0, 0), EPERM);
	bad |= check_errno(fd, "kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0xdead0000UL),
			   EPERM);
	/* cap-conditional: CAP_SYS_CHROOT is in the set, CAP_SYS_ADMIN is not */
	bad |= check_errno(fd, "chroot", syscall(SYS_chroot, "/nonexistent-pm"), ENOENT);
	bad |= check_errno(fd, "bpf", syscall(SYS_bpf, 0xffff, NULL, 0), EPERM);
	/* argument rule: netlink audit sockets without CAP_AUDIT_WRITE */
	bad |= check_errno(fd, "socket(NETLINK_AUDIT)",
			   socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), EINVAL);
	int st = seccomp_status();
	if (st != 2) {
		dprintf(fd, "Seccomp: %d, want 2", st);
		bad = 1;
	}
	return bad;
}

static void test_apply_default(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_seccomp_ struct pm_seccomp *s = NULL;
	assert_int_equal(pm_seccomp_compile(NULL, default_caps, false, &s, &err), 0);
	run_child(s, default_checks);
}

static int no_chroot_checks(int fd)
{
	return check_errno(fd, "chroot without CAP_SYS_CHROOT",
			   syscall(SYS_chroot, "/nonexistent-pm"), EPERM);
}

static void test_apply_caps(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_seccomp_ struct pm_seccomp *s = NULL;
	assert_int_equal(pm_seccomp_compile(NULL, default_caps & ~PM_CAPBIT(CAP_SYS_CHROOT), false,
					    &s, &err),
			 0);
	run_child(s, no_chroot_checks);
}

static int custom_checks(int fd)
{
	int bad = 0;
	bad |= check_errno(fd, "uname", syscall(SYS_uname, NULL), EXDEV);
	bad |= check_errno(fd, "getpgid(1)", syscall(SYS_getpgid, 1), EDOM);
	bad |= check_errno(fd, "getpgid(0)", syscall(SYS_getpgid, 0), 0);
	bad |= check_errno(fd, "getsid(0)", syscall(SYS_getsid, 0), 0);
	bad |= check_errno(fd, "getsid(0x1234)", syscall(SYS_getsid, 0x1234), ENOTTY);
	return bad;
}

static void test_apply_custom(void **state)
{
	const char *profile =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		"{\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 18},"
		"{\"names\": [\"getpgid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 33,"
		" \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]},"
		"{\"names\": [\"getsid\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 25,"
		" \"args\": [{\"index\": 0, \"value\": 65280, \"valueTwo\": 4608,"
		" \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}";
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_seccomp_ struct pm_seccomp *s = NULL;
	assert_int_equal(pm_seccomp_compile_data("c.json", profile, strlen(profile), 0, &s, &err),
			 0);
	run_child(s, custom_checks);
}

/* Without no_new_privs and without CAP_SYS_ADMIN the kernel refuses the filter: the message
 * says what the runtime must ensure. */
static void test_apply_needs_nnp(void **state)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_seccomp_ struct pm_seccomp *s = NULL;
	assert_int_equal(pm_seccomp_compile(NULL, default_caps, false, &s, &err), 0);
	int fds[2];
	assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		pm_error *e = NULL;
		/* Drop every capability (CAP_SYS_ADMIN included) from the effective set. */
		struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct d[2] = {{0}};
		if (syscall(SYS_capset, &h, d) < 0) {
			dprintf(fds[1], "capset: %s", strerror(errno));
			_exit(1);
		}
		int r = pm_seccomp_apply(s, &e);
		if (r == -EACCES && e)
			dprintf(fds[1], "%s", e->msg);
		_exit(r == -EACCES && seccomp_status() == 0 ? 0 : 1);
	}
	close(fds[1]);
	char buf[512] = "";
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(n > 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_string_equal(buf, "loading the seccomp filter: Permission denied (set no_new_privs, "
				 "or load it while holding CAP_SYS_ADMIN)");
}

static int unconfined_status;

static int unconfined_checks(int fd)
{
	int st = seccomp_status();
	if (st != unconfined_status) {
		dprintf(fd, "Seccomp: %d, want %d", st, unconfined_status);
		return 1;
	}
	return check_errno(fd, "add_key unfiltered", syscall(SYS_add_key, NULL, NULL, NULL, 0, 0),
			   EFAULT);
}

static void test_apply_unconfined(void **state)
{
	unconfined_status = seccomp_status();
	if (unconfined_status != 0)
		skip(); /* the test itself runs under a filter */
	_cleanup_error_ pm_error *err = NULL;
	struct pm_seccomp *s = NULL;
	assert_int_equal(pm_seccomp_compile("unconfined", default_caps, false, &s, &err), 0);
	assert_null(s);
	run_child(s, unconfined_checks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_profiles),
		cmocka_unit_test(test_bad_profiles),
		cmocka_unit_test(test_profile_files),
		cmocka_unit_test(test_default_profile),
		cmocka_unit_test(test_default_matches_podman),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_corpus_replay),
		cmocka_unit_test(test_apply_default),
		cmocka_unit_test(test_apply_caps),
		cmocka_unit_test(test_apply_custom),
		cmocka_unit_test(test_apply_needs_nnp),
		cmocka_unit_test(test_apply_unconfined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
