/*
 * elf: see elf.h.  The dynamic section and the version-needs table are found
 * through the program headers, as the loader finds them, not through section
 * headers (which `strip` may remove).  Every read goes through s_range(), so
 * no offset from the file is trusted.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "build/elf.h"

/* Limits on tables read from the file, so a crafted loop ends. */
#define ELF_MAX_PHDRS		4096
#define ELF_MAX_VERNEED		4096

struct elf_image {
	const unsigned char	*p;
	size_t			 len;
	Elf64_Phdr		 ph[ELF_MAX_PHDRS];
	size_t			 nph;
};

/* 1 if [off, off + n) lies inside the image. */
static int
s_range(const struct elf_image *im, uint64_t off, uint64_t n)
{
	return off <= im->len && n <= im->len - off;
}

/* File offset of virtual address a, through the PT_LOAD segments; 0 and *off,
 * or -1 when no segment maps it from the file. */
static int
s_vaddr(const struct elf_image *im, uint64_t a, uint64_t *off)
{
	const Elf64_Phdr	*ph;
	size_t			 i;

	for (i = 0; i < im->nph; i++) {
		ph = &im->ph[i];
		if (ph->p_type != PT_LOAD)
			continue;
		if (a >= ph->p_vaddr && a - ph->p_vaddr < ph->p_filesz) {
			*off = ph->p_offset + (a - ph->p_vaddr);
			return s_range(im, *off, 1) ? 0 : -1;
		}
	}
	return -1;
}

/* The NUL-terminated string at strtab + i, or NULL if it runs off the table. */
static const char *
s_str(const struct elf_image *im, uint64_t strtab, uint64_t strsz, uint64_t i)
{
	const char	*s;

	if (i >= strsz || !s_range(im, strtab, strsz))
		return NULL;
	s = (const char *)im->p + strtab + i;
	if (memchr(s, '\0', strsz - i) == NULL)
		return NULL;
	return s;
}

static int
s_verneed(const char *name, struct elf_image *im, uint64_t off,
    uint64_t count, uint64_t strtab, uint64_t strsz, struct build_elf *e,
    struct cz_err *err)
{
	Elf64_Verneed	 vn;
	Elf64_Vernaux	 va;
	const char	*s;
	uint64_t	 aoff, i, j, seen = 0;

	if (count > ELF_MAX_VERNEED)
		return cz_errf(err, "%s: %llu version needs is too many", name,
		    (unsigned long long)count);
	for (i = 0; i < count; i++) {
		if (!s_range(im, off, sizeof(vn)))
			return cz_errf(err, "%s: truncated version needs",
			    name);
		memcpy(&vn, im->p + off, sizeof(vn));
		aoff = off + vn.vn_aux;
		for (j = 0; j < vn.vn_cnt; j++) {
			if (++seen > ELF_MAX_VERNEED)
				return cz_errf(err, "%s: too many version "
				    "needs", name);
			if (!s_range(im, aoff, sizeof(va)))
				return cz_errf(err, "%s: truncated version "
				    "needs", name);
			memcpy(&va, im->p + aoff, sizeof(va));
			if ((s = s_str(im, strtab, strsz, va.vna_name)) ==
			    NULL)
				return cz_errf(err, "%s: bad version name",
				    name);
			if (strncmp(s, "GLIBC_", 6) == 0 &&
			    cz_strv_find(&e->glibc, s) == -1)
				cz_strv_push(&e->glibc, s);
			if (va.vna_next == 0)
				break;
			aoff += va.vna_next;
		}
		if (vn.vn_next == 0)
			break;
		if (off + vn.vn_next < off)
			return cz_errf(err, "%s: bad version needs", name);
		off += vn.vn_next;
	}
	return 0;
}

