/*
 * The build function the CLI hands to stage/ (deploy, update): stage/ may
 * not reach build/, a folder beside it, so the two meet here, one layer up.
 */
#ifndef CZ_CLI_BUILD_HOOK_H
#define CZ_CLI_BUILD_HOOK_H

#include "stage/stage.h"

/*
 * A stage_build_fn: build_package for cfg, the compiler's warnings or
 * errors printed through ui, the result copied into *pkg.  arg unused.
 */
int	cli_build_package(const struct config *cfg, struct stage_package *pkg,
	    struct cz_err *err, void *arg);

#endif
