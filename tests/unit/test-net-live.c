/* test-net-live.c: pm_net_start/pm_net_stop against the real slirp4netns and pasta.
 *
 * The test process first moves into its own user namespace (uid 0 = the caller, as pm's
 * rootless namespace) and its own network namespace (lo, plus a veth pair with 10.99.0.1
 * and a default route so that pasta finds an "outbound" interface): all traffic stays in
 * namespaces created here. A forked "container" unshares a further network namespace and
 * serves: TCP port 80 answers "peer=<client address>", UDP port 53 echoes, and commands on
 * a control socket make it connect out. Skips cleanly (cmocka skip) without user
 * namespaces, slirp4netns, pasta or ip(8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "netslirp/net.h"

static bool have_ns, have_slirp, have_pasta, have_ip;
static char run_dir[] = "/tmp/pm-net-live-XXXXXX";

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

/* Own user + network namespace; returns false when not possible here. */
static bool enter_namespaces(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
		return false;
	char map[64];
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return false;
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return false;
	return true;
}

static bool sh(const char *cmd)
{
	_cleanup_free_ char *c = pm_xasprintf("%s >/dev/null 2>&1", cmd);
	return system(c) == 0;
}

/* ---- the fake container ---------------------------------------------------------- */

struct ctr {
	pid_t pid;
	int ctl; /* SOCK_SEQPACKET to the child */
};

static int tcp_listen_any(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0)
		return -1;
	return fd;
}

static void child_main(int ctl)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNET) < 0)
		_exit(1);
	int tcp = tcp_listen_any(80);
	int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
	if (tcp < 0 || udp < 0 || bind(udp, (struct sockaddr *)&a, sizeof(a)) < 0)
		_exit(2);
	if (send(ctl, "ready", 5, 0) != 5)
		_exit(3);
	for (;;) {
		struct pollfd p[3] = {{ctl, POLLIN, 0}, {tcp, POLLIN, 0}, {udp, POLLIN, 0}};
		if (poll(p, 3, -1) < 0)
			continue;
		if (p[0].revents) {
			char cmd[128] = {0};
			ssize_t n = recv(ctl, cmd, sizeof(cmd) - 1, 0);
			if (n <= 0)
				_exit(0);
			/* "connect IP PORT": try a TCP connection out, answer "ok" or strerror */
			char ip[64];
			unsigned port;
			if (sscanf(cmd, "connect %63s %u", ip, &port) == 2) {
				int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
				struct sockaddr_in d = {.sin_family = AF_INET,
							.sin_port = htons((uint16_t)port)};
				inet_pton(AF_INET, ip, &d.sin_addr);
				struct timeval tv = {.tv_sec = 3};
				setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
				const char *res = connect(s, (struct sockaddr *)&d, sizeof(d)) == 0
							  ? "ok"
							  : strerror(errno);
				close(s);
				send(ctl, res, strlen(res), 0);
			}
		}
		if (p[1].revents) {
			struct sockaddr_storage ss;
			socklen_t l = sizeof(ss);
			int c = accept4(tcp, (struct sockaddr *)&ss, &l, SOCK_CLOEXEC);
			if (c >= 0) {
				char ipbuf[64] = "?", line[96];
				if (ss.ss_family == AF_INET)
					inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
						  ipbuf, sizeof(ipbuf));
				else if (ss.ss_family == AF_INET6)
					inet_ntop(AF_INET6,
						  &((struct sockaddr_in6 *)&ss)->sin6_addr, ipbuf,
						  sizeof(ipbuf));
				int n = snprintf(line, sizeof(line), "peer=%s\n", ipbuf);
				if (write(c, line, (size_t)n) < 0)
					_exit(4);
				close(c);
			}
		}
		if (p[2].revents) {
			char buf[512];
			struct sockaddr_storage ss;
			socklen_t l = sizeof(ss);
			ssize_t n = recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &l);
			if (n > 0)
				sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&ss, l);
		}
	}
}

static void ctr_start(struct ctr *c)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		close(sv[0]);
		child_main(sv[1]);
	}
	close(sv[1]);
	c->ctl = sv[0];
	char buf[16] = {0};
	assert_int_equal(recv(c->ctl, buf, sizeof(buf), 0), 5);
}

static void ctr_stop(struct ctr *c)
{
	close(c->ctl);
	int st;
	assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
}

