package transform

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"csv2activity/mapping"
)

// TestCancelReaderPassesData: what is read through a cancelReader is the
// input, byte for byte, however it is read.
func TestCancelReaderPassesData(t *testing.T) {
	data := bytes.Repeat([]byte("LY1,m1@example.fr,purchase,1,2.50\n"), 10000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := iotest.TestReader(newCancelReader(ctx, iotest.HalfReader(bytes.NewReader(data))), data); err != nil {
		t.Fatal(err)
	}
}

// TestCancelReaderStops: a Read blocked on a pipe nobody writes returns the
// context's error once it is cancelled.
func TestCancelReaderStops(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r := newCancelReader(ctx, pr)
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 10))
		done <- err
	}()
	cancel()
	stopsWithin(t, done, 10*time.Second)
}

// stopsWithin waits for done to receive context.Canceled, failing the test
// if it does not within limit.
func stopsWithin(t *testing.T, done <-chan error, limit time.Duration) {
	t.Helper()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	case <-time.After(limit):
		t.Fatalf("still running %v after the cancel", limit)
	}
}

// TestRunStopsOnEndlessInput: a run whose input never ends (a header, then
// NUL bytes without a line break, or nothing at all on a silent pipe) stops
// with the context's error once it is cancelled.
func TestRunStopsOnEndlessInput(t *testing.T) {
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
			stopsWithin(t, done, 10*time.Second)
		})
	}
}
