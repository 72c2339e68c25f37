package flowers

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"recog/internal/augment"
	"recog/q7_autodiff/nets"
)

// The improved recipes of issue #17 (docs/q7_flowers.md#better-recipes-issue-17):
// two ablations, one for the fine-tuned SqueezeNet and one for the CNN from
// scratch. Row 0 of each is the assignment's settings (DefaultConfig) and
// each later row adds one change to the row before; every row is trained and
// scored on validation only (Config.ValidOnly). The "plus" recipe is the row
// of each ablation with the best validation accuracy, and only it is
// evaluated on the test set. `recog q7 flowers --recipe NAME` runs any of
// them (RecipeNames).

// Recipe is one named configuration of Q7.2: an ablation row or "plus".
type Recipe struct {
	Name   string // "finetune-abl<i>", "scratch-abl<i>", "finetune-plus", "scratch-plus" or "plus"
	Change string // what the row adds to the row before
	Config Config
}

// ScratchAugment is the geometric warp of the scratch recipes' training
// images (72 x 72 before the 64 x 64 crop): rotation up to ±15°, size
// ±20 %, width against height ±10 %, slant up to ±0.1. Flowers are
// photographed at any angle and distance, so the ranges are wider than the
// handwriting's (autodiff.LetterAugment).
var ScratchAugment = augment.Params{Rotate: 15, Scale: 0.2, Aspect: 0.1, Shear: 0.1}

// Candidate values of the ablations' changes.
const (
	// FineTuneWeightDecay is the AdamW λ of the fine-tune's row 3: with the
	// head's rate 10⁻³ and 630 steps (30 epochs of 21 batches) it shrinks
	// the weights by at most about 1 − e^(−0.32) = 27 %.
	FineTuneWeightDecay = 0.5
	// fineTuneCosineEpochs and fineTuneCosineLR are row 4's schedule.
	fineTuneCosineEpochs = 60
	fineTuneCosineLR     = 2e-3
	// fineTuneSide is row 5's SqueezeNet input side: 288 x 288 crops of
	// the image resized to 329 on its shorter side, 17 x 17 feature maps
	// (ImageNet's 224 gives 13 x 13). Flowers 17's photos are about 500
	// pixels on their shorter side, so the larger input keeps more detail.
	fineTuneSide = 288
	// fineTuneFireLR and fineTuneFireEpochs are row 6's schedule: the
	// pretrained fire module takes smaller steps than a new classifier, and
	// each epoch costs its forward and backward passes.
	fineTuneFireLR     = 5e-4
	fineTuneFireEpochs = 20
	// scratchCosineEpochs and scratchCosineLR are the scratch row 3's
	// schedule (augmented data takes longer to fit).
	scratchCosineEpochs = 80
	scratchCosineLR     = 2e-3
	// ScratchWeightDecay is the AdamW λ of the scratch row 4.
	ScratchWeightDecay = 0.05
	// scratchWidth is the scratch row 5's first-block width (the
	// assignment's: 16).
	scratchWidth = 32
)

// Rows of each ablation chosen as the "plus" recipe, by validation
// accuracy (docs/q7_flowers.md#better-recipes-issue-17).
const (
	FineTunePlusRow = 8
	ScratchPlusRow  = 5
)

// step is one change of an ablation.
type step struct {
	what  string
	apply func(*Config)
}

// ablation returns the rows "<prefix>-abl<i>": row 0 is DefaultConfig with
// ValidOnly and skip set, each later row applies one more step to the row
// before, or, for a row i in on, to row on[i] (a later round that leaves
// a change out).
func ablation(dataDir, prefix string, skip func(*Config), steps []step, on map[int]int) []Recipe {
	c := DefaultConfig(dataDir)
	c.ValidOnly = true
	skip(&c)
	var rows []Recipe
	for i, s := range steps {
		if j, ok := on[i]; ok {
			c = rows[j].Config
		}
		s.apply(&c)
		r := Recipe{Name: fmt.Sprintf("%s-abl%d", prefix, i), Change: s.what, Config: c}
		r.Config.Recipe = r.Name
		rows = append(rows, r)
	}
	return rows
}