static char *ctr_connect(struct ctr *c, const char *ip, unsigned port)
{
	char cmd[96], buf[128] = {0};
	int n = snprintf(cmd, sizeof(cmd), "connect %s %u", ip, port);
	assert_int_equal(send(c->ctl, cmd, (size_t)n, 0), n);
	assert_true(recv(c->ctl, buf, sizeof(buf) - 1, 0) > 0);
	return pm_xstrdup(buf);
}

/* ---- host side helpers ------------------------------------------------------------ */

/* Connect (optionally from src) and read the server's one line. NULL on failure. */
static char *tcp_ask(const char *src, const char *ip, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct timeval tv = {.tv_sec = 5};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (src) {
		struct sockaddr_in s = {.sin_family = AF_INET};
		inet_pton(AF_INET, src, &s.sin_addr);
		if (bind(fd, (struct sockaddr *)&s, sizeof(s)) < 0) {
			close(fd);
			return NULL;
		}
	}
	struct sockaddr_in d = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, ip, &d.sin_addr);
	char buf[128] = {0};
	size_t got = 0;
	if (connect(fd, (struct sockaddr *)&d, sizeof(d)) == 0) {
		ssize_t n;
		while (got < sizeof(buf) - 1 &&
		       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
			got += (size_t)n;
	}
	close(fd);
	if (!got)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return pm_xstrdup(buf);
}

static bool udp_echo(const char *src, const char *ip, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in s = {.sin_family = AF_INET};
	inet_pton(AF_INET, src, &s.sin_addr);
	if (bind(fd, (struct sockaddr *)&s, sizeof(s)) < 0) {
		close(fd);
		return false;
	}
	struct timeval tv = {.tv_sec = 1};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct sockaddr_in d = {.sin_family = AF_INET, .sin_port = htons(port)};
	inet_pton(AF_INET, ip, &d.sin_addr);
	bool ok = false;
	/* UDP may be dropped while the forward settles: a few tries */
	for (int i = 0; i < 5 && !ok; i++) {
		char buf[16] = {0};
		sendto(fd, "ping-pm", 7, 0, (struct sockaddr *)&d, sizeof(d));
		ok = recv(fd, buf, sizeof(buf), 0) == 7 && memcmp(buf, "ping-pm", 7) == 0;
	}
	close(fd);
	return ok;
}

/* Processes named comm whose parent is us (or anyone, when any_parent). */
static int count_procs(const char *comm, bool any_parent)
{
	DIR *d = opendir("/proc");
	assert_non_null(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		size_t len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = '\0';
		char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
		if (!lp || !rp)
			continue;
		*rp = '\0';
		int ppid = 0;
		char st;
		sscanf(rp + 2, "%c %d", &st, &ppid);
		if (strcmp(lp + 1, comm) == 0 && st != 'Z' && (any_parent || ppid == getpid()))
			n++;
	}
	closedir(d);
	return n;
}

static bool has_addr(pid_t pid, const char *addr)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/net/fib_trie", (int)pid);
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(path, 1 << 20, &data, NULL, NULL) < 0)
		return false;
	return strstr(data, addr) != NULL;
}

