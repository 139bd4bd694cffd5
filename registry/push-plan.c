/* push-plan.c: the pure part of push (push.h): flag values, the destination, what each
 * layer goes out as and the manifest that names them. No I/O; unit tested
 * (tests/unit/test-push.c). Called by registry/push.c and cli/cmd-push.c. */
#include <errno.h>
#include <string.h>

#include "lib/strutil.h"
#include "registry/push.h"

int pm_push_format_parse(const char *s, enum pm_push_format *ret, pm_error **err)
{
	if (strcmp(s, "oci") == 0)
		*ret = PM_PUSH_OCI;
	else if (strcmp(s, "v2s2") == 0 || strcmp(s, "docker") == 0)
		*ret = PM_PUSH_V2S2;
	else if (strcmp(s, "v2s1") == 0)
		return pm_error_set(err, EINVAL,
				    "format \"v2s1\" (Docker schema 1) is not supported: use "
				    "'oci' or 'v2s2'");
	else
		return pm_error_set(err, EINVAL,
				    "unknown format \"%s\". Choose on of the supported formats: "
				    "'oci', 'v2s1', or 'v2s2'",
				    s);
	return 0;
}

int pm_push_compression_parse(const char *s, enum pm_push_compression *ret, pm_error **err)
{
	if (strcmp(s, "gzip") == 0)
		*ret = PM_COMP_GZIP;
	else if (strcmp(s, "zstd") == 0)
		*ret = PM_COMP_ZSTD;
	else
		return pm_error_set(err, EINVAL, "cannot find compressor for \"%s\"", s);
	return 0;
}

int pm_push_parse_dest(const char *dest, struct pm_reference *ret, pm_error **err)
{
	const char *name = dest;
	if (pm_str_startswith(dest, "docker://")) {
		name = dest + strlen("docker://");
	} else {
		const char *colon = strchr(dest, ':');
		for (const char *const *t = pm_reference_other_transports; colon && *t; t++)
			if ((size_t)(colon - dest) == strlen(*t) &&
			    strncmp(dest, *t, strlen(*t)) == 0)
				return pm_error_set(err, EINVAL,
						    "destination '%s': transport \"%s\" is not "
						    "supported: pm pushes to registries "
						    "(docker://HOST/REPO[:TAG])",
						    dest, *t);
	}
	int r = pm_reference_parse(name, PM_REF_DOCKER, ret, err);
	if (r < 0)
		return pm_error_prefix(err, "invalid destination '%s'", dest);
	if (!ret->tag && ret->digest) {
		pm_reference_free(ret);
		return pm_error_set(err, EINVAL,
				    "destination '%s': pushing to a digest is not supported: name "
				    "a tag",
				    dest);
	}
	if (!ret->tag)
		ret->tag = pm_xstrdup("latest");
	return 0;
}

int pm_push_layer_algo(enum pm_push_format f, enum pm_push_compression c,
		       enum pm_compress_algo stored, enum pm_compress_algo *ret, pm_error **err)
{
	enum pm_compress_algo a;
	if (c == PM_COMP_GZIP)
		a = PM_COMPRESS_GZIP;
	else if (c == PM_COMP_ZSTD)
		a = PM_COMPRESS_ZSTD;
	else if (stored == PM_COMPRESS_NONE)
		a = PM_COMPRESS_GZIP;
	else
		a = stored;
	if (f == PM_PUSH_V2S2 && a == PM_COMPRESS_ZSTD) {
		if (c == PM_COMP_ZSTD)
			return pm_error_set(err, EINVAL,
					    "zstd compression is not supported for type \"%s\": "
					    "use --format oci",
					    PM_MT_DOCKER_LAYER_GZIP);
		a = PM_COMPRESS_GZIP;
	}
	*ret = a;
	return 0;
}

enum pm_push_format pm_push_format_resolve(enum pm_push_format f, const char *stored_manifest_type,
					   bool any_zstd)
{
	if (f != PM_PUSH_DEFAULT)
		return f;
	if (!any_zstd && stored_manifest_type &&
	    strcmp(stored_manifest_type, PM_MT_DOCKER_MANIFEST) == 0)
		return PM_PUSH_V2S2;
	return PM_PUSH_OCI;
}

const char *pm_push_layer_media_type(enum pm_push_format f, enum pm_compress_algo a)
{
	if (f == PM_PUSH_V2S2)
		return a == PM_COMPRESS_NONE ? PM_MT_DOCKER_LAYER : PM_MT_DOCKER_LAYER_GZIP;
	switch (a) {
	case PM_COMPRESS_GZIP:
		return PM_MT_OCI_LAYER_GZIP;
	case PM_COMPRESS_ZSTD:
		return PM_MT_OCI_LAYER_ZSTD;
	default:
		return PM_MT_OCI_LAYER;
	}
}

char *pm_push_manifest_json(enum pm_push_format f, const char *config_digest, int64_t config_size,
			    const struct pm_descriptor *layers, size_t n_layers,
			    const char **ret_media_type)
{
	bool v2 = f == PM_PUSH_V2S2;
	struct pm_manifest m = {
		.media_type = v2 ? PM_MT_DOCKER_MANIFEST : PM_MT_OCI_MANIFEST,
		.config =
			{
				.media_type = v2 ? PM_MT_DOCKER_CONFIG : PM_MT_OCI_CONFIG,
				.digest = (char *)config_digest,
				.size = config_size,
			},
		.layers = (struct pm_descriptor *)layers,
		.n_layers = n_layers,
	};
	*ret_media_type = m.media_type;
	return pm_manifest_to_json(&m);
}
