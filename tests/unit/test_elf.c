/*
 * test_elf: build/elf.h against real binaries the system compiler makes at
 * run time (static, static-pie, dynamic, shared library, object file), the
 * same binaries patched to lie (other CPU, newer glibc, odd loader), and
 * truncated, fuzzed and garbage files, which must give an error, not a crash.
 */
#include <sys/stat.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/xmalloc.h"
#include "build/elf.h"
#include "t.h"

static char	*tmp;

static const char hello_c[] =
    "#include <stdio.h>\n"
    "int main(void) { puts(\"hello\"); return 0; }\n";

/* Uses arc4random, new in glibc 2.36: a real binary Amazon Linux 2023's
 * 2.34 cannot run. */
static const char newglibc_c[] =
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"

/* Enough mutants to reach every bounds check; more only slows ASan runs. */
#define FUZZ_N	1000
    "int main(void) { printf(\"%u\\n\", arc4random()); return 0; }\n";

static const char lib_c[] = "int triple(int x) { return 3 * x; }\n";

static char *
s_path(const char *name)
{
	return cz_xasprintf("%s/%s", tmp, name);
}

/* Runs argv; 1 if it exited 0, else prints its output as a diagnostic. */
static int
s_run(const char *const *argv)
{
	struct cz_buf	out = CZ_BUF_INIT;
	struct cz_proc	p;
	struct cz_err	err;
	int		ok;

	memset(&p, 0, sizeof(p));
	p.argv = argv;
	p.dir = tmp;
	p.out = &out;
	p.errout = &out;
	p.timeout_ms = 120000;
	ok = cz_proc_run(&p, &err) == 0 && p.status == 0;
	if (!ok)
		printf("# %s failed: %s\n", argv[0], out.s);
	cz_buf_release(&out);
	return ok;
}

static void
s_write(const char *name, const char *text)
{
	struct cz_err	 err;
	char		*p = s_path(name);

	if (cz_file_write(p, text, strlen(text), 0644, &err) == -1)
		printf("# write %s: %s\n", p, err.msg);
	free(p);
}

static void
s_read(const char *name, struct cz_buf *b)
{
	struct cz_err	 err;
	char		*p = s_path(name);

	cz_buf_reset(b);
	if (cz_file_read(p, b, &err) == -1)
		printf("# read %s: %s\n", p, err.msg);
	free(p);
}

/* Replaces the first occurrence of from by to (same length) in b; 1 if
 * found. */
static int
s_patch(struct cz_buf *b, const char *from, const char *to)
{
	size_t	n = strlen(from), i;

	for (i = 0; i + n <= b->len; i++)
		if (memcmp(b->s + i, from, n) == 0) {
			memcpy(b->s + i, to, n);
			return 1;
		}
	return 0;
}

/* Parses an exact-size heap copy, so a read past the end is a real bug a
 * sanitizer or valgrind would see. */
static int
s_parse(const void *p, size_t n, struct build_elf *e, struct cz_err *err)
{
	void	*copy = cz_xmalloc(n ? n : 1);
	int	 rc;

	memcpy(copy, p, n);
	rc = build_elf_parse("bootstrap", copy, n, e, err);
	free(copy);
	return rc;
}

static void
s_build_fixtures(void)
{
	const char *const	 cmds[][10] = {
		{ "cc", "-o", "static", "-static", "hello.c", NULL },
		{ "cc", "-o", "staticpie", "-static-pie", "hello.c", NULL },
		{ "cc", "-o", "dynamic", "hello.c", NULL },
		{ "cc", "-o", "nopie", "-no-pie", "hello.c", NULL },
		{ "cc", "-o", "newglibc", "newglibc.c", NULL },
		{ "cc", "-o", "libtriple.so", "-shared", "-fPIC",
		  "-Wl,-soname,libtriple.so.1", "lib.c", NULL },
		{ "cc", "-c", "-o", "hello.o", "hello.c", NULL },
	};
	size_t			 i;

	s_write("hello.c", hello_c);
	s_write("newglibc.c", newglibc_c);
	s_write("lib.c", lib_c);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		T_OK(s_run(cmds[i]), "fixture: %s %s", cmds[i][0],
		    cmds[i][2]);
}

