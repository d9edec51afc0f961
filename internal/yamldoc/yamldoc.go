// Package yamldoc cuts one top-level section out of a YAML document so that
// another parser can read it on its own, with the line numbers of the whole
// document: a city profile holds its attribution rules inline, and an error
// in a rule must name the profile's line.
package yamldoc

import (
	"bytes"
	"strings"
)

// Section returns the block under the top-level key (the lines after
// "key:" up to the next top-level key), dedented, preceded by as many empty
// lines as came before it, so that line n of the result is line n of data.
// ok is false when the document has no such key or it holds nothing below
// it (an inline value such as "key: x" is not a block).
func Section(data []byte, key string) (block []byte, ok bool) {
	lines := strings.Split(string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))), "\n")
	start := -1
	for i, l := range lines {
		if topLevel(l) && strings.TrimSpace(stripComment(l)) == key+":" {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, false
	}
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if topLevel(lines[i]) {
			end = i
			break
		}
	}
	indent := -1
	for _, l := range lines[start+1 : end] {
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		indent = len(l) - len(strings.TrimLeft(l, " "))
		break
	}
	if indent <= 0 {
		return nil, false
	}
	var b strings.Builder
	for i := 0; i <= start; i++ {
		b.WriteByte('\n')
	}
	for _, l := range lines[start+1 : end] {
		if len(l) >= indent && strings.TrimLeft(l[:indent], " ") == "" {
			l = l[indent:]
		} else {
			l = strings.TrimLeft(l, " ")
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String()), true
}

// topLevel reports whether a line starts a top-level key (not indented, not
// a comment, not blank, not a document marker).
func topLevel(l string) bool {
	if l == "" || l[0] == ' ' || l[0] == '\t' || l[0] == '#' {
		return false
	}
	return !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "...")
}

func stripComment(l string) string {
	if i := strings.Index(l, " #"); i >= 0 {
		return l[:i]
	}
	return l
}
