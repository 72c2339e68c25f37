package main

import (
	"embed"
	"io"
)

// helpFiles are the descriptions of the commands printed by -h and `recog
// help COMMAND`, one text file per command (help/q3.txt, ...).
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpText returns the description help/<name>.txt; a missing one is a
// programmer error.
func helpText(name string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic("recog: no help text " + name)
	}
	return string(b)
}

func init() {
	register(command{
		name:    "help",
		summary: "list the commands, or show one command's usage",
		usage:   "help [COMMAND]",
		run:     runHelp,
	})
}

func runHelp(args []string, stdout, stderr io.Writer) error {
	switch len(args) {
	case 0:
		printUsage(stdout)
		return nil
	case 1:
		if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" {
			printUsage(stderr) // -h prints to stderr, as every command's does
			return nil
		}
		c, ok := commands[args[0]]
		if !ok {
			return usagef("unknown command %q", args[0])
		}
		if c.name == "help" {
			printUsage(stdout)
			return nil
		}
		// Every command answers -h with its usage on the writer it is given.
		return c.run([]string{"-h"}, stdout, stdout)
	default:
		return usagef("help takes at most one command, got %d arguments", len(args))
	}
}
