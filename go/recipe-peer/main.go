// recipe-peer plays the two Go parts of the recipe that hotconf replaces, as the article writes them,
// so the tests can check hotconf against real Go clients:
//
//	recipe-peer consume --topic config_push --channel channel1 --nsqd ADDR
//	    a go-nsq consumer that json.Unmarshals each body into struct { Key string; Value string } and
//	    prints what it decoded as one JSON line: {"Key":…,"Value":…,"decodedAtMs":…}
//	recipe-peer admin zadd --redis ADDR --key K --score S MEMBER
//	    a go-redis ZADD, as the recipe's admin tools do
//	recipe-peer admin zadd --redis ADDR --key K --stdin
//	    the same for each line "SCORE MEMBER" read from stdin; prints {"member":…,"zaddAtMs":…} per ZADD
//
// "ready" goes to stderr once the consumer is connected (or the admin has its connection).
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) >= 2 && os.Args[1] == "consume" {
		exitOn(consume(os.Args[2:]))
		return
	}
	if len(os.Args) >= 3 && os.Args[1] == "admin" && os.Args[2] == "zadd" {
		exitOn(adminZadd(os.Args[3:]))
		return
	}
	fmt.Fprintln(os.Stderr, "usage: recipe-peer consume --topic T --channel C --nsqd ADDR\n"+
		"       recipe-peer admin zadd --redis ADDR --key K (--score S MEMBER | --stdin)")
	os.Exit(2)
}

func exitOn(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "recipe-peer:", err)
		os.Exit(1)
	}
}
