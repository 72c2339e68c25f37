package autodiff

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/datatest"
)

// TestFlowersFullRun is the whole of Q7.2 with the default settings (several
// minutes): it runs only when RECOG_Q7_FLOWERS_FULL=1 and checks the target
// fine-tuned test accuracy >= 0.90.
func TestFlowersFullRun(t *testing.T) {
	if os.Getenv("RECOG_Q7_FLOWERS_FULL") != "1" {
		t.Skip("set RECOG_Q7_FLOWERS_FULL=1 to run the full Q7.2 experiment")
	}
	datatest.Dir(t, "flowers17")
	sq := datatest.Dir(t, "squeezenet")
	cfg := DefaultFlowersConfig(filepath.Dir(sq))
	r, err := RunFlowers(cfg, testWriter{t})
	require.NoError(t, err)
	_, ft := r.FineTune.Best()
	_, sc := r.Scratch.Best()
	t.Logf("fine-tuned test acc %.4f (epoch %d), scratch test acc %.4f (epoch %d), stages %+v",
		ft, r.FineTune.BestEpoch, sc, r.Scratch.BestEpoch, r.Stages)
	require.GreaterOrEqual(t, ft, 0.90)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}

func TestFlowersSmokeTmp(t *testing.T) {
	datatest.Dir(t, "flowers17")
	sq := datatest.Dir(t, "squeezenet")
	cfg := DefaultFlowersConfig(filepath.Dir(sq))
	cfg.PerClass = 2
	cfg.FineTuneEpochs = 3
	cfg.ScratchEpochs = 2
	r, err := RunFlowers(cfg, testWriter{t})
	require.NoError(t, err)
	t.Logf("%+v", r.Stages)
}
