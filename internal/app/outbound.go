package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/parley-chat/parley/internal/netguard"
)

// IntegrationMetrics is what the app reports about requests to integrations;
// *metrics.Metrics implements it.
type IntegrationMetrics interface {
	// IntegrationRequest records one request of kind (outgoing_webhook,
	// slash_command, link_preview) and whether it got a usable answer.
	IntegrationRequest(kind string, ok bool, d time.Duration)
	// IntegrationDropped records work refused because the queue was full.
	IntegrationDropped(kind string)
}

// Sizes of the outbound work queue. A slow integration occupies one worker
// for at most the integration timeout, so a handful of workers keeps up with
// normal traffic; beyond the queue, work is dropped (and counted) rather than
// slowing down posting.
const (
	outboundWorkers    = 4
	outboundQueue      = 512
	outboundRetries    = 3
	maxIntegrationBody = 1 << 20
)

// outbound is the bounded worker pool and the guarded HTTP client of an App.
type outbound struct {
	startOnce sync.Once
	jobs      chan outboundJob
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup

	mu        sync.Mutex
	client    *http.Client
	clientKey string
	metrics   IntegrationMetrics
	// retryBase is the first backoff delay; tests shorten it.
	retryBase time.Duration
}

type outboundJob struct {
	kind string
	fn   func(ctx context.Context)
}

// SetIntegrationMetrics makes the app report integration requests to m.
func (a *App) SetIntegrationMetrics(m IntegrationMetrics) {
	a.out.mu.Lock()
	defer a.out.mu.Unlock()
	a.out.metrics = m
}

// Close stops the outbound workers, abandoning queued work: webhooks and
// previews are best effort and never part of what a 201 promised. Audit
// entries waiting for the syslog server get auditSyslogDrain to go.
func (a *App) Close() {
	a.out.startOnce.Do(func() {}) // nothing started: nothing to stop
	if a.out.cancel != nil {
		a.out.cancel()
		a.out.wg.Wait()
	}
	a.closeAuditSyslog()
}

// enqueue runs fn on a worker. It never blocks: with the queue full the work
// is dropped and counted.
func (a *App) enqueue(ctx context.Context, kind string, fn func(ctx context.Context)) {
	a.out.startOnce.Do(func() {
		a.out.jobs = make(chan outboundJob, outboundQueue)
		a.out.ctx, a.out.cancel = context.WithCancel(context.Background())
		for range outboundWorkers {
			a.out.wg.Add(1)
			go a.outboundWorker()
		}
	})
	if a.out.jobs == nil {
		return // closed before first use
	}
	select {
	case a.out.jobs <- outboundJob{kind: kind, fn: fn}:
	default:
		a.log.WarnContext(ctx, "integration queue full; work dropped", "kind", kind)
		if m := a.integrationMetrics(); m != nil {
			m.IntegrationDropped(kind)
		}
	}
}

func (a *App) outboundWorker() {
	defer a.out.wg.Done()
	for {
		select {
		case <-a.out.ctx.Done():
			return
		case j := <-a.out.jobs:
			ctx, cancel := context.WithTimeout(a.out.ctx, 4*a.integrationTimeout())
			j.fn(ctx)
			cancel()
		}
	}
}

func (a *App) integrationMetrics() IntegrationMetrics {
	a.out.mu.Lock()
	defer a.out.mu.Unlock()
	return a.out.metrics
}

func (a *App) integrationTimeout() time.Duration {
	return time.Duration(a.Config().IntegrationTimeoutSec) * time.Second
}

// httpClient returns the guarded client for the settings in force, rebuilt
// when the allow-list or the timeout changes.
func (a *App) httpClient() *http.Client {
	cfg := a.Config()
	key := cfg.AllowedInternalHosts + "|" + strconv.Itoa(cfg.IntegrationTimeoutSec)
	a.out.mu.Lock()
	defer a.out.mu.Unlock()
	if a.out.client == nil || a.out.clientKey != key {
		a.out.client = netguard.NewClient(netguard.Options{Allow: netguard.NewAllow(cfg.InternalHosts()),
			Timeout: time.Duration(cfg.IntegrationTimeoutSec) * time.Second, MaxRedirects: 5})
		a.out.clientKey = key
	}
	return a.out.client
}

// integrationResponse is what came back from an integration.
type integrationResponse struct {
	Status      int
	ContentType string
	Body        []byte
}

// callIntegration sends the request built by newReq (called once per attempt,
// since a body cannot be sent twice) and reads at most 1 MiB of the answer.
// With retry, a request that never reached the integration (refused
// connection) or met 429/502/503/504 is tried again with backoff; requests
// to forbidden addresses and timeouts never are, so nothing fires twice.
func (a *App) callIntegration(ctx context.Context, kind string, retry bool, newReq func(ctx context.Context) (*http.Request, error)) (*integrationResponse, error) {
	attempts := 1
	if retry {
		attempts = outboundRetries
	}
	base := a.out.retryBase
	if base == 0 {
		base = 500 * time.Millisecond
	}
	var lastErr error
	for i := range attempts {
		if i > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(base << (i - 1)):
			}
		}
		start := time.Now()
		resp, err := a.doIntegration(ctx, newReq)
		ok := err == nil && resp.Status < 400
		if m := a.integrationMetrics(); m != nil {
			m.IntegrationRequest(kind, ok, time.Since(start))
		}
		if err == nil && !retryableStatus(resp.Status) {
			return resp, nil
		}
		if err == nil {
			lastErr = fmt.Errorf("integration answered %d", resp.Status)
			if i == attempts-1 {
				return resp, nil
			}
			continue
		}
		lastErr = err
		if !retryableErr(err) {
			break
		}
	}
	return nil, lastErr
}

func (a *App) doIntegration(ctx context.Context, newReq func(ctx context.Context) (*http.Request, error)) (*integrationResponse, error) {
	req, err := newReq(ctx)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "Parley/"+MattermostVersion)
	resp, err := a.httpClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxIntegrationBody))
	if err != nil {
		return nil, err
	}
	return &integrationResponse{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body}, nil
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusBadGateway ||
		code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}

// retryableErr: only failures to connect, where the integration certainly did
// not act on the request.
func retryableErr(err error) bool {
	if errors.Is(err, netguard.ErrForbiddenAddress) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && !op.Timeout()
}
