// Package autoencoder is question 5: a fully-connected autoencoder
// 1024 → 32 → 32 → 32 → 1024 (ReLU, ReLU, ReLU, sigmoid) built from package
// nn's layers (recog/q2_nn), trained on the total squared error
// J = Σ_i Σ_j (x̂_ij - x_ij)² with momentum SGD as in the assignment, or with
// the improved mode (data-dependent initialisation, revival of dead ReLU
// units, cosine learning-rate schedule) that beats PCA; and the PSNR used to
// grade reconstructions in questions 5 and 6.
//
// Answers, figures and measured numbers are in docs/q5_autoencoder.md at the
// root of this repository (../docs/q5_autoencoder.md from here).
package autoencoder
