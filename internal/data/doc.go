// Package data fetches, verifies and reads the datasets recog uses, and holds
// the one Dataset type every question trains on.
//
// Readers: MATLAB level-5 .mat files (NIST36), IDX files (MNIST, EMNIST),
// image folders (Oxford Flowers 17) and .safetensors (SqueezeNet weights, saved
// models). Fetching: ./data first, else a mirror folder, else the original URL,
// every file checked against its SHA-256. See docs/DATA.md.
package data
