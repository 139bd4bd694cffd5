/* port-relay.c: `pm-monitor port-relay`, the process behind pm's loopback port publishing.
 * pm (netslirp/slirp.c) binds 127.0.0.1:HOSTPORT / [::1]:HOSTPORT in the host netns and execs
 * this with the listeners, the container's netns and its exit and ready fds by number; we open
 * the rtnetlink socket for new host addresses while still in the host netns, enter the
 * container's netns, say ready and serve (netslirp/relay.c) until the exit fd hangs up.
 * Must not: print, but for one line on stderr (the helper log, which pm quotes) when it
 * cannot start; link anything but libc, or die with its parent (the exit fd is its lifetime).
 * Internal: the arguments are not an interface.
 *
 *   pm-monitor port-relay --exit-fd N --ready-fd N --netns-fd N [--api PATH]
 *              [--known A.B.C.D]... [--track HOSTPORT:CTRPORT]... --listen FD:CTRPORT...
 *              [--listen-udp FD:CTRPORT]...
 *
 * --listen-udp: a bound UDP socket (a user-defined network's published UDP port), served a
 * flow per client (netslirp/udp-relay.c).
 *
 * Exit status: 125 on bad arguments or when the netns cannot be entered (nothing written to
 * the ready fd), 1 when the relay cannot start after ready, 0 when the exit fd ended it. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor/port-relay.h"
#include "netslirp/relay.h"

/* listeners, tracked ports, known addresses: a port range publishes one of each per port */
#define MAX_ITEMS (4 * 65536)

struct relay_args {
	int exit_fd, ready_fd, netns_fd;
	const char *api;
	struct pm_relay_listener *listen;
	size_t nlisten;
	uint16_t (*track)[2];
	size_t ntrack;
	char **known; /* NULL-terminated */
	size_t nknown;
};

/* Room for one more element in *v (n used). */
static int grow(void *v, size_t n, size_t size)
{
	void **pv = v;
	if (n >= MAX_ITEMS)
		return -1;
	if (n & (n - 1) && n > 8)
		return 0; /* capacity is the next power of two, at least 16 */
	size_t cap = n < 8 ? 16 : n * 2;
	void *p = reallocarray(*pv, cap, size);
	if (!p)
		return -1;
	*pv = p;
	return 0;
}

static int parse_uint(const char *s, long max)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || !end || end == s || *end || v < 0 || v > max ? -1 : (int)v;
}

/* "A:B" -> two numbers; a <= amax, 1 <= b <= 65535 */
static int parse_pair(char *s, long amax, int *a, int *b)
{
	char *colon = strchr(s, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	*a = parse_uint(s, amax);
	*b = parse_uint(colon + 1, UINT16_MAX);
	*colon = ':';
	return *a < 0 || *b <= 0 ? -1 : 0;
}

static int parse_relay_args(int argc, char **argv, struct relay_args *a)
{
	enum { EXIT_FD = 1, READY_FD, NETNS_FD, API, KNOWN, TRACK, LISTEN, LISTEN_UDP };
	static const struct option opts[] = {
		{"exit-fd", required_argument, NULL, EXIT_FD},
		{"ready-fd", required_argument, NULL, READY_FD},
		{"netns-fd", required_argument, NULL, NETNS_FD},
		{"api", required_argument, NULL, API},
		{"known", required_argument, NULL, KNOWN},
		{"track", required_argument, NULL, TRACK},
		{"listen", required_argument, NULL, LISTEN},
		{"listen-udp", required_argument, NULL, LISTEN_UDP},
		{NULL, 0, NULL, 0},
	};
	int c, x, y;
	struct in_addr ia;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case EXIT_FD:
			a->exit_fd = parse_uint(optarg, INT_MAX);
			break;
		case READY_FD:
			a->ready_fd = parse_uint(optarg, INT_MAX);
			break;
		case NETNS_FD:
			a->netns_fd = parse_uint(optarg, INT_MAX);
			break;
		case API:
			a->api = optarg;
			break;
		case KNOWN:
			if (inet_pton(AF_INET, optarg, &ia) != 1 ||
			    grow(&a->known, a->nknown + 1, sizeof(*a->known)) < 0)
				return -1;
			a->known[a->nknown++] = optarg;
			a->known[a->nknown] = NULL;
			break;
		case TRACK:
			if (parse_pair(optarg, UINT16_MAX, &x, &y) < 0 || x == 0 ||
			    grow(&a->track, a->ntrack, sizeof(*a->track)) < 0)
				return -1;
			a->track[a->ntrack][0] = (uint16_t)x;
			a->track[a->ntrack++][1] = (uint16_t)y;
			break;
		case LISTEN:
		case LISTEN_UDP:
			if (parse_pair(optarg, INT_MAX, &x, &y) < 0 ||
			    grow(&a->listen, a->nlisten, sizeof(*a->listen)) < 0)
				return -1;
			a->listen[a->nlisten++] = (struct pm_relay_listener){
				.fd = x, .ctr_port = (uint16_t)y, .udp = c == LISTEN_UDP};
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || a->exit_fd < 0 || a->ready_fd < 0 || a->netns_fd < 0 ||
	    a->nlisten == 0)
		return -1;
	return 0;
}

/* NETLINK_ROUTE socket for IPv4 address events, in the current (host) netns; -1 if none. */
static int open_netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV4_IFADDR};
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void relay_args_free(struct relay_args *a)
{
	free(a->listen);
	free(a->track);
	free(a->known);
}

static int serve(struct relay_args *a);

int pm_monitor_port_relay(int argc, char **argv)
{
	struct relay_args a = {.exit_fd = -1, .ready_fd = -1, .netns_fd = -1};
	int status = 125;
	if (parse_relay_args(argc, argv, &a) < 0)
		dprintf(STDERR_FILENO, "pm-port-relay: bad arguments\n");
	else
		status = serve(&a);
	relay_args_free(&a);
	return status;
}

static int serve(struct relay_args *a)
{
	prctl(PR_SET_NAME, "pm-port-relay", 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* six fds per connection (two sockets, two pipes), one per UDP client */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	struct pm_relay_track track = {
		.api_path = a->api,
		.ports = (const uint16_t(*)[2])a->track,
		.nports = a->ntrack,
		.nl_fd = a->api && a->ntrack ? open_netlink() : -1,
		.known = a->known,
	};
	if (setns(a->netns_fd, CLONE_NEWNET) < 0) {
		dprintf(STDERR_FILENO,
			"pm-port-relay: entering the container's network namespace: %s\n",
			strerror(errno));
		if (track.nl_fd >= 0)
			close(track.nl_fd);
		return 125;
	}
	close(a->netns_fd);
	char one = 1;
	while (write(a->ready_fd, &one, 1) < 0 && errno == EINTR)
		;
	close(a->ready_fd);

	int r = pm_relay_run(a->listen, a->nlisten, a->exit_fd, &track);
	if (track.nl_fd >= 0)
		close(track.nl_fd);
	return r < 0 ? 1 : 0;
}