// FineTuneAblation lists the rows of the fine-tune's ablation (the scratch
// CNN skipped): the assignment's settings; features of mirrored training
// images; mirror test-time averaging; AdamW weight decay
// FineTuneWeightDecay; a cosine schedule from 2·10⁻³ over 60 epochs;
// SqueezeNet input 288 x 288 instead of 224 x 224; the last fire module
// (layer 12) trained too, from 5·10⁻⁴ over 20 epochs; then, each on row 5,
// ten-crop test-time averaging and training on ten crops.
func FineTuneAblation(dataDir string) []Recipe {
	return ablation(dataDir, "finetune", func(c *Config) { c.SkipScratch = true }, []step{
		{"the assignment's settings (Adam 1e-3, 30 epochs)", func(*Config) {}},
		{"features of mirrored training images (each image or its mirror, p = 1/2, per epoch)", func(c *Config) { c.FineTuneMirror = true }},
		{"mirror test-time averaging (mean of the image's and its mirror's probabilities)", func(c *Config) { c.FineTuneTTA = true }},
		{fmt.Sprintf("AdamW weight decay %g", FineTuneWeightDecay), func(c *Config) { c.FineTuneWeightDecay = FineTuneWeightDecay }},
		{fmt.Sprintf("cosine schedule from %g over %d epochs", fineTuneCosineLR, fineTuneCosineEpochs), func(c *Config) {
			c.FineTuneCosine, c.FineTuneLR, c.FineTuneEpochs = true, fineTuneCosineLR, fineTuneCosineEpochs
		}},
		{fmt.Sprintf("SqueezeNet input %d x %d (resized to %d), not 224 x 224", fineTuneSide, fineTuneSide, fineTuneSide*256/imageNetSide),
			func(c *Config) { c.FineTuneSide = fineTuneSide }},
		{fmt.Sprintf("SqueezeNet's last fire module (layer 12) trained too, cosine from %g over %d epochs", fineTuneFireLR, fineTuneFireEpochs),
			func(c *Config) {
				c.FineTuneFrom, c.FineTuneLR, c.FineTuneEpochs = nets.SqueezeNetFeatureLayers-1, fineTuneFireLR, fineTuneFireEpochs
			}},
		{"on row 5 (row 6's change left out): ten-crop test-time averaging (centre and corners, and their mirrors)",
			func(c *Config) { c.FineTuneTenCrop = true }},
		{"on row 5 (rows 6 and 7 left out): the head trains on one of ten views of each training image (centre and corner crops, and their mirrors) per epoch",
			func(c *Config) { c.FineTuneCrops = true }},
	}, map[int]int{7: 5, 8: 5})
}

// ScratchAblation lists the rows of the scratch CNN's ablation (the
// fine-tune skipped): the assignment's settings; the geometric warp
// ScratchAugment; mirror test-time averaging; a cosine schedule from 2·10⁻³
// over 80 epochs; AdamW weight decay ScratchWeightDecay; a CNN twice as
// wide.
func ScratchAblation(dataDir string) []Recipe {
	return ablation(dataDir, "scratch", func(c *Config) { c.SkipFineTune = true }, []step{
		{"the assignment's settings (crops and flips, Adam 1e-3 × 0.95 per epoch, 40 epochs, width 16)", func(*Config) {}},
		{"random rotation, scale, aspect and slant (ScratchAugment) before the crop", func(c *Config) { c.ScratchAugment = ScratchAugment }},
		{"mirror test-time averaging", func(c *Config) { c.ScratchTTA = true }},
		{fmt.Sprintf("cosine schedule from %g over %d epochs", scratchCosineLR, scratchCosineEpochs), func(c *Config) {
			c.ScratchCosine, c.ScratchLR, c.ScratchEpochs = true, scratchCosineLR, scratchCosineEpochs
		}},
		{fmt.Sprintf("AdamW weight decay %g", ScratchWeightDecay), func(c *Config) { c.ScratchWeightDecay = ScratchWeightDecay }},
		{fmt.Sprintf("width %d (%d, %d, %d filters)", scratchWidth, scratchWidth, 2*scratchWidth, 4*scratchWidth), func(c *Config) { c.ScratchWidth = scratchWidth }},
	}, nil)
}

