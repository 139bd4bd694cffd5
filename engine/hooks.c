/* hooks.c: OCI hooks from --hooks-dir (see hooks.h). Called by engine/monitor.c. Never
 * prints. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/hooks.h"
#include "lib/fileutil.h"
#include "lib/json.h"
#include "lib/strutil.h"

#define HOOK_FILE_MAX (1 << 20)

/* podman's order of hook files (containers/common pkg/hooks: a collator with IgnoreCase
 * over the file names): the Unicode collation's primary weight of an ASCII character, its
 * punctuation and symbols first (in DUCET order), then digits, then letters, case ignored. */
static int collation_weight(unsigned char c)
{
	static const char punct[] = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
	const char *p = c ? strchr(punct, c) : NULL;
	if (p)
		return 1 + (int)(p - punct);
	if (c >= '0' && c <= '9')
		return 100 + (c - '0');
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (c >= 'a' && c <= 'z')
		return 200 + (c - 'a');
	return 300 + c; /* control and non-ASCII bytes: last, by value */
}

int pm_hooks_name_cmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	for (; *x && *y; x++, y++) {
		int d = collation_weight(*x) - collation_weight(*y);
		if (d)
			return d;
	}
	if (*x || *y)
		return *x ? 1 : -1;
	return strcmp(a, b); /* equal but for case: a fixed order */
}

struct hook_file {
	char *name, *path;
};

static int cmp_hook_file(const void *a, const void *b)
{
	return pm_hooks_name_cmp(((const struct hook_file *)a)->name,
				 ((const struct hook_file *)b)->name);
}

/* The hook files' paths in podman's order: by file name across all the directories (not
 * by directory), a later directory's file replacing an earlier one of the same name. */
static char **hook_files(char *const *dirs)
{
	struct hook_file *v = NULL;
	size_t n = 0;
	for (char *const *d = dirs; d && *d; d++) {
		DIR *dir = opendir(*d);
		if (!dir)
			continue;
		struct dirent *de;
		while ((de = readdir(dir))) {
			size_t len = strlen(de->d_name);
			if (de->d_name[0] == '.' || len < 6 ||
			    strcmp(de->d_name + len - 5, ".json"))
				continue;
			char *path = pm_xasprintf("%s/%s", *d, de->d_name);
			size_t i = 0;
			while (i < n && strcmp(v[i].name, de->d_name))
				i++;
			if (i < n) {
				free(v[i].path);
				v[i].path = path;
			} else {
				v = pm_xrealloc(v, (n + 1) * sizeof(*v));
				v[n++] = (struct hook_file){pm_xstrdup(de->d_name), path};
			}
		}
		closedir(dir);
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_hook_file);
	char **paths = NULL;
	for (size_t i = 0; i < n; i++) {
		pm_strv_consume(&paths, v[i].path);
		free(v[i].name);
	}
	free(v);
	return paths;
}

static char **strv_of(json_t *a)
{
	char **v = NULL;
	size_t i;
	json_t *el;
	json_array_foreach(a, i, el)
		if (json_is_string(el))
			pm_strv_push(&v, json_string_value(el));
	return v;
}

/* Compile re (ERE, unanchored as Go's regexp.MatchString); a bad one: podman's message,
 * what + the pattern. */
static int re_compile(regex_t *re, const char *pat, const char *what, pm_error **err)
{
	int rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
	if (!rc)
		return 0;
	char buf[128];
	regerror(rc, re, buf, sizeof(buf));
	return pm_error_set(err, EINVAL, "invalid %s \"%s\": error parsing regexp: %s", what, pat,
			    buf);
}

static bool pat_match(const char *pat, const char *s)
{
	regex_t re;
	if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB))
		return false;
	bool m = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

static const char *const stages[] = {"createContainer", "createRuntime", "prestart",
				     "poststart",	"poststop",	 "startContainer"};

/* podman's hook.Validate: a hook file's content. 1: fine; 0: its hook.path does not exist
 * (podman skips the file). */
