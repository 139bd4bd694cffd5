/* yaml.c: libyaml's event stream into a tree of pm_ynode (see yaml.h). Anchors are kept by
 * name and an alias is a deep copy of its (complete) node; the total number of nodes is
 * capped, so a "billion laughs" document fails instead of filling memory. A mapping key must
 * be a scalar and may appear once. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kube/dl-yaml.h"
#include "kube/yaml.h"
#include "lib/cleanup.h"
#include "lib/strutil.h"

#define MAX_NODES 200000
#define MAX_DEPTH 256

struct anchor {
	char *name;
	struct pm_ynode *node;
	bool done;
	bool owned; /* an anchored mapping key: the node is the table's */
};

struct builder {
	struct pm_ynode *stack[MAX_DEPTH];
	char *pending_key[MAX_DEPTH]; /* maps: the key waiting for its value */
	size_t depth;
	struct anchor *anchors;
	size_t nanchors;
	size_t nodes;
	struct pm_ynode *root;
};

void pm_ynode_free(struct pm_ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++) {
		pm_ynode_free(n->items[i]);
		if (n->keys)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->used);
	free(n->value);
	free(n);
}

void pm_ynode_list_free(struct pm_ynode **docs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pm_ynode_free(docs[i]);
	free(docs);
}

bool pm_ynode_is_null(const struct pm_ynode *n)
{
	if (!n || n->kind != PM_Y_SCALAR || !n->plain)
		return false;
	const char *v = n->value;
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
	       !strcmp(v, "NULL");
}

static struct pm_ynode *node_new(struct builder *b, enum pm_ynode_kind kind,
				 const yaml_mark_t *mark)
{
	if (++b->nodes > MAX_NODES)
		return NULL;
	struct pm_ynode *n = pm_xcalloc(1, sizeof(*n));
	n->kind = kind;
	n->line = (unsigned)mark->line + 1;
	n->col = (unsigned)mark->column + 1;
	return n;
}

static struct pm_ynode *node_copy(struct builder *b, const struct pm_ynode *src)
{
	yaml_mark_t m = {.line = src->line - 1, .column = src->col - 1};
	struct pm_ynode *n = node_new(b, src->kind, &m);
	if (!n)
		return NULL;
	n->plain = src->plain;
	n->value = src->value ? pm_xstrdup(src->value) : NULL;
	if (src->n) {
		n->items = pm_xcalloc(src->n, sizeof(*n->items));
		if (src->keys) {
			n->keys = pm_xcalloc(src->n, sizeof(*n->keys));
			n->used = pm_xcalloc(src->n, sizeof(*n->used));
		}
	}
	for (size_t i = 0; i < src->n; i++) {
		n->items[i] = node_copy(b, src->items[i]);
		if (src->keys)
			n->keys[i] = pm_xstrdup(src->keys[i]);
		n->n = i + 1;
		if (!n->items[i]) {
			pm_ynode_free(n);
			return NULL;
		}
	}
	return n;
}

__attribute__((format(printf, 3, 4))) static int fail_at(pm_error **err, const yaml_mark_t *m,
							 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *what = NULL;
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	int r = pm_error_set(err, EINVAL, "yaml: line %zu, column %zu: %s", m->line + 1,
			     m->column + 1, what ? what : "error");
	free(what);
	return r;
}

/* Put a finished node where it belongs: the root, a sequence item, a mapping key or value. */
static int attach(struct builder *b, struct pm_ynode *n, const yaml_mark_t *mark, pm_error **err)
{
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	struct pm_ynode *parent = b->stack[b->depth - 1];
	if (parent->kind == PM_Y_SEQ) {
		parent->items =
			pm_xrealloc(parent->items, (parent->n + 1) * sizeof(*parent->items));
		parent->items[parent->n++] = n;
		return 0;
	}
	char **key = &b->pending_key[b->depth - 1];
	if (!*key) {
		if (n->kind != PM_Y_SCALAR) {
			pm_ynode_free(n);
			return fail_at(err, mark, "a mapping key must be a scalar");
		}
		for (size_t i = 0; i < parent->n; i++)
			if (!strcmp(parent->keys[i], n->value)) {
				int r = fail_at(err, mark, "duplicate key '%s'", n->value);
				pm_ynode_free(n);
				return r;
			}
		*key = pm_xstrdup(n->value);
		for (size_t i = 0; i < b->nanchors; i++)
			if (b->anchors[i].node == n) {
				b->anchors[i].owned =
					true; /* an anchored key: the table keeps it */
				return 0;
			}
		pm_ynode_free(n);
		return 0;
	}
	parent->items = pm_xrealloc(parent->items, (parent->n + 1) * sizeof(*parent->items));
	parent->keys = pm_xrealloc(parent->keys, (parent->n + 1) * sizeof(*parent->keys));
	parent->used = pm_xrealloc(parent->used, (parent->n + 1) * sizeof(*parent->used));
	parent->items[parent->n] = n;
	parent->keys[parent->n] = TAKE_PTR(*key);
	parent->used[parent->n] = false;
	parent->n++;
	return 0;
}

static void anchor_add(struct builder *b, const yaml_char_t *name, struct pm_ynode *n, bool done)
{
	if (!name)
		return;
	b->anchors = pm_xrealloc(b->anchors, (b->nanchors + 1) * sizeof(*b->anchors));
	b->anchors[b->nanchors++] = (struct anchor){pm_xstrdup((const char *)name), n, done, false};
}

