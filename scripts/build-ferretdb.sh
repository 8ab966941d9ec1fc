#!/usr/bin/env bash
# Builds FerretDB v1.24.2 (SQLite backend) from its Go module source, with the project's changes: six fixes ($group
# computing only its first accumulator, conditional writes racing each other, `_id` lookups that never use the `_id`
# index, updates holding their queries open, filters never reaching the indexes, reads decoding whole documents), sorts
# done by SQLite where it can give MongoDB's order, and resource tracking (a test-time leak detector) off. The Go code
# added lives in scripts/ferretdb/; the edits to FerretDB's own files are made here, each failing the build when the
# source no longer has the text it expects. Output: data/tools/ferretdb (reused when present).
set -euo pipefail
VERSION=v1.24.2
root=$(cd "$(dirname "$0")/.." && pwd)
tools=${FERRETDB_TOOLS_DIR:-$root/data/tools}
bin=$tools/ferretdb
stamp=$tools/ferretdb.stamp
want="$VERSION+group-accumulators-fix-2+serialized-writes+id-index+update-close+filter-pushdown+no-tracking+needed-fields+nested+unwind+sort-3+prefix+scalar+index-order-2+or+prefix-text+delete-fields"
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
patches=$root/scripts/ferretdb
handler=$src/internal/handler
sqlite_backend=$src/internal/backends/sqlite

# FILE OLD NEW: replaces OLD by NEW in FILE, and fails the build unless OLD occurs there exactly once.
replace_once() {
  OLD=$2 NEW=$3 perl -0 -e '
    local $/; my $s = <STDIN>; my ($old, $new) = ($ENV{OLD}, $ENV{NEW});
    my $n = () = $s =~ /\Q$old\E/g;
    if ($n != 1) { print STDERR "ferretdb: FIX NOT APPLIED: $ARGV[0] has the expected text $n times (want 1)\n"; exit 1 }
    $s =~ s/\Q$old\E/$new/; print $s;' "$1" < "$1" > "$1.fixed"
  mv "$1.fixed" "$1"
}

echo "ferretdb: [2/4] writing version file and applying the project's changes"
printf '%s' "$VERSION" > "$src/build/version/version.txt"

# Each accumulator gets its own iterator over the group's documents (the shared one is used up by the first
# accumulator), and each is closed (FerretDB panics on an iterator that is never closed).
replace_once "$handler/common/aggregations/stages/group.go" \
  $'\t\tgroupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))\n\t\tdefer groupIter.Close()\n\n\t\tfor _, accumulation := range g.groupBy {\n' \
  $'\t\tfor _, accumulation := range g.groupBy {\n\t\t\tgroupIter := iterator.Values(iterator.ForSlice(groupedDocument.documents))\n\t\t\tdefer groupIter.Close()\n\n'

# update, findAndModify and delete read the matching documents and write them back in separate steps, so two
# conditional writes of one document ({_id, __v: 3} → __v 4) both "succeed" and one is lost: optimistic concurrency,
# claims and counters would silently break. One lock serialises these three commands (SQLite has one writer anyway).
cp "$patches/handler/write_lock.go" "$handler/"
for cmd in update:MsgUpdate findandmodify:MsgFindAndModify delete:MsgDelete; do
  sig="func (h *Handler) ${cmd##*:}(connCtx context.Context, msg *wire.OpMsg) (*wire.OpMsg, error) {"$'\n'
  replace_once "$handler/msg_${cmd%%:*}.go" "$sig" "$sig"$'\twriteMu.Lock()\n\tdefer writeMu.Unlock()\n\n'
done

# `update` closes each statement's query only when the whole command returns (a `defer` inside the loop over its
# statements), and a statement that matched a document (read with a limit of one) leaves its SQLite rows open, each
# holding one of the pool's 100 connections: the 100th matching statement of one command (a bulkWrite of updateOnes)
# then waits for a connection forever, holding writeMu, and every other write and, once the pool is empty, every query
# of every client waits behind it (idle CPU; ping still answers). Each statement's query is closed as soon as it is done.
replace_once "$handler/msg_update.go" \
  $'\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n\t\tif err != nil {\n' \
  $'\t\tresult, err := common.UpdateDocument(ctx, c, "update", iter, &u)\n\t\tcloser.Close()\n\t\tif err != nil {\n'

