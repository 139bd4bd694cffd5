/* cmd-image-trust.c: `pm image trust show [-j] [-n] [--raw] [REGISTRY]` and `pm image trust
 * set [-t TYPE] [-f KEYFILE]... REGISTRY` (podman 4.3): the signature policy
 * (/etc/containers/policy.json, as podman's own default even rootless; the hidden
 * --policypath as podman's) and the signature stores of registries.d
 * (/etc/containers/registries.d, --registrypath). show lists the default and each
 * transport's scopes ("repository" for docker's), one row per requirement, with podman's
 * type words (accept, reject, signed, sigstoreSigned) and the scope's lookaside/sigstore
 * (the longest matching registries.d entry, else default-docker's). set replaces a scope's
 * requirements (REGISTRY "default": the default's) and writes the file as podman does
 * (4-space indent, scopes sorted, no trailing newline), temp file + rename. The ID column
 * (podman asks gpg2 for a signedBy key's identity) is left empty; sigstoreSigned's is
 * "N/A" as podman's. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/commands.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "lib/template.h"
#include "registry/sign.h"

#define POLICY_PATH  "/etc/containers/policy.json"
#define REGISTRIES_D "/etc/containers/registries.d"

static const char show_usage[] = "Display trust policy for the system\n"
				 "\n"
				 "Usage:\n"
				 "  pm image trust show [options] [REGISTRY]\n"
				 "\n"
				 "Options:\n"
				 "  -j, --json        Output as json\n"
				 "  -n, --noheading   Do not print column headings\n"
				 "      --raw         Output raw policy file\n";

static const char set_usage[] =
	"Set default trust policy or a new trust policy for a registry\n"
	"\n"
	"Usage:\n"
	"  pm image trust set [options] REGISTRY\n"
	"\n"
	"Options:\n"
	"  -f, --pubkeysfile strings   Path of installed public key(s) to trust for TARGET.\n"
	"                              Absolute path to keys is added to policy.json. May\n"
	"                              used multiple times to define multiple public keys.\n"
	"                              File(s) must exist before using this command\n"
	"  -t, --type string           Trust type, accept values: signedBy(default), accept, "
	"reject (default \"signedBy\")\n";

/* Go's os error words: "open PATH: no such file or directory" */
static int open_error(const char *path, int e)
{
	char msg[128];
	return pm_cli_errorf("open %s: %s", path, pm_go_strerror(e, msg, sizeof(msg)));
}

/* ---- policy.json ------------------------------------------------------------------------ */

static json_t *read_policy(const char *path, bool missing_ok, int *ret_status)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	_cleanup_error_ pm_error *err = NULL;
	*ret_status = 0;
	if (pm_read_file(path, 16 << 20, &data, &len, &err) < 0) {
		int e = err ? err->code : EIO;
		if (e == ENOENT && missing_ok)
			return json_object();
		*ret_status = open_error(path, e);
		return NULL;
	}
	json_error_t je;
	json_t *j = json_loadb(data, len, 0, &je);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		*ret_status = pm_cli_errorf(
			"could not read trust policies: invalid policy in %s: %s", path, je.text);
		return NULL;
	}
	return j;
}

static const char *type_word(const char *type)
{
	if (!type)
		return "";
	if (!strcmp(type, "insecureAcceptAnything"))
		return "accept";
	if (!strcmp(type, "signedBy"))
		return "signed";
	return type;
}

struct row {
	const char *transport, *name, *repo_name, *sigstore, *type, *gpg_id;
};

static void add_rows(json_t *reqs, const char *transport, const char *name, const char *repo_name,
		     const char *store, struct row **rows, size_t *n)
{
	size_t i;
	json_t *r;
	json_array_foreach(reqs, i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));
		*rows = pm_xrealloc(*rows, (*n + 1) * sizeof(**rows));
		(*rows)[(*n)++] = (struct row){
			transport,	 name,
			repo_name,	 store,
			type_word(type), type && !strcmp(type, "sigstoreSigned") ? "N/A" : NULL,
		};
	}
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* an object's keys, sorted (Go's map order) */
static char **sorted_keys(json_t *o)
{
	char **v = NULL;
	const char *k;
	json_t *x;
	json_object_foreach(o, k, x)
		pm_strv_push(&v, k);
	if (v)
		qsort(v, pm_strv_length(v), sizeof(char *), cmp_key);
	return v;
}

