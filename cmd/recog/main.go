// Command recog runs the CMU 16-720 "Neural Networks for Recognition"
// reference implementation: it fetches the data sets and runs each question's
// experiments. Run `recog help` for the list of commands.
//
// Adding a command: write one file with an init function calling register
// with a command whose run function parses its own flag.FlagSet (made with
// newFlagSet, so -h prints its help) and returns an error; wrap bad usage in
// usageError so that recog exits with status 2.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"recog/internal/cli"
)

// command is one subcommand of recog.
type command struct {
	name    string
	summary string // one line for `recog help`
	// usage is the synopsis after "recog ", e.g. "data [SET...] [--mirror DIR]".
	usage string
	run   func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{}

// register adds a command; it is called from init functions.
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("recog: command " + c.name + " registered twice")
	}
	commands[c.name] = c
}

// usageError marks a command-line mistake: recog prints it with the usage
// and exits with status 2.
type usageError = cli.UsageError

// usagef returns a usageError.
func usagef(format string, args ...any) error { return cli.Usagef(format, args...) }

// newFlagSet returns the flag set of the registered command name: its -h
// prints the command's synopsis (its usage field), the description and the
// flags to stderr, and its Parse checks the bounded flags (internal/cli).
func newFlagSet(name, description string, stderr io.Writer) *cli.FlagSet {
	usage := name
	if c, ok := commands[name]; ok && c.usage != "" {
		usage = c.usage
	}
	return cli.New(name, usage, description, stderr)
}

// parseInterleaved parses the flags of fs, which may come before, between
// or after the positional arguments, checks them and returns the
// positional arguments (cli.FlagSet.Parse).
func parseInterleaved(fs *cli.FlagSet, args []string) ([]string, error) { return fs.Parse(args) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes recog with args (without the program name) and returns the
// exit status: 0 on success, 1 on failure, 2 on bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "recog: unknown command %q\n\n", name)
		printUsage(stderr)
		return 2
	}
	err := c.run(rest, stdout, stderr)
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "recog %s: %v\nrun `recog help %s` for usage\n", name, err, name)
		return 2
	default:
		fmt.Fprintf(stderr, "recog %s: %v\n", name, err)
		return 1
	}
}

// printUsage prints the commands, then the rules every command follows
// (help/recog.txt).
func printUsage(w io.Writer) {
	fmt.Fprintf(w, "recog: neural networks for recognition (CMU 16-720 HW5) in Go\n\nusage: recog COMMAND [flags]\n\ncommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nrun `recog help COMMAND` (or `recog COMMAND -h`) for a command's flags\n\n%s", helpText("recog"))
}
