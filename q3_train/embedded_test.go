package train

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"recog/internal/data"
	nn "recog/q2_nn"
)

// TestDefaultModel checks the embedded network: it is the file
// model/nist36_mlp.safetensors, whose SHA-256 the README next to it records;
// it reads as nn.LoadModel reads the file; it is the assignment's 1024 → 64
// sigmoid → 36 softmax network trained by `recog q3`, with the NIST36 class
// names, in version 2 of the format (internal/modelio's metadata
// convention; version 1 is read by the tests of q2_nn and modelio).
func TestDefaultModel(t *testing.T) {
	path := filepath.Join("model", DefaultModelFile)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, b, defaultModel)
	sum := sha256.Sum256(b)
	readme, err := os.ReadFile(filepath.Join("model", "README.md"))
	require.NoError(t, err)
	require.Contains(t, string(readme), hex.EncodeToString(sum[:]), "model/README.md must record the model's SHA-256")

	net, h, err := DefaultModel()
	require.NoError(t, err)
	ref, refHeader, err := nn.LoadModel(path)
	require.NoError(t, err)
	require.Equal(t, refHeader, h)
	require.Len(t, net.Layers, 2)
	for i, l := range net.Layers {
		require.Equal(t, ref.Layers[i].Name, l.Name)
		require.Equal(t, ref.Layers[i].Activation, l.Activation)
		require.True(t, mat.Equal(ref.Layers[i].W, l.W))
		require.Equal(t, ref.Layers[i].B, l.B)
	}
	require.Equal(t, []int{1024, 64, 36}, []int{net.In(), net.Layers[0].Out(), net.Out()})
	require.Equal(t, "recog q3", h.Meta["trained_by"])
	require.Equal(t, nn.ModelName, h.Model)
	require.Equal(t, nn.ModelVersion, h.Meta[nn.MetaVersion])
	require.Equal(t, data.NIST36Classes, h.Classes)

	// Broken bytes fail with the name, not a panic.
	_, _, err = nn.ParseModel("cut.safetensors", b[:len(b)/2])
	require.ErrorContains(t, err, "cut.safetensors")
	_, _, err = nn.ParseModel("empty", nil)
	require.Error(t, err)
}
