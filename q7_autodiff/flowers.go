package autodiff

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/disintegration/imaging"

	"recog/internal/blas"
	"recog/internal/data"
)

// FlowersConfig are the settings of Q7.2 (RunFlowers). Zero fields take the
// defaults of DefaultFlowersConfig.
type FlowersConfig struct {
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

	// The CNN trained from scratch (NewFlowersCNN).
	ScratchEpochs  int
	ScratchLR      float64 // Adam
	ScratchLRDecay float64 // learning-rate factor per epoch
	ScratchBatch   int
	ScratchSide    int // network input side (random crops of ScratchSide+ScratchSide/8)

	// SkipFineTune or SkipScratch leave one of the two models out.
	SkipFineTune, SkipScratch bool
}

// DefaultFlowersConfig returns the settings the docs report
// (docs/q7_flowers.md#results).
func DefaultFlowersConfig(dataDir string) FlowersConfig {
	return FlowersConfig{
		DataDir: dataDir, Seed: 1,
		FineTuneEpochs: 30, FineTuneLR: 1e-3, FineTuneBatch: 32, ExtractBatch: 8,
		ScratchEpochs: 40, ScratchLR: 1e-3, ScratchLRDecay: 0.95, ScratchBatch: 32, ScratchSide: 64,
	}
}

func (c *FlowersConfig) fill() {
	d := DefaultFlowersConfig(c.DataDir)
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
	setF(&c.FineTuneLR, d.FineTuneLR)
	setF(&c.ScratchLR, d.ScratchLR)
	setF(&c.ScratchLRDecay, d.ScratchLRDecay)
}

// FlowersRun is one trained model of Q7.2 with its curves. History holds
// the training and validation loss and accuracy per epoch; TestAcc and
// TestLoss are per epoch too. The reported test accuracy is that of
// BestEpoch, the epoch of highest validation accuracy (ties: lower
// validation loss, then earlier), and Model holds that epoch's parameters
// (call Model.Close when done with it).
type FlowersRun struct {
	Name          string
	Model         *Model
	History       *History
	TestAcc       []float64 // per epoch
	TestLoss      []float64 // per epoch
	BestEpoch     int       // 1-based
	ParamsTrained int       // parameters updated by training
	ParamsTotal   int       // including frozen ones
	TrainSeconds  float64   // training steps and per-epoch evaluation
}

// Best returns the validation and test accuracy of BestEpoch.
func (r *FlowersRun) Best() (validAcc, testAcc float64) {
	e := r.BestEpoch - 1
	return r.History.Epochs[e].ValidAcc, r.TestAcc[e]
}

// FlowersStages are the wall-clock seconds of the stages of RunFlowers and,
// in CPU, the CPU seconds of this process during each (user + system, all
// threads; on a machine shared with other jobs, CPU time divided by the
// number of cores is what the wall time would be on an idle machine).
type FlowersStages struct {
	Decode   float64 `json:"decode_s"`   // JPEG decoding and both preprocessings
	Features float64 `json:"features_s"` // SqueezeNet forward passes (layers 0..12)
	FineTune float64 `json:"finetune_s"` // training the new classifier (with per-epoch evaluation)
	Scratch  float64 `json:"scratch_s"`  // training the CNN from scratch (with per-epoch evaluation)
	Total    float64 `json:"total_s"`    // everything, from listing the files
	CPU      struct {
		Decode, Features, FineTune, Scratch, Total float64
	} `json:"cpu_s"`
}

// stageTimer measures one stage's wall and CPU seconds.
type stageTimer struct {
	wall time.Time
	cpu  float64
}

func startStage() stageTimer { return stageTimer{time.Now(), cpuTime()} }

// add adds the time since start to *wall and *cpu.
func (s stageTimer) add(wall, cpu *float64) {
	*wall += time.Since(s.wall).Seconds()
	*cpu += cpuTime() - s.cpu
}

// FlowersResult is the outcome of RunFlowers.
type FlowersResult struct {
	Classes                   []string
	NumTrain, NumVal, NumTest int
	FineTune, Scratch         *FlowersRun // nil when skipped
	Stages                    FlowersStages
	BLAS                      string
}

