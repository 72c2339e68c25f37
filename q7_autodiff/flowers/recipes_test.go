package flowers

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	"recog/q7_autodiff/nets"
)

// changedFields returns the names of the fields in which a and b differ,
// Recipe (the row's name) left out.
func changedFields(a, b Config) []string {
	var out []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		name := va.Type().Field(i).Name
		if name != "Recipe" && !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, name)
		}
	}
	return out
}

// TestAblationRowsAddOneChangeEach: row 0 of each ablation is
// DefaultConfig (one model, validation only), each later row changes only
// the fields of its one change, every row is ValidOnly and named after its
// place, and "plus" is the chosen rows' settings with both models, tested.
func TestAblationRowsAddOneChangeEach(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rows    []Recipe
		skip    string
		changes [][]string  // fields changed by rows 1, 2, ...
		on      map[int]int // rows built on another row than the one before
	}{
		{"finetune", FineTuneAblation("d"), "SkipScratch", [][]string{
			{"FineTuneMirror"}, {"FineTuneTTA"}, {"FineTuneWeightDecay"},
			{"FineTuneEpochs", "FineTuneLR", "FineTuneCosine"}, {"FineTuneSide"},
			{"FineTuneFrom", "FineTuneLR", "FineTuneEpochs"}, {"FineTuneTenCrop"}, {"FineTuneCrops"}},
			map[int]int{7: 5, 8: 5}},
		{"scratch", ScratchAblation("d"), "SkipFineTune", [][]string{
			{"ScratchAugment"}, {"ScratchTTA"}, {"ScratchEpochs", "ScratchLR", "ScratchCosine"},
			{"ScratchWeightDecay"}, {"ScratchWidth"}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Len(t, tc.rows, len(tc.changes)+1)
			def := DefaultConfig("d")
			require.ElementsMatch(t, []string{"ValidOnly", tc.skip}, changedFields(def, tc.rows[0].Config),
				"row 0 is the assignment's settings")
			for i, r := range tc.rows {
				require.Equal(t, tc.name+"-abl"+string(rune('0'+i)), r.Name)
				require.Equal(t, r.Name, r.Config.Recipe)
				require.True(t, r.Config.ValidOnly, r.Name)
				require.NotEmpty(t, r.Change, r.Name)
				if i > 0 {
					base, ok := tc.on[i]
					if !ok {
						base = i - 1
					}
					require.ElementsMatch(t, tc.changes[i-1], changedFields(tc.rows[base].Config, r.Config), r.Name)
				}
			}
		})
	}
	plus := Plus("d").Config
	require.False(t, plus.ValidOnly || plus.SkipFineTune || plus.SkipScratch)
	ft, sc := FineTuneAblation("d")[FineTunePlusRow].Config, ScratchAblation("d")[ScratchPlusRow].Config
	for _, f := range changedFields(ft, plus) {
		require.NotContains(t, f, "FineTune", "plus takes the fine-tune row's settings")
	}
	for _, f := range changedFields(sc, plus) {
		require.NotContains(t, f, "Scratch", "plus takes the scratch row's settings")
	}
	for _, tc := range []struct {
		r    Recipe
		row  Config
		skip string
	}{{FineTunePlus("d"), ft, "SkipScratch"}, {ScratchPlus("d"), sc, "SkipFineTune"}} {
		require.False(t, tc.r.Config.ValidOnly, tc.r.Name)
		require.Equal(t, []string{"ValidOnly"}, changedFields(tc.row, tc.r.Config), "%s is its row, tested", tc.r.Name)
	}
	for _, name := range RecipeNames() {
		r, err := LookupRecipe(name, "d")
		require.NoError(t, err)
		require.Equal(t, name, r.Config.Recipe)
		require.Equal(t, "d", r.Config.DataDir)
	}
	_, err := LookupRecipe("abl9", "d")
	require.ErrorContains(t, err, `unknown recipe "abl9" (want one of finetune-abl0`)
}

