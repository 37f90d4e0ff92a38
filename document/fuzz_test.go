package document

import (
	"testing"

	"csv2activity/activity"
)

// FuzzValidateLine checks, on lines of every type seeded from lineTests,
// that the rules never panic and that Validate reports Problems' first
// problem, or none when Problems finds none.
func FuzzValidateLine(f *testing.F) {
	for i, tt := range lineTests {
		f.Add(uint8(i), []byte(tt.line))
	}
	f.Fuzz(func(t *testing.T, typ uint8, line []byte) {
		r := Types[1+int(typ)%(len(Types)-1)].Rules()
		o, err := activity.Parse(line)
		if err != nil {
			return
		}
		found, _ := r.Problems(o, 0)
		err = r.Validate(o)
		switch {
		case err == nil && len(found) > 0:
			t.Fatalf("%s: Validate passes %s, Problems finds %v", r.Type(), line, found)
		case err != nil && (len(found) == 0 || found[0].Error() != err.Error()):
			t.Fatalf("%s: Validate %v, Problems %v on %s", r.Type(), err, found, line)
		}
		r.CheckTemplate(o) // a line is a template without holes: it must not panic
	})
}
