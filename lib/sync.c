/* sync.c: typed messages over a SOCK_SEQPACKET socketpair (header + payload in one datagram,
 * fds by SCM_RIGHTS). Owns the wire format and its validation. Must not print, must not
 * block except in recv. Called by the monitor, the runtime child, rootless and pods. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "lib/sync.h"

/* The wire header; the payload follows in the same datagram. */
struct sync_hdr {
	uint32_t type;
	int32_t err;
	int32_t status;
	uint32_t len;
};

int pm_sync_pair(int fds[2], pm_error **err)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return pm_error_set_errno(err, errno, "creating sync socket pair");
	return 0;
}

static int send_msg(int fd, const struct sync_hdr *h, const void *payload, const int *fds,
		    size_t nfds)
{
	if (h->len > PM_SYNC_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (nfds > PM_SYNC_MAX_FDS || (nfds && !fds))
		return -EINVAL;
	struct iovec iov[2] = {
		{.iov_base = (void *)h, .iov_len = sizeof(*h)},
		{.iov_base = (void *)payload, .iov_len = h->len},
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * PM_SYNC_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof(ctl));
	struct msghdr mh = {
		.msg_iov = iov,
		.msg_iovlen = h->len ? 2 : 1,
	};
	if (nfds) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	for (;;) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n >= 0)
			return (size_t)n == sizeof(*h) + h->len ? 0 : -EIO;
		if (errno != EINTR)
			return -errno;
	}
}

int pm_sync_send(int fd, uint32_t type, const void *payload, size_t len, const int *fds,
		 size_t nfds)
{
	if (len > PM_SYNC_MAX_PAYLOAD)
		return -EMSGSIZE;
	struct sync_hdr h = {.type = type, .len = (uint32_t)len};
	return send_msg(fd, &h, payload, fds, nfds);
}

int pm_sync_send_error(int fd, int err, int status, const char *fmt, ...)
{
	char buf[PM_SYNC_MAX_PAYLOAD + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	size_t len = (size_t)n > PM_SYNC_MAX_PAYLOAD ? PM_SYNC_MAX_PAYLOAD : (size_t)n;
	struct sync_hdr h = {
		.type = PM_SYNC_ERROR,
		.err = err > 0 ? err : EIO,
		.status = status,
		.len = (uint32_t)len,
	};
	return send_msg(fd, &h, buf, NULL, 0);
}

static void close_fds(struct pm_sync_msg *msg)
{
	for (size_t i = 0; i < msg->nfds; i++)
		if (msg->fds[i] >= 0)
			close(msg->fds[i]);
	msg->nfds = 0;
	for (size_t i = 0; i < PM_SYNC_MAX_FDS; i++)
		msg->fds[i] = -1;
}

int pm_sync_recv(int fd, struct pm_sync_msg *msg)
{
	struct sync_hdr h;
	memset(msg, 0, sizeof(*msg));
	for (size_t i = 0; i < PM_SYNC_MAX_FDS; i++)
		msg->fds[i] = -1;
	/* One byte more than the largest valid payload, so an oversize datagram shows. */
	struct iovec iov[2] = {
		{.iov_base = &h, .iov_len = sizeof(h)},
		{.iov_base = msg->payload, .iov_len = sizeof(msg->payload)},
	};
	union {
		char buf[CMSG_SPACE(sizeof(int) * PM_SYNC_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = {
		.msg_iov = iov,
		.msg_iovlen = 2,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;
	for (;;) {
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n >= 0)
			break;
		if (errno != EINTR)
			return -errno;
	}

	/* Take ownership of every fd first, so all error paths below close them. */
	bool bad_cmsg = false;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			bad_cmsg = true;
			continue;
		}
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *in = (int *)(void *)CMSG_DATA(c);
		for (size_t i = 0; i < k; i++) {
			int f;
			memcpy(&f, in + i, sizeof(f));
			if (msg->nfds < PM_SYNC_MAX_FDS)
				msg->fds[msg->nfds++] = f;
			else {
				close(f);
				bad_cmsg = true;
			}
		}
	}

	if (n == 0 && msg->nfds == 0)
		return -EPIPE;
	if (bad_cmsg || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (size_t)n < sizeof(h) ||
	    h.len > PM_SYNC_MAX_PAYLOAD || (size_t)n != sizeof(h) + h.len) {
		close_fds(msg);
		return -EBADMSG;
	}
	msg->type = h.type;
	msg->err = h.err;
	msg->status = h.status;
	msg->len = h.len;
	msg->payload[h.len] = '\0';
	return 0;
}

int pm_sync_expect(int fd, uint32_t type, struct pm_sync_msg *msg, const char *what, pm_error **err)
{
	int r = pm_sync_recv(fd, msg);
	if (r == -EPIPE)
		return pm_error_set(err, EPIPE, "%s: process exited before reporting its status",
				    what);
	if (r == -EBADMSG)
		return pm_error_set(err, EBADMSG, "%s: malformed message on the sync socket", what);
	if (r < 0)
		return pm_error_set_errno(err, -r, "%s: reading the sync socket", what);
	if (msg->type == PM_SYNC_ERROR && type != PM_SYNC_ERROR) {
		close_fds(msg);
		int code = msg->err > 0 ? msg->err : EIO;
		return pm_error_set_status(err, msg->status, code, "%s",
					   msg->len ? msg->payload : strerror(code));
	}
	if (msg->type != type) {
		close_fds(msg);
		return pm_error_set(err, EBADMSG, "%s: unexpected message type %u (wanted %u)",
				    what, msg->type, type);
	}
	return 0;
}
