package main

// This file holds the conventions every command follows (docs/cli.md, "One
// grammar"): --format with the values it takes and their completion, one
// flag name per concept with the old names kept as hidden deprecated
// aliases, --limit NAME=VALUE for commands that read files, --delimiter for
// CSV written, "-" as standard input and output, and completion of flag
// values from the store. A new command adopts them by calling the add*
// helpers below; TestEveryCommandFollowsTheGrammar checks it did.

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/table"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Formats of a listing: text for people (the default), JSON and CSV for
// programs. Every command that prints rows takes all three.
var listingFormats = []string{"table", "json", "csv"}

// enumValue is a flag that takes one of a fixed list of words; anything
// else is refused while the flags are parsed, naming the words.
type enumValue struct {
	dst    *string
	values []string
}

func (v *enumValue) String() string { return *v.dst }
func (v *enumValue) Type() string   { return "string" }
func (v *enumValue) Set(s string) error {
	for _, x := range v.values {
		if s == x {
			*v.dst = s
			return nil
		}
	}
	return fmt.Errorf("use %s", orList(v.values))
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// addEnumFlag adds a flag taking one of values (def is its default, which
// may be "" for "decided later") and completes it with them.
func addEnumFlag(cmd *cobra.Command, dst *string, name, def string, values []string, usage string) {
	*dst = def
	cmd.Flags().Var(&enumValue{dst: dst, values: values}, name, usage)
	completeWords(cmd, name, values...)
}

// addFormatFlag adds --format. Without values it is a listing's: table
// (default), json or csv. Otherwise the first value is the default.
func addFormatFlag(cmd *cobra.Command, dst *string, values ...string) {
	if len(values) == 0 {
		values = listingFormats
	}
	addEnumFlag(cmd, dst, "format", values[0], values, "output format: "+orList(values))
}

// completeWords completes a flag's value with fixed words.
func completeWords(cmd *cobra.Command, flag string, words ...string) {
	cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return words, cobra.ShellCompDirectiveNoFileComp
	})
}

// aliasAnnotation marks a hidden flag that is an old name of another.
const aliasAnnotation = "budgetlens-deprecated-alias"

// aliasFlag keeps old as a hidden, deprecated name of the flag current
// (already added): both set the same value. Using old prints a one-line
// note on standard error (warnDeprecated); standard output is untouched,
// so scripts piping it keep working.
func aliasFlag(cmd *cobra.Command, old, current string) {
	f := cmd.Flags().Lookup(current)
	if f == nil {
		panic("aliasFlag: no flag --" + current + " on " + cmd.Name())
	}
	cmd.Flags().Var(f.Value, old, "deprecated: use --"+current)
	a := cmd.Flags().Lookup(old)
	a.NoOptDefVal, a.Hidden = f.NoOptDefVal, true
	a.Annotations = map[string][]string{aliasAnnotation: {current}}
}

// warnDeprecated notes each deprecated flag name the user gave.
func warnDeprecated(cmd *cobra.Command, w io.Writer) {
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if cur := f.Annotations[aliasAnnotation]; len(cur) > 0 {
			fmt.Fprintf(w, "budgetlens: --%s is deprecated and will be removed: use --%s (same meaning)\n", f.Name, cur[0])
		}
	})
}

// addLimitFlag adds --limit NAME=VALUE (repeatable) to a command that reads
// files; spatial says it reads layer files too (their limits are then
// accepted). office.ParseLimits maps the names onto the readers' limits.
func addLimitFlag(cmd *cobra.Command, dst *[]string, spatial bool) {
	names := office.LimitNames(spatial)
	cmd.Flags().StringArrayVar(dst, "limit", nil, "raise or lower a reader limit, NAME=VALUE (repeatable; sizes take KB, MB, GB or KiB, MiB, GiB); names: "+strings.Join(names, ", "))
	cmd.Annotations = withAnnotation(cmd.Annotations, "limit-spatial", strconv.FormatBool(spatial))
	cmd.RegisterFlagCompletionFunc("limit", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = n + "="
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	})
}

