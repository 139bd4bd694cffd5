/* template-exec.c: executing a parsed template (template-parse.c) over a json_t: fields,
 * variables, pipelines, if/range/with, break/continue, calls into the function table
 * (template-funcs.c); and the header row of "table" formats (the same walk in header
 * mode). Must not print; value formatting is lib/gofmt.c. Called through lib/template.h.
 * Limits: output <= 16 MiB, bounded execution steps. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/template-internal.h"

/* ---- executor ---------------------------------------------------------------------------- */

static int xerr(struct exec *x, const char *at, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int xerr(struct exec *x, const char *at, size_t pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = one_line_vmsg(fmt, ap);
	va_end(ap);
	/* The action's source, shortened to keep the message readable. */
	size_t al = strlen(at);
	char *a = xstrndup(at, al > 80 ? 77 : al);
	one_line(a);
	int r;
	if (x->t && x->t->name) {
		/* Go's "template: NAME:LINE:COL: executing "NAME" at <...>: ..." */
		char *loc = pm_template_location(x->t, pos, true);
		r = pm_error_set(x->err, EINVAL, "template: %s: executing \"%s\" at <%s%s>: %s",
				 loc, x->t->name, a, al > 80 ? "..." : "", m ? m : "error");
		free(loc);
	} else {
		r = pm_error_set(x->err, EINVAL, "template: executing at <%s%s>: %s", a,
				 al > 80 ? "..." : "", m ? m : "error");
	}
	free(a);
	free(m);
	return r;
}

static void xvar_push(struct exec *x, const char *name, json_t *val)
{
	x->vars = grow(x->vars, &x->vcap, x->nvars, sizeof(*x->vars));
	x->vars[x->nvars++] = (struct var){name, val ? json_incref(val) : NULL};
}

static void xvars_pop(struct exec *x, size_t mark)
{
	while (x->nvars > mark) {
		struct var *v = &x->vars[--x->nvars];
		if (v->val)
			json_decref(v->val);
	}
}

static struct var *xvar_find(struct exec *x, const char *name)
{
	for (size_t i = x->nvars; i > 0; i--)
		if (strcmp(x->vars[i - 1].name, name) == 0)
			return &x->vars[i - 1];
	return NULL;
}

/* podman's header for a field: camel-case words upper-cased and joined with spaces
 * (fatih/camelcase), unless overridden by "Field=HEADER". */
static char *header_name(const char *field, const char *const *headers)
{
	size_t fl = strlen(field);
	for (int pass = 0; pass < 2 && headers; pass++)
		for (const char *const *h = headers; *h; h++) {
			const char *eq = strchr(*h, '=');
			if (!eq || (size_t)(eq - *h) != fl)
				continue;
			if (pass == 0 ? strncmp(*h, field, fl) != 0
				      : strncasecmp(*h, field, fl) != 0)
				continue;
			char *s = xstrndup(eq + 1, strlen(eq + 1));
			for (char *c = s; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 'a' + 'A');
			return s;
		}
	/* Split into runs of lower, upper, digit, other; then move the last upper letter of
	 * an upper run to a following lower run ("IDName" -> "ID Name"). */
	size_t n = fl;
	int *cls = xcalloc(n, sizeof(int));
	for (size_t i = 0; i < n; i++) {
		char c = field[i];
		cls[i] = (c >= 'a' && c <= 'z')	  ? 1
			 : (c >= 'A' && c <= 'Z') ? 2
			 : is_digit(c)		  ? 3
						  : 4;
	}
	/* run boundaries: start[i] true when a new run begins at i */
	bool *start = xcalloc(n + 1, sizeof(bool));
	for (size_t i = 0; i < n; i++)
		start[i] = i == 0 || cls[i] != cls[i - 1];
	for (size_t i = 1; i < n; i++) {
		/* a lower run takes the last letter of the upper run before it */
		if (start[i] && cls[i] == 1 && cls[i - 1] == 2) {
			start[i] = false;
			start[i - 1] = true;
		}
	}
	struct pm_gobuf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (start[i] && i > 0)
			pm_gobuf_addc(&b, ' ');
		char c = field[i];
		pm_gobuf_addc(&b, (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c);
	}
	free(cls);
	free(start);
	return b.s ? pm_gobuf_take(&b) : xstrndup("", 0);
}

/* Is the object under field (reached through parent, may be NULL) one of podman's Go maps
 * rather than a struct? Its keys are then data (labels, ports, options): looked up exactly,
 * and a missing one is Go's "<no value>", not an error. */
static bool is_map_field(const char *parent, const char *field)
{
	static const char *const maps[] = {
		"Labels",      "Annotations",  "PortBindings", "Ports",	      "Networks",
		"Sysctls",     "Tmpfs",	       "StorageOpt",   "TimeOffsets", "registries",
		"graphStatus", "graphOptions", "Options",      "Status",      "DriverOpts",
	};
	if (!field)
		return false;
	if (parent && !strcasecmp(parent, "LogConfig") && !strcasecmp(field, "Config"))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(maps); i++)
		if (!strcasecmp(field, maps[i]))
			return true;
	return false;
}

