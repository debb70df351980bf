package scan

import (
	"math/rand"
	"testing"
	"time"
)

// TestDateUTC: DateUTC is time.Date in UTC shifted by the offset, for every
// day of years at the edges (0, 1, leap and century years, 9999) and for
// seeded random dates, times and offsets.
func TestDateUTC(t *testing.T) {
	check := func(y, mo, d, h, mi, sec, ns, off int) {
		want := time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC).Add(-time.Duration(off) * time.Second)
		if got := DateUTC(y, mo, d, h, mi, sec, ns, off); got != want {
			t.Fatalf("DateUTC(%d-%02d-%02d %02d:%02d:%02d.%09d %+d) = %v, want %v", y, mo, d, h, mi, sec, ns, off, got, want)
		}
		if got, want := Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC), time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC); got != want {
			t.Fatalf("Date(%d-%02d-%02d …, UTC) = %v, want %v", y, mo, d, got, want)
		}
	}
	for _, y := range []int{0, 1, 3, 4, 99, 100, 400, 1600, 1900, 1970, 2000, 2024, 2100, 9999} {
		for mo := 1; mo <= 12; mo++ {
			for d := 1; d <= 31; d++ { // past the month's end too: RFC 3164's day
				check(y, mo, d, 23, 59, 59, 999999999, 0)
			}
		}
	}
	r := rand.New(rand.NewSource(1))
	for range 200000 {
		y, mo, d := r.Intn(10000), 1+r.Intn(12), 1+r.Intn(31)
		check(y, mo, d, r.Intn(24), r.Intn(60), r.Intn(61), r.Intn(1e9), r.Intn(2*86400)-86400)
	}
}
