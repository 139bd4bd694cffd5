/* health-probe.c: HTTP GET and TCP connect health checks run by pm from inside a
 * container's network namespace (see health-probe.h): the test's parser, the request and
 * the status line (pure), and the child that joins the namespace, connects with the
 * check's timeout (non-blocking connect + poll) and reports one line back over a pipe.
 * libc only, never prints. Called by engine/health.c, engine/health-parse.c and kube/. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/dl-ssl.h"
#include "engine/health-probe.h"
#include "lib/cleanup.h"
#include "lib/error.h"
#include "lib/strutil.h"

#define OUTPUT_MAX   512
#define RESPONSE_MAX 4096
#define EXIT_TIMEOUT 2

void pm_probe_clear(struct pm_probe *p)
{
	free(p->host);
	free(p->path);
	pm_strv_free(p->headers);
	*p = (struct pm_probe){0};
}

enum pm_probe_kind pm_probe_kind_of(char *const *test)
{
	if (!test || !test[0])
		return PM_PROBE_NONE;
	if (strcmp(test[0], PM_PROBE_HTTP_TEST) == 0)
		return PM_PROBE_HTTP;
	if (strcmp(test[0], PM_PROBE_TCP_TEST) == 0)
		return PM_PROBE_TCP;
	return PM_PROBE_NONE;
}

/* "HOST:PORT" or "[V6]:PORT" at s (up to end) -> host and port; *ret_rest after the port. */
static int parse_hostport(const char *s, struct pm_probe *p, const char **ret_rest)
{
	const char *h = s, *he;
	if (*s == '[') {
		h = s + 1;
		he = strchr(h, ']');
		if (!he || he[1] != ':')
			return -EINVAL;
		s = he + 2;
	} else {
		he = strchr(s, ':');
		if (!he)
			return -EINVAL;
		s = he + 1;
	}
	if (he == h)
		return -EINVAL;
	size_t nd = strspn(s, "0123456789");
	if (nd == 0 || nd > 5)
		return -EINVAL;
	unsigned port = (unsigned)strtoul(s, NULL, 10);
	if (port < 1 || port > 65535)
		return -EINVAL;
	p->host = pm_xstrndup(h, (size_t)(he - h));
	p->port = port;
	*ret_rest = s + nd;
	return 0;
}

static int parse(char *const *test, struct pm_probe *p)
{
	const char *rest;
	p->kind = pm_probe_kind_of(test);
	if (p->kind == PM_PROBE_NONE)
		return 0;
	if (!test[1])
		return -EINVAL;
	if (p->kind == PM_PROBE_TCP) {
		if (test[2] || parse_hostport(test[1], p, &rest) < 0 || *rest)
			return -EINVAL;
		return 1;
	}
	const char *u = test[1];
	if (pm_str_startswith(u, "http://")) {
		u += strlen("http://");
	} else if (pm_str_startswith(u, "https://")) {
		p->https = true;
		u += strlen("https://");
	} else {
		return -EINVAL;
	}
	if (parse_hostport(u, p, &rest) < 0 || (*rest && *rest != '/'))
		return -EINVAL;
	if (strpbrk(rest, " \r\n"))
		return -EINVAL;
	p->path = pm_xstrdup(*rest ? rest : "/");
	for (char *const *hd = test + 2; *hd; hd++) {
		const char *colon = strchr(*hd, ':');
		if (!colon || colon == *hd || strpbrk(*hd, "\r\n"))
			return -EINVAL;
		pm_strv_push(&p->headers, *hd);
	}
	return 1;
}

int pm_probe_parse(char *const *test, struct pm_probe *ret)
{
	*ret = (struct pm_probe){0};
	int r = parse(test, ret);
	if (r < 0)
		pm_probe_clear(ret);
	return r;
}

char *pm_probe_hostport(const char *host, unsigned port)
{
	return strchr(host, ':') ? pm_xasprintf("[%s]:%u", host, port)
				 : pm_xasprintf("%s:%u", host, port);
}

char *pm_probe_url(bool https, const char *host, unsigned port, const char *path)
{
	_cleanup_free_ char *hp = pm_probe_hostport(host, port);
	const char *sep = path && *path == '/' ? "" : "/";
	return pm_xasprintf("%s://%s%s%s", https ? "https" : "http", hp, sep, path ? path : "");
}

/* The header named name (case-insensitive) among hs. */
static bool has_header(char *const *hs, const char *name)
{
	size_t n = strlen(name);
	for (char *const *h = hs; h && *h; h++)
		if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
			return true;
	return false;
}

char *pm_probe_http_request(const struct pm_probe *p)
{
	_cleanup_strv_ char **lines = NULL;
	_cleanup_free_ char *hp = pm_probe_hostport(p->host, p->port);
	pm_strv_consume(&lines, pm_xasprintf("GET %s HTTP/1.1", p->path ? p->path : "/"));
	if (!has_header(p->headers, "Host"))
		pm_strv_consume(&lines, pm_xasprintf("Host: %s", hp));
	if (!has_header(p->headers, "User-Agent"))
		pm_strv_push(&lines, "User-Agent: pm-probe");
	if (!has_header(p->headers, "Accept"))
		pm_strv_push(&lines, "Accept: */*");
	pm_strv_push(&lines, "Connection: close");
	for (char *const *h = p->headers; h && *h; h++)
		pm_strv_push(&lines, *h);
	pm_strv_push(&lines, "");
	pm_strv_push(&lines, "");
	return pm_strv_join(lines, "\r\n");
}