static void config(struct pm_net_config *c, const char *mode, const char *const *ports)
{
	pm_net_config_init(c);
	assert_int_equal(pm_net_parse_mode(c, mode, NULL), 0);
	for (size_t i = 0; ports && ports[i]; i++)
		assert_int_equal(pm_net_parse_publish(ports[i], &c->ports, &c->nports, NULL), 0);
	c->run_dir = pm_xstrdup(run_dir);
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_slirp_ports(void **state)
{
	if (!have_ns || !have_slirp)
		skip();
	struct ctr c;
	ctr_start(&c);
	struct pm_net_config cfg;
	const char *ports[] = {"127.0.0.1:18080:80", "18081:80", "18053:53/udp", "80", NULL};
	config(&cfg, NULL, ports);
	struct pm_net *net = NULL;
	_cleanup_error_ pm_error *err = NULL;
	int r = pm_net_start(&cfg, c.pid, &net, &err);
	if (r < 0)
		fail_msg("pm_net_start: %s", err->msg);
	pid_t helper = pm_net_helper_pid(net);
	assert_true(helper > 0);
	assert_int_equal(count_procs("slirp4netns", false), 1);
	/* the interface was configured before pm_net_start returned */
	assert_true(has_addr(c.pid, "10.0.2.100"));
	_cleanup_free_ char *sock = pm_path_join(run_dir, "slirp.sock");
	assert_true(pm_path_exists(sock));

	/* TCP through the published port; a loopback client shows up as slirp's gateway */
	_cleanup_free_ char *a = tcp_ask(NULL, "127.0.0.1", 18080);
	assert_non_null(a);
	assert_string_equal(a, "peer=10.0.2.2");
	/* any other client keeps its own source address */
	_cleanup_free_ char *b = tcp_ask("10.99.0.5", "10.99.0.1", 18081);
	assert_non_null(b);
	assert_string_equal(b, "peer=10.99.0.5");
	/* bound to 127.0.0.1 only */
	_cleanup_free_ char *b2 = tcp_ask(NULL, "10.99.0.1", 18080);
	assert_null(b2);
	/* UDP echo */
	/* UDP echo from a non-loopback client (libslirp 4.7 drops UDP from a loopback
	 * source: podman's slirp4netns port handler has the same limit) */
	assert_true(udp_echo("10.99.0.5", "10.99.0.1", 18053));
	/* the random host port was chosen and works */
	size_t n;
	const struct pm_net_port *p = pm_net_ports(net, &n);
	assert_int_equal(n, 4);
	assert_int_equal(p[0].host_port, 18080);
	assert_true(p[3].host_port > 0);
	_cleanup_free_ char *d = tcp_ask(NULL, "127.0.0.1", p[3].host_port);
	assert_non_null(d);
	assert_string_equal(d, "peer=10.0.2.2");
	/* host loopback is closed to the container by default */
	_cleanup_free_ char *lo = ctr_connect(&c, "10.0.2.2", 18080);
	assert_string_not_equal(lo, "ok");

	assert_int_equal(pm_net_stop(net), 0);
	assert_int_equal(kill(helper, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(count_procs("slirp4netns", false), 0);
	assert_false(pm_path_exists(sock));
	ctr_stop(&c);
	pm_net_config_clear(&cfg);
}

static void test_slirp_host_loopback(void **state)
{
	if (!have_ns || !have_slirp)
		skip();
	struct ctr c;
	ctr_start(&c);
	int lfd = -1;
	{
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(18111)};
		inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
		assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
		assert_int_equal(listen(lfd, 4), 0);
	}
	struct pm_net_config cfg;
	config(&cfg, "slirp4netns:allow_host_loopback=true,mtu=1500", NULL);
	struct pm_net *net = NULL;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_net_start(&cfg, c.pid, &net, &err) < 0)
		fail_msg("pm_net_start: %s", err->msg);
	_cleanup_free_ char *r = ctr_connect(&c, "10.0.2.2", 18111);
	assert_string_equal(r, "ok");
	assert_int_equal(pm_net_stop(net), 0);
	close(lfd);
	ctr_stop(&c);
	pm_net_config_clear(&cfg);
}

static void test_slirp_conflict(void **state)
{
	if (!have_ns || !have_slirp)
		skip();
	struct ctr c;
	ctr_start(&c);
	int busy = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(18090)};
	assert_int_equal(bind(busy, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(busy, 1), 0);

	struct pm_net_config cfg;
	const char *ports[] = {"18089:80", "18090:80", NULL};
	config(&cfg, NULL, ports);
	struct pm_net *net = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_net_start(&cfg, c.pid, &net, &err), -EADDRINUSE);
	assert_null(net);
	assert_string_equal(err->msg, "cannot publish port 80/tcp on '0.0.0.0:18090': Address "
				      "already in use");
	assert_int_equal(count_procs("slirp4netns", false), 0);
	_cleanup_free_ char *sock = pm_path_join(run_dir, "slirp.sock");
	assert_false(pm_path_exists(sock));
	/* the first port was released with it */
	int again = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in b = {.sin_family = AF_INET, .sin_port = htons(18089)};
	int one = 1;
	setsockopt(again, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(again, (struct sockaddr *)&b, sizeof(b)), 0);
	close(again);
	close(busy);
	ctr_stop(&c);
	pm_net_config_clear(&cfg);
}

/* The exit fd: when the process holding the handle dies without pm_net_stop (SIGKILL),
 * slirp4netns goes too. */
