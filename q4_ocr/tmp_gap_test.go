package ocr

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

func TestTmpGaps(t *testing.T) {
	for _, name := range photos {
		img, _ := Load(filepath.Join("/work/shared/data/images", name+".jpg"))
		p, _ := Detect(img)
		lines := GroupLines(p.Work)
		sp := Spaces(p.Work, lines)
		var in, wd []float64
		var all []float64
		for li, l := range lines {
			lb := [][4]int{}
			for _, i := range l { lb = append(lb, p.Work[i]) }
			h := medianHeight(lb)
			for k := 1; k < len(l); k++ {
				g := float64(p.Work[l[k]][1]-p.Work[l[k-1]][3]) / h
				all = append(all, g)
				if sp[li][k-1] { wd = append(wd, g) } else { in = append(in, g) }
			}
		}
		th, ok := gapThreshold(all)
		mx := 0.0
		if len(in) > 0 { mx = slices.Max(in) }
		mn := 0.0
		if len(wd) > 0 { mn = slices.Min(wd) }
		fmt.Printf("%s t=%.2f ok=%v letter-gap max %.2f word-gap min %.2f h=%.0f thr=%.3f\n", name, th, ok, mx, mn, medianHeight(p.Work), p.Threshold)
	}
}
