#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend) from its Go module source, with six fixes and one setting: $group computing only its first
# accumulator, conditional writes racing each other, `_id` lookups that never use the `_id` index, updates holding
# their queries open, filters never reaching the indexes, reads decoding whole documents; and resource tracking (a test-time leak detector) is off. Output: data/tools/ferretdb (reused when present).
set -euo pipefail
VERSION=v1.24.2
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${FERRETDB_TOOLS_DIR:-$root/data/tools}
bin=$tools/ferretdb
stamp=$tools/ferretdb.stamp
want="$VERSION+group-accumulators-fix-2+serialized-writes+id-index+update-close+filter-pushdown+no-tracking+needed-fields+nested+unwind+sort-3+prefix+scalar"
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
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/fsql"
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

type scalarCheck func(key string, eq map[string][]any) bool

func pushdownTerms(filter *types.Document, depth int, scalar scalarCheck, eq map[string][]any) ([]string, []any) {
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
						t, a := pushdownTerms(sub, depth+1, scalar, eq)
						terms = append(terms, t...)
						args = append(args, a...)
					}
				}
			}
			continue
		}
		if top, rest, dotted := strings.Cut(key, "."); dotted {
			// A nested path (with --test-enable-nested-pushdown the handler passes them): a document can only match
			// an ObjectId or a string somewhere under its top-level field if that field's JSON text contains the value's
			// JSON text. Not indexed, but SQLite drops the other documents before the handler decodes them.
			values, ok := pushdownValues(cond)
			if !ok || !pushdownField.MatchString(top) || rest == "" || strings.Contains(rest, "$") {
				continue
			}
			col := metadata.DefaultColumn + "->'" + top + "'"
			alternatives := make([]string, 0, len(values))
			for _, v := range values {
				if v == "true" || v == "false" {
					ok = false
					break
				}
				alternatives = append(alternatives, "instr("+col+", ?) > 0")
			}
			if ok {
				terms = append(terms, "("+strings.Join(alternatives, " OR ")+")")
				args = append(args, values...)
			}
			continue
		}
		if !pushdownField.MatchString(key) {
			continue
		}
		if prefix, ok := regexPrefix(cond); ok {
			// A string, or an array element, that starts with the prefix has JSON text containing `"prefix`.
			terms = append(terms, "instr("+metadata.DefaultColumn+"->'"+key+"', ?) > 0")
			args = append(args, "\""+prefix)
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
			if scalar != nil && scalar(key, eq) {
				terms = append(terms, col+" IN ("+placeholders+")")
			} else {
				terms = append(terms, "("+col+" IN ("+placeholders+") OR ("+col+" >= '[' AND "+col+" < '\\'))")
			}
		}
		args = append(args, values...)
	}
	return terms, args
}

// pushdownWhere returns the WHERE clause (with its leading space) and its arguments, or "" when nothing is pushed.
// equalities collects the top-level fields compared by equality or $in with pushable values (also within $and).
func equalities(filter *types.Document, eq map[string][]any, depth int) {
	if filter == nil || depth > 2 {
		return
	}
	for _, key := range filter.Keys() {
		cond := must.NotFail(filter.Get(key))
		if arr, isArr := cond.(*types.Array); key == "$and" && isArr {
			for i := 0; i < arr.Len(); i++ {
				if sub, isDoc := must.NotFail(arr.Get(i)).(*types.Document); isDoc {
					equalities(sub, eq, depth+1)
				}
			}
			continue
		}
		if _, seen := eq[key]; seen || !pushdownField.MatchString(key) {
			continue
		}
		if values, ok := pushdownValues(cond); ok {
			eq[key] = values
		}
	}
}

func pushdownWhere(filter *types.Document, scalar scalarCheck) (string, []any) {
	eq := map[string][]any{}
	equalities(filter, eq, 0)
	terms, args := pushdownTerms(filter, 0, scalar, eq)
	if len(terms) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(terms, " AND "), args
}

