package main

import (
	"fmt"
	"io"

	"recog/internal/data"
	"recog/internal/grade"
)

func init() {
	register(command{
		name:    "starter",
		summary: "write a copy of the module with the students' functions stubbed",
		usage:   "starter DIR",
		run:     runStarter,
	})
}

func runStarter(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("starter", helpText("starter"), stderr)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one argument DIR, got %q", pos)
	}
	root, err := data.RepoRoot()
	if err != nil {
		return err
	}
	stubs, err := grade.Starter(root, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "starter: wrote %s with %d functions to write\n", pos[0], len(stubs))
	return nil
}
