package pagegen

import (
	"fmt"
	"strings"
)

// EMNISTHand names the hand that writes with EMNIST test characters.
const EMNISTHand = "emnist"

// Spec is one page of notes: its name, its text and the hands that write it.
type Spec struct {
	// Name is the file name without extension, e.g. "01_shopping".
	Name string
	// Lines are the transcript's lines: capitals A-Z, digits 0-9 and single
	// spaces between words.
	Lines []string
	// Hands are font names (see Fonts) or EMNISTHand; line i is written by
	// Hands[i mod len(Hands)].
	Hands []string
	// Portrait pages are taller than wide.
	Portrait bool
}

// Hand returns the hand that writes line i.
func (s Spec) Hand(i int) string { return s.Hands[i%len(s.Hands)] }

// Transcript returns the page's text as the .txt file holds it: the lines
// joined by newlines, with a final newline (the format of data/images/*.txt).
func (s Spec) Transcript() string { return strings.Join(s.Lines, "\n") + "\n" }

// Pages are the held-out pages. Words are all letters or all digits, as in the
// course's photos; the content varies between lists, sentences and numbers,
// short and long lines, 3 to 10 lines a page. Seven pages are written in
// fonts, four with EMNIST test characters and four mix both, line by line.
var Pages = []Spec{
	{Name: "01_shopping", Hands: []string{"Breip"}, Portrait: true, Lines: []string{
		"SHOPPING LIST", "2 LEMONS", "6 EGGS", "BREAD", "1 KG RICE", "OLIVE OIL", "TEA"}},
	{Name: "02_meeting", Hands: []string{EMNISTHand}, Lines: []string{
		"MEETING MOVED", "TO 3 PM", "ROOM 214", "BRING THE NUMBERS"}},
	{Name: "03_phone", Hands: []string{"HumorSans"}, Lines: []string{
		"CALL MOM BACK", "PHONE 555 0142", "ASK ABOUT SUNDAY", "AND THE CAKE"}},
	{Name: "04_pancakes", Hands: []string{EMNISTHand}, Lines: []string{
		"PANCAKES", "200 G FLOUR", "2 EGGS", "300 ML MILK", "A PINCH OF SALT", "FRY 2 MIN EACH SIDE"}},
	{Name: "05_fox", Hands: []string{"BecauseWeLearn"}, Lines: []string{
		"THE QUICK BROWN FOX", "JUMPS OVER", "THE LAZY DOG"}},
	{Name: "06_friday", Hands: []string{"SteveHand", EMNISTHand}, Portrait: true, Lines: []string{
		"TODO FRIDAY", "FIX THE BIKE", "RETURN BOOKS", "PAY RENT 850", "WATER PLANTS"}},
	{Name: "07_address", Hands: []string{"DKG"}, Lines: []string{
		"DR JANE SMITH", "42 HIGH STREET", "FLAT 7", "OXFORD"}},
	{Name: "08_weather", Hands: []string{EMNISTHand}, Lines: []string{
		"MONDAY 12 DEGREES", "RAIN IN THE EVENING", "TUESDAY 15 AND SUNNY", "WEDNESDAY WINDY"}},
	{Name: "09_invoice", Hands: []string{"TomsonTalks"}, Portrait: true, Lines: []string{
		"INVOICE 4417", "TOTAL 1280", "PAID 640", "DUE 640", "DATE 03 11 2026"}},
	{Name: "10_roses", Hands: []string{"BecauseWeOrganize"}, Lines: []string{
		"ROSES ARE RED", "VIOLETS ARE BLUE", "SUGAR IS SWEET", "AND SO ARE YOU"}},
	{Name: "11_directions", Hands: []string{"Rufscript", EMNISTHand}, Lines: []string{
		"TURN LEFT AT THE BRIDGE", "WALK 300 METRES", "GREEN DOOR ON THE RIGHT", "CODE 7359"}},
	{Name: "12_lecture", Hands: []string{EMNISTHand}, Portrait: true, Lines: []string{
		"NEURAL NETWORKS", "FORWARD PASS", "BACKWARD PASS", "GRADIENT DESCENT", "LEARNING RATE",
		"BATCH SIZE 64", "EPOCHS 30", "VALIDATION", "TEST ONLY ONCE", "SEED 2026"}},
	{Name: "13_jugs", Hands: []string{"YuseiMagic"}, Lines: []string{
		"PACK MY BOX WITH", "FIVE DOZEN", "LIQUOR JUGS"}},
	{Name: "14_alphabet", Hands: []string{"BecauseWeMentor", EMNISTHand}, Lines: []string{
		"ABCDEFG HIJKLMN", "OPQRSTU VWXYZ", "0123456789", "ABCDEFG HIJKLMN", "OPQRSTU VWXYZ", "0123456789"}},
	{Name: "15_train", Hands: []string{EMNISTHand, "Breip", "HumorSans"}, Lines: []string{
		"TRAIN TO LEEDS", "LEAVES AT 7 45", "PLATFORM 9", "COACH B SEAT 23", "CHANGE AT YORK"}},
}

// Check reports the first problem of the page specs: a name used twice, a
// line outside the format (A-Z, 0-9, single spaces between words), fewer than
// 3 or more than 10 lines, or an unknown hand.
func Check(pages []Spec) error {
	seen := map[string]bool{}
	for _, p := range pages {
		if p.Name == "" || seen[p.Name] {
			return fmt.Errorf("page %q: empty or repeated name", p.Name)
		}
		seen[p.Name] = true
		if n := len(p.Lines); n < 3 || n > 10 {
			return fmt.Errorf("page %s: %d lines, want 3 to 10", p.Name, n)
		}
		for i, l := range p.Lines {
			if err := checkLine(l); err != nil {
				return fmt.Errorf("page %s line %d %q: %w", p.Name, i+1, l, err)
			}
		}
		if len(p.Hands) == 0 {
			return fmt.Errorf("page %s: no hands", p.Name)
		}
		for _, h := range p.Hands {
			if _, ok := LookupFont(h); !ok && h != EMNISTHand {
				return fmt.Errorf("page %s: unknown hand %q", p.Name, h)
			}
		}
	}
	return nil
}

// checkLine accepts words of capitals or digits separated by single spaces.
func checkLine(l string) error {
	if l == "" {
		return fmt.Errorf("empty line")
	}
	for _, w := range strings.Split(l, " ") {
		if w == "" {
			return fmt.Errorf("leading, trailing or double space")
		}
		for _, r := range w {
			if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
				return fmt.Errorf("character %q is not A-Z or 0-9", r)
			}
		}
	}
	return nil
}
