/* ssh.c: build --ssh (see ssh.h). Owns: parsing the values, checking each path, starting
 * an ssh-agent(1) per value that names keys (-a SOCKET in a private directory under
 * $TMPDIR; its SSH_AGENT_PID read from what it prints) and loading them with ssh-add(1),
 * and stopping those agents. A socket value is forwarded as it is: the RUN's bind mount
 * reaches the agent behind it. Called by cli/cmd-build.c around pm_build. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "builder/build-internal.h"
#include "builder/ssh.h"
#include "lib/fileutil.h"
#include "lib/spawn.h"
#include "lib/strutil.h"

#define SSH_TIMEOUT_MS 10000

struct agent {
	pid_t pid; /* 0: a forwarded socket, nothing of ours */
	char *dir; /* the agent's private directory */
};

struct pm_build_ssh {
	char **sockets; /* ID=SOCKET */
	struct agent *agents;
	size_t n;
};

/* Set name to value; its old value (malloc'd, NULL: unset) for env_put. */
static char *env_take(const char *name, const char *value)
{
	const char *old = getenv(name);
	char *ret = old ? pm_xstrdup(old) : NULL;
	setenv(name, value, 1);
	return ret;
}

static void env_put(const char *name, const char *old)
{
	if (old)
		setenv(name, old, 1);
	else
		unsetenv(name);
}

/* The first line of a helper's output, for an error message (in place). */
static const char *first_line(char *out)
{
	if (!out)
		return "";
	out[strcspn(out, "\n")] = '\0';
	return out;
}

/* An ssh-agent in a new private directory, with keys loaded: its pid and socket. */
static int start_agent(const char *value, char **keys, struct agent *a, char **ret_sock,
		       pm_error **err)
{
	_cleanup_free_ char *agent = pm_find_executable("ssh-agent");
	_cleanup_free_ char *add = pm_find_executable("ssh-add");
	if (!agent || !add)
		return pm_error_set(err, ENOENT,
				    "--ssh '%s': %s is not installed (Debian: openssh-client)",
				    value, agent ? "ssh-add" : "ssh-agent");
	const char *tmp = getenv("TMPDIR");
	a->dir = pm_xasprintf("%s/pm-ssh-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(a->dir)) {
		int r = pm_error_set_errno(err, errno, "--ssh '%s': %s", value, a->dir);
		free(a->dir);
		a->dir = NULL;
		return r;
	}
	_cleanup_free_ char *sock = pm_path_join(a->dir, "agent.sock");
	char *argv[] = {"ssh-agent", "-s", "-a", sock, NULL};
	_cleanup_free_ char *out = NULL;
	int status = 0;
	int r = pm_run_capture(agent, argv, 4096, SSH_TIMEOUT_MS, &out, &status);
	const char *pid_at = out ? strstr(out, "SSH_AGENT_PID=") : NULL;
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || !pid_at)
		return pm_error_set(err, ENOENT, "--ssh '%s': ssh-agent failed: %s", value,
				    first_line(out));
	a->pid = (pid_t)strtol(pid_at + strlen("SSH_AGENT_PID="), NULL, 10);
	if (a->pid <= 0)
		return pm_error_set(err, ENOENT, "--ssh '%s': ssh-agent printed no pid", value);
	/* ssh-add reaches the agent through the environment; no passphrase prompt (stdin is
	 * /dev/null, no askpass): an encrypted key fails here */
	_cleanup_free_ char *old_sock = env_take("SSH_AUTH_SOCK", sock);
	_cleanup_free_ char *old_ask = env_take("SSH_ASKPASS_REQUIRE", "never");
	size_t nk = pm_strv_length(keys);
	_cleanup_free_ char **av = pm_xcalloc(nk + 3, sizeof(*av));
	av[0] = "ssh-add";
	av[1] = "-q";
	for (size_t i = 0; i < nk; i++)
		av[2 + i] = keys[i];
	free(out);
	out = NULL;
	r = pm_run_capture(add, av, 4096, SSH_TIMEOUT_MS, &out, &status);
	env_put("SSH_AUTH_SOCK", old_sock);
	env_put("SSH_ASKPASS_REQUIRE", old_ask);
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return pm_error_set(err, EINVAL, "--ssh '%s': ssh-add failed: %s", value,
				    first_line(out));
	*ret_sock = TAKE_PTR(sock);
	return 0;
}