static void anchors_clear(struct builder *b)
{
	for (size_t i = 0; i < b->nanchors; i++) {
		free(b->anchors[i].name);
		if (b->anchors[i].owned)
			pm_ynode_free(b->anchors[i].node);
	}
	free(b->anchors);
	b->anchors = NULL;
	b->nanchors = 0;
}

static void anchor_done(struct builder *b, const struct pm_ynode *n)
{
	for (size_t i = 0; i < b->nanchors; i++)
		if (b->anchors[i].node == n)
			b->anchors[i].done = true;
}

static void builder_clear(struct builder *b)
{
	for (size_t i = 0; i < b->depth; i++) {
		free(b->pending_key[i]);
		if (i == 0)
			pm_ynode_free(b->stack[0]); /* the others hang below it */
	}
	anchors_clear(b);
	pm_ynode_free(b->root);
	*b = (struct builder){0};
}

/* One event into the tree being built. Returns 1 at the end of a document (b->root holds
 * it), 0 to go on, or a negative errno. */
static int on_event(struct builder *b, const yaml_event_t *ev, pm_error **err)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct pm_ynode *n;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (!(n = node_new(b, PM_Y_SCALAR, m)))
			return fail_at(err, m, "the document is too large (over %d nodes)",
				       MAX_NODES);
		n->value = pm_xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		anchor_add(b, ev->data.scalar.anchor, n, true);
		return attach(b, n, m, err);
	case YAML_ALIAS_EVENT: {
		const struct anchor *a = NULL;
		for (size_t i = b->nanchors; i-- > 0;)
			if (!strcmp(b->anchors[i].name, (const char *)ev->data.alias.anchor)) {
				a = &b->anchors[i];
				break;
			}
		if (!a)
			return fail_at(err, m, "unknown anchor '%s'",
				       (const char *)ev->data.alias.anchor);
		if (!a->done)
			return fail_at(err, m, "alias '%s' inside its own anchor",
				       (const char *)ev->data.alias.anchor);
		if (!(n = node_copy(b, a->node)))
			return fail_at(err, m, "the document is too large (over %d nodes)",
				       MAX_NODES);
		return attach(b, n, m, err);
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth >= MAX_DEPTH)
			return fail_at(err, m, "nested too deeply (over %d levels)", MAX_DEPTH);
		if (b->depth > 0 && b->stack[b->depth - 1]->kind == PM_Y_MAP &&
		    !b->pending_key[b->depth - 1])
			return fail_at(err, m, "a mapping key must be a scalar");
		n = node_new(b, ev->type == YAML_SEQUENCE_START_EVENT ? PM_Y_SEQ : PM_Y_MAP, m);
		if (!n)
			return fail_at(err, m, "the document is too large (over %d nodes)",
				       MAX_NODES);
		anchor_add(b,
			   ev->type == YAML_SEQUENCE_START_EVENT ? ev->data.sequence_start.anchor
								 : ev->data.mapping_start.anchor,
			   n, false);
		/* attached to its parent now (the parent owns it from here on) */
		if (b->depth > 0) {
			int r = attach(b, n, m, err);
			if (r < 0)
				return r;
		}
		b->stack[b->depth] = n;
		b->pending_key[b->depth] = NULL;
		b->depth++;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		n = b->stack[--b->depth];
		anchor_done(b, n);
		if (b->depth == 0)
			b->root = n;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

int pm_yaml_parse(const char *data, size_t len, struct pm_ynode ***ret_docs, size_t *ret_n,
		  pm_error **err)
{
	*ret_docs = NULL;
	*ret_n = 0;
	int r = pm_dl_yaml(err);
	if (r < 0)
		return r;
	r = 0;
	yaml_parser_t parser;
	if (!sym_yaml_parser_initialize(&parser))
		return pm_error_set(err, ENOMEM, "yaml: cannot initialize the parser");
	sym_yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	struct builder b = {0};
	struct pm_ynode **docs = NULL;
	size_t ndocs = 0;
	for (bool end = false; !end && r >= 0;) {
		yaml_event_t ev;
		if (!sym_yaml_parser_parse(&parser, &ev)) {
			r = pm_error_set(
				err, EINVAL, "yaml: line %zu, column %zu: %s%s%s",
				parser.problem_mark.line + 1, parser.problem_mark.column + 1,
				parser.problem ? parser.problem : "cannot parse",
				parser.context ? " " : "", parser.context ? parser.context : "");
			break;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		r = on_event(&b, &ev, err);
		sym_yaml_event_delete(&ev);
		if (r == 1) {
			if (b.root && !pm_ynode_is_null(b.root)) {
				docs = pm_xrealloc(docs, (ndocs + 1) * sizeof(*docs));
				docs[ndocs++] = TAKE_PTR(b.root);
			}
			pm_ynode_free(TAKE_PTR(b.root));
			anchors_clear(&b);
			r = 0;
		}
	}
	sym_yaml_parser_delete(&parser);
	builder_clear(&b);
	if (r < 0) {
		pm_ynode_list_free(docs, ndocs);
		return r;
	}
	*ret_docs = docs;
	*ret_n = ndocs;
	return 0;
}
