package autoencoder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"recog/internal/recon"
	nn "recog/q2_nn"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }

// randImages returns n x d values uniform in [0, 1).
func randImages(rng *rand.Rand, n, d int) *mat.Dense {
	x := mat.NewDense(n, d, nil)
	for i, raw := 0, x.RawMatrix().Data; i < len(raw); i++ {
		raw[i] = rng.Float64()
	}
	return x
}

// minReLUPre returns min |a| over the pre-activations of every ReLU layer of
// net for input x: how far the forward pass is from ReLU's kink.
func minReLUPre(t *testing.T, net *nn.Network, x *mat.Dense) float64 {
	t.Helper()
	_, err := net.Forward(x)
	require.NoError(t, err)
	m := math.Inf(1)
	for _, l := range net.Layers {
		if l.Activation != nn.ActReLU {
			continue
		}
		_, a, _ := l.Cache()
		for _, v := range a.RawMatrix().Data {
			m = math.Min(m, math.Abs(v))
		}
	}
	return m
}

// TestQ5_1_1_GradCheck compares back-propagation through the whole autoencoder
// (three ReLU layers, sigmoid output, total squared error against the input)
// with central differences for every one of its parameters. Random biases
// make the ReLU units' pre-activations mixed in sign; the seed is chosen so
// that none lies within 1e-3 of the kink, 100 times the largest change a
// perturbation of ε = 1e-5 can cause.
//
// The full-size loss sums 2048 squared errors of order 0.1, so a central
// difference carries a rounding error of about 1e-7 whatever the gradient:
// there the test bounds max |backprop - numeric| / max |backprop| instead of
// the relative error of each (possibly tiny) entry.
func TestQ5_1_1_GradCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		rows  int
	}{
		{"reduced width 64-8-8-8-64", []int{64, 8, 8, 8, 64}, 4},
		{"full size 1024-32-32-32-1024", nil, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.sizes == nil && testing.Short() {
				t.Skip("full-size gradient check in -short mode")
			}
			var net *nn.Network
			var x *mat.Dense
			for seed := uint64(1); ; seed++ {
				require.Less(t, seed, uint64(50), "no seed keeps the pre-activations away from 0")
				rng := newRand(seed)
				var err error
				net, err = New(tc.sizes, rng)
				require.NoError(t, err)
				for _, l := range net.Layers {
					for j := range l.B {
						l.B[j] = 0.3 * rng.NormFloat64()
					}
				}
				x = randImages(rng, tc.rows, net.In())
				if minReLUPre(t, net, x) > 1e-3 {
					break
				}
			}
			res, err := nn.GradCheck(net, x, x, nn.SquaredError, 1e-5)
			require.NoError(t, err)
			require.Equal(t, Params(net), res.Checked)
			if tc.sizes != nil {
				require.Less(t, res.MaxRelErr, 1e-4, res.String())
				return
			}
			gmax := 0.0
			for _, l := range net.Layers {
				gmax = math.Max(gmax, mat.Norm(l.DW, math.Inf(1)))
				for _, v := range l.DB {
					gmax = math.Max(gmax, math.Abs(v))
				}
			}
			require.Less(t, res.MaxAbsErr/gmax, 1e-7, "%s; max |gradient| %.3g", res, gmax)
			t.Logf("%s; max |gradient| %.3g", res, gmax)
		})
	}
}

// TestQ5_1_1_GradCheckCatchesWrongDelta: an output delta of (x̂ - x) instead of
// 2(x̂ - x) fails the same check.
func TestQ5_1_1_GradCheckCatchesWrongDelta(t *testing.T) {
	net, err := New([]int{16, 4, 16}, newRand(1))
	require.NoError(t, err)
	x := randImages(newRand(2), 3, 16)
	half := nn.Objective{Name: "squared error, delta x̂ - x", Eval: func(grad, out, y *mat.Dense) float64 {
		j := nn.SquaredError.Eval(grad, out, y)
		if grad != nil {
			grad.Scale(0.5, grad)
		}
		return j
	}}
	res, err := nn.GradCheck(net, x, x, half, 1e-5)
	require.NoError(t, err)
	require.InDelta(t, 0.5, res.MaxRelErr, 1e-3, res.String())
}

