package testutil

import "time"

// CRI is a log line as a container runtime (containerd, CRI-O) writes it
// to a pod's log file: each part of it a line "TIME STREAM P PART", the
// last part's "TIME STREAM F PART" (a line not split is one F line).
func CRI(at time.Time, stream string, parts ...string) []string {
	stamp := at.UTC().Format("2006-01-02T15:04:05.000000000Z")
	lines := make([]string, len(parts))
	for i, p := range parts {
		tag := " P "
		if i == len(parts)-1 {
			tag = " F "
		}
		lines[i] = stamp + " " + stream + tag + p
	}
	return lines
}
