/*
 * test_zip: build/zip.h.  Two zips of the same project are byte-identical
 * even after the files' times and TZ change; entries come out sorted with
 * 1980-01-01 times and Unix modes, checked in the raw central directory,
 * through libzip and with Info-ZIP's zipinfo; paths that leave the project
 * are refused; Lambda's size limits and SHA-256 forms.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "base/proc.h"
#include "base/xmalloc.h"
#include "build/zip.h"
#include "t.h"

static char	*tmp, *proj;

static char *
s_path(const char *name)
{
	return cz_xasprintf("%s/%s", proj, name);
}

static void
s_write(const char *name, const char *text, int mode)
{
	struct cz_err	 err;
	char		*p = s_path(name), *d = cz_dirname(p);

	if (cz_mkdirs(d, 0755, &err) == -1 ||
	    cz_file_write(p, text, strlen(text), mode, &err) == -1)
		printf("# write %s: %s\n", p, err.msg);
	chmod(p, mode);
	free(d);
	free(p);
}

static void
s_symlink(const char *target, const char *name)
{
	char	*p = s_path(name);

	if (symlink(target, p) == -1)
		printf("# symlink %s: %s\n", p, strerror(errno));
	free(p);
}

/* Runs argv in dir; its stdout in *out; 1 if it exited 0. */
static int
s_run(const char *dir, const char *const *argv, struct cz_buf *out)
{
	struct cz_proc	p;
	struct cz_err	err;

	memset(&p, 0, sizeof(p));
	p.argv = argv;
	p.dir = dir;
	p.out = out;
	p.timeout_ms = 60000;
	return cz_proc_run(&p, &err) == 0 && p.status == 0;
}

/* The project every zip test starts from. */
static void
s_project(void)
{
	s_write("bootstrap", "\177ELF pretend executable\n", 0755);
	s_write("model.bin", "weights weights weights weights\n", 0644);
	s_write("data/b.txt", "bee\n", 0600);
	s_write("data/a.txt", "ay\n", 0644);
	s_write("data/sub/run.sh", "#!/bin/sh\necho hi\n", 0755);
	s_write("data/.czappa/build/x86_64/old.zip", "not shipped\n", 0644);
	s_write("zoneinfo/Asia/Tokyo", "TZif2 pretend\n", 0644);
	s_write("handlers/app.c", "int main(void) { return 0; }\n", 0644);
	s_symlink("../model.bin", "data/model-link");
}

/* Gathers bootstrap plus files, writes zip, fills *info. */
static int
s_zip(const char *const *files, const char *zip, struct build_zip_info *info,
    struct cz_err *err)
{
	struct build_zip	 z = BUILD_ZIP_INIT;
	char			*p = s_path("bootstrap");
	int			 rc = -1;

	if (build_zip_add(&z, "bootstrap", p, 0755, err) == -1)
		goto out;
	for (; *files; files++)
		if (build_zip_add_project(&z, proj, *files, err) == -1)
			goto out;
	rc = build_zip_write(&z, zip, info, err);
out:
	build_zip_release(&z);
	free(p);
	return rc;
}

static const char *const all_files[] = { "model.bin", "data/", "./zoneinfo",
    "data/a.txt", NULL };

static const char *const want_names[] = { "bootstrap", "data/a.txt",
    "data/b.txt", "data/model-link", "data/sub/run.sh", "model.bin",
    "zoneinfo/Asia/Tokyo", NULL };
static const int want_modes[] = { 0755, 0644, 0644, 0644, 0755, 0644, 0644 };

static unsigned
s_le16(const unsigned char *p)
{
	return p[0] | (unsigned)p[1] << 8;
}

static unsigned long
s_le32(const unsigned char *p)
{
	return s_le16(p) | (unsigned long)s_le16(p + 2) << 16;
}

/* Walks the central directory by hand (APPNOTE 4.3.12), independent of
 * libzip: order, made-by, method, DOS time and mode of every entry. */