static void test_slirp_exit_fd(void **state)
{
	if (!have_ns || !have_slirp)
		skip();
	struct ctr c;
	ctr_start(&c);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid_t holder = fork();
	assert_true(holder >= 0);
	if (holder == 0) {
		struct pm_net_config cfg;
		const char *ports[] = {"18095:80", NULL};
		config(&cfg, NULL, ports);
		struct pm_net *net = NULL;
		if (pm_net_start(&cfg, c.pid, &net, NULL) < 0)
			_exit(1);
		pid_t h = pm_net_helper_pid(net);
		if (write(p[1], &h, sizeof(h)) != sizeof(h))
			_exit(2);
		pause();
		_exit(0);
	}
	close(p[1]);
	pid_t helper = 0;
	assert_int_equal(read(p[0], &helper, sizeof(helper)), sizeof(helper));
	close(p[0]);
	int pidfd = (int)syscall(SYS_pidfd_open, helper, 0);
	assert_true(pidfd >= 0);
	_cleanup_free_ char *a = tcp_ask(NULL, "127.0.0.1", 18095);
	assert_non_null(a);
	kill(holder, SIGKILL);
	int st;
	assert_int_equal(waitpid(holder, &st, 0), holder);
	struct pollfd pf = {.fd = pidfd, .events = POLLIN};
	assert_int_equal(poll(&pf, 1, 5000), 1); /* slirp4netns exited */
	close(pidfd);
	ctr_stop(&c);
}

static void test_pasta(void **state)
{
	if (!have_ns || !have_pasta || !have_ip)
		skip();
	struct ctr c;
	ctr_start(&c);
	struct pm_net_config cfg;
	const char *ports[] = {"18100:80", "18153:53/udp", "18101-18102:80-81", NULL};
	config(&cfg, "pasta", ports);
	struct pm_net *net = NULL;
	_cleanup_error_ pm_error *err = NULL;
	if (pm_net_start(&cfg, c.pid, &net, &err) < 0)
		fail_msg("pm_net_start: %s", err->msg);
	pid_t helper = pm_net_helper_pid(net);
	assert_true(helper > 0);
	/* pasta copies the host's address */
	assert_true(has_addr(c.pid, "10.99.0.1"));
	_cleanup_free_ char *a = tcp_ask(NULL, "127.0.0.1", 18100);
	assert_non_null(a);
	assert_true(pm_str_startswith(a, "peer="));
	/* (the source address of a non-loopback client through pasta is not checked here: a
	 * client in this same namespace shares pasta's copied address) */
	/* UDP through pasta (passt 2023-03) is not checked: replies to a loopback client are
	 * lost with -U none; see docs/pm-network.7.md */
	assert_int_equal(pm_net_stop(net), 0);
	assert_int_equal(kill(helper, 0), -1);
	assert_int_equal(count_procs("pasta", false) + count_procs("passt.avx2", false) +
				 count_procs("pasta.avx2", false),
			 0);
	ctr_stop(&c);
	pm_net_config_clear(&cfg);
}