/* Real binaries as the compiler makes them. */
static void
test_real(void)
{
	static const struct {
		const char	*file, *arch;
		unsigned	 type;
		int		 interp, libc;
		const char	*want;	/* check_exe's error, NULL: passes */
	} cases[] = {
		{ "static", "x86_64", ET_EXEC, 0, 0, NULL },
		{ "staticpie", "x86_64", ET_DYN, 0, 0, NULL },
		{ "dynamic", "x86_64", ET_DYN, 1, 1, NULL },
		{ "nopie", "x86_64", ET_EXEC, 1, 1, NULL },
		{ "static", "arm64", ET_EXEC, 0, 0,
		  "bootstrap: is x86_64 but architecture is arm64" },
		{ "static", "ppc", ET_EXEC, 0, 0,
		  "bootstrap: unknown architecture ppc (x86_64 or arm64)" },
		{ "newglibc", "x86_64", ET_DYN, 1, 1,
		  "bootstrap: needs GLIBC_2.36 but Amazon Linux 2023 has "
		  "2.34" },
		{ "libtriple.so", "x86_64", ET_DYN, 0, 0,
		  "bootstrap: is a shared library, not an executable" },
		{ "hello.o", "x86_64", ET_REL, 0, 0,
		  "bootstrap: is an object file, not an executable" },
	};
	struct build_elf	 e;
	struct cz_err		 err;
	char			*p;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = s_path(cases[i].file);
		rc = build_elf_read(p, "bootstrap", &e, &err);
		free(p);
		if (!T_OK(rc == 0, "real %s: parses", cases[i].file)) {
			printf("#   %s\n", err.msg);
			continue;
		}
		T_OK(e.machine == EM_X86_64, "real %s: machine x86_64",
		    cases[i].file);
		T_OK(e.type == cases[i].type, "real %s: type %u, got %u",
		    cases[i].file, cases[i].type, e.type);
		T_OK((e.interp != NULL) == cases[i].interp,
		    "real %s: interpreter %s", cases[i].file,
		    e.interp ? e.interp : "none");
		if (cases[i].interp)
			T_STREQ(e.interp, "/lib64/ld-linux-x86-64.so.2",
			    "real %s: standard loader", cases[i].file);
		T_OK((cz_strv_find(&e.needed, "libc.so.6") != -1) ==
		    cases[i].libc, "real %s: libc.so.6 needed: %d",
		    cases[i].file, cases[i].libc);
		if (cases[i].libc)
			T_OK(cz_strv_find(&e.glibc, "GLIBC_2.34") != -1,
			    "real %s: verneed has GLIBC_2.34 "
			    "(__libc_start_main)", cases[i].file);
		rc = build_elf_check_exe("bootstrap", &e, cases[i].arch, &err);
		if (cases[i].want == NULL) {
			if (!T_OK(rc == 0, "real %s on %s: accepted",
			    cases[i].file, cases[i].arch))
				printf("#   %s\n", err.msg);
		} else
			T_STREQ(rc == 0 ? "(accepted)" : err.msg,
			    cases[i].want, "real %s on %s: refused",
			    cases[i].file, cases[i].arch);
		build_elf_release(&e);
	}

	p = s_path("libtriple.so");
	rc = build_elf_read(p, "lib/libtriple.so.1", &e, &err);
	free(p);
	T_OK(rc == 0 && build_elf_check_lib("lib/libtriple.so.1", &e,
	    "x86_64", &err) == 0, "real libtriple.so: accepted as a library");
	T_STREQ(e.soname, "libtriple.so.1", "real libtriple.so: soname");
	build_elf_release(&e);
	p = s_path("static");
	rc = build_elf_read(p, "lib/x.so", &e, &err);
	free(p);
	T_STREQ(rc == 0 && build_elf_check_lib("lib/x.so", &e, "x86_64",
	    &err) == -1 ? err.msg : "(accepted)",
	    "lib/x.so: is not a shared library", "real static as a library");
	build_elf_release(&e);
}

