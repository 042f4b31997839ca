package presign

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/s3share/s3share/internal/sanitize"
)

var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1000,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1000 * 1000,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1000 * 1000 * 1000,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1000 * 1000 * 1000 * 1000,
}

// MaxPOSTSize is the largest body one POST upload may carry on AWS S3 (5 GiB).
const MaxPOSTSize = 5 << 30

// ParseSize reads a byte count: 1024, 512B, 10KB (10 000), 10KiB or 10K
// (10 240), and likewise MB/MiB/M, GB/GiB/G, TB/TiB/T. Units ignore case.
func ParseSize(s string) (int64, error) {
	in := strings.TrimSpace(s)
	i := 0
	for i < len(in) && in[i] >= '0' && in[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("size %q: want a number of bytes such as 1024, 10MB or 10MiB", sanitize.Bounded(s))
	}
	n, err := strconv.ParseInt(in[:i], 10, 64)
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(in[i:]))]
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q; use B, KB, KiB, MB, MiB, GB, GiB, TB or TiB", sanitize.Bounded(s), strings.TrimSpace(in[i:]))
	}
	if err != nil || n > (1<<62)/unit {
		return 0, fmt.Errorf("size %q is too large", sanitize.Bounded(s))
	}
	return n * unit, nil
}
