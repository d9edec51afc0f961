package budget

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Amounts are integers of a kind's smallest unit (cents for money,
// ten-thousandths for positions; see Kind.Places) and never pass through a
// float. This file holds the one grammar every reader parses them with, the
// range they must stay in and the checked sum that adds them.

// MaxUnits is the largest magnitude of an amount and of any sum of amounts:
// 999,999,999,999,999,999 units, that is ±9,999,999,999,999,999.99 dollars
// in cents, the range of SQL DECIMAL(18,2) (the store's amount type for
// analysts) and well inside int64, so that adding two amounts in range
// never overflows before the range check.
const MaxUnits int64 = 999_999_999_999_999_999

// ErrNotAmount is the error of text that does not follow the amount grammar
// (see ParseAmount); ErrAmountRange that of an amount or sum beyond
// ±MaxUnits. Both are returned wrapped in an *AmountError.
var (
	ErrNotAmount   = errors.New("not an amount")
	ErrAmountRange = errors.New("beyond the amount range")
)

// AmountError says why text is not an amount; Is(ErrNotAmount) or
// Is(ErrAmountRange) tells the two kinds apart.
type AmountError struct {
	Text   string // the text as given
	Reason string // what was wrong, in words
	Err    error  // ErrNotAmount or ErrAmountRange
}

func (e *AmountError) Error() string { return fmt.Sprintf("%q: %s", e.Text, e.Reason) }
func (e *AmountError) Unwrap() error { return e.Err }

// AmountGrammar describes the accepted syntax, for messages and docs.
const AmountGrammar = "an amount such as 1234, -56.78, (12.50), $8,650.00 or -$5 (one sign at most: a leading minus, or parentheses around the whole amount)"

// RangeAdvice is what to say when an amount or a sum leaves the range.
var RangeAdvice = fmt.Sprintf("amounts and their sums must stay within ±%s (SQL DECIMAL(18,2)); an amount this large is a typing or export error", GroupDigits(FormatUnits(MaxUnits, 2)))

// GroupDigits puts thousands separators into a decimal number's whole
// part: "-1234567.50" becomes "-1,234,567.50".
func GroupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, dot := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if dot {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// ParseAmount reads an amount written the way budget files write them and
// returns it in units of 10^-places. empty is true for the markers of "no
// amount" ("", NA, N/A, #N/A, null, a lone "-", "..", nfp), which is not
// zero. The grammar, after trimming white space:
//
//	amount   = [sign] ["$"] [sign] number      at most one sign in all
//	         | "(" ["$"] number ")"            accounting negative, no sign inside
//	sign     = "-" | "+"
//	number   = digits ["." [0-9]*] [exponent] | "." [0-9]+ [exponent]
//	digits   = [0-9]+ | [0-9]{1,3} ("," [0-9]{3})+
//	exponent = ("e" | "E") ["+" | "-"] [0-9]{1,2}
//
// White space may follow "$" and "(" and precede ")". So "-$5", "$-5" and
// "(5)" are -5, while "--5", "-$-5", "(-5)" and "-(5)" are refused: a sign
// is written once. More decimals than places are rounded half away from
// zero (Fiscal Data Packages carry them). An amount beyond ±MaxUnits is
// refused with ErrAmountRange; the result never passes through a float.
func ParseAmount(s string, places int) (units int64, empty bool, err error) {
	orig := s
	s = strings.TrimSpace(s)
	if IsNoAmount(s) {
		return 0, true, nil
	}
	fail := func(reason string) (int64, bool, error) {
		return 0, false, &AmountError{Text: orig, Reason: reason, Err: ErrNotAmount}
	}
	neg, signs := false, 0
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, signs, s = true, 1, strings.TrimSpace(s[1:len(s)-1])
	}
	takeSign := func() {
		if s != "" && (s[0] == '-' || s[0] == '+') {
			neg = neg != (s[0] == '-')
			signs++
			s = s[1:]
		}
	}
	takeSign()
	if strings.HasPrefix(s, "$") {
		s = strings.TrimLeft(s[1:], " \t")
		takeSign()
	}
	if signs > 1 {
		return fail("a sign is written once: a leading minus, or parentheses around the amount")
	}
	num, err := plainDecimal(s)
	if err != nil {
		return fail(err.Error())
	}
	u, err := decimalUnits(num, places)
	if err != nil {
		return 0, false, &AmountError{Text: orig, Reason: RangeAdvice, Err: ErrAmountRange}
	}
	if neg {
		u = -u
	}
	return u, false, nil
}

// IsNoAmount reports the ways files write "no amount": an empty cell, NA,
// N/A, #N/A, null, a lone dash, ".." (statistical tables) and "nfp" ("not
// for publication", Australia's budget papers).
func IsNoAmount(s string) bool {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "NA", "N/A", "#N/A", "-", "NULL", "..", "NFP":
		return true
	}
	return false
}

