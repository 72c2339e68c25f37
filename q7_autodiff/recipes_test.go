package autodiff

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/q7_autodiff/nets"
)

// TestAblationRowsAddOneChangeEach: each set's rows start from the
// assignment's task (on the held-out validation split), each row differs
// from the one before in the fields of one change, the "-plus" recipe is one
// of the rows, and every row is scored on validation only.
func TestAblationRowsAddOneChangeEach(t *testing.T) {
	for _, set := range []string{"mnist", "nist36", "emnist"} {
		rows := Ablation(set)
		require.Len(t, rows, map[string]int{"mnist": 5, "nist36": 8, "emnist": 8}[set], set)
		base, plus := Tasks[set], Tasks[set+"-plus"]
		first := rows[0]
		require.Equal(t, base.Epochs, first.Epochs)
		require.Equal(t, base.LRDecay, first.LRDecay)
		require.Empty(t, first.Arch)
		require.Equal(t, plus.ValidN, first.ValidN)
		found := false
		for _, r := range rows {
			r.Name, r.ValidOnly, r.Change = plus.Name, false, ""
			found = found || r == plus
		}
		require.True(t, found, "%s: the plus recipe is one of the rows", set)
		for i, r := range rows {
			require.True(t, r.ValidOnly, r.Name)
			require.NotEmpty(t, r.Change, r.Name)
			_, ok := Tasks[r.Name]
			require.True(t, ok, "%s is a task of `recog q7`", r.Name)
			if i > 0 {
				prev, cur := rows[i-1], r
				prev.Name, prev.Change, cur.Name, cur.Change = "", "", "", ""
				require.NotEqual(t, prev, cur, "%s changes something", r.Name)
			}
		}
	}
	require.Nil(t, Ablation("flowers"))
	// The second round's rows change one field each.
	for _, set := range []string{"nist36", "emnist"} {
		rows := Ablation(set)
		for i, set := range []func(*Task){
			func(t *Task) { t.Epochs = rows[4].Epochs },
			func(t *Task) { t.Dropout = rows[5].Dropout },
			func(t *Task) { t.Views = false },
		} {
			r := rows[5+i]
			require.NotEqual(t, rows[4+i].Name, r.Name)
			set(&r)
			r.Name, r.Change = rows[4+i].Name, rows[4+i].Change
			require.Equal(t, rows[4+i], r, "row %d", 5+i)
		}
		require.Greater(t, rows[5].Epochs, rows[4].Epochs)
		require.Less(t, rows[6].Dropout, rows[5].Dropout)
		require.True(t, rows[7].Views)
	}
}

