#!/usr/bin/env bash
# czappa package: real compiles of the template app and the time app, the
# zip checked with Info-ZIP (unzip -Z), binutils (readelf) and sha256sum,
# tools no one here wrote; two builds compared byte for byte; a compile
# error, an ELF the check refuses and build.files that escape the project.
. "$(dirname "$0")/../lib/t.sh"

case $(uname -m) in
aarch64 | arm64) ARCH=arm64 MACHINE=AArch64 ;;
*) ARCH=x86_64 MACHINE='Advanced Micro Devices X86-64' ;;
esac

# pkg DIR ARGS...: czappa package in DIR
pkg() {
	local dir=$1
	shift
	t_run env -C "$dir" "$CZAPPA" package "$@"
}
# field NAME: the value of "  NAME  value" in $OUT
field() { printf '%s\n' "$OUT" | sed -n "s/^  $1  *//p"; }

# 1. A project from `czappa init --yes` packages as it is.
P=$TMP/init
mkdir -p "$P"
(cd "$P" && "$CZAPPA" init --yes --service pk --region eu-west-1 \
    --architecture "$ARCH") >"$TMP/init.out" 2>&1
t_eq "init --yes project written" "$(test -f "$P/serverless.yaml" && echo y)" y
pkg "$P" dev
t_eq "init project: exit 0" "$RC" 0
ZIP=$P/.czappa/build/$ARCH/pk-dev.zip
t_eq "default path printed first" "$(printf '%s\n' "$OUT" | head -1)" "$ZIP"
t_eq "zip written at the default path" "$(test -s "$ZIP" && echo y)" y
t_eq "sha256 printed is the file's" "$(field sha256)" \
    "$(sha256sum "$ZIP" | cut -d' ' -f1)"
t_eq "code sha256 is the base64 of the digest" "$(field 'code sha256')" \
    "$(openssl dgst -sha256 -binary "$ZIP" | base64)"
t_match "size printed is the file's" "$(field size)" \
    "^$(stat -c %s "$ZIP") bytes"
t_match "compile and zip times printed" "$(field took)" \
    '^compile [0-9]+ ms, check and zip [0-9]+ ms$'
t_match "progress on stderr, not stdout" "$ERR" "building pk-dev for $ARCH"

cp "$ZIP" "$TMP/first.zip"

# 2. The bytes: 0755 bootstrap, fixed times, a static ELF for this CPU.
Z=$(unzip -Z "$ZIP")
t_match "unzip -Z: bootstrap is -rwxr-xr-x" "$Z" \
    '^-rwxr-xr-x .* bootstrap$'
t_match "unzip -Z: timestamp fixed at 1980-01-01 00:00" "$Z" \
    ' 80-Jan-01 00:00 bootstrap$'
t_eq "unzip -Z: every entry has the fixed time" "$(printf '%s\n' "$Z" |
    grep -E '^[-d]' | grep -vc ' 80-Jan-01 00:00 ')" 0
BS=$P/.czappa/build/$ARCH/bootstrap
t_nomatch "readelf -l: no INTERP (static)" "$(readelf -lW "$BS")" \
    'INTERP|interpreter'
t_match "readelf -h: machine is $MACHINE" "$(readelf -h "$BS")" \
    "Machine: +$MACHINE"
mkdir -p "$TMP/unz"
(cd "$TMP/unz" && unzip -q "$ZIP")
t_eq "zipped bootstrap is the one built" "$(cmp "$TMP/unz/bootstrap" \
    "$BS" && echo same)" same
t_eq "zipped bootstrap keeps its exec bit after unzip" \
    "$(test -x "$TMP/unz/bootstrap" && echo y)" y

# 3. Two builds from the same inputs are byte-identical, whatever the
# sources' mtimes and TZ.
pkg "$P" dev -o "$TMP/one.zip"
touch -d '2001-02-03 04:05:06' "$P/handlers/app.c"
rm -rf "$P/.czappa/build"	# a fresh compile, not a cached one
t_run env -C "$P" TZ=Asia/Tokyo "$CZAPPA" package dev -o "$TMP/two.zip"
t_eq "second build: exit 0" "$RC" 0
t_eq "two builds are byte-identical (cmp)" \
    "$(cmp "$TMP/one.zip" "$TMP/two.zip" && echo identical)" identical
t_eq "same as the first, default-path build" \
    "$(cmp "$TMP/first.zip" "$TMP/one.zip" && echo identical)" identical

# 4. -o: a relative path is taken from the current directory, its folder
# made; the printed path is the one written.
pkg "$P" dev -o out/sub/app.zip
t_eq "-o: exit 0" "$RC" 0
t_eq "-o: path printed" "$(printf '%s\n' "$OUT" | head -1)" out/sub/app.zip
t_eq "-o: file written there" "$(test -s "$P/out/sub/app.zip" && echo y)" y

# 5. --json: the same facts as one object.
pkg "$P" dev --json -o "$TMP/j.zip"
t_eq "--json: exit 0" "$RC" 0
J=$(printf '%s' "$OUT" | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["path"], o["size"], o["sha256"], o["architecture"], o["static"],
      o["bundled"], type(o["compile_ms"]).__name__, o["entries"])')
t_eq "--json: path size sha256 arch static bundled entries" "$J" \
    "$TMP/j.zip $(stat -c %s "$TMP/j.zip") $(sha256sum "$TMP/j.zip" |
    cut -d' ' -f1) $ARCH True [] int 1"
