package sqlite

// TIPS Town CRM build (copied into FerretDB's SQLite backend by scripts/build-ferretdb.sh): filters are pushed down to
// SQLite as a pre-filter, so the collection's indexes (expression indexes on `_ferretdb_sjson->"field"`) serve them.
// The handler still applies the whole filter to every row returned, so the WHERE clause only has to keep every
// document that could match: extra rows are fine, a missing row is not. Pushed down: top-level `_id` and plain fields
// compared by equality or `$in` with ObjectIds, strings Go and SQLite render alike, and booleans; a field that may hold
// an array keeps those documents too (they match in MongoDB when an element does: the range `['[', '\')` on its JSON
// text, from the same index), unless an indexed probe shows none does (scalarFields). Nested paths and anchored
// prefixes are pre-filtered by JSON text. Reads are trimmed to the fields the handler needs and, when they can be,
// ordered by SQLite (orderAndTrim).

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/backends"
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

// pushdownTerms returns the conditions (ANDed) and their arguments for a filter. inOr: the filter is a branch of an $or.
func pushdownTerms(filter *types.Document, depth int, scalar scalarCheck, eq map[string][]any, inOr bool) ([]string, []any) {
	var terms []string
	var args []any
	if filter == nil || depth > 2 {
		return nil, nil
	}
	for _, key := range filter.Keys() {
		cond := must.NotFail(filter.Get(key))
		if key == "$or" {
			// Each branch's own terms, joined by OR; pushed only when every branch has some (a branch with none may
			// match any document). Equality in a branch keeps arrays only when their JSON text holds the value, so an
			// `$or` over a scalar and an array field (a firm's primary and secondary sectors) still narrows the rows.
			if arr, ok := cond.(*types.Array); ok && arr.Len() > 0 {
				branches := make([]string, 0, arr.Len())
				var branchArgs []any
				for i := 0; i < arr.Len(); i++ {
					sub, ok := must.NotFail(arr.Get(i)).(*types.Document)
					if !ok {
						branches = nil
						break
					}
					t, a := pushdownTerms(sub, depth+1, nil, map[string][]any{}, true)
					if len(t) == 0 {
						branches = nil
						break
					}
					branches = append(branches, "("+strings.Join(t, " AND ")+")")
					branchArgs = append(branchArgs, a...)
				}
				if len(branches) > 0 {
					terms = append(terms, "("+strings.Join(branches, " OR ")+")")
					args = append(args, branchArgs...)
				}
			}
			continue
		}
		if key == "$and" {
			if arr, ok := cond.(*types.Array); ok {
				for i := 0; i < arr.Len(); i++ {
					if sub, ok := must.NotFail(arr.Get(i)).(*types.Document); ok {
						t, a := pushdownTerms(sub, depth+1, scalar, eq, inOr)
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
			// A string, or an array element, that starts with the prefix has JSON text containing `"prefix` (letters
			// and digits are written as they are). First in the document's whole text, which needs no parsing (a
			// firm's word parts make it large): only the documents holding it are parsed for the field's own text.
			terms = append(terms, "(instr("+metadata.DefaultColumn+", ?) > 0 AND instr("+metadata.DefaultColumn+"->'"+key+"', ?) > 0)")
			args = append(args, "\""+prefix, "\""+prefix)
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
			switch {
			case inOr:
				// Within an $or branch: an array is kept when its JSON text holds one of the values' JSON text.
				contained := make([]string, len(values))
				for i := range values {
					contained[i] = "instr(" + col + ", ?) > 0"
				}
				terms = append(terms, "("+col+" IN ("+placeholders+") OR ("+col+" >= '[' AND "+col+" < '\\' AND ("+
					strings.Join(contained, " OR ")+")))")
				args = append(args, values...)
			case scalar != nil && scalar(key, eq):
				terms = append(terms, col+" IN ("+placeholders+")")
			default:
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
	terms, args := pushdownTerms(filter, 0, scalar, eq, false)
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

// sortDirection reads a sort document's value: " ASC" for a positive number, " DESC" for a negative one.
func sortDirection(v any) (string, bool) {
	var n float64
	switch v := v.(type) {
	case int64:
		n = float64(v)
	case int32:
		n = float64(v)
	case float64:
		n = v
	default:
		return "", false
	}
	if n < 0 {
		return " DESC", true
	}
	return " ASC", true
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
		dir, ok := sortDirection(must.NotFail(sort.Get(k)))
		if !ok {
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

// indexOrder returns ORDER BY terms on the JSON text of the sort keys (`->`, the expressions the collection's indexes
// are built on, so SQLite can walk an index in order and stop after the rows the handler reads), and a condition that
// finds a document whose text under a sort key does not order as MongoDB orders its value, or ok=false. The text of a
// string orders as its UTF-8 bytes (MongoDB's order) when it holds no escape and no byte below `#` (a space, `!`), which
// would sort before the closing quote: "ab c" after "ab". A missing key is NULL, first ascending and last descending,
// as MongoDB puts missing values. Any other value (a number, whose text does not order numerically; null, a boolean, an
// array or object) is unsafe, and so is a non-object on the way to a nested key. SQLite walks an index one way, so
// every key must go in the same direction.
func indexOrder(sort *types.Document) (terms, unsafe string, ok bool) {
	var order, bad []string
	dir := ""
	for _, k := range sort.Keys() {
		col := metadata.DefaultColumn
		for i, p := range strings.Split(k, ".") {
			if !pushdownField.MatchString(p) {
				return "", "", false
			}
			if i > 0 {
				bad = append(bad, "("+col+" IS NOT NULL AND substr("+col+", 1, 1) <> '{')")
			}
			col += "->'" + p + "'"
		}
		d, ok := sortDirection(must.NotFail(sort.Get(k)))
		if !ok {
			return "", "", false
		}
		if dir != "" && d != dir {
			return "", "", false
		}
		dir = d
		order = append(order, col+d)
		bad = append(bad, "("+col+" IS NOT NULL AND (substr("+col+", 1, 1) <> '\"' OR instr("+col+", '\\') > 0 OR "+
			"instr("+col+", ' ') > 0 OR instr("+col+", '!') > 0))")
	}
	return strings.Join(order, ", ") + ", rowid" + dir, strings.Join(bad, " OR "), true
}

// walksIndex answers whether SQLite reads the query's rows in its ORDER BY order from an index, without sorting them
// first (EXPLAIN QUERY PLAN shows no temporary B-tree for the ORDER BY).
func walksIndex(ctx context.Context, db *fsql.DB, q string, args []any) bool {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		return false
	}
	defer rows.Close()
	usesIndex := false
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return false
		}
		if strings.Contains(detail, "TEMP B-TREE") {
			return false
		}
		usesIndex = usesIndex || strings.Contains(detail, "USING INDEX") || strings.Contains(detail, "USING COVERING INDEX")
	}
	return rows.Err() == nil && usesIndex
}

// verdicts keeps unsafeRows' answers per collection and query until the collection is written to: the check reads the
// sort key of every matching document, as much as sorting them would, and pages are read far more often than written.
var verdicts = struct {
	sync.Mutex
	writes  map[string]uint64
	answers map[string]verdict
}{writes: map[string]uint64{}, answers: map[string]verdict{}}

type verdict struct {
	writes uint64
	found  bool
}

// collectionWritten is called after every write to a collection (InsertAll, UpdateAll, DeleteAll, and dropping or
// renaming one): the answers kept for it are stale.
func collectionWritten(dbName, name string) {
	verdicts.Lock()
	defer verdicts.Unlock()
	verdicts.writes[dbName+"/"+name]++
}

// unsafeRows answers whether a document the query's WHERE clause keeps matches the condition (or the check failed).
// The count of writes is taken before the check, so a write that lands while it runs leaves the answer stale.
func unsafeRows(ctx context.Context, db *fsql.DB, collection string, meta *metadata.Collection, where, cond string, args []any) bool {
	key := fmt.Sprintf("%s\x00%s\x00%s\x00%v", collection, where, cond, args)
	verdicts.Lock()
	writes := verdicts.writes[collection]
	kept, known := verdicts.answers[key]
	verdicts.Unlock()
	if known && kept.writes == writes {
		return kept.found
	}
	conj := " WHERE "
	if where != "" {
		conj = " AND "
	}
	check := fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %q%s%s(%s))`, meta.TableName, where, conj, cond)
	var found bool
	if err := db.QueryRowContext(ctx, check, args...).Scan(&found); err != nil {
		return true
	}
	verdicts.Lock()
	if len(verdicts.answers) > 10000 {
		verdicts.answers = map[string]verdict{}
	}
	verdicts.answers[key] = verdict{writes: writes, found: found}
	verdicts.Unlock()
	return found
}

// orderAndTrim finishes a query's SQL (SELECT … FROM … [WHERE …]): ordered by SQLite when the handler asked for an
// order (QueryParams.OrderBy) and no matching document holds a value SQLite cannot order as MongoDB does; and trimmed
// to the fields the handler needs (QueryParams.Fields). Best, an index gives the order (indexOrder): SQLite walks it
// and the handler stops after the rows it returns, so a page of 25 firms reads about 25 documents. Otherwise SQLite
// sorts by type and value (orderBy); it computes a select list for every row before it sorts them, so that read sorts
// the stored documents first (a materialised CTE keeps their order) and trims only the rows the handler goes on to
// read. It reports whether the rows come in OrderBy order.
func orderAndTrim(
	ctx context.Context, db *fsql.DB, collection string, meta *metadata.Collection, params *backends.QueryParams,
	q, where string, args []any,
) (string, bool) {
	expr := reducedDocument(params.Fields)
	trim := func(q string) string {
		if len(params.Fields) == 0 || params.OnlyRecordIDs || expr == "" {
			return q
		}
		return strings.Replace(q, " "+metadata.DefaultColumn+" FROM ", " "+expr+" AS "+metadata.DefaultColumn+" FROM ", 1)
	}
	if params.OrderBy == nil || params.Sort.Len() != 0 || params.OnlyRecordIDs || meta.Capped() {
		return trim(q), false
	}
	if terms, unsafe, ok := indexOrder(params.OrderBy); ok {
		walk := q + " ORDER BY " + terms
		if walksIndex(ctx, db, walk, args) && !unsafeRows(ctx, db, collection, meta, where, unsafe, args) {
			return trim(walk), true
		}
	}
	terms, unsafe, ok := orderBy(params.OrderBy)
	if !ok || unsafeRows(ctx, db, collection, meta, where, unsafe, args) {
		return trim(q), false
	}
	q += " ORDER BY " + terms
	if len(params.Fields) == 0 || expr == "" {
		return q, true
	}
	return "WITH o AS MATERIALIZED (" + q + ") SELECT " + expr + " AS " + metadata.DefaultColumn + " FROM o", true
}