int pm_probe_http_status(const char *buf, size_t n, int *ret_code)
{
	const char *nl = memchr(buf, '\n', n);
	size_t len = nl ? (size_t)(nl - buf) : n;
	/* "HTTP/" DIGIT "." DIGIT SP 3DIGIT (SP reason)? CR? LF */
	static const char prefix[] = "HTTP/";
	size_t cmp = len < sizeof(prefix) - 1 ? len : sizeof(prefix) - 1;
	if (strncmp(buf, prefix, cmp) != 0)
		return -EBADMSG;
	if (!nl)
		return len > RESPONSE_MAX ? -EBADMSG : -EAGAIN;
	const char *s = buf + 5, *end = buf + len;
	if (end > s && end[-1] == '\r')
		end--;
	if (end - s < 7 || s[0] < '0' || s[0] > '9' || s[1] != '.' || s[2] < '0' || s[2] > '9' ||
	    s[3] != ' ')
		return -EBADMSG;
	s += 4;
	int code = 0;
	for (int i = 0; i < 3; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		code = code * 10 + (s[i] - '0');
	}
	if (s + 3 < end && s[3] != ' ')
		return -EBADMSG;
	if (code < 100)
		return -EBADMSG;
	*ret_code = code;
	return 0;
}

/* ---- the child: join, connect, ask --------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining(int64_t deadline)
{
	int64_t left = deadline - now_ms();
	return left < 0 ? 0 : left > 1000000 ? 1000000 : (int)left;
}

__attribute__((noreturn)) static void report(int fd, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
__attribute__((noreturn)) static void report(int fd, int code, const char *fmt, ...)
{
	char buf[OUTPUT_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	if (n > 0 && write(fd, buf, (size_t)n) < 0)
		code = 1;
	_exit(code);
}

/* host -> address: "localhost" is 127.0.0.1, numbers as they are, a name through the
 * resolver (as the host's configuration has it). */
static int resolve(const char *host, unsigned port, struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return 0;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
	int r = getaddrinfo(host, NULL, &hints, &ai);
	if (r != 0 || !ai)
		return r ? r : EAI_NONAME;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	if (ss->ss_family == AF_INET)
		v4->sin_port = htons((uint16_t)port);
	else
		v6->sin6_port = htons((uint16_t)port);
	freeaddrinfo(ai);
	return 0;
}

/* HTTPS: a TLS session over the connected fd, the certificate not checked (as the kubelet
 * does not), the server's name sent when it has one. The socket is made blocking with send
 * and receive timeouts of what is left of the deadline, so io_send/io_recv time out as the
 * plain socket's poll does. */
static SSL *tls_start(int fd, const struct pm_probe *p, const char *to, int64_t deadline, int out)
{
	_cleanup_error_ pm_error *err = NULL;
	if (pm_dl_ssl(&err) < 0)
		report(out, 1, "%s", err->msg);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		report(out, 1, "fcntl: %s", strerror(errno));
	int left = remaining(deadline);
	struct timeval tv = {.tv_sec = left / 1000, .tv_usec = (left % 1000) * 1000 + 1};
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		report(out, 1, "setsockopt: %s", strerror(errno));
	SSL_CTX *ctx = sym_SSL_CTX_new(sym_TLS_client_method());
	SSL *ssl = ctx ? sym_SSL_new(ctx) : NULL;
	if (!ssl || sym_SSL_set_fd(ssl, fd) != 1)
		report(out, 1, "%s: cannot set up TLS", to);
	struct in6_addr a;
	if (inet_pton(AF_INET, p->host, &a) != 1 && inet_pton(AF_INET6, p->host, &a) != 1 &&
	    strcmp(p->host, "localhost") != 0)
		sym_SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, p->host);
	errno = 0;
	if (sym_SSL_connect(ssl) != 1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			report(out, EXIT_TIMEOUT, "TLS handshake with %s: timed out", to);
		report(out, 1, "TLS handshake with %s failed", to);
	}
	return ssl;
}

/* send/recv on the plain socket or through TLS (-1 with errno set; EAGAIN on a timeout) */
static ssize_t io_send(int fd, SSL *ssl, const char *b, size_t n)
{
	if (!ssl)
		return send(fd, b, n, MSG_NOSIGNAL);
	errno = 0;
	int k = sym_SSL_write(ssl, b, n > INT32_MAX ? INT32_MAX : (int)n);
	if (k <= 0 && errno == 0)
		errno = EIO;
	return k > 0 ? k : -1;
}

static ssize_t io_recv(int fd, SSL *ssl, char *b, size_t n)
{
	if (!ssl)
		return recv(fd, b, n, 0);
	errno = 0;
	int k = sym_SSL_read(ssl, b, n > INT32_MAX ? INT32_MAX : (int)n);
	if (k > 0)
		return k;
	if (errno == 0)
		return 0; /* closed (a TLS close_notify or EOF) */
	return -1;
}