func TestQ5_1_1_NewShapes(t *testing.T) {
	net, err := New(nil, newRand(1))
	require.NoError(t, err)
	require.Len(t, net.Layers, 4)
	for i, l := range net.Layers {
		require.Equal(t, []int{Sizes[i], Sizes[i+1]}, []int{l.In(), l.Out()}, l.Name)
		require.Equal(t, Activations[i], l.Activation, l.Name)
		require.Equal(t, make([]float64, l.Out()), l.B, "zero biases")
		bound := math.Sqrt(6 / float64(l.In()+l.Out()))
		for _, v := range l.W.RawMatrix().Data {
			require.LessOrEqual(t, math.Abs(v), bound, "Xavier bound")
		}
	}
	// 1024·32+32 + 32·32+32 + 32·32+32 + 32·1024+1024
	require.Equal(t, 68704, Params(net))
	require.Equal(t, 68704, ParamCount())

	for _, tc := range []struct {
		name  string
		sizes []int
		rng   *rand.Rand
		want  string
	}{
		{"one size", []int{4}, newRand(1), "at least 2"},
		{"not an autoencoder", []int{4, 2, 3}, newRand(1), "differs"},
		{"nil rng", nil, nil, "nil"},
	} {
		_, err := New(tc.sizes, tc.rng)
		require.ErrorContains(t, err, tc.want, tc.name)
	}
}

// TestDataInit: after DataInit every ReLU unit's pre-activation has mean
// 0.5 and standard deviation 1 over the rows it saw, no unit is dead, and
// the untrained network outputs about the mean image.
func TestDataInit(t *testing.T) {
	x := smoothImages(6, 300)
	net, err := New([]int{64, 8, 8, 8, 64}, newRand(1))
	require.NoError(t, err)
	require.NoError(t, DataInit(net, x, 1000))
	_, err = net.Forward(x)
	require.NoError(t, err)
	for _, l := range net.Layers[:3] {
		_, a, _ := l.Cache()
		for j := range l.Out() {
			m, s := stat.MeanStdDev(mat.Col(nil, j, a), nil)
			require.InDelta(t, 0.5, m, 1e-9, "%s unit %d", l.Name, j)
			require.InDelta(t, 1, s, 1e-9, "%s unit %d", l.Name, j)
		}
	}
	dead, err := DeadUnits(net, x)
	require.NoError(t, err)
	require.Equal(t, []int{0, 0, 0}, dead)
	out := net.Layers[3]
	for j, b := range out.B {
		m := stat.Mean(mat.Col(nil, j, x), nil)
		require.InDelta(t, math.Log(m/(1-m)), b, 1e-12)
	}
	require.ErrorContains(t, DataInit(net, mat.NewDense(2, 3, nil), 10), "2 x 3")
}

// tinyNet is a 4-2-4 autoencoder with fixed weights, for update rules.
func tinyNet(t *testing.T) *nn.Network {
	t.Helper()
	net, err := New([]int{4, 2, 4}, newRand(3))
	require.NoError(t, err)
	return net
}

// TestQ5_1_2_MomentumUpdate checks two steps of Train against the rule
// M ← 0.9 M - lr·dJ/dW, W ← W + M by hand, with a single batch.
func TestQ5_1_2_MomentumUpdate(t *testing.T) {
	x := mat.NewDense(2, 4, []float64{0.1, 0.9, 0.4, 0.6, 0.8, 0.2, 0.7, 0.3})
	net := tinyNet(t)
	ref := tinyNet(t)
	const lr, mu = 0.05, 0.9
	velW := make([]*mat.Dense, len(ref.Layers))
	velB := make([][]float64, len(ref.Layers))
	for i, l := range ref.Layers {
		velW[i] = mat.NewDense(l.In(), l.Out(), nil)
		velB[i] = make([]float64, l.Out())
	}
	for range 2 {
		out, err := ref.Forward(x)
		require.NoError(t, err)
		g := mat.NewDense(2, 4, nil)
		nn.SquaredError.Eval(g, out, x)
		_, err = ref.Backward(g)
		require.NoError(t, err)
		for i, l := range ref.Layers {
			velW[i].Scale(mu, velW[i])
			var s mat.Dense
			s.Scale(-lr, l.DW)
			velW[i].Add(velW[i], &s)
			l.W.Add(l.W, velW[i])
			for j := range l.B {
				velB[i][j] = mu*velB[i][j] - lr*l.DB[j]
				l.B[j] += velB[i][j]
			}
		}
	}
	_, err := Train(net, x, Options{Epochs: 2, LR: lr, BatchSize: 2, Momentum: mu, Optimizer: Momentum})
	require.NoError(t, err)
	for i := range net.Layers {
		require.InDeltaSlice(t, ref.Layers[i].W.RawMatrix().Data, net.Layers[i].W.RawMatrix().Data, 1e-14)
		require.InDeltaSlice(t, ref.Layers[i].B, net.Layers[i].B, 1e-14)
	}
}

