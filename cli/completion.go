package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// Shell completion: `completion bash|zsh|fish` prints a script that
// completes the commands, each command's flags, and file names for the
// arguments and for the flags that take a value. The scripts are generated
// from the app's own commands and flags, so they cannot drift from them, and
// hold the names they complete: they never run the program.

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Prints a script that completes the commands, their flags and file names.\n\n" +
			"   source <(csv2activity completion bash)        # in ~/.bashrc\n" +
			"   source <(csv2activity completion zsh)         # in ~/.zshrc, after compinit\n" +
			"   csv2activity completion fish > ~/.config/fish/completions/csv2activity.fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError{"completion: name one shell: bash, zsh or fish"}
			}
			cmds := completionModel(c.App)
			switch c.Args().First() {
			case "bash":
				return writeScript(c.App.Writer, bashCompletion(cmds))
			case "zsh":
				return writeScript(c.App.Writer, zshCompletion(cmds))
			case "fish":
				return writeScript(c.App.Writer, fishCompletion(cmds))
			}
			return usageError{fmt.Sprintf("completion: unknown shell %q: give bash, zsh or fish", c.Args().First())}
		},
	}
}

func writeScript(w io.Writer, script string) error {
	if _, err := io.WriteString(w, script); err != nil {
		return fail(fmt.Errorf("write completion script: %w", err))
	}
	return nil
}

// compCommand is what completion knows of a command.
type compCommand struct {
	name, usage string
	names       []string // the name and its aliases
	files       bool     // its arguments are files
	flags       []compFlag
	args        []string // the words it takes as arguments, when they are fixed
}

type compFlag struct {
	long, short, usage string
	value              bool // takes a value
}

// completionModel reads the commands and flags of app.
func completionModel(app *cli.App) []compCommand {
	var cmds []compCommand
	for _, c := range app.VisibleCommands() {
		cc := compCommand{name: c.Name, names: c.Names(), usage: c.Usage, files: c.ArgsUsage != ""}
		switch c.Name {
		case "completion":
			cc.files, cc.args = false, []string{"bash", "zsh", "fish"}
		case "help":
			cc.files = false
			for _, o := range app.VisibleCommands() {
				cc.args = append(cc.args, o.Name)
			}
		}
		for _, f := range c.VisibleFlags() {
			if f.Names()[0] != "help" { // added to some commands once they ran
				cc.flags = append(cc.flags, compFlagOf(f))
			}
		}
		cc.flags = append(cc.flags, compFlag{long: "help", short: "h", usage: "show help"})
		cmds = append(cmds, cc)
	}
	return cmds
}

func compFlagOf(f cli.Flag) compFlag {
	cf := compFlag{}
	for _, n := range f.Names() {
		switch {
		case len(n) == 1:
			cf.short = n
		case cf.long == "":
			cf.long = n
		}
	}
	if df, ok := f.(cli.DocGenerationFlag); ok {
		cf.value = df.TakesValue()
		cf.usage = strings.ReplaceAll(df.GetUsage(), "`", "")
	}
	if i := strings.IndexAny(cf.usage, "(;"); i > 0 {
		cf.usage = strings.TrimSpace(cf.usage[:i])
	}
	return cf
}

// words are the flag's names as typed: --long and -s.
func (f compFlag) words() []string {
	var w []string
	if f.long != "" {
		w = append(w, "--"+f.long)
	}
	if f.short != "" {
		w = append(w, "-"+f.short)
	}
	return w
}

// bashCompletion completes with compgen from word lists; a word that is not
// a flag falls back to bash's file names (complete -o default).
func bashCompletion(cmds []compCommand) string {
	var b strings.Builder
	b.WriteString(`# bash completion for csv2activity: source <(csv2activity completion bash)
_csv2activity() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in
            -*) ;;
            *) cmd="${COMP_WORDS[i]}"; break ;;
        esac
    done
    COMPREPLY=()
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "`)
	b.WriteString(strings.Join(names(cmds), " ") + ` --help --version" -- "$cur"))
        return
    fi
    local flags="" valued="" args=""
    case "$cmd" in
`)
	for _, c := range cmds {
		var all, valued []string
		for _, f := range c.flags {
			all = append(all, f.words()...)
			if f.value {
				valued = append(valued, f.words()...)
			}
		}
		fmt.Fprintf(&b, "        %s) flags=%q valued=%q args=%q ;;\n", strings.Join(c.names, "|"), strings.Join(all, " "), strings.Join(valued, " "), strings.Join(c.args, " "))
	}
	b.WriteString(`    esac
    # the value of a flag that takes one: file names (bash's default)
    [[ " $valued " == *" $prev "* ]] && return
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    elif [[ -n $args ]]; then
        COMPREPLY=($(compgen -W "$args" -- "$cur"))
    fi
}
complete -o bashdefault -o default -F _csv2activity csv2activity
`)
	return b.String()
}

