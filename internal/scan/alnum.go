package scan

// AlnumLower is s's ASCII letters and digits, lower case: how a name looks
// once made a key (snake case, any separator), for comparing a key with
// the text it may have come from.
func AlnumLower(s string) string { return string(AppendAlnumLower(make([]byte, 0, len(s)), s)) }

// AppendAlnumLower appends AlnumLower(s) to b.
func AppendAlnumLower(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return b
}
