/* sync.h: typed messages over a SOCK_SEQPACKET socketpair between a parent and the child
 * it set up (monitor <-> container init, cli <-> pause process ...).
 *
 * Each message is one datagram: a header {type, errno, len} then len bytes of payload
 * (at most PM_SYNC_MAX_PAYLOAD), optionally carrying fds (SCM_RIGHTS, at most
 * PM_SYNC_MAX_FDS). A child that fails sends PM_SYNC_ERROR with errno and a message naming
 * the failing step, then _exit()s; the parent turns it into a pm_error. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define PM_SYNC_MAX_PAYLOAD 4096
#define PM_SYNC_MAX_FDS	    8

enum pm_sync_type {
	PM_SYNC_ERROR = 1, /* payload: message text; errno set; optional exit status in status */
	PM_SYNC_READY,	   /* generic "go on" / "done" */
	PM_SYNC_PID,	   /* payload: decimal pid */
	PM_SYNC_USER = 64, /* first type free for modules */
};

struct pm_sync_msg {
	uint32_t type;
	int32_t err;	/* errno for PM_SYNC_ERROR */
	int32_t status; /* exit status hint for PM_SYNC_ERROR (125/126/127), else 0 */
	uint32_t len;	/* payload length */
	char payload[PM_SYNC_MAX_PAYLOAD + 1]; /* NUL-terminated for convenience */
	int fds[PM_SYNC_MAX_FDS];
	size_t nfds;
};

/* socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC). */
int pm_sync_pair(int fds[2], pm_error **err);

/* Send one message. Returns 0 or -errno. */
int pm_sync_send(int fd, uint32_t type, const void *payload, size_t len, const int *fds,
		 size_t nfds);

/* Send PM_SYNC_ERROR with err and a formatted message (and an exit status hint). */
int pm_sync_send_error(int fd, int err, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Receive one message. 0 on success, -EPIPE when the peer closed without sending,
 * -EBADMSG for a malformed message, -errno otherwise. Received fds are O_CLOEXEC and
 * owned by the caller. */
int pm_sync_recv(int fd, struct pm_sync_msg *msg);

/* Receive and expect `type`: a PM_SYNC_ERROR becomes *err (with its errno and status);
 * EOF becomes "<what>: process exited before ..." ; another type is -EBADMSG.
 * The ERROR text is used as is (the child names its step; prefix context with
 * pm_error_prefix); fds that came with an ERROR or a wrong type are closed. */
int pm_sync_expect(int fd, uint32_t type, struct pm_sync_msg *msg, const char *what,
		   pm_error **err);
