package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"csv2activity/internal/suggest"
)

// Help as other command lines give it: `help` and `help COMMAND`, an unknown
// command named with a did-you-mean, a bad flag answered with the error and
// one usage line (not the whole help page), and a version read from the
// build.

func helpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     "show the commands, or one command's help",
		ArgsUsage: "[COMMAND]",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			name := c.Args().First()
			if c.App.Command(name) == nil {
				return unknownCommand(c.App, name)
			}
			return cli.ShowCommandHelp(c.Lineage()[1], name) // the app's context, which holds the commands
		},
	}
}

// appAction runs when no command matched: the help page with no argument,
// an unknown-command error otherwise.
func appAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.ShowAppHelp(c)
	}
	return unknownCommand(c.App, c.Args().First())
}

// unknownCommand is the usage error for a command name the app does not
// have, with the nearest name when one is close.
func unknownCommand(app *cli.App, name string) error {
	msg := fmt.Sprintf("unknown command %q", name)
	if near := nearestCommand(app, name); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return usageError{msg + "\nrun 'csv2activity help' for the list of commands"}
}

// nearestCommand is the visible command that has name as a prefix (of 2
// characters or more), else the one name is a typo of (suggest.Typo), or "".
func nearestCommand(app *cli.App, name string) string {
	var names []string
	for _, c := range app.VisibleCommands() {
		if strings.HasPrefix(c.Name, name) && len(name) >= 2 {
			return c.Name
		}
		names = append(names, c.Name)
	}
	return suggest.Closest(name, names, suggest.Typo)
}

// onUsageError answers a flag the command does not know (or a flag value it
// cannot parse) with the error and the command's usage line.
func onUsageError(c *cli.Context, err error, isSubcommand bool) error {
	if !isSubcommand {
		return usageError{fmt.Sprintf("%v\nusage: csv2activity COMMAND [options] ARGS... (csv2activity help)", err)}
	}
	cmd := c.Command
	return usageError{fmt.Sprintf("%s: %v\nusage: %s (csv2activity help %s)", cmd.Name, err, usageLine(cmd), cmd.Name)}
}

// requiredFlag is a flag a command cannot run without. urfave/cli's own
// check of a Required flag prints the whole help page before its error; this
// one is checked before the command runs (requireFlags) and answered as a
// bad flag is: the error and one usage line, exit 2. Its StringFlag's
// Required is off, so that urfave/cli does not check it too.
type requiredFlag struct{ *cli.StringFlag }

// requireFlags makes cmd's required string flags requiredFlags, checked in
// cmd.Before.
func requireFlags(cmd *cli.Command) {
	var required []cli.Flag
	for i, f := range cmd.Flags {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Required {
			sf.Required = false
			cmd.Flags[i] = requiredFlag{sf}
			required = append(required, cmd.Flags[i])
		}
	}
	if len(required) == 0 {
		return
	}
	before := cmd.Before
	cmd.Before = func(c *cli.Context) error {
		for _, f := range required {
			if !slices.ContainsFunc(f.Names(), c.IsSet) {
				return onUsageError(c, fmt.Errorf("required flag %q not set", f.Names()[0]), true)
			}
		}
		if before != nil {
			return before(c)
		}
		return nil
	}
}

// usageLine is a command's synopsis: its required flags, "[options]" when it
// has others, and its arguments.
func usageLine(cmd *cli.Command) string {
	parts := []string{"csv2activity", cmd.Name}
	optional := false
	for _, f := range cmd.Flags {
		if _, ok := f.(requiredFlag); !ok {
			optional = optional || f.Names()[0] != "help"
			continue
		}
		names := f.Names()
		flag := "--" + names[0]
		if len(names) > 1 && len(names[1]) == 1 {
			flag = "-" + names[1]
		}
		if df, ok := f.(cli.DocGenerationFlag); ok && df.TakesValue() {
			flag += " " + valueName(df.GetUsage())
		}
		parts = append(parts, flag)
	}
	if optional {
		parts = append(parts, "[options]")
	}
	if cmd.ArgsUsage != "" {
		parts = append(parts, cmd.ArgsUsage)
	}
	return strings.Join(parts, " ")
}

// valueName is the `NAME` a flag's usage quotes, as the help shows it, or
// VALUE.
func valueName(usage string) string {
	if _, rest, ok := strings.Cut(usage, "`"); ok {
		if name, _, ok := strings.Cut(rest, "`"); ok {
			return name
		}
	}
	return "VALUE"
}
