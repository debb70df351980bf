package scan

// AlnumLower is s's ASCII letters and digits, lower case: how a name looks
// once made a key (snake case, any separator), for comparing a key with
// the text it may have come from.
func AlnumLower(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			out = append(out, c)
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		}
	}
	return string(out)
}
