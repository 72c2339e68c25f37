// Package nn is the from-scratch fully-connected network of question 2:
// float64 layers y = f(XW + b) on gonum/mat matrices (examples along rows),
// Xavier initialisation, sigmoid/ReLU/identity/softmax activations, summed
// cross-entropy, back-propagation, random mini-batches, SGD (with optional
// momentum) training and a central-difference gradient checker.
//
// Each function of the assignment's nn.py has one Go counterpart; the table
// (assignment name → Go name → test that grades it) and the derivations are in
// docs/q2_nn.md at the root of this repository (../docs/q2_nn.md from here).
//
// A typical classifier (question 3):
//
//	rng := rand.New(rand.NewPCG(1, 2))
//	net, err := nn.NewMLP([]int{1024, 64, 36}, []nn.Activation{nn.ActSigmoid, nn.ActSoftmax}, rng)
//	hist, err := nn.Train(net, train, nn.Options{Epochs: 30, LR: 1e-3, BatchSize: 32, Valid: valid})
//	probs, err := net.Predict(x)
package nn