static void
test_raw(const char *zip)
{
	struct cz_buf		 b = CZ_BUF_INIT;
	struct cz_err		 err;
	const unsigned char	*p;
	size_t			 eocd, off, i, n, namelen;
	char			 name[256];

	if (!T_OK(cz_file_read(zip, &b, &err) == 0, "raw: read zip"))
		return;
	p = (const unsigned char *)b.s;
	for (eocd = b.len - 22; eocd > 0; eocd--)
		if (s_le32(p + eocd) == 0x06054b50)
			break;
	if (!T_OK(eocd > 0, "raw: end of central directory found"))
		goto out;
	n = s_le16(p + eocd + 10);
	T_OK(n == 7, "raw: 7 entries, got %zu", n);
	T_OK(s_le16(p + eocd + 20) == 0, "raw: no archive comment");
	off = s_le32(p + eocd + 16);
	for (i = 0; i < n && off + 46 <= b.len; i++) {
		namelen = s_le16(p + off + 28);
		if (namelen >= sizeof(name))
			namelen = sizeof(name) - 1;
		memcpy(name, p + off + 46, namelen);
		name[namelen] = '\0';
		T_STREQ(name, want_names[i], "raw: entry %zu name", i);
		T_OK(p[off + 5] == 3, "raw %s: made by Unix (%u)", name,
		    p[off + 5]);
		T_OK(s_le16(p + off + 10) == 8, "raw %s: deflated", name);
		T_OK(s_le16(p + off + 12) == 0 && s_le16(p + off + 14) == 0x21,
		    "raw %s: DOS time 1980-01-01 00:00 (%04x %04x)", name,
		    s_le16(p + off + 14), s_le16(p + off + 12));
		T_OK(s_le32(p + off + 38) >> 16 == (unsigned long)(0100000 |
		    want_modes[i]), "raw %s: mode %o, got %lo", name,
		    want_modes[i], s_le32(p + off + 38) >> 16);
		T_OK(s_le16(p + off + 30) == 0, "raw %s: no extra field "
		    "(no uid, gid or times)", name);
		off += 46 + s_le16(p + off + 28) + s_le16(p + off + 30) +
		    s_le16(p + off + 32);
	}
	/* The first local header carries the same fixed time. */
	T_OK(s_le32(p) == 0x04034b50 && s_le16(p + 10) == 0 &&
	    s_le16(p + 12) == 0x21, "raw: local header time fixed too");
out:
	cz_buf_release(&b);
}

/* Reads the zip back with libzip: names, modes, contents. */
static void
test_libzip(const char *zip)
{
	zip_t		*za;
	zip_file_t	*zf;
	zip_stat_t	 st;
	zip_uint8_t	 os;
	zip_uint32_t	 attr;
	char		 data[64];
	zip_int64_t	 n, i;
	zip_int64_t	 r;
	int		 zerr;

	if (!T_OK((za = zip_open(zip, ZIP_RDONLY | ZIP_CHECKCONS, &zerr)) !=
	    NULL, "libzip: opens with consistency checks"))
		return;
	n = zip_get_num_entries(za, 0);
	T_OK(n == 7, "libzip: 7 entries");
	for (i = 0; i < n && i < 7; i++) {
		T_STREQ(zip_get_name(za, i, 0), want_names[i],
		    "libzip: entry %lld", (long long)i);
		T_OK(zip_file_get_external_attributes(za, i, 0, &os,
		    &attr) == 0 && os == ZIP_OPSYS_UNIX &&
		    (attr >> 16 & 07777) == (zip_uint32_t)want_modes[i],
		    "libzip %s: unix mode %o", want_names[i], want_modes[i]);
		T_OK(zip_stat_index(za, i, 0, &st) == 0 &&
		    st.comp_method == ZIP_CM_DEFLATE, "libzip %s: deflate",
		    want_names[i]);
	}
	zf = zip_fopen(za, "data/model-link", 0);
	r = zf ? zip_fread(zf, data, sizeof(data) - 1) : -1;
	data[r > 0 ? r : 0] = '\0';
	T_STREQ(data, "weights weights weights weights\n",
	    "libzip: symlink inside the project ships its target's bytes");
	if (zf)
		zip_fclose(zf);
	zip_close(za);
}

/* 1 if the line of text that ends with name starts with prefix. */
static int
s_line_has(const char *text, const char *name, const char *prefix)
{
	const char	*p, *bol;
	size_t		 n = strlen(name);

	for (p = strstr(text, name); p != NULL; p = strstr(p + 1, name)) {
		if (p[n] != '\n' && p[n] != '\0')
			continue;
		for (bol = p; bol > text && bol[-1] != '\n'; bol--)
			;
		return strncmp(bol, prefix, strlen(prefix)) == 0;
	}
	return 0;
}

