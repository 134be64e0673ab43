/*
 * elf: what Lambda cares about in a bootstrap, read from its ELF headers
 * (machine, executable or not, loader, needed libraries, glibc symbol
 * versions), and the checks against Amazon Linux 2023 that catch "GLIBC_2.38
 * not found", a missing loader or the wrong CPU before anything is uploaded.
 * The bytes are parsed here with every offset bounds-checked, so a truncated
 * or garbage file is an error, never a crash.  Only 64-bit little-endian ELF
 * is accepted: Lambda runs nothing else.
 */
#ifndef CZ_BUILD_ELF_H
#define CZ_BUILD_ELF_H

#include <stddef.h>

#include "base/err.h"
#include "base/strv.h"

/* The glibc of Amazon Linux 2023, under provided.al2023. */
#define BUILD_AL2023_GLIBC_MAJOR	2
#define BUILD_AL2023_GLIBC_MINOR	34

struct build_elf {
	unsigned	 machine;	/* e_machine: EM_X86_64, EM_AARCH64 */
	unsigned	 type;		/* e_type: ET_EXEC, ET_DYN, ... */
	int		 pie;		/* DT_FLAGS_1 has DF_1_PIE */
	/* PT_INTERP (the loader), or NULL */
	char		*interp;
	char		*soname;	/* DT_SONAME, or NULL */
	struct cz_strv	 needed;	/* DT_NEEDED, in file order */
	/* "GLIBC_2.34"...: versions needed */
	struct cz_strv	 glibc;
};

#define BUILD_ELF_INIT	\
	{ 0, 0, 0, NULL, NULL, CZ_STRV_INIT, CZ_STRV_INIT }

/*
 * Parses len bytes of an ELF file; name is what messages call it
 * ("bootstrap: truncated program headers").  0 and *e filled (release it),
 * or -1 and *err.
 */
int	build_elf_parse(const char *name, const void *, size_t len,
	    struct build_elf *e, struct cz_err *err);
/* The same for the file at path. */
int	build_elf_read(const char *path, const char *name,
	    struct build_elf *e, struct cz_err *err);
void	build_elf_release(struct build_elf *);

/* "x86_64", "aarch64", or NULL for a machine Lambda does not run. */
const char *build_elf_machine_name(unsigned machine);
/* e_machine for a provider.architecture ("x86_64", "arm64"); 0 if unknown. */
unsigned build_elf_arch_machine(const char *arch);

/* 1 if Amazon Linux 2023's glibc provides soname (libc.so.6, libm.so.6, the
 * loader...), so it need not ship in the zip; 0 if it must. */
int	build_elf_system_lib(const char *soname);

/*
 * The checks.  build_elf_check_exe: e is an executable for arch (the
 * provider.architecture name), either static or asking for the standard
 * loader, needing no glibc newer than Amazon Linux 2023's.
 * build_elf_check_lib: the same for a shared library shipped in lib/.
 * 0, or -1 and *err "name: is aarch64 but architecture is x86_64".  Which
 * needed libraries ship in the zip is the caller's business.
 */
int	build_elf_check_exe(const char *name, const struct build_elf *e,
	    const char *arch, struct cz_err *err);
int	build_elf_check_lib(const char *name, const struct build_elf *e,
	    const char *arch, struct cz_err *err);

#endif