/* The same binaries with a byte or a string changed, as if built elsewhere. */
static void
test_patched(void)
{
	static const struct {
		const char	*name, *file, *from, *to, *arch, *want;
		int		 machine;	/* set e_machine; 0: leave */
	} cases[] = {
		{ "aarch64 binary for x86_64", "static", NULL, NULL, "x86_64",
		  "bootstrap: is aarch64 but architecture is x86_64",
		  EM_AARCH64 },
		{ "aarch64 binary for arm64", "static", NULL, NULL, "arm64",
		  NULL, EM_AARCH64 },
		{ "risc-v binary", "static", NULL, NULL, "arm64",
		  "bootstrap: is riscv but architecture is arm64", EM_RISCV },
		{ "unknown machine", "static", NULL, NULL, "x86_64",
		  "bootstrap: is for ELF machine 4242 but architecture is "
		  "x86_64", 4242 },
		{ "glibc 2.38", "dynamic", "GLIBC_2.34", "GLIBC_2.38",
		  "x86_64",
		  "bootstrap: needs GLIBC_2.38 but Amazon Linux 2023 has 2.34",
		  0 },
		{ "glibc 3.0", "dynamic", "GLIBC_2.34", "GLIBC_3.0\0",
		  "x86_64",
		  "bootstrap: needs GLIBC_3.0 but Amazon Linux 2023 has 2.34",
		  0 },
		{ "glibc 2.3.4 is old", "dynamic", "GLIBC_2.34", "GLIBC_2.3\0",
		  "x86_64", NULL, 0 },
		{ "glibc private", "dynamic", "GLIBC_2.34", "GLIBC_PRIV",
		  "x86_64",
		  "bootstrap: needs GLIBC_PRIV, which only the glibc it was "
		  "built against has", 0 },
		{ "odd loader", "dynamic", "/lib64/ld-linux-x86-64.so.2",
		  "/lib64/ld-musl-x86_64.so.1\0", "x86_64",
		  "bootstrap: asks for loader /lib64/ld-musl-x86_64.so.1, "
		  "which Amazon Linux 2023 lacks (it has "
		  "/lib64/ld-linux-x86-64.so.2)", 0 },
	};
	struct cz_buf		 b = CZ_BUF_INIT;
	struct build_elf	 e;
	struct cz_err		 err;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s_read(cases[i].file, &b);
		if (cases[i].machine != 0) {
			b.s[18] = (char)(cases[i].machine & 0xff);
			b.s[19] = (char)(cases[i].machine >> 8);
		}
		if (cases[i].from != NULL &&
		    !T_OK(s_patch(&b, cases[i].from, cases[i].to),
		    "patched %s: string found", cases[i].name))
			continue;
		rc = s_parse(b.s, b.len, &e, &err);
		if (!T_OK(rc == 0, "patched %s: parses", cases[i].name)) {
			printf("#   %s\n", err.msg);
			continue;
		}
		rc = build_elf_check_exe("bootstrap", &e, cases[i].arch, &err);
		T_STREQ(rc == 0 ? NULL : err.msg, cases[i].want,
		    "patched %s", cases[i].name);
		build_elf_release(&e);
	}
	cz_buf_release(&b);
}

/* Headers that are not what Lambda runs, written by hand. */
static void
test_headers(void)
{
	static const struct {
		const char	*name;
		const char	*bytes;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "empty", "", 0, "bootstrap: not an ELF file" },
		{ "shell script", "#!/bin/sh\necho hi\n", 18,
		  "bootstrap: not an ELF file" },
		{ "magic only", "\177ELF", 4,
		  "bootstrap: truncated ELF header" },
		{ "32-bit", "\177ELF\1\1\1\0\0\0\0\0\0\0\0\0", 16,
		  "bootstrap: is a 32-bit ELF file; Lambda runs 64-bit x86_64 "
		  "or arm64" },
		{ "big-endian", "\177ELF\2\2\1\0\0\0\0\0\0\0\0\0", 16,
		  "bootstrap: is not little-endian; Lambda runs x86_64 or "
		  "arm64" },
		{ "bad class", "\177ELF\7\1\1\0\0\0\0\0\0\0\0\0", 16,
		  "bootstrap: unknown ELF class 7" },
		{ "ident only", "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0", 16,
		  "bootstrap: truncated ELF header" },
	};
	struct build_elf	 e;
	struct cz_err		 err;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = s_parse(cases[i].bytes, cases[i].len, &e, &err);
		T_STREQ(rc == 0 ? "(parsed)" : err.msg, cases[i].want,
		    "header %s", cases[i].name);
		if (rc == 0)
			build_elf_release(&e);
	}
}