// FineTunePlus returns the "finetune-plus" recipe: FineTuneAblation's row
// FineTunePlusRow evaluated on the test set (the fine-tune alone).
func FineTunePlus(dataDir string) Recipe {
	c := FineTuneAblation(dataDir)[FineTunePlusRow].Config
	c.ValidOnly, c.Recipe = false, "finetune-plus"
	return Recipe{Name: c.Recipe, Change: fmt.Sprintf("fine-tune row %d", FineTunePlusRow), Config: c}
}

// ScratchPlus returns the "scratch-plus" recipe: ScratchAblation's row
// ScratchPlusRow evaluated on the test set (the scratch CNN alone).
func ScratchPlus(dataDir string) Recipe {
	c := ScratchAblation(dataDir)[ScratchPlusRow].Config
	c.ValidOnly, c.Recipe = false, "scratch-plus"
	return Recipe{Name: c.Recipe, Change: fmt.Sprintf("scratch row %d", ScratchPlusRow), Config: c}
}

// Plus returns the "plus" recipe: both models, the fine-tune's settings of
// FineTuneAblation's row FineTunePlusRow and the scratch CNN's of
// ScratchAblation's row ScratchPlusRow, evaluated on the test set (as
// FineTunePlus and ScratchPlus are, in one run).
func Plus(dataDir string) Recipe {
	ft, sc := FineTuneAblation(dataDir)[FineTunePlusRow].Config, ScratchAblation(dataDir)[ScratchPlusRow].Config
	c := sc
	c.SkipFineTune, c.SkipScratch, c.ValidOnly, c.Recipe = false, false, false, "plus"
	c.FineTuneEpochs, c.FineTuneLR, c.FineTuneBatch, c.FineTuneSide = ft.FineTuneEpochs, ft.FineTuneLR, ft.FineTuneBatch, ft.FineTuneSide
	c.FineTuneMirror, c.FineTuneTTA, c.FineTuneWeightDecay, c.FineTuneCosine = ft.FineTuneMirror, ft.FineTuneTTA, ft.FineTuneWeightDecay, ft.FineTuneCosine
	c.FineTuneFrom, c.FineTuneTenCrop, c.FineTuneCrops = ft.FineTuneFrom, ft.FineTuneTenCrop, ft.FineTuneCrops
	return Recipe{Name: "plus", Change: fmt.Sprintf("fine-tune row %d, scratch row %d", FineTunePlusRow, ScratchPlusRow), Config: c}
}

// Refit returns r trained again on the training and validation images
// together (Config.Refit), named r.Name with "-refit" added: "plus" chosen
// on validation, then fitted on all the labelled images it may use.
func Refit(r Recipe) Recipe {
	r.Name += "-refit"
	r.Config.Recipe, r.Config.Refit = r.Name, true
	r.Change += ", trained on the training and validation images"
	return r
}

// Recipes returns every named recipe: the fine-tune's rows, the scratch
// CNN's rows, "finetune-plus", "scratch-plus" and "plus", and the three
// "plus" recipes refitted on training and validation images ("-refit").
func Recipes(dataDir string) []Recipe {
	plus := []Recipe{FineTunePlus(dataDir), ScratchPlus(dataDir), Plus(dataDir)}
	out := append(FineTuneAblation(dataDir), ScratchAblation(dataDir)...)
	out = append(out, plus...)
	for _, r := range plus {
		out = append(out, Refit(r))
	}
	return out
}

// RecipeNames returns the names of Recipes.
func RecipeNames() []string {
	var out []string
	for _, r := range Recipes("") {
		out = append(out, r.Name)
	}
	return out
}