int cmd_image_trust_show(struct pm_cli *cli, int argc, char **argv)
{
	enum { O_RAW = 1, O_POLICY, O_REGISTRY };
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, 'j'},
		{"noheading", no_argument, NULL, 'n'},
		{"policypath", required_argument, NULL, O_POLICY},
		{"raw", no_argument, NULL, O_RAW},
		{"registrypath", required_argument, NULL, O_REGISTRY},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool as_json = false, noheading = false, raw = false;
	const char *policy = POLICY_PATH, *regd = REGISTRIES_D;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "jn", opts, show_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'j':
			as_json = true;
			break;
		case 'n':
			noheading = true;
			break;
		case O_RAW:
			raw = true;
			break;
		case O_POLICY:
			policy = optarg;
			break;
		case O_REGISTRY:
			regd = optarg;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 0, 1))
		return PM_EXIT_ERROR;
	if (raw && as_json)
		return pm_cli_errorf("--raw and --json are mutually exclusive");
	if (raw) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		_cleanup_error_ pm_error *err = NULL;
		if (pm_read_file(policy, 16 << 20, &data, &len, &err) < 0)
			return open_error(policy, err ? err->code : EIO);
		fwrite(data, 1, len, stdout);
		printf("\n");
		return 0;
	}
	int status;
	json_t *pol = read_policy(policy, false, &status);
	if (!pol)
		return status;
	struct pm_sigstores *ss = pm_sigstores_read(regd);
	struct row *rows = NULL;
	size_t n = 0;
	add_rows(json_object_get(pol, "default"), "all", "* (default)", "default",
		 pm_sigstores_url(ss, NULL, false), &rows, &n);
	json_t *transports = json_object_get(pol, "transports");
	_cleanup_strv_ char **tnames = json_is_object(transports) ? sorted_keys(transports) : NULL;
	for (char **t = tnames; t && *t; t++) {
		json_t *scopes = json_object_get(transports, *t);
		_cleanup_strv_ char **snames = json_is_object(scopes) ? sorted_keys(scopes) : NULL;
		const char *tr = !strcmp(*t, "docker") ? "repository" : *t;
		for (char **sc = snames; sc && *sc; sc++) {
			/* names point into the policy, which lives until the rows are printed */
			const char *k = json_object_iter_key(json_object_iter_at(scopes, *sc));
			add_rows(json_object_get(scopes, *sc), tr, k, k,
				 !strcmp(*t, "docker") ? pm_sigstores_url(ss, k, false) : NULL,
				 &rows, &n);
		}
	}
	if (as_json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "transport", json_string(rows[i].transport));
			json_object_set_new(o, "name", json_string(rows[i].name));
			json_object_set_new(o, "repo_name", json_string(rows[i].repo_name));
			if (rows[i].sigstore && *rows[i].sigstore)
				json_object_set_new(o, "sigstore", json_string(rows[i].sigstore));
			json_object_set_new(o, "type", json_string(rows[i].type));
			if (rows[i].gpg_id)
				json_object_set_new(o, "gpg_id", json_string(rows[i].gpg_id));
			json_array_append_new(a, o);
		}
		_cleanup_free_ char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "[]");
		json_decref(a);
	} else {
		_cleanup_table_ pm_table *t = pm_table_new();
		if (!noheading)
			pm_table_add_row(t, "TRANSPORT\tNAME\tTYPE\tID\tSTORE");
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *line = pm_xasprintf(
				"%s\t%s\t%s\t%s\t%s", rows[i].transport, rows[i].repo_name,
				rows[i].type, rows[i].gpg_id ? rows[i].gpg_id : "",
				rows[i].sigstore ? rows[i].sigstore : "");
			pm_table_add_row(t, line);
		}
		pm_table_print(t, stdout);
	}
	free(rows);
	pm_sigstores_free(ss);
	json_decref(pol);
	return 0;
}

/* ---- set -------------------------------------------------------------------------------- */

/* the "docker" scopes rebuilt in Go's map order, with name's requirements replaced */
static void set_scope(json_t *pol, const char *name, json_t *reqs)
{
	json_t *transports = json_object_get(pol, "transports");
	if (!json_is_object(transports)) {
		transports = json_object();
		json_object_set_new(pol, "transports", transports);
	}
	json_t *docker = json_object_get(transports, "docker");
	json_t *out = json_object();
	if (json_is_object(docker))
		json_object_update(out, docker);
	json_object_set(out, name, reqs);
	_cleanup_strv_ char **keys = sorted_keys(out);
	json_t *sorted = json_object();
	for (char **k = keys; k && *k; k++)
		json_object_set(sorted, *k, json_object_get(out, *k));
	json_decref(out);
	json_object_set_new(transports, "docker", sorted);
}

