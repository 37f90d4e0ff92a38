package transform

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"csv2activity/mapping"
)

// TestHeaderMemoryIsKept checks that a run tells Config.KeptMemory of what
// the columns of its header take, once: a wide export's compiled mapping and
// typed rows are tens of MiB that a heap limit set for a pipeline of narrow
// rows would leave the collector running without end to reclaim.
func TestHeaderMemoryIsKept(t *testing.T) {
	t.Parallel()
	for _, width := range []int{3, 20_000} {
		names := make([]string, width)
		values := make([]string, width)
		for i := range names {
			names[i], values[i] = fmt.Sprintf("c%d", i), fmt.Sprint(i)
		}
		csv := strings.Join(names, ",") + "\n" + strings.Join(values, ",") + "\n"
		m, err := mapping.Parse("m.yaml", []byte("version: 1\nactivity:\n  $type: TOUCH\n  $ts: 1700000000000\n  $user_account_id: ${ c1 }\n"))
		if err != nil {
			t.Fatal(err)
		}
		var told int64
		var calls int
		cfg := Config{Mapping: m, Stdin: strings.NewReader(csv), KeptMemory: func(n int64) { told += n; calls++ }}
		var out bytes.Buffer
		if _, err := Run(context.Background(), cfg, []string{"-"}, &out, &bytes.Buffer{}); err != nil {
			t.Fatalf("%d columns: %v", width, err)
		}
		if want := `"$user_account_id":"1"`; !strings.Contains(out.String(), want) {
			t.Errorf("%d columns: wrote %q, want %s in it", width, out.String(), want)
		}
		if calls != 1 {
			t.Errorf("%d columns: told %d times, want once", width, calls)
		}
		if min := int64(width) * perColumn; told < min || told > 2*min {
			t.Errorf("%d columns: told of %d bytes, want %d to %d", width, told, min, 2*min)
		}
	}
}
