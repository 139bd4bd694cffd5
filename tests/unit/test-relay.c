/* test-relay.c: unit tests for netslirp/relay: pm_relay_run in a thread between a client and a
 * target server on 127.0.0.1 (same netns): 16 MiB each way in order, half-close in both
 * orders without losing a byte, a target that refuses, 20 connections at once, the exit fd;
 * the add_hostfwd request, the RTM_NEWADDR parser, and address tracking against a fake
 * slirp4netns API socket with netlink messages injected through a socketpair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "netslirp/relay.h"

#define MIB	   (1024 * 1024)
#define TIMEOUT_MS 20000

struct fixture {
	struct pm_relay_listener l[2]; /* [0] -> server, [1] -> a port nobody listens on */
	uint16_t lport[2];
	int srv;
	uint16_t srv_port;
	int dead_fd;
	int exit_pipe[2];
	pthread_t relay;
	bool running;
	int relay_rc;
	const struct pm_relay_track *track;
};

static int tcp_socket(uint16_t *port, bool do_listen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(sin);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    (do_listen && listen(fd, 128) < 0) ||
	    getsockname(fd, (struct sockaddr *)&sin, &l) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* No cmocka assertion: also used in threads. */
static int try_connect(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int connect_port(uint16_t port)
{
	int fd = try_connect(port);
	assert_true(fd >= 0);
	return fd;
}

static void *relay_thread(void *arg)
{
	struct fixture *f = arg;
	f->relay_rc = pm_relay_run(f->l, 2, f->exit_pipe[0], f->track);
	return NULL;
}

static void start_relay(struct fixture *f, const struct pm_relay_track *track)
{
	f->track = track;
	assert_int_equal(pthread_create(&f->relay, NULL, relay_thread, f), 0);
	f->running = true;
}

/* Close the exit fd's write end and wait for pm_relay_run to return. */
static int stop_relay(struct fixture *f)
{
	if (!f->running)
		return 0;
	close(f->exit_pipe[1]);
	f->exit_pipe[1] = -1;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	if (pthread_timedjoin_np(f->relay, NULL, &ts) != 0)
		return -ETIMEDOUT; /* still running: the process ends with the failure */
	f->running = false;
	return f->relay_rc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->srv = tcp_socket(&f->srv_port, true);
	f->dead_fd = tcp_socket(&f->l[1].ctr_port, false);
	f->l[0].fd = tcp_socket(&f->lport[0], true);
	f->l[1].fd = tcp_socket(&f->lport[1], true);
	f->l[0].ctr_port = f->srv_port;
	if (f->srv < 0 || f->dead_fd < 0 || f->l[0].fd < 0 || f->l[1].fd < 0 ||
	    pipe2(f->exit_pipe, O_CLOEXEC) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = stop_relay(f);
	int fds[] = {f->srv, f->dead_fd, f->l[0].fd, f->l[1].fd, f->exit_pipe[0], f->exit_pipe[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(f);
	return rc == 0 ? 0 : -1;
}

/* ---- a peer: sends a pattern, checks the pattern it receives, half-closes when done ---- */

struct peer {
	int fd; /* connected socket; or -1: accept one on lfd */
	int lfd;
	size_t send_len;
	bool send_after_eof; /* send only once the other side half-closed */
	int read_delay_ms;   /* a slow reader: the relay's pipe toward us fills up */
	unsigned send_seed, recv_seed;
	/* results */
	size_t got;
	bool eof, order_bad;
	int err;
};

static uint8_t pattern(unsigned seed, size_t off)
{
	return (uint8_t)(off * 131u + seed * 7u + (off >> 13));
}

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, timeout_ms);
}

static void run_peer(struct peer *p)
{
	if (p->fd < 0) {
		if (wait_readable(p->lfd, TIMEOUT_MS) <= 0) {
			p->err = ETIMEDOUT;
			return;
		}
		p->fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (p->fd < 0) {
			p->err = errno;
			return;
		}
	}
	fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_NONBLOCK);
	static __thread uint8_t buf[256 * 1024];
	size_t sent = 0;
	bool wr_done = false;
	if (p->read_delay_ms && p->send_len == 0)
		usleep((useconds_t)p->read_delay_ms * 1000);
	while (!(p->eof && wr_done)) {
		if (p->read_delay_ms && wr_done) {
			usleep((useconds_t)p->read_delay_ms * 1000);
			p->read_delay_ms = 0;
		}
		bool want_write = !wr_done && (!p->send_after_eof || p->eof);
		if (want_write && sent == p->send_len) {
			if (shutdown(p->fd, SHUT_WR) < 0) {
				p->err = errno;
				return;
			}
			wr_done = true;
			continue;
		}
		struct pollfd pfd = {.fd = p->fd,
				     .events = (p->eof ? 0 : POLLIN) | (want_write ? POLLOUT : 0)};
		if (poll(&pfd, 1, TIMEOUT_MS) <= 0) {
			p->err = ETIMEDOUT;
			return;
		}
		if (!p->eof && (pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = recv(p->fd, buf, sizeof(buf), 0);
			if (n < 0 && errno != EAGAIN) {
				p->err = errno;
				return;
			}
			if (n == 0)
				p->eof = true;
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != pattern(p->recv_seed, p->got + (size_t)i))
					p->order_bad = true;
			if (n > 0)
				p->got += (size_t)n;
		}
		if (want_write && (pfd.revents & (POLLOUT | POLLERR))) {
			size_t k =
				p->send_len - sent < sizeof(buf) ? p->send_len - sent : sizeof(buf);
			for (size_t i = 0; i < k; i++)
				buf[i] = pattern(p->send_seed, sent + i);
			ssize_t n = send(p->fd, buf, k, MSG_NOSIGNAL);
			if (n < 0 && errno != EAGAIN) {
				p->err = errno;
				return;
			}
			if (n > 0)
				sent += (size_t)n;
		}
	}
}

static void *peer_thread(void *arg)
{
	run_peer(arg);
	return NULL;
}

static void assert_peer(const struct peer *p, size_t expect)
{
	assert_int_equal(p->err, 0);
	assert_true(p->eof);
	assert_false(p->order_bad);
	assert_int_equal(p->got, expect);
}

/* One connection client <-> relay <-> server with the given shapes; the server in a thread. */
static void exchange(struct fixture *f, struct peer *cli, struct peer *srv)
{
	srv->fd = -1;
	srv->lfd = f->srv;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, peer_thread, srv), 0);
	cli->fd = connect_port(f->lport[0]);
	run_peer(cli);
	pthread_join(t, NULL);
	close(cli->fd);
	if (srv->fd >= 0)
		close(srv->fd);
	assert_peer(cli, srv->send_len);
	assert_peer(srv, cli->send_len);
}

