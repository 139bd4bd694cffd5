/* udp-relay.c: the UDP half of pm's port relay (see udp-relay.h).
 * Owns: reading the datagrams of the UDP host sockets pm bound (host netns), a flow per
 * client address (listener, address, port): a UDP socket made in the current (container)
 * netns and connected to 127.0.0.1:CTRPORT, whose replies are sent back to the client from
 * the host socket; the flows' idle timeout (one timerfd, armed for the least recently used
 * flow) and their cap (the least recently used one goes).
 * Must not: use anything but libc (linked into the static pm-monitor), print, or block:
 * a datagram that cannot be sent now is dropped, as the network would. Called by relay.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "netslirp/udp-relay.h"

#define NBUCKETS   1024
#define MAX_EVENTS 64
#define BURST	   64 /* datagrams per socket and wakeup, then the others get their turn */

enum ukind { U_LISTENER, U_FLOW, U_TIMER };

struct utag {
	enum ukind kind;
};

struct ulistener {
	enum ukind kind; /* U_LISTENER */
	int fd;
	uint16_t ctr_port;
	struct ulistener *next;
};

struct flow {
	enum ukind kind; /* U_FLOW */
	int fd;
	struct ulistener *l;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	uint64_t last_ms;
	bool dead;
	struct flow *hnext;	  /* hash chain; the dead list once dead */
	struct flow *prev, *next; /* least recently used first */
};

struct pm_udp_relay {
	int ep, tfd;
	unsigned idle_ms;
	bool timer_armed;
	struct utag timer_tag;
	struct ulistener *ls;
	struct flow *buckets[NBUCKETS];
	struct flow *head, *tail;
	struct flow *dead; /* closed in this batch, freed after it (events may still name them) */
	size_t nflows;
	unsigned char buf[65536];
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- flows by client address ---------------------------------------------------------- */

/* The address bytes and port of a peer (IPv4 or IPv6), for hashing and comparing. */
static size_t peer_key(const struct sockaddr_storage *ss, const void **addr, uint16_t *port)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		*addr = &s6->sin6_addr;
		*port = s6->sin6_port;
		return sizeof(s6->sin6_addr);
	}
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
	*addr = &s4->sin_addr;
	*port = s4->sin_port;
	return sizeof(s4->sin_addr);
}

static size_t bucket_of(const struct ulistener *l, const struct sockaddr_storage *ss)
{
	const void *a;
	uint16_t port;
	size_t n = peer_key(ss, &a, &port);
	uint32_t h = 2166136261u ^ (uint32_t)l->fd;
	const unsigned char *p = a;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	h = (h ^ port) * 16777619u;
	return h % NBUCKETS;
}

static bool same_peer(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	const void *x, *y;
	uint16_t px, py;
	if (a->ss_family != b->ss_family)
		return false;
	size_t n = peer_key(a, &x, &px);
	peer_key(b, &y, &py);
	return px == py && memcmp(x, y, n) == 0;
}

static struct flow *flow_find(struct pm_udp_relay *u, const struct ulistener *l,
			      const struct sockaddr_storage *ss)
{
	for (struct flow *f = u->buckets[bucket_of(l, ss)]; f; f = f->hnext)
		if (f->l == l && same_peer(&f->peer, ss))
			return f;
	return NULL;
}

static void lru_unlink(struct pm_udp_relay *u, struct flow *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else
		u->head = f->next;
	if (f->next)
		f->next->prev = f->prev;
	else
		u->tail = f->prev;
	f->prev = f->next = NULL;
}

static void lru_append(struct pm_udp_relay *u, struct flow *f)
{
	f->prev = u->tail;
	f->next = NULL;
	if (u->tail)
		u->tail->next = f;
	else
		u->head = f;
	u->tail = f;
}

static void flow_touch(struct pm_udp_relay *u, struct flow *f)
{
	f->last_ms = now_ms();
	if (u->tail != f) {
		lru_unlink(u, f);
		lru_append(u, f);
	}
}

/* Close f; freed after the current event batch, which may still name it. */
static void flow_kill(struct pm_udp_relay *u, struct flow *f)
{
	for (struct flow **pf = &u->buckets[bucket_of(f->l, &f->peer)]; *pf; pf = &(*pf)->hnext)
		if (*pf == f) {
			*pf = f->hnext;
			break;
		}
	lru_unlink(u, f);
	close(f->fd); /* leaves the epoll set with it */
	f->fd = -1;
	f->dead = true;
	u->nflows--;
	f->hnext = u->dead;
	u->dead = f;
}

static void free_dead(struct pm_udp_relay *u)
{
	while (u->dead) {
		struct flow *f = u->dead;
		u->dead = f->hnext;
		free(f);
	}
}