/* Field lookup: exact key first, then case-insensitive (Go matches a struct's field names
 * exactly: pm's JSON keys are podman's json tags, which differ in case); on a map (is_map)
 * exactly only, a missing key being null ("<no value>"). */
static int eval_field(struct exec *x, json_t *recv, const char *name, const char *at, size_t pos,
		      bool is_map, json_t **ret)
{
	if (is_map && (!recv || json_is_null(recv))) { /* a nil map: any key is missing */
		*ret = json_null();
		return 0;
	}
	if (json_is_object(recv)) {
		json_t *v = json_object_get(recv, name);
		if (!v && is_map) {
			*ret = json_null();
			return 0;
		}
		if (!v) {
			const char *k;
			json_t *e;
			json_object_foreach(recv, k, e) {
				if (strcasecmp(k, name) == 0) {
					v = e;
					break;
				}
			}
		}
		if (!v) {
			/* podman's Go field names whose json names differ by more than case */
			static const char *const go_json[][2] = {
				{"CgroupsVersion", "cgroupVersion"},	 /* info .Host */
				{"DefaultCapabilities", "capabilities"}, /* info .Host.Security */
				{"ContainerID", "container_id"},	 /* info idMappings */
				{"HostID", "host_id"},
			};
			for (size_t i = 0; !v && i < ARRAY_SIZE(go_json); i++)
				if (!strcmp(name, go_json[i][0]))
					v = json_object_get(recv, go_json[i][1]);
		}
		if (!v)
			return xerr(x, at, pos, "can't evaluate field %s", name);
		*ret = json_incref(v);
		return 0;
	}
	if (!recv || json_is_null(recv))
		return xerr(x, at, pos, "nil pointer evaluating interface {}.%s", name);
	return xerr(x, at, pos, "can't evaluate field %s in type %s", name,
		    pm_gofmt_typename(recv));
}

/* Apply a's field chain to base (borrowed). base NULL is the header-mode dot: the result
 * is the header for the chain's last field. */
static int eval_chain(struct exec *x, json_t *base, const struct arg *a, json_t **ret)
{
	if (!base && x->header) {
		if (a->nchain == 0) {
			*ret = jstr("", 0);
			return 0;
		}
		char *h = header_name(a->chain[a->nchain - 1], x->headers);
		*ret = jstr(h, strlen(h));
		free(h);
		return 0;
	}
	json_t *cur = base ? json_incref(base) : json_null();
	bool missing = false; /* Go's invalid value: a map's missing key, or a key of a nil map */
	for (size_t i = 0; i < a->nchain && !missing; i++) {
		json_t *next = NULL;
		bool is_map =
			i > 0 && is_map_field(i > 1 ? a->chain[i - 2] : NULL, a->chain[i - 1]);
		/* Go: indexing a nil map, or a field of the invalid value a missing key gives,
		 * is the zero value ("<no value>"), not an error */
		missing = is_map && (json_is_null(cur) ||
				     (json_is_object(cur) && !json_object_get(cur, a->chain[i])));
		int r = eval_field(x, cur, a->chain[i], a->src, a->pos, is_map, &next);
		json_decref(cur);
		if (r < 0)
			return r;
		cur = next;
	}
	*ret = cur;
	return 0;
}

