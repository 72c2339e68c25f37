// Package reportdocs holds the templates of the report that `recog all`
// writes (report.md, docs/RESULTS.md): one Markdown file per section, the
// explaining words written by hand with the measured numbers filled in by
// recog/internal/report ({{num "q3.valid_acc" 3}}; see that package).
package reportdocs

import "embed"

// FS holds the section templates (*.md).
//
//go:embed *.md
var FS embed.FS
