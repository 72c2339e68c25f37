//go:build ignore

// gen.go writes words.txt, the lexicon of `recog ocr` (ocr.DefaultLexicon),
// from the word lists of Debian's packages wamerican and wbritish (SCOWL,
// see COPYRIGHT): every entry made of the letters A-Z only (no apostrophes,
// accents or hyphens), of 2 to 20 letters, in capitals, once, sorted.
//
//	apt-get install wamerican wbritish
//	cd q4_ocr/lexicon && go run gen.go
package main

import (
	"bufio"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
)

var sources = []string{"/usr/share/dict/american-english", "/usr/share/dict/british-english"}

func main() {
	seen := map[string]bool{}
	for _, path := range sources {
		f, err := os.Open(path)
		if err != nil {
			log.Fatalf("%v (apt-get install wamerican wbritish)", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			w := strings.ToUpper(strings.TrimSpace(sc.Text()))
			if len(w) >= 2 && len(w) <= 20 && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
				seen[w] = true
			}
		}
		if err := sc.Err(); err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		f.Close()
	}
	words := make([]string, 0, len(seen))
	for w := range seen {
		words = append(words, w)
	}
	slices.Sort(words)
	out, err := os.Create("words.txt")
	if err != nil {
		log.Fatal(err)
	}
	bw := bufio.NewWriter(out)
	for _, w := range words {
		fmt.Fprintln(bw, w)
	}
	if err := bw.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote words.txt: %d words", len(words))
}
