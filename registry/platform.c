/* platform.c: the image of an index a pull takes (see platform.h). Pure but for uname(2).
 * Called by registry/pull.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/strutil.h"
#include "registry/platform.h"

void pm_platform_free(struct pm_platform *p)
{
	free(p->os);
	free(p->arch);
	free(p->variant);
	*p = (struct pm_platform){0};
}

const char *pm_platform_goarch(const char *machine, const char **ret_variant)
{
	static const struct {
		const char *machine, *arch, *variant;
	} map[] = {
		{"x86_64", "amd64", NULL},
		{"amd64", "amd64", NULL},
		{"i386", "386", NULL},
		{"i486", "386", NULL},
		{"i586", "386", NULL},
		{"i686", "386", NULL},
		{"aarch64", "arm64", "v8"},
		{"arm64", "arm64", "v8"},
		{"armv8l", "arm", "v7"},
		{"armv7l", "arm", "v7"},
		{"armv7", "arm", "v7"},
		{"armv6l", "arm", "v6"},
		{"armv5tel", "arm", "v5"},
		{"ppc64le", "ppc64le", NULL},
		{"ppc64", "ppc64", NULL},
		{"s390x", "s390x", NULL},
		{"riscv64", "riscv64", NULL},
		{"mips64", "mips64", NULL},
		{"loongarch64", "loong64", NULL},
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (strcmp(machine, map[i].machine) == 0) {
			if (ret_variant)
				*ret_variant = map[i].variant;
			return map[i].arch;
		}
	if (ret_variant)
		*ret_variant = NULL;
	return machine;
}

void pm_platform_wanted(const char *os, const char *arch, const char *variant,
			struct pm_platform *ret)
{
	struct utsname u;
	const char *host_variant = NULL, *host_arch = "amd64";
	if (uname(&u) == 0)
		host_arch = pm_platform_goarch(u.machine, &host_variant);
	*ret = (struct pm_platform){0};
	ret->os = pm_xstrdup(os && *os ? os : "linux");
	if (arch && *arch) {
		ret->arch = pm_xstrdup(arch);
	} else {
		ret->arch = pm_xstrdup(host_arch);
		if (host_variant)
			ret->variant = pm_xstrdup(host_variant);
	}
	if (variant && *variant) {
		free(ret->variant);
		ret->variant = pm_xstrdup(variant);
	}
}

int pm_platform_parse(const char *s, struct pm_platform *ret, pm_error **err)
{
	_cleanup_strv_ char **parts = pm_strv_split(s, "/");
	size_t n = pm_strv_length(parts);
	if (n < 2 || n > 3 || !*parts[0] || !*parts[1] || (n == 3 && !*parts[2]))
		return pm_error_set(err, EINVAL,
				    "invalid platform syntax for --platform=\"%s\": use "
				    "<os>/<arch>[/<variant>]",
				    s);
	*ret = (struct pm_platform){0};
	ret->os = pm_xstrdup(parts[0]);
	ret->arch = pm_xstrdup(parts[1]);
	if (n == 3)
		ret->variant = pm_xstrdup(parts[2]);
	return 0;
}

/* containers/image's variant order for an architecture. */
static const char *const *compat_variants(const char *arch)
{
	static const char *const arm[] = {"v7", "v6", "v5", NULL};
	static const char *const arm64[] = {"v8", NULL};
	if (strcmp(arch, "arm") == 0)
		return arm;
	if (strcmp(arch, "arm64") == 0)
		return arm64;
	return NULL;
}

/* The variants to try, in order ("" is an entry without one). */
static char **wanted_variants(const struct pm_platform *want)
{
	char **v = NULL;
	const char *const *order = compat_variants(want->arch);
	if (want->variant && *want->variant) {
		bool found = false;
		for (size_t i = 0; order && order[i]; i++) {
			if (strcmp(order[i], want->variant) == 0)
				found = true;
			if (found)
				pm_strv_push(&v, order[i]);
		}
		if (!found)
			pm_strv_push(&v, want->variant);
		pm_strv_push(&v, "");
	} else {
		pm_strv_push(&v, "");
		for (size_t i = 0; order && order[i]; i++)
			pm_strv_push(&v, order[i]);
	}
	return v;
}

int pm_platform_choose(const struct pm_index *idx, const struct pm_platform *want, size_t *ret_i,
		       pm_error **err)
{
	_cleanup_strv_ char **variants = wanted_variants(want);
	for (char **v = variants; v && *v; v++)
		for (size_t i = 0; i < idx->n_manifests; i++) {
			const struct pm_descriptor *d = &idx->manifests[i];
			if (!d->os || !d->arch || strcmp(d->os, want->os) != 0 ||
			    strcmp(d->arch, want->arch) != 0)
				continue;
			if (strcmp(d->variant ? d->variant : "", *v) != 0)
				continue;
			*ret_i = i;
			return 0;
		}
	bool docker = idx->media_type && strcmp(idx->media_type, PM_MT_DOCKER_LIST) == 0;
	return pm_error_set(err, ENOENT,
			    "no image found in %s for architecture %s, variant \"%s\", OS %s",
			    docker ? "manifest list" : "image index", want->arch,
			    want->variant ? want->variant : "", want->os);
}
