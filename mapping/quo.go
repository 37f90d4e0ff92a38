package mapping

import (
	"math"
	"math/bits"

	"github.com/govalues/decimal"
)

// quo is decimal.Decimal.Quo, with a fast path for the division that retail
// mappings are full of: an amount by a quantity (Sales / Quantity).
func quo(x, y decimal.Decimal) (decimal.Decimal, error) {
	if q, ok := quoSmall(x, y); ok {
		return q, nil
	}
	return x.Quo(y)
}

// pow10 holds the powers of ten that fit a uint64.
var pow10 = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// quoSmall divides x by y, an integer of at most nine digits, exactly as
// x.Quo(y) does, in 128-bit integer arithmetic where Quo uses big.Int when
// the quotient does not end (261.95 / 3). ok is false when it cannot.
//
// Quo's result is the quotient rounded half to even to 19 significant
// digits (or to 19 decimals when it is below 1), trailing zeros trimmed
// down to x's scale. (Quo rounds a quotient it has first truncated 22 or
// more digits further; for a divisor below 10^21 no quotient has a tie
// there that the truncation made, so both roundings agree.)
// TestQuoSmallMatchesQuo compares the two.
func quoSmall(x, y decimal.Decimal) (decimal.Decimal, bool) {
	if y.Scale() != 0 || y.IsZero() || y.Coef() > 1e9 || x.IsZero() {
		return decimal.Decimal{}, false
	}
	c, s, den := x.Coef(), x.Scale(), y.Coef()
	// The scale of the result: 19 significant digits, 19 decimals at most.
	scale := decimal.MaxScale
	if whole := c / den / pow10[s]; whole > 0 {
		scale = decimal.MaxPrec - digits(whole)
	}
	// q, r = c·10^(scale-s) / den
	var hi, lo uint64
	switch {
	case scale >= s:
		hi, lo = bits.Mul64(c, pow10[scale-s])
	case s-scale <= 9:
		lo, den = c, den*pow10[s-scale]
	default:
		return decimal.Decimal{}, false
	}
	if hi >= den {
		return decimal.Decimal{}, false
	}
	q, r := bits.Div64(hi, lo, den)
	if r > den-r || (r == den-r && q&1 == 1) { // half to even
		q++
	}
	if q == pow10[19] { // rounded up to 20 digits
		q, scale = pow10[18], scale-1
	}
	if q == 0 || q > math.MaxInt64 {
		return decimal.Decimal{}, false
	}
	v := int64(q)
	if x.IsNeg() != y.IsNeg() {
		v = -v
	}
	d, err := decimal.New(v, scale)
	if err != nil {
		return decimal.Decimal{}, false
	}
	return d.Trim(s), true
}

// digits is the number of decimal digits of n > 0.
func digits(n uint64) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}
