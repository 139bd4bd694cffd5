/*
 * udpecho.c: a tiny UDP echo server and client for the system tests (IPv4 only).
 *
 *   udpecho -l PORT          echo every datagram back to its sender, printing
 *                            "peer ADDR:PORT" on stdout (flushed) for each; runs until killed
 *   udpecho HOST PORT MSG    send MSG to HOST:PORT, wait for the echo (a try every second,
 *                            5 tries), print "echo MSG from ADDR:PORT"; exit 0 when the echo
 *                            matches, 1 on a wrong echo, 2 on a timeout, 3 on a usage or
 *                            socket error
 *
 * Built by tests/system/061-udp.root.bats and 152-network-udp.bats with `cc -static` and
 * bind-mounted into a busybox container (busybox has no UDP server). Standalone: links
 * nothing of pm, resolves no names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define TRIES 5

static int parse_port(const char *s, struct sockaddr_in *a)
{
	char *end = NULL;
	long p;

	errno = 0;
	p = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || p < 1 || p > 65535) {
		fprintf(stderr, "udpecho: bad port '%s'\n", s);
		return -1;
	}
	a->sin_port = htons((unsigned short)p);
	return 0;
}

static int serve(const char *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
	char buf[65536];
	int fd;

	if (parse_port(port, &a) < 0)
		return 3;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "udpecho: bind to port '%s': %s\n", port, strerror(errno));
		return 3;
	}
	printf("listening on 0.0.0.0:%s\n", port);
	fflush(stdout);
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		char addr[INET_ADDRSTRLEN] = "?";
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "udpecho: recvfrom: %s\n", strerror(errno));
			return 3;
		}
		inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr));
		printf("peer %s:%u\n", addr, ntohs(peer.sin_port));
		fflush(stdout);
		if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, len) < 0)
			fprintf(stderr, "udpecho: sendto %s: %s\n", addr, strerror(errno));
	}
}

static int client(const char *host, const char *port, const char *msg)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct timeval tv = {.tv_sec = 1};
	size_t mlen = strlen(msg);
	char buf[65536];
	int fd;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "udpecho: bad IPv4 address '%s'\n", host);
		return 3;
	}
	if (parse_port(port, &a) < 0)
		return 3;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		fprintf(stderr, "udpecho: socket: %s\n", strerror(errno));
		return 3;
	}
	for (int i = 0; i < TRIES; i++) {
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		char addr[INET_ADDRSTRLEN] = "?";
		ssize_t n;

		/* the forward may not be ready yet, and UDP may drop: send again each try */
		if (sendto(fd, msg, mlen, 0, (struct sockaddr *)&a, sizeof(a)) < 0) {
			fprintf(stderr, "udpecho: sendto %s:%s: %s\n", host, port, strerror(errno));
			if (errno != ECONNREFUSED)
				return 3;
			sleep(1);
			continue;
		}
		n = recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
			    errno == ECONNREFUSED)
				continue;
			fprintf(stderr, "udpecho: recvfrom: %s\n", strerror(errno));
			return 3;
		}
		buf[n] = '\0';
		inet_ntop(AF_INET, &from.sin_addr, addr, sizeof(addr));
		printf("echo %s from %s:%u\n", buf, addr, ntohs(from.sin_port));
		return ((size_t)n == mlen && memcmp(buf, msg, mlen) == 0) ? 0 : 1;
	}
	fprintf(stderr, "udpecho: no echo from %s:%s after %d tries\n", host, port, TRIES);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "-l") == 0)
		return serve(argv[2]);
	if (argc == 4)
		return client(argv[1], argv[2], argv[3]);
	fprintf(stderr, "usage: udpecho -l PORT | udpecho HOST PORT MSG\n");
	return 3;
}
