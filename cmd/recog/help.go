package main

import (
	"io"
)

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
