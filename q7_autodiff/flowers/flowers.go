package flowers

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/disintegration/imaging"

	"recog/internal/augment"
	"recog/internal/blas"
	"recog/internal/cputime"
	"recog/internal/data"
	"recog/q7_autodiff/nets"
)

// Config are the settings of Q7.2 (Run). Zero fields take the
// defaults of DefaultConfig.
type Config struct {
	// DataDir holds flowers17/ and squeezenet/ (the repository's data/).
	DataDir string
	// Seed seeds initialisation, batch order, dropout and augmentation.
	Seed uint64
	// PerClass, if > 0, keeps only the first PerClass images of each class
	// in each split (quick runs and tests).
	PerClass int

	// Fine-tuning of SqueezeNet 1.1's classifier on the frozen features.
	FineTuneEpochs int
	FineTuneLR     float64 // Adam
	FineTuneBatch  int
	ExtractBatch   int // images per forward pass of the feature extraction
	// FineTuneSide is the side of SqueezeNet's input: the image's shorter
	// side resized to FineTuneSide·256/224, centre crop FineTuneSide. 0
	// means the assignment's (and ImageNet's) 224.
	FineTuneSide int
	// FineTuneFrom is the first SqueezeNet layer trained: the features of
	// layers 0..FineTuneFrom−1 are computed once and cached, and layers
	// FineTuneFrom..12 (from their ImageNet weights) are trained with the
	// new classifier (nets.NewSqueezeNetTail). 0 means 13, the
	// assignment's: only the classifier.
	FineTuneFrom int

	// The CNN trained from scratch (NewFlowersCNN).
	ScratchEpochs  int
	ScratchLR      float64 // Adam
	ScratchLRDecay float64 // learning-rate factor per epoch
	ScratchBatch   int
	ScratchSide    int // network input side (random crops of ScratchSide+ScratchSide/8)

	// SkipFineTune or SkipScratch leave one of the two models out.
	SkipFineTune, SkipScratch bool

	// The options of the improved recipes (issue #17, recipes.go). Their
	// zero values are the assignment's settings, which DefaultConfig keeps.

	// Recipe names the recipe in metrics.json ("" for the assignment's).
	Recipe string
	// ValidOnly leaves the test set alone (an ablation row, chosen on
	// validation accuracy): no test evaluation, test accuracies are NaN.
	ValidOnly bool
	// FineTuneMirror trains the head, each epoch, on the features of every
	// training image or, with probability 1/2, of its mirror image (one
	// more SqueezeNet pass per training image): flip augmentation on the
	// frozen features.
	FineTuneMirror bool
	// FineTuneTTA scores validation and test images by the mean of the
	// class probabilities of the image and of its mirror image (one more
	// SqueezeNet pass per validation and test image).
	FineTuneTTA bool
	// FineTuneWeightDecay, if > 0, is AdamW's decoupled weight decay λ.
	FineTuneWeightDecay float64
	// FineTuneCosine replaces the constant rate by a cosine schedule from
	// FineTuneLR over FineTuneEpochs (nets.Cosine).
	FineTuneCosine bool
	// FineTuneCrops trains the head, each epoch, on one of ten views of
	// every training image drawn at random: the centre crop, the four
	// corner crops (nets.ImageNetFiveCrops) and their mirror images (nine
	// more SqueezeNet passes per training image). It implies
	// FineTuneMirror.
	FineTuneCrops bool
	// FineTuneTenCrop scores validation and test images by the mean of
	// the class probabilities of ten views: the centre crop and the four
	// corner crops of the resized image (nets.ImageNetFiveCrops), and their
	// mirror images (eight more SqueezeNet passes per validation and test
	// image). It implies FineTuneTTA.
	FineTuneTenCrop bool
	// ScratchAugment, if not zero, warps every training image of the
	// scratch CNN at random each epoch (augment.Params.WarpChannels: the
	// geometric part, rotation, scale, aspect, shear) before its random
	// crop and flip.
	ScratchAugment augment.Params
	// ScratchTTA scores validation and test images by the mean of the class
	// probabilities of the centre crop and of its mirror image.
	ScratchTTA bool
	// ScratchWeightDecay, if > 0, is AdamW's decoupled weight decay λ.
	ScratchWeightDecay float64
	// ScratchCosine replaces the per-epoch decay ScratchLRDecay by a cosine
	// schedule from ScratchLR over ScratchEpochs (nets.Cosine).
	ScratchCosine bool
	// ScratchWidth is the number of filters of the scratch CNN's first
	// block (then twice and four times as many); 0 means the assignment's
	// 16.
	ScratchWidth int
	// Refit trains the final model on the training and validation images
	// together, once a recipe has been chosen on validation: the usual last
	// step of model selection (Goodfellow, Bengio and Courville, Deep
	// Learning, §7.8). With no validation set left, every epoch runs to the
	// end of the recipe's schedule and the last epoch's model is the one
	// reported; validation numbers are NaN.
	Refit bool
}

