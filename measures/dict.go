package measures

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/budgetlens/budgetlens/budget"
)

// Dictionary numbers the request types, agencies, sources and statuses of
// the stored events: partitions keep these numbers, the store keeps the
// names. Id 0 of every kind is "" (absent).
//
// ID is safe for concurrent use (an import numbers names on its consumer
// while its writer goroutine numbers them for the store): lookups read an
// immutable index without a lock, and a new name is added under mu to a
// copy of it. Set and the fields are for one goroutine.
type Dictionary struct {
	Names [NameKinds][]string
	index [NameKinds]atomic.Pointer[map[string]uint16]
	mu    sync.Mutex
}

// Kinds of names in a Dictionary.
const (
	NameType = iota
	NameAgency
	NameSource
	NameStatus
	NameKinds
)

// NameKindLabels are the kinds' names in the store.
var NameKindLabels = [NameKinds]string{"type", "agency", "source", "status"}

// NewDictionary returns a dictionary holding only "".
func NewDictionary() *Dictionary {
	d := &Dictionary{}
	for k := range d.Names {
		d.Names[k] = []string{""}
	}
	return d
}

// Set records the name of id (as read back from a store).
func (d *Dictionary) Set(kind int, id uint16, name string) {
	for len(d.Names[kind]) <= int(id) {
		d.Names[kind] = append(d.Names[kind], "")
	}
	d.Names[kind][id] = name
	d.index[kind].Store(nil)
}

// ID returns the number of a name, adding it when new (added reports
// that). A kind holds at most 65,535 names.
func (d *Dictionary) ID(kind int, name string) (id uint16, added bool, err error) {
	if name == "" {
		return 0, false, nil
	}
	if ix := d.index[kind].Load(); ix != nil {
		if id, ok := (*ix)[name]; ok {
			return id, false, nil
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	ix := d.index[kind].Load()
	if ix == nil {
		m := make(map[string]uint16, len(d.Names[kind]))
		for i, n := range d.Names[kind] {
			if i > 0 {
				m[n] = uint16(i)
			}
		}
		ix = &m
		d.index[kind].Store(ix)
	}
	if id, ok := (*ix)[name]; ok {
		return id, false, nil
	}
	if len(d.Names[kind]) >= 1<<16 {
		return 0, false, budget.Errorf(budget.EINVALID, "more than 65,535 distinct %s names: check the file's %s column", NameKindLabels[kind], NameKindLabels[kind])
	}
	id = uint16(len(d.Names[kind]))
	d.Names[kind] = append(d.Names[kind], name)
	m := make(map[string]uint16, len(*ix)+1)
	for n, i := range *ix {
		m[n] = i
	}
	m[name] = id
	d.index[kind].Store(&m)
	return id, true, nil
}

// Name returns the name of an id ("" when unknown).
func (d *Dictionary) Name(kind int, id uint16) string {
	if int(id) < len(d.Names[kind]) {
		return d.Names[kind][id]
	}
	return ""
}

// Matches marks the ids of a kind whose name is one of values (case
// ignored); for types, a value may also be a canonical name of the
// services, matching every alias.
func (d *Dictionary) matches(kind int, values []string, svc *Services) []bool {
	out := make([]bool, len(d.Names[kind]))
	if len(values) == 0 {
		for i := range out {
			out[i] = true
		}
		return out
	}
	for i, n := range d.Names[kind] {
		for _, v := range values {
			if strings.EqualFold(n, v) || (kind == NameType && strings.EqualFold(svc.Canonical(n), svc.Canonical(v))) {
				out[i] = true
				break
			}
		}
	}
	return out
}
