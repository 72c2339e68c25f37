package blas

// Packing copies a block of op(A) or op(B) into the order in which a
// micro-kernel reads it, so that the kernel streams through contiguous
// memory whatever the transposes and leading dimensions (the GotoBLAS/BLIS
// scheme; see doc.go).

// packA copies rows [i0, i0+rows) and columns [p0, p0+kc) of op(A),
// rows ≤ mr, into d as one panel of mr rows: for each column l in turn, the
// mr values op(A)[i0 + i, p0 + l], i < mr (zero past rows). op(A) is A,
// stored row-major with stride lda, or, with tA, Aᵀ (A stored k x m).
func packA[T float](d []T, tA bool, a []T, lda, i0, rows, p0, kc, mr int) {
	d = d[:kc*mr]
	if tA {
		// Column l of the panel is a contiguous piece of row p0+l of A.
		for l := range kc {
			dd := d[l*mr : l*mr+mr]
			copy(dd, a[(p0+l)*lda+i0:(p0+l)*lda+i0+rows])
			clear(dd[rows:])
		}
		return
	}
	// Gather: panel row ii is row i0+ii of A.
	clear(d)
	for ii := range rows {
		for l, v := range a[(i0+ii)*lda+p0 : (i0+ii)*lda+p0+kc] {
			d[l*mr+ii] = v
		}
	}
}

// packBlockAT packs rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) = Aᵀ
// (A stored k x m, stride lda) into d as ⌈mc/mr⌉ panels of mr rows, the
// last one padded with zeros (the layout of packA, panel r at d[r·mr·kc]).
// It reads A row by row, mc contiguous elements at a time, which the
// hardware prefetches, where a kernel reading Aᵀ in place would touch a new
// row of A, a page away, at every step.
func packBlockAT[T float](d []T, a []T, lda, i0, mc, p0, kc, mr int) {
	full := mc / mr
	for l := range kc {
		src := a[(p0+l)*lda+i0 : (p0+l)*lda+i0+mc]
		switch mr {
		case 8:
			for r := range full {
				// Element by element: copying [8]T values would call
				// memmove in this generic function.
				s := src[r*8 : r*8+8 : r*8+8]
				dd := d[r*8*kc+l*8 : r*8*kc+l*8+8 : r*8*kc+l*8+8]
				dd[0], dd[1], dd[2], dd[3] = s[0], s[1], s[2], s[3]
				dd[4], dd[5], dd[6], dd[7] = s[4], s[5], s[6], s[7]
			}
		case 4:
			for r := range full {
				s := src[r*4 : r*4+4 : r*4+4]
				dd := d[r*4*kc+l*4 : r*4*kc+l*4+4 : r*4*kc+l*4+4]
				dd[0], dd[1], dd[2], dd[3] = s[0], s[1], s[2], s[3]
			}
		default:
			for r := range full {
				copy(d[r*mr*kc+l*mr:r*mr*kc+l*mr+mr], src[r*mr:])
			}
		}
		if rows := mc - full*mr; rows > 0 {
			dd := d[full*mr*kc+l*mr : full*mr*kc+l*mr+mr]
			copy(dd, src[full*mr:])
			clear(dd[rows:])
		}
	}
}

// packBlockB packs rows [p0, p0+kc) and columns [j0, j0+nc) of B (not
// transposed, stride ldb) into the panels of packPanelB, the panel at
// column jr of the block at d[jr·kc:] (widths as ks.panelVectors gives
// them). It reads B row by row, nc contiguous elements at a time, which
// the hardware prefetches, where packing one panel after the other would
// read kc short pieces of rows far apart for each.
func packBlockB[T float](ks *kernelSet[T], d []T, b []T, ldb, p0, kc, j0, nc int) {
	for l := range kc {
		src := b[(p0+l)*ldb+j0 : (p0+l)*ldb+j0+nc]
		for jr := 0; jr < nc; {
			w := ks.panelVectors(nc-jr) * ks.lanes
			cols := min(w, nc-jr)
			dd := d[jr*kc+l*w : jr*kc+l*w+w]
			copy(dd, src[jr:jr+cols])
			clear(dd[cols:])
			jr += cols
		}
	}
}

// packPanelB copies rows [p0, p0+kc) and columns [j, j+cols) of op(B) into
// d as one panel w ≥ cols columns wide: for each row l in turn, the w values
// op(B)[p0 + l, j + jj], jj < w (zero past cols). op(B) is B, stored
// row-major with stride ldb, or, with tB, Bᵀ (B stored n x k). With tB and
// a transposing packer packT of l x l blocks (l divides w), the panel is
// transposed block by block in registers.
func packPanelB[T float](d []T, tB bool, b []T, ldb, p0, kc, j, cols, w int, packT transposer[T], l int) {
	d = d[:kc*w]
	if tB && packT != nil {
		for jb := 0; jb < w; jb += l {
			rows := min(max(cols-jb, 0), l)
			for lb := 0; lb < kc; lb += l {
				src := &d[0] // not read when rows = 0
				if rows > 0 {
					src = &b[(j+jb)*ldb+p0+lb]
				}
				packT(&d[lb*w+jb], w, src, ldb, rows, min(l, kc-lb))
			}
		}
		return
	}
	if !tB {
		// Row l of the panel is a contiguous piece of row p0+l of B.
		for l := range kc {
			src := b[(p0+l)*ldb+j : (p0+l)*ldb+j+cols]
			dd := d[l*w : l*w+w]
			copy(dd, src)
			clear(dd[cols:])
		}
		return
	}
	// Gather: panel column jj is row j+jj of B, eight at a time.
	jj := 0
	for ; jj+8 <= cols; jj += 8 {
		r := (j+jj)*ldb + p0
		s0 := b[r : r+kc]
		s1 := b[r+ldb : r+ldb+kc]
		s2 := b[r+2*ldb : r+2*ldb+kc]
		s3 := b[r+3*ldb : r+3*ldb+kc]
		s4 := b[r+4*ldb : r+4*ldb+kc]
		s5 := b[r+5*ldb : r+5*ldb+kc]
		s6 := b[r+6*ldb : r+6*ldb+kc]
		s7 := b[r+7*ldb : r+7*ldb+kc]
		for l := range s0 {
			dd := d[l*w+jj : l*w+jj+8 : l*w+jj+8]
			dd[0], dd[1], dd[2], dd[3] = s0[l], s1[l], s2[l], s3[l]
			dd[4], dd[5], dd[6], dd[7] = s4[l], s5[l], s6[l], s7[l]
		}
	}
	for ; jj < cols; jj++ {
		src := b[(j+jj)*ldb+p0 : (j+jj)*ldb+p0+kc]
		for l, v := range src {
			d[l*w+jj] = v
		}
	}
	if cols < w {
		for l := range kc {
			clear(d[l*w+cols : l*w+w])
		}
	}
}