static int eval_pipe(struct exec *x, const struct pipe *pp, json_t *dot, bool declare,
		     json_t **ret);
static int call_func(struct exec *x, const struct cmd *c, json_t *dot, json_t *final, json_t **ret);

static int eval_arg(struct exec *x, const struct arg *a, json_t *dot, json_t **ret)
{
	switch (a->type) {
	case A_DOT:
		*ret = dot ? json_incref(dot) : jstr("", 0);
		return 0;
	case A_FIELD:
		return eval_chain(x, dot, a, ret);
	case A_VAR: {
		struct var *v = xvar_find(x, a->name);
		if (!v)
			return xerr(x, a->src, a->pos, "undefined variable \"%s\"", a->name);
		if (!v->val && a->nchain == 0) {
			*ret = jstr("", 0);
			return 0;
		}
		return eval_chain(x, v->val, a, ret);
	}
	case A_PIPE: {
		json_t *v = NULL;
		int r = eval_pipe(x, a->pipe, dot, false, &v);
		if (r < 0)
			return r;
		if (a->nchain == 0) {
			*ret = v;
			return 0;
		}
		r = eval_chain(x, v, a, ret);
		json_decref(v);
		return r;
	}
	case A_CONST:
		*ret = json_incref(a->value);
		return 0;
	case A_NIL:
		*ret = json_null();
		return 0;
	case A_FUNC: {
		/* A function name as an argument is a call without arguments. */
		struct cmd c = {.args = (struct arg **)&a, .nargs = 1, .src = a->src};
		return call_func(x, &c, dot, NULL, ret);
	}
	}
	return -EINVAL;
}

static int eval_cmd(struct exec *x, const struct cmd *c, json_t *dot, json_t *final, json_t **ret)
{
	const struct arg *a0 = c->args[0];
	if (a0->type == A_FUNC)
		return call_func(x, c, dot, final, ret);
	if (a0->type == A_NIL)
		return xerr(x, c->src, c->pos, "nil is not a command");
	if (c->nargs > 1 || final)
		return xerr(x, c->src, c->pos, "can't give argument to non-function %s", a0->src);
	return eval_arg(x, a0, dot, ret);
}

static int eval_pipe(struct exec *x, const struct pipe *pp, json_t *dot, bool declare, json_t **ret)
{
	json_t *final = NULL;
	for (size_t i = 0; i < pp->ncmds; i++) {
		json_t *v = NULL;
		int r = eval_cmd(x, pp->cmds[i], dot, final, &v);
		if (final)
			json_decref(final);
		if (r < 0)
			return r;
		final = v;
	}
	if (declare && pp->ndecl == 1) {
		if (pp->assign) {
			struct var *v = xvar_find(x, pp->decl[0]);
			if (!v) {
				json_decref(final);
				return xerr(x, pp->decl[0], 0, "undefined variable");
			}
			if (v->val)
				json_decref(v->val);
			v->val = json_incref(final);
		} else {
			xvar_push(x, pp->decl[0], final);
		}
	}
	*ret = final;
	return 0;
}