static void test_bulk_both_ways(void **state)
{
	struct fixture *f = *state;
	start_relay(f, NULL);
	struct peer cli = {.send_len = 16 * MIB, .send_seed = 1, .recv_seed = 2};
	struct peer srv = {.send_len = 16 * MIB, .send_seed = 2, .recv_seed = 1};
	exchange(f, &cli, &srv);
	assert_int_equal(stop_relay(f), 0);
}

static void test_client_half_closes_first(void **state)
{
	struct fixture *f = *state;
	start_relay(f, NULL);
	/* the server answers only after the client's EOF reached it */
	struct peer cli = {.send_len = 1 * MIB, .send_seed = 3, .recv_seed = 4};
	struct peer srv = {
		.send_len = 2 * MIB, .send_after_eof = true, .send_seed = 4, .recv_seed = 3};
	exchange(f, &cli, &srv);
}

static void test_server_half_closes_first(void **state)
{
	struct fixture *f = *state;
	start_relay(f, NULL);
	/* the server sends a little and half-closes; only after that EOF reached the client
	 * does it send 4 MiB, all of which must reach the server */
	struct peer cli = {
		.send_len = 4 * MIB, .send_after_eof = true, .send_seed = 5, .recv_seed = 6};
	struct peer srv = {.send_len = 1000, .send_seed = 6, .recv_seed = 5, .read_delay_ms = 300};
	exchange(f, &cli, &srv);
}

