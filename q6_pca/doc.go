// Package pca is question 6: principal component analysis of the
// mean-centred NIST36 training data (its right singular vectors, from the
// eigen-decomposition of its Gram matrix, or by the SVD itself), the
// projection onto the first K = 32 principal directions, and the
// reconstruction x̂ = μ + (x - μ) P Pᵀ compared with question 5's autoencoder
// (PSNR, parameter counts).
//
// Answers, figures and measured numbers are in docs/q6_pca.md at the root of
// this repository (../docs/q6_pca.md from here).
package pca