static int call_func(struct exec *x, const struct cmd *c, json_t *dot, json_t *final, json_t **ret)
{
	const struct func *fn = c->args[0]->fn;
	size_t n = c->nargs - 1 + (final ? 1 : 0);
	if ((int)n < fn->min || (fn->max >= 0 && (int)n > fn->max)) {
		if (fn->max < 0)
			return xerr(x, c->args[0]->src, c->args[0]->pos,
				    "wrong number of args for %s: want at least %d got %zu",
				    fn->name, fn->min, n);
		return xerr(x, c->args[0]->src, c->args[0]->pos,
			    "wrong number of args for %s: want %d got %zu", fn->name, fn->min, n);
	}
	/* and/or evaluate lazily and return the deciding argument. */
	if (!fn->fn) {
		bool is_and = fn->name[0] == 'a';
		json_t *v = NULL;
		for (size_t i = 0; i < n; i++) {
			if (v)
				json_decref(v);
			v = NULL;
			if (i < c->nargs - 1) {
				int r = eval_arg(x, c->args[i + 1], dot, &v);
				if (r < 0)
					return r;
			} else {
				v = json_incref(final);
			}
			if (truth(v) != is_and)
				break;
		}
		*ret = v;
		return 0;
	}
	json_t **args = xcalloc(n, sizeof(*args));
	int r = 0;
	for (size_t i = 0; i < c->nargs - 1; i++) {
		r = eval_arg(x, c->args[i + 1], dot, &args[i]);
		if (r < 0)
			goto out;
	}
	if (final)
		args[n - 1] = json_incref(final);
	char *msg = NULL;
	r = fn->fn(x, args, n, ret, &msg);
	if (r < 0) {
		r = xerr(x, c->src, c->args[0]->pos, "%s", msg ? msg : "error");
		free(msg);
	}
out:
	for (size_t i = 0; i < n; i++)
		if (args[i])
			json_decref(args[i]);
	free(args);
	return r;
}

static int walk(struct exec *x, const struct list *l, json_t *dot);

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int walk_range(struct exec *x, const struct node *nd, json_t *dot)
{
	json_t *v = NULL;
	int r = eval_pipe(x, nd->pipe, dot, false, &v);
	if (r < 0)
		return r;
	size_t mark = x->nvars;
	const struct pipe *pp = nd->pipe;
	size_t count = 0;
	/* the top-level object stands for podman's struct: no range (Go's walkRange) */
	bool is_struct = json_is_object(v) && v == x->root && !x->header;
	if (json_is_array(v) || (json_is_object(v) && !is_struct) ||
	    (x->header && json_is_string(v))) {
		const char **keys = NULL;
		if (json_is_array(v))
			count = json_array_size(v);
		else if (json_is_object(v))
			count = json_object_size(v);
		else
			count = 1;
		if (json_is_object(v)) {
			/* Go ranges over a map in sorted key order. */
			keys = xcalloc(count, sizeof(*keys));
			size_t i = 0;
			const char *k;
			json_t *e;
			json_object_foreach(v, k, e)
				keys[i++] = k;
			count = i;
			qsort(keys, count, sizeof(*keys), cmp_keys);
		}
		for (size_t i = 0; i < count && r >= 0; i++) {
			if (++x->steps > MAX_STEPS) {
				r = pm_error_set(x->err, EINVAL, "template: execution too long");
				break;
			}
			json_t *elem;
			if (json_is_array(v))
				elem = json_array_get(v, i);
			else if (keys)
				elem = json_object_get(v, keys[i]);
			else
				elem = v;
			if (pp->ndecl == 2) {
				json_t *key = keys ? jstr(keys[i], strlen(keys[i]))
						   : xj(json_integer((json_int_t)i));
				xvar_push(x, pp->decl[0], key);
				json_decref(key);
			}
			if (pp->ndecl >= 1)
				xvar_push(x, pp->decl[pp->ndecl - 1], elem);
			r = walk(x, &nd->body, elem);
			xvars_pop(x, mark);
			if (x->flow == FLOW_BREAK) {
				x->flow = FLOW_NONE;
				break;
			}
			x->flow = FLOW_NONE;
		}
		free(keys);
	} else if (v && !json_is_null(v)) {
		struct pm_gobuf b = {0};
		if (is_struct) { /* Go's %v of a struct: its values in field order */
			const char *k;
			json_t *e;
			pm_gobuf_addc(&b, '{');
			json_object_foreach(v, k, e) {
				if (b.len > 1)
					pm_gobuf_addc(&b, ' ');
				pm_gofmt_value(&b, e, false);
			}
			pm_gobuf_addc(&b, '}');
		} else {
			pm_gofmt_value(&b, v, false);
		}
		/* Go names the pipeline's last command (<.>, <.Version>, <upper>) */
		const char *at = pp->ncmds ? pp->cmds[pp->ncmds - 1]->src : "range";
		size_t pos = pp->ncmds ? pp->cmds[pp->ncmds - 1]->pos : 0;
		r = xerr(x, at ? at : "range", pos, "range can't iterate over %s", b.s ? b.s : "");
		pm_gobuf_done(&b);
	}
	if (r >= 0 && count == 0)
		r = walk(x, &nd->else_body, dot);
	xvars_pop(x, mark);
	json_decref(v);
	return r;
}

