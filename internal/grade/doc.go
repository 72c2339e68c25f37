package grade

import (
	"fmt"
	"strings"
)

// RubricDoc returns docs/GRADING.md, the rubric as a table made from Rubric:
// per item its points, kind, tier, the tests that grade it and the
// functions a starter copy leaves to write, each linked to the file and line
// of its declaration in the module at root.
func RubricDoc(root string) (string, error) {
	tests, err := ModuleTests(root)
	if err != nil {
		return "", err
	}
	marked, err := Starters(root)
	if err != nil {
		return "", err
	}
	write := map[string][]string{}
	for _, m := range marked {
		write[m.Item] = append(write[m.Item], fmt.Sprintf("[`%s`](../%s#L%d)", m.Func, m.File, m.Line))
	}
	points, extra := Totals()
	var b strings.Builder
	b.WriteString("# Grading rubric\n\n")
	b.WriteString("Made from the rubric table [internal/grade/rubric.go](../internal/grade/rubric.go) by\n")
	b.WriteString("`go test ./internal/grade -run TestRubricDoc -update` (the test fails when this page\n")
	b.WriteString("and the table disagree). `recog grade` scores these items; the README's\n")
	b.WriteString("[Grading](../README.md#grading) section explains the rule and the starter.\n\n")
	fmt.Fprintf(&b, "Total: %d points for Q1 to Q6 and %d of extra credit (Q7). Given by issue #16:\n", points, extra)
	b.WriteString("Q1.1 = 4, Q2.2.1 = 12, Q2.5.1 = 15, Q4.2 = 13 and the totals; by the assignment's\n")
	b.WriteString("contents list: Q1 = 45, Q2 = 65. Every other figure is this project's own allotment\n")
	b.WriteString("(the course's per-item table was not available).\n\n")
	b.WriteString("| item | points | kind | tier | graded by | starter: write |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, it := range Rubric {
		var ts []string
		for _, t := range it.Tests {
			pos, ok := tests[t]
			if !ok {
				return "", fmt.Errorf("grade: %s: test %s not in the module", it.Number, t)
			}
			ts = append(ts, fmt.Sprintf("[%s](../%s#L%d)", t.Name, pos.File, pos.Line))
		}
		tier := "default"
		if it.Full() {
			tier = "full"
		}
		pts := fmt.Sprint(it.Points)
		if it.Extra {
			pts += " (extra)"
		}
		fmt.Fprintf(&b, "| [%s](../%s) %s | %s | %s | %s | %s | %s |\n", it.Number, it.Doc, it.Title, pts, it.Kind, tier,
			strings.Join(ts, ", "), strings.Join(write[it.Number], ", "))
	}
	return b.String(), nil
}
