/* cmd-image-tree.c: `pm image tree [--whatrequires] IMAGE` (podman 4.3): the image's
 * header (id, tags, size) and its layers as a tree, as libimage's Tree() prints it: a
 * layer is "ID: <chain id, 12> Size: <%7s size> [Top Layer of: [tags]]", bottom layer
 * first; --whatrequires prints the image's top layer and every layer stored on top of it
 * (of any image), a branch for each of a layer's children when it has more than one. Layer ids are
 * the ones containers/image gives containers/storage: the first layer's diff id, then
 * sha256("PARENTID+DIFFHEX"); sizes the uncompressed layer size, go-units' 4 digits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/image-util.h"
#include "lib/strutil.h"
#include "storage/digest.h"
#include "storage/layerstore.h"

static const char tree_usage[] =
	"Prints layer hierarchy of an image in a tree format\n"
	"\n"
	"Description:\n"
	"  Prints layer hierarchy of an image in a tree format\n"
	"\n"
	"Usage:\n"
	"  pm image tree [options] IMAGE\n"
	"\n"
	"Examples:\n"
	"  pm image tree alpine:latest\n"
	"\n"
	"Options:\n"
	"      --whatrequires   Show all child images and layers of the specified image\n";

struct node {
	char id[PM_DIGEST_HEX_LEN + 1]; /* containers/storage's layer id */
	struct node *parent;
	uint64_t size;
	char **tags; /* names of the images whose top layer this is */
	struct node **children;
	size_t n_children;
};

struct forest {
	struct node **v;
	size_t n;
};

static struct node *find(struct forest *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i]->id, id))
			return f->v[i];
	return NULL;
}

/* go-units' HumanSizeWithPrecision(size, 4) */
static char *human4(uint64_t bytes)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
	double s = (double)bytes;
	size_t i = 0;
	while (s >= 1000.0 && i < sizeof(units) / sizeof(*units) - 1) {
		s /= 1000.0;
		i++;
	}
	return pm_xasprintf("%.4g%s", s, units[i]);
}