/* Info-ZIP, which no one here wrote, agrees on modes and times. */
static void
test_zipinfo(const char *zip)
{
	const char	*argv[] = { "zipinfo", "-l", zip, NULL };
	const char	*testv[] = { "unzip", "-tq", zip, NULL };
	struct cz_buf	 out = CZ_BUF_INIT;

	int		 ok;

	ok = T_OK(s_run(tmp, argv, &out), "zipinfo: runs");
	ok &= T_OK(s_line_has(out.s, "bootstrap", "-rwxr-xr-x  6.3 unx") &&
	    strstr(out.s, " defN 80-Jan-01 00:00 bootstrap\n") != NULL,
	    "zipinfo: bootstrap -rwxr-xr-x unx defN (level 6) 80-Jan-01 "
	    "00:00");
	ok &= T_OK(s_line_has(out.s, "model.bin", "-rw-r--r--  6.3 unx") &&
	    strstr(out.s, " 80-Jan-01 00:00 model.bin\n") != NULL,
	    "zipinfo: model.bin -rw-r--r-- unx 80-Jan-01 00:00");
	ok &= T_OK(s_line_has(out.s, "data/sub/run.sh", "-rwxr-xr-x"),
	    "zipinfo: an executable file keeps 0755");
	ok &= T_OK(s_line_has(out.s, "data/b.txt", "-rw-r--r--"),
	    "zipinfo: a 0600 file ships as 0644");
	ok &= T_OK(strstr(out.s, ".czappa") == NULL,
	    "zipinfo: no .czappa output inside");
	if (!ok)
		printf("# zipinfo said:\n%s", out.s);
	cz_buf_reset(&out);
	T_OK(s_run(tmp, testv, &out), "unzip -t: no errors");
	cz_buf_release(&out);
}

static void
s_touch_all(time_t when)
{
	const char *const	 names[] = { "bootstrap", "model.bin",
	    "data/a.txt", "data/b.txt", "data/sub/run.sh", "data/sub",
	    "data", "zoneinfo/Asia/Tokyo", NULL };
	struct timespec		 ts[2];
	size_t			 i;
	char			*p;

	ts[0].tv_sec = ts[1].tv_sec = when;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	for (i = 0; names[i] != NULL; i++) {
		p = s_path(names[i]);
		utimensat(AT_FDCWD, p, ts, 0);
		free(p);
	}
}

static void
test_deterministic(void)
{
	struct build_zip_info	 a, b, c;
	struct cz_buf		 ba = CZ_BUF_INIT, bb = CZ_BUF_INIT;
	struct cz_err		 err;
	char			*za = cz_xasprintf("%s/a.zip", tmp);
	char			*zb = cz_xasprintf("%s/b.zip", tmp);

	s_touch_all(1700000000);
	setenv("TZ", "UTC", 1);
	tzset();
	if (!T_OK(s_zip(all_files, za, &a, &err) == 0, "zip a: written")) {
		printf("#   %s\n", err.msg);
		goto out;
	}
	/* Other times, another zone, and a rewrite of an unchanged file. */
	s_touch_all(1234567890);
	s_write("model.bin", "weights weights weights weights\n", 0644);
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	T_OK(s_zip(all_files, zb, &b, &err) == 0, "zip b: written");
	setenv("TZ", "UTC", 1);
	tzset();
	cz_file_read(za, &ba, &err);
	cz_file_read(zb, &bb, &err);
	T_OK(ba.len > 0 && ba.len == bb.len &&
	    memcmp(ba.s, bb.s, ba.len) == 0,
	    "deterministic: same bytes after touch and TZ change (%zu, %zu)",
	    ba.len, bb.len);
	T_STREQ(a.sha256_hex, b.sha256_hex, "deterministic: same sha256");
	T_OK(a.size == ba.len && a.entries == 7,
	    "info: size %llu and 7 entries", a.size);
	T_OK(a.unzipped == 24 + 3 + 4 + 32 + 18 + 32 + 14,
	    "info: unzipped is the sum of entries (%llu)", a.unzipped);

	/* Changing one byte of content changes the hash. */
	s_write("data/a.txt", "aY\n", 0644);
	T_OK(s_zip(all_files, zb, &c, &err) == 0, "zip c: written");
	T_OK(strcmp(a.sha256_hex, c.sha256_hex) != 0,
	    "deterministic: a changed byte changes the sha256");
	s_write("data/a.txt", "ay\n", 0644);

	test_raw(za);
	test_libzip(za);
	test_zipinfo(za);
out:
	cz_buf_release(&ba);
	cz_buf_release(&bb);
	free(za);
	free(zb);
}