# Queries by _id are written as `_ferretdb_sjson->'$._id'`, but the table's unique index is on `_ferretdb_sjson->'_id'`:
# SQLite matches index expressions by their text, so every _id read, update and delete walked the whole table (a page
# reading one session, one user and one bucket by _id cost as much as a scan of each). Same value, the indexed spelling.
replace_once "$sqlite_backend/metadata/metadata.go" \
  "IDColumn = DefaultColumn + \"->'\$._id'\"" "IDColumn = DefaultColumn + \"->'_id'\""

# Every filter but a lone `_id` was read by walking the whole table and decoding each document in Go, so the indexes
# the app declares never served a query: a firm page reading its rounds, people, notes and matches scanned all four
# collections. Filters are now pushed down to SQLite as a pre-filter (scripts/ferretdb/sqlite/pushdown.go): the
# declared indexes serve equality and `$in` on top-level fields, compound ones included, `_id` is served alongside
# other conditions, and the handler still checks every returned document against the whole filter, so results are
# unchanged.
cp "$patches/sqlite/pushdown.go" "$sqlite_backend/"
id_only=$'\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")\n\t\tswitch v.(type) {\n\t\tcase string, types.ObjectID:\n'
id_where=$'\t\t\twhereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)\n\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}\n\t\t}\n\t}\n'
pushed=$'\twhereClause, args = pushdownWhere(params.Filter, scalarFields(ctx, db, meta))\n'
replace_once "$sqlite_backend/collection.go" "$id_only$id_where" "$pushed"
replace_once "$sqlite_backend/collection.go" "$id_only"$'\t\t\tfilterPushdown = true\n'"$id_where" "$pushed"$'\tfilterPushdown = whereClause != ""\n'

# Reads decode only the fields they need: the handler names them (scripts/ferretdb/handler/fields.go: a find's filter,
# sort and inclusion projection; a count's filter; a counting or grouping aggregation), and SQLite returns the stored
# document trimmed to those. Decoding JSON in Go was most of every query's time, and most of a stored document's text
# is its type schema: reading two names from 60 firms decoded 330 KB. Sorted finds with a limit are ordered by SQLite
# when it can give MongoDB's order (sortPushdown, orderBy): the handler then skips its in-memory sort, and a limited
# find decodes only the documents it returns instead of every one its filter matches (a page of 25 firms read all 600).
# A collection holding a value SQLite cannot order as MongoDB does under a sort key (an array, say) is sorted by the
# handler as before.
cp "$patches/handler/fields.go" "$handler/"
replace_once "$src/internal/backends/collection.go" $'\tOnlyRecordIDs bool\n\tComment       string\n}' \
  $'\tOnlyRecordIDs bool\n\tComment       string\n\t// Fields: the top-level fields the caller needs (nil: the whole document).\n\tFields []string\n\t// OrderBy: a sort the backend may apply (QueryResult.Ordered says whether it did).\n\tOrderBy *types.Document\n}'
replace_once "$src/internal/backends/collection.go" $'type QueryResult struct {\n\tIter types.DocumentsIterator\n}' \
  $'type QueryResult struct {\n\tIter types.DocumentsIterator\n\t// Ordered: the documents come in QueryParams.OrderBy order.\n\tOrdered bool\n}'
replace_once "$handler/msg_find.go" $'\th.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))' \
  $'\tif !h.DisablePushdown {\n\t\tqp.Fields = findFields(params)\n\t\tif !params.Tailable && qp.Sort == nil && params.Limit > 0 {\n\t\t\tqp.OrderBy = sortPushdown(params.Sort)\n\t\t}\n\t}\n\n\th.L.DebugContext(ctx, fmt.Sprintf("Converted %+v for %+v to %+v.", params, cInfo, qp))'
