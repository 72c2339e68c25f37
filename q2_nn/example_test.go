package nn_test

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	nn "recog/q2_nn"
)

// A two-class problem (the sign of x0 + x1), learnt by a 2 -> 4 sigmoid ->
// 2 softmax network.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	x := mat.NewDense(200, 2, nil)
	labels := make([]int, 200)
	for i := range labels {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x.SetRow(i, []float64{a, b})
		if a+b > 0 {
			labels[i] = 1
		}
	}
	y, _ := data.OneHot(labels, 2)
	train := &data.Dataset{X: x, Y: y}

	net, err := nn.NewMLP([]int{2, 4, 2}, []nn.Activation{nn.ActSigmoid, nn.ActSoftmax}, rng)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := nn.Train(net, train, nn.Options{Epochs: 30, LR: 0.05, BatchSize: 16, Seed: 3}); err != nil {
		fmt.Println(err)
		return
	}
	_, acc, _ := nn.Evaluate(net, train)
	fmt.Printf("training accuracy ≥ 0.97: %v\n", acc >= 0.97)
	probs, _ := net.Predict(mat.NewDense(1, 2, []float64{2, 2}))
	fmt.Printf("P(class 1 | (2, 2)) > 0.9: %v\n", probs.At(0, 1) > 0.9)
	// Output:
	// training accuracy ≥ 0.97: true
	// P(class 1 | (2, 2)) > 0.9: true
}
