package main

import (
	"fmt"
	"io"
	"os"

	"recog/internal/cli"
	"recog/internal/data"
	"recog/internal/grade"
)

func init() {
	register(command{
		name:    "grade",
		summary: "grade the assignment: run the tests, score each item of the rubric",
		usage:   "grade [--dir DIR] [--json] [--full]",
		run:     runGrade,
	})
}

func runGrade(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("grade", helpText("grade"), stderr)
	dir := fs.String("dir", "", "module `DIR` to grade (default: the repository)")
	asJSON := fs.Bool("json", false, "write the grade as JSON")
	full := fs.Bool("full", false, "run the full tier too (RECOG_FULL=1; hours)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if err := cli.NoArgs(pos); err != nil {
		return err
	}
	root := *dir
	if root == "" {
		if root, err = data.RepoRoot(); err != nil {
			return err
		}
	} else if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return usagef("--dir %s: not a directory", root)
	}
	res, err := grade.Run(grade.Options{Dir: root, Full: *full, Stderr: stderr})
	if err != nil {
		return err
	}
	if *asJSON {
		err = res.WriteJSON(stdout)
	} else {
		err = res.WriteText(stdout)
	}
	if err != nil {
		return fmt.Errorf("grade: %w", err)
	}
	return nil
}