// assignmentWidth is the scratch CNN's first-block width of the assignment,
// and imageNetSide SqueezeNet's input side in the assignment (ImageNet's).
const (
	assignmentWidth = 16
	imageNetSide    = 224
)

// DefaultConfig returns the settings the docs report
// (docs/q7_flowers.md#results).
func DefaultConfig(dataDir string) Config {
	return Config{
		DataDir: dataDir, Seed: 1,
		FineTuneEpochs: 30, FineTuneLR: 1e-3, FineTuneBatch: 32, ExtractBatch: 8,
		ScratchEpochs: 40, ScratchLR: 1e-3, ScratchLRDecay: 0.95, ScratchBatch: 32, ScratchSide: 64,
	}
}

func (c *Config) fill() {
	d := DefaultConfig(c.DataDir)
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setF := func(v *float64, def float64) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&c.FineTuneEpochs, d.FineTuneEpochs)
	set(&c.FineTuneBatch, d.FineTuneBatch)
	set(&c.ExtractBatch, d.ExtractBatch)
	set(&c.ScratchEpochs, d.ScratchEpochs)
	set(&c.ScratchBatch, d.ScratchBatch)
	set(&c.ScratchSide, d.ScratchSide)
	set(&c.ScratchWidth, assignmentWidth)
	set(&c.FineTuneSide, imageNetSide)
	set(&c.FineTuneFrom, nets.SqueezeNetFeatureLayers)
	setF(&c.FineTuneLR, d.FineTuneLR)
	setF(&c.ScratchLR, d.ScratchLR)
	setF(&c.ScratchLRDecay, d.ScratchLRDecay)
}

// ModelRun is one trained model of Q7.2 with its curves. History holds
// the training and validation loss and accuracy per epoch; TestAcc and
// TestLoss are per epoch too. The reported test accuracy is that of
// BestEpoch, the epoch of highest validation accuracy (ties: lower
// validation loss, then earlier), and Model holds that epoch's parameters
// (call Model.Close when done with it).
type ModelRun struct {
	Name          string
	Model         *nets.Model
	History       *nets.History
	TestAcc       []float64 // per epoch
	TestLoss      []float64 // per epoch
	BestEpoch     int       // 1-based
	ParamsTrained int       // parameters updated by training
	ParamsTotal   int       // including frozen ones
	TrainSeconds  float64   // training steps and per-epoch evaluation
}

// Best returns the validation and test accuracy of BestEpoch.
func (r *ModelRun) Best() (validAcc, testAcc float64) {
	e := r.BestEpoch - 1
	return r.History.Epochs[e].ValidAcc, r.TestAcc[e]
}

// Stages are the wall-clock seconds of the stages of Run and, in CPU, the
// CPU seconds of this process during each (user + system, all threads; on a
// machine shared with other jobs, CPU time divided by the number of cores
// is what the wall time would be on an idle machine).
type Stages struct {
	StageTimes `metrics:"inline"`
	CPU        StageTimes `metrics:"inline,prefix=cpu_"`
}

