package mapping

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/govalues/decimal"
)

// TestQuoSmallMatchesQuo compares quoSmall with decimal's Quo, digit for
// digit and scale for scale, on amounts and quantities of every size.
func TestQuoSmallMatchesQuo(t *testing.T) {
	t.Parallel() // seconds of CPU: beside the package's other tests
	rng := rand.New(rand.NewChaCha8([32]byte{7}))
	check := func(x, y decimal.Decimal) bool {
		got, ok := quoSmall(x, y)
		if !ok {
			return false
		}
		want, err := x.Quo(y)
		if err != nil || got.Coef() != want.Coef() || got.Scale() != want.Scale() || got.IsNeg() != want.IsNeg() {
			t.Fatalf("%v / %v: quoSmall %v (coef %d, scale %d), Quo %v (coef %d, scale %d) %v",
				x, y, got, got.Coef(), got.Scale(), want, want.Coef(), want.Scale(), err)
		}
		return true
	}
	// Every amount up to 100.00 by every quantity up to 60.
	fast := 0
	for c := int64(1); c <= 10000; c++ {
		for q := int64(1); q <= 60; q++ {
			if check(decimal.MustNew(c, 2), decimal.MustNew(q, 0)) {
				fast++
			}
		}
	}
	if fast < 10000*60*9/10 {
		t.Errorf("quoSmall took %d of %d retail divisions", fast, 10000*60)
	}
	// Random coefficients of every length, scales, signs and divisors.
	for range 100_000 {
		c := rng.Int64N(pow10Int(rng.IntN(18) + 1))
		if rng.IntN(5) == 0 {
			c = rng.Int64N(math.MaxInt64) // 19 digits
		}
		if rng.IntN(2) == 0 {
			c = -c
		}
		q := rng.Int64N(pow10Int(rng.IntN(10))) + 1
		if rng.IntN(4) == 0 {
			q = -q
		}
		check(decimal.MustNew(c, rng.IntN(20)), decimal.MustNew(q, 0))
	}
	// Ties and near ties: quotients ending in 5 at the rounding digit.
	for _, c := range []int64{5, 15, 25, 1999999999999999999 / 10, 999999999999999995, 1, 9_223_372_036_854_775_807, 9_223_372_036_854_775_805} {
		for _, q := range []int64{1, 2, 3, 4, 8, 16, 10, 1000000000} {
			for s := range 20 {
				check(decimal.MustNew(c, s), decimal.MustNew(q, 0))
			}
		}
	}
}

func pow10Int(n int) int64 { return int64(pow10[n]) }
