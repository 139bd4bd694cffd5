/* relay.c: the loopback port relay behind `pm-monitor port-relay` (pasta's "spliced" path).
 * Owns: accepting on the loopback listeners pm bound in the host netns, one TCP connection
 * per client to 127.0.0.1:CTRPORT in the container's netns, the splice pump between the two
 * (one pipe per direction, exact half-close, reset propagation), and the slirp4netns
 * add_hostfwd requests for IPv4 host addresses that appear later (rtnetlink); UDP listeners
 * are handed to udp-relay.c, whose epoll fd is polled in this loop.
 * Must not: use anything but libc (it is linked into the static pm-monitor: no jansson, no
 * pm_error), print, or block on one connection. Called by monitor/port-relay.c; unit-tested
 * by tests/unit/test-relay.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "netslirp/relay.h"
#include "netslirp/udp-relay.h"

#define PIPE_SIZE    (256 * 1024)
#define MAX_EVENTS   64
#define ACCEPT_BURST 64
#define PUMP_ROUNDS  8 /* per wakeup and direction, then the connection waits its turn */
#define API_TIMEOUT  1 /* seconds, slirp4netns API request */
#define NL_BUF_SIZE  (64 * 1024)
#define NL_MAX_ADDRS 256

enum kind { K_LISTENER, K_EXIT, K_NETLINK, K_SIDE, K_UDP };

/* Every epoll registration points at one of these; kind is always the first member. */
struct tag {
	enum kind kind;
};

struct conn;

struct side {
	enum kind kind; /* K_SIDE */
	struct conn *c;
	int fd;
	int idx;
};

/* Direction d moves bytes from s[d] through pipe[d] to s[!d]. s[0]: the client (host netns),
 * s[1]: the container's server. */
struct conn {
	struct side s[2];
	int pipe[2][2]; /* [d][0] read end, [d][1] write end */
	size_t cap[2];	/* pipe capacity in bytes */
	size_t inpipe[2];
	bool eof[2];  /* read EOF from s[d] */
	bool shut[2]; /* direction d done: its pipe drained and shutdown(s[!d], SHUT_WR) */
	bool connecting;
	bool dead;
	bool queued;	     /* on relay.again: cut short by PUMP_ROUNDS */
	unsigned again_mask; /* directions to pump again */
	struct conn *prev, *next;
	struct conn *next_again, *next_dead;
};

struct listener {
	enum kind kind; /* K_LISTENER */
	int fd;
	uint16_t ctr_port;
};

struct relay {
	int ep;
	int reserve_fd; /* spent to shed a client when out of fds */
	struct conn *conns;
	struct conn *again;
	struct conn *dead;
	struct tag exit_tag, nl_tag, udp_tag;
	struct pm_udp_relay *udp; /* the UDP listeners' flows, NULL: none */
	/* tracking */
	const struct pm_relay_track *track;
	int nl_fd;
	char *nl_buf;
	struct in_addr *known;
	size_t nknown, known_cap;
};

int pm_relay_hostfwd_request(char *buf, size_t len, const char *addr, uint16_t host_port,
			     uint16_t ctr_port)
{
	struct in_addr a;
	/* inet_pton takes strict dotted quads only: nothing in addr needs JSON escaping */
	if (!buf || !addr || inet_pton(AF_INET, addr, &a) != 1)
		return -EINVAL;
	int n = snprintf(buf, len,
			 "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"tcp\","
			 "\"host_addr\":\"%s\",\"host_port\":%u,\"guest_port\":%u}}",
			 addr, (unsigned)host_port, (unsigned)ctr_port);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= len)
		return -ENOBUFS;
	return n;
}

