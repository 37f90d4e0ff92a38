package transform

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"csv2activity/mapping"
)

// TestRunStopsOnEndlessInput: a run whose input never ends (a header, then
// NUL bytes without a line break, or nothing at all on a silent pipe) stops
// with the context's error once it is cancelled.
func TestRunStopsOnEndlessInput(t *testing.T) {
	t.Parallel()
	m, err := mapping.Parse("m.yaml", []byte(rowMapping))
	if err != nil {
		t.Fatal(err)
	}
	silent, w := io.Pipe()
	defer w.Close()
	for name, in := range map[string]io.Reader{
		"a row without end": io.MultiReader(strings.NewReader("a,b,c\n"), endless{}),
		"a silent pipe":     silent,
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				_, err := Run(ctx, Config{Mapping: m, Workers: 2, Stdin: in}, []string{"-"}, io.Discard, io.Discard)
				done <- err
			}()
			time.Sleep(50 * time.Millisecond) // whether the run is reading yet or not, it must stop
			cancel()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("got %v, want context.Canceled", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("still running 10s after the cancel")
			}
		})
	}
}

// endless is an input that never ends: NUL bytes, as from /dev/zero.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
