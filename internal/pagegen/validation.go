package pagegen

// The validation pages: a second, smaller page set made by the same code
// from other handwriting fonts and another seed, for choosing among OCR
// recipes without looking at the held-out pages (Pages), which are the
// test. No validation page shares a font with a held-out page, and none uses
// EMNIST (the held-out pages take EMNIST's test split; the OCR model's own
// validation characters are the ones it holds out of EMNIST's training
// split). They are not committed: `go run ./cmd/pagegen --validation --out
// DIR` makes them (docs/q7_autodiff.md#the-ocr-default).

// ValidationSeed is the seed of the validation pages.
const ValidationSeed = 4099

// ValidationFonts are the fonts of the validation pages, from the same
// Debian packages as Fonts or ones like them; Generate finds them by name
// like the others.
var ValidationFonts = []Font{
	{"BecauseWeBuild", "fonts-bwht", "0.1-3", "opentype/bwht/BecauseWeBuild-Regular.otf",
		"202160d49b0cfbe8a812c5a75487058f7caba2398324214a1e6d34f24b68d855"},
	{"BecauseWeConnect", "fonts-bwht", "0.1-3", "opentype/bwht/BecauseWeConnect-Regular.otf",
		"c9c7135605a5c8cd143b611881c93383c6804166c4770810ab0c07dbbff3aac9"},
	{"BecauseWeCreate", "fonts-bwht", "0.1-3", "opentype/bwht/BecauseWeCreate-Regular.otf",
		"abdbea89b7de43bccae63975af1714a26a473584341d5c395fca1cb1c51ff48f"},
	{"Delphine", "fonts-sjfonts", "2.1-2", "truetype/sjfonts/Delphine.ttf",
		"afeea795e392f6b8e0cc4ba3978375908d1f29f8d82f1b7b15d9fdc755a05288"},
	{"ComicNeue", "fonts-comic-neue", "2.51-4", "opentype/comic-neue/ComicNeue-Regular.otf",
		"2728ee8f303e31934e62bf27b044fd7657b0613412d51f7444db1078cc3a7cb2"},
}

// ValidationPages are the validation pages: every validation font on two
// pages, every letter and digit on several.
var ValidationPages = []Spec{
	{Name: "v01_garden", Hands: []string{"BecauseWeBuild"}, Lines: []string{
		"GARDEN JOBS", "CUT THE GRASS", "PLANT 12 BULBS", "FIX THE GATE"}},
	{Name: "v02_quiz", Hands: []string{"BecauseWeConnect"}, Portrait: true, Lines: []string{
		"QUIZ NIGHT", "TEAM 5 WINS", "JACKPOT 90", "NEXT ROUND", "VOTE BY 8"}},
	{Name: "v03_parcel", Hands: []string{"BecauseWeCreate"}, Lines: []string{
		"PARCEL 7761", "LEFT WITH", "NEIGHBOUR AT 36", "SIGN HERE"}},
	{Name: "v04_sphinx", Hands: []string{"Delphine"}, Lines: []string{
		"SPHINX OF BLACK", "QUARTZ JUDGE", "MY VOW"}},
	{Name: "v05_bakery", Hands: []string{"ComicNeue"}, Portrait: true, Lines: []string{
		"BAKERY ORDER", "24 ROLLS", "3 CAKES", "BOX OF 6 BUNS", "PICK UP 9 AM"}},
	{Name: "v06_zoo", Hands: []string{"BecauseWeBuild", "Delphine"}, Lines: []string{
		"ZOO TRIP JULY", "MEET AT 10", "BRING WATER", "TICKETS 47 EACH"}},
	{Name: "v07_wizards", Hands: []string{"ComicNeue", "BecauseWeConnect"}, Lines: []string{
		"THE FIVE BOXING", "WIZARDS JUMP", "QUICKLY 1234", "567890"}},
	{Name: "v08_exam", Hands: []string{"BecauseWeCreate", "ComicNeue", "Delphine"}, Lines: []string{
		"EXAM WEEK", "PHYSICS 2 PM", "HALL B DESK 18", "NO CALCULATORS", "GOOD LUCK"}},
}

func init() { Fonts = append(Fonts, ValidationFonts...) }
