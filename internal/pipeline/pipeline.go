// Package pipeline is the run of `recog all`: every question end to end,
// one stage after the other, each calling its question's runner with the
// settings of the run (the same runner its subcommand calls) and returning
// what it produced, its metrics and figures, as values. The command writes
// them, each stage into its own folder, then the report (internal/report).
//
// A stage gets what earlier stages left for it through the Run: the NIST36
// splits (loaded once), the decoded photos (shared by q4 and
// q7_emnist_photos), the Q3 network just trained (read by q4), the EMNIST
// CNN (read by q7_emnist_photos). Nothing is read back from files and
// nothing from golden/.
package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"recog/internal/data"
	"recog/internal/viz"
	nn "recog/q2_nn"
	train "recog/q3_train"
	ocr "recog/q4_ocr"
	"recog/q5_autoencoder"
	"recog/q6_pca"
	autodiff "recog/q7_autodiff"
	"recog/q7_autodiff/flowers"
	"recog/q7_autodiff/nets"
)

// Settings are the sizes of one run. A zero size is the runner's own
// default (train.DefaultConfig, autoencoder.ModeOptions, autodiff.Tasks,
// flowers.DefaultConfig): the settings each question's docs page reports,
// kept in one place, the runner.
type Settings struct {
	Q3Epochs, SweepEpochs      int
	Q5Epochs, Q5ImprovedEpochs int
	// Q7 are the options of the Q7.1 tasks by name (mlp, mnist, nist36,
	// emnist): epochs and subsets, zero for the task's own.
	Q7      map[string]autodiff.Options
	Flowers flowers.Config
}

// Defaults returns the settings of a default run, every question at its
// runner's defaults with all the data (the zero Settings), or of a quick
// one (a few epochs, small subsets; every Q7.1 CNN at least 2 epochs, so
// that its curves are lines).
func Defaults(quick bool) Settings {
	if !quick {
		return Settings{}
	}
	cnn := func(epochs, train, eval int) autodiff.Options {
		return autodiff.Options{Epochs: epochs, TrainLimit: train, EvalLimit: eval}
	}
	return Settings{Q3Epochs: 5, SweepEpochs: 3, Q5Epochs: 3, Q5ImprovedEpochs: 3,
		Q7:      map[string]autodiff.Options{"mlp": {Epochs: 3}, "mnist": cnn(2, 500, 500), "nist36": cnn(2, 1000, 500), "emnist": cnn(2, 1000, 500)},
		Flowers: flowers.Config{PerClass: 4, FineTuneEpochs: 5, ScratchEpochs: 2}}
}

// Output is what a stage produced: its metrics (a question's typed
// Metrics), its figures and, for a stage that trains a model kept as a
// file, the model (Models, by file name).
type Output struct {
	Metrics any
	Figures []viz.Figure
	Models  map[string]func(path string) error
}

// Stage is one step of the run; its metrics go under its name.
type Stage struct {
	Name, What string
	Needs      []string // stages that must have succeeded first
	Run        func(r *Run) (*Output, error)
}

// Run is the state of one run: its settings, where the data is, where the
// stages' progress goes, and what one stage hands to a later one.
type Run struct {
	DataDir string
	Mirror  string // the mirror of the data stage ("": $RECOG_MIRROR, else ../shared/data)
	Set     Settings
	Log     io.Writer
	// Fetch, when set, replaces the data stage's fetching (fetch).
	Fetch func() error

	nist   *data.Splits
	photos []ocr.Photo
	q3net  *nn.Network
	emnist *nets.Model
}

// Close releases the models the run holds.
func (r *Run) Close() {
	if r.emnist != nil {
		r.emnist.Close()
	}
}