// StageTimes are the seconds of each stage of Run.
type StageTimes struct {
	Decode   float64 `json:"decode_s"`   // JPEG decoding and both preprocessings
	Features float64 `json:"features_s"` // SqueezeNet forward passes (layers 0..12)
	FineTune float64 `json:"finetune_s"` // training the new classifier (with per-epoch evaluation)
	Scratch  float64 `json:"scratch_s"`  // training the CNN from scratch (with per-epoch evaluation)
	Total    float64 `json:"total_s"`    // everything, from listing the files
}

// stageTimer measures one stage's wall and CPU seconds.
type stageTimer struct {
	wall time.Time
	cpu  float64
}

func startStage() stageTimer { return stageTimer{time.Now(), cputime.Seconds()} }

// add adds the time since start to *wall and *cpu.
func (s stageTimer) add(wall, cpu *float64) {
	*wall += time.Since(s.wall).Seconds()
	*cpu += cputime.Seconds() - s.cpu
}

// Result is the outcome of RunFlowers.
type Result struct {
	Classes                   []string
	NumTrain, NumVal, NumTest int
	FineTune, Scratch         *ModelRun // nil when skipped
	Stages                    Stages
	BLAS                      string
}

// Close releases the models' inference graphs.
func (r *Result) Close() {
	for _, m := range []*ModelRun{r.FineTune, r.Scratch} {
		if m != nil && m.Model != nil {
			m.Model.Close()
		}
	}
}

// flowerImages are the decoded sets: SqueezeNet inputs are not kept (they
// become features chunk by chunk), the small images are.
type flowerSplit struct {
	files  []data.ImageFile
	feats  *nets.Data // SqueezeNet's features below layer FineTuneFrom (512 x 13 x 13 for the assignment's)
	mirror *nets.Data // the features of the mirrored images (Config.FineTuneMirror, FineTuneTTA), else nil
	// corners are the features of the four corner crops and of their
	// mirror images, in that order (Config.FineTuneTenCrop), else nil.
	corners []*nets.Data
	small   *nets.Data // 3 x S' x S' images for the scratch CNN, S' = side + side/8
}

// flowerFiles returns the files of each split (train, val, test), keeping
// the first perClass of each class when perClass > 0.
func flowerFiles(files []data.ImageFile, perClass int) [3][]data.ImageFile {
	var out [3][]data.ImageFile
	count := map[[2]any]int{}
	for _, f := range files {
		k := [2]any{f.Split, f.Class}
		if perClass > 0 && count[k] >= perClass {
			continue
		}
		count[k]++
		switch f.Split {
		case "train":
			out[0] = append(out[0], f)
		case "val":
			out[1] = append(out[1], f)
		case "test":
			out[2] = append(out[2], f)
		}
	}
	return out
}