// reducedDocument returns an SQL expression for the stored document with only the given top-level fields (values and
// their schema entries), or "" when a name is not a plain field name. Used when the handler says which fields a read
// needs (QueryParams.Fields): SQLite trims the JSON in C, and the handler decodes a small document.
func reducedDocument(fields []string) string {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		if !pushdownField.MatchString(f) {
			return ""
		}
		quoted[i] = "'" + f + "'"
	}
	in := strings.Join(quoted, ", ")
	col := metadata.DefaultColumn
	// The wanted names among the document's own ($k, a short array); each value and schema entry extracted by path
	// (SQLite parses the document once per row and reuses the parse).
	keys := "json_each(jsonb(" + col + "), '$.\"$s\".\"$k\"') k WHERE k.value IN (" + in + ")"
	data := "(SELECT json_group_object(k.value, " + col + " -> ('$.\"' || k.value || '\"')) FROM " + keys + ")"
	schema := "(SELECT json_group_object(k.value, json(" + col + " -> ('$.\"$s\".p.\"' || k.value || '\"'))) FROM " + keys + ")"
	order := "(SELECT json_group_array(k.value) FROM " + keys + ")"
	return "json_patch(" + data + ", json_object('$s', json_object('p', " + schema + ", '$k', " + order + ")))"
}

// sortPath returns the SQL expressions for a sort key's value (numbers, text, 0/1, epoch milliseconds) and its stored
// type name.
func sortPath(path []string) (value, typ string) {
	value = metadata.DefaultColumn + "->>'$." + strings.Join(path, ".") + "'"
	typ = metadata.DefaultColumn + "->>'$"
	for _, p := range path {
		typ += ".\"$s\".p." + p
	}
	return value, typ + ".t'"
}

// orderBy returns the ORDER BY terms that give MongoDB's order for a sort document, and a condition that finds a
// document SQLite could not order that way (an object, array or rarer type under a sort key, or a path through a
// non-object), or ok=false. MongoDB orders null/missing < numbers < strings < ObjectIds < booleans < dates, and within a
// type numerically or by UTF-8 bytes, as SQLite compares the extracted values. Ties keep insertion order (rowid), as the
// handler's stable sort did.
func orderBy(sort *types.Document) (terms, unsafe string, ok bool) {
	var order, bad []string
	for _, k := range sort.Keys() {
		path := strings.Split(k, ".")
		for _, p := range path {
			if !pushdownField.MatchString(p) {
				return "", "", false
			}
		}
		dir := " ASC"
		switch v := must.NotFail(sort.Get(k)).(type) {
		case int64:
			if v < 0 {
				dir = " DESC"
			}
		case int32:
			if v < 0 {
				dir = " DESC"
			}
		case float64:
			if v < 0 {
				dir = " DESC"
			}
		default:
			return "", "", false
		}
		value, typ := sortPath(path)
		rank := "CASE " + typ + " WHEN 'double' THEN 2 WHEN 'int' THEN 2 WHEN 'long' THEN 2 WHEN 'string' THEN 3" +
			" WHEN 'objectId' THEN 7 WHEN 'bool' THEN 8 WHEN 'date' THEN 9 ELSE 1 END"
		order = append(order, rank+dir, value+dir)
		bad = append(bad, "("+typ+" IS NOT NULL AND "+typ+" NOT IN ('double', 'int', 'long', 'string', 'objectId', 'bool', 'date', 'null'))")
		for i := 1; i < len(path); i++ {
			_, parent := sortPath(path[:i])
			bad = append(bad, "("+parent+" IS NOT NULL AND "+parent+" <> 'object')")
		}
	}
	return strings.Join(order, ", ") + ", rowid", strings.Join(bad, " OR "), true
}

var prefixLiteral = regexp.MustCompile(`^[\p{L}\p{N}]{1,100}$`)

// regexPrefix reads `{$regex: "^word"}` (letters and digits, no options): an anchored prefix search.
func regexPrefix(cond any) (string, bool) {
	var pattern, options string
	switch c := cond.(type) {
	case types.Regex:
		pattern, options = c.Pattern, c.Options
	case *types.Document:
		v, err := c.Get("$regex")
		if err != nil {
			return "", false
		}
		switch r := v.(type) {
		case string:
			pattern = r
		case types.Regex:
			pattern, options = r.Pattern, r.Options
		default:
			return "", false
		}
		if o, err := c.Get("$options"); err == nil {
			str, isStr := o.(string)
			if !isStr {
				return "", false
			}
			options += str
		}
	default:
		return "", false
	}
	if options != "" || !strings.HasPrefix(pattern, "^") || !prefixLiteral.MatchString(pattern[1:]) {
		return "", false
	}
	return pattern[1:], true
}