__attribute__((noreturn)) static void child(pid_t pid, const struct pm_probe *p, int64_t deadline,
					    int out)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	struct stat theirs, ours;
	/* a container on the host's network (hostNetwork, --network host) shares ours: no
	 * setns, which a rootless pm may not do into the host's namespace */
	bool same = ns >= 0 && fstat(ns, &theirs) == 0 && stat("/proc/self/ns/net", &ours) == 0 &&
		    theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev;
	if (ns < 0 || (!same && setns(ns, CLONE_NEWNET) < 0))
		report(out, 1, "joining the network namespace of process %d: %s", (int)pid,
		       strerror(errno));
	close(ns);
	_cleanup_free_ char *hp = pm_probe_hostport(p->host, p->port);
	struct sockaddr_storage ss;
	socklen_t sl;
	int r = resolve(p->host, p->port, &ss, &sl);
	if (r != 0)
		report(out, 1, "resolving '%s': %s", p->host, gai_strerror(r));
	char addr[INET6_ADDRSTRLEN] = "?";
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, addr, sizeof(addr));
	_cleanup_free_ char *to = ss.ss_family == AF_INET6 ? pm_xasprintf("[%s]:%u", addr, p->port)
							   : pm_xasprintf("%s:%u", addr, p->port);
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		report(out, 1, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		if (errno != EINPROGRESS)
			report(out, 1, "connect %s: %s", to, strerror(errno));
		struct pollfd pf = {.fd = fd, .events = POLLOUT};
		if (poll(&pf, 1, remaining(deadline)) == 0)
			report(out, EXIT_TIMEOUT, "connect %s: timed out", to);
		int e = 0;
		socklen_t el = sizeof(e);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
			e = errno;
		if (e)
			report(out, 1, "connect %s: %s", to, strerror(e));
	}
	if (p->kind == PM_PROBE_TCP)
		report(out, 0, "connected to %s", to);
	SSL *ssl = p->https ? tls_start(fd, p, to, deadline, out) : NULL;

	_cleanup_free_ char *req = pm_probe_http_request(p);
	size_t off = 0, len = strlen(req);
	while (off < len) {
		ssize_t n = io_send(fd, ssl, req + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			report(out, 1, "sending to %s: %s", to, strerror(errno));
		struct pollfd pf = {.fd = fd, .events = POLLOUT};
		if (poll(&pf, 1, remaining(deadline)) == 0)
			report(out, EXIT_TIMEOUT, "GET %s: timed out", hp);
	}
	char buf[RESPONSE_MAX + 1];
	size_t got = 0;
	for (;;) {
		int code = 0;
		r = got ? pm_probe_http_status(buf, got, &code) : -EAGAIN;
		if (r == 0)
			report(out, code >= 200 && code < 400 ? 0 : 1, "HTTP %d", code);
		if (r == -EBADMSG || got == RESPONSE_MAX)
			report(out, 1, "%s: not an HTTP response", to);
		ssize_t n = io_recv(fd, ssl, buf + got, RESPONSE_MAX - got);
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		if (n == 0)
			report(out, 1, "%s: connection closed before a response", to);
		if (errno != EAGAIN && errno != EINTR)
			report(out, 1, "reading from %s: %s", to, strerror(errno));
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		if (poll(&pf, 1, remaining(deadline)) == 0)
			report(out, EXIT_TIMEOUT, "GET %s: timed out waiting for a response", hp);
	}
}

int pm_probe_run(pid_t pid, const struct pm_probe *p, int64_t timeout_ns, int *ret_result,
		 char **ret_output)
{
	*ret_result = 1;
	*ret_output = NULL;
	int64_t ms = timeout_ns > 0 ? (timeout_ns + 999999) / 1000000 : 30000;
	int64_t deadline = now_ms() + ms;
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid_t c = fork();
	if (c < 0) {
		int e = errno;
		close(fds[0]);
		close(fds[1]);
		return -e;
	}
	if (c == 0) {
		close(fds[0]);
		child(pid, p, deadline, fds[1]);
	}
	close(fds[1]);
	_cleanup_close_ int rd = fds[0];
	char buf[OUTPUT_MAX];
	size_t got = 0;
	bool timed_out = false;
	/* the child keeps to the deadline itself; a margin for the name resolver it cannot */
	int64_t hard = deadline + 500;
	for (;;) {
		struct pollfd pf = {.fd = rd, .events = POLLIN};
		int n = poll(&pf, 1, remaining(hard));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			timed_out = true;
			kill(c, SIGKILL);
			break;
		}
		ssize_t k = read(rd, buf + got, sizeof(buf) - 1 - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
		if (got == sizeof(buf) - 1)
			break;
	}
	buf[got] = 0;
	int status = 0;
	while (waitpid(c, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out || (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_TIMEOUT))
		*ret_result = -1;
	else
		*ret_result = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
	*ret_output = pm_xstrdup(got ? buf : timed_out ? "timed out" : "");
	return 0;
}
