package attribute

import (
	"fmt"
	"strconv"
	"strings"
)

// Code is one district code of an item with its share of the item.
type Code struct {
	Code     string
	Citywide bool    // "CW": spread over the whole layer per capita
	Share    float64 // fraction of the item; the shares of an item sum to 1
	stated   bool
}

// ParseAreaCodes reads the district codes written on a row. Accepted:
//
//	"5"                      one code
//	"5, 11"  "5,11"  "8 9"   several, split evenly
//	"1, 5, 9 & 14"  "2,3,& 12"   '&' or "and" as a separator
//	"5:60, 11:40"  "5=60%"   stated shares (percent or fractions, rescaled to sum to 1)
//	"CW"  "Citywide"         the whole city, per capita
//	""  "N"  "NA"  "N/A"     no code (the item has none)
//
// Repeated codes are merged. Either every code states a share or none does.
func ParseAreaCodes(s string) ([]Code, error) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "", "N", "NA", "N/A", "NONE", "-":
		return nil, nil
	}
	repl := strings.NewReplacer("&", ",", ";", ",", "/", ",", " and ", ",", " AND ", ",")
	var out []Code
	seen := map[string]int{}
	stated := 0
	for _, tok := range strings.FieldsFunc(repl.Replace(s), func(r rune) bool { return r == ',' }) {
		for _, f := range strings.Fields(tok) {
			c := Code{}
			code, share, hasShare := strings.Cut(f, ":")
			if !hasShare {
				code, share, hasShare = strings.Cut(f, "=")
			}
			code = strings.TrimSpace(code)
			switch strings.ToUpper(code) {
			case "CW", "CITYWIDE", "CITY-WIDE", "ALL":
				c.Citywide = true
				code = "CW"
			}
			if code == "" {
				return nil, fmt.Errorf("area codes %q: an empty code; write codes such as \"5, 11\" or \"CW\"", s)
			}
			c.Code = code
			if hasShare {
				v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(share), "%"), 64)
				if err != nil || !(v > 0) {
					return nil, fmt.Errorf("area codes %q: share %q of code %s is not a positive number", s, share, code)
				}
				c.Share, c.stated = v, true
				stated++
			}
			if i, ok := seen[strings.ToUpper(code)]; ok {
				out[i].Share += c.Share
				continue
			}
			seen[strings.ToUpper(code)] = len(out)
			out = append(out, c)
		}
	}
	if stated > 0 && stated != len(out) {
		return nil, fmt.Errorf("area codes %q: give a share for every code or for none", s)
	}
	normalise(out, stated > 0)
	return out, nil
}

// normalise makes the shares sum to 1: stated shares are rescaled, others are even.
func normalise(cs []Code, stated bool) {
	if len(cs) == 0 {
		return
	}
	if !stated {
		for i := range cs {
			cs[i].Share = 1 / float64(len(cs))
		}
		return
	}
	var t float64
	for _, c := range cs {
		t += c.Share
	}
	for i := range cs {
		cs[i].Share /= t
	}
}

// applyStatedShares replaces even shares by the rule's stated shares (by
// code) when the item states none; codes the rule does not list keep no
// weight unless none is listed.
func applyStatedShares(cs []Code, shares map[string]float64) {
	if len(shares) == 0 || len(cs) == 0 || cs[0].stated {
		return
	}
	any := false
	for i := range cs {
		cs[i].Share = 0
		for k, v := range shares {
			if normCode(k) == normCode(cs[i].Code) {
				cs[i].Share, cs[i].stated = v, true
				any = true
			}
		}
	}
	if !any {
		normalise(cs, false)
		return
	}
	normalise(cs, true)
}