// scalarFields answers whether equality on a top-level field may be pushed down without the array alternative (which
// keeps SQLite from using compound indexes: {open, stage, dueOn} for open: true, stage: "meeting"): yes when no
// document that the filter's equalities on the index's earlier fields select holds an array in the field, asked of an
// index with one probe of the range arrays occupy. Without such an index, or on any error, the answer is no.
func scalarFields(ctx context.Context, db *fsql.DB, meta *metadata.Collection) scalarCheck {
	memo := map[string]bool{}
	col := func(key string) string { return metadata.DefaultColumn + "->'" + key + "'" }
	var check scalarCheck
	check = func(key string, eq map[string][]any) bool {
		if known, ok := memo[key]; ok {
			return known
		}
		memo[key] = false // while it is being answered
		if !pushdownField.MatchString(key) {
			return false
		}
		for _, index := range meta.Settings.Indexes {
			pos := -1
			for i, k := range index.Key {
				if k.Field == key {
					pos = i
					break
				}
			}
			if pos < 0 {
				continue
			}
			var conds []string
			var args []any
			usable := true
			for _, prev := range index.Key[:pos] {
				values, has := eq[prev.Field]
				if !has || !check(prev.Field, eq) {
					usable = false
					break
				}
				conds = append(conds, col(prev.Field)+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")+")")
				args = append(args, values...)
			}
			if !usable {
				continue
			}
			conds = append(conds, col(key)+" >= '[' AND "+col(key)+" < '\\'")
			q := fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %q WHERE %s)`, meta.TableName, strings.Join(conds, " AND "))
			var found bool
			if err := db.QueryRowContext(ctx, q, args...).Scan(&found); err != nil {
				return false
			}
			memo[key] = !found
			return !found
		}
		return false
	}
	return check
}
GO
perl -0 -e '
  local $/; my $s = <STDIN>;
  my $re = qr/\tif params\.Filter\.Len\(\) == 1 \{\n\t\tv, _ := params\.Filter\.Get\("_id"\)\n.*?\n\t\}\n/s;
  my $n = () = $s =~ /$re/g;
  if ($n != 2) { print STDERR "ferretdb: FIX NOT APPLIED: collection.go has the _id-only pushdown $n times (want 2)\n"; exit 1 }
  $s =~ s/$re/\twhereClause, args = pushdownWhere(params.Filter, scalarFields(ctx, db, meta))\n/g;
  my $m = () = $s =~ /\torderByClause := prepareOrderByClause\(params\.Sort\)\n/g;
  if ($m != 1) { print STDERR "ferretdb: FIX NOT APPLIED: Explain sort clause found $m times\n"; exit 1 }
  $s =~ s/(\torderByClause := prepareOrderByClause\(params\.Sort\)\n)/\tfilterPushdown = whereClause != ""\n\n$1/;
  print $s;
' < "$sqlite_backend/collection.go" > "$sqlite_backend/collection.go.fixed"
mv "$sqlite_backend/collection.go.fixed" "$sqlite_backend/collection.go"
[ "$(grep -c 'pushdownWhere(params.Filter, scalarFields(ctx, db, meta))' "$sqlite_backend/collection.go")" = 2 ] || { echo "ferretdb: FIX NOT APPLIED: filter pushdown in collection.go" >&2; exit 1; }
# Reads decode only the fields they need: the handler names them (fields.go: a find's filter, sort and inclusion
# projection; a count's filter; a counting or grouping aggregation), and SQLite returns the stored document trimmed to
# those (reducedDocument in pushdown.go). Decoding JSON in Go was most of every query's time, and most of a stored
# document's text is its type schema: reading two names from 60 firms decoded 330 KB.
replace_once() { # FILE OLD NEW: OLD must occur exactly once
  OLD=$2 NEW=$3 perl -0 -e '
    local $/; my $s = <STDIN>; my ($old, $new) = ($ENV{OLD}, $ENV{NEW});
    my $n = () = $s =~ /\Q$old\E/g;
    if ($n != 1) { print STDERR "ferretdb: FIX NOT APPLIED: $ARGV[0] has the expected text $n times (want 1)\n"; exit 1 }
    $s =~ s/\Q$old\E/$new/; print $s;' "$1" < "$1" > "$1.fixed"
  mv "$1.fixed" "$1"
}
cat > "$handler/fields.go" <<'GO'
package handler

// TIPS Town CRM build (scripts/build-ferretdb.sh): the top-level fields a read needs, so the SQLite backend decodes
// only those instead of the whole stored document (decoding is most of a query's cost). A find needs the fields of
// its filter, sort and inclusion projection; a count those of its filter; an aggregation that ends in $group or $count
// after only $match, $sort, $skip, $limit and $unwind those stages name. Anything else (an exclusion projection, $expr, $$ROOT,
// other stages) gets the whole document, as before.

import (
	"sort"
	"strings"

	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

type fieldSet struct {
	names map[string]struct{}
	ok    bool
}

func newFieldSet() *fieldSet {
	return &fieldSet{names: map[string]struct{}{"_id": {}}, ok: true}
}

func (s *fieldSet) addPath(path string) {
	top, _, _ := strings.Cut(path, ".")
	if top == "" || strings.HasPrefix(top, "$") {
		s.ok = false
		return
	}
	s.names[top] = struct{}{}
}

func (s *fieldSet) addFilter(filter *types.Document) {
	if filter == nil {
		return
	}
	for _, k := range filter.Keys() {
		v := must.NotFail(filter.Get(k))
		switch k {
		case "$comment":
		case "$and", "$or", "$nor":
			arr, isArr := v.(*types.Array)
			if !isArr {
				s.ok = false
				return
			}
			for i := 0; i < arr.Len(); i++ {
				sub, isDoc := must.NotFail(arr.Get(i)).(*types.Document)
				if !isDoc {
					s.ok = false
					return
				}
				s.addFilter(sub)
			}
		default:
			s.addPath(k) // $expr, $where, $text… make the set unusable
		}
	}
}

func (s *fieldSet) addSort(sort *types.Document) {
	if sort == nil {
		return
	}
	for _, k := range sort.Keys() {
		if k != "$natural" {
			s.addPath(k)
		}
	}
}

func (s *fieldSet) addProjection(p *types.Document) {
	if p == nil || p.Len() == 0 {
		s.ok = false
		return
	}
	idOn, included := false, false
	for _, k := range p.Keys() {
		var on bool
		switch v := must.NotFail(p.Get(k)).(type) {
		case bool:
			on = v
		case int32:
			on = v != 0
		case int64:
			on = v != 0
		case float64:
			on = v != 0
		default: // $slice, $elemMatch, $meta, expressions
			s.ok = false
			return
		}
		if k == "_id" {
			idOn = on
			continue
		}
		if !on { // an exclusion projection keeps every other field
			s.ok = false
			return
		}
		s.addPath(k)
		included = true
	}
	if !included && !idOn {
		s.ok = false
	}
}

// addExpr adds the fields an expression reads through "$field.path" strings.
func (s *fieldSet) addExpr(v any) {
	switch v := v.(type) {
	case string:
		if strings.HasPrefix(v, "$$") {
			if v == "$$ROOT" || v == "$$CURRENT" || strings.HasPrefix(v, "$$ROOT.") || strings.HasPrefix(v, "$$CURRENT.") {
				s.ok = false
			}
			return
		}
		if strings.HasPrefix(v, "$") {
			s.addPath(v[1:])
		}
	case *types.Document:
		for _, k := range v.Keys() {
			s.addExpr(must.NotFail(v.Get(k)))
		}
	case *types.Array:
		for i := 0; i < v.Len(); i++ {
			s.addExpr(must.NotFail(v.Get(i)))
		}
	}
}

func (s *fieldSet) list() []string {
	if !s.ok {
		return nil
	}
	out := make([]string, 0, len(s.names))
	for n := range s.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func findFields(params *common.FindParams) []string {
	s := newFieldSet()
	s.addFilter(params.Filter)
	s.addSort(params.Sort)
	s.addProjection(params.Projection)
	return s.list()
}

func countFields(filter *types.Document) []string {
	s := newFieldSet()
	s.addFilter(filter)
	return s.list()
}

func pipelineFields(stages []any) []string {
	s := newFieldSet()
	for _, st := range stages {
		doc, isDoc := st.(*types.Document)
		if !isDoc || doc.Len() != 1 {
			return nil
		}
		name := doc.Keys()[0]
		v := must.NotFail(doc.Get(name))
		switch name {
		case "$match", "$sort":
			d, isDoc := v.(*types.Document)
			if !isDoc {
				return nil
			}
			if name == "$match" {
				s.addFilter(d)
			} else {
				s.addSort(d)
			}
		case "$skip", "$limit":
		case "$unwind": // its output has the same top-level fields, the array's replaced by one element
			switch u := v.(type) {
			case string:
				s.addExpr(u)
			case *types.Document:
				p, err := u.Get("path")
				if err != nil {
					return nil
				}
				s.addExpr(p)
				if idx, err := u.Get("includeArrayIndex"); err == nil {
					if name, isStr := idx.(string); isStr {
						s.addPath(name)
					}
				}
			default:
				return nil
			}
		case "$count":
			return s.list()
		case "$group":
			s.addExpr(v)
			return s.list()
		default:
			return nil
		}
		if !s.ok {
			return nil
		}
	}
	return nil // the stored documents themselves are the output
}
GO
replace_once "$src/internal/backends/collection.go" $'\tOnlyRecordIDs bool\n\tComment       string\n}' \
  $'\tOnlyRecordIDs bool\n\tComment       string\n\t// Fields: the top-level fields the caller needs (nil: the whole document).\n\tFields []string\n}'
replace_once "$handler/msg_find.go" $'\th.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))' \
  $'\tif !h.DisablePushdown {\n\t\tqp.Fields = findFields(params)\n\t}\n\n\th.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))'
replace_once "$handler/msg_count.go" $'\tif !h.DisablePushdown {\n\t\tqp.Filter = params.Filter\n\t}' \
  $'\tif !h.DisablePushdown {\n\t\tqp.Filter = params.Filter\n\t\tqp.Fields = countFields(params.Filter)\n\t}'
replace_once "$handler/msg_aggregate.go" $'\t\tif !h.DisablePushdown {\n\t\t\tqp.Filter = filter\n\t\t}' \
  $'\t\tif !h.DisablePushdown {\n\t\t\tqp.Filter = filter\n\t\t\tqp.Fields = pipelineFields(aggregationStages)\n\t\t}'
# Sorted finds with a limit are ordered by SQLite when it can give MongoDB's order (sortPushdown in fields.go, orderBy in
# pushdown.go): the handler then skips its in-memory sort, and a limited find decodes only the documents it returns
# instead of every one its filter matches (a page of 25 firms read all 600). A collection holding a value SQLite cannot
# order as MongoDB does under a sort key (an array, say) is sorted by the handler as before.
cat >> "$handler/fields.go" <<'GO'

// sortPushdown returns the sort a find may ask the backend to apply (nil: the handler sorts).
func sortPushdown(sort *types.Document) *types.Document {
	if sort.Len() == 0 {
		return nil
	}
	for _, k := range sort.Keys() {
		if strings.HasPrefix(k, "$") {
			return nil
		}
		switch must.NotFail(sort.Get(k)).(type) {
		case int64, int32, float64:
		default: // $meta
			return nil
		}
	}
	return sort
}
GO
replace_once "$src/internal/backends/collection.go" $'\tFields []string\n}' \
  $'\tFields []string\n\t// OrderBy: a sort the backend may apply (QueryResult.Ordered says whether it did).\n\tOrderBy *types.Document\n}'
replace_once "$src/internal/backends/collection.go" $'type QueryResult struct {\n\tIter types.DocumentsIterator\n}' \
  $'type QueryResult struct {\n\tIter types.DocumentsIterator\n\t// Ordered: the documents come in QueryParams.OrderBy order.\n\tOrdered bool\n}'
replace_once "$handler/msg_find.go" $'\t\tqp.Fields = findFields(params)\n\t}' \
  $'\t\tqp.Fields = findFields(params)\n\t\tif !params.Tailable && qp.Sort == nil && params.Limit > 0 {\n\t\t\tqp.OrderBy = sortPushdown(params.Sort)\n\t\t}\n\t}'
replace_once "$handler/msg_find.go" $'\titer, err := h.makeFindIter(queryRes.Iter, closer, params)' \
  $'\titerParams := params\n\tif queryRes.Ordered {\n\t\tunsorted := *params\n\t\tunsorted.Sort = nil\n\t\titerParams = &unsorted\n\t}\n\n\titer, err := h.makeFindIter(queryRes.Iter, closer, iterParams)'
replace_once "$sqlite_backend/collection.go" $'\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n' \
  $'\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n\n\tvar ordered bool\n\tif params.OrderBy != nil && params.Sort.Len() == 0 && !params.OnlyRecordIDs && !meta.Capped() {\n\t\tif terms, unsafe, ok := orderBy(params.OrderBy); ok {\n\t\t\tconj := " WHERE "\n\t\t\tif whereClause != "" {\n\t\t\t\tconj = " AND "\n\t\t\t}\n\t\t\tcheck := fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %q%s%s(%s))`, meta.TableName, whereClause, conj, unsafe)\n\t\t\tvar found bool\n\t\t\tif err := db.QueryRowContext(ctx, check, args...).Scan(&found); err == nil && !found {\n\t\t\t\tq += " ORDER BY " + terms\n\t\t\t\tordered = true\n\t\t\t}\n\t\t}\n\t}\n\n\t// SQLite computes a select list for every row before it sorts them: an ordered read sorts the stored documents\n\t// first (a materialised CTE keeps their order) and trims only the rows the handler goes on to read.\n\tif expr := reducedDocument(params.Fields); len(params.Fields) > 0 && !params.OnlyRecordIDs && expr != "" {\n\t\tif ordered {\n\t\t\tq = "WITH o AS MATERIALIZED (" + q + ") SELECT " + expr + " AS " + metadata.DefaultColumn + " FROM o"\n\t\t} else {\n\t\t\tq = strings.Replace(q, " "+metadata.DefaultColumn+" FROM ", " "+expr+" AS "+metadata.DefaultColumn+" FROM ", 1)\n\t\t}\n\t}\n'
