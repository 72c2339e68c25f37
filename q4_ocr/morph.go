package ocr

// dilate returns the binary dilation of b by a (2r+1) x (2r+1) square:
// out(x, y) = OR of b over the square centred on (x, y), pixels outside the
// image counting as background. It is separable (rows, then columns) and uses
// running counts, so its cost does not grow with r.
func dilate(b *binary, r int) *binary {
	if r <= 0 {
		return &binary{w: b.w, h: b.h, pix: append([]bool(nil), b.pix...)}
	}
	return squareFilter(b, r, false)
}

// erode returns the binary erosion of b by a (2r+1) x (2r+1) square:
// out(x, y) = AND of b over the square centred on (x, y), clipped to the image
// (pixels outside the image do not erode, so ink touching the border stays).
func erode(b *binary, r int) *binary {
	if r <= 0 {
		return &binary{w: b.w, h: b.h, pix: append([]bool(nil), b.pix...)}
	}
	return squareFilter(b, r, true)
}

// closing returns erode(dilate(b, r), r): it fills gaps and holes narrower than
// about 2r+1 pixels (joining broken strokes) without growing the strokes. The
// image is padded by r background pixels first, so ink near the border is
// closed as it would be on an unbounded page (not grown to the border).
func closing(b *binary, r int) *binary {
	if r <= 0 {
		return dilate(b, 0)
	}
	pw, ph := b.w+2*r, b.h+2*r
	pad := newBinary(pw, ph)
	for y := 0; y < b.h; y++ {
		copy(pad.pix[(y+r)*pw+r:(y+r)*pw+r+b.w], b.pix[y*b.w:(y+1)*b.w])
	}
	c := erode(dilate(pad, r), r)
	out := newBinary(b.w, b.h)
	for y := 0; y < b.h; y++ {
		copy(out.pix[y*b.w:(y+1)*b.w], c.pix[(y+r)*pw+r:(y+r)*pw+r+b.w])
	}
	return out
}

// squareFilter computes, for every pixel, whether any (all, if all is true)
// of the pixels of b in the clipped square window of radius r is ink.
func squareFilter(b *binary, r int, all bool) *binary {
	w, h := b.w, b.h
	tmp := newBinary(w, h)
	out := newBinary(w, h)
	// Rows: count ink in the window [x-r, x+r] ∩ [0, w).
	for y := 0; y < h; y++ {
		row := b.pix[y*w : y*w+w]
		dst := tmp.pix[y*w : y*w+w]
		count := 0
		for x := 0; x < min(r, w); x++ {
			if row[x] {
				count++
			}
		}
		for x := 0; x < w; x++ {
			if x+r < w && row[x+r] {
				count++
			}
			if x-r-1 >= 0 && row[x-r-1] {
				count--
			}
			n := min(x+r, w-1) - max(x-r, 0) + 1
			dst[x] = windowResult(count, n, all)
		}
	}
	// Columns of tmp.
	counts := make([]int, w)
	for y := 0; y < min(r, h); y++ {
		for x, v := range tmp.pix[y*w : y*w+w] {
			if v {
				counts[x]++
			}
		}
	}
	for y := 0; y < h; y++ {
		if y+r < h {
			for x, v := range tmp.pix[(y+r)*w : (y+r)*w+w] {
				if v {
					counts[x]++
				}
			}
		}
		if y-r-1 >= 0 {
			for x, v := range tmp.pix[(y-r-1)*w : (y-r-1)*w+w] {
				if v {
					counts[x]--
				}
			}
		}
		n := min(y+r, h-1) - max(y-r, 0) + 1
		dst := out.pix[y*w : y*w+w]
		for x, c := range counts {
			dst[x] = windowResult(c, n, all)
		}
	}
	return out
}

func windowResult(count, n int, all bool) bool {
	if all {
		return count == n
	}
	return count > 0
}

// dilateDisk returns the dilation of b by a disk of radius r (the pixels with
// dx² + dy² ≤ r²); used on small crops, where its direct cost is small.
func dilateDisk(b *binary, r int) *binary {
	out := newBinary(b.w, b.h)
	if r <= 0 {
		copy(out.pix, b.pix)
		return out
	}
	type off struct{ dx, dy int }
	var offs []off
	for dy := -r; dy <= r; dy++ {
		for dx := -r; dx <= r; dx++ {
			if dx*dx+dy*dy <= r*r {
				offs = append(offs, off{dx, dy})
			}
		}
	}
	for y := 0; y < b.h; y++ {
		for x := 0; x < b.w; x++ {
			if !b.pix[y*b.w+x] {
				continue
			}
			for _, o := range offs {
				xx, yy := x+o.dx, y+o.dy
				if xx >= 0 && xx < b.w && yy >= 0 && yy < b.h {
					out.pix[yy*b.w+xx] = true
				}
			}
		}
	}
	return out
}
