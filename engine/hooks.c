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
#include "lib/json.h"
#include "lib/strutil.h"

#define HOOK_FILE_MAX (1 << 20)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hook files: name -> path, a later directory's file replacing an earlier one. */
static char **hook_files(char *const *dirs)
{
	char **names = NULL, **paths = NULL;
	for (char *const *d = dirs; d && *d; d++) {
		DIR *dir = opendir(*d);
		if (!dir)
			continue;
		struct dirent *de;
		while ((de = readdir(dir))) {
			size_t n = strlen(de->d_name);
			if (de->d_name[0] == '.' || n < 6 || strcmp(de->d_name + n - 5, ".json"))
				continue;
			char *path = pm_xasprintf("%s/%s", *d, de->d_name);
			size_t i = 0;
			for (; names && names[i]; i++)
				if (!strcmp(names[i], de->d_name))
					break;
			if (names && names[i]) {
				free(paths[i]);
				paths[i] = path;
			} else {
				pm_strv_push(&names, de->d_name);
				pm_strv_consume(&paths, path);
			}
		}
		closedir(dir);
	}
	pm_strv_free(names);
	size_t n = 0;
	while (paths && paths[n])
		n++;
	if (n)
		qsort(paths, n, sizeof(*paths), cmp_str);
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

static bool applies(json_t *h, const char *stage, char *const *args)
{
	bool staged = false;
	size_t i;
	json_t *el;
	json_array_foreach(json_object_get(h, "stages"), i, el)
		staged |= json_is_string(el) && !strcmp(json_string_value(el), stage);
	if (!staged)
		return false;
	json_t *when = json_object_get(h, "when");
	if (json_is_true(json_object_get(when, "always")))
		return true;
	json_array_foreach(json_object_get(when, "commands"), i, el) {
		regex_t re;
		if (!json_is_string(el) || !args || !args[0] ||
		    regcomp(&re, json_string_value(el), REG_EXTENDED | REG_NOSUB))
			continue;
		bool m = regexec(&re, args[0], 0, NULL, 0) == 0;
		regfree(&re);
		if (m)
			return true;
	}
	return false;
}

/* Run one hook with the state on stdin; timeout in seconds (0: none). */
static int run_hook(const char *file, json_t *hook, const char *state, pm_error **err)
{
	const char *path = json_string_value(json_object_get(hook, "path"));
	if (!path || path[0] != '/')
		return pm_error_set(err, EINVAL, "hook '%s': no absolute hook.path", file);
	_cleanup_strv_ char **argv = strv_of(json_object_get(hook, "args"));
	if (!argv)
		pm_strv_push(&argv, path);
	_cleanup_strv_ char **envp = strv_of(json_object_get(hook, "env"));
	char *empty[] = {NULL};
	json_int_t timeout = json_integer_value(json_object_get(hook, "timeout"));
	int in[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "hook '%s'", file);
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		return pm_error_set_errno(err, errno, "hook '%s': fork", file);
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
	time_t end = timeout > 0 ? time(NULL) + (time_t)timeout : 0;
	for (;;) {
		pid_t w = waitpid(pid, &st, end ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			return pm_error_set_errno(err, errno, "hook '%s': wait", file);
		if (end && time(NULL) >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return pm_error_set(err, ETIMEDOUT,
					    "hook '%s' (%s): timed out after %lld s", file, path,
					    (long long)timeout);
		}
		if (end)
			poll(NULL, 0, 10);
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return pm_error_set(err, EIO, "error running hook '%s' (%s): %s %d", file, path,
			    WIFEXITED(st) ? "exit status" : "signal",
			    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int pm_hooks_run(const char *stage, const char *id, pid_t pid, const char *status,
		 const char *bundle, char *const *args, pm_error **err)
{
	const char *env = getenv(PM_HOOKS_DIR_ENV);
	if (!env || !*env)
		return 0;
	_cleanup_strv_ char **dirs = pm_strv_split(env, "\n");
	_cleanup_strv_ char **files = hook_files(dirs);
	if (!files)
		return 0;
	/* runc's state, in its order; no pid once stopped */
	_cleanup_json_ json_t *st = json_object();
	json_object_set_new(st, "ociVersion", json_string("1.0.2"));
	json_object_set_new(st, "id", json_string(id));
	json_object_set_new(st, "status", json_string(status));
	if (pid > 0)
		json_object_set_new(st, "pid", json_integer(pid));
	json_object_set_new(st, "bundle", json_string(bundle ? bundle : ""));
	json_object_set_new(st, "annotations", json_object());
	_cleanup_free_ char *state = st ? json_dumps(st, JSON_COMPACT) : NULL;
	if (!state)
		return pm_error_set(err, ENOMEM, "hooks: the state");
	for (char **f = files; *f; f++) {
		_cleanup_json_ json_t *h = NULL;
		int r = pm_json_load_file(*f, HOOK_FILE_MAX, &h, err);
		if (r < 0)
			return pm_error_prefix(err, "hook '%s'", *f);
		const char *ver = json_string_value(json_object_get(h, "version"));
		if (!ver || strcmp(ver, "1.0.0"))
			return pm_error_set(err, EINVAL, "hook '%s': unknown version '%s'", *f,
					    ver ? ver : "");
		if (!applies(h, stage, args))
			continue;
		if ((r = run_hook(*f, json_object_get(h, "hook"), state, err)) < 0)
			return r;
	}
	return 0;
}
