// Package analysistest checks the council report's sentences against the
// analysis result they describe: every number written in a sentence must be
// one the result holds (formatted as the report formats numbers), so no
// sentence can carry a figure computed or typed anywhere else. It is used
// by the tests of analysis, office and the CLI.
package analysistest

import (
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/report"
)

// Constants are the numbers the report's sentences may name that are not
// figures of the result: the verdict's negligible band, the check's 0.01
// tolerance, the department table's 0.01-point threshold.
var Constants = []float64{analysis.Negligible, 0.01}

// notFigures are names and dates that contain digits but are not figures.
var notFigures = regexp.MustCompile(`(?i)\b(FY)?\d{4}-\d{2}(-\d{2})?\b|\b(19|20)\d{2}\b|CalEnviroScreen \d\.\d|CES \d\.\d|SB 535|B\d{5}|ACS \d{4}-\d{2}|Tier \d|District \d+|\bdistricts? \d+|sha256( [0-9a-f]+\b)?|\b[0-9a-f]{8,}\b`)

// number matches a figure as the report writes it: an optional sign, a
// dollar sign, digits with thousands separators and decimals, a scale
// (B, M, K, T) and a percent sign.
var number = regexp.MustCompile(`[−+-]?\$?\d(?:[\d,]*\d)?(\.\d+)?( [BMKT]\b)?%?`)

// Numbers returns the numbers written in text (signs dropped), names and
// dates left out.
func Numbers(text string) []string {
	text = notFigures.ReplaceAllString(text, " ")
	var out []string
	for _, m := range number.FindAllString(text, -1) {
		out = append(out, strings.TrimLeft(m, "−+-"))
	}
	return out
}

// Figures returns every way the report could write a number of the result:
// each numeric field (and each slice's length), by each kind and number of
// digits the report uses, as a magnitude; percentages also as points.
func Figures(r *analysis.Result) map[string]bool {
	out := map[string]bool{}
	add := func(v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		v = math.Abs(v)
		for _, k := range []report.Kind{report.KindMoney, report.KindDollars, report.KindInt} {
			out[strings.TrimLeft(report.Format(v, k, 0), "−")] = true
		}
		for d := 0; d <= 4; d++ {
			for _, k := range []report.Kind{report.KindPercent, report.KindRatio, report.KindNumber} {
				out[report.Format(v, k, d)] = true
			}
			out[report.Format(v, report.KindPercent, report.NoDigits)] = true
			out[report.Format(v*100, report.KindNumber, d)] = true // points
		}
	}
	for _, c := range Constants {
		add(c)
	}
	walk(reflect.ValueOf(r), add)
	return out
}

var dollarsType = reflect.TypeOf(analysis.Dollars(0))

func walk(v reflect.Value, add func(float64)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), add)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walk(v.Field(i), add)
			}
		}
	case reflect.Slice, reflect.Array:
		add(float64(v.Len()))
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), add)
		}
	case reflect.Map:
		add(float64(v.Len()))
		it := v.MapRange()
		for it.Next() {
			walk(it.Value(), add)
		}
	case reflect.Float32, reflect.Float64:
		add(v.Float())
	case reflect.Int, reflect.Int32, reflect.Int64:
		if v.Type() == dollarsType {
			add(float64(v.Int()) / 100)
			return
		}
		add(float64(v.Int()))
	case reflect.Uint, reflect.Uint64:
		add(float64(v.Uint()))
	case reflect.String:
		if x, err := strconv.ParseFloat(v.String(), 64); err == nil {
			add(x) // a version written as text ("1", "3.0")
		}
	}
}

// Sentences returns the report's sentences that state figures: the
// executive summary, every paragraph and every section's introduction.
func Sentences(d *report.Document) []string {
	out := append([]string{}, d.Summary...)
	for _, s := range d.Sections {
		if s.Intro != "" {
			out = append(out, s.Intro)
		}
		for _, b := range s.Blocks {
			if p, ok := b.(*report.Paragraph); ok {
				out = append(out, p.Text)
			}
		}
	}
	return out
}

// Unexplained returns each number of the document's sentences that is no
// figure of the result, with its sentence.
func Unexplained(r *analysis.Result, d *report.Document) []string {
	fig := Figures(r)
	var bad []string
	for _, s := range Sentences(d) {
		for _, n := range Numbers(s) {
			if !fig[n] {
				bad = append(bad, n+" in: "+s)
			}
		}
	}
	return bad
}
