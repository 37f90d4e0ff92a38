// Package mapping reads a csv2activity mapping file and turns it into a Program.
//
// Load parses the YAML (keeping every line and column for error messages) and
// checks its shape; Compile binds it to an input's header, typing the columns and
// compiling every expression once with expr-lang/expr; the Program then types
// each CSV record (Program.Row) and builds one activity per row or group
// (Program.Apply). A Program is safe for concurrent use; an Evaluator is not, so
// each worker makes its own with Program.NewEvaluator.
package mapping