t_eq "--json: nothing else on stdout" "$(printf '%s\n' "$OUT" | wc -l)" 1

# 6. The time app (handlers/time) with its zone data in build.files.
T=$TMP/time
mkdir -p "$T/handlers" "$T/zoneinfo/Asia"
cp "$ROOT/handlers/time/time.c" "$T/handlers/"
cp /usr/share/zoneinfo/Asia/Tokyo "$T/zoneinfo/Asia/"
cat >"$T/serverless.yaml" <<EOY
service: timeapp
provider:
  architecture: $ARCH
build:
  sources: [handlers/time.c]
  files: [zoneinfo]
stages:
  dev: {}
EOY
pkg "$T" dev
t_eq "time app: exit 0" "$RC" 0
TZIP=$T/.czappa/build/$ARCH/timeapp-dev.zip
size=$(stat -c %s "$TZIP")
t_match "time app: zip size printed" "$(field size)" "^$size bytes"
echo "# time app zip: $size bytes"
t_eq "time app: zip under 500 KiB" "$((size < 500 * 1024))" 1
Z=$(unzip -Z "$TZIP")
t_match "time app: build.files entry shipped 0644" "$Z" \
    '^-rw-r--r-- .* 80-Jan-01 00:00 zoneinfo/Asia/Tokyo$'
t_match "time app: 2 files" "$(field size)" ', 2 files,'

# 7. A compile error: gcc's own words on stderr, exit 1.
B=$TMP/broken
mkdir -p "$B"
printf '%s\n' 'service: broken' 'build:' '  sources: [app.c]' \
    'stages:' '  dev: {}' >"$B/serverless.yaml"
printf '%s\n' '#include <czappa.h>' 'int main(void) { return undeclared_x; }' \
    >"$B/app.c"
pkg "$B" dev
t_eq "compile error: exit 1" "$RC" 1
t_match "compile error: gcc's message" "$ERR" \
    "app.c:2:[0-9]+: error: .undeclared_x. undeclared"
t_match "compile error: one-line cause last" "$(printf '%s\n' "$ERR" |
    tail -1)" '^czappa: .*compile failed'
t_eq "compile error: nothing on stdout" "$OUT" ""

# 8. The ELF check refuses with its one-line cause.  A stand-in compiler
# ($CC) runs the real one, then replaces the linked bootstrap with the file
# it is told to.
cat >"$TMP/fakecc" <<'EOS'
#!/bin/sh
out=
for a in "$@"; do
	[ "$prev" = -o ] && out=$a
	prev=$a
done
cc "$@" || exit
case $out in
*/bootstrap | bootstrap) cp "$FAKE_OUTPUT" "$out" && chmod 755 "$out" ;;
esac
EOS
chmod +x "$TMP/fakecc"
E=$TMP/elf
mkdir -p "$E"
printf '%s\n' 'service: elfy' 'build:' '  sources: [app.c]' \
    'stages:' '  dev: {}' >"$E/serverless.yaml"
echo 'int main(void) { return 0; }' >"$E/app.c"
printf 'just text\n' >"$TMP/notelf"
so=$(ls /usr/lib/*-linux-gnu/libjansson.so.4 | head -1)
while IFS='|' read -r name file want; do
	rm -rf "$E/.czappa"	# a build cache would keep the last link
	t_run env -C "$E" CC="$TMP/fakecc" FAKE_OUTPUT="$file" "$CZAPPA" \
	    package dev
	t_eq "elf check, $name: exit 1" "$RC" 1
	t_eq "elf check, $name: the cause, on one line" \
	    "$(printf '%s\n' "$ERR" | grep '^czappa: ')" "czappa: $want"
	t_eq "elf check, $name: no zip" \
	    "$(ls "$E/.czappa/build/$ARCH/"*.zip 2>/dev/null)" ""
done <<EOC
not an ELF file|$TMP/notelf|bootstrap: not an ELF file
a shared library|$so|bootstrap: is a shared library, not an executable
EOC

# 9. build.files may not leave the project.
X=$TMP/esc/proj
mkdir -p "$X/data"
echo secret >"$TMP/esc/secret"
echo 'int main(void) { return 0; }' >"$X/app.c"
ln -s /etc/passwd "$X/data/link"
while IFS='|' read -r name entry want; do
	printf '%s\n' 'service: esc' 'build:' '  sources: [app.c]' \
	    "  files: [$entry]" 'stages:' '  dev: {}' >"$X/serverless.yaml"
	pkg "$X" dev
	t_eq "escape, $name: exit 1" "$RC" 1
	t_match "escape, $name: refused" "$ERR" "$want"
done <<'EOC'
parent path|../secret|serverless.yaml:4:11: build.files\[0\]: \.\./secret must be a path inside the project
absolute path|/etc/passwd|serverless.yaml:4:11: build.files\[0\]: /etc/passwd must be a path inside the project
symlink out|data/link|build.files: data/link: resolves to /etc/passwd, outside the project directory
symlink in a folder|data|build.files: data/link: resolves to /etc/passwd, outside the project directory
EOC

# 10. Usage errors.
t_run env -C "$P" "$CZAPPA" package
t_eq "no stage: exit 2" "$RC" 2
t_match "no stage: says so" "$ERR" "missing stage name"
t_run env -C "$P" "$CZAPPA" package nosuch
t_eq "unknown stage: exit 1" "$RC" 1
t_match "unknown stage: lists the stages" "$ERR" "dev"

t_done
