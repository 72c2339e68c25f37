// Package ocr reads handwritten capital letters and digits from a photo: it
// finds the letters (background normalisation, Otsu's threshold, morphology,
// connected components), groups them into lines and words, crops each letter to
// a 32x32 NIST36-style sample, classifies the crops with any Classifier and
// scores the text against a transcript (character error rate).
//
// The default classifier is the Q3 network embedded in the package
// (DefaultClassifier; model/README.md says how it was trained); any model
// saved by `recog q3 --save` loads with LoadClassifier.
//
// The method, its assumptions and its measured results are in docs/q4_ocr.md.
package ocr