// Decode decodes files[lo:hi] on GOMAXPROCS goroutines into the
// SqueezeNet input big (3 x b x b each, nets.ImageNetPreprocess(img,
// b·256/224, b); b = 224: ImageNet's 256 and 224) when big is not nil and the
// small input (nets.ImageNetPreprocess(img, s, s)) into small[i] for file i:
// the decoding stage of Run (and of `recog bench --run q7/flowers-decode`).
// When corners is not nil, it also gets the four corner crops of each
// SqueezeNet input (nets.ImageNetFiveCrops), corner by corner: corner c of
// file i at (c·(hi−lo) + i−lo)·3b².
func Decode(files []data.ImageFile, lo, hi int, big []float32, b int, small []float32, s int, corners []float32) error {
	bigSize := 3 * b * b
	errs := make([]error, hi-lo)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f := files[i]
				img, err := imaging.Open(f.Path)
				if err != nil {
					errs[i-lo] = fmt.Errorf("%s: %w", f.Path, err)
					continue
				}
				// Both resizes start by converting the JPEG's YCbCr to
				// 8-bit RGBA; doing it once (the same conversion) leaves them
				// a plain copy.
				img = imaging.Clone(img)
				switch {
				case big != nil && corners != nil:
					v, err := nets.ImageNetFiveCrops(img, b*256/imageNetSide, b)
					if err != nil {
						errs[i-lo] = fmt.Errorf("%s: %w", f.Path, err)
						continue
					}
					copy(big[(i-lo)*bigSize:], v[0])
					for c := range 4 {
						copy(corners[(c*(hi-lo)+i-lo)*bigSize:], v[c+1])
					}
				case big != nil:
					x, err := nets.ImageNetPreprocess(img, b*256/imageNetSide, b)
					if err != nil {
						errs[i-lo] = fmt.Errorf("%s: %w", f.Path, err)
						continue
					}
					copy(big[(i-lo)*bigSize:], x)
				}
				x, err := nets.ImageNetPreprocess(img, s, s)
				if err != nil {
					errs[i-lo] = fmt.Errorf("%s: %w", f.Path, err)
					continue
				}
				copy(small[i*3*s*s:], x)
			}
		}()
	}
	for i := lo; i < hi; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// loadFlowers decodes every image once; for the fine-tuning it also runs
// SqueezeNet's feature layers (m) on chunks of decoded images, so that only
// the 512 x 13 x 13 features of all images are held.
func loadFlowers(cfg Config, splits [3][]data.ImageFile, m *nets.Model, st *Stages, progress io.Writer) ([3]*flowerSplit, error) {
	var out [3]*flowerSplit
	s := cfg.ScratchSide + cfg.ScratchSide/8
	const chunk = 64
	var big, corners []float32
	var featSize int
	var features *nets.LayerRunner
	if m != nil {
		big = make([]float32, chunk*m.InputSize())
		featSize = size(nets.ShapeAt(m, cfg.FineTuneFrom))
		var err error
		if features, err = nets.NewLayerRunner(m, cfg.FineTuneFrom, cfg.ExtractBatch); err != nil {
			return out, err
		}
		defer features.Close()
	}
	done, total := 0, len(splits[0])+len(splits[1])+len(splits[2])
	start := time.Now()
	// rows returns the buffer of view key of split k (n rows of sz floats).
	// With Refit, the training split's buffer of each view has room for the
	// validation rows too, and the validation split's buffer of that view is
	// that room, so refitSplits joins them without a copy: ten views of the
	// 1,020 images are 3.5 GB.
	room := map[string][]float32{}
	rows := func(k int, key string, n, sz int) []float32 {
		switch {
		case cfg.Refit && k == 0:
			room[key] = make([]float32, n*sz, (n+len(splits[1]))*sz)
			return room[key]
		case cfg.Refit && k == 1:
			b := room[key]
			return b[len(b) : len(b)+n*sz]
		}
		return make([]float32, n*sz)
	}
	for k, files := range splits {
		fs := &flowerSplit{files: files}
		labels := make([]int, len(files))
		for i, f := range files {
			labels[i] = f.Class
		}
		fs.small = &nets.Data{X: rows(k, "small", len(files), 3*s*s), Shape: []int{3, s, s}, Labels: labels}
		// Mirrored features: of the training images for FineTuneMirror (and
		// of the validation images when they train too, Refit), of the
		// validation and test images for FineTuneTTA.
		trains := k == 0 || k == 1 && cfg.Refit
		withMirror := m != nil && (trains && (cfg.FineTuneMirror || cfg.FineTuneCrops) || k > 0 && (cfg.FineTuneTTA || cfg.FineTuneTenCrop))
		withCorners := m != nil && (trains && cfg.FineTuneCrops || !trains && cfg.FineTuneTenCrop)
		corners = nil
		if m != nil {
			shape := nets.ShapeAt(m, cfg.FineTuneFrom)
			fs.feats = &nets.Data{X: rows(k, "feats", len(files), featSize), Shape: shape, Labels: labels}
			if withMirror {
				fs.mirror = &nets.Data{X: rows(k, "mirror", len(files), featSize), Shape: shape, Labels: labels}
			}
			if withCorners {
				corners = make([]float32, 4*chunk*m.InputSize())
				for c := range 8 {
					fs.corners = append(fs.corners, &nets.Data{X: rows(k, fmt.Sprint("corner", c), len(files), featSize), Shape: shape, Labels: labels})
				}
			}
		}
		for lo := 0; lo < len(files); lo += chunk {
			hi := min(lo+chunk, len(files))
			t0 := startStage()
			if err := Decode(files, lo, hi, big, cfg.FineTuneSide, fs.small.X, s, corners); err != nil {
				return out, err
			}
			t0.add(&st.Decode, &st.CPU.Decode)
			if m != nil {
				t0 = startStage()
				f, err := features.Outputs(big[:(hi-lo)*m.InputSize()], hi-lo, nil)
				if err != nil {
					return out, err
				}
				copy(fs.feats.X[lo*featSize:], f)
				if withMirror {
					in := big[:(hi-lo)*m.InputSize()]
					mirrorImages(in, cfg.FineTuneSide)
					if f, err = features.Outputs(in, hi-lo, nil); err != nil {
						return out, err
					}
					copy(fs.mirror.X[lo*featSize:], f)
				}
				if withCorners {
					if err := cornerFeatures(features, corners[:4*(hi-lo)*m.InputSize()], cfg.FineTuneSide, fs.corners, lo*featSize); err != nil {
						return out, err
					}
				}
				t0.add(&st.Features, &st.CPU.Features)
			}
			done += hi - lo
			if progress != nil {
				fmt.Fprintf(progress, "images %d/%d decoded%s (%.0f s)\n", done, total,
					map[bool]string{true: " and through SqueezeNet's features", false: ""}[m != nil], time.Since(start).Seconds())
			}
		}
		out[k] = fs
	}
	return out, nil
}

