package nets

import "fmt"

// AdamW is Adam with decoupled weight decay (Loshchilov and Hutter,
// PyTorch's AdamW): before each Adam step every weight shrinks by the
// factor 1 − η λ,
//
//	w ← w − η λ w,  then  w ← w − η m̂ / (√v̂ + ε)  (Adam),
//
// so the decay is not scaled by Adam's per-weight step size as an L2 term
// in the loss would be. Decay applies only to the parameters named
// "*.weight" (biases are not decayed). ScaleLR scales η for both terms.
type AdamW struct {
	Adam
	WeightDecay float64 // λ
}

func (o *AdamW) String() string {
	return fmt.Sprintf("AdamW(lr=%g, weight_decay=%g)", o.LR, o.WeightDecay)
}

// Step implements Optimizer.
func (o *AdamW) Step(params []Param, grads [][]float32) {
	if o.WeightDecay > 0 {
		f := float32(1 - o.LR*o.WeightDecay)
		for _, p := range params {
			if !isWeight(p.Name) {
				continue
			}
			w := p.Data()
			for j := range w {
				w[j] *= f
			}
		}
	}
	o.Adam.Step(params, grads)
}

// isWeight reports whether a parameter name ends in ".weight".
func isWeight(name string) bool {
	const s = ".weight"
	return len(name) >= len(s) && name[len(name)-len(s):] == s
}