/* Every prefix of real binaries: an error or a result, never a crash, and
 * the cut inside the header or program headers is named as such. */
static void
test_truncated(void)
{
	static const char *const files[] = { "dynamic", "static", "newglibc",
	    "libtriple.so" };
	struct cz_buf		 b = CZ_BUF_INIT;
	struct build_elf	 e;
	struct cz_err		 err;
	Elf64_Ehdr		 eh;
	Elf64_Phdr		 ph;
	size_t			 f, n, phend, loadend, bad, failed, tried;
	int			 rc;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		s_read(files[f], &b);
		if (!T_OK(b.len > sizeof(eh), "truncated %s: fixture read",
		    files[f]))
			continue;
		memcpy(&eh, b.s, sizeof(eh));
		phend = eh.e_phoff + (size_t)eh.e_phnum * eh.e_phentsize;
		loadend = 0;
		for (n = 0; n < eh.e_phnum; n++) {
			memcpy(&ph, b.s + phend - (eh.e_phnum - n) *
			    sizeof(ph), sizeof(ph));
			if (ph.p_type == PT_LOAD &&
			    ph.p_offset + ph.p_filesz > loadend)
				loadend = ph.p_offset + ph.p_filesz;
		}
		bad = failed = tried = 0;
		/* Every cut in the first 20 KB (all the tables), then a
		 * stride through the rest of a big static binary. */
		for (n = 0; n < b.len; n += n < 20000 ? 1 : 4093) {
			tried++;
			rc = s_parse(b.s, n, &e, &err);
			if (rc == 0) {
				build_elf_release(&e);
				if (n < loadend)
					bad++;
			} else
				failed++;
			if (n == sizeof(eh) - 1)
				T_STREQ(err.msg, "bootstrap: truncated ELF "
				    "header", "truncated %s: inside the "
				    "header", files[f]);
			if (n == phend - 1)
				T_STREQ(err.msg, "bootstrap: truncated "
				    "program headers", "truncated %s: inside "
				    "the program headers", files[f]);
		}
		T_OK(bad == 0, "truncated %s: no cut before the end of the "
		    "last loadable segment (%zu of %zu bytes) parses",
		    files[f], loadend, b.len);
		T_OK(loadend > phend && failed > 0, "truncated %s: %zu of %zu "
		    "cuts refused", files[f], failed, tried);
		if (loadend < b.len) {
			rc = s_parse(b.s, loadend - 1, &e, &err);
			T_STREQ(rc == 0 ? "(parsed)" : err.msg, "bootstrap: "
			    "truncated: a loadable segment ends past the end "
			    "of the file", "truncated %s: cut inside the last "
			    "segment", files[f]);
		}
		rc = s_parse(b.s, b.len, &e, &err);
		T_OK(rc == 0, "truncated %s: the whole file parses", files[f]);
		if (rc == 0)
			build_elf_release(&e);
	}
	cz_buf_release(&b);
}

/* A fixed-seed xorshift, so a failing case can be replayed. */
static unsigned long long	rng = 0x9e3779b97f4a7c15ULL;

static unsigned
s_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 16);
}

/* Random bytes behind a valid 64-bit header, and real binaries with random
 * bytes changed in their first pages where the tables are. */
