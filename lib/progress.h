/* progress.h: byte progress of long copies (a layer being ingested by load, import or
 * commit; a layer being written by save). The storage layer reports, whoever set a reporter
 * shows it (cli/progress.c draws a bar on a terminal); lower layers never print. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct pm_progress {
	/* digest: the blob's "sha256:..." when known (else NULL); total: 0 when unknown;
	 * finished: the copy of this blob is complete (done is its size). */
	void (*fn)(void *ctx, const char *digest, uint64_t done, uint64_t total, bool finished);
	void *ctx;
};

static inline void pm_progress_report(const struct pm_progress *p, const char *digest,
				      uint64_t done, uint64_t total, bool finished)
{
	if (p && p->fn)
		p->fn(p->ctx, digest, done, total, finished);
}
