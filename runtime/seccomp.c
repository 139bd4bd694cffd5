/* seccomp.c: seccomp profiles -> BPF (in the parent) and loading the BPF (in the child).
 * Owns the docker/podman JSON profile parser (into struct pm_seccomp_profile), the
 * conditions (caps, arches, minKernel) as containers/common evaluates them, building the
 * filter with libseccomp (rules added in profile order, as runc does) and exporting it.
 * Must not print, and must not be called by anything above engine/: the engine and the
 * runtime call pm_seccomp_compile before clone and pm_seccomp_apply in the child. */
#include <ctype.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <jansson.h>

#include "lib/fileutil.h"
#include "lib/log.h"
#include "lib/sha256.h"
#include "lib/strutil.h"
#include "runtime/dl-seccomp.h"
#include "runtime/seccomp-default.h"
#include "runtime/seccomp.h"

struct pm_seccomp {
	struct sock_filter *insns;
	size_t n_insns;
	unsigned flags;
};

/* ---- names ------------------------------------------------------------------------ */

struct name_value {
	const char *name;
	uint32_t value;
};

static const struct name_value actions[] = {
	{"SCMP_ACT_KILL", SCMP_ACT_KILL},
	{"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD},
	{"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS},
	{"SCMP_ACT_TRAP", SCMP_ACT_TRAP},
	{"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0)},
	{"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0)},
	{"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW},
	{"SCMP_ACT_LOG", SCMP_ACT_LOG},
};

static const struct name_value operators[] = {
	{"SCMP_CMP_NE", SCMP_CMP_NE},
	{"SCMP_CMP_LT", SCMP_CMP_LT},
	{"SCMP_CMP_LE", SCMP_CMP_LE},
	{"SCMP_CMP_EQ", SCMP_CMP_EQ},
	{"SCMP_CMP_GE", SCMP_CMP_GE},
	{"SCMP_CMP_GT", SCMP_CMP_GT},
	{"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
};

static const struct name_value filter_flags[] = {
	{"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
	{"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
	{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
};

/* Capability names as profiles spell them (linux/capability.h numbers). */
static const struct name_value capabilities[] = {
	{"CAP_CHOWN", CAP_CHOWN},
	{"CAP_DAC_OVERRIDE", CAP_DAC_OVERRIDE},
	{"CAP_DAC_READ_SEARCH", CAP_DAC_READ_SEARCH},
	{"CAP_FOWNER", CAP_FOWNER},
	{"CAP_FSETID", CAP_FSETID},
	{"CAP_KILL", CAP_KILL},
	{"CAP_SETGID", CAP_SETGID},
	{"CAP_SETUID", CAP_SETUID},
	{"CAP_SETPCAP", CAP_SETPCAP},
	{"CAP_LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE},
	{"CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE},
	{"CAP_NET_BROADCAST", CAP_NET_BROADCAST},
	{"CAP_NET_ADMIN", CAP_NET_ADMIN},
	{"CAP_NET_RAW", CAP_NET_RAW},
	{"CAP_IPC_LOCK", CAP_IPC_LOCK},
	{"CAP_IPC_OWNER", CAP_IPC_OWNER},
	{"CAP_SYS_MODULE", CAP_SYS_MODULE},
	{"CAP_SYS_RAWIO", CAP_SYS_RAWIO},
	{"CAP_SYS_CHROOT", CAP_SYS_CHROOT},
	{"CAP_SYS_PTRACE", CAP_SYS_PTRACE},
	{"CAP_SYS_PACCT", CAP_SYS_PACCT},
	{"CAP_SYS_ADMIN", CAP_SYS_ADMIN},
	{"CAP_SYS_BOOT", CAP_SYS_BOOT},
	{"CAP_SYS_NICE", CAP_SYS_NICE},
	{"CAP_SYS_RESOURCE", CAP_SYS_RESOURCE},
	{"CAP_SYS_TIME", CAP_SYS_TIME},
	{"CAP_SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG},
	{"CAP_MKNOD", CAP_MKNOD},
	{"CAP_LEASE", CAP_LEASE},
	{"CAP_AUDIT_WRITE", CAP_AUDIT_WRITE},
	{"CAP_AUDIT_CONTROL", CAP_AUDIT_CONTROL},
	{"CAP_SETFCAP", CAP_SETFCAP},
	{"CAP_MAC_OVERRIDE", CAP_MAC_OVERRIDE},
	{"CAP_MAC_ADMIN", CAP_MAC_ADMIN},
	{"CAP_SYSLOG", CAP_SYSLOG},
	{"CAP_WAKE_ALARM", CAP_WAKE_ALARM},
	{"CAP_BLOCK_SUSPEND", CAP_BLOCK_SUSPEND},
	{"CAP_AUDIT_READ", CAP_AUDIT_READ},
	{"CAP_PERFMON", CAP_PERFMON},
	{"CAP_BPF", CAP_BPF},
	{"CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE},
};

static const struct name_value *lookup(const struct name_value *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* The architecture name profiles use in includes/excludes "arches": Go's GOARCH. */
static const char *native_goarch(void)
{
	switch (sym_seccomp_arch_native()) {
	case SCMP_ARCH_X86_64:
		return "amd64";
	case SCMP_ARCH_X86:
		return "386";
	case SCMP_ARCH_X32:
		return "x32";
	case SCMP_ARCH_AARCH64:
		return "arm64";
	case SCMP_ARCH_ARM:
		return "arm";
	case SCMP_ARCH_PPC64LE:
		return "ppc64le";
	case SCMP_ARCH_PPC64:
		return "ppc64";
	case SCMP_ARCH_S390X:
		return "s390x";
	case SCMP_ARCH_MIPS64:
		return "mips64";
	case SCMP_ARCH_MIPSEL64:
		return "mips64le";
	case SCMP_ARCH_RISCV64:
		return "riscv64";
	default:
		return "unknown";
	}
}

static uint32_t running_kernel(void)
{
	struct utsname u;
	unsigned major = 0, minor = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return PM_KVER(major, minor);
}

/* ---- errors ----------------------------------------------------------------------- */

/* Parse errors and conflicts in the profile are EINVAL; all messages carry the profile. */
static int __attribute__((format(printf, 4, 5)))
fail(pm_error **err, int code, const char *profile, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	return pm_error_set(err, code, "seccomp profile '%s': %s", profile,
			    n >= 0 ? msg : "out of memory");
}

/* ---- the JSON profile ---------------------------------------------------------------- */

/* Allocations of one parse, freed together; strings point into the json_t, kept alive. */
struct parse {
	const char *name;
	json_t *root;
	void **allocs;
	size_t n_allocs;
	struct pm_seccomp_profile profile;
};

static void *parse_alloc(struct parse *ps, size_t n, size_t size)
{
	void *p = pm_xcalloc(n ? n : 1, size);
	ps->allocs = pm_xrealloc(ps->allocs, (ps->n_allocs + 1) * sizeof(*ps->allocs));
	ps->allocs[ps->n_allocs++] = p;
	return p;
}

static void parse_done(struct parse *ps)
{
	for (size_t i = 0; i < ps->n_allocs; i++)
		free(ps->allocs[i]);
	free(ps->allocs);
	if (ps->root)
		json_decref(ps->root);
}

/* A member that is absent or null is NULL. */
static json_t *member(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

static int get_string(struct parse *ps, const json_t *obj, const char *key, const char *where,
		      const char **ret, pm_error **err)
{
	json_t *v = member(obj, key);
	*ret = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail(err, EINVAL, ps->name, "%s'%s' must be a string", where, key);
	*ret = json_string_value(v);
	return 0;
}

static int get_uint(struct parse *ps, const json_t *obj, const char *key, const char *where,
		    uint64_t max, bool *ret_set, uint64_t *ret, pm_error **err)
{
	json_t *v = member(obj, key);
	*ret_set = false;
	*ret = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(err, EINVAL, ps->name, "%s'%s' must be a non-negative integer", where,
			    key);
	if ((uint64_t)json_integer_value(v) > max)
		return fail(err, EINVAL, ps->name,
			    "%s'%s' %" JSON_INTEGER_FORMAT " out of range (0-%" PRIu64 ")", where,
			    key, json_integer_value(v), max);
	*ret_set = true;
	*ret = (uint64_t)json_integer_value(v);
	return 0;
}

/* A NULL-terminated array of the strings in obj[key] (NULL when absent or empty). */
static int get_strv(struct parse *ps, const json_t *obj, const char *key, const char *where,
		    const char *const **ret, size_t *ret_n, pm_error **err)
{
	json_t *v = member(obj, key);
	*ret = NULL;
	if (ret_n)
		*ret_n = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(err, EINVAL, ps->name, "%s'%s' must be an array of strings", where,
			    key);
	size_t n = json_array_size(v);
	if (n == 0)
		return 0;
	const char **strv = parse_alloc(ps, n + 1, sizeof(*strv));
	for (size_t i = 0; i < n; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s))
			return fail(err, EINVAL, ps->name, "%s'%s' must be an array of strings",
				    where, key);
		strv[i] = json_string_value(s);
	}
	*ret = strv;
	if (ret_n)
		*ret_n = n;
	return 0;
}

static int parse_action(struct parse *ps, const json_t *obj, const char *key, const char *errno_key,
			const char *where, uint32_t *ret, pm_error **err)
{
	const char *s = NULL;
	int r = get_string(ps, obj, key, where, &s, err);
	if (r < 0)
		return r;
	if (!s)
		return fail(err, EINVAL, ps->name, "%smissing '%s'", where, key);
	if (strcmp(s, "SCMP_ACT_NOTIFY") == 0)
		return fail(err, EOPNOTSUPP, ps->name, "%saction '%s' is not supported", where, s);
	const struct name_value *a = lookup(actions, ARRAY_SIZE(actions), s);
	if (!a)
		return fail(err, EINVAL, ps->name, "%sunknown action '%s'", where, s);
	bool set = false;
	uint64_t e = 0;
	r = get_uint(ps, obj, errno_key, where, 4095, &set, &e, err);
	if (r < 0)
		return r;
	*ret = a->value;
	/* As runc: the errno defaults to EPERM and only ERRNO and TRACE carry one. */
	if (a->value == SCMP_ACT_ERRNO(0))
		*ret = SCMP_ACT_ERRNO(set ? (uint16_t)e : EPERM);
	else if (a->value == SCMP_ACT_TRACE(0))
		*ret = SCMP_ACT_TRACE(set ? (uint16_t)e : EPERM);
	return 0;
}

static int parse_arch(struct parse *ps, const char *s, const char *where, uint32_t *ret,
		      pm_error **err)
{
	char lower[32];
	size_t n = 0;
	if (pm_str_startswith(s, "SCMP_ARCH_") && strlen(s) - 10 < sizeof(lower)) {
		for (const char *c = s + 10; *c; c++)
			lower[n++] = (char)tolower((unsigned char)*c);
		lower[n] = '\0';
		uint32_t a = n ? sym_seccomp_arch_resolve_name(lower) : 0;
		if (a) {
			*ret = a;
			return 0;
		}
	}
	return fail(err, EINVAL, ps->name, "%sunknown architecture '%s'", where, s);
}

static int parse_kver(struct parse *ps, const char *s, const char *where, uint32_t *ret,
		      pm_error **err)
{
	unsigned major = 0, minor = 0;
	int end = 0;
	if (!s || !isdigit((unsigned char)s[0]) ||
	    sscanf(s, "%u.%u%n", &major, &minor, &end) != 2 || s[end] != '\0' || major > 0xffff ||
	    minor > 0xffff || major == 0)
		return fail(err, EINVAL, ps->name,
			    "%s'minKernel' '%s' is not a kernel version (MAJOR.MINOR)", where,
			    s ? s : "");
	*ret = PM_KVER(major, minor);
	return 0;
}

static int parse_cond(struct parse *ps, const json_t *rule, const char *key, const char *where,
		      struct pm_seccomp_cond *ret, pm_error **err)
{
	json_t *v = member(rule, key);
	if (!v)
		return 0;
	if (!json_is_object(v))
		return fail(err, EINVAL, ps->name, "%s'%s' must be an object", where, key);
	_cleanup_free_ char *w = pm_xasprintf("%s%s: ", where, key);
	const char *const *caps = NULL;
	int r = get_strv(ps, v, "caps", w, &caps, NULL, err);
	if (r < 0)
		return r;
	for (size_t i = 0; caps && caps[i]; i++) {
		const struct name_value *c =
			lookup(capabilities, ARRAY_SIZE(capabilities), caps[i]);
		if (c)
			ret->caps |= PM_CAPBIT(c->value);
		else
			ret->unknown_cap = true; /* as podman: a name never held */
	}
	r = get_strv(ps, v, "arches", w, &ret->arches, NULL, err);
	if (r < 0)
		return r;
	const char *k = NULL;
	r = get_string(ps, v, "minKernel", w, &k, err);
	if (r < 0)
		return r;
	if (k)
		return parse_kver(ps, k, w, &ret->min_kernel, err);
	return 0;
}

static int parse_args(struct parse *ps, const json_t *rule, const char *where,
		      struct pm_seccomp_rule *ret, pm_error **err)
{
	json_t *args = member(rule, "args");
	if (!args)
		return 0;
	if (!json_is_array(args))
		return fail(err, EINVAL, ps->name, "%s'args' must be an array", where);
	size_t n = json_array_size(args);
	struct pm_seccomp_arg *a = parse_alloc(ps, n, sizeof(*a));
	for (size_t i = 0; i < n; i++) {
		json_t *arg = json_array_get(args, i);
		_cleanup_free_ char *w = pm_xasprintf("%sargs[%zu]: ", where, i);
		if (!json_is_object(arg))
			return fail(err, EINVAL, ps->name, "%smust be an object", w);
		bool set = false;
		uint64_t index = 0, value = 0, value_two = 0;
		int r = get_uint(ps, arg, "index", w, 5, &set, &index, err);
		if (r < 0)
			return r;
		if (!set)
			return fail(err, EINVAL, ps->name, "%smissing 'index'", w);
		r = get_uint(ps, arg, "value", w, INT64_MAX, &set, &value, err);
		if (r < 0)
			return r;
		r = get_uint(ps, arg, "valueTwo", w, INT64_MAX, &set, &value_two, err);
		if (r < 0)
			return r;
		const char *op = NULL;
		r = get_string(ps, arg, "op", w, &op, err);
		if (r < 0)
			return r;
		if (!op)
			return fail(err, EINVAL, ps->name, "%smissing 'op'", w);
		const struct name_value *o = lookup(operators, ARRAY_SIZE(operators), op);
		if (!o)
			return fail(err, EINVAL, ps->name, "%sunknown operator '%s'", w, op);
		a[i] = (struct pm_seccomp_arg){(unsigned)index, (enum scmp_compare)o->value, value,
					       value_two};
	}
	ret->args = a;
	ret->n_args = n;
	return 0;
}

static int parse_rule(struct parse *ps, const json_t *rule, size_t i, struct pm_seccomp_rule *ret,
		      pm_error **err)
{
	char where[48];
	snprintf(where, sizeof(where), "syscalls[%zu]: ", i);
	if (!json_is_object(rule))
		return fail(err, EINVAL, ps->name, "%smust be an object", where);
	const char *name = NULL;
	size_t n_names = 0;
	int r = get_string(ps, rule, "name", where, &name, err);
	if (r < 0)
		return r;
	r = get_strv(ps, rule, "names", where, &ret->names, &n_names, err);
	if (r < 0)
		return r;
	if (name && n_names > 0)
		return fail(err, EINVAL, ps->name, "%sboth 'name' and 'names' given: use one",
			    where);
	if (name) {
		const char **v = parse_alloc(ps, 2, sizeof(*v));
		v[0] = name;
		ret->names = v;
	}
	if (!ret->names)
		return fail(err, EINVAL, ps->name, "%sno syscall 'names'", where);
	for (size_t k = 0; ret->names[k]; k++)
		if (!ret->names[k][0])
			return fail(err, EINVAL, ps->name, "%sempty syscall name", where);
	r = parse_action(ps, rule, "action", "errnoRet", where, &ret->action, err);
	if (r < 0)
		return r;
	r = parse_args(ps, rule, where, ret, err);
	if (r < 0)
		return r;
	r = parse_cond(ps, rule, "includes", where, &ret->includes, err);
	if (r < 0)
		return r;
	return parse_cond(ps, rule, "excludes", where, &ret->excludes, err);
}

static int parse_arches(struct parse *ps, pm_error **err)
{
	const char *const *names = NULL;
	size_t n = 0;
	int r = get_strv(ps, ps->root, "architectures", "", &names, &n, err);
	if (r < 0)
		return r;
	json_t *map = member(ps->root, "archMap");
	if (map && !json_is_array(map))
		return fail(err, EINVAL, ps->name, "'archMap' must be an array");
	if (n > 0 && json_array_size(map) > 0)
		return fail(err, EINVAL, ps->name,
			    "both 'architectures' and 'archMap' given: use one");

	uint32_t *arches = parse_alloc(ps, n, sizeof(*arches));
	for (size_t i = 0; i < n; i++) {
		r = parse_arch(ps, names[i], "", &arches[i], err);
		if (r < 0)
			return r;
	}
	ps->profile.arches = arches;
	ps->profile.n_arches = n;

	size_t nm = json_array_size(map);
	struct pm_seccomp_archmap *am = parse_alloc(ps, nm, sizeof(*am));
	for (size_t i = 0; i < nm; i++) {
		json_t *e = json_array_get(map, i);
		char where[48];
		snprintf(where, sizeof(where), "archMap[%zu]: ", i);
		if (!json_is_object(e))
			return fail(err, EINVAL, ps->name, "%smust be an object", where);
		const char *arch = NULL;
		r = get_string(ps, e, "architecture", where, &arch, err);
		if (r < 0)
			return r;
		if (!arch)
			return fail(err, EINVAL, ps->name, "%smissing 'architecture'", where);
		r = parse_arch(ps, arch, where, &am[i].arch, err);
		if (r < 0)
			return r;
		const char *const *subs = NULL;
		size_t ns = 0;
		r = get_strv(ps, e, "subArchitectures", where, &subs, &ns, err);
		if (r < 0)
			return r;
		if (ns > ARRAY_SIZE(am[i].sub))
			return fail(err, EINVAL, ps->name, "%smore than %zu 'subArchitectures'",
				    where, ARRAY_SIZE(am[i].sub));
		for (size_t k = 0; k < ns; k++) {
			r = parse_arch(ps, subs[k], where, &am[i].sub[k], err);
			if (r < 0)
				return r;
		}
		am[i].n_sub = ns;
	}
	ps->profile.arch_map = am;
	ps->profile.n_arch_map = nm;
	return 0;
}

static int parse_profile(struct parse *ps, const char *data, size_t len, pm_error **err)
{
	json_error_t jerr;
	ps->root = json_loadb(data, len, 0, &jerr);
	if (!ps->root)
		return fail(err, EINVAL, ps->name, "invalid JSON at line %d column %d: %s",
			    jerr.line, jerr.column, jerr.text);
	if (!json_is_object(ps->root))
		return fail(err, EINVAL, ps->name, "not a JSON object");

	int r = parse_action(ps, ps->root, "defaultAction", "defaultErrnoRet", "",
			     &ps->profile.default_action, err);
	if (r < 0)
		return r;
	r = parse_arches(ps, err);
	if (r < 0)
		return r;

	const char *const *flags = NULL;
	r = get_strv(ps, ps->root, "flags", "", &flags, NULL, err);
	if (r < 0)
		return r;
	for (size_t i = 0; flags && flags[i]; i++) {
		const struct name_value *f =
			lookup(filter_flags, ARRAY_SIZE(filter_flags), flags[i]);
		if (!f)
			return fail(err, EINVAL, ps->name, "unknown flag '%s'", flags[i]);
		ps->profile.flags |= f->value;
	}

	json_t *syscalls = member(ps->root, "syscalls");
	if (syscalls && !json_is_array(syscalls))
		return fail(err, EINVAL, ps->name, "'syscalls' must be an array");
	size_t n = json_array_size(syscalls);
	struct pm_seccomp_rule *rules = parse_alloc(ps, n, sizeof(*rules));
	for (size_t i = 0; i < n; i++) {
		r = parse_rule(ps, json_array_get(syscalls, i), i, &rules[i], err);
		if (r < 0)
			return r;
	}
	ps->profile.rules = rules;
	ps->profile.n_rules = n;
	return 0;
}

/* ---- building the filter ------------------------------------------------------------- */

static bool strv_has(const char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* containers/common's rule selection (setupSeccomp): excludes first, then includes. */
static bool rule_applies(const struct pm_seccomp_rule *rule, uint64_t caps, uint32_t kernel)
{
	const char *arch = native_goarch();
	const struct pm_seccomp_cond *ex = &rule->excludes, *in = &rule->includes;
	if (strv_has(ex->arches, arch) || (ex->caps & caps) != 0)
		return false;
	if (ex->min_kernel && kernel >= ex->min_kernel)
		return false;
	if (in->arches && !strv_has(in->arches, arch))
		return false;
	if (in->unknown_cap || (in->caps & caps) != in->caps)
		return false;
	if (in->min_kernel && kernel < in->min_kernel)
		return false;
	return true;
}

static void release_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx)
		sym_seccomp_release(*ctx);
}

static int add_arch(scmp_filter_ctx ctx, const char *name, uint32_t arch, pm_error **err)
{
	int r = sym_seccomp_arch_add(ctx, arch);
	if (r < 0 && r != -EEXIST)
		return fail(err, -r, name, "adding architecture %#x: %s", arch, strerror(-r));
	return 0;
}

/* Rules already added, by syscall and conditions. libseccomp keeps the first rule for the
 * same syscall and conditions (that is podman's effect, setns in its default profile) but
 * leaks memory on a conflicting conditional one (2.5.4), so pm skips the repeats itself. */
struct added_rule {
	int nr;
	unsigned n;
	struct scmp_arg_cmp conds[PM_SECCOMP_MAX_ARGS];
};

struct added_rules {
	struct added_rule *v;
	size_t n;
};

static int cmp_cond(const void *a, const void *b)
{
	const struct scmp_arg_cmp *x = a, *y = b;
	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->datum_a != y->datum_a)
		return x->datum_a < y->datum_a ? -1 : 1;
	if (x->datum_b != y->datum_b)
		return x->datum_b < y->datum_b ? -1 : 1;
	return 0;
}

/* Record the rule; false when the same syscall and conditions were added before. */
static bool record_rule(struct added_rules *added, int nr, unsigned n,
			const struct scmp_arg_cmp *conds)
{
	struct added_rule a = {.nr = nr, .n = n};
	memcpy(a.conds, conds, n * sizeof(*conds));
	qsort(a.conds, n, sizeof(*a.conds), cmp_cond);
	for (size_t i = 0; i < added->n; i++)
		if (added->v[i].nr == nr && added->v[i].n == n &&
		    memcmp(added->v[i].conds, a.conds, n * sizeof(*conds)) == 0)
			return false;
	added->v = pm_xrealloc(added->v, (added->n + 1) * sizeof(*added->v));
	added->v[added->n++] = a;
	return true;
}

static int add_one(scmp_filter_ctx ctx, struct added_rules *added, uint32_t action, int nr,
		   unsigned n, const struct scmp_arg_cmp *conds)
{
	if (!record_rule(added, nr, n, conds))
		return 0;
	return sym_seccomp_rule_add_array(ctx, action, nr, n, conds);
}

static int add_rule(scmp_filter_ctx ctx, struct added_rules *added, const char *name,
		    const struct pm_seccomp_rule *rule, const char *syscall_name, pm_error **err)
{
	int nr = sym_seccomp_syscall_resolve_name(syscall_name);
	if (nr == __NR_SCMP_ERROR) {
		/* As runc and crun: a syscall libseccomp does not know is skipped. */
		pm_log_debug("seccomp profile '%s': unknown syscall '%s' skipped", name,
			     syscall_name);
		return 0;
	}
	struct scmp_arg_cmp conds[PM_SECCOMP_MAX_ARGS];
	unsigned seen = 0;
	bool same_index = rule->n_args > PM_SECCOMP_MAX_ARGS;
	for (size_t i = 0; i < rule->n_args; i++) {
		const struct pm_seccomp_arg *a = &rule->args[i];
		same_index |= (seen & (1u << a->index)) != 0;
		seen |= 1u << a->index;
	}
	int r = 0;
	if (same_index) {
		/* libseccomp cannot AND two conditions on one argument: as runc, one rule
		 * per condition. */
		for (size_t i = 0; i < rule->n_args && r >= 0; i++) {
			const struct pm_seccomp_arg *a = &rule->args[i];
			conds[0] = (struct scmp_arg_cmp){a->index, a->op, a->value, a->value_two};
			r = add_one(ctx, added, rule->action, nr, 1, conds);
		}
	} else {
		for (size_t i = 0; i < rule->n_args; i++) {
			const struct pm_seccomp_arg *a = &rule->args[i];
			conds[i] = (struct scmp_arg_cmp){a->index, a->op, a->value, a->value_two};
		}
		r = add_one(ctx, added, rule->action, nr, (unsigned)rule->n_args, conds);
	}
	if (r < 0)
		return fail(err, -r, name, "syscall '%s': adding rule: %s", syscall_name,
			    strerror(-r));
	return 0;
}

static int export_bpf(scmp_filter_ctx ctx, const char *name, struct pm_seccomp *s, pm_error **err)
{
	_cleanup_close_ int fd = memfd_create("pm-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return fail(err, errno, name, "memfd_create: %s", strerror(errno));
	int r = sym_seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return fail(err, -r, name, "exporting BPF: %s", strerror(-r));
	struct stat st;
	if (fstat(fd, &st) < 0)
		return fail(err, errno, name, "exporting BPF: %s", strerror(errno));
	size_t size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0)
		return fail(err, EIO, name, "exporting BPF: %zu bytes", size);
	if (size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return fail(err, E2BIG, name,
			    "the filter has %zu instructions, the kernel takes %d",
			    size / sizeof(struct sock_filter), BPF_MAXINSNS);
	s->insns = pm_xmalloc(size);
	for (size_t off = 0; off < size;) {
		ssize_t n = pread(fd, (char *)s->insns + off, size - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(err, n < 0 ? errno : EIO, name, "reading BPF back: %s",
				    n < 0 ? strerror(errno) : "short read");
		off += (size_t)n;
	}
	s->n_insns = size / sizeof(struct sock_filter);
	return 0;
}

static int build(const struct pm_seccomp_profile *p, const char *name, uint64_t caps,
		 struct pm_seccomp **ret, pm_error **err)
{
	_cleanup_(release_ctx) scmp_filter_ctx ctx = sym_seccomp_init(p->default_action);
	if (!ctx)
		return fail(err, EINVAL, name, "cannot create a filter with default action %#x",
			    p->default_action);

	/* a binary tree of the syscall numbers instead of a linear list (libseccomp >= 2.5):
	 * the default profile has 1426 instructions instead of 1144, and the kernel loads
	 * it in 0.3 ms instead of 0.75 (measured); each syscall takes O(log n) checks */
	(void)sym_seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

	uint32_t native = sym_seccomp_arch_native();
	int r;
	for (size_t i = 0; i < p->n_arches; i++) {
		r = add_arch(ctx, name, p->arches[i], err);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < p->n_arch_map; i++) {
		const struct pm_seccomp_archmap *m = &p->arch_map[i];
		if (m->arch != native)
			continue;
		for (size_t k = 0; k < m->n_sub; k++) {
			r = add_arch(ctx, name, m->sub[k], err);
			if (r < 0)
				return r;
		}
	}

	uint32_t kernel = running_kernel();
	_cleanup_free_ struct added_rule *added_v = NULL;
	struct added_rules added = {0};
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pm_seccomp_rule *rule = &p->rules[i];
		/* libseccomp refuses rules with the default action; runc skips them too. */
		if (rule->action == p->default_action || !rule_applies(rule, caps, kernel))
			continue;
		for (size_t k = 0; rule->names[k]; k++) {
			r = add_rule(ctx, &added, name, rule, rule->names[k], err);
			added_v = added.v;
			if (r < 0)
				return r;
		}
	}

	_cleanup_seccomp_ struct pm_seccomp *s = pm_xcalloc(1, sizeof(*s));
	s->flags = p->flags;
	r = export_bpf(ctx, name, s, err);
	if (r < 0)
		return r;
	pm_log_debug("seccomp profile '%s': %zu rules, %zu BPF instructions", name, added.n,
		     s->n_insns);
	*ret = TAKE_PTR(s);
	return 0;
}

/* ---- the cache ------------------------------------------------------------------- */

/* Building a filter for three architectures takes libseccomp ~15 ms, most of a container
 * start; the result depends only on what the key below names, so it is kept in a cache
 * directory (tmpfs runroot: gone at reboot, with the kernel version). A cache file holds the
 * key, a NUL, the flags (uint32) and the program; it is used only when the key matches
 * exactly. Cache failures are never errors. */
#define CACHE_MAX (64 * 1024)

static void sha256_hex(const void *data, size_t len, char out[65])
{
	pm_sha256_hex(data, len, out); /* lib/sha256.c: no libcrypto on the run path */
}

/* FNV-1a over the built-in tables, so a rebuilt pm with other tables misses the cache. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t default_profile_hash(void)
{
	const struct pm_seccomp_profile *p = &pm_seccomp_default_profile;
	uint64_t h = fnv(0xcbf29ce484222325ULL, &p->default_action, sizeof(p->default_action));
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pm_seccomp_rule *r = &p->rules[i];
		for (size_t k = 0; r->names[k]; k++)
			h = fnv(h, r->names[k], strlen(r->names[k]) + 1);
		h = fnv(h, &r->action, sizeof(r->action));
		for (size_t k = 0; k < r->n_args; k++)
			h = fnv(h, &r->args[k], sizeof(r->args[k]));
		const struct pm_seccomp_cond *c[2] = {&r->includes, &r->excludes};
		for (size_t k = 0; k < 2; k++) {
			h = fnv(h, &c[k]->caps, sizeof(c[k]->caps));
			h = fnv(h, &c[k]->min_kernel, sizeof(c[k]->min_kernel));
			for (const char *const *a = c[k]->arches; a && *a; a++)
				h = fnv(h, *a, strlen(*a) + 1);
		}
	}
	for (size_t i = 0; i < p->n_arch_map; i++)
		h = fnv(h, &p->arch_map[i], sizeof(p->arch_map[i]));
	return h;
}

/* The key names everything the program depends on that pm knows without libseccomp: pm's
 * version, the architecture pm was built for, the kernel, the capabilities and the profile.
 * What libseccomp adds (its version, its syscall tables) is checked by the library file's
 * identity, recorded in the cache file (lib_identity), so a cache hit opens no library. */
static char *cache_key(const char *data, size_t len, uint64_t caps)
{
	struct utsname u;
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "?");
	char h[65];
	if (data)
		sha256_hex(data, len, h);
	else
		snprintf(h, sizeof(h), "builtin-%016" PRIx64, default_profile_hash());
	return pm_xasprintf("pm-seccomp 3 %s\nmachine %s\nkernel %s\ncaps %#" PRIx64
			    "\nprofile %s\n",
			    PM_VERSION, u.machine, u.release, caps, h);
}

/* "lib PATH DEV INO SIZE MTIME_NS\n" of the libseccomp pm has loaded, or NULL. */
static char *lib_identity(const char *path)
{
	struct stat st;
	if (!path || stat(path, &st) < 0)
		return NULL;
	return pm_xasprintf("lib %s %llu %llu %lld %lld\n", path, (unsigned long long)st.st_dev,
			    (unsigned long long)st.st_ino, (long long)st.st_size,
			    (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
}

static char *loaded_lib_path(void)
{
	Dl_info info;
	if (!sym_seccomp_init || dladdr((void *)sym_seccomp_init, &info) == 0 || !info.dli_fname)
		return NULL;
	char real[PATH_MAX];
	return realpath(info.dli_fname, real) ? pm_xstrdup(real) : NULL;
}

static char *cache_path(const char *dir, const char *key)
{
	char h[65];
	sha256_hex(key, strlen(key), h);
	return pm_xasprintf("%s/%s.bpf", dir, h);
}

/* A cache file: the key, the lib line, a NUL, the flags (uint32), the program, and the
 * sha256 (hex, 64 bytes) of everything before it. Used only when the key matches, the
 * library file is the one recorded and the checksum holds: anything else (torn, damaged,
 * another libseccomp) is a miss and the filter is built and stored again. */
static struct pm_seccomp *cache_load(const char *dir, const char *key)
{
	_cleanup_free_ char *path = cache_path(dir, key), *data = NULL;
	size_t len = 0, klen = strlen(key);
	uint32_t flags;
	if (pm_read_file(path, CACHE_MAX, &data, &len, NULL) < 0 || len < klen + 64 + 1 ||
	    memcmp(data, key, klen) != 0)
		return NULL;
	char sum[65];
	sha256_hex(data, len - 64, sum);
	if (memcmp(sum, data + len - 64, 64) != 0) {
		pm_log_debug("seccomp: cache '%s' is damaged, rebuilt", path);
		return NULL;
	}
	len -= 64;
	char *lib = data + klen, *nul = memchr(lib, 0, len - klen);
	if (!nul || strncmp(lib, "lib ", 4) != 0)
		return NULL;
	char *sp = strchr(lib + 4, ' ');
	if (!sp || sp > nul)
		return NULL;
	_cleanup_free_ char *lpath = pm_xstrndup(lib + 4, (size_t)(sp - lib - 4));
	_cleanup_free_ char *now = lib_identity(lpath);
	if (!now || strcmp(now, lib) != 0)
		return NULL;
	size_t off = (size_t)(nul - data) + 1;
	if (len < off + sizeof(flags))
		return NULL;
	size_t size = len - off - sizeof(flags);
	if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return NULL;
	memcpy(&flags, data + off, sizeof(flags));
	struct pm_seccomp *s = pm_xcalloc(1, sizeof(*s));
	s->flags = flags;
	s->n_insns = size / sizeof(struct sock_filter);
	s->insns = pm_xmalloc(size);
	memcpy(s->insns, data + off + sizeof(flags), size);
	pm_log_debug("seccomp: filter from cache '%s'", path);
	return s;
}

static void cache_store(const char *dir, const char *key, const struct pm_seccomp *s)
{
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_free_ char *lpath = loaded_lib_path();
	_cleanup_free_ char *lib = lib_identity(lpath);
	if (!lib) {
		pm_log_debug("seccomp: not cached: libseccomp's file not found");
		return;
	}
	_cleanup_free_ char *path = cache_path(dir, key);
	size_t klen = strlen(key), llen = strlen(lib) + 1,
	       size = s->n_insns * sizeof(struct sock_filter);
	uint32_t flags = s->flags;
	size_t total = klen + llen + sizeof(flags) + size;
	_cleanup_free_ char *buf = pm_xmalloc(total + 64 + 1);
	memcpy(buf, key, klen);
	memcpy(buf + klen, lib, llen);
	memcpy(buf + klen + llen, &flags, sizeof(flags));
	memcpy(buf + klen + llen + sizeof(flags), s->insns, size);
	sha256_hex(buf, total, buf + total);
	if (pm_mkdir_p(dir, 0700, &err) < 0 ||
	    pm_write_file_atomic_flags(path, buf, total + 64, 0600, PM_WRITE_NOSYNC, &err) < 0)
		pm_log_debug("seccomp: not cached: %s", err ? err->msg : "?");
}

/* ---- API ------------------------------------------------------------------------- */

int pm_seccomp_compile_data(const char *name, const char *data, size_t len, uint64_t cap_mask,
			    struct pm_seccomp **ret, pm_error **err)
{
	*ret = NULL;
	int r = pm_dl_seccomp(err);
	if (r < 0)
		return r;
	struct parse ps = {.name = name};
	r = parse_profile(&ps, data, len, err);
	if (r >= 0)
		r = build(&ps.profile, name, cap_mask, ret, err);
	parse_done(&ps);
	return r;
}

int pm_seccomp_compile_cached(const char *profile, uint64_t cap_mask, bool privileged,
			      const char *cache_dir, struct pm_seccomp **ret, pm_error **err)
{
	*ret = NULL;
	if ((!profile && privileged) || (profile && strcmp(profile, PM_SECCOMP_UNCONFINED) == 0))
		return 0;
	int r;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (profile) {
		_cleanup_error_ pm_error *rerr = NULL;
		r = pm_read_file(profile, PM_SECCOMP_PROFILE_MAX, &data, &len, &rerr);
		if (r == -EFBIG)
			return fail(err, EFBIG, profile, "larger than %u bytes",
				    PM_SECCOMP_PROFILE_MAX);
		if (r < 0)
			return fail(err, -r, profile, "%s", strerror(-r));
	}

	_cleanup_free_ char *key = cache_dir ? cache_key(data, len, cap_mask) : NULL;
	if (key && (*ret = cache_load(cache_dir, key)))
		return 0; /* libseccomp is not even opened */
	r = pm_dl_seccomp(err);
	if (r < 0)
		return r;
	r = profile ? pm_seccomp_compile_data(profile, data, len, cap_mask, ret, err)
		    : build(&pm_seccomp_default_profile, "default", cap_mask, ret, err);
	if (r >= 0 && key)
		cache_store(cache_dir, key, *ret);
	return r;
}

int pm_seccomp_compile(const char *profile, uint64_t cap_mask, bool privileged,
		       struct pm_seccomp **ret, pm_error **err)
{
	return pm_seccomp_compile_cached(profile, cap_mask, privileged, NULL, ret, err);
}

int pm_seccomp_apply(const struct pm_seccomp *s, pm_error **err)
{
	if (!s)
		return 0;
	struct sock_fprog prog = {.len = (unsigned short)s->n_insns, .filter = s->insns};
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, s->flags, &prog);
	if (r < 0 && errno == ENOSYS && s->flags == 0)
		r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	if (r < 0 && errno == EACCES)
		return pm_error_set(err, EACCES,
				    "loading the seccomp filter: %s (set no_new_privs, or load it "
				    "while holding CAP_SYS_ADMIN)",
				    strerror(EACCES));
	if (r < 0)
		return pm_error_set_errno(err, errno, "loading the seccomp filter");
	if (r > 0) /* SECCOMP_FILTER_FLAG_TSYNC: the id of a thread that could not sync */
		return pm_error_set(err, EBUSY,
				    "loading the seccomp filter: thread %ld cannot "
				    "synchronize",
				    r);
	return 0;
}

const void *pm_seccomp_bpf(const struct pm_seccomp *s, size_t *ret_count, unsigned *ret_flags)
{
	if (ret_count)
		*ret_count = s ? s->n_insns : 0;
	if (ret_flags)
		*ret_flags = s ? s->flags : 0;
	return s ? s->insns : NULL;
}

struct pm_seccomp *pm_seccomp_free(struct pm_seccomp *s)
{
	if (s) {
		free(s->insns);
		free(s);
	}
	return NULL;
}