// LookupRecipe returns the recipe called name, or an error listing the
// names.
func LookupRecipe(name, dataDir string) (Recipe, error) {
	rs := Recipes(dataDir)
	if i := slices.IndexFunc(rs, func(r Recipe) bool { return r.Name == name }); i >= 0 {
		return rs[i], nil
	}
	return Recipe{}, fmt.Errorf("unknown recipe %q (want one of %s)", name, strings.Join(RecipeNames(), ", "))
}

// optimizer returns Adam with rate lr, or AdamW with weight decay wd > 0.
func optimizer(lr, wd float64) nets.Optimizer {
	if wd > 0 {
		return &nets.AdamW{Adam: nets.Adam{LR: lr}, WeightDecay: wd}
	}
	return &nets.Adam{LR: lr}
}

// schedule describes a learning-rate schedule.
func schedule(lr, decay float64, cosine bool, epochs int) string {
	switch {
	case cosine:
		return fmt.Sprintf("cosine from %g over %d epochs", lr, epochs)
	case decay > 0 && decay < 1:
		return fmt.Sprintf("%g × %g per epoch", lr, decay)
	}
	return fmt.Sprintf("constant %g", lr)
}

// fineTuneSetup describes the fine-tune's training settings.
func fineTuneSetup(c Config) string {
	s := fmt.Sprintf("input %d, layers %d.. trained, %v, %s", c.FineTuneSide, c.FineTuneFrom,
		optimizer(c.FineTuneLR, c.FineTuneWeightDecay), schedule(c.FineTuneLR, 0, c.FineTuneCosine, c.FineTuneEpochs))
	switch {
	case c.FineTuneCrops:
		s += ", training on ten crops"
	case c.FineTuneMirror:
		s += ", mirrored training features"
	}
	switch {
	case c.FineTuneTenCrop:
		s += ", ten-crop test-time averaging"
	case c.FineTuneTTA:
		s += ", mirror test-time averaging"
	}
	return s
}

// scratchSetup describes the scratch CNN's training settings.
func scratchSetup(c Config) string {
	decay := c.ScratchLRDecay
	if c.ScratchCosine {
		decay = 0
	}
	s := fmt.Sprintf("width %d, side %d, %v, %s, warp: %v", c.ScratchWidth, c.ScratchSide,
		optimizer(c.ScratchLR, c.ScratchWeightDecay), schedule(c.ScratchLR, decay, c.ScratchCosine, c.ScratchEpochs), c.ScratchAugment)
	if c.ScratchTTA {
		s += ", mirror test-time averaging"
	}
	return s
}

// mirrorImages mirrors left-right, in place, the images of x (3 x side x
// side each).
func mirrorImages(x []float32, side int) {
	for r := 0; r+side <= len(x); r += side {
		slices.Reverse(x[r : r+side])
	}
}

// mirrorData returns a copy of d (3 x side x side images) mirrored
// left-right.
func mirrorData(d *nets.Data) *nets.Data {
	out := &nets.Data{X: slices.Clone(d.X), Shape: d.Shape, Labels: d.Labels}
	mirrorImages(out.X, d.Shape[2])
	return out
}

// viewsMix returns the EpochData of Config.FineTuneMirror and
// FineTuneCrops: each epoch, row i is that of one of views (the same
// images seen otherwise: mirrored, cropped elsewhere), drawn uniformly from
// rng. The returned set reuses one buffer (Train uses an epoch's set only
// during that epoch).
func viewsMix(views []*nets.Data, rng *rand.Rand) func(int) *nets.Data {
	first := views[0]
	out := &nets.Data{X: make([]float32, len(first.X)), Shape: first.Shape, Labels: first.Labels}
	return func(int) *nets.Data {
		n := len(first.X) / first.Len()
		for i := range first.Len() {
			copy(out.X[i*n:(i+1)*n], views[rng.IntN(len(views))].Row(i))
		}
		return out
	}
}

