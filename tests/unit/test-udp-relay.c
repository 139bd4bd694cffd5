/* test-udp-relay.c: unit tests for netslirp/udp-relay: a listener and a target server on
 * 127.0.0.1 (same netns), driven in one thread (poll the relay's fd, dispatch): two clients
 * get a flow each and their own replies, one client keeps its flow, an idle flow is closed
 * and a later datagram makes a new one, a target that refused at first is reached once it
 * listens, free closing the flows (not the listener). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netslirp/udp-relay.h"

struct fixture {
	struct pm_udp_relay *u;
	int lfd;	/* the published socket */
	uint16_t lport; /* its port */
	int srv;	/* the container's server */
	uint16_t sport; /* its port */
	int cli[3];	/* clients */
};

static int udp_socket(uint16_t port, uint16_t *ret_port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(sin);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &l), 0);
	struct timeval tv = {.tv_sec = 2};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (ret_port)
		*ret_port = ntohs(sin.sin_port);
	return fd;
}

/* Run the relay for ms milliseconds (or until it has nothing to do for 50 ms). */
static void pump(struct pm_udp_relay *u, int ms)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {.fd = pm_udp_relay_fd(u), .events = POLLIN};
		if (poll(&p, 1, 50) > 0)
			pm_udp_relay_dispatch(u);
		else if (ms <= 50)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 >= ms)
			return;
	}
}

static void send_to(int fd, uint16_t port, const char *msg)
{
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sin, sizeof(sin)),
			 (ssize_t)strlen(msg));
}

/* One datagram on fd: its text into buf, the sender's port returned. */
static uint16_t recv_one(int fd, char *buf, size_t len)
{
	struct sockaddr_in from;
	socklen_t l = sizeof(from);
	ssize_t n = recvfrom(fd, buf, len - 1, 0, (struct sockaddr *)&from, &l);
	assert_true(n >= 0);
	buf[n] = '\0';
	return ntohs(from.sin_port);
}

/* The server echoes one datagram back to its sender; returns the sender's port. */
static uint16_t echo_one(int srv, char *buf, size_t len)
{
	struct sockaddr_in from;
	socklen_t l = sizeof(from);
	ssize_t n = recvfrom(srv, buf, len - 1, 0, (struct sockaddr *)&from, &l);
	assert_true(n >= 0);
	buf[n] = '\0';
	assert_int_equal(sendto(srv, buf, (size_t)n, 0, (struct sockaddr *)&from, l), n);
	return ntohs(from.sin_port);
}

static int setup_idle(void **state, unsigned idle_ms)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->lfd = udp_socket(0, &f->lport);
	f->srv = udp_socket(0, &f->sport);
	for (int i = 0; i < 3; i++)
		f->cli[i] = udp_socket(0, NULL);
	assert_int_equal(pm_udp_relay_new(idle_ms, &f->u), 0);
	assert_int_equal(pm_udp_relay_add(f->u, f->lfd, f->sport), 0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_idle(state, 0);
}

static int setup_short(void **state)
{
	return setup_idle(state, 150);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	pm_udp_relay_free(f->u);
	close(f->lfd);
	if (f->srv >= 0)
		close(f->srv);
	for (int i = 0; i < 3; i++)
		close(f->cli[i]);
	free(f);
	return 0;
}

static void test_two_clients(void **state)
{
	struct fixture *f = *state;
	char buf[256];
	send_to(f->cli[0], f->lport, "from-a");
	send_to(f->cli[1], f->lport, "from-b");
	pump(f->u, 50);
	assert_int_equal(pm_udp_relay_flows(f->u), 2);
	uint16_t p1 = echo_one(f->srv, buf, sizeof(buf));
	uint16_t p2 = echo_one(f->srv, buf, sizeof(buf));
	assert_int_not_equal(p1, p2); /* a socket each */
	pump(f->u, 50);
	/* each its own reply, from the published port */
	assert_int_equal(recv_one(f->cli[0], buf, sizeof(buf)), f->lport);
	assert_string_equal(buf, "from-a");
	assert_int_equal(recv_one(f->cli[1], buf, sizeof(buf)), f->lport);
	assert_string_equal(buf, "from-b");
}

static void test_flow_kept(void **state)
{
	struct fixture *f = *state;
	char buf[256];
	uint16_t first = 0;
	for (int i = 0; i < 5; i++) {
		send_to(f->cli[0], f->lport, "again");
		pump(f->u, 50);
		uint16_t p = echo_one(f->srv, buf, sizeof(buf));
		if (i == 0)
			first = p;
		assert_int_equal(p, first);
		pump(f->u, 50);
		recv_one(f->cli[0], buf, sizeof(buf));
		assert_string_equal(buf, "again");
	}
	assert_int_equal(pm_udp_relay_flows(f->u), 1);
}

static void test_idle_closed(void **state)
{
	struct fixture *f = *state;
	char buf[256];
	send_to(f->cli[0], f->lport, "one");
	pump(f->u, 50);
	echo_one(f->srv, buf, sizeof(buf));
	assert_int_equal(pm_udp_relay_flows(f->u), 1);
	pump(f->u, 400); /* idle 150 ms */
	assert_int_equal(pm_udp_relay_flows(f->u), 0);
	recv_one(f->cli[0], buf, sizeof(buf)); /* the reply came before the flow ended */
	assert_string_equal(buf, "one");
	send_to(f->cli[0], f->lport, "two");
	pump(f->u, 50);
	assert_int_equal(pm_udp_relay_flows(f->u), 1);
	echo_one(f->srv, buf, sizeof(buf)); /* through the new flow */
	assert_string_equal(buf, "two");
	pump(f->u, 50);
	recv_one(f->cli[0], buf, sizeof(buf));
	assert_string_equal(buf, "two");
}

static void test_refused_then_listening(void **state)
{
	struct fixture *f = *state;
	char buf[256];
	/* nobody on the target port: the flow's socket gets the ICMP refusal */
	close(f->srv);
	f->srv = -1;
	send_to(f->cli[0], f->lport, "lost");
	pump(f->u, 100);
	assert_int_equal(pm_udp_relay_flows(f->u), 1);
	/* the server comes up: the same flow reaches it */
	f->srv = udp_socket(f->sport, NULL);
	send_to(f->cli[0], f->lport, "found");
	pump(f->u, 50);
	echo_one(f->srv, buf, sizeof(buf));
	assert_string_equal(buf, "found");
	pump(f->u, 50);
	recv_one(f->cli[0], buf, sizeof(buf));
	assert_string_equal(buf, "found");
}

static void test_free_closes_flows(void **state)
{
	struct fixture *f = *state;
	char buf[256];
	send_to(f->cli[0], f->lport, "x");
	pump(f->u, 50);
	uint16_t p = echo_one(f->srv, buf, sizeof(buf));
	pm_udp_relay_free(f->u);
	f->u = NULL;
	/* the flow's port is free again; the listener is still the caller's */
	int fd = udp_socket(p, NULL);
	close(fd);
	assert_int_equal(fcntl(f->lfd, F_GETFD) >= 0, 1);
	assert_int_equal(pm_udp_relay_new(0, &f->u), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_clients, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_closed, setup_short, teardown),
		cmocka_unit_test_setup_teardown(test_refused_then_listening, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_closes_flows, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
