/* seccomp.h: the container's seccomp filter (--security-opt seccomp=...).
 *
 * Two steps, so that a bad profile fails before anything is created and the container
 * child parses nothing:
 *
 *   PARENT, before clone:  pm_seccomp_compile(profile, caps, privileged, &s, &err)
 *       profile NULL          pm's default profile (the same effect as podman's
 *                             /usr/share/containers/seccomp.json: unknown syscalls fail
 *                             with ENOSYS, the dangerous ones with EPERM); with
 *                             privileged = true (--privileged) no filter, as podman does
 *       "unconfined"          no filter: *ret = NULL, returns 0
 *       anything else         path of a docker/podman JSON profile (defaultAction,
 *                             defaultErrnoRet, architectures or archMap, syscalls[] with
 *                             names/name, action, errnoRet, args[] {index, value,
 *                             valueTwo, op}, includes/excludes {caps, arches, minKernel},
 *                             flags); applied even with privileged, as podman does
 *     cap_mask is the container's capability set (bit n = capability n, as in
 *     /proc/self/status CapBnd); includes/excludes "caps" are matched against it.
 *     The filter is built with libseccomp for the native architecture (plus the profile's
 *     sub-architectures) and kept as a ready BPF program.
 *     Errors: "seccomp profile '<path>': <what is wrong>" (exit status 125).
 *
 *   CHILD, right before execve:  pm_seccomp_apply(s, &err)
 *     Loads the BPF program with seccomp(SECCOMP_SET_MODE_FILTER). s == NULL: nothing.
 *     The kernel requires ONE of:
 *       - no_new_privs set (prctl(PR_SET_NO_NEW_PRIVS, 1)): then apply it last, after
 *         dropping capabilities and switching uid/gid, just before execve;
 *       - CAP_SYS_ADMIN in the process's user namespace (the container's root before the
 *         capability drop): then apply it before dropping capabilities, as crun does when
 *         no_new_privs is not requested; the syscalls that follow (setgroups, setresuid,
 *         capset, prctl, execve, and sendmsg on the sync socket for errors) are allowed by
 *         pm's default profile, but a custom profile may deny them.
 *     Without either it fails with EACCES and says so. Async-signal-safety is not needed
 *     (the child is a fork of a single-threaded process) but the call allocates only on
 *     error.
 *
 * The result is plain memory (no fds), inherited by a forked/cloned child; pm_seccomp_bpf()
 * exposes the program for a runtime that must send it to another process. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

#define PM_SECCOMP_UNCONFINED "unconfined"

/* Largest profile file read (podman's default profile is 16 KiB). */
#define PM_SECCOMP_PROFILE_MAX (4u * 1024 * 1024)

struct pm_seccomp;

/* See above. On success *ret is the filter or NULL (unconfined). */
int pm_seccomp_compile(const char *profile, uint64_t cap_mask, bool privileged,
		       struct pm_seccomp **ret, pm_error **err);

/* The same, keeping compiled programs in cache_dir (created 0700 if missing; NULL: no
 * cache), e.g. "<runroot>/seccomp". libseccomp needs ~15 ms to build the default filter for
 * x86-64 + i386 + x32; a cache hit takes well under 1 ms. The key covers pm's version and
 * tables, libseccomp's version, the architecture, the kernel release, cap_mask and the
 * profile's content (sha256), so a changed profile file is recompiled. Cache problems are
 * not errors. */
int pm_seccomp_compile_cached(const char *profile, uint64_t cap_mask, bool privileged,
			      const char *cache_dir, struct pm_seccomp **ret, pm_error **err);

/* Compile a JSON profile held in memory; name is used in error messages in place of the
 * path. *ret is never NULL on success. (Tests, the fuzzer, profiles stored in state.) */
int pm_seccomp_compile_data(const char *name, const char *data, size_t len, uint64_t cap_mask,
			    struct pm_seccomp **ret, pm_error **err);

/* Load the filter into the calling process (s may be NULL: nothing to do). */
int pm_seccomp_apply(const struct pm_seccomp *s, pm_error **err);

/* The BPF program: an array of struct sock_filter, *ret_count instructions; and the
 * seccomp(2) SECCOMP_FILTER_FLAG_* flags the profile asked for. */
const void *pm_seccomp_bpf(const struct pm_seccomp *s, size_t *ret_count, unsigned *ret_flags);

/* Frees and returns NULL; accepts NULL. */
struct pm_seccomp *pm_seccomp_free(struct pm_seccomp *s);

PM_DEFINE_CLEANUP_FUNC(struct pm_seccomp *, pm_seccomp_free)
#define _cleanup_seccomp_ _cleanup_(pm_seccomp_freep)
