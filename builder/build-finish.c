/* build-finish.c: what a build does around its stages, apart from the step loop of
 * builder/build.c: which stages the target needs (--skip-unused-stages) and writing the
 * built image's files out (-o/--output). Never prints; called by builder/build.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/build-internal.h"
#include "lib/fileutil.h"
#include "lib/strutil.h"
#include "storage/layer.h"
#include "storage/store.h"
#include "storage/tar-tree.h"

/* Does a --from / FROM / from= word name stage j (its AS name, any case, or its number)? */
static bool names_stage(const struct build *b, const char *ref, size_t j)
{
	const char *n = b->cf->instrs[b->cf->stages[j].first].stage_name;
	char num[24];
	snprintf(num, sizeof(num), "%zu", j);
	return (n && !strcasecmp(n, ref)) || !strcmp(ref, num);
}

/* Mark the stages before i that ref names (all of them when ref is not plain text). */
static void need_ref(const struct build *b, size_t i, const char *ref, size_t reflen, bool *need)
{
	_cleanup_free_ char *r = pm_xstrndup(ref, reflen);
	for (size_t j = 0; j < i; j++)
		if (strchr(r, '$') || names_stage(b, r, j))
			need[j] = true;
}

/* --skip-unused-stages (podman's default): the stages the target needs, through FROM,
 * COPY/ADD --from and RUN --mount from=, the target's own first; a word with a variable
 * keeps every earlier stage. */
bool *pm_bld_needed_stages(const struct build *b)
{
	bool *need = pm_xcalloc(b->n_build, sizeof(bool));
	need[b->n_build - 1] = true;
	for (size_t i = b->n_build; i-- > 0;) {
		if (!need[i] && !b->o->keep_unused)
			continue;
		need[i] = true;
		const struct pm_cf_stage *sg = &b->cf->stages[i];
		for (size_t k = 0; k < sg->n; k++) {
			const struct pm_cf_instr *in = &b->cf->instrs[sg->first + k];
			if (k == 0 && in->n_args)
				need_ref(b, i, in->args[0], strlen(in->args[0]), need);
			for (size_t f = 0; f < in->n_flags; f++) {
				const char *v = in->flags[f].value;
				if (!v)
					continue;
				if (!strcmp(in->flags[f].name, "from")) {
					need_ref(b, i, v, strlen(v), need);
				} else if (!strcmp(in->flags[f].name, "mount")) {
					const char *p = strstr(v, "from=");
					if (p && (p == v || p[-1] == ','))
						need_ref(b, i, p + 5, strcspn(p + 5, ","), need);
				}
			}
		}
	}
	return need;
}

/* -o/--output: the final image's tree as a tar (a file, or stdout for "-") or into a
 * directory (made if missing; the tar goes through storage's safe extractor). */
int pm_bld_export_output(struct build *b, const char *id, pm_error **err)
{
	const char *dest = b->o->output_dest;
	struct mounted m;
	int r = pm_bld_mount_image(b, id, &m, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *tmp = NULL, *tarp = NULL;
	_cleanup_close_ int fd = -1;
	struct stat st;
	if (b->o->output_tar && !strcmp(dest, "-")) {
		fd = fcntl(b->o->output_fd, F_DUPFD_CLOEXEC, 3);
	} else if (b->o->output_tar) {
		fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	} else {
		r = pm_store_mkdtemp(b->s, "output", &tmp, err);
		if (r >= 0) {
			tarp = pm_path_join(tmp, "out.tar");
			fd = open(tarp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		}
	}
	if (r >= 0 && fd < 0)
		r = pm_error_set_errno(err, errno, "opening '%s'", tarp ? tarp : dest);
	if (r >= 0 && fstat(m.rootfd, &st) < 0)
		r = pm_error_set_errno(err, errno, "stat '%s'", m.path);
	if (r >= 0)
		r = pm_tar_write_tree(m.rootfd, &st, "", fd, err);
	pm_bld_mounted_release(b, &m);
	if (r >= 0 && !b->o->output_tar) {
		struct pm_extract_opts eo = {.overwrite = true};
		lseek(fd, 0, SEEK_SET);
		r = pm_mkdir_p(dest, 0755, err);
		if (r >= 0)
			r = pm_layer_extract_to(AT_FDCWD, dest, fd, &eo, NULL, err);
	}
	if (tmp)
		pm_rm_rf(tmp, NULL);
	return r < 0 ? pm_error_prefix(err, "writing the output '%s'", dest) : 0;
}
