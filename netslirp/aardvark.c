/* aardvark.c: name resolution on user-defined networks, as podman's netavark gives it: one
 * aardvark-dns (the real one, podman's helper binary) for the shared rootless network
 * namespace, listening on port 53 of the gateways of the networks with DNS on. Its config
 * directory (<state_dir>/.aardvark-dns: a dot, so that no network's record directory can
 * take the name) holds one file per network, written by the engine (engine/ctr-networks.c);
 * this file starts it in the namespace (its upstream resolvers from a resolv.conf of the
 * namespace's own, bind-mounted over /etc/resolv.conf in a mount namespace of its own, as
 * podman's rootless netns), tells it to reload (SIGHUP) and ends it with the namespace.
 * Called by bridge.c (attach, teardown) and the engine's release; inside pm's rootless user
 * namespace. Never prints. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/proc.h"
#include "lib/strutil.h"
#include "netslirp/aardvark.h"
#include "netslirp/net.h"
#include "netslirp/spawn.h"

/* podman's helper_binaries_dir, in its order */
static const char *const helper_dirs[] = {"/usr/local/libexec/podman", "/usr/local/lib/podman",
					  "/usr/libexec/podman", "/usr/lib/podman", NULL};

char *pm_net_dns_binary(void)
{
	const char *env = getenv(PM_NET_DNS_BINARY_ENV);
	if (env)
		return *env && access(env, X_OK) == 0 ? pm_xstrdup(env) : NULL;
	for (size_t i = 0; helper_dirs[i]; i++) {
		char *p = pm_path_join(helper_dirs[i], "aardvark-dns");
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

char *pm_net_dns_dir(const char *state_dir)
{
	return pm_path_join(state_dir, PM_NET_DNS_DIR);
}

int pm_net_pidfile_pid(const char *pidfile, const char *comm)
{
	char buf[32] = "";
	int fd = open(pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	int pid = n > 0 ? atoi(buf) : 0;
	if (pid <= 1)
		return 0;
	/* the name says it is not a reused pid; a zombie (its reaper has not come by yet) is
	 * gone all the same */
	struct pm_proc_stat st;
	if (pm_proc_stat_read(pid, &st) < 0 || strncmp(st.comm, comm, strlen(comm)) != 0 ||
	    st.state == 'Z' || st.state == 'X')
		return 0;
	return pid;
}

static int dns_pid(const char *state_dir)
{
	_cleanup_free_ char *dir = pm_net_dns_dir(state_dir);
	_cleanup_free_ char *pidfile = pm_path_join(dir, "aardvark.pid");
	return pm_net_pidfile_pid(pidfile, "aardvark-dns");
}

/* A network file (anything but the pid file) in the config directory. */
static bool dns_configured(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "aardvark.pid") != 0)
			return true;
	return false;
}

/* The resolv.conf aardvark-dns forwards by: slirp4netns' resolver (10.0.2.3: the namespace's
 * slirp4netns has the default cidr), then the host's non-loopback ones, as podman's rootless
 * netns has it. */
static int write_resolv(const char *path, pm_error **err)
{
	_cleanup_free_ char *host = NULL;
	if (pm_net_read_host_resolv(&host, NULL) < 0)
		host = pm_xstrdup("");
	_cleanup_free_ char *text = pm_xstrdup("nameserver 10.0.2.3\n");
	for (char *line = host, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char srv[64];
		if (sscanf(line, " nameserver %63s", srv) != 1 || strncmp(srv, "127.", 4) == 0 ||
		    strcmp(srv, "::1") == 0 || strcmp(srv, "10.0.2.3") == 0)
			continue;
		char *x = pm_xasprintf("%snameserver %s\n", text, srv);
		free(text);
		text = x;
	}
	return pm_write_file_atomic(path, text, strlen(text), 0600, err);
}

/* In its copy of the caller's mount namespace: the containers' root filesystems (overlay,
 * fuse-overlayfs) and the namespace's nsfs mount let go, so that it does not hold them
 * after their containers end. */
static void drop_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	while (f && fgets(line, sizeof(line), f)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE ... */
		char mp[1024], fstype[64];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %1023s", mp) != 1 ||
		    sscanf(dash + 3, "%63s", fstype) != 1)
			continue;
		if (strcmp(fstype, "overlay") != 0 && strncmp(fstype, "fuse", 4) != 0 &&
		    strcmp(fstype, "nsfs") != 0)
			continue;
		/* the kernel escapes space, tab, newline and backslash as \ooo */
		char *w = mp;
		for (const char *r = mp; *r; w++) {
			if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
			    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
				*w = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
				r += 4;
			} else {
				*w = *r++;
			}
		}
		*w = 0;
		umount2(mp, MNT_DETACH);
	}
	if (f)
		fclose(f);
}

/* aardvark-dns --config DIR -p 53 run in the namespace nsfd: it forks its server and exits
 * once that serves (its pid in DIR/aardvark.pid, written by itself). */
static int dns_start(int nsfd, const char *state_dir, const char *dir, pm_error **err)
{
	_cleanup_free_ char *bin = pm_net_dns_binary();
	if (!bin)
		return pm_error_set(err, ENOENT, "aardvark-dns not found");
	_cleanup_free_ char *resolv = pm_path_join(state_dir, "aardvark-resolv.conf");
	int r = write_resolv(resolv, err);
	if (r < 0)
		return r;
	pid_t pid = fork();
	if (pid < 0)
		return pm_error_set_errno(err, errno, "fork");
	if (pid == 0) {
		/* it reloads on SIGHUP: the monitor's blocked signals are not its */
		pm_net_daemon_child_reset();
		/* its own /etc/resolv.conf: a mount namespace of its own (without one it
		 * forwards by the host's file) */
		if (unshare(CLONE_NEWNS) == 0 &&
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) {
			mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL);
			drop_mounts();
		}
		if (setns(nsfd, CLONE_NEWNET) < 0 || chdir("/") < 0)
			_exit(126);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		syscall(SYS_close_range, 3, ~0U, 0);
		char *argv[] = {bin, "--config", (char *)dir, "-p", "53", "run", NULL};
		execv(bin, argv);
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	return pm_error_set(err, EIO,
			    "starting aardvark-dns ('%s --config %s -p 53 run') failed (exit %d)",
			    bin, dir, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int pm_net_dns_update(int nsfd, const char *state_dir, pm_error **err)
{
	_cleanup_free_ char *dir = pm_net_dns_dir(state_dir);
	int pid = dns_pid(state_dir);
	if (pid > 0) {
		kill(pid, SIGHUP); /* it exits by itself when no network is left */
		return 0;
	}
	if (nsfd < 0 || !dns_configured(dir))
		return 0;
	return dns_start(nsfd, state_dir, dir, err);
}

void pm_net_dns_stop(const char *state_dir, bool files)
{
	int pid = dns_pid(state_dir);
	if (pid > 0)
		kill(pid, SIGKILL); /* nothing of its needs a clean end */
	if (!files)
		return;
	_cleanup_free_ char *dir = pm_net_dns_dir(state_dir);
	pm_rm_rf(dir, NULL);
	_cleanup_free_ char *resolv = pm_path_join(state_dir, "aardvark-resolv.conf");
	unlink(resolv);
}
