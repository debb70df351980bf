package scan

import "time"

// Hand-written time scanners: each reads a time at the start of s and says
// how many bytes it used. They never allocate.

// Month reads a three-letter English Month name, any case.
func Month(s string) (time.Month, bool) {
	if len(s) < 3 {
		return 0, false
	}
	k := uint32(Lower(s[0]))<<16 | uint32(Lower(s[1]))<<8 | uint32(Lower(s[2]))
	switch k {
	case 'j'<<16 | 'a'<<8 | 'n':
		return time.January, true
	case 'f'<<16 | 'e'<<8 | 'b':
		return time.February, true
	case 'm'<<16 | 'a'<<8 | 'r':
		return time.March, true
	case 'a'<<16 | 'p'<<8 | 'r':
		return time.April, true
	case 'm'<<16 | 'a'<<8 | 'y':
		return time.May, true
	case 'j'<<16 | 'u'<<8 | 'n':
		return time.June, true
	case 'j'<<16 | 'u'<<8 | 'l':
		return time.July, true
	case 'a'<<16 | 'u'<<8 | 'g':
		return time.August, true
	case 's'<<16 | 'e'<<8 | 'p':
		return time.September, true
	case 'o'<<16 | 'c'<<8 | 't':
		return time.October, true
	case 'n'<<16 | 'o'<<8 | 'v':
		return time.November, true
	case 'd'<<16 | 'e'<<8 | 'c':
		return time.December, true
	}
	return 0, false
}

// Digits reads exactly n decimal Digits at s[i:].
func Digits(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// Clock reads HH:MM:SS at s[i:].
func Clock(s string, i int) (h, m, sec int, ok bool) {
	if i+8 > len(s) || s[i+2] != ':' || s[i+5] != ':' {
		return 0, 0, 0, false
	}
	h, ok1 := Digits(s, i, 2)
	m, ok2 := Digits(s, i+3, 2)
	sec, ok3 := Digits(s, i+6, 2)
	ok = ok1 && ok2 && ok3 && h < 24 && m < 60 && sec < 61
	return h, m, sec, ok
}

// ValidDate rejects what time.Date would silently normalise (31 Feb).
func ValidDate(y int, mo time.Month, d int) bool {
	if d < 1 || mo < 1 || mo > 12 {
		return false
	}
	n := daysIn[mo]
	if mo == time.February && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		n = 29
	}
	return d <= n
}

var daysIn = [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// RFC3339 reads YYYY-MM-DDTHH:MM:SS[.frac][Z|±HH:MM]. A space may stand for
// the T and a comma for the dot (Python's asctime). Without an offset the
// time is read in loc.
func RFC3339(s string, loc *time.Location) (time.Time, int, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') {
		return time.Time{}, 0, false
	}
	y, ok1 := Digits(s, 0, 4)
	mo, ok2 := Digits(s, 5, 2)
	d, ok3 := Digits(s, 8, 2)
	h, mi, sec, ok4 := Clock(s, 11)
	if !(ok1 && ok2 && ok3 && ok4) || !ValidDate(y, time.Month(mo), d) {
		return time.Time{}, 0, false
	}
	i := 19
	ns := 0
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if n < 9 {
				ns = ns*10 + int(s[i]-'0')
				n++
			}
			i++
		}
		if n == 0 {
			return time.Time{}, 0, false
		}
		for ; n < 9; n++ {
			ns *= 10
		}
	}
	if i < len(s) && (s[i] == 'Z' || s[i] == 'z') {
		return DateUTC(y, mo, d, h, mi, sec, ns, 0), i + 1, true
	}
	if off, n, ok := Offset(s, i); ok {
		return DateUTC(y, mo, d, h, mi, sec, ns, off), i + n, true
	}
	return Date(y, time.Month(mo), d, h, mi, sec, ns, loc), i, true
}

// DateUTC is time.Date(y, mo, d, h, mi, sec, ns, time.UTC) shifted by off
// seconds east of UTC, for years 0 to 9999 and days 1 to 31 (a day past
// its month's end runs on into the next, as time.Date normalises it): the
// days from the civil date by H. Hinnant's algorithm, a few multiplications
// where time.Date normalises every field and looks up the zone. Its code
// is a tenth of time.Date's, which every record's time ran through (the
// parse is bound by its code's footprint in the instruction cache).
func DateUTC(y, mo, d, h, mi, sec, ns, off int) time.Time {
	if mo <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	doy := (153*((mo+9)%12)+2)/5 + d - 1
	days := era*146097 + yoe*365 + yoe/4 - yoe/100 + doy - 719468
	return time.Unix(int64(days)*86400+int64(h*3600+mi*60+sec-off), int64(ns)).UTC()
}

// Date is time.Date, through DateUTC when loc is UTC (the default zone of
// times without an offset): time.Date's code is not run for them.
func Date(y int, mo time.Month, d, h, mi, sec, ns int, loc *time.Location) time.Time {
	if loc == time.UTC {
		return DateUTC(y, int(mo), d, h, mi, sec, ns, 0)
	}
	return time.Date(y, mo, d, h, mi, sec, ns, loc)
}

// Offset reads a UTC offset at s[i:], ±HH:MM or ±HHMM (strftime's %z, which
// Fluentd writes), and returns it in seconds east of UTC and its length.
func Offset(s string, i int) (secs, n int, ok bool) {
	if i+5 > len(s) || (s[i] != '+' && s[i] != '-') {
		return 0, 0, false
	}
	n, m := 5, i+3
	if s[i+3] == ':' {
		n, m = 6, i+4
	}
	oh, ok1 := Digits(s, i+1, 2)
	om, ok2 := Digits(s, m, 2)
	if !ok1 || !ok2 || oh >= 24 || om >= 60 || i+n > len(s) {
		return 0, 0, false
	}
	secs = oh*3600 + om*60
	if s[i] == '-' {
		secs = -secs
	}
	return secs, n, true
}

// RFC3164 reads "Mmm dd HH:MM:SS" (the day space-padded or not). The year is
// the current one, or the previous one when that would put the time more
// than 7 days in the future.
func RFC3164(s string, loc *time.Location, now time.Time) (time.Time, int, bool) {
	mo, ok := Month(s)
	if !ok || len(s) < 15 || s[3] != ' ' {
		return time.Time{}, 0, false
	}
	i := 4
	if s[i] == ' ' {
		i++
	}
	d := 0
	start := i
	for i < len(s) && i-start < 2 && s[i] >= '0' && s[i] <= '9' {
		d = d*10 + int(s[i]-'0')
		i++
	}
	if i == start || i >= len(s) || s[i] != ' ' {
		return time.Time{}, 0, false
	}
	h, mi, sec, ok := Clock(s, i+1)
	if !ok || d < 1 || d > 31 {
		return time.Time{}, 0, false
	}
	y := now.In(loc).Year()
	t := Date(y, mo, d, h, mi, sec, 0, loc)
	if t.Unix() > now.Unix()+7*24*3600 { // t.After(now.Add(7 days)): t has no fraction
		t = Date(y-1, mo, d, h, mi, sec, 0, loc)
	}
	return t, i + 9, true
}

// SyslogTime reads an RFC 3339 or an RFC 3164 time.
func SyslogTime(s string, loc *time.Location, now time.Time) (time.Time, int, bool) {
	if len(s) > 0 && s[0] >= '0' && s[0] <= '9' {
		return RFC3339(s, loc)
	}
	return RFC3164(s, loc, now)
}
