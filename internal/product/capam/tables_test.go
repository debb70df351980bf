package capam

import (
	"reflect"
	"testing"
)

// Rows of one Event column must have the same columns: capamPick chooses
// among them by the status letter alone, without checking the fit.
func TestLayoutsOfOneEventShareColumns(t *testing.T) {
	first := map[string]*capamLayout{}
	for k := range capamLayouts {
		l := &capamLayouts[k]
		for _, ev := range l.events {
			if f, ok := first[ev]; ok && !reflect.DeepEqual(f.columns, l.columns) {
				t.Errorf("%s and %s read %s with different columns", f.name, l.name, ev)
			} else if !ok {
				first[ev] = l
			}
		}
		if l.events != nil && l.classes != nil {
			t.Errorf("%s has both events and classes", l.name)
		}
		if (l.unix == nil) != (l.unixIf == nil) {
			t.Errorf("%s: a UNIX order needs its rule", l.name)
		}
	}
}

func TestCodeUntrustIndex(t *testing.T) {
	if capamCodes[codeUntrust].code != attrCAPAMUntrustReasonCode {
		t.Errorf("codeUntrust points at %s", capamCodes[codeUntrust].code)
	}
}
