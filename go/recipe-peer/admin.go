package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

type zadded struct {
	Member   string `json:"member"`
	ZaddAtMs int64  `json:"zaddAtMs"`
}

func adminZadd(args []string) error {
	flags := flag.NewFlagSet("admin zadd", flag.ContinueOnError)
	address := flags.String("redis", "", "Redis address host:port")
	key := flags.String("key", "config:delayed:push", "the recipe's ZSET")
	score := flags.String("score", "", "score (Unix seconds in the recipe)")
	fromStdin := flags.Bool("stdin", false, `read "SCORE MEMBER" lines from stdin`)
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *address == "" {
		return fmt.Errorf("--redis is required")
	}
	client := redis.NewClient(&redis.Options{Addr: *address})
	defer client.Close()
	ctx := context.Background()
	if err := client.Ping(ctx).Err(); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "ready")
	if !*fromStdin {
		if *score == "" || flags.NArg() != 1 {
			return fmt.Errorf("give --score S and one MEMBER, or --stdin")
		}
		return zadd(ctx, client, *key, *score, flags.Arg(0), json.NewEncoder(os.Stdout))
	}
	encoder := json.NewEncoder(os.Stdout)
	lines := bufio.NewScanner(os.Stdin)
	lines.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for lines.Scan() {
		scoreText, member, found := strings.Cut(lines.Text(), " ")
		if !found {
			return fmt.Errorf("want \"SCORE MEMBER\", got %q", lines.Text())
		}
		if err := zadd(ctx, client, *key, scoreText, member, encoder); err != nil {
			return err
		}
	}
	return lines.Err()
}

func zadd(ctx context.Context, client *redis.Client, key, scoreText, member string, encoder *json.Encoder) error {
	score, err := strconv.ParseFloat(scoreText, 64)
	if err != nil {
		return fmt.Errorf("score %q: %w", scoreText, err)
	}
	at := time.Now().UnixMilli()
	if err := client.ZAdd(ctx, key, redis.Z{Score: score, Member: member}).Err(); err != nil {
		return err
	}
	return encoder.Encode(zadded{member, at})
}
