#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend) from its Go module source, with the one-line fix
# for $group computing only its first accumulator. Output: data/tools/ferretdb (reused when present).
set -euo pipefail
VERSION=v1.24.2
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${FERRETDB_TOOLS_DIR:-$root/data/tools}
bin=$tools/ferretdb
stamp=$tools/ferretdb.stamp
want="$VERSION+group-accumulators-fix-2"
if [ -x "$bin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "ferretdb: using $bin"
  exit 0
fi
command -v go >/dev/null || { echo "ferretdb: Go is not installed; cannot build FerretDB" >&2; exit 1; }
echo "ferretdb: building FerretDB $VERSION from source (first run only; about a minute)…"
mkdir -p "$tools"
echo "ferretdb: [1/4] downloading module source"
dir=$(cd "$tools" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "ferretdb: module download gave no source folder" >&2; exit 1; }
src=$tools/ferretdb-src
rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
echo "ferretdb: [2/4] writing version file and applying the \$group fix"
printf '%s' "$VERSION" > "$src/build/version/version.txt"
group=$src/internal/handler/common/aggregations/stages/group.go
# Each accumulator gets its own iterator over the group's documents (the shared one is used up by the first
# accumulator), and each is closed (FerretDB panics on an iterator that is never closed).
perl -0 -e '
  local $/; my $s = <STDIN>;
  my $old = "\t\tgroupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))\n\t\tdefer groupIter.Close()\n\n\t\tfor _, accumulation := range g.groupBy {\n";
  my $new = "\t\tfor _, accumulation := range g.groupBy {\n\t\t\tgroupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))\n\t\t\tdefer groupIter.Close()\n\n";
  my $n = () = $s =~ /\Q$old\E/g;
  if ($n != 1) { print STDERR "ferretdb: FIX NOT APPLIED: group.go no longer has the expected shared-iterator block exactly once ($n found)\n"; exit 1 }
  $s =~ s/\Q$old\E/$new/;
  print $s;
' < "$group" > "$group.fixed"
mv "$group.fixed" "$group"
grep -q 'for _, accumulation := range g.groupBy {' "$group" && [ "$(grep -c 'groupIter := iterator.Values' "$group")" = 1 ] || { echo "ferretdb: fix did not apply" >&2; exit 1; }
echo "ferretdb: [3/4] compiling (go build)"
(cd "$src" && go build -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
echo "ferretdb: [4/4] checking the binary"
"$bin" --version >/dev/null
printf '%s' "$want" > "$stamp"
rm -rf "$src"
echo "ferretdb: built $bin"
