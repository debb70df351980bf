package core

import (
	"strings"

	"github.com/pamaudit/pamaudit/internal/jsonwalk"
)

// leaf is one walked scalar or array of scalars, with what the parser
// knows of its raw dotted path ("req.headers.user-agent", "authInfo.1.type").
type leaf = jsonwalk.Leaf[*pathInfo]

// pathInfo is what the parser knows of a JSON path, worked out once: its
// namespace key, whether it is a secret, and the mapping rules that may
// apply to it.
type pathInfo struct {
	path  string
	ns    *nsField
	rules []nxField // exact-path rules, then suffix rules, in table order
}

// pathInfo returns the cached information for a raw path.
func (p *Parser) pathInfo(b []byte) *pathInfo {
	if pi, ok := p.paths[string(b)]; ok {
		return pi
	}
	path := string(b)
	pi := &pathInfo{path: path, ns: p.field(path)}
	pi.rules = append(pi.rules, netwrixFields[path]...)
	for _, f := range netwrixSuffixFields {
		if strings.HasSuffix(path, f.path) {
			pi.rules = append(pi.rules, f)
		}
	}
	if p.paths == nil {
		p.paths = make(map[string]*pathInfo, 64)
	}
	if len(p.paths) < maxInternedKeys {
		p.paths[path] = pi
	}
	return pi
}
