// Package mapping reads a csv2activity mapping file and turns it into a Program.
//
// Load parses the YAML (keeping every line and column for error messages) and
// checks its shape; Compile binds it to an input's header, typing the columns and
// compiling every expression once with expr-lang/expr. An Evaluator then
// appends the activity of each CSV record (Evaluator.AppendRow) or, with
// group_by, keys each record (Evaluator.KeyRow) and appends the activity of
// each whole group (Evaluator.AppendGroup); a rejected row or group comes back
// as a typed error (*CellError, *EvalError, *RuleError). Whether the compiled
// template or the general path writes it is decided inside. A Program is safe
// for concurrent use; an Evaluator is not, so each worker makes its own with
// Program.NewEvaluator.
package mapping