// TestAdamUpdate checks Adam's first step: with m̂ = g and v̂ = g², every
// parameter with a non-zero gradient moves by lr·g/(|g| + ε) ≈ lr·sign(g).
func TestAdamUpdate(t *testing.T) {
	x := mat.NewDense(2, 4, []float64{0.1, 0.9, 0.4, 0.6, 0.8, 0.2, 0.7, 0.3})
	net := tinyNet(t)
	ref := tinyNet(t)
	out, err := ref.Forward(x)
	require.NoError(t, err)
	g := mat.NewDense(2, 4, nil)
	nn.SquaredError.Eval(g, out, x)
	_, err = ref.Backward(g)
	require.NoError(t, err)
	const lr = 0.01
	_, err = Train(net, x, Options{Epochs: 1, LR: lr, BatchSize: 2, Optimizer: Adam})
	require.NoError(t, err)
	for i, l := range ref.Layers {
		for k, w0 := range l.W.RawMatrix().Data {
			gk := l.DW.RawMatrix().Data[k]
			require.InDelta(t, w0-lr*gk/(math.Abs(gk)+adamEps), net.Layers[i].W.RawMatrix().Data[k], 1e-12)
		}
		for j, b0 := range l.B {
			require.InDelta(t, b0-lr*l.DB[j]/(math.Abs(l.DB[j])+adamEps), net.Layers[i].B[j], 1e-12)
		}
	}
}

func TestLRAt(t *testing.T) {
	o := Options{LR: 1, Epochs: 5, Cosine: true}
	require.InDelta(t, 1, o.LRAt(1), 1e-15)
	require.InDelta(t, 0.01+0.99*0.5, o.LRAt(3), 1e-15)
	require.InDelta(t, 0.01, o.LRAt(5), 1e-15)
	o.Cosine = false
	require.Equal(t, 1.0, o.LRAt(5))
}

// smoothImages returns n blurred random 8 x 8 "images" (d = 64) in [0, 1],
// which an 8-unit code can compress.
func smoothImages(seed uint64, n int) *mat.Dense {
	rng := newRand(seed)
	x := mat.NewDense(n, 64, nil)
	for i := range n {
		a, b, c := rng.Float64(), rng.Float64()*6, rng.Float64()*6
		for p := range 64 {
			r, q := float64(p/8), float64(p%8)
			x.Set(i, p, 0.5+0.45*a*math.Cos((r-b)/3)*math.Sin((q-c)/3))
		}
	}
	return x
}

// TestQ5_2_TrainLearns: both recipes lower the loss of a small autoencoder on
// smooth synthetic images, reach a PSNR above that of predicting 0.5, and
// the same seed gives the same numbers.
func TestQ5_2_TrainLearns(t *testing.T) {
	x := smoothImages(4, 200)
	valid := smoothImages(5, 50)
	half := mat.NewDense(50, 64, nil)
	for i := range half.RawMatrix().Data {
		half.RawMatrix().Data[i] = 0.5
	}
	base, err := recon.MeanPSNR(valid, half)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"momentum", Options{Epochs: 60, LR: 2e-3, BatchSize: 10, Momentum: 0.9, Seed: 7}},
		{"adam cosine", Options{Epochs: 60, LR: 1e-2, BatchSize: 10, Optimizer: Adam, Cosine: true, Seed: 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func() (*nn.Network, []EpochMetrics) {
				net, err := New([]int{64, 8, 8, 8, 64}, newRand(tc.opt.Seed))
				require.NoError(t, err)
				opt := tc.opt
				opt.Valid = valid
				hist, err := Train(net, x, opt)
				require.NoError(t, err)
				require.Len(t, hist, opt.Epochs)
				return net, hist
			}
			_, h1 := run()
			_, h2 := run()
			for i := range h1 {
				h1[i].Seconds, h2[i].Seconds = 0, 0
			}
			require.Equal(t, h1, h2, "same seed, same history")
			last := h1[len(h1)-1]
			require.Less(t, last.TrainLoss, 0.5*h1[0].TrainLoss)
			require.Greater(t, last.ValidPSNR, base+3, "PSNR of 0.5 everywhere is %.2f dB", base)
			v, err := Loss(mustNet(t, tc.opt), valid)
			require.NoError(t, err)
			require.Greater(t, v, last.ValidLoss, "an untrained network does worse")
		})
	}
}