static void
test_garbage(void)
{
	static const char *const files[] = { "dynamic", "newglibc",
	    "staticpie", "libtriple.so" };
	struct cz_buf		 b = CZ_BUF_INIT, g = CZ_BUF_INIT;
	struct build_elf	 e;
	struct cz_err		 err;
	Elf64_Ehdr		 eh;
	size_t			 i, j, f, len, parsed = 0, refused = 0;
	size_t			 span;
	int			 rc;

	for (i = 0; i < FUZZ_N; i++) {
		len = sizeof(eh) + s_rand() % 4096;
		cz_buf_reset(&g);
		for (j = 0; j < len; j++)
			cz_buf_addch(&g, (int)(s_rand() & 0xff));
		memset(&eh, 0, sizeof(eh));
		memcpy(eh.e_ident, "\177ELF\2\1\1", 7);
		eh.e_type = i % 2 ? ET_EXEC : ET_DYN;
		eh.e_machine = EM_X86_64;
		eh.e_phoff = s_rand() % 2 ? sizeof(eh) : s_rand();
		eh.e_phentsize = sizeof(Elf64_Phdr);
		eh.e_phnum = (Elf64_Half)(s_rand() % 16);
		memcpy(g.s, &eh, sizeof(eh));
		rc = s_parse(g.s, g.len, &e, &err);
		if (rc == 0) {
			build_elf_check_exe("bootstrap", &e, "x86_64", &err);
			build_elf_release(&e);
			parsed++;
		} else
			refused++;
	}
	T_OK(parsed + refused == FUZZ_N, "garbage: %d random files, %zu "
	    "parsed, %zu refused, none crashed", FUZZ_N, parsed, refused);

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		parsed = refused = 0;
		s_read(files[f], &g);
		span = g.len < 16384 ? g.len : 16384;
		for (i = 0; i < FUZZ_N; i++) {
			cz_buf_reset(&b);
			cz_buf_add(&b, g.s, g.len);
			for (j = 0; j < 1 + i % 16; j++)
				b.s[sizeof(eh) + s_rand() % (span -
				    sizeof(eh))] = (char)s_rand();
			rc = s_parse(b.s, b.len, &e, &err);
			if (rc == 0) {
				build_elf_check_exe("bootstrap", &e, "x86_64",
				    &err);
				build_elf_release(&e);
				parsed++;
			} else
				refused++;
		}
		T_OK(parsed + refused == FUZZ_N, "fuzzed %s: %d mutants, %zu "
		    "parsed, %zu refused, none crashed", files[f], FUZZ_N,
		    parsed, refused);
	}
	cz_buf_release(&b);
	cz_buf_release(&g);
}

static void
test_names(void)
{
	static const struct {
		const char	*soname;
		int		 system;
	} cases[] = {
		{ "libc.so.6", 1 }, { "libm.so.6", 1 },
		{ "ld-linux-x86-64.so.2", 1 }, { "ld-linux-aarch64.so.1", 1 },
		{ "libpthread.so.0", 1 }, { "libnss_dns.so.2", 1 },
		{ "libjansson.so.4", 0 }, { "libz.so.1", 0 },
		{ "libstdc++.so.6", 0 }, { "libc.so", 0 },
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		T_OK(build_elf_system_lib(cases[i].soname) ==
		    cases[i].system, "system lib %s: %d", cases[i].soname,
		    cases[i].system);
	T_OK(build_elf_arch_machine("x86_64") == EM_X86_64 &&
	    build_elf_arch_machine("arm64") == EM_AARCH64 &&
	    build_elf_arch_machine("aarch64") == 0,
	    "architectures: x86_64 and arm64 only");
	T_STREQ(build_elf_machine_name(EM_AARCH64), "aarch64",
	    "machine name aarch64");
}

int
main(void)
{
	char		 tmpl[] = "/tmp/czappa-test-elf.XXXXXX";
	const char	*rm[] = { "rm", "-rf", tmpl, NULL };

	if ((tmp = mkdtemp(tmpl)) == NULL) {
		T_OK(0, "mkdtemp");
		return t_done();
	}
	s_build_fixtures();
	test_real();
	test_patched();
	test_headers();
	test_truncated();
	test_garbage();
	test_names();
	s_run(rm);
	return t_done();
}
