// Package viz draws recog's figures: line curves (accuracy and loss per epoch,
// the learning-rate study, Q1's activation functions), image grids (first-layer
// weights, originals next to reconstructions, OCR crops), confusion-matrix heat
// maps and boxes drawn on a photo.
//
// Every function returns a value (a *plot.Plot, an image or PNG bytes); only
// SavePNG and SaveImagePNG write files, to the path they are given. Plots are
// drawn with gonum.org/v1/plot at 96 dots per inch, so a figure's pixel size is
// chosen when it is rendered (Render, PNG) and its text sizes are in points.
// Rendering is deterministic: the same inputs give the same PNG bytes.
//
// Image helpers map a matrix to grey levels with
//
//	g = 255 · clip((v - lo) / (hi - lo), 0, 1)
//
// (GrayFromMatrix) and enlarge images by pixel replication (Upscale).
package viz