func mustNet(t *testing.T, opt Options) *nn.Network {
	t.Helper()
	net, err := New([]int{64, 8, 8, 8, 64}, newRand(opt.Seed))
	require.NoError(t, err)
	return net
}

func TestTrainErrors(t *testing.T) {
	net := tinyNet(t)
	x := mat.NewDense(3, 4, nil)
	ok := Options{Epochs: 1, LR: 0.1, BatchSize: 2, Momentum: 0.9}
	for _, tc := range []struct {
		name string
		edit func(*Options)
		x    *mat.Dense
		want string
	}{
		{"lr", func(o *Options) { o.LR = 0 }, x, "learning rate 0"},
		{"batch", func(o *Options) { o.BatchSize = 0 }, x, "batch size 0"},
		{"momentum", func(o *Options) { o.Momentum = 1 }, x, "momentum 1"},
		{"epochs", func(o *Options) { o.Epochs = -1 }, x, "-1 epochs"},
		{"shape", func(o *Options) {}, mat.NewDense(3, 5, nil), "3 x 5"},
		{"valid shape", func(o *Options) { o.Valid = mat.NewDense(2, 3, nil) }, x, "validation data is 2 x 3"},
		{"nil data", func(o *Options) {}, nil, "nil training data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := ok
			tc.edit(&o)
			_, err := Train(net, tc.x, o)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := Train(net, mat.NewDense(2, 4, []float64{1, math.NaN(), 1, 1, 0, 0, 0, 0}), ok)
	require.ErrorContains(t, err, "epoch 1: training loss is NaN")
}

func TestParseMode(t *testing.T) {
	for _, m := range []Mode{ModeDefault, ModeImproved} {
		got, err := ParseMode(m.String())
		require.NoError(t, err)
		require.Equal(t, m, got)
		o, err := ModeOptions(m)
		require.NoError(t, err)
		require.Equal(t, m == ModeImproved, o.DataInit && o.Revive && o.Cosine)
	}
	_, err := ParseMode("fast")
	require.ErrorContains(t, err, `"fast"`)
	d := DefaultOptions()
	require.Equal(t, Options{Epochs: 100, LR: 3e-5, BatchSize: 36, Momentum: 0.9, Seed: 1}, d)
}

// TestRevive: a unit killed by a large negative bias is found, brought back
// alive (mean 0.5, standard deviation 1 on the data) and the network's output
// is unchanged because its outgoing weights are zeroed.
func TestRevive(t *testing.T) {
	x := smoothImages(8, 100)
	net, err := New([]int{64, 8, 8, 8, 64}, newRand(2))
	require.NoError(t, err)
	require.NoError(t, DataInit(net, x, 1000))
	n, err := Revive(net, x, 1000, newRand(3))
	require.NoError(t, err)
	require.Zero(t, n, "nothing to revive after DataInit")

	net.Layers[0].B[2] = -1e3
	net.Layers[1].B[5] = -1e3
	dead, err := DeadUnits(net, x)
	require.NoError(t, err)
	require.Equal(t, []int{1, 1, 0}, dead)
	before, err := Reconstruct(net, x)
	require.NoError(t, err)
	n, err = Revive(net, x, 1000, newRand(3))
	require.NoError(t, err)
	require.Equal(t, 2, n)
	dead, err = DeadUnits(net, x)
	require.NoError(t, err)
	require.Equal(t, []int{0, 0, 0}, dead)
	after, err := Reconstruct(net, x)
	require.NoError(t, err)
	require.InDeltaSlice(t, before.RawMatrix().Data, after.RawMatrix().Data, 1e-12, "output unchanged")
	_, err = net.Forward(x)
	require.NoError(t, err)
	_, a, _ := net.Layers[0].Cache()
	m, s := stat.MeanStdDev(mat.Col(nil, 2, a), nil)
	require.InDelta(t, 0.5, m, 1e-9)
	require.InDelta(t, 1, s, 1e-9)
	for k := range 8 {
		if k != 5 { // unit 5 of the next layer was revived too: new incoming weights
			require.Zero(t, net.Layers[1].W.At(2, k), "outgoing weight %d", k)
		}
		require.Zero(t, net.Layers[2].W.At(5, k), "outgoing weight %d of the second unit", k)
	}
}