int pm_relay_hostfwd_add(const char *path, const char *addr, uint16_t host_port, uint16_t ctr_port)
{
	char req[256];
	int n = pm_relay_hostfwd_request(req, sizeof(req), addr, host_port, ctr_port);
	if (n < 0)
		return n;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct timeval tv = {.tv_sec = API_TIMEOUT};
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (int off = 0; off < n;) {
		ssize_t w = send(fd, req + off, (size_t)(n - off), MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		off += (int)w;
	}
	/* one JSON object, then slirp4netns closes */
	char reply[4096];
	size_t got = 0;
	while (got < sizeof(reply) - 1) {
		ssize_t r = read(fd, reply + got, sizeof(reply) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	reply[got] = '\0';
	return strstr(reply, "\"return\"") ? 0 : -EPROTO;
}

size_t pm_relay_parse_newaddr(const void *buf, size_t len, struct in_addr *out, size_t max)
{
	size_t k = 0;
	int rem = len > INT_MAX ? INT_MAX : (int)len;
	for (const struct nlmsghdr *nh = buf; k < max && NLMSG_OK(nh, rem);
	     nh = NLMSG_NEXT(nh, rem)) {
		if (nh->nlmsg_type == NLMSG_DONE)
			break;
		if (nh->nlmsg_type != RTM_NEWADDR ||
		    nh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
			continue;
		const struct ifaddrmsg *ifa = NLMSG_DATA(nh);
		if (ifa->ifa_family != AF_INET)
			continue;
		const void *local = NULL, *address = NULL;
		int alen = IFA_PAYLOAD(nh);
		for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, alen);
		     rta = RTA_NEXT(rta, alen)) {
			if (RTA_PAYLOAD(rta) < sizeof(struct in_addr))
				continue;
			if (rta->rta_type == IFA_LOCAL)
				local = RTA_DATA(rta);
			else if (rta->rta_type == IFA_ADDRESS)
				address = RTA_DATA(rta);
		}
		const void *p = local ? local : address;
		if (!p)
			continue;
		struct in_addr a;
		memcpy(&a, p, sizeof(a));
		uint32_t h = ntohl(a.s_addr);
		if ((h >> 24) == 127 || h == 0)
			continue;
		out[k++] = a;
	}
	return k;
}

/* ---- connections ------------------------------------------------------------------------ */

static void close_fd(int *fd, bool reset)
{
	if (*fd < 0)
		return;
	if (reset) {
		struct linger lg = {.l_onoff = 1, .l_linger = 0};
		setsockopt(*fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(*fd);
	*fd = -1;
}

/* Close both sides (reset: with RST) and the pipes; freed after the current event batch,
 * which may still name it. */
static void conn_kill(struct relay *r, struct conn *c, bool reset)
{
	if (c->dead)
		return;
	c->dead = true;
	for (int i = 0; i < 2; i++) {
		close_fd(&c->s[i].fd, reset);
		close_fd(&c->pipe[i][0], false);
		close_fd(&c->pipe[i][1], false);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		r->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	c->next_dead = r->dead;
	r->dead = c;
}

static int sock_error(int fd)
{
	int e = 0;
	socklen_t l = sizeof(e);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) < 0)
		return errno;
	return e;
}

/* Move what can move in direction d: 1 progress, 0 blocked or done, -1 error. */
static int pump_dir(struct conn *c, int d)
{
	int progress = 0;
	ssize_t n;
	if (!c->eof[d] && c->inpipe[d] < c->cap[d]) {
		n = splice(c->s[d].fd, NULL, c->pipe[d][1], NULL, c->cap[d] - c->inpipe[d],
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			c->inpipe[d] += (size_t)n;
			progress = 1;
		} else if (n == 0) {
			c->eof[d] = true;
			progress = 1;
		} else if (errno != EAGAIN && errno != EINTR) {
			return -1;
		}
		/* EAGAIN: the socket is empty or the pipe is out of slots; a drain below or
		 * the next EPOLLOUT of the other side retries */
	}
	if (c->inpipe[d] > 0) {
		n = splice(c->pipe[d][0], NULL, c->s[!d].fd, NULL, c->inpipe[d],
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			c->inpipe[d] -= (size_t)n;
			progress = 1;
		} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
			return -1;
		}
	}
	if (c->eof[d] && c->inpipe[d] == 0 && !c->shut[d]) {
		if (shutdown(c->s[!d].fd, SHUT_WR) < 0)
			return -1;
		c->shut[d] = true;
	}
	return progress;
}

/* Pump the directions in mask (bit d: direction d) until they block; a connection that
 * keeps moving after PUMP_ROUNDS goes on the again list, so none starves the others. */
static void conn_pump(struct relay *r, struct conn *c, unsigned mask)
{
	if (c->dead || c->connecting)
		return;
	for (int round = 0; mask; round++) {
		if (round == PUMP_ROUNDS) {
			c->again_mask |= mask;
			if (!c->queued) {
				c->queued = true;
				c->next_again = r->again;
				r->again = c;
			}
			return;
		}
		for (int d = 0; d < 2; d++) {
			if (!(mask & (1u << d)))
				continue;
			int p = pump_dir(c, d);
			if (p < 0) {
				conn_kill(r, c, true);
				return;
			}
			if (p == 0)
				mask &= ~(1u << d);
		}
		if (c->shut[0] && c->shut[1]) {
			conn_kill(r, c, false);
			return;
		}
	}
}

static void conn_connected(struct relay *r, struct conn *c, uint32_t ev)
{
	if (sock_error(c->s[1].fd) != 0 || (ev & EPOLLHUP)) {
		conn_kill(r, c, true);
		return;
	}
	c->connecting = false;
	conn_pump(r, c, 3);
}

static void side_event(struct relay *r, struct side *s, uint32_t ev)
{
	struct conn *c = s->c;
	if (c->dead)
		return;
	if (c->connecting) {
		if (s->idx == 1 && (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			conn_connected(r, c, ev);
		/* a client's early bytes wait in its socket: pumped once connected */
		return;
	}
	if ((ev & EPOLLERR) && sock_error(s->fd) != 0) {
		conn_kill(r, c, true);
		return;
	}
	unsigned mask = 0;
	if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		mask |= 1u << s->idx; /* s is a source */
	if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
		mask |= 1u << !s->idx; /* s is a destination */
	conn_pump(r, c, mask);
}

static int make_pipe(int p[2], size_t *cap)
{
	if (pipe2(p, O_NONBLOCK | O_CLOEXEC) < 0)
		return -errno;
	int sz = fcntl(p[1], F_SETPIPE_SZ, PIPE_SIZE); /* best effort: per-user pipe limits */
	if (sz < 0)
		sz = fcntl(p[1], F_GETPIPE_SZ);
	*cap = sz > 0 ? (size_t)sz : 65536;
	return 0;
}

static void conn_new(struct relay *r, int cfd, uint16_t ctr_port)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close_fd(&cfd, true);
		return;
	}
	for (int i = 0; i < 2; i++) {
		c->s[i] = (struct side){.kind = K_SIDE, .c = c, .fd = -1, .idx = i};
		c->pipe[i][0] = c->pipe[i][1] = -1;
	}
	c->s[0].fd = cfd;
	c->next = r->conns;
	if (r->conns)
		r->conns->prev = c;
	r->conns = c;

	if (make_pipe(c->pipe[0], &c->cap[0]) < 0 || make_pipe(c->pipe[1], &c->cap[1]) < 0)
		goto reset;
	c->s[1].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->s[1].fd < 0)
		goto reset;
	int one = 1;
	for (int i = 0; i < 2; i++)
		setsockopt(c->s[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(ctr_port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (connect(c->s[1].fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (errno != EINPROGRESS)
			goto reset;
		c->connecting = true;
	}
	for (int i = 0; i < 2; i++) {
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
					 .data.ptr = &c->s[i]};
		if (epoll_ctl(r->ep, EPOLL_CTL_ADD, c->s[i].fd, &ev) < 0)
			goto reset;
	}
	if (!c->connecting)
		conn_pump(r, c, 3);
	return;
reset:
	conn_kill(r, c, true);
}

/* Out of fds: take the client with the reserve fd and reset it, so the backlog drains. */
static void shed_client(struct relay *r, int lfd)
{
	if (r->reserve_fd < 0)
		return;
	close_fd(&r->reserve_fd, false);
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	close_fd(&fd, true);
	r->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static void listener_event(struct relay *r, const struct listener *l)
{
	for (int i = 0; i < ACCEPT_BURST; i++) {
		int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_new(r, fd, l->ctr_port);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
			shed_client(r, l->fd);
			continue;
		}
		return; /* EAGAIN and the rest: level-triggered, we come back */
	}
}

/* ---- tracking host addresses --------------------------------------------------------------- */

static bool known_has(const struct relay *r, struct in_addr a)
{
	for (size_t i = 0; i < r->nknown; i++)
		if (r->known[i].s_addr == a.s_addr)
			return true;
	return false;
}

static void known_add(struct relay *r, struct in_addr a)
{
	if (known_has(r, a))
		return;
	if (r->nknown == r->known_cap) {
		size_t cap = r->known_cap ? r->known_cap * 2 : 8;
		struct in_addr *k = reallocarray(r->known, cap, sizeof(*k));
		if (!k)
			return;
		r->known = k;
		r->known_cap = cap;
	}
	r->known[r->nknown++] = a;
}

int pm_relay_addr_dump_request(int fd, unsigned char family, int flags)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
	} req = {
		.nh = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)),
		       .nlmsg_type = RTM_GETADDR,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		       .nlmsg_seq = 1},
		.ifa = {.ifa_family = family},
	};
	return send(fd, &req, req.nh.nlmsg_len, flags | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

static void nl_dump_request(int fd)
{
	/* failure is fine: no dump, events still come (a test hands us a socketpair) */
	(void)pm_relay_addr_dump_request(fd, AF_INET, MSG_DONTWAIT);
}

static void nl_stop(struct relay *r)
{
	epoll_ctl(r->ep, EPOLL_CTL_DEL, r->nl_fd, NULL);
	r->nl_fd = -1;
}

static void nl_event(struct relay *r)
{
	const struct pm_relay_track *t = r->track;
	for (;;) {
		ssize_t n = recv(r->nl_fd, r->nl_buf, NL_BUF_SIZE, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) { /* overrun: events lost, ask for the whole list */
				nl_dump_request(r->nl_fd);
				continue;
			}
			if (errno != EAGAIN)
				nl_stop(r);
			return;
		}
		if (n == 0) {
			nl_stop(r);
			return;
		}
		struct in_addr addrs[NL_MAX_ADDRS];
		size_t k = pm_relay_parse_newaddr(r->nl_buf, (size_t)n, addrs, NL_MAX_ADDRS);
		for (size_t i = 0; i < k; i++) {
			if (known_has(r, addrs[i]))
				continue;
			/* known even when slirp4netns says no: no retry on every event */
			known_add(r, addrs[i]);
			char s[INET_ADDRSTRLEN];
			if (!inet_ntop(AF_INET, &addrs[i], s, sizeof(s)))
				continue;
			for (size_t p = 0; p < t->nports; p++)
				(void)pm_relay_hostfwd_add(t->api_path, s, t->ports[p][0],
							   t->ports[p][1]);
		}
	}
}

