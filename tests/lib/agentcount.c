/* agentcount.c: print how many identities the SSH agent at $SSH_AUTH_SOCK holds (the agent
 * protocol's REQUEST_IDENTITIES), for tests/system/154-build-ssh.bats: built with
 * cc -static and run in a build's RUN --mount=type=ssh, where the test image has no ssh-add.
 * Exit 1 with a message when the agent cannot be reached. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int full(int fd, void *buf, size_t n, int wr)
{
	for (size_t done = 0; done < n;) {
		ssize_t k = wr ? write(fd, (char *)buf + done, n - done)
			       : read(fd, (char *)buf + done, n - done);
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return 0;
}

int main(void)
{
	const char *path = getenv("SSH_AUTH_SOCK");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (!path || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "agentcount: no SSH_AUTH_SOCK\n");
		return 1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("agentcount: connect");
		return 1;
	}
	unsigned char req[5] = {0, 0, 0, 1, 11}; /* SSH2_AGENTC_REQUEST_IDENTITIES */
	unsigned char hdr[9];
	if (full(fd, req, sizeof(req), 1) < 0 || full(fd, hdr, sizeof(hdr), 0) < 0 ||
	    hdr[4] != 12) { /* SSH2_AGENT_IDENTITIES_ANSWER */
		fprintf(stderr, "agentcount: no answer from the agent\n");
		return 1;
	}
	uint32_t n =
		(uint32_t)hdr[5] << 24 | (uint32_t)hdr[6] << 16 | (uint32_t)hdr[7] << 8 | hdr[8];
	printf("identities: %u\n", n);
	return 0;
}