// NewCNN is the network trained from scratch on side x side RGB
// images: three blocks of conv 3x3 (padding 1) + ReLU + max-pool 2 with 16,
// 32 and 64 filters, then Dropout(0.5), fully connected
// 64·(side/8)² -> 128, ReLU, Dropout(0.5), 128 -> classes. PyTorch's
// default init.
func NewCNN(side int, classes []string, rng *rand.Rand) (*nets.Model, error) {
	return newCNN(side, assignmentWidth, classes, rng)
}

// newCNN is NewCNN with width, 2·width and 4·width filters (Config.ScratchWidth).
func newCNN(side, width int, classes []string, rng *rand.Rand) (*nets.Model, error) {
	if side < 8 || side%8 != 0 {
		return nil, fmt.Errorf("flowers CNN: side %d is not a positive multiple of 8", side)
	}
	if width < 1 {
		return nil, fmt.Errorf("flowers CNN: width %d is below 1", width)
	}
	return nets.NewModel("flowers-cnn", []int{3, side, side}, classes, rng,
		nets.Conv2D{Out: width, K: 3, Pad: 1, ReLU: true}, nets.MaxPool2D{K: 2},
		nets.Conv2D{Out: 2 * width, K: 3, Pad: 1, ReLU: true}, nets.MaxPool2D{K: 2},
		nets.Conv2D{Out: 4 * width, K: 3, Pad: 1, ReLU: true}, nets.MaxPool2D{K: 2},
		nets.Dropout{P: 0.5}, nets.Dense{Out: 128}, nets.ReLU{}, nets.Dropout{P: 0.5}, nets.Dense{Out: len(classes)})
}

// tracker records the test numbers per epoch and keeps the parameters of
// the best validation epoch (Config.OnEpoch of nets.Train).
type tracker struct {
	m          *nets.Model
	eval       func(*nets.Data) (loss, acc float64, err error)
	test       *nets.Data
	run        *ModelRun
	best       [][]float32
	bestAcc    float64
	bestLoss   float64
	progress   io.Writer
	trainStart time.Time
	schedule   func(nets.EpochStats) error // the learning-rate schedule (nets.Cosine), or nil
}

