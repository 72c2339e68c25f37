// Package recon measures and shows how well images are reconstructed, for
// question 5 (the autoencoder) and question 6 (PCA), which compare their
// reconstructions of the same NIST36 images with the same tools: the peak
// signal-to-noise ratio (PSNR, MeanPSNR) and the figure of originals above
// their reconstructions (ReconstructionGrid, ClassGrid).
//
// The PSNR is derived in docs/q5_autoencoder.md#q532-psnr at the root of this
// repository.
package recon
