/* probe.c: host port checks with throwaway sockets (bind, then close): is a port free,
 * picking free ports for -p CTRPORT and -P, and the port relay's listeners. Binds only,
 * never sends. Called by lifetime.c and slirp.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netslirp/probe.h"

/* Bind a socket of proto to ip:port; returns the fd (caller closes) or -errno.
 * ret_port: the port actually bound (for port 0). */
static int bind_one(const char *ip, uint16_t port, int proto, bool v6, uint16_t *ret_port)
{
	int type = proto == PM_NET_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int fd = socket(v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (ip && *ip && inet_pton(AF_INET6, ip, &s6->sin6_addr) != 1) {
			close(fd);
			return -EINVAL;
		}
		int one = 1;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		if (ip && *ip && inet_pton(AF_INET, ip, &s4->sin_addr) != 1) {
			close(fd);
			return -EINVAL;
		}
		len = sizeof(*s4);
	}
	if (type == SOCK_STREAM) {
		/* like a listener would: TIME_WAIT leftovers must not count as busy */
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	if (ret_port) {
		socklen_t l = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &l);
		*ret_port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
				     : ((struct sockaddr_in *)&ss)->sin_port);
	}
	return fd;
}

int pm_net_listen_tcp(const char *ip, uint16_t port)
{
	bool v6 = strchr(ip, ':') != NULL;
	int fd = bind_one(ip, port, PM_NET_TCP, v6, NULL);
	if (fd < 0)
		return fd;
	if (listen(fd, SOMAXCONN) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int pm_net_bind_udp(const char *ip, uint16_t port)
{
	return bind_one(ip, port, PM_NET_UDP, strchr(ip, ':') != NULL, NULL);
}

static bool ip_is_v6(const char *ip)
{
	return ip && strchr(ip, ':');
}

int pm_net_probe_port(const char *host_ip, uint16_t port, int proto, bool also_v6)
{
	bool v6 = ip_is_v6(host_ip);
	int fd = bind_one(host_ip, port, proto, v6, NULL);
	if (fd < 0)
		return -fd;
	int fd6 = -1;
	if (also_v6 && !v6) {
		fd6 = bind_one(NULL, port, proto, true, NULL);
		if (fd6 < 0 && fd6 != -EAFNOSUPPORT && fd6 != -EADDRNOTAVAIL) {
			close(fd);
			return -fd6;
		}
	}
	close(fd);
	if (fd6 >= 0)
		close(fd6);
	return 0;
}

int pm_net_pick_ports(struct pm_net_port *ports, size_t n, pm_error **err)
{
	for (size_t i = 0; i < n; i++) {
		struct pm_net_port *p = &ports[i];
		if (p->host_port)
			continue;
		bool v6 = ip_is_v6(p->host_ip);
		int last = 0;
		for (int attempt = 0; attempt < 32 && !p->host_port; attempt++) {
			uint16_t base;
			int fd = bind_one(p->host_ip, 0, p->proto, v6, &base);
			if (fd < 0) {
				last = -fd;
				break;
			}
			bool ok = (uint32_t)base + p->range - 1 <= 65535;
			int extra[64];
			size_t nextra = 0;
			/* the rest of a range must be free too (held while checking) */
			for (uint16_t k = 1; ok && k < p->range; k++) {
				int f = bind_one(p->host_ip, (uint16_t)(base + k), p->proto, v6,
						 NULL);
				if (f < 0) {
					ok = false;
					break;
				}
				if (nextra < sizeof(extra) / sizeof(extra[0]))
					extra[nextra++] = f;
				else
					close(f);
			}
			close(fd);
			for (size_t k = 0; k < nextra; k++)
				close(extra[k]);
			if (ok)
				p->host_port = base;
			last = EADDRINUSE;
		}
		if (!p->host_port)
			return pm_error_set(err, last ? last : EADDRINUSE,
					    "no free host port for container port %u%s: %s",
					    p->ctr_port, p->range > 1 ? " range" : "",
					    strerror(last ? last : EADDRINUSE));
	}
	return 0;
}