/* Go's %s of a []string */
static char *go_list(char *const *v)
{
	_cleanup_free_ char *j = pm_strv_join(v, " ");
	return pm_xasprintf("[%s]", j ? j : "");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every image's layers as nodes; ret_top gets img's top node (NULL: no layers) */
static int build(const struct pm_store *s, struct pm_image_record *imgs, size_t n, struct forest *f,
		 pm_error **err)
{
	for (size_t k = n; k-- > 0;) { /* oldest first: children in the order they were made */
		size_t i = k;
		struct node *parent = NULL;
		char chain[PM_DIGEST_HEX_LEN + 1] = "";
		for (size_t l = 0; l < imgs[i].n_layers; l++) {
			const char *diff = imgs[i].layers[l];
			if (l == 0) {
				snprintf(chain, sizeof(chain), "%s", pm_digest_hex(diff));
			} else {
				_cleanup_free_ char *in =
					pm_xasprintf("%s+%s", chain, pm_digest_hex(diff));
				pm_digest_buffer(in, strlen(in), chain);
			}
			struct node *nd = find(f, chain);
			if (!nd) {
				struct pm_layer_info li = {0};
				int r = pm_layer_get(s, diff, &li, err);
				if (r < 0)
					return r;
				nd = pm_xcalloc(1, sizeof(*nd));
				memcpy(nd->id, chain, sizeof(nd->id));
				nd->size = li.size;
				nd->parent = parent;
				pm_layer_info_free(&li);
				f->v = pm_xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
				f->v[f->n++] = nd;
				if (parent) {
					parent->children =
						pm_xrealloc(parent->children,
							    (parent->n_children + 1) *
								    sizeof(*parent->children));
					parent->children[parent->n_children++] = nd;
				}
			}
			parent = nd;
		}
		for (char **t = imgs[i].names; parent && t && *t; t++)
			pm_strv_push(&parent->tags, *t);
	}
	for (size_t i = 0; i < f->n; i++) {
		struct node *nd = f->v[i];
		if (nd->tags)
			qsort(nd->tags, pm_strv_length(nd->tags), sizeof(char *), cmp_str);
	}
	return 0;
}

static void forest_free(struct forest *f)
{
	for (size_t i = 0; i < f->n; i++) {
		pm_strv_free(f->v[i]->tags);
		free(f->v[i]->children);
		free(f->v[i]);
	}
	free(f->v);
}

/* gotree: a node's text, then its children prefixed "├── " / "└── ", their own children
 * indented by "│   " / "    " */
struct tree {
	char *text;
	struct tree **kids;
	size_t n;
};

static struct tree *tree_add(struct tree *t, char *text)
{
	struct tree *k = pm_xcalloc(1, sizeof(*k));
	k->text = text;
	t->kids = pm_xrealloc(t->kids, (t->n + 1) * sizeof(*t->kids));
	t->kids[t->n++] = k;
	return k;
}

static void tree_print(const struct tree *t, const char *prefix)
{
	for (size_t i = 0; i < t->n; i++) {
		bool last = i + 1 == t->n;
		printf("%s%s%s\n", prefix, last ? "└── " : "├── ", t->kids[i]->text);
		_cleanup_free_ char *p = pm_xasprintf("%s%s", prefix, last ? "    " : "│   ");
		tree_print(t->kids[i], p);
	}
}

static void tree_free(struct tree *t)
{
	for (size_t i = 0; i < t->n; i++)
		tree_free(t->kids[i]);
	free(t->kids);
	free(t->text);
	free(t);
}

static char *layer_line(const struct node *nd)
{
	_cleanup_free_ char *hs = human4(nd->size);
	_cleanup_free_ char *tags = nd->tags ? go_list(nd->tags) : NULL;
	return pm_xasprintf("ID: %.12s Size: %7s%s%s", nd->id, hs, tags ? " Top Layer of: " : "",
			    tags ? tags : "");
}

/* libimage's imageTreeTraverseChildren: a layer without siblings goes on in line under the
 * same parent; siblings each start a branch of their own */
static void add_children(const struct node *nd, struct tree *parent)
{
	struct tree *t = tree_add(parent, layer_line(nd));
	if (!nd->parent || nd->parent->n_children <= 1)
		t = parent;
	for (size_t i = 0; i < nd->n_children; i++)
		add_children(nd->children[i], t);
}

int cmd_image_tree(struct pm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{"help", no_argument, NULL, 'h'},
		{"whatrequires", no_argument, NULL, 'w'},
		{NULL, 0, NULL, 0},
	};
	struct pm_opt_state st = {0};
	bool whatrequires = false;
	int c;
	while ((c = pm_cli_getopt(cli, &st, argc, argv, "", opts, tree_usage)) != -1) {
		if (c == PM_OPT_EXIT)
			return st.status;
		if (c == 'w')
			whatrequires = true;
	}
	if (argc - optind != 1)
		return pm_cli_errorf("accepts 1 arg(s), received %d", argc - optind);
	_cleanup_error_ pm_error *err = NULL;
	_cleanup_store_ struct pm_store *s = NULL;
	if (pm_cli_open_store(cli, &s, &err) < 0)
		return pm_cli_error(err);
	struct pm_image_record rec = {0}, *imgs = NULL;
	size_t n = 0;
	struct forest f = {0};
	_cleanup_free_ char *tags = NULL, *size = NULL;
	int status = PM_EXIT_ERROR;
	if (pm_image_resolve(s, argv[optind], &rec, &err) < 0 ||
	    pm_image_list(s, &imgs, &n, &err) < 0 || build(s, imgs, n, &f, &err) < 0)
		goto out;
	struct node *top = NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(imgs[i].id, rec.id)) {
			/* the same walk as build's: find the top by the last diff's chain */
			struct node *nd = NULL;
			char chain[PM_DIGEST_HEX_LEN + 1] = "";
			for (size_t l = 0; l < imgs[i].n_layers; l++) {
				if (l == 0) {
					snprintf(chain, sizeof(chain), "%s",
						 pm_digest_hex(imgs[i].layers[0]));
				} else {
					_cleanup_free_ char *in = pm_xasprintf(
						"%s+%s", chain, pm_digest_hex(imgs[i].layers[l]));
					pm_digest_buffer(in, strlen(in), chain);
				}
				nd = find(&f, chain);
			}
			top = nd;
		}
	tags = go_list(rec.names);
	size = human4(rec.size);
	printf("Image ID: %.12s\nTags:     %s\nSize:     %s\n%s\n", rec.id, tags, size,
	       top ? "Image Layers" : "No Image Layers");
	struct tree *root = pm_xcalloc(1, sizeof(*root));
	if (top && whatrequires) {
		add_children(top, root);
	} else {
		size_t depth = 0;
		for (struct node *nd = top; nd; nd = nd->parent)
			depth++;
		struct node **chainv = pm_xcalloc(depth ? depth : 1, sizeof(*chainv));
		size_t i = depth;
		for (struct node *nd = top; nd; nd = nd->parent)
			chainv[--i] = nd;
		for (i = 0; i < depth; i++)
			tree_add(root, layer_line(chainv[i]));
		free(chainv);
	}
	tree_print(root, "");
	tree_free(root);
	status = 0;
out:
	if (err)
		status = pm_cli_error(err);
	forest_free(&f);
	pm_image_records_free(imgs, n);
	pm_image_record_free(&rec);
	return status;
}