// The mirror helpers: mirrorImages reverses every row of every channel,
// viewsMix takes each row from one of the sets, viewsEval averages
// the two views' probabilities.
func TestMirrorHelpers(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}
	d := &nets.Data{X: x, Shape: []int{3, 2, 2}, Labels: []int{0, 1}}
	m := mirrorData(d)
	require.Equal(t, []float32{2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15, 18, 17, 20, 19, 22, 21, 24, 23}, m.X)
	require.Equal(t, float32(1), x[0], "mirrorData copies")

	neg := &nets.Data{X: make([]float32, len(x)), Shape: d.Shape, Labels: d.Labels}
	for i, v := range x {
		neg.X[i] = -v
	}
	mix := viewsMix([]*nets.Data{d, neg}, rand.New(rand.NewPCG(1, 2)))
	seen := map[bool]bool{}
	for ep := 1; ep <= 10; ep++ {
		e := mix(ep)
		for i := range 2 {
			row := e.Row(i)
			fromMirror := row[0] < 0
			seen[fromMirror] = true
			if fromMirror {
				require.Equal(t, neg.Row(i), row)
			} else {
				require.Equal(t, d.Row(i), row)
			}
		}
	}
	require.True(t, seen[true] && seen[false], "both views drawn in 10 epochs")

	// Two examples, two classes. View 1 says class 0 for both, view 2 says
	// class 1 strongly for the second: the average decides.
	l0, l1 := float32(math.Log(0.9)), float32(math.Log(0.1))
	logits := map[*nets.Data][]float32{d: {l0, l1, l0, l1}, m: {l0, l1, l1 - 5, l0}}
	eval := viewsEval(func(s *nets.Data) ([]float32, error) { return logits[s], nil }, map[*nets.Data][]*nets.Data{d: {m}}, 2)
	loss, acc, err := eval(d)
	require.NoError(t, err)
	p2 := (0.1 + 0.9/(0.9+0.1*math.Exp(-5))) / 2 // mean probability of class 1 for example 2
	require.InDelta(t, 1.0, acc, 1e-12)
	require.InDelta(t, -(math.Log(0.9)+math.Log(p2))/2, loss, 1e-6)
	_, _, err = eval(m)
	require.ErrorContains(t, err, "no other views")
}

// tinyRunConfig is smallConfig on the data directory with 2 fine-tuning
// epochs, for the tiny runs of the recipes' options (a training test: what
// says what it trains).
func tinyRunConfig(t *testing.T, what string) Config {
	t.Helper()
	datatest.Trains(t, what)
	datatest.Dir(t, "flowers17")
	cfg := smallConfig(filepath.Dir(datatest.Dir(t, "squeezenet")))
	cfg.FineTuneEpochs = 2
	return cfg
}

// A tiny run of both models with every recipe option on (one image per
// class and split, 2 epochs each): the test set is left alone
// (ValidOnly), validation numbers are finite, and a second run with the
// same seed gives the same numbers.
func TestRecipeOptionsTinyRun(t *testing.T) {
	cfg := tinyRunConfig(t, "SqueezeNet features of 51 flowers in ten views, twice")
	cfg.ValidOnly, cfg.FineTuneMirror, cfg.FineTuneTTA, cfg.FineTuneWeightDecay, cfg.FineTuneCosine = true, true, true, 0.5, true
	cfg.FineTuneTenCrop, cfg.FineTuneCrops = true, true
	cfg.ScratchAugment, cfg.ScratchTTA, cfg.ScratchWeightDecay, cfg.ScratchCosine, cfg.ScratchWidth = ScratchAugment, true, 0.05, true, 8
	var runs [2][]float64
	for k := range runs {
		r, err := Run(cfg, nil)
		require.NoError(t, err)
		for _, run := range []*ModelRun{r.FineTune, r.Scratch} {
			va, ta := run.Best()
			require.True(t, math.IsNaN(ta), "no test evaluation")
			require.False(t, math.IsNaN(va))
			for _, e := range run.History.Epochs {
				runs[k] = append(runs[k], e.TrainLoss, e.ValidLoss, e.ValidAcc)
			}
		}
		require.Equal(t, 8*3*9+8+16*8*9+16+32*16*9+32+32*8*8*128+128+128*17+17, r.Scratch.ParamsTrained, "width 8")
		m := r.Metrics(cfg)
		require.Contains(t, m.FineTune.Setup, "AdamW(lr=0.001, weight_decay=0.5), cosine from 0.001 over 2 epochs, training on ten crops, ten-crop test-time averaging")
		require.Contains(t, m.Scratch.Setup, "width 8, side 64")
		require.Contains(t, m.Summary(), "not tested")
		r.Close()
	}
	require.Equal(t, runs[0], runs[1], "same seed, same numbers")
}

// Run refuses a FineTuneFrom past SqueezeNet's feature layers before it
// reads anything.
func TestRunRejectsFineTuneFrom(t *testing.T) {
	cfg := DefaultConfig(t.TempDir())
	cfg.FineTuneFrom = 14
	_, err := Run(cfg, nil)
	require.ErrorContains(t, err, "FineTuneFrom 14 is past SqueezeNet's feature layers 0..12")
}

