/* caps.h: capability names and sets as podman spells them, and applying a set to the
 * calling process (the container init, just before exec). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/error.h"
#include "runtime/runtime.h"

/* The 11 capabilities podman gives a container by default. */
#define PM_CAPS_DEFAULT                                                                            \
	((1ULL << 0) | (1ULL << 1) | (1ULL << 3) | (1ULL << 4) | (1ULL << 5) | (1ULL << 6) |       \
	 (1ULL << 7) | (1ULL << 8) | (1ULL << 10) | (1ULL << 18) | (1ULL << 31))

/* Highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap, else the
 * highest pm knows). */
int pm_caps_last_cap(void);

/* Every capability the kernel knows. */
uint64_t pm_caps_all(void);

/* "chown", "CAP_CHOWN", "cap_chown" -> 0. Returns the number or -EINVAL. */
int pm_caps_from_name(const char *name);

/* 0 -> "CAP_CHOWN"; NULL when unknown. */
const char *pm_caps_to_name(int cap);

/* Compute the sets podman gives a container: start from the defaults (all with
 * privileged), apply --cap-drop then --cap-add (each may contain "ALL"); for a non-root
 * user only the explicitly added capabilities are effective/permitted/inheritable/ambient
 * (podman 4's behaviour), the rest stay in the bounding set. The error names the flag and
 * the bad value. */
int pm_caps_compute(char *const *add, char *const *drop, bool privileged, bool root_user,
		    struct pm_runtime_caps *ret, pm_error **err);

/* Child side. Step 1, while still uid 0: drop everything outside the bounding set and set
 * keep-caps so the permitted set survives the uid switch. */
int pm_caps_prepare(const struct pm_runtime_caps *caps);
/* Step 2, after the uid switch: set effective/permitted/inheritable, raise ambient. */
int pm_caps_apply(const struct pm_runtime_caps *caps);