static void test_target_refuses(void **state)
{
	struct fixture *f = *state;
	start_relay(f, NULL);
	int fd = connect_port(f->lport[1]);
	assert_true(wait_readable(fd, 5000) > 0);
	char c;
	ssize_t n = recv(fd, &c, 1, 0);
	assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
	close(fd);
	/* and the relay still serves */
	struct peer cli = {.send_len = 1024, .send_seed = 7, .recv_seed = 8};
	struct peer srv = {.send_len = 1024, .send_seed = 8, .recv_seed = 7};
	exchange(f, &cli, &srv);
}

#define NCONN 20

struct pair_arg {
	struct fixture *f;
	struct peer cli;
};

static void *client_thread(void *arg)
{
	struct pair_arg *a = arg;
	a->cli.fd = try_connect(a->f->lport[0]);
	if (a->cli.fd < 0)
		a->cli.err = errno;
	else
		run_peer(&a->cli);
	return NULL;
}

static void test_concurrent(void **state)
{
	struct fixture *f = *state;
	start_relay(f, NULL);
	struct peer srv[NCONN];
	struct pair_arg cli[NCONN];
	pthread_t ts[NCONN], tc[NCONN];
	for (int i = 0; i < NCONN; i++) {
		srv[i] = (struct peer){.fd = -1,
				       .lfd = f->srv,
				       .send_len = 512 * 1024,
				       .send_seed = 10,
				       .recv_seed = 11};
		cli[i] = (struct pair_arg){
			.f = f, .cli = {.send_len = 512 * 1024, .send_seed = 11, .recv_seed = 10}};
		assert_int_equal(pthread_create(&ts[i], NULL, peer_thread, &srv[i]), 0);
	}
	for (int i = 0; i < NCONN; i++)
		assert_int_equal(pthread_create(&tc[i], NULL, client_thread, &cli[i]), 0);
	for (int i = 0; i < NCONN; i++) {
		pthread_join(tc[i], NULL);
		pthread_join(ts[i], NULL);
	}
	for (int i = 0; i < NCONN; i++) {
		assert_peer(&cli[i].cli, 512 * 1024);
		assert_peer(&srv[i], 512 * 1024);
		close(cli[i].cli.fd);
		close(srv[i].fd);
	}
}

/* ---- exit fd ---------------------------------------------------------------------------- */

static void *hello_server(void *arg)
{
	int *fd = arg;
	send(*fd, "hello", 5, MSG_NOSIGNAL);
	char buf[64];
	while (wait_readable(*fd, TIMEOUT_MS) > 0 && recv(*fd, buf, sizeof(buf), 0) > 0)
		;
	return NULL;
}

static void test_exit_fd(void **state)
{
	struct fixture *f = *state;
	start_relay(f, NULL);
	int cfd[3], sfd[3];
	pthread_t t[3];
	for (int i = 0; i < 3; i++) {
		cfd[i] = connect_port(f->lport[0]);
		assert_true(wait_readable(f->srv, TIMEOUT_MS) > 0);
		sfd[i] = accept4(f->srv, NULL, NULL, SOCK_CLOEXEC);
		assert_true(sfd[i] >= 0);
		assert_int_equal(pthread_create(&t[i], NULL, hello_server, &sfd[i]), 0);
		char buf[5];
		assert_true(wait_readable(cfd[i], TIMEOUT_MS) > 0);
		assert_int_equal(recv(cfd[i], buf, 5, MSG_WAITALL), 5);
		assert_memory_equal(buf, "hello", 5);
	}
	assert_int_equal(stop_relay(f), 0);
	for (int i = 0; i < 3; i++) {
		assert_true(wait_readable(cfd[i], 5000) > 0);
		char c;
		ssize_t n = recv(cfd[i], &c, 1, 0);
		assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
		pthread_join(t[i], NULL); /* the server side saw EOF too */
		close(cfd[i]);
		close(sfd[i]);
	}
}