// The -refit recipes are the plus recipes with Refit set, and refitSplits
// puts the validation images after the training images and leaves an empty
// validation split of the same shapes.
func TestRefitRecipesAndSplits(t *testing.T) {
	for _, base := range []Recipe{FineTunePlus("d"), ScratchPlus("d"), Plus("d")} {
		r, err := LookupRecipe(base.Name+"-refit", "d")
		require.NoError(t, err)
		require.Equal(t, []string{"Refit"}, changedFields(base.Config, r.Config), r.Name)
		require.Equal(t, r.Name, r.Config.Recipe)
	}
	d := func(x []float32, labels ...int) *nets.Data {
		return &nets.Data{X: x, Shape: []int{1, 1, 2}, Labels: labels}
	}
	train := &flowerSplit{files: make([]data.ImageFile, 2), feats: d([]float32{1, 2, 3, 4}, 0, 1), small: d([]float32{5, 6, 7, 8}, 0, 1),
		corners: []*nets.Data{d([]float32{-1, -2, -3, -4}, 0, 1)}}
	valid := &flowerSplit{files: make([]data.ImageFile, 1), feats: d([]float32{9, 10}, 2), small: d([]float32{11, 12}, 2),
		corners: []*nets.Data{d([]float32{-9, -10}, 2)}}
	both, none := refitSplits(train, valid)
	require.Len(t, both.files, 3)
	require.Equal(t, d([]float32{1, 2, 3, 4, 9, 10}, 0, 1, 2), both.feats)
	require.Equal(t, d([]float32{5, 6, 7, 8, 11, 12}, 0, 1, 2), both.small)
	require.Equal(t, []*nets.Data{d([]float32{-1, -2, -3, -4, -9, -10}, 0, 1, 2)}, both.corners, "the crops' features (FineTuneCrops) too")
	require.Nil(t, both.mirror, "no mirrored features without FineTuneMirror")
	require.Equal(t, 0, none.feats.Len())
	require.Equal(t, []int{1, 1, 2}, none.small.Shape)
	require.Equal(t, []float32{1, 2, 3, 4}, train.feats.X, "the training split is left as it was")

	// Rows that follow each other in memory, as loadFlowers allocates them
	// with Refit, are joined without a copy.
	buf := []float32{1, 2, 3, 4, 9, 10}
	train.feats, valid.feats = d(buf[:4], 0, 1), d(buf[4:], 2)
	both, _ = refitSplits(train, valid)
	require.Equal(t, d(buf, 0, 1, 2), both.feats)
	require.Same(t, &buf[0], &both.feats.X[0], "no copy")
	require.Equal(t, []float32{1, 2, 3, 4}, train.feats.X)
}

// With Refit, loadFlowers lays each view's validation rows right after its
// training rows, so refitSplits joins them without a copy; without Refit,
// the two splits' buffers are their own.
func TestRefitLoadNoCopy(t *testing.T) {
	dir := datatest.Dir(t, "flowers17")
	files, _, err := data.ReadFlowers17(dir)
	require.NoError(t, err)
	for _, refit := range []bool{true, false} {
		cfg := smallConfig(filepath.Dir(dir))
		cfg.Refit = refit
		cfg.fill()
		sets, err := loadFlowers(cfg, flowerFiles(files, cfg.PerClass), nil, &Stages{}, nil)
		require.NoError(t, err)
		train := sets[0].small.X
		both, _ := refitSplits(sets[0], sets[1])
		require.Equal(t, slices.Concat(train, sets[1].small.X), both.small.X)
		if refit {
			require.Same(t, &train[0], &both.small.X[0], "no copy")
		} else {
			require.NotSame(t, &train[0], &both.small.X[0], "the training split's own buffer is not extended")
		}
	}
}

// A tiny refit run (one image per class and split, 2 epochs each): both
// models train on the training and validation images, report the last
// epoch's test accuracy and no validation numbers.
func TestRefitTinyRun(t *testing.T) {
	cfg := tinyRunConfig(t, "SqueezeNet features of 51 flowers in ten views")
	cfg.Refit, cfg.FineTuneCrops, cfg.FineTuneTTA, cfg.ScratchTTA = true, true, true, true
	r, err := Run(cfg, nil)
	require.NoError(t, err)
	defer r.Close()
	require.Equal(t, [3]int{34, 0, 17}, [3]int{r.NumTrain, r.NumVal, r.NumTest})
	m := r.Metrics(cfg)
	require.True(t, m.Refit)
	for _, mm := range []*ModelMetrics{m.FineTune, m.Scratch} {
		require.True(t, math.IsNaN(mm.ValidAcc) && math.IsNaN(mm.LastValidAcc), "no validation set")
		require.Equal(t, mm.Epochs, mm.BestEpoch, "the last epoch is reported")
		require.False(t, math.IsNaN(mm.TestAcc))
		require.Equal(t, mm.TestAccCurve[mm.Epochs-1], mm.TestAcc)
	}
	figs, err := r.Figures()
	require.NoError(t, err)
	require.Len(t, figs, 2)
}