// Stages are the stages in order.
var Stages = []Stage{
	{Name: "data", What: "fetch and verify the data sets", Run: (*Run).fetch},
	{Name: "q3", What: "train the Q3 network on NIST36", Needs: []string{"data"}, Run: (*Run).q3},
	{Name: "q3_sweep", What: "Q3.1.2 learning-rate sweep", Needs: []string{"data"}, Run: (*Run).q3Sweep},
	{Name: "q4", What: "Q4 read the four photos with the Q3 network", Needs: []string{"data", "q3"}, Run: (*Run).q4},
	{Name: "q5", What: "Q5 autoencoder, the assignment's recipe", Needs: []string{"data"}, Run: q5(autoencoder.ModeDefault)},
	{Name: "q5_improved", What: "Q5 autoencoder, improved recipe", Needs: []string{"data"}, Run: q5(autoencoder.ModeImproved)},
	{Name: "q6", What: "Q6 PCA", Needs: []string{"data"}, Run: (*Run).q6},
	{Name: "q7_mlp", What: "Q7.1.1 the Q3 network in gorgonia", Needs: []string{"data"}, Run: q7("mlp")},
	{Name: "q7_mnist", What: "Q7.1.2 CNN on MNIST", Needs: []string{"data"}, Run: q7("mnist")},
	{Name: "q7_nist36", What: "Q7.1.3 CNN on NIST36", Needs: []string{"data"}, Run: q7("nist36")},
	{Name: "q7_emnist", What: "Q7.1.4 CNN on EMNIST Balanced", Needs: []string{"data"}, Run: q7("emnist")},
	{Name: "q7_emnist_photos", What: "Q7.1.4 the EMNIST CNN on the Q4 photos", Needs: []string{"q7_emnist"}, Run: (*Run).emnistPhotos},
	{Name: "q7_flowers", What: "Q7.2.1 SqueezeNet fine-tuning and a CNN from scratch on Flowers 17", Needs: []string{"data"}, Run: (*Run).flowers},
}

