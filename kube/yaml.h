/* yaml.h: a YAML stream (one or more documents) read with libyaml into a small tree of
 * scalars, sequences and mappings, each node with its line and column, so that the typed
 * readers (kube/spec.c) can name the place of a bad value and report every key they did not
 * use. Anchors and aliases are resolved (copied, with a cap on the total size). Never
 * prints. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

enum pm_ynode_kind {
	PM_Y_SCALAR,
	PM_Y_SEQ,
	PM_Y_MAP,
};

struct pm_ynode {
	enum pm_ynode_kind kind;
	char *value;		 /* scalar: its text */
	bool plain;		 /* scalar: unquoted (null, bool and number resolution apply) */
	unsigned line, col;	 /* 1-based */
	size_t n;		 /* seq: items; map: pairs */
	struct pm_ynode **items; /* seq: the items; map: the values */
	char **keys;		 /* map: the keys (scalar keys) */
	bool *used;		 /* map: whether a reader took the key */
};

/* Parse data (len bytes). *ret_docs: the documents (an empty document is skipped), *ret_n
 * their count. Errors: -EINVAL with libyaml's problem and "line L, column C". */
int pm_yaml_parse(const char *data, size_t len, struct pm_ynode ***ret_docs, size_t *ret_n,
		  pm_error **err);

void pm_ynode_free(struct pm_ynode *n);
void pm_ynode_list_free(struct pm_ynode **docs, size_t n);

/* A plain scalar that YAML reads as null ("", "~", "null", "Null", "NULL"). */
bool pm_ynode_is_null(const struct pm_ynode *n);
