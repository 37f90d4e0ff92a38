// Package bytesize reads and writes sizes as people type them: 100MB, 64MiB,
// 256KB, 1.5GB, 4096. KB, MB, GB and TB are powers of 1000 (so "100MB" is
// the bulk import API's 100 MB exactly); KiB, MiB, GiB and TiB, and the bare
// K, M, G and T, are powers of 1024. B may be left out.
package bytesize

import (
	"fmt"
	"strconv"
	"strings"
)

var units = []struct {
	suffix string
	mult   int64
}{
	{"TIB", 1 << 40}, {"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3},
	{"T", 1 << 40}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10},
	{"B", 1},
}

// Parse reads a size such as "100MB" (10^8 bytes), "64MiB", "512k" or "4096".
func Parse(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f*float64(mult) > 1<<62 {
		return 0, fmt.Errorf("invalid size %q: write it like 100MB, 64MiB, 256KB or 4096", s)
	}
	return int64(f * float64(mult)), nil
}

// Format writes n bytes in the largest unit that keeps it readable: 100MiB,
// 1.5GiB, 812B.
func Format(n int64) string {
	for _, u := range []struct {
		name string
		mult int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.mult {
			v := float64(n) / float64(u.mult)
			return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0") + u.name
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}
