#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend) from its Go module source, with five fixes: $group computing only its first
# accumulator, conditional writes racing each other, `_id` lookups that never use the `_id` index, updates holding
# their queries open, and filters never reaching the indexes. Output: data/tools/ferretdb (reused when present).
set -euo pipefail
VERSION=v1.24.2
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${FERRETDB_TOOLS_DIR:-$root/data/tools}
bin=$tools/ferretdb
stamp=$tools/ferretdb.stamp
want="$VERSION+group-accumulators-fix-2+serialized-writes+id-index+update-close+filter-pushdown"
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
echo "ferretdb: [2/4] writing version file and applying the \$group and write-serialisation fixes"
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
# update, findAndModify and delete read the matching documents and write them back in separate steps, so two
# conditional writes of one document ({_id, __v: 3} → __v 4) both "succeed" and one is lost: optimistic concurrency,
# claims and counters would silently break. One lock serialises these three commands (SQLite has one writer anyway).
handler=$src/internal/handler
cat > "$handler/write_lock.go" <<'GO'
package handler

import "sync"

// writeMu serialises update, findAndModify and delete, so a filter's match and the write that follows are atomic
// with respect to each other (TIPS Town CRM build; see scripts/build-ferretdb.sh).
var writeMu sync.Mutex
GO
for cmd in update:MsgUpdate findandmodify:MsgFindAndModify delete:MsgDelete; do
  file=$handler/msg_${cmd%%:*}.go
  fn=${cmd##*:}
  perl -0 -e '
    local $/; my $s = <STDIN>; my $fn = $ARGV[0];
    my $sig = "func (h *Handler) $fn(connCtx context.Context, msg *wire.OpMsg) (*wire.OpMsg, error) {\n";
    my $n = () = $s =~ /\Q$sig\E/g;
    if ($n != 1) { print STDERR "ferretdb: FIX NOT APPLIED: $fn signature found $n times\n"; exit 1 }
    $s =~ s/\Q$sig\E/$sig\twriteMu.Lock()\n\tdefer writeMu.Unlock()\n\n/;
    print $s;
  ' "$fn" < "$file" > "$file.fixed"
  mv "$file.fixed" "$file"
  grep -q 'writeMu.Lock()' "$file" || { echo "ferretdb: write lock not applied to $file" >&2; exit 1; }
done
# `update` closes each statement's query only when the whole command returns (a `defer` inside the loop over its
# statements), and a statement that matched a document (read with a limit of one) leaves its SQLite rows open, each
# holding one of the pool's 100 connections: the 100th matching statement of one command (a bulkWrite of updateOnes)
# then waits for a connection forever, holding writeMu, and every other write and, once the pool is empty, every query
# of every client waits behind it (idle CPU; ping still answers). Each statement's query is closed as soon as it is done.
upd=$handler/msg_update.go
perl -0 -e '
  local $/; my $s = <STDIN>;
  my $old = "\t\tresult, err := common.UpdateDocument(ctx, c, \"update\", iter, &u)\n\t\tif err != nil {\n";
  my $new = "\t\tresult, err := common.UpdateDocument(ctx, c, \"update\", iter, &u)\n\t\tcloser.Close()\n\t\tif err != nil {\n";
  my $n = () = $s =~ /\Q$old\E/g;
  if ($n != 1) { print STDERR "ferretdb: FIX NOT APPLIED: msg_update.go has the UpdateDocument call $n times\n"; exit 1 }
  $s =~ s/\Q$old\E/$new/;
  print $s;
' < "$upd" > "$upd.fixed"
mv "$upd.fixed" "$upd"
grep -q '^		closer.Close()$' "$upd" || { echo "ferretdb: FIX NOT APPLIED: update query close in $upd" >&2; exit 1; }
# Queries by _id are written as `_ferretdb_sjson->'$._id'`, but the table's unique index is on `_ferretdb_sjson->'_id'`:
# SQLite matches index expressions by their text, so every _id read, update and delete walked the whole table (a page
# reading one session, one user and one bucket by _id cost as much as a scan of each). Same value, the indexed spelling.
meta=$src/internal/backends/sqlite/metadata/metadata.go
perl -0pi -e 's/IDColumn = DefaultColumn \+ "->\x27\$\._id\x27"/IDColumn = DefaultColumn + "->\x27_id\x27"/' "$meta"
grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$meta" || { echo "ferretdb: FIX NOT APPLIED: _id index expression in $meta" >&2; exit 1; }
# Every filter but a lone `_id` was read by walking the whole table and decoding each document in Go, so the indexes
# the app declares never served a query: a firm page reading its rounds, people, notes and matches scanned all four
# collections. Filters are now pushed down to SQLite as a pre-filter (see pushdown.go below): the declared indexes
# serve equality and `$in` on top-level fields, `_id` is served alongside other conditions, and the handler still
# checks every returned document against the whole filter, so results are unchanged.
sqlite_backend=$src/internal/backends/sqlite
cat > "$sqlite_backend/pushdown.go" <<'GO'
package sqlite

// TIPS Town CRM build (scripts/build-ferretdb.sh): filters are pushed down to SQLite as a pre-filter, so the
// collection's indexes (expression indexes on `_ferretdb_sjson->"field"`) serve them. The handler still applies the
// whole filter to every row returned, so the WHERE clause only has to keep every document that could match: extra
// rows are fine, a missing row is not. Pushed down: top-level `_id` and plain fields compared by equality or `$in`
// with ObjectIds, strings Go and SQLite render alike, and booleans; a field that holds an array is always kept (it
// matches in MongoDB when an element does), which the range `['[', '\')` on its JSON text selects from the same index.

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

var pushdownField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// pushdownValue returns the JSON text SQLite's `->` gives for v, or false when v is not one of the kinds both render
// byte for byte alike.
func pushdownValue(v any) (string, bool) {
	switch v := v.(type) {
	case types.ObjectID, bool:
		return string(must.NotFail(sjson.MarshalSingleValue(v))), true
	case string:
		if len(v) > 512 || !utf8.ValidString(v) || strings.ContainsAny(v, "\"\\<>&\u2028\u2029") {
			return "", false
		}
		for _, r := range v {
			if r < 0x20 || r == 0x7f {
				return "", false
			}
		}
		return string(must.NotFail(sjson.MarshalSingleValue(v))), true
	default:
		return "", false
	}
}

// pushdownValues reads `v`, `{$eq: v}` and `{$in: [v, …]}`.
func pushdownValues(cond any) ([]any, bool) {
	if doc, isDoc := cond.(*types.Document); isDoc {
		if eq, err := doc.Get("$eq"); err == nil {
			s, ok := pushdownValue(eq)
			return []any{s}, ok
		}
		in, err := doc.Get("$in")
		if err != nil {
			return nil, false
		}
		arr, isArr := in.(*types.Array)
		if !isArr || arr.Len() == 0 || arr.Len() > 500 {
			return nil, false
		}
		out := make([]any, 0, arr.Len())
		for i := 0; i < arr.Len(); i++ {
			s, ok := pushdownValue(must.NotFail(arr.Get(i)))
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := pushdownValue(cond)
	return []any{s}, ok
}

func pushdownTerms(filter *types.Document, depth int) ([]string, []any) {
	var terms []string
	var args []any
	if filter == nil || depth > 2 {
		return nil, nil
	}
	for _, key := range filter.Keys() {
		cond := must.NotFail(filter.Get(key))
		if key == "$and" {
			if arr, ok := cond.(*types.Array); ok {
				for i := 0; i < arr.Len(); i++ {
					if sub, ok := must.NotFail(arr.Get(i)).(*types.Document); ok {
						t, a := pushdownTerms(sub, depth+1)
						terms = append(terms, t...)
						args = append(args, a...)
					}
				}
			}
			continue
		}
		if !pushdownField.MatchString(key) {
			continue
		}
		values, ok := pushdownValues(cond)
		if !ok {
			continue
		}
		placeholders := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
		if key == "_id" {
			// an _id is never an array
			terms = append(terms, metadata.IDColumn+" IN ("+placeholders+")")
		} else {
			col := metadata.DefaultColumn + "->'" + key + "'"
			terms = append(terms, "("+col+" IN ("+placeholders+") OR ("+col+" >= '[' AND "+col+" < '\\'))")
		}
		args = append(args, values...)
	}
	return terms, args
}

// pushdownWhere returns the WHERE clause (with its leading space) and its arguments, or "" when nothing is pushed.
func pushdownWhere(filter *types.Document) (string, []any) {
	terms, args := pushdownTerms(filter, 0)
	if len(terms) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(terms, " AND "), args
}
GO
perl -0 -e '
  local $/; my $s = <STDIN>;
  my $re = qr/\tif params\.Filter\.Len\(\) == 1 \{\n\t\tv, _ := params\.Filter\.Get\("_id"\)\n.*?\n\t\}\n/s;
  my $n = () = $s =~ /$re/g;
  if ($n != 2) { print STDERR "ferretdb: FIX NOT APPLIED: collection.go has the _id-only pushdown $n times (want 2)\n"; exit 1 }
  $s =~ s/$re/\twhereClause, args = pushdownWhere(params.Filter)\n/g;
  my $m = () = $s =~ /\torderByClause := prepareOrderByClause\(params\.Sort\)\n/g;
  if ($m != 1) { print STDERR "ferretdb: FIX NOT APPLIED: Explain sort clause found $m times\n"; exit 1 }
  $s =~ s/(\torderByClause := prepareOrderByClause\(params\.Sort\)\n)/\tfilterPushdown = whereClause != ""\n\n$1/;
  print $s;
' < "$sqlite_backend/collection.go" > "$sqlite_backend/collection.go.fixed"
mv "$sqlite_backend/collection.go.fixed" "$sqlite_backend/collection.go"
[ "$(grep -c 'pushdownWhere(params.Filter)' "$sqlite_backend/collection.go")" = 2 ] || { echo "ferretdb: FIX NOT APPLIED: filter pushdown in collection.go" >&2; exit 1; }
echo "ferretdb: [3/4] compiling (go build)"
(cd "$src" && go build -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
echo "ferretdb: [4/4] checking the binary"
"$bin" --version >/dev/null
printf '%s' "$want" > "$stamp"
rm -rf "$src"
echo "ferretdb: built $bin"