/* Arm the timer for the least recently used flow's end, when it is not armed. */
static void timer_arm(struct pm_udp_relay *u)
{
	if (u->timer_armed || !u->head)
		return;
	uint64_t at = u->head->last_ms + u->idle_ms;
	struct itimerspec its = {.it_value = {.tv_sec = (time_t)(at / 1000),
					      .tv_nsec = (long)(at % 1000) * 1000000}};
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1; /* zero would disarm it */
	if (timerfd_settime(u->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
		u->timer_armed = true;
}

static void timer_event(struct pm_udp_relay *u)
{
	uint64_t ticks;
	while (read(u->tfd, &ticks, sizeof(ticks)) < 0 && errno == EINTR)
		;
	u->timer_armed = false;
	uint64_t now = now_ms();
	while (u->head && u->head->last_ms + u->idle_ms <= now)
		flow_kill(u, u->head);
	timer_arm(u);
}

/* The flow for a new client: a socket connected to 127.0.0.1:CTRPORT in this netns. */
static struct flow *flow_new(struct pm_udp_relay *u, struct ulistener *l,
			     const struct sockaddr_storage *ss, socklen_t len)
{
	if (u->nflows >= PM_UDP_MAX_FLOWS)
		flow_kill(u, u->head);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && u->head) {
		flow_kill(u, u->head); /* out of fds: the oldest client makes room */
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	}
	if (fd < 0)
		return NULL;
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_port = htons(l->ctr_port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct flow *f = calloc(1, sizeof(*f));
	if (!f || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		free(f);
		close(fd);
		return NULL;
	}
	*f = (struct flow){.kind = U_FLOW, .fd = fd, .l = l, .peer_len = len};
	memcpy(&f->peer, ss, len < sizeof(f->peer) ? len : sizeof(f->peer));
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = f};
	if (epoll_ctl(u->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		free(f);
		return NULL;
	}
	size_t b = bucket_of(l, ss);
	f->hnext = u->buckets[b];
	u->buckets[b] = f;
	f->last_ms = now_ms();
	lru_append(u, f);
	u->nflows++;
	timer_arm(u);
	return f;
}

/* ---- datagrams -------------------------------------------------------------------------- */

/* Client -> container. */
static void listener_event(struct pm_udp_relay *u, struct ulistener *l)
{
	for (int i = 0; i < BURST; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		ssize_t n =
			recvfrom(l->fd, u->buf, sizeof(u->buf), 0, (struct sockaddr *)&ss, &len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN; or an error queued on the socket, now consumed */
		}
		if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
			continue;
		struct flow *f = flow_find(u, l, &ss);
		if (!f && !(f = flow_new(u, l, &ss, len)))
			continue; /* dropped */
		flow_touch(u, f);
		/* a refusal (ICMP) of an earlier datagram is reported by this send, which then
		 * did not go: once more */
		if (send(f->fd, u->buf, (size_t)n, 0) < 0 && errno == ECONNREFUSED)
			(void)send(f->fd, u->buf, (size_t)n, 0);
	}
}

/* Container -> client. */
static void flow_event(struct pm_udp_relay *u, struct flow *f)
{
	for (int i = 0; i < BURST; i++) {
		if (f->dead)
			return;
		ssize_t n = recv(f->fd, u->buf, sizeof(u->buf), 0);
		if (n < 0) {
			if (errno == EINTR || errno == ECONNREFUSED)
				continue; /* nobody listens there (yet): the error is consumed */
			return;
		}
		flow_touch(u, f);
		(void)sendto(f->l->fd, u->buf, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&f->peer,
			     f->peer_len);
	}
}

void pm_udp_relay_dispatch(struct pm_udp_relay *u)
{
	struct epoll_event evs[MAX_EVENTS];
	int n = epoll_wait(u->ep, evs, MAX_EVENTS, 0);
	bool timer = false;
	for (int i = 0; i < n; i++) {
		struct utag *t = evs[i].data.ptr;
		if (t->kind == U_TIMER)
			timer = true;
		else if (t->kind == U_LISTENER)
			listener_event(u, (struct ulistener *)t);
		else
			flow_event(u, (struct flow *)t);
	}
	if (timer)
		timer_event(u);
	free_dead(u);
}

/* ---- life ------------------------------------------------------------------------------- */

int pm_udp_relay_new(unsigned idle_ms, struct pm_udp_relay **ret)
{
	*ret = NULL;
	struct pm_udp_relay *u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->ep = u->tfd = -1;
	u->idle_ms = idle_ms ? idle_ms : PM_UDP_IDLE_MS;
	u->ep = epoll_create1(EPOLL_CLOEXEC);
	u->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	u->timer_tag.kind = U_TIMER;
	struct epoll_event tev = {.events = EPOLLIN, .data.ptr = &u->timer_tag};
	if (u->ep < 0 || u->tfd < 0 || epoll_ctl(u->ep, EPOLL_CTL_ADD, u->tfd, &tev) < 0) {
		int r = -errno;
		pm_udp_relay_free(u);
		return r;
	}
	*ret = u;
	return 0;
}

int pm_udp_relay_add(struct pm_udp_relay *u, int fd, uint16_t ctr_port)
{
	/* the listeners' addresses are in the flows and the epoll set: allocated one by one */
	struct ulistener *ul = calloc(1, sizeof(*ul));
	if (!ul)
		return -ENOMEM;
	*ul = (struct ulistener){.kind = U_LISTENER, .fd = fd, .ctr_port = ctr_port};
	int fl = fcntl(fd, F_GETFL);
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ul};
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    epoll_ctl(u->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int r = -errno;
		free(ul);
		return r;
	}
	ul->next = u->ls;
	u->ls = ul;
	return 0;
}

int pm_udp_relay_fd(const struct pm_udp_relay *u)
{
	return u->ep;
}

size_t pm_udp_relay_flows(const struct pm_udp_relay *u)
{
	return u ? u->nflows : 0;
}

void pm_udp_relay_free(struct pm_udp_relay *u)
{
	if (!u)
		return;
	while (u->head)
		flow_kill(u, u->head);
	free_dead(u);
	closep(&u->tfd);
	closep(&u->ep);
	while (u->ls) {
		struct ulistener *l = u->ls;
		u->ls = l->next;
		free(l);
	}
	free(u);
}
