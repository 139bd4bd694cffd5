/* cmd-version.c: `pm version [--format]`, podman's shape (Client section; templates may
 * name .Server too, and fall back to the client alone as podman's do). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/info.h"
#include "lib/json.h"
#include "lib/strutil.h"
#include "lib/template.h"

static const char usage[] =
	"Display the pm version information\n"
	"\n"
	"Usage:\n"
	"  pm version [options]\n"
	"\n"
	"Options:\n"
	"  -f, --format string   Change the output format to JSON or a Go template\n";

int cmd_version(struct pm_cli *cli, int argc, char **argv)
{
	const char *format;
	int status;
	if (!pm_cli_parse_format_only(cli, argc, argv, usage, &format, &status))
		return status;

	_cleanup_free_ char *text = pm_engine_version_json();
	_cleanup_json_ json_t *client = text ? json_loads(text, 0, NULL) : NULL;
	if (!client)
		return pm_cli_errorf("cannot build the version information");
	_cleanup_json_ json_t *doc = json_pack("{s:O}", "Client", client);

	if (format && strcmp(format, "json") && strcmp(format, "{{json .}}")) {
		/* podman's: a template names .Client or .Server (the same, locally); when it
		 * fails on that, it runs again on the client alone ({{.Version}}) */
		json_object_set(doc, "Server", client);
		_cleanup_template_ pm_template *t = NULL;
		_cleanup_free_ char *out = NULL;
		bool on_doc = pm_template_parse(format, &t, NULL, NULL) < 0 ||
			      pm_template_render(t, doc, &out, NULL) == 0;
		return pm_output_format_one(format, on_doc ? doc : client);
	}
	if (format)
		return pm_output_format_one(format, doc);

	printf("Version:      %s\n", PM_VERSION);
	printf("API Version:  %s\n", PM_VERSION);
	printf("Go Version:   none (C)\n");
	printf("Built:        %s\n", "-");
	printf("OS/Arch:      %s\n", json_string_value(json_object_get(client, "OsArch")));
	return 0;
}
