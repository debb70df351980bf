package scan

// Slot256 hashes the length and the first, middle and last bytes of a name
// into 256 slots: for the direct-mapped caches in front of the key maps,
// where a name is confirmed by one compare and a collision only costs the
// map lookup.
func Slot256[T ~string | ~[]byte](s T) int {
	h := uint(len(s)) * 0x9E3779B1
	if len(s) > 0 {
		h += uint(s[0])*31 + uint(s[len(s)/2])*131 + uint(s[len(s)-1])*7
	}
	return int((h ^ h>>8) & 255)
}
