#!/bin/sh
# Compiles the BPF fixtures and records what built them (npm run build:bpf).
# Needs Debian's clang and libbpf-dev: apt-get install -y clang libbpf-dev
# manifest.json records the sha256 of each source (and of the shared header) and
# of the object built from it; test/programs/bpfFixtures.test.ts fails when a
# source or the header changed without the objects being rebuilt.
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang}"
FLAGS="-O2 -g -target bpf -c"
version=$("$CLANG" --version | head -n 1)
header=$(sha256sum cgrpcheck.bpf.h | cut -d' ' -f1)
entries=""
for src in *.bpf.c; do
	obj="${src%.c}.o"
	# shellcheck disable=SC2086
	"$CLANG" $FLAGS "$src" -o "$obj"
	entry=$(printf '    { "source": "%s", "sourceSha256": "%s", "object": "%s", "objectSha256": "%s" }' \
		"$src" "$(sha256sum "$src" | cut -d' ' -f1)" "$obj" "$(sha256sum "$obj" | cut -d' ' -f1)")
	entries="${entries:+$entries,
}$entry"
done
cat > manifest.json <<JSON
{
  "compiler": "$version",
  "command": "clang $FLAGS <source> -o <object>",
  "header": "cgrpcheck.bpf.h",
  "headerSha256": "$header",
  "objects": [
$entries
  ]
}
JSON
echo "built $(ls *.bpf.o | wc -l) objects with $version"
