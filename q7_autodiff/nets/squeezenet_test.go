package nets

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/q7_autodiff/ops"
)

// readNPY reads a little-endian float32 C-order .npy file (format 1.0 or 2.0)
// and returns its shape and values.
func readNPY(path string) ([]int, []float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(b) < 10 || string(b[1:6]) != "NUMPY" {
		return nil, nil, fmt.Errorf("%s: not a .npy file", path)
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		hlen, off = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, nil, fmt.Errorf("%s: .npy version %d", path, b[6])
	}
	if off+hlen > len(b) {
		return nil, nil, fmt.Errorf("%s: header of %d bytes overruns the file", path, hlen)
	}
	h := string(b[off : off+hlen])
	if !strings.Contains(h, "'descr': '<f4'") || !strings.Contains(h, "'fortran_order': False") {
		return nil, nil, fmt.Errorf("%s: header %q: want little-endian float32 in C order", path, h)
	}
	m := regexp.MustCompile(`'shape': \(([^)]*)\)`).FindStringSubmatch(h)
	if m == nil {
		return nil, nil, fmt.Errorf("%s: header %q has no shape", path, h)
	}
	var shape []int
	n := 1
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: shape %q: %v", path, m[1], err)
		}
		shape = append(shape, v)
		n *= v
	}
	body := b[off+hlen:]
	if len(body) != 4*n {
		return nil, nil, fmt.Errorf("%s: %d data bytes for shape %v", path, len(body), shape)
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return shape, out, nil
}

type squeezeRef struct {
	Top5 []struct {
		Index int     `json:"index"`
		Label string  `json:"label"`
		Logit float64 `json:"logit"`
	} `json:"top5"`
}