static int
s_dynamic(const char *name, struct elf_image *im, const Elf64_Phdr *dph,
    struct build_elf *e, struct cz_err *err)
{
	Elf64_Dyn	 d;
	uint64_t	 i, n, strtab_va = 0, strsz = 0, verneed_va = 0;
	uint64_t	 verneednum = 0, strtab, vnoff, soname = 0;
	uint64_t	*needed = NULL;
	size_t		 nneeded = 0;
	const char	*s;
	int		 has_strtab = 0, has_soname = 0, rc = -1;

	if (!s_range(im, dph->p_offset, dph->p_filesz))
		return cz_errf(err, "%s: truncated dynamic section", name);
	n = dph->p_filesz / sizeof(d);
	needed = cz_xcalloc(n ? n : 1, sizeof(*needed));
	for (i = 0; i < n; i++) {
		memcpy(&d, im->p + dph->p_offset + i * sizeof(d), sizeof(d));
		if (d.d_tag == DT_NULL)
			break;
		switch (d.d_tag) {
		case DT_NEEDED:
			needed[nneeded++] = d.d_un.d_val;
			break;
		case DT_STRTAB:
			strtab_va = d.d_un.d_ptr;
			has_strtab = 1;
			break;
		case DT_STRSZ:
			strsz = d.d_un.d_val;
			break;
		case DT_SONAME:
			soname = d.d_un.d_val;
			has_soname = 1;
			break;
		case DT_VERNEED:
			verneed_va = d.d_un.d_ptr;
			break;
		case DT_VERNEEDNUM:
			verneednum = d.d_un.d_val;
			break;
		case DT_FLAGS_1:
			if (d.d_un.d_val & DF_1_PIE)
				e->pie = 1;
			break;
		}
	}
	if (nneeded == 0 && !has_soname && verneednum == 0) {
		rc = 0;
		goto out;
	}
	if (!has_strtab || s_vaddr(im, strtab_va, &strtab) == -1 ||
	    !s_range(im, strtab, strsz)) {
		cz_errf(err, "%s: dynamic string table is outside the file",
		    name);
		goto out;
	}
	for (i = 0; i < nneeded; i++) {
		if ((s = s_str(im, strtab, strsz, needed[i])) == NULL) {
			cz_errf(err, "%s: bad needed library name", name);
			goto out;
		}
		cz_strv_push(&e->needed, s);
	}
	if (has_soname) {
		if ((s = s_str(im, strtab, strsz, soname)) == NULL) {
			cz_errf(err, "%s: bad soname", name);
			goto out;
		}
		e->soname = cz_xstrdup(s);
	}
	if (verneednum > 0) {
		if (s_vaddr(im, verneed_va, &vnoff) == -1) {
			cz_errf(err, "%s: version needs are outside the file",
			    name);
			goto out;
		}
		if (s_verneed(name, im, vnoff, verneednum, strtab, strsz, e,
		    err) == -1)
			goto out;
	}
	rc = 0;
out:
	free(needed);
	return rc;
}

int
build_elf_parse(const char *name, const void *p, size_t len,
    struct build_elf *e, struct cz_err *err)
{
	struct elf_image	*im = NULL;
	Elf64_Ehdr		 eh;
	const unsigned char	*b = p;
	const Elf64_Phdr	*dyn = NULL;
	Elf64_Phdr		*ph;
	size_t			 i;
	int			 rc = -1;

	memset(e, 0, sizeof(*e));
	if (len < SELFMAG || memcmp(b, ELFMAG, SELFMAG) != 0)
		return cz_errf(err, "%s: not an ELF file", name);
	if (len < EI_NIDENT)
		return cz_errf(err, "%s: truncated ELF header", name);
	if (b[EI_CLASS] == ELFCLASS32)
		return cz_errf(err, "%s: is a 32-bit ELF file; Lambda runs "
		    "64-bit x86_64 or arm64", name);
	if (b[EI_CLASS] != ELFCLASS64)
		return cz_errf(err, "%s: unknown ELF class %u", name,
		    b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB)
		return cz_errf(err, "%s: is not little-endian; Lambda runs "
		    "x86_64 or arm64", name);
	if (len < sizeof(eh))
		return cz_errf(err, "%s: truncated ELF header", name);
	memcpy(&eh, b, sizeof(eh));
	e->machine = eh.e_machine;
	e->type = eh.e_type;
	if (eh.e_phnum == 0)
		return 0;
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return cz_errf(err, "%s: program header size %u is not %zu",
		    name, eh.e_phentsize, sizeof(Elf64_Phdr));