static int validate(json_t *h, pm_error **err)
{
	const char *path = json_string_value(json_object_get(json_object_get(h, "hook"), "path"));
	if (!path || !*path)
		return pm_error_set(err, EINVAL, "missing required property: hook.path");
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	json_t *when = json_object_get(h, "when"), *el;
	const char *key;
	json_object_foreach(json_object_get(when, "annotations"), key, el) {
		regex_t re;
		if (re_compile(&re, key, "annotation key", err) < 0)
			return -EINVAL;
		regfree(&re);
		if (re_compile(&re, json_string_value(el) ? json_string_value(el) : "",
			       "annotation value", err) < 0)
			return -EINVAL;
		regfree(&re);
	}
	size_t i;
	json_array_foreach(json_object_get(when, "commands"), i, el) {
		regex_t re;
		if (re_compile(&re, json_string_value(el) ? json_string_value(el) : "", "command",
			       err) < 0)
			return -EINVAL;
		regfree(&re);
	}
	json_t *st = json_object_get(h, "stages");
	if (!json_is_array(st))
		return pm_error_set(err, EINVAL, "missing required property: stages");
	json_array_foreach(st, i, el) {
		const char *s = json_string_value(el);
		size_t k = 0;
		while (s && k < (sizeof(stages) / sizeof(*stages)) && strcmp(stages[k], s))
			k++;
		if (!s || k == (sizeof(stages) / sizeof(*stages)))
			return pm_error_set(err, EINVAL, "unknown stage \"%s\"", s ? s : "");
	}
	return 1;
}

/* podman's When.Match: every condition given must hold (AND), and at least one given. */
static bool applies(json_t *h, const char *stage, const struct pm_hooks_state *s)
{
	bool staged = false;
	size_t i;
	json_t *el;
	json_array_foreach(json_object_get(h, "stages"), i, el)
		staged |= json_is_string(el) && !strcmp(json_string_value(el), stage);
	if (!staged)
		return false;
	json_t *when = json_object_get(h, "when"), *v;
	int matches = 0;
	if ((v = json_object_get(when, "always"))) {
		if (!json_is_true(v))
			return false;
		matches++;
	}
	if ((v = json_object_get(when, "hasBindMounts"))) {
		if (!json_is_true(v) || !s->bind_mounts)
			return false;
		matches++;
	}
	const char *kpat;
	json_object_foreach(json_object_get(when, "annotations"), kpat, v) {
		const char *vpat = json_string_value(v) ? json_string_value(v) : "";
		bool m = false;
		for (char *const *a = s->annotations; a && *a && !m; a++) {
			const char *eq = strchr(*a, '=');
			_cleanup_free_ char *k =
				eq ? pm_xstrndup(*a, (size_t)(eq - *a)) : pm_xstrdup(*a);
			m = pat_match(kpat, k) && pat_match(vpat, eq ? eq + 1 : "");
		}
		if (!m)
			return false;
		matches++;
	}
	json_t *cmds = json_object_get(when, "commands");
	if (json_array_size(cmds)) {
		bool m = false;
		json_array_foreach(cmds, i, el)
			if (!m && json_is_string(el) && s->args && s->args[0])
				m = pat_match(json_string_value(el), s->args[0]);
		if (!m)
			return false;
		matches++;
	}
	return matches > 0;
}

/* Run one hook (the stage's n-th) with the state on stdin; timeout in seconds (0: none).
 * Errors as runc's. */
