package wrapper

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		ok         bool
		want       Wrapper
	}{
		{"Docker json-file (testdata/netwrix/framed.log)",
			`{"log":"{\"name\":\"secureone-api\",\"level\":30,\"msg\":\"token create\"}\n","stream":"stdout","time":"2026-04-07T11:16:00.000000001Z"}`,
			true, Wrapper{Log: `{"name":"secureone-api","level":30,"msg":"token create"}`, Stream: "stdout", Time: "2026-04-07T11:16:00.000000001Z"}},
		{"Fluentd's docker logging driver", `{"source":"stderr","log":"passman-audit(1): type = login","container_id":"4f1c","container_name":"/s1_api.1.x"}`,
			true, Wrapper{Log: "passman-audit(1): type = login", Stream: "stderr", ContainerID: "4f1c", ContainerName: "s1_api.1.x"}},
		{"white space around", " { \"log\" : \"x\\r\\n\" } ", true, Wrapper{Log: "x"}},
		{"a Netwrix record, not a wrapper", `{"name":"s1_api","msg":"token validate","log":"x"}`, false, Wrapper{}},
		{"a member that is not a string", `{"log":"x","pid":41}`, false, Wrapper{}},
		{"no log member", `{"stream":"stdout","time":"2026-04-07T11:16:00Z"}`, false, Wrapper{}},
		{"text after the object", `{"log":"x"} {"log":"y"}`, false, Wrapper{}},
		{"an escaped key", `{"l\u006fg":"x"}`, false, Wrapper{}},
		{"a bad escape in the line", `{"log":"\uZZZZ"}`, false, Wrapper{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := Parse(tc.line)
			if ok != tc.ok {
				t.Fatalf("ok %v, want %v", ok, tc.ok)
			}
			if ok && w != tc.want {
				t.Errorf("got %+v, want %+v", w, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"log":"x\n","stream":"stdout","time":"2026-04-07T11:16:00Z"}`)
	f.Add(`{"source":"stdout","log":"\u00e9","container_name":"/a"}`)
	f.Fuzz(func(t *testing.T, s string) {
		if w, ok := Parse(s); ok && len(w.Log) > 0 && (w.Log[len(w.Log)-1] == '\n' || w.Log[len(w.Log)-1] == '\r') {
			t.Fatalf("line %q keeps its end", w.Log)
		}
	})
}
