package scan

// Byte classes of key = value text (PassMan's pairs, and the secret names
// redaction looks for).
const (
	kvSep = 1
	kvKey = 2
)

// kvClass classifies bytes for the key = value scanner.
var kvClass = func() (t [256]uint8) {
	for _, c := range []byte(" ,;\t") {
		t[c] = kvSep
	}
	for c := 0; c < 256; c++ {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' {
			t[c] = kvKey
		}
	}
	return t
}()

// IsKVSep: a byte that separates pairs.
func IsKVSep(c byte) bool { return kvClass[c] == kvSep }

// IsKeyChar: a byte of a key.
func IsKeyChar(c byte) bool { return kvClass[c] == kvKey }
