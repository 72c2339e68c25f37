// Package ocr reads handwritten capital letters and digits from a photo: it
// finds the letters (background normalisation, Otsu's threshold, morphology,
// connected components), groups them into lines and words, crops each letter to
// a 32x32 NIST36-style sample, names the crops with a model and scores the
// text against a transcript (character error rate, box counts).
//
// The package knows no model file and no network package: it takes any
// model through its interfaces. A Classifier names crops; Probs gives their
// probabilities, read one crop at a time (Probs.Classifier) or a word at a
// time with the word rule (ReadWords); NetworkProbs adapts any network with
// a Predict method (question 3's, *nn.Network); question 7 adapts its EMNIST
// CNNs (autodiff.EMNISTProbs). A Reader is one model read one way; ReadPhoto
// reads and scores one photo, Run is question 4 on a set of photos
// (metrics and figures) and Compare sets several readers side by side.
//
// The method, its assumptions and its measured results are in docs/q4_ocr.md.
package ocr