func (t *tracker) epoch(st nets.EpochStats) error {
	loss, acc := math.NaN(), math.NaN()
	if t.test != nil { // nil: a ValidOnly run
		var err error
		if loss, acc, err = t.eval(t.test); err != nil {
			return err
		}
	}
	t.run.TestAcc = append(t.run.TestAcc, acc)
	t.run.TestLoss = append(t.run.TestLoss, loss)
	// Without a validation set (Config.Refit) ValidAcc is NaN and the last
	// epoch is kept.
	if t.best == nil || math.IsNaN(st.ValidAcc) || st.ValidAcc > t.bestAcc || (st.ValidAcc == t.bestAcc && st.ValidLoss < t.bestLoss) {
		t.best, t.bestAcc, t.bestLoss, t.run.BestEpoch = t.m.Snapshot(), st.ValidAcc, st.ValidLoss, st.Epoch
	}
	if t.progress != nil && t.test != nil {
		fmt.Fprintf(t.progress, "%s epoch %d: test loss %.4f acc %.4f\n", t.m.Name, st.Epoch, loss, acc)
	}
	if t.schedule != nil {
		return t.schedule(st)
	}
	return nil
}

func (t *tracker) finish(h *nets.History) {
	t.run.History = h
	t.run.TrainSeconds = time.Since(t.trainStart).Seconds()
	t.m.Restore(t.best)
}

// fineTune trains the new classifier, and SqueezeNet's layers from
// cfg.FineTuneFrom on (those of sq), on the cached features.
func fineTune(cfg Config, classes []string, sets [3]*flowerSplit, sq *nets.Model, progress io.Writer) (*ModelRun, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xf10e5))
	var m *nets.Model
	var err error
	if cfg.FineTuneFrom < nets.SqueezeNetFeatureLayers {
		m, err = nets.NewSqueezeNetTail(sq, cfg.FineTuneFrom, classes, rng)
	} else {
		m, err = nets.NewSqueezeNetHeadOn(sets[0].feats.Shape[1], classes, rng)
	}
	if err != nil {
		return nil, err
	}
	run := &ModelRun{Name: "squeezenet1.1 fine-tuned", Model: m, ParamsTrained: m.NumParams(), ParamsTotal: sq.NumParams()}
	eval := func(d *nets.Data) (float64, float64, error) { return nets.Evaluate(m, d) }
	if cfg.FineTuneTTA || cfg.FineTuneTenCrop {
		// The other views of each validation and test image: its mirror,
		// and with FineTuneTenCrop the corner crops and theirs.
		views := map[*nets.Data][]*nets.Data{}
		for _, s := range sets[1:] {
			views[s.feats] = append([]*nets.Data{s.mirror}, s.corners...)
		}
		eval = viewsEval(func(d *nets.Data) ([]float32, error) { return m.Logits(d.X, d.Len()) }, views, len(classes))
	}
	opt := optimizer(cfg.FineTuneLR, cfg.FineTuneWeightDecay)
	tr := &tracker{m: m, test: sets[2].feats, run: run, progress: progress, trainStart: time.Now(), eval: eval}
	if cfg.ValidOnly {
		tr.test = nil
	}
	if cfg.FineTuneCosine {
		tr.schedule = nets.Cosine(opt, cfg.FineTuneLR, cfg.FineTuneEpochs)
	}
	if progress != nil {
		fmt.Fprintf(progress, "%v\nfine-tuning on %d cached feature maps, %s, batch %d, %d epochs\n",
			m, sets[0].feats.Len(), fineTuneSetup(cfg), cfg.FineTuneBatch, cfg.FineTuneEpochs)
	}
	tc := nets.Config{Epochs: cfg.FineTuneEpochs, BatchSize: min(cfg.FineTuneBatch, sets[0].feats.Len()),
		Optimizer: opt, Rand: rng, Progress: progress, OnEpoch: tr.epoch, Eval: eval}
	if cfg.FineTuneMirror || cfg.FineTuneCrops {
		// The training views: the image and its mirror, and with
		// FineTuneCrops the corner crops and theirs.
		views := append([]*nets.Data{sets[0].feats, sets[0].mirror}, sets[0].corners...)
		if cfg.FineTuneCrops && len(views) != 10 {
			return nil, fmt.Errorf("flowers: %d views of the training images for FineTuneCrops, want 10", len(views))
		}
		tc.EpochData = viewsMix(views, rand.New(rand.NewPCG(cfg.Seed, 0x3177)))
	}
	h, err := nets.Train(m, sets[0].feats, sets[1].feats, tc)
	if err != nil {
		return nil, err
	}
	tr.finish(h)
	return run, nil
}

