package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	_ "recog/internal/blas"
	"recog/internal/data"
	train "recog/q3_train"
)

func main() {
	dir := "/work/main/data/nist36/"
	tr, _ := data.LoadNIST36(dir+"nist36_train.mat", "train")
	va, _ := data.LoadNIST36(dir+"nist36_valid.mat", "valid")
	te, _ := data.LoadNIST36(dir+"nist36_test.mat", "test")
	epochs, _ := strconv.Atoi(os.Args[1])
	for _, spec := range os.Args[2:] {
		p := strings.Split(spec, ",")
		lr, _ := strconv.ParseFloat(p[0], 64)
		b, _ := strconv.Atoi(p[1])
		c := train.DefaultConfig()
		c.LR, c.BatchSize, c.Epochs = lr, b, epochs
		r, err := train.Run(train.Sets{tr, va, te}, c, nil)
		if err != nil {
			fmt.Println(spec, err)
			continue
		}
		best, be := 0.0, 0
		for _, m := range r.History {
			if m.ValidAcc > best {
				best, be = m.ValidAcc, m.Epoch
			}
		}
		f := r.Final()
		fmt.Printf("lr %g batch %d: final train %.4f valid %.4f (loss %.4f) test %.4f; best valid %.4f at %d; %.3f s/epoch\n",
			lr, b, f.TrainAcc, f.ValidAcc, f.ValidLoss, r.TestAcc, best, be, r.SecondsPerEpoch())
	}
}