replace_once "$handler/msg_find.go" $'\titer, err := h.makeFindIter(queryRes.Iter, closer, params)' \
  $'\titerParams := params\n\tif queryRes.Ordered {\n\t\tunsorted := *params\n\t\tunsorted.Sort = nil\n\t\titerParams = &unsorted\n\t}\n\n\titer, err := h.makeFindIter(queryRes.Iter, closer, iterParams)'
replace_once "$handler/msg_count.go" $'\tif !h.DisablePushdown {\n\t\tqp.Filter = params.Filter\n\t}' \
  $'\tif !h.DisablePushdown {\n\t\tqp.Filter = params.Filter\n\t\tqp.Fields = countFields(params.Filter)\n\t}'
# A delete decodes only the fields of its filter and _id (emptying a collection decoded every document to find its ids).
replace_once "$handler/msg_delete.go" $'\tif !h.DisablePushdown {\n\t\tqp.Filter = p.Filter\n\t}' \
  $'\tif !h.DisablePushdown {\n\t\tqp.Filter = p.Filter\n\t\tqp.Fields = countFields(p.Filter)\n\t}'
replace_once "$handler/msg_aggregate.go" $'\t\tif !h.DisablePushdown {\n\t\t\tqp.Filter = filter\n\t\t}' \
  $'\t\tif !h.DisablePushdown {\n\t\t\tqp.Filter = filter\n\t\t\tqp.Fields = pipelineFields(aggregationStages)\n\t\t}'
replace_once "$sqlite_backend/collection.go" $'\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n' \
  $'\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n\tq, ordered := orderAndTrim(ctx, db, c.dbName+"/"+c.name, meta, params, q, whereClause, args)\n'
# The check behind an ordered read is kept until the collection is written to (verdicts in pushdown.go).
for fn in 'InsertAll(ctx context.Context, params *backends.InsertAllParams) (*backends.InsertAllResult, error) {' \
  'UpdateAll(ctx context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {' \
  'DeleteAll(ctx context.Context, params *backends.DeleteAllParams) (*backends.DeleteAllResult, error) {'; do
  replace_once "$sqlite_backend/collection.go" "func (c *collection) $fn"$'\n' "func (c *collection) $fn"$'\n\tdefer collectionWritten(c.dbName, c.name)\n'
done
replace_once "$sqlite_backend/database.go" $'func (db *database) DropCollection(ctx context.Context, params *backends.DropCollectionParams) error {\n' \
  $'func (db *database) DropCollection(ctx context.Context, params *backends.DropCollectionParams) error {\n\tdefer collectionWritten(db.name, params.Name)\n'
replace_once "$sqlite_backend/database.go" $'func (db *database) RenameCollection(ctx context.Context, params *backends.RenameCollectionParams) error {\n' \
  $'func (db *database) RenameCollection(ctx context.Context, params *backends.RenameCollectionParams) error {\n\tdefer collectionWritten(db.name, params.OldName)\n\tdefer collectionWritten(db.name, params.NewName)\n'
replace_once "$sqlite_backend/collection.go" $'\treturn &backends.QueryResult{\n\t\tIter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n\t}, nil' \
  $'\treturn &backends.QueryResult{\n\t\tIter:    newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n\t\tOrdered: ordered,\n\t}, nil'

# Every iterator, cursor and connection is registered in a pprof profile with its creation stack and a finalizer that
# panics (killing the server) when it was never closed: a leak detector for FerretDB's own tests that cost about a
# tenth of the CPU of every query here. Tracking is switched off; closing stays the callers' duty as before.
for fn in Track Untrack; do
  replace_once "$src/internal/util/resource/resource.go" \
    "func $fn(obj any, token *Token) {"$'\n\tcheckArgs(obj, token)\n' "func $fn(obj any, token *Token) {"$'\n\tcheckArgs(obj, token)\n\treturn\n'
done

echo "ferretdb: [3/4] compiling (go build)"
(cd "$src" && go build -o "$bin.tmp" ./cmd/ferretdb)
mv "$bin.tmp" "$bin"
echo "ferretdb: [4/4] checking the binary"
"$bin" --version >/dev/null
printf '%s' "$want" > "$stamp"
rm -rf "$src"
echo "ferretdb: built $bin"