static void track_init(struct relay *r, const struct pm_relay_track *t)
{
	if (!t || t->nl_fd < 0 || !t->api_path || t->nports == 0)
		return;
	r->nl_buf = malloc(NL_BUF_SIZE);
	if (!r->nl_buf)
		return;
	for (char **k = t->known; k && *k; k++) {
		struct in_addr a;
		if (inet_pton(AF_INET, *k, &a) == 1)
			known_add(r, a);
	}
	r->track = t;
	r->nl_tag.kind = K_NETLINK;
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &r->nl_tag};
	if (epoll_ctl(r->ep, EPOLL_CTL_ADD, t->nl_fd, &ev) < 0)
		return;
	r->nl_fd = t->nl_fd;
	nl_dump_request(r->nl_fd);
}

/* ---- the loop ------------------------------------------------------------------------------ */

static void free_dead(struct relay *r)
{
	/* killed after it was queued again in this batch: off the again list first */
	for (struct conn **pc = &r->again; *pc;) {
		if ((*pc)->dead)
			*pc = (*pc)->next_again;
		else
			pc = &(*pc)->next_again;
	}
	while (r->dead) {
		struct conn *c = r->dead;
		r->dead = c->next_dead;
		free(c);
	}
}

int pm_relay_run(const struct pm_relay_listener *l, size_t nl, int exit_fd,
		 const struct pm_relay_track *track)
{
	struct relay r = {.ep = -1, .reserve_fd = -1, .nl_fd = -1};
	int ret = 0;
	struct listener *ls = calloc(nl ? nl : 1, sizeof(*ls));
	if (!ls)
		return -ENOMEM;
	r.ep = epoll_create1(EPOLL_CLOEXEC);
	if (r.ep < 0) {
		ret = -errno;
		goto out;
	}
	for (size_t i = 0; i < nl; i++) {
		if (l[i].udp)
			continue; /* udp-relay.c's */
		ls[i] = (struct listener){
			.kind = K_LISTENER, .fd = l[i].fd, .ctr_port = l[i].ctr_port};
		int fl = fcntl(l[i].fd, F_GETFL);
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &ls[i]};
		if (fl < 0 || fcntl(l[i].fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
		    epoll_ctl(r.ep, EPOLL_CTL_ADD, l[i].fd, &ev) < 0) {
			ret = -errno;
			goto out;
		}
	}
	if (exit_fd >= 0) {
		r.exit_tag.kind = K_EXIT;
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &r.exit_tag};
		if (epoll_ctl(r.ep, EPOLL_CTL_ADD, exit_fd, &ev) < 0) {
			ret = -errno;
			goto out;
		}
	}
	for (size_t i = 0; i < nl; i++) {
		if (!l[i].udp)
			continue;
		if (!r.udp && (ret = pm_udp_relay_new(0, &r.udp)) < 0)
			goto out;
		if ((ret = pm_udp_relay_add(r.udp, l[i].fd, l[i].ctr_port)) < 0)
			goto out;
	}
	if (r.udp) {
		r.udp_tag.kind = K_UDP;
		struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &r.udp_tag};
		if (epoll_ctl(r.ep, EPOLL_CTL_ADD, pm_udp_relay_fd(r.udp), &ev) < 0) {
			ret = -errno;
			goto out;
		}
	}
	r.reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	track_init(&r, track);

	for (bool exiting = false; !exiting;) {
		struct epoll_event evs[MAX_EVENTS];
		int n = epoll_wait(r.ep, evs, MAX_EVENTS, r.again ? 0 : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		struct conn *again = r.again;
		r.again = NULL;
		for (int i = 0; i < n; i++) {
			struct tag *t = evs[i].data.ptr;
			switch (t->kind) {
			case K_LISTENER:
				listener_event(&r, (struct listener *)t);
				break;
			case K_EXIT:
				exiting = true;
				break;
			case K_NETLINK:
				if (r.nl_fd >= 0)
					nl_event(&r);
				break;
			case K_SIDE:
				side_event(&r, (struct side *)t, evs[i].events);
				break;
			case K_UDP:
				pm_udp_relay_dispatch(r.udp);
				break;
			}
		}
		while (again) {
			struct conn *c = again;
			again = c->next_again;
			unsigned mask = c->again_mask;
			c->queued = false;
			c->again_mask = 0;
			conn_pump(&r, c, mask);
		}
		free_dead(&r);
	}
out:
	while (r.conns)
		conn_kill(&r, r.conns, false);
	free_dead(&r);
	pm_udp_relay_free(r.udp);
	close_fd(&r.reserve_fd, false);
	close_fd(&r.ep, false);
	free(r.known);
	free(r.nl_buf);
	free(ls);
	return ret;
}
