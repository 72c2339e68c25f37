package pipeline

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"recog/internal/report"
)

// The stages are in an order that runs: every stage needs only stages
// before it, names are unique, and every section of the report names
// stages that exist.
func TestStagesOrder(t *testing.T) {
	var seen []string
	for _, st := range Stages {
		require.NotContains(t, seen, st.Name, "duplicate stage")
		for _, n := range st.Needs {
			require.Contains(t, seen, n, "%s needs %s, which comes later or not at all", st.Name, n)
		}
		require.NotNil(t, st.Run, st.Name)
		seen = append(seen, st.Name)
	}
	for _, sec := range report.Sections {
		for _, n := range sec.Stages {
			require.True(t, slices.Contains(seen, n), "section %s names stage %s", sec.File, n)
		}
	}
}

// Quick settings are smaller than the default ones everywhere, and every
// Q7.1 CNN trains at least two epochs (the curves are lines).
func TestDefaults(t *testing.T) {
	q, d := Defaults(true), Defaults(false)
	require.Less(t, q.Q3Epochs, d.Q3Epochs)
	require.Less(t, q.Q5Epochs, d.Q5Epochs)
	require.Less(t, q.Flowers.FineTuneEpochs, d.Flowers.FineTuneEpochs)
	for _, task := range []string{"mnist", "nist36", "emnist"} {
		require.GreaterOrEqual(t, q.CNN[task].Epochs, 2, task)
		require.Equal(t, uint64(1), d.CNN[task].Seed, task)
	}
}

// The data stage is the run's Fetch, and q4 without the q3 stage's network
// fails with a message instead of a nil dereference.
func TestStagesWithoutData(t *testing.T) {
	r := &Run{Fetch: func() error { return errors.New("offline") }}
	_, err := Stages[0].Run(r)
	require.EqualError(t, err, "offline")
	_, err = r.q4()
	require.ErrorContains(t, err, "q3 stage did not run")
}
