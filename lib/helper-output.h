/* helper-output.h: what the output of an external helper (slirp4netns, pasta, fuse-overlayfs,
 * newuidmap) says. Pure text functions, no I/O: the callers capture the output.
 * Called by netslirp/ (slirp4netns, pasta failures), storage/overlay.c (fuse-overlayfs),
 * rootless/pause.c (newuidmap) and engine/ (pm info, pm doctor: tool versions). */
#pragma once

/* The line of a failed helper's output that says why it failed, trimmed, or NULL when the
 * output has no non-blank line. Prefers the first line with an errno-like cause
 * ("Permission denied", "No such file", "not permitted", ...), then the last line that says
 * something failed ("error", "failed", "cannot", ...), then the last line that is not a known
 * harmless warning (slirp4netns' "WARNING: Support for IPv6 is experimental"), then the last
 * non-blank line. */
char *pm_helper_reason(const char *output);

/* The advice pm adds to a helper failure whose reason it recognises, e.g. for
 * `open("/dev/net/tun"): Permission denied` "run 'sudo chmod 0666 /dev/net/tun' (...)",
 * else "run 'pm doctor' to check the host". Never NULL; static storage. */
const char *pm_helper_advice(const char *reason);

/* The version line of `tool --version` output: a line with "version" and a number after it,
 * without usage or license text, trimmed; the first that names the tool (name, e.g.
 * "fuse-overlayfs", may be NULL) wins over the others (fuse-overlayfs prints fusermount3's
 * first). NULL when there is none (newuidmap prints its usage, pasta "pasta unknown
 * version"). */
char *pm_helper_version_line(const char *output, const char *name);