int cmd_image_trust_set(struct pm_cli *cli, int argc, char **argv)
{
	enum { O_POLICY = 1, O_REGISTRY };
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"policypath", required_argument, NULL, O_POLICY},
		{"pubkeysfile", required_argument, NULL, 'f'},
		{"registrypath", required_argument, NULL, O_REGISTRY},
		{"type", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	const char *policy = POLICY_PATH, *type = "signedBy";
	_cleanup_strv_ char **keys = NULL;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "f:t:", opts, set_usage)) != -1) {
		switch (c) {
		case PM_OPT_EXIT:
			return st.status;
		case 'f': {
			_cleanup_strv_ char **parts = pm_strv_split(optarg, ",");
			for (char **p = parts; p && *p; p++)
				pm_strv_push(&keys, *p);
			break;
		}
		case 't':
			type = optarg;
			break;
		case O_POLICY:
			policy = optarg;
			break;
		}
	}
	if (!pm_cli_nargs(cli, argc - optind, 1, 1))
		return PM_EXIT_ERROR;
	const char *name = argv[optind];
	const char *ptype = NULL; /* policy.json's word */
	if (!strcmp(type, "accept"))
		ptype = "insecureAcceptAnything";
	else if (!strcmp(type, "reject") || !strcmp(type, "signedBy") ||
		 !strcmp(type, "sigstoreSigned"))
		ptype = type;
	else
		return pm_cli_errorf("invalid choice: %s (choose from 'accept', 'reject', "
				     "'signedBy', 'sigstoreSigned')",
				     type);
	bool signed_type = !strcmp(ptype, "signedBy") || !strcmp(ptype, "sigstoreSigned");
	size_t nkeys = pm_strv_length(keys);
	if (signed_type && !nkeys)
		return pm_cli_errorf("at least one public key must be defined for type '%s'", type);
	if (!signed_type && nkeys)
		return pm_cli_errorf("%zu public keys unexpectedly provided for trust type %s",
				     nkeys, type);
	int status;
	json_t *pol = read_policy(policy, true, &status);
	if (!pol)
		return status;
	json_t *reqs = json_array();
	if (signed_type) {
		for (char **k = keys; *k; k++) {
			json_t *r = json_object();
			json_object_set_new(r, "type", json_string(ptype));
			if (!strcmp(ptype, "signedBy"))
				json_object_set_new(r, "keyType", json_string("GPGKeys"));
			json_object_set_new(r, "keyPath", json_string(*k));
			json_array_append_new(reqs, r);
		}
	} else {
		json_t *r = json_object();
		json_object_set_new(r, "type", json_string(ptype));
		json_array_append_new(reqs, r);
	}
	status = 0;
	if (!strcmp(name, "default")) {
		json_object_set(pol, "default", reqs);
	} else {
		json_t *def = json_object_get(pol, "default");
		if (!json_is_array(def) || !json_array_size(def))
			status = pm_cli_errorf("default trust policy must be set");
		else
			set_scope(pol, name, reqs);
	}
	json_decref(reqs);
	if (status == 0) {
		/* podman's: the default first, then the transports */
		json_t *out = json_object();
		json_t *def = json_object_get(pol, "default");
		if (def)
			json_object_set(out, "default", def);
		json_object_update(out, pol);
		_cleanup_free_ char *s = json_dumps(out, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		json_decref(out);
		_cleanup_error_ pm_error *err = NULL;
		int fd = open(policy, O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT)
			status = open_error(policy, errno);
		if (fd >= 0)
			close(fd);
		if (status == 0 && pm_write_file_atomic(policy, s, strlen(s), 0644, &err) < 0)
			status = pm_cli_error(err);
	}
	json_decref(pol);
	return status;
}

const struct pm_command pm_image_trust_commands[] = {
	{"set", cmd_image_trust_set, 0,
	 "Set default trust policy or a new trust policy for a registry", NULL},
	{"show", cmd_image_trust_show, 0, "Display trust policy for the system", NULL},
	{NULL, NULL, 0, NULL, NULL},
};
