/*
 * The command table, in the order `czappa --help` lists them (tmux's
 * cmd_table).  Adding a command: write src/commands/<name>.c exporting
 * `const struct cli_command cmd_<name>`, list it here and in
 * src/commands/meson.build, and add tests/commands/<name>.sh.
 */
#include <stddef.h>

#include "cli/cli.h"

extern const struct cli_command cmd_init, cmd_local, cmd_package, cmd_deploy,
    cmd_update, cmd_status, cmd_invoke, cmd_map, cmd_tail, cmd_rollback,
    cmd_undeploy, cmd_whoami;

const struct cli_command *const cli_commands[] = {
	&cmd_init,
	&cmd_local,
	&cmd_package,
	&cmd_deploy,
	&cmd_update,
	&cmd_status,
	&cmd_invoke,
	&cmd_map,
	&cmd_tail,
	&cmd_rollback,
	&cmd_undeploy,
	&cmd_whoami,
	NULL
};
