//go:build e2e

package e2e

// BenchmarkPluginAdd100MB: `plugin add --force` of a valid bundle of about 100 MB (the server
// part of hovercardexample and 100 MB of incompressible data), against the floor: the same
// file POSTed to the server's upload endpoint by a plain streaming Go request. Needs
// MATTERCTL_BENCH=1 (make bench-e2e); MATTERCTL_BENCH_MMCTL=path adds mmctl.
//
// Besides ns/op it reports peak-RSS-MB (the command's maximum resident set, see benchExec),
// x-floor (its wall time over the floor's) and MB/s.

import (
	"context"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/harness"
)

const benchPluginAsset = 100 << 20 // bytes of incompressible data in the bundle

// benchPluginBundle writes the 100 MB bundle once per process.
var benchPluginBundle = sync.OnceValues(func() (string, error) {
	fx, err := harness.BuildPlugin(context.Background(), harness.OptionsFromEnv(), harness.PluginHovercard)
	if err != nil {
		return "", err
	}
	files, err := harness.TreeFiles(fx.Dir)
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "matterctl-bench-plugin-")
	if err != nil {
		return "", err
	}
	// ChaCha8 output does not compress: the bundle stays about as large as the asset.
	rng := rand.NewChaCha8([32]byte{'m', 'a', 't', 't', 'e', 'r', 'c', 't', 'l'})
	files = append(files, harness.BundleFile{Name: "assets/random.bin", Body: rng, Size: benchPluginAsset})
	p := filepath.Join(dir, "hovercardexample-100mb.tar.gz")
	if err := harness.WriteBundleFile(p, fx.ID, files); err != nil {
		return "", err
	}
	return p, nil
})

// benchPluginUploadFloor POSTs the bundle to /api/v4/plugins as a streamed multipart body,
// as the admin, and fails unless the server installs it.
func benchPluginUploadFloor(b *testing.B, path string) time.Duration {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("plugin", filepath.Base(path))
		if err == nil {
			_, err = io.Copy(part, f)
		}
		if err == nil {
			err = mw.WriteField("force", "true")
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/v4/plugins", pr)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+adminToken)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wall := time.Since(start)
	if resp.StatusCode != http.StatusCreated {
		b.Fatalf("POST /api/v4/plugins: HTTP %d: %s", resp.StatusCode, clip(string(body)))
	}
	return wall
}

func BenchmarkPluginAdd100MB(b *testing.B) {
	if os.Getenv("MATTERCTL_BENCH") != "1" {
		b.Skip("set MATTERCTL_BENCH=1 (make bench-e2e) to run the server benchmarks")
	}
	path, err := benchPluginBundle()
	if err != nil {
		b.Fatalf("writing the 100 MB bundle: %v", err)
	}
	b.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(path)) })
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	mb := float64(fi.Size()) / 1e6

	// The server refuses uploads above FileSettings.MaxFileSize (100 MiB by default).
	setServerSetting(b, "FileSettings", "MaxFileSize", fi.Size()*2)
	b.Cleanup(func() { plRemove(b, harness.PluginHovercard) })

	// The floor, measured first: the ratios below are to its mean.
	var floor time.Duration
	b.Run("floor-http-post", func(b *testing.B) {
		var total time.Duration
		b.StopTimer()
		for range b.N {
			plRemove(b, harness.PluginHovercard) // as before each command below
			b.StartTimer()
			total += benchPluginUploadFloor(b, path)
			b.StopTimer()
		}
		floor = total / time.Duration(b.N)
		b.ReportMetric(mb/floor.Seconds(), "MB/s")
	})
	if floor == 0 {
		b.Fatal("no floor measured")
	}

	tools := []struct {
		name string
		bin  string
	}{{"matterctl", bin}}
	if p := benchMmctl(); p != "" {
		tools = append(tools, struct {
			name string
			bin  string
		}{"mmctl", p})
	}
	for _, tool := range tools {
		b.Run(tool.name, func(b *testing.B) {
			c, _ := benchCLI(b, benchRoute{name: "direct"})
			if tool.name == "mmctl" {
				c, _ = benchToolCLI(b, benchTool{name: "mmctl", mmctl: true}, benchRoute{name: "direct"})
			}
			var rep benchReport
			var wall time.Duration
			b.StopTimer()
			for range b.N {
				plRemove(b, harness.PluginHovercard)
				var run benchRun
				b.StartTimer()
				withBinary(tool.bin, func() { run = benchExec(b, c, nil, "plugin", "add", path, "--force") })
				b.StopTimer()
				if _, ok := plInstalled(b)[harness.PluginHovercard]; !ok {
					b.Fatalf("%s plugin add did not install %s", tool.name, harness.PluginHovercard)
				}
				rep.add(run, nil)
				wall += run.wall
			}
			mean := wall / time.Duration(b.N)
			b.ReportMetric(rep.peakRSS, "peak-RSS-MB")
			b.ReportMetric(rep.cpu.Seconds()/float64(rep.runs), "cpu-s/op")
			b.ReportMetric(mb/mean.Seconds(), "MB/s")
			b.ReportMetric(mean.Seconds()/floor.Seconds(), "x-floor")
			b.Logf("%s: %.0f MB bundle in %s (floor %s), peak RSS %.1f MB", tool.name, mb, mean.Round(time.Millisecond), floor.Round(time.Millisecond), rep.peakRSS)
		})
	}
}