func withAnnotation(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

// limits parses the --limit values of cmd.
func limits(cmd *cobra.Command, pairs []string) (office.Limits, error) {
	return office.ParseLimits(pairs, cmd.Annotations["limit-spatial"] == "true")
}

// delimiters are the separators --delimiter takes, by name.
var delimiters = map[string]rune{",": ',', "comma": ',', ";": ';', "semicolon": ';', "tab": '\t', "\t": '\t', `\t`: '\t', "|": '|', "pipe": '|'}

// addDelimiterFlag adds --delimiter, the field separator of the CSV the
// command writes (its standard output with --format csv, and CSV files).
// Input CSV is read with whatever separator it has (detected).
func addDelimiterFlag(cmd *cobra.Command, e *env) {
	cmd.Flags().StringVar(&e.delimiter, "delimiter", ",", `separator of the CSV written: ",", ";", tab or "|" (CSV read is detected)`)
	completeWords(cmd, "delimiter", ",", ";", "tab", "|")
}

// comma is the separator --delimiter names (',' when none).
func (e *env) comma() (rune, error) {
	if e.delimiter == "" {
		return ',', nil
	}
	r, ok := delimiters[strings.ToLower(e.delimiter)]
	if !ok {
		return 0, budget.Errorf(budget.EINVALID, "--delimiter %q: use \",\", \";\", tab or \"|\"", e.delimiter)
	}
	return r, nil
}

// csvWriter is a CSV writer with the --delimiter separator.
func (e *env) csvWriter(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	if r, err := e.comma(); err == nil {
		cw.Comma = r
	}
	return cw
}

// checkDelimiter refuses --delimiter with an output that is not CSV.
func (e *env) checkDelimiter(cmd *cobra.Command, format string) error {
	if _, err := e.comma(); err != nil {
		return err
	}
	if f := cmd.Flags().Lookup("delimiter"); f != nil && f.Changed && format != "csv" {
		return budget.Errorf(budget.EINVALID, "--delimiter applies to CSV output: add --format csv")
	}
	return nil
}

// writeListing writes a listing in format: JSON (js), CSV with the
// --delimiter separator, or a table for people.
func (e *env) writeListing(w io.Writer, format string, header []string, rows [][]string, js any) error {
	if format != "csv" {
		return table.Write(w, format, header, rows, js)
	}
	cw := e.csvWriter(w)
	cw.Write(header)
	cw.WriteAll(rows)
	return cw.Error()
}

// csvOutput returns a writer that takes comma-separated CSV with a header
// (as the packages write it) and writes it to w in format: CSV with the
// --delimiter separator, a JSON array of objects (the columns named in
// numeric as numbers, an empty cell as null; the others as text) or a
// table for people. The returned function finishes it and must be called
// once. CSV with a comma passes through untouched; JSON and CSV stream, a
// table is held until the end to align its columns.
func (e *env) csvOutput(w io.Writer, format string, numeric ...string) (io.Writer, func() error) {
	comma, _ := e.comma()
	if format == "csv" && comma == ',' {
		return w, func() error { return nil }
	}
	isNum := map[string]bool{}
	for _, n := range numeric {
		isNum[n] = true
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		r := csv.NewReader(pr)
		r.FieldsPerRecord = -1
		err := convertCSV(r, w, format, comma, isNum)
		pr.CloseWithError(err)
		done <- err
	}()
	return pw, func() error {
		pw.Close()
		return <-done
	}
}

// convertCSV copies the records of r to w in format.
func convertCSV(r *csv.Reader, w io.Writer, format string, comma rune, isNum map[string]bool) error {
	header, err := r.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return err
	}
	var rows [][]string
	var cw *csv.Writer
	bw := bufio.NewWriter(w)
	switch format {
	case "csv":
		cw = csv.NewWriter(bw)
		cw.Comma = comma
		cw.Write(header)
	case "json":
		bw.WriteString("[")
	}
	n := 0
	for ; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch format {
		case "csv":
			cw.Write(rec)
		case "json":
			if n > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n  {")
			for i, h := range header {
				if i > 0 {
					bw.WriteString(", ")
				}
				k, _ := json.Marshal(h)
				bw.Write(k)
				bw.WriteString(": ")
				v := ""
				if i < len(rec) {
					v = rec[i]
				}
				bw.Write(jsonCell(v, isNum[h]))
			}
			bw.WriteString("}")
		default:
			rows = append(rows, rec)
		}
	}
	switch format {
	case "csv":
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
	case "json":
		if n > 0 {
			bw.WriteString("\n")
		}
		bw.WriteString("]\n")
	default:
		if err := table.Write(bw, "table", header, rows, nil); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// jsonNumber is JSON's grammar of a number.
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// jsonCell is a CSV cell as JSON: a number when the column is numeric and
// the cell one, null when empty there, else a string.
func jsonCell(v string, numeric bool) []byte {
	if numeric {
		if v == "" {
			return []byte("null")
		}
		if jsonNumber.MatchString(v) {
			return []byte(v)
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			b, _ := json.Marshal(f)
			return b
		}
	}
	b, _ := json.Marshal(v)
	return b
}

// stdinName is how standard input is named in messages and provenance.
const stdinName = "stdin"

// Kinds of file argument, for naming a copy of standard input.
const (
	tableInput  = "table"  // CSV, a workbook or the Census API's JSON
	layerInput  = "layer"  // GeoJSON, a zipped shapefile, a GeoPackage or CSV
	budgetInput = "budget" // CSV, a workbook or JSON (Boston's)
	csvInput    = "csv"
)

// inputFile returns a path to read for a file argument: the path itself,
// or for "-" standard input copied to a temporary file (for readers that
// need a file: workbooks, zipped shapefiles, GeoPackages, layout detection
// by name), named with the extension its first bytes call for. done
// removes the copy. Errors naming the copy are renamed by renameInput.
func (e *env) inputFile(path, kind string) (file string, done func(), err error) {
	if path != "-" {
		return path, func() {}, nil
	}
	br := bufio.NewReaderSize(e.in(), 64)
	head, _ := br.Peek(16)
	f, err := os.CreateTemp("", "budgetlens-stdin-*"+sniffExt(head, kind))
	if err != nil {
		return "", nil, err
	}
	_, err = io.Copy(f, br)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", nil, budget.Errorf(budget.EINVALID, "reading standard input: %w", err)
	}
	return f.Name(), func() { os.Remove(f.Name()) }, nil
}

// sniffExt is the extension of a file of kind starting with head.
func sniffExt(head []byte, kind string) string {
	h := string(head)
	t := strings.TrimLeft(h, " \t\r\n\ufeff")
	switch {
	case kind == csvInput:
		return ".csv"
	case strings.HasPrefix(h, "PK\x03\x04") && kind == layerInput:
		return ".zip"
	case strings.HasPrefix(h, "PK\x03\x04"):
		return ".xlsx"
	case strings.HasPrefix(h, "SQLite format 3") && kind == layerInput:
		return ".gpkg"
	case strings.HasPrefix(t, "{") && kind == layerInput:
		return ".geojson"
	case (strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{")) && kind != layerInput:
		return ".json"
	}
	return ".csv"
}

// renameInput makes an error about file, the temporary copy of standard
// input made for the argument arg ("-"), name standard input instead.
func renameInput(err error, file, arg string) error {
	if err == nil || arg != "-" {
		return err
	}
	tmp := file
	var ie *budget.InputError
	if errors.As(err, &ie) && ie.File == tmp {
		ie.File = stdinName
	}
	return err
}

// in is the command's standard input.
func (e *env) in() io.Reader {
	if e.stdin != nil {
		return e.stdin
	}
	return os.Stdin
}

// completion of values from the store: quiet (no completion) when the
// store cannot be read.

func (e *env) completeLayers(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var names []string
	e.quietStore(func(ctx context.Context, s store.Store) error {
		infos, err := s.Layers(ctx)
		for _, l := range infos {
			names = append(names, l.Layer)
		}
		return err
	})
	return names, cobra.ShellCompDirectiveNoFileComp
}

func (e *env) completeRuns(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var ids []string
	e.quietStore(func(ctx context.Context, s store.Store) error {
		runs, err := s.Runs(ctx)
		for _, r := range runs {
			ids = append(ids, fmt.Sprintf("%d\t%s %s, layer %s", r.ID, r.Spec, r.SpecVersion, r.Layer))
		}
		return err
	})
	return ids, cobra.ShellCompDirectiveNoFileComp
}

func (e *env) completePlans(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	var names []string
	e.quietStore(func(ctx context.Context, s store.Store) error {
		plans, err := s.CapitalPlans(ctx)
		for _, p := range plans {
			names = append(names, fmt.Sprintf("%s\t%d projects", p.Name, p.Projects))
		}
		return err
	})
	return names, cobra.ShellCompDirectiveNoFileComp
}

func (e *env) completeYears(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	seen := map[string]bool{}
	var years []string
	e.quietStore(func(ctx context.Context, s store.Store) error {
		sl, err := s.FiscalYearsPhases(ctx, "")
		for _, x := range sl {
			if y := x.FiscalYear.Label(); !seen[y] {
				seen[y] = true
				years = append(years, y)
			}
		}
		return err
	})
	sort.Strings(years)
	return years, cobra.ShellCompDirectiveNoFileComp
}

// quietStore runs fn on the store opened read-only, for completion only:
// any failure (no store, a locked one) gives no completions.
func (e *env) quietStore(fn func(ctx context.Context, s store.Store) error) {
	if _, err := os.Stat(e.dbPath()); err != nil {
		return
	}
	s, err := e.openStore(true)
	if err != nil {
		return
	}
	defer s.Close()
	fn(context.Background(), s)
}

// phases, kinds and levels as the flags take them.
var (
	phaseWords = []string{"proposed", "adopted", "estimate", "actual"}
	kindWords  = []string{"expenditure", "revenue", "positions"}
	levelWords = []string{"department", "org_unit", "program", "fund", "source_fund", "account", "function"}
)

// completeFlags registers the completion of the flags every command names
// the same way (--phase, --layer, --fy, --run, --preset, --kind, --by,
// capital's --plan),
// wherever they are, and of file flags by extension.
func completeFlags(c *cobra.Command, e *env) {
	for _, sub := range c.Commands() {
		completeFlags(sub, e)
	}
	reg := func(name string, fn cobra.CompletionFunc) {
		if c.Flags().Lookup(name) != nil {
			if _, ok := c.GetFlagCompletionFunc(name); !ok {
				c.RegisterFlagCompletionFunc(name, fn)
			}
		}
	}
	words := func(w ...string) cobra.CompletionFunc {
		return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return w, cobra.ShellCompDirectiveNoFileComp
		}
	}
	reg("phase", words(phaseWords...))
	reg("kind", words(kindWords...))
	reg("by", words(levelWords...))
	reg("preset", words(need.Presets()...))
	reg("geography", words("tract", "block group", "county", "state", "place", "zcta", "congressional district"))
	reg("fy", e.completeYears)
	for _, name := range []string{"layer", "from", "to", "codes-layer", "population-layer"} {
		if c.HasParent() && (c.Parent().Name() == "geo" || name == "layer" || name == "codes-layer") && !fileFlags[c.Name()+" "+name] {
			reg(name, e.completeLayers)
		}
	}
	if c.HasParent() && c.Parent().Name() == "capital" {
		reg("plan", e.completePlans)
	}
	for _, name := range []string{"run", "need-run"} {
		reg(name, e.completeRuns)
	}
	for key, exts := range fileExts {
		if cmd, flag, _ := strings.Cut(key, " "); cmd == c.Name() || cmd == "*" {
			reg(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return exts, cobra.ShellCompDirectiveFilterFileExt
			})
		}
	}
}

// fileFlags are flags named like a layer flag that take a file instead.
var fileFlags = map[string]bool{"aggregate from": true, "aggregate to": true}

// fileExts completes file flags with the extensions they read ("*" for
// every command).
var fileExts = map[string][]string{
	"* in": {"csv", "tsv", "txt"}, "* indicators": {"csv", "tsv", "xlsx", "json"}, "* weights": {"gal"},
	"* rules": {"yaml", "yml"}, "* spec": {"yaml", "yml"}, "* events": {"csv"}, "* groups": {"csv"},
	"* projects": {"csv"}, "* projects-geojson": {"geojson", "json"}, "* crosswalk": {"csv"},
	"* neighbours": {"geojson", "json", "zip", "gpkg"}, "* from-layer": {"geojson", "json", "zip", "gpkg"},
	"* to-layer": {"geojson", "json", "zip", "gpkg"}, "* meta": {"csv"}, "* tracts": {"csv"},
}

// inputName is how a file argument is named in messages: "stdin" for "-".
func inputName(p string) string {
	if p == "-" {
		return stdinName
	}
	return p
}

// baseName is a path's file name, "stdin" for "-".
func baseName(p string) string {
	if p == "-" {
		return stdinName
	}
	return filepath.Base(p)
}

// usageError is an EINVALID error about how a command was used.
func usageError(cmd *cobra.Command, format string, args ...any) error {
	return budget.Errorf(budget.EINVALID, format+" (see %s --help)", append(args, cmd.CommandPath())...)
}