// zshCompletion completes with _describe and _files; it works sourced or as
// _csv2activity in a folder of $fpath.
func zshCompletion(cmds []compCommand) string {
	var b strings.Builder
	b.WriteString(`#compdef csv2activity
# zsh completion for csv2activity: source <(csv2activity completion zsh) after compinit,
# or save it as _csv2activity in a folder of $fpath
_csv2activity() {
    local -a commands flags valued args
    commands=(
`)
	for _, c := range cmds {
		fmt.Fprintf(&b, "        %s\n", zshQuote(c.name+":"+c.usage))
	}
	b.WriteString(`    )
    if (( CURRENT == 2 )); then
        _describe -t commands 'csv2activity command' commands
        return
    fi
    case $words[2] in
`)
	for _, c := range cmds {
		var flags, valued []string
		for _, f := range c.flags {
			for _, w := range f.words() {
				flags = append(flags, zshQuote(w+":"+f.usage))
				if f.value {
					valued = append(valued, w)
				}
			}
		}
		fmt.Fprintf(&b, "        %s) flags=(%s) valued=(%s) args=(%s) ;;\n", strings.Join(c.names, "|"), strings.Join(flags, " "), strings.Join(valued, " "), strings.Join(c.args, " "))
	}
	b.WriteString(`    esac
    if (( ${valued[(Ie)$words[CURRENT-1]]} )); then
        _files
    elif [[ $PREFIX == -* ]]; then
        _describe -t options 'option' flags
    elif (( $#args )); then
        compadd -a args
    else
        _files
    fi
}
if [[ $funcstack[1] == _csv2activity ]]; then
    _csv2activity "$@"
else
    compdef _csv2activity csv2activity
fi
`)
	return b.String()
}

// zshQuote single-quotes s for zsh.
func zshQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishCompletion is a list of complete commands, one per command and flag.
func fishCompletion(cmds []compCommand) string {
	var b strings.Builder
	b.WriteString("# fish completion for csv2activity: csv2activity completion fish | source\n" +
		"complete -c csv2activity -f\n")
	fmt.Fprintf(&b, "complete -c csv2activity -n __fish_use_subcommand -l help -s h -d 'show help'\n")
	fmt.Fprintf(&b, "complete -c csv2activity -n __fish_use_subcommand -l version -s v -d 'print the version'\n")
	for _, c := range cmds {
		fmt.Fprintf(&b, "complete -c csv2activity -n __fish_use_subcommand -a %s -d %s\n", c.name, zshQuote(c.usage))
	}
	for _, c := range cmds {
		when := "-n " + zshQuote("__fish_seen_subcommand_from "+strings.Join(c.names, " "))
		if c.files {
			fmt.Fprintf(&b, "complete -c csv2activity %s -F\n", when)
		}
		if len(c.args) > 0 {
			fmt.Fprintf(&b, "complete -c csv2activity %s -a %s\n", when, zshQuote(strings.Join(c.args, " ")))
		}
		for _, f := range c.flags {
			line := "complete -c csv2activity " + when
			if f.long != "" {
				line += " -l " + f.long
			}
			if f.short != "" {
				line += " -s " + f.short
			}
			if f.value {
				line += " -rF"
			}
			fmt.Fprintf(&b, "%s -d %s\n", line, zshQuote(f.usage))
		}
	}
	return b.String()
}

func names(cmds []compCommand) []string {
	var n []string
	for _, c := range cmds {
		n = append(n, c.name)
	}
	return n
}