// cropData returns side x side crops of the images of d (3 x S x S): the
// centre crop when rng is nil, else a crop at a uniformly random offset,
// mirrored left-right with probability 1/2.
func cropData(d *nets.Data, side int, rng *rand.Rand) *nets.Data {
	s := d.Shape[1]
	out := &nets.Data{X: make([]float32, d.Len()*3*side*side), Shape: []int{3, side, side}, Labels: d.Labels}
	for n := 0; n < d.Len(); n++ {
		top, left, flip := (s-side)/2, (s-side)/2, false
		if rng != nil {
			top, left, flip = rng.IntN(s-side+1), rng.IntN(s-side+1), rng.IntN(2) == 1
		}
		src, dst := d.Row(n), out.X[n*3*side*side:]
		for c := 0; c < 3; c++ {
			for i := 0; i < side; i++ {
				row := src[(c*s+top+i)*s+left:][:side]
				o := dst[(c*side+i)*side:][:side]
				if flip {
					for j := range o {
						o[j] = row[side-1-j]
					}
				} else {
					copy(o, row)
				}
			}
		}
	}
	return out
}

// scratch trains NewCNN with random crops and flips drawn afresh every
// epoch (nets.Config.EpochData); validation and test use centre crops.
func scratch(cfg Config, classes []string, sets [3]*flowerSplit, progress io.Writer) (*ModelRun, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5c7a7c4))
	side := cfg.ScratchSide
	m, err := newCNN(side, cfg.ScratchWidth, classes, rng)
	if err != nil {
		return nil, err
	}
	valid, test := cropData(sets[1].small, side, nil), cropData(sets[2].small, side, nil)
	run := &ModelRun{Name: "CNN from scratch", Model: m, ParamsTrained: m.NumParams(), ParamsTotal: m.NumParams()}
	evalBatch := valid.Len()
	if evalBatch == 0 { // Config.Refit: no validation set
		evalBatch = test.Len()
	}
	ev, err := nets.NewEvaluator(m, evalBatch)
	if err != nil {
		return nil, err
	}
	defer ev.Close()
	eval := ev.Evaluate
	if cfg.ScratchTTA {
		eval = viewsEval(ev.Logits, map[*nets.Data][]*nets.Data{valid: {mirrorData(valid)}, test: {mirrorData(test)}}, len(classes))
	}
	tr := &tracker{m: m, eval: eval, test: test, run: run, progress: progress, trainStart: time.Now()}
	if cfg.ValidOnly {
		tr.test = nil
	}
	opt := optimizer(cfg.ScratchLR, cfg.ScratchWeightDecay)
	decay := cfg.ScratchLRDecay
	if cfg.ScratchCosine {
		tr.schedule, decay = nets.Cosine(opt, cfg.ScratchLR, cfg.ScratchEpochs), 0
	}
	b := min(cfg.ScratchBatch, sets[0].small.Len())
	s := sets[0].small.Shape[1]
	if progress != nil {
		fmt.Fprintf(progress, "%v\ntraining from scratch on %d images (random %dx%d crops of %dx%d, flips), %s, batch %d, %d epochs\n",
			m, sets[0].small.Len(), side, side, s, s, scratchSetup(cfg), b, cfg.ScratchEpochs)
	}
	h, err := nets.Train(m, nil, valid, nets.Config{Epochs: cfg.ScratchEpochs, BatchSize: b, Optimizer: opt, Rand: rng,
		LRDecay: decay, Progress: progress, OnEpoch: tr.epoch, Eval: eval,
		EpochData: func(ep int) *nets.Data {
			train := sets[0].small
			if !cfg.ScratchAugment.Zero() {
				train = &nets.Data{X: cfg.ScratchAugment.WarpBatch(train.X, 3, s, s, cfg.Seed, ep), Shape: train.Shape, Labels: train.Labels}
			}
			return cropData(train, side, rng)
		}})
	if err != nil {
		return nil, err
	}
	tr.finish(h)
	return run, nil
}