/* The last field name of a pipeline that ends in a field chain ({{.HostConfig.PortBindings}}:
 * "PortBindings"), else NULL: how its value prints (a struct or a map) depends on it. */
static const char *last_field(const struct pipe *pp)
{
	if (!pp->ncmds)
		return NULL;
	const struct cmd *c = pp->cmds[pp->ncmds - 1];
	if (c->nargs != 1 || !c->args[0]->nchain)
		return NULL;
	return c->args[0]->chain[c->args[0]->nchain - 1];
}

static int walk(struct exec *x, const struct list *l, json_t *dot)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct node *nd = l->v[i];
		int r = 0;
		if (++x->steps > MAX_STEPS)
			return pm_error_set(x->err, EINVAL, "template: execution too long");
		switch (nd->type) {
		case N_TEXT:
			pm_gobuf_add(&x->out, nd->text, nd->text_len);
			break;
		case N_ACTION: {
			json_t *v = NULL;
			r = eval_pipe(x, nd->pipe, dot, true, &v);
			if (r < 0)
				return r;
			if (nd->pipe->ndecl == 0)
				pm_gofmt_value_field(&x->out, v, true, last_field(nd->pipe));
			json_decref(v);
			break;
		}
		case N_IF:
		case N_WITH: {
			size_t mark = x->nvars;
			json_t *v = NULL;
			r = eval_pipe(x, nd->pipe, dot, true, &v);
			if (r < 0)
				return r;
			if (truth(v))
				r = walk(x, &nd->body, nd->type == N_IF ? dot : v);
			else
				r = walk(x, &nd->else_body, dot);
			json_decref(v);
			xvars_pop(x, mark);
			break;
		}
		case N_RANGE:
			r = walk_range(x, nd, dot);
			break;
		case N_BREAK:
			x->flow = FLOW_BREAK;
			return 0;
		case N_CONTINUE:
			x->flow = FLOW_CONTINUE;
			return 0;
		}
		if (r < 0)
			return r;
		if (x->flow != FLOW_NONE)
			return 0;
		if (x->out.len > MAX_OUTPUT)
			return pm_error_set(x->err, EINVAL,
					    "template: output too large (limit %u bytes)",
					    MAX_OUTPUT);
	}
	return 0;
}

static int execute(const pm_template *t, json_t *data, bool header, const char *const *headers,
		   char **ret, pm_error **err)
{
	struct exec x = {.err = err, .header = header, .headers = headers, .root = data, .t = t};
	xvar_push(&x, "$", data);
	int r = t ? walk(&x, &t->root, data) : 0;
	xvars_pop(&x, 0);
	free(x.vars);
	if (r < 0) {
		pm_gobuf_done(&x.out);
		return r;
	}
	*ret = pm_gobuf_take(&x.out);
	return 0;
}

int pm_template_render(const pm_template *t, const json_t *data, char **ret, pm_error **err)
{
	/* The data is only read; references are taken to share values while executing. */
	json_t *d = (json_t *)data;
	if (!d)
		d = json_null();
	return execute(t, d, false, NULL, ret, err);
}

int pm_template_header(const pm_template *t, const char *const *headers, char **ret, pm_error **err)
{
	return execute(t, NULL, true, headers, ret, err);
}