func loadSqueezeRef(t *testing.T) (dir string, m *Model, labels []string, x, logits []float32, ref squeezeRef) {
	dir = datatest.Dir(t, "squeezenet")
	labels, err := ReadImageNetLabels(filepath.Join(dir, "imagenet_labels1000.txt"))
	require.NoError(t, err)
	require.Len(t, labels, 1000)
	m, err = LoadSqueezeNet11(filepath.Join(dir, data.SqueezeNetFile), labels)
	require.NoError(t, err)
	shape, x, err := readNPY(filepath.Join(dir, "reference", "test_redpanda_input_1x3x224x224.npy"))
	require.NoError(t, err)
	require.Equal(t, []int{1, 3, 224, 224}, shape)
	shape, logits, err = readNPY(filepath.Join(dir, "reference", "test_redpanda_logits_1000.npy"))
	require.NoError(t, err)
	require.Equal(t, []int{1000}, shape[len(shape)-1:])
	b, err := os.ReadFile(filepath.Join(dir, "reference", "test_redpanda_expected.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &ref))
	require.Len(t, ref.Top5, 5)
	return
}

func maxAbsDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

// The forward pass of the mirror's weights on the reference's preprocessed
// input gives torchvision's logits to 1e-3 and its top-5 labels.
func TestSqueezeNetReferenceLogits(t *testing.T) {
	_, m, labels, x, want, ref := loadSqueezeRef(t)
	defer m.Close()
	require.Equal(t, 1235496, m.NumParams())
	got, err := LayerOutputs(m, x, 1, len(m.Layers), 1, nil)
	require.NoError(t, err)
	d := maxAbsDiff(got, want)
	t.Logf("max |logit - torchvision logit| = %.3g", d)
	require.Less(t, d, 1e-3)
	top := TopK(got, 5)
	for i, r := range ref.Top5 {
		require.Equal(t, r.Index, top[i], "rank %d", i+1)
		require.Equal(t, r.Label, labels[top[i]], "rank %d", i+1)
		t.Logf("top-%d %d %.4f %s", i+1, top[i], got[top[i]], labels[top[i]])
	}
}

// Our decoding and preprocessing of test_redpanda.jpg is close to
// torchvision's tensor (Go's JPEG decoder and PIL's libjpeg differ by a few
// grey levels), and gives the same top-5.
func TestSqueezeNetPreprocessRedPanda(t *testing.T) {
	dir, m, _, want, logits, ref := loadSqueezeRef(t)
	defer m.Close()
	x, err := LoadImageNetInput(filepath.Join(dir, "reference", "test_redpanda.jpg"))
	require.NoError(t, err)
	require.Len(t, x, len(want))
	var sum float64
	for i := range x {
		sum += math.Abs(float64(x[i] - want[i]))
	}
	mean, mx := sum/float64(len(x)), maxAbsDiff(x, want)
	// One grey level is 1/(255·0.224) ≈ 0.0175 after normalisation.
	t.Logf("preprocessed input vs torchvision: max |diff| %.4f, mean |diff| %.5f (grey levels: %.2f, %.3f)",
		mx, mean, mx*255*0.224, mean*255*0.224)
	// Measured: max 0.035 (2 grey levels), mean 0.0042.
	require.Less(t, mean, 0.01)
	require.Less(t, mx, 0.1)
	z, err := LayerOutputs(m, x, 1, len(m.Layers), 1, nil)
	require.NoError(t, err)
	for i, k := range TopK(z, 5) {
		require.Equal(t, ref.Top5[i].Index, k, "rank %d", i+1)
		t.Logf("own preprocessing: top-%d %d logit %.4f (torchvision input: %.4f)", i+1, k, z[k], logits[k])
	}
}

// Ceil-mode pooling and the fire modules give torchvision's shapes for a
// 224 x 224 input: 111 after the first conv, 55, 27, 13 after the pools,
// 512 x 13 x 13 features.
func TestSqueezeNetShapes(t *testing.T) {
	m, err := NewSqueezeNet11(224, make([]string, 17), rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	want := map[int][]int{
		1: {64, 111, 111}, 3: {64, 55, 55}, 4: {128, 55, 55}, 5: {128, 55, 55},
		6: {128, 27, 27}, 8: {256, 27, 27}, 9: {256, 13, 13}, 13: {512, 13, 13}, 16: {17},
	}
	for i, s := range want {
		require.Equal(t, s, ShapeAt(m, i), "input of layer %d", i)
	}
	// Shapes of a graph run on a 35 x 35 input (fast): 17, 8, 4, 2 after conv and pools.
	small, err := NewSqueezeNet11(35, make([]string, 3), rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	for upto, s := range map[int][]int{3: {64, 8, 8}, 6: {128, 4, 4}, 9: {256, 2, 2}, 13: {512, 2, 2}} {
		require.Equal(t, s, ShapeAt(small, upto))
		x := make([]float32, 2*small.InputSize())
		out, err := LayerOutputs(small, x, 2, upto, 2, nil)
		require.NoError(t, err)
		require.Len(t, out, 2*prod(s))
	}
}

// PyTorch's ceil-mode max pool on 3x3 windows, stride 2: 111 -> 55 (floor
// would also give 55), 55 -> 27, 27 -> 13, and 6 -> 3 (floor: 2) where the
// last window is partial.
func TestCeilPoolShapes(t *testing.T) {
	for _, c := range []struct{ in, out int }{{111, 55}, {55, 27}, {27, 13}, {6, 3}, {7, 3}, {8, 4}, {112, 56}} {
		oh, _, err := ops.PoolOutput(1, c.in, c.in, 3, 2, true)
		require.NoError(t, err)
		require.Equal(t, c.out, oh, "in %d", c.in)
	}
}

// A fire module concatenates its 1x1 and 3x3 expansions: the output has
// Expand1 + Expand3 channels, the first Expand1 of them being
// max(W1 s + b1, 0) of the squeezed input s.
func TestFireModule(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	f := Fire{Squeeze: 2, Expand1: 3, Expand3: 4}
	m, err := NewModel("fire", []int{5, 4, 4}, make([]string, 7), rng, f, GlobalAvgPool{})
	require.NoError(t, err)
	require.Equal(t, []int{7, 4, 4}, ShapeAt(m, 1))
	names := []string{}
	for _, p := range m.Params {
		names = append(names, p.Name)
	}
	require.Equal(t, []string{"0.squeeze.weight", "0.squeeze.bias", "0.expand1x1.weight", "0.expand1x1.bias",
		"0.expand3x3.weight", "0.expand3x3.bias"}, names)
	x := make([]float32, 5*16)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y, err := LayerOutputs(m, x, 1, 1, 1, nil)
	require.NoError(t, err)
	require.Len(t, y, 7*16)
	p := func(i int) []float32 { return m.Params[i].Data() }
	for pix := 0; pix < 16; pix++ {
		s := make([]float32, 2)
		for o := range s {
			v := p(1)[o]
			for c := 0; c < 5; c++ {
				v += p(0)[o*5+c] * x[c*16+pix]
			}
			s[o] = max(v, 0)
		}
		for o := 0; o < 3; o++ {
			v := p(3)[o] + p(2)[o*2]*s[0] + p(2)[o*2+1]*s[1]
			require.InDelta(t, max(v, 0), y[o*16+pix], 1e-5)
		}
	}
	for _, v := range y {
		require.GreaterOrEqual(t, v, float32(0))
	}
	// The global average pool is the mean of each channel.
	z, err := m.Logits(x, 1)
	require.NoError(t, err)
	for c := 0; c < 7; c++ {
		var s float32
		for _, v := range y[c*16 : (c+1)*16] {
			s += v
		}
		require.InDelta(t, s/16, z[c], 1e-5)
	}
}

// Gradients through a fire module and the average pool match central
// differences.
func TestFireGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, err := NewModel("fire", []int{3, 3, 3}, make([]string, 4), rng, Fire{2, 2, 2}, GlobalAvgPool{})
	require.NoError(t, err)
	x := make([]float32, 2*27)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := []float32{1, 0, 0, 0, 0, 0, 1, 0}
	_, gs, err := m.Gradients(x, y, 2, Sum)
	require.NoError(t, err)
	for pi, p := range m.Params {
		w := p.Data()
		for j := range w {
			old := w[j]
			const h = 1e-3
			w[j] = old + h
			lp, _, err := m.Gradients(x, y, 2, Sum)
			require.NoError(t, err)
			w[j] = old - h
			lm, _, err := m.Gradients(x, y, 2, Sum)
			require.NoError(t, err)
			w[j] = old
			num := (lp - lm) / (2 * h)
			require.InDelta(t, num, gs[pi][j], 2e-3+2e-2*math.Abs(num), "%s[%d]", p.Name, j)
		}
	}
}

// BenchmarkSqueezeNetFeatures is the frozen-feature pass (layers 0..12) of
// SqueezeNet 1.1 on 16 random 224 x 224 images in batches of 8.
func BenchmarkSqueezeNetFeatures(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := NewSqueezeNet11(224, make([]string, 17), rng)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float32, 16*m.InputSize())
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := LayerOutputs(m, x, 16, squeezeFeatureLayers, 8, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(16*b.N)/b.Elapsed().Seconds(), "images/s")
}