/* One --ssh value into s (its socket; an agent when it names keys). */
static int add_value(struct pm_build_ssh *s, const char *value, pm_error **err)
{
	const char *eq = strchr(value, '=');
	_cleanup_free_ char *id = eq ? pm_xstrndup(value, (size_t)(eq - value)) : pm_xstrdup(value);
	if (!id[0] || strchr(id, ',') || strchr(id, '/'))
		return pm_error_set(err, EINVAL,
				    "--ssh '%s': expected default|ID[=SOCKET|KEY[,KEY...]]", value);
	if (pm_bld_kv_get(s->sockets, id))
		return pm_error_set(err, EINVAL, "--ssh '%s': the id '%s' is given twice", value,
				    id);
	_cleanup_strv_ char **paths = NULL;
	if (eq && eq[1])
		paths = pm_strv_split(eq + 1, ",");
	else if (getenv("SSH_AUTH_SOCK") && getenv("SSH_AUTH_SOCK")[0])
		pm_strv_push(&paths, getenv("SSH_AUTH_SOCK"));
	else
		return pm_error_set(
			err, EINVAL,
			"--ssh '%s': no socket or key given and $SSH_AUTH_SOCK is not set", value);
	bool keys = false;
	for (char **p = paths; p && *p; p++) {
		struct stat st;
		if (!**p || stat(*p, &st) < 0)
			return pm_error_set_errno(err, **p ? errno : ENOENT, "--ssh '%s': '%s'",
						  value, *p);
		if (S_ISSOCK(st.st_mode) && pm_strv_length(paths) == 1)
			continue;
		if (!S_ISREG(st.st_mode))
			return pm_error_set(
				err, EINVAL,
				"--ssh '%s': '%s' is neither an agent's socket nor a key "
				"file",
				value, *p);
		keys = true;
	}
	s->agents = pm_xrealloc(s->agents, (s->n + 1) * sizeof(*s->agents));
	struct agent *a = &s->agents[s->n++];
	*a = (struct agent){0};
	_cleanup_free_ char *sock = NULL;
	if (keys) {
		int r = start_agent(value, paths, a, &sock, err);
		if (r < 0)
			return r;
	} else {
		sock = realpath(paths[0], NULL);
		if (!sock)
			return pm_error_set_errno(err, errno, "--ssh '%s': '%s'", value, paths[0]);
	}
	if (strchr(sock, ','))
		return pm_error_set(err, EINVAL, "--ssh '%s': a ',' in the path '%s'", value, sock);
	pm_strv_consume(&s->sockets, pm_xasprintf("%s=%s", id, sock));
	return 0;
}

int pm_build_ssh_start(char *const *values, struct pm_build_ssh **ret, pm_error **err)
{
	*ret = NULL;
	if (!values || !values[0])
		return 0;
	struct pm_build_ssh *s = pm_xcalloc(1, sizeof(*s));
	for (size_t i = 0; values[i]; i++) {
		int r = add_value(s, values[i], err);
		if (r < 0) {
			pm_build_ssh_stop(s);
			return r;
		}
	}
	*ret = s;
	return 0;
}

char **pm_build_ssh_sockets(const struct pm_build_ssh *s)
{
	return s ? s->sockets : NULL;
}

void pm_build_ssh_stop(struct pm_build_ssh *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct agent *a = &s->agents[i];
		/* the daemon is not our child (ssh-agent forks it away): signalled, and its
		 * socket's directory removed whether or not it has gone yet */
		if (a->pid > 0)
			kill(a->pid, SIGTERM);
		if (a->dir)
			pm_rm_rf(a->dir, NULL);
		free(a->dir);
	}
	free(s->agents);
	pm_strv_free(s->sockets);
	free(s);
}
