package scan

import "github.com/pamaudit/pamaudit/internal/cache"

// Slot256 is cache.Slot, the one slot hash, under the name its callers in
// the builder and the Netwrix parser still use.
func Slot256[T ~string | ~[]byte](s T) int { return cache.Slot(s) }
