package blas

// Packing copies a block of op(A) or op(B) into the order in which a
// micro-kernel reads it, so that the kernel streams through contiguous
// memory whatever the transposes and leading dimensions (the GotoBLAS/BLIS
// scheme; see doc.go).

// packA copies rows [i0, i0+mc) and columns [p0, p0+kc) of op(A) into dst as
// ⌈mc/mr⌉ panels of mr rows: panel r holds, for each column l in turn, the mr
// values op(A)[i0 + r·mr + i, p0 + l], i < mr (zero past row mc). op(A) is A,
// stored row-major with stride lda, or, with tA, Aᵀ (A stored k x m).
func packA[T float](dst []T, tA bool, a []T, lda, i0, mc, p0, kc, mr int) {
	for r := 0; r*mr < mc; r++ {
		rows := min(mr, mc-r*mr)
		d := dst[r*mr*kc : (r+1)*mr*kc]
		i := i0 + r*mr
		if tA {
			// Column l of the panel is a contiguous piece of row p0+l of A.
			for l := range kc {
				src := a[(p0+l)*lda+i : (p0+l)*lda+i+rows]
				dd := d[l*mr : l*mr+mr]
				copy(dd, src)
				clear(dd[rows:])
			}
			continue
		}
		switch {
		case rows == 8 && mr == 8:
			packRows8(d, a, lda, i, p0, kc)
		case rows == 4 && mr == 4:
			packRows4(d, a, lda, i, p0, kc)
		default:
			// Gather: panel row ii is row i+ii of A.
			for ii := range mr {
				if ii >= rows {
					for l := range kc {
						d[l*mr+ii] = 0
					}
					continue
				}
				src := a[(i+ii)*lda+p0 : (i+ii)*lda+p0+kc]
				for l, v := range src {
					d[l*mr+ii] = v
				}
			}
		}
	}
}

// packRows8 interleaves rows i..i+7 of A (columns p0..p0+kc) into d.
func packRows8[T float](d, a []T, lda, i, p0, kc int) {
	r0 := a[i*lda+p0 : i*lda+p0+kc]
	r1 := a[(i+1)*lda+p0 : (i+1)*lda+p0+kc]
	r2 := a[(i+2)*lda+p0 : (i+2)*lda+p0+kc]
	r3 := a[(i+3)*lda+p0 : (i+3)*lda+p0+kc]
	r4 := a[(i+4)*lda+p0 : (i+4)*lda+p0+kc]
	r5 := a[(i+5)*lda+p0 : (i+5)*lda+p0+kc]
	r6 := a[(i+6)*lda+p0 : (i+6)*lda+p0+kc]
	r7 := a[(i+7)*lda+p0 : (i+7)*lda+p0+kc]
	d = d[:8*kc]
	for l := range r0 {
		dd := d[8*l : 8*l+8 : 8*l+8]
		dd[0], dd[1], dd[2], dd[3] = r0[l], r1[l], r2[l], r3[l]
		dd[4], dd[5], dd[6], dd[7] = r4[l], r5[l], r6[l], r7[l]
	}
}

// packRows4 interleaves rows i..i+3 of A (columns p0..p0+kc) into d.
func packRows4[T float](d, a []T, lda, i, p0, kc int) {
	r0 := a[i*lda+p0 : i*lda+p0+kc]
	r1 := a[(i+1)*lda+p0 : (i+1)*lda+p0+kc]
	r2 := a[(i+2)*lda+p0 : (i+2)*lda+p0+kc]
	r3 := a[(i+3)*lda+p0 : (i+3)*lda+p0+kc]
	d = d[:4*kc]
	for l := range r0 {
		dd := d[4*l : 4*l+4 : 4*l+4]
		dd[0], dd[1], dd[2], dd[3] = r0[l], r1[l], r2[l], r3[l]
	}
}

// packPanelB copies rows [p0, p0+kc) and columns [j, j+cols) of op(B) into
// d as one panel w ≥ cols columns wide: for each row l in turn, the w values
// op(B)[p0 + l, j + jj], jj < w (zero past cols). op(B) is B, stored
// row-major with stride ldb, or, with tB, Bᵀ (B stored n x k).
func packPanelB[T float](d []T, tB bool, b []T, ldb, p0, kc, j, cols, w int) {
	d = d[:kc*w]
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