// plainDecimal checks the number part of the grammar and returns it as
// digits with an optional point, thousands separators removed and any
// exponent applied exactly.
func plainDecimal(s string) (string, error) {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e := strings.TrimPrefix(s[i+1:], "+")
		digits := strings.TrimPrefix(e, "-")
		if len(digits) == 0 || len(digits) > 2 || !allDigits(digits) {
			return "", errors.New("an exponent is one or two digits (4e+05)")
		}
		exp, _ = strconv.Atoi(e)
	}
	ip, fp, dot := strings.Cut(mant, ".")
	if ip == "" && fp == "" {
		return "", errors.New("no digits")
	}
	if strings.Contains(ip, ",") {
		if exp != 0 {
			return "", errors.New("thousands separators and an exponent do not mix")
		}
		groups := strings.Split(ip, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return "", errors.New("thousands separators group three digits (1,234,567)")
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return "", errors.New("thousands separators group three digits (1,234,567)")
			}
		}
		ip = strings.Join(groups, "")
	}
	if !allDigits(ip) || !allDigits(fp) {
		return "", errors.New("only digits, one decimal point and thousands commas")
	}
	if dot && fp == "" && ip == "" {
		return "", errors.New("no digits")
	}
	if exp == 0 {
		return ip + "." + fp, nil
	}
	digits := strings.TrimLeft(ip+fp, "0")
	if digits == "" {
		return "0.", nil
	}
	point := len(ip) + exp - (len(ip+fp) - len(digits)) // position of the point in digits
	switch {
	case point > 40:
		return strings.Repeat("9", 41) + ".", nil // far beyond any range
	case point <= 0:
		return "." + strings.Repeat("0", -point) + digits, nil
	case point >= len(digits):
		return digits + strings.Repeat("0", point-len(digits)) + ".", nil
	}
	return digits[:point] + "." + digits[point:], nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decimalUnits turns "ddd.ddd" into units of 10^-places, rounding half away
// from zero, refusing magnitudes beyond MaxUnits.
func decimalUnits(num string, places int) (int64, error) {
	ip, fp, _ := strings.Cut(num, ".")
	ip = strings.TrimLeft(ip, "0")
	var u int64
	add := func(d byte) error {
		if u > (MaxUnits-int64(d-'0'))/10 {
			return ErrAmountRange
		}
		u = u*10 + int64(d-'0')
		return nil
	}
	for i := 0; i < len(ip); i++ {
		if err := add(ip[i]); err != nil {
			return 0, err
		}
	}
	for i := 0; i < places; i++ {
		d := byte('0')
		if i < len(fp) {
			d = fp[i]
		}
		if err := add(d); err != nil {
			return 0, err
		}
	}
	if len(fp) > places && fp[places] >= '5' {
		if u == MaxUnits {
			return 0, ErrAmountRange
		}
		u++
	}
	return u, nil
}

// FormatUnits writes units of 10^-places with all places decimals, e.g.
// FormatUnits(-123450, 2) = "-1234.50". It is the inverse of ParseAmount
// for every amount in range.
func FormatUnits(u int64, places int) string {
	sign := ""
	v := uint64(u)
	if u < 0 {
		sign, v = "-", uint64(-u) // -MinInt64 wraps to itself, which as uint64 is right
	}
	if places <= 0 {
		return sign + strconv.FormatUint(v, 10)
	}
	scale := uint64(1)
	for i := 0; i < places; i++ {
		scale *= 10
	}
	frac := strconv.FormatUint(v%scale, 10)
	return sign + strconv.FormatUint(v/scale, 10) + "." + strings.Repeat("0", places-len(frac)) + frac
}

// Sum adds amounts exactly. Every amount and every partial sum must stay
// within ±MaxUnits: Add refuses the amount that would take the sum out
// (ErrAmountRange), so a running sum can never wrap around, and a total row
// is always compared with the true sum of the rows above it.
type Sum struct {
	units int64
	n     int
}

// Add adds x to the sum. It fails, leaving the sum unchanged, when x or the
// new sum is beyond ±MaxUnits.
func (s *Sum) Add(x int64) error {
	if x > MaxUnits || x < -MaxUnits {
		return ErrAmountRange
	}
	v := s.units + x // both within ±MaxUnits: no overflow
	if v > MaxUnits || v < -MaxUnits {
		return ErrAmountRange
	}
	s.units = v
	s.n++
	return nil
}

// Units returns the sum.
func (s *Sum) Units() int64 { return s.units }

// Count returns the number of amounts added.
func (s *Sum) Count() int { return s.n }
