package activity

// Int returns the value of a number of the model whose JSON form is a whole
// number within the int64 range (an int, an int64, a float64 without
// fraction, a whole decimal, a json.Number that parses as one); ok is false
// for anything else. The rules of the other document types read their
// counts and times with it, as this package's rules do.
func Int(v any) (n int64, ok bool) { return asInt(v) }

// NumberProblem returns why the number v cannot stand in a line (NaN or an
// infinity, a json.Number that is no JSON literal or overflows a float64),
// or "" when it can or v is not a number: the check this package's rules
// make of every number, for the rules of the other document types.
func NumberProblem(v any) string { return numberProblem(v) }
