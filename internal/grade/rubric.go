// Package grade grades the assignment through `go test -json`: a rubric maps
// each item of the assignment (Q1.1 ... Q7.2) to its points, its kind and
// the tests that grade it; Grade runs the tests and scores the items; Starter
// writes a copy of the module with the functions the students write replaced
// by stubs.
package grade

import (
	"fmt"
	"strings"
)

// Kind is the kind of an assignment item.
type Kind string

// The kinds of items.
const (
	Theory  Kind = "theory"   // a derivation, checked numerically in q1_theory
	Code    Kind = "code"     // a function or a program the assignment asks for
	WriteUp Kind = "write-up" // a figure or a number of the report
)

// Test names one test function: Pkg is the package's path relative to the
// module root ("q2_nn", "q7_autodiff/nets"), Name the function's name.
// A name ending in "_Full" is a test of the full tier (RECOG_FULL=1).
type Test struct {
	Pkg, Name string
}

// Full reports whether t is a full-tier test.
func (t Test) Full() bool { return strings.HasSuffix(t.Name, "_Full") }

func (t Test) String() string { return t.Pkg + "." + t.Name }

// Item is one item of the assignment.
type Item struct {
	Number string // "Q2.2.1"
	Title  string
	Points int
	Kind   Kind
	// Extra marks the extra-credit items (Q7).
	Extra bool
	// Doc is the docs page (and anchor) that explains the item.
	Doc   string
	Tests []Test
}

// Full reports whether grading the item needs the full tier: one of its
// tests is a full-tier test. Without the full tier such an item is not run
// and not scored.
func (it Item) Full() bool {
	for _, t := range it.Tests {
		if t.Full() {
			return true
		}
	}
	return false
}

// TestPrefix is the prefix of the names of the tests that grade it:
// "TestQ2_2_1_" for Q2.2.1.
func (it Item) TestPrefix() string {
	return "Test" + strings.ReplaceAll(it.Number, ".", "_") + "_"
}

