/* pull-flags.h: the flags pull and run/create share to reach a registry (--tls-verify,
 * --cert-dir, --creds, --authfile, --arch, --os, --variant, --platform) into struct
 * pm_pull_opts. */
#pragma once

#include <getopt.h>

#include "registry/pull.h"

/* getopt values of the long options below */
enum {
	PM_PULL_OPT_TLS_VERIFY = 2000,
	PM_PULL_OPT_CERT_DIR,
	PM_PULL_OPT_CREDS,
	PM_PULL_OPT_AUTHFILE,
	PM_PULL_OPT_ARCH,
	PM_PULL_OPT_OS,
	PM_PULL_OPT_VARIANT,
	PM_PULL_OPT_PLATFORM,
};

#define PM_PULL_LONG_OPTIONS                                                                       \
	{"tls-verify", optional_argument, NULL, PM_PULL_OPT_TLS_VERIFY},                           \
		{"cert-dir", required_argument, NULL, PM_PULL_OPT_CERT_DIR},                       \
		{"creds", required_argument, NULL, PM_PULL_OPT_CREDS},                             \
		{"authfile", required_argument, NULL, PM_PULL_OPT_AUTHFILE},                       \
		{"arch", required_argument, NULL, PM_PULL_OPT_ARCH},                               \
		{"os", required_argument, NULL, PM_PULL_OPT_OS},                                   \
		{"variant", required_argument, NULL, PM_PULL_OPT_VARIANT},                         \
	{                                                                                          \
		"platform", required_argument, NULL, PM_PULL_OPT_PLATFORM                          \
	}

struct pm_cli_pull_flags {
	int tls_verify; /* -1: not given */
	const char *cert_dir, *creds, *authfile, *arch, *os, *variant, *platform;
	char *p_os, *p_arch, *p_variant; /* --platform's parts */
};

void pm_cli_pull_flags_init(struct pm_cli_pull_flags *f);
/* One of the options above (opt: its getopt value; arg: optarg). -EINVAL for a bad value;
 * -ENOENT when opt is not one of them. */
int pm_cli_pull_flag(struct pm_cli_pull_flags *f, int opt, const char *arg, pm_error **err);
/* By name (run's flag table): "tls-verify", "arch", ... */
int pm_cli_pull_flag_named(struct pm_cli_pull_flags *f, const char *name, const char *arg,
			   pm_error **err);
/* After parsing: --platform against --arch/--os, into o (borrowing f's strings; event
 * fields zeroed). */
int pm_cli_pull_flags_finish(struct pm_cli_pull_flags *f, struct pm_pull_opts *o, pm_error **err);
void pm_cli_pull_flags_free(struct pm_cli_pull_flags *f);
