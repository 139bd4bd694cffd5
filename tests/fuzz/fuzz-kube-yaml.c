/* fuzz-kube-yaml.c: libFuzzer target for the Kubernetes YAML reader (kube/yaml.c into
 * kube/spec.c): parse the input as a YAML stream and read its documents as Kubernetes
 * objects.
 *
 * Invariants checked: no crash, leak or hang (anchors and aliases are capped); every failure
 * is -EINVAL or -ENOMEM with a one-line message; on success every object is a known kind and
 * every warning is one line. tests/unit/test-kube.c replays tests/fuzz/corpus-kube-yaml/ in
 * `make unit`; `make fuzz` runs it. By hand:
 *
 *   make build/fuzz/fuzz-kube-yaml && mkdir -p /tmp/c && \
 *   build/fuzz/fuzz-kube-yaml -max_len=4096 /tmp/c tests/fuzz/corpus-kube-yaml
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/spec.h"
#include "kube/yaml.h"
#include "lib/strutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check_error(int r, pm_error *err)
{
	if ((r != -EINVAL && r != -ENOMEM && r != -EOPNOTSUPP) || !err || !err->msg ||
	    strchr(err->msg, '\n'))
		abort();
	pm_error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pm_ynode **docs = NULL;
	size_t n = 0;
	pm_error *err = NULL;
	int r = pm_yaml_parse((const char *)data, size, &docs, &n, &err);
	if (r < 0) {
		fuzz_check_error(r, err);
		if (docs)
			abort();
		return 0;
	}
	struct pm_kube_object *objs = NULL;
	size_t nobjs = 0;
	char **warn = NULL;
	r = pm_kube_read(docs, n, &objs, &nobjs, &warn, &err);
	if (r < 0) {
		fuzz_check_error(r, err);
	} else {
		for (size_t i = 0; i < nobjs; i++)
			if (objs[i].kind < PM_KUBE_POD || objs[i].kind > PM_KUBE_PVC)
				abort();
		for (char **w = warn; w && *w; w++)
			if (strchr(*w, '\n'))
				abort();
	}
	pm_kube_objects_free(objs, nobjs);
	pm_strv_free(warn);
	pm_ynode_list_free(docs, n);
	return 0;
}
