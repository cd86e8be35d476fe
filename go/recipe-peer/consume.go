package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/nsqio/go-nsq"
)

// ConfigPush is the recipe consumers' message type, exactly as they declare it: no json tags, so
// encoding/json matches "key" and "value" case-insensitively.
type ConfigPush struct {
	Key   string
	Value string
}

type decoded struct {
	ConfigPush
	DecodedAtMs int64 `json:"decodedAtMs"`
}

func consume(args []string) error {
	flags := flag.NewFlagSet("consume", flag.ContinueOnError)
	topic := flags.String("topic", "config_push", "NSQ topic")
	channel := flags.String("channel", "channel1", "NSQ channel")
	nsqd := flags.String("nsqd", "", "nsqd TCP address host:port")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *nsqd == "" {
		return fmt.Errorf("--nsqd is required")
	}
	config := nsq.NewConfig()
	// Without nsqlookupd, go-nsq reconnects to a lost nsqd after this interval (default 60 s); the
	// fault tests restart nsqd and want the consumer back within a second.
	config.LookupdPollInterval = time.Second
	consumer, err := nsq.NewConsumer(*topic, *channel, config)
	if err != nil {
		return err
	}
	consumer.SetLogger(log.New(io.Discard, "", 0), nsq.LogLevelError)
	var out sync.Mutex
	encoder := json.NewEncoder(os.Stdout)
	consumer.AddHandler(nsq.HandlerFunc(func(message *nsq.Message) error {
		var push ConfigPush
		if err := json.Unmarshal(message.Body, &push); err != nil {
			fmt.Fprintf(os.Stderr, "undecodable body %q: %v\n", message.Body, err)
			return nil // the recipe's consumers drop what they cannot decode
		}
		out.Lock()
		defer out.Unlock()
		return encoder.Encode(decoded{push, time.Now().UnixMilli()})
	}))
	if err := consumer.ConnectToNSQD(*nsqd); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "ready")
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-signals:
		consumer.Stop()
		<-consumer.StopChan
	case <-consumer.StopChan:
	}
	return nil
}