// TestEvaluateViews: in the one view "as is" the evaluation is
// nets.Evaluate's; views that are the image itself average to the same; a
// dark-ink image is inverted around the warp, so a blank page stays blank in
// every view; other views change the result.
func TestEvaluateViews(t *testing.T) {
	m, err := nets.NewPlusCNN("p", 12, []string{"a", "b", "c"}, 2, 0, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	defer m.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	n := 7
	d := &nets.Data{X: make([]float32, n*144), Shape: []int{1, 12, 12}, Labels: make([]int, n)}
	for i := range d.X {
		d.X[i] = rng.Float32()
	}
	for i := range d.Labels {
		d.Labels[i] = i % 3
	}
	wantLoss, wantAcc, err := nets.Evaluate(m, d)
	require.NoError(t, err)
	for _, views := range [][]View{nil, {{}}, {{}, {}, {}}} {
		loss, acc, err := evaluateViews(m, d, views, false)
		require.NoError(t, err)
		require.InDelta(t, wantLoss, loss, 1e-5)
		require.Equal(t, wantAcc, acc)
	}
	loss, _, err := evaluateViews(m, d, []View{{}, {Stretch: 0.8}, {Shear: 0.3}}, false)
	require.NoError(t, err)
	require.Greater(t, math.Abs(loss-wantLoss), 1e-4, "the views change the probabilities")

	blank := &nets.Data{X: make([]float32, n*144), Shape: d.Shape, Labels: d.Labels}
	for i := range blank.X {
		blank.X[i] = 1
	}
	wantLoss, _, err = nets.Evaluate(m, blank)
	require.NoError(t, err)
	loss, _, err = evaluateViews(m, blank, []View{{Stretch: 0.6}, {Shear: -0.5}}, true)
	require.NoError(t, err)
	require.InDelta(t, wantLoss, loss, 1e-7, "dark ink: the page stays blank")
	loss, _, err = evaluateViews(m, blank, []View{{Stretch: 0.6}, {Shear: -0.5}}, false)
	require.NoError(t, err)
	require.Greater(t, math.Abs(loss-wantLoss), 1e-5, "light ink: the border comes in dark")

	_, _, err = evaluateViews(m, &nets.Data{X: make([]float32, 144), Shape: []int{144}, Labels: []int{0}}, nil, false)
	require.ErrorContains(t, err, "shape")
	require.Equal(t, "as is, stretch 0.9, stretch 1.1, shear 0.15, shear -0.15", viewsString(EvalViews))
}

// TestHoldOut: the last n training examples become the validation set.
func TestHoldOut(t *testing.T) {
	d := &nets.Data{X: []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Shape: []int{1, 1, 2}, Labels: []int{0, 1, 2, 3, 4}}
	s, err := holdOut(&Splits{Train: d, Test: d, Classes: []string{"a", "b", "c", "d", "e"}}, 2)
	require.NoError(t, err)
	require.Equal(t, []float32{0, 1, 2, 3, 4, 5}, s.Train.X)
	require.Equal(t, []int{0, 1, 2}, s.Train.Labels)
	require.Equal(t, []float32{6, 7, 8, 9}, s.Valid.X)
	require.Equal(t, []int{3, 4}, s.Valid.Labels)
	_, err = holdOut(&Splits{Train: d, Test: d}, 5)
	require.ErrorContains(t, err, "leaves none")
}

// lrLog is an Optimizer that records its learning rate at every step.
type lrLog struct {
	lr  float64
	log []float64
}

func (o *lrLog) Step([]nets.Param, [][]float32) { o.log = append(o.log, o.lr) }
func (o *lrLog) ScaleLR(f float64)              { o.lr *= f }
func (o *lrLog) String() string                 { return "lrLog" }

// TestCosineSchedule: epoch e of E trains at η₀·½(1 + cos(π(e−1)/E)).
func TestCosineSchedule(t *testing.T) {
	task := Task{Epochs: 4, LR: 0.1, Cosine: true, LRDecay: 0.5}
	opt := &lrLog{lr: task.LR}
	cfg := nets.Config{Optimizer: opt, LRDecay: task.LRDecay}
	d := &nets.Data{X: make([]float32, 8), Shape: []int{1, 2, 2}, Labels: []int{0, 1}}
	task.recipe(&cfg, d, 1)
	require.Zero(t, cfg.LRDecay, "the cosine replaces the decay")
	require.Nil(t, cfg.EpochData, "no augmentation")
	var got []float64
	for e := 1; e <= 4; e++ {
		got = append(got, opt.lr)
		require.NoError(t, cfg.OnEpoch(nets.EpochStats{Epoch: e}))
	}
	for e, lr := range got {
		require.InDelta(t, 0.1*0.5*(1+math.Cos(math.Pi*float64(e)/4)), lr, 1e-12, "epoch %d", e+1)
	}
}

// TestPlusCNN: the shapes of the plus CNN on 28x28 and 32x32 input, its
// parameter count, and a save and load that gives the same outputs.
func TestPlusCNN(t *testing.T) {
	classes := make([]string, 47)
	for i := range classes {
		classes[i] = string(rune('a' + i%26))
	}
	m, err := nets.NewPlusCNN("p", 28, classes, 16, 0.25, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	defer m.Close()
	require.Equal(t, []int{64, 3, 3}, nets.ShapeAt(m, 6))
	// 16·9+16, 32·16·9+32, 64·32·9+64, 576·128+128, 128·47+47
	require.Equal(t, 160+4640+18496+73856+6063, m.NumParams())
	m32, err := nets.NewPlusCNN("p", 32, classes[:36], 32, 0, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	require.Equal(t, []int{128, 4, 4}, nets.ShapeAt(m32, 6))
	m32.Close()

	path := filepath.Join(t.TempDir(), "p.safetensors")
	require.NoError(t, m.Save(path))
	got, err := nets.LoadPlusCNN(path)
	require.NoError(t, err)
	defer got.Close()
	x := make([]float32, 2*784)
	for i := range x {
		x[i] = float32(i%29) / 29
	}
	a, err := m.Logits(x, 2)
	require.NoError(t, err)
	b, err := got.Logits(x, 2)
	require.NoError(t, err)
	require.Equal(t, a, b)
	_, err = nets.NewPlusCNN("p", 28, classes, 0, 0, rand.New(rand.NewPCG(1, 2)))
	require.ErrorContains(t, err, "width")
}

// TestAdamWDecaysWeightsOnly: with a zero gradient Adam's step is zero, so
// AdamW only shrinks the weights by 1 − ηλ and leaves the biases.
func TestAdamWDecaysWeightsOnly(t *testing.T) {
	m, err := nets.NewModel("d", []int{2}, []string{"a", "b"}, rand.New(rand.NewPCG(1, 2)), nets.Dense{Out: 2})
	require.NoError(t, err)
	before := m.Snapshot()
	o := &nets.AdamW{Adam: nets.Adam{LR: 0.1}, WeightDecay: 0.5}
	o.Step(m.Params, [][]float32{make([]float32, 4), make([]float32, 2)})
	for j, w := range m.Params[0].Data() {
		require.InDelta(t, before[0][j]*0.95, w, 1e-6)
	}
	require.Equal(t, before[1], m.Params[1].Data())
	require.Equal(t, "AdamW(lr=0.1, weight_decay=0.5)", o.String())
}

// TestRunViews: a task with Views reports the validation accuracy of the
// image alone (the curve's last point) beside that of the views, names the
// views, and scores the test set in them.
func TestRunViews(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	set := func(n int) *nets.Data {
		d := &nets.Data{X: make([]float32, n*144), Shape: []int{1, 12, 12}, Labels: make([]int, n)}
		for i := range d.X {
			d.X[i] = rng.Float32()
		}
		for i := range d.Labels {
			d.Labels[i] = i % 3
		}
		return d
	}
	s := &Splits{Train: set(64), Valid: set(30), Test: set(20), Classes: []string{"a", "b", "c"}}
	task := Task{Name: "v", Set: "emnist", Epochs: 1, BatchSize: 16, LR: 1e-3, Arch: "plus", Width: 2, Views: true}
	r, err := Run(task, s, Options{Seed: 1})
	require.NoError(t, err)
	defer r.Model.Close()
	m := r.Metrics
	require.Equal(t, viewsString(EvalViews), m.Views)
	require.NotNil(t, m.FinalValidAccOneView)
	require.Equal(t, m.ValidAccCurve[len(m.ValidAccCurve)-1], *m.FinalValidAccOneView)
	_, want, err := evaluateViews(r.Model, s.Valid, EvalViews, false)
	require.NoError(t, err)
	require.Equal(t, want, *m.FinalValidAcc)
	_, want, err = evaluateViews(r.Model, s.Test, EvalViews, false)
	require.NoError(t, err)
	require.Equal(t, want, m.TestAcc)
}