// Run is Q7.2: on the course's 40/20/20 split of Oxford Flowers 17
// (cfg.DataDir/flowers17) it
//
//  1. decodes every image once, preprocessing it as torchvision's ImageNet
//     models expect (nets.ImageNetPreprocess(img, 256, 224)) and, for the
//     scratch CNN, to a small square;
//  2. runs SqueezeNet 1.1's feature layers with the ImageNet weights of
//     cfg.DataDir/squeezenet once per image (512 x 13 x 13 each, kept);
//  3. trains only a new classifier (nets.NewSqueezeNetHead) on those features;
//  4. trains NewCNN from scratch on the same split;
//
// and reports curves, the test accuracy of the best validation epoch and the
// time of each stage. Progress lines go to progress (may be nil).
func Run(cfg Config, progress io.Writer) (*Result, error) {
	cfg.fill()
	if cfg.FineTuneFrom > nets.SqueezeNetFeatureLayers {
		return nil, fmt.Errorf("flowers: FineTuneFrom %d is past SqueezeNet's feature layers 0..%d", cfg.FineTuneFrom, nets.SqueezeNetFeatureLayers-1)
	}
	start := startStage()
	files, classes, err := data.ReadFlowers17(filepath.Join(cfg.DataDir, "flowers17"))
	if err != nil {
		return nil, err
	}
	splits := flowerFiles(files, cfg.PerClass)
	res := &Result{Classes: classes, NumTrain: len(splits[0]), NumVal: len(splits[1]), NumTest: len(splits[2]), BLAS: blas.Name()}
	var sq *nets.Model
	if !cfg.SkipFineTune {
		if sq, err = nets.NewSqueezeNet11(cfg.FineTuneSide, classes, rand.New(rand.NewPCG(cfg.Seed, 1))); err != nil {
			return nil, err
		}
		if err := nets.LoadSqueezeNetWeights(sq, filepath.Join(cfg.DataDir, "squeezenet", data.SqueezeNetFile), true); err != nil {
			return nil, err
		}
	}
	sets, err := loadFlowers(cfg, splits, sq, &res.Stages, progress)
	if err != nil {
		return nil, err
	}
	if cfg.Refit {
		sets[0], sets[1] = refitSplits(sets[0], sets[1])
		res.NumTrain, res.NumVal = len(sets[0].files), 0
	}
	if sq != nil {
		sq.Close()
		t0 := startStage()
		if res.FineTune, err = fineTune(cfg, classes, sets, sq, progress); err != nil {
			return nil, err
		}
		t0.add(&res.Stages.FineTune, &res.Stages.CPU.FineTune)
		for _, s := range sets {
			s.feats, s.mirror, s.corners = nil, nil, nil
		}
	}
	if !cfg.SkipScratch {
		t0 := startStage()
		if res.Scratch, err = scratch(cfg, classes, sets, progress); err != nil {
			return nil, err
		}
		t0.add(&res.Stages.Scratch, &res.Stages.CPU.Scratch)
	}
	start.add(&res.Stages.Total, &res.Stages.CPU.Total)
	return res, nil
}

// size returns the product of the dimensions of s.
func size(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}