/* ---- pure helpers ---------------------------------------------------------------------- */

static void test_hostfwd_request(void **state)
{
	(void)state;
	char buf[256];
	int n = pm_relay_hostfwd_request(buf, sizeof(buf), "192.168.1.5", 8080, 80);
	const char *want = "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
			   "\"host_addr\":\"192.168.1.5\",\"host_port\":8080,\"guest_port\":80}}";
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));
	assert_int_equal(pm_relay_hostfwd_request(buf, 20, "192.168.1.5", 8080, 80), -ENOBUFS);
	assert_int_equal(pm_relay_hostfwd_request(buf, sizeof(buf), "1.2.3.4\",\"x", 1, 1),
			 -EINVAL);
	assert_int_equal(pm_relay_hostfwd_request(buf, sizeof(buf), "::1", 1, 1), -EINVAL);
}

/* Append one address message; rta_type IFA_LOCAL or IFA_ADDRESS (or both when 0). */
static size_t put_addr(char *buf, size_t off, uint16_t type, uint8_t family, int rta_type,
		       const char *addr)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)(buf + off);
	memset(nh, 0, NLMSG_SPACE(sizeof(struct ifaddrmsg)) + 2 * RTA_SPACE(16));
	nh->nlmsg_type = type;
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	ifa->ifa_family = family;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = 2;
	unsigned char a[16];
	size_t alen = family == AF_INET ? 4 : 16;
	assert_int_equal(inet_pton(family, addr, a), 1);
	for (int t = IFA_ADDRESS; t <= IFA_LOCAL; t++) {
		if (rta_type && t != rta_type)
			continue;
		struct rtattr *rta =
			(struct rtattr *)(void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
		rta->rta_type = (unsigned short)t;
		rta->rta_len = (unsigned short)RTA_LENGTH(alen);
		/* IFA_ADDRESS differs from IFA_LOCAL on a point-to-point link */
		memcpy(RTA_DATA(rta), a, alen);
		if (t == IFA_ADDRESS && !rta_type)
			((unsigned char *)RTA_DATA(rta))[alen - 1] ^= 0xff;
		nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	}
	return off + NLMSG_ALIGN(nh->nlmsg_len);
}

static void test_parse_newaddr(void **state)
{
	(void)state;
	static char buf[4096] __attribute__((aligned(8)));
	size_t off = 0;
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET, 0, "192.168.1.5"); /* LOCAL + ADDRESS */
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET, IFA_LOCAL, "127.0.0.1");
	off = put_addr(buf, off, RTM_DELADDR, AF_INET, IFA_LOCAL, "10.0.0.9");
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET6, IFA_ADDRESS, "fd00::1");
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET, IFA_ADDRESS, "10.0.0.7");
	struct in_addr out[8];
	size_t k = pm_relay_parse_newaddr(buf, off, out, 8);
	assert_int_equal(k, 2);
	char s[INET_ADDRSTRLEN];
	assert_string_equal(inet_ntop(AF_INET, &out[0], s, sizeof(s)), "192.168.1.5");
	assert_string_equal(inet_ntop(AF_INET, &out[1], s, sizeof(s)), "10.0.0.7");
	/* max respected; a truncated buffer stops cleanly */
	assert_int_equal(pm_relay_parse_newaddr(buf, off, out, 1), 1);
	assert_int_equal(pm_relay_parse_newaddr(buf, 10, out, 8), 0);
	assert_int_equal(pm_relay_parse_newaddr(buf, off - 4, out, 8), 1);
}

/* ---- tracking: netlink through a socketpair, a fake slirp4netns API ------------------------ */

#define NREQ 4

struct fake_api {
	int lfd;
	char req[NREQ][512];
	int n;
};

