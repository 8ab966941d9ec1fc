package handler

// TIPS Town CRM build (copied into FerretDB's handler by scripts/build-ferretdb.sh): the top-level fields a read
// needs, so the SQLite backend decodes only those instead of the whole stored document (decoding is most of a query's
// cost). A find needs the fields of its filter, sort and inclusion projection; a count those of its filter; an
// aggregation that ends in $group or $count after only $match, $sort, $skip, $limit and $unwind those stages name.
// Anything else (an exclusion projection, $expr, $$ROOT, other stages) gets the whole document, as before. And the
// sort a limited find may leave to the backend (sortPushdown).

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
