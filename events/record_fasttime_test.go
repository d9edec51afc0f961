package events

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestFastTimeIsCalendar: fastTime reads "YYYY-MM-DD hh:mm:ss" as
// time.Date does, refusing the days a month does not have (29 February
// of a year not leap, 31 April), for every year from 0000 to 9999.
func TestFastTimeIsCalendar(t *testing.T) {
	calendar := func(y, mo, d, h, mi, s int) (time.Time, bool) {
		if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59 {
			return time.Time{}, false
		}
		tm := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
		return tm, tm.Day() == d
	}
	r := rand.New(rand.NewPCG(5, 6))
	check := func(y, mo, d, h, mi, s int) {
		t.Helper()
		b := []byte(fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, s))
		got, ok := fastTime(b)
		want, wantOK := calendar(y, mo, d, h, mi, s)
		if ok != wantOK || ok && !got.Equal(want) {
			t.Fatalf("fastTime(%s) = %v, %v; want %v, %v", b, got, ok, want, wantOK)
		}
	}
	for _, y := range []int{0, 1, 4, 100, 400, 1600, 1900, 1969, 1970, 2000, 2016, 2017, 2100, 9999} {
		for mo := 0; mo <= 13; mo++ {
			for d := 0; d <= 32; d++ {
				check(y, mo, d, 23, 59, 59)
			}
		}
	}
	for i := 0; i < 200_000; i++ {
		check(r.IntN(10000), 1+r.IntN(12), 1+r.IntN(31), r.IntN(24), r.IntN(60), r.IntN(60))
	}
}
