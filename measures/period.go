package measures

import (
	"fmt"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// Period is how requests are grouped in time: by the month, fiscal
// quarter, fiscal year or calendar year they were made in, or all together.
type Period string

// Periods.
const (
	ByMonth      Period = "month"
	ByQuarter    Period = "quarter" // fiscal quarter (the profile's fiscal-year start)
	ByFiscalYear Period = "fiscal_year"
	ByYear       Period = "year"
	AllPeriods   Period = "all"
)

// ParsePeriod reads a period name.
func ParsePeriod(s string) (Period, error) {
	switch p := Period(strings.ToLower(strings.TrimSpace(s))); p {
	case ByMonth, ByQuarter, ByFiscalYear, ByYear, AllPeriods:
		return p, nil
	case "":
		return AllPeriods, nil
	case "fy", "fiscal-year":
		return ByFiscalYear, nil
	}
	return "", budget.Errorf(budget.EINVALID, "period %q: give month, quarter, fiscal_year, year or all", s)
}

// Calendar turns months into periods; FiscalStart is the first month of
// the fiscal year (1-12; 7 = July).
type Calendar struct {
	Period      Period
	FiscalStart int
}

func (c Calendar) shift() int32 {
	if c.FiscalStart < 1 || c.FiscalStart > 12 {
		return 6
	}
	return int32(c.FiscalStart - 1)
}

// Of is the index of the period holding month m.
func (c Calendar) Of(m Month) int32 {
	switch c.Period {
	case ByMonth:
		return int32(m)
	case ByQuarter:
		return (int32(m) - c.shift()) / 3
	case ByFiscalYear:
		return (int32(m) - c.shift()) / 12
	case ByYear:
		return int32(m) / 12
	}
	return 0
}

// Months returns the first and last month of period i.
func (c Calendar) Months(i int32) (Month, Month) {
	switch c.Period {
	case ByMonth:
		return Month(i), Month(i)
	case ByQuarter:
		f := Month(i*3 + c.shift())
		return f, f + 2
	case ByFiscalYear:
		f := Month(i*12 + c.shift())
		return f, f + 11
	case ByYear:
		return Month(i * 12), Month(i*12 + 11)
	}
	return 0, OpenMonth - 1
}

// Label names period i: "2018-01", "FY2017-18 Q3", "FY2017-18", "2018",
// "all".
func (c Calendar) Label(i int32) string {
	switch c.Period {
	case ByMonth:
		return Month(i).String()
	case ByQuarter:
		return c.fyLabel(i/4) + fmt.Sprintf(" Q%d", i%4+1)
	case ByFiscalYear:
		return c.fyLabel(i)
	case ByYear:
		return fmt.Sprint(i)
	}
	return "all"
}

// fyLabel names the fiscal year starting in year y ("FY2017-18"; a fiscal
// year starting in January is "FY2018").
func (c Calendar) fyLabel(y int32) string {
	if c.shift() == 0 {
		return fmt.Sprintf("FY%d", y)
	}
	return fmt.Sprintf("FY%d-%02d", y, (y+1)%100)
}

// Coverage describes the days a set of requests was made on, as labels
// say it: "4 days of January 2018", "5 days, 27 December 2017 to 31
// December 2017", "50 months, January 2013 to February 2017".
func Coverage(first, last int64) string {
	if first == 0 && last == 0 {
		return "no requests"
	}
	f, l := time.Unix(first, 0).UTC(), time.Unix(last, 0).UTC()
	fd := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, time.UTC)
	ld := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	days := int(ld.Sub(fd).Hours()/24) + 1
	if days <= 31 {
		unit := "days"
		if days == 1 {
			unit = "day"
		}
		if f.Year() == l.Year() && f.Month() == l.Month() {
			return fmt.Sprintf("%d %s of %s %d", days, unit, f.Month(), f.Year())
		}
		return fmt.Sprintf("%d %s, %d %s %d to %d %s %d", days, unit, f.Day(), f.Month(), f.Year(), l.Day(), l.Month(), l.Year())
	}
	months := int(MonthOf(l)-MonthOf(f)) + 1
	return fmt.Sprintf("%d months, %s %d to %s %d", months, f.Month(), f.Year(), l.Month(), l.Year())
}

// CoverageMonths describes whole months: "1 month, January 2013", "12
// months, January 2013 to December 2013".
func CoverageMonths(first, last Month) string {
	f := time.Unix(first.Start(), 0).UTC()
	if last <= first {
		return fmt.Sprintf("1 month, %s %d", f.Month(), f.Year())
	}
	l := time.Unix(last.Start(), 0).UTC()
	return fmt.Sprintf("%d months, %s %d to %s %d", int(last-first)+1, f.Month(), f.Year(), l.Month(), l.Year())
}
