package ocr

// Component is one 8-connected set of ink pixels: its bounding box
// [y1, x1, y2, x2] (half-open: rows y1 ≤ y < y2, columns x1 ≤ x < x2) and its
// number of pixels.
type Component struct {
	Box  [4]int
	Area int
}

// labelComponents labels the 8-connected components of the ink pixels of b
// with the classic two-pass algorithm: the first pass gives each ink pixel the
// smallest provisional label of its already visited neighbours (W, NW, N, NE)
// and records label equivalences in a union-find forest; the second pass
// replaces each label by its root, renumbered 1..n in raster order of first
// appearance. It returns the label image (0 = background) and the components,
// component k having label k+1.
func labelComponents(b *binary) ([]int32, []Component) {
	w, h := b.w, b.h
	labels := make([]int32, w*h)
	parent := []int32{0}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, c int32) int32 {
		ra, rc := find(a), find(c)
		if ra == rc {
			return ra
		}
		if ra < rc {
			parent[rc] = ra
			return ra
		}
		parent[ra] = rc
		return rc
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := y*w + x
			if !b.pix[i] {
				continue
			}
			var l int32
			take := func(n int32) {
				if n == 0 {
					return
				}
				if l == 0 {
					l = find(n)
				} else {
					l = union(l, n)
				}
			}
			if x > 0 {
				take(labels[i-1])
			}
			if y > 0 {
				up := i - w
				if x > 0 {
					take(labels[up-1])
				}
				take(labels[up])
				if x < w-1 {
					take(labels[up+1])
				}
			}
			if l == 0 {
				l = int32(len(parent))
				parent = append(parent, l)
			}
			labels[i] = l
		}
	}
	final := make([]int32, len(parent))
	var comps []Component
	for i, l := range labels {
		if l == 0 {
			continue
		}
		r := find(l)
		if final[r] == 0 {
			comps = append(comps, Component{Box: [4]int{h, w, -1, -1}})
			final[r] = int32(len(comps))
		}
		k := final[r]
		labels[i] = k
		c := &comps[k-1]
		y, x := i/w, i%w
		c.Area++
		c.Box[0] = min(c.Box[0], y)
		c.Box[1] = min(c.Box[1], x)
		c.Box[2] = max(c.Box[2], y+1)
		c.Box[3] = max(c.Box[3], x+1)
	}
	return labels, comps
}