// flowerImages are the decoded sets: SqueezeNet inputs are not kept (they
// become features chunk by chunk), the small images are.
type flowerSplit struct {
	files []data.ImageFile
	feats *Data // 512 x 13 x 13 SqueezeNet features
	small *Data // 3 x S' x S' images for the scratch CNN, S' = side + side/8
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

// decodeFlowers decodes files[lo:hi] on GOMAXPROCS goroutines into the
// SqueezeNet input big (3 x 224 x 224 each, ImageNetPreprocess(img, 256,
// 224)) when big is not nil and the small input (ImageNetPreprocess(img, s,
// s)) into small[i] for file i.
func decodeFlowers(files []data.ImageFile, lo, hi int, big []float32, small []float32, s int) error {
	const bigSize = 3 * 224 * 224
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
				if big != nil {
					x, err := ImageNetPreprocess(img, 256, 224)
					if err != nil {
						errs[i-lo] = fmt.Errorf("%s: %w", f.Path, err)
						continue
					}
					copy(big[(i-lo)*bigSize:], x)
				}
				x, err := ImageNetPreprocess(img, s, s)
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
func loadFlowers(cfg FlowersConfig, splits [3][]data.ImageFile, m *Model, st *FlowersStages, progress io.Writer) ([3]*flowerSplit, error) {
	var out [3]*flowerSplit
	s := cfg.ScratchSide + cfg.ScratchSide/8
	const chunk = 64
	var big []float32
	var featSize int
	if m != nil {
		big = make([]float32, chunk*m.InputSize())
		featSize = prod(ShapeAt(m, squeezeFeatureLayers))
	}
	done, total := 0, len(splits[0])+len(splits[1])+len(splits[2])
	start := time.Now()
	for k, files := range splits {
		fs := &flowerSplit{files: files}
		labels := make([]int, len(files))
		for i, f := range files {
			labels[i] = f.Class
		}
		fs.small = &Data{X: make([]float32, len(files)*3*s*s), Shape: []int{3, s, s}, Labels: labels}
		if m != nil {
			fs.feats = &Data{X: make([]float32, len(files)*featSize), Shape: ShapeAt(m, squeezeFeatureLayers), Labels: labels}
		}
		for lo := 0; lo < len(files); lo += chunk {
			hi := min(lo+chunk, len(files))
			t0 := startStage()
			if err := decodeFlowers(files, lo, hi, big, fs.small.X, s); err != nil {
				return out, err
			}
			t0.add(&st.Decode, &st.CPU.Decode)
			if m != nil {
				t0 = startStage()
				f, err := LayerOutputs(m, big[:(hi-lo)*m.InputSize()], hi-lo, squeezeFeatureLayers, cfg.ExtractBatch, nil)
				if err != nil {
					return out, err
				}
				copy(fs.feats.X[lo*featSize:], f)
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

// NewFlowersHead is the new classifier of the fine-tuned SqueezeNet 1.1 on
// its frozen 512 x 13 x 13 features: Dropout(0.5), conv 1x1 512->classes
// with ReLU, global average pool (torchvision's classifier with
// len(classes) outputs), initialised as torchvision does: N(0, 0.01²)
// weights, zero biases.
func NewFlowersHead(classes []string, rng *rand.Rand) (*Model, error) {
	m, err := NewModel("squeezenet1.1-head", []int{512, 13, 13}, classes, rng, squeezeNetHead(len(classes))...)
	if err != nil {
		return nil, err
	}
	initClassifier(m, 1, rng)
	return m, nil
}

// NewFlowersCNN is the network trained from scratch on side x side RGB
// images: three blocks of conv 3x3 (padding 1) + ReLU + max-pool 2 with 16,
// 32 and 64 filters, then Dropout(0.5), fully connected
// 64·(side/8)² -> 128, ReLU, Dropout(0.5), 128 -> classes. PyTorch's
// default init.
func NewFlowersCNN(side int, classes []string, rng *rand.Rand) (*Model, error) {
	if side < 8 || side%8 != 0 {
		return nil, fmt.Errorf("flowers CNN: side %d is not a positive multiple of 8", side)
	}
	return NewModel("flowers-cnn", []int{3, side, side}, classes, rng,
		Conv2D{Out: 16, K: 3, Pad: 1, ReLU: true}, MaxPool2D{K: 2},
		Conv2D{Out: 32, K: 3, Pad: 1, ReLU: true}, MaxPool2D{K: 2},
		Conv2D{Out: 64, K: 3, Pad: 1, ReLU: true}, MaxPool2D{K: 2},
		Dropout{P: 0.5}, Dense{Out: 128}, ReLU{}, Dropout{P: 0.5}, Dense{Out: len(classes)})
}

// snapshot copies the parameter values of m.
func snapshot(m *Model) [][]float32 {
	out := make([][]float32, len(m.Params))
	for i, p := range m.Params {
		out[i] = slices.Clone(p.Data())
	}
	return out
}

func restore(m *Model, s [][]float32) {
	for i, p := range m.Params {
		copy(p.Data(), s[i])
	}
}

// evaluator is an inference graph of a whole model whose batch size fits
// the sets it evaluates (Model.Logits pads every call to 250 examples).
type evaluator struct {
	m *Model
	p *prefixNet
}

// newEvaluator builds the graph for sets of n examples: batches of
// ⌈n / ⌈n/64⌉⌉ examples.
func newEvaluator(m *Model, n int) (*evaluator, error) {
	nb := (n + 63) / 64
	p, err := buildPrefix(m, (n+nb-1)/nb, len(m.Layers))
	if err != nil {
		return nil, err
	}
	return &evaluator{m: m, p: p}, nil
}

func (e *evaluator) Close() { e.p.vm.Close() }

// eval returns the mean cross-entropy loss and the accuracy of the model on
// d, as Evaluate.
func (e *evaluator) eval(d *Data) (loss, acc float64, err error) {
	if err := d.check(e.m, "evaluation"); err != nil {
		return 0, 0, err
	}
	s, k, b := e.m.InputSize(), len(e.m.Classes), e.p.batch
	correct := 0
	for lo := 0; lo < d.Len(); lo += b {
		hi := min(lo+b, d.Len())
		copy(e.p.xData, d.X[lo*s:hi*s])
		clear(e.p.xData[(hi-lo)*s:])
		if err := e.p.vm.RunAll(); err != nil {
			return 0, 0, fmt.Errorf("model %s: %w", e.m.Name, err)
		}
		z := e.p.out.Value().Data().([]float32)
		e.p.vm.Reset()
		for i := lo; i < hi; i++ {
			zi := z[(i-lo)*k : (i-lo+1)*k]
			l := d.Labels[i]
			if argmax(zi) == l {
				correct++
			}
			mx, lse := logSumExp(zi)
			loss -= float64(zi[l]) - mx - lse
		}
	}
	n := float64(d.Len())
	return loss / n, float64(correct) / n, nil
}

// tracker records the test numbers per epoch and keeps the parameters of
// the best validation epoch.
type tracker struct {
	m          *Model
	ev         *evaluator // nil: Evaluate
	test       *Data
	run        *FlowersRun
	best       [][]float32
	bestAcc    float64
	bestLoss   float64
	evalErr    error
	progress   io.Writer
	trainStart time.Time
}

func (t *tracker) epoch(st EpochStats) {
	if t.evalErr != nil {
		return
	}
	var loss, acc float64
	var err error
	if t.ev != nil {
		loss, acc, err = t.ev.eval(t.test)
	} else {
		loss, acc, err = Evaluate(t.m, t.test)
	}
	if err != nil {
		t.evalErr = err
		return
	}
	t.run.TestAcc = append(t.run.TestAcc, acc)
	t.run.TestLoss = append(t.run.TestLoss, loss)
	if t.best == nil || st.ValidAcc > t.bestAcc || (st.ValidAcc == t.bestAcc && st.ValidLoss < t.bestLoss) {
		t.best, t.bestAcc, t.bestLoss, t.run.BestEpoch = snapshot(t.m), st.ValidAcc, st.ValidLoss, st.Epoch
	}
}

func (t *tracker) finish(h *History) {
	t.run.History = h
	t.run.TrainSeconds = time.Since(t.trainStart).Seconds()
	restore(t.m, t.best)
}

// fineTune trains the new classifier on the cached features.
func fineTune(cfg FlowersConfig, classes []string, sets [3]*flowerSplit, frozen int, progress io.Writer) (*FlowersRun, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xf10e5))
	m, err := NewFlowersHead(classes, rng)
	if err != nil {
		return nil, err
	}
	run := &FlowersRun{Name: "squeezenet1.1 fine-tuned", Model: m, ParamsTrained: m.NumParams(), ParamsTotal: frozen + m.NumParams()}
	tr := &tracker{m: m, test: sets[2].feats, run: run, trainStart: time.Now()}
	if progress != nil {
		fmt.Fprintf(progress, "%v\nfine-tuning on %d cached feature maps, Adam(lr=%g), batch %d, %d epochs\n",
			m, sets[0].feats.Len(), cfg.FineTuneLR, cfg.FineTuneBatch, cfg.FineTuneEpochs)
	}
	h, err := Train(m, sets[0].feats, sets[1].feats, Config{Epochs: cfg.FineTuneEpochs, BatchSize: min(cfg.FineTuneBatch, sets[0].feats.Len()),
		Optimizer: &Adam{LR: cfg.FineTuneLR}, Rand: rng, Progress: progress, OnEpoch: tr.epoch})
	if err != nil {
		return nil, err
	}
	if tr.evalErr != nil {
		return nil, tr.evalErr
	}
	tr.finish(h)
	return run, nil
}

// cropData returns side x side crops of the images of d (3 x S x S): the
// centre crop when rng is nil, else a crop at a uniformly random offset,
// mirrored left-right with probability 1/2.
func cropData(d *Data, side int, rng *rand.Rand) *Data {
	s := d.Shape[1]
	out := &Data{X: make([]float32, d.Len()*3*side*side), Shape: []int{3, side, side}, Labels: d.Labels}
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

// scratch trains NewFlowersCNN with random crops and flips drawn afresh
// every epoch; validation and test use centre crops.
func scratch(cfg FlowersConfig, classes []string, sets [3]*flowerSplit, progress io.Writer) (*FlowersRun, error) {
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5c7a7c4))
	side := cfg.ScratchSide
	m, err := NewFlowersCNN(side, classes, rng)
	if err != nil {
		return nil, err
	}
	valid, test := cropData(sets[1].small, side, nil), cropData(sets[2].small, side, nil)
	run := &FlowersRun{Name: "CNN from scratch", Model: m, ParamsTrained: m.NumParams(), ParamsTotal: m.NumParams()}
	ev, err := newEvaluator(m, valid.Len())
	if err != nil {
		return nil, err
	}
	defer ev.Close()
	tr := &tracker{m: m, ev: ev, test: test, run: run, trainStart: time.Now()}
	opt := &Adam{LR: cfg.ScratchLR}
	b := min(cfg.ScratchBatch, sets[0].small.Len())
	t, err := NewTrainer(m, Config{BatchSize: b, Optimizer: opt, Rand: rng})
	if err != nil {
		return nil, err
	}
	defer t.Close()
	if progress != nil {
		fmt.Fprintf(progress, "%v\ntraining from scratch on %d images (random %dx%d crops of %dx%d, flips), %v, batch %d, %d epochs\n",
			m, sets[0].small.Len(), side, side, sets[0].small.Shape[1], sets[0].small.Shape[1], opt, b, cfg.ScratchEpochs)
	}
	h := &History{}
	idx := make([]int, b)
	for i := range idx {
		idx[i] = i
	}
	for ep := 1; ep <= cfg.ScratchEpochs; ep++ {
		start := time.Now()
		train := cropData(sets[0].small, side, rng)
		perm := rng.Perm(train.Len())
		var lossSum float64
		var correct, seen int
		for lo := 0; lo+b <= len(perm); lo += b {
			l, c, err := t.Step(train, perm[lo:lo+b])
			if err != nil {
				return nil, err
			}
			lossSum, correct, seen = lossSum+l, correct+c, seen+b
		}
		secs := time.Since(start).Seconds()
		st := EpochStats{Epoch: ep, TrainLoss: lossSum / float64(seen), TrainAcc: float64(correct) / float64(seen),
			Seconds: secs, SamplesPerSec: float64(seen) / secs}
		if math.IsNaN(st.TrainLoss) || math.IsInf(st.TrainLoss, 0) {
			return nil, fmt.Errorf("model %s: epoch %d: training loss is %v", m.Name, ep, st.TrainLoss)
		}
		if st.ValidLoss, st.ValidAcc, err = ev.eval(valid); err != nil {
			return nil, err
		}
		h.Epochs = append(h.Epochs, st)
		tr.epoch(st)
		if tr.evalErr != nil {
			return nil, tr.evalErr
		}
		if progress != nil {
			fmt.Fprintf(progress, "%s epoch %d/%d: train loss %.4f acc %.4f | valid loss %.4f acc %.4f | test acc %.4f | %.1f s\n",
				m.Name, ep, cfg.ScratchEpochs, st.TrainLoss, st.TrainAcc, st.ValidLoss, st.ValidAcc, run.TestAcc[ep-1], secs)
		}
		opt.ScaleLR(cfg.ScratchLRDecay)
	}
	tr.finish(h)
	return run, nil
}

// RunFlowers is Q7.2: on the course's 40/20/20 split of Oxford Flowers 17
// (cfg.DataDir/flowers17) it
//
//  1. decodes every image once, preprocessing it as torchvision's ImageNet
//     models expect (ImageNetPreprocess(img, 256, 224)) and, for the
//     scratch CNN, to a small square;
//  2. runs SqueezeNet 1.1's feature layers with the ImageNet weights of
//     cfg.DataDir/squeezenet once per image (512 x 13 x 13 each, kept);
//  3. trains only a new classifier (NewFlowersHead) on those features;
//  4. trains NewFlowersCNN from scratch on the same split;
//
// and reports curves, the test accuracy of the best validation epoch and the
// time of each stage. Progress lines go to progress (may be nil).
func RunFlowers(cfg FlowersConfig, progress io.Writer) (*FlowersResult, error) {
	cfg.fill()
	start := startStage()
	files, classes, err := data.ReadFlowers17(filepath.Join(cfg.DataDir, "flowers17"))
	if err != nil {
		return nil, err
	}
	splits := flowerFiles(files, cfg.PerClass)
	res := &FlowersResult{Classes: classes, NumTrain: len(splits[0]), NumVal: len(splits[1]), NumTest: len(splits[2]), BLAS: blas.Name()}
	var sq *Model
	frozen := 0
	if !cfg.SkipFineTune {
		if sq, err = NewSqueezeNet11(224, classes, rand.New(rand.NewPCG(cfg.Seed, 1))); err != nil {
			return nil, err
		}
		if err := LoadSqueezeNetWeights(sq, filepath.Join(cfg.DataDir, "squeezenet", data.SqueezeNetFile), true); err != nil {
			return nil, err
		}
		for _, p := range sq.Params[:len(sq.Params)-2] {
			frozen += p.Value.Size()
		}
	}
	sets, err := loadFlowers(cfg, splits, sq, &res.Stages, progress)
	if err != nil {
		return nil, err
	}
	if sq != nil {
		sq.Close()
		t0 := startStage()
		if res.FineTune, err = fineTune(cfg, classes, sets, frozen, progress); err != nil {
			return nil, err
		}
		t0.add(&res.Stages.FineTune, &res.Stages.CPU.FineTune)
		for _, s := range sets {
			s.feats = nil
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