	im = cz_xcalloc(1, sizeof(*im));
	im->p = b;
	im->len = len;
	if (eh.e_phnum > ELF_MAX_PHDRS ||
	    !s_range(im, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(*ph))) {
		cz_errf(err, "%s: truncated program headers", name);
		goto out;
	}
	im->nph = eh.e_phnum;
	memcpy(im->ph, b + eh.e_phoff, im->nph * sizeof(*ph));
	for (i = 0; i < im->nph; i++) {
		ph = &im->ph[i];
		if (ph->p_type == PT_DYNAMIC)
			dyn = ph;
		/* A bootstrap cut short (a full disk, an interrupted copy)
		 * shows here: the loader would map bytes that are not there. */
		if (ph->p_type == PT_LOAD &&
		    !s_range(im, ph->p_offset, ph->p_filesz)) {
			cz_errf(err, "%s: truncated: a loadable segment ends "
			    "past the end of the file", name);
			goto out;
		}
		if (ph->p_type != PT_INTERP || e->interp != NULL)
			continue;
		if (ph->p_filesz == 0 ||
		    !s_range(im, ph->p_offset, ph->p_filesz) ||
		    memchr(b + ph->p_offset, '\0', ph->p_filesz) == NULL) {
			cz_errf(err, "%s: bad interpreter path", name);
			goto out;
		}
		e->interp = cz_xstrdup((const char *)b + ph->p_offset);
	}
	if (dyn != NULL && s_dynamic(name, im, dyn, e, err) == -1)
		goto out;
	rc = 0;
out:
	free(im);
	if (rc == -1)
		build_elf_release(e);
	return rc;
}

int
build_elf_read(const char *path, const char *name, struct build_elf *e,
    struct cz_err *err)
{
	struct cz_buf	b = CZ_BUF_INIT;
	int		rc;

	memset(e, 0, sizeof(*e));
	if (cz_file_read(path, &b, err) == -1)
		return -1;
	rc = build_elf_parse(name, b.s, b.len, e, err);
	cz_buf_release(&b);
	return rc;
}

void
build_elf_release(struct build_elf *e)
{
	free(e->interp);
	free(e->soname);
	cz_strv_release(&e->needed);
	cz_strv_release(&e->glibc);
	memset(e, 0, sizeof(*e));
}

const char *
build_elf_machine_name(unsigned machine)
{
	switch (machine) {
	case EM_X86_64:
		return "x86_64";
	case EM_AARCH64:
		return "aarch64";
	case EM_386:
		return "i386";
	case EM_ARM:
		return "arm";
	case EM_RISCV:
		return "riscv";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390";
	}
	return NULL;
}

unsigned
build_elf_arch_machine(const char *arch)
{
	if (strcmp(arch, "x86_64") == 0)
		return EM_X86_64;
	if (strcmp(arch, "arm64") == 0)
		return EM_AARCH64;
	return 0;
}

/* The loader Amazon Linux 2023 has for each architecture. */
static const char *
s_loader(unsigned machine)
{
	return machine == EM_AARCH64 ? "/lib/ld-linux-aarch64.so.1" :
	    "/lib64/ld-linux-x86-64.so.2";
}

