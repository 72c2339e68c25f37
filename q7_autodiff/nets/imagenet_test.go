package nets

import (
	"image"
	"image/color"
	"testing"

	"github.com/stretchr/testify/require"
)

// Preprocessing a flat colour gives (v/255 - mean)/std everywhere, with the
// requested crop size; the longer side follows torchvision's rule.
func TestImageNetPreprocessFlat(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = 200, 100, 50, 255
	}
	x, err := ImageNetPreprocess(img, 64, 56)
	require.NoError(t, err)
	require.Len(t, x, 3*56*56)
	for c, v := range []float64{200, 100, 50} {
		want := (v/255 - float64(ImageNetMean[c])) / float64(ImageNetStd[c])
		for _, got := range x[c*56*56 : (c+1)*56*56] {
			require.InDelta(t, want, got, 1e-5)
		}
	}
	_, err = ImageNetPreprocess(img, 64, 65)
	require.Error(t, err)
}

// The centre crop lands where torchvision's CenterCrop puts it: a marker at
// the centre of a 256 x 300 image (resize 256 is then the identity) is at
// the centre of the 224 crop, with top = round(16) and left = round(38).
func TestImageNetPreprocessCrop(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 300, 256))
	img.SetGray(38+100, 16+50, color.Gray{255})
	x, err := ImageNetPreprocess(img, 256, 224)
	require.NoError(t, err)
	best := TopK(x[:224*224], 1)[0]
	require.Equal(t, [2]int{50, 100}, [2]int{best / 224, best % 224})
}

// ImageNetFiveCrops: view 0 is ImageNetPreprocess's centre crop, value for
// value, and a marker near each corner of a 300 x 256 image (resize 256 is
// the identity) is at its place in that corner's 224 crop (the crops start
// at rows 0 and 32, columns 0 and 76).
func TestImageNetFiveCrops(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 300, 256))
	markers := [4][2]int{{5, 7}, {5, 292}, {250, 7}, {250, 292}} // row, column: top-left, top-right, bottom-left, bottom-right
	for _, p := range markers {
		img.SetGray(p[1], p[0], color.Gray{255})
	}
	v, err := ImageNetFiveCrops(img, 256, 224)
	require.NoError(t, err)
	centre, err := ImageNetPreprocess(img, 256, 224)
	require.NoError(t, err)
	require.Equal(t, centre, v[0])
	for c, at := range [4][2]int{{5, 7}, {5, 292 - 76}, {250 - 32, 7}, {250 - 32, 292 - 76}} {
		require.Equal(t, at[0]*224+at[1], TopK(v[c+1][:224*224], 1)[0], "corner %d", c)
	}
	_, err = ImageNetFiveCrops(img, 64, 65)
	require.Error(t, err)
}