/* A default route in /proc/PID/net/route (the interface is configured). */
static bool has_default_route(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/net/route", (int)pid);
	_cleanup_free_ char *data = NULL;
	if (pm_read_file(path, 1 << 20, &data, NULL, NULL) < 0)
		return false;
	for (char *l = strchr(data, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
		char dev[32], dst[16];
		if (sscanf(l + 1, "%31s %15s", dev, dst) == 2 && strcmp(dst, "00000000") == 0)
			return true;
	}
	return false;
}

/* The early start (issue #20): a network namespace made beforehand with no process in it,
 * the helper launched for it, a process joining it afterwards (as the container's init
 * does), ready later: the interface is configured by then (pasta without ports: its
 * default route, the netlink fast path). A helper launched and never made ready is ended
 * by pm_net_stop. */
static void test_launch_early(void **state)
{
	if (!have_ns || !have_slirp)
		skip();
	const char *modes[] = {"slirp4netns", have_pasta && have_ip ? "pasta" : NULL};
	for (size_t m = 0; m < 2 && modes[m]; m++) {
		bool pasta = strcmp(modes[m], "pasta") == 0;
		struct pm_net_config cfg;
		config(&cfg, modes[m], NULL);
		int nsfd = -1;
		_cleanup_error_ pm_error *err = NULL;
		assert_int_equal(pm_net_netns_new(&nsfd, &err), 0);
		struct pm_net *net = NULL;
		if (pm_net_launch(&cfg, nsfd, &net, &err) < 0)
			fail_msg("pm_net_launch: %s", err->msg);
		/* p says when it is in the namespace (has_addr looks at p's: under load it may
		 * not have run before the helper is ready) */
		int joined[2];
		assert_int_equal(pipe2(joined, O_CLOEXEC), 0);
		pid_t p = fork();
		assert_true(p >= 0);
		if (p == 0) {
			if (setns(nsfd, CLONE_NEWNET) < 0 || write(joined[1], "j", 1) != 1)
				_exit(1);
			/* none of our fds (the helper's exit pipe): the init closes them too */
			syscall(SYS_close_range, 3, ~0U, 0);
			pause();
			_exit(0);
		}
		close(joined[1]);
		if (pm_net_ready(net, &err) < 0)
			fail_msg("pm_net_ready: %s", err->msg);
		char j;
		assert_int_equal(read(joined[0], &j, 1), 1);
		close(joined[0]);
		assert_true(has_addr(p, pasta ? "10.99.0.1" : "10.0.2.100"));
		assert_true(has_default_route(p));
		pid_t helper = pm_net_helper_pid(net);
		assert_true(helper > 0);
		assert_int_equal(pm_net_stop(net), 0);
		/* without ports not waited for: it goes by itself (slirp4netns: the exit fd
		 * hung up; pasta: SIGTERM) */
		assert_int_equal(waitpid(helper, NULL, 0), helper);
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);

		/* launched, never made ready: pm_net_stop ends it */
		assert_int_equal(pm_net_launch(&cfg, nsfd, &net, &err), 0);
		helper = pm_net_helper_pid(net);
		assert_int_equal(pm_net_stop(net), 0);
		assert_int_equal(kill(helper, 0), -1);
		close(nsfd);
		pm_net_config_clear(&cfg);
	}
}

static void test_pasta_conflict(void **state)
{
	if (!have_ns || !have_pasta || !have_ip)
		skip();
	struct ctr c;
	ctr_start(&c);
	int busy = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(18190)};
	assert_int_equal(bind(busy, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(busy, 1), 0);
	struct pm_net_config cfg;
	const char *ports[] = {"18190:80", NULL};
	config(&cfg, "pasta", ports);
	struct pm_net *net = NULL;
	_cleanup_error_ pm_error *err = NULL;
	assert_int_equal(pm_net_start(&cfg, c.pid, &net, &err), -EADDRINUSE);
	assert_null(net);
	assert_string_equal(err->msg, "cannot publish port 80/tcp on '0.0.0.0:18190': Address "
				      "already in use");
	assert_int_equal(count_procs("pasta", false) + count_procs("passt.avx2", false), 0);
	close(busy);
	ctr_stop(&c);
	pm_net_config_clear(&cfg);
}

static void test_none_host(void **state)
{
	if (!have_ns)
		skip();
	struct pm_net_config cfg;
	config(&cfg, "none", NULL);
	struct pm_net *net = NULL;
	assert_int_equal(pm_net_start(&cfg, getpid(), &net, NULL), 0);
	assert_non_null(net);
	assert_int_equal(pm_net_helper_pid(net), 0);
	assert_int_equal(pm_net_stop(net), 0);
	assert_int_equal(pm_net_stop(NULL), 0);
	pm_net_config_clear(&cfg);
}

int main(void)
{
	/* decide what can run before leaving the initial namespaces */
	_cleanup_free_ char *slirp = pm_find_executable("slirp4netns");
	_cleanup_free_ char *pasta = pm_find_executable("pasta");
	have_slirp = slirp != NULL;
	have_pasta = pasta != NULL;
	have_ns = enter_namespaces();
	if (have_ns) {
		have_ns = sh("ip link set lo up");
		have_ip = have_ns && sh("ip link add v0 type veth peer name v1") &&
			  sh("ip addr add 10.99.0.1/24 dev v0") &&
			  sh("ip addr add 10.99.0.5/24 dev v0") && sh("ip link set v0 up") &&
			  sh("ip link set v1 up") && sh("ip route add default via 10.99.0.254");
	}
	if (!mkdtemp(run_dir))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slirp_ports),    cmocka_unit_test(test_slirp_host_loopback),
		cmocka_unit_test(test_slirp_conflict), cmocka_unit_test(test_slirp_exit_fd),
		cmocka_unit_test(test_pasta),	       cmocka_unit_test(test_pasta_conflict),
		cmocka_unit_test(test_none_host),      cmocka_unit_test(test_launch_early),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	pm_rm_rf(run_dir, NULL);
	return r;
}
