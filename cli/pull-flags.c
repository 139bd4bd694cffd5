/* pull-flags.c: the registry flags of pull and run/create (see pull-flags.h). Called by
 * cli/cmd-pull.c and cli/cmd-run.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/pull-flags.h"
#include "lib/strutil.h"
#include "registry/platform.h"

void pm_cli_pull_flags_init(struct pm_cli_pull_flags *f)
{
	*f = (struct pm_cli_pull_flags){.tls_verify = -1};
}

static int parse_bool(const char *flag, const char *arg, int *ret, pm_error **err)
{
	if (!arg || !strcmp(arg, "true") || !strcmp(arg, "1")) {
		*ret = 1;
		return 0;
	}
	if (!strcmp(arg, "false") || !strcmp(arg, "0")) {
		*ret = 0;
		return 0;
	}
	return pm_error_set(err, EINVAL,
			    "invalid argument \"%s\" for \"--%s\" flag: strconv.ParseBool: "
			    "parsing \"%s\": invalid syntax",
			    arg, flag, arg);
}

int pm_cli_pull_flag(struct pm_cli_pull_flags *f, int opt, const char *arg, pm_error **err)
{
	switch (opt) {
	case PM_PULL_OPT_TLS_VERIFY:
		return parse_bool("tls-verify", arg, &f->tls_verify, err);
	case PM_PULL_OPT_CERT_DIR:
		f->cert_dir = arg;
		return 0;
	case PM_PULL_OPT_CREDS:
		f->creds = arg;
		return 0;
	case PM_PULL_OPT_AUTHFILE:
		f->authfile = arg;
		return 0;
	case PM_PULL_OPT_ARCH:
		f->arch = arg;
		return 0;
	case PM_PULL_OPT_OS:
		f->os = arg;
		return 0;
	case PM_PULL_OPT_VARIANT:
		f->variant = arg;
		return 0;
	case PM_PULL_OPT_PLATFORM:
		f->platform = arg;
		return 0;
	}
	return -ENOENT;
}

int pm_cli_pull_flag_named(struct pm_cli_pull_flags *f, const char *name, const char *arg,
			   pm_error **err)
{
	static const struct option opts[] = {PM_PULL_LONG_OPTIONS};
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (strcmp(opts[i].name, name) == 0)
			return pm_cli_pull_flag(f, opts[i].val, arg, err);
	return -ENOENT;
}

int pm_cli_pull_flags_finish(struct pm_cli_pull_flags *f, struct pm_pull_opts *o, pm_error **err)
{
	*o = (struct pm_pull_opts){0};
	if (f->platform) {
		if (f->arch || f->os)
			return pm_error_set(err, EINVAL,
					    "--platform option can not be specified with --arch or "
					    "--os");
		struct pm_platform p;
		int r = pm_platform_parse(f->platform, &p, err);
		if (r < 0)
			return r;
		f->p_os = p.os;
		f->p_arch = p.arch;
		f->p_variant = p.variant;
		o->os = f->p_os;
		o->arch = f->p_arch;
		o->variant = f->variant ? f->variant : f->p_variant;
	} else {
		o->os = f->os;
		o->arch = f->arch;
		o->variant = f->variant;
	}
	o->reg = (struct pm_registry_opts){.tls_verify = f->tls_verify,
					   .cert_dir = f->cert_dir,
					   .creds = f->creds,
					   .authfile = f->authfile};
	return 0;
}

void pm_cli_pull_flags_free(struct pm_cli_pull_flags *f)
{
	free(f->p_os);
	free(f->p_arch);
	free(f->p_variant);
	f->p_os = f->p_arch = f->p_variant = NULL;
}
