/* cmd-info.c: `pm info` / `pm system info`: parses the flags and prints the host facts that
 * engine/info.c builds (podman's JSON shape), as YAML-like text, JSON or a Go template.
 * Runs outside the rootless namespace on purpose: it must work (and say what is wrong)
 * when the namespace cannot be made, e.g. without an /etc/subuid entry. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/info.h"
#include "lib/json.h"
#include "lib/strutil.h"

static const char usage[] =
	"Display pm related system information\n"
	"\n"
	"Usage:\n"
	"  pm info [options]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Change the output format to JSON or a Go template\n";

/* A YAML-ish rendering like podman's default output: nested keys indented by two. */
static void print_yaml(const json_t *v, int indent)
{
	const char *k;
	json_t *e;
	json_object_foreach((json_t *)v, k, e) {
		printf("%*s%s:", indent, "", k);
		if (json_is_object(e)) {
			if (json_object_size(e) == 0) {
				printf(" {}\n");
				continue;
			}
			printf("\n");
			print_yaml(e, indent + 2);
		} else if (json_is_array(e)) {
			printf("\n");
			size_t i;
			json_t *x;
			json_array_foreach(e, i, x) {
				if (json_is_object(x)) {
					bool first = true;
					const char *k2;
					json_t *e2;
					json_object_foreach(x, k2, e2) {
						_cleanup_free_ char *s =
							json_dumps(e2, JSON_ENCODE_ANY);
						printf("%*s%s %s: %s\n", indent, "",
						       first ? "-" : " ", k2,
						       json_is_string(e2) ? json_string_value(e2)
									  : s);
						first = false;
					}
				} else {
					printf("%*s- %s\n", indent, "",
					       json_is_string(x) ? json_string_value(x) : "?");
				}
			}
		} else if (json_is_string(e)) {
			const char *s = json_string_value(e);
			if (strchr(s, '\n'))
				printf(" |-\n%*s%s\n", indent + 2, "", s);
			else
				printf(" %s\n", s);
		} else if (json_is_null(e)) {
			printf(" null\n");
		} else {
			_cleanup_free_ char *s = json_dumps(e, JSON_ENCODE_ANY);
			printf(" %s\n", s);
		}
	}
}

int cmd_info(struct pm_cli *cli, int argc, char **argv)
{
	const char *format;
	int status;
	if (!pm_cli_parse_format_only(cli, argc, argv, usage, &format, &status))
		return status;
	struct pm_info_opts o = {.paths = &cli->paths, .storage_driver = cli->storage_driver};
	_cleanup_free_ char *text = pm_engine_info_json(&o);
	_cleanup_json_ json_t *info = json_loads(text, 0, NULL);
	if (!info)
		return pm_cli_errorf("cannot read the host information");
	if (format)
		return pm_output_format_one(format, info);
	print_yaml(info, 0);
	return 0;
}