static int run_hook(int n, json_t *hook, const char *state, pm_error **err)
{
	const char *path = json_string_value(json_object_get(hook, "path"));
	_cleanup_strv_ char **argv = strv_of(json_object_get(hook, "args"));
	if (!argv)
		pm_strv_push(&argv, path);
	_cleanup_strv_ char **envp = strv_of(json_object_get(hook, "env"));
	char *empty[] = {NULL};
	json_int_t timeout = json_integer_value(json_object_get(hook, "timeout"));
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "error running hook #%d", n);
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return pm_error_set_errno(err, errno, "error running hook #%d: fork", n);
	}
	if (pid == 0) {
		if (dup2(in[0], STDIN_FILENO) < 0)
			_exit(127);
		execve(path, argv, envp ? envp : empty);
		_exit(127);
	}
	close(in[0]);
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	(void)!write(in[1], state, strlen(state));
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	int st = 0;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t w = waitpid(pid, &st, timeout > 0 ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return pm_error_set_errno(err, errno, "error running hook #%d: wait", n);
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (timeout > 0 && t.tv_sec - t0.tv_sec >= (time_t)timeout &&
		    (t.tv_sec - t0.tv_sec > (time_t)timeout || t.tv_nsec >= t0.tv_nsec)) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return pm_error_set(err, ETIMEDOUT,
					    "error running hook #%d: hook ran past specified "
					    "timeout of %lld.0s",
					    n, (long long)timeout);
		}
		if (timeout > 0)
			poll(NULL, 0, 10);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return pm_error_set(err, EIO,
				    "error running hook #%d (%s): exec %s: exit status 127", n,
				    path, path);
	return pm_error_set(err, EIO, "error running hook #%d (%s): %s %d", n, path,
			    WIFEXITED(st) ? "exit status" : "signal",
			    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* The directories: --hooks-dir's, else podman's default (containers.conf's hooks_dir). */
static char **hook_dirs(void)
{
	const char *env = getenv(PM_HOOKS_DIR_ENV);
	if (env && *env)
		return pm_strv_split(env, "\n");
	char **v = NULL;
	pm_strv_push(&v, PM_HOOKS_DEFAULT_DIR);
	return v;
}

/* Read one hook file as podman's hooks.Read: its errors name the file for a parse error. */
static int read_hook(const char *f, json_t **ret, pm_error **err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = pm_read_file(f, HOOK_FILE_MAX, &text, &len, err);
	if (r < 0)
		return r;
	json_error_t je;
	_cleanup_json_ json_t *h = json_loadb(text, len, 0, &je);
	if (!h)
		return pm_error_set(err, EINVAL, "parsing hook \"%s\": version check: %s", f,
				    je.text);
	if (!json_is_object(h))
		return pm_error_set(err, EINVAL,
				    "parsing hook \"%s\": version check: not a JSON object", f);
	const char *ver = json_string_value(json_object_get(h, "version"));
	if (!ver || strcmp(ver, "1.0.0"))
		return pm_error_set(err, EINVAL,
				    "parsing hook \"%s\": unrecognized hook version: \"%s\"", f,
				    ver ? ver : "");
	json_t *hook = json_object_get(h, "hook");
	if (hook && !json_is_object(hook))
		return pm_error_set(
			err, EINVAL,
			"parsing hook \"%s\": : json: cannot unmarshal %s into Go struct "
			"field Hook.hook of type object",
			f, json_is_string(hook) ? "string" : "value");
	*ret = json_incref(h);
	return 0;
}

/* runc's state, in its order; no pid once stopped (malloc'd JSON) */
char *pm_hooks_state_json(const struct pm_hooks_state *s)
{
	_cleanup_json_ json_t *st = json_object();
	json_object_set_new(st, "ociVersion", json_string("1.0.2"));
	json_object_set_new(st, "id", json_string(s->id));
	json_object_set_new(st, "status", json_string(s->status));
	if (s->pid > 0)
		json_object_set_new(st, "pid", json_integer(s->pid));
	json_object_set_new(st, "bundle", json_string(s->bundle ? s->bundle : ""));
	json_t *ann = json_object();
	for (char *const *a = s->annotations; a && *a; a++) {
		const char *eq = strchr(*a, '=');
		_cleanup_free_ char *k = eq ? pm_xstrndup(*a, (size_t)(eq - *a)) : pm_xstrdup(*a);
		json_object_set_new(ann, k, json_string(eq ? eq + 1 : ""));
	}
	json_object_set_new(st, "annotations", ann);
	return json_dumps(st, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* Every hook file read and validated (podman's hooks.New): hooks[i] the i-th file's, NULL
 * where it is skipped; a file podman refuses: < 0 with *err. */
static int load_hooks(char **files, json_t ***ret, pm_error **err)
{
	json_t **hooks = pm_xcalloc(pm_strv_length(files) + 1, sizeof(*hooks));
	int r = 0;
	for (size_t i = 0; files[i] && r >= 0; i++) {
		if ((r = read_hook(files[i], &hooks[i], err)) < 0)
			break;
		if ((r = validate(hooks[i], err)) <= 0) {
			json_decref(hooks[i]);
			hooks[i] = NULL;
		}
	}
	if (r < 0) {
		pm_error_prefix(err, "setting up OCI Hooks");
		for (size_t i = 0; files[i]; i++)
			json_decref(hooks[i]);
		free(hooks);
		if (err && *err)
			(*err)->status = PM_EXIT_CANNOT_INVOKE;
		return r;
	}
	*ret = hooks;
	return 0;
}

static void hooks_free(char **files, json_t **hooks)
{
	for (size_t i = 0; files[i]; i++)
		json_decref(hooks[i]);
	free(hooks);
}

int pm_hooks_run(const char *stage, const struct pm_hooks_state *s, pm_error **err)
{
	_cleanup_strv_ char **dirs = hook_dirs();
	_cleanup_strv_ char **files = hook_files(dirs);
	if (!files)
		return 0;
	_cleanup_free_ char *state = pm_hooks_state_json(s);
	if (!state)
		return pm_error_set(err, ENOMEM, "hooks: the state");
	json_t **hooks = NULL;
	int r = load_hooks(files, &hooks, err), n = 0;
	if (r < 0)
		return r;
	for (size_t i = 0; r >= 0 && files[i]; i++)
		if (hooks[i] && applies(hooks[i], stage, s))
			r = run_hook(n++, json_object_get(hooks[i], "hook"), state, err);
	hooks_free(files, hooks);
	if (r < 0 && err && *err)
		(*err)->status = PM_EXIT_CANNOT_INVOKE; /* podman: 126, its runtime's error */
	return r < 0 ? r : 0;
}

void pm_hooks_list_free(struct pm_runtime_hook *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		pm_strv_free(v[i].args);
		pm_strv_free(v[i].env);
	}
	free(v);
}

int pm_hooks_collect(const char *stage, const struct pm_hooks_state *s,
		     struct pm_runtime_hook **ret, size_t *ret_n, pm_error **err)
{
	*ret = NULL;
	*ret_n = 0;
	_cleanup_strv_ char **dirs = hook_dirs();
	_cleanup_strv_ char **files = hook_files(dirs);
	if (!files)
		return 0;
	json_t **hooks = NULL;
	int r = load_hooks(files, &hooks, err);
	if (r < 0)
		return r;
	struct pm_runtime_hook *v = NULL;
	size_t n = 0;
	for (size_t i = 0; files[i]; i++) {
		if (!hooks[i] || !applies(hooks[i], stage, s))
			continue;
		json_t *hook = json_object_get(hooks[i], "hook");
		v = pm_xrealloc(v, (n + 1) * sizeof(*v));
		struct pm_runtime_hook *h = &v[n++];
		h->path = pm_xstrdup(json_string_value(json_object_get(hook, "path")));
		h->args = strv_of(json_object_get(hook, "args"));
		if (!h->args)
			pm_strv_push(&h->args, h->path);
		h->env = strv_of(json_object_get(hook, "env"));
		h->timeout = (int)json_integer_value(json_object_get(hook, "timeout"));
	}
	hooks_free(files, hooks);
	*ret = v;
	*ret_n = n;
	return 0;
}