static void
test_refused(void)
{
	static const struct {
		const char	*name, *file, *want;
	} cases[] = {
		{ "parent", "../secret",
		  "build.files: ../secret: goes outside the project "
		  "directory" },
		{ "parent inside", "data/../../secret",
		  "build.files: data/../../secret: goes outside the project "
		  "directory" },
		{ "absolute", "/etc/hostname",
		  "build.files: /etc/hostname: is an absolute path; files "
		  "must be inside the project directory" },
		{ "project itself", ".",
		  "build.files: .: names the project directory itself; list "
		  "the files or folders to ship" },
		{ "empty", "",
		  "build.files: \"\": names the project directory itself; "
		  "list the files or folders to ship" },
		{ "missing", "nope.bin",
		  "build.files: nope.bin: no such file in the project "
		  "directory" },
		{ "symlink out", "out-link", NULL },
		{ "symlink dir out", "outdir", NULL },
		{ "symlink out inside a dir", "withlink", NULL },
		{ "symlink loop", "loop", NULL },
		{ "directory loop", "deep", NULL },
		{ "fifo", "fifo",
		  "build.files: fifo: not a file or a directory" },
	};
	static const char *const want_part[] = {
		[6] = "build.files: out-link: resolves to ",
		[7] = "build.files: outdir: resolves to ",
		[8] = "build.files: withlink/zz-out: resolves to ",
		[9] = "build.files: loop: ",
		[10] = "build.files: deep: more than 32 directories deep",
	};
	struct build_zip	 z = BUILD_ZIP_INIT;
	struct cz_err		 err;
	char			*p;
	size_t			 i;
	int			 rc;

	p = cz_xasprintf("%s/secret", tmp);
	cz_file_write(p, "secret\n", 7, 0600, &err);
	free(p);
	p = cz_xasprintf("%s/secret", tmp);
	s_symlink(p, "out-link");
	s_symlink("..", "outdir");
	s_write("withlink/ok.txt", "ok\n", 0644);
	s_symlink(p, "withlink/zz-out");
	free(p);
	s_symlink("loop", "loop");
	s_write("deep/x.txt", "x\n", 0644);
	s_symlink(".", "deep/again");
	p = s_path("fifo");
	mkfifo(p, 0644);
	free(p);

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rc = build_zip_add_project(&z, proj, cases[i].file, &err);
		if (cases[i].want != NULL)
			T_STREQ(rc == 0 ? "(accepted)" : err.msg, cases[i].want,
			    "refused %s", cases[i].name);
		else {
			T_OK(rc == -1 && strncmp(err.msg, want_part[i],
			    strlen(want_part[i])) == 0, "refused %s",
			    cases[i].name);
			if (rc == -1 && (i == 6 || i == 8))
				T_OK(strstr(err.msg, "/secret, outside the "
				    "project directory") != NULL,
				    "refused %s: names the target",
				    cases[i].name);
			if (rc == 0 || strncmp(err.msg, want_part[i],
			    strlen(want_part[i])) != 0)
				printf("#   got: %s\n", rc ? err.msg : "ok");
		}
	}
	build_zip_release(&z);
}

static void
test_entries(void)
{
	static const struct {
		const char	*name, *want;
	} names[] = {
		{ "a/b.txt", NULL },
		{ "a//b.txt", "a//b.txt: not a clean relative path for a zip "
		  "entry" },
		{ "/abs", "/abs: not a clean relative path for a zip entry" },
		{ "../up", "../up: not a clean relative path for a zip "
		  "entry" },
		{ "a/./b", "a/./b: not a clean relative path for a zip "
		  "entry" },
		{ "dir/", "dir/: not a clean relative path for a zip entry" },
	};
	struct build_zip	 z = BUILD_ZIP_INIT;
	struct build_zip_info	 info;
	struct cz_err		 err;
	char			*src = s_path("model.bin");
	char			*other = s_path("data/a.txt");
	char			*dir = s_path("data");
	char			*zip = cz_xasprintf("%s/dup.zip", tmp);
	char			*want;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = build_zip_add(&z, names[i].name, src, 0644, &err);
		T_STREQ(rc == 0 ? NULL : err.msg, names[i].want,
		    "entry name %s", names[i].name);
	}
	build_zip_release(&z);

	T_OK(build_zip_add(&z, "d", dir, 0644, &err) == -1 &&
	    strstr(err.msg, "not a regular file") != NULL,
	    "entry: a directory is not a file");
	want = cz_xasprintf("%s: nothing to put in the zip", zip);
	T_STREQ(build_zip_write(&z, zip, &info, &err) == 0 ? NULL : err.msg,
	    want, "entry: an empty zip is refused");
	free(want);

	build_zip_add(&z, "model.bin", src, 0644, &err);
	build_zip_add(&z, "model.bin", src, 0644, &err);
	T_OK(build_zip_write(&z, zip, &info, &err) == 0 && info.entries == 1,
	    "entry: the same file listed twice ships once");
	build_zip_add(&z, "model.bin", other, 0644, &err);
	rc = build_zip_write(&z, zip, &info, &err);
	T_OK(rc == -1 && strstr(err.msg, "model.bin: two files want this "
	    "name in the zip") != NULL, "entry: two files for one name: %s",
	    err.msg);
	build_zip_release(&z);
	free(src);
	free(other);
	free(dir);
	free(zip);
}