replace_once "$sqlite_backend/collection.go" $'\treturn &backends.QueryResult{\n\t\tIter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n\t}, nil' \
  $'\treturn &backends.QueryResult{\n\t\tIter:    newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n\t\tOrdered: ordered,\n\t}, nil'
# Every iterator, cursor and connection is registered in a pprof profile with its creation stack and a finalizer that
# panics (killing the server) when it was never closed: a leak detector for FerretDB's own tests that cost about a
# tenth of the CPU of every query here. Tracking is switched off; closing stays the callers' duty as before.
res=$src/internal/util/resource/resource.go
perl -0 -e '
  local $/; my $s = <STDIN>;
  my $n = 0;
  $n += $s =~ s/(func Track\(obj any, token \*Token\) \{\n\tcheckArgs\(obj, token\)\n)/$1\treturn\n/;
  $n += $s =~ s/(func Untrack\(obj any, token \*Token\) \{\n\tcheckArgs\(obj, token\)\n)/$1\treturn\n/;
  if ($n != 2) { print STDERR "ferretdb: FIX NOT APPLIED: resource.Track/Untrack not found as expected ($n)\n"; exit 1 }
  print $s;
' < "$res" > "$res.fixed"
mv "$res.fixed" "$res"
echo "ferretdb: [3/4] compiling (go build)"
(cd "$src" && go build -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
echo "ferretdb: [4/4] checking the binary"
"$bin" --version >/dev/null
printf '%s' "$want" > "$stamp"
rm -rf "$src"
echo "ferretdb: built $bin"
