package ocr

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/data"
	"recog/internal/datatest"
	nn "recog/q2_nn"
	train "recog/q3_train"
)

// TestQ4_4_Q3Network_Full is the full tier of Q4 with the Q3 network: it
// retrains the network that q3_train embeds with the command of
// q3_train/model/README.md (train.ModelConfig: 50 epochs on NIST36), saves
// it as `recog q3 --save` does, compares the file with the committed one
// (logging the differences, as TestQ3_1_1_Full does), and reads the four
// photos with the retrained file, one crop at a time (`recog ocr --model
// FILE`): overall CER ≤ 0.15 (the committed network: 0.125). A regression
// in Q3 thus reaches Q4.
func TestQ4_4_Q3Network_Full(t *testing.T) {
	datatest.Full(t, "Q4 with the Q3 network: 50 epochs on NIST36, about 1 min")
	sets := &data.Splits{}
	sets.Train, _ = datatest.NIST36(t, "train")
	sets.Valid, _ = datatest.NIST36(t, "valid")
	sets.Test, _ = datatest.NIST36(t, "test")
	res, err := train.Run(sets, train.ModelConfig(), nil)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), train.DefaultModelFile)
	require.NoError(t, nn.SaveModel(path, res.Net, sets.Train.Classes, res.ModelMeta()))
	datatest.CompareModelFiles(t, datatest.RepoPath(t, "q3_train", "model", train.DefaultModelFile), path)

	net, h, err := nn.LoadModel(path)
	require.NoError(t, err)
	p, err := NetworkProbs(net, h.Classes)
	require.NoError(t, err)
	photos, err := PhotosIn(datatest.Dir(t, "images"))
	require.NoError(t, err)
	c, err := Compare(photos, []Reader{{Name: "q3", Model: p}})
	require.NoError(t, err)
	for _, rd := range c.Readings[0] {
		t.Logf("%s: CER %.4f (%d/%d)\n%s", rd.Photo.Name(), rd.Score.CER, rd.Score.Edits, rd.Score.Chars, rd.Result.Text)
	}
	total := c.Totals[0]
	t.Logf("retrained Q3 network: valid acc %.4f, test acc %.4f; overall CER %.4f (%d/%d)",
		res.Final().ValidAcc, res.TestAcc, total.CER(), total.Edits, total.Chars)
	require.Equal(t, 296, total.Chars)
	require.LessOrEqual(t, total.CER(), 0.15)
}