static void *fake_api_thread(void *arg)
{
	struct fake_api *a = arg;
	for (; a->n < NREQ; a->n++) {
		if (wait_readable(a->lfd, TIMEOUT_MS) <= 0)
			return NULL;
		int fd = accept4(a->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return NULL;
		ssize_t r = wait_readable(fd, TIMEOUT_MS) > 0
				    ? recv(fd, a->req[a->n], sizeof(a->req[0]) - 1, 0)
				    : -1;
		if (r > 0)
			a->req[a->n][r] = '\0';
		const char *reply = "{\"return\": {\"id\": 1}}";
		send(fd, reply, strlen(reply), MSG_NOSIGNAL);
		close(fd);
	}
	return NULL;
}

static void test_track(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/test-relay-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/api.sock", dir);
	struct fake_api api = {.lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, path);
	assert_int_equal(bind(api.lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(api.lfd, 8), 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, fake_api_thread, &api), 0);

	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp), 0);
	static const uint16_t ports[][2] = {{8080, 80}, {8443, 443}};
	char *known[] = {"192.168.1.5", NULL};
	struct pm_relay_track track = {
		.api_path = path, .ports = ports, .nports = 2, .nl_fd = sp[0], .known = known};
	start_relay(f, &track);

	/* the relay asks for the current addresses first */
	static char buf[4096] __attribute__((aligned(8)));
	assert_true(wait_readable(sp[1], TIMEOUT_MS) > 0);
	ssize_t n = recv(sp[1], buf, sizeof(buf), 0);
	assert_true(n >= (ssize_t)NLMSG_LENGTH(sizeof(struct ifaddrmsg)));
	struct nlmsghdr *nh = (struct nlmsghdr *)(void *)buf;
	assert_int_equal(nh->nlmsg_type, RTM_GETADDR);
	assert_true(nh->nlmsg_flags & NLM_F_DUMP);

	size_t off = 0;
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET, IFA_LOCAL, "192.168.1.5"); /* known */
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET, IFA_LOCAL, "127.0.0.1");
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET, IFA_LOCAL, "10.1.2.3");
	assert_int_equal(send(sp[1], buf, off, 0), (ssize_t)off);
	off = 0;
	off = put_addr(buf, off, RTM_DELADDR, AF_INET, IFA_LOCAL, "10.9.9.8");
	off = put_addr(buf, off, RTM_NEWADDR, AF_INET, IFA_LOCAL, "10.1.2.3"); /* now known */
	assert_int_equal(send(sp[1], buf, off, 0), (ssize_t)off);
	off = put_addr(buf, 0, RTM_NEWADDR, AF_INET, IFA_LOCAL, "10.9.9.9");
	assert_int_equal(send(sp[1], buf, off, 0), (ssize_t)off);

	pthread_join(t, NULL);
	assert_int_equal(api.n, NREQ);
#define WANT_FMT                                                                                   \
	"{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","                           \
	"\"host_addr\":\"%s\",\"host_port\":%d,\"guest_port\":%d}}"
	const char *want_addr[NREQ] = {"10.1.2.3", "10.1.2.3", "10.9.9.9", "10.9.9.9"};
	for (int i = 0; i < NREQ; i++) {
		char want[512];
		snprintf(want, sizeof(want), WANT_FMT, want_addr[i], ports[i % 2][0],
			 ports[i % 2][1]);
		assert_string_equal(api.req[i], want);
	}
	assert_int_equal(stop_relay(f), 0);
	close(sp[0]);
	close(sp[1]);
	close(api.lfd);
	unlink(path);
	rmdir(dir);
}

static void test_hostfwd_add_errors(void **state)
{
	(void)state;
	assert_int_equal(pm_relay_hostfwd_add("/nonexistent/api.sock", "10.0.0.1", 1, 1), -ENOENT);
	assert_int_equal(pm_relay_hostfwd_add("/nonexistent/api.sock", "bad", 1, 1), -EINVAL);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bulk_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_client_half_closes_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_half_closes_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_target_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track, setup, teardown),
		cmocka_unit_test(test_hostfwd_request),
		cmocka_unit_test(test_parse_newaddr),
		cmocka_unit_test(test_hostfwd_add_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