// viewsEval returns an evaluation function (mean cross-entropy and
// accuracy) that scores each set d by the mean of the class probabilities
// softmax(logits) of d and of each set of views[d], the same images seen
// otherwise (mirrored, cropped elsewhere): test-time averaging over the
// views. k is the number of classes.
func viewsEval(logits func(*nets.Data) ([]float32, error), views map[*nets.Data][]*nets.Data, k int) func(*nets.Data) (float64, float64, error) {
	return func(d *nets.Data) (float64, float64, error) {
		vs, ok := views[d]
		if !ok || len(vs) == 0 || slices.Contains(vs, nil) {
			return 0, 0, fmt.Errorf("flowers: no other views of a set of %d", d.Len())
		}
		p := make([][]float32, 0, 1+len(vs))
		for _, set := range append([]*nets.Data{d}, vs...) {
			z, err := logits(set)
			if err != nil {
				return 0, 0, err
			}
			p = append(p, z)
		}
		loss, correct := 0.0, 0
		for i, l := range d.Labels {
			mean := make([]float64, k)
			for _, z := range p {
				for j, v := range softmax(z[i*k : (i+1)*k]) {
					mean[j] += v
				}
			}
			best := 0
			for j := range mean {
				mean[j] /= float64(len(p))
				if mean[j] > mean[best] {
					best = j
				}
			}
			if best == l {
				correct++
			}
			loss -= math.Log(max(mean[l], math.SmallestNonzeroFloat64))
		}
		n := float64(d.Len())
		return loss / n, float64(correct) / n, nil
	}
}

// cornerFeatures runs SqueezeNet's layers below Config.FineTuneFrom (r)
// on the four corner crops of n images (corners, corner by corner as Decode
// writes them, side x side each) and then on their mirror images (mirrored
// in place), and copies the features of corner c to dst[c] and those of its
// mirror to dst[4+c], at offset off.
func cornerFeatures(r *nets.LayerRunner, corners []float32, side int, dst []*nets.Data, off int) error {
	size := len(corners) / 4
	for c := range 4 {
		in := corners[c*size : (c+1)*size]
		n := size / (3 * side * side)
		for v := range 2 {
			if v == 1 {
				mirrorImages(in, side)
			}
			f, err := r.Outputs(in, n, nil)
			if err != nil {
				return err
			}
			copy(dst[4*v+c].X[off:], f)
		}
	}
	return nil
}

// softmax returns the probabilities softmax(z), in float64.
func softmax(z []float32) []float64 {
	mx := float64(slices.Max(z))
	out := make([]float64, len(z))
	sum := 0.0
	for j, v := range z {
		out[j] = math.Exp(float64(v) - mx)
		sum += out[j]
	}
	for j := range out {
		out[j] /= sum
	}
	return out
}

// refitSplits returns the split that Config.Refit trains on, the training
// and validation images together (train's rows, then valid's; each view's
// features too), and an empty validation split of the same shapes. Where
// valid's rows follow train's in memory (loadFlowers allocates them so
// with Refit), the joined rows are train's slice extended over them, not a
// copy.
func refitSplits(train, valid *flowerSplit) (*flowerSplit, *flowerSplit) {
	cat := func(a, b *nets.Data) *nets.Data {
		if a == nil || b == nil {
			return nil
		}
		var x []float32
		if n := len(a.X); len(b.X) > 0 && cap(a.X) >= n+len(b.X) && &a.X[:n+1][n] == &b.X[0] {
			x = a.X[:n+len(b.X)]
		} else {
			x = slices.Concat(a.X, b.X)
		}
		return &nets.Data{X: x, Shape: a.Shape, Labels: slices.Concat(a.Labels, b.Labels)}
	}
	empty := func(a *nets.Data) *nets.Data {
		if a == nil {
			return nil
		}
		return &nets.Data{X: []float32{}, Shape: a.Shape, Labels: []int{}}
	}
	both := &flowerSplit{files: slices.Concat(train.files, valid.files),
		feats: cat(train.feats, valid.feats), mirror: cat(train.mirror, valid.mirror), small: cat(train.small, valid.small)}
	none := &flowerSplit{feats: empty(valid.feats), mirror: empty(valid.mirror), small: empty(valid.small)}
	if len(train.corners) == len(valid.corners) {
		for c := range train.corners {
			both.corners = append(both.corners, cat(train.corners[c], valid.corners[c]))
		}
	}
	return both, none
}