// fetch makes every data set complete in DataDir, as `recog data` does
// (data.FetchSets, its report in the log). Ctrl-C during the fetch stops
// it cleanly, leaving nothing partial, and fails the stage; after the
// stage Ctrl-C ends the program again.
func (r *Run) fetch() (*Output, error) {
	if r.Fetch != nil {
		return &Output{}, r.Fetch()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opt := data.FetchOptions{Dir: r.DataDir, Mirror: cmp.Or(r.Mirror, data.DefaultMirror())}
	return &Output{}, data.FetchSets(ctx, data.Sets(), opt, r.Log, r.Log)
}

// nist36 returns the three NIST36 splits, loaded once for every stage.
func (r *Run) nist36() (*data.Splits, error) {
	if r.nist == nil {
		s, err := data.LoadNIST36Splits(r.DataDir, "train", "valid", "test")
		if err != nil {
			return nil, err
		}
		r.nist = s
	}
	return r.nist, nil
}

// photosIn returns the photos of data/images decoded, with their
// transcripts, decoded once.
func (r *Run) photosIn() ([]ocr.Photo, error) {
	if r.photos == nil {
		p, err := ocr.PhotosIn(filepath.Join(r.DataDir, "images"))
		if err != nil {
			return nil, err
		}
		r.photos = p
	}
	return r.photos, nil
}

// Q3DeepClasses are the classes of the deep-layer figure, A, T and 3, as
// `recog q3` draws them by default.
var Q3DeepClasses = []int{0, 19, 29}

func (r *Run) q3() (*Output, error) {
	sets, err := r.nist36()
	if err != nil {
		return nil, err
	}
	cfg := train.DefaultConfig()
	cfg.Epochs, cfg.DeepClasses = cmp.Or(r.Set.Q3Epochs, cfg.Epochs), Q3DeepClasses
	res, err := train.Run(sets, cfg, nil)
	if err != nil {
		return nil, err
	}
	r.q3net = res.Net
	const file = "q3_model.safetensors"
	res.Metrics.ModelPath = file
	save := func(path string) error { return nn.SaveModel(path, res.Net, sets.Train.Classes, res.ModelMeta()) }
	fmt.Fprintf(r.Log, "q3: train acc %.4f, valid acc %.4f, test acc %.4f\n", res.Metrics.TrainAcc, res.Metrics.ValidAcc, res.Metrics.TestAcc)
	return &Output{Metrics: res.Metrics, Figures: res.Figures, Models: map[string]func(string) error{file: save}}, nil
}

func (r *Run) q3Sweep() (*Output, error) {
	sets, err := r.nist36()
	if err != nil {
		return nil, err
	}
	cfg := train.DefaultConfig()
	cfg.Epochs = cmp.Or(r.Set.SweepEpochs, cfg.Epochs)
	sw, err := train.Sweep(sets, cfg, train.SweepRates(cfg.LR), nil)
	if err != nil {
		return nil, err
	}
	return &Output{Metrics: sw.Metrics, Figures: sw.Figures}, nil
}

// q4 reads every photo of data/images with the network of the q3 stage and
// scores it against the photo's transcript (ocr.Run), with the two failure
// examples of Q4.1.
func (r *Run) q4() (*Output, error) {
	if r.q3net == nil {
		return nil, errors.New("no Q3 network: the q3 stage did not run")
	}
	p, err := ocr.NetworkProbs(r.q3net, data.NIST36Classes)
	if err != nil {
		return nil, err
	}
	photos, err := r.photosIn()
	if err != nil {
		return nil, err
	}
	res, err := ocr.Run(photos, ocr.Options{Reader: ocr.Reader{Model: p}, Model: "q3/q3_model.safetensors (this run)",
		OverlayMax: 1000, Failures: true})
	if err != nil {
		return nil, err
	}
	for _, rd := range res.Readings {
		s := rd.Score
		fmt.Fprintf(r.Log, "%s: CER %.3f (%d/%d), boxes recall %.3f precision %.3f\n", filepath.Base(rd.Photo.Path), s.CER, s.Edits, s.Chars, s.Boxes.Recall, s.Boxes.Precision)
	}
	return &Output{Metrics: res.Metrics, Figures: res.Figures}, nil
}

func q5(mode autoencoder.Mode) func(*Run) (*Output, error) {
	return func(r *Run) (*Output, error) {
		sets, err := r.nist36()
		if err != nil {
			return nil, err
		}
		opt, _ := autoencoder.ModeOptions(mode)
		opt.Epochs, opt.Progress = cmp.Or(r.Set.Q5Epochs, opt.Epochs), r.Log
		if mode == autoencoder.ModeImproved {
			opt.Epochs = cmp.Or(r.Set.Q5ImprovedEpochs, opt.Epochs)
		}
		res, err := autoencoder.Run(sets, opt, nil)
		if err != nil {
			return nil, err
		}
		return &Output{Metrics: res.Metrics, Figures: res.Figures}, nil
	}
}

func (r *Run) q6() (*Output, error) {
	sets, err := r.nist36()
	if err != nil {
		return nil, err
	}
	res, err := pca.Run(sets, pca.Options{AutoencoderParams: autoencoder.ParamCount()})
	if err != nil {
		return nil, err
	}
	return &Output{Metrics: res.Metrics, Figures: res.Figures}, nil
}

// q7 trains a Q7.1 task as `recog q7 TASK` does, with the options of
// Set.Q7[task] and seed 1: the MLP (its model kept as a file) and the CNNs.
// The EMNIST CNN is kept for q7_emnist_photos.
func q7(task string) func(*Run) (*Output, error) {
	return func(r *Run) (*Output, error) {
		opt := r.Set.Q7[task]
		opt.Seed, opt.Progress = 1, r.Log
		s, err := autodiff.LoadTaskData(autodiff.Tasks[task], r.DataDir)
		if err != nil {
			return nil, err
		}
		res, err := autodiff.Run(autodiff.Tasks[task], s, opt)
		if err != nil {
			return nil, err
		}
		out := &Output{Metrics: res.Metrics, Figures: res.Figures}
		if task == "emnist" {
			r.emnist = res.Model
			return out, nil
		}
		res.Model.Close() // the inference graph; Save needs only the parameters
		if task == "mlp" {
			out.Models = map[string]func(string) error{"q7_" + task + ".safetensors": res.Model.Save}
		}
		return out, nil
	}
}

// emnistPhotos reads the Q4 photos with the EMNIST CNN of the q7_emnist
// stage, crop by crop and with the word rule, and with the embedded EMNIST
// CNN (autodiff.OpenOCRModel(""): its views of each crop) with the word
// rule, without and with lexicon decoding (the second as `recog ocr` reads
// by default), and scores them (ocr.Compare).
func (r *Run) emnistPhotos() (*Output, error) {
	photos, err := r.photosIn()
	if err != nil {
		return nil, err
	}
	def, err := autodiff.OpenOCRModel("")
	if err != nil {
		return nil, err
	}
	defer def.Close()
	em := autodiff.EMNISTProbs(r.emnist, nil)
	c, err := ocr.Compare(photos, []ocr.Reader{{Model: em}, {Name: "words", Model: em, Words: true},
		{Name: "default_words", Model: def.Probs, Words: true},
		{Name: "default_lexicon", Model: def.Probs, Words: true, Lexicon: ocr.DefaultLexicon(), Margin: ocr.DefaultLexiconMargin}})
	if err != nil {
		return nil, err
	}
	return &Output{Metrics: c.Metrics}, nil
}

// flowers runs Q7.2 with Set.Flowers (zero fields: flowers.DefaultConfig's),
// as `recog q7 flowers` does.
func (r *Run) flowers() (*Output, error) {
	cfg := r.Set.Flowers
	cfg.DataDir, cfg.Seed = r.DataDir, 1
	res, err := flowers.Run(cfg, r.Log)
	if err != nil {
		return nil, err
	}
	res.Close()
	figs, err := res.Figures()
	if err != nil {
		return nil, err
	}
	return &Output{Metrics: res.Metrics(cfg), Figures: figs}, nil
}