// Rubric is the assignment's rubric: every item with its points, kind and
// tests. The totals are 205 points for Q1 to Q6 and 40 points of extra credit
// for Q7.
//
// Where the points come from. Issue #16 gives Q1.1 = 4, Q2.2.1 = 12,
// Q2.5.1 = 15 and Q4.2 = 13, a total of 205 plus 40 of extra credit; the
// assignment's contents list gives Q1 (Theory) 45 points and Q2 (Implement a
// Fully Connected Network) 65 points. The course's per-item table was not
// available: every other figure is this project's own allotment, chosen so
// that those given figures hold (Q1 45, Q2 65, Q3 to Q6 95, Q7 40).
//
// Q2.1.1 and Q2.1.3 are theory questions of Q2; their numeric checks live in
// q1_theory with the other theory questions. TestAllQuick (`recog all
// --quick`) checks every write-up item's section of the report: its heading,
// its figures, and that every number shown equals the one in metrics.json.
var Rubric = []Item{
	{"Q1.1", "Softmax is translation invariant", 4, Theory, false, "docs/q1_theory.md#q11-translation-invariance-of-softmax",
		tests("q1_theory", "TestQ1_1_SoftmaxTranslationInvariance", "TestQ1_1_NaiveSoftmaxOverflows", "TestQ1_1_ShiftByMaxBoundsExponents")},
	{"Q1.2", "Softmax is a probability distribution", 5, Theory, false, "docs/q1_theory.md#q12-softmax-as-a-probability-distribution",
		tests("q1_theory", "TestQ1_2_SoftmaxRangeAndSum", "TestQ1_2_SoftmaxSteps")},
	{"Q1.3", "Linear layers without activations collapse", 5, Theory, false, "docs/q1_theory.md#q13-linear-layers-without-activations-collapse",
		tests("q1_theory", "TestQ1_3_StackedLinearLayersCollapse", "TestQ1_3_NonlinearNetworkIsNotAffine")},
	{"Q1.4", "Derivative of the sigmoid", 5, Theory, false, "docs/q1_theory.md#q14-derivative-of-the-sigmoid",
		tests("q1_theory", "TestQ1_4_SigmoidDerivative")},
	{"Q1.5", "Gradients of a linear layer", 10, Theory, false, "docs/q1_theory.md#q15-gradients-of-a-linear-layer",
		tests("q1_theory", "TestQ1_5_LinearLayerGradients", "TestQ1_5_BatchedLinearLayerGradients")},
	{"Q1.6", "Gradients of a convolution layer", 8, Theory, false, "docs/q1_theory.md#q16-gradients-of-a-convolution-layer",
		tests("q1_theory", "TestQ1_6_Correlate2DByHand", "TestQ1_6_FullConvolutionEqualsScatter", "TestQ1_6_ConvLayerGradients", "TestQ1_6_ConvLayerErrors")},
	{"Q1.7", "Vanishing gradients: sigmoid and tanh", 8, Theory, false, "docs/q1_theory.md#q17-vanishing-gradients-sigmoid-and-tanh",
		tests("q1_theory", "TestQ1_7_DerivativeMaxima", "TestQ1_7_OutputRanges", "TestQ1_7_TanhFromSigmoid", "TestQ1_7_ScalarChainVanishes",
			"TestQ1_7_DeepChainGradientNorm", "TestQ1_7_ActivationsFigure")},

	{"Q2.1.1", "Why not initialise with all zeros?", 3, Theory, false, "docs/q1_theory.md#q211-why-not-initialise-with-all-zeros",
		tests("q1_theory", "TestQ2_1_1_TwoLayerNetGradients", "TestQ2_1_1_ZeroInitKeepsHiddenUnitsIdentical", "TestQ2_1_1_RandomInitBreaksSymmetry")},
	{"Q2.1.2", "Initialise the weights (Xavier)", 3, Code, false, "docs/q2_nn.md#xavier",
		tests("q2_nn", "TestQ2_1_2_NewLayerXavier", "TestQ2_1_2_NewLayerErrors")},
	{"Q2.1.3", "Random and scaled initialisation", 4, Theory, false, "docs/q1_theory.md#q213-random-and-scaled-initialisation",
		tests("q1_theory", "TestQ2_1_3_XavierUniformVariance", "TestQ2_1_3_ScaledInitKeepsVarianceStable")},
	{"Q2.2.1", "Sigmoid and the forward pass", 12, Code, false, "docs/q2_nn.md#forward",
		tests("q2_nn", "TestQ2_2_1_Sigmoid", "TestQ2_2_1_LayerForward", "TestQ2_2_1_ForwardBatchSizes")},
	{"Q2.2.2", "Softmax", 5, Code, false, "docs/q2_nn.md#softmax",
		tests("q2_nn", "TestQ2_2_2_Softmax")},
	{"Q2.2.3", "Loss and accuracy", 5, Code, false, "docs/q2_nn.md#cross-entropy",
		tests("q2_nn", "TestQ2_2_3_LossAndAcc")},
	{"Q2.3", "Backward pass", 10, Code, false, "docs/q2_nn.md#backward",
		tests("q2_nn", "TestQ2_3_SigmoidDeriv", "TestQ2_3_BackwardInputGradient", "TestQ2_3_GoldenForwardBackward")},
	{"Q2.4", "Random batches and the training loop", 8, Code, false, "docs/q2_nn.md#training",
		tests("q2_nn", "TestQ2_4_RandomBatches", "TestQ2_4_TrainBlobs")},
	{"Q2.5.1", "Numerical gradient checker", 15, Code, false, "docs/q2_nn.md#gradient-check",
		tests("q2_nn", "TestQ2_5_1_GradCheck", "TestQ2_5_1_GradCheckCatchesWrongGradient")},

	{"Q3.1.1", "Train on NIST36: accuracy and loss", 10, Code, false, "docs/q3_train.md#q311-accuracy-and-loss",
		tests("q3_train", "TestQ3_1_1_NIST36Threshold", "TestQ3_1_1_NIST36ShortGolden", "TestQ3_1_1_Full")},
	{"Q3.1.2", "Learning rates", 4, WriteUp, false, "docs/q3_train.md#q312-learning-rates",
		append(tests("q3_train", "TestQ3_1_2_Sweep"), allQuick)},
	{"Q3.1.3", "First-layer weights", 4, WriteUp, false, "docs/q3_train.md#q313-first-layer-weights",
		append(tests("q3_train", "TestQ3_1_3_WeightImagesUpright"), allQuick)},
	{"Q3.1.4", "The deeper layer", 3, WriteUp, false, "docs/q3_train.md#q314-the-deeper-layer",
		append(tests("q3_train", "TestQ3_1_4_MaxActivatingAndDeepLayers"), allQuick)},
	{"Q3.1.5", "Confusion matrix", 4, WriteUp, false, "docs/q3_train.md#q315-confusion-matrix",
		append(tests("q3_train", "TestQ3_1_5_ConfusionMatrix", "TestQ3_1_5_TopConfusions"), allQuick)},

	{"Q4.1", "The method's assumptions and where they break", 4, WriteUp, false, "docs/q4_ocr.md#q41-the-methods-assumptions-and-where-they-break",
		append(tests("q4_ocr", "TestQ4_1_Failures"), allQuick)},
	{"Q4.2", "Find the letters", 13, Code, false, "docs/q4_ocr.md#find-letters",
		tests("q4_ocr", "TestQ4_2_Segmentation", "TestQ4_2_MergeRules", "TestQ4_2_AttachPieces", "TestQ4_2_LetterGap")},
	{"Q4.3", "Boxes on the photos", 5, Code, false, "docs/q4_ocr.md#results-on-the-four-photos",
		tests("q4_ocr", "TestQ4_3_Photos", "TestQ4_3_HeldOutPages")},
	{"Q4.4", "Read the text of the photos", 8, Code, false, "docs/q4_ocr.md#results",
		[]Test{{"q4_ocr", "TestQ4_4_ReadPhotos"}, {"q4_ocr", "TestQ4_4_LexiconDecoding"}, {"q4_ocr", "TestQ4_4_LexiconLabelsWithoutALetter"},
			{"q4_ocr", "TestQ4_4_NewLexicon"}, {"q4_ocr", "TestQ4_4_DefaultLexicon"},
			{"q4_ocr", "TestQ4_4_Q3Network_Full"}, {"q7_autodiff", "TestQ4_4_DefaultModel_Full"}}},

	{"Q5.1.1", "The autoencoder", 8, Code, false, "docs/q5_autoencoder.md#network",
		tests("q5_autoencoder", "TestQ5_1_1_NewShapes", "TestQ5_1_1_GradCheck", "TestQ5_1_1_GradCheckCatchesWrongDelta")},
	{"Q5.1.2", "Momentum update", 4, Code, false, "docs/q5_autoencoder.md#training",
		tests("q5_autoencoder", "TestQ5_1_2_MomentumUpdate")},
	{"Q5.2", "Training loss", 3, WriteUp, false, "docs/q5_autoencoder.md#q52-training-loss",
		append(tests("q5_autoencoder", "TestQ5_2_TrainLearns", "TestQ5_2_NIST36Short"), allQuick)},
	{"Q5.3.1", "Reconstructions", 3, WriteUp, false, "docs/q5_autoencoder.md#q531-reconstructions",
		[]Test{allQuick}},
	{"Q5.3.2", "PSNR", 4, Code, false, "docs/q5_autoencoder.md#q532-psnr",
		[]Test{{"internal/recon", "TestQ5_3_2_PSNRTable"}, {"q5_autoencoder", "TestQ5_3_2_Full"}, {"q6_pca", "TestQ5_3_2_ImprovedBeatsPCA_Full"}}},

	{"Q6.1", "The projection matrix", 8, Code, false, "docs/q6_pca.md#q61-the-projection-matrix",
		tests("q6_pca", "TestQ6_1_ProjectionOrthonormal", "TestQ6_1_SubspaceMatchesStatPC")},
	{"Q6.2", "Reconstructions", 3, WriteUp, false, "docs/q6_pca.md#q62-reconstructions",
		append(tests("q6_pca", "TestQ6_2_ReconstructKnownSubspace", "TestQ6_2_ReconstructionErrorIsDiscardedVariance"), allQuick)},
	{"Q6.3", "PSNR", 4, Code, false, "docs/q6_pca.md#q63-psnr",
		tests("q6_pca", "TestQ6_3_NIST36")},
	{"Q6.4", "Number of parameters", 3, WriteUp, false, "docs/q6_pca.md#q64-parameters",
		[]Test{allQuick}},

	{"Q7.1.1", "The Q3 network with autodiff", 6, Code, true, "docs/q7_autodiff.md#q711-the-q3-network-in-gorgonia",
		[]Test{{"q7_autodiff/nets", "TestQ7_1_1_Q3GradientsMatchQ2"}, {"q7_autodiff", "TestQ7_1_1_MLPNIST36Short"}}},
	{"Q7.1.2", "A CNN on MNIST", 8, Code, true, "docs/q7_autodiff.md#q712-a-cnn-on-mnist",
		tests("q7_autodiff", "TestQ7_1_2_MNISTCNNShort", "TestQ7_1_2_Full")},
	{"Q7.1.3", "The CNN on NIST36", 8, Code, true, "docs/q7_autodiff.md#q713-the-cnn-on-nist36",
		tests("q7_autodiff", "TestQ7_1_3_Full")},
	{"Q7.1.4", "The CNN on EMNIST Balanced, reading the photos", 8, Code, true, "docs/q7_autodiff.md#q714-the-cnn-on-emnist-balanced",
		tests("q7_autodiff", "TestQ7_1_4_Full")},
	{"Q7.2", "SqueezeNet 1.1 fine-tuned on Flowers 17, against a CNN from scratch", 10, Code, true, "docs/q7_flowers.md",
		tests("q7_autodiff/flowers", "TestQ7_2_FlowersSmallRunGolden", "TestQ7_2_Full")},
}

// allQuick is the test of `recog all --quick`: it checks every write-up
// section of the report (heading, figures, numbers equal to metrics.json).
var allQuick = Test{"cmd/recog", "TestAllQuick"}

func tests(pkg string, names ...string) []Test {
	out := make([]Test, len(names))
	for i, n := range names {
		out[i] = Test{pkg, n}
	}
	return out
}

// Lookup returns the rubric item numbered number ("Q2.2.1").
func Lookup(number string) (Item, error) {
	for _, it := range Rubric {
		if it.Number == number {
			return it, nil
		}
	}
	return Item{}, fmt.Errorf("grade: no item %q in the rubric", number)
}

// Totals returns the points of the rubric: the items of Q1 to Q6 and the
// extra credit.
func Totals() (points, extra int) {
	for _, it := range Rubric {
		if it.Extra {
			extra += it.Points
		} else {
			points += it.Points
		}
	}
	return points, extra
}
