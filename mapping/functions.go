package mapping

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/expr-lang/expr"
	"github.com/govalues/decimal"

	"csv2activity/internal/strftime"
)

// Functions lists the functions csv2activity adds to expr's own, for the
// README and for did-you-mean.
var Functions = []string{"sha256", "sha1", "md5", "normalize_email", "time", "millis", "round", "coalesce", "decimal"}

// functions returns the expr options that declare the mapping's functions.
// loc is the input's timezone, used by time() for values without an offset.
func functions(loc *time.Location) []expr.Option {
	return []expr.Option{
		expr.Function("sha256", hashFunc(func(b []byte) []byte { s := sha256.Sum256(b); return s[:] }), new(func(any) any)),
		expr.Function("sha1", hashFunc(func(b []byte) []byte { s := sha1.Sum(b); return s[:] }), new(func(any) any)),
		expr.Function("md5", hashFunc(func(b []byte) []byte { s := md5.Sum(b); return s[:] }), new(func(any) any)),
		expr.Function("normalize_email", normalizeEmail, new(func(any) any)),
		expr.Function("time", timeFunc(loc), new(func(any) any), new(func(any, string) any)),
		expr.Function("millis", millis, new(func(any) any)),
		expr.Function("round", roundFunc, new(func(any) any), new(func(any, int) any)),
		expr.Function("coalesce", coalesce, new(func(...any) any)),
		expr.Function("decimal", decimalFunc, new(func(any) any)),
	}
}

// text is the string form of a scalar for hashing and interpolation: strings
// as they are, numbers as JSON writes them, times as RFC 3339.
func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case decimal.Decimal:
		return x.Trim(0).String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// hashFunc makes sha256(), md5()…: the lower-case hex digest of the value's
// text; nil stays nil so that an empty optional column vanishes.
func hashFunc(sum func([]byte) []byte) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		if args[0] == nil {
			return nil, nil
		}
		t, err := textOf(args[0])
		if err != nil {
			return nil, err
		}
		return hex.EncodeToString(sum([]byte(t))), nil
	}
}

// normalizeEmail trims and lower-cases an address, the normalisation
// mediarithmics expects before hashing. "" and nil give nil.
func normalizeEmail(args ...any) (any, error) {
	if args[0] == nil {
		return nil, nil
	}
	t, err := textOf(args[0])
	if err != nil {
		return nil, err
	}
	s := strings.ToLower(strings.TrimSpace(t))
	if s == "" {
		return nil, nil
	}
	return s, nil
}

// layouts caches compiled time() formats: most mappings use one or two.
// A format that varies from row to row is compiled each time once the
// cache holds maxLayouts, so that it never grows past that.
var (
	layouts      sync.Map
	layoutsCount atomic.Int32
)

const maxLayouts = 64

func timeFunc(loc *time.Location) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		if t, ok := args[0].(time.Time); ok {
			return t, nil
		}
		t, err := textOf(args[0])
		if err != nil {
			return nil, err
		}
		s := strings.TrimSpace(t)
		if s == "" {
			return nil, nil
		}
		format := "iso8601"
		if len(args) > 1 {
			format = args[1].(string)
		}
		return parseTimeFormat(s, format, loc)
	}
}

func parseTimeFormat(s, format string, loc *time.Location) (time.Time, error) {
	switch format {
	case "iso8601":
		return strftime.ParseISO8601(s, loc)
	case "unix":
		return strftime.ParseUnix(s, time.Second)
	case "unix_ms":
		return strftime.ParseUnix(s, time.Millisecond)
	}
	l, ok := layouts.Load(format)
	if !ok {
		c, err := strftime.Compile(format)
		if err != nil {
			return time.Time{}, err
		}
		l = c
		if layoutsCount.Load() < maxLayouts {
			if _, loaded := layouts.LoadOrStore(format, c); !loaded {
				layoutsCount.Add(1)
			}
		}
	}
	return l.(*strftime.Layout).Parse(s, loc)
}

// millis is a time as epoch milliseconds.
func millis(args ...any) (any, error) {
	switch t := args[0].(type) {
	case nil:
		return nil, nil
	case time.Time:
		ms, err := unixMilli(t)
		return int(ms), err
	}
	return nil, fmt.Errorf("millis: want a time, got %s", typeName(args[0]))
}

// roundFunc is round(x) and round(x, n): halves away from zero, decimals stay
// exact.
func roundFunc(args ...any) (any, error) {
	n := 0
	if len(args) > 1 {
		n = args[1].(int)
	}
	if n < 0 || n > 18 {
		return nil, fmt.Errorf("round: %d decimal places, want 0 to 18", n)
	}
	switch x := args[0].(type) {
	case nil:
		return nil, nil
	case decimal.Decimal:
		return roundHalfUp(x, n)
	case float64:
		return roundFloat(x, n), nil
	case int, int64:
		return x, nil
	}
	return nil, fmt.Errorf("round: want a number, got %s", typeName(args[0]))
}

// coalesce returns its first argument that is neither nil nor "", or nil.
func coalesce(args ...any) (any, error) {
	for _, a := range args {
		if s, ok := a.(string); ok && s == "" {
			continue
		}
		if a != nil {
			return a, nil
		}
	}
	return nil, nil
}

var errNotDecimal = errors.New("not a decimal number")

// decimalFunc converts a number or a string ("12.50" or "12,50") to a decimal.
func decimalFunc(args ...any) (any, error) {
	if args[0] == nil {
		return nil, nil
	}
	if d, ok := toDecimal(args[0]); ok {
		return d, nil
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("decimal(%s): %w", typeName(args[0]), errNotDecimal)
	}
	t := strings.TrimSpace(s)
	if !strings.Contains(t, ".") {
		t = strings.Replace(t, ",", ".", 1)
	}
	d, err := decimal.Parse(t)
	if err != nil {
		return nil, fmt.Errorf("decimal(%q): %w", s, errNotDecimal)
	}
	return d, nil
}
