package main

import (
	"slices"
	"strings"

	"github.com/pamaudit/pamaudit/core"
	"github.com/pamaudit/pamaudit/record"
)

// The kubernetes filter's metadata as OTLP resource attributes. Fluent
// Bit's kubernetes filter adds a map under the key kubernetes; for the otlp
// output its pod and container fields describe where the record comes from,
// the resource, under the OpenTelemetry names. What has no resource name
// stays a record attribute, flattened as before (kubernetes.container_image).

// k8sResourceKeys maps a string member of the kubernetes map to its
// resource attribute.
var k8sResourceKeys = map[string]string{
	"namespace_name": "k8s.namespace.name",
	"pod_name":       "k8s.pod.name",
	"pod_id":         "k8s.pod.uid",
	"container_name": "k8s.container.name",
	"host":           "k8s.node.name",
	"docker_id":      "container.id",
}

// k8sResourceMaps maps a map member of the kubernetes map to the prefix of
// its string members' resource attributes.
var k8sResourceMaps = map[string]string{
	"labels":      "k8s.pod.label.",
	"annotations": "k8s.pod.annotation.",
}

const k8sKey = "kubernetes"

// kubernetes reads the kubernetes map (its header m already read): its
// resource fields into c.res, sorted by key so that equal resources compare
// equal, the rest into c.extra under kubernetes.<key>.
func (c *converter) kubernetes(r *mpReader, m mpValue) error {
	for i := 0; i < m.n; i++ {
		k, v, err := r.pair()
		if err != nil {
			return err
		}
		if name, ok := k8sResourceKeys[string(k.s)]; ok && v.kind == mpStr {
			c.res = append(c.res, core.Attr{Key: name, Kind: core.KindString, Str: c.scrub(name, v.s)})
			continue
		}
		c.keyBuf = append(append(append(c.keyBuf[:0], k8sKey...), '.'), k.s...)
		prefix, ok := k8sResourceMaps[string(k.s)]
		if !ok || v.kind != mpMap {
			if err := c.value(r, v, 1); err != nil {
				return err
			}
			continue
		}
		n := len(c.keyBuf)
		for j := 0; j < v.n; j++ {
			mk, mv, err := r.pair()
			if err != nil {
				return err
			}
			if mv.kind == mpStr {
				// Scrubbed as the record's other keys are: a pod's
				// annotations may hold secrets (db-password, a config).
				key := c.scrubName(prefix + string(mk.s))
				c.res = append(c.res, core.Attr{Key: key, Kind: core.KindString, Str: c.scrub(key, mv.s)})
				continue
			}
			c.keyBuf = append(append(c.keyBuf[:n], '.'), mk.s...)
			if err := c.value(r, mv, 2); err != nil {
				return err
			}
		}
	}
	// Stable, so that of a key given twice the value read last is kept
	// (record.Unique), as pcommon.Map.PutStr keeps it.
	slices.SortStableFunc(c.res, func(a, b core.Attr) int { return strings.Compare(a.Key, b.Key) })
	c.res = record.Unique(c.res)
	return nil
}

// appendResourceKey appends an identity of the resource res (sorted) to b:
// records with equal keys share one ResourceLogs.
func appendResourceKey(b []byte, res []core.Attr) []byte {
	for i := range res {
		b = append(b, res[i].Key...)
		b = append(b, 0)
		b = append(b, res[i].Str...)
		b = append(b, 0)
	}
	return b
}
