/* volume-archive.c: `volume export` and `volume import`: a volume's data as a tar stream
 * and back. The tar is written by storage/tar-tree.c and read by the safe extractor
 * (pm_layer_extract_to, storage/layer.h): entries relative to their parent's fd, escapes
 * refused. Call inside the rootless user namespace (owners are kept). Never prints. Called
 * by cli/cmd-volume.c. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/cleanup.h"
#include "lib/strutil.h"
#include "storage/layer.h"
#include "storage/tar-tree.h"
#include "storage/volume.h"

int pm_volume_export(const char *root, const char *name, int out, pm_error **err)
{
	_cleanup_volume_ struct pm_volume *v = NULL;
	int r = pm_volume_load(root, name, &v, err);
	if (r < 0)
		return r;
	_cleanup_close_ int fd = open(v->mountpoint, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return pm_error_set_errno(err, errno, "volume %s: '%s'", name, v->mountpoint);
	r = pm_tar_write_tree(fd, &st, "", out, err);
	return r < 0 ? pm_error_prefix(err, "exporting volume %s", name) : 0;
}

int pm_volume_import(const char *root, const char *name, int in, pm_error **err)
{
	_cleanup_volume_ struct pm_volume *v = NULL;
	int r = pm_volume_load(root, name, &v, err);
	if (r < 0)
		return r;
	const struct pm_extract_opts o = {.overwrite = true, .chown = true};
	r = pm_layer_extract_to(AT_FDCWD, v->mountpoint, in, &o, NULL, err);
	return r < 0 ? pm_error_prefix(err, "importing into volume %s", name) : 0;
}