int
build_elf_system_lib(const char *soname)
{
	/* glibc's own libraries: Amazon Linux 2023 has them, and they must
	 * match its loader, so they are never shipped. */
	static const char *const libs[] = {
		"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2",
		"librt.so.1", "libresolv.so.2", "libutil.so.1", "libanl.so.1",
		"libnsl.so.1", "libBrokenLocale.so.1", "libmvec.so.1",
		"libthread_db.so.1", "ld-linux-x86-64.so.2",
		"ld-linux-aarch64.so.1", NULL
	};
	size_t	i;

	for (i = 0; libs[i] != NULL; i++)
		if (strcmp(libs[i], soname) == 0)
			return 1;
	return strncmp(soname, "libnss_", 7) == 0;
}

/* Compares "GLIBC_2.38" with Amazon Linux 2023's: 1 if newer, 0 if not, -1 if
 * it is not a numbered version (GLIBC_PRIVATE). */
static int
s_glibc_newer(const char *v)
{
	char		*end;
	unsigned long	 major, minor = 0;

	v += 6;
	if (*v < '0' || *v > '9')
		return -1;
	major = strtoul(v, &end, 10);
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		minor = strtoul(end + 1, &end, 10);
	}
	if (major != BUILD_AL2023_GLIBC_MAJOR)
		return major > BUILD_AL2023_GLIBC_MAJOR;
	return minor > BUILD_AL2023_GLIBC_MINOR;
}

/* What both executables and libraries must satisfy. */
static int
s_check_common(const char *name, const struct build_elf *e, const char *arch,
    struct cz_err *err)
{
	const char	*is;
	unsigned	 want;
	size_t		 i;
	int		 newer;

	if ((want = build_elf_arch_machine(arch)) == 0)
		return cz_errf(err, "%s: unknown architecture %s (x86_64 or "
		    "arm64)", name, arch);
	if (e->machine != want) {
		is = build_elf_machine_name(e->machine);
		if (is == NULL)
			return cz_errf(err, "%s: is for ELF machine %u but "
			    "architecture is %s", name, e->machine, arch);
		return cz_errf(err, "%s: is %s but architecture is %s", name,
		    is, arch);
	}
	for (i = 0; i < e->glibc.n; i++) {
		newer = s_glibc_newer(e->glibc.v[i]);
		if (newer == -1)
			return cz_errf(err, "%s: needs %s, which only the "
			    "glibc it was built against has", name,
			    e->glibc.v[i]);
		if (newer)
			return cz_errf(err, "%s: needs %s but Amazon Linux "
			    "2023 has %d.%d", name, e->glibc.v[i],
			    BUILD_AL2023_GLIBC_MAJOR,
			    BUILD_AL2023_GLIBC_MINOR);
	}
	return 0;
}

int
build_elf_check_exe(const char *name, const struct build_elf *e,
    const char *arch, struct cz_err *err)
{
	const char	*loader;

	if (e->type == ET_REL)
		return cz_errf(err, "%s: is an object file, not an executable",
		    name);
	if (e->type == ET_DYN && e->interp == NULL && !e->pie)
		return cz_errf(err, "%s: is a shared library, not an "
		    "executable", name);
	if (e->type != ET_EXEC && e->type != ET_DYN)
		return cz_errf(err, "%s: is not an executable (ELF type %u)",
		    name, e->type);
	if (s_check_common(name, e, arch, err) == -1)
		return -1;
	if (e->interp == NULL) {
		if (e->needed.n > 0)
			return cz_errf(err, "%s: needs %s but has no loader",
			    name, e->needed.v[0]);
		return 0;
	}
	loader = s_loader(e->machine);
	if (strcmp(e->interp, loader) != 0)
		return cz_errf(err, "%s: asks for loader %s, which Amazon "
		    "Linux 2023 lacks (it has %s)", name, e->interp, loader);
	return 0;
}

int
build_elf_check_lib(const char *name, const struct build_elf *e,
    const char *arch, struct cz_err *err)
{
	if (e->type != ET_DYN)
		return cz_errf(err, "%s: is not a shared library", name);
	return s_check_common(name, e, arch, err);
}
