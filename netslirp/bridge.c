/* bridge.c: containers on user-defined networks, the way podman's rootless netavark does it:
 * one shared "rootless network namespace" (a bind mount of an nsfs file under pm's run root,
 * made on first use) holding one bridge per network (the gateway's address on it) and a
 * slirp4netns of its own for the outside (IPv4 and IPv6 forwarding on, a MASQUERADE rule
 * per subnet when iptables / ip6tables work in the namespace); each container gets a veth
 * pair, eth0 in its own namespace with its addresses (IPv4, IPv6 or both) and default
 * routes, the other end on the bridge. Links and addresses are set with ip(8) run in the
 * namespace (a child that setns()s first). Its aardvark-dns (names on the networks with DNS
 * on) is aardvark.c's.
 * Called by the monitor's before_exec (lifetime.c) and the engine's release of the last
 * container (engine/ctr-networks.c); inside pm's rootless user namespace. Never prints. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "netslirp/aardvark.h"
#include "netslirp/net.h"
#include "netslirp/spawn.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

static bool is_netns_mount(const char *path)
{
	struct statfs st;
	return statfs(path, &st) == 0 && (unsigned long)st.f_type == (unsigned long)NSFS_MAGIC;
}

/* Run argv (PATH lookup) in the network namespace nsfd; quiet. 0 or -EIO with the command. */
static int run_in(int nsfd, char *const argv[], pm_error **err)
{
	pid_t pid = fork();
	if (pid < 0)
		return pm_error_set_errno(err, errno, "fork");
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (!err)
		return -EIO;
	_cleanup_free_ char *cmd = pm_strv_join((char **)argv, " ");
	return pm_error_set(err, EIO, "setting up the network: '%s' failed (exit %d)", cmd,
			    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static int write_in(int nsfd, const char *path, const char *text)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setns(nsfd, CLONE_NEWNET) < 0)
			_exit(1);
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		_exit(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) ? 0 : 1);
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* A new network namespace bind-mounted at path (a child holds it while it is mounted). */
static int netns_make(const char *path, pm_error **err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "creating '%s'", path);
	close(fd);
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "pipe");
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return pm_error_set_errno(err, errno, "fork");
	}
	if (pid == 0) {
		close(p[0]);
		char ok = unshare(CLONE_NEWNET) == 0 ? 'y' : 'n';
		if (write(p[1], &ok, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	char ok = 0;
	ssize_t n = read(p[0], &ok, 1);
	close(p[0]);
	int r = 0;
	if (n != 1 || ok != 'y') {
		r = pm_error_set(err, EPERM, "creating the rootless network namespace failed");
	} else {
		char src[64];
		snprintf(src, sizeof(src), "/proc/%d/ns/net", (int)pid);
		if (mount(src, path, NULL, MS_BIND, NULL) < 0)
			r = pm_error_set_errno(err, errno,
					       "mounting the rootless network namespace "
					       "on '%s'",
					       path);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		unlink(path);
	return r;
}

/* slirp4netns for the shared namespace, detached from the caller (it lives as long as the
 * namespace: pm_net_bridge_teardown ends it); its pid in state_dir/slirp4netns.pid. */
static int slirp_start(const char *path, const char *state_dir, pm_error **err)
{
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return pm_error_set_errno(err, errno, "pipe");
	const char *bin = getenv(PM_NET_CMD_PATH_ENV);
	if (!bin || !*bin)
		bin = "slirp4netns";
	_cleanup_free_ char *pidfile = pm_path_join(state_dir, "slirp4netns.pid");
	pid_t pid = fork();
	if (pid < 0) {
		close(ready[0]);
		close(ready[1]);
		return pm_error_set_errno(err, errno, "fork");
	}
	if (pid == 0) {
		/* the grandchild is slirp4netns: no parent to wait for it but init */
		pm_net_daemon_child_reset();
		pid_t g = fork();
		if (g != 0)
			_exit(g < 0 ? 1 : 0);
		close(ready[0]);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (dup2(ready[1], 3) < 0)
			_exit(1);
		/* the pid before the exec: the same process */
		char buf[32];
		int fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			int len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
			if (write(fd, buf, (size_t)len) != len)
				_exit(1);
			close(fd);
		}
		char *argv[] = {(char *)bin,
				"--configure",
				"--mtu=65520",
				"--enable-ipv6",
				"--disable-host-loopback",
				"--netns-type=path",
				"--ready-fd=3",
				(char *)path,
				"tap0",
				NULL};
		execvp(bin, argv);
		_exit(127);
	}
	close(ready[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	char c = 0;
	ssize_t n;
	do
		n = read(ready[0], &c, 1);
	while (n < 0 && errno == EINTR);
	close(ready[0]);
	if (n != 1)
		return pm_error_set(err, EIO,
				    "slirp4netns for the rootless network namespace did not start");
	return 0;
}

/* The pid of the namespace's slirp4netns when it still runs, else 0. */
static int slirp_pid(const char *state_dir)
{
	_cleanup_free_ char *pidfile = pm_path_join(state_dir, "slirp4netns.pid");
	return pm_net_pidfile_pid(pidfile, "slirp4netns");
}

/* The namespace and its helpers gone; dns_files: aardvark-dns' files too (not when a
 * namespace half made by a crash is started over: the engine wrote them for this start). */
static void teardown(const char *netns_path, const char *state_dir, bool dns_files)
{
	pm_net_dns_stop(state_dir, dns_files);
	int pid = slirp_pid(state_dir);
	if (pid > 0)
		kill(pid, SIGKILL); /* it holds nothing that needs a clean end */
	_cleanup_free_ char *pidfile = pm_path_join(state_dir, "slirp4netns.pid");
	unlink(pidfile);
	if (is_netns_mount(netns_path))
		umount2(netns_path, MNT_DETACH);
	unlink(netns_path);
}

int pm_net_bridge_teardown(const char *netns_path, const char *state_dir)
{
	teardown(netns_path, state_dir, true);
	return 0;
}

static int ensure_netns(const struct pm_net_config *cfg, int *ret_fd, pm_error **err)
{
	bool fresh = false;
	if (!is_netns_mount(cfg->bridge_netns)) {
		/* a half-made one (a crash): start over */
		teardown(cfg->bridge_netns, cfg->bridge_state_dir, false);
		int r = netns_make(cfg->bridge_netns, err);
		if (r < 0)
			return r;
		fresh = true;
	}
	int fd = open(cfg->bridge_netns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", cfg->bridge_netns);
	if (!fresh && slirp_pid(cfg->bridge_state_dir) == 0) {
		/* its slirp4netns is gone (killed): the containers there keep their links, the
		 * way out comes back with a new one */
		int r = slirp_start(cfg->bridge_netns, cfg->bridge_state_dir, err);
		if (r < 0) {
			close(fd);
			return r;
		}
	}
	if (fresh) {
		char *lo[] = {"ip", "link", "set", "lo", "up", NULL};
		int r = run_in(fd, lo, err);
		if (r >= 0)
			r = slirp_start(cfg->bridge_netns, cfg->bridge_state_dir, err);
		if (r < 0) {
			close(fd);
			teardown(cfg->bridge_netns, cfg->bridge_state_dir, false);
			return r;
		}
		write_in(fd, "/proc/sys/net/ipv4/ip_forward", "1");
		/* IPv6 out through slirp4netns' tap0: its router advertisements still count
		 * once forwarding is on (accept_ra 2), as podman's rootless netns */
		write_in(fd, "/proc/sys/net/ipv6/conf/tap0/accept_ra", "2");
		write_in(fd, "/proc/sys/net/ipv6/conf/all/forwarding", "1");
	}
	*ret_fd = fd;
	return 0;
}

/* The outside for subnet through slirp4netns' tap0 (iptables or ip6tables); without it in
 * the namespace, none. */
static void masquerade(int nsfd, const char *tool, char *subnet)
{
	char *nat[] = {(char *)tool, "-t", "nat",  "-A", "POSTROUTING", "-s", subnet,
		       "!",	     "-d", subnet, "-j", "MASQUERADE",	NULL};
	run_in(nsfd, nat, NULL);
}

static int ensure_bridge(const struct pm_net_config *cfg, int nsfd, pm_error **err)
{
	char *show[] = {"ip", "link", "show", cfg->bridge_iface, NULL};
	if (run_in(nsfd, show, NULL) == 0)
		return 0;
	char *add[] = {"ip", "link", "add", cfg->bridge_iface, "type", "bridge", NULL};
	char *up[] = {"ip", "link", "set", cfg->bridge_iface, "up", NULL};
	int r;
	if ((r = run_in(nsfd, add, err)) < 0)
		return r;
	if (cfg->bridge_ip && cfg->bridge_gw) {
		_cleanup_free_ char *gw = pm_xasprintf("%s/%u", cfg->bridge_gw, cfg->bridge_prefix);
		char *addr[] = {"ip", "addr", "add", gw, "dev", cfg->bridge_iface, NULL};
		if ((r = run_in(nsfd, addr, err)) < 0)
			return r;
	}
	if (cfg->bridge_ip6 && cfg->bridge_gw6) {
		/* nodad: usable at once (no other host on the bridge can have it) */
		_cleanup_free_ char *gw =
			pm_xasprintf("%s/%u", cfg->bridge_gw6, cfg->bridge_prefix6);
		char *addr[] = {"ip",	 "-6", "addr", "add", gw, "dev", cfg->bridge_iface,
				"nodad", NULL};
		if ((r = run_in(nsfd, addr, err)) < 0)
			return r;
	}
	if ((r = run_in(nsfd, up, err)) < 0)
		return r;
	if (!cfg->bridge_internal) {
		if (cfg->bridge_subnet)
			masquerade(nsfd, "iptables", cfg->bridge_subnet);
		if (cfg->bridge_subnet6)
			masquerade(nsfd, "ip6tables", cfg->bridge_subnet6);
	}
	return 0;
}

int pm_net_bridge_attach(const struct pm_net_config *cfg, pid_t pid, pm_error **err)
{
	if (!cfg->bridge_netns || (!cfg->bridge_ip && !cfg->bridge_ip6) || !cfg->bridge_iface ||
	    !cfg->bridge_veth)
		return pm_error_set(err, EINVAL, "network %s: no address assigned",
				    cfg->bridge_net ? cfg->bridge_net : "?");
	int r = pm_mkdir_p(cfg->bridge_state_dir, 0700, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *lock = pm_path_join(cfg->bridge_state_dir, "netns.lock");
	_cleanup_close_ int lfd = pm_lock_path(lock, LOCK_EX, err);
	if (lfd < 0)
		return lfd;
	_cleanup_close_ int nsfd = -1;
	if ((r = ensure_netns(cfg, &nsfd, err)) < 0 || (r = ensure_bridge(cfg, nsfd, err)) < 0)
		return r;
	/* its name served from now on (the engine wrote the network's file) */
	if (cfg->bridge_dns && (r = pm_net_dns_update(nsfd, cfg->bridge_state_dir, err)) < 0)
		return r;
	char pidstr[32];
	snprintf(pidstr, sizeof(pidstr), "%d", (int)pid);
	/* a stale host end of a veth of the same name (a crash) goes first */
	char *del[] = {"ip", "link", "del", cfg->bridge_veth, NULL};
	run_in(nsfd, del, NULL);
	char *ifname = cfg->bridge_ifname ? cfg->bridge_ifname : "eth0";
	bool first = strcmp(ifname, "eth0") == 0;
	char *veth[] = {"ip",	"link", "add",	cfg->bridge_veth, "type", "veth",
			"peer", "name", ifname, "netns",	  pidstr, NULL};
	char *master[] = {"ip", "link", "set", cfg->bridge_veth, "master", cfg->bridge_iface,
			  "up", NULL};
	if ((r = run_in(nsfd, veth, err)) < 0 || (r = run_in(nsfd, master, err)) < 0)
		return r;
	char ns[64];
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)pid);
	_cleanup_close_ int cfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (cfd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", ns);
	char *mac[] = {"ip", "link", "set", ifname, "address", cfg->bridge_mac, NULL};
	char *up[] = {"ip", "link", "set", ifname, "up", NULL};
	char *lo[] = {"ip", "link", "set", "lo", "up", NULL};
	if ((cfg->bridge_mac && (r = run_in(cfd, mac, err)) < 0))
		return r;
	bool route = first && !cfg->bridge_internal;
	if (cfg->bridge_ip) {
		_cleanup_free_ char *addr =
			pm_xasprintf("%s/%u", cfg->bridge_ip, cfg->bridge_prefix);
		char *ipaddr[] = {"ip", "addr", "add", addr, "dev", ifname, NULL};
		if ((r = run_in(cfd, ipaddr, err)) < 0)
			return r;
	}
	if (cfg->bridge_ip6) {
		/* nodad: the address works at once, not after a second of duplicate detection */
		_cleanup_free_ char *addr =
			pm_xasprintf("%s/%u", cfg->bridge_ip6, cfg->bridge_prefix6);
		char *ipaddr[] = {"ip", "-6", "addr", "add", addr, "dev", ifname, "nodad", NULL};
		if ((r = run_in(cfd, ipaddr, err)) < 0)
			return r;
	}
	if ((r = run_in(cfd, up, err)) < 0 || (r = run_in(cfd, lo, err)) < 0)
		return r;
	if (route && cfg->bridge_ip && cfg->bridge_gw) {
		char *def[] = {"ip", "route", "add", "default", "via", cfg->bridge_gw, NULL};
		if ((r = run_in(cfd, def, err)) < 0)
			return r;
	}
	if (route && cfg->bridge_ip6 && cfg->bridge_gw6) {
		char *def[] = {"ip", "-6", "route", "add", "default", "via", cfg->bridge_gw6, NULL};
		if ((r = run_in(cfd, def, err)) < 0)
			return r;
	}
	return 0;
}

int pm_net_bridge_detach(pid_t pid, const char *ifname, pm_error **err)
{
	char ns[64];
	snprintf(ns, sizeof(ns), "/proc/%d/ns/net", (int)pid);
	_cleanup_close_ int cfd = open(ns, O_RDONLY | O_CLOEXEC);
	if (cfd < 0)
		return pm_error_set_errno(err, errno, "opening '%s'", ns);
	char *del[] = {"ip", "link", "del", (char *)ifname, NULL};
	return run_in(cfd, del, err);
}

int pm_net_bridge_netns_open(const char *netns_path, const char *state_dir, int *ret_fd,
			     bool *ret_made, pm_error **err)
{
	int r = pm_mkdir_p(state_dir, 0700, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *lock = pm_path_join(state_dir, "netns.lock");
	_cleanup_close_ int lfd = pm_lock_path(lock, LOCK_EX, err);
	if (lfd < 0)
		return lfd;
	struct pm_net_config cfg = {.bridge_netns = (char *)netns_path,
				    .bridge_state_dir = (char *)state_dir};
	*ret_made = !is_netns_mount(netns_path);
	return ensure_netns(&cfg, ret_fd, err);
}