static void
test_sha256(void)
{
	static const struct {
		const char	*data, *hex, *b64;
	} cases[] = {
		{ "abc",
		  "ba7816bf8f01cfea414140de5dae2223"
		  "b00361a396177a9cb410ff61f20015ad",
		  "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=" },
		{ "",
		  "e3b0c44298fc1c149afbf4c8996fb924"
		  "27ae41e4649b934ca495991b7852b855",
		  "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" },
	};
	struct cz_err	 err;
	char		 hex[65], b64[45];
	char		*p = cz_xasprintf("%s/sha.txt", tmp);
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cz_file_write(p, cases[i].data, strlen(cases[i].data), 0644,
		    &err);
		T_OK(build_sha256_file(p, hex, b64, &err) == 0,
		    "sha256 \"%s\": computed", cases[i].data);
		T_STREQ(hex, cases[i].hex, "sha256 \"%s\": hex",
		    cases[i].data);
		T_STREQ(b64, cases[i].b64, "sha256 \"%s\": base64",
		    cases[i].data);
	}
	free(p);
}

/* Lambda's limits, with a sparse file for the unzipped one (no disk used)
 * and incompressible bytes for the zipped one. */
static void
test_limits(void)
{
	struct build_zip	 z = BUILD_ZIP_INIT;
	struct build_zip_info	 info;
	struct cz_err		 err;
	char			*big = cz_xasprintf("%s/big.bin", tmp);
	char			*zip = cz_xasprintf("%s/big.zip", tmp);
	char			 chunk[65536];
	size_t			 i, j;
	int			 fd;

	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (ftruncate(fd, 251LL * 1024 * 1024) == -1)
		printf("# ftruncate: %s\n", strerror(errno));
	close(fd);
	build_zip_add(&z, "big.bin", big, 0644, &err);
	T_STREQ(build_zip_check_unzipped(&z, &err) == 0 ? NULL : err.msg,
	    "the function is 251.0 MB unzipped, over Lambda's limit of 250 "
	    "MB", "limit: 251 MB unzipped");
	T_OK(build_zip_write(&z, zip, &info, &err) == -1 &&
	    strstr(err.msg, "251.0 MB unzipped") != NULL,
	    "limit: write checks unzipped size first");
	build_zip_release(&z);

	/* 51 MB the deflater cannot shrink. */
	fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	for (i = 0; i < 51 * 16; i++) {
		for (j = 0; j < sizeof(chunk); j++)
			chunk[j] = (char)(rand() >> 7);
		if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk))
			printf("# write: %s\n", strerror(errno));
	}
	close(fd);
	build_zip_add(&z, "big.bin", big, 0644, &err);
	T_OK(build_zip_write(&z, zip, &info, &err) == -1 &&
	    strstr(err.msg, "MB zipped, over Lambda's limit of 50 MB for a "
	    "direct upload") != NULL, "limit: 51 MB zipped: %s", err.msg);
	build_zip_release(&z);
	unlink(big);
	unlink(zip);
	free(big);
	free(zip);
}

int
main(void)
{
	char		 tmpl[] = "/tmp/czappa-test-zip.XXXXXX";
	const char	*rm[] = { "rm", "-rf", tmpl, NULL };
	struct cz_buf	 out = CZ_BUF_INIT;

	if ((tmp = mkdtemp(tmpl)) == NULL) {
		T_OK(0, "mkdtemp");
		return t_done();
	}
	proj = cz_xasprintf("%s/proj", tmp);
	umask(022);
	s_project();
	test_deterministic();
	test_refused();
	test_entries();
	test_sha256();
	test_limits();
	if (getenv("CZ_KEEP") == NULL)
		s_run("/", rm, &out);
	cz_buf_release(&out);
	free(proj);
	return t_done();
}
